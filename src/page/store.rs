//! Where the consent record persists: a first-party cookie mirrored in Web
//! Storage. Storage is localStorage where it works; where reading it throws
//! (LIFF browsers, sandboxed frames, blocked storage) it is sessionStorage,
//! which lasts the tab: a LIFF window keeps its decision across reloads and
//! asks again in the next session. Where both throw, the decision lives in
//! memory for the page and the next load asks again, which is never taken as
//! consent.

use crate::consent;
use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;
use wasm_bindgen::JsCast;
use web_sys::{HtmlDocument, Storage};

/// Name of the cookie and of the localStorage key. Listed in the policy's
/// necessary category so withdrawal never deletes it by pattern.
pub const CONSENT_KEY: &str = "mp_consent";

/// What the store found.
#[derive(Debug, PartialEq, Eq)]
pub enum Stored {
    /// Nothing stored, or storage cannot be read.
    Nothing,
    /// One value (from the cookie, localStorage, or both agreeing).
    Value(String),
    /// The cookie and localStorage disagree: one was changed behind our back.
    Conflict,
}

/// The consent record's persistence for this page.
#[derive(Debug)]
pub struct ConsentStore {
    /// `false` for `storage: 'memory'`: nothing touches the browser's storage.
    persistent: bool,
}

impl ConsentStore {
    /// A store that persists when `persistent`, or keeps nothing beyond memory.
    pub fn new(persistent: bool) -> ConsentStore {
        ConsentStore { persistent }
    }

    /// Reads the stored value.
    pub fn load(&self) -> Stored {
        if !self.persistent {
            return Stored::Nothing;
        }
        match (
            read_cookie(),
            device_storage().and_then(|s| s.get_item(CONSENT_KEY).ok().flatten()),
        ) {
            (Some(c), Some(l)) if c != l => Stored::Conflict,
            (Some(v), _) | (None, Some(v)) => Stored::Value(v),
            (None, None) => Stored::Nothing,
        }
    }

    /// Writes `value` to the cookie and Web Storage, as far as they allow.
    pub fn save(&self, value: &str) {
        if !self.persistent {
            return;
        }
        // Decisions inside expire by their own time too: that is what holds for localStorage.
        write_cookie(value, consent::DECISION_LIFETIME_SECONDS);
        if let Some(storage) = device_storage() {
            // A stale mirror would later look like tampering: remove it when
            // the write fails (quota).
            if storage.set_item(CONSENT_KEY, value).is_err() {
                let _ = storage.remove_item(CONSENT_KEY);
            }
        }
    }

    /// Removes a discarded value from both places.
    pub fn clear(&self) {
        if !self.persistent {
            return;
        }
        write_cookie("", 0);
        if let Some(storage) = device_storage() {
            let _ = storage.remove_item(CONSENT_KEY);
        }
    }
}

/// localStorage, else sessionStorage where reading localStorage throws, or
/// `None` where both do.
pub(crate) fn device_storage() -> Option<Storage> {
    let window = web_sys::window()?;
    match window.local_storage() {
        Ok(Some(storage)) => Some(storage),
        _ => window.session_storage().ok().flatten(),
    }
}

fn html_document() -> Option<HtmlDocument> {
    web_sys::window()?
        .document()?
        .dyn_into::<HtmlDocument>()
        .ok()
}

/// Every `name=value` pair of `document.cookie`, or none where it throws.
pub fn cookie_pairs() -> Vec<(String, String)> {
    let all = html_document()
        .and_then(|d| d.cookie().ok())
        .unwrap_or_default();
    all.split(';')
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            Some((name.trim().to_owned(), value.trim().to_owned()))
        })
        .collect()
}

fn read_cookie() -> Option<String> {
    cookie_pairs()
        .into_iter()
        .find(|(name, value)| name == CONSENT_KEY && !value.is_empty())
        .map(|(_, v)| v)
}

fn write_cookie(value: &str, max_age: u64) {
    if let Some(doc) = html_document() {
        let _ = doc.set_cookie(&consent::cookie(CONSENT_KEY, value, max_age, is_https()));
    }
}

fn is_https() -> bool {
    web_sys::window()
        .and_then(|w| w.location().protocol().ok())
        .is_some_and(|p| p == "https:")
}

/// The decisions to start from under `policy`, and whether this is a first
/// visit (nothing stored): what is stored when it decodes exactly, expired
/// decisions dropped; else nothing, with a stored value that cannot be
/// trusted discarded, so the person is asked again. Both entry points
/// start here, so they read a stored value the same way.
pub fn load_consent(
    store: &ConsentStore,
    stored: Stored,
    policy: &crate::policy::Policy,
    gpc: bool,
    now: u64,
) -> (consent::Consent, bool) {
    use consent::Consent;
    let first_visit = stored == Stored::Nothing;
    let consent = match stored {
        Stored::Nothing => Consent::new(policy, gpc),
        Stored::Value(value) => match Consent::decode(&value, policy, gpc) {
            Ok(mut consent) => {
                // Decisions older than their lifetime are asked again. Writing
                // the value back also restores a cookie the browser dropped
                // while localStorage kept the mirror.
                consent.expire(now);
                store.save(&consent.encode());
                consent
            }
            Err(e) => {
                discard(store, e.as_str());
                Consent::new(policy, gpc)
            }
        },
        Stored::Conflict => {
            discard(
                store,
                "stored consent differs between cookie and localStorage",
            );
            Consent::new(policy, gpc)
        }
    };
    (consent, first_visit)
}

/// Drops a stored value that cannot be trusted; the person is asked again.
fn discard(store: &ConsentStore, why: &str) {
    store.clear();
    let mut message = String::from("privacy: ");
    message.push_str(why);
    message.push_str("; it was discarded and consent will be asked again");
    web_sys::console::warn_1(&message.into());
}

/// A fresh random UUID (crypto.getRandomValues through getrandom): receipt
/// ids and the device pseudonym.
pub fn random_uuid() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // Only where Web Crypto is missing altogether: the id must still be
        // unique, not secret, so Math.random serves.
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    crate::receipt::uuid_v4(bytes)
}
