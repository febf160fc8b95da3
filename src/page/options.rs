//! The checks of `Privacy.start`'s options that both entry points make, on
//! the JS values as given, with the messages and codes page code sees: the
//! banner module refuses what the full module would, before either runs.

use super::boundary::error;
use super::liff;
use crate::i18n::Lang;
use crate::masking;
use alloc::string::String;
use alloc::vec::Vec;
use wasm_bindgen::JsValue;

fn invalid(message: &str) -> JsValue {
    error("options_invalid", message)
}

/// `lang`, else what LIFF, the page and the browser say (`lang_unknown`).
pub fn lang(option: &JsValue, liff: &JsValue) -> Result<Lang, JsValue> {
    liff::choose_lang(option.as_string().as_deref(), liff)
        .ok_or_else(|| error("lang_unknown", "lang: expected 'th' or 'en'"))
}

/// `storage`: whether decisions persist (`'auto'`, the default) or not (`'memory'`).
pub fn persistent(option: &JsValue) -> Result<bool, JsValue> {
    match option.as_string().as_deref() {
        None | Some("auto") => Ok(true),
        Some("memory") => Ok(false),
        Some(_) => Err(invalid("storage: expected 'auto' or 'memory'")),
    }
}

/// `hashKey`, at least [`masking::MIN_HASH_KEY_BYTES`] of UTF-8, or none.
pub fn hash_key(option: &JsValue) -> Result<Option<Vec<u8>>, JsValue> {
    match option.as_string() {
        Some(key) if key.len() >= masking::MIN_HASH_KEY_BYTES => Ok(Some(key.into_bytes())),
        None if option.is_null_or_undefined() => Ok(None),
        // The message never holds the key.
        _ => Err(invalid(
            "hashKey: expected a string of at least 32 bytes (UTF-8)",
        )),
    }
}

/// `receiptEndpoint`, a URL string, or none.
pub fn endpoint(option: &JsValue) -> Result<Option<String>, JsValue> {
    match option.as_string() {
        Some(url) => Ok(Some(url)),
        None if option.is_null_or_undefined() => Ok(None),
        None => Err(invalid("receiptEndpoint: expected a URL string")),
    }
}
