//! Browser glue, compiled for wasm32 only: the DOM, storage, script gating,
//! signals and the `#[wasm_bindgen]` surface. The rules it applies live in
//! the plain modules of the crate.

mod banner;
mod dom;
mod form;
mod gating;
mod privacy;
mod receipts;
pub mod seal;
mod signals;
mod store;
mod typing;
mod utils;

pub use privacy::Privacy;
pub use utils::{format_thai_id, mask_value, normalize_thai_phone, scan_text, validate_thai_id};
