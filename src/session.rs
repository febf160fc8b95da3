//! A visit's decisions, apart from the browser: what each click or API call
//! decides, what changed and what was withdrawn, what is asked again, the
//! queue of receipts still to deliver with its retry backoff, and the plan
//! of a guarded submit (refuse, seal, or send, and why).
//!
//! The browser side (`web`, wasm32 only) reads the DOM into the plain values
//! here, calls [`Session`], and does only what the answer says: draw, post,
//! dispatch. Every rule below is tested natively, the way gloo keeps
//! `MemoryHistory` apart from `BrowserHistory`.
//!
//! ```
//! use mohprompt_privacy::policy::Policy;
//! use mohprompt_privacy::session::{Action, Session};
//! let mut session = Session::new(Policy::mohprompt(), false);
//! session.act(&Action::Set("contact".into(), true), 1_763_880_000).unwrap();
//! assert!(session.allows("contact"));
//! let outcome = session.act(&Action::Withdraw("contact".into()), 1_763_880_001).unwrap();
//! assert_eq!(outcome.changed, ["contact"]);
//! assert!(!session.allows("contact"));
//! ```

use crate::consent::{Choice, Consent, State};
use crate::fields::{self, FieldAction, FieldReport, Refusal, Submission};
use crate::masking::MaskOperator;
use crate::policy::{CookiePattern, Policy};
use crate::seal::SealError;
use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

mod delivery;
pub use delivery::{Answered, Deliveries, FIRST_RETRY_MS, MAX_RETRY_MS};

/// How a decision was made, as receipts and events name it: the banner's
/// buttons. A form's is `form:<id>`.
pub const BANNER: &str = "banner";
/// The preferences dialog (the privacy centre).
pub const PRIVACY_CENTRE: &str = "privacy-centre";
/// A call of the JS API (`acceptAll`, `set`, `withdraw`, …).
pub const API: &str = "api";
/// The browser's Global Privacy Control signal.
pub const GPC: &str = "gpc";

/// One switch of the preferences dialog as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toggle {
    /// The category or purpose it decides.
    pub id: String,
    /// Whether it is a purpose's switch (else a category's).
    pub purpose: bool,
    /// Whether it is on.
    pub checked: bool,
}

/// Something the person (or page code for them) did that may decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// "Accept all" of the API: every asked category, and what is asked again.
    AcceptAll,
    /// "Reject all" of the API: the same ids, refused.
    RejectAll,
    /// A banner button: the ids the banner asked about, as shown.
    Banner(Vec<String>, Choice),
    /// The dialog's buttons: its switches, all set first for "accept all"
    /// (`Some(true)`) or "reject all" (`Some(false)`), as they are for "save".
    SaveToggles(Vec<Toggle>, Option<bool>),
    /// A form's consent boxes, `(purpose, ticked)`, when it is submitted.
    FormBoxes(Vec<(String, bool)>),
    /// `set(id, granted)`.
    Set(String, bool),
    /// `withdraw(id)`: the same as `Set(id, false)`.
    Withdraw(String),
}

/// Why an action cannot be taken: it names the id, which came from page code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionError {
    /// The policy has no such category or purpose.
    UnknownId(String),
    /// A purpose resting on another legal basis than consent: not asked, not refused.
    NotAsked(String),
}

impl ActionError {
    /// The error's stable code for page code: `id_unknown` or `id_not_asked`.
    pub fn code(&self) -> &'static str {
        match self {
            ActionError::UnknownId(_) => "id_unknown",
            ActionError::NotAsked(_) => "id_not_asked",
        }
    }

    /// What is wrong, with the id.
    pub fn message(&self) -> String {
        let (problem, id) = match self {
            ActionError::UnknownId(id) => ("unknown category or purpose: ", id),
            ActionError::NotAsked(id) => ("not based on consent, so not asked: ", id),
        };
        let mut message = String::from(problem);
        message.push_str(id);
        message
    }
}

