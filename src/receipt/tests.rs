//! Consent receipts and the receipt log.

use super::*;
use crate::consent::Choice;
use crate::policy::MOHPROMPT_POLICY;
use serde_json::Value;

const NOW: u64 = 1_763_884_800; // 2025-11-23T08:00:00Z

fn sample(consent: &Consent, method: &str, changed: &[String]) -> Value {
    let policy = Policy::mohprompt();
    let digest = sha256_hex(MOHPROMPT_POLICY);
    let issuer = Issuer {
        policy: &policy,
        policy_sha256: &digest,
        subject: "0b6f3c4e-8f0a-4d6b-9c3e-2a1b0c9d8e7f",
        lang: Lang::En,
    };
    let occasion = Occasion {
        receipt_id: "5e0c1b7a-3f2d-4e8c-a1b9-0d7e6f5a4c3b",
        now: NOW,
        method,
        changed,
    };
    serde_json::from_str(&receipt(&issuer, consent, &occasion)).expect("a receipt is JSON")
}

fn entry<'v>(list: &'v Value, id: &str) -> &'v Value {
    let Value::Array(items) = list else {
        panic!("not a list")
    };
    items
        .iter()
        .find(|i| i.get("id") == Some(&Value::String(id.into())))
        .unwrap_or_else(|| panic!("{id} missing"))
}

#[test]
fn a_receipt_names_policy_method_language_and_every_state() {
    let policy = Policy::mohprompt();
    let mut consent = Consent::new(&policy, false);
    consent.decide(&policy, "contact", Choice::Granted, NOW);
    consent.decide(&policy, "news", Choice::Denied, NOW);
    let r = sample(
        &consent,
        "form:register",
        &["contact".into(), "news".into()],
    );
    assert_eq!(
        r.get("version"),
        Some(&Value::String(RECEIPT_VERSION.into()))
    );
    assert_eq!(r.get("jurisdiction"), Some(&Value::String("TH".into())));
    assert_eq!(r.get("language"), Some(&Value::String("en".into())));
    assert_eq!(
        r.get("collection_method"),
        Some(&Value::String("form:register".into()))
    );
    let digest = r.get("policy").and_then(|p| p.get("sha256")).unwrap();
    assert_eq!(digest, &Value::String(sha256_hex(MOHPROMPT_POLICY)));
    let purposes = r.get("purposes").unwrap();
    let state = |id: &str| entry(purposes, id).get("state").cloned();
    assert_eq!(state("contact"), Some("granted".into()));
    assert_eq!(state("news"), Some("denied".into()));
    assert_eq!(state("statistics"), Some("unset".into()));
    assert_eq!(state("logs"), Some("notice".into()));
    assert_eq!(
        entry(purposes, "logs").get("legal_basis"),
        Some(&"legal_obligation".into())
    );
    let categories = r.get("cookie_categories").unwrap();
    assert_eq!(
        entry(categories, "necessary").get("state"),
        Some(&"granted".into())
    );
}

#[test]
fn uuids_carry_version_and_variant() {
    let id = uuid_v4([0; 16]);
    assert_eq!(id, "00000000-0000-4000-8000-000000000000");
    assert!(is_uuid_v4(&id));
    assert!(!is_uuid_v4("00000000-0000-1000-8000-000000000000"));
    assert!(!is_uuid_v4("not a uuid"));
}

#[test]
fn timestamps_are_utc_iso_8601() {
    assert_eq!(iso8601(NOW), "2025-11-23T08:00:00Z");
    assert_eq!(iso8601(1_798_761_599), "2026-12-31T23:59:59Z");
    assert_eq!(iso8601(4_107_542_400), "2100-03-01T00:00:00Z");
}

fn log_of(n: usize) -> ReceiptLog {
    let mut log = ReceiptLog::default();
    for i in 0..n {
        let mut id = String::from("r");
        push_decimal(&mut id, i as u64);
        let json = String::from("{\"receipt_id\":\"") + &id + "\"}";
        log.push(&id, json);
    }
    log
}

