//! The JavaScript API: `Privacy.start(options)` and the methods of the
//! returned object, as listed in the public contract. Options come in
//! (`options.rs`) and values go out through serde-wasm-bindgen; errors carry
//! a `code` (`boundary.rs` lists them).

use super::decide::{after_decision, decide};
use super::delivery::{self, Answers};
use super::dialog;
use super::events;
use super::form::{self, ATTACHED};
use super::listener::{self, Listener};
use super::options::{Decisions, HtmlFormElement, PrivacyEvent, PrivacyOptions, Settings};
use super::receipts;
use super::report::submission_object;
use super::seal_notice;
use super::state::{Cell, Forms, Hooks, Identity, Inner, Page, Receipts, Shared, now_seconds};
use super::submit::{self, enable_submit, form_status, seal_error};
use crate::consent::Consent;
use crate::consent_mode;
use crate::handover;
use crate::page::boundary::{error, no_dom, to_js};
use crate::page::dom;
use crate::page::liff;
use crate::page::signals;
use crate::page::store::{self, ConsentStore, Stored};
use crate::seal::SealError;
use crate::session::{API, Action, Deliveries, GPC, Session};
use js_sys::{Array, Function, JSON, Promise};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::Element;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
export interface Privacy {
  /**
   * Calls `callback(detail)` on each `event`, with that event's detail (the
   * same as `privacy:<event>` on `document`). Throws for an event that does
   * not exist (`event_unknown`).
   */
  on<E extends PrivacyEvent>(event: E, callback: (detail: PrivacyEventMap[E]) => void): void;
}
"#;

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
    /// (`code`: `policy_invalid`), for an invalid option
    /// (`options_invalid`, `lang_unknown`), and where there is no page
    /// (`no_dom`: Node, a worker).
    pub fn start(options: Option<PrivacyOptions>) -> Result<Privacy, JsValue> {
        Privacy::begin(options, None)
    }

    /// `start` after the banner module (`src/banner_module/`), from the
    /// consent value it ended with (in `storage: 'memory'` this module's
    /// store has not seen it) and its banner, if one is on screen: the page
    /// is set up already (Consent Mode defaults, gated scripts, the decision
    /// GPC signalled), so only what the full module adds is done, and the
    /// banner element stays where it is (focus too), now this module's.
    /// Called by the package's entry script, not by pages.
    #[wasm_bindgen(skip_typescript, js_name = afterBanner)]
    pub fn after_banner(
        options: Option<PrivacyOptions>,
        stored: Option<String>,
        banner: Option<Element>,
    ) -> Result<Privacy, JsValue> {
        Privacy::begin(options, Some(Handover { stored, banner }))
    }

    /// Makes the receipts of the decisions the banner module recorded
    /// (`handover.rs`: its stored list of owed receipts), each as it was at
    /// its time, skipping any this device has kept already; announces and
    /// delivers them, then forgets the list.
    #[wasm_bindgen(skip_typescript, js_name = settleOwed)]
    pub fn settle_owed(&self, owed: &str) {
        let made = self
            .shared
            .borrow_mut()
            .record_owed(&handover::decode(owed));
        if let Some(storage) = store::device_storage() {
            let _ = storage.remove_item(handover::OWED_KEY);
        }
        for receipt in &made {
            events::announce_receipt(&self.shared, receipt);
        }
        delivery::flush(&self.shared);
    }
}

/// What the banner module leaves the full module.
struct Handover {
    /// The stored consent value it ended with (in `storage: 'memory'` the
    /// full module's store has not seen it).
    stored: Option<String>,
    /// Its banner, while on screen.
    banner: Option<Element>,
}

impl Privacy {
    fn begin(
        options: Option<PrivacyOptions>,
        handover: Option<Handover>,
    ) -> Result<Privacy, JsValue> {
        if dom::page_document().is_none() {
            return Err(no_dom());
        }
        let Settings {
            policy,
            policy_text,
            lang,
            persistent,
            hash_key,
            endpoint,
            liff,
        } = Settings::read(options)?;
        let liff = &liff;

        let store = ConsentStore::new(persistent);
        let gpc = signals::global_privacy_control();
        let stored = match &handover {
            Some(Handover {
                stored: Some(value),
                ..
            }) => Stored::Value(value.clone()),
            _ => store.load(),
        };
        let (consent, first_visit) =
            store::load_consent(&store, stored, &policy, gpc, now_seconds());
        // Consent Mode wants its defaults (everything denied but what is
        // always on) before any tag runs; stored decisions follow as an update.
        let gtag = signals::gtag();
        if let (Some(gtag), None) = (&gtag, &handover) {
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
        let gpc_receipt = if signalled && first_visit && handover.is_none() {
            inner.store.save(&inner.session.consent.encode());
            Some(inner.record(GPC, &denied))
        } else {
            None
        };
        // The banner module's banner is adopted as it is: drawn by the same
        // code from the same decisions, it is the banner this module draws.
        if let Some(banner) = handover.as_ref().and_then(|h| h.banner.clone()) {
            if pending {
                let scope = inner.session.banner_scope();
                inner.page.banner = Some((banner, scope));
            } else {
                banner.remove();
            }
        }
        let shared = Rc::new(Cell::new(inner));
        let privacy = Privacy {
            callbacks: Some(Callbacks {
                listener: listener::listen(&shared),
                answers: Answers::new(&shared),
            }),
            shared,
        };
        if handover.is_none() {
            after_decision(&privacy.shared, GPC, &[], &refused, signalled);
        }
        if let Some(receipt) = gpc_receipt {
            events::announce_receipt(&privacy.shared, &receipt);
        }
        delivery::flush(&privacy.shared);
        if pending && handover.is_none() {
            dialog::show_banner(&privacy.shared);
        }
        Ok(privacy)
    }
}

#[wasm_bindgen]
impl Privacy {
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

    /// Opens the preferences dialog (before `ready`, once the full module runs).
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
    /// (`form_unknown`). Before `ready` it queues the form, which stays
    /// unable to send until it is attached (an error is then logged).
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
        seal_notice::on_attach(&inner, &form, entry, &id);
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
    /// Before `ready` it throws `module_loading`.
    #[wasm_bindgen(js_name = prepareSubmission, unchecked_return_type = "Submission")]
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
    /// (`seal_no_key`), or WebCrypto failed (`seal_failed`). Before `ready`
    /// it waits for the full module.
    #[wasm_bindgen(js_name = sealSubmission, unchecked_return_type = "Promise<Submission>")]
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

    /// The consent receipts recorded on this device, oldest first (at most
    /// 100). Before `ready` it throws `module_loading`.
    #[wasm_bindgen(unchecked_return_type = "Receipt[]")]
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
    /// does not exist (`event_unknown`). Its TypeScript, with the detail
    /// typed by event name, is in `TYPES`.
    #[wasm_bindgen(skip_typescript)]
    pub fn on(&self, event: PrivacyEvent, callback: Function) -> Result<(), JsValue> {
        let name = JsValue::from(event).as_string().unwrap_or_default();
        events::known_event(&name)?;
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
