//! DOM behaviour of the module in a real browser (headless Chromium through
//! wasm-bindgen-test). The end-to-end tests in tests/e2e drive the demo page;
//! these pin down the module's own DOM code in isolation.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect};
use mohprompt_privacy::Privacy;
use mohprompt_privacy::masking;
use mohprompt_privacy::policy::MOHPROMPT_POLICY;
use mohprompt_privacy::seal::{SUITE, from_base64url};
use mohprompt_privacy::webcrypto;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Document, Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

fn options(pairs: &[(&str, JsValue)]) -> JsValue {
    let options = Object::new();
    for (key, value) in pairs {
        Reflect::set(&options, &(*key).into(), value).unwrap();
    }
    options.into()
}

/// A module that keeps nothing beyond memory, so tests do not see each other.
fn start(lang: &str) -> Privacy {
    Privacy::start(Some(
        options(&[("storage", "memory".into()), ("lang", lang.into())]).unchecked_into(),
    ))
    .unwrap()
}

fn find(selector: &str) -> Option<Element> {
    document().query_selector(selector).unwrap()
}

fn click(selector: &str) {
    find(selector)
        .unwrap_or_else(|| panic!("no {selector}"))
        .unchecked_into::<HtmlElement>()
        .click();
}

#[wasm_bindgen_test]
fn the_banner_offers_accept_reject_and_customize_in_thai() {
    let mut privacy = start("th");
    let banner = find("[data-privacy-banner]").expect("banner shown when nothing is decided");
    assert_eq!(banner.get_attribute("lang").as_deref(), Some("th"));
    let labels: Vec<String> = ["reject-all", "accept-all", "customize"]
        .iter()
        .map(|a| {
            let selector = format!("[data-privacy-banner] [data-privacy-action=\"{a}\"]");
            find(&selector).unwrap().text_content().unwrap()
        })
        .collect();
    assert_eq!(labels, ["ปฏิเสธทั้งหมด", "ยอมรับทั้งหมด", "ตั้งค่าเอง"]);
    // All three share one class: none is styled to nudge.
    let classes: Vec<String> = ["reject-all", "accept-all", "customize"]
        .iter()
        .map(|a| {
            find(&format!("[data-privacy-action=\"{a}\"]"))
                .unwrap()
                .class_name()
        })
        .collect();
    assert!(classes.iter().all(|c| *c == classes[0]), "{classes:?}");
    privacy.destroy();
    assert!(find("[data-privacy-banner]").is_none());
}

#[wasm_bindgen_test]
fn accepting_in_the_banner_grants_and_removes_it() {
    let mut privacy = start("en");
    assert!(!privacy.has_consent("statistics"));
    click("[data-privacy-banner] [data-privacy-action=\"accept-all\"]");
    assert!(privacy.has_consent("statistics"));
    assert!(privacy.has_consent("preferences"));
    assert!(find("[data-privacy-banner]").is_none());
    privacy.destroy();
}

#[wasm_bindgen_test]
fn closing_the_banner_is_not_consent() {
    let mut privacy = start("en");
    click("[data-privacy-banner] [data-privacy-action=\"close\"]");
    assert!(find("[data-privacy-banner]").is_none());
    let decisions: JsValue = privacy.decisions().into();
    assert_eq!(
        Reflect::get(&decisions, &"statistics".into()).unwrap(),
        "unset"
    );
    assert_eq!(
        Reflect::get(&decisions, &"necessary".into()).unwrap(),
        "granted"
    );
    privacy.destroy();
}

#[wasm_bindgen_test]
fn the_dialog_shows_necessary_on_and_disabled_and_saves_toggles() {
    let mut privacy = start("en");
    click("[data-privacy-banner] [data-privacy-action=\"customize\"]");
    let dialog = find("dialog[data-privacy-dialog]").expect("dialog opened");
    assert!(dialog.has_attribute("open"));
    let necessary: web_sys::HtmlInputElement = find("[data-privacy-category=\"necessary\"]")
        .unwrap()
        .unchecked_into();
    assert!(necessary.checked() && necessary.disabled());
    let statistics: web_sys::HtmlInputElement = find("[data-privacy-category=\"statistics\"]")
        .unwrap()
        .unchecked_into();
    assert!(!statistics.checked(), "toggles start off");
    statistics.click();
    click("[data-privacy-dialog] [data-privacy-action=\"save\"]");
    assert!(privacy.has_consent("statistics"));
    assert!(!privacy.has_consent("preferences"));
    assert!(
        find("dialog[data-privacy-dialog]").is_none(),
        "dialog closes after saving"
    );
    assert!(
        find("[data-privacy-banner]").is_none(),
        "nothing is left to ask"
    );
    privacy.destroy();
}

