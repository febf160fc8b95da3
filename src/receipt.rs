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
use crate::model::hex;
use crate::policy::{Policy, push_decimal};
use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
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

/// A consent receipt as it is sent and kept: its fields in this order,
/// written as compact JSON (the receiver, `www/receipts.mjs`, checks them).
#[derive(Debug, Clone, Serialize)]
pub struct Receipt<'a> {
    /// [`RECEIPT_VERSION`].
    pub version: &'static str,
    /// A fresh [`uuid_v4`].
    pub receipt_id: &'a str,
    /// When, as [`iso8601`].
    pub timestamp: String,
    /// Always `TH`.
    pub jurisdiction: &'static str,
    /// How it was collected.
    pub collection_method: &'a str,
    /// The language's tag.
    pub language: &'static str,
    /// The device's pseudonymous id.
    pub subject: &'a str,
    /// The data controller, in the language shown.
    pub controller: ReceiptController<'a>,
    /// The policy the decision was made under.
    pub policy: ReceiptPolicy<'a>,
    /// The ids whose state this decision changed.
    pub changed: &'a [String],
    /// Every purpose's state after it.
    pub purposes: Vec<PurposeState<'a>>,
    /// Every cookie category's state after it.
    pub cookie_categories: Vec<CategoryState<'a>>,
}

/// The controller in a receipt.
#[derive(Debug, Clone, Serialize)]
pub struct ReceiptController<'a> {
    /// Name, in the receipt's language.
    pub name: &'a str,
    /// Telephone number.
    pub phone: &'a str,
    /// E-mail address.
    pub email: &'a str,
    /// Web site.
    pub website: &'a str,
}

/// The policy in a receipt.
#[derive(Debug, Clone, Serialize)]
pub struct ReceiptPolicy<'a> {
    /// Its version.
    pub version: &'a str,
    /// [`sha256_hex`] of its text as loaded.
    pub sha256: &'a str,
    /// Where its full text is published.
    pub url: &'a str,
}

/// A purpose's state in a receipt.
#[derive(Debug, Clone, Serialize)]
pub struct PurposeState<'a> {
    /// Its id.
    pub id: &'a str,
    /// Its legal basis.
    pub legal_basis: &'static str,
    /// `granted`, `denied`, `unset` or `notice`.
    pub state: &'static str,
    /// Its content hash, eight hex digits.
    pub revision: String,
}

/// A cookie category's state in a receipt.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryState<'a> {
    /// Its id.
    pub id: &'a str,
    /// `granted`, `denied` or `unset`.
    pub state: &'static str,
    /// Its revision.
    pub revision: u32,
}

impl<'a> Receipt<'a> {
    /// The receipt of a decision, after it was applied to `consent`.
    pub fn new(issuer: &Issuer<'a>, consent: &Consent, occasion: &Occasion<'a>) -> Receipt<'a> {
        let policy = issuer.policy;
        let lang = issuer.lang;
        let controller = &policy.controller;
        let state = |id: &str| consent.state(policy, id).unwrap_or(State::Unset).as_str();
        Receipt {
            version: RECEIPT_VERSION,
            receipt_id: occasion.receipt_id,
            timestamp: iso8601(occasion.now),
            jurisdiction: "TH",
            collection_method: occasion.method,
            language: lang.tag(),
            subject: issuer.subject,
            controller: ReceiptController {
                name: controller.name.get(lang),
                phone: &controller.phone,
                email: &controller.email,
                website: &controller.website,
            },
            policy: ReceiptPolicy {
                version: &policy.version,
                sha256: issuer.policy_sha256,
                url: &policy.policy_url,
            },
            changed: occasion.changed,
            purposes: policy
                .purposes
                .iter()
                .map(|p| PurposeState {
                    id: &p.id,
                    legal_basis: p.legal_basis.as_str(),
                    state: state(&p.id),
                    revision: hex8(p.content_hash),
                })
                .collect(),
            cookie_categories: policy
                .categories
                .iter()
                .map(|c| CategoryState {
                    id: &c.id,
                    state: state(&c.id),
                    revision: c.revision,
                })
                .collect(),
        }
    }
}

/// Builds the receipt of a decision, after it was applied to `consent`, as
/// compact JSON ([`Receipt`] through serde).
///
/// ```
/// use mohprompt_privacy::consent::{Choice, Consent};
/// use mohprompt_privacy::i18n::Lang;
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
/// let r: serde_json::Value = serde_json::from_str(&receipt(&issuer, &consent, &occasion)).unwrap();
/// assert_eq!(r["timestamp"], "2025-11-23T08:00:00Z");
/// assert_eq!(r["collection_method"], "api");
/// ```
pub fn receipt(issuer: &Issuer, consent: &Consent, occasion: &Occasion) -> String {
    text::to_json(&Receipt::new(issuer, consent, occasion))
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
    hex(&Sha256::digest(text.as_bytes()))
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
    let digits = hex(&bytes);
    let mut out = String::with_capacity(36);
    for (i, c) in digits.chars().enumerate() {
        if matches!(i, 8 | 12 | 16 | 20) {
            out.push('-');
        }
        out.push(c);
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
    /// A stable code page code can match on.
    pub fn code(self) -> &'static str {
        match self {
            LogError::Malformed => "receipts_malformed",
            LogError::Tampered => "receipts_tampered",
        }
    }

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
        let body = text::log_body(&self.kept);
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
        let kept = text::read_log(body).ok_or(LogError::Malformed)?;
        if kept.len() > KEPT_RECEIPTS {
            return Err(LogError::Malformed);
        }
        Ok(ReceiptLog { kept })
    }
}

