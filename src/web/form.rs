//! What `attachForm` adds to a form. The consent section: the purposes its
//! data serves that are not based on consent, as text, and one box per
//! consent purpose. A box is never ticked for the person, never bundled with
//! another purpose or with terms, and never required unless the purpose is
//! the form's own reason (guideline section 6; PDPA section 19). The field
//! marks: what must be given and what may, and why each is asked (section
//! 2(จ)); and the messages of validation.

use crate::consent::State;
use crate::fields::{FieldClass, Problem};
use crate::page::banner::{View, notice, purpose_facts};
use crate::page::dom::{append, document, element, inputs, set, text};
use crate::policy::Form;
use alloc::string::String;
use alloc::vec::Vec;
use js_sys::Reflect;
use wasm_bindgen::JsCast;
use web_sys::{Element, NodeList};

/// Set on a form once the module has attached to it.
pub const ATTACHED: &str = "data-privacy-attached";

/// Where the module POSTs a form: an attribute the browser never posts to.
pub const ENDPOINT: &str = "data-privacy-endpoint";

/// Makes `form` one the browser cannot post natively, for good: `form.submit()`,
/// an implicit submission or a stopped submit event then sends nothing,
/// with or without the module. A posting `method` or an `action` moves the
/// endpoint to `data-privacy-endpoint` (unless it names one) and the form
/// becomes `method="dialog"`; submitters lose `formaction` and `formmethod`.
/// Each change is warned about on the console, naming the form.
pub fn neutralise(form: &Element, id: &str) {
    let method = form.get_attribute("method").unwrap_or_default();
    let action = form.get_attribute("action");
    let posts = !method.eq_ignore_ascii_case("dialog") || action.is_some();
    if posts {
        if let Some(action) = action.filter(|_| !form.has_attribute(ENDPOINT)) {
            set(form, ENDPOINT, &action);
        }
        let _ = form.remove_attribute("action");
        set(form, "method", "dialog");
    }
    // `form.elements`: the submitters outside the form that name it (`form=`) too.
    let controls = Reflect::get(form, &"elements".into()).unwrap_or_default();
    let mut submitters = false;
    for control in js_sys::Array::from(&controls).iter() {
        let Ok(control) = control.dyn_into::<Element>() else {
            continue;
        };
        if control.has_attribute("formaction") || control.has_attribute("formmethod") {
            let _ = control.remove_attribute("formaction");
            let _ = control.remove_attribute("formmethod");
            submitters = true;
        }
    }
    if posts || submitters {
        let mut message = String::from("privacy: form '");
        message.push_str(id);
        message.push_str(
            "' could post natively, raw: it is now method=dialog, its endpoint in data-privacy-endpoint, as its markup should say",
        );
        web_sys::console::warn_1(&message.into());
    }
}

/// The `<fieldset data-privacy-consent>` for `form`.
pub fn consent_section(view: &View, form: &Form) -> Element {
    let doc = document();
    let words = view.lang.words();
    let root = element(&doc, "fieldset", "mpp mpp-consent");
    set(&root, "data-privacy-consent", "");
    set(&root, "lang", view.lang.tag());
    append(
        &root,
        &[&text(&doc, "legend", "mpp-subtitle", words.form_legend)],
    );

    let purposes = form
        .purposes
        .iter()
        .filter_map(|id| view.policy.purpose(id));
    let (asked, told): (Vec<_>, Vec<_>) = purposes.partition(|p| p.asks_consent());

    if !told.is_empty() {
        let list = element(&doc, "ul", "mpp-notices");
        for purpose in told {
            append(&list, &[&notice(&doc, purpose, view.lang)]);
        }
        append(
            &root,
            &[&text(&doc, "p", "", words.form_notices_intro), &list],
        );
    }

    if !asked.is_empty() {
        append(&root, &[&text(&doc, "p", "", words.form_consent_intro)]);
    }
    for purpose in asked {
        let mut id = String::from("mpp-");
        id.push_str(&form.id);
        id.push('-');
        id.push_str(&purpose.id);
        let description_id = id.clone() + "-desc";

        let item = element(&doc, "div", "mpp-purpose");
        let row = element(&doc, "div", "mpp-row");
        let input = element(&doc, "input", "mpp-check");
        set(&input, "type", "checkbox");
        set(&input, "id", &id);
        set(&input, "data-privacy-purpose", &purpose.id);
        set(&input, "aria-describedby", &description_id);
        let state = view.state(&purpose.id);
        // Shows a decision the person made; never ticks one for them.
        if state == State::Granted {
            set(&input, "checked", "");
        }
        let mut title = String::from(purpose.title.get(view.lang));
        if form.reason.as_deref() == Some(purpose.id.as_str()) {
            set(&input, "required", "");
            title.push_str(words.form_reason);
        }
        let label = text(&doc, "label", "", &title);
        set(&label, "for", &id);
        append(&row, &[&input, &label]);

        let details = element(&doc, "div", "mpp-description");
        set(&details, "id", &description_id);
        append(
            &details,
            &[
                &text(&doc, "p", "", purpose.description.get(view.lang)),
                &purpose_facts(&doc, purpose, view.lang),
            ],
        );
        let changed = state == State::Unset && view.consent.decided_before(&purpose.id);
        if let (true, Some(note)) = (changed, &purpose.change_note) {
            append(
                &details,
                &[&text(&doc, "p", "mpp-note", note.get(view.lang))],
            );
        }
        append(&item, &[&row, &details]);
        append(&root, &[&item]);
    }

    let status = element(&doc, "p", "mpp-note");
    set(&status, "role", "status");
    set(&status, "data-privacy-form-status", "");
    append(&root, &[&status]);
    root
}