#[wasm_bindgen_test]
fn gated_scripts_run_once_and_only_after_consent() {
    let doc = document();
    let gated = doc.create_element("script").unwrap();
    gated.set_attribute("type", "text/plain").unwrap();
    gated
        .set_attribute("data-consent-category", "statistics")
        .unwrap();
    gated.set_text_content(Some("window.__gatedRuns = (window.__gatedRuns || 0) + 1;"));
    doc.body().unwrap().append_child(&gated).unwrap();
    let runs = || Reflect::get(&web_sys::window().unwrap(), &"__gatedRuns".into()).unwrap();

    let mut privacy = start("en");
    assert!(runs().is_undefined(), "ran before consent");
    privacy.set("preferences", true).unwrap();
    assert!(runs().is_undefined(), "ran on another category's consent");
    privacy.set("statistics", true).unwrap();
    assert_eq!(runs(), 1);
    privacy.set("statistics", false).unwrap();
    privacy.set("statistics", true).unwrap();
    assert_eq!(runs(), 1, "a gated script runs once per page");
    privacy.destroy();
    gated.remove();
}

#[wasm_bindgen_test]
fn a_bad_policy_is_refused_with_its_path() {
    let broken = MOHPROMPT_POLICY.replacen("\"en\":\"Necessary cookies\"", "\"en\":5", 1);
    assert_ne!(broken, MOHPROMPT_POLICY);
    let error = Privacy::start(Some(
        options(&[("policy", broken.into()), ("storage", "memory".into())]).unchecked_into(),
    ))
    .expect_err("refused");
    assert_eq!(code_of(&error), "policy_invalid");
    assert_eq!(
        message_of(error),
        "categories[0].title.en: expected a string, found a number"
    );
    assert!(
        find("[data-privacy-banner]").is_none(),
        "no banner from a refused policy"
    );
}

#[wasm_bindgen_test]
fn a_policy_object_is_accepted_like_its_json_text() {
    let object = js_sys::JSON::parse(MOHPROMPT_POLICY).unwrap();
    let mut privacy = Privacy::start(Some(
        options(&[("policy", object), ("storage", "memory".into())]).unchecked_into(),
    ))
    .unwrap();
    assert!(find("[data-privacy-banner]").is_some());
    privacy.destroy();
}

/// A deployment key of the keyed-hash operator: 32 bytes, the shortest allowed.
const HASH_KEY: &str = "0123456789abcdef0123456789abcdef";

#[wasm_bindgen_test]
fn a_short_hash_key_is_refused_without_showing_it() {
    let start_with = |key: &str| {
        Privacy::start(Some(
            options(&[("hashKey", key.into()), ("storage", "memory".into())]).unchecked_into(),
        ))
    };
    // Bytes of UTF-8, not characters: ten Thai letters are 30 bytes.
    for key in [&HASH_KEY[1..], "กขคฆงจฉชซฌ", ""] {
        let error = start_with(key).expect_err("refused");
        assert_eq!(code_of(&error), "options_invalid");
        assert_eq!(
            message_of(error),
            "hashKey: expected a string of at least 32 bytes (UTF-8)"
        );
        assert!(
            find("[data-privacy-banner]").is_none(),
            "no banner from a refused start"
        );
    }
    // Eleven Thai letters are 33 bytes.
    for key in [HASH_KEY, "กขคฆงจฉชซฌญ"] {
        start_with(key).expect("accepted").destroy();
    }
}

#[wasm_bindgen_test]
fn unknown_ids_are_refused_not_granted() {
    let mut privacy = start("en");
    assert!(privacy.set("marketing", true).is_err());
    assert!(!privacy.has_consent("marketing"));
    privacy.destroy();
}

