//! The JavaScript API: `Privacy.start(options)` and the methods of the
//! returned object, as listed in the public contract.
//!
//! State lives in one `Inner` behind `Rc<Cell<…>>` (a `RefCell`), shared with the
//! document listener (clicks and keys). Anything that can call back into
//! page code (gated inline scripts, `gtag`, event listeners) runs only after
//! the borrow is released, so page code may call the API re-entrantly.

use super::banner::{self, View};
use super::dom;
use super::form::{self, ATTACHED};
use super::gating;
use super::receipts;
use super::seal as webcrypto;
use super::signals;
use super::store::{ConsentStore, Stored};
use super::typing;
use crate::consent::{Choice, Consent, State};
use crate::consent_mode;
use crate::fields::{self, FieldAction, FieldKind, FieldReport, Problem, Refusal, Submission};
use crate::i18n::{Lang, Words};
use crate::masking::{self, MaskOperator};
use crate::policy::{CookiePattern, MOHPROMPT_POLICY, Policy};
use crate::receipt::{self, Issuer, Occasion, ReceiptLog};
use crate::seal::SealError;
use alloc::borrow::ToOwned;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Ref, RefCell, RefMut};
use js_sys::{Array, Function, JSON, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{CustomEvent, CustomEventInit, Element, Event, HtmlDialogElement, KeyboardEvent};

#[wasm_bindgen]
extern "C" {
    /// A `<form>` element.
    #[wasm_bindgen(typescript_type = "HTMLFormElement")]
    pub type HtmlFormElement;
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** Options of `Privacy.start`; every one may be omitted. */
export interface PrivacyOptions {
  /** Policy object or JSON text; omitted: the bundled Mor Prom policy. */
  policy?: object | string;
  /** Interface language; omitted: liff.getLanguage(), <html lang>, navigator.language, else 'th'. */
  lang?: 'th' | 'en';
  /** Where consent receipts are POSTed (used by the consent-receipt feature). */
  receiptEndpoint?: string;
  /**
   * The LIFF SDK object when running in a LINE mini-app (duck-typed). The
   * module reads its language, whether it runs in LINE and on which OS, and,
   * when the policy links requests to the LINE account, the userId from
   * getContext() or the decoded ID token, which leaves only as its keyed hash
   * and only with consent.
   */
  liff?: {
    getLanguage?: () => string;
    isInClient?: () => boolean;
    getOS?: () => string;
    getContext?: () => { userId?: string } | null;
    getDecodedIDToken?: () => { sub?: string } | null;
  };
  /** Deployment key of the keyed-hash masking operator: at least 32 bytes (UTF-8), or start throws. */
  hashKey?: string;
  /**
   * 'auto': a cookie mirrored in localStorage, sessionStorage where localStorage
   * throws, memory where both do; 'memory': nothing persists.
   */
  storage?: 'auto' | 'memory';
}
/** State of each cookie category or purpose, by id. */
export type Decisions = Record<string, 'granted' | 'denied' | 'unset' | 'notice'>;
/** Events of `Privacy.on` (also dispatched on `document` as `privacy:<event>`). */
export type PrivacyEvent = 'consent' | 'change' | 'receipt' | 'submit';
"#;

#[wasm_bindgen]
extern "C" {
    /// Options of `Privacy.start`.
    #[wasm_bindgen(typescript_type = "PrivacyOptions")]
    pub type PrivacyOptions;
    /// `{ [id]: state }`.
    #[wasm_bindgen(typescript_type = "Decisions")]
    pub type Decisions;
    /// An event name.
    #[wasm_bindgen(typescript_type = "PrivacyEvent")]
    pub type PrivacyEvent;
}

// How a decision was made, as receipts and events name it; a form's is
// `form:<id>`.
const BANNER: &str = "banner";
const PRIVACY_CENTRE: &str = "privacy-centre";
const API: &str = "api";
const GPC: &str = "gpc";

const EVENTS: [&str; 4] = ["consent", "change", "receipt", "submit"];

struct Inner {
    policy: Policy,
    lang: Lang,
    consent: Consent,
    store: ConsentStore,
    /// The banner while it is shown, with the categories its buttons decide.
    banner: Option<(Element, Vec<String>)>,
    dialog: Option<HtmlDialogElement>,
    /// What had focus before the dialog opened; it gets focus back.
    opener: Option<Element>,
    callbacks: Vec<(String, Function)>,
    gtag: Option<Function>,
    /// `false` for `storage: 'memory'`.
    persistent: bool,
    /// SHA-256 of the policy text, for receipts: empty until the first
    /// receipt, so a page that records nothing never hashes the policy.
    policy_sha256: String,
    /// The policy text as loaded, until `policy_sha256` is taken of it.
    policy_text: String,
    /// The device's pseudonymous id, for receipts: empty until the first
    /// receipt, so a visitor who decides nothing stores no id.
    subject: String,
    /// Receipts kept on the device, with what is still to be delivered.
    log: ReceiptLog,
    /// Where receipts are POSTed; `None`: kept on the device only.
    endpoint: Option<String>,
    /// The delivery callback, as a JS function (owned by `Privacy`).
    deliver: Option<Function>,
    /// The callback of a form's sealing, as a JS function (owned by `Privacy`).
    sealed: Option<Function>,
    /// Receipt ids whose POST has not answered yet.
    in_flight: Vec<String>,
    /// Wait before the next retry; doubles on each failure.
    retry_ms: i32,
    retry_scheduled: bool,
    /// Forms whose POST is on its way, with the report of what was sent.
    sending: Vec<(Element, JsValue)>,
    /// The deployment key of the keyed-hash operator.
    hash_key: Option<Vec<u8>>,
    /// Controls showing their mask, with the value the person typed.
    concealed: Vec<(Element, String)>,
    /// Inside LIFF: whether in the LINE app, and its OS, for the layout.
    liff: Option<(bool, String)>,
    /// The keyed hash of the LINE userId, when the policy links requests to
    /// the account. The userId itself is never kept.
    line_user: Option<String>,
    /// The forms attached to, each with the module's listener on it too.
    attached: Vec<Element>,
    /// The submit event handled last: the window's capture listener and the
    /// form's own both hear it, and it is handled once.
    last_submit: Option<Event>,
}

type Shared = Rc<Cell<Inner>>;

/// A `RefCell` whose misuse traps without a message: `RefCell::borrow`'s
/// panic formats its error, which keeps Rust's formatting code in the wasm.
/// (The listener is re-entrant and releases every borrow before page code
/// runs, so a clash is a bug either way.)
struct Cell<T>(RefCell<T>);

impl<T> Cell<T> {
    fn new(value: T) -> Self {
        Cell(RefCell::new(value))
    }

    fn borrow(&self) -> Ref<'_, T> {
        self.0.try_borrow().unwrap_or_else(|_| trap())
    }

    fn borrow_mut(&self) -> RefMut<'_, T> {
        self.0.try_borrow_mut().unwrap_or_else(|_| trap())
    }

    fn try_borrow(&self) -> Option<Ref<'_, T>> {
        self.0.try_borrow().ok()
    }

    fn try_borrow_mut(&self) -> Option<RefMut<'_, T>> {
        self.0.try_borrow_mut().ok()
    }
}

