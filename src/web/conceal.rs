//! Identifiers typed into an attached form: checked when focus leaves a
//! control, shown masked afterwards (the value typed stays with the module),
//! shown again on focus or with the show/hide button, and grouped as typed.

use super::form;
use super::state::Shared;
use super::typing;
use crate::fields::{self, FieldKind, Problem};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use web_sys::{Element, Event};

/// The attached form an event happened in, with its policy id.
pub fn attached_form(event: &Event) -> Option<(Element, String)> {
    let target = event.target()?.dyn_into::<Element>().ok()?;
    let form = target.closest("form[data-privacy-attached]").ok()??;
    let id = form.get_attribute("data-privacy-form")?;
    Some((form, id))
}

/// Checks a declared control when focus leaves it; shows or clears its message.
pub fn on_focusout(shared: &Shared, event: &Event) {
    let Some((form, id)) = attached_form(event) else {
        return;
    };
    let Some(name) = event
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|t| t.get_attribute("name"))
    else {
        return;
    };
    // Focus also moves while the module itself works (a dialog opening):
    // that is no person leaving a field, and the state is busy.
    let Some(inner) = shared.try_borrow() else {
        return;
    };
    let Some(entry) = inner.session.policy.form(&id) else {
        return;
    };
    if entry.field(&name).is_none() {
        return;
    }
    let Some(field) = entry.field(&name) else {
        return;
    };
    let kind = field.kind;
    let values = inner.typed_values(&form);
    let problems = fields::validate(&entry.fields, &values);
    // A one-of group is judged on submit: leaving the first of two empty is fine.
    let problem = problems
        .iter()
        .find(|(n, p)| *n == name && *p != Problem::NoneOfGroup)
        .map(|(_, p)| *p);
    form::show_problem(&inner.view(), &form, entry, &name, problem);
    let lang = inner.lang;
    drop(inner);

    // Leaving an identifier field shows its mask; the value stays ours.
    let typed = values
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
        .unwrap_or_default();
    let Some(control) = form::control(&form, &name) else {
        return;
    };
    // A value with a problem stays readable, so the person can fix it.
    if !typing::concealed(kind)
        || typed.trim().is_empty()
        || problem.is_some()
        || control.has_attribute("data-privacy-concealed")
    {
        return;
    }
    let Some(mut inner) = shared.try_borrow_mut() else {
        return;
    };
    inner.forms.concealed.retain(|(c, _)| *c != control);
    inner.forms.concealed.push((control.clone(), typed.clone()));
    typing::reveal_button(&control, &name, lang);
    typing::show(&control, &name, &typing::masked_text(kind, &typed), true);
}

/// Focus on a concealed control shows what was typed, to be edited.
pub fn on_focusin(shared: &Shared, event: &Event) {
    let Some(control) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return;
    };
    if control.has_attribute("data-privacy-concealed") {
        reveal(shared, &control);
    }
}

/// Puts the typed value back into a concealed control.
fn reveal(shared: &Shared, control: &Element) {
    let Some(mut inner) = shared.try_borrow_mut() else {
        return;
    };
    let Some(i) = inner.forms.concealed.iter().position(|(c, _)| c == control) else {
        return;
    };
    let (_, typed) = inner.forms.concealed.remove(i);
    let name = control.get_attribute("name").unwrap_or_default();
    typing::show(control, &name, &typed, false);
}

/// The show/hide button: shows the typed value, or its mask again.
pub fn on_reveal(shared: &Shared, button: &Element) {
    let Some(form) = button.closest("form[data-privacy-attached]").ok().flatten() else {
        return;
    };
    let name = button
        .get_attribute("data-privacy-reveal")
        .unwrap_or_default();
    let Some(control) = form::control(&form, &name) else {
        return;
    };
    if control.has_attribute("data-privacy-concealed") {
        return reveal(shared, &control);
    }
    let id = form.get_attribute("data-privacy-form").unwrap_or_default();
    let kind = field_kind(shared, &id, &name);
    let typed = Reflect::get(&control, &"value".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    let (Some(kind), false) = (kind, typed.trim().is_empty()) else {
        return;
    };
    if let Some(mut inner) = shared.try_borrow_mut() {
        inner.forms.concealed.push((control.clone(), typed.clone()));
    }
    typing::show(&control, &name, &typing::masked_text(kind, &typed), true);
}

/// The declared kind of control `name` of form `id`; `None` when it is not
/// declared, or while the module is busy (focus moved by the module itself).
fn field_kind(shared: &Shared, id: &str, name: &str) -> Option<FieldKind> {
    let inner = shared.try_borrow()?;
    inner.session.policy.form(id)?.field(name).map(|f| f.kind)
}

/// Groups national IDs and phones as they are typed.
pub fn on_input(shared: &Shared, event: &Event) {
    let Some((_, id)) = attached_form(event) else {
        return;
    };
    let Some(input) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let name = input.get_attribute("name").unwrap_or_default();
    if let Some(kind) = field_kind(shared, &id, &name).filter(|k| typing::grouped(*k)) {
        typing::regroup(&input, kind);
    }
}