/// Marks each declared control of `form`: the mark in its label, `required`
/// and `aria-required` when it must be given, why it is asked, the one-of
/// group's sentence, and for a field that is sent only with a consent
/// purpose, which box that is. The module validates (in the page language),
/// so the browser's own validation is turned off.
pub fn mark_fields(view: &View, form: &Element, entry: &Form) {
    let doc = document();
    let words = view.lang.words();
    set(form, "novalidate", "");
    let mut groups_shown: Vec<&str> = Vec::new();
    for field in &entry.fields {
        let Some(control) = control(form, &field.name) else {
            continue;
        };
        let label = labels(&control).into_iter().next();
        let (mark, text_index) = match &field.class {
            FieldClass::Required => ("required", 0),
            FieldClass::Optional => ("optional", 1),
            FieldClass::OneOf(_) => ("required", 2),
        };
        let badge = text(&doc, "span", "mpp-mark", words.marks[text_index]);
        set(&badge, "data-privacy-field-mark", mark);
        if let FieldClass::OneOf(group) = &field.class {
            set(&badge, "data-privacy-one-of", group);
            if !groups_shown.contains(&group.as_str()) {
                groups_shown.push(group);
                if let Some(g) = entry.group(group) {
                    let note = text(&doc, "p", "mpp-group", g.label.get(view.lang));
                    set(&note, "data-privacy-group", group);
                    let anchor = label.clone().unwrap_or_else(|| control.clone());
                    let _ = anchor.before_with_node_1(&note);
                }
            }
        }
        if let Some(label) = &label {
            let _ = label.append_with_str_1(" ");
            append(label, &[&badge]);
        }
        if field.class == FieldClass::Required {
            set(&control, "required", "");
            set(&control, "aria-required", "true");
        }

        let why = text(&doc, "p", "mpp-why", field.why.get(view.lang));
        let why_id = field_id(entry, "why", &field.name);
        set(&why, "id", &why_id);
        set(&why, "data-privacy-why", &field.name);
        describe(&control, &why_id, true);
        let _ = control.after_with_node_1(&why);

        // Sent only with a consent purpose: say which box decides.
        let consent_only = field.purposes.iter().all(|p| {
            view.policy
                .purpose(p)
                .is_some_and(crate::policy::Purpose::asks_consent)
        });
        if let (true, Some(purpose)) = (
            consent_only,
            field.purposes.first().and_then(|p| view.policy.purpose(p)),
        ) {
            let mut hint = String::from(words.depends[0]);
            hint.push_str(purpose.title.get(view.lang));
            hint.push_str(words.depends[1]);
            let note = text(&doc, "p", "mpp-why", &hint);
            let note_id = field_id(entry, "depends", &field.name);
            set(&note, "id", &note_id);
            set(&note, "data-privacy-depends", &purpose.id);
            describe(&control, &note_id, true);
            let _ = why.after_with_node_1(&note);
        }
    }
}