#[test]
fn the_log_round_trips_and_remembers_deliveries() {
    let mut log = log_of(3);
    assert!(log.delivered("r1"));
    assert!(!log.delivered("r1"), "delivered twice");
    let back = ReceiptLog::decode(&log.encode()).unwrap();
    assert_eq!(back, log);
    let waiting: Vec<&str> = back.undelivered().map(|k| k.id.as_str()).collect();
    assert_eq!(waiting, ["r0", "r2"]);
    assert_eq!(
        back.receipts_json(),
        r#"[{"receipt_id":"r0"},{"receipt_id":"r1"},{"receipt_id":"r2"}]"#
    );
}

#[test]
fn a_damaged_or_edited_log_is_discarded_whole() {
    let stored = log_of(2).encode();
    let edited = stored.replace("\"delivered\":false", "\"delivered\":true ");
    assert_eq!(ReceiptLog::decode(&edited), Err(LogError::Tampered));
    assert_eq!(
        ReceiptLog::decode(&stored[..stored.len() - 1]),
        Err(LogError::Tampered)
    );
    assert_eq!(ReceiptLog::decode("garbage"), Err(LogError::Malformed));
    let body = r#"[{"receipt":{}}]"#;
    let forged = String::from("1|") + &hex8(fnv1a(body.as_bytes())) + "|" + body;
    assert_eq!(ReceiptLog::decode(&forged), Err(LogError::Malformed));
}

#[test]
fn the_log_is_bounded_and_drops_delivered_receipts_first() {
    let mut log = log_of(KEPT_RECEIPTS);
    log.delivered("r50");
    let lost = log.push("new", "{}".into());
    assert!(
        !lost,
        "an undelivered receipt was dropped while a delivered one was kept"
    );
    assert_eq!(log.kept.len(), KEPT_RECEIPTS);
    assert!(log.kept.iter().all(|k| k.id != "r50"));
    let lost = log.push("newer", "{}".into());
    assert!(lost);
    assert_eq!(log.kept[0].id, "r1");
}

