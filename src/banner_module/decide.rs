//! What the banner's buttons and the API calls of the banner module do:
//! the session decides (the same rules as in the full module), the decision
//! is stored and its receipt owed, then the page is told: cookies of
//! withdrawn categories deleted, gated scripts run, Consent Mode updated,
//! `privacy:consent` and `privacy:change` dispatched.

use super::Inner;
use crate::consent::Choice;
use crate::page::banner;
use crate::page::boundary::error;
use crate::page::dom::{self, emit};
use crate::page::gating;
use crate::session::{Action, ActionError, BANNER, Session};
use alloc::string::String;
use js_sys::{Array, Object, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::{Element, Event};

type Shared = RefCell<Inner>;

/// Records what `action`, made through `method`, decides, and applies it.
pub fn decide(shared: &Shared, action: &Action, method: &str) -> Result<(), ActionError> {
    let outcome = {
        let mut inner = shared.borrow_mut();
        let now = crate::page::now_seconds();
        let outcome = inner.session.act(action, now)?;
        inner.store.save(&inner.session.consent.encode());
        if inner.session.pending().is_empty() {
            if let Some((banner, _)) = inner.banner.take() {
                banner.remove();
            }
        }
        if !outcome.changed.is_empty() {
            inner.owe(method, &outcome.changed, now);
        }
        outcome
    };
    after_decision(shared, method, &outcome.changed, &outcome.withdrawn, true);
    Ok(())
}

/// `decide` for an API call, with the error it throws.
pub fn act(shared: &Shared, action: &Action) -> Result<(), JsValue> {
    decide(shared, action, crate::session::API).map_err(|e| error(e.code(), &e.message()))
}

/// Applies the current decisions to the page and tells it, as the full
/// module's `after_decision` does. Runs with no borrow held.
pub fn after_decision(
    shared: &Shared,
    method: &str,
    changed: &[String],
    cleared: &[String],
    announce: bool,
) {
    let (effects, gtag, decisions, listeners) = {
        let inner = shared.borrow();
        let session = &inner.session;
        (
            gating::Effects::of(session, cleared),
            inner.gtag.clone(),
            decisions(session),
            inner.listeners.clone(),
        )
    };
    effects.apply(gtag.as_ref());
    if !announce {
        return;
    }
    let detail = Object::new();
    set(&detail, "method", &method.into());
    set(&detail, "decisions", &decisions);
    emit(&listeners, "consent", &detail);
    if !changed.is_empty() {
        let detail = Object::new();
        set(&detail, "decisions", &decisions);
        let ids: Array = changed
            .iter()
            .map(|id| JsValue::from(id.as_str()))
            .collect();
        set(&detail, "changed", &ids);
        set(&detail, "reloadRequired", &(!cleared.is_empty()).into());
        emit(&listeners, "change", &detail);
    }
}

/// `{ [id]: state }`, categories first, as the full module's `decisions()`.
pub fn decisions(session: &Session) -> JsValue {
    let object = Object::new();
    for (id, state) in session.decisions().iter() {
        set(&object, id, &state.as_str().into());
    }
    object.into()
}

fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &key.into(), value);
}

/// Shows the banner anew: what is pending, or every asked category.
pub fn show_banner(shared: &Shared) {
    let mut inner = shared.borrow_mut();
    if let Some((old, _)) = inner.banner.take() {
        old.remove();
    }
    let element = banner::banner(&inner.view(), &inner.session.reasked());
    crate::page::liff::mark_layout(&element, &inner.layout);
    let scope = inner.session.banner_scope();
    if let Some(body) = dom::document().body() {
        let _ = body.prepend_with_node_1(&element);
    }
    inner.banner = Some((element, scope));
}

/// A click on one of the banner's buttons or on a `data-privacy-open`.
pub fn on_click(shared: &Shared, event: &Event, target: &Element) {
    let opener = target.closest("[data-privacy-open]").ok().flatten();
    let button = target
        .closest("[data-privacy-banner] [data-privacy-action]")
        .ok()
        .flatten();
    let action = button
        .as_ref()
        .and_then(|b| b.get_attribute("data-privacy-action"))
        .unwrap_or_default();
    match (opener, action.as_str()) {
        // The privacy centre is the full module's: ask for it now.
        (Some(opener), _) => {
            event.prevent_default();
            want_full(shared, &opener);
        }
        (None, "customize") => {
            if let Some(button) = &button {
                want_full(shared, button);
            }
        }
        (None, "accept-all" | "reject-all") => {
            let choice = if action == "accept-all" {
                Choice::Granted
            } else {
                Choice::Denied
            };
            let scope = shared
                .borrow()
                .banner
                .as_ref()
                .map(|b| b.1.clone())
                .unwrap_or_default();
            let _ = decide(shared, &Action::Banner(scope, choice), BANNER);
        }
        // Closing is not consent: the banner goes for this page view only.
        (None, "close") => {
            if let Some((banner, _)) = shared.borrow_mut().banner.take() {
                banner.remove();
            }
        }
        _ => {}
    }
}

/// Asks the entry script for the full module, which opens the privacy
/// centre with focus going back to `opener` when it closes. The button says
/// it is busy meanwhile.
fn want_full(shared: &Shared, opener: &Element) {
    dom::set(opener, "aria-busy", "true");
    let want = shared.borrow().want_full.clone();
    let _ = want.call1(&JsValue::UNDEFINED, opener);
}
