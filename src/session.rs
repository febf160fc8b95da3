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
mod tests;