/// What a stored receipt must name: its id (other keys are kept as they are).
#[derive(Deserialize)]
struct Named {
    receipt_id: String,
}

/// JSON text natively: serde_json, each kept receipt's text as it is.
#[cfg(not(target_arch = "wasm32"))]
mod text {
    use super::{Kept, Named};
    use serde::{Deserialize, Serialize};
    use serde_json::value::RawValue;

    #[derive(Serialize, Deserialize)]
    struct Entry<'a> {
        delivered: bool,
        #[serde(borrow)]
        receipt: &'a RawValue,
    }

    pub(super) fn to_json<T: Serialize>(value: &T) -> String {
        serde_json::to_string(value).unwrap_or_default()
    }

    /// `[{"delivered":false,"receipt":{…}},…]`.
    pub(super) fn log_body(kept: &[Kept]) -> String {
        let raw: Vec<Box<RawValue>> = kept
            .iter()
            .filter_map(|k| RawValue::from_string(k.json.clone()).ok())
            .collect();
        let entries: Vec<Entry> = kept
            .iter()
            .zip(&raw)
            .map(|(k, receipt)| Entry {
                delivered: k.delivered,
                receipt,
            })
            .collect();
        to_json(&entries)
    }

    pub(super) fn read_log(body: &str) -> Option<Vec<Kept>> {
        let entries: Vec<Entry> = serde_json::from_str(body).ok()?;
        entries
            .into_iter()
            .map(|entry| {
                let named: Named = serde_json::from_str(entry.receipt.get()).ok()?;
                Some(Kept {
                    id: named.receipt_id,
                    json: entry.receipt.get().to_owned(),
                    delivered: entry.delivered,
                })
            })
            .collect()
    }
}

/// JSON text in the browser: `JSON.stringify` and `JSON.parse` of the
/// values serde-wasm-bindgen makes and reads.
#[cfg(target_arch = "wasm32")]
mod text {
    use super::{Kept, Named};
    use alloc::string::String;
    use alloc::vec::Vec;
    use js_sys::JSON;
    use serde::{Deserialize, Serialize};
    use wasm_bindgen::JsValue;

    #[derive(Serialize, Deserialize)]
    struct Entry {
        delivered: bool,
        #[serde(with = "serde_wasm_bindgen::preserve")]
        receipt: JsValue,
    }

    fn stringify(value: &JsValue) -> String {
        JSON::stringify(value)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    }

    pub(super) fn to_json<T: Serialize>(value: &T) -> String {
        serde_wasm_bindgen::to_value(value)
            .map(|v| stringify(&v))
            .unwrap_or_default()
    }

    /// `[{"delivered":false,"receipt":{…}},…]`.
    pub(super) fn log_body(kept: &[Kept]) -> String {
        let entries: Vec<Entry> = kept
            .iter()
            .filter_map(|k| {
                Some(Entry {
                    delivered: k.delivered,
                    receipt: JSON::parse(&k.json).ok()?,
                })
            })
            .collect();
        to_json(&entries)
    }

    pub(super) fn read_log(body: &str) -> Option<Vec<Kept>> {
        let value = JSON::parse(body).ok()?;
        let entries: Vec<Entry> = serde_wasm_bindgen::from_value(value).ok()?;
        entries
            .into_iter()
            .map(|entry| {
                let named: Named = serde_wasm_bindgen::from_value(entry.receipt.clone()).ok()?;
                Some(Kept {
                    id: named.receipt_id,
                    json: stringify(&entry.receipt),
                    delivered: entry.delivered,
                })
            })
            .collect()
    }
}

/// The name of the file "download my consent history" saves, in the page's
/// language, with the day (UTC) it was made.
///
/// ```
/// use mohprompt_privacy::i18n::Lang;
/// use mohprompt_privacy::receipt::history_file_name;
/// assert_eq!(history_file_name(Lang::En, 1_765_152_000), "consent-history-2025-12-08.json");
/// assert_eq!(history_file_name(Lang::Th, 1_765_152_000), "ประวัติความยินยอม-2025-12-08.json");
/// ```
pub fn history_file_name(lang: Lang, unix_seconds: u64) -> String {
    let mut name = String::from(match lang {
        Lang::Th => "ประวัติความยินยอม-",
        Lang::En => "consent-history-",
    });
    name.push_str(&iso8601(unix_seconds)[..10]);
    name.push_str(".json");
    name
}

// Natively only (the receiver's side), and last in the file: lines added
// above would move the panic locations the wasm holds.
#[cfg(not(target_arch = "wasm32"))]
pub mod received;

#[cfg(test)]
mod tests;