#[wasm_bindgen_test]
fn activated_scripts_keep_src_async_defer_nonce_and_document_order() {
    let doc = document();
    let gated = |src: &str, extra: &[(&str, &str)]| {
        let script = doc.create_element("script").unwrap();
        script.set_attribute("type", "text/plain").unwrap();
        script
            .set_attribute("data-consent-category", "preferences")
            .unwrap();
        script.set_attribute("src", src).unwrap();
        for (name, value) in extra {
            script.set_attribute(name, value).unwrap();
        }
        doc.body().unwrap().append_child(&script).unwrap();
        script
    };
    let first = gated(
        "/gating-test/first.js",
        &[("defer", ""), ("nonce", "n0nce"), ("data-extra", "kept")],
    );
    let second = gated("/gating-test/second.js", &[("async", "")]);

    let mut privacy = start("en");
    assert!(
        find("script[src=\"/gating-test/first.js\"]:not([type])").is_none(),
        "ran before consent"
    );
    privacy.set("preferences", true).unwrap();

    let live: Vec<web_sys::HtmlScriptElement> = ["first", "second"]
        .iter()
        .map(|name| {
            let selector =
                format!("script[src=\"/gating-test/{name}.js\"]:not([type=\"text/plain\"])");
            find(&selector)
                .unwrap_or_else(|| panic!("{name} not activated"))
                .unchecked_into()
        })
        .collect();
    assert!(live[0].has_attribute("defer"));
    assert_eq!(live[0].nonce(), "n0nce");
    assert_eq!(live[0].get_attribute("data-extra").as_deref(), Some("kept"));
    assert!(
        !live[0].r#async(),
        "a script without async must keep document order"
    );
    assert!(live[1].r#async());
    // Document order: each real script follows its placeholder, first before second.
    let order = live[0].compare_document_position(&live[1]);
    assert_ne!(order & web_sys::Node::DOCUMENT_POSITION_FOLLOWING, 0);
    assert!(
        first.has_attribute("data-consent-activated")
            && second.has_attribute("data-consent-activated")
    );
    privacy.destroy();
    for script in [first, second] {
        script.remove();
    }
    for el in live {
        el.remove();
    }
}

#[wasm_bindgen_test]
fn a_dialog_closed_by_the_browser_can_be_opened_again() {
    // Android's back gesture closes a modal dialog natively, without a key event.
    let mut privacy = start("en");
    privacy.open_preferences();
    let first: web_sys::HtmlDialogElement = find("dialog[data-privacy-dialog]")
        .unwrap()
        .unchecked_into();
    first.close();
    privacy.open_preferences();
    let dialog: web_sys::HtmlDialogElement = find("dialog[data-privacy-dialog]")
        .expect("dialog opened again")
        .unchecked_into();
    assert!(dialog.open(), "the dialog did not open again");
    assert_eq!(
        document()
            .query_selector_all("dialog[data-privacy-dialog]")
            .unwrap()
            .length(),
        1
    );
    privacy.destroy();
}

#[wasm_bindgen_test]
fn asking_again_names_only_the_pending_category_and_what_changed() {
    let policy = MOHPROMPT_POLICY.replacen(
        "\"consent_mode\":[\"analytics_storage\"]",
        "\"consent_mode\":[\"analytics_storage\"], \"change_note\": {\"th\": \"เพิ่มการนับหน้าที่เปิด\", \"en\": \"Now also counts pages opened\"}",
        1,
    );
    assert_ne!(policy, MOHPROMPT_POLICY, "the edit did not apply");
    let options = options(&[
        ("policy", policy.into()),
        ("storage", "memory".into()),
        ("lang", "en".into()),
    ]);
    let mut privacy = Privacy::start(Some(options.unchecked_into())).unwrap();
    assert!(
        find(".mpp-reask").is_none(),
        "nothing was decided yet: a first question is not a re-ask"
    );
    privacy.set("preferences", true).unwrap();
    privacy.show_banner();
    let list =
        find("[data-privacy-banner] .mpp-reask").expect("the banner lists what is asked again");
    let text = list.text_content().unwrap();
    assert!(
        text.contains("Statistics") && text.contains("Now also counts pages opened"),
        "{text}"
    );
    assert!(
        !text.contains("Preference"),
        "a decided category is asked again: {text}"
    );
    click("[data-privacy-banner] [data-privacy-action=\"reject-all\"]");
    assert!(
        privacy.has_consent("preferences"),
        "rejecting the re-ask changed another decision"
    );
    assert!(!privacy.has_consent("statistics"));
    privacy.destroy();
}

// The LIFF SDK as the module sees it: duck-typed, so a plain object serves.
#[wasm_bindgen(inline_js = "export function fake_liff(userId) {
  return { isInClient: () => true, getOS: () => 'ios', getLanguage: () => 'en-US', getContext: () => ({ userId }) };
}")]
extern "C" {
    fn fake_liff(user_id: &str) -> JsValue;
}

