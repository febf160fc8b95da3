//! The policy as the page gave it, a JS value, read by the banner module
//! member by member ([`crate::policy::BannerSource`]): `JSON.parse` has
//! already read the text (the page's, or the bundled banner part's), so no
//! JSON reader runs in wasm. Members and lists are read by two small JS
//! functions (policy_value.js), one call each.

use crate::policy::BannerSource;
use alloc::string::String;
use alloc::vec::Vec;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(module = "/src/page/policy_value.js")]
extern "C" {
    #[wasm_bindgen(js_name = member)]
    fn js_member(value: &JsValue, key: &str) -> Option<JsValue>;
    #[wasm_bindgen(js_name = memberString)]
    fn js_member_string(value: &JsValue, key: &str) -> Option<String>;
    #[wasm_bindgen(js_name = items)]
    fn js_items(value: &JsValue) -> Option<Vec<JsValue>>;
}

/// A JS value read as a JSON document.
#[derive(Debug, Clone)]
pub struct PolicyValue(pub JsValue);

impl BannerSource for PolicyValue {
    fn member(&self, key: &str) -> Option<Self> {
        js_member(&self.0, key).map(PolicyValue)
    }

    fn items(&self) -> Option<Vec<Self>> {
        Some(js_items(&self.0)?.into_iter().map(PolicyValue).collect())
    }

    fn string(&self) -> Option<String> {
        self.0.as_string()
    }

    fn member_string(&self, key: &str) -> Option<String> {
        js_member_string(&self.0, key)
    }

    fn boolean(&self) -> Option<bool> {
        self.0.as_bool()
    }

    fn whole_number(&self) -> Option<u64> {
        let n = self.0.as_f64()?;
        (n.fract() == 0.0 && n >= 0.0 && n <= f64::from(u32::MAX)).then_some(n as u64)
    }
}
