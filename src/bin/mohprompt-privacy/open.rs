//! `open`: sealed values back to their plaintext, with the RustCrypto
//! `hpke` crate: a second implementation, independent of the browser's
//! WebCrypto code (`src/web/seal.js`) and of the demo server's @hpke/core.
//!
//! A sealed value is `hpke1.<kid>.<enc>.<ct>` (base64url without padding;
//! `enc` a 65-byte uncompressed P-256 point, `ct` the AES-128-GCM ciphertext
//! and its 16-byte tag), sealed in RFC 9180 base mode with an empty aad and
//! the `info` of [`seal::info`]: the policy version, the form and the field.
//! So a value opens only for the field, form and policy version it was
//! sealed for, with the private key its kid names. Anything else is refused
//! with a reason that never holds the value, and no plaintext at all: the
//! tag is checked before a byte is decrypted.
//!
//! `--jsonl` opens every sealed field of stored submissions (one JSON object
//! a line, as the receiver stores a form's body): a line is printed with its
//! sealed fields opened only when all of them open; otherwise its line
//! number and the refused fields go to stderr, and the exit code is 1.

use crate::failure::{Failure, read_text};
use crate::keys::{KeyEntry, policy_keys, to_base64url};
use crate::sealed::{Kem, open_bytes, parse};
use clap::Parser;
use hpke::{Deserializable, Kem as _, Serializable};
use mohprompt_privacy::policy::Policy;
use mohprompt_privacy::seal;
use p256::pkcs8::DecodePrivateKey;
use std::path::{Path, PathBuf};

/// `open`'s arguments.
#[derive(Debug, Parser)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["field", "jsonl"]))]
pub struct Args {
    /// A recipient's private key (PKCS#8 PEM, as `keys new` writes it); repeat for each key
    /// still in use. Its kid is the policy's entry with the same public key.
    #[arg(long, required = true, value_name = "PRIVATE.pem")]
    key: Vec<PathBuf>,
    /// The policy the values were sealed under (its version is part of what they are bound to).
    #[arg(long, value_name = "POLICY.json")]
    policy: PathBuf,
    /// The form the values were sent with.
    #[arg(long, value_name = "ID")]
    form: String,
    /// The field of the one VALUE to open.
    #[arg(long, value_name = "NAME", requires = "value")]
    field: Option<String>,
    /// The sealed value, `hpke1.<kid>.<enc>.<ct>`.
    #[arg(requires = "field")]
    value: Option<String>,
    /// Open every sealed field of each line of a JSON-lines file (`-` for stdin).
    #[arg(long, value_name = "FILE", conflicts_with = "field")]
    jsonl: Option<PathBuf>,
}

/// A private key and the kid the policy gives its public key.
struct Recipient {
    kid: String,
    key: <Kem as hpke::Kem>::PrivateKey,
}

/// Where a value must open: what its `info` binds it to.
pub struct Place<'a> {
    /// `Policy::version`.
    pub version: &'a str,
    /// The form id.
    pub form: &'a str,
    /// The field name.
    pub field: &'a str,
}

/// Runs `open`.
pub fn run(args: &Args) -> Result<(), Failure> {
    let policy_text = read_text(&args.policy)?;
    let policy = Policy::from_json(&policy_text)
        .map_err(|e| Failure::file(&args.policy, "not a valid policy", e))?;
    let listed = policy_keys(&policy_text);
    let recipients = args
        .key
        .iter()
        .map(|path| recipient(path, &listed))
        .collect::<Result<Vec<_>, _>>()?;
    let form = policy.form(&args.form).ok_or_else(|| {
        Failure::CannotRun(format!("--form: the policy has no form \"{}\"", args.form))
    })?;
    let sealed: Vec<&str> = form.sealed_fields().map(|f| f.name.as_str()).collect();
    let opener = Opener {
        recipients: &recipients,
        listed: &listed,
    };
    if let (Some(field), Some(value)) = (&args.field, &args.value) {
        if !sealed.contains(&field.as_str()) {
            return Err(Failure::CannotRun(format!(
                "--field: form \"{}\" seals no field \"{field}\" (it seals: {})",
                form.id,
                sealed.join(", ")
            )));
        }
        let place = Place {
            version: &policy.version,
            form: &form.id,
            field,
        };
        return match opener.open(&place, value) {
            Ok(plaintext) => {
                println!("{plaintext}");
                Ok(())
            }
            Err(reason) => {
                eprintln!("{}.{field}: refused: {reason}", form.id);
                Err(Failure::Judged)
            }
        };
    }
    let Some(path) = &args.jsonl else {
        return Err(Failure::CannotRun(String::from(
            "give --field NAME VALUE or --jsonl FILE",
        )));
    };
    open_lines(&opener, path, &policy.version, &form.id, &sealed)
}

