//! Submission operators: how a field's value leaves the browser, after the
//! names Microsoft Presidio and Google Cloud DLP use.

use crate::identifiers;
use crate::model::FieldKind;
use alloc::string::String;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How a field leaves the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaskOperator {
    /// As typed, trimmed.
    Keep,
    /// Only its last few characters: at most the last four digits of an ID
    /// or phone, separators kept; an e-mail's first letter and domain.
    Mask,
    /// HMAC-SHA256 under the deployment key of the kind's name and the
    /// normalised value ([`keyed_hash`]): pseudonymised, not anonymised.
    KeyedHash,
    /// Replaced by its kind in brackets, e.g. `[national_id]`.
    Redact,
    /// Never sent.
    Drop,
    /// Encrypted to the public key of the one backend that may read it.
    Seal,
}

impl MaskOperator {
    /// Every operator, in the order of [`MaskOperator::as_str`]'s names.
    pub const ALL: [MaskOperator; 6] = [
        MaskOperator::Keep,
        MaskOperator::Mask,
        MaskOperator::KeyedHash,
        MaskOperator::Redact,
        MaskOperator::Drop,
        MaskOperator::Seal,
    ];

    /// The name the policy and reports use.
    pub fn as_str(self) -> &'static str {
        match self {
            MaskOperator::Keep => "keep",
            MaskOperator::Mask => "mask",
            MaskOperator::KeyedHash => "keyed_hash",
            MaskOperator::Redact => "redact",
            MaskOperator::Drop => "drop",
            MaskOperator::Seal => "seal",
        }
    }
}

/// Why an operator could not run. The submission then stops: a value is
/// never sent raw in place of its operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorError {
    /// This build or page cannot apply the operator.
    Unavailable(MaskOperator),
    /// `keyed_hash` without a deployment key: it refuses to hash unkeyed,
    /// since an unkeyed hash of a national ID is reversed by trying all 10^12.
    NoHashKey,
}

impl OperatorError {
    /// A stable code page code can match on.
    pub fn code(self) -> &'static str {
        match self {
            OperatorError::Unavailable(MaskOperator::Seal) => "seal_unavailable",
            OperatorError::Unavailable(_) => "operator_unavailable",
            OperatorError::NoHashKey => "hash_key_missing",
        }
    }

    /// Why, in words (never the value).
    pub fn as_str(self) -> &'static str {
        match self {
            OperatorError::Unavailable(MaskOperator::Seal) => "the seal operator is not available",
            OperatorError::Unavailable(_) => "an operator is not available",
            OperatorError::NoHashKey => {
                "keyed_hash needs the deployment hashKey; it never hashes unkeyed"
            }
        }
    }
}

/// The value as the receiver should get it under `keep`: a national ID as
/// its 13 digits, a phone in E.164, a passport upper-case without spaces,
/// an e-mail with a lower-case domain; anything else trimmed. A value that
/// is not of its kind stays as typed (trimmed).
pub fn normalise(kind: FieldKind, value: &str) -> String {
    let value = value.trim();
    let normal = match kind {
        FieldKind::NationalId => identifiers::digits_only(value),
        FieldKind::Phone => identifiers::normalize_thai_phone(value),
        FieldKind::Passport => identifiers::normalize_passport(value),
        FieldKind::Email => identifiers::normalize_email(value),
        FieldKind::PostalCode => identifiers::digits_only(value),
        _ => None,
    };
    normal.unwrap_or_else(|| value.into())
}

/// The shortest deployment key (`hashKey`) the module accepts, in bytes (UTF-8):
/// HMAC-SHA256's output length, as RFC 2104 recommends. A short key is
/// guessed, and then every national ID behind its hashes is too.
pub const MIN_HASH_KEY_BYTES: usize = 32;

/// The label of the LINE userId's keyed hash. It is no field kind's name,
/// so the userId never hashes like a value typed into a form.
pub const LINE_USER_ID: &str = "line_user_id";

/// HMAC-SHA256 under `key` of what `value` is and `value` itself, in
/// lowercase hex. The HMAC's input is `label`, one zero byte, then `value`
/// (UTF-8): `label` is the field kind's name (`national_id`, `phone`, …) or
/// [`LINE_USER_ID`], and holds no zero byte, so the first zero byte ends it
/// and no two (label, value) pairs give the same input. The same digits as a
/// national ID and as a postal code therefore hash differently, and a hash
/// cannot be matched against one made for another kind.
///
/// A keyed hash is pseudonymisation, not anonymisation: whoever holds the
/// key can test every national ID against it.
///
/// ```
/// use mohprompt_privacy::masking::keyed_hash;
/// let key = [b'k'; 32];
/// // HMAC-SHA256(key, "national_id\0" + "0812345678")
/// assert_eq!(
///     keyed_hash(&key, "national_id", "0812345678"),
///     "0ddd849aa9d41d2add1eb540cc67a41ba5acbffdd7030bbc61f678a3bb274c38"
/// );
/// assert_ne!(
///     keyed_hash(&key, "national_id", "0812345678"),
///     keyed_hash(&key, "phone", "0812345678")
/// );
/// ```
pub fn keyed_hash(key: &[u8], label: &str, value: &str) -> String {
    // One input, one `update`: each call inlines the hash's block buffering.
    let mut input = String::from(label);
    input.push('\0');
    input.push_str(value);
    hmac_sha256_hex(key, input.as_bytes())
}

