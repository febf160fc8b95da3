//! The sealed-value format (README "On the server"): `hpke1.<kid>.<enc>.<ct>`
//! taken apart, and RFC 9180's single-shot open in base mode with the
//! RustCrypto `hpke` crate, for the one suite the module seals with.

use hpke::Deserializable;
use mohprompt_privacy::seal::{POINT_BYTES, from_base64url};

/// DHKEM(P-256, HKDF-SHA256), KEM `0x0010`.
pub type Kem = hpke::kem::DhP256HkdfSha256;
type Kdf = hpke::kdf::HkdfSha256;
type Aead = hpke::aead::AesGcm128;

/// The first part of every sealed value: the format's version.
const PREFIX: &str = "hpke1";
/// AES-GCM's tag: the shortest ciphertext (of an empty plaintext).
const TAG_BYTES: usize = 16;

/// `hpke1.<kid>.<enc>.<ct>` split and decoded, or which part is wrong.
pub fn parse(value: &str) -> Result<(&str, Vec<u8>, Vec<u8>), String> {
    let parts: Vec<&str> = value.split('.').collect();
    let [PREFIX, kid, enc, ct] = parts[..] else {
        return Err(String::from(
            "is not sealed (expected hpke1.<kid>.<enc>.<ciphertext>)",
        ));
    };
    if !crate::keys::is_kid(kid) {
        return Err(String::from("has a malformed kid"));
    }
    let enc = from_base64url(enc)
        .filter(|e| e.len() == POINT_BYTES)
        .ok_or_else(|| {
            format!("has a malformed enc (expected base64url of {POINT_BYTES} bytes)")
        })?;
    let ct = from_base64url(ct)
        .filter(|c| c.len() >= TAG_BYTES)
        .ok_or_else(|| {
            String::from(
                "has a malformed ciphertext (expected base64url of at least the 16-byte tag)",
            )
        })?;
    Ok((kid, enc, ct))
}

/// RFC 9180 single-shot open in base mode; `None` for an `enc` that is not
/// a point or a tag that does not verify (which one is not said: it tells
/// an attacker more than it tells the sender).
pub fn open_bytes(
    key: &<Kem as hpke::Kem>::PrivateKey,
    enc: &[u8],
    info: &[u8],
    ct: &[u8],
    aad: &[u8],
) -> Option<Vec<u8>> {
    let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(enc).ok()?;
    hpke::single_shot_open::<Aead, Kdf, Kem>(&hpke::OpModeR::Base, key, &enc, info, ct, aad).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hpke::{Deserializable, Kem as _, Serializable};

    type PrivateKey = <Kem as hpke::Kem>::PrivateKey;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    // RFC 9180 A.3.1: DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM,
    // base mode; the recipient's key and the first encryption (sequence 0).
    const INFO: &str = "4f6465206f6e2061204772656369616e2055726e";
    const SK_RM: &str = "f3ce7fdae57e1a310d87f1ebbde6f328be0a99cdbcadf4d6589cf29de4b8ffd2";
    const PK_RM: &str = "04fe8c19ce0905191ebc298a9245792531f26f0cece2460639e8bc39cb7f706a826a779b4cf969b8a0e539c7f62fb3d30ad6aa8f80e30f1d128aafd68a2ce72ea0";
    const ENC: &str = "04a92719c6195d5085104f469a8b9814d5838ff72b60501e2c4466e5e67b325ac98536d7b61a1af4b78e5b7f951c0900be863c403ce65c9bfcb9382657222d18c4";
    const PT: &str = "4265617574792069732074727574682c20747275746820626561757479";
    const CT: &str = "5ad590bb8baa577f8619db35a36311226a896e7342a6d836d8b7bcd2f20b6c7f9076ac232e3ab2523f39513434";
    const AAD: &str = "436f756e742d30";

    fn rfc_key() -> PrivateKey {
        PrivateKey::from_bytes(&hex(SK_RM)).unwrap()
    }

    #[test]
    fn the_rfc_9180_a3_vector_opens() {
        let key = rfc_key();
        assert_eq!(Kem::sk_to_pk(&key).to_bytes().to_vec(), hex(PK_RM));
        let opened = open_bytes(&key, &hex(ENC), &hex(INFO), &hex(CT), &hex(AAD));
        assert_eq!(opened, Some(hex(PT)));
        // Each input is bound: another info, aad, enc or a changed byte does not open.
        assert_eq!(
            open_bytes(&key, &hex(ENC), b"other", &hex(CT), &hex(AAD)),
            None
        );
        assert_eq!(open_bytes(&key, &hex(ENC), &hex(INFO), &hex(CT), &[]), None);
        let mut ct = hex(CT);
        ct[3] ^= 1;
        assert_eq!(
            open_bytes(&key, &hex(ENC), &hex(INFO), &ct, &hex(AAD)),
            None
        );
        let mut enc = hex(ENC);
        enc[10] ^= 1;
        assert_eq!(
            open_bytes(&key, &enc, &hex(INFO), &hex(CT), &hex(AAD)),
            None
        );
    }
}
