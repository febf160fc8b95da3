//! Measures what sealing with HPKE in Rust adds to a page's wasm and glue.
//!
//! One export, `seal(public_key, info, plaintext)`, returning `enc || ciphertext`
//! of a single-shot RFC 9180 base-mode seal (DHKEM(P-256, HKDF-SHA256),
//! HKDF-SHA256, AES-128-GCM, empty aad). With the `baseline` feature the same
//! export returns the plaintext, so the two builds differ by HPKE alone.
//! The no_std, talc and panic setup mirror the main crate's, for a fair delta.
#![cfg_attr(all(target_arch = "wasm32", not(test)), no_std)]

extern crate alloc;

use alloc::vec::Vec;

#[cfg(not(any(feature = "hpke", feature = "baseline")))]
compile_error!("build with the `hpke` (default) or the `baseline` feature");

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::*;

/// The suite, as RFC 9180 names it: KEM 0x0010, KDF 0x0001, AEAD 0x0001.
#[cfg(all(feature = "hpke", not(feature = "baseline")))]
mod suite {
    pub type Kem = hpke::kem::DhP256HkdfSha256;
    pub type Kdf = hpke::kdf::HkdfSha256;
    pub type Aead = hpke::aead::AesGcm128;
}

/// Seals `plaintext` to `public_key` (uncompressed SEC1, 65 bytes): `enc || ct`.
#[cfg(all(feature = "hpke", not(feature = "baseline")))]
pub fn seal_bytes(
    public_key: &[u8],
    info: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, hpke::HpkeError> {
    use hpke::{Deserializable, Serializable};
    use rand_core::{OsRng, UnwrapErr};

    let recipient = <suite::Kem as hpke::Kem>::PublicKey::from_bytes(public_key)?;
    // One buffer, sealed in place: enc, then the ciphertext, then its tag.
    let enc_len = <suite::Kem as hpke::Kem>::EncappedKey::size();
    let mut out = Vec::with_capacity(enc_len + plaintext.len() + 16);
    out.resize(enc_len, 0);
    out.extend_from_slice(plaintext);
    let (enc, tag) =
        hpke::single_shot_seal_in_place_detached::<suite::Aead, suite::Kdf, suite::Kem, _>(
            &hpke::OpModeS::Base,
            &recipient,
            info,
            &mut out[enc_len..],
            &[],
            &mut UnwrapErr(OsRng),
        )?;
    out[..enc_len].copy_from_slice(&enc.to_bytes());
    out.extend_from_slice(&tag.to_bytes());
    Ok(out)
}

/// The baseline: the same signature, no HPKE. It still refuses a key that is
/// not 65 bytes, so its JsError path stays linked as in the HPKE build (and as
/// in the main crate, which throws JsErrors already): the delta is HPKE alone.
#[cfg(feature = "baseline")]
pub fn seal_bytes(
    public_key: &[u8],
    _info: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, &'static str> {
    match public_key.len() {
        65 => Ok(plaintext.to_vec()),
        _ => Err("not an uncompressed P-256 key"),
    }
}

/// `enc || ciphertext` for `public_key`, or an Error naming why not.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn seal(public_key: &[u8], info: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, JsError> {
    // A fixed message: formatting HpkeError would link core::fmt.
    seal_bytes(public_key, info, plaintext).map_err(|_| JsError::new("seal failed"))
}

/// A panic aborts, as in the main crate.
#[cfg(all(target_arch = "wasm32", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(all(test, feature = "hpke", not(feature = "baseline")))]
mod tests {
    use super::*;
    use hpke::{Deserializable, Kem as _};

    type PrivateKey = <suite::Kem as hpke::Kem>::PrivateKey;
    type PublicKey = <suite::Kem as hpke::Kem>::PublicKey;
    type EncappedKey = <suite::Kem as hpke::Kem>::EncappedKey;

    // RFC 9180 A.3.1 (mode 0, kem_id 16, kdf_id 1, aead_id 1), as in hpke's
    // test-vectors-5f503c5.json: the recipient's keys and the first encryption.
    const INFO: &str = "4f6465206f6e2061204772656369616e2055726e";
    const SK_RM: &str = "f3ce7fdae57e1a310d87f1ebbde6f328be0a99cdbcadf4d6589cf29de4b8ffd2";
    const PK_RM: &str = "04fe8c19ce0905191ebc298a9245792531f26f0cece2460639e8bc39cb7f706a826a779b4cf969b8a0e539c7f62fb3d30ad6aa8f80e30f1d128aafd68a2ce72ea0";
    const ENC: &str = "04a92719c6195d5085104f469a8b9814d5838ff72b60501e2c4466e5e67b325ac98536d7b61a1af4b78e5b7f951c0900be863c403ce65c9bfcb9382657222d18c4";
    const PT: &str = "4265617574792069732074727574682c20747275746820626561757479";
    const CT: &str = "5ad590bb8baa577f8619db35a36311226a896e7342a6d836d8b7bcd2f20b6c7f9076ac232e3ab2523f39513434";
    const AAD: &str = "436f756e742d30";

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn open(enc: &[u8], info: &[u8], ct: &[u8], aad: &[u8]) -> Vec<u8> {
        let sk = PrivateKey::from_bytes(&hex(SK_RM)).unwrap();
        let enc = EncappedKey::from_bytes(enc).unwrap();
        hpke::single_shot_open::<suite::Aead, suite::Kdf, suite::Kem>(
            &hpke::OpModeR::Base,
            &sk,
            &enc,
            info,
            ct,
            aad,
        )
        .unwrap()
    }

    #[test]
    fn the_suite_opens_the_rfc_vector() {
        let sk = PrivateKey::from_bytes(&hex(SK_RM)).unwrap();
        assert_eq!(
            PublicKey::from_bytes(&hex(PK_RM)).unwrap(),
            suite::Kem::sk_to_pk(&sk)
        );
        assert_eq!(open(&hex(ENC), &hex(INFO), &hex(CT), &hex(AAD)), hex(PT));
    }

    #[test]
    fn what_seal_returns_opens_with_the_recipient_key() {
        let sealed = seal_bytes(&hex(PK_RM), &hex(INFO), &hex(PT)).unwrap();
        assert_eq!(sealed.len(), 65 + hex(PT).len() + 16);
        let (enc, ct) = sealed.split_at(65);
        assert_eq!(open(enc, &hex(INFO), ct, &[]), hex(PT));
    }

    #[test]
    fn a_key_that_is_not_a_p256_point_is_refused() {
        assert!(seal_bytes(&[4; 65], &[], b"x").is_err());
    }
}
