//! Consent for cookie categories and purposes: the decisions a person made,
//! how they are stored, and what is still to be asked. A purpose that shares
//! a category's id (`statistics`) has one decision for both.
//!
//! Stored form, kept in a first-party cookie and mirrored in localStorage:
//!
//! ```text
//! 1|2026.11-1|preferences:1:d:t5u8k0|contact:3735928559:g:t5u8k0|9f86d081
//! ^ ^         ^ id:revision:g(ranted)/d(enied):decided-at (unix s, base 36)
//! | policy version   (revision: a category's, or a purpose's content hash)
//! format                                     FNV-1a 32 of what precedes ^
//! format
//! ```
//!
//! It holds consent state only, never personal data. A value that does not
//! decode exactly is discarded whole: a damaged record is never read as consent.

use crate::policy::Policy;
use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// A person's answer for one category or purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// They said yes.
    Granted,
    /// They said no.
    Denied,
}

/// Where a category or purpose stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Strictly necessary; not asked.
    AlwaysOn,
    /// An explicit yes at the category's current revision.
    Granted,
    /// An explicit no at the current revision.
    Denied,
    /// Not asked yet, but off because the browser sent Global Privacy Control.
    DeniedBySignal,
    /// Not decided at the current revision: off, and to be asked.
    Unset,
    /// A purpose resting on another legal basis than consent: shown, not asked.
    Notice,
}

impl State {
    /// Whether the category's scripts and cookies may run, or the purpose's
    /// use may go ahead (a notice goes ahead on its own legal basis).
    pub fn allows(self) -> bool {
        matches!(self, State::AlwaysOn | State::Granted | State::Notice)
    }

    /// The name the JS API reports for it.
    pub fn as_str(self) -> &'static str {
        match self {
            State::AlwaysOn | State::Granted => "granted",
            State::Denied | State::DeniedBySignal => "denied",
            State::Unset => "unset",
            State::Notice => "notice",
        }
    }
}

/// One recorded decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Category or purpose id.
    pub id: String,
    /// What the person saw: [`Policy::revision_of`] at the time.
    pub revision: u32,
    /// Their answer.
    pub choice: Choice,
    /// When, in seconds since the Unix epoch (UTC).
    pub decided_at: u64,
}

/// Why a stored value was discarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// Not in the stored format.
    Malformed,
    /// The checksum does not match the content.
    Tampered,
    /// Names an id the policy does not ask about.
    UnknownId,
    /// Made under another policy version.
    OtherVersion,
}

impl DecodeError {
    /// A stable code page code can match on.
    pub fn code(self) -> &'static str {
        match self {
            DecodeError::Malformed => "consent_malformed",
            DecodeError::Tampered => "consent_tampered",
            DecodeError::UnknownId => "consent_unknown_id",
            DecodeError::OtherVersion => "consent_other_version",
        }
    }

    /// Why the value was discarded, in words (no personal data: the value is not quoted).
    pub fn as_str(self) -> &'static str {
        match self {
            DecodeError::Malformed => "stored consent is malformed",
            DecodeError::Tampered => "stored consent fails its checksum",
            DecodeError::UnknownId => "stored consent names an unknown category or purpose",
            DecodeError::OtherVersion => "stored consent is for another policy version",
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How long a decision holds before it is asked again: a year. The PDPA sets
/// no period; renewing yearly keeps consent current.
pub const DECISION_LIFETIME_SECONDS: u64 = 365 * 24 * 60 * 60;

/// Longer stored values are refused before any parsing.
const MAX_STORED_LEN: usize = 2048;

/// The decisions made under one policy version, plus the browser's signals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    /// The policy version the decisions were made under.
    pub policy_version: String,
    /// At most one decision per id, in the order they were first made.
    pub decisions: Vec<Decision>,
    /// Global Privacy Control was on: undecided categories are denied, not asked.
    pub gpc: bool,
}

