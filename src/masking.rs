//! Submission operators: how a field's value leaves the browser, after the
//! names Microsoft Presidio and Google Cloud DLP use.

use crate::fields::FieldKind;
use crate::identifiers;
use alloc::string::String;

/// How a field leaves the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaskOperator {
    /// As typed, trimmed.
    Keep,
    /// Only its last few characters: at most the last four digits of an ID
    /// or phone, separators kept; an e-mail's first letter and domain.
    Mask,
    /// HMAC-SHA256 under the deployment key: pseudonymised, not anonymised.
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
}

/// Applies `operator` to a non-empty `value` of `kind`; `None` means "do not send".
///
/// ```
/// use mohprompt_privacy::fields::FieldKind;
/// use mohprompt_privacy::masking::{apply, MaskOperator};
/// let masked = apply(MaskOperator::Mask, FieldKind::NationalId, "1234545678781");
/// assert_eq!(masked, Ok(Some("x-xxxx-xxxxx-78-1".to_string())));
/// ```
pub fn apply(
    operator: MaskOperator,
    kind: FieldKind,
    value: &str,
) -> Result<Option<String>, OperatorError> {
    let value = value.trim();
    Ok(match operator {
        MaskOperator::Keep => Some(value.into()),
        MaskOperator::Mask => Some(mask(kind, value)),
        MaskOperator::Redact => {
            let mut label = String::from("[");
            label.push_str(kind.as_str());
            label.push(']');
            Some(label)
        }
        MaskOperator::Drop => None,
        MaskOperator::KeyedHash | MaskOperator::Seal => {
            return Err(OperatorError::Unavailable(operator));
        }
    })
}

/// The display mask of `value`: what stays shows as little as it can.
pub fn mask(kind: FieldKind, value: &str) -> String {
    match kind {
        FieldKind::NationalId => match identifiers::digits_only(value) {
            // The leading digits tell person type and district: keep the last three.
            Some(d) if d.len() == 13 => {
                // Bytes, not a string slice: slicing brings the panic formatter into the wasm.
                let d = d.as_bytes();
                let mut out = String::from("x-xxxx-xxxxx-");
                for b in [d[10], d[11], b'-', d[12]] {
                    out.push(char::from(b));
                }
                out
            }
            _ => keep_last(value, 3),
        },
        FieldKind::Phone => keep_last(value, 4),
        FieldKind::Passport => keep_last(value, 3),
        FieldKind::Email => match value.split_once('@') {
            Some((local, domain)) => {
                let mut out = String::new();
                if let Some(first) = local.chars().next() {
                    out.push(first);
                }
                out.push_str("***@");
                out.push_str(domain);
                out
            }
            None => keep_last(value, 0),
        },
        _ => keep_last(value, 4),
    }
}

/// Every character but separators (spaces and ASCII punctuation) and the
/// last `n` others becomes `x`. (ASCII tests on purpose: Unicode's letter
/// tables would add kilobytes to the wasm, and Thai letters are hidden either way.)
fn keep_last(value: &str, n: usize) -> String {
    let hidden = |c: &char| !(c.is_ascii_punctuation() || c.is_ascii_whitespace() || *c == ' ');
    let total = value.chars().filter(hidden).count();
    let mut seen = 0;
    value
        .chars()
        .map(|c| {
            if !hidden(&c) {
                return c;
            }
            seen += 1;
            if seen + n > total { c } else { 'x' }
        })
        .collect()
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
        let redacted = apply(MaskOperator::Redact, FieldKind::Passport, "AA1234567");
        assert_eq!(redacted, Ok(Some("[passport]".into())));
        assert_eq!(
            apply(MaskOperator::Drop, FieldKind::Phone, "0812345678"),
            Ok(None)
        );
    }
}
