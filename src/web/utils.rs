//! The identifier utilities of the JS API: plain functions over strings,
//! for pages that check or show identifiers themselves.

use crate::fields::FieldKind;
use crate::page::boundary::{error, to_js};
use crate::scan::{self, FindingKind};
use crate::{identifiers, masking};
use js_sys::Object;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/**
 * What the leak scan finds: `national_id_unverified` is 13 digits in an ID's
 * shape whose check digit fails.
 */
export type FindingKind = 'national_id' | 'national_id_unverified' | 'phone' | 'passport' | 'email';
/** One finding: its kind and where it was, never the value. */
export interface ScanFinding {
  kind: FindingKind;
  /** String indices into the scanned text (UTF-16, as JavaScript counts); `end` is exclusive. */
  start: number;
  end: number;
}
/** `scanText`'s result: the text with every finding masked, and the findings in order. */
export interface ScanResult {
  text: string;
  findings: ScanFinding[];
}
"#;

/// `scanText`'s result: the masked text and what was found where.
#[derive(Serialize)]
struct Scanned<'a> {
    text: &'a str,
    findings: Vec<Finding>,
}

/// One finding: its kind and UTF-16 indices, never the value.
#[derive(Serialize)]
struct Finding {
    kind: &'static str,
    start: u32,
    end: u32,
}

/// Whether `s` is a valid Thai national ID (Thai digits, spaces and dashes accepted).
#[wasm_bindgen(js_name = validateThaiId)]
pub fn validate_thai_id(s: &str) -> bool {
    identifiers::is_thai_id(s)
}

/// `'1-2345-45678-78-1'`, or `null` when `s` is not a valid national ID.
#[wasm_bindgen(js_name = formatThaiId, unchecked_return_type = "string | null")]
pub fn format_thai_id(s: &str) -> JsValue {
    string_or_null(identifiers::format_thai_id(s))
}

/// The E.164 form (`'+66812345678'`), or `null` when `s` is not a Thai number.
#[wasm_bindgen(js_name = normalizeThaiPhone, unchecked_return_type = "string | null")]
pub fn normalize_thai_phone(s: &str) -> JsValue {
    string_or_null(identifiers::normalize_thai_phone(s))
}

/// `null`, as the contract promises, where wasm-bindgen would give `undefined`.
fn string_or_null(s: Option<String>) -> JsValue {
    s.map_or(JsValue::NULL, |s| JsValue::from(s.as_str()))
}

/// The display mask of `s` as a `kind` (`'national_id'`, `'phone'`,
/// `'passport'`, `'email'`, any other field kind, or a finding kind of
/// `scanText` such as `'national_id_unverified'`). Throws for an unknown
/// kind (`code`: `kind_unknown`).
#[wasm_bindgen(js_name = maskValue)]
pub fn mask_value(kind: &str, s: &str) -> Result<String, JsValue> {
    let kind = FieldKind::ALL
        .into_iter()
        .find(|k| k.as_str() == kind)
        .or_else(|| {
            FindingKind::ALL
                .into_iter()
                .find(|k| k.as_str() == kind)
                .map(FindingKind::field_kind)
        })
        .ok_or_else(|| error("kind_unknown", "maskValue: unknown kind"))?;
    Ok(masking::mask(kind, s.trim()))
}

/// `{ text, findings: [{ kind, start, end }] }`: `s` with every national
/// ID, Thai phone, passport number and e-mail masked. `kind` is
/// `'national_id'`, `'national_id_unverified'` (13 digits in an ID's shape
/// whose check digit fails), `'phone'`, `'passport'` or `'email'`. `start` and `end` are
/// string indices into `s` (UTF-16, as JavaScript counts); findings never
/// carry the value.
#[wasm_bindgen(js_name = scanText, unchecked_return_type = "ScanResult")]
pub fn scan_text(s: &str) -> Object {
    let scan = scan::scan_text(s);
    // Byte offsets to UTF-16 indices, walking the text once.
    let mut units = 0u32;
    let mut chars = s.char_indices().peekable();
    let mut index_of = |byte: usize| {
        while let Some((at, c)) = chars.peek() {
            if *at >= byte {
                break;
            }
            units += c.len_utf16() as u32;
            chars.next();
        }
        units
    };
    let findings = scan
        .findings
        .iter()
        .map(|f| Finding {
            kind: f.kind.as_str(),
            start: index_of(f.start),
            end: index_of(f.end),
        })
        .collect();
    let scanned = Scanned {
        text: &scan.text,
        findings,
    };
    to_js(&scanned).unchecked_into()
}
