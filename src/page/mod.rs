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
#[cfg(feature = "banner")]
pub mod policy_value;
pub mod signals;
pub mod store;
