//! Client-side privacy module of Mor Prom (หมอพร้อม), the Thai Ministry of
//! Public Health's citizen service.
//!
//! It stands between what people type into the service and everything the
//! page sends: the cookie banner and script gating live here today; purpose
//! consent, field marking and local masking build on the same policy.
//!
//! The crate is split so that every rule can be tested natively:
//! - [`model`]: the plain types the others share (languages, texts, field kinds);
//! - [`policy`]: the policy document, read through serde and validated when loaded;
//! - [`consent`]: decisions per cookie category and purpose, their stored form;
//! - [`receipt`]: consent receipts and the log that keeps them until delivered;
//! - [`fields`], [`identifiers`], [`masking`], [`scan`]: what forms ask for,
//!   validation, minimisation, the operators values leave the browser with,
//!   and the leak scan of free text;
//! - [`seal`]: HPKE's key schedule and the compact form of sealed values;
//! - [`session`]: what each click decides, what is asked again, the receipt
//!   queue's backoff and the plan of a guarded submit, apart from the browser;
//! - [`consent_mode`]: Google Consent Mode v2 signals derived from them;
//! - [`i18n`]: Thai and English interface texts;
//! - [`handover`]: the receipts the banner module owes the full module;
//! - in wasm32, the browser side: `page` (storage, drawing, gating, signals,
//!   LIFF), shared by the two entry points built from this crate:
//!   `banner_module` (feature `banner`: the banner on the page's critical
//!   path) and `web` (feature `full`, the default: everything else and the
//!   `Privacy` API).
#![deny(missing_docs, missing_debug_implementations)]

extern crate alloc;

pub mod consent;
pub mod consent_mode;
pub mod fields;
pub mod handover;
pub mod i18n;
pub mod identifiers;
pub mod masking;
pub mod model;
pub mod policy;
pub mod receipt;
pub mod scan;
pub mod seal;
pub mod session;

// In wasm32, the browser side: what both entry points share, then each
// entry point's own surface (`scripts/build.sh` builds each on its own).
#[cfg(all(target_arch = "wasm32", any(feature = "full", feature = "banner")))]
mod page;

#[cfg(all(target_arch = "wasm32", feature = "banner"))]
mod banner_module;

#[cfg(all(target_arch = "wasm32", feature = "full"))]
mod web;

/// Sealing on the browser's WebCrypto (wasm32 only).
#[cfg(all(target_arch = "wasm32", feature = "full"))]
pub use web::seal as webcrypto;

#[cfg(all(target_arch = "wasm32", feature = "full"))]
pub use web::{
    Privacy, format_thai_id, mask_value, normalize_thai_phone, scan_text, validate_thai_id,
};

#[cfg(all(target_arch = "wasm32", feature = "banner"))]
pub use banner_module::BannerModule;

// Talc is a fraction of dlmalloc's size in wasm (measured in the README).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
