//! Receipts as a receiver reads them, natively: the same fields
//! [`Receipt`](super::Receipt) writes, owned, through serde, so the writer
//! and the reader cannot drift apart; then the checks `www/receipts.mjs`
//! makes (the shape of every value) and the leak scan over every string,
//! number and key that is not the module's own output. The receipts service
//! (`mohprompt-privacy serve`) refuses a body whose [`check`] fails.
//!
//! A refusal names the path and what was expected, never what was there.

use super::{RECEIPT_VERSION, is_uuid_v4};
use crate::i18n::Lang;
use crate::policy::Policy;
use crate::scan::FindingKind;
use crate::scan::json::{JsonFinding, Step, scan_json};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A receipt as received. Keys it does not name are allowed (a newer module
/// may add some) and leak-scanned like the rest.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ReceivedReceipt {
    /// [`RECEIPT_VERSION`].
    pub version: String,
    /// A UUID v4.
    pub receipt_id: String,
    /// When the decision was made, `YYYY-MM-DDThh:mm:ss[.f]Z`.
    pub timestamp: String,
    /// `TH`.
    pub jurisdiction: String,
    /// How it was collected.
    pub collection_method: String,
    /// The language's tag.
    pub language: String,
    /// The device's pseudonymous id, a UUID v4.
    pub subject: String,
    /// The data controller.
    pub controller: ReceivedController,
    /// The policy the decision was made under.
    pub policy: ReceivedPolicy,
    /// The ids whose state this decision changed.
    pub changed: Vec<String>,
    /// Every purpose's state after it.
    pub purposes: Vec<ReceivedPurpose>,
    /// Every cookie category's state after it.
    pub cookie_categories: Vec<ReceivedCategory>,
}

/// The controller in a received receipt.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ReceivedController {
    /// Name, in the receipt's language.
    pub name: String,
    /// Telephone number.
    pub phone: String,
    /// E-mail address.
    pub email: String,
    /// Web site.
    pub website: String,
}

/// The policy in a received receipt.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ReceivedPolicy {
    /// Its version.
    pub version: String,
    /// SHA-256 of its text, 64 lowercase hex digits.
    pub sha256: String,
    /// Where its text is published.
    pub url: String,
}

/// A purpose's state in a received receipt.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ReceivedPurpose {
    /// Its id.
    pub id: String,
    /// Its legal basis.
    pub legal_basis: String,
    /// `granted`, `denied`, `unset` or `notice`.
    pub state: String,
    /// Its content hash, eight lowercase hex digits.
    pub revision: String,
}

/// A cookie category's state in a received receipt.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ReceivedCategory {
    /// Its id.
    pub id: String,
    /// `granted`, `denied`, `unset` or `notice`.
    pub state: String,
    /// Its revision.
    pub revision: u32,
}

/// Why a received receipt is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A value is missing or has the wrong shape: where, and what it must be.
    Shape {
        /// `purposes[1].state`; `(body)` for the body itself.
        path: String,
        /// `must be one of granted, denied, unset, notice`, `is missing`, …
        reason: String,
    },
    /// Raw identifiers in it: where and what kind, never the value.
    Leaks(Vec<JsonFinding>),
}

impl Refusal {
    /// A stable code: `receipt_shape` or `identifier_in_body`.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Shape { .. } => "receipt_shape",
            Refusal::Leaks(_) => "identifier_in_body",
        }
    }

    /// In words, with the paths (never a value).
    pub fn message(&self) -> String {
        match self {
            Refusal::Shape { path, reason } => format!("{path} {reason}."),
            Refusal::Leaks(found) => {
                let at: Vec<String> = found
                    .iter()
                    .map(|f| {
                        if f.in_key {
                            format!("a key ({})", f.path)
                        } else {
                            f.path.clone()
                        }
                    })
                    .collect();
                format!(
                    "A raw identifier was sent in {}; nothing was stored.",
                    at.join(", ")
                )
            }
        }
    }
}

