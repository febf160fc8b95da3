//! The JavaScript API: `Privacy.start(options)` and the methods of the
//! returned object, as listed in the public contract. Options come in and
//! values go out through serde-wasm-bindgen; errors carry a `code`
//! (`boundary.rs` lists them).

use super::boundary::{error, to_js};
use super::decide::{after_decision, decide};
use super::delivery::{self, Answers};
use super::dialog;
use super::dom;
use super::events::{self, EVENTS};
use super::form::{self, ATTACHED};
use super::liff;
use super::listener::{self, Listener};
use super::receipts;
use super::seal as webcrypto;
use super::signals;
use super::state::{Cell, Forms, Hooks, Identity, Inner, Page, Receipts, Shared, now_seconds};
use super::store::{ConsentStore, Stored};
use super::submit::{self, enable_submit, form_status, seal_error, submission_object};
use crate::consent::Consent;
use crate::consent_mode;
use crate::masking::{self, MaskOperator};
use crate::policy::{MOHPROMPT_POLICY, Policy};
use crate::seal::SealError;
use crate::session::{API, Action, Deliveries, GPC, Session, seal_problem};
use js_sys::{Array, Function, JSON, Promise};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::Element;

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
/** The stable `code` of every `Error` the module throws or rejects with; messages may change. */
export type PrivacyErrorCode =
  | 'policy_invalid' | 'options_invalid' | 'lang_unknown' | 'form_unknown'
  | 'id_unknown' | 'id_not_asked' | 'event_unknown' | 'kind_unknown'
  | 'submission_refused' | 'hash_key_missing' | 'seal_required'
  | 'seal_no_webcrypto' | 'seal_no_key' | 'seal_failed';
/** An `Error` thrown or rejected by the module. */
export interface PrivacyError extends Error {
  code: PrivacyErrorCode;
}
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

/// `Privacy.start`'s options as given. Unknown options are ignored; a
/// missing or `undefined` one is the default. Each is checked in `start`,
/// with the messages the contract's tests read.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Options {
    /// Policy object or JSON text.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    policy: JsValue,
    lang: Option<Loose>,
    receipt_endpoint: Option<Loose>,
    /// The LIFF object, duck-typed.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    liff: JsValue,
    hash_key: Option<Loose>,
    storage: Option<Loose>,
}

/// A string option as given: text, or anything else (which each option
/// treats as it always has: ignored, or refused with its own message).
#[derive(Deserialize)]
#[serde(untagged)]
enum Loose {
    Text(String),
    Other(IgnoredAny),
}

impl Loose {
    fn text(option: &Option<Loose>) -> Option<&str> {
        match option {
            Some(Loose::Text(text)) => Some(text),
            _ => None,
        }
    }
}

/// The privacy module running in this page.
#[wasm_bindgen]
pub struct Privacy {
    shared: Shared,
    /// The callbacks handed to the page, for as long as the module runs.
    callbacks: Option<Callbacks>,
}

