//! The banner module: the small wasm a page loads first (feature `banner`).
//!
//! It does what a first visitor needs before anything else, and nothing
//! more: reads the stored decision and checks it against the policy's
//! banner part, applies it (Consent Mode, gated scripts, cookies of refused
//! categories), and shows the banner with its three buttons of equal weight
//! where a decision is due. A decision made here is stored at once and its
//! receipt is owed (`crate::handover`) until the full module has loaded and
//! makes it. "Customize" and the privacy-centre links need the full module:
//! they ask the page's entry script for it (`wantFull`), which opens the
//! privacy centre once it is there.
//!
//! The package's entry script (`src/entry/mohprompt_privacy.js`) is the only
//! caller: pages use `Privacy` as before. Nothing here goes through serde's
//! JS boundary, which alone would add a third to this module's size; the
//! policy is read from the JS value the page gave (`Policy::banner_part`).

mod decide;

use crate::consent::Consent;
use crate::consent_mode;
use crate::handover;
use crate::i18n::Lang;
use crate::page::banner::View;
use crate::page::boundary::{error, no_dom};
use crate::page::options as checks;
use crate::page::policy_value::PolicyValue;
use crate::page::store::{self, ConsentStore, device_storage};
use crate::page::{dom, liff, signals};
use crate::policy::{MOHPROMPT_BANNER_POLICY, Policy};
use crate::session::{API, Action, GPC, Session};
use alloc::string::String;
use alloc::vec::Vec;
use js_sys::{Function, JSON, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{Element, Event};

/// The banner module running in this page.
#[wasm_bindgen(skip_typescript)]
pub struct BannerModule {
    shared: Rc<RefCell<Inner>>,
    /// The document's click listener, while the module runs.
    listener: Option<Closure<dyn Fn(Event)>>,
}

impl core::fmt::Debug for BannerModule {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("BannerModule")
    }
}

/// What the module keeps while it runs.
struct Inner {
    session: Session,
    lang: Lang,
    store: ConsentStore,
    /// `false` for `storage: 'memory'`: owed receipts stay in `owed` only.
    persistent: bool,
    /// Inside LIFF: whether in the LINE app, and its OS, for the layout.
    layout: Option<(bool, String)>,
    /// The banner while it is shown, with the ids its buttons decide.
    banner: Option<(Element, Vec<String>)>,
    gtag: Option<Function>,
    /// The `on()` callbacks, by event name.
    listeners: Vec<(String, Function)>,
    /// The receipts owed, in their stored form.
    owed: String,
    /// Called with the element clicked when the full module is wanted now.
    want_full: Function,
}

#[wasm_bindgen]
impl BannerModule {
    /// Starts on the page with `Privacy.start`'s options: reads and checks
    /// the policy (the bundled one when none is given), the language, the
    /// storage option and the shape of the options the full module reads.
    /// Throws what `Privacy.start` throws for them (`policy_invalid` without
    /// a path: the full module names it; `options_invalid`, `lang_unknown`,
    /// `no_dom`).
    pub fn start(options: JsValue, want_full: Function) -> Result<BannerModule, JsValue> {
        if dom::page_document().is_none() {
            return Err(no_dom());
        }
        let options = Options::read(&options)?;
        let policy =
            Policy::banner_part(&options.policy).map_err(|e| error(e.code(), &e.message()))?;
        let persistent = options.persistent;
        let store = ConsentStore::new(persistent);
        let gpc = signals::global_privacy_control();
        let now = crate::page::now_seconds();
        let (consent, first_visit) = store::load_consent(&store, store.load(), &policy, gpc, now);
        // Consent Mode's defaults come before any tag runs, as in the full module.
        let gtag = signals::gtag();
        if let Some(gtag) = &gtag {
            let defaults = consent_mode::signals(&policy, &Consent::new(&policy, false));
            signals::consent_mode(gtag, "default", &defaults);
        }
        let session = Session { policy, consent };
        let denied = session.denied_by_signal();
        let signalled = !denied.is_empty();
        let refused = session.refused_categories();
        let pending = !session.pending().is_empty();
        let owed = if persistent {
            device_storage()
                .and_then(|s| s.get_item(handover::OWED_KEY).ok().flatten())
                .unwrap_or_default()
        } else {
            String::new()
        };
        let mut inner = Inner {
            session,
            lang: options.lang,
            store,
            persistent,
            layout: liff::layout(&options.liff),
            banner: None,
            gtag,
            listeners: Vec::new(),
            owed,
            want_full,
        };
        // The signal answered for this device: a decision whose receipt is
        // owed, once; the record stored with it marks it as recorded.
        if signalled && first_visit {
            inner.store.save(&inner.session.consent.encode());
            inner.owe(GPC, &denied, now);
        }
        let shared = Rc::new(RefCell::new(inner));
        let module = BannerModule {
            listener: Some(listen(&shared)),
            shared,
        };
        decide::after_decision(&module.shared, GPC, &[], &refused, signalled);
        if pending {
            decide::show_banner(&module.shared);
        }
        Ok(module)
    }

    /// Whether category or purpose `id` is allowed now.
    #[wasm_bindgen(js_name = hasConsent)]
    pub fn has_consent(&self, id: &str) -> bool {
        self.shared.borrow().session.allows(id)
    }

    /// `{ [id]: 'granted' | 'denied' | 'unset' | 'notice' }`.
    pub fn decisions(&self) -> JsValue {
        decide::decisions(&self.shared.borrow().session)
    }

    /// Whether the banner is on screen.
    #[wasm_bindgen(js_name = bannerOpen)]
    pub fn banner_open(&self) -> bool {
        self.shared.borrow().banner.is_some()
    }

