//! The JavaScript API: `Privacy.start(options)` and the methods of the
//! returned object, as listed in the public contract.
//!
//! State lives in one `Inner` behind `Rc<RefCell<…>>`, shared with the
//! document listener (clicks and keys). Anything that can call back into
//! page code (gated inline scripts, `gtag`, event listeners) runs only after
//! the borrow is released, so page code may call the API re-entrantly.

use super::banner::{self, View};
use super::dom;
use super::gating;
use super::signals;
use super::store::{ConsentStore, Stored};
use crate::consent::{Choice, Consent, State};
use crate::consent_mode;
use crate::i18n::Lang;
use crate::policy::{CookiePattern, Policy};
use alloc::borrow::ToOwned;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;
use js_sys::{Array, Function, JSON, Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{CustomEvent, CustomEventInit, Element, Event, HtmlDialogElement, KeyboardEvent};

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
  /** The LIFF SDK object when running in a LINE mini-app (duck-typed). */
  liff?: { getLanguage?: () => string };
  /** Deployment key of the keyed-hash masking operator. */
  hashKey?: string;
  /** 'auto': cookie + localStorage, memory when they throw; 'memory': nothing persists. */
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

/// How a decision was made, as receipts and events name it.
#[derive(Clone, Copy)]
enum Method {
    Banner,
    PrivacyCentre,
    Api,
    Gpc,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Banner => "banner",
            Method::PrivacyCentre => "privacy-centre",
            Method::Api => "api",
            Method::Gpc => "gpc",
        }
    }
}

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
}

type Shared = Rc<RefCell<Inner>>;
type Listener = Closure<dyn FnMut(Event)>;

/// The privacy module running in this page.
#[wasm_bindgen]
pub struct Privacy {
    shared: Shared,
    listener: Option<Listener>,
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
        let policy = load_policy(&option("policy"))?;
        let lang = choose_lang(&option("lang"), &option("liff"))?;
        let persistent = match option("storage").as_string().as_deref() {
            None | Some("auto") => true,
            Some("memory") => false,
            Some(_) => return Err(JsError::new("storage: expected 'auto' or 'memory'")),
        };

        let store = ConsentStore::new(persistent);
        let gpc = signals::global_privacy_control();
        let consent = match store.load() {
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

        let inner = Inner {
            policy,
            lang,
            consent,
            store,
            banner: None,
            dialog: None,
            opener: None,
            callbacks: Vec::new(),
            gtag,
        };
        let shared = Rc::new(RefCell::new(inner));
        let privacy = Privacy {
            listener: Some(listen(&shared)),
            shared,
        };
        after_decision(&privacy.shared, Method::Gpc, &[], &refused, signalled);
        if pending {
            show_banner(&privacy.shared);
        }
        Ok(privacy)
    }

    /// Whether category `id` is allowed now; unknown ids are not.
    #[wasm_bindgen(js_name = hasConsent)]
    pub fn has_consent(&self, id: &str) -> bool {
        let inner = self.shared.borrow();
        inner.policy.category(id).is_some() && inner.state(id).allows()
    }

    /// `{ [id]: 'granted' | 'denied' | 'unset' }` for every category.
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

    /// Grants every category, as a click on "accept all" would.
    #[wasm_bindgen(js_name = acceptAll)]
    pub fn accept_all(&self) {
        let choices = self.shared.borrow().every_category(Choice::Granted);
        decide(&self.shared, &choices, Method::Api);
    }

    /// Refuses every category that is not necessary.
    #[wasm_bindgen(js_name = rejectAll)]
    pub fn reject_all(&self) {
        let choices = self.shared.borrow().every_category(Choice::Denied);
        decide(&self.shared, &choices, Method::Api);
    }

