//! The policy's loading and validation, as the guideline asks it.

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
    const P256: &str =
        "BKkXGcYZXVCFEE9GmouYFNWDj_crYFAeLERm5eZ7MlrJhTbXthoa9LeOW3-VHAkAvoY8QDzmXJv8uTgmVyItGMQ";
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
    let err = error(|t| *t = t.replace(r#""cookies": ["_ga", "_ga_*"]"#, r#""cookies": "_ga""#));
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

const LINK_RULE: &str = "must start with https:// or one /, with no backslash or control character";

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
    let err = error(|t| *t = t.replace(r#"["service", "contact"]"#, r#"["service", "marketing"]"#));
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
