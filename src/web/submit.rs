//! The guarded submit of an attached form, and what `prepareSubmission` and
//! `sealSubmission` return: the fields checked, the consent boxes recorded,
//! then what the session plans — refuse, seal, or send — done in the page:
//! the status line, the submit controls, the POST and its answer.

use super::decide::decide;
use super::events::{self, Unsent};
use super::form;
use super::receipts;
use super::report::{Payload, Report, submission_object};
use super::seal as webcrypto;
use super::state::Shared;
use super::typing;
use crate::fields::{self, Refusal, Submission};
use crate::masking::OperatorError;
use crate::model::push_decimal;
use crate::page::boundary::{error, stringify, to_js};
use crate::page::dom;
use crate::seal::SealError;
use crate::session::{self, Action, Plan};
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{Element, Event};

/// The error of a refused submission: its code and message.
pub fn refusal_error(method: &str, why: &Refusal) -> JsValue {
    error(refusal_code(why), &prefixed(method, &why.message()))
}

/// The stable code of a refused submission.
fn refusal_code(why: &Refusal) -> &'static str {
    match why {
        Refusal::Operator(OperatorError::NoHashKey) => "hash_key_missing",
        _ => "submission_refused",
    }
}

fn prefixed(method: &str, message: &str) -> String {
    let mut out = String::from(method);
    out.push_str(": ");
    out.push_str(message);
    out
}

/// What `method` (a JS API name) would send for `form` now: its id and its
/// submission (its sealed fields still to seal), or the error to throw.
pub fn prepared(
    shared: &Shared,
    method: &str,
    form: &Element,
) -> Result<(String, Submission), JsValue> {
    let id = form.get_attribute("data-privacy-form").unwrap_or_default();
    let inner = shared.borrow();
    let values = inner.typed_values(form);
    match plan(shared, &id, &values) {
        Plan::NotInPolicy => Err(error(
            "form_unknown",
            &prefixed(method, "the form is not in the policy"),
        )),
        Plan::Refuse(why) => Err(refusal_error(method, &why)),
        Plan::Send(submission) | Plan::Seal(submission) => Ok((id, submission)),
    }
}

/// The session's plan for form `id`'s `values`, warning about undeclared controls.
fn plan(shared: &Shared, id: &str, values: &[(String, String)]) -> Plan {
    let inner = shared.borrow();
    let identity = &inner.identity;
    let prepared = inner.session.prepare(
        id,
        values,
        identity.hash_key.as_deref(),
        identity.line_user.as_deref(),
    );
    if let Some(Ok(submission)) = &prepared {
        warn_undeclared(submission);
    }
    Plan::of(prepared)
}

/// Starts sealing the fields of `submission` that wait for it into
/// `target` (its `{ payload, report }`): a promise of `target` or of the
/// error `failure`. `Err` where sealing cannot start here.
pub fn start_sealing(
    shared: &Shared,
    id: &str,
    submission: &Submission,
    target: &JsValue,
    failure: &JsValue,
) -> Result<Promise, SealError> {
    let inner = shared.borrow();
    let policy = &inner.session.policy;
    let (key, version) = (policy.seal_key.as_ref(), &policy.version);
    webcrypto::seal_fields(key, version, id, &submission.to_seal, target, failure)
}

/// The error a sealing problem throws from `method`.
pub fn seal_error(method: &str, why: SealError) -> JsValue {
    error(why.code(), &prefixed(method, why.as_str()))
}

/// Warns in the console, on a development host, about controls the policy
/// does not declare: they are never sent, and the form's entry may lack them.
fn warn_undeclared(submission: &Submission) {
    let undeclared = session::undeclared(submission);
    if undeclared.is_empty() {
        return;
    }
    let host = web_sys::window()
        .and_then(|w| w.location().hostname().ok())
        .unwrap_or_default();
    if matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]") || host.ends_with(".local") {
        let mut message = String::from("privacy: not sent, not declared in the policy: ");
        message.push_str(&undeclared);
        web_sys::console::warn_1(&message.into());
    }
}

