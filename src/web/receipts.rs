//! Where consent receipts live in the browser and how they reach the
//! receiver: kept in Web Storage (localStorage, else sessionStorage, else memory), POSTed one by one
//! as JSON, and retried until a 2xx answer. The receiver deduplicates by
//! `receipt_id`, so a receipt sent twice still counts once.

use crate::page::store::device_storage;
use crate::receipt::{ReceiptLog, is_uuid_v4};
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::RequestInit;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** A purpose's legal basis (PDPA sections 19 and 24). */
export type LegalBasis =
  | 'consent' | 'contract' | 'legal_obligation' | 'public_task' | 'vital_interest'
  | 'legitimate_interest';
/**
 * A consent receipt, as kept on the device, POSTed to `receiptEndpoint` and
 * passed to `on('receipt')`: what was agreed to, under which policy, by
 * which device pseudonym. It never holds anything the person typed.
 */
export interface Receipt {
  version: 'mohprompt-receipt/1';
  /** A random UUID v4; the receiver deduplicates by it. */
  receipt_id: string;
  /** ISO 8601, UTC, to the second. */
  timestamp: string;
  jurisdiction: 'TH';
  collection_method: CollectionMethod;
  /** The language the person saw. */
  language: 'th' | 'en';
  /** The device's pseudonymous id: a random UUID kept on the device. */
  subject: string;
  controller: { name: string; phone: string; email: string; website: string };
  /** The policy the decision was made under: its version, the SHA-256 of its text as loaded, where it is published. */
  policy: { version: string; sha256: string; url: string };
  /** The ids whose state this decision changed. */
  changed: string[];
  /** Every purpose's state after it; `revision` is its content hash (eight hex digits). */
  purposes: { id: string; legal_basis: LegalBasis; state: DecisionState; revision: string }[];
  /** Every cookie category's state after it. */
  cookie_categories: { id: string; state: 'granted' | 'denied' | 'unset'; revision: number }[];
}
"#;

// Untyped views of a promise and a function: one plain callback for either
// outcome, and `bind`, without a closure per request.
#[wasm_bindgen]
extern "C" {
    type Settling;
    #[wasm_bindgen(method, js_name = then)]
    fn then(this: &Settling, on_fulfilled: &Function, on_rejected: &Function) -> Promise;

    type Bindable;
    #[wasm_bindgen(method)]
    fn bind(this: &Bindable, this_arg: &JsValue, arg: &JsValue) -> Function;
}

/// `callback` with `arg` as its first argument.
pub fn with_first_argument(callback: &Function, arg: &JsValue) -> Function {
    callback
        .unchecked_ref::<Bindable>()
        .bind(&JsValue::NULL, arg)
}

/// Web Storage key of the receipt log.
pub const RECEIPTS_KEY: &str = "mp_receipts";
/// Web Storage key of the device's pseudonymous id.
pub const SUBJECT_KEY: &str = "mp_subject";

pub use crate::page::store::random_uuid;

/// The device's pseudonymous id: random, kept in Web Storage, never derived
/// from anything the person typed or from their LINE account.
pub fn subject(persistent: bool) -> String {
    let storage = device_storage().filter(|_| persistent);
    if let Some(id) = storage
        .as_ref()
        .and_then(|s| s.get_item(SUBJECT_KEY).ok().flatten())
        .filter(|id| is_uuid_v4(id))
    {
        return id;
    }
    let id = random_uuid();
    if let Some(storage) = storage {
        let _ = storage.set_item(SUBJECT_KEY, &id);
    }
    id
}

/// The stored log, or an empty one. A damaged or edited log is removed and
/// reported: none of it is sent.
pub fn load(persistent: bool) -> ReceiptLog {
    let Some(storage) = device_storage().filter(|_| persistent) else {
        return ReceiptLog::default();
    };
    let Some(stored) = storage.get_item(RECEIPTS_KEY).ok().flatten() else {
        return ReceiptLog::default();
    };
    ReceiptLog::decode(&stored).unwrap_or_else(|e| {
        let _ = storage.remove_item(RECEIPTS_KEY);
        let mut message = String::from("privacy: ");
        message.push_str(e.as_str());
        message.push_str("; they were discarded and are not sent");
        web_sys::console::warn_1(&message.into());
        ReceiptLog::default()
    })
}

/// Stores the log as far as storage allows; it stays in memory regardless.
pub fn save(persistent: bool, log: &ReceiptLog) {
    if let Some(storage) = device_storage().filter(|_| persistent) {
        let _ = storage.set_item(RECEIPTS_KEY, &log.encode());
    }
}

/// POSTs `json` (a receipt, a form's fields); `done(response_or_error)` is called either way.
pub fn post(endpoint: &str, json: &str, done: &Function) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(json));
    let headers = Object::new();
    let _ = Reflect::set(&headers, &"content-type".into(), &"application/json".into());
    init.set_headers(&headers);
    let _ = on_settled(&window.fetch_with_str_and_init(endpoint, &init), done);
}

/// Calls `done(value_or_error)` once `promise` settles, either way; the
/// promise returned settles as `done` returns or throws.
pub fn on_settled(promise: &Promise, done: &Function) -> Promise {
    promise.unchecked_ref::<Settling>().then(done, done)
}

/// Calls `callback` once after `ms`.
pub fn later(callback: &Function, ms: i32) {
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(callback, ms);
    }
}