#[wasm_bindgen_test]
fn inside_line_the_banner_is_a_sheet_and_requests_link_only_with_consent() {
    const USER_ID: &str = "U0123456789abcdef0123456789abcdef";
    let liff = fake_liff(USER_ID);
    let form = document().create_element("form").unwrap();
    form.set_attribute("data-privacy-form", "certificate")
        .unwrap();
    form.set_inner_html("<input name=date_of_birth value='1990-01-31'>");
    document().body().unwrap().append_child(&form).unwrap();
    let mut privacy = Privacy::start(Some(
        options(&[
            ("storage", "memory".into()),
            ("liff", liff),
            ("hashKey", HASH_KEY.into()),
        ])
        .unchecked_into(),
    ))
    .unwrap();

    let banner = find("[data-privacy-banner]").expect("banner shown");
    assert_eq!(
        banner.get_attribute("data-privacy-layout").as_deref(),
        Some("sheet")
    );
    assert_eq!(
        banner.get_attribute("data-privacy-os").as_deref(),
        Some("ios")
    );
    assert_eq!(banner.get_attribute("lang").as_deref(), Some("en"));

    let line_user = |privacy: &Privacy| {
        let prepared = privacy
            .prepare_submission(form.clone().unchecked_into())
            .unwrap();
        let payload = Reflect::get(&prepared, &"payload".into()).unwrap();
        Reflect::get(&payload, &"line_user".into())
            .unwrap()
            .as_string()
    };
    assert_eq!(line_user(&privacy), None, "no link before consent");
    privacy.set("line_link", true).unwrap();
    let expected = masking::keyed_hash(HASH_KEY.as_bytes(), masking::LINE_USER_ID, USER_ID);
    assert_eq!(line_user(&privacy).as_deref(), Some(expected.as_str()));
    privacy.withdraw("line_link").unwrap();
    assert_eq!(line_user(&privacy), None, "no link after withdrawal");

    privacy.destroy();
    form.remove();
}

