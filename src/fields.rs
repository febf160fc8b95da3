//! What a form asks for (guideline section 2(จ)): which fields must be given,
//! which the person may choose to give, why each is asked, and how each
//! leaves the browser. Validation and minimisation are plain functions of
//! the declarations and the typed values, so they are tested natively.

use crate::identifiers;
use crate::masking::{self, MaskOperator, OperatorError};
/// Re-exported from [`crate::model`], where the kinds live for every module.
pub use crate::model::FieldKind;
use crate::model::Text;
use crate::scan;
use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;

/// Whether a field must be given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldClass {
    /// Must be given.
    Required,
    /// The person may choose to give it.
    Optional,
    /// At least one field of the named group must be given (national ID or passport).
    OneOf(String),
}

/// One field a form declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The control's `name`.
    pub name: String,
    /// What it holds.
    pub kind: FieldKind,
    /// Must it be given.
    pub class: FieldClass,
    /// The purposes that use it; it is sent only while one of them is allowed.
    pub purposes: Vec<String>,
    /// Why it is asked, shown at the field.
    pub why: Text,
    /// How it leaves the browser.
    pub operator: MaskOperator,
    /// What the egress guard does with an identifier found in its value,
    /// for fields that are not themselves identifiers.
    pub identifiers: OnIdentifier,
}

/// What the egress guard does when a national ID, passport or phone number
/// turns up in a field that is not declared to hold one (a phone typed into
/// the address, say).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OnIdentifier {
    /// It is masked in the value sent; the rest of the value goes as typed
    /// (`"identifiers": "mask"`, the default).
    #[default]
    Mask,
    /// The form is not sent: the person is asked to take it out
    /// (`"identifiers": "refuse"`).
    Refuse,
}

/// A one-of group and the sentence that explains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldGroup {
    /// Group id, named by the fields' `group`.
    pub id: String,
    /// "Give your national ID or your passport number".
    pub label: Text,
}

/// What is wrong with a typed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// A required field is empty.
    Missing,
    /// Every field of a one-of group is empty.
    NoneOfGroup,
    /// Not an e-mail address.
    Email,
    /// Not a valid Thai national ID (length, first digit or check digit).
    NationalId,
    /// A national ID, passport or phone number in a field not meant for
    /// one, where the policy refuses it (`"identifiers": "refuse"`).
    HoldsIdentifier,
    /// Not a Thai phone number (libphonenumber's Thai ranges).
    Phone,
}

/// The problem with `field`'s `value`, given whether another field of its
/// one-of group is filled.
///
/// ```
/// use mohprompt_privacy::fields::{check, Problem};
/// use mohprompt_privacy::policy::Policy;
/// let policy = Policy::mohprompt();
/// let form = policy.form("register").unwrap();
/// let id = form.field("national_id").unwrap();
/// assert_eq!(check(id, "", false), Some(Problem::NoneOfGroup));
/// assert_eq!(check(id, "", true), None);
/// assert_eq!(check(id, "1-2345-45678-78-9", true), Some(Problem::NationalId));
/// assert_eq!(check(id, "1-2345-45678-78-1", false), None);
/// ```
pub fn check(field: &Field, value: &str, group_filled: bool) -> Option<Problem> {
    let value = value.trim();
    if value.is_empty() {
        return match &field.class {
            FieldClass::Required => Some(Problem::Missing),
            FieldClass::OneOf(_) if !group_filled => Some(Problem::NoneOfGroup),
            _ => None,
        };
    }
    match field.kind {
        FieldKind::Email if !identifiers::is_email(value) => Some(Problem::Email),
        FieldKind::NationalId if !identifiers::is_thai_id(value) => Some(Problem::NationalId),
        FieldKind::Phone if identifiers::normalize_thai_phone(value).is_none() => {
            Some(Problem::Phone)
        }
        _ if refuses(field, value) => Some(Problem::HoldsIdentifier),
        _ => None,
    }
}

/// Whether the policy refuses `value` in `field`: the field is not an
/// identifier, says `"identifiers": "refuse"`, and the value holds one.
fn refuses(field: &Field, value: &str) -> bool {
    field.identifiers == OnIdentifier::Refuse
        && !field.kind.is_identifier()
        && !scan::scan_text(value).findings.is_empty()
}