fn trap() -> ! {
    core::arch::wasm32::unreachable()
}
// `Fn`, not `FnMut`: the browser may call it again while it runs (moving
// focus fires `focusout` synchronously).
type Listener = Closure<dyn Fn(Event)>;
type Delivery = Closure<dyn FnMut(JsValue, JsValue)>;

/// The privacy module running in this page.
#[wasm_bindgen]
pub struct Privacy {
    shared: Shared,
    /// The callbacks handed to the page, for as long as the module runs.
    callbacks: Option<Callbacks>,
}

/// What the page calls into: the listener of the document's and the
/// window's events, and the callbacks of receipt delivery and sealing.
struct Callbacks {
    listener: Listener,
    _delivery: Delivery,
    _sealed: Delivery,
}

impl core::fmt::Debug for Privacy {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Privacy")
    }
}

#[wasm_bindgen]
impl Privacy {
    /// Loads the policy and stored decisions, applies them (gated scripts,
    /// Consent Mode) and shows the banner when a decision is due.
    /// Throws an `Error` naming the bad path when the policy is invalid.
    pub fn start(options: Option<PrivacyOptions>) -> Result<Privacy, JsError> {
        let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        let option = |key: &str| {
            if options.is_object() {
                Reflect::get(&options, &key.into()).unwrap_or_default()
            } else {
                JsValue::UNDEFINED
            }
        };
        let (policy, policy_text) = load_policy(&option("policy"))?;
        let liff = option("liff");
        let lang = choose_lang(&option("lang"), &liff)?;
        let persistent = match option("storage").as_string().as_deref() {
            None | Some("auto") => true,
            Some("memory") => false,
            Some(_) => return Err(JsError::new("storage: expected 'auto' or 'memory'")),
        };
        let hash_key = option("hashKey");
        let hash_key = match hash_key.as_string() {
            Some(key) if key.len() >= masking::MIN_HASH_KEY_BYTES => Some(key.into_bytes()),
            None if hash_key.is_undefined() || hash_key.is_null() => None,
            // The message never holds the key.
            _ => {
                return Err(JsError::new(
                    "hashKey: expected a string of at least 32 bytes (UTF-8)",
                ));
            }
        };
        let endpoint = option("receiptEndpoint");
        let endpoint = match endpoint.as_string() {
            Some(url) => Some(url),
            None if endpoint.is_undefined() || endpoint.is_null() => None,
            None => return Err(JsError::new("receiptEndpoint: expected a URL string")),
        };

        let store = ConsentStore::new(persistent);
        let gpc = signals::global_privacy_control();
        let stored = store.load();
        let first_visit = stored == Stored::Nothing;
        let consent = match stored {
            Stored::Nothing => Consent::new(&policy, gpc),
            Stored::Value(value) => match Consent::decode(&value, &policy, gpc) {
                Ok(mut consent) => {
                    // Decisions older than their lifetime are asked again. Writing
                    // the value back also restores a cookie the browser dropped
                    // while localStorage kept the mirror.
                    consent.expire(now_seconds());
                    store.save(&consent.encode());
                    consent
                }
                Err(e) => {
                    discard(&store, e.as_str());
                    Consent::new(&policy, gpc)
                }
            },
            Stored::Conflict => {
                discard(
                    &store,
                    "stored consent differs between cookie and localStorage",
                );
                Consent::new(&policy, gpc)
            }
        };
        // Consent Mode wants its defaults (everything denied but what is
        // always on) before any tag runs; stored decisions follow as an update.
        let gtag = signals::gtag();
        if let Some(gtag) = &gtag {
            let defaults = consent_mode::signals(&policy, &Consent::new(&policy, false));
            signals::consent_mode(gtag, "default", &defaults);
        }
        let state = |id: &str| consent.state(&policy, id).unwrap_or(State::Unset);
        let signalled = policy
            .categories
            .iter()
            .any(|c| state(&c.id) == State::DeniedBySignal);
        // Cookies of categories that are not allowed may be left from a
        // discarded decision or set without asking: nothing that is not
        // strictly necessary stays stored before the person says yes.
        let refused: Vec<String> = policy
            .categories
            .iter()
            .filter(|c| !state(&c.id).allows())
            .map(|c| c.id.clone())
            .collect();
        let pending = !consent.pending(&policy).is_empty();
        let line_user = line_user_hash(&policy, hash_key.as_deref(), &liff);

        let mut inner = Inner {
            policy,
            lang,
            consent,
            store,
            banner: None,
            dialog: None,
            opener: None,
            callbacks: Vec::new(),
            gtag,
            persistent,
            policy_sha256: String::new(),
            policy_text,
            subject: String::new(),
            log: receipts::load(persistent),
            endpoint,
            deliver: None,
            sealed: None,
            in_flight: Vec::new(),
            retry_ms: receipts::FIRST_RETRY_MS,
            retry_scheduled: false,
            sending: Vec::new(),
            hash_key,
            concealed: Vec::new(),
            line_user,
            liff: liff_layout(&liff),
            attached: Vec::new(),
            last_submit: None,
        };
        // The signal answered for this device: that is a decision to record,
        // once. The empty record stored with it marks it as recorded.
        let gpc_receipt = if signalled && first_visit {
            let denied: Vec<String> = inner
                .policy
                .categories
                .iter()
                .filter(|c| inner.state(&c.id) == Some(State::DeniedBySignal))
                .map(|c| c.id.clone())
                .collect();
            inner.store.save(&inner.consent.encode());
            Some(inner.record(GPC, &denied))
        } else {
            None
        };
        let shared = Rc::new(Cell::new(inner));
        let delivery = deliver_with(&shared);
        shared.borrow_mut().deliver = Some(delivery.as_ref().clone().unchecked_into());
        let sealed = sealed_with(&shared);
        shared.borrow_mut().sealed = Some(sealed.as_ref().clone().unchecked_into());
        let privacy = Privacy {
            callbacks: Some(Callbacks {
                listener: listen(&shared),
                _delivery: delivery,
                _sealed: sealed,
            }),
            shared,
        };
        after_decision(&privacy.shared, GPC, &[], &refused, signalled);
        if let Some(receipt) = gpc_receipt {
            announce_receipt(&privacy.shared, &receipt);
        }
        flush(&privacy.shared);
        if pending {
            show_banner(&privacy.shared);
        }
        Ok(privacy)
    }

    /// Whether category or purpose `id` is allowed now: granted, always on,
    /// or a purpose that rests on another legal basis than consent (a
    /// notice). Unknown ids are not.
    #[wasm_bindgen(js_name = hasConsent)]
    pub fn has_consent(&self, id: &str) -> bool {
        let inner = self.shared.borrow();
        inner
            .consent
            .state(&inner.policy, id)
            .is_some_and(State::allows)
    }

    /// `{ [id]: 'granted' | 'denied' | 'unset' | 'notice' }` for every
    /// category and purpose.
    pub fn decisions(&self) -> Decisions {
        self.shared.borrow().decisions().unchecked_into()
    }

    /// Shows the cookie banner (it asks about every category when none is due).
    #[wasm_bindgen(js_name = showBanner)]
    pub fn show_banner(&self) {
        show_banner(&self.shared);
    }

    /// Opens the preferences dialog.
    #[wasm_bindgen(js_name = openPreferences)]
    pub fn open_preferences(&self) {
        let active = dom::document().active_element();
        open_preferences(&self.shared, active);
    }

