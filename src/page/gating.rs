//! Script gating and cookie removal.
//!
//! Pages mark scripts that need consent as
//! `<script type="text/plain" data-consent-category="statistics" src="…">`;
//! the browser does not run them. Once the category is allowed, each is
//! replaced by a real script that keeps its `src`, `async`, `defer`, `nonce`
//! and other attributes, in document order.

use super::dom;
use super::store::cookie_pairs;
use crate::policy::CookiePattern;
use alloc::vec;
use alloc::vec::Vec;
use wasm_bindgen::JsCast;
use web_sys::HtmlScriptElement;

const GATED: &str =
    "script[type=\"text/plain\"][data-consent-category]:not([data-consent-activated])";

/// Runs every waiting gated script whose category `allowed` accepts.
pub fn activate_scripts(allowed: impl Fn(&str) -> bool) {
    let doc = dom::document();
    let Ok(waiting) = doc.query_selector_all(GATED) else {
        return;
    };
    // A NodeList from querySelectorAll is static and in document order.
    for i in 0..waiting.length() {
        let Some(original) = waiting
            .item(i)
            .and_then(|n| n.dyn_into::<HtmlScriptElement>().ok())
        else {
            continue;
        };
        let category = original
            .get_attribute("data-consent-category")
            .unwrap_or_default();
        if allowed(&category) {
            activate(&original);
        }
    }
}

fn activate(original: &HtmlScriptElement) {
    let doc = dom::document();
    let Some(script) = doc
        .create_element("script")
        .ok()
        .and_then(|e| e.dyn_into::<HtmlScriptElement>().ok())
    else {
        return;
    };
    let names = original.get_attribute_names();
    for i in 0..names.length() {
        let name = names.get(i).as_string().unwrap_or_default();
        if name == "type" || name == "nonce" {
            continue;
        }
        if let Some(value) = original.get_attribute(&name) {
            dom::set(&script, &name, &value);
        }
    }
    // Pages may name the real type (e.g. "module") in data-type.
    if let Some(kind) = original.get_attribute("data-type") {
        script.set_type(&kind);
    }
    // Browsers hide the nonce attribute after parsing; the property keeps it.
    let nonce = original.nonce();
    if !nonce.is_empty() {
        script.set_nonce(&nonce);
    }
    // Inserted scripts are async unless told otherwise: keep document order
    // for those the page did not mark async.
    script.set_async(original.has_attribute("async"));
    if !original.has_attribute("src") {
        let _ = script.set_text(&original.text().unwrap_or_default());
    }
    dom::set(original, "data-consent-activated", "");
    if let Some(parent) = original.parent_node() {
        let _ = parent.insert_before(&script, original.next_sibling().as_ref());
    }
}

/// Deletes every cookie visible to the page that one of `patterns` covers,
/// on this host and its parent domains, for `/` and the current path.
pub fn delete_cookies(patterns: &[CookiePattern]) {
    // Reading document.cookie is a synchronous round trip to the browser's
    // cookie store (about a millisecond in Chromium): only when needed.
    if patterns.is_empty() {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(doc) = window
        .document()
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
    else {
        return;
    };
    let host = window.location().hostname().unwrap_or_default();
    let path = window.location().pathname().unwrap_or_default();
    let mut domains: Vec<&str> = vec![""];
    let mut rest = host.as_str();
    while let Some((_, parent)) = rest.split_once('.') {
        domains.push(rest);
        rest = parent;
    }
    let paths = ["/", path.as_str()];
    for (name, _) in cookie_pairs() {
        if !patterns.iter().any(|p| p.matches(&name)) {
            continue;
        }
        for domain in &domains {
            for path in paths {
                let mut cookie = name.clone();
                cookie.push_str("=; Max-Age=0; Path=");
                cookie.push_str(path);
                if !domain.is_empty() {
                    cookie.push_str("; Domain=");
                    cookie.push_str(domain);
                }
                let _ = doc.set_cookie(&cookie);
            }
        }
    }
}

/// What the current decisions do to the page, read while the module's state
/// is borrowed and applied after (gated scripts and `gtag` may call back
/// into the module): both entry points apply decisions through it.
#[derive(Debug)]
pub struct Effects {
    allowed: Vec<alloc::string::String>,
    patterns: Vec<CookiePattern>,
    signals: Vec<(&'static str, bool)>,
    decided: bool,
}

impl Effects {
    /// The effects of `session`'s decisions, with the cookies of `cleared`
    /// categories to delete.
    pub fn of(session: &crate::session::Session, cleared: &[alloc::string::String]) -> Effects {
        let consent = &session.consent;
        Effects {
            allowed: session.allowed_categories(),
            patterns: session.cookies_of(cleared),
            signals: crate::consent_mode::signals(&session.policy, consent),
            decided: consent.has_decisions() || consent.gpc,
        }
    }

    /// Deletes the cookies, updates Consent Mode (once anything was decided)
    /// and runs the gated scripts now allowed.
    pub fn apply(self, gtag: Option<&js_sys::Function>) {
        delete_cookies(&self.patterns);
        if let (Some(gtag), true) = (gtag, self.decided) {
            super::signals::consent_mode(gtag, "update", &self.signals);
        }
        activate_scripts(|id| self.allowed.iter().any(|a| a == id));
    }
}
