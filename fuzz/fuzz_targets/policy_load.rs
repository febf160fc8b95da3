//! A policy may be served by another team or edited by hand. Loading must
//! never panic: it accepts a policy or names the path of the first bad value.
//! What it accepts must work with the rest of the crate.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mohprompt_privacy::consent::Consent;
use mohprompt_privacy::policy::Policy;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Policy::from_json(text) {
        Ok(policy) => {
            let consent = Consent::new(&policy, false);
            let _ = consent.pending(&policy);
            for id in policy
                .categories
                .iter()
                .map(|c| &c.id)
                .chain(policy.purposes.iter().map(|p| &p.id))
            {
                let _ = policy.revision_of(id);
                let _ = consent.state(&policy, id);
            }
        }
        Err(error) => assert!(!error.problem.is_empty(), "an error says what is wrong"),
    }
});