/// What the page calls into: the listener of the document's and the
/// window's events, and the answers of receipt delivery, forms and sealing.
struct Callbacks {
    listener: Listener,
    answers: Answers,
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
    /// Throws an `Error` naming the bad path when the policy is invalid
    /// (`code`: `policy_invalid`), and for an invalid option
    /// (`options_invalid`, `lang_unknown`).
    pub fn start(options: Option<PrivacyOptions>) -> Result<Privacy, JsValue> {
        let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        let options: Options = if options.is_object() {
            serde_wasm_bindgen::from_value(options)
                .map_err(|_| error("options_invalid", "options: expected an object"))?
        } else {
            Options::default()
        };
        let (policy, policy_text) = load_policy(&options.policy)?;
        let liff = &options.liff;
        let lang = liff::choose_lang(Loose::text(&options.lang), liff)
            .ok_or_else(|| error("lang_unknown", "lang: expected 'th' or 'en'"))?;
        let invalid = |message: &str| error("options_invalid", message);
        let persistent = match Loose::text(&options.storage) {
            None | Some("auto") => true,
            Some("memory") => false,
            Some(_) => return Err(invalid("storage: expected 'auto' or 'memory'")),
        };
        let hash_key = match &options.hash_key {
            Some(Loose::Text(key)) if key.len() >= masking::MIN_HASH_KEY_BYTES => {
                Some(key.clone().into_bytes())
            }
            None => None,
            // The message never holds the key.
            _ => {
                return Err(invalid(
                    "hashKey: expected a string of at least 32 bytes (UTF-8)",
                ));
            }
        };
        let endpoint = match &options.receipt_endpoint {
            Some(Loose::Text(url)) => Some(url.clone()),
            None => None,
            Some(Loose::Other(_)) => return Err(invalid("receiptEndpoint: expected a URL string")),
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
        let line_user = liff::line_user_hash(&policy, hash_key.as_deref(), liff);
        let session = Session { policy, consent };
        let denied = session.denied_by_signal();
        let signalled = !denied.is_empty();
        // Cookies of categories that are not allowed may be left from a
        // discarded decision or set without asking: nothing that is not
        // strictly necessary stays stored before the person says yes.
        let refused = session.refused_categories();
        let pending = !session.pending().is_empty();

        let mut inner = Inner {
            session,
            lang,
            store,
            page: Page {
                liff: liff::layout(liff),
                ..Page::default()
            },
            listeners: Vec::new(),
            gtag,
            receipts: Receipts {
                persistent,
                policy_sha256: String::new(),
                policy_text,
                subject: String::new(),
                log: receipts::load(persistent),
                endpoint,
                deliveries: Deliveries::default(),
            },
            forms: Forms::default(),
            identity: Identity {
                hash_key,
                line_user,
            },
            hooks: Hooks::default(),
        };
        // The signal answered for this device: that is a decision to record,
        // once. The empty record stored with it marks it as recorded.
        let gpc_receipt = if signalled && first_visit {
            inner.store.save(&inner.session.consent.encode());
            Some(inner.record(GPC, &denied))
        } else {
            None
        };
        let shared = Rc::new(Cell::new(inner));
        let privacy = Privacy {
            callbacks: Some(Callbacks {
                listener: listener::listen(&shared),
                answers: Answers::new(&shared),
            }),
            shared,
        };
        after_decision(&privacy.shared, GPC, &[], &refused, signalled);
        if let Some(receipt) = gpc_receipt {
            events::announce_receipt(&privacy.shared, &receipt);
        }
        delivery::flush(&privacy.shared);
        if pending {
            dialog::show_banner(&privacy.shared);
        }
        Ok(privacy)
    }

    /// Whether category or purpose `id` is allowed now: granted, always on,
    /// or a purpose that rests on another legal basis than consent (a
    /// notice). Unknown ids are not.
    #[wasm_bindgen(js_name = hasConsent)]
    pub fn has_consent(&self, id: &str) -> bool {
        self.shared.borrow().session.allows(id)
    }

    /// `{ [id]: 'granted' | 'denied' | 'unset' | 'notice' }` for every
    /// category and purpose.
    pub fn decisions(&self) -> Decisions {
        to_js(&self.shared.borrow().session.decisions()).unchecked_into()
    }

    /// Shows the cookie banner (it asks about every category when none is due).
    #[wasm_bindgen(js_name = showBanner)]
    pub fn show_banner(&self) {
        dialog::show_banner(&self.shared);
    }

    /// Opens the preferences dialog.
    #[wasm_bindgen(js_name = openPreferences)]
    pub fn open_preferences(&self) {
        let active = dom::document().active_element();
        dialog::open_preferences(&self.shared, active);
    }

    /// Renders the consent section of the form's policy entry (named by its
    /// `data-privacy-form`) into the form, enables its `data-privacy-submit`
    /// controls, and records its boxes when it is submitted. A form that
    /// could still post natively (a `method` other than `dialog`, an
    /// `action`, a submitter's `formaction` or `formmethod`) is made one
    /// that cannot, for good, with a warning: only the module sends, to its
    /// `data-privacy-endpoint`. Throws when the policy has no such form
    /// (`form_unknown`).
    #[wasm_bindgen(js_name = attachForm)]
    pub fn attach_form(&self, form: HtmlFormElement) -> Result<(), JsValue> {
        let form: Element = form.unchecked_into();
        let id = form.get_attribute("data-privacy-form").unwrap_or_default();
        form::neutralise(&form, &id);
        let inner = self.shared.borrow();
        let Some(entry) = inner.session.policy.form(&id) else {
            let mut message = String::from("attachForm: the policy has no form '");
            message.push_str(&id);
            message.push('\'');
            return Err(error("form_unknown", &message));
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
        let key = inner.session.policy.seal_key.as_ref();
        if let Some(why) = webcrypto::unavailable(key).filter(|_| seals) {
            form_status(&form, seal_problem(inner.lang.words(), why));
        }
        drop(inner);
        self.shared.borrow_mut().forms.attached.push(form);
        Ok(())
    }

    /// `{ payload, report }`: what the guarded submit would send for `form`
    /// now (only declared, filled fields whose purposes are allowed, each
    /// after its operator) and what was done to each control. Records
    /// nothing and changes nothing on the page. Throws when the form is not
    /// in the policy (`form_unknown`) or an operator cannot run here
    /// (`hash_key_missing`, `submission_refused`), and when a field it
    /// would send is sealed (`seal_required`): `sealSubmission` prepares those.
    #[wasm_bindgen(js_name = prepareSubmission)]
    pub fn prepare_submission(&self, form: HtmlFormElement) -> Result<JsValue, JsValue> {
        let form: Element = form.unchecked_into();
        let (id, submission) = submit::prepared(&self.shared, "prepareSubmission", &form)?;
        if !submission.to_seal.is_empty() {
            return Err(error(
                "seal_required",
                "prepareSubmission: this form would send sealed fields; sealSubmission(form) prepares it (a Promise)",
            ));
        }
        Ok(submission_object(&id, &submission))
    }

    /// `Promise<{ payload, report }>`: as `prepareSubmission`, with each
    /// field the policy seals encrypted to the recipient's key
    /// (`hpke1.<kid>.<enc>.<ciphertext>`). Rejects, and nothing may be
    /// sent, where a field cannot be sealed: an insecure page has no
    /// WebCrypto (`seal_no_webcrypto`), the policy has no usable key
    /// (`seal_no_key`), or WebCrypto failed (`seal_failed`).
    #[wasm_bindgen(js_name = sealSubmission)]
    pub fn seal_submission(&self, form: HtmlFormElement) -> Promise {
        const METHOD: &str = "sealSubmission";
        let form: Element = form.unchecked_into();
        let (id, submission) = match submit::prepared(&self.shared, METHOD, &form) {
            Ok(prepared) => prepared,
            Err(e) => return Promise::reject(&e),
        };
        let target = submission_object(&id, &submission);
        if submission.to_seal.is_empty() {
            return Promise::resolve(&target);
        }
        let failure = seal_error(METHOD, SealError::Failed);
        let sealing = submit::start_sealing(&self.shared, &id, &submission, &target, &failure);
        sealing.unwrap_or_else(|why| Promise::reject(&seal_error(METHOD, why)))
    }

    /// The consent receipts recorded on this device, oldest first (at most 100).
    pub fn receipts(&self) -> Array {
        let json = self.shared.borrow().receipts.log.receipts_json();
        JSON::parse(&json)
            .ok()
            .and_then(|v| v.dyn_into().ok())
            .unwrap_or_default()
    }

    /// Grants every category, as a click on "accept all" would.
    #[wasm_bindgen(js_name = acceptAll)]
    pub fn accept_all(&self) {
        let _ = decide(&self.shared, &Action::AcceptAll, API);
    }

    /// Refuses every category that is not necessary.
    #[wasm_bindgen(js_name = rejectAll)]
    pub fn reject_all(&self) {
        let _ = decide(&self.shared, &Action::RejectAll, API);
    }

    /// Records one decision, as a click would. Throws for an unknown id
    /// (`id_unknown`) and for a purpose that is not based on consent
    /// (`id_not_asked`: it cannot be refused here).
    pub fn set(&self, id: &str, granted: bool) -> Result<(), JsValue> {
        self.act(&Action::Set(id.into(), granted))
    }

    /// Withdraws consent for `id`: the same as `set(id, false)`.
    pub fn withdraw(&self, id: &str) -> Result<(), JsValue> {
        self.act(&Action::Withdraw(id.into()))
    }

    /// Calls `callback(detail)` on each `event`. Throws for an event that
    /// does not exist (`event_unknown`).
    pub fn on(&self, event: PrivacyEvent, callback: Function) -> Result<(), JsValue> {
        let name = JsValue::from(event).as_string().unwrap_or_default();
        if !EVENTS.contains(&name.as_str()) {
            return Err(error(
                "event_unknown",
                "on: expected 'consent', 'change', 'receipt' or 'submit'",
            ));
        }
        self.shared.borrow_mut().listeners.push((name, callback));
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
        listener::unlisten(callback);
        let mut inner = self.shared.borrow_mut();
        for form in core::mem::take(&mut inner.forms.attached) {
            let _ = form.remove_event_listener_with_callback("submit", callback);
            let _ = form.remove_attribute(ATTACHED);
            enable_submit(&form, false);
            form_status(&form, inner.lang.words().stopped);
        }
        if let Some((banner, _)) = inner.page.banner.take() {
            banner.remove();
        }
        if let Some(dialog) = inner.page.dialog.take() {
            dialog.close();
            dialog.remove();
        }
        inner.listeners.clear();
    }
}

impl Privacy {
    /// Records what an API `action` decides, or the error it throws.
    fn act(&self, action: &Action) -> Result<(), JsValue> {
        decide(&self.shared, action, API)
            .map(|_| ())
            .map_err(|e| error(e.code(), &e.message()))
    }
}

impl Drop for Privacy {
    /// The page let go of its handle (or called `free()`). While a form is
    /// attached the module keeps guarding it: its callbacks stay with the
    /// page for as long as the page lives. Only `destroy()` stops it.
    fn drop(&mut self) {
        if self.shared.borrow().forms.attached.is_empty() {
            self.destroy();
        } else if let Some(callbacks) = self.callbacks.take() {
            callbacks.listener.forget();
            callbacks.answers.forget();
        }
    }
}

/// The policy and the exact text it was read from (receipts hash it).
fn load_policy(value: &JsValue) -> Result<(Policy, String), JsValue> {
    let text = if value.is_undefined() || value.is_null() {
        return Ok((Policy::mohprompt(), MOHPROMPT_POLICY.to_owned()));
    } else if let Some(text) = value.as_string() {
        text
    } else {
        JSON::stringify(value)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    };
    let policy = Policy::from_json(&text).map_err(|e| error("policy_invalid", &e.message()))?;
    Ok((policy, text))
}

/// Drops a stored value that cannot be trusted; the person is asked again.
fn discard(store: &ConsentStore, why: &str) {
    store.clear();
    let mut message = String::from("privacy: ");
    message.push_str(why);
    message.push_str("; it was discarded and consent will be asked again");
    web_sys::console::warn_1(&message.into());
}