impl Consent {
    /// No decisions yet under `policy`.
    pub fn new(policy: &Policy, gpc: bool) -> Consent {
        Consent {
            policy_version: policy.version.clone(),
            decisions: Vec::new(),
            gpc,
        }
    }

    /// Where category or purpose `id` stands; `None` if the policy has neither.
    pub fn state(&self, policy: &Policy, id: &str) -> Option<State> {
        let category = policy.category(id);
        let Some(revision) = policy.revision_of(id) else {
            return match (category, policy.purpose(id)) {
                (Some(_), _) => Some(State::AlwaysOn),
                (None, Some(_)) => Some(State::Notice),
                (None, None) => None,
            };
        };
        let current = self
            .decisions
            .iter()
            .find(|d| d.id == id && d.revision == revision);
        Some(match current.map(|d| d.choice) {
            Some(Choice::Granted) => State::Granted,
            Some(Choice::Denied) => State::Denied,
            // The signal speaks about cookies and tracking, not about being contacted.
            None if self.gpc && category.is_some() => State::DeniedBySignal,
            None => State::Unset,
        })
    }

    /// What the banner asks about: categories not decided at their current
    /// revision (and not answered by a privacy signal), then purposes decided
    /// before but about other content. A purpose never decided is asked
    /// where its data is given (a form, the privacy centre), not in the banner.
    pub fn pending<'p>(&self, policy: &'p Policy) -> Vec<&'p str> {
        let unset = |id: &str| self.state(policy, id) == Some(State::Unset);
        let categories = policy.categories.iter().map(|c| c.id.as_str());
        let changed_purposes = policy
            .purposes
            .iter()
            .filter(|p| policy.category(&p.id).is_none() && self.decided_before(&p.id))
            .map(|p| p.id.as_str());
        categories
            .chain(changed_purposes)
            .filter(|id| unset(id))
            .collect()
    }

    /// Whether `id` was decided at some revision, current or not.
    pub fn decided_before(&self, id: &str) -> bool {
        self.decisions.iter().any(|d| d.id == id)
    }

    /// When the decision about `id` that counts now was made.
    pub fn decided_at(&self, policy: &Policy, id: &str) -> Option<u64> {
        let revision = policy.revision_of(id)?;
        self.decisions
            .iter()
            .find(|d| d.id == id && d.revision == revision)
            .map(|d| d.decided_at)
    }

    /// Forgets decisions made more than [`DECISION_LIFETIME_SECONDS`] before
    /// `now`, so they are asked again. localStorage keeps values forever;
    /// only this makes the yearly renewal hold there too. Returns whether
    /// anything was forgotten.
    pub fn expire(&mut self, now: u64) -> bool {
        let before = self.decisions.len();
        self.decisions
            .retain(|d| now.saturating_sub(d.decided_at) < DECISION_LIFETIME_SECONDS);
        self.decisions.len() != before
    }

    /// Whether any decision was ever recorded (so a pending one is a re-ask).
    pub fn has_decisions(&self) -> bool {
        !self.decisions.is_empty()
    }

    /// Records an explicit decision about `id`. Returns whether its state
    /// changed; what cannot be decided (always on, a notice, unknown) is ignored.
    pub fn decide(&mut self, policy: &Policy, id: &str, choice: Choice, now: u64) -> bool {
        let Some(revision) = policy.revision_of(id) else {
            return false;
        };
        let before = self.state(policy, id);
        let decision = Decision {
            id: id.to_owned(),
            revision,
            choice,
            decided_at: now,
        };
        match self.decisions.iter_mut().find(|d| d.id == id) {
            Some(existing) => *existing = decision,
            None => self.decisions.push(decision),
        }
        self.state(policy, id) != before
    }

    /// The stored form of the decisions.
    ///
    /// ```
    /// use mohprompt_privacy::consent::{Choice, Consent};
    /// use mohprompt_privacy::policy::Policy;
    /// let policy = Policy::mohprompt();
    /// let mut consent = Consent::new(&policy, false);
    /// consent.decide(&policy, "statistics", Choice::Granted, 1_763_880_000);
    /// let stored = consent.encode();
    /// assert_eq!(Consent::decode(&stored, &policy, false).unwrap(), consent);
    /// ```
    pub fn encode(&self) -> String {
        let mut out = String::from("1|");
        out.push_str(&self.policy_version);
        for d in &self.decisions {
            out.push('|');
            out.push_str(&d.id);
            out.push(':');
            crate::policy::push_decimal(&mut out, u64::from(d.revision));
            out.push_str(if d.choice == Choice::Granted {
                ":g:"
            } else {
                ":d:"
            });
            out.push_str(&base36(d.decided_at));
        }
        let sum = fnv1a(out.as_bytes());
        out.push('|');
        out.push_str(&hex8(sum));
        out
    }

    /// Reads a stored value back, checking it against `policy`.
    pub fn decode(stored: &str, policy: &Policy, gpc: bool) -> Result<Consent, DecodeError> {
        if stored.len() > MAX_STORED_LEN || !stored.is_ascii() {
            return Err(DecodeError::Malformed);
        }
        let (body, sum) = stored.rsplit_once('|').ok_or(DecodeError::Malformed)?;
        if sum.len() != 8 || sum != hex8(fnv1a(body.as_bytes())) {
            return Err(DecodeError::Tampered);
        }
        let mut fields = body.split('|');
        if fields.next() != Some("1") {
            return Err(DecodeError::Malformed);
        }
        let version = fields.next().ok_or(DecodeError::Malformed)?;
        if version != policy.version {
            return Err(DecodeError::OtherVersion);
        }
        let mut consent = Consent::new(policy, gpc);
        for field in fields {
            let decision = decision(field)?;
            if policy.revision_of(&decision.id).is_none() {
                return Err(DecodeError::UnknownId);
            }
            if consent.decided_before(&decision.id) {
                return Err(DecodeError::Malformed);
            }
            consent.decisions.push(decision);
        }
        Ok(consent)
    }
}