/// The value typed into control `name`: the first control of that name,
/// `""` when there is none.
fn value_of<'a>(values: &'a [(String, String)], name: &str) -> &'a str {
    values
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Every problem of a form's typed values, in declaration order.
pub fn validate(fields: &[Field], values: &[(String, String)]) -> Vec<(String, Problem)> {
    let value = |name: &str| value_of(values, name);
    let group_filled = |group: &str| {
        fields.iter().any(|f| {
            f.class == FieldClass::OneOf(group.to_owned()) && !value(&f.name).trim().is_empty()
        })
    };
    fields
        .iter()
        .filter_map(|f| {
            let filled = match &f.class {
                FieldClass::OneOf(group) => group_filled(group),
                _ => false,
            };
            check(f, value(&f.name), filled).map(|p| (f.name.clone(), p))
        })
        .collect()
}

/// What happened to one control of a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldAction {
    /// Sent, after its operator.
    Sent,
    /// Left out: optional and empty.
    Empty,
    /// Left out: none of its purposes is allowed.
    Denied,
    /// Left out: its operator is `drop`.
    Dropped,
    /// Left out: the policy does not declare it.
    Undeclared,
}

impl FieldAction {
    /// The name reports use.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldAction::Sent => "sent",
            FieldAction::Empty => "empty",
            FieldAction::Denied => "denied",
            FieldAction::Dropped => "dropped",
            FieldAction::Undeclared => "undeclared",
        }
    }
}

/// What was done to one control; never its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldReport {
    /// The control's name.
    pub name: String,
    /// Its declared kind, if declared.
    pub kind: Option<FieldKind>,
    /// What happened.
    pub action: FieldAction,
    /// Its declared operator, if declared.
    pub operator: Option<MaskOperator>,
    /// How many identifiers the egress guard masked in its value.
    pub masked: usize,
}

/// A minimised, masked submission and its report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Submission {
    /// Field name and value as sent, in declaration order.
    pub payload: Vec<(String, String)>,
    /// One entry per declared field, then one per undeclared control.
    pub report: Vec<FieldReport>,
    /// Fields whose operator is `seal`: name and normalised value. They are
    /// not in `payload` until sealed, and are never sent as they are here.
    pub to_seal: Vec<(String, String)>,
}

/// Why a submission cannot be built. Nothing is sent then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// An operator cannot run here.
    Operator(OperatorError),
    /// The named field holds an identifier, and the policy refuses that there.
    HoldsIdentifier(String),
}

impl Refusal {
    /// Why, in words that name the field, never its value.
    pub fn message(&self) -> String {
        match self {
            Refusal::Operator(e) => e.as_str().to_owned(),
            Refusal::HoldsIdentifier(name) => {
                let mut message = String::from("field '");
                message.push_str(name);
                message.push_str(
                    "' holds a national ID, passport or phone number, which the policy refuses there",
                );
                message
            }
        }
    }
}

impl From<OperatorError> for Refusal {
    fn from(e: OperatorError) -> Self {
        Refusal::Operator(e)
    }
}

/// The fields a submission of `values` would seal: those whose operator is
/// `seal`, whose value is not empty, and one of whose purposes is
/// `allowed`, in declaration order. [`minimise`] puts exactly these in
/// [`Submission::to_seal`]. A form with none of them filled needs no key:
/// what it sends is not sealed.
///
/// ```
/// use mohprompt_privacy::fields::sealed;
/// use mohprompt_privacy::policy::Policy;
/// let policy = Policy::mohprompt();
/// let form = policy.form("register").unwrap();
/// let values = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
///     pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
/// };
/// let all = |_: &str| true;
/// let no_contact = |purpose: &str| purpose != "contact";
/// let names = |allowed: &dyn Fn(&str) -> bool, typed: &[(String, String)]| -> Vec<String> {
///     sealed(&form.fields, allowed, typed).map(|f| f.name.clone()).collect()
/// };
/// // Empty, blank or absent: nothing to seal.
/// assert!(names(&all, &values(&[("given_name", "Somchai"), ("national_id", "  ")])).is_empty());
/// assert_eq!(names(&all, &values(&[("passport", "AA1234567")])), ["passport"]);
/// // The phone is sealed only while its purpose, contact, is allowed.
/// assert_eq!(names(&all, &values(&[("phone", "0812345678")])), ["phone"]);
/// assert!(names(&no_contact, &values(&[("phone", "0812345678")])).is_empty());
/// ```
pub fn sealed<'a>(
    fields: &'a [Field],
    allowed: &'a dyn Fn(&str) -> bool,
    values: &'a [(String, String)],
) -> impl Iterator<Item = &'a Field> + 'a {
    fields.iter().filter(move |field| {
        field.operator == MaskOperator::Seal
            && !value_of(values, &field.name).trim().is_empty()
            && field.purposes.iter().any(|p| allowed(p))
    })
}

