//! The privacy policy as data: controller, cookie categories, and (in later
//! versions) purposes and form fields. One JSON document, validated when
//! loaded; a bad document is refused with the path of the first bad value
//! (`Policy::check_json`, natively: of every bad value validation finds).

use crate::fields::{Field, FieldGroup};
use crate::masking::MaskOperator;
pub(crate) use crate::model::push_decimal;
use crate::seal::SealKey;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

mod load;

/// Re-exported from [`crate::model`], where the shared plain types live.
pub use crate::model::Text;

/// The policy bundled into the module: the Mor Prom default,
/// `policy/mohprompt.json` without the whitespace between tokens.
pub const MOHPROMPT_POLICY: &str = include_str!(concat!(env!("OUT_DIR"), "/mohprompt.json"));

/// Who is responsible for the data and how to reach them (guideline section 9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Controller {
    /// Name of the controlling office.
    pub name: Text,
    /// Postal address.
    pub address: Text,
    /// Telephone number.
    pub phone: String,
    /// Fax number, if the office has one.
    pub fax: Option<String>,
    /// E-mail address.
    pub email: String,
    /// Web site (https).
    pub website: String,
    /// How to get wrong data corrected (guideline section 7).
    pub correction: Option<Text>,
}

/// A cookie a category covers: an exact name, or every name with a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CookiePattern {
    /// Exactly this name.
    Exact(String),
    /// Any name starting with this (written `prefix*` in the policy).
    Prefix(String),
}

impl CookiePattern {
    /// Whether a cookie called `name` falls under this pattern.
    pub fn matches(&self, name: &str) -> bool {
        match self {
            CookiePattern::Exact(exact) => name == exact,
            CookiePattern::Prefix(prefix) => name.starts_with(prefix.as_str()),
        }
    }
}

/// The storage types of Google Consent Mode v2 a category may stand for.
pub const CONSENT_MODE_SIGNALS: [&str; 7] = [
    "ad_storage",
    "ad_user_data",
    "ad_personalization",
    "analytics_storage",
    "functionality_storage",
    "personalization_storage",
    "security_storage",
];

/// A cookie category the banner asks about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// Stable id, `[a-z0-9_]+`; also the value of `data-consent-category`.
    pub id: String,
    /// Strictly necessary: always on, shown but not asked.
    pub always_on: bool,
    /// Bumped when what the category covers changes; a decision made at
    /// another revision is asked again.
    pub revision: u32,
    /// Short title.
    pub title: Text,
    /// What the cookies do, in plain language.
    pub description: Text,
    /// The cookies this category sets; deleted when it is withdrawn.
    pub cookies: Vec<CookiePattern>,
    /// Consent Mode signals granted together with this category.
    pub consent_mode: Vec<&'static str>,
    /// One line on what changed, shown when the category is asked again.
    pub change_note: Option<Text>,
}

/// Why the service may use data for a purpose (PDPA sections 24 and 19).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegalBasis {
    /// The person's consent: asked, never assumed, withdrawable.
    Consent,
    /// Needed for a contract with the person.
    Contract,
    /// Required by law, e.g. log retention under the Computer Crime Act.
    LegalObligation,
    /// A task carried out in the public interest by the state.
    PublicTask,
    /// To protect someone's life or health.
    VitalInterest,
    /// The controller's legitimate interest.
    LegitimateInterest,
}

impl LegalBasis {
    /// Every basis, in the order of [`LegalBasis::index`].
    pub const ALL: [LegalBasis; 6] = [
        LegalBasis::Consent,
        LegalBasis::Contract,
        LegalBasis::LegalObligation,
        LegalBasis::PublicTask,
        LegalBasis::VitalInterest,
        LegalBasis::LegitimateInterest,
    ];

    /// The name the policy and receipts use.
    pub fn as_str(self) -> &'static str {
        match self {
            LegalBasis::Consent => "consent",
            LegalBasis::Contract => "contract",
            LegalBasis::LegalObligation => "legal_obligation",
            LegalBasis::PublicTask => "public_task",
            LegalBasis::VitalInterest => "vital_interest",
            LegalBasis::LegitimateInterest => "legitimate_interest",
        }
    }

    /// Position in [`LegalBasis::ALL`], for tables of labels.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A use of personal data the policy declares (guideline sections 2 to 6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purpose {
    /// Stable id, `[a-z0-9_]+`. A purpose with a cookie category's id shares
    /// that category's decision.
    pub id: String,
    /// Why the data may be used; only [`LegalBasis::Consent`] is asked.
    pub legal_basis: LegalBasis,
    /// Bumped when the purpose changes.
    pub revision: u32,
    /// Short title.
    pub title: Text,
    /// What is done, in plain language.
    pub description: Text,
    /// The kinds of data it uses (`phone`, `national_id`, `ip_address`, ...).
    pub fields: Vec<String>,
    /// How long the data is kept.
    pub retention: Text,
    /// One line on what changed, shown when it is asked again.
    pub change_note: Option<Text>,
    /// FNV-1a of everything the person was shown: a decision made about
    /// other content is asked again, even when nobody bumped `revision`.
    pub content_hash: u32,
}

impl Purpose {
    /// Whether the person is asked (consent), rather than told (a notice).
    pub fn asks_consent(&self) -> bool {
        self.legal_basis == LegalBasis::Consent
    }
}

