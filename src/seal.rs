//! Sealed fields: a value encrypted in the browser to the public key of the
//! one backend that may read it, with HPKE (RFC 9180) in base mode and the
//! suite DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM.
//!
//! HPKE itself runs on the browser's WebCrypto (`src/web/seal.js`), which
//! has ECDH on P-256, HMAC and AES-GCM: the same in Rust would add 22 KB
//! gzip to the page (the README has the figures). Here, plain and tested
//! natively, is what the policy and the receiver agree on: the suite, the
//! recipient keys, and the `info` that binds a value to its field. A sealed
//! value travels as one string, `hpke1.<kid>.<enc>.<ciphertext>`, each part
//! base64url without padding.

use alloc::string::String;
use alloc::vec::Vec;

/// The one suite this module seals with, as the policy names it.
pub const SUITE: &str = "DHKEM(P-256, HKDF-SHA256)/HKDF-SHA256/AES-128-GCM";

/// Bytes of an uncompressed P-256 point: a recipient key and `enc`.
pub const POINT_BYTES: usize = 65;

/// A recipient key from the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealKey {
    /// The key id a sealed value names, so the receiver knows which private key opens it.
    pub kid: String,
    /// The recipient's public key: an uncompressed P-256 point.
    pub public_key: Vec<u8>,
}

/// Why a form with sealed fields is not sent. It is never sent unsealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealError {
    /// The page has no WebCrypto: it is not a secure context (https).
    NoWebCrypto,
    /// The policy lists no key of this suite, or its key is not a P-256 point.
    NoKey,
    /// WebCrypto refused an operation (for one, a key that is not a point on the curve).
    Failed,
}

impl SealError {
    /// A stable code page code can match on.
    pub fn code(self) -> &'static str {
        match self {
            SealError::NoWebCrypto => "seal_no_webcrypto",
            SealError::NoKey => "seal_no_key",
            SealError::Failed => "seal_failed",
        }
    }

    /// Why, in words (never a value).
    pub fn as_str(self) -> &'static str {
        match self {
            SealError::NoWebCrypto => {
                "sealing needs WebCrypto, which only a secure (https) page has"
            }
            SealError::NoKey => "the policy has no usable key to seal to",
            SealError::Failed => "WebCrypto could not seal a field",
        }
    }
}

/// What the sealed value of `field` in `form` is bound to: a value sealed
/// for one field, form or policy version does not open as another's. HPKE
/// takes its UTF-8 bytes as `info`.
///
/// ```
/// use mohprompt_privacy::seal::info;
/// assert_eq!(info("2026-11", "register", "phone"),
///            "mohprompt-privacy/seal/v1\02026-11\0register\0phone");
/// ```
pub fn info(policy_version: &str, form: &str, field: &str) -> String {
    let mut info = String::from("mohprompt-privacy/seal/v1");
    for part in [policy_version, form, field] {
        info.push('\0');
        info.push_str(part);
    }
    info
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Reads base64url without padding; `None` for anything else.
///
/// ```
/// use mohprompt_privacy::seal::from_base64url;
/// assert_eq!(from_base64url("-_8"), Some(vec![0xfb, 0xff]));
/// assert_eq!(from_base64url("-_8="), None);
/// assert_eq!(from_base64url("A"), None);
/// ```
pub fn from_base64url(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut bits = 0u32;
    let mut count = 0;
    for byte in text.bytes() {
        let value = BASE64URL.iter().position(|&c| c == byte)? as u32;
        bits = bits << 6 | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    // A single leftover character, or leftover bits that are set, is not
    // how any byte string encodes.
    (count < 6 && bits & ((1 << count) - 1) == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn base64url_reads_every_tail_length() {
        // RFC 4648's test vectors, in the URL alphabet and unpadded.
        let cases = [
            ("", ""),
            ("Zg", "f"),
            ("Zm8", "fo"),
            ("Zm9v", "foo"),
            ("Zm9vYg", "foob"),
        ];
        for (text, bytes) in cases {
            assert_eq!(
                from_base64url(text),
                Some(bytes.as_bytes().to_vec()),
                "{text}"
            );
        }
        assert_eq!(from_base64url("-_-_"), Some(vec![0xfb, 0xff, 0xbf]));
    }

    #[test]
    fn base64url_refuses_what_is_not_base64url() {
        for bad in ["AB+", "AB/", "AB=", "A", "AB C", "AAAAA", "AAB"] {
            assert_eq!(from_base64url(bad), None, "{bad}");
        }
    }
}
