//! The browser side both entry points share, compiled for wasm32: stored
//! consent, drawing the banner and the privacy centre, script gating, the
//! browser's signals (GPC, Consent Mode), LIFF and the errors handed to JS.
//! The banner module uses a part of it, so in a build of that module alone
//! the rest is unused.
#![cfg_attr(not(feature = "full"), allow(dead_code))]

pub mod banner;
pub mod boundary;
pub mod dom;
pub mod gating;
pub mod liff;
pub mod options;
#[cfg(feature = "banner")]
pub mod policy_value;
pub mod signals;
pub mod store;

/// Seconds since the Unix epoch, by the browser's clock.
pub fn now_seconds() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}
