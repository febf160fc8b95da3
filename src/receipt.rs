//! Consent receipts: a record of each decision that proves what was agreed
//! to, shaped after ISO/IEC TS 27560 and the Kantara Consent Receipt, and the
//! log that keeps them on the device until the receiver has them.
//!
//! A receipt names the policy (version and SHA-256 of the text as loaded),
//! how and in which language the decision was collected, and the state and
//! legal basis of every purpose and category after it. Its subject is a
//! random pseudonymous device id: never a name, an ID number, a phone, an
//! e-mail or a LINE userId. Nothing typed into a form goes into a receipt.

use crate::consent::{Consent, State, fnv1a, hex8};
use crate::i18n::Lang;
use crate::json::{self, Value};
use crate::policy::{Policy, push_decimal};
use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;
use sha2::{Digest, Sha256};

/// Names the receipt format; bumped if its fields change meaning.
pub const RECEIPT_VERSION: &str = "mohprompt-receipt/1";

/// At most this many receipts stay on the device. When the log is full the
/// oldest delivered receipt goes first; only when none has been delivered
/// (a receiver unreachable for 100 decisions) does an undelivered one go.
pub const KEPT_RECEIPTS: usize = 100;

/// What is the same for every receipt of a page view.
#[derive(Debug, Clone)]
pub struct Issuer<'a> {
    /// The policy the decisions were made under.
    pub policy: &'a Policy,
    /// [`sha256_hex`] of the policy text as loaded.
    pub policy_sha256: &'a str,
    /// The device's pseudonymous id ([`uuid_v4`]).
    pub subject: &'a str,
    /// The language the person was shown.
    pub lang: Lang,
}

/// One decision to record.
#[derive(Debug, Clone)]
pub struct Occasion<'a> {
    /// A fresh [`uuid_v4`].
    pub receipt_id: &'a str,
    /// When, in seconds since the Unix epoch (UTC).
    pub now: u64,
    /// How it was collected: `banner`, `form:<id>`, `privacy-centre`, `api`, `gpc`.
    pub method: &'a str,
    /// The ids whose state this decision changed.
    pub changed: &'a [String],
}

/// Builds the receipt of a decision, after it was applied to `consent`, as
/// compact JSON. Written directly rather than through a value tree: this runs
/// on every decision and its code ships in the wasm.
///
/// ```
/// use mohprompt_privacy::consent::{Choice, Consent};
/// use mohprompt_privacy::i18n::Lang;
/// use mohprompt_privacy::json::parse;
/// use mohprompt_privacy::policy::{Policy, MOHPROMPT_POLICY};
/// use mohprompt_privacy::receipt::{receipt, sha256_hex, Issuer, Occasion};
///
/// let policy = Policy::mohprompt();
/// let mut consent = Consent::new(&policy, false);
/// consent.decide(&policy, "contact", Choice::Granted, 1_763_884_800);
/// let digest = sha256_hex(MOHPROMPT_POLICY);
/// let issuer = Issuer { policy: &policy, policy_sha256: &digest, subject: "device", lang: Lang::Th };
/// let changed = ["contact".to_string()];
/// let occasion = Occasion { receipt_id: "r1", now: 1_763_884_800, method: "api", changed: &changed };
/// let r = parse(&receipt(&issuer, &consent, &occasion)).unwrap();
/// assert_eq!(r.get("timestamp"), Some(&"2025-11-23T08:00:00Z".into()));
/// assert_eq!(r.get("collection_method"), Some(&"api".into()));
/// ```
pub fn receipt(issuer: &Issuer, consent: &Consent, occasion: &Occasion) -> String {
    let policy = issuer.policy;
    let lang = issuer.lang;
    let controller = &policy.controller;
    let state = |id: &str| consent.state(policy, id).unwrap_or(State::Unset).as_str();
    let mut out = String::with_capacity(2048);
    let fields = [
        ("{\"version\":", RECEIPT_VERSION),
        (",\"receipt_id\":", occasion.receipt_id),
        (",\"timestamp\":", &iso8601(occasion.now)),
        (",\"jurisdiction\":", "TH"),
        (",\"collection_method\":", occasion.method),
        (",\"language\":", lang.tag()),
        (",\"subject\":", issuer.subject),
        (",\"controller\":{\"name\":", controller.name.get(lang)),
        (",\"phone\":", &controller.phone),
        (",\"email\":", &controller.email),
        (",\"website\":", &controller.website),
        ("},\"policy\":{\"version\":", &policy.version),
        (",\"sha256\":", issuer.policy_sha256),
        (",\"url\":", &policy.policy_url),
    ];
    for (key, value) in fields {
        out.push_str(key);
        json::push_string(&mut out, value);
    }
    out.push_str("},\"changed\":[");
    for (i, id) in occasion.changed.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json::push_string(&mut out, id);
    }
    out.push_str("],\"purposes\":[");
    for (i, p) in policy.purposes.iter().enumerate() {
        out.push_str(if i > 0 { ",{\"id\":" } else { "{\"id\":" });
        json::push_string(&mut out, &p.id);
        out.push_str(",\"legal_basis\":");
        json::push_string(&mut out, p.legal_basis.as_str());
        out.push_str(",\"state\":");
        json::push_string(&mut out, state(&p.id));
        out.push_str(",\"revision\":");
        json::push_string(&mut out, &hex8(p.content_hash));
        out.push('}');
    }
    out.push_str("],\"cookie_categories\":[");
    for (i, c) in policy.categories.iter().enumerate() {
        out.push_str(if i > 0 { ",{\"id\":" } else { "{\"id\":" });
        json::push_string(&mut out, &c.id);
        out.push_str(",\"state\":");
        json::push_string(&mut out, state(&c.id));
        out.push_str(",\"revision\":");
        push_decimal(&mut out, u64::from(c.revision));
        out.push('}');
    }
    out.push_str("]}");
    out
}