/// A receipt and a stored log as the hand-written JSON writer of the
/// previous release wrote them, byte for byte: stored logs and the
/// receiver must read what the serde version writes the same way.
const WRITTEN_BEFORE_SERDE: &str = r#"{"version":"mohprompt-receipt/1","receipt_id":"5e0c1b7a-3f2d-4e8c-a1b9-0d7e6f5a4c3b","timestamp":"2025-11-23T08:00:00Z","jurisdiction":"TH","collection_method":"form:register","language":"th","subject":"0b6f3c4e-8f0a-4d6b-9c3e-2a1b0c9d8e7f","controller":{"name":"กลุ่มงานดิจิทัลสุขภาพ กองยุทธศาสตร์และแผนงาน สำนักงานปลัดกระทรวงสาธารณสุข","phone":"0 2590 1495, 0 2590 1497","email":"mohprompt@moph.go.th","website":"https://mohpromt.moph.go.th"},"policy":{"version":"2026.11-1","sha256":"8d685e536ca2aae45b4c09b5524aa152898b7d91c063d2c1b3b8fc31a403afcd","url":"https://mohpromt.moph.go.th"},"changed":["contact","statistics"],"purposes":[{"id":"service","legal_basis":"public_task","state":"notice","revision":"5f3e9211"},{"id":"contact","legal_basis":"consent","state":"granted","revision":"1f69c05a"},{"id":"news","legal_basis":"consent","state":"unset","revision":"8d53c37c"},{"id":"statistics","legal_basis":"consent","state":"denied","revision":"9a1807e7"},{"id":"logs","legal_basis":"legal_obligation","state":"notice","revision":"bc6dd0db"},{"id":"linkage","legal_basis":"public_task","state":"notice","revision":"7edf2d26"},{"id":"combining","legal_basis":"public_task","state":"notice","revision":"09f55925"},{"id":"transfer","legal_basis":"legal_obligation","state":"notice","revision":"0c6faca6"},{"id":"line_link","legal_basis":"consent","state":"unset","revision":"215c256b"}],"cookie_categories":[{"id":"necessary","state":"granted","revision":1},{"id":"preferences","state":"unset","revision":1},{"id":"statistics","state":"denied","revision":1}]}"#;
const STORED_BEFORE_SERDE: &str = r#"1|d6280dfb|[{"delivered":true,"receipt":{"version":"mohprompt-receipt/1","receipt_id":"5e0c1b7a-3f2d-4e8c-a1b9-0d7e6f5a4c3b","timestamp":"2025-11-23T08:00:00Z","jurisdiction":"TH","collection_method":"form:register","language":"th","subject":"0b6f3c4e-8f0a-4d6b-9c3e-2a1b0c9d8e7f","controller":{"name":"กลุ่มงานดิจิทัลสุขภาพ กองยุทธศาสตร์และแผนงาน สำนักงานปลัดกระทรวงสาธารณสุข","phone":"0 2590 1495, 0 2590 1497","email":"mohprompt@moph.go.th","website":"https://mohpromt.moph.go.th"},"policy":{"version":"2026.11-1","sha256":"8d685e536ca2aae45b4c09b5524aa152898b7d91c063d2c1b3b8fc31a403afcd","url":"https://mohpromt.moph.go.th"},"changed":["contact","statistics"],"purposes":[{"id":"service","legal_basis":"public_task","state":"notice","revision":"5f3e9211"},{"id":"contact","legal_basis":"consent","state":"granted","revision":"1f69c05a"},{"id":"news","legal_basis":"consent","state":"unset","revision":"8d53c37c"},{"id":"statistics","legal_basis":"consent","state":"denied","revision":"9a1807e7"},{"id":"logs","legal_basis":"legal_obligation","state":"notice","revision":"bc6dd0db"},{"id":"linkage","legal_basis":"public_task","state":"notice","revision":"7edf2d26"},{"id":"combining","legal_basis":"public_task","state":"notice","revision":"09f55925"},{"id":"transfer","legal_basis":"legal_obligation","state":"notice","revision":"0c6faca6"},{"id":"line_link","legal_basis":"consent","state":"unset","revision":"215c256b"}],"cookie_categories":[{"id":"necessary","state":"granted","revision":1},{"id":"preferences","state":"unset","revision":1},{"id":"statistics","state":"denied","revision":1}]}}]"#;

#[test]
fn receipts_and_the_stored_log_keep_their_bytes() {
    let policy = Policy::mohprompt();
    let mut consent = Consent::new(&policy, false);
    consent.decide(&policy, "contact", Choice::Granted, NOW);
    consent.decide(&policy, "statistics", Choice::Denied, NOW);
    let digest = sha256_hex(MOHPROMPT_POLICY);
    let issuer = Issuer {
        policy: &policy,
        policy_sha256: &digest,
        subject: "0b6f3c4e-8f0a-4d6b-9c3e-2a1b0c9d8e7f",
        lang: Lang::Th,
    };
    let changed = ["contact".to_owned(), "statistics".to_owned()];
    let id = "5e0c1b7a-3f2d-4e8c-a1b9-0d7e6f5a4c3b";
    let occasion = Occasion {
        receipt_id: id,
        now: NOW,
        method: "form:register",
        changed: &changed,
    };
    let written = receipt(&issuer, &consent, &occasion);
    assert_eq!(written, WRITTEN_BEFORE_SERDE);
    let mut log = ReceiptLog::default();
    log.push(id, written);
    log.delivered(id);
    assert_eq!(log.encode(), STORED_BEFORE_SERDE);
    let read = ReceiptLog::decode(STORED_BEFORE_SERDE).expect("an older log reads");
    assert_eq!(read, log);
}