/// Shows `problem` at control `name`, or clears it. Nothing typed is touched.
pub fn show_problem(
    view: &View,
    form: &Element,
    entry: &Form,
    name: &str,
    problem: Option<Problem>,
) {
    let Some(control) = control(form, name) else {
        return;
    };
    let error_id = field_id(entry, "error", name);
    let existing = form
        .query_selector(&selector("data-privacy-error", name))
        .ok()
        .flatten();
    match problem {
        None => {
            if let Some(existing) = existing {
                existing.remove();
            }
            let _ = control.remove_attribute("aria-invalid");
            describe(&control, &error_id, false);
        }
        Some(problem) => {
            let message = view.lang.words().problems[problem as usize];
            let error = existing.unwrap_or_else(|| {
                let error = element(&document(), "p", "mpp-error");
                set(&error, "id", &error_id);
                set(&error, "data-privacy-error", name);
                let _ = control.after_with_node_1(&error);
                error
            });
            error.set_text_content(Some(message));
            set(&control, "aria-invalid", "true");
            describe(&control, &error_id, true);
        }
    }
}

/// The form's control called `name` (the first, for radio groups).
pub fn control(form: &Element, name: &str) -> Option<Element> {
    form.query_selector(&selector("name", name)).ok().flatten()
}

/// `[attribute="value"]`; policy names are plain (letters, digits, `_`, `-`).
fn selector(attribute: &str, value: &str) -> String {
    let mut s = String::from("[");
    s.push_str(attribute);
    s.push_str("=\"");
    s.push_str(value);
    s.push_str("\"]");
    s
}

/// `mpp-<part>-<form>-<name>`: unique per form and field.
fn field_id(entry: &Form, part: &str, name: &str) -> String {
    let mut id = String::from("mpp-");
    id.push_str(part);
    id.push('-');
    id.push_str(&entry.id);
    id.push('-');
    id.push_str(name);
    id
}

/// Adds `id` to, or removes it from, the control's `aria-describedby`.
fn describe(control: &Element, id: &str, add: bool) {
    let current = control
        .get_attribute("aria-describedby")
        .unwrap_or_default();
    let mut joined = String::new();
    let kept = current.split(' ').filter(|i| !i.is_empty() && *i != id);
    for part in kept.chain(add.then_some(id)) {
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(part);
    }
    if joined.is_empty() {
        let _ = control.remove_attribute("aria-describedby");
    } else {
        set(control, "aria-describedby", &joined);
    }
}

/// The `<label>`s of a control (`control.labels`).
fn labels(control: &Element) -> Vec<Element> {
    let list = Reflect::get(control, &"labels".into()).unwrap_or_default();
    let Some(list) = list.dyn_ref::<NodeList>() else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i).and_then(|n| n.dyn_into::<Element>().ok()))
        .collect()
}

/// Every named control's value, as the form would submit it: unchecked
/// boxes and radios, disabled controls, buttons and files are left out.
pub fn values(form: &Element) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Ok(controls) = form.query_selector_all("input[name],select[name],textarea[name]") else {
        return out;
    };
    for i in 0..controls.length() {
        let Some(control) = controls.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let kind = control.get_attribute("type").unwrap_or_default();
        let property = |name: &str| Reflect::get(&control, &name.into()).unwrap_or_default();
        let skipped = matches!(
            kind.as_str(),
            "submit" | "button" | "reset" | "image" | "file"
        ) || property("disabled").is_truthy()
            || (matches!(kind.as_str(), "checkbox" | "radio") && !property("checked").is_truthy());
        if skipped {
            continue;
        }
        let name = control.get_attribute("name").unwrap_or_default();
        out.push((name, property("value").as_string().unwrap_or_default()));
    }
    out
}

/// A form's consent boxes, one per purpose it asks.
pub const PURPOSE_BOXES: &str = "input[data-privacy-purpose]";

/// `(purpose, ticked)` of each consent box of `form`.
pub fn consent_boxes(form: &Element) -> Vec<(String, bool)> {
    inputs(form, PURPOSE_BOXES)
        .into_iter()
        .map(|input| {
            let purpose = input
                .get_attribute("data-privacy-purpose")
                .unwrap_or_default();
            (purpose, input.checked())
        })
        .collect()
}