    /// Renders the consent section of the form's policy entry (named by its
    /// `data-privacy-form`) into the form, enables its `data-privacy-submit`
    /// controls, and records its boxes when it is submitted. A form that
    /// could still post natively (a `method` other than `dialog`, an
    /// `action`, a submitter's `formaction` or `formmethod`) is made one
    /// that cannot, for good, with a warning: only the module sends, to its
    /// `data-privacy-endpoint`. Throws when the policy has no such form.
    #[wasm_bindgen(js_name = attachForm)]
    pub fn attach_form(&self, form: HtmlFormElement) -> Result<(), JsError> {
        let form: Element = form.unchecked_into();
        let id = form.get_attribute("data-privacy-form").unwrap_or_default();
        form::neutralise(&form, &id);
        let inner = self.shared.borrow();
        let Some(entry) = inner.policy.form(&id) else {
            let mut message = String::from("attachForm: the policy has no form '");
            message.push_str(&id);
            message.push('\'');
            return Err(JsError::new(&message));
        };
        if form.has_attribute(ATTACHED) {
            return Ok(());
        }
        // The form's own listener hears a submit that page code stops at the
        // window before the module's capture listener there.
        if let Some(callbacks) = &self.callbacks {
            let _ = form.add_event_listener_with_callback(
                "submit",
                callbacks.listener.as_ref().unchecked_ref(),
            );
        }
        let section = form::consent_section(&inner.view(), entry);
        form::mark_fields(&inner.view(), &form, entry);
        let slot = form
            .query_selector("[data-privacy-consent-slot]")
            .ok()
            .flatten();
        let submit = form.query_selector("[type=submit]").ok().flatten();
        let _ = match (slot, submit) {
            (Some(slot), _) => slot.append_child(&section),
            (None, Some(submit)) => submit.before_with_node_1(&section).map(|_| section.into()),
            (None, None) => form.append_child(&section),
        };
        dom::set(&form, ATTACHED, "");
        enable_submit(&form, true);
        // Say before anyone types that this form cannot be sent here.
        let seals = entry
            .fields
            .iter()
            .any(|f| f.operator == MaskOperator::Seal);
        if let Some(why) = webcrypto::unavailable(inner.policy.seal_key.as_ref()).filter(|_| seals)
        {
            form_status(&form, seal_problem(inner.lang.words(), why));
        }
        drop(inner);
        self.shared.borrow_mut().attached.push(form);
        Ok(())
    }

    /// `{ payload, report }`: what the guarded submit would send for `form`
    /// now (only declared, filled fields whose purposes are allowed, each
    /// after its operator) and what was done to each control. Records
    /// nothing and changes nothing on the page. Throws when the form is not
    /// in the policy or an operator cannot run here, and when a field it
    /// would send is sealed: `sealSubmission` prepares those.
    #[wasm_bindgen(js_name = prepareSubmission)]
    pub fn prepare_submission(&self, form: HtmlFormElement) -> Result<JsValue, JsError> {
        let (id, submission) = prepared(&self.shared, "prepareSubmission", form)?;
        if !submission.to_seal.is_empty() {
            return Err(JsError::new(
                "prepareSubmission: this form would send sealed fields; sealSubmission(form) prepares it (a Promise)",
            ));
        }
        Ok(submission_object(&id, &submission))
    }

    /// `Promise<{ payload, report }>`: as `prepareSubmission`, with each
    /// field the policy seals encrypted to the recipient's key
    /// (`hpke1.<kid>.<enc>.<ciphertext>`). Rejects, and nothing may be
    /// sent, where a field cannot be sealed: an insecure page has no
    /// WebCrypto, or the policy has no usable key.
    #[wasm_bindgen(js_name = sealSubmission)]
    pub fn seal_submission(&self, form: HtmlFormElement) -> Promise {
        let (id, submission) = match prepared(&self.shared, "sealSubmission", form) {
            Ok(prepared) => prepared,
            Err(e) => return Promise::reject(&e.into()),
        };
        let target = submission_object(&id, &submission);
        if submission.to_seal.is_empty() {
            return Promise::resolve(&target);
        }
        let failure = |why: SealError| {
            let mut message = String::from("sealSubmission: ");
            message.push_str(why.as_str());
            message
        };
        let sealing = start_sealing(
            &self.shared,
            &id,
            &submission,
            &target,
            &failure(SealError::Failed),
        );
        sealing.unwrap_or_else(|why| Promise::reject(&JsError::new(&failure(why)).into()))
    }

    /// The consent receipts recorded on this device, oldest first (at most 100).
    pub fn receipts(&self) -> Array {
        let json = self.shared.borrow().log.receipts_json();
        JSON::parse(&json)
            .ok()
            .and_then(|v| v.dyn_into().ok())
            .unwrap_or_default()
    }

    /// Grants every category, as a click on "accept all" would.
    #[wasm_bindgen(js_name = acceptAll)]
    pub fn accept_all(&self) {
        let choices = self.shared.borrow().every_category(Choice::Granted);
        decide(&self.shared, &choices, API);
    }

    /// Refuses every category that is not necessary.
    #[wasm_bindgen(js_name = rejectAll)]
    pub fn reject_all(&self) {
        let choices = self.shared.borrow().every_category(Choice::Denied);
        decide(&self.shared, &choices, API);
    }

    /// Records one decision, as a click would. Throws for an unknown id and
    /// for a purpose that is not based on consent (it cannot be refused here).
    pub fn set(&self, id: &str, granted: bool) -> Result<(), JsError> {
        let problem = match self.shared.borrow().state(id) {
            None => Some("unknown category or purpose: "),
            Some(State::Notice) => Some("not based on consent, so not asked: "),
            Some(_) => None,
        };
        if let Some(problem) = problem {
            let mut message = String::from(problem);
            message.push_str(id);
            return Err(JsError::new(&message));
        }
        let choice = if granted {
            Choice::Granted
        } else {
            Choice::Denied
        };
        decide(&self.shared, &[(id.to_owned(), choice)], API);
        Ok(())
    }

    /// Withdraws consent for `id`: the same as `set(id, false)`.
    pub fn withdraw(&self, id: &str) -> Result<(), JsError> {
        self.set(id, false)
    }

    /// Calls `callback(detail)` on each `event`.
    pub fn on(&self, event: PrivacyEvent, callback: Function) -> Result<(), JsError> {
        let name = JsValue::from(event).as_string().unwrap_or_default();
        if !EVENTS.contains(&name.as_str()) {
            return Err(JsError::new(
                "on: expected 'consent', 'change', 'receipt' or 'submit'",
            ));
        }
        self.shared.borrow_mut().callbacks.push((name, callback));
        Ok(())
    }

    /// Removes the banner, the dialog and every listener of the module, and
    /// returns each attached form to where it was before the module came:
    /// its submit controls disabled, its status line saying it cannot send.
    /// The forms stay unable to post natively.
    pub fn destroy(&mut self) {
        let Some(callbacks) = self.callbacks.take() else {
            return;
        };
        let callback = callbacks.listener.as_ref().unchecked_ref();
        unlisten(callback);
        let mut inner = self.shared.borrow_mut();
        for form in core::mem::take(&mut inner.attached) {
            let _ = form.remove_event_listener_with_callback("submit", callback);
            let _ = form.remove_attribute(ATTACHED);
            enable_submit(&form, false);
            form_status(&form, inner.lang.words().stopped);
        }
        if let Some((banner, _)) = inner.banner.take() {
            banner.remove();
        }
        if let Some(dialog) = inner.dialog.take() {
            dialog.close();
            dialog.remove();
        }
        inner.callbacks.clear();
    }
}

