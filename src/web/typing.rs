//! The input experience of identifier fields: grouping as people type,
//! with the caret staying after the same digit; and display masking when
//! they leave the field, with a button to show the value again.

use crate::fields::FieldKind;
use crate::i18n::Lang;
use crate::identifiers::{self, digit_value};
use crate::page::dom::{document, set, text};
use alloc::string::String;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

/// Whether values of `kind` are grouped as typed.
pub fn grouped(kind: FieldKind) -> bool {
    matches!(kind, FieldKind::NationalId | FieldKind::Phone)
}

/// Whether values of `kind` are shown masked once the person leaves the field.
pub fn concealed(kind: FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::NationalId | FieldKind::Phone | FieldKind::Passport
    )
}

/// Regroups the digits of `input` (Thai digits become ASCII: pasting them
/// works) and puts the caret back after the same digit. Text that is not
/// digits, spaces and dashes is left as typed, as is an international `+…`.
pub fn regroup(input: &HtmlInputElement, kind: FieldKind) {
    let old = input.value();
    if old.trim_start().starts_with('+') {
        return;
    }
    let Some(digits) = identifiers::digits_only(&old) else {
        return;
    };
    let new = match kind {
        FieldKind::NationalId => identifiers::group(&digits, &[1, 4, 5, 2, 1]),
        _ => identifiers::format_thai_phone(&digits),
    };
    if new == old {
        return;
    }
    let caret = input.selection_start().ok().flatten().unwrap_or(0) as usize;
    let digits_before = old
        .encode_utf16()
        .take(caret)
        .filter(|u| {
            char::from_u32(u32::from(*u))
                .and_then(digit_value)
                .is_some()
        })
        .count();
    input.set_value(&new);
    let mut seen = 0;
    let mut position = 0;
    for (i, c) in new.chars().enumerate() {
        if seen == digits_before {
            break;
        }
        if c.is_ascii_digit() {
            seen += 1;
        }
        position = i + 1;
    }
    let position = position as u32;
    let _ = input.set_selection_range(position, position);
}

/// The show/hide button of control `name`, if it has one.
fn button_of(control: &Element, name: &str) -> Option<Element> {
    let mut selector = String::from("[data-privacy-reveal=\"");
    selector.push_str(name);
    selector.push_str("\"]");
    control.parent_element()?.query_selector(&selector).ok()?
}

/// The show/hide button beside a concealed control, made once.
pub fn reveal_button(control: &Element, name: &str, lang: Lang) -> Element {
    if let Some(existing) = button_of(control, name) {
        return existing;
    }
    let button = text(&document(), "button", "mpp-reveal", lang.words().reveal);
    set(&button, "type", "button");
    set(&button, "data-privacy-reveal", name);
    set(&button, "aria-pressed", "false");
    if let Some(id) = control.get_attribute("id") {
        set(&button, "aria-controls", &id);
    }
    let _ = control.after_with_node_1(&button);
    button
}

/// Shows `shown` in the control and marks whether it is the masked form.
pub fn show(control: &Element, name: &str, shown: &str, masked: bool) {
    if let Some(input) = control.dyn_ref::<HtmlInputElement>() {
        input.set_value(shown);
    }
    if masked {
        set(control, "data-privacy-concealed", "");
    } else {
        let _ = control.remove_attribute("data-privacy-concealed");
    }
    if let Some(button) = button_of(control, name) {
        set(
            &button,
            "aria-pressed",
            if masked { "false" } else { "true" },
        );
    }
}

/// Back to a plain field: no mask, no Show button (after the form was sent and reset).
pub fn forget(control: &Element, name: &str) {
    let _ = control.remove_attribute("data-privacy-concealed");
    if let Some(button) = button_of(control, name) {
        button.remove();
    }
}

/// The text of `value` as the control shows it while concealed.
pub fn masked_text(kind: FieldKind, value: &str) -> String {
    crate::masking::mask(kind, value.trim())
}
