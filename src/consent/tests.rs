//! Decisions per category and purpose: what is stored, what is asked again.

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

// The banner module reads the policy's banner part with another reader
// (`Policy::banner_part_from_json`) and the stored record before the full
// module has loaded: both must read every stored value the same way.
// Natively only: there the banner part is read from serde_json's tree.
#[cfg(not(target_arch = "wasm32"))]
mod banner_reading {
    use super::*;

    /// The bundled policy read both ways, and the same with `edit` applied to its text.
    fn both_readings(edit: impl Fn(&str) -> String) -> (Policy, Policy) {
        let text = edit(crate::policy::MOHPROMPT_POLICY);
        let full = Policy::from_json(&text).unwrap();
        let banner = Policy::banner_part_from_json(&text).unwrap();
        assert_eq!(banner.version, full.version);
        assert_eq!(banner.policy_url, full.policy_url);
        assert_eq!(banner.categories, full.categories);
        assert_eq!(banner.purposes, full.purposes);
        (full, banner)
    }

    /// Stored values of every kind: valid, tampered, another version, foreign.
    fn stored_values(policy: &Policy) -> Vec<String> {
        let mut consent = Consent::new(policy, false);
        let mut values = vec![consent.encode()];
        for (i, id) in ["statistics", "preferences", "contact", "news", "marketing"]
            .iter()
            .enumerate()
        {
            let choice = if i % 2 == 0 {
                Choice::Granted
            } else {
                Choice::Denied
            };
            consent.decide(policy, id, choice, NOW + i as u64);
            values.push(consent.encode());
        }
        let valid = values.last().unwrap().clone();
        for i in 0..valid.len() {
            let mut bytes = valid.clone().into_bytes();
            bytes[i] = if bytes[i] == b'g' { b'd' } else { b'g' };
            values.push(String::from_utf8(bytes).unwrap());
        }
        values.push(valid.replacen("2026.11-1", "2025.01-1", 1));
        values.push(valid.replacen("|statistics:", "|stats:", 1));
        values.push(valid.replace(':', "%3A"));
        values.extend(
            [
                "",
                "1",
                "1|",
                "true",
                "yes",
                "{\"necessary\":true,\"statistics\":true}",
                "{\"categories\":[\"necessary\",\"analytics\"],\"revision\":0}",
                "%7B%22categories%22%3A%5B%22necessary%22%5D%7D",
                "1|2026.11-1|statistics:1:g:0|00000000",
                "2|2026.11-1|9f86d081",
            ]
            .map(String::from),
        );
        values
    }

    #[test]
    fn the_banner_module_and_the_full_module_read_every_stored_value_the_same_way() {
        let edits: [fn(&str) -> String; 3] = [
            |t| t.to_owned(),
            // A purpose's text changed: its decisions are asked again under both.
            |t| {
                t.replacen(
                    "\"retention\":{\"th\":\"",
                    "\"retention\":{\"th\":\"(แก้ไข) ",
                    1,
                )
            },
            // A category's revision bumped.
            |t| t.replacen("\"revision\":1", "\"revision\":7", 2),
        ];
        let stored = stored_values(&policy());
        for (i, edit) in edits.into_iter().enumerate() {
            assert_eq!(
                edit(crate::policy::MOHPROMPT_POLICY) == crate::policy::MOHPROMPT_POLICY,
                i == 0
            );
            let (full, banner) = both_readings(edit);
            for value in stored.iter().chain(&stored_values(&full)) {
                for gpc in [false, true] {
                    let by_full = Consent::decode(value, &full, gpc);
                    let by_banner = Consent::decode(value, &banner, gpc);
                    assert_eq!(by_banner, by_full, "{value:?}");
                    if let Ok(consent) = by_full {
                        assert_eq!(
                            consent.pending(&banner),
                            consent.pending(&full),
                            "{value:?}"
                        );
                        for id in full.categories.iter().map(|c| &c.id) {
                            assert_eq!(consent.state(&banner, id), consent.state(&full, id));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_broken_or_foreign_policy_is_refused_by_the_banner_reading_too() {
        let bundled = crate::policy::MOHPROMPT_POLICY;
        let broken = [
            String::new(),
            "{}".to_owned(),
            "[]".to_owned(),
            "null".to_owned(),
            bundled[..bundled.len() / 2].to_owned(),
            bundled.replacen("\"categories\":[", "\"categories\":{\"x\":[", 1),
            bundled.replacen("\"version\":\"2026.11-1\"", "\"version\":\"2026 11\"", 1),
            bundled.replacen("\"revision\":1", "\"revision\":0", 1),
            bundled.replacen("\"revision\":1", "\"revision\":\"1\"", 1),
            bundled.replacen("\"always_on\":true", "\"always_on\":false", 1),
            bundled.replacen("\"id\":\"preferences\"", "\"id\":\"necessary\"", 1),
            bundled.replacen(
                "\"legal_basis\":\"consent\"",
                "\"legal_basis\":\"implied\"",
                1,
            ),
            bundled.replacen("\"analytics_storage\"", "\"analytics\"", 1),
            // vanilla-cookieconsent's configuration: another module's document.
            "{\"categories\":{\"necessary\":{\"enabled\":true,\"readOnly\":true},\"analytics\":{}},\
              \"language\":{\"default\":\"en\"}}"
                .to_owned(),
        ];
        for text in &broken {
            assert!(Policy::banner_part_from_json(text).is_err(), "{text:.80}");
            let full = Policy::from_json(text).unwrap_err();
            assert_eq!(full.code(), "policy_invalid");
        }
        // The full reading names where the banner reading only refuses.
        let err = Policy::from_json(&broken[7]).unwrap_err();
        assert_eq!(err.path, "categories[0].revision");
    }
}
