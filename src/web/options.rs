//! `Privacy.start`'s options: their TypeScript types, their serde form, and
//! their checks, with the messages and codes page code sees.

use crate::i18n::Lang;
use crate::page::boundary::{error, stringify};
use crate::page::options as checks;
use crate::policy::{MOHPROMPT_POLICY, Policy, PolicyError};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// A `<form>` element.
    #[wasm_bindgen(typescript_type = "HTMLFormElement")]
    pub type HtmlFormElement;
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** A text in both of the page's languages. */
export interface PolicyText { th: string; en: string }
/** A cookie category of the policy (README "The policy"). */
export interface PolicyCategory {
  id: string;
  always_on?: boolean;
  revision: number;
  title: PolicyText;
  description: PolicyText;
  cookies?: string[];
  consent_mode?: ('ad_storage' | 'ad_user_data' | 'ad_personalization' | 'analytics_storage'
    | 'functionality_storage' | 'personalization_storage' | 'security_storage')[];
  change_note?: PolicyText;
}
/** A use of personal data the policy declares. */
export interface PolicyPurpose {
  id: string;
  legal_basis: LegalBasis;
  revision: number;
  title: PolicyText;
  description: PolicyText;
  fields: string[];
  retention: PolicyText;
  change_note?: PolicyText;
}
/** A field of a form the policy describes. */
export interface PolicyField {
  name: string;
  kind: 'title' | 'given_name' | 'family_name' | 'sex' | 'date_of_birth' | 'national_id'
    | 'passport' | 'nationality' | 'phone' | 'email' | 'address' | 'postal_code' | 'photo'
    | 'free_text';
  class: 'required' | 'optional' | 'one_of';
  group?: string;
  purposes: string[];
  why: PolicyText;
  operator: 'keep' | 'mask' | 'keyed_hash' | 'redact' | 'drop' | 'seal';
  allow_keep?: boolean;
  identifiers?: 'mask' | 'refuse';
}
/** A form that asks for personal data, under its `data-privacy-form` id. */
export interface PolicyForm {
  purposes: string[];
  reason?: string;
  groups?: { id: string; label: PolicyText }[];
  fields?: PolicyField[];
}
/**
 * The policy document, as `policy/mohprompt.json` is written and `mohprompt-privacy check`
 * checks it. Unknown keys are refused, as is a value of the wrong type, with its path.
 */
export interface PolicyDocument {
  version: string;
  controller: {
    name: PolicyText;
    address: PolicyText;
    phone: string;
    fax?: string;
    email: string;
    website: string;
    correction?: PolicyText;
  };
  policy_url: string;
  categories: PolicyCategory[];
  purposes?: PolicyPurpose[];
  forms?: Record<string, PolicyForm>;
  line?: { purpose: string; link: 'keyed_hash'; field: string };
  keys?: { kid: string; suite: string; public_key: string }[];
}
/** Options of `Privacy.start`; every one may be omitted. */
export interface PrivacyOptions {
  /** The policy, or its JSON text; omitted: the bundled Mor Prom policy. */
  policy?: PolicyDocument | string;
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
/** The state of a cookie category or purpose: `notice` is a purpose that rests on another legal basis than consent. */
export type DecisionState = 'granted' | 'denied' | 'unset' | 'notice';
/** State of each cookie category or purpose, by id. */
export type Decisions = Record<string, DecisionState>;
/** Events of `Privacy.on` (also dispatched on `document` as `privacy:<event>`). */
export type PrivacyEvent = keyof PrivacyEventMap;
/** The stable `code` of every `Error` the module throws or rejects with; messages may change. */
export type PrivacyErrorCode =
  | 'init_required' | 'module_loading' | 'no_dom'
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

/// `Privacy.start`'s options as given, each the JS value itself: a string
/// option is read with `as_string`, so a value of any other type is ignored
/// or refused with that option's own message. Unknown options are ignored;
/// a missing, `undefined` or `null` one is the default. Each is checked in
/// `start`, with the messages the contract's tests read.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Options {
    /// Policy object or JSON text.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    policy: JsValue,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    lang: JsValue,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    receipt_endpoint: JsValue,
    /// The LIFF object, duck-typed.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    liff: JsValue,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    hash_key: JsValue,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    storage: JsValue,
}

/// The options, checked.
pub struct Settings {
    pub policy: Policy,
    /// The policy text as loaded (receipts hash it).
    pub policy_text: String,
    pub lang: Lang,
    /// `false` for `storage: 'memory'`.
    pub persistent: bool,
    pub hash_key: Option<Vec<u8>>,
    /// Where receipts are POSTed.
    pub endpoint: Option<String>,
    /// The LIFF object, duck-typed; `undefined` outside LINE.
    pub liff: JsValue,
}

impl Settings {
    /// Reads and checks `options`; the error to throw where one cannot be used.
    pub fn read(options: Option<PrivacyOptions>) -> Result<Settings, JsValue> {
        let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        let options: Options = if options.is_object() {
            serde_wasm_bindgen::from_value(options)
                .map_err(|_| error("options_invalid", "options: expected an object"))?
        } else {
            Options::default()
        };
        let (policy, policy_text) = load_policy(&options.policy)?;
        let lang = checks::lang(&options.lang, &options.liff)?;
        let persistent = checks::persistent(&options.storage)?;
        let hash_key = checks::hash_key(&options.hash_key)?;
        let endpoint = checks::endpoint(&options.receipt_endpoint)?;

        Ok(Settings {
            policy,
            policy_text,
            lang,
            persistent,
            hash_key,
            endpoint,
            liff: options.liff,
        })
    }
}

/// The policy and the exact text it was read from (receipts hash it).
fn load_policy(value: &JsValue) -> Result<(Policy, String), JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok((Policy::mohprompt(), MOHPROMPT_POLICY.to_owned()));
    }
    let refused = |e: PolicyError| error(e.code(), &e.message());
    if let Some(text) = value.as_string() {
        // JSON.parse, then serde-wasm-bindgen.
        return Ok((Policy::from_json(&text).map_err(refused)?, text));
    }
    let text = stringify(value);
    let deserializer = serde_wasm_bindgen::Deserializer::from(value.clone());
    let policy = Policy::from_deserializer(deserializer).map_err(refused)?;
    Ok((policy, text))
}
