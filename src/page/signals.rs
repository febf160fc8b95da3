//! Signals the page exchanges with others: Global Privacy Control from the
//! browser, Google Consent Mode v2 to a page's `gtag`.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Whether the browser sends Global Privacy Control
/// (`navigator.globalPrivacyControl === true`).
pub fn global_privacy_control() -> bool {
    web_sys::window()
        .and_then(|w| Reflect::get(&w.navigator(), &JsValue::from_str("globalPrivacyControl")).ok())
        .is_some_and(|v| v == JsValue::TRUE)
}

/// The page's `window.gtag`, if it has one.
pub fn gtag() -> Option<Function> {
    let window = web_sys::window()?;
    Reflect::get(&window, &JsValue::from_str("gtag"))
        .ok()?
        .dyn_into::<Function>()
        .ok()
}

/// Calls `gtag('consent', command, { signal: 'granted' | 'denied', … })`.
pub fn consent_mode(gtag: &Function, command: &str, signals: &[(&str, bool)]) {
    let params = Object::new();
    for (signal, granted) in signals {
        let state = if *granted { "granted" } else { "denied" };
        let _ = Reflect::set(
            &params,
            &JsValue::from_str(signal),
            &JsValue::from_str(state),
        );
    }
    // A throwing gtag must not stop the module.
    let _ = gtag.call3(
        &JsValue::UNDEFINED,
        &"consent".into(),
        &command.into(),
        &params,
    );
}