/// A form that asks for personal data, as the policy describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// The value of the form's `data-privacy-form` attribute.
    pub id: String,
    /// The purposes the form's data serves: notices are shown, consent
    /// purposes asked, each on its own.
    pub purposes: Vec<String>,
    /// A consent purpose that is the form's own reason (a newsletter
    /// sign-up, say): only then may its box be required.
    pub reason: Option<String>,
    /// The fields it asks for, in the order the form shows them.
    pub fields: Vec<Field>,
    /// Its one-of groups.
    pub groups: Vec<FieldGroup>,
}

impl Form {
    /// The field declared for control `name`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The one-of group `id`.
    pub fn group(&self, id: &str) -> Option<&FieldGroup> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// The fields it seals to the receiver's key, in declaration order.
    pub fn sealed_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields
            .iter()
            .filter(|f| f.operator == MaskOperator::Seal)
    }
}

/// A loaded, validated policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Policy version; a decision made under another version is asked again.
    pub version: String,
    /// The data controller.
    pub controller: Controller,
    /// Where the full policy text is published.
    pub policy_url: String,
    /// Cookie categories, in the order the banner shows them.
    pub categories: Vec<Category>,
    /// Uses of personal data, in the order the privacy centre shows them.
    pub purposes: Vec<Purpose>,
    /// Forms that ask for personal data.
    pub forms: Vec<Form>,
    /// How a form's request is linked to the person's LINE account inside
    /// the LIFF mini-app; `None`: never linked.
    pub line: Option<LineLink>,
    /// The key fields with the `seal` operator are sealed to: the first of
    /// the policy's `keys` (newest first) of [`crate::seal::SUITE`]. The others are
    /// checked and left to the receiver, which still opens what was sealed
    /// to them. `None`: a form with sealed fields cannot be sent.
    pub seal_key: Option<SealKey>,
}

/// The link between a request and the LINE account it came from. LINE's
/// rules and the PDPA both make this a matter of consent: the payload gets
/// the keyed hash of the LINE userId only while `purpose` is granted and only
/// in forms that list `purpose`. The userId and display name never leave raw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineLink {
    /// The consent purpose that allows the link.
    pub purpose: String,
    /// The payload field that carries the keyed hash.
    pub field: String,
}

impl Policy {
    /// Parses and validates a policy document; a bad one is refused with
    /// its first problem (all of them: [`Policy::check_json`]).
    ///
    /// ```
    /// use mohprompt_privacy::policy::{Policy, MOHPROMPT_POLICY};
    /// let policy = Policy::from_json(MOHPROMPT_POLICY).unwrap();
    /// assert!(policy.category("necessary").unwrap().always_on);
    ///
    /// let broken = MOHPROMPT_POLICY.replacen("\"revision\":1", "\"revision\":0", 1);
    /// let err = Policy::from_json(&broken).unwrap_err();
    /// assert_eq!(err.to_string(), "categories[0].revision: must be a whole number from 1");
    /// ```
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
        Policy::check_json(text).map_err(first)
    }

    /// Parses and validates a policy document, refusing it with every
    /// problem validation finds, each with its path, in the document's
    /// order: what `mohprompt-privacy check` prints. A value of the wrong
    /// type, a missing or an unknown key (serde's part) is reported alone,
    /// as serde stops there; the checks after it (ids, links, cross
    /// references, keys) go on past a bad value, skipping only what depends
    /// on it. Native only: the browser needs the first problem.
    ///
    /// ```
    /// use mohprompt_privacy::policy::{Policy, MOHPROMPT_POLICY};
    /// let broken = MOHPROMPT_POLICY
    ///     .replacen("\"2026.11-1\"", "\"2026 11\"", 1)
    ///     .replacen("\"https://", "\"javascript://", 1);
    /// let problems = Policy::check_json(&broken).unwrap_err();
    /// let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    /// assert_eq!(paths, ["version", "controller.website"]);
    /// ```
    #[cfg(not(target_arch = "wasm32"))]
    pub fn check_json(text: &str) -> Result<Policy, Vec<PolicyError>> {
        let tree: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            // serde_json counts lines and columns; the byte is what it had read.
            let line_start: usize = text
                .split_inclusive('\n')
                .take(e.line().saturating_sub(1))
                .map(str::len)
                .sum();
            let mut problem = String::from("invalid JSON at byte ");
            push_decimal(&mut problem, (line_start + e.column()) as u64);
            problem.push_str(": ");
            if e.is_eof() {
                problem.push_str("unexpected end of input");
            } else {
                let message = e.to_string();
                let end = message.find(" at line ").unwrap_or(message.len());
                problem.push_str(&message[..end]);
            }
            alloc::vec![PolicyError {
                path: String::new(),
                problem,
            }]
        })?;
        Policy::load(tree)
    }

    /// Parses and validates a policy document: in the browser the text goes
    /// through `JSON.parse`, and the value through serde-wasm-bindgen.
    #[cfg(target_arch = "wasm32")]
    pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
        let value = js_sys::JSON::parse(text).map_err(|e| {
            let mut problem = String::from("invalid JSON: ");
            let message = js_sys::Reflect::get(&e, &"message".into()).ok();
            problem.push_str(&message.and_then(|m| m.as_string()).unwrap_or_default());
            PolicyError {
                path: String::new(),
                problem,
            }
        })?;
        Policy::from_deserializer(serde_wasm_bindgen::Deserializer::from(value))
    }

    /// Reads and validates a policy from any serde deserializer: a
    /// `serde_json::Value` natively, a `serde_wasm_bindgen::Deserializer` of
    /// the value `JSON.parse` gave in the browser. Type errors, missing and
    /// unknown keys name their path as the checks of [`Policy::from_json`] do.
    ///
    /// Duplicate keys in the text: the last one wins (at the first one's
    /// place), in the browser because `JSON.parse` reads them that way, and
    /// natively because [`Policy::from_json`] reads the text into a tree
    /// that does the same, so a policy means one thing on both.
    pub fn from_deserializer<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Policy, PolicyError> {
        Policy::load(deserializer).map_err(first)
    }

    /// Reads the document with serde (which stops at its first error), then
    /// validates it: every problem found, in the document's order.
    fn load<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Policy, Vec<PolicyError>> {
        let raw: load::Obj<load::RawPolicy> = serde_path_to_error::deserialize(deserializer)
            .map_err(|e| alloc::vec![load::serde_error(e)])?;
        load::validate(raw.0)
    }

    /// The bundled Mor Prom policy.
    pub fn mohprompt() -> Policy {
        // Covered by a unit test, so a bad bundled policy fails the build's tests.
        Policy::from_json(MOHPROMPT_POLICY).unwrap_or_else(|_| unreachable!())
    }

    /// The category with this id.
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// The purpose with this id.
    pub fn purpose(&self, id: &str) -> Option<&Purpose> {
        self.purposes.iter().find(|p| p.id == id)
    }

    /// The form with this id.
    pub fn form(&self, id: &str) -> Option<&Form> {
        self.forms.iter().find(|f| f.id == id)
    }

    /// What a decision about `id` is bound to: the category's revision, the
    /// purpose's content hash, or both mixed when they share the id. `None`
    /// when nothing with this id can be decided (unknown, always on, or a
    /// purpose that is a notice).
    ///
    /// ```
    /// use mohprompt_privacy::policy::Policy;
    /// let policy = Policy::mohprompt();
    /// assert_eq!(policy.revision_of("preferences"), Some(1));
    /// assert!(policy.revision_of("contact").is_some());
    /// assert_eq!(policy.revision_of("logs"), None);
    /// assert_eq!(policy.revision_of("necessary"), None);
    /// ```
    pub fn revision_of(&self, id: &str) -> Option<u32> {
        let category = self.category(id);
        let purpose = self.purpose(id);
        if category.is_some_and(|c| c.always_on) || purpose.is_some_and(|p| !p.asks_consent()) {
            return None;
        }
        match (category, purpose) {
            (Some(c), None) => Some(c.revision),
            (None, Some(p)) => Some(p.content_hash.max(1)),
            (Some(c), Some(p)) => Some((p.content_hash ^ c.revision.rotate_left(16)).max(1)),
            (None, None) => None,
        }
    }
}