/// What a decision changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Ids whose state changed, in the order decided: a receipt records them.
    pub changed: Vec<String>,
    /// Cookie categories that were allowed and are not now: their cookies
    /// are deleted, and a reload completes the withdrawal. (A purpose has no
    /// cookies to delete.)
    pub withdrawn: Vec<String>,
}

/// The policy and the decisions made under it on this device.
#[derive(Debug, Clone)]
pub struct Session {
    /// The policy in force.
    pub policy: Policy,
    /// The decisions made so far.
    pub consent: Consent,
}

impl Session {
    /// No decisions yet; `gpc`: the browser sent Global Privacy Control.
    pub fn new(policy: Policy, gpc: bool) -> Session {
        let consent = Consent::new(&policy, gpc);
        Session { policy, consent }
    }

    /// Where category or purpose `id` stands; `None` for an unknown id.
    pub fn state(&self, id: &str) -> Option<State> {
        self.consent.state(&self.policy, id)
    }

    /// Whether `id` is allowed now (granted, always on, or a notice).
    pub fn allows(&self, id: &str) -> bool {
        self.state(id).is_some_and(State::allows)
    }

    /// Every category and purpose with its state, as `decisions()` reports it.
    pub fn decisions(&self) -> Decisions<'_> {
        Decisions(self)
    }

    /// Ids the banner asks about, in the policy's order: categories not
    /// decided yet, and purposes whose content changed since they were decided.
    pub fn pending(&self) -> Vec<&str> {
        self.consent.pending(&self.policy)
    }

    /// What the banner says it asks again: the pending ids, when anything was
    /// ever decided (else it is a first visit, not a re-ask).
    pub fn reasked(&self) -> Vec<&str> {
        if self.consent.has_decisions() {
            self.pending()
        } else {
            Vec::new()
        }
    }

    /// The ids a shown banner's buttons decide: what is pending, else (the
    /// banner shown on request) every asked category.
    pub fn banner_scope(&self) -> Vec<String> {
        let pending = self.pending();
        if pending.is_empty() {
            self.all_asked().into_iter().map(str::to_owned).collect()
        } else {
            pending.into_iter().map(str::to_owned).collect()
        }
    }

    /// Every category that is asked, and any purpose the banner asks again.
    fn all_asked(&self) -> Vec<&str> {
        let categories = self.policy.categories.iter().filter(|c| !c.always_on);
        let reasked = self
            .pending()
            .into_iter()
            .filter(|id| self.policy.category(id).is_none());
        categories.map(|c| c.id.as_str()).chain(reasked).collect()
    }

    /// `choice` for every category that is asked and any purpose asked again.
    pub fn every_category(&self, choice: Choice) -> Vec<(String, Choice)> {
        self.all_asked()
            .into_iter()
            .map(|id| (id.to_owned(), choice))
            .collect()
    }

    /// The choices `action` makes, before any is recorded.
    pub fn choices(&self, action: &Action) -> Result<Vec<(String, Choice)>, ActionError> {
        let choice = |granted: bool| {
            if granted {
                Choice::Granted
            } else {
                Choice::Denied
            }
        };
        Ok(match action {
            Action::AcceptAll => self.every_category(Choice::Granted),
            Action::RejectAll => self.every_category(Choice::Denied),
            Action::Banner(scope, decided) => {
                scope.iter().map(|id| (id.clone(), *decided)).collect()
            }
            Action::SaveToggles(toggles, set_all) => toggles
                .iter()
                .map(|t| (t, set_all.unwrap_or(t.checked)))
                // Save records every category, which settles the banner; a
                // purpose switch nobody touched stays undecided, as in a form.
                .filter(|(t, on)| {
                    !(t.purpose
                        && set_all.is_none()
                        && !on
                        && self.state(&t.id) == Some(State::Unset))
                })
                .map(|(t, on)| (t.id.clone(), choice(on)))
                .collect(),
            // A ticked box is granted, unticking a granted one withdraws it,
            // a box never ticked records nothing.
            Action::FormBoxes(boxes) => boxes
                .iter()
                .filter(|(id, ticked)| *ticked || self.state(id) == Some(State::Granted))
                .map(|(id, ticked)| (id.clone(), choice(*ticked)))
                .collect(),
            Action::Set(id, granted) => {
                self.askable(id)?;
                [(id.clone(), choice(*granted))].into()
            }
            Action::Withdraw(id) => {
                self.askable(id)?;
                [(id.clone(), Choice::Denied)].into()
            }
        })
    }

    /// Whether `id` can be decided through the API.
    fn askable(&self, id: &str) -> Result<(), ActionError> {
        match self.state(id) {
            None => Err(ActionError::UnknownId(id.to_owned())),
            Some(State::Notice) => Err(ActionError::NotAsked(id.to_owned())),
            Some(_) => Ok(()),
        }
    }

    /// Records `choices` made at `now`; says what changed.
    pub fn decide(&mut self, choices: &[(String, Choice)], now: u64) -> Outcome {
        let mut outcome = Outcome::default();
        for (id, choice) in choices {
            let before = self.allows(id);
            if self.consent.decide(&self.policy, id, *choice, now) {
                outcome.changed.push(id.clone());
                if before && !self.allows(id) && self.policy.category(id).is_some() {
                    outcome.withdrawn.push(id.clone());
                }
            }
        }
        outcome
    }

    /// [`Session::choices`] of `action`, recorded at `now`.
    pub fn act(&mut self, action: &Action, now: u64) -> Result<Outcome, ActionError> {
        let choices = self.choices(action)?;
        Ok(self.decide(&choices, now))
    }

    /// Categories denied by the browser's signal, not by the person.
    pub fn denied_by_signal(&self) -> Vec<String> {
        self.categories_where(|s| s == State::DeniedBySignal)
    }

    /// Categories whose scripts may run now.
    pub fn allowed_categories(&self) -> Vec<String> {
        self.categories_where(State::allows)
    }

    /// Categories whose scripts may not run: at start their cookies, left
    /// from a discarded decision or set without asking, are deleted.
    pub fn refused_categories(&self) -> Vec<String> {
        self.categories_where(|s| !s.allows())
    }

    fn categories_where(&self, keep: impl Fn(State) -> bool) -> Vec<String> {
        self.policy
            .categories
            .iter()
            .filter(|c| keep(self.state(&c.id).unwrap_or(State::Unset)))
            .map(|c| c.id.clone())
            .collect()
    }

    /// The cookie patterns of categories `cleared`.
    pub fn cookies_of(&self, cleared: &[String]) -> Vec<CookiePattern> {
        self.policy
            .categories
            .iter()
            .filter(|c| cleared.contains(&c.id))
            .flat_map(|c| c.cookies.iter().cloned())
            .collect()
    }

    /// The minimised, masked submission of form `id`'s `values` under the
    /// decisions made so far, with the keyed hash of the LINE user where the
    /// policy links the form's requests to the account and that is allowed;
    /// `None` for a form the policy does not have.
    pub fn prepare(
        &self,
        id: &str,
        values: &[(String, String)],
        hash_key: Option<&[u8]>,
        line_user: Option<&str>,
    ) -> Option<Result<Submission, Refusal>> {
        let entry = self.policy.form(id)?;
        let allowed = |purpose: &str| self.allows(purpose);
        let mut submission = fields::minimise(&entry.fields, &allowed, values, hash_key);
        if let (Ok(sent), Some(link), Some(hash)) = (&mut submission, &self.policy.line, line_user)
        {
            if entry.purposes.contains(&link.purpose) && allowed(&link.purpose) {
                sent.payload.push((link.field.clone(), hash.to_owned()));
                sent.report.push(FieldReport {
                    name: link.field.clone(),
                    kind: None,
                    action: FieldAction::Sent,
                    operator: Some(MaskOperator::KeyedHash),
                    masked: 0,
                });
            }
        }
        Some(submission)
    }
}

