//! Small element builders. Text is always set as text, never parsed as HTML.
//! They are kept out of line: each inlined copy would carry its own string
//! and reference-table glue.

use super::boundary::no_dom;
use alloc::string::String;
use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CustomEvent, CustomEventInit, Document, Element, HtmlElement, HtmlInputElement};

/// The page's document. `Privacy.start` refuses to run without one, so this
/// throws `no_dom` only where page code kept a handle outside a page.
pub fn document() -> Document {
    page_document().unwrap_or_else(|| wasm_bindgen::throw_val(no_dom()))
}

/// The page's window and document; `None` in Node or a worker.
pub fn page_document() -> Option<Document> {
    web_sys::window().and_then(|w| w.document())
}

/// `<tag class="class">`.
#[inline(never)]
pub fn element(doc: &Document, tag: &str, class: &str) -> Element {
    let el = doc.create_element(tag).unwrap_or_else(|_| unreachable!());
    if !class.is_empty() {
        el.set_class_name(class);
    }
    el
}

/// `<tag class="class">text</tag>`.
#[inline(never)]
pub fn text(doc: &Document, tag: &str, class: &str, content: &str) -> Element {
    let el = element(doc, tag, class);
    el.set_text_content(Some(content));
    el
}

/// Sets an attribute; names are fixed strings of ours, so this cannot fail.
#[inline(never)]
pub fn set(el: &Element, name: &str, value: &str) {
    let _ = el.set_attribute(name, value);
}

/// `<button type="button" data-privacy-action="action">label</button>`.
#[inline(never)]
pub fn action_button(doc: &Document, action: &str, class: &str, label: &str) -> Element {
    let button = text(doc, "button", class, label);
    set(&button, "type", "button");
    set(&button, "data-privacy-action", action);
    button
}

/// Appends each child in order.
#[inline(never)]
pub fn append(parent: &Element, children: &[&Element]) {
    for child in children {
        let _ = parent.append_child(child);
    }
}

/// Moves keyboard focus to `el` if it can take it.
pub fn focus(el: &Element) {
    if let Some(el) = el.dyn_ref::<HtmlElement>() {
        let _ = el.focus();
    }
}

/// The `<input>` elements under `root` that match `selector`, in document
/// order; none when the selector is refused.
pub fn inputs(root: &Element, selector: &str) -> Vec<HtmlInputElement> {
    let Ok(found) = root.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..found.length())
        .filter_map(|i| found.item(i)?.dyn_into::<HtmlInputElement>().ok())
        .collect()
}

/// The events `on()` accepts.
pub const EVENTS: [&str; 4] = ["consent", "change", "receipt", "submit"];

/// `on(event)`'s check: `event_unknown` for an event that does not exist.
pub fn known_event(event: &str) -> Result<(), JsValue> {
    if EVENTS.contains(&event) {
        return Ok(());
    }
    Err(super::boundary::error(
        "event_unknown",
        "on: expected 'consent', 'change', 'receipt' or 'submit'",
    ))
}

/// Calls the `on()` callbacks of `event`, then dispatches `privacy:<event>`
/// on document. Runs with no borrow held: page code may re-enter.
pub fn emit(listeners: &[(String, Function)], event: &str, detail: &JsValue) {
    for (name, callback) in listeners {
        if name == event {
            let _ = callback.call1(&JsValue::UNDEFINED, detail);
        }
    }
    let init = CustomEventInit::new();
    init.set_detail(detail);
    let mut name = String::from("privacy:");
    name.push_str(event);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(&name, &init) {
        let _ = document().dispatch_event(&event);
    }
}