/// SHA-256 of `text`, in lowercase hex.
///
/// ```
/// assert_eq!(
///     mohprompt_privacy::receipt::sha256_hex("abc"),
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// ```
pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut out = String::with_capacity(64);
    for byte in digest {
        push_hex(&mut out, byte);
    }
    out
}

/// A version 4 (random) UUID from 16 random bytes (RFC 9562).
///
/// ```
/// let id = mohprompt_privacy::receipt::uuid_v4([0xff; 16]);
/// assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
/// ```
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, byte) in bytes.into_iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        push_hex(&mut out, byte);
    }
    out
}

/// Whether `s` is a UUID as [`uuid_v4`] writes it.
pub fn is_uuid_v4(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(c),
        })
        && b[14] == b'4'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b')
}

/// `YYYY-MM-DDThh:mm:ssZ` for seconds since the Unix epoch.
///
/// ```
/// use mohprompt_privacy::receipt::iso8601;
/// assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
/// assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00Z");
/// ```
pub fn iso8601(unix_seconds: u64) -> String {
    let days = unix_seconds / 86_400;
    let secs = unix_seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    let mut out = String::with_capacity(20);
    push_padded(&mut out, year, 4);
    out.push('-');
    push_padded(&mut out, month, 2);
    out.push('-');
    push_padded(&mut out, day, 2);
    out.push('T');
    push_padded(&mut out, secs / 3600, 2);
    out.push(':');
    push_padded(&mut out, secs / 60 % 60, 2);
    out.push(':');
    push_padded(&mut out, secs % 60, 2);
    out.push('Z');
    out
}

/// Year, month and day of a count of days since 1970-01-01, after Howard
/// Hinnant's `civil_from_days` (proleptic Gregorian calendar).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

fn push_padded(out: &mut String, n: u64, width: usize) {
    let mut digits = String::new();
    push_decimal(&mut digits, n);
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

fn push_hex(out: &mut String, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(char::from(HEX[usize::from(byte >> 4)]));
    out.push(char::from(HEX[usize::from(byte & 0xf)]));
}

/// A receipt kept on the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// Its `receipt_id`.
    pub id: String,
    /// The receipt as compact JSON, sent as is.
    pub json: String,
    /// Whether the receiver has confirmed it.
    pub delivered: bool,
}

/// Why a stored receipt log was discarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogError {
    /// Not in the stored format.
    Malformed,
    /// The checksum does not match the content.
    Tampered,
}

impl LogError {
    /// Why, in words (the log's content is never quoted).
    pub fn as_str(self) -> &'static str {
        match self {
            LogError::Malformed => "the stored consent receipts are malformed",
            LogError::Tampered => "the stored consent receipts fail their checksum",
        }
    }
}

/// The receipts recorded on this device, oldest first, with what is still
/// to be delivered.
///
/// Stored form: `1|<FNV-1a 32 of the JSON, 8 hex>|<JSON>`, the JSON being
/// `[{"delivered":false,"receipt":{…}},…]`. A value that is malformed or
/// fails its checksum is discarded whole: none of it is sent again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReceiptLog {
    /// Oldest first, at most [`KEPT_RECEIPTS`].
    pub kept: Vec<Kept>,
}