/// HMAC-SHA256 of `data` under `key`, in lowercase hex.
fn hmac_sha256_hex(key: &[u8], data: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        // HMAC takes keys of any length; this branch cannot be reached.
        return String::new();
    };
    mac.update(data);
    crate::model::hex(&mac.finalize().into_bytes())
}

/// Applies `operator` to a non-empty `value` of `kind`; `None` means "do not
/// send". `hash_key` is the deployment key of `keyed_hash`, which hashes
/// the normalised value under the kind's name (see [`keyed_hash`]).
///
/// ```
/// use mohprompt_privacy::fields::FieldKind;
/// use mohprompt_privacy::masking::{apply, MaskOperator};
/// let masked = apply(MaskOperator::Mask, FieldKind::NationalId, "1234545678781", None);
/// assert_eq!(masked, Ok(Some("x-xxxx-xxxxx-78-1".to_string())));
/// ```
pub fn apply(
    operator: MaskOperator,
    kind: FieldKind,
    value: &str,
    hash_key: Option<&[u8]>,
) -> Result<Option<String>, OperatorError> {
    let value = value.trim();
    Ok(match operator {
        MaskOperator::Keep => Some(normalise(kind, value)),
        MaskOperator::Mask => Some(mask(kind, value)),
        MaskOperator::KeyedHash => {
            let key = hash_key
                .filter(|k| !k.is_empty())
                .ok_or(OperatorError::NoHashKey)?;
            Some(keyed_hash(key, kind.as_str(), &normalise(kind, value)))
        }
        MaskOperator::Redact => {
            let mut label = String::from("[");
            label.push_str(kind.as_str());
            label.push(']');
            Some(label)
        }
        MaskOperator::Drop => None,
        MaskOperator::Seal => return Err(OperatorError::Unavailable(operator)),
    })
}

/// The display mask of `value`: what stays shows as little as it can.
pub fn mask(kind: FieldKind, value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    mask_into(&mut out, kind, value);
    out
}

/// [`mask`], appended to `out`: the leak scan masks each finding straight
/// into its output, with no string per finding.
pub fn mask_into(out: &mut String, kind: FieldKind, value: &str) {
    match kind {
        FieldKind::NationalId => match identifiers::thai_id_digits(value) {
            // The leading digits tell person type and district: keep the last three.
            Some(d) => {
                let mut shown = *b"x-xxxx-xxxxx-00-0";
                shown[13] = d[10];
                shown[14] = d[11];
                shown[16] = d[12];
                // One `push_str`: pushing the characters one by one is a third
                // as fast natively. (`from_utf8` costs about 280 bytes gzip.)
                out.push_str(core::str::from_utf8(&shown).unwrap_or_default());
            }
            None => keep_last(out, value, 3),
        },
        FieldKind::Phone => keep_last(out, value, 4),
        FieldKind::Passport => keep_last(out, value, 3),
        FieldKind::Email => match value.split_once('@') {
            Some((local, domain)) => {
                if let Some(first) = local.chars().next() {
                    out.push(first);
                }
                out.push_str("***@");
                out.push_str(domain);
            }
            None => keep_last(out, value, 0),
        },
        _ => keep_last(out, value, 4),
    }
}

