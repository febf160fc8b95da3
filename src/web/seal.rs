//! Sealing in the browser. WebCrypto does the P-256 key agreement and
//! AES-128-GCM (`seal.js`, a dozen lines of awaits), [`crate::seal`] the
//! HPKE key schedule between them, called back from there.
//!
//! WebCrypto exists only in secure contexts (https, or the loopback
//! address): elsewhere nothing is sealed and the form is not sent.

use crate::seal::{self, SealError, SealKey};
use alloc::string::String;
use alloc::vec::Vec;
use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::prelude::*;

// Owned byte arguments: JS gets copies, which outlive this call (a `&[u8]`
// would be a view of wasm memory that the awaits in between may reuse).
#[wasm_bindgen(module = "/src/web/seal.js")]
extern "C" {
    #[wasm_bindgen(js_name = hpkeSeal)]
    fn hpke_seal(
        kid: &str,
        recipient: Vec<u8>,
        plaintext: Vec<u8>,
        schedule: JsValue,
        aad: Vec<u8>,
        ephemeral: &JsValue,
    ) -> Promise;
}

/// Why sealing cannot even start here: no WebCrypto, or no usable key.
pub fn unavailable(keys: &[SealKey]) -> Option<SealError> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).ok();
    let subtle = crypto.and_then(|c| Reflect::get(&c, &"subtle".into()).ok());
    if !subtle.is_some_and(|s| s.is_object()) {
        Some(SealError::NoWebCrypto)
    } else if keys.is_empty() {
        Some(SealError::NoKey)
    } else {
        None
    }
}

/// Seals each `(field, value)` of form `form` to the first of `keys`: a
/// promise of their sealed strings, `hpke1.<kid>.<enc>.<ciphertext>`, in
/// the same order.
pub fn seal_fields(
    keys: &[SealKey],
    policy_version: &str,
    form: &str,
    fields: &[(String, String)],
) -> Result<Promise, SealError> {
    if let Some(why) = unavailable(keys) {
        return Err(why);
    }
    let key = keys.first().ok_or(SealError::NoKey)?;
    let sealing = Array::new();
    for (name, value) in fields {
        let info = seal::info(policy_version, form, name);
        let plaintext = value.as_bytes();
        sealing.push(&seal_with(key, info, plaintext, b"", &JsValue::UNDEFINED));
    }
    Ok(Promise::all(&sealing))
}

/// HPKE's single-shot seal to `key`: a promise of the sealed string.
/// `ephemeral` is a WebCrypto key pair, or undefined for a fresh one
/// (always, but in RFC 9180's test vectors, which also set `aad`).
pub fn seal_with(
    key: &SealKey,
    info: Vec<u8>,
    plaintext: &[u8],
    aad: &[u8],
    ephemeral: &JsValue,
) -> Promise {
    let recipient = key.public_key.clone();
    let schedule = Closure::once_into_js(move |dh: Vec<u8>, enc: Vec<u8>| -> Vec<u8> {
        let shared = seal::shared_secret(&dh, &enc, &recipient);
        let keys = seal::key_schedule(&shared, &info);
        let mut out = Vec::from(keys.key);
        out.extend_from_slice(&keys.nonce);
        out
    });
    let recipient = key.public_key.clone();
    hpke_seal(
        &key.kid,
        recipient,
        plaintext.into(),
        schedule,
        aad.into(),
        ephemeral,
    )
}