impl Drop for Privacy {
    /// The page let go of its handle (or called `free()`). While a form is
    /// attached the module keeps guarding it: its callbacks stay with the
    /// page for as long as the page lives. Only `destroy()` stops it.
    fn drop(&mut self) {
        if self.shared.borrow().attached.is_empty() {
            self.destroy();
        } else if let Some(callbacks) = self.callbacks.take() {
            callbacks.listener.forget();
            callbacks._delivery.forget();
            callbacks._sealed.forget();
        }
    }
}

impl Inner {
    fn state(&self, id: &str) -> Option<State> {
        self.consent.state(&self.policy, id)
    }

    fn allows(&self, id: &str) -> bool {
        self.state(id).is_some_and(State::allows)
    }

    fn decisions(&self) -> Object {
        let out = Object::new();
        let categories = self.policy.categories.iter().map(|c| &c.id);
        for id in categories.chain(self.policy.purposes.iter().map(|p| &p.id)) {
            let state = self.state(id).unwrap_or(State::Unset).as_str();
            let _ = Reflect::set(&out, &id.as_str().into(), &state.into());
        }
        out
    }

    /// Every category that is asked, and any purpose the banner asks again.
    fn every_category(&self, choice: Choice) -> Vec<(String, Choice)> {
        let categories = self.policy.categories.iter().filter(|c| !c.always_on);
        let reasked = self
            .consent
            .pending(&self.policy)
            .into_iter()
            .filter(|id| self.policy.category(id).is_none());
        categories
            .map(|c| c.id.as_str())
            .chain(reasked)
            .map(|id| (id.to_owned(), choice))
            .collect()
    }

    /// Inside LIFF, tells the stylesheet which layout fits: a bottom sheet in
    /// the LINE app, with the OS for its safe areas.
    fn mark_layout(&self, element: &Element) {
        if let Some((in_client, os)) = &self.liff {
            if *in_client {
                let _ = element.set_attribute("data-privacy-layout", "sheet");
            }
            let _ = element.set_attribute("data-privacy-os", os);
        }
    }

    /// The minimised, masked submission of form `id`'s `values`, under the
    /// decisions made so far; `None` for a form the policy does not have.
    fn prepare(
        &self,
        id: &str,
        values: &[(String, String)],
    ) -> Option<Result<Submission, Refusal>> {
        let entry = self.policy.form(id)?;
        let allowed = |purpose: &str| self.allows(purpose);
        let key = self.hash_key.as_deref();
        let mut submission = fields::minimise(&entry.fields, &allowed, values, key);
        if let Ok(sent) = &mut submission {
            warn_undeclared(sent);
            if let (Some(link), Some(hash)) = (&self.policy.line, &self.line_user) {
                if entry.purposes.contains(&link.purpose) && allowed(&link.purpose) {
                    sent.payload.push((link.field.clone(), hash.clone()));
                    sent.report.push(FieldReport {
                        name: link.field.clone(),
                        kind: None,
                        action: FieldAction::Sent,
                        operator: Some(MaskOperator::KeyedHash),
                        masked: 0,
                    });
                }
            }
        }
        Some(submission)
    }

    /// The form's values as the person typed them: a concealed control
    /// shows its mask, so its value comes from here.
    fn typed_values(&self, form: &Element) -> Vec<(String, String)> {
        let mut values = form::values(form);
        for (control, typed) in &self.concealed {
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
    fn record(&mut self, method: &str, changed: &[String]) -> String {
        let receipt_id = receipts::random_uuid();
        if self.policy_sha256.is_empty() {
            self.policy_sha256 = receipt::sha256_hex(&core::mem::take(&mut self.policy_text));
        }
        if self.subject.is_empty() {
            self.subject = receipts::subject(self.persistent);
        }
        let issuer = Issuer {
            policy: &self.policy,
            policy_sha256: &self.policy_sha256,
            subject: &self.subject,
            lang: self.lang,
        };
        let occasion = Occasion {
            receipt_id: &receipt_id,
            now: now_seconds(),
            method,
            changed,
        };
        let json = receipt::receipt(&issuer, &self.consent, &occasion);
        if self.log.push(&receipt_id, json.clone()) {
            web_sys::console::warn_1(
                &"privacy: the receipt log is full; the oldest undelivered receipt was dropped"
                    .into(),
            );
        }
        receipts::save(self.persistent, &self.log);
        json
    }

    fn view(&self) -> View<'_> {
        View {
            policy: &self.policy,
            consent: &self.consent,
            lang: self.lang,
        }
    }
}

/// `prepare` for a form element: its id and its submission, or the error
/// `method` (a JS API name) throws.
fn prepared(
    shared: &Shared,
    method: &str,
    form: HtmlFormElement,
) -> Result<(String, Submission), JsError> {
    let form: Element = form.unchecked_into();
    let id = form.get_attribute("data-privacy-form").unwrap_or_default();
    let inner = shared.borrow();
    let mut message = String::from(method);
    message.push_str(": ");
    match inner.prepare(&id, &inner.typed_values(&form)) {
        Some(Ok(submission)) => return Ok((id, submission)),
        Some(Err(e)) => message.push_str(&e.message()),
        None => message.push_str("the form is not in the policy"),
    }
    Err(JsError::new(&message))
}

/// Starts sealing the fields of `submission` that wait for it into
/// `target` (its `{ payload, report }`): a promise of `target` or of an
/// error `failure`. `Err` where sealing cannot start here.
fn start_sealing(
    shared: &Shared,
    id: &str,
    submission: &Submission,
    target: &JsValue,
    failure: &str,
) -> Result<Promise, SealError> {
    let inner = shared.borrow();
    let (key, version) = (inner.policy.seal_key.as_ref(), &inner.policy.version);
    webcrypto::seal_fields(key, version, id, &submission.to_seal, target, failure)
}

/// `{ payload, report }` of `sealSubmission` and `prepareSubmission`.
fn submission_object(id: &str, submission: &Submission) -> JsValue {
    let out = Object::new();
    let payload = JSON::parse(&payload_json(submission)).unwrap_or_default();
    let _ = Reflect::set(&out, &"payload".into(), &payload);
    let _ = Reflect::set(&out, &"report".into(), &report_object(id, submission));
    out.into()
}

/// The policy and the exact text it was read from (receipts hash it).
fn load_policy(value: &JsValue) -> Result<(Policy, String), JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok((Policy::mohprompt(), MOHPROMPT_POLICY.to_owned()));
    }
    let refused = |e: crate::policy::PolicyError| JsError::new(&e.message());
    if let Some(text) = value.as_string() {
        // JSON.parse, then serde-wasm-bindgen.
        return Ok((Policy::from_json(&text).map_err(refused)?, text));
    }
    let text = JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    let deserializer = serde_wasm_bindgen::Deserializer::from(value.clone());
    let policy = Policy::from_deserializer(deserializer).map_err(refused)?;
    Ok((policy, text))
}

