//! What a form asks for (guideline section 2(จ)): which fields must be given,
//! which the person may choose to give, why each is asked, and how each
//! leaves the browser. Validation and minimisation are plain functions of
//! the declarations and the typed values, so they are tested natively.

use crate::identifiers;
use crate::masking::{self, MaskOperator, OperatorError};
use crate::policy::Text;
use crate::scan;
use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;

/// What kind of data a field holds; it chooses validation and masking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// นาย, นาง, นางสาว, …
    Title,
    /// First name.
    GivenName,
    /// Last name.
    FamilyName,
    /// Sex.
    Sex,
    /// Date of birth.
    DateOfBirth,
    /// Thai national ID number (13 digits).
    NationalId,
    /// Passport number.
    Passport,
    /// Nationality.
    Nationality,
    /// Telephone number.
    Phone,
    /// E-mail address.
    Email,
    /// Postal address.
    Address,
    /// Postal code.
    PostalCode,
    /// A photo.
    Photo,
    /// Free text, where anything may be typed.
    FreeText,
}

impl FieldKind {
    /// Every kind, in the order of [`FieldKind::as_str`]'s names.
    pub const ALL: [FieldKind; 14] = [
        FieldKind::Title,
        FieldKind::GivenName,
        FieldKind::FamilyName,
        FieldKind::Sex,
        FieldKind::DateOfBirth,
        FieldKind::NationalId,
        FieldKind::Passport,
        FieldKind::Nationality,
        FieldKind::Phone,
        FieldKind::Email,
        FieldKind::Address,
        FieldKind::PostalCode,
        FieldKind::Photo,
        FieldKind::FreeText,
    ];

    /// The name the policy and reports use.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Title => "title",
            FieldKind::GivenName => "given_name",
            FieldKind::FamilyName => "family_name",
            FieldKind::Sex => "sex",
            FieldKind::DateOfBirth => "date_of_birth",
            FieldKind::NationalId => "national_id",
            FieldKind::Passport => "passport",
            FieldKind::Nationality => "nationality",
            FieldKind::Phone => "phone",
            FieldKind::Email => "email",
            FieldKind::Address => "address",
            FieldKind::PostalCode => "postal_code",
            FieldKind::Photo => "photo",
            FieldKind::FreeText => "free_text",
        }
    }
}

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
        _ => None,
    }
}

