//! What a form with sealed fields says when they cannot be sealed here.
//!
//! A page without WebCrypto (not https) can never seal: the form says so as
//! soon as it is attached. A policy without a key is another case: a form
//! whose sealed fields are absent or empty sends nothing that needs the key,
//! so it is not blocked. The integrator hears of the missing key on the
//! console when the form is attached; the person only once a filled field
//! would have to be sealed ([`Session::would_seal`]: as it is typed, or at
//! attach for a value already there), and the notice goes again when that
//! field is emptied. The submit refuses such a form
//! whatever the notice says (`submit.rs`): nothing sealed is sent raw.
//!
//! [`Session::would_seal`]: crate::session::Session::would_seal

use super::conceal::attached_form;
use super::form;
use super::seal as webcrypto;
use super::state::{Inner, Shared};
use super::submit::form_status;
use crate::policy::Form;
use crate::seal::SealError;
use crate::session::seal_problem;
use web_sys::{Element, Event};

/// At attach: a page without WebCrypto says at once that the form's sealed
/// fields cannot be sent; a policy without a key is reported on the console
/// (the form's id and its sealed fields' names, never a value), and the
/// form says so only if a sealed field is already filled.
pub fn on_attach(inner: &Inner, form: &Element, entry: &Form, id: &str) {
    let mut sealed = String::new();
    for field in entry.sealed_fields() {
        if !sealed.is_empty() {
            sealed.push_str(", ");
        }
        sealed.push_str(&field.name);
    }
    if sealed.is_empty() {
        return;
    }
    match webcrypto::unavailable(inner.session.policy.seal_key.as_ref()) {
        Some(SealError::NoKey) => {
            let mut message = String::from("privacy: the policy has no key to seal to: form '");
            message.push_str(id);
            message.push_str("' is sent only while its sealed fields are empty (");
            message.push_str(&sealed);
            message.push_str("); add the receiver's public key to the policy's keys");
            web_sys::console::warn_1(&message.into());
            show(inner, form, id);
        }
        Some(why) => form_status(form, seal_problem(inner.lang.words(), why)),
        None => {}
    }
}

/// On input in an attached form, where the policy has no key: shows that
/// the form cannot be sent while a filled sealed field would be sealed
/// (its purpose allowed, the form's boxes as they are ticked), and takes
/// that notice away once none would be.
pub fn on_input(shared: &Shared, event: &Event) {
    let Some((form, id)) = attached_form(event) else {
        return;
    };
    let Some(inner) = shared.try_borrow() else {
        return;
    };
    if inner.session.policy.seal_key.is_some()
        || webcrypto::unavailable(None) != Some(SealError::NoKey)
    {
        return;
    }
    show(&inner, &form, &id);
}

/// Shows the notice on form `id` while submitting it would seal a field,
/// and takes it away when not. The policy has no key.
fn show(inner: &Inner, form: &Element, id: &str) {
    let values = inner.typed_values(form);
    let boxes = form::consent_boxes(form);
    let notice = seal_problem(inner.lang.words(), SealError::NoKey);
    if inner.session.would_seal(id, &values, &boxes) {
        form_status(form, notice);
    } else if shown(form).as_deref() == Some(notice) {
        form_status(form, "");
    }
}

/// The text of `form`'s status line.
fn shown(form: &Element) -> Option<String> {
    form.query_selector("[data-privacy-form-status]")
        .ok()
        .flatten()
        .and_then(|status| status.text_content())
}