/// Calls method `name` of the duck-typed LIFF object; `None` where it is
/// missing or throws.
fn liff_call(liff: &JsValue, name: &str) -> Option<JsValue> {
    // Outside the mini-app there is no LIFF object: reading a method of
    // `undefined` would throw, and a thrown error is slow to make.
    if !liff.is_object() {
        return None;
    }
    Reflect::get(liff, &name.into())
        .ok()?
        .dyn_into::<Function>()
        .ok()?
        .call0(liff)
        .ok()
}

/// `(liff.isInClient(), liff.getOS())` when a LIFF object is given. The OS
/// becomes an attribute value, so only 'ios', 'android' and 'web' pass.
fn liff_layout(liff: &JsValue) -> Option<(bool, String)> {
    if !liff.is_object() {
        return None;
    }
    let in_client = liff_call(liff, "isInClient").is_some_and(|v| v.is_truthy());
    let os = liff_call(liff, "getOS")
        .and_then(|v| v.as_string())
        .filter(|os| ["ios", "android", "web"].contains(&os.as_str()))
        .unwrap_or_else(|| String::from("web"));
    Some((in_client, os))
}

/// The keyed hash of the LINE userId, when the policy links requests to the
/// LINE account and a hash key is set. The userId comes from
/// `liff.getContext()`, else from the decoded ID token's `sub`: both answer
/// at once after `liff.init()`. Outside LINE, or before login, there is none
/// and requests stay unlinked. The userId itself is not kept. It is hashed
/// under its own label, [`masking::LINE_USER_ID`].
fn line_user_hash(policy: &Policy, hash_key: Option<&[u8]>, liff: &JsValue) -> Option<String> {
    policy.line.as_ref()?;
    let key = hash_key?;
    let read = |method: &str, key: &str| {
        liff_call(liff, method)
            .filter(JsValue::is_object)
            .and_then(|found| Reflect::get(&found, &key.into()).ok())
            .and_then(|id| id.as_string())
            .filter(|id| !id.is_empty())
    };
    let user_id = read("getContext", "userId").or_else(|| read("getDecodedIDToken", "sub"))?;
    Some(masking::keyed_hash(key, masking::LINE_USER_ID, &user_id))
}

/// `lang` option, else `liff.getLanguage()`, `<html lang>`, `navigator.language`, else Thai.
fn choose_lang(option: &JsValue, liff: &JsValue) -> Result<Lang, JsError> {
    if let Some(tag) = option.as_string() {
        return Lang::from_tag(&tag).ok_or_else(|| JsError::new("lang: expected 'th' or 'en'"));
    }
    let from_liff = liff_call(liff, "getLanguage").and_then(|v| v.as_string());
    let window = web_sys::window();
    let from_page = window
        .as_ref()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .map(|e| e.get_attribute("lang").unwrap_or_default());
    let from_browser = window.and_then(|w| w.navigator().language());
    Ok([from_liff, from_page, from_browser]
        .into_iter()
        .flatten()
        .find_map(|tag| Lang::from_tag(&tag))
        .unwrap_or(Lang::Th))
}