/// Every problem of a form's typed values, in declaration order.
pub fn validate(fields: &[Field], values: &[(String, String)]) -> Vec<(String, Problem)> {
    let value = |name: &str| {
        values
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    };
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

/// Builds what leaves the browser: only declared fields, only non-empty
/// ones, only while one of their purposes is `allowed`, each after its
/// operator. Undeclared controls are reported, never sent. An operator that
/// cannot run here fails the whole submission: nothing is sent raw instead.
/// Fields to seal come back in [`Submission::to_seal`], normalised: sealing
/// runs on the browser's WebCrypto, so the caller does it.
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
) -> Result<Submission, OperatorError> {
    let mut out = Submission::default();
    for field in fields {
        let value = values
            .iter()
            .find(|(n, _)| *n == field.name)
            .map_or("", |(_, v)| v.trim());
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
            // Free text may hold identifiers typed in passing: they are masked first.
            let scanned;
            let value = if field.kind == FieldKind::FreeText {
                scanned = scan::scan_text(value).text;
                scanned.as_str()
            } else {
                value
            };
            match masking::apply(field.operator, field.kind, value, hash_key)? {
                Some(sent) => {
                    out.payload.push((field.name.clone(), sent));
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
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;

    fn typed(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn register() -> Vec<Field> {
        Policy::mohprompt().form("register").unwrap().fields.clone()
    }

    /// The register form with `name`'s operator replaced.
    fn with_operator(mut fields: Vec<Field>, name: &str, operator: MaskOperator) -> Vec<Field> {
        fields.iter_mut().find(|f| f.name == name).unwrap().operator = operator;
        fields
    }

    const FULL: &[(&str, &str)] = &[
        ("title", "นาย"),
        ("given_name", "สมชาย"),
        ("family_name", "ใจดี"),
        ("date_of_birth", "1990-01-31"),
        ("nationality", "ไทย"),
        ("national_id", "1-2345-45678-78-1"),
        ("passport", ""),
        ("phone", "081-234-5678"),
        ("email", "somchai@example.com"),
        ("address", ""),
        ("note", "โทร 0812345678"),
    ];

    #[test]
    fn a_complete_form_has_no_problem_and_one_of_is_enough() {
        assert_eq!(validate(&register(), &typed(FULL)), []);
    }

    #[test]
    fn missing_required_fields_and_an_empty_group_are_named() {
        let values = typed(&[("title", "นาย"), ("email", "not-an-address")]);
        let problems = validate(&register(), &values);
        let named: Vec<(&str, Problem)> = problems.iter().map(|(n, p)| (n.as_str(), *p)).collect();
        assert_eq!(
            named,
            [
                ("given_name", Problem::Missing),
                ("family_name", Problem::Missing),
                ("date_of_birth", Problem::Missing),
                ("nationality", Problem::Missing),
                ("national_id", Problem::NoneOfGroup),
                ("passport", Problem::NoneOfGroup),
                ("email", Problem::Email),
            ]
        );
    }

    #[test]
    fn only_declared_filled_and_allowed_fields_are_sent_masked() {
        let mut values = typed(FULL);
        values.push(("secret_extra".into(), "leak".into()));
        let all = |_: &str| true;
        let fields = with_operator(register(), "national_id", MaskOperator::KeyedHash);
        let fields = with_operator(fields, "phone", MaskOperator::Mask);
        let sent = minimise(&fields, &all, &values, Some(b"k")).unwrap();
        let names: Vec<&str> = sent.payload.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "title",
                "given_name",
                "family_name",
                "date_of_birth",
                "nationality",
                "national_id",
                "phone",
                "email",
                "note"
            ]
        );
        let value = |name: &str| {
            sent.payload
                .iter()
                .find(|(n, _)| n == name)
                .unwrap()
                .1
                .clone()
        };
        let id_hash = crate::masking::keyed_hash(b"k", "national_id", "1234545678781");
        assert_eq!(value("national_id"), id_hash);
        assert_eq!(value("phone"), "xxx-xxx-5678");
        // The free-text note is scanned: the phone typed into it is masked.
        assert_eq!(value("note"), "โทร xxxxxx5678");
        assert_eq!(value("email"), "s***@example.com");
        let action = |name: &str| sent.report.iter().find(|r| r.name == name).unwrap().action;
        assert_eq!(action("passport"), FieldAction::Empty);
        assert_eq!(action("note"), FieldAction::Sent);
        assert_eq!(action("secret_extra"), FieldAction::Undeclared);
        assert!(
            !sent
                .payload
                .iter()
                .any(|(_, v)| v.contains("leak") || v.contains("0812345678"))
        );
    }

    #[test]
    fn contact_fields_are_left_out_without_the_contact_purpose() {
        let no_contact = |p: &str| p != "contact";
        let sent = minimise(&register(), &no_contact, &typed(FULL), Some(b"k")).unwrap();
        assert!(
            !sent
                .payload
                .iter()
                .any(|(n, _)| n == "phone" || n == "email")
        );
        let action = |name: &str| sent.report.iter().find(|r| r.name == name).unwrap().action;
        assert_eq!(action("phone"), FieldAction::Denied);
        assert_eq!(action("email"), FieldAction::Denied);
        assert_eq!(action("given_name"), FieldAction::Sent);
    }

    #[test]
    fn an_operator_that_cannot_run_stops_the_whole_submission() {
        let fields = with_operator(register(), "national_id", MaskOperator::KeyedHash);
        let all = |_: &str| true;
        assert_eq!(
            minimise(&fields, &all, &typed(FULL), None),
            Err(OperatorError::NoHashKey)
        );
    }

    #[test]
    fn sealed_fields_wait_outside_the_payload_normalised() {
        let all = |_: &str| true;
        let sent = minimise(&register(), &all, &typed(FULL), None).unwrap();
        assert_eq!(
            sent.to_seal,
            typed(&[("national_id", "1234545678781"), ("phone", "+66812345678")])
        );
        assert!(
            !sent
                .payload
                .iter()
                .any(|(n, _)| n == "national_id" || n == "phone" || n == "passport")
        );
        let national_id = sent
            .report
            .iter()
            .find(|r| r.name == "national_id")
            .unwrap();
        assert_eq!(national_id.action, FieldAction::Sent);
        assert_eq!(national_id.operator, Some(MaskOperator::Seal));
        // Without the contact purpose the phone is not even sealed.
        let no_contact = |p: &str| p != "contact";
        let sent = minimise(&register(), &no_contact, &typed(FULL), None).unwrap();
        assert_eq!(sent.to_seal, typed(&[("national_id", "1234545678781")]));
    }
}
