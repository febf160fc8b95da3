//! The stored consent value comes from a cookie and localStorage, which any
//! script or person can change. Decoding must never panic, and what it
//! accepts must survive its own round trip. Most random values fail the
//! checksum, so each input is also tried with a valid one appended: that is
//! what reaches the parser behind it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mohprompt_privacy::consent::Consent;
use mohprompt_privacy::policy::Policy;
use std::sync::LazyLock;

static POLICY: LazyLock<Policy> = LazyLock::new(Policy::mohprompt);

/// `body|<FNV-1a of body, 8 hex digits>`, the stored form's checksum.
fn with_checksum(body: &str) -> String {
    let sum = body.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    format!("{body}|{sum:08x}")
}

fn check(stored: &str) {
    for gpc in [false, true] {
        if let Ok(consent) = Consent::decode(stored, &POLICY, gpc) {
            let again = Consent::decode(&consent.encode(), &POLICY, gpc)
                .expect("an accepted value encodes to one that is accepted again");
            assert_eq!(again, consent);
            // Whatever was accepted, asking what is still due must work.
            let _ = consent.pending(&POLICY);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check(text);
    check(&with_checksum(text));
});
