//! A visit's decisions and submissions, natively and as properties.

use super::*;
use proptest::prelude::*;

const NOW: u64 = 1_763_880_000;

fn session() -> Session {
    Session::new(Policy::mohprompt(), false)
}

/// Ids the person can decide: asked categories and consent purposes.
fn askable(policy: &Policy) -> Vec<String> {
    let categories = policy.categories.iter().map(|c| c.id.clone());
    let purposes = policy.purposes.iter().map(|p| p.id.clone());
    categories
        .chain(purposes)
        .filter(|id| policy.revision_of(id).is_some())
        .collect()
}

#[test]
fn a_first_visit_asks_every_category_and_no_purpose() {
    let s = session();
    assert_eq!(s.pending(), ["preferences", "statistics"]);
    assert!(s.reasked().is_empty(), "a first visit is not a re-ask");
    assert_eq!(s.banner_scope(), ["preferences", "statistics"]);
}

#[test]
fn accept_all_grants_every_asked_category_and_settles_the_banner() {
    let mut s = session();
    let outcome = s.act(&Action::AcceptAll, NOW).unwrap();
    assert_eq!(outcome.changed, ["preferences", "statistics"]);
    assert!(outcome.withdrawn.is_empty());
    assert!(s.pending().is_empty());
    assert!(
        !s.allows("contact"),
        "accept all is about cookies, not contact"
    );
}

#[test]
fn rejecting_what_was_allowed_is_a_withdrawal_of_its_cookies() {
    let mut s = session();
    s.act(&Action::AcceptAll, NOW).unwrap();
    let outcome = s.act(&Action::RejectAll, NOW + 1).unwrap();
    assert_eq!(outcome.withdrawn, ["preferences", "statistics"]);
    assert_eq!(s.refused_categories(), ["preferences", "statistics"]);
}

#[test]
fn a_purpose_has_no_cookies_to_withdraw() {
    let mut s = session();
    s.act(&Action::Set("contact".into(), true), NOW).unwrap();
    let outcome = s.act(&Action::Withdraw("contact".into()), NOW).unwrap();
    assert_eq!(outcome.changed, ["contact"]);
    assert!(outcome.withdrawn.is_empty());
}

#[test]
fn the_api_refuses_unknown_ids_and_notices() {
    let mut s = session();
    let unknown = s.act(&Action::Set("nope".into(), true), NOW).unwrap_err();
    assert_eq!(unknown.code(), "id_unknown");
    assert_eq!(unknown.message(), "unknown category or purpose: nope");
    let notice = s.act(&Action::Withdraw("service".into()), NOW).unwrap_err();
    assert_eq!(notice.code(), "id_not_asked");
    assert_eq!(
        notice.message(),
        "not based on consent, so not asked: service"
    );
    assert!(s.act(&Action::Set("necessary".into(), false), NOW).is_ok());
    assert!(s.allows("necessary"), "always on stays on");
}

#[test]
fn saving_leaves_an_untouched_purpose_undecided() {
    let s = session();
    let toggles = [
        Toggle {
            id: "statistics".into(),
            purpose: false,
            checked: false,
        },
        Toggle {
            id: "news".into(),
            purpose: true,
            checked: false,
        },
        Toggle {
            id: "contact".into(),
            purpose: true,
            checked: true,
        },
    ]
    .to_vec();
    let saved = s
        .choices(&Action::SaveToggles(toggles.clone(), None))
        .unwrap();
    assert_eq!(
        saved,
        [
            ("statistics".into(), Choice::Denied),
            ("contact".into(), Choice::Granted)
        ]
    );
    let all = s
        .choices(&Action::SaveToggles(toggles, Some(false)))
        .unwrap();
    assert_eq!(
        all.len(),
        3,
        "reject all in the dialog decides every switch"
    );
    assert!(all.iter().all(|(_, c)| *c == Choice::Denied));
}

#[test]
fn a_form_box_never_ticked_records_nothing_and_unticking_withdraws() {
    let mut s = session();
    let boxes = vec![("contact".into(), true), ("news".into(), false)];
    let outcome = s.act(&Action::FormBoxes(boxes), NOW).unwrap();
    assert_eq!(outcome.changed, ["contact"]);
    assert_eq!(s.state("news"), Some(State::Unset));
    let outcome = s
        .act(&Action::FormBoxes(vec![("contact".into(), false)]), NOW)
        .unwrap();
    assert_eq!(outcome.changed, ["contact"]);
    assert_eq!(s.state("contact"), Some(State::Denied));
}

