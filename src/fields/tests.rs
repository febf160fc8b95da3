//! Field declarations, validation and minimisation, by the guideline's examples.

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
