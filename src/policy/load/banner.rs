//! The banner module's reading of a policy: only the part the banner
//! decides from (version, link, cookie categories, purposes), from JSON text
//! with miniserde, then the same checks [`validate`](super::validate) runs on
//! that part. Every other key is skipped unread. miniserde's errors carry no
//! path: a document it cannot read is refused as a whole, and the full module
//! and `mohprompt-privacy check` name the bad value.

use super::{Obj, RawCategory, RawPurpose, RawText, Revision, Str};
use crate::policy::{Policy, PolicyError};
use alloc::string::String;
use alloc::vec::Vec;
use miniserde::Deserialize;

#[derive(Deserialize)]
struct Doc {
    version: String,
    policy_url: String,
    categories: Vec<DocCategory>,
    purposes: Option<Vec<DocPurpose>>,
}

#[derive(Deserialize)]
struct DocText {
    th: String,
    en: String,
}

#[derive(Deserialize)]
struct DocCategory {
    id: String,
    always_on: Option<bool>,
    revision: u64,
    title: DocText,
    description: DocText,
    cookies: Option<Vec<String>>,
    consent_mode: Option<Vec<String>>,
    change_note: Option<DocText>,
}

#[derive(Deserialize)]
struct DocPurpose {
    id: String,
    legal_basis: String,
    revision: u64,
    title: DocText,
    description: DocText,
    fields: Vec<String>,
    retention: DocText,
    change_note: Option<DocText>,
}

/// A value serde's types would refuse too (an empty string, a revision
/// below 1): the document is refused.
struct Unreadable;

/// Reads and checks the banner's part of the policy in `text`.
pub(in crate::policy) fn banner_part(text: &str) -> Result<Policy, PolicyError> {
    let unreadable = || PolicyError {
        path: String::new(),
        problem: String::from(
            "the banner module cannot read it (`mohprompt-privacy check` names the bad value)",
        ),
    };
    let doc: Doc = miniserde::json::from_str(text).map_err(|_| unreadable())?;
    let raw = (|| {
        let categories = doc
            .categories
            .into_iter()
            .map(category)
            .collect::<Result<Vec<_>, Unreadable>>()?;
        let purposes = doc
            .purposes
            .unwrap_or_default()
            .into_iter()
            .map(purpose)
            .collect::<Result<Vec<_>, Unreadable>>()?;
        Ok((
            str(doc.version)?,
            str(doc.policy_url)?,
            categories,
            purposes,
        ))
    })();
    let (version, policy_url, categories, purposes) = raw.map_err(|Unreadable| unreadable())?;
    super::validate::validate_banner_part(version, policy_url, categories, purposes).map_err(
        |problems| {
            problems
                .into_iter()
                .next()
                .unwrap_or_else(|| unreachable!())
        },
    )
}

fn str(s: String) -> Result<Str, Unreadable> {
    if s.trim().is_empty() {
        return Err(Unreadable);
    }
    Ok(Str(s))
}

fn strs(list: Vec<String>) -> Result<Vec<Str>, Unreadable> {
    list.into_iter().map(str).collect()
}

fn text(t: DocText) -> Result<Obj<RawText>, Unreadable> {
    Ok(Obj(RawText {
        th: str(t.th)?,
        en: str(t.en)?,
    }))
}

fn revision(n: u64) -> Result<Revision, Unreadable> {
    match u32::try_from(n) {
        Ok(n) if n >= 1 => Ok(Revision(n)),
        _ => Err(Unreadable),
    }
}

fn category(c: DocCategory) -> Result<Obj<RawCategory>, Unreadable> {
    Ok(Obj(RawCategory {
        id: str(c.id)?,
        always_on: c.always_on.unwrap_or(false),
        revision: revision(c.revision)?,
        title: text(c.title)?,
        description: text(c.description)?,
        cookies: strs(c.cookies.unwrap_or_default())?,
        consent_mode: strs(c.consent_mode.unwrap_or_default())?,
        change_note: c.change_note.map(text).transpose()?,
    }))
}

fn purpose(p: DocPurpose) -> Result<Obj<RawPurpose>, Unreadable> {
    Ok(Obj(RawPurpose {
        id: str(p.id)?,
        legal_basis: str(p.legal_basis)?,
        revision: revision(p.revision)?,
        title: text(p.title)?,
        description: text(p.description)?,
        fields: strs(p.fields)?,
        retention: text(p.retention)?,
        change_note: p.change_note.map(text).transpose()?,
    }))
}
