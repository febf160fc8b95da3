//! Reading a policy: serde takes the document's shape (types, missing and
//! unknown keys, each refused with its path), then [`validate`]
//! (`load/validate.rs`) checks what types cannot (ids, links, cross
//! references, key suites) and builds the [`Policy`] model. This file holds
//! the first step: the raw document's serde types, paths, serde's errors.

use super::{
    CONSENT_MODE_SIGNALS, Category, Controller, CookiePattern, Form, LegalBasis, LineLink, Policy,
    PolicyError, Purpose, push_decimal,
};
use crate::fields::{Field, FieldClass, FieldGroup, FieldKind, OnIdentifier};
use crate::masking::MaskOperator;
use crate::model::Text;
use crate::seal::{self, SealKey};
use alloc::borrow::ToOwned;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

mod banner;
mod validate;

pub use banner::Source;
pub(super) use banner::banner_part;
pub(super) use validate::validate;

/// The document as serde reads it: every key the schema knows, nothing else.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPolicy {
    version: Str,
    controller: Obj<RawController>,
    policy_url: Str,
    #[serde(deserialize_with = "list")]
    categories: Vec<Obj<RawCategory>>,
    #[serde(default, deserialize_with = "list")]
    purposes: Vec<Obj<RawPurpose>>,
    #[serde(default)]
    forms: Forms,
    #[serde(default, deserialize_with = "present")]
    line: Option<Obj<RawLine>>,
    #[serde(default, deserialize_with = "list")]
    keys: Vec<Obj<RawKey>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    th: Str,
    en: Str,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawController {
    name: Obj<RawText>,
    address: Obj<RawText>,
    phone: Str,
    #[serde(default, deserialize_with = "present")]
    fax: Option<Str>,
    email: Str,
    website: Str,
    #[serde(default, deserialize_with = "present")]
    correction: Option<Obj<RawText>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    id: Str,
    #[serde(default)]
    always_on: bool,
    revision: Revision,
    title: Obj<RawText>,
    description: Obj<RawText>,
    #[serde(default, deserialize_with = "list")]
    cookies: Vec<Str>,
    #[serde(default, deserialize_with = "list")]
    consent_mode: Vec<Str>,
    #[serde(default, deserialize_with = "present")]
    change_note: Option<Obj<RawText>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPurpose {
    id: Str,
    legal_basis: Str,
    revision: Revision,
    title: Obj<RawText>,
    description: Obj<RawText>,
    #[serde(deserialize_with = "list")]
    fields: Vec<Str>,
    retention: Obj<RawText>,
    #[serde(default, deserialize_with = "present")]
    change_note: Option<Obj<RawText>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForm {
    #[serde(deserialize_with = "list")]
    purposes: Vec<Str>,
    #[serde(default, deserialize_with = "present")]
    reason: Option<Str>,
    #[serde(default, deserialize_with = "list")]
    groups: Vec<Obj<RawGroup>>,
    #[serde(default, deserialize_with = "list")]
    fields: Vec<Obj<RawField>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    id: Str,
    label: Obj<RawText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    name: Str,
    kind: Str,
    class: Str,
    #[serde(default, deserialize_with = "present")]
    group: Option<Str>,
    #[serde(deserialize_with = "list")]
    purposes: Vec<Str>,
    why: Obj<RawText>,
    operator: Str,
    #[serde(default)]
    allow_keep: bool,
    #[serde(default, deserialize_with = "present")]
    identifiers: Option<Str>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLine {
    purpose: Str,
    link: Str,
    field: Str,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKey {
    kid: Str,
    suite: Str,
    public_key: Str,
}

/// An optional key that, when present, must hold its type: `null` is not
/// "absent" (serde's `Option` would take it as such).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// An object of the schema: a JSON array is refused even where serde's
/// derived structs would read one as their fields in order.
pub(super) struct Obj<T>(pub(super) T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Obj<T>, D::Error> {
        struct Members<T>(core::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Members<T> {
            type Value = Obj<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Obj<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Obj)
            }
        }
        d.deserialize_any(Members(core::marker::PhantomData))
    }
}

/// An array. Read through `deserialize_any`, as [`Obj`] is, so that a value
/// of another type is named by its JSON type in both readers:
/// serde-wasm-bindgen's `deserialize_seq` would try to iterate it instead.
fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    struct Items<T>(core::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for Items<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an array")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(items)
        }
    }
    d.deserialize_any(Items(core::marker::PhantomData))
}

/// A string with something in it besides spaces.
struct Str(String);

impl<'de> Deserialize<'de> for Str {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Str, D::Error> {
        struct Nonempty;
        impl Visitor<'_> for Nonempty {
            type Value = Str;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Str, E> {
                self.visit_string(s.to_owned())
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Str, E> {
                if s.trim().is_empty() {
                    return Err(E::custom("must not be empty"));
                }
                Ok(Str(s))
            }
        }
        d.deserialize_string(Nonempty)
    }
}

const REVISION: &str = "must be a whole number from 1";

/// A revision: a whole number from 1 to `u32::MAX`; anything else, a
/// numeric string included, is refused with one message.
struct Revision(u32);

impl<'de> Deserialize<'de> for Revision {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Revision, D::Error> {
        struct Whole;
        impl<'de> Visitor<'de> for Whole {
            type Value = Revision;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(REVISION)
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Revision, E> {
                match u32::try_from(n) {
                    Ok(n) if n >= 1 => Ok(Revision(n)),
                    _ => Err(E::custom(REVISION)),
                }
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Revision, E> {
                self.visit_u64(u64::try_from(n).unwrap_or(0))
            }
            // JSON.parse gives `1.0` as the number 1: natively it is read
            // the same way, so both paths agree.
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<Revision, E> {
                if n.fract() == 0.0 && (1.0..=f64::from(u32::MAX)).contains(&n) {
                    Ok(Revision(n as u32))
                } else {
                    Err(E::custom(REVISION))
                }
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Revision, E> {
                Err(E::custom(REVISION))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Revision, E> {
                Err(E::custom(REVISION))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Revision, E> {
                Err(E::custom(REVISION))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Revision, A::Error> {
                Err(de::Error::custom(REVISION))
            }
            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Revision, A::Error> {
                Err(de::Error::custom(REVISION))
            }
        }
        d.deserialize_any(Whole)
    }
}

/// The `forms` object, its entries in document order.
#[derive(Default)]
struct Forms(Vec<(String, Obj<RawForm>)>);

impl<'de> Deserialize<'de> for Forms {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Forms, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = Forms;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Forms, A::Error> {
                let mut forms = Vec::new();
                while let Some(id) = map.next_key::<String>()? {
                    let form: Obj<RawForm> = map.next_value()?;
                    forms.push((id, form));
                }
                Ok(Forms(forms))
            }
        }
        d.deserialize_any(Entries)
    }
}

/// Where a value sits in the document. The path string is only built when
/// something is wrong, so loading a good policy allocates none for it.
#[derive(Clone, Copy)]
enum At<'a> {
    Root,
    Key(&'a At<'a>, &'a str),
    Index(&'a At<'a>, usize),
}

impl<'a> At<'a> {
    fn key(&'a self, key: &'a str) -> At<'a> {
        At::Key(self, key)
    }

    fn index(&'a self, i: usize) -> At<'a> {
        At::Index(self, i)
    }

    fn path(&self) -> String {
        match *self {
            At::Root => String::new(),
            At::Key(parent, key) => {
                let mut path = parent.path();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                path
            }
            At::Index(parent, i) => {
                let mut path = parent.path();
                path.push('[');
                push_decimal(&mut path, i as u64);
                path.push(']');
                path
            }
        }
    }

    #[inline(never)]
    fn problem(&self, problem: &str) -> PolicyError {
        PolicyError {
            path: self.path(),
            problem: problem.to_owned(),
        }
    }
}

/// A serde error as the loader words it: the path in the policy's own
/// notation (`forms.register.fields[2].kind`) and the problem in the words
/// of JSON (`expected a string, found a number`), the same whether the
/// document came through serde_json or JSON.parse.
pub(super) fn serde_error<E: fmt::Display>(error: serde_path_to_error::Error<E>) -> PolicyError {
    use serde_path_to_error::Segment;
    let mut path = String::new();
    for segment in error.path().iter() {
        match segment {
            Segment::Seq { index } => {
                path.push('[');
                push_decimal(&mut path, *index as u64);
                path.push(']');
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
    let mut message = error.into_inner().to_string();
    // serde-wasm-bindgen's errors are JS `Error`s, written `Error: …`.
    if let Some(rest) = message.strip_prefix("Error: ") {
        message = rest.to_owned();
    }
    // serde_json adds where in the text; a tree has no place to name.
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(at) = message.find(" at line ") {
        message.truncate(at);
    }
    let quoted = |s: &str| s.split('`').nth(1).unwrap_or_default().to_owned();
    let problem = if let Some(rest) = message.strip_prefix("missing field ") {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(&quoted(rest));
        String::from("missing")
    } else if message.starts_with("unknown field ") {
        // The path already ends with the unknown key.
        String::from("unknown key")
    } else if let Some((found, expected)) = message
        .strip_prefix("invalid type: ")
        // What serde expects never holds a comma; what it found may.
        .and_then(|rest| rest.rsplit_once(','))
        .and_then(|(found, expected)| Some((found, expected.strip_prefix(" expected ")?)))
    {
        let mut problem = String::from("expected ");
        problem.push_str(json_type(expected));
        problem.push_str(", found ");
        problem.push_str(json_type(found));
        problem
    } else {
        message
    };
    PolicyError { path, problem }
}

/// The JSON type serde's words for a type or value stand for.
fn json_type(serde: &str) -> &str {
    let words = [
        ("integer", "a number"),
        ("floating point", "a number"),
        ("a string", "a string"),
        ("string", "a string"),
        ("a boolean", "a boolean"),
        ("boolean", "a boolean"),
        ("a sequence", "an array"),
        ("sequence", "an array"),
        ("struct ", "an object"),
        ("map", "an object"),
        ("a map", "an object"),
        ("an object", "an object"),
        ("unit", "null"),
        ("null", "null"),
        ("Option", "null"),
        // serde-wasm-bindgen names an array or an object by its Debug form.
        ("JsValue([", "an array"),
        ("JsValue(Object(", "an object"),
    ];
    words
        .into_iter()
        .find(|(prefix, _)| serde.starts_with(prefix))
        .map_or(serde, |(_, json)| json)
}
