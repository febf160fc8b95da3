//! Google Consent Mode v2: the signals a page's `gtag` is told, derived from
//! the cookie categories. Each category lists the signals it stands for in the
//! policy; a signal is granted when a category that lists it is allowed.

use crate::consent::Consent;
use crate::policy::{CONSENT_MODE_SIGNALS, Policy};
use alloc::vec::Vec;

/// Every Consent Mode signal with whether it is granted now.
///
/// ```
/// use mohprompt_privacy::{consent::{Choice, Consent}, consent_mode::signals, policy::Policy};
/// let policy = Policy::mohprompt();
/// let mut consent = Consent::new(&policy, false);
/// assert!(signals(&policy, &consent).contains(&("analytics_storage", false)));
/// consent.decide(&policy, "statistics", Choice::Granted, 0);
/// assert!(signals(&policy, &consent).contains(&("analytics_storage", true)));
/// ```
pub fn signals(policy: &Policy, consent: &Consent) -> Vec<(&'static str, bool)> {
    CONSENT_MODE_SIGNALS
        .iter()
        .map(|signal| {
            let granted = policy.categories.iter().any(|c| {
                c.consent_mode.contains(signal)
                    && consent.state(policy, &c.id).is_some_and(|s| s.allows())
            });
            (*signal, granted)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::Choice;

    #[test]
    fn before_any_decision_only_security_storage_is_granted() {
        let policy = Policy::mohprompt();
        let consent = Consent::new(&policy, false);
        let granted: Vec<&str> = signals(&policy, &consent)
            .into_iter()
            .filter(|s| s.1)
            .map(|s| s.0)
            .collect();
        assert_eq!(granted, ["security_storage"]);
    }

    #[test]
    fn advertising_signals_stay_denied_when_everything_is_accepted() {
        let policy = Policy::mohprompt();
        let mut consent = Consent::new(&policy, false);
        for c in &policy.categories {
            consent.decide(&policy, &c.id, Choice::Granted, 0);
        }
        for (signal, granted) in signals(&policy, &consent) {
            assert_eq!(granted, !signal.starts_with("ad_"), "{signal}");
        }
    }
}
