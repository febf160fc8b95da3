//! The banner module's reading of a policy: only the part the banner
//! decides from (version, link, cookie categories, purposes), then the same
//! checks [`validate`](super::validate) runs on that part. Every other key is
//! skipped unread.
//!
//! It reads the document as it already is, a [`Source`]: in the browser the
//! JS value the page gave (`JSON.parse` has done the text), natively a
//! `serde_json::Value`. No JSON reader runs in the banner module: with
//! miniserde's, the banner module was 9 KB gzip bigger and took 7 to 13 ms
//! more to start at 4x CPU (README, "Size decisions"). A value of the wrong
//! type is refused without a path: the full module and
//! `mohprompt-privacy check` name it.

use super::{Obj, RawCategory, RawPurpose, RawText, Revision, Str};
use crate::policy::{Policy, PolicyError};
use alloc::string::String;
use alloc::vec::Vec;

/// A JSON value the banner's part is read from.
pub trait Source: Sized {
    /// The value under `key` of an object; `None` when this is no object or
    /// the key is missing (or `null`).
    fn member(&self, key: &str) -> Option<Self>;
    /// The items of an array; `None` when this is no array.
    fn items(&self) -> Option<Vec<Self>>;
    /// The string this is; `None` for any other type.
    fn string(&self) -> Option<String>;
    /// The string under `key` of an object; `None` when there is none.
    /// A source may read it at once, rather than as a member, then a string.
    fn member_string(&self, key: &str) -> Option<String> {
        self.member(key)?.string()
    }
    /// The boolean this is; `None` for any other type.
    fn boolean(&self) -> Option<bool>;
    /// The whole number from 0 this is (`1.0` is 1); `None` otherwise.
    fn whole_number(&self) -> Option<u64>;
}

/// A value missing or of the wrong type, or one serde's types refuse too (an
/// empty string, a revision below 1): the document is refused.
struct Unreadable;

/// Reads and checks the banner's part of the policy `doc`.
pub(in crate::policy) fn banner_part(doc: &impl Source) -> Result<Policy, PolicyError> {
    let raw = (|| {
        let categories = list(doc.member("categories").ok()?, category)?;
        let purposes = match doc.member("purposes") {
            Some(purposes) => list(purposes, purpose)?,
            None => Vec::new(),
        };
        Ok((
            str(doc, "version")?,
            str(doc, "policy_url")?,
            categories,
            purposes,
        ))
    })();
    let (version, policy_url, categories, purposes) = raw.map_err(|Unreadable| PolicyError {
        path: String::new(),
        problem: String::from(
            "the banner module cannot read it (`mohprompt-privacy check` names the bad value)",
        ),
    })?;
    super::validate::validate_banner_part(version, policy_url, categories, purposes).map_err(
        |problems| {
            problems
                .into_iter()
                .next()
                .unwrap_or_else(|| unreachable!())
        },
    )
}

trait Present<T> {
    fn ok(self) -> Result<T, Unreadable>;
}

impl<T> Present<T> for Option<T> {
    fn ok(self) -> Result<T, Unreadable> {
        self.ok_or(Unreadable)
    }
}

fn list<S: Source, T>(
    value: S,
    item: impl Fn(&S) -> Result<T, Unreadable>,
) -> Result<Vec<T>, Unreadable> {
    value.items().ok()?.iter().map(item).collect()
}

fn nonempty(s: String) -> Result<Str, Unreadable> {
    if s.trim().is_empty() {
        return Err(Unreadable);
    }
    Ok(Str(s))
}

fn str(value: &impl Source, key: &str) -> Result<Str, Unreadable> {
    nonempty(value.member_string(key).ok()?)
}

fn strs(value: &impl Source, key: &str) -> Result<Vec<Str>, Unreadable> {
    match value.member(key) {
        Some(list) => list
            .items()
            .ok()?
            .iter()
            .map(|s| nonempty(s.string().ok()?))
            .collect(),
        None => Ok(Vec::new()),
    }
}

fn text(value: &impl Source, key: &str) -> Result<Obj<RawText>, Unreadable> {
    let text = value.member(key).ok()?;
    Ok(Obj(RawText {
        th: str(&text, "th")?,
        en: str(&text, "en")?,
    }))
}

fn note(value: &impl Source) -> Result<Option<Obj<RawText>>, Unreadable> {
    match value.member("change_note") {
        Some(_) => text(value, "change_note").map(Some),
        None => Ok(None),
    }
}

fn revision(value: &impl Source) -> Result<Revision, Unreadable> {
    let n = value.member("revision").ok()?.whole_number().ok()?;
    match u32::try_from(n) {
        Ok(n) if n >= 1 => Ok(Revision(n)),
        _ => Err(Unreadable),
    }
}

fn category(c: &impl Source) -> Result<Obj<RawCategory>, Unreadable> {
    let always_on = match c.member("always_on") {
        Some(flag) => flag.boolean().ok()?,
        None => false,
    };
    Ok(Obj(RawCategory {
        id: str(c, "id")?,
        always_on,
        revision: revision(c)?,
        title: text(c, "title")?,
        description: text(c, "description")?,
        cookies: strs(c, "cookies")?,
        consent_mode: strs(c, "consent_mode")?,
        change_note: note(c)?,
    }))
}

fn purpose(p: &impl Source) -> Result<Obj<RawPurpose>, Unreadable> {
    // Unlike the category's lists, a purpose's `fields` must be there.
    p.member("fields").ok()?;
    Ok(Obj(RawPurpose {
        id: str(p, "id")?,
        legal_basis: str(p, "legal_basis")?,
        revision: revision(p)?,
        title: text(p, "title")?,
        description: text(p, "description")?,
        fields: strs(p, "fields")?,
        retention: text(p, "retention")?,
        change_note: note(p)?,
    }))
}

/// Natively, the tree `serde_json` read: the CLI and the tests read the
/// banner's part from the same text as the full policy.
#[cfg(not(target_arch = "wasm32"))]
impl Source for serde_json::Value {
    fn member(&self, key: &str) -> Option<Self> {
        self.as_object()?.get(key).filter(|v| !v.is_null()).cloned()
    }

    fn items(&self) -> Option<Vec<Self>> {
        self.as_array().cloned()
    }

    fn string(&self) -> Option<String> {
        self.as_str().map(String::from)
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn whole_number(&self) -> Option<u64> {
        self.as_u64().or_else(|| {
            let n = self.as_f64()?;
            (n.fract() == 0.0 && n >= 0.0 && n <= u32::MAX as f64).then_some(n as u64)
        })
    }
}
