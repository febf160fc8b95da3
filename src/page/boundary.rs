//! What crosses to page code: values through serde-wasm-bindgen (maps as
//! plain objects, `None` as `null`), and errors thrown or rejected, each an
//! `Error` with a `message` (which may change) and a stable `code` (which
//! does not), made here and nowhere else.
//!
//! The codes:
//! - `init_required`: a call before `init()` or `initSync()` (thrown by the
//!   glue, `scripts/glue.mjs`);
//! - `module_loading`: a call that needs the full module before it has
//!   loaded (thrown by the package's entry, `src/entry/`): `prepareSubmission`,
//!   `receipts`, the string utilities; `await privacy.ready` (or `ready()`);
//! - `no_dom`: `Privacy.start` where there is no page (Node, a worker);
//! - `policy_invalid`: `Privacy.start`'s policy is not valid; the message names the path;
//! - `options_invalid`: another option of `Privacy.start` is not valid
//!   (`storage`, `hashKey`, `receiptEndpoint`, or the options are not an object);
//! - `lang_unknown`: the `lang` option is neither `'th'` nor `'en'`;
//! - `form_unknown`: the form's `data-privacy-form` names no form of the policy;
//! - `id_unknown`: `set`/`withdraw` of an id the policy does not have;
//! - `id_not_asked`: `set`/`withdraw` of a purpose not based on consent;
//! - `event_unknown`: `on` of an event that does not exist;
//! - `kind_unknown`: `maskValue` of a kind that does not exist;
//! - `submission_refused`: a field holds an identifier the policy refuses
//!   there, or an operator cannot run in this build;
//! - `hash_key_missing`: a field is keyed-hashed and `start` had no `hashKey`;
//! - `seal_required`: `prepareSubmission` of a form that would send sealed
//!   fields (`sealSubmission` prepares it);
//! - `seal_no_webcrypto`, `seal_no_key`, `seal_failed`: sealing cannot run on
//!   this page (no WebCrypto), the policy has no usable key, or WebCrypto failed.

use js_sys::Reflect;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// `value` as a JS value: maps become plain objects, `None` becomes `null`.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    value.serialize(&serializer).unwrap_or_default()
}

/// `JSON.stringify(value)`; empty where it cannot be written.
pub fn stringify(value: &JsValue) -> String {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// A JS `Error` with `message` and `code`.
pub fn error(code: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    let _ = Reflect::set(&error, &"code".into(), &code.into());
    error.into()
}

/// The error of `Privacy.start` where there is no page to run in.
pub fn no_dom() -> JsValue {
    error(
        "no_dom",
        "Privacy.start needs a web page (window and document); there is none here. \
         In Node, only the string utilities run, after initSync.",
    )
}
