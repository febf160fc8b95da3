//! The policy as the page gave it, a JS value, read by the banner module
//! member by member ([`crate::policy::BannerSource`]): `JSON.parse` has
//! already read the text (the page's, or the bundled banner part's), so no
//! JSON reader runs in wasm.

use crate::policy::BannerSource;
use alloc::string::String;
use alloc::vec::Vec;
use js_sys::{Array, Reflect};
use wasm_bindgen::JsValue;

/// A JS value read as a JSON document.
#[derive(Debug, Clone)]
pub struct PolicyValue(pub JsValue);

impl BannerSource for PolicyValue {
    fn member(&self, key: &str) -> Option<Self> {
        if !self.0.is_object() || Array::is_array(&self.0) {
            return None;
        }
        Reflect::get(&self.0, &key.into())
            .ok()
            .filter(|v| !v.is_null_or_undefined())
            .map(PolicyValue)
    }

    fn items(&self) -> Option<Vec<Self>> {
        Array::is_array(&self.0).then(|| Array::from(&self.0).iter().map(PolicyValue).collect())
    }

    fn string(&self) -> Option<String> {
        self.0.as_string()
    }

    fn boolean(&self) -> Option<bool> {
        self.0.as_bool()
    }

    fn whole_number(&self) -> Option<u64> {
        let n = self.0.as_f64()?;
        (n.fract() == 0.0 && n >= 0.0 && n <= f64::from(u32::MAX)).then_some(n as u64)
    }
}