const STATES: [&str; 4] = ["granted", "denied", "unset", "notice"];

/// Reads and checks a receipt as received: its shape, then the leak scan.
/// `policy` is the policy the receiver serves: its controller's contact
/// details pass the scan where a receipt carries them as they are (its
/// phone number is a phone number).
///
/// ```
/// use mohprompt_privacy::policy::Policy;
/// use mohprompt_privacy::receipt::received::check;
/// let body = serde_json::json!({"receipt_id": "r1"});
/// let refusal = check(&body, &Policy::mohprompt()).unwrap_err();
/// assert_eq!(refusal.message(), "version is missing.");
/// ```
pub fn check(body: &Value, policy: &Policy) -> Result<ReceivedReceipt, Refusal> {
    let receipt = read(body)?;
    let found: Vec<JsonFinding> = scan_json(body, &|path, text| exempt(policy, path, text))
        .into_iter()
        // The policy sends e-mail addresses masked, and a masked address is
        // still an address to the scan: they do not refuse a body.
        .filter(|f| f.kind != FindingKind::Email)
        .collect();
    if found.is_empty() {
        Ok(receipt)
    } else {
        Err(Refusal::Leaks(found))
    }
}

/// The shape of every value, in the order the receipt writes them.
fn read(body: &Value) -> Result<ReceivedReceipt, Refusal> {
    if !body.is_object() {
        return Err(shape("(body)", "must be an object"));
    }
    let receipt: ReceivedReceipt = serde_path_to_error::deserialize(body).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        // serde's messages name the field and the type expected (ours) and
        // the value found (theirs): only the first two are repeated.
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|m| m.split('`').next())
        {
            let path = if path == "." {
                field.to_owned()
            } else {
                format!("{path}.{field}")
            };
            shape(&path, "is missing")
        } else {
            let expected = message
                .rsplit(", expected ")
                .next()
                .filter(|_| message.contains(", expected "));
            let reason = expected.map_or_else(
                || String::from("has the wrong type"),
                |what| format!("must be {}", plain_type(what)),
            );
            shape(&path, &reason)
        }
    })?;
    let r = &receipt;
    let checks: [(&str, bool, &str); 8] = [
        (
            "receipt_id",
            is_uuid_v4(&r.receipt_id),
            "must be a UUID v4 in lowercase hex",
        ),
        (
            "version",
            r.version == RECEIPT_VERSION,
            "must be \"mohprompt-receipt/1\"",
        ),
        (
            "timestamp",
            unix_millis(&r.timestamp).is_some(),
            "must be an ISO 8601 UTC time",
        ),
        (
            "jurisdiction",
            !r.jurisdiction.is_empty(),
            "must be a non-empty string",
        ),
        (
            "collection_method",
            !r.collection_method.is_empty(),
            "must be a non-empty string",
        ),
        (
            "language",
            !r.language.is_empty(),
            "must be a non-empty string",
        ),
        (
            "subject",
            is_uuid_v4(&r.subject),
            "must be a UUID v4 in lowercase hex",
        ),
        (
            "policy.sha256",
            is_lower_hex(&r.policy.sha256, 64),
            "must be 64 lowercase hex digits",
        ),
    ];
    for (path, ok, reason) in checks {
        if !ok {
            return Err(shape(path, reason));
        }
    }
    if r.controller.name.is_empty() {
        return Err(shape("controller.name", "must be a non-empty string"));
    }
    if r.policy.version.is_empty() {
        return Err(shape("policy.version", "must be a non-empty string"));
    }
    if let Some(i) = r.changed.iter().position(String::is_empty) {
        return Err(shape(
            &format!("changed[{i}]"),
            "must be a non-empty string",
        ));
    }
    let state_reason = "must be one of granted, denied, unset, notice";
    for (i, p) in r.purposes.iter().enumerate() {
        let at = |field: &str| format!("purposes[{i}].{field}");
        if p.id.is_empty() {
            return Err(shape(&at("id"), "must be a non-empty string"));
        }
        if p.legal_basis.is_empty() {
            return Err(shape(&at("legal_basis"), "must be a non-empty string"));
        }
        if !STATES.contains(&p.state.as_str()) {
            return Err(shape(&at("state"), state_reason));
        }
        if !is_lower_hex(&p.revision, 8) {
            return Err(shape(&at("revision"), "must be 8 lowercase hex digits"));
        }
    }
    for (i, c) in r.cookie_categories.iter().enumerate() {
        if c.id.is_empty() {
            return Err(shape(
                &format!("cookie_categories[{i}].id"),
                "must be a non-empty string",
            ));
        }
        if !STATES.contains(&c.state.as_str()) {
            return Err(shape(
                &format!("cookie_categories[{i}].state"),
                state_reason,
            ));
        }
    }
    Ok(receipt)
}

