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
            Err(Refusal::Operator(OperatorError::NoHashKey))
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

    /// The egress guard: an identifier typed into any field that is not an
    /// identifier is masked, after the field's operator; identifier fields
    /// keep their own operator, unscanned.
    #[test]
    fn every_text_field_goes_through_the_leak_scan() {
        let all = |_: &str| true;
        let mut values = typed(FULL);
        for (name, value) in &mut values {
            match name.as_str() {
                "given_name" => *value = "สมชาย 0812345678".into(),
                "family_name" => *value = "ID3100600445635".into(),
                "nationality" => *value = "ไทย passport AB1234567".into(),
                "address" => *value = "12/3 ต.บางรัก 10500 โทร 081-234-5678".into(),
                _ => {}
            }
        }
        let fields = with_operator(register(), "email", MaskOperator::Keep);
        let sent = minimise(&fields, &all, &values, None).unwrap();
        let value = |name: &str| &sent.payload.iter().find(|(n, _)| n == name).unwrap().1;
        for (name, raw) in [
            ("given_name", "0812345678"),
            ("family_name", "3100600445635"),
            ("nationality", "1234567"),
            ("address", "234-5678"),
        ] {
            assert!(!value(name).contains(raw), "{name}: {}", value(name));
        }
        assert!(value("address").starts_with("12/3 ต.บางรัก 10500 โทร "));
        // The e-mail field is an identifier: its own operator (here keep) decides.
        assert_eq!(value("email"), "somchai@example.com");
        let masked = |name: &str| sent.report.iter().find(|r| r.name == name).unwrap().masked;
        assert_eq!(masked("address"), 1);
        assert_eq!(masked("title"), 0);
    }

    #[test]
    fn a_field_that_refuses_identifiers_stops_the_submission_and_names_itself() {
        let mut fields = register();
        fields
            .iter_mut()
            .find(|f| f.name == "address")
            .unwrap()
            .identifiers = OnIdentifier::Refuse;
        let all = |_: &str| true;
        let mut values = typed(FULL);
        values.retain(|(n, _)| n != "address");
        values.push(("address".into(), "โทร 0812345678".into()));
        let refused = minimise(&fields, &all, &values, None).unwrap_err();
        assert_eq!(refused, Refusal::HoldsIdentifier("address".into()));
        assert!(refused.message().contains("'address'"));
        assert!(!refused.message().contains("5678"));
        let problems = validate(&fields, &values);
        assert_eq!(problems, [("address".to_owned(), Problem::HoldsIdentifier)]);
        // Without an identifier in it, the address goes as typed.
        values.pop();
        values.push(("address".into(), "12/3 ต.บางรัก 10500".into()));
        assert_eq!(validate(&fields, &values), []);
        assert!(minimise(&fields, &all, &values, None).is_ok());
    }

    /// The phone field accepts what libphonenumber's Thai metadata accepts.
    #[test]
    fn a_phone_outside_the_thai_ranges_is_a_problem() {
        let phone = register().into_iter().find(|f| f.name == "phone").unwrap();
        for ok in [
            "081-234-5678",
            "+66 81 234 5678",
            "+66 0812345678",
            "02 123 4567",
        ] {
            assert_eq!(check(&phone, ok, false), None, "{ok}");
        }
        for bad in ["0691234567", "12345", "081-234-567"] {
            assert_eq!(check(&phone, bad, false), Some(Problem::Phone), "{bad}");
        }
    }
}