    /// Records one decision, as a click would. Throws for an unknown id.
    pub fn set(&self, id: &str, granted: bool) -> Result<(), JsError> {
        if self.shared.borrow().policy.category(id).is_none() {
            let mut message = String::from("unknown category or purpose: ");
            message.push_str(id);
            return Err(JsError::new(&message));
        }
        let choice = if granted {
            Choice::Granted
        } else {
            Choice::Denied
        };
        decide(&self.shared, &[(id.to_owned(), choice)], Method::Api);
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

    /// Removes the banner, the dialog and every listener of the module.
    pub fn destroy(&mut self) {
        let doc = dom::document();
        if let Some(listener) = self.listener.take() {
            for name in LISTENED {
                let _ = doc
                    .remove_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
            }
        }
        let mut inner = self.shared.borrow_mut();
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
    fn drop(&mut self) {
        self.destroy();
    }
}

impl Inner {
    fn state(&self, id: &str) -> State {
        self.consent.state(&self.policy, id).unwrap_or(State::Unset)
    }

    fn decisions(&self) -> Object {
        let out = Object::new();
        for category in &self.policy.categories {
            let state = self.state(&category.id).as_str();
            let _ = Reflect::set(&out, &category.id.as_str().into(), &state.into());
        }
        out
    }

    fn every_category(&self, choice: Choice) -> Vec<(String, Choice)> {
        self.policy
            .categories
            .iter()
            .filter(|c| !c.always_on)
            .map(|c| (c.id.clone(), choice))
            .collect()
    }

    fn view(&self) -> View<'_> {
        View {
            policy: &self.policy,
            consent: &self.consent,
            lang: self.lang,
        }
    }
}

fn load_policy(value: &JsValue) -> Result<Policy, JsError> {
    let text = if value.is_undefined() || value.is_null() {
        return Ok(Policy::mohprompt());
    } else if let Some(text) = value.as_string() {
        text
    } else {
        JSON::stringify(value)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    };
    Policy::from_json(&text).map_err(|e| JsError::new(&e.message()))
}

/// `lang` option, else `liff.getLanguage()`, `<html lang>`, `navigator.language`, else Thai.
fn choose_lang(option: &JsValue, liff: &JsValue) -> Result<Lang, JsError> {
    if let Some(tag) = option.as_string() {
        return Lang::from_tag(&tag).ok_or_else(|| JsError::new("lang: expected 'th' or 'en'"));
    }
    let from_liff = Reflect::get(liff, &"getLanguage".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .and_then(|f| f.call0(liff).ok())
        .and_then(|v| v.as_string());
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

/// Records `choices` made through `method` and applies the result. Returns
/// whether any of them withdrew a consent that had been given.
fn decide(shared: &Shared, choices: &[(String, Choice)], method: Method) -> bool {
    let (changed, withdrawn) = {
        let mut inner = shared.borrow_mut();
        let inner = &mut *inner;
        let now = now_seconds();
        let mut changed = Vec::new();
        let mut withdrawn = Vec::new();
        for (id, choice) in choices {
            let before = inner.state(id).allows();
            if inner.consent.decide(&inner.policy, id, *choice, now) {
                changed.push(id.clone());
                if before && !inner.state(id).allows() {
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
        (changed, withdrawn)
    };
    after_decision(shared, method, &changed, &withdrawn, true);
    !withdrawn.is_empty()
}

/// Applies the current decisions to the page, then tells it: cookies of
/// `cleared` categories deleted (those just withdrawn; at start, every
/// category not allowed), gated scripts run, Consent Mode updated,
/// events dispatched. Runs with no borrow held: page code may re-enter.
fn after_decision(
    shared: &Shared,
    method: Method,
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
            .filter(|c| inner.state(&c.id).allows())
            .map(|c| c.id.clone())
            .collect();
        let patterns: Vec<CookiePattern> = inner
            .policy
            .categories
            .iter()
            .filter(|c| cleared.contains(&c.id))
            .flat_map(|c| c.cookies.iter().cloned())
            .collect();
        if let (false, Some(dialog)) = (cleared.is_empty(), &inner.dialog) {
            banner::show_reload_notice(dialog, inner.lang);
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
    let _ = Reflect::set(&detail, &"method".into(), &method.as_str().into());
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
    let Ok(toggles) = dialog.query_selector_all("input[data-privacy-category]:not([disabled])")
    else {
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
        let id = toggle
            .get_attribute("data-privacy-category")
            .unwrap_or_default();
        choices.push((
            id,
            if toggle.checked() {
                Choice::Granted
            } else {
                Choice::Denied
            },
        ));
    }
    if !decide(shared, &choices, Method::PrivacyCentre) {
        close_preferences(shared);
    }
}

fn on_click(shared: &Shared, event: &Event) {
    let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return;
    };
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
            decide(shared, &choices, Method::Banner);
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

/// The document events the module listens to, with one listener: each
/// closure handed to JS carries glue of its own.
const LISTENED: [&str; 2] = ["click", "keydown"];

fn listen(shared: &Shared) -> Listener {
    let shared = shared.clone();
    let listener = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
        match event.dyn_ref::<KeyboardEvent>() {
            Some(key) => on_keydown(&shared, key),
            None => on_click(&shared, &event),
        }
    });
    let doc = dom::document();
    for name in LISTENED {
        let _ = doc.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
    }
    listener
}