#[test]
fn the_signal_denies_categories_without_deciding() {
    let s = Session::new(Policy::mohprompt(), true);
    assert_eq!(s.denied_by_signal(), ["preferences", "statistics"]);
    assert!(s.pending().is_empty(), "the signal answered for the banner");
    assert_eq!(s.allowed_categories(), ["necessary"]);
}

#[test]
fn decisions_serialise_as_one_map_categories_first() {
    let s = session();
    let listed: Vec<(&str, &str)> = s
        .decisions()
        .iter()
        .map(|(i, st)| (i, st.as_str()))
        .collect();
    assert_eq!(listed[0], ("necessary", "granted"));
    assert_eq!(listed[1], ("preferences", "unset"));
    assert!(listed.contains(&("service", "notice")));
}

#[test]
fn a_submission_with_sealed_fields_is_sealed_first() {
    let sealed = Submission {
        to_seal: vec![("national_id".into(), "1".into())],
        ..Submission::default()
    };
    assert!(matches!(Plan::of(Some(Ok(sealed))), Plan::Seal(_)));
    assert!(matches!(
        Plan::of(Some(Ok(Submission::default()))),
        Plan::Send(_)
    ));
    assert_eq!(Plan::of(None), Plan::NotInPolicy);
}

#[test]
fn the_register_form_plans_to_seal_its_national_id() {
    let s = session();
    let values = vec![
        ("given_name".into(), "Somchai".into()),
        ("national_id".into(), "1234545678781".into()),
    ];
    let plan = Plan::of(s.prepare("register", &values, None, None));
    let Plan::Seal(submission) = plan else {
        panic!("expected sealing, got {plan:?}");
    };
    assert!(submission.payload.iter().all(|(n, _)| n != "national_id"));
    assert_eq!(
        Plan::of(s.prepare("nope", &values, None, None)),
        Plan::NotInPolicy
    );
}