impl Session {
    /// Whether submitting form `id` with `values` would seal a field: a
    /// field the policy seals is filled and one of its purposes is allowed,
    /// the form's consent `boxes` `(purpose, ticked)` counted as the submit
    /// records them. Only then does the form need the policy's key: one with
    /// its sealed fields absent or empty sends without it. `false` for a form
    /// the policy does not have.
    ///
    /// ```
    /// use mohprompt_privacy::policy::Policy;
    /// use mohprompt_privacy::session::Session;
    /// let session = Session::new(Policy::mohprompt(), false);
    /// let typed = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
    ///     pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    /// };
    /// let phone = typed(&[("given_name", "Somchai"), ("phone", "081-234-5678")]);
    /// assert!(!session.would_seal("register", &typed(&[("national_id", "")]), &[]));
    /// assert!(session.would_seal("register", &typed(&[("national_id", "1-2345-45678-78-1")]), &[]));
    /// // The phone is sealed only once its purpose, contact, is ticked.
    /// assert!(!session.would_seal("register", &phone, &[]));
    /// assert!(session.would_seal("register", &phone, &[("contact".into(), true)]));
    /// ```
    pub fn would_seal(
        &self,
        id: &str,
        values: &[(String, String)],
        boxes: &[(String, bool)],
    ) -> bool {
        let Some(entry) = self.policy.form(id) else {
            return false;
        };
        let recorded = self
            .choices(&Action::FormBoxes(boxes.to_vec()))
            .unwrap_or_default();
        let allowed = |purpose: &str| match recorded.iter().find(|(p, _)| p == purpose) {
            Some((_, choice)) => *choice == Choice::Granted,
            None => self.allows(purpose),
        };
        fields::sealed(&entry.fields, &allowed, values)
            .next()
            .is_some()
    }
}

