//! What the module reads from the LINE mini-app's SDK (LIFF), duck-typed and
//! never imported: the language, the layout (in the LINE app or not, which
//! OS), and the keyed hash of the LINE account; and the interface language.

use crate::i18n::Lang;
use crate::masking;
use crate::policy::Policy;
use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;

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
pub fn layout(liff: &JsValue) -> Option<(bool, String)> {
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

/// Marks a banner or dialog with the LIFF `layout`: a bottom sheet in the
/// LINE app, and the OS, which `privacy.css` keeps clear of its safe areas.
pub fn mark_layout(element: &web_sys::Element, layout: &Option<(bool, String)>) {
    if let Some((in_client, os)) = layout {
        if *in_client {
            let _ = element.set_attribute("data-privacy-layout", "sheet");
        }
        let _ = element.set_attribute("data-privacy-os", os);
    }
}

/// The keyed hash of the LINE userId, when the policy links requests to the
/// LINE account and a hash key is set. The userId comes from
/// `liff.getContext()`, else from the decoded ID token's `sub`: both answer
/// at once after `liff.init()`. Outside LINE, or before login, there is none
/// and requests stay unlinked. The userId itself is not kept. It is hashed
/// under its own label, [`masking::LINE_USER_ID`].
pub fn line_user_hash(policy: &Policy, hash_key: Option<&[u8]>, liff: &JsValue) -> Option<String> {
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

/// The `lang` option when given, else `liff.getLanguage()`, `<html lang>`,
/// `navigator.language`, else Thai. `None`: the option names no language.
pub fn choose_lang(option: Option<&str>, liff: &JsValue) -> Option<Lang> {
    if let Some(tag) = option {
        return Lang::from_tag(tag);
    }
    let from_liff = liff_call(liff, "getLanguage").and_then(|v| v.as_string());
    let window = web_sys::window();
    let from_page = window
        .as_ref()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .map(|e| e.get_attribute("lang").unwrap_or_default());
    let from_browser = window.and_then(|w| w.navigator().language());
    Some(
        [from_liff, from_page, from_browser]
            .into_iter()
            .flatten()
            .find_map(|tag| Lang::from_tag(&tag))
            .unwrap_or(Lang::Th),
    )
}
