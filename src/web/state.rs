//! The state a running module keeps, grouped by what owns it, and the
//! re-entrancy rule around it.
//!
//! State lives in one `Inner` behind `Rc<Cell<…>>` (a `RefCell`), shared with
//! the document listener (clicks and keys) and the callbacks handed to the
//! page. Anything that can call back into page code (gated inline scripts,
//! `gtag`, event listeners) runs only after the borrow is released, so page
//! code may call the API re-entrantly.

use super::form;
use super::receipts;
use crate::consent::Consent;
use crate::handover::Owed;
use crate::i18n::Lang;
use crate::page::banner::View;
use crate::page::store::ConsentStore;
use crate::receipt::{self, Issuer, Occasion, ReceiptLog};
use crate::session::{Deliveries, Session};
use js_sys::Function;
use std::cell::{Ref, RefCell, RefMut};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{Element, Event, HtmlDialogElement};

/// Everything the module keeps while it runs.
pub struct Inner {
    /// The policy and the decisions made under it.
    pub session: Session,
    pub lang: Lang,
    pub store: ConsentStore,
    /// What is drawn: the banner, the dialog.
    pub page: Page,
    /// The `on()` callbacks, by event name.
    pub listeners: Vec<(String, Function)>,
    pub gtag: Option<Function>,
    /// The receipts and their delivery.
    pub receipts: Receipts,
    /// The attached forms and what is under way in them.
    pub forms: Forms,
    /// The keyed-hash key and the LINE account, never the userId itself.
    pub identity: Identity,
    /// The callbacks handed to the browser, as JS functions (owned by `Privacy`).
    pub hooks: Hooks,
}

/// The banner and the preferences dialog, while they are shown.
#[derive(Default)]
pub struct Page {
    /// The banner while it is shown, with the ids its buttons decide.
    pub banner: Option<(Element, Vec<String>)>,
    pub dialog: Option<HtmlDialogElement>,
    /// What had focus before the dialog opened; it gets focus back.
    pub opener: Option<Element>,
    /// Inside LIFF: whether in the LINE app, and its OS, for the layout.
    pub liff: Option<(bool, String)>,
}

/// Receipts kept on the device, and their way to the receiver.
pub struct Receipts {
    /// `false` for `storage: 'memory'`.
    pub persistent: bool,
    /// SHA-256 of the policy text, for receipts: empty until the first
    /// receipt, so a page that records nothing never hashes the policy.
    pub policy_sha256: String,
    /// The policy text as loaded, until `policy_sha256` is taken of it.
    pub policy_text: String,
    /// The device's pseudonymous id, for receipts: empty until the first
    /// receipt, so a visitor who decides nothing stores no id.
    pub subject: String,
    /// Receipts kept on the device, with what is still to be delivered.
    pub log: ReceiptLog,
    /// Where receipts are POSTed; `None`: kept on the device only.
    pub endpoint: Option<String>,
    /// What is on its way, and when to try again.
    pub deliveries: Deliveries,
}

/// The forms attached to.
#[derive(Default)]
pub struct Forms {
    /// The forms attached to, each with the module's listener on it too.
    pub attached: Vec<Element>,
    /// Forms whose POST is on its way, with the report of what was sent.
    pub sending: Vec<(Element, JsValue)>,
    /// Controls showing their mask, with the value the person typed.
    pub concealed: Vec<(Element, String)>,
    /// The submit event handled last: the window's capture listener and the
    /// form's own both hear it, and it is handled once.
    pub last_submit: Option<Event>,
}

/// Keys and accounts that values are hashed with.
pub struct Identity {
    /// The deployment key of the keyed-hash operator.
    pub hash_key: Option<Vec<u8>>,
    /// The keyed hash of the LINE userId, when the policy links requests to
    /// the account.
    pub line_user: Option<String>,
}

/// The delivery callbacks (`delivery.rs`) as the JS functions fetch and the
/// timer call.
#[derive(Default)]
pub struct Hooks {
    /// `(receipt id, response or error)` after a receipt's POST.
    pub receipt_answered: Option<Function>,
    /// No arguments: the retry timer fired.
    pub retry: Option<Function>,
    /// `(form, response or error)` after a form's POST.
    pub form_answered: Option<Function>,
    /// `(form, { payload, report } or error)` once a form's fields are sealed.
    pub sealed: Option<Function>,
}

/// The state shared by the API and the browser's callbacks.
pub type Shared = Rc<Cell<Inner>>;

