//! Browser glue, compiled for wasm32 only: the DOM, storage, script gating,
//! signals and the `#[wasm_bindgen]` surface. The rules it applies live in
//! the plain modules of the crate ([`crate::session`] decides what a click
//! or a submit does); each file here owns what a person sees or does.

mod api;
mod banner;
mod boundary;
mod conceal;
mod decide;
mod delivery;
mod dialog;
mod dom;
mod events;
mod form;
mod gating;
mod liff;
mod listener;
mod options;
mod receipts;
mod report;
pub mod seal;
mod seal_notice;
mod signals;
mod state;
mod store;
mod submit;
mod typing;
mod utils;

pub use api::Privacy;
pub use utils::{format_thai_id, mask_value, normalize_thai_phone, scan_text, validate_thai_id};