fn open_lines(
    opener: &Opener,
    path: &Path,
    version: &str,
    form: &str,
    sealed: &[&str],
) -> Result<(), Failure> {
    let text = read_text(path)?;
    let mut refused_lines = 0;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut refusals = Vec::new();
        let mut body: serde_json::Map<String, serde_json::Value> = match serde_json::from_str(line)
        {
            Ok(body) => body,
            Err(_) => {
                refusals.push(String::from("not a JSON object"));
                serde_json::Map::new()
            }
        };
        for field in sealed {
            let Some(value) = body.get_mut(*field) else {
                continue;
            };
            let place = Place {
                version,
                form,
                field,
            };
            let opened = match value.as_str() {
                Some(text) => opener.open(&place, text),
                None => Err(String::from("must be a sealed string")),
            };
            match opened {
                Ok(plaintext) => *value = serde_json::Value::String(plaintext),
                Err(reason) => refusals.push(format!("{field}: {reason}")),
            }
        }
        if refusals.is_empty() {
            println!("{}", serde_json::Value::Object(body));
        } else {
            refused_lines += 1;
            // The plaintexts opened so far on this line go with `body`: never printed.
            for refusal in refusals {
                eprintln!("{}:{}: refused: {refusal}", path.display(), i + 1);
            }
        }
    }
    if refused_lines == 0 {
        Ok(())
    } else {
        Err(Failure::Judged)
    }
}

/// The private keys at hand and the policy's list, to say why a kid cannot be opened.
struct Opener<'a> {
    recipients: &'a [Recipient],
    listed: &'a [KeyEntry],
}

impl Opener<'_> {
    /// The plaintext of `value` sealed for `place`, or why not (never the value).
    fn open(&self, place: &Place, value: &str) -> Result<String, String> {
        let (kid, enc, ct) = parse(value)?;
        let Some(recipient) = self.recipients.iter().find(|r| r.kid == kid) else {
            return Err(if self.listed.iter().any(|k| k.kid == kid) {
                format!("was sealed to key \"{kid}\": give that key's private key with --key")
            } else {
                format!("was sealed to key \"{kid}\", which the policy does not list")
            });
        };
        let info = seal::info(place.version, place.form, place.field);
        let plaintext =
            open_bytes(&recipient.key, &enc, info.as_bytes(), &ct, &[]).ok_or_else(|| {
                format!(
                    "does not open for form \"{}\", field \"{}\", policy {} \
                 (sealed for another field, form or policy version, or changed)",
                    place.form, place.field, place.version
                )
            })?;
        String::from_utf8(plaintext).map_err(|_| String::from("opens to text that is not UTF-8"))
    }
}

