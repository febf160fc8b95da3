//! Sealed fields: a value encrypted in the browser to the public key of the
//! one backend that may read it, with HPKE (RFC 9180) in base mode and the
//! suite DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM.
//!
//! The work is split by where it can run. The elliptic-curve step and
//! AES-GCM are WebCrypto's, in the browser (`web::seal`): P-256 and AES in
//! Rust would cost the page far more bytes than the calls do (the README has
//! the figures). What is left is here, plain and testable natively: the
//! HKDF key schedule, the `info` that binds a value to its field, and the
//! recipient keys of the policy. A sealed value travels as one string,
//! `hpke1.<kid>.<enc>.<ciphertext>`, each part base64url without padding.

use alloc::string::String;
use alloc::vec::Vec;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The one suite this module seals with, as the policy names it.
pub const SUITE: &str = "DHKEM(P-256, HKDF-SHA256)/HKDF-SHA256/AES-128-GCM";

/// Bytes of an uncompressed P-256 point: a recipient key and `enc`.
pub const POINT_BYTES: usize = 65;

/// Bytes of an AES-128-GCM key.
pub const KEY_BYTES: usize = 16;

/// Bytes of the AEAD nonce.
pub const NONCE_BYTES: usize = 12;

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
    /// WebCrypto refused an operation.
    Failed,
}

impl SealError {
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

/// The AEAD key and nonce of one sealed value (sequence number 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys {
    /// AES-128-GCM key.
    pub key: [u8; KEY_BYTES],
    /// The nonce of the first (here: the only) message.
    pub nonce: [u8; NONCE_BYTES],
}

/// `suite_id` of the KEM: "KEM" and DHKEM(P-256, HKDF-SHA256) = 0x0010.
const KEM_SUITE: &[u8] = b"KEM\x00\x10";
/// `suite_id` of the whole suite: "HPKE", KEM 0x0010, KDF 0x0001, AEAD 0x0001.
const HPKE_SUITE: &[u8] = b"HPKE\x00\x10\x00\x01\x00\x01";

/// HMAC-SHA256 over the concatenation of `parts`.
fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        // HMAC takes keys of any length; this branch cannot be reached.
        return [0; 32];
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

// HKDF (RFC 5869) is HMAC twice, and every output here is one block or
// less, so it is written out: the `hkdf` crate's unwraps would bring Rust's
// formatting machinery into the wasm, kilobytes for code that never runs.

/// RFC 9180's LabeledExtract: HKDF-Extract of the labeled `ikm`.
fn labeled_extract(suite: &[u8], salt: &[u8], label: &[u8], ikm: &[u8]) -> [u8; 32] {
    hmac(salt, &[b"HPKE-v1", suite, label, ikm])
}

/// RFC 9180's LabeledExpand into `out` (at most 32 bytes): HKDF-Expand's first block.
fn labeled_expand(prk: &[u8; 32], suite: &[u8], label: &[u8], info: &[u8], out: &mut [u8]) {
    let length = (out.len() as u16).to_be_bytes();
    let block = hmac(prk, &[&length, b"HPKE-v1", suite, label, info, &[1]]);
    for (byte, value) in out.iter_mut().zip(block) {
        *byte = value;
    }
}

/// The KEM's shared secret from the Diffie-Hellman value `dh` (the x
/// coordinate of the shared point), the sender's `enc` and the recipient's key.
pub fn shared_secret(dh: &[u8], enc: &[u8], recipient: &[u8]) -> [u8; 32] {
    let prk = labeled_extract(KEM_SUITE, b"", b"eae_prk", dh);
    let mut context = Vec::with_capacity(enc.len() + recipient.len());
    context.extend_from_slice(enc);
    context.extend_from_slice(recipient);
    let mut secret = [0; 32];
    labeled_expand(&prk, KEM_SUITE, b"shared_secret", &context, &mut secret);
    secret
}

/// The key schedule of base mode (no PSK): the AEAD key and nonce.
///
/// ```
/// use mohprompt_privacy::seal::key_schedule;
/// // RFC 9180, A.3.1 (DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode).
/// let hex = |s: &str| (0..s.len()).step_by(2)
///     .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect::<Vec<u8>>();
/// let shared = hex("c0d26aeab536609a572b07695d933b589dcf363ff9d93c93adea537aeabb8cb8");
/// let keys = key_schedule(&shared, &hex("4f6465206f6e2061204772656369616e2055726e"));
/// assert_eq!(keys.key.to_vec(), hex("868c066ef58aae6dc589b6cfdd18f97e"));
/// assert_eq!(keys.nonce.to_vec(), hex("4e0bc5018beba4bf004cca59"));
/// ```
pub fn key_schedule(shared_secret: &[u8], info: &[u8]) -> Keys {
    let mut context = Vec::with_capacity(65);
    context.push(0); // mode_base
    context.extend_from_slice(&labeled_extract(HPKE_SUITE, b"", b"psk_id_hash", b""));
    context.extend_from_slice(&labeled_extract(HPKE_SUITE, b"", b"info_hash", info));
    let secret = labeled_extract(HPKE_SUITE, shared_secret, b"secret", b"");
    let mut keys = Keys {
        key: [0; KEY_BYTES],
        nonce: [0; NONCE_BYTES],
    };
    labeled_expand(&secret, HPKE_SUITE, b"key", &context, &mut keys.key);
    labeled_expand(
        &secret,
        HPKE_SUITE,
        b"base_nonce",
        &context,
        &mut keys.nonce,
    );
    keys
}

/// What the sealed value of `field` in `form` is bound to: a value sealed
/// for one field, form or policy version does not open as another's.
///
/// ```
/// use mohprompt_privacy::seal::info;
/// assert_eq!(info("2026-11", "register", "phone"),
///            b"mohprompt-privacy/seal/v1\x002026-11\x00register\x00phone");
/// ```
pub fn info(policy_version: &str, form: &str, field: &str) -> Vec<u8> {
    let mut info = Vec::from(b"mohprompt-privacy/seal/v1".as_slice());
    for part in [policy_version, form, field] {
        info.push(0);
        info.extend_from_slice(part.as_bytes());
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

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn the_key_schedule_matches_rfc_9180_a_3_1() {
        let info = hex("4f6465206f6e2061204772656369616e2055726e");
        let shared = hex("c0d26aeab536609a572b07695d933b589dcf363ff9d93c93adea537aeabb8cb8");
        let keys = key_schedule(&shared, &info);
        assert_eq!(keys.key.to_vec(), hex("868c066ef58aae6dc589b6cfdd18f97e"));
        assert_eq!(keys.nonce.to_vec(), hex("4e0bc5018beba4bf004cca59"));
    }

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