/// Warns in the console, on a development host, about controls the policy
/// does not declare: they are never sent, and the form's entry may lack them.
fn warn_undeclared(submission: &Submission) {
    let mut undeclared = String::new();
    for entry in &submission.report {
        if entry.action == FieldAction::Undeclared {
            if !undeclared.is_empty() {
                undeclared.push_str(", ");
            }
            undeclared.push_str(&entry.name);
        }
    }
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

/// Seconds since the Unix epoch, UTC.
fn now_seconds() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

/// Drops a stored value that cannot be trusted; the person is asked again.
fn discard(store: &ConsentStore, why: &str) {
    store.clear();
    let mut message = String::from("privacy: ");
    message.push_str(why);
    message.push_str("; it was discarded and consent will be asked again");
    web_sys::console::warn_1(&message.into());
}

/// Records `choices` made through `method` and applies the result, with a
/// receipt when anything changed. Returns whether any of them withdrew a
/// cookie category that had been allowed (its cookies are then deleted and a
/// reload completes the withdrawal; a purpose has no cookies to delete).
fn decide(shared: &Shared, choices: &[(String, Choice)], method: &str) -> bool {
    let (changed, withdrawn, receipt) = {
        let mut inner = shared.borrow_mut();
        let inner = &mut *inner;
        let now = now_seconds();
        let mut changed = Vec::new();
        let mut withdrawn = Vec::new();
        for (id, choice) in choices {
            let before = inner.allows(id);
            if inner.consent.decide(&inner.policy, id, *choice, now) {
                changed.push(id.clone());
                if before && !inner.allows(id) && inner.policy.category(id).is_some() {
                    withdrawn.push(id.clone());
                }
            }
        }
        inner.store.save(&inner.consent.encode());
        if inner.consent.pending(&inner.policy).is_empty() {
            if let Some((banner, _)) = inner.banner.take() {
                banner.remove();
            }
        }
        let receipt = (!changed.is_empty()).then(|| inner.record(method, &changed));
        (changed, withdrawn, receipt)
    };
    after_decision(shared, method, &changed, &withdrawn, true);
    if let Some(receipt) = receipt {
        announce_receipt(shared, &receipt);
        flush(shared);
    }
    !withdrawn.is_empty()
}

/// Tells the page about a new receipt: `privacy:receipt` with the receipt.
fn announce_receipt(shared: &Shared, receipt_json: &str) {
    let callbacks = shared.borrow().callbacks.clone();
    if let Ok(detail) = JSON::parse(receipt_json) {
        emit(&callbacks, "receipt", &detail.unchecked_into());
    }
}

/// POSTs every undelivered receipt that is not on its way already.
fn flush(shared: &Shared) {
    let (endpoint, deliver, batch) = {
        let mut inner = shared.borrow_mut();
        let inner = &mut *inner;
        let (Some(endpoint), Some(deliver)) = (inner.endpoint.clone(), inner.deliver.clone())
        else {
            return;
        };
        let batch: Vec<(String, String)> = inner
            .log
            .undelivered()
            .filter(|k| !inner.in_flight.contains(&k.id))
            .map(|k| (k.id.clone(), k.json.clone()))
            .collect();
        inner
            .in_flight
            .extend(batch.iter().map(|(id, _)| id.clone()));
        (endpoint, deliver, batch)
    };
    for (id, json) in batch {
        receipts::post(
            &endpoint,
            &json,
            &receipts::with_first_argument(&deliver, &id.into()),
        );
    }
}

/// The delivery callback: `(receipt id, response or error)` after a
/// receipt's POST, `(form, response or error)` after a form's, or no
/// arguments when the retry timer fires.
fn deliver_with(shared: &Shared) -> Delivery {
    let shared = shared.clone();
    Closure::new(move |id: JsValue, outcome: JsValue| {
        if let Some(form) = id.dyn_ref::<Element>() {
            return on_sent(&shared, form, &outcome);
        }
        let Some(id) = id.as_string() else {
            shared.borrow_mut().retry_scheduled = false;
            flush(&shared);
            return;
        };
        let ok = outcome
            .dyn_ref::<web_sys::Response>()
            .is_some_and(web_sys::Response::ok);
        let mut inner = shared.borrow_mut();
        inner.in_flight.retain(|i| *i != id);
        if ok {
            inner.retry_ms = receipts::FIRST_RETRY_MS;
            if inner.log.delivered(&id) {
                receipts::save(inner.persistent, &inner.log);
            }
        } else if !inner.retry_scheduled {
            inner.retry_scheduled = true;
            let wait = inner.retry_ms;
            inner.retry_ms = (wait * 2).min(receipts::MAX_RETRY_MS);
            if let Some(deliver) = &inner.deliver {
                receipts::later(deliver, wait);
            }
        }
    })
}

/// Applies the current decisions to the page, then tells it: cookies of
/// `cleared` categories deleted (those just withdrawn; at start, every
/// category not allowed), gated scripts run, Consent Mode updated,
/// events dispatched. Runs with no borrow held: page code may re-enter.
fn after_decision(
    shared: &Shared,
    method: &str,
    changed: &[String],
    cleared: &[String],
    announce: bool,
) {
    let (allowed, patterns, signals, gtag, decisions, callbacks, decided) = {
        let inner = shared.borrow();
        let allowed: Vec<String> = inner
            .policy
            .categories
            .iter()
            .filter(|c| inner.allows(&c.id))
            .map(|c| c.id.clone())
            .collect();
        let patterns: Vec<CookiePattern> = inner
            .policy
            .categories
            .iter()
            .filter(|c| cleared.contains(&c.id))
            .flat_map(|c| c.cookies.iter().cloned())
            .collect();
        if let Some(dialog) = &inner.dialog {
            banner::refresh_states(dialog, &inner.view());
            if !cleared.is_empty() {
                banner::show_reload_notice(dialog, inner.lang);
            }
        }
        let signals = consent_mode::signals(&inner.policy, &inner.consent);
        let decided = inner.consent.has_decisions() || inner.consent.gpc;
        (
            allowed,
            patterns,
            signals,
            inner.gtag.clone(),
            inner.decisions(),
            inner.callbacks.clone(),
            decided,
        )
    };
    gating::delete_cookies(&patterns);
    if let (Some(gtag), true) = (gtag, decided) {
        signals::consent_mode(&gtag, "update", &signals);
    }
    gating::activate_scripts(|id| allowed.iter().any(|a| a == id));
    if !announce {
        return;
    }
    let detail = Object::new();
    let _ = Reflect::set(&detail, &"method".into(), &method.into());
    let _ = Reflect::set(&detail, &"decisions".into(), &decisions);
    emit(&callbacks, "consent", &detail);
    if !changed.is_empty() {
        let detail = Object::new();
        let ids: Array = changed.iter().map(|id| JsValue::from_str(id)).collect();
        let _ = Reflect::set(&detail, &"decisions".into(), &decisions);
        let _ = Reflect::set(&detail, &"changed".into(), &ids);
        let _ = Reflect::set(
            &detail,
            &"reloadRequired".into(),
            &(!cleared.is_empty()).into(),
        );
        emit(&callbacks, "change", &detail);
    }
}

/// Calls the `on()` callbacks of `event`, then dispatches `privacy:<event>` on document.
fn emit(callbacks: &[(String, Function)], event: &str, detail: &Object) {
    for (name, callback) in callbacks {
        if name == event {
            let _ = callback.call1(&JsValue::UNDEFINED, detail);
        }
    }
    let init = CustomEventInit::new();
    init.set_detail(detail);
    let mut name = String::from("privacy:");
    name.push_str(event);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(&name, &init) {
        let _ = dom::document().dispatch_event(&event);
    }
}

fn show_banner(shared: &Shared) {
    let mut inner = shared.borrow_mut();
    if let Some((old, _)) = inner.banner.take() {
        old.remove();
    }
    let pending: Vec<String> = inner
        .consent
        .pending(&inner.policy)
        .into_iter()
        .map(String::from)
        .collect();
    let reask: Vec<&str> = if inner.consent.has_decisions() {
        pending.iter().map(String::as_str).collect()
    } else {
        Vec::new()
    };
    let element = banner::banner(&inner.view(), &reask);
    inner.mark_layout(&element);
    let scope = if pending.is_empty() {
        inner
            .every_category(Choice::Granted)
            .into_iter()
            .map(|c| c.0)
            .collect()
    } else {
        pending
    };
    if let Some(body) = dom::document().body() {
        let _ = body.prepend_with_node_1(&element);
    }
    inner.banner = Some((element, scope));
}

fn open_preferences(shared: &Shared, opener: Option<Element>) {
    let mut inner = shared.borrow_mut();
    if let Some(existing) = &inner.dialog {
        // The browser may have closed it itself (Android's back gesture
        // does, with no key event): then it is drawn anew.
        if existing.open() {
            return;
        }
        existing.remove();
    }
    let dialog = banner::dialog(&inner.view());
    inner.mark_layout(&dialog);
    if let Some(body) = dom::document().body() {
        let _ = body.append_child(&dialog);
    }
    // showModal makes the rest of the page inert and moves focus inside.
    let _ = dialog.show_modal();
    inner.opener = opener;
    inner.dialog = Some(dialog);
}

fn close_preferences(shared: &Shared) {
    let (dialog, opener, banner) = {
        let mut inner = shared.borrow_mut();
        (
            inner.dialog.take(),
            inner.opener.take(),
            inner.banner.as_ref().map(|b| b.0.clone()),
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
    let Some(dialog) = shared.borrow().dialog.clone() else {
        return;
    };
    let Ok(toggles) = dialog.query_selector_all(
        "input[data-privacy-category]:not([disabled]),input[data-privacy-purpose]",
    ) else {
        return;
    };
    let mut choices = Vec::new();
    for i in 0..toggles.length() {
        let Some(toggle) = toggles
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            continue;
        };
        if let Some(all) = set_all {
            toggle.set_checked(all);
        }
        let purpose = toggle.get_attribute("data-privacy-purpose");
        let category = toggle.get_attribute("data-privacy-category");
        // Save records every category, which settles the banner; a purpose
        // switch nobody touched stays undecided, as in a form.
        let untouched = purpose.as_deref().is_some_and(|id| {
            set_all.is_none()
                && !toggle.checked()
                && shared.borrow().state(id) == Some(State::Unset)
        });
        if untouched {
            continue;
        }
        let id = category.or(purpose).unwrap_or_default();
        choices.push((
            id,
            if toggle.checked() {
                Choice::Granted
            } else {
                Choice::Denied
            },
        ));
    }
    if !decide(shared, &choices, PRIVACY_CENTRE) {
        close_preferences(shared);
    }
}

fn on_click(shared: &Shared, event: &Event) {
    let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return;
    };
    if let Ok(Some(button)) = target.closest("[data-privacy-reveal]") {
        return on_reveal(shared, &button);
    }
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
        ("accept-all" | "reject-all", false) => {
            let choice = if action == "accept-all" {
                Choice::Granted
            } else {
                Choice::Denied
            };
            let scope = shared
                .borrow()
                .banner
                .as_ref()
                .map(|b| b.1.clone())
                .unwrap_or_default();
            let choices: Vec<(String, Choice)> = scope.into_iter().map(|id| (id, choice)).collect();
            decide(shared, &choices, BANNER);
        }
        ("customize", false) => open_preferences(shared, Some(button)),
        // Closing is not consent: the banner goes for this page view only.
        ("close", false) => {
            if let Some((banner, _)) = shared.borrow_mut().banner.take() {
                banner.remove();
            }
        }
        _ => {}
    }
}