/// The private key in `path` and its kid: the policy entry of its public key.
fn recipient(path: &Path, listed: &[KeyEntry]) -> Result<Recipient, Failure> {
    let pem = read_text(path)?;
    let secret = p256::SecretKey::from_pkcs8_pem(&pem)
        .or_else(|_| p256::SecretKey::from_sec1_pem(&pem))
        .map_err(|_| {
            Failure::CannotRun(format!(
                "{}: not a P-256 private key in PEM (PKCS#8 \"PRIVATE KEY\" or SEC1 \"EC PRIVATE KEY\")",
                path.display()
            ))
        })?;
    let key = <Kem as hpke::Kem>::PrivateKey::from_bytes(&secret.to_bytes())
        .map_err(|_| Failure::CannotRun(format!("{}: not a usable P-256 key", path.display())))?;
    let public = to_base64url(&Kem::sk_to_pk(&key).to_bytes());
    let entry = listed
        .iter()
        .find(|k| k.suite == seal::SUITE && k.public_key == public)
        .ok_or_else(|| {
            Failure::CannotRun(format!(
                "{}: its public key is not in the policy's keys (wrong key or wrong policy?)",
                path.display()
            ))
        })?;
    Ok(Recipient {
        kid: entry.kid.clone(),
        key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    type PrivateKey = <Kem as hpke::Kem>::PrivateKey;

    /// A recipient key for the tests: any scalar below the group order.
    fn test_key() -> PrivateKey {
        PrivateKey::from_bytes(&[7; 32]).unwrap()
    }

    fn sealed_for(place: &Place, kid: &str, plaintext: &str) -> String {
        let public = Kem::sk_to_pk(&test_key());
        let info = seal::info(place.version, place.form, place.field);
        let mut rng = rand_core::UnwrapErr(rand_core::OsRng);
        let (enc, ct) =
            hpke::single_shot_seal::<hpke::aead::AesGcm128, hpke::kdf::HkdfSha256, Kem, _>(
                &hpke::OpModeS::Base,
                &public,
                info.as_bytes(),
                plaintext.as_bytes(),
                &[],
                &mut rng,
            )
            .unwrap();
        format!(
            "hpke1.{kid}.{}.{}",
            to_base64url(&enc.to_bytes()),
            to_base64url(&ct)
        )
    }

    const PHONE: Place = Place {
        version: "2026.11-1",
        form: "register",
        field: "phone",
    };

    fn opener_with<'a>(recipients: &'a [Recipient], listed: &'a [KeyEntry]) -> Opener<'a> {
        Opener { recipients, listed }
    }

    #[test]
    fn a_value_opens_only_where_it_was_sealed() {
        let recipients = [Recipient {
            kid: String::from("k1"),
            key: test_key(),
        }];
        let opener = opener_with(&recipients, &[]);
        let value = sealed_for(&PHONE, "k1", "+66812345678");
        assert_eq!(opener.open(&PHONE, &value).as_deref(), Ok("+66812345678"));
        for place in [
            Place {
                field: "national_id",
                ..PHONE
            },
            Place {
                form: "certificate",
                ..PHONE
            },
            Place {
                version: "2026.12-1",
                ..PHONE
            },
        ] {
            let reason = opener.open(&place, &value).unwrap_err();
            assert!(reason.starts_with("does not open for form"), "{reason}");
            assert!(!reason.contains("812345678"), "{reason}");
        }
    }

    #[test]
    fn malformed_values_are_refused_by_part() {
        let recipients = [Recipient {
            kid: String::from("k1"),
            key: test_key(),
        }];
        let opener = opener_with(&recipients, &[]);
        let good = sealed_for(&PHONE, "k1", "+66812345678");
        let parts: Vec<&str> = good.split('.').collect();
        let cases = [
            ("0812345678".to_owned(), "is not sealed"),
            (good.replacen("hpke1", "hpke2", 1), "is not sealed"),
            (format!("{good}.x"), "is not sealed"),
            (
                format!("hpke1.k!1.{}.{}", parts[2], parts[3]),
                "malformed kid",
            ),
            (
                format!("hpke1.k1.{}.{}", &parts[2][..20], parts[3]),
                "malformed enc",
            ),
            (
                format!("hpke1.k1.{}.{}=", parts[2], parts[3]),
                "malformed ciphertext",
            ),
            (
                format!("hpke1.k1.{}.AAAA", parts[2]),
                "malformed ciphertext",
            ),
            (
                format!("hpke1.k2.{}.{}", parts[2], parts[3]),
                "policy does not list",
            ),
        ];
        for (value, want) in cases {
            let reason = opener.open(&PHONE, &value).unwrap_err();
            assert!(reason.contains(want), "{value}: {reason}");
        }
    }
}
