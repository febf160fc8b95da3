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

/// `n` in lowercase base 36, as stored times are written.
pub(crate) fn base36(n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = if n >= 36 {
        base36(n / 36)
    } else {
        String::new()
    };
    out.push(char::from(DIGITS[(n % 36) as usize]));
    out
}

/// A stored time read back (strict lowercase base 36).
pub(crate) fn from_base36(s: &str) -> Option<u64> {
    digits(s, 36)
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
mod tests;