// WebCrypto helpers of the sealing tests: RFC 9180's fixed ephemeral key
// and a recipient key pair.
#[wasm_bindgen(inline_js = "
const ecdh = { name: 'ECDH', namedCurve: 'P-256' };
const bytes = (hex) => Uint8Array.from(hex.match(/../g), (h) => parseInt(h, 16));
const b64 = (a) => btoa(String.fromCharCode(...a)).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
export async function vector_pair(skHex, pkHex) {
  const pk = bytes(pkHex);
  const jwk = { kty: 'EC', crv: 'P-256', x: b64(pk.slice(1, 33)), y: b64(pk.slice(33)) };
  const privateKey = await crypto.subtle.importKey('jwk', { ...jwk, d: b64(bytes(skHex)) }, ecdh, false, ['deriveBits']);
  const publicKey = await crypto.subtle.importKey('jwk', jwk, ecdh, true, []);
  return { privateKey, publicKey };
}
export async function recipient() {
  const pair = await crypto.subtle.generateKey(ecdh, false, ['deriveBits']);
  return { public_key: b64(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))) };
}
")]
extern "C" {
    fn vector_pair(sk_hex: &str, pk_hex: &str) -> js_sys::Promise;
    fn recipient() -> js_sys::Promise;
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

async fn resolved(promise: js_sys::Promise) -> Result<JsValue, JsValue> {
    wasm_bindgen_futures::JsFuture::from(promise).await
}

#[wasm_bindgen_test]
async fn sealing_matches_the_rfc_9180_test_vector() {
    // RFC 9180, A.3.1: DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM,
    // base mode, first encryption (sequence 0).
    const PK_RM: &str = "04fe8c19ce0905191ebc298a9245792531f26f0cece2460639e8bc39cb7f706a826a779b4cf969b8a0e539c7f62fb3d30ad6aa8f80e30f1d128aafd68a2ce72ea0";
    const SK_EM: &str = "4995788ef4b9d6132b249ce59a77281493eb39af373d236a1fe415cb0c2d7beb";
    const PK_EM: &str = "04a92719c6195d5085104f469a8b9814d5838ff72b60501e2c4466e5e67b325ac98536d7b61a1af4b78e5b7f951c0900be863c403ce65c9bfcb9382657222d18c4";
    const INFO: &str = "4f6465206f6e2061204772656369616e2055726e";
    const PT: &str = "4265617574792069732074727574682c20747275746820626561757479";
    const AAD: &str = "436f756e742d30";
    const CT: &str = "5ad590bb8baa577f8619db35a36311226a896e7342a6d836d8b7bcd2f20b6c7f9076ac232e3ab2523f39513434";

    let ephemeral = resolved(vector_pair(SK_EM, PK_EM)).await.unwrap();
    // The vector's info, plaintext and aad are ASCII text.
    let text = |hex_text: &str| String::from_utf8(hex(hex_text)).unwrap();
    let recipient = js_sys::Uint8Array::from(hex(PK_RM).as_slice());
    let aad = JsValue::from(text(AAD));
    let sealed = webcrypto::hpke_seal(
        "rfc9180",
        &recipient,
        &text(INFO),
        &text(PT),
        &aad,
        &ephemeral,
    );
    let sealed = resolved(sealed).await.unwrap().as_string().unwrap();
    let parts: Vec<&str> = sealed.split('.').collect();
    assert_eq!(parts[..2], ["hpke1", "rfc9180"]);
    assert_eq!(from_base64url(parts[2]), Some(hex(PK_EM)), "enc");
    assert_eq!(from_base64url(parts[3]), Some(hex(CT)), "ciphertext");
}

/// A form in the page, with `controls` (HTML), under `privacy`'s policy.
fn register_form(controls: &str) -> Element {
    let form = document().create_element("form").unwrap();
    form.set_attribute("data-privacy-form", "register").unwrap();
    form.set_inner_html(controls);
    document().body().unwrap().append_child(&form).unwrap();
    form
}

/// The `message` of an error thrown or rejected to JS.
fn message_of(error: JsValue) -> String {
    Reflect::get(&error, &"message".into())
        .unwrap()
        .as_string()
        .expect("an Error with a message")
}

/// The `code` of an error thrown or rejected to JS.
fn code_of(error: &JsValue) -> String {
    assert!(
        error.is_instance_of::<js_sys::Error>(),
        "an Error: {error:?}"
    );
    Reflect::get(error, &"code".into())
        .unwrap()
        .as_string()
        .expect("an Error with a code")
}

/// The bundled policy with `keys` as given.
fn policy_with_keys(keys: &JsValue) -> JsValue {
    let policy = js_sys::JSON::parse(MOHPROMPT_POLICY).unwrap();
    Reflect::set(&policy, &"keys".into(), keys).unwrap();
    policy
}

#[wasm_bindgen_test]
async fn a_form_seals_each_identifier_and_never_the_same_way_twice() {
    let recipient = resolved(recipient()).await.unwrap();
    let key = Object::new();
    Reflect::set(&key, &"kid".into(), &"reg-1".into()).unwrap();
    Reflect::set(&key, &"suite".into(), &SUITE.into()).unwrap();
    let public_key = Reflect::get(&recipient, &"public_key".into()).unwrap();
    Reflect::set(&key, &"public_key".into(), &public_key).unwrap();
    let policy = policy_with_keys(&js_sys::Array::of1(&key));
    let mut privacy = Privacy::start(Some(
        options(&[("storage", "memory".into()), ("policy", policy)]).unchecked_into(),
    ))
    .unwrap();
    privacy.set("contact", true).unwrap();
    let form = register_form(
        "<input name=given_name value='Somchai'><input name=national_id value='1-2345-45678-78-1'>\
         <input name=passport value='aa1234567'><input name=phone value='081 234 5678'>",
    );

    let error = privacy.prepare_submission(form.clone().unchecked_into());
    assert!(error.is_err(), "prepareSubmission cannot seal");
    assert_eq!(code_of(&error.unwrap_err()), "seal_required");
    let prepared = resolved(privacy.seal_submission(form.clone().unchecked_into()));
    let prepared = prepared.await.unwrap_or_else(|e| panic!("{e:?}"));
    let payload = Reflect::get(&prepared, &"payload".into()).unwrap();
    let field = |name: &str| Reflect::get(&payload, &name.into()).unwrap().as_string();
    assert_eq!(field("given_name").as_deref(), Some("Somchai"));

    // Opening them is the receiver's: tests/e2e/sealing.test.mjs opens them with
    // @hpke/core. Here: each is a sealed string to this key, and none shows its value.
    let expected = [
        ("national_id", "1234545678781"),
        ("passport", "AA1234567"),
        ("phone", "+66812345678"),
    ];
    for (name, plain) in expected {
        let sealed = field(name).unwrap_or_else(|| panic!("{name} is sent"));
        let parts: Vec<&str> = sealed.split('.').collect();
        assert_eq!(parts[..2], ["hpke1", "reg-1"], "{sealed}");
        assert_eq!(from_base64url(parts[2]).map(|enc| enc.len()), Some(65));
        // The plaintext and AES-GCM's 16-byte tag.
        let ciphertext = from_base64url(parts[3]).unwrap();
        assert_eq!(ciphertext.len(), plain.len() + 16, "{name}");
        assert!(!sealed.contains(&plain[3..]), "{name} leaks: {sealed}");
    }
    let national_id = field("national_id").unwrap();
    // Each seal has its own ephemeral key: the same ID never seals the same.
    let again = resolved(privacy.seal_submission(form.clone().unchecked_into()));
    let again = Reflect::get(&again.await.unwrap(), &"payload".into()).unwrap();
    let again = Reflect::get(&again, &"national_id".into()).unwrap();
    assert_ne!(again.as_string().unwrap(), national_id);

    privacy.destroy();
    form.remove();
}

#[wasm_bindgen_test]
async fn without_a_key_a_sealed_form_is_not_sent_and_says_why() {
    let policy = policy_with_keys(&js_sys::Array::new());
    let mut privacy = Privacy::start(Some(
        options(&[
            ("storage", "memory".into()),
            ("lang", "en".into()),
            ("policy", policy),
        ])
        .unchecked_into(),
    ))
    .unwrap();
    let form = register_form(
        "<input name=national_id value='1234545678781'><button type=submit data-privacy-submit>Send</button>",
    );
    let refused = resolved(privacy.seal_submission(form.clone().unchecked_into())).await;
    let refused = refused.unwrap_err();
    assert_eq!(code_of(&refused), "seal_no_key");
    assert_eq!(
        message_of(refused),
        "sealSubmission: the policy has no usable key to seal to"
    );
    privacy.attach_form(form.clone().unchecked_into()).unwrap();
    let status = form
        .query_selector("[data-privacy-form-status]")
        .unwrap()
        .unwrap();
    assert_eq!(
        status.text_content().as_deref(),
        Some(
            "Cannot send: the service's key for encrypting ID numbers is missing. Please try again later."
        ),
        "a sealed value already there is said at attach"
    );
    // Nothing sealed filled: nothing needs the key, so the form is not
    // blocked and its submission is prepared as it is.
    let empty = register_form(
        "<input name=national_id><button type=submit data-privacy-submit>Send</button>",
    );
    privacy.attach_form(empty.clone().unchecked_into()).unwrap();
    let status = empty
        .query_selector("[data-privacy-form-status]")
        .unwrap()
        .unwrap();
    assert_eq!(
        status.text_content().as_deref(),
        Some(""),
        "an empty form is not blocked"
    );
    let prepared = resolved(privacy.seal_submission(empty.clone().unchecked_into())).await;
    assert!(prepared.is_ok(), "sealSubmission of an empty form");
    privacy.destroy();
    form.remove();
    empty.remove();
}

#[wasm_bindgen_test]
fn every_error_page_code_can_catch_carries_a_stable_code() {
    let start_with = |pairs: &[(&str, JsValue)]| {
        let mut all = vec![("storage", JsValue::from("memory"))];
        all.extend(pairs.iter().cloned());
        Privacy::start(Some(options(&all).unchecked_into()))
    };
    let refused = |pairs: &[(&str, JsValue)]| code_of(&start_with(pairs).expect_err("refused"));
    assert_eq!(refused(&[("policy", "{".into())]), "policy_invalid");
    assert_eq!(refused(&[("lang", "fr".into())]), "lang_unknown");
    assert_eq!(refused(&[("storage", "disk".into())]), "options_invalid");
    assert_eq!(refused(&[("receiptEndpoint", 5.into())]), "options_invalid");

    let mut privacy = start("en");
    let code = |result: Result<(), JsValue>| code_of(&result.expect_err("refused"));
    assert_eq!(code(privacy.set("marketing", true)), "id_unknown");
    assert_eq!(code(privacy.withdraw("service")), "id_not_asked");
    let event = JsValue::from("click").unchecked_into();
    assert_eq!(
        code(privacy.on(event, js_sys::Function::new_no_args(""))),
        "event_unknown"
    );
    let stranger = document().create_element("form").unwrap();
    stranger.set_attribute("data-privacy-form", "nope").unwrap();
    assert_eq!(
        code(privacy.attach_form(stranger.clone().unchecked_into())),
        "form_unknown"
    );
    let prepared = privacy.prepare_submission(stranger.unchecked_into());
    assert_eq!(code_of(&prepared.expect_err("refused")), "form_unknown");
    assert_eq!(
        code_of(&mohprompt_privacy::mask_value("shoe_size", "42").expect_err("refused")),
        "kind_unknown"
    );
    privacy.destroy();

    // A deployment that keyed-hashes the national ID but set no key.
    let policy = js_sys::JSON::parse(MOHPROMPT_POLICY).unwrap();
    let register = Reflect::get(
        &Reflect::get(&policy, &"forms".into()).unwrap(),
        &"register".into(),
    );
    let fields: js_sys::Array = Reflect::get(&register.unwrap(), &"fields".into())
        .unwrap()
        .unchecked_into();
    for field in fields.iter() {
        if Reflect::get(&field, &"name".into()).unwrap() == "national_id" {
            Reflect::set(&field, &"operator".into(), &"keyed_hash".into()).unwrap();
        }
    }
    let mut privacy = start_with(&[("policy", policy)]).unwrap();
    let form = register_form("<input name=national_id value='1234545678781'>");
    let prepared = privacy.prepare_submission(form.clone().unchecked_into());
    let error = prepared.expect_err("no key, no keyed hash");
    assert_eq!(code_of(&error), "hash_key_missing");
    assert!(message_of(error).contains("hashKey"));
    privacy.destroy();
    form.remove();
}

/// The browser reads a policy through `JSON.parse` and serde-wasm-bindgen,
/// the CLI and the native tests through serde_json: the two must accept and
/// refuse the same documents, and name the same path and problem. Every
/// value of the bundled policy is replaced in turn by a value of another
/// type, and both readers are given the same text.
#[wasm_bindgen_test]
fn the_browser_and_the_native_reader_agree_on_every_edited_value() {
    use mohprompt_privacy::policy::Policy;
    use serde_json::Value;

    fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
        let children: Vec<(String, &Value)> = match value {
            Value::Object(map) => map
                .iter()
                .map(|(k, v)| (k.replace('~', "~0").replace('/', "~1"), v))
                .collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => Vec::new(),
        };
        for (key, child) in children {
            let pointer = format!("{at}/{key}");
            out.push(pointer.clone());
            pointers(child, pointer, out);
        }
    }

    let policy: Value = serde_json::from_str(MOHPROMPT_POLICY).unwrap();
    let mut all = Vec::new();
    pointers(&policy, String::new(), &mut all);
    let replacements = [
        Value::Null,
        serde_json::json!(1.5),
        serde_json::json!(""),
        serde_json::json!([]),
        serde_json::json!({}),
    ];
    let (mut accepted, mut refused) = (0, 0);
    let mut disagreements = Vec::new();
    for pointer in &all {
        for replacement in &replacements {
            let mut edited = policy.clone();
            *edited.pointer_mut(pointer).unwrap() = replacement.clone();
            let text = serde_json::to_string(&edited).unwrap();
            let browser = Policy::from_json(&text)
                .map(|_| ())
                .map_err(|e| e.to_string());
            let native = serde_json::from_str::<Value>(&text)
                .map_err(|e| e.to_string())
                .and_then(|tree| {
                    Policy::from_deserializer(tree)
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                });
            if browser != native {
                disagreements.push(format!(
                    "{pointer} = {replacement}: {browser:?} / {native:?}"
                ));
            }
            if browser.is_ok() {
                accepted += 1
            } else {
                refused += 1
            }
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements, first: {:#?}",
        disagreements.len(),
        &disagreements[..disagreements.len().min(40)]
    );
    // The edits must reach both outcomes, or the comparison proves little.
    assert!(
        accepted > 0 && refused > all.len(),
        "{accepted} accepted, {refused} refused"
    );
}
