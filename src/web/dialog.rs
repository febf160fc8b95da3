//! What the banner's and the preferences dialog's buttons do, and the
//! dialog's keyboard: Escape closes it (not consent), Tab cycles inside it.
//! `banner.rs` draws them; the session decides what a click records.

use super::decide::decide;
use super::history;
use super::state::Shared;
use crate::consent::Choice;
use crate::page::banner;
use crate::page::dom;
use crate::session::{Action, BANNER, PRIVACY_CENTRE, Toggle};
use wasm_bindgen::prelude::*;
use web_sys::{Element, Event, KeyboardEvent};

/// Shows the banner, anew: what is pending, or every asked category.
pub fn show_banner(shared: &Shared) {
    let mut inner = shared.borrow_mut();
    if let Some((old, _)) = inner.page.banner.take() {
        old.remove();
    }
    let element = banner::banner(&inner.view(), &inner.session.reasked());
    inner.mark_layout(&element);
    let scope = inner.session.banner_scope();
    if let Some(body) = dom::document().body() {
        let _ = body.prepend_with_node_1(&element);
    }
    inner.page.banner = Some((element, scope));
}

/// Opens the dialog, unless it is open; `opener` gets focus back.
pub fn open_preferences(shared: &Shared, opener: Option<Element>) {
    let mut inner = shared.borrow_mut();
    if let Some(existing) = &inner.page.dialog {
        // The browser may have closed it itself (Android's back gesture
        // does, with no key event): then it is drawn anew.
        if existing.open() {
            return;
        }
        existing.remove();
    }
    let dialog = banner::dialog(&inner.view());
    history::add_section(&dialog, inner.lang);
    inner.mark_layout(&dialog);
    if let Some(body) = dom::document().body() {
        let _ = body.append_child(&dialog);
    }
    // showModal makes the rest of the page inert and moves focus inside.
    let _ = dialog.show_modal();
    inner.page.opener = opener;
    inner.page.dialog = Some(dialog);
}

fn close_preferences(shared: &Shared) {
    let (dialog, opener, banner) = {
        let mut inner = shared.borrow_mut();
        let page = &mut inner.page;
        (
            page.dialog.take(),
            page.opener.take(),
            page.banner.as_ref().map(|b| b.0.clone()),
        )
    };
    let Some(dialog) = dialog else { return };
    dialog.close();
    dialog.remove();
    // Focus goes back where it came from, or to the banner if that is gone.
    let target = opener.filter(|o| o.is_connected()).or_else(|| {
        banner.and_then(|b| {
            b.query_selector("[data-privacy-action=\"customize\"]")
                .ok()
                .flatten()
        })
    });
    if let Some(target) = target {
        dom::focus(&target);
    }
}

/// Reads the dialog's toggles (after setting them all, for accept/reject all)
/// and records them; the dialog stays open to show the reload notice when
/// something was withdrawn.
fn save_preferences(shared: &Shared, set_all: Option<bool>) {
    let Some(dialog) = shared.borrow().page.dialog.clone() else {
        return;
    };
    let switches = dom::inputs(
        &dialog,
        "input[data-privacy-category]:not([disabled]),input[data-privacy-purpose]",
    );
    let mut toggles = Vec::new();
    for switch in switches {
        if let Some(all) = set_all {
            switch.set_checked(all);
        }
        let purpose = switch.get_attribute("data-privacy-purpose");
        let category = switch.get_attribute("data-privacy-category");
        toggles.push(Toggle {
            purpose: purpose.is_some(),
            id: category.or(purpose).unwrap_or_default(),
            checked: switch.checked(),
        });
    }
    let action = Action::SaveToggles(toggles, set_all);
    if !decide(shared, &action, PRIVACY_CENTRE).unwrap_or(false) {
        close_preferences(shared);
    }
}

/// A click in the banner or the dialog, or on a `data-privacy-open`.
pub fn on_click(shared: &Shared, event: &Event, target: &Element) {
    if let Ok(Some(opener)) = target.closest("[data-privacy-open]") {
        event.prevent_default();
        open_preferences(shared, Some(opener));
        return;
    }
    let Ok(Some(button)) = target.closest("[data-privacy-action]") else {
        return;
    };
    let Ok(Some(root)) = button.closest("[data-privacy-banner],[data-privacy-dialog]") else {
        return;
    };
    let in_dialog = root.has_attribute("data-privacy-dialog");
    let action = button
        .get_attribute("data-privacy-action")
        .unwrap_or_default();
    match (action.as_str(), in_dialog) {
        ("accept-all", true) => save_preferences(shared, Some(true)),
        ("reject-all", true) => save_preferences(shared, Some(false)),
        ("save", true) => save_preferences(shared, None),
        ("close", true) => close_preferences(shared),
        (history::ACTION, true) => history::download(shared),
        ("accept-all" | "reject-all", false) => {
            let choice = if action == "accept-all" {
                Choice::Granted
            } else {
                Choice::Denied
            };
            let scope = shared
                .borrow()
                .page
                .banner
                .as_ref()
                .map(|b| b.1.clone())
                .unwrap_or_default();
            let _ = decide(shared, &Action::Banner(scope, choice), BANNER);
        }
        ("customize", false) => open_preferences(shared, Some(button)),
        // Closing is not consent: the banner goes for this page view only.
        ("close", false) => {
            if let Some((banner, _)) = shared.borrow_mut().page.banner.take() {
                banner.remove();
            }
        }
        _ => {}
    }
}

/// Escape closes the dialog (not consent); Tab cycles inside it.
pub fn on_keydown(shared: &Shared, event: &KeyboardEvent) {
    let Some(dialog) = shared.borrow().page.dialog.clone().filter(|d| d.open()) else {
        return;
    };
    match event.key().as_str() {
        "Escape" => {
            event.prevent_default();
            close_preferences(shared);
        }
        "Tab" => {
            let Ok(focusable) = dialog.query_selector_all("button,a[href],input:not([disabled])")
            else {
                return;
            };
            let (Some(first), Some(last)) = (
                focusable.item(0),
                focusable.item(focusable.length().saturating_sub(1)),
            ) else {
                return;
            };
            let active: Option<web_sys::Node> = dom::document().active_element().map(Into::into);
            let inside = active.as_ref().is_some_and(|a| dialog.contains(Some(a)));
            let wrap_to = match (event.shift_key(), active) {
                (true, Some(a)) if a == first || !inside => Some(last),
                (false, Some(a)) if a == last || !inside => Some(first),
                _ => None,
            };
            if let Some(node) = wrap_to.and_then(|n| n.dyn_into::<Element>().ok()) {
                event.prevent_default();
                dom::focus(&node);
            }
        }
        _ => {}
    }
}