/// Escape closes the dialog (not consent); Tab cycles inside it.
fn on_keydown(shared: &Shared, event: &KeyboardEvent) {
    let Some(dialog) = shared.borrow().dialog.clone().filter(|d| d.open()) else {
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

/// The attached form an event happened in, with its policy id.
fn attached_form(event: &Event) -> Option<(Element, String)> {
    let target = event.target()?.dyn_into::<Element>().ok()?;
    let form = target.closest("form[data-privacy-attached]").ok()??;
    let id = form.get_attribute("data-privacy-form")?;
    Some((form, id))
}

/// Checks a declared control when focus leaves it; shows or clears its message.
fn on_focusout(shared: &Shared, event: &Event) {
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
    let Some(entry) = inner.policy.form(&id) else {
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
    inner.concealed.retain(|(c, _)| *c != control);
    inner.concealed.push((control.clone(), typed.clone()));
    typing::reveal_button(&control, &name, lang);
    typing::show(&control, &name, &typing::masked_text(kind, &typed), true);
}

/// Focus on a concealed control shows what was typed, to be edited.
fn on_focusin(shared: &Shared, event: &Event) {
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
    let Some(i) = inner.concealed.iter().position(|(c, _)| c == control) else {
        return;
    };
    let (_, typed) = inner.concealed.remove(i);
    let name = control.get_attribute("name").unwrap_or_default();
    typing::show(control, &name, &typed, false);
}

/// The show/hide button: shows the typed value, or its mask again.
fn on_reveal(shared: &Shared, button: &Element) {
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
        inner.concealed.push((control.clone(), typed.clone()));
    }
    typing::show(&control, &name, &typing::masked_text(kind, &typed), true);
}

/// The declared kind of control `name` of form `id`; `None` when it is not
/// declared, or while the module is busy (focus moved by the module itself).
fn field_kind(shared: &Shared, id: &str, name: &str) -> Option<FieldKind> {
    let inner = shared.try_borrow()?;
    inner.policy.form(id)?.field(name).map(|f| f.kind)
}

/// Groups national IDs and phones as they are typed.
fn on_input(shared: &Shared, event: &Event) {
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

/// The guarded submit of an attached form. The native submission, which
/// would send every field raw, never happens. Invalid: messages at the
/// fields, focus on the first, nothing typed is cleared. Valid: the consent
/// boxes are recorded (a ticked box is granted, unticking a granted one
/// withdraws it, a box never ticked records nothing), then the minimised,
/// masked fields are POSTed as JSON to the form's action.
fn on_submit(shared: &Shared, event: &Event) {
    let Some((form, id)) = attached_form(event) else {
        return;
    };
    event.prevent_default();
    {
        let mut inner = shared.borrow_mut();
        if inner.last_submit.as_ref() == Some(event) {
            return;
        }
        inner.last_submit = Some(event.clone());
    }
    let values = shared.borrow().typed_values(&form);
    let problems = {
        let inner = shared.borrow();
        let Some(entry) = inner.policy.form(&id) else {
            return;
        };
        let problems = fields::validate(&entry.fields, &values);
        for field in &entry.fields {
            let problem = problems
                .iter()
                .find(|(n, _)| *n == field.name)
                .map(|(_, p)| *p);
            form::show_problem(&inner.view(), &form, entry, &field.name, problem);
        }
        problems
    };
    if let Some((first, _)) = problems.first() {
        let words = shared.borrow().lang.words();
        let mut message = String::from(words.to_correct[0]);
        crate::policy::push_decimal(&mut message, problems.len() as u64);
        message.push_str(words.to_correct[1]);
        form_status(&form, &message);
        if let Some(control) = form::control(&form, first) {
            dom::focus(&control);
        }
        return;
    }

    let mut method = String::from("form:");
    method.push_str(&id);
    let mut choices = Vec::new();
    if let Ok(boxes) = form.query_selector_all("input[data-privacy-purpose]") {
        for i in 0..boxes.length() {
            let Some(input) = boxes
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                continue;
            };
            let purpose = input
                .get_attribute("data-privacy-purpose")
                .unwrap_or_default();
            let granted = shared.borrow().state(&purpose) == Some(State::Granted);
            match (input.checked(), granted) {
                (true, _) => choices.push((purpose, Choice::Granted)),
                (false, true) => choices.push((purpose, Choice::Denied)),
                (false, false) => {}
            }
        }
    }
    decide(shared, &choices, &method);

    let prepared = shared.borrow().prepare(&id, &values);
    let submission = match prepared {
        Some(Ok(submission)) => submission,
        Some(Err(e)) => return refuse(shared, &form, &id, None, &e.message()),
        None => return,
    };
    if submission.to_seal.is_empty() {
        let report = report_object(&id, &submission);
        return send(shared, &form, report, &payload_json(&submission));
    }
    // Sealing is asynchronous (WebCrypto): say why at once where it cannot
    // start, else seal, then send (`sealed_with`). Nothing is sent unsealed.
    let target = submission_object(&id, &submission);
    let failure = SealError::Failed.as_str();
    match start_sealing(shared, &id, &submission, &target, failure) {
        Ok(sealing) => {
            form_status(&form, shared.borrow().lang.words().sending);
            set_submitting(&form, true);
            if let Some(sealed) = shared.borrow().sealed.clone() {
                let _ =
                    receipts::on_settled(&sealing, &receipts::with_first_argument(&sealed, &form));
            }
        }
        Err(why) => refuse(shared, &form, &id, Some(why), why.as_str()),
    }
}

/// Sends `body`, the submission of `form`: shows that it is on its way and
/// POSTs it to the form's action; `on_sent` handles the answer.
fn send(shared: &Shared, form: &Element, report: JsValue, body: &str) {
    form_status(form, shared.borrow().lang.words().sending);
    set_submitting(form, true);
    let (deliver, action) = {
        let mut inner = shared.borrow_mut();
        inner.sending.push((form.clone(), report));
        (inner.deliver.clone(), form.get_attribute(form::ENDPOINT))
    };
    let Some(action) = action else {
        set_submitting(form, false);
        let id = form.get_attribute("data-privacy-form").unwrap_or_default();
        return refuse(
            shared,
            form,
            &id,
            None,
            "the form has no data-privacy-endpoint",
        );
    };
    if let Some(deliver) = deliver {
        let done = receipts::with_first_argument(&deliver, form);
        receipts::post(&action, body, &done);
    }
}

/// The callback of a form's sealing: `(form, { payload, report } or error)`.
/// Sends the sealed payload, or refuses to send anything.
fn sealed_with(shared: &Shared) -> Delivery {
    let shared = shared.clone();
    Closure::new(move |form: JsValue, outcome: JsValue| {
        let Some(form) = form.dyn_ref::<Element>() else {
            return;
        };
        let payload = Reflect::get(&outcome, &"payload".into()).ok();
        let body = payload
            .filter(JsValue::is_object)
            .and_then(|p| JSON::stringify(&p).ok())
            .and_then(|b| b.as_string());
        match body {
            Some(body) => {
                let report = Reflect::get(&outcome, &"report".into()).unwrap_or_default();
                send(&shared, form, report, &body);
            }
            None => {
                set_submitting(form, false);
                let id = form.get_attribute("data-privacy-form").unwrap_or_default();
                let why = SealError::Failed;
                refuse(&shared, form, &id, Some(why), why.as_str());
            }
        }
    })
}

/// What a form with sealed fields says when they cannot be sealed.
fn seal_problem(words: &Words, why: SealError) -> &'static str {
    match why {
        SealError::NoWebCrypto => words.seal_insecure,
        SealError::NoKey => words.seal_no_key,
        SealError::Failed => words.cannot_protect,
    }
}

/// Does not send `form`, and says why: on the form in the page's language
/// (for a sealing problem, which one), and `reason` on the console.
fn refuse(shared: &Shared, form: &Element, id: &str, seal: Option<SealError>, reason: &str) {
    let words = shared.borrow().lang.words();
    form_status(
        form,
        seal.map_or(words.cannot_protect, |why| seal_problem(words, why)),
    );
    let mut message = String::from("privacy: the form was not sent: ");
    message.push_str(reason);
    web_sys::console::warn_1(&message.into());
    let report = Object::new();
    let _ = Reflect::set(&report, &"form".into(), &id.into());
    announce_submit(shared, id, false, 0, &report.into());
}

/// What the receiver answered to a form's POST (`outcome` is a Response or an error).
fn on_sent(shared: &Shared, form: &Element, outcome: &JsValue) {
    let response = outcome.dyn_ref::<web_sys::Response>();
    let ok = response.is_some_and(web_sys::Response::ok);
    let status = response.map_or(0, web_sys::Response::status);
    let (report, words) = {
        let mut inner = shared.borrow_mut();
        let position = inner.sending.iter().position(|(f, _)| f == form);
        let report = position.map(|i| inner.sending.remove(i).1);
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
            let (gone, kept) = inner
                .concealed
                .drain(..)
                .partition(|(c, _)| form.contains(Some(c)));
            inner.concealed = kept;
            gone.into_iter().map(|(c, _)| c).collect::<Vec<_>>()
        };
        for control in cleared {
            let name = control.get_attribute("name").unwrap_or_default();
            typing::forget(&control, &name);
        }
    }
    form_status(form, if ok { words.sent } else { words.send_failed });
    let id = form.get_attribute("data-privacy-form").unwrap_or_default();
    announce_submit(shared, &id, ok, status, &report.unwrap_or_default());
}