/// The `document.cookie` assignment that stores `value` under `name`:
/// first-party, whole site, `SameSite=Lax`, and `Secure` on https.
///
/// ```
/// let set = mohprompt_privacy::consent::cookie("mp_consent", "1|v|x", 31_536_000, true);
/// assert_eq!(set, "mp_consent=1|v|x; Path=/; Max-Age=31536000; SameSite=Lax; Secure");
/// ```
pub fn cookie(name: &str, value: &str, max_age_seconds: u64, https: bool) -> String {
    let mut cookie = String::from(name);
    cookie.push('=');
    cookie.push_str(value);
    cookie.push_str("; Path=/; Max-Age=");
    crate::policy::push_decimal(&mut cookie, max_age_seconds);
    cookie.push_str("; SameSite=Lax");
    if https {
        cookie.push_str("; Secure");
    }
    cookie
}

fn decision(field: &str) -> Result<Decision, DecodeError> {
    let mut parts = field.split(':');
    let (Some(id), Some(revision), Some(choice), Some(at), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(DecodeError::Malformed);
    };
    let plain_id = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    let revision = digits(revision, 10)
        .and_then(|r| u32::try_from(r).ok())
        .filter(|r| *r >= 1);
    let choice = match choice {
        "g" => Some(Choice::Granted),
        "d" => Some(Choice::Denied),
        _ => None,
    };
    match (plain_id, revision, choice, digits(at, 36)) {
        (true, Some(revision), Some(choice), Some(decided_at)) => Ok(Decision {
            id: id.to_owned(),
            revision,
            choice,
            decided_at,
        }),
        _ => Err(DecodeError::Malformed),
    }
}

/// Parses lowercase digits in `radix` strictly: no sign, no leading zero, no overflow.
fn digits(s: &str, radix: u32) -> Option<u64> {
    if s.is_empty() || s.len() > 13 || (s.len() > 1 && s.starts_with('0')) {
        return None;
    }
    s.chars().try_fold(0u64, |acc, c| {
        let d = c.to_digit(radix).filter(|_| !c.is_ascii_uppercase())?;
        acc.checked_mul(u64::from(radix))?.checked_add(u64::from(d))
    })
}