    /// Shows the banner anew.
    #[wasm_bindgen(js_name = showBanner)]
    pub fn show_banner(&self) {
        decide::show_banner(&self.shared);
    }

    /// Grants every category, as `Privacy.acceptAll` does.
    #[wasm_bindgen(js_name = acceptAll)]
    pub fn accept_all(&self) {
        let _ = decide::decide(&self.shared, &Action::AcceptAll, API);
    }

    /// Refuses every category that is not necessary.
    #[wasm_bindgen(js_name = rejectAll)]
    pub fn reject_all(&self) {
        let _ = decide::decide(&self.shared, &Action::RejectAll, API);
    }

    /// One decision, as `Privacy.set` (`id_unknown`, `id_not_asked`).
    pub fn set(&self, id: &str, granted: bool) -> Result<(), JsValue> {
        decide::act(&self.shared, &Action::Set(id.into(), granted))
    }

    /// `set(id, false)`, recorded as a withdrawal.
    pub fn withdraw(&self, id: &str) -> Result<(), JsValue> {
        decide::act(&self.shared, &Action::Withdraw(id.into()))
    }

    /// Calls `callback(detail)` on each `event` this module dispatches
    /// (`consent`, `change`; `receipt` and `submit` come from the full
    /// module). Throws for an event that does not exist (`event_unknown`).
    pub fn on(&self, event: &str, callback: Function) -> Result<(), JsValue> {
        dom::known_event(event)?;
        self.shared
            .borrow_mut()
            .listeners
            .push((event.into(), callback));
        Ok(())
    }

    /// The stored consent value now, for the full module, which in
    /// `storage: 'memory'` cannot read it back; `None` before any decision.
    pub fn stored(&self) -> Option<String> {
        let consent = &self.shared.borrow().session.consent;
        consent.has_decisions().then(|| consent.encode())
    }

    /// The receipts owed, in their stored form (`crate::handover`).
    pub fn owed(&self) -> String {
        self.shared.borrow().owed.clone()
    }

    /// Stops listening and hands its banner, while one is on screen, to the
    /// full module, which takes over: the element stays in the page.
    #[wasm_bindgen(js_name = handOver)]
    pub fn hand_over(&mut self) -> Option<Element> {
        let banner = self
            .shared
            .borrow_mut()
            .banner
            .take()
            .map(|(banner, _)| banner);
        self.destroy();
        banner
    }

    /// Removes the banner and the listener.
    pub fn destroy(&mut self) {
        if let Some(listener) = self.listener.take() {
            let _ = dom::document()
                .remove_event_listener_with_callback("click", listener.as_ref().unchecked_ref());
        }
        let mut inner = self.shared.borrow_mut();
        if let Some((banner, _)) = inner.banner.take() {
            banner.remove();
        }
        inner.listeners.clear();
    }
}

impl Inner {
    fn view(&self) -> View<'_> {
        View {
            policy: &self.session.policy,
            consent: &self.session.consent,
            lang: self.lang,
        }
    }

    /// Keeps the receipt of a decision that changed `changed` as owed.
    fn owe(&mut self, method: &str, changed: &[String], now: u64) {
        let owed = handover::Owed {
            receipt_id: store::random_uuid(),
            method: method.into(),
            decided_at: now,
            changed: changed.to_vec(),
            consent: self.session.consent.encode(),
        };
        self.owed = handover::push(&self.owed, owed);
        if let Some(storage) = device_storage().filter(|_| self.persistent) {
            // Storage that refuses it (full, blocked) leaves it in memory:
            // the full module still gets it from `owed()` on this page.
            let _ = storage.set_item(handover::OWED_KEY, &self.owed);
        }
    }
}

/// `Privacy.start`'s options as this module reads them: the policy as JSON
/// text, the language, the storage choice and the LIFF object; `hashKey` and
/// `receiptEndpoint` are checked for their type, as the full module uses them.
struct Options {
    policy: PolicyValue,
    lang: Lang,
    persistent: bool,
    liff: JsValue,
}

impl Options {
    fn read(options: &JsValue) -> Result<Options, JsValue> {
        let get = |key: &str| {
            if options.is_object() {
                Reflect::get(options, &key.into()).unwrap_or(JsValue::UNDEFINED)
            } else {
                JsValue::UNDEFINED
            }
        };
        // JSON text is read by the browser's own JSON.parse; text that is
        // not JSON is refused as the full module refuses it.
        let policy = get("policy");
        let text = policy.as_string().or_else(|| {
            policy
                .is_null_or_undefined()
                .then(|| MOHPROMPT_BANNER_POLICY.into())
        });
        let policy = match text {
            Some(text) => {
                JSON::parse(&text).map_err(|_| error("policy_invalid", "policy: invalid JSON"))?
            }
            None => policy,
        };
        let liff = get("liff");
        let lang = checks::lang(&get("lang"), &liff)?;
        let persistent = checks::persistent(&get("storage"))?;
        // Read by the full module; refused here as it would refuse them.
        checks::hash_key(&get("hashKey"))?;
        checks::endpoint(&get("receiptEndpoint"))?;
        Ok(Options {
            policy: PolicyValue(policy),
            lang,
            persistent,
            liff,
        })
    }
}

/// The module's click listener on the document: the banner's buttons and
/// the page's `data-privacy-open` links.
fn listen(shared: &Rc<RefCell<Inner>>) -> Closure<dyn Fn(Event)> {
    let shared = shared.clone();
    let listener = Closure::<dyn Fn(Event)>::new(move |event: Event| {
        if let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) {
            decide::on_click(&shared, &event, &target);
        }
    });
    let _ = dom::document()
        .add_event_listener_with_callback("click", listener.as_ref().unchecked_ref());
    listener
}
