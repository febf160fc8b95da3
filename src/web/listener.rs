//! The module's one listener of the document's and the window's events, and
//! where each event goes: each closure handed to JS carries glue of its own,
//! so one serves them all.

use super::conceal;
use super::delivery;
use super::dialog;
use super::seal_notice;
use super::state::Shared;
use super::submit;
use js_sys::Function;
use wasm_bindgen::prelude::*;
use web_sys::{Element, Event, KeyboardEvent};

// `Fn`, not `FnMut`: the browser may call it again while it runs (moving
// focus fires `focusout` synchronously).
/// The listener, owned by `Privacy`.
pub type Listener = Closure<dyn Fn(Event)>;

/// The document events the module listens to. The same listener hears the
/// window's `online`, which retries receipt delivery, and `submit` in the
/// window's capture phase, before any page handler can stop it.
const LISTENED: [&str; 5] = ["click", "keydown", "focusout", "focusin", "input"];

/// Makes the listener and puts it on the document and the window.
pub fn listen(shared: &Shared) -> Listener {
    let shared = shared.clone();
    let listener = Closure::<dyn Fn(Event)>::new(move |event: Event| {
        if let Some(key) = event.dyn_ref::<KeyboardEvent>() {
            return dialog::on_keydown(&shared, key);
        }
        match event.type_().as_str() {
            "click" => on_click(&shared, &event),
            "submit" => {
                if let Some((form, id)) = conceal::attached_form(&event) {
                    submit::on_submit(&shared, &event, &form, &id);
                }
            }
            "focusout" => conceal::on_focusout(&shared, &event),
            "focusin" => conceal::on_focusin(&shared, &event),
            "input" => {
                conceal::on_input(&shared, &event);
                seal_notice::on_input(&shared, &event);
            }
            "online" => delivery::flush(&shared),
            _ => {}
        }
    });
    let callback = listener.as_ref().unchecked_ref();
    let doc = crate::page::dom::document();
    for name in LISTENED {
        let _ = doc.add_event_listener_with_callback(name, callback);
    }
    if let Some(window) = web_sys::window() {
        let _ = window.add_event_listener_with_callback("online", callback);
        let _ = window.add_event_listener_with_callback_and_bool("submit", callback, true);
    }
    listener
}

/// A click: a form's show/hide button, else the banner's or the dialog's.
fn on_click(shared: &Shared, event: &Event) {
    let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return;
    };
    if let Ok(Some(button)) = target.closest("[data-privacy-reveal]") {
        return conceal::on_reveal(shared, &button);
    }
    dialog::on_click(shared, event, &target);
}

/// Takes `listen`'s listener off the document and the window.
pub fn unlisten(callback: &Function) {
    let doc = crate::page::dom::document();
    for name in LISTENED {
        let _ = doc.remove_event_listener_with_callback(name, callback);
    }
    if let Some(window) = web_sys::window() {
        let _ = window.remove_event_listener_with_callback("online", callback);
        let _ = window.remove_event_listener_with_callback_and_bool("submit", callback, true);
    }
}