/// `{ [id]: 'granted' | 'denied' | 'unset' | 'notice' }`, categories first,
/// in the policy's order; a map, so it serialises as a plain object.
#[derive(Debug, Clone, Copy)]
pub struct Decisions<'a>(&'a Session);

impl<'a> Decisions<'a> {
    /// `(id, state)` of every category, then every purpose.
    pub fn iter(self) -> impl Iterator<Item = (&'a str, State)> {
        let policy = &self.0.policy;
        let categories = policy.categories.iter().map(|c| c.id.as_str());
        let purposes = policy.purposes.iter().map(|p| p.id.as_str());
        categories
            .chain(purposes)
            .map(|id| (id, self.0.state(id).unwrap_or(State::Unset)))
    }
}

impl Serialize for Decisions<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (id, state) in self.iter() {
            map.serialize_entry(id, state.as_str())?;
        }
        map.end()
    }
}

/// What a guarded submit does once the fields are valid and the boxes recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// The form is not in the policy: nothing happens.
    NotInPolicy,
    /// Nothing is sent; the reason names a field or an operator, never a value.
    Refuse(Refusal),
    /// Nothing is sealed: POST the payload as it is.
    Send(Submission),
    /// Seal `to_seal` first (WebCrypto, asynchronous), then POST. Where
    /// sealing cannot start (`unavailable`), refuse with that reason.
    Seal(Submission),
}

impl Plan {
    /// The plan for what [`Session::prepare`] gave.
    pub fn of(prepared: Option<Result<Submission, Refusal>>) -> Plan {
        match prepared {
            None => Plan::NotInPolicy,
            Some(Err(why)) => Plan::Refuse(why),
            Some(Ok(submission)) if submission.to_seal.is_empty() => Plan::Send(submission),
            Some(Ok(submission)) => Plan::Seal(submission),
        }
    }
}

/// The controls of `submission` that the policy does not declare, joined
/// with `", "`: never sent, and the form's entry may lack them.
pub fn undeclared(submission: &Submission) -> String {
    let mut names = String::new();
    for entry in &submission.report {
        if entry.action == FieldAction::Undeclared {
            if !names.is_empty() {
                names.push_str(", ");
            }
            names.push_str(&entry.name);
        }
    }
    names
}

/// The status line of a form whose sealed fields cannot be sealed.
pub fn seal_problem(words: &crate::i18n::Words, why: SealError) -> &'static str {
    match why {
        SealError::NoWebCrypto => words.seal_insecure,
        SealError::NoKey => words.seal_no_key,
        SealError::Failed => words.cannot_protect,
    }
}

#[cfg(test)]
mod tests {
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
}
