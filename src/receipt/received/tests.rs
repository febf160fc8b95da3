//! Received receipts: what the module writes passes, every bad value is
//! refused naming its path and never its value, identifiers are found.

use super::*;
use crate::consent::{Choice, Consent};
use crate::policy::MOHPROMPT_POLICY;
use crate::receipt::{Issuer, Occasion, iso8601, receipt, sha256_hex};

const NOW: u64 = 1_763_884_800;

fn written() -> Value {
    let policy = Policy::mohprompt();
    let mut consent = Consent::new(&policy, false);
    consent.decide(&policy, "contact", Choice::Granted, NOW);
    let digest = sha256_hex(MOHPROMPT_POLICY);
    let issuer = Issuer {
        policy: &policy,
        policy_sha256: &digest,
        subject: "0b6f3c4e-8f0a-4d6b-9c3e-2a1b0c9d8e7f",
        lang: Lang::Th,
    };
    let changed = [String::from("contact")];
    let occasion = Occasion {
        receipt_id: "5e0c1b7a-3f2d-4e8c-a1b9-0d7e6f5a4c3b",
        now: NOW,
        method: "banner",
        changed: &changed,
    };
    serde_json::from_str(&receipt(&issuer, &consent, &occasion)).unwrap()
}

fn refusal(body: &Value) -> String {
    check(body, &Policy::mohprompt()).unwrap_err().message()
}

#[test]
fn what_the_module_writes_is_read_back_whole() {
    let body = written();
    let read = check(&body, &Policy::mohprompt()).expect("the module's own receipt passes");
    assert_eq!(serde_json::to_value(&read).unwrap(), body);
    assert_eq!(read.subject, "0b6f3c4e-8f0a-4d6b-9c3e-2a1b0c9d8e7f");
}

#[test]
fn a_bad_value_is_refused_naming_its_path_and_never_its_value() {
    let cases: [(&str, Value, &str); 9] = [
        (
            "/version",
            Value::from("v0812345678"),
            "version must be \"mohprompt-receipt/1\".",
        ),
        (
            "/receipt_id",
            Value::from("0812345678"),
            "receipt_id must be a UUID v4 in lowercase hex.",
        ),
        (
            "/timestamp",
            Value::from("2025-02-30T00:00:00Z"),
            "timestamp must be an ISO 8601 UTC time.",
        ),
        (
            "/purposes/1/state",
            Value::from("yes"),
            "purposes[1].state must be one of granted, denied, unset, notice.",
        ),
        (
            "/purposes/0/revision",
            Value::from(7),
            "purposes[0].revision must be a string.",
        ),
        (
            "/cookie_categories/0/revision",
            Value::from(-1),
            "cookie_categories[0].revision must be a whole number from 0.",
        ),
        (
            "/policy/sha256",
            Value::from("ABC"),
            "policy.sha256 must be 64 lowercase hex digits.",
        ),
        (
            "/changed",
            Value::from("contact"),
            "changed must be an array.",
        ),
        (
            "/controller",
            Value::from(1234545678781_u64),
            "controller must be an object.",
        ),
    ];
    for (pointer, value, expected) in cases {
        let mut body = written();
        *body.pointer_mut(pointer).unwrap() = value;
        let message = refusal(&body);
        assert_eq!(message, expected, "{pointer}");
        assert!(!message.contains("0812345678") && !message.contains("5678781"));
    }
}

#[test]
fn a_missing_value_is_named() {
    let mut body = written();
    body["policy"].as_object_mut().unwrap().remove("version");
    assert_eq!(refusal(&body), "policy.version is missing.");
    assert_eq!(refusal(&Value::from("x")), "(body) must be an object.");
}

#[test]
fn an_identifier_anywhere_refuses_the_receipt() {
    let mut body = written();
    body["note"] = Value::from("โทร \u{30}812345678");
    body["changed"][0] = Value::from("1234545678781");
    body["controller"]["phone"] = Value::from("0812345678");
    let refused = check(&body, &Policy::mohprompt()).unwrap_err();
    assert_eq!(refused.code(), "identifier_in_body");
    assert_eq!(
        refused.message(),
        "A raw identifier was sent in controller.phone, changed[0], note; nothing was stored."
    );
}

#[test]
fn the_controllers_own_phone_and_masked_emails_pass() {
    let mut body = written();
    body["extra"] = Value::from("s***@example.com");
    assert!(check(&body, &Policy::mohprompt()).is_ok());
}

#[test]
fn times_read_back_as_the_module_writes_them() {
    for seconds in (0..4_000_000_000_u64).step_by(86_399 * 97 + 13) {
        let millis = unix_millis(&iso8601(seconds)).unwrap();
        assert_eq!(millis, i64::try_from(seconds).unwrap() * 1000);
    }
    assert_eq!(
        unix_millis("2025-11-23T08:00:00.123456789Z"),
        Some(1_763_884_800_123)
    );
    for bad in [
        "2025-11-23T24:00:00Z",
        "2025-13-01T00:00:00Z",
        "2025-11-23T08:00:00.Z",
        "2025-11-23T08:00:00+07:00",
        "",
        "x",
    ] {
        assert_eq!(unix_millis(bad), None, "{bad}");
    }
}
