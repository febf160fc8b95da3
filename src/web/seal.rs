//! Sealing in the browser. HPKE itself is `seal.js`: WebCrypto has every
//! primitive it needs, so the wasm carries none (a Rust HPKE would add
//! 22 KB gzip; the README has the figures). This side decides what is
//! sealed, to which key and under which `info`, and refuses where sealing
//! cannot run: WebCrypto exists only in secure contexts (https, or the
//! loopback address).

use crate::seal::{self, SealError, SealKey};
use js_sys::{Array, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/seal.js")]
extern "C" {
    /// HPKE's single-shot seal of the UTF-8 bytes of `plaintext` under those
    /// of `info`: a promise of `hpke1.<kid>.<enc>.<ciphertext>`. `aad` and
    /// `ephemeral` (a WebCrypto key pair) are for RFC 9180's test vectors;
    /// undefined otherwise.
    #[wasm_bindgen(js_name = hpkeSeal)]
    pub fn hpke_seal(
        kid: &str,
        recipient: &Uint8Array,
        info: &str,
        plaintext: &str,
        aad: &JsValue,
        ephemeral: &JsValue,
    ) -> Promise;

    #[wasm_bindgen(js_name = sealInto)]
    fn seal_into(
        target: &JsValue,
        kid: &str,
        recipient: &Uint8Array,
        fields: &Array,
        failure: &JsValue,
    ) -> Promise;
}

/// Why sealing cannot even start here: no WebCrypto, or no usable key.
pub fn unavailable(key: Option<&SealKey>) -> Option<SealError> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).ok();
    let subtle = crypto.and_then(|c| Reflect::get(&c, &"subtle".into()).ok());
    if !subtle.is_some_and(|s| s.is_object()) {
        Some(SealError::NoWebCrypto)
    } else if key.is_none() {
        Some(SealError::NoKey)
    } else {
        None
    }
}

/// Seals each `(field, value)` of form `form` to `key`, into
/// `target.payload[field]`: a promise of `target`, or a rejection with
/// `failure` (an `Error` with its code). `Err` where sealing cannot start.
pub fn seal_fields(
    key: Option<&SealKey>,
    policy_version: &str,
    form: &str,
    fields: &[(String, String)],
    target: &JsValue,
    failure: &JsValue,
) -> Result<Promise, SealError> {
    if let Some(why) = unavailable(key) {
        return Err(why);
    }
    let key = key.ok_or(SealError::NoKey)?;
    let list = Array::new();
    for (name, value) in fields {
        let info = seal::info(policy_version, form, name);
        list.push(&Array::of3(&name.into(), &info.into(), &value.into()));
    }
    let recipient = Uint8Array::from(key.public_key.as_slice());
    Ok(seal_into(target, &key.kid, &recipient, &list, failure))
}