/// Builds what leaves the browser: only declared fields, only non-empty
/// ones, only while one of their purposes is `allowed`, each after its
/// operator. Undeclared controls are reported, never sent. An operator that
/// cannot run here fails the whole submission: nothing is sent raw instead.
/// Fields to seal come back in [`Submission::to_seal`], normalised: sealing
/// runs on the browser's WebCrypto, so the caller does it.
///
/// The egress guard: every value of a field that is not itself an
/// identifier goes through the leak scan after its operator, whatever its
/// kind (names, address, nationality, free text), and any national ID,
/// passport, phone or e-mail found in it is masked, or, where the field
/// says `"identifiers": "refuse"`, the submission is refused.
///
/// ```
/// use mohprompt_privacy::fields::minimise;
/// use mohprompt_privacy::policy::Policy;
/// let policy = Policy::mohprompt();
/// let form = policy.form("register").unwrap();
/// let typed = [("given_name", "สมชาย"), ("passport", "aa 1234567"),
///              ("email", "somchai@example.com"), ("extra", "x")];
/// let values: Vec<(String, String)> =
///     typed.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
/// let contact_denied = |purpose: &str| purpose != "contact";
/// let sent = minimise(&form.fields, &contact_denied, &values, None).unwrap();
/// assert_eq!(sent.payload, [("given_name".to_string(), "สมชาย".to_string())]);
/// // The passport is sealed to the registry's key by the caller.
/// assert_eq!(sent.to_seal, [("passport".to_string(), "AA1234567".to_string())]);
/// ```
pub fn minimise(
    fields: &[Field],
    allowed: &dyn Fn(&str) -> bool,
    values: &[(String, String)],
    hash_key: Option<&[u8]>,
) -> Result<Submission, Refusal> {
    let mut out = Submission::default();
    for field in fields {
        let mut masked = 0;
        let value = value_of(values, &field.name).trim();
        let action = if value.is_empty() {
            FieldAction::Empty
        } else if !field.purposes.iter().any(|p| allowed(p)) {
            FieldAction::Denied
        } else if field.operator == MaskOperator::Seal {
            // Only the recipient reads it, so it is sealed whole, unscanned.
            let normal = masking::normalise(field.kind, value);
            out.to_seal.push((field.name.clone(), normal));
            FieldAction::Sent
        } else {
            match masking::apply(field.operator, field.kind, value, hash_key)? {
                Some(sent) if field.kind.is_identifier() => {
                    out.payload.push((field.name.clone(), sent));
                    FieldAction::Sent
                }
                Some(sent) => {
                    let scan = scan::scan_text(&sent);
                    if !scan.findings.is_empty() && field.identifiers == OnIdentifier::Refuse {
                        return Err(Refusal::HoldsIdentifier(field.name.clone()));
                    }
                    masked = scan.findings.len();
                    out.payload.push((field.name.clone(), scan.text));
                    FieldAction::Sent
                }
                None => FieldAction::Dropped,
            }
        };
        out.report.push(FieldReport {
            name: field.name.clone(),
            kind: Some(field.kind),
            action,
            operator: Some(field.operator),
            masked,
        });
    }
    for (name, _) in values {
        let known =
            fields.iter().any(|f| f.name == *name) || out.report.iter().any(|r| r.name == *name);
        if !known {
            out.report.push(FieldReport {
                name: name.clone(),
                kind: None,
                action: FieldAction::Undeclared,
                operator: None,
                masked: 0,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