fn shape(path: &str, reason: &str) -> Refusal {
    Refusal::Shape {
        path: path.to_owned(),
        reason: reason.to_owned(),
    }
}

/// serde's names of our types, in words.
fn plain_type(expected: &str) -> &str {
    match expected {
        "u32" => "a whole number from 0",
        "a string" => "a string",
        "a sequence" => "an array",
        e if e.starts_with("struct ") => "an object",
        _ => "of another type",
    }
}

fn is_lower_hex(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Whether the string at `path` is the module's own output, whose shape
/// [`read`] pinned already (the ids, the time, digests and revisions), or
/// the controller's contact details as `policy` has them.
fn exempt(policy: &Policy, path: &[Step], text: &str) -> bool {
    let c = &policy.controller;
    match path {
        [Step::Key("receipt_id" | "subject" | "timestamp")] => true,
        [Step::Key("policy"), Step::Key("sha256")] => true,
        [Step::Key("purposes"), Step::Index(_), Step::Key("revision")] => true,
        [Step::Key("controller"), Step::Key(field)] => match *field {
            "name" => text == c.name.get(Lang::Th) || text == c.name.get(Lang::En),
            "phone" => text == c.phone,
            "email" => text == c.email,
            "website" => text == c.website,
            _ => false,
        },
        _ => false,
    }
}

/// Milliseconds since the Unix epoch of `YYYY-MM-DDThh:mm:ss[.f{1,9}]Z`
/// (the form [`iso8601`](super::iso8601) writes, with an optional
/// fraction), or `None` when it is not such a time or not a real date.
///
/// ```
/// use mohprompt_privacy::receipt::received::unix_millis;
/// assert_eq!(unix_millis("2025-11-23T08:00:00Z"), Some(1_763_884_800_000));
/// assert_eq!(unix_millis("2000-02-29T00:00:00.5Z"), Some(951_782_400_500));
/// assert_eq!(unix_millis("2001-02-29T00:00:00Z"), None);
/// assert_eq!(unix_millis("2025-11-23 08:00:00"), None);
/// ```
pub fn unix_millis(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let (main, rest) = (b.get(..19)?, b.get(19..)?);
    let digits = |r: core::ops::Range<usize>| -> Option<i64> {
        let part = main.get(r)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if separators.iter().any(|&(i, c)| main[i] != c) {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    let millis = match rest {
        [b'Z'] => 0,
        [b'.', fraction @ .., b'Z']
            if (1..=9).contains(&fraction.len()) && fraction.iter().all(u8::is_ascii_digit) =>
        {
            fraction
                .iter()
                .chain(b"00")
                .take(3)
                .fold(0i64, |n, d| n * 10 + i64::from(d - b'0'))
        }
        _ => return None,
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let days_in_month = *month_days.get(usize::try_from(month).ok()?.checked_sub(1)?)?;
    if !(1970..=9999).contains(&year)
        || !(1..=days_in_month).contains(&day)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 86_400) + hour * 3600 + minute * 60 + second) * 1000 + millis)
}

/// Days since 1970-01-01 of a date, after Howard Hinnant's
/// `days_from_civil` (the inverse of `civil_from_days` in `receipt.rs`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests;
