//! What the banner module hands the full module: the receipts it owes.
//!
//! The banner module decides before the full module has loaded, and a
//! receipt needs what only the full module has (the policy's SHA-256, the
//! device pseudonym, the receipt log and its delivery). So each decision it
//! records is kept as an [`Owed`] receipt: its id, chosen at once, how and
//! when it was made, what it changed, and the stored consent value right
//! after it. The full module turns each into the receipt that decision would
//! have had and delivers it; a receipt id it has kept already is not made
//! again, so a receipt is made once even when the hand-over is repeated
//! (the page was closed between the two steps).
//!
//! Stored form, one line per decision, in Web Storage under [`OWED_KEY`]:
//!
//! ```text
//! 9b2d…-4…-…(UUID v4) banner t5u8k0 statistics,preferences 1|2026.11-1|…|9f86d081
//! ^ receipt id        ^ method ^ decided at (unix s, base 36) ^ consent after it
//! ```
//!
//! It holds ids, times and consent state only, never personal data. A line
//! that does not read exactly is dropped: no receipt is made up from it.

use crate::receipt::is_uuid_v4;
use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;

/// Web Storage key of the receipts the banner module owes.
pub const OWED_KEY: &str = "mp_owed";

/// At most this many owed receipts are kept: past it the oldest goes (the
/// receipt log keeps as many).
pub const MAX_OWED: usize = crate::receipt::KEPT_RECEIPTS;

/// One decision made in the banner module, whose receipt is still to be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owed {
    /// The id its receipt will carry (a random UUID v4).
    pub receipt_id: String,
    /// How it was made (`banner`, `api`).
    pub method: String,
    /// When, in Unix seconds.
    pub decided_at: u64,
    /// The ids whose state it changed.
    pub changed: Vec<String>,
    /// The stored consent value ([`crate::consent::Consent::encode`]) right after it.
    pub consent: String,
}

/// The stored form of `owed`, oldest first.
///
/// ```
/// use mohprompt_privacy::handover::{Owed, decode, encode};
/// let owed = vec![Owed {
///     receipt_id: "0b6f7a38-3d2c-4f57-9a61-2f1c0d7e5a90".into(),
///     method: "banner".into(),
///     decided_at: 1_765_000_000,
///     changed: vec!["statistics".into(), "preferences".into()],
///     consent: "1|2026.11-1|statistics:2:g:t5u8k0|0badf00d".into(),
/// }];
/// assert_eq!(decode(&encode(&owed)), owed);
/// ```
pub fn encode(owed: &[Owed]) -> String {
    let mut out = String::new();
    for o in owed {
        out.push_str(&o.receipt_id);
        out.push(' ');
        out.push_str(&o.method);
        out.push(' ');
        out.push_str(&crate::consent::base36(o.decided_at));
        out.push(' ');
        out.push_str(&o.changed.join(","));
        out.push(' ');
        out.push_str(&o.consent);
        out.push('\n');
    }
    out
}

/// The owed receipts in `stored`, oldest first; lines that do not read
/// exactly are left out.
pub fn decode(stored: &str) -> Vec<Owed> {
    stored.lines().filter_map(line).take(MAX_OWED).collect()
}

fn line(line: &str) -> Option<Owed> {
    let mut parts = line.split(' ');
    let receipt_id = parts.next().filter(|id| is_uuid_v4(id))?;
    let method = parts.next().filter(|m| plain(m))?;
    let decided_at = crate::consent::from_base36(parts.next()?)?;
    let changed = parts.next()?;
    let consent = parts.next().filter(|c| !c.is_empty() && c.is_ascii())?;
    if parts.next().is_some() {
        return None;
    }
    let changed: Vec<String> = changed.split(',').map(ToOwned::to_owned).collect();
    if !changed.iter().all(|id| plain(id)) {
        return None;
    }
    Some(Owed {
        receipt_id: receipt_id.to_owned(),
        method: method.to_owned(),
        decided_at,
        changed,
        consent: consent.to_owned(),
    })
}

/// `[a-z0-9_-]+`: ids and method names.
fn plain(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// Adds `owed` to the stored list `stored`, dropping the oldest past
/// [`MAX_OWED`].
pub fn push(stored: &str, owed: Owed) -> String {
    let mut list = decode(stored);
    list.push(owed);
    let excess = list.len().saturating_sub(MAX_OWED);
    list.drain(..excess);
    encode(&list)
}

#[cfg(test)]
mod tests;