/// `privacy:submit` with `{ form, ok, status, report }`: never a value.
fn announce_submit(shared: &Shared, id: &str, ok: bool, status: u16, report: &JsValue) {
    let detail = Object::new();
    let _ = Reflect::set(&detail, &"form".into(), &id.into());
    let _ = Reflect::set(&detail, &"ok".into(), &ok.into());
    let _ = Reflect::set(&detail, &"status".into(), &status.into());
    let _ = Reflect::set(&detail, &"report".into(), report);
    let callbacks = shared.borrow().callbacks.clone();
    emit(&callbacks, "submit", &detail);
}

/// Ticks each consent box of `form` as its purpose now stands, in the
/// markup too (`checked` attribute), so a form reset keeps the decisions.
fn show_decisions(shared: &Shared, form: &Element) {
    let Ok(boxes) = form.query_selector_all("input[data-privacy-purpose]") else {
        return;
    };
    let inner = shared.borrow();
    for i in 0..boxes.length() {
        let Some(input) = boxes
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            continue;
        };
        let purpose = input
            .get_attribute("data-privacy-purpose")
            .unwrap_or_default();
        let granted = inner.state(&purpose) == Some(State::Granted);
        input.set_default_checked(granted);
        input.set_checked(granted);
    }
}

/// Writes the form's status line (announced: it has `role=status`).
fn form_status(form: &Element, message: &str) {
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
fn enable_submit(form: &Element, enabled: bool) {
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

/// The POST body: `{ name: value }` of what is sent.
fn payload_json(submission: &Submission) -> String {
    let mut body = String::from("{");
    for (i, (name, value)) in submission.payload.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        // Each string as JSON.stringify quotes it: the body keeps the
        // form's order, which an object would not for names like "12".
        for (text, end) in [(name, ":"), (value, "")] {
            let quoted = JSON::stringify(&text.as_str().into()).ok();
            body.push_str(&quoted.and_then(|q| q.as_string()).unwrap_or_default());
            body.push_str(end);
        }
    }
    body.push('}');
    body
}

/// The report of a submission as a JS object: names, kinds, actions,
/// operators and the undeclared controls' names, never a value.
fn report_object(id: &str, submission: &Submission) -> JsValue {
    let fields = Array::new();
    let undeclared = Array::new();
    for entry in &submission.report {
        if entry.action == FieldAction::Undeclared {
            undeclared.push(&entry.name.as_str().into());
        }
        let item = Object::new();
        let _ = Reflect::set(&item, &"name".into(), &entry.name.as_str().into());
        let kind = entry.kind.map(|k| JsValue::from(k.as_str()));
        let _ = Reflect::set(&item, &"kind".into(), &kind.unwrap_or(JsValue::NULL));
        let _ = Reflect::set(&item, &"action".into(), &entry.action.as_str().into());
        let _ = Reflect::set(&item, &"masked".into(), &(entry.masked as u32).into());
        let operator = entry.operator.map(|o| JsValue::from(o.as_str()));
        let _ = Reflect::set(
            &item,
            &"operator".into(),
            &operator.unwrap_or(JsValue::NULL),
        );
        fields.push(&item);
    }
    let report = Object::new();
    let _ = Reflect::set(&report, &"form".into(), &id.into());
    let _ = Reflect::set(&report, &"fields".into(), &fields);
    let _ = Reflect::set(&report, &"undeclared".into(), &undeclared.length().into());
    let _ = Reflect::set(&report, &"undeclaredNames".into(), &undeclared);
    report.into()
}

/// The document events the module listens to, with one listener: each
/// closure handed to JS carries glue of its own. The same listener hears
/// the window's `online`, which retries receipt delivery, and `submit` in
/// the window's capture phase, before any page handler can stop it.
const LISTENED: [&str; 5] = ["click", "keydown", "focusout", "focusin", "input"];

fn listen(shared: &Shared) -> Listener {
    let shared = shared.clone();
    let listener = Closure::<dyn Fn(Event)>::new(move |event: Event| {
        if let Some(key) = event.dyn_ref::<KeyboardEvent>() {
            return on_keydown(&shared, key);
        }
        match event.type_().as_str() {
            "click" => on_click(&shared, &event),
            "submit" => on_submit(&shared, &event),
            "focusout" => on_focusout(&shared, &event),
            "focusin" => on_focusin(&shared, &event),
            "input" => on_input(&shared, &event),
            "online" => flush(&shared),
            _ => {}
        }
    });
    let callback = listener.as_ref().unchecked_ref();
    let doc = dom::document();
    for name in LISTENED {
        let _ = doc.add_event_listener_with_callback(name, callback);
    }
    if let Some(window) = web_sys::window() {
        let _ = window.add_event_listener_with_callback("online", callback);
        let _ = window.add_event_listener_with_callback_and_bool("submit", callback, true);
    }
    listener
}

/// Takes `listen`'s listener off the document and the window.
fn unlisten(callback: &Function) {
    let doc = dom::document();
    for name in LISTENED {
        let _ = doc.remove_event_listener_with_callback(name, callback);
    }
    if let Some(window) = web_sys::window() {
        let _ = window.remove_event_listener_with_callback("online", callback);
        let _ = window.remove_event_listener_with_callback_and_bool("submit", callback, true);
    }
}