/// The guarded submit of an attached form. The native submission, which
/// would send every field raw, never happens. Invalid: messages at the
/// fields, focus on the first, nothing typed is cleared. Valid: the consent
/// boxes are recorded (a ticked box is granted, unticking a granted one
/// withdraws it, a box never ticked records nothing), then the minimised,
/// masked fields are POSTed as JSON to the form's action.
pub fn on_submit(shared: &Shared, event: &Event, form: &Element, id: &str) {
    event.prevent_default();
    {
        let mut inner = shared.borrow_mut();
        if inner.forms.last_submit.as_ref() == Some(event) {
            return;
        }
        inner.forms.last_submit = Some(event.clone());
    }
    let values = shared.borrow().typed_values(form);
    let problems = {
        let inner = shared.borrow();
        let Some(entry) = inner.session.policy.form(id) else {
            return;
        };
        let problems = fields::validate(&entry.fields, &values);
        for field in &entry.fields {
            let problem = problems
                .iter()
                .find(|(n, _)| *n == field.name)
                .map(|(_, p)| *p);
            form::show_problem(&inner.view(), form, entry, &field.name, problem);
        }
        problems
    };
    if let Some((first, _)) = problems.first() {
        let words = shared.borrow().lang.words();
        let mut message = String::from(words.to_correct[0]);
        push_decimal(&mut message, problems.len() as u64);
        message.push_str(words.to_correct[1]);
        form_status(form, &message);
        if let Some(control) = form::control(form, first) {
            dom::focus(&control);
        }
        return;
    }

    let mut method = String::from("form:");
    method.push_str(id);
    let _ = decide(
        shared,
        &Action::FormBoxes(form::consent_boxes(form)),
        &method,
    );

    let submission = match plan(shared, id, &values) {
        Plan::NotInPolicy => return,
        Plan::Refuse(why) => return refuse(shared, form, id, Unsendable::Refused(&why)),
        Plan::Send(submission) => {
            let report = to_js(&Report::of(id, &submission));
            let body = to_js(&Payload(&submission.payload));
            return send(shared, form, report, &stringify(&body));
        }
        Plan::Seal(submission) => submission,
    };
    // Sealing is asynchronous (WebCrypto): say why at once where it cannot
    // start, else seal, then send (`on_sealed`). Nothing is sent unsealed.
    let target = submission_object(id, &submission);
    let failure = JsValue::from_str(SealError::Failed.as_str());
    match start_sealing(shared, id, &submission, &target, &failure) {
        Ok(sealing) => {
            form_status(form, shared.borrow().lang.words().sending);
            set_submitting(form, true);
            if let Some(sealed) = shared.borrow().hooks.sealed.clone() {
                let _ =
                    receipts::on_settled(&sealing, &receipts::with_first_argument(&sealed, form));
            }
        }
        Err(why) => refuse(shared, form, id, Unsendable::Seal(why)),
    }
}

/// Sends `body`, the submission of `form`: shows that it is on its way and
/// POSTs it to the form's action; `on_sent` handles the answer.
fn send(shared: &Shared, form: &Element, report: JsValue, body: &str) {
    form_status(form, shared.borrow().lang.words().sending);
    set_submitting(form, true);
    let (answered, action) = {
        let mut inner = shared.borrow_mut();
        inner.forms.sending.push((form.clone(), report));
        (
            inner.hooks.form_answered.clone(),
            form.get_attribute(form::ENDPOINT),
        )
    };
    let Some(action) = action else {
        set_submitting(form, false);
        let id = form.get_attribute("data-privacy-form").unwrap_or_default();
        return refuse(shared, form, &id, Unsendable::NoEndpoint);
    };
    if let Some(answered) = answered {
        let done = receipts::with_first_argument(&answered, form);
        receipts::post(&action, body, &done);
    }
}

/// A form's sealing settled with `{ payload, report }` or an error: sends
/// the sealed payload, or refuses to send anything.
pub fn on_sealed(shared: &Shared, form: &Element, outcome: &JsValue) {
    let payload = Reflect::get(outcome, &"payload".into()).ok();
    let body = payload.filter(JsValue::is_object).map(|p| stringify(&p));
    match body {
        Some(body) => {
            let report = Reflect::get(outcome, &"report".into()).unwrap_or_default();
            send(shared, form, report, &body);
        }
        None => {
            set_submitting(form, false);
            let id = form.get_attribute("data-privacy-form").unwrap_or_default();
            refuse(shared, form, &id, Unsendable::Seal(SealError::Failed));
        }
    }
}

/// Why the guarded submit sends nothing.
enum Unsendable<'a> {
    /// The session refused the submission (an operator, a refused identifier).
    Refused(&'a Refusal),
    /// A field to seal cannot be sealed here.
    Seal(SealError),
    /// The form has no `data-privacy-endpoint`.
    NoEndpoint,
}