fn typed(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn a_form_with_its_sealed_fields_empty_or_absent_needs_no_sealing() {
    let s = session();
    let none = typed(&[("given_name", "Somchai"), ("email", "a@example.com")]);
    assert!(!s.would_seal("register", &none, &[]));
    let blank = typed(&[
        ("given_name", "Somchai"),
        ("national_id", ""),
        ("passport", "   "),
        ("phone", ""),
    ]);
    assert!(!s.would_seal("register", &blank, &[("contact".into(), true)]));
    assert!(!s.would_seal("nope", &typed(&[("national_id", "1")]), &[]));
    // The same values submitted: nothing waits for sealing, so nothing needs a key.
    let plan = Plan::of(s.prepare("register", &blank, None, None));
    assert!(matches!(plan, Plan::Send(_)), "{plan:?}");
}

#[test]
fn a_filled_sealed_field_needs_sealing_only_while_its_purpose_is_allowed() {
    let mut s = session();
    let id = typed(&[("passport", "aa1234567")]);
    assert!(
        s.would_seal("register", &id, &[]),
        "service is a notice: always allowed"
    );
    let phone = typed(&[("phone", "081-234-5678")]);
    assert!(
        !s.would_seal("register", &phone, &[]),
        "contact is not granted"
    );
    assert!(!s.would_seal("register", &phone, &[("contact".into(), false)]));
    assert!(s.would_seal("register", &phone, &[("contact".into(), true)]));
    s.act(&Action::Set("contact".into(), true), NOW).unwrap();
    assert!(s.would_seal("register", &phone, &[]));
    // Unticking the granted box withdraws contact at submit: not sealed then.
    assert!(!s.would_seal("register", &phone, &[("contact".into(), false)]));
}

/// One action, without `AcceptAll` and without a grant of `except`
/// when `except` is given.
fn action(ids: Vec<String>, except: Option<String>) -> impl Strategy<Value = Action> {
    let except2 = except.clone();
    let id = proptest::sample::select(ids);
    prop_oneof![
        Just(Action::RejectAll),
        (id.clone(), any::<bool>()).prop_map(move |(id, granted)| {
            let granted = granted && Some(&id) != except.as_ref();
            Action::Set(id, granted)
        }),
        id.clone().prop_map(Action::Withdraw),
        proptest::collection::vec((id.clone(), any::<bool>()), 0..4).prop_map(move |boxes| {
            let boxes = boxes
                .into_iter()
                .map(|(id, t)| {
                    let ticked = t && Some(&id) != except2.as_ref();
                    (id, ticked)
                })
                .collect();
            Action::FormBoxes(boxes)
        }),
    ]
}

proptest! {
    #[test]
    fn only_an_explicit_grant_grants(
        (x, actions) in {
            let ids = askable(&Policy::mohprompt());
            proptest::sample::select(ids.clone()).prop_flat_map(move |x| {
                let actions = proptest::collection::vec(action(ids.clone(), Some(x.clone())), 0..12);
                (Just(x), actions)
            })
        }
    ) {
        let mut s = session();
        for (i, a) in actions.iter().enumerate() {
            s.act(a, NOW + i as u64).unwrap();
        }
        prop_assert_ne!(s.state(&x), Some(State::Granted));
        prop_assert!(!s.allows(&x));
    }

    #[test]
    fn withdrawal_is_always_possible(
        (x, actions, accept) in {
            let ids = askable(&Policy::mohprompt());
            (
                proptest::sample::select(ids.clone()),
                proptest::collection::vec(action(ids, None), 0..12),
                any::<bool>(),
            )
        }
    ) {
        let mut s = session();
        if accept {
            s.act(&Action::AcceptAll, NOW).unwrap();
        }
        for (i, a) in actions.iter().enumerate() {
            s.act(a, NOW + i as u64).unwrap();
        }
        let was_allowed = s.allows(&x);
        let outcome = s.act(&Action::Withdraw(x.clone()), NOW + 100).unwrap();
        prop_assert!(!s.allows(&x));
        prop_assert_eq!(s.state(&x), Some(State::Denied));
        if was_allowed {
            prop_assert!(outcome.changed.contains(&x), "a withdrawal is recorded");
        }
    }

    #[test]
    fn a_changed_purpose_alone_is_asked_again(
        (p, granted) in {
            let policy = Policy::mohprompt();
            let purposes: Vec<String> = policy
                .purposes
                .iter()
                .filter(|p| policy.category(&p.id).is_none() && policy.revision_of(&p.id).is_some())
                .map(|p| p.id.clone())
                .collect();
            (proptest::sample::select(purposes), any::<bool>())
        }
    ) {
        let mut s = session();
        let every: Vec<(String, Choice)> = askable(&s.policy)
            .into_iter()
            .map(|id| (id, if granted { Choice::Granted } else { Choice::Denied }))
            .collect();
        s.decide(&every, NOW);
        prop_assert!(s.pending().is_empty());
        let mut text: serde_json::Value =
            serde_json::from_str(crate::policy::MOHPROMPT_POLICY).unwrap();
        let purposes = text["purposes"].as_array_mut().unwrap();
        let entry = purposes.iter_mut().find(|e| e["id"] == p.as_str()).unwrap();
        let title = entry["title"]["en"].as_str().unwrap().to_owned() + " (updated)";
        entry["title"]["en"] = title.into();
        let changed = Policy::from_json(&text.to_string()).unwrap();
        let after = Session { policy: changed, consent: s.consent.clone() };
        prop_assert_eq!(after.pending(), [p.as_str()]);
        prop_assert_eq!(after.reasked(), [p.as_str()]);
        prop_assert!(!after.allows(&p), "a changed purpose is off until asked");
    }

    #[test]
    fn would_seal_is_what_the_submit_then_seals(
        (form, values, boxes, actions) in {
            let policy = Policy::mohprompt();
            let ids = askable(&policy);
            let forms = vec!["register", "certificate"];
            proptest::sample::select(forms).prop_flat_map(move |form| {
                let entry = policy.form(form).unwrap();
                let names: Vec<String> = entry.fields.iter().map(|f| f.name.clone()).collect();
                let value = prop_oneof![
                    Just(String::new()),
                    Just(String::from("  ")),
                    Just(String::from("1-2345-45678-78-1")),
                    Just(String::from("AA1234567")),
                    Just(String::from("081-234-5678")),
                    Just(String::from("Somchai")),
                ];
                let values = proptest::collection::vec(
                    (proptest::sample::select(names), value),
                    0..8,
                );
                let boxes = proptest::collection::vec(
                    (proptest::sample::select(entry.purposes.clone()), any::<bool>()),
                    0..4,
                );
                let actions = proptest::collection::vec(action(ids.clone(), None), 0..6);
                (Just(form), values, boxes, actions)
            })
        }
    ) {
        let mut s = session();
        for (i, a) in actions.iter().enumerate() {
            s.act(a, NOW + i as u64).unwrap();
        }
        let expected = s.would_seal(form, &values, &boxes);
        // What the guarded submit does: record the boxes, then prepare.
        s.act(&Action::FormBoxes(boxes), NOW + 100).unwrap();
        let submission = s
            .prepare(form, &values, Some(b"a key".as_slice()), None)
            .unwrap()
            .unwrap();
        prop_assert_eq!(expected, !submission.to_seal.is_empty());
        prop_assert_eq!(expected, matches!(Plan::of(Some(Ok(submission))), Plan::Seal(_)));
    }
}