/// The first of a refused document's problems (there is always one).
fn first(problems: Vec<PolicyError>) -> PolicyError {
    problems
        .into_iter()
        .next()
        .unwrap_or_else(|| unreachable!())
}

/// A policy value that is missing, of the wrong type, or out of bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    /// Where, e.g. `categories[2].title.th`; empty for the document itself.
    pub path: String,
    /// What is wrong, e.g. `missing`.
    pub problem: String,
}

impl PolicyError {
    /// The stable code page code can match on: every bad policy is `policy_invalid`.
    pub fn code(&self) -> &'static str {
        "policy_invalid"
    }

    /// `path: problem`, or `policy: problem` for the document as a whole.
    pub fn message(&self) -> String {
        let mut message = if self.path.is_empty() {
            String::from("policy")
        } else {
            self.path.clone()
        };
        message.push_str(": ");
        message.push_str(&self.problem);
        message
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for PolicyError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::{FieldClass, FieldKind, OnIdentifier};
    use crate::i18n::Lang;
    use crate::masking::MaskOperator;
    use crate::seal;

    fn with(edit: impl FnOnce(&mut String)) -> Result<Policy, PolicyError> {
        let mut text = MINIMAL.to_owned();
        edit(&mut text);
        Policy::from_json(&text)
    }

    fn error(edit: impl FnOnce(&mut String)) -> String {
        with(edit).unwrap_err().to_string()
    }

    const MINIMAL: &str = r#"{
      "version": "2026.11-1",
      "controller": {
        "name": {"th": "กลุ่มดิจิทัลสุขภาพ", "en": "Digital Health Group"},
        "address": {"th": "นนทบุรี 11000", "en": "Nonthaburi 11000"},
        "phone": "02 590 1000", "email": "dpo@example.go.th", "website": "https://example.go.th"
      },
      "policy_url": "https://example.go.th/privacy",
      "categories": [
        {"id": "necessary", "always_on": true, "revision": 1,
         "title": {"th": "จำเป็น", "en": "Necessary"},
         "description": {"th": "ทำให้เว็บทำงาน", "en": "Keeps the site working"},
         "cookies": ["mp_consent"], "consent_mode": ["security_storage"]},
        {"id": "preferences", "revision": 1,
         "title": {"th": "การตั้งค่า", "en": "Preferences"},
         "description": {"th": "จำภาษา", "en": "Remembers language"}},
        {"id": "statistics", "revision": 2,
         "title": {"th": "สถิติ", "en": "Statistics"},
         "description": {"th": "นับการเข้าชม", "en": "Counts visits"},
         "cookies": ["_ga", "_ga_*"], "consent_mode": ["analytics_storage"]}
      ],
      "purposes": [
        {"id": "service", "legal_basis": "public_task", "revision": 1,
         "title": {"th": "ให้บริการ", "en": "Service"},
         "description": {"th": "ลงทะเบียน", "en": "Registration"},
         "fields": ["national_id"], "retention": {"th": "ตลอดการให้บริการ", "en": "While served"}},
        {"id": "contact", "legal_basis": "consent", "revision": 1,
         "title": {"th": "ติดต่อ", "en": "Contact"},
         "description": {"th": "แจ้งนัด", "en": "Appointment reminders"},
         "fields": ["phone"], "retention": {"th": "จนกว่าจะยกเลิก", "en": "Until withdrawn"}}
      ],
      "forms": {"register": {
        "purposes": ["service", "contact"],
        "groups": [{"id": "identity", "label": {"th": "อย่างใดอย่างหนึ่ง", "en": "One of the two"}}],
        "fields": [
          {"name": "national_id", "kind": "national_id", "class": "one_of", "group": "identity",
           "purposes": ["service"], "why": {"th": "ยืนยันตัวตน", "en": "Identity"}, "operator": "mask"},
          {"name": "passport", "kind": "passport", "class": "one_of", "group": "identity",
           "purposes": ["service"], "why": {"th": "ยืนยันตัวตน", "en": "Identity"}, "operator": "mask"},
          {"name": "phone", "kind": "phone", "class": "optional",
           "purposes": ["contact"], "why": {"th": "แจ้งนัด", "en": "Reminders"}, "operator": "mask"}
        ]
      }}
    }"#;

    #[test]
    fn the_newest_p256_key_is_sealed_to_and_every_key_is_checked() {
        const P256: &str = "BKkXGcYZXVCFEE9GmouYFNWDj_crYFAeLERm5eZ7MlrJhTbXthoa9LeOW3-VHAkAvoY8QDzmXJv8uTgmVyItGMQ";
        let keys = |list: String| {
            move |t: &mut String| {
                *t = t.replacen(r#""forms""#, &format!(r#""keys": [{list}], "forms""#), 1)
            }
        };
        let key = |kid: &str, suite: &str, public_key: &str| {
            format!(r#"{{"kid": "{kid}", "suite": "{suite}", "public_key": "{public_key}"}}"#)
        };
        let x25519 = "DHKEM(X25519, HKDF-SHA256)/HKDF-SHA256/AES-128-GCM";

        assert_eq!(
            Policy::mohprompt().seal_key,
            None,
            "a deployment publishes its own key"
        );
        let three = format!(
            "{}, {}, {}",
            key("next", x25519, "AAAA"),
            key("reg-2026", seal::SUITE, P256),
            key("reg-2025", seal::SUITE, P256)
        );
        let sealed_to = with(keys(three)).unwrap().seal_key.expect("a P-256 key");
        assert_eq!(sealed_to.kid, "reg-2026", "the newest key of this suite");
        assert_eq!(sealed_to.public_key.len(), 65);
        assert_eq!(sealed_to.public_key[0], 4);

        let cases = [
            (
                key("a.b", seal::SUITE, P256),
                "keys[0].kid: use 1 to 64 of A-Z a-z 0-9 _ -",
            ),
            (
                key("k", seal::SUITE, "BKkX+cYZ"),
                "keys[0].public_key: not base64url without padding",
            ),
            (
                format!(
                    "{}, {}",
                    key("k", seal::SUITE, P256),
                    key("k2", seal::SUITE, &P256[..40])
                ),
                "keys[1].public_key: a P-256 public key is an uncompressed point of 65 bytes",
            ),
        ];
        for (list, expected) in cases {
            assert_eq!(error(keys(list)), expected);
        }
    }

    #[test]
    fn a_line_link_names_a_consent_purpose_and_a_free_field_name() {
        let bundled = Policy::mohprompt();
        let link = bundled
            .line
            .as_ref()
            .expect("the bundled policy links LIFF requests");
        assert_eq!(link.field, "line_user");
        assert!(
            bundled
                .form("certificate")
                .unwrap()
                .purposes
                .contains(&link.purpose)
        );

        let add = |line: &'static str| {
            move |t: &mut String| {
                *t = t.replacen(r#""forms""#, &format!(r#""line": {line}, "forms""#), 1)
            }
        };
        assert!(
            with(add(
                r#"{"purpose": "contact", "link": "keyed_hash", "field": "line_user"}"#
            ))
            .is_ok()
        );
        assert_eq!(
            error(add(
                r#"{"purpose": "service", "link": "keyed_hash", "field": "line_user"}"#
            )),
            "line.purpose: must be a consent purpose"
        );
        assert_eq!(
            error(add(
                r#"{"purpose": "contact", "link": "user_id", "field": "line_user"}"#
            )),
            "line.link: expected \"keyed_hash\""
        );
        assert_eq!(
            error(add(
                r#"{"purpose": "contact", "link": "keyed_hash", "field": "phone"}"#
            )),
            "line.field: is already the name of a form field"
        );
        assert_eq!(
            error(add(r#"{"purpose": "contact", "link": "keyed_hash"}"#)),
            "line.field: missing"
        );
    }

    #[test]
    fn the_bundled_mohprompt_policy_loads() {
        let policy = Policy::from_json(MOHPROMPT_POLICY).expect("bundled policy is valid");
        let ids: Vec<&str> = policy.categories.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["necessary", "preferences", "statistics"]);
        assert!(policy.category("necessary").unwrap().always_on);
        assert!(!policy.category("statistics").unwrap().always_on);
        assert!(policy.controller.address.th.contains("11000"));
    }

    #[test]
    fn reads_categories_with_cookie_patterns_and_signals() {
        let policy = with(|_| {}).unwrap();
        let stats = policy.category("statistics").unwrap();
        assert_eq!(stats.revision, 2);
        assert!(stats.cookies.iter().any(|p| p.matches("_ga_ABC123")));
        assert!(stats.cookies.iter().any(|p| p.matches("_ga")));
        assert!(!stats.cookies.iter().any(|p| p.matches("_gat")));
        assert_eq!(stats.consent_mode, ["analytics_storage"]);
        assert_eq!(stats.title.get(Lang::En), "Statistics");
    }

    #[test]
    fn a_missing_text_names_its_path() {
        let err = error(|t| {
            *t = t.replace(
                r#""title": {"th": "สถิติ", "en": "Statistics"}"#,
                r#""title": {"en": "Statistics"}"#,
            )
        });
        assert_eq!(err, "categories[2].title.th: missing");
    }

    #[test]
    fn a_value_of_the_wrong_type_names_its_path_and_types() {
        let err = error(|t| *t = t.replace(r#""revision": 2"#, r#""revision": "2""#));
        assert_eq!(err, "categories[2].revision: must be a whole number from 1");
        let err = error(|t| *t = t.replace(r#""phone": "02 590 1000""#, r#""phone": 25901000"#));
        assert_eq!(err, "controller.phone: expected a string, found a number");
        let err =
            error(|t| *t = t.replace(r#""cookies": ["_ga", "_ga_*"]"#, r#""cookies": "_ga""#));
        assert_eq!(
            err,
            "categories[2].cookies: expected an array, found a string"
        );
    }

    #[test]
    fn unknown_keys_are_refused_so_typos_do_not_pass() {
        let err = error(|t| *t = t.replace(r#""always_on": true"#, r#""alwayson": true"#));
        assert_eq!(err, "categories[0].alwayson: unknown key");
    }

    #[test]
    fn ids_must_be_unique_and_plain() {
        let err = error(|t| *t = t.replace(r#""id": "preferences""#, r#""id": "statistics""#));
        assert_eq!(err, "categories[2].id: duplicate id");
        let err = error(|t| *t = t.replace(r#""id": "preferences""#, r#""id": "Pref|x""#));
        assert_eq!(err, "categories[1].id: use 1 to 32 of a-z 0-9 _");
    }

    #[test]
    fn a_policy_without_a_necessary_category_is_refused() {
        let err = error(|t| *t = t.replace(r#""always_on": true,"#, ""));
        assert_eq!(
            err,
            "categories: needs an always_on category for strictly necessary cookies"
        );
    }

    #[test]
    fn links_must_be_https_or_same_site() {
        let err = error(|t| *t = t.replace("https://example.go.th/privacy", "javascript:alert(1)"));
        assert_eq!(err, alloc::format!("policy_url: {LINK_RULE}"));
        let err = error(|t| *t = t.replace("https://example.go.th/privacy", "//evil.example"));
        assert_eq!(err, alloc::format!("policy_url: {LINK_RULE}"));
    }

    const LINK_RULE: &str =
        "must start with https:// or one /, with no backslash or control character";

    /// The policy with `policy_url` set to `link` (written as a JSON string).
    fn with_policy_url(link: &str) -> Result<Policy, PolicyError> {
        let mut quoted = String::new();
        for c in link.chars() {
            match c {
                '\\' => quoted.push_str("\\\\"),
                '"' => quoted.push_str("\\\""),
                c if c.is_ascii_control() => {
                    quoted.push_str("\\u00");
                    let b = c as u8;
                    quoted.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
                    quoted.push(char::from(b"0123456789abcdef"[usize::from(b & 0xf)]));
                }
                c => quoted.push(c),
            }
        }
        with(|t| *t = t.replace("https://example.go.th/privacy", &quoted))
    }

    #[test]
    fn links_to_another_site_in_disguise_are_refused() {
        for link in [
            // Scheme-relative: another host.
            "//evil.example",
            " //evil.example",
            "\u{a0}/evil.example",
            // A backslash is read as a slash.
            "/\\evil.example",
            "\\\\evil.example",
            "\\/evil.example",
            "/privacy\\..\\\\evil.example",
            // Tabs and newlines are dropped anywhere, control characters trimmed.
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "\t//evil.example",
            "\u{0}/privacy",
            "\u{1f}https://example.go.th",
            // Any scheme but https.
            "javascript:alert(1)",
            " javascript:alert(1)",
            "\tjavascript:alert(1)",
            "JavaScript:alert(1)",
            "java\nscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "http://example.go.th/privacy",
            "https:/evil.example",
            "privacy",
        ] {
            let err = with_policy_url(link).unwrap_err();
            assert_eq!(err.path, "policy_url", "{link:?}");
            assert_eq!(
                err.to_string(),
                alloc::format!("policy_url: {LINK_RULE}"),
                "{link:?}"
            );
        }
        let err = error(|t| *t = t.replace("\"https://example.go.th\"", "\"/\\\\evil.example\""));
        assert_eq!(err, alloc::format!("controller.website: {LINK_RULE}"));
    }

    #[test]
    fn same_site_paths_and_https_links_are_kept() {
        for link in [
            "/privacy",
            "/privacy?lang=en#cookies",
            "/",
            "https://example.go.th/privacy",
        ] {
            assert_eq!(with_policy_url(link).unwrap().policy_url, link);
        }
    }

    #[test]
    fn versions_and_cookie_names_are_checked() {
        let err = error(|t| *t = t.replace("2026.11-1", "2026 11|1"));
        assert_eq!(err, "version: use 1 to 32 of A-Z a-z 0-9 . _ -");
        let err = error(|t| *t = t.replace(r#""_ga_*""#, r#""bad;name""#));
        assert_eq!(
            err,
            "categories[2].cookies[1]: not a cookie name (a trailing * matches a prefix)"
        );
        let err = error(|t| *t = t.replace(r#"["analytics_storage"]"#, r#"["analytics"]"#));
        assert_eq!(
            err,
            "categories[2].consent_mode[0]: not a Consent Mode v2 signal"
        );
    }

    #[test]
    fn purposes_and_forms_are_read() {
        let policy = with(|_| {}).unwrap();
        let contact = policy.purpose("contact").unwrap();
        assert!(contact.asks_consent());
        assert!(!policy.purpose("service").unwrap().asks_consent());
        assert_eq!(contact.fields, ["phone"]);
        let form = policy.form("register").unwrap();
        assert_eq!(form.purposes, ["service", "contact"]);
        assert_eq!(form.reason, None);
    }

    #[test]
    fn bad_purposes_and_forms_name_their_path() {
        let err =
            error(|t| *t = t.replace(r#""legal_basis": "consent""#, r#""legal_basis": "opt_out""#));
        assert!(
            err.starts_with("purposes[1].legal_basis: expected consent,"),
            "{err}"
        );
        let err =
            error(|t| *t = t.replace(r#"["service", "contact"]"#, r#"["service", "marketing"]"#));
        assert_eq!(
            err,
            "forms.register.purposes[1]: not a purpose of this policy"
        );
        let err =
            error(|t| *t = t.replacen(r#""contact"],"#, r#""contact"], "reason": "service","#, 1));
        assert_eq!(
            err,
            "forms.register.reason: must be a consent purpose listed in purposes"
        );
        let shared = with(|t| *t = t.replace(r#""contact""#, r#""statistics""#));
        assert!(
            shared.is_ok(),
            "a consent purpose may share a category's id: {shared:?}"
        );
        let err = error(|t| {
            *t = t.replace(r#""id": "service""#, r#""id": "statistics""#);
        });
        assert!(
            err.starts_with("purposes[0].id: shares a category's id"),
            "{err}"
        );
    }

    #[test]
    fn field_declarations_are_read() {
        let policy = with(|_| {}).unwrap();
        let form = policy.form("register").unwrap();
        let phone = form.field("phone").unwrap();
        assert_eq!(phone.kind, FieldKind::Phone);
        assert_eq!(phone.class, FieldClass::Optional);
        assert_eq!(phone.operator, MaskOperator::Mask);
        assert_eq!(
            form.field("passport").unwrap().class,
            FieldClass::OneOf("identity".into())
        );
        assert_eq!(form.group("identity").unwrap().label.en, "One of the two");
    }

    #[test]
    fn bad_field_declarations_name_their_path() {
        let cases = [
            (
                (r#""kind": "phone""#, r#""kind": "telephone""#),
                "forms.register.fields[2].kind: not a field kind",
            ),
            (
                (r#""class": "optional""#, r#""class": "maybe""#),
                "forms.register.fields[2].class: expected required, optional or one_of",
            ),
            (
                (
                    r#""purposes": ["contact"], "why""#,
                    r#""purposes": ["news"], "why""#,
                ),
                "forms.register.fields[2].purposes[0]: not one of the form's purposes",
            ),
            (
                (
                    r#""purposes": ["contact"], "why""#,
                    r#""purposes": [], "why""#,
                ),
                "forms.register.fields[2].purposes: name at least one purpose: data is asked for a reason",
            ),
            (
                (
                    r#""operator": "mask"}
        ]"#,
                    r#""operator": "hide"}
        ]"#,
                ),
                "forms.register.fields[2].operator: expected keep, mask, keyed_hash, redact, drop or seal",
            ),
            (
                (
                    r#""group": "identity",
           "purposes": ["service"], "why": {"th": "ยืนยันตัวตน", "en": "Identity"}, "operator": "mask"},
          {"name": "passport""#,
                    r#""group": "ids",
           "purposes": ["service"], "why": {"th": "ยืนยันตัวตน", "en": "Identity"}, "operator": "mask"},
          {"name": "passport""#,
                ),
                "forms.register.fields[0].group: not a group of this form",
            ),
            (
                (r#""name": "phone""#, r#""name": "passport""#),
                "forms.register.fields[2].name: duplicate name",
            ),
        ];
        for ((from, to), expected) in cases {
            let text = MINIMAL.replacen(from, to, 1);
            assert_ne!(text, MINIMAL, "the edit to {to} did not apply");
            let err = Policy::from_json(&text).unwrap_err().to_string();
            assert_eq!(err, expected);
        }
    }

    #[test]
    fn identifiers_are_never_kept_raw_unless_the_field_says_so() {
        let keep = r#""operator": "keep"}
        ]"#;
        let raw = MINIMAL.replacen(
            r#""operator": "mask"}
        ]"#,
            keep,
            1,
        );
        let err = Policy::from_json(&raw).unwrap_err().to_string();
        assert_eq!(
            err,
            "forms.register.fields[2].operator: a national ID, passport or phone is never sent raw unless the field sets allow_keep"
        );
        let allowed = raw.replacen(
            keep,
            r#""operator": "keep", "allow_keep": true}
        ]"#,
            1,
        );
        assert!(Policy::from_json(&allowed).is_ok());
    }

    #[test]
    fn a_field_says_what_the_leak_scan_does_with_an_identifier_in_it() {
        let mask = r#""operator": "mask"}
        ]"#;
        let on_phone = |rule: &str| {
            let mut edited = String::from(r#""operator": "mask", "identifiers": ""#);
            edited.push_str(rule);
            edited.push_str("\"}\n        ]");
            MINIMAL.replacen(mask, &edited, 1)
        };
        let err = Policy::from_json(&on_phone("refuse"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "forms.register.fields[2].identifiers: only a field that is not itself an identifier is scanned for identifiers"
        );
        let err = Policy::from_json(&on_phone("hide"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "forms.register.fields[2].identifiers: expected mask or refuse"
        );
        let address = r#""name":"address","#;
        let refusing =
            MOHPROMPT_POLICY.replacen(address, r#""name":"address","identifiers":"refuse","#, 1);
        assert_ne!(refusing, MOHPROMPT_POLICY);
        let policy = Policy::from_json(&refusing).unwrap();
        let form = policy.form("register").unwrap();
        assert_eq!(
            form.field("address").unwrap().identifiers,
            OnIdentifier::Refuse
        );
        assert_eq!(form.field("note").unwrap().identifiers, OnIdentifier::Mask);
    }

    #[test]
    fn a_purpose_is_bound_to_everything_it_shows() {
        let base = with(|_| {}).unwrap().revision_of("contact").unwrap();
        let edits = [
            (
                r#""Appointment reminders""#,
                r#""Appointment reminders and news""#,
            ),
            (r#""fields": ["phone"]"#, r#""fields": ["phone", "email"]"#),
            (r#""Until withdrawn""#, r#""Two years""#),
        ];
        for (from, to) in edits {
            let changed = with(|t| *t = t.replace(from, to)).unwrap();
            assert_ne!(changed.revision_of("contact"), Some(base), "{to}");
            assert_eq!(changed.revision_of("preferences"), Some(1));
        }
    }

    #[test]
    fn empty_texts_and_broken_json_are_refused() {
        let err = error(|t| *t = t.replace(r#""en": "Counts visits""#, r#""en": "  ""#));
        assert_eq!(err, "categories[2].description.en: must not be empty");
        let err = Policy::from_json("{\"version\": ").unwrap_err().to_string();
        assert_eq!(
            err,
            "policy: invalid JSON at byte 12: unexpected end of input"
        );
        let err = Policy::from_json("[]").unwrap_err().to_string();
        assert_eq!(err, "policy: expected an object, found an array");
    }

    #[test]
    fn broken_policies_name_their_path_through_serde() {
        // Shape errors come from serde (with serde_path_to_error's path in the
        // policy's notation); the rest from the validation after it.
        let cases = [
            (
                r#""revision": 2"#,
                r#""revision": 2.5"#,
                "categories[2].revision: must be a whole number from 1",
            ),
            (
                r#""revision": 2"#,
                r#""revision": null"#,
                "categories[2].revision: must be a whole number from 1",
            ),
            (
                r#""phone": "02 590 1000""#,
                r#""phone": null"#,
                "controller.phone: expected a string, found null",
            ),
            (
                r#""phone": "02 590 1000", "#,
                r#""phone": "02 590 1000", "fax": null, "#,
                "controller.fax: expected a string, found null",
            ),
            (
                r#""always_on": true"#,
                r#""always_on": "yes""#,
                "categories[0].always_on: expected a boolean, found a string",
            ),
            (
                r#""title": {"th": "สถิติ", "en": "Statistics"}"#,
                r#""title": ["สถิติ", "Statistics"]"#,
                "categories[2].title: expected an object, found an array",
            ),
            (
                r#""forms": {"register""#,
                r#""forms": {"Register""#,
                "forms.Register: a form id uses 1 to 32 of a-z 0-9 _ -",
            ),
            (
                r#""class": "optional","#,
                r#""class": "optional", "colour": "red","#,
                "forms.register.fields[2].colour: unknown key",
            ),
            (
                r#""operator": "mask"}
        ]"#,
                r#""operator": ""}
        ]"#,
                "forms.register.fields[2].operator: must not be empty",
            ),
            (
                r#""kind": "phone", "class": "optional""#,
                r#""kind": "phone", "class": "one_of""#,
                "forms.register.fields[2].group: missing",
            ),
        ];
        for (from, to, expected) in cases {
            let text = MINIMAL.replacen(from, to, 1);
            assert_ne!(text, MINIMAL, "the edit to {to} did not apply");
            let err = Policy::from_json(&text).unwrap_err();
            assert_eq!(err.to_string(), expected);
            assert_eq!(err.code(), "policy_invalid");
        }
    }

    /// `check`'s view: every problem at once (native only, as is
    /// [`Policy::check_json`]).
    #[cfg(not(target_arch = "wasm32"))]
    mod every_problem {
        use super::*;

        /// Every problem [`Policy::check_json`] reports, as `path: problem`.
        fn problems(edits: &[(&str, &str)]) -> Vec<String> {
            let mut text = MINIMAL.to_owned();
            for (from, to) in edits {
                let edited = text.replacen(from, to, 1);
                assert_ne!(edited, text, "the edit to {to} did not apply");
                text = edited;
            }
            let refused = Policy::check_json(&text).unwrap_err();
            refused.iter().map(PolicyError::to_string).collect()
        }

        #[test]
        fn every_independent_problem_is_reported_with_its_path_in_document_order() {
            let found = problems(&[
                (r#""2026.11-1""#, r#""2026 11""#),
                (r#""_ga_*""#, r#""bad;name""#),
                (
                    r#""Reminders"}, "operator": "mask""#,
                    r#""Reminders"}, "operator": "hide""#,
                ),
            ]);
            assert_eq!(
                found,
                [
                    "version: use 1 to 32 of A-Z a-z 0-9 . _ -",
                    "categories[2].cookies[1]: not a cookie name (a trailing * matches a prefix)",
                    "forms.register.fields[2].operator: expected keep, mask, keyed_hash, redact, drop or seal",
                ]
            );
            // The browser's path reports the first of them, as it always did.
            let text = MINIMAL
                .replacen(r#""2026.11-1""#, r#""2026 11""#, 1)
                .replacen(r#""_ga_*""#, r#""bad;name""#, 1);
            assert_eq!(
                Policy::from_json(&text).unwrap_err().to_string(),
                "version: use 1 to 32 of A-Z a-z 0-9 . _ -"
            );
        }

        #[test]
        fn problems_inside_one_item_are_all_reported_and_its_siblings_are_still_checked() {
            let found = problems(&[
                (r#""id": "preferences""#, r#""id": "Prefs""#),
                (
                    r#""consent_mode": ["analytics_storage"]"#,
                    r#""consent_mode": ["analytics"]"#,
                ),
                (
                    r#""kind": "phone", "class": "optional""#,
                    r#""kind": "telephone", "class": "maybe""#,
                ),
            ]);
            assert_eq!(
                found,
                [
                    "categories[1].id: use 1 to 32 of a-z 0-9 _",
                    "categories[2].consent_mode[0]: not a Consent Mode v2 signal",
                    "forms.register.fields[2].kind: not a field kind",
                    "forms.register.fields[2].class: expected required, optional or one_of",
                ]
            );
        }

        #[test]
        fn what_follows_from_a_bad_value_is_not_reported_again() {
            // A purpose with an unknown legal basis is still the form's purpose
            // and a consent purpose for the checks after it.
            let found = problems(&[
                (r#""legal_basis": "consent""#, r#""legal_basis": "opt_in""#),
                (r#""contact"],"#, r#""contact"], "reason": "contact","#),
            ]);
            assert_eq!(found.len(), 1, "{found:?}");
            assert!(found[0].starts_with("purposes[1].legal_basis: expected consent,"));
            // A purpose the form lists in error is not refused again in its fields.
            let found = problems(&[
                (r#"["service", "contact"]"#, r#"["service", "contacts"]"#),
                (
                    r#""purposes": ["contact"], "why""#,
                    r#""purposes": ["contacts"], "why""#,
                ),
            ]);
            assert_eq!(
                found,
                ["forms.register.purposes[1]: not a purpose of this policy"]
            );
            // Fields of unknown class leave their group's emptiness unknown.
            let found = problems(&[
                (r#""class": "one_of""#, r#""class": "either""#),
                (r#""class": "one_of""#, r#""class": "either""#),
            ]);
            assert_eq!(
                found,
                [
                    "forms.register.fields[0].class: expected required, optional or one_of",
                    "forms.register.fields[1].class: expected required, optional or one_of",
                ]
            );
        }

        #[test]
        fn a_value_of_the_wrong_type_is_reported_alone_as_serde_stops_there() {
            let found = problems(&[
                (r#""2026.11-1""#, r#""2026 11""#),
                (r#""revision": 2"#, r#""revision": "2""#),
                (r#""_ga_*""#, r#""bad;name""#),
            ]);
            assert_eq!(
                found,
                ["categories[2].revision: must be a whole number from 1"]
            );
        }
    }

    #[test]
    fn the_bundled_policy_loads_through_serde_from_a_tree_too() {
        let tree: serde_json::Value = serde_json::from_str(MOHPROMPT_POLICY).unwrap();
        let policy = Policy::from_deserializer(tree).expect("the bundled policy is valid");
        assert_eq!(policy, Policy::mohprompt());
        assert!(policy.form("register").is_some());
    }

    #[test]
    fn a_duplicate_key_means_its_last_value_as_json_parse_reads_it() {
        let text = MINIMAL.replacen(
            r#""version": "2026.11-1","#,
            r#""version": "bad version", "version": "2026.11-2","#,
            1,
        );
        assert_eq!(Policy::from_json(&text).unwrap().version, "2026.11-2");
    }
}
