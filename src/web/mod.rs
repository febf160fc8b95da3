//! The full module's browser glue, compiled for wasm32 with the `full`
//! feature: forms, masking, sealing, receipts, the privacy centre and the
//! `#[wasm_bindgen]` surface of `Privacy`; what it shares with the banner
//! module (storage, drawing, gating, signals) is in [`crate::page`]. The
//! rules it applies live in the plain modules of the crate
//! ([`crate::session`] decides what a click or a submit does); each file
//! here owns what a person sees or does.

mod api;
mod conceal;
mod decide;
mod delivery;
mod dialog;
mod events;
mod form;
mod history;
mod listener;
mod options;
mod receipts;
mod report;
pub mod seal;
mod seal_notice;
mod state;
mod submit;
mod typing;
mod utils;

pub use api::Privacy;
pub use utils::{format_thai_id, mask_value, normalize_thai_phone, scan_text, validate_thai_id};
