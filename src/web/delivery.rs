//! Receipt delivery and the answers of the browser's asynchronous work:
//! POSTing each undelivered receipt, and the callbacks that `fetch`, the
//! retry timer and sealing call back, one per job. The session decides
//! what is on its way and when to retry; this side posts and schedules.

use super::receipts;
use super::state::Shared;
use super::submit;
use crate::session::Answered;
use js_sys::Function;
use wasm_bindgen::prelude::*;
use web_sys::Element;

/// A callback of an answer: `(what it is about, outcome)`.
type Answer = Closure<dyn FnMut(JsValue, JsValue)>;

/// The callbacks handed to the browser for as long as the module runs.
pub struct Answers {
    /// `(receipt id, response or error)` after a receipt's POST.
    receipt_answered: Answer,
    /// The retry timer fired.
    retry: Closure<dyn FnMut()>,
    /// `(form, response or error)` after a form's POST.
    form_answered: Answer,
    /// `(form, { payload, report } or error)` once a form's fields are sealed.
    sealed: Answer,
}

impl Answers {
    /// Makes the callbacks and lends them, as JS functions, to `shared`.
    pub fn new(shared: &Shared) -> Answers {
        let on_receipt = shared.clone();
        let receipt_answered = Answer::new(move |id: JsValue, outcome: JsValue| {
            if let Some(id) = id.as_string() {
                receipt_answered(&on_receipt, &id, &outcome);
            }
        });
        let on_retry = shared.clone();
        let retry = Closure::<dyn FnMut()>::new(move || {
            on_retry.borrow_mut().receipts.deliveries.retry_fired();
            flush(&on_retry);
        });
        let on_sent = shared.clone();
        let form_answered = Answer::new(move |form: JsValue, outcome: JsValue| {
            if let Some(form) = form.dyn_ref::<Element>() {
                submit::on_sent(&on_sent, form, &outcome);
            }
        });
        let on_sealed = shared.clone();
        let sealed = Answer::new(move |form: JsValue, outcome: JsValue| {
            if let Some(form) = form.dyn_ref::<Element>() {
                submit::on_sealed(&on_sealed, form, &outcome);
            }
        });
        let function = |c: &JsValue| Some(c.clone().unchecked_into::<Function>());
        let mut inner = shared.borrow_mut();
        inner.hooks.receipt_answered = function(receipt_answered.as_ref());
        inner.hooks.retry = function(retry.as_ref());
        inner.hooks.form_answered = function(form_answered.as_ref());
        inner.hooks.sealed = function(sealed.as_ref());
        Answers {
            receipt_answered,
            retry,
            form_answered,
            sealed,
        }
    }

    /// Leaves the callbacks with the page for as long as it lives: a form
    /// still guarded may need them after the handle is gone.
    pub fn forget(self) {
        self.receipt_answered.forget();
        self.retry.forget();
        self.form_answered.forget();
        self.sealed.forget();
    }
}

/// POSTs every undelivered receipt that is not on its way already.
pub fn flush(shared: &Shared) {
    let (endpoint, answered, batch) = {
        let mut inner = shared.borrow_mut();
        let inner = &mut *inner;
        let kept = &mut inner.receipts;
        let (Some(endpoint), Some(answered)) =
            (kept.endpoint.clone(), inner.hooks.receipt_answered.clone())
        else {
            return;
        };
        let undelivered = kept
            .log
            .undelivered()
            .map(|k| (k.id.as_str(), k.json.as_str()));
        let batch = kept.deliveries.batch(undelivered);
        (endpoint, answered, batch)
    };
    for (id, json) in batch {
        receipts::post(
            &endpoint,
            &json,
            &receipts::with_first_argument(&answered, &id.into()),
        );
    }
}

/// A receipt's POST answered (`outcome` is a Response or an error): marks it
/// delivered, or schedules a retry of everything undelivered.
fn receipt_answered(shared: &Shared, id: &str, outcome: &JsValue) {
    let ok = outcome
        .dyn_ref::<web_sys::Response>()
        .is_some_and(web_sys::Response::ok);
    let mut inner = shared.borrow_mut();
    let inner = &mut *inner;
    match inner.receipts.deliveries.answered(id, ok) {
        Answered::Delivered => {
            if inner.receipts.log.delivered(id) {
                receipts::save(inner.receipts.persistent, &inner.receipts.log);
            }
        }
        Answered::RetryIn(wait) => {
            if let Some(retry) = &inner.hooks.retry {
                receipts::later(retry, wait);
            }
        }
        Answered::Waiting => {}
    }
}