impl ReceiptLog {
    /// Adds receipt `id` (its JSON as [`receipt`] wrote it), dropping the
    /// oldest (delivered ones first) beyond the bound. Returns whether an
    /// undelivered receipt had to be dropped.
    pub fn push(&mut self, id: &str, json: String) -> bool {
        self.kept.push(Kept {
            id: id.to_owned(),
            json,
            delivered: false,
        });
        let mut lost = false;
        while self.kept.len() > KEPT_RECEIPTS {
            let oldest = self
                .kept
                .iter()
                .position(|k| k.delivered)
                .unwrap_or_else(|| {
                    lost = true;
                    0
                });
            self.kept.remove(oldest);
        }
        lost
    }

    /// Marks receipt `id` delivered; returns whether it was waiting.
    pub fn delivered(&mut self, id: &str) -> bool {
        match self.kept.iter_mut().find(|k| k.id == id && !k.delivered) {
            Some(kept) => {
                kept.delivered = true;
                true
            }
            None => false,
        }
    }

    /// The receipts not yet delivered, oldest first.
    pub fn undelivered(&self) -> impl Iterator<Item = &Kept> {
        self.kept.iter().filter(|k| !k.delivered)
    }

    /// Every kept receipt as one JSON array, oldest first.
    pub fn receipts_json(&self) -> String {
        let mut out = String::from("[");
        for (i, kept) in self.kept.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&kept.json);
        }
        out.push(']');
        out
    }

    /// The stored form.
    ///
    /// ```
    /// use mohprompt_privacy::receipt::ReceiptLog;
    /// let mut log = ReceiptLog::default();
    /// log.push("r1", r#"{"receipt_id":"r1"}"#.into());
    /// let stored = log.encode();
    /// assert_eq!(ReceiptLog::decode(&stored), Ok(log));
    /// assert!(ReceiptLog::decode(&stored.replace("r1", "r2")).is_err());
    /// ```
    pub fn encode(&self) -> String {
        let mut body = String::from("[");
        for (i, kept) in self.kept.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(if kept.delivered {
                "{\"delivered\":true,\"receipt\":"
            } else {
                "{\"delivered\":false,\"receipt\":"
            });
            body.push_str(&kept.json);
            body.push('}');
        }
        body.push(']');
        let mut out = String::from("1|");
        out.push_str(&hex8(fnv1a(body.as_bytes())));
        out.push('|');
        out.push_str(&body);
        out
    }

    /// Reads a stored log back.
    pub fn decode(stored: &str) -> Result<ReceiptLog, LogError> {
        let rest = stored.strip_prefix("1|").ok_or(LogError::Malformed)?;
        let (sum, body) = rest.split_once('|').ok_or(LogError::Malformed)?;
        if sum != hex8(fnv1a(body.as_bytes())) {
            return Err(LogError::Tampered);
        }
        let Ok(Value::Array(items)) = json::parse(body) else {
            return Err(LogError::Malformed);
        };
        let mut log = ReceiptLog::default();
        for item in &items {
            let (Some(Value::Bool(delivered)), Some(receipt)) =
                (item.get("delivered"), item.get("receipt"))
            else {
                return Err(LogError::Malformed);
            };
            let Some(Value::Str(id)) = receipt.get("receipt_id") else {
                return Err(LogError::Malformed);
            };
            let mut text = String::new();
            json::write(receipt, &mut text);
            log.kept.push(Kept {
                id: id.clone(),
                json: text,
                delivered: *delivered,
            });
        }
        if log.kept.len() > KEPT_RECEIPTS {
            return Err(LogError::Malformed);
        }
        Ok(log)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::Choice;
    use crate::policy::MOHPROMPT_POLICY;

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
        json::parse(&receipt(&issuer, consent, &occasion)).expect("a receipt is JSON")
    }

    fn entry<'v>(list: &'v Value, id: &str) -> &'v Value {
        let Value::Array(items) = list else {
            panic!("not a list")
        };
        items
            .iter()
            .find(|i| i.get("id") == Some(&Value::Str(id.into())))
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
        assert_eq!(r.get("version"), Some(&Value::Str(RECEIPT_VERSION.into())));
        assert_eq!(r.get("jurisdiction"), Some(&Value::Str("TH".into())));
        assert_eq!(r.get("language"), Some(&Value::Str("en".into())));
        assert_eq!(
            r.get("collection_method"),
            Some(&Value::Str("form:register".into()))
        );
        let digest = r.get("policy").and_then(|p| p.get("sha256")).unwrap();
        assert_eq!(digest, &Value::Str(sha256_hex(MOHPROMPT_POLICY)));
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
}