/// Does not send `form`, and says why: on the form in the page's language
/// (for a sealing problem, which one), in English on the console, and with
/// its code in `privacy:submit`; never with a value.
fn refuse(shared: &Shared, form: &Element, id: &str, why: Unsendable) {
    let words = shared.borrow().lang.words();
    let mut message = String::from("privacy: the form was not sent: ");
    let (status, code) = match why {
        Unsendable::Refused(refusal) => {
            message.push_str(&refusal.message());
            (words.cannot_protect, Some(refusal_code(refusal)))
        }
        Unsendable::Seal(why) => {
            message.push_str(why.as_str());
            (session::seal_problem(words, why), Some(why.code()))
        }
        Unsendable::NoEndpoint => {
            message.push_str("the form has no data-privacy-endpoint");
            (words.cannot_protect, None)
        }
    };
    form_status(form, status);
    web_sys::console::warn_1(&message.into());
    let report = to_js(&Unsent { form: id, code });
    events::announce_submit(shared, id, false, 0, report);
}

/// What the receiver answered to a form's POST (`outcome` is a Response or an error).
pub fn on_sent(shared: &Shared, form: &Element, outcome: &JsValue) {
    let response = outcome.dyn_ref::<web_sys::Response>();
    let ok = response.is_some_and(web_sys::Response::ok);
    let status = response.map_or(0, web_sys::Response::status);
    let (report, words) = {
        let mut inner = shared.borrow_mut();
        let sending = &mut inner.forms.sending;
        let position = sending.iter().position(|(f, _)| f == form);
        let report = position.map(|i| sending.remove(i).1);
        (report, inner.lang.words())
    };
    set_submitting(form, false);
    if ok {
        // What was sent no longer needs to sit in the page.
        if let Ok(reset) = Reflect::get(form, &"reset".into()) {
            if let Some(reset) = reset.dyn_ref::<Function>() {
                let _ = reset.call0(form);
            }
        }
        // A reset returns each box to its markup state: make that the
        // person's decisions, or the next submit would withdraw a consent.
        show_decisions(shared, form);
        let cleared: Vec<Element> = {
            let mut inner = shared.borrow_mut();
            let forms = &mut inner.forms;
            let (gone, kept) = forms
                .concealed
                .drain(..)
                .partition(|(c, _)| form.contains(Some(c)));
            forms.concealed = kept;
            gone.into_iter().map(|(c, _)| c).collect::<Vec<_>>()
        };
        for control in cleared {
            let name = control.get_attribute("name").unwrap_or_default();
            typing::forget(&control, &name);
        }
    }
    form_status(form, if ok { words.sent } else { words.send_failed });
    let id = form.get_attribute("data-privacy-form").unwrap_or_default();
    let report = report.unwrap_or_else(|| {
        to_js(&Unsent {
            form: &id,
            code: None,
        })
    });
    events::announce_submit(shared, &id, ok, status, report);
}

/// Ticks each consent box of `form` as its purpose now stands, in the
/// markup too (`checked` attribute), so a form reset keeps the decisions.
fn show_decisions(shared: &Shared, form: &Element) {
    let inner = shared.borrow();
    for input in dom::inputs(form, form::PURPOSE_BOXES) {
        let purpose = input
            .get_attribute("data-privacy-purpose")
            .unwrap_or_default();
        let granted = inner.session.state(&purpose) == Some(crate::consent::State::Granted);
        input.set_default_checked(granted);
        input.set_checked(granted);
    }
}

/// Writes the form's status line (announced: it has `role=status`).
pub fn form_status(form: &Element, message: &str) {
    if let Ok(Some(status)) = form.query_selector("[data-privacy-form-status]") {
        status.set_text_content(Some(message));
    }
}

/// Disables the form's submit controls while a POST is on its way.
fn set_submitting(form: &Element, busy: bool) {
    if busy {
        dom::set(form, "aria-busy", "true");
    } else {
        let _ = form.remove_attribute("aria-busy");
    }
    enable_submit(form, !busy);
}

/// Enables or disables the form's `data-privacy-submit` controls.
pub fn enable_submit(form: &Element, enabled: bool) {
    let Ok(controls) = form.query_selector_all("[data-privacy-submit]") else {
        return;
    };
    for i in 0..controls.length() {
        let Some(control) = controls.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        if enabled {
            let _ = control.remove_attribute("disabled");
        } else {
            dom::set(&control, "disabled", "");
        }
    }
}