/// A `RefCell` whose misuse traps without a message: `RefCell::borrow`'s
/// panic formats its error, which keeps Rust's formatting code in the wasm.
/// (The listener is re-entrant and releases every borrow before page code
/// runs, so a clash is a bug either way.)
pub struct Cell<T>(RefCell<T>);

impl<T> Cell<T> {
    pub fn new(value: T) -> Self {
        Cell(RefCell::new(value))
    }

    pub fn borrow(&self) -> Ref<'_, T> {
        self.0.try_borrow().unwrap_or_else(|_| trap())
    }

    pub fn borrow_mut(&self) -> RefMut<'_, T> {
        self.0.try_borrow_mut().unwrap_or_else(|_| trap())
    }

    pub fn try_borrow(&self) -> Option<Ref<'_, T>> {
        self.0.try_borrow().ok()
    }

    pub fn try_borrow_mut(&self) -> Option<RefMut<'_, T>> {
        self.0.try_borrow_mut().ok()
    }
}

fn trap() -> ! {
    core::arch::wasm32::unreachable()
}

impl Inner {
    /// Inside LIFF, tells the stylesheet which layout fits: a bottom sheet in
    /// the LINE app, with the OS for its safe areas.
    pub fn mark_layout(&self, element: &Element) {
        crate::page::liff::mark_layout(element, &self.page.liff);
    }

    /// The form's values as the person typed them: a concealed control
    /// shows its mask, so its value comes from here.
    pub fn typed_values(&self, form: &Element) -> Vec<(String, String)> {
        let mut values = form::values(form);
        for (control, typed) in &self.forms.concealed {
            if !form.contains(Some(control)) {
                continue;
            }
            let name = control.get_attribute("name").unwrap_or_default();
            if let Some(slot) = values.iter_mut().find(|(n, _)| *n == name) {
                slot.1.clone_from(typed);
            }
        }
        values
    }

    /// Records the receipt of a decision that changed `changed`; returns it as JSON.
    pub fn record(&mut self, method: &str, changed: &[String]) -> String {
        let receipt_id = receipts::random_uuid();
        let occasion = Occasion {
            receipt_id: &receipt_id,
            now: now_seconds(),
            method,
            changed,
        };
        let consent = self.session.consent.clone();
        self.record_as(&occasion, &consent)
    }

    /// Records the receipts the banner module owes, each with its own id,
    /// time and consent, skipping those kept already and those whose
    /// consent does not decode under this policy; returns the new ones.
    pub fn record_owed(&mut self, owed: &[Owed]) -> Vec<String> {
        let mut made = Vec::new();
        for o in owed {
            if self.receipts.log.kept.iter().any(|k| k.id == o.receipt_id) {
                continue;
            }
            let gpc = self.session.consent.gpc;
            let Ok(consent) = Consent::decode(&o.consent, &self.session.policy, gpc) else {
                continue;
            };
            let occasion = Occasion {
                receipt_id: &o.receipt_id,
                now: o.decided_at,
                method: &o.method,
                changed: &o.changed,
            };
            made.push(self.record_as(&occasion, &consent));
        }
        made
    }

    /// Records the receipt of `occasion`, with `consent` as it stood after it.
    fn record_as(&mut self, occasion: &Occasion, consent: &Consent) -> String {
        let receipt_id = occasion.receipt_id;
        let kept = &mut self.receipts;
        if kept.policy_sha256.is_empty() {
            kept.policy_sha256 = receipt::sha256_hex(&core::mem::take(&mut kept.policy_text));
        }
        if kept.subject.is_empty() {
            kept.subject = receipts::subject(kept.persistent);
        }
        let issuer = Issuer {
            policy: &self.session.policy,
            policy_sha256: &kept.policy_sha256,
            subject: &kept.subject,
            lang: self.lang,
        };
        let json = receipt::receipt(&issuer, consent, occasion);
        if kept.log.push(receipt_id, json.clone()) {
            web_sys::console::warn_1(
                &"privacy: the receipt log is full; the oldest undelivered receipt was dropped"
                    .into(),
            );
        }
        receipts::save(kept.persistent, &kept.log);
        json
    }

    /// What the banner, dialog and forms draw from.
    pub fn view(&self) -> View<'_> {
        View {
            policy: &self.session.policy,
            consent: &self.session.consent,
            lang: self.lang,
        }
    }
}

pub use crate::page::now_seconds;