/// Every character but separators (spaces and ASCII punctuation) and the
/// last `n` others becomes `x`. (ASCII tests on purpose: Unicode's letter
/// tables would add kilobytes to the wasm, and Thai letters are hidden either way.)
fn keep_last(out: &mut String, value: &str, n: usize) {
    let hidden = |c: char| !(c.is_ascii_punctuation() || c.is_ascii_whitespace() || c == ' ');
    let total = value.chars().filter(|c| hidden(*c)).count();
    let mut seen = 0;
    for c in value.chars() {
        if hidden(c) {
            seen += 1;
            out.push(if seen + n > total { c } else { 'x' });
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_only_the_last_characters() {
        assert_eq!(
            mask(FieldKind::NationalId, "๑๒๓๔๕๔๕๖๗๘๗๘๑"),
            "x-xxxx-xxxxx-78-1"
        );
        assert_eq!(mask(FieldKind::Phone, "+66 81 234 5678"), "+xx xx xxx 5678");
        assert_eq!(mask(FieldKind::Passport, "AA1234567"), "xxxxxx567");
        assert_eq!(
            mask(FieldKind::Email, "somchai@example.com"),
            "s***@example.com"
        );
        assert_eq!(mask(FieldKind::Email, "no-at-sign"), "xx-xx-xxxx");
    }

    #[test]
    fn redact_names_the_kind_and_drop_sends_nothing() {
        let redacted = apply(MaskOperator::Redact, FieldKind::Passport, "AA1234567", None);
        assert_eq!(redacted, Ok(Some("[passport]".into())));
        assert_eq!(
            apply(MaskOperator::Drop, FieldKind::Phone, "0812345678", None),
            Ok(None)
        );
    }

    #[test]
    fn keep_sends_the_normalised_value() {
        let keep = |kind, value| {
            apply(MaskOperator::Keep, kind, value, None)
                .unwrap()
                .unwrap()
        };
        assert_eq!(
            keep(FieldKind::NationalId, "๑-๒๓๔๕-๔๕๖๗๘-๗๘-๑"),
            "1234545678781"
        );
        assert_eq!(keep(FieldKind::Phone, "081 234 5678"), "+66812345678");
        assert_eq!(keep(FieldKind::Passport, "aa 1234567"), "AA1234567");
        assert_eq!(keep(FieldKind::GivenName, " สมชาย "), "สมชาย");
    }

    #[test]
    fn the_hmac_is_rfc_4231s() {
        // RFC 4231, test case 2.
        assert_eq!(
            hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_keyed_hash_is_of_the_label_a_zero_byte_and_the_value() {
        let key = [7u8; 32];
        assert_eq!(
            keyed_hash(&key, "phone", "+66812345678"),
            hmac_sha256_hex(&key, b"phone\0+66812345678")
        );
        // The zero byte keeps the label's end from moving into the value.
        assert_ne!(
            keyed_hash(&key, "passport", "AA1"),
            keyed_hash(&key, "passpor", "tAA1")
        );
    }

    #[test]
    fn the_same_digits_hash_differently_for_each_kind() {
        let key = [7u8; 32];
        let hash = |kind| {
            apply(MaskOperator::KeyedHash, kind, "1234545678781", Some(&key))
                .unwrap()
                .unwrap()
        };
        // Both normalise to the same 13 digits.
        assert_ne!(hash(FieldKind::NationalId), hash(FieldKind::PostalCode));
        assert_ne!(
            keyed_hash(&key, LINE_USER_ID, "1234545678781"),
            hash(FieldKind::NationalId)
        );
    }

    #[test]
    fn labels_hold_no_zero_byte_and_the_line_label_is_no_kind() {
        for kind in FieldKind::ALL {
            assert!(!kind.as_str().contains('\0'), "{}", kind.as_str());
            assert_ne!(kind.as_str(), LINE_USER_ID);
        }
        assert!(!LINE_USER_ID.contains('\0'));
    }

    #[test]
    fn keyed_hash_is_of_the_normalised_value_and_never_unkeyed() {
        let hash = |value| {
            apply(
                MaskOperator::KeyedHash,
                FieldKind::NationalId,
                value,
                Some(b"k"),
            )
        };
        let plain = hash("1234545678781").unwrap().unwrap();
        assert_eq!(plain.len(), 64);
        assert_eq!(hash("1-2345-45678-78-1").unwrap().unwrap(), plain);
        assert_eq!(hash("๑๒๓๔๕๔๕๖๗๘๗๘๑").unwrap().unwrap(), plain);
        assert_eq!(
            apply(
                MaskOperator::KeyedHash,
                FieldKind::NationalId,
                "1234545678781",
                None
            ),
            Err(OperatorError::NoHashKey)
        );
        assert_eq!(
            apply(
                MaskOperator::KeyedHash,
                FieldKind::Phone,
                "0812345678",
                Some(b"")
            ),
            Err(OperatorError::NoHashKey)
        );
    }

    proptest::proptest! {
        #[test]
        fn a_mask_never_shows_more_digits_than_allowed(value in "[0-9 ๐-๙-]{0,20}") {
            let digits = |s: &str| s.chars().filter(|c| identifiers::digit_value(*c).is_some()).count();
            for (kind, allowed) in [(FieldKind::NationalId, 3), (FieldKind::Phone, 4), (FieldKind::Passport, 3)] {
                let masked = mask(kind, &value);
                proptest::prop_assert!(digits(&masked) <= allowed.min(digits(&value)), "{} -> {}", value, masked);
            }
        }
    }
}
