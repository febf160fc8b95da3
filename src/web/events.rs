//! The events the page hears: `on()` callbacks and `privacy:<event>` on
//! `document`, with their details (`consent`, `change`, `receipt`,
//! `submit`), which never hold a value the person typed.

use super::state::Shared;
use crate::page::boundary::to_js;
use js_sys::JSON;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** How a decision was made: the banner, the preferences dialog, the API, Global Privacy Control, or a form's boxes (`form:<id>`). */
export type CollectionMethod = 'banner' | 'privacy-centre' | 'api' | 'gpc' | `form:${string}`;
/** `privacy:consent`: after every decision, and at start. */
export interface ConsentDetail {
  method: CollectionMethod;
  /** `decisions()` as it is now. */
  decisions: Decisions;
}
/** `privacy:change`: after a decision that changed something. */
export interface ChangeDetail {
  decisions: Decisions;
  /** The ids whose state changed. */
  changed: string[];
  /** A cookie category was withdrawn: its cookies were deleted, and only a reload stops scripts that run already. */
  reloadRequired: boolean;
}
/** The report of a form that was not sent. */
export interface UnsentReport {
  /** The form's policy id. */
  form: string;
  /** Why the module sent nothing, as the code its error would carry (`seal_no_key`: a filled sealed field and no key); null when it did not say. */
  code: PrivacyErrorCode | null;
}
/** `privacy:submit`: after the guarded submit of a form, sent or not; never a value. */
export interface SubmitDetail {
  /** The form's policy id. */
  form: string;
  /** The receiver answered 2xx. */
  ok: boolean;
  /** Its HTTP status; 0 when nothing was sent or no answer came. */
  status: number;
  /** What was done to each control; only the form's id when nothing was sent. */
  report: SubmissionReport | UnsentReport;
}
/** Each event's detail, by name: `on(name, callback)` passes it to the callback. */
export interface PrivacyEventMap {
  consent: ConsentDetail;
  change: ChangeDetail;
  receipt: Receipt;
  submit: SubmitDetail;
}
"#;

/// `privacy:consent`: after every decision, and at start.
#[derive(Serialize)]
pub struct ConsentDetail<'a> {
    /// How it was decided: `banner`, `privacy-centre`, `api`, `gpc`, `form:<id>`.
    pub method: &'a str,
    /// `decisions()` as it is now.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub decisions: JsValue,
}

/// `privacy:change`: after a decision that changed something.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeDetail<'a> {
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub decisions: JsValue,
    /// The ids whose state changed.
    pub changed: &'a [String],
    /// A cookie category was withdrawn: its cookies were deleted, and only a
    /// reload stops scripts that run already.
    pub reload_required: bool,
}

/// `privacy:submit`: `{ form, ok, status, report }`, never a value.
#[derive(Serialize)]
pub struct SubmitDetail<'a> {
    /// The form's policy id.
    pub form: &'a str,
    /// The receiver answered 2xx.
    pub ok: bool,
    /// Its HTTP status; 0 when nothing was sent or no answer came.
    pub status: u16,
    /// What was done to each control (see `prepareSubmission`).
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub report: JsValue,
}

/// The report of a form that was not sent: `{ form, code }`.
#[derive(Serialize)]
pub struct Unsent<'a> {
    /// The form's policy id.
    pub form: &'a str,
    /// Why the module refused, as the code its error would carry; `None`
    /// (`null`) when it did not say.
    pub code: Option<&'a str>,
}

pub use crate::page::dom::{emit, known_event};

/// Tells the page about a new receipt: `privacy:receipt` with the receipt.
pub fn announce_receipt(shared: &Shared, receipt_json: &str) {
    let listeners = shared.borrow().listeners.clone();
    if let Ok(detail) = JSON::parse(receipt_json) {
        emit(&listeners, "receipt", &detail);
    }
}

/// `privacy:submit` with `{ form, ok, status, report }`.
pub fn announce_submit(shared: &Shared, id: &str, ok: bool, status: u16, report: JsValue) {
    let detail = SubmitDetail {
        form: id,
        ok,
        status,
        report,
    };
    let listeners = shared.borrow().listeners.clone();
    emit(&listeners, "submit", &to_js(&detail));
}