fn base36(n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = if n >= 36 {
        base36(n / 36)
    } else {
        String::new()
    };
    out.push(char::from(DIGITS[(n % 36) as usize]));
    out
}

pub(crate) use crate::model::hex8;

/// FNV-1a, 32 bit: detects damaged or hand-edited values. It is no MAC:
/// a script on the page can rewrite consent anyway; this catches the rest.
pub(crate) fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;

    const NOW: u64 = 1_763_880_000;

    fn policy() -> Policy {
        Policy::mohprompt()
    }

    fn decided(choices: &[(&str, Choice)]) -> Consent {
        let policy = policy();
        let mut consent = Consent::new(&policy, false);
        for (id, choice) in choices {
            consent.decide(&policy, id, *choice, NOW);
        }
        consent
    }

    fn with_revision(id: &str, revision: u32) -> Policy {
        let mut policy = policy();
        policy
            .categories
            .iter_mut()
            .find(|c| c.id == id)
            .unwrap()
            .revision = revision;
        policy
    }

    #[test]
    fn nothing_is_allowed_before_a_decision() {
        let policy = policy();
        let consent = Consent::new(&policy, false);
        assert_eq!(consent.state(&policy, "statistics"), Some(State::Unset));
        assert!(!consent.state(&policy, "statistics").unwrap().allows());
        assert_eq!(consent.state(&policy, "necessary"), Some(State::AlwaysOn));
        assert_eq!(consent.pending(&policy), ["preferences", "statistics"]);
    }

    #[test]
    fn a_round_trip_keeps_every_decision() {
        let policy = policy();
        let consent = decided(&[
            ("statistics", Choice::Granted),
            ("preferences", Choice::Denied),
        ]);
        let stored = consent.encode();
        assert!(stored.starts_with("1|"), "{stored}");
        let back = Consent::decode(&stored, &policy, false).unwrap();
        assert_eq!(back, consent);
        assert_eq!(back.state(&policy, "statistics"), Some(State::Granted));
        assert_eq!(back.state(&policy, "preferences"), Some(State::Denied));
        assert!(back.pending(&policy).is_empty());
    }

    #[test]
    fn the_stored_value_is_a_valid_cookie_value_without_personal_data() {
        let stored = decided(&[
            ("statistics", Choice::Granted),
            ("preferences", Choice::Granted),
        ])
        .encode();
        // RFC 6265 cookie-octet: no space, quote, comma, semicolon or backslash.
        assert!(
            stored
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b"\",;\\".contains(&b)),
            "{stored}"
        );
        assert!(stored.len() < 80, "{stored}");
    }

    #[test]
    fn the_cookie_is_first_party_lax_and_secure_only_on_https() {
        let stored = decided(&[("statistics", Choice::Granted)]).encode();
        let plain = cookie("mp_consent", &stored, DECISION_LIFETIME_SECONDS, false);
        assert!(
            plain.starts_with(&format!("mp_consent={stored}; ")),
            "{plain}"
        );
        assert!(
            plain.contains("; Path=/;") && plain.ends_with("; SameSite=Lax"),
            "{plain}"
        );
        assert!(
            !plain.contains("Secure") && !plain.contains("Domain"),
            "{plain}"
        );
        assert!(plain.contains("; Max-Age=31536000;"), "{plain}");
        let cleared = cookie("mp_consent", "", 0, true);
        assert!(
            cleared.ends_with("; Max-Age=0; SameSite=Lax; Secure"),
            "{cleared}"
        );
    }

    #[test]
    fn a_flipped_choice_without_the_checksum_is_tampering() {
        let policy = policy();
        let stored = decided(&[("statistics", Choice::Denied)]).encode();
        let forged = stored.replace(":d:", ":g:");
        assert_eq!(
            Consent::decode(&forged, &policy, false),
            Err(DecodeError::Tampered)
        );
    }

    #[test]
    fn any_single_character_change_is_detected() {
        let policy = policy();
        let stored = decided(&[
            ("statistics", Choice::Denied),
            ("preferences", Choice::Granted),
        ])
        .encode();
        for i in 0..stored.len() {
            for replacement in [b'0', b'g', b'|', b'z'] {
                let mut bytes = stored.clone().into_bytes();
                if bytes[i] == replacement {
                    continue;
                }
                bytes[i] = replacement;
                let changed = String::from_utf8(bytes).unwrap();
                assert!(
                    Consent::decode(&changed, &policy, false).is_err(),
                    "{changed} was accepted"
                );
            }
        }
    }

    #[test]
    fn an_unknown_category_discards_the_record() {
        let policy = policy();
        let mut consent = decided(&[("statistics", Choice::Granted)]);
        consent.decisions[0].id = "marketing".into();
        assert_eq!(
            Consent::decode(&consent.encode(), &policy, false),
            Err(DecodeError::UnknownId)
        );
        consent.decisions[0].id = "necessary".into();
        assert_eq!(
            Consent::decode(&consent.encode(), &policy, false),
            Err(DecodeError::UnknownId)
        );
    }

    #[test]
    fn a_record_of_another_policy_version_is_discarded() {
        let mut consent = decided(&[("statistics", Choice::Granted)]);
        consent.policy_version = "2020.1".into();
        assert_eq!(
            Consent::decode(&consent.encode(), &policy(), false),
            Err(DecodeError::OtherVersion)
        );
    }

    #[test]
    fn garbage_is_malformed_not_consent() {
        let policy = policy();
        for junk in ["", "|", "granted", "1|x", "yes|00000000", &"1|".repeat(600)] {
            assert!(Consent::decode(junk, &policy, false).is_err(), "{junk:?}");
        }
        // Well-formed checksums around malformed content.
        for body in [
            "2|2026.11-1",
            "1|2026.11-1|statistics:1:g",
            "1|2026.11-1|statistics:0:g:1",
            "1|2026.11-1|statistics:1:y:1",
            "1|2026.11-1|statistics:01:g:1",
            "1|2026.11-1|statistics:1:g:1|statistics:1:d:1",
        ] {
            let body = body.replace("2026.11-1", &policy.version);
            let stored = format!("{body}|{}", hex8(fnv1a(body.as_bytes())));
            assert!(
                Consent::decode(&stored, &policy, false).is_err(),
                "{stored}"
            );
        }
    }

    #[test]
    fn a_new_revision_asks_again_for_that_category_only() {
        let consent = decided(&[
            ("statistics", Choice::Granted),
            ("preferences", Choice::Granted),
        ]);
        let stats = policy().category("statistics").unwrap().revision;
        let bumped = with_revision("statistics", stats + 1);
        let back = Consent::decode(&consent.encode(), &bumped, false).unwrap();
        assert_eq!(back.state(&bumped, "statistics"), Some(State::Unset));
        assert_eq!(back.state(&bumped, "preferences"), Some(State::Granted));
        assert_eq!(back.pending(&bumped), ["statistics"]);
    }

    #[test]
    fn gpc_denies_what_is_undecided_without_asking_and_opt_in_still_works() {
        let policy = policy();
        let mut consent = Consent::new(&policy, true);
        assert_eq!(
            consent.state(&policy, "statistics"),
            Some(State::DeniedBySignal)
        );
        assert!(consent.pending(&policy).is_empty());
        assert!(consent.decide(&policy, "statistics", Choice::Granted, NOW));
        assert_eq!(consent.state(&policy, "statistics"), Some(State::Granted));
    }

    #[test]
    fn a_decision_older_than_a_year_is_asked_again() {
        let policy = policy();
        let mut consent = decided(&[("statistics", Choice::Granted)]);
        consent.decide(
            &policy,
            "preferences",
            Choice::Denied,
            NOW + DECISION_LIFETIME_SECONDS / 2,
        );
        assert!(!consent.expire(NOW + DECISION_LIFETIME_SECONDS - 1));
        assert!(consent.expire(NOW + DECISION_LIFETIME_SECONDS));
        assert_eq!(consent.state(&policy, "statistics"), Some(State::Unset));
        assert_eq!(consent.state(&policy, "preferences"), Some(State::Denied));
        assert_eq!(consent.pending(&policy), ["statistics"]);
    }

    #[test]
    fn necessary_cannot_be_refused() {
        let policy = policy();
        let mut consent = Consent::new(&policy, false);
        assert!(!consent.decide(&policy, "necessary", Choice::Denied, NOW));
        assert_eq!(consent.state(&policy, "necessary"), Some(State::AlwaysOn));
        assert!(consent.decisions.is_empty());
    }

    #[test]
    fn deciding_again_replaces_the_earlier_decision() {
        let policy = policy();
        let mut consent = decided(&[("statistics", Choice::Granted)]);
        assert!(consent.decide(&policy, "statistics", Choice::Denied, NOW + 5));
        assert!(!consent.decide(&policy, "statistics", Choice::Denied, NOW + 6));
        assert_eq!(consent.decisions.len(), 1);
        assert_eq!(consent.decisions[0].decided_at, NOW + 6);
    }

    #[test]
    fn numbers_are_read_strictly() {
        assert_eq!(u64::from_str_radix(&base36(NOW), 36), Ok(NOW));
        assert_eq!(digits(&base36(NOW), 36), Some(NOW));
        assert_eq!(digits("0", 10), Some(0));
        assert_eq!(digits("T5", 36), None);
        assert_eq!(digits("-5", 10), None);
        assert_eq!(digits("zzzzzzzzzzzzzz", 36), None);
    }

    /// What can happen to a consent record, other than an explicit grant.
    #[derive(Debug, Clone)]
    enum Event {
        Deny(usize),
        Expire(u64),
        RoundTrip,
        GpcOn,
        BumpCategory(usize),
        EditPurpose(usize),
    }

    /// Ids the actions pick from: every category and purpose, asked or not.
    fn ids(policy: &Policy) -> Vec<String> {
        let categories = policy.categories.iter().map(|c| c.id.clone());
        categories
            .chain(policy.purposes.iter().map(|p| p.id.clone()))
            .collect()
    }

    fn apply(policy: &mut Policy, consent: &mut Consent, event: &Event, now: u64) {
        let ids = ids(policy);
        match event {
            Event::Deny(i) => {
                consent.decide(policy, &ids[i % ids.len()], Choice::Denied, now);
            }
            Event::Expire(later) => {
                consent.expire(now + later);
            }
            Event::RoundTrip => {
                *consent = Consent::decode(&consent.encode(), policy, consent.gpc)
                    .unwrap_or_else(|_| Consent::new(policy, consent.gpc));
            }
            Event::GpcOn => consent.gpc = true,
            Event::BumpCategory(i) => {
                let n = policy.categories.len();
                policy.categories[i % n].revision += 1;
            }
            Event::EditPurpose(i) => {
                let n = policy.purposes.len();
                let purpose = &mut policy.purposes[i % n];
                purpose.description.en.push('.');
                purpose.content_hash = purpose.content_hash.wrapping_add(1);
            }
        }
    }

    fn event() -> impl proptest::strategy::Strategy<Value = Event> {
        use proptest::prelude::*;
        prop_oneof![
            (0..16usize).prop_map(Event::Deny),
            (0..DECISION_LIFETIME_SECONDS * 2).prop_map(Event::Expire),
            Just(Event::RoundTrip),
            Just(Event::GpcOn),
            (0..16usize).prop_map(Event::BumpCategory),
            (0..16usize).prop_map(Event::EditPurpose),
        ]
    }

    proptest::proptest! {
        #[test]
        fn nothing_but_an_explicit_grant_produces_granted(
            events in proptest::collection::vec(event(), 0..40),
        ) {
            let mut policy = policy();
            let mut consent = Consent::new(&policy, false);
            for event in &events {
                apply(&mut policy, &mut consent, event, NOW);
                for id in ids(&policy) {
                    let state = consent.state(&policy, &id);
                    proptest::prop_assert_ne!(state, Some(State::Granted), "{} after {:?}", id, event);
                }
            }
        }

        #[test]
        fn withdrawal_is_always_possible(
            grants in proptest::collection::vec(0..16usize, 0..10),
            events in proptest::collection::vec(event(), 0..30),
            target in 0..16usize,
        ) {
            let mut policy = policy();
            let mut consent = Consent::new(&policy, false);
            for (i, event) in events.iter().enumerate() {
                if let Some(g) = grants.get(i) {
                    let ids = ids(&policy);
                    consent.decide(&policy, &ids[g % ids.len()], Choice::Granted, NOW);
                }
                apply(&mut policy, &mut consent, event, NOW);
            }
            let ids = ids(&policy);
            let id = &ids[target % ids.len()];
            consent.decide(&policy, id, Choice::Denied, NOW + 1);
            let state = consent.state(&policy, id).unwrap();
            // Only what is never asked stays on: strictly necessary cookies and notices.
            let asked = policy.revision_of(id).is_some();
            proptest::prop_assert_eq!(state.allows(), !asked, "{} is {:?}", id, state);
            let back = Consent::decode(&consent.encode(), &policy, consent.gpc).unwrap();
            proptest::prop_assert_eq!(back.state(&policy, id), Some(state));
        }
    }

    #[test]
    fn a_purpose_whose_text_changed_is_asked_again_alone() {
        let policy = policy();
        let mut consent = Consent::new(&policy, false);
        consent.decide(&policy, "contact", Choice::Granted, NOW);
        consent.decide(&policy, "news", Choice::Denied, NOW);
        consent.decide(&policy, "statistics", Choice::Granted, NOW);
        consent.decide(&policy, "preferences", Choice::Granted, NOW);
        assert!(consent.pending(&policy).is_empty());

        let mut text = crate::policy::MOHPROMPT_POLICY.to_owned();
        let old = &policy.purpose("news").unwrap().description.en;
        text = text.replacen(old.as_str(), "Health news, now also by LINE.", 1);
        let changed = Policy::from_json(&text).unwrap();
        let consent = Consent::decode(&consent.encode(), &changed, false).unwrap();
        assert_eq!(consent.state(&changed, "news"), Some(State::Unset));
        assert_eq!(consent.pending(&changed), ["news"]);
        assert_eq!(consent.state(&changed, "contact"), Some(State::Granted));
        assert_eq!(consent.state(&changed, "statistics"), Some(State::Granted));
    }

    #[test]
    fn notices_are_shown_not_asked_and_cannot_be_decided() {
        let policy = policy();
        let mut consent = Consent::new(&policy, true);
        for id in ["service", "logs", "linkage", "combining", "transfer"] {
            assert_eq!(consent.state(&policy, id), Some(State::Notice), "{id}");
            assert!(!consent.decide(&policy, id, Choice::Denied, NOW), "{id}");
        }
        assert!(consent.decisions.is_empty());
        // The privacy signal speaks about cookies, not about being contacted.
        assert_eq!(consent.state(&policy, "contact"), Some(State::Unset));
        assert_eq!(
            consent.state(&policy, "statistics"),
            Some(State::DeniedBySignal)
        );
        // With the signal every category is answered; a purpose never decided
        // is asked in forms and the privacy centre, not by the banner.
        assert!(consent.pending(&policy).is_empty());
        let without_signal = Consent::new(&policy, false);
        assert_eq!(
            without_signal.pending(&policy),
            ["preferences", "statistics"]
        );
    }
}
