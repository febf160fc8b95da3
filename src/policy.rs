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

pub use load::Source as BannerSource;

/// Re-exported from [`crate::model`], where the shared plain types live.
pub use crate::model::Text;

/// The policy bundled into the module: the Mor Prom default,
/// `policy/mohprompt.json` without the whitespace between tokens.
pub const MOHPROMPT_POLICY: &str = include_str!(concat!(env!("OUT_DIR"), "/mohprompt.json"));

/// The banner's part of the bundled policy (its version, link, categories
/// and purposes, written by `build.rs`): what the banner module carries, as
/// the rest is the full module's.
pub const MOHPROMPT_BANNER_POLICY: &str =
    include_str!(concat!(env!("OUT_DIR"), "/mohprompt-banner.json"));

/// Who is responsible for the data and how to reach them (guideline section 9).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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

    /// Reads and checks only the banner's part of a policy (version, link,
    /// categories, purposes), as the banner module does before the full
    /// module has loaded: every other key is skipped, the controller, forms,
    /// keys and LINE link are left empty. What it reads is checked as
    /// [`Policy::from_json`] checks it, so a decision stored under one
    /// reading decodes the same under the other; a document it cannot read
    /// is refused with no path. In the browser the banner module reads the
    /// JS value itself ([`Policy::banner_part`]).
    ///
    /// ```
    /// use mohprompt_privacy::policy::{Policy, MOHPROMPT_BANNER_POLICY, MOHPROMPT_POLICY};
    /// let full = Policy::from_json(MOHPROMPT_POLICY).unwrap();
    /// let banner = Policy::banner_part_from_json(MOHPROMPT_BANNER_POLICY).unwrap();
    /// assert_eq!((&banner.categories, &banner.purposes), (&full.categories, &full.purposes));
    /// assert!(banner.forms.is_empty());
    /// ```
    #[cfg(not(target_arch = "wasm32"))]
    pub fn banner_part_from_json(text: &str) -> Result<Policy, PolicyError> {
        let tree: serde_json::Value = serde_json::from_str(text).map_err(|_| PolicyError {
            path: String::new(),
            problem: String::from("invalid JSON"),
        })?;
        Policy::banner_part(&tree)
    }

    /// Reads and checks the banner's part of a policy document already read
    /// into a tree (natively `Policy::banner_part_from_json` reads it from text).
    pub fn banner_part(doc: &impl BannerSource) -> Result<Policy, PolicyError> {
        load::banner_part(doc)
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
mod tests;
