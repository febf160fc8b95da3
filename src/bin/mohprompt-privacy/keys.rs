//! `keys`: the recipient keys of sealed fields.
//!
//! - `keys new --kid KID` makes a P-256 key pair, writes the private key as
//!   PKCS#8 PEM with mode 0600 (never over an existing file) and prints the
//!   policy `keys` entry of the public key: `{"kid", "suite", "public_key"}`,
//!   the key an uncompressed point in base64url without padding.
//! - `keys add POLICY.json PUBLIC.json` puts such an entry first in the
//!   policy's `keys` (newest first: the browser seals to the first key of
//!   its suite; the older ones stay until the operator removes them, so the
//!   backend can still tell whose values it holds). Only the `keys` array of
//!   the file is rewritten, and the result must load as the browser loads it.
//! - `keys remove POLICY.json --kid KID` takes that entry out of `keys`, the
//!   same way; it refuses to remove the last one (a policy that seals needs
//!   a key, and a backend whose values name no listed key cannot tell them).

use crate::failure::{Failure, read_text};
use crate::sealed::Kem;
use clap::{Parser, Subcommand};
use hpke::{Kem as _, Serializable};
use mohprompt_privacy::policy::Policy;
use mohprompt_privacy::seal::SUITE;
use p256::pkcs8::{EncodePrivateKey, LineEnding};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// `keys`' subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make a P-256 key pair: the private key to a new PEM file (mode 0600), the policy entry to stdout.
    New(NewArgs),
    /// Put a public key entry (what `keys new` prints) first in a policy's `keys`.
    Add(AddArgs),
    /// Take a key entry out of a policy's `keys` (never the last one).
    Remove(RemoveArgs),
}

/// `keys new`'s arguments.
#[derive(Debug, Parser)]
pub struct NewArgs {
    /// The key id sealed values will name: 1 to 64 of A-Z a-z 0-9 _ -.
    #[arg(long)]
    kid: String,
    /// Where the private key goes; never overwritten. Default: `<KID>.private.pem`.
    #[arg(long, value_name = "PATH")]
    private_key: Option<PathBuf>,
}

/// `keys add`'s arguments.
#[derive(Debug, Parser)]
pub struct AddArgs {
    /// The policy file, rewritten in place.
    policy: PathBuf,
    /// The public key entry, as `keys new` prints it (`-` for stdin).
    public: PathBuf,
}

/// `keys remove`'s arguments.
#[derive(Debug, Parser)]
pub struct RemoveArgs {
    /// The policy file, rewritten in place.
    policy: PathBuf,
    /// The key id of the entry to remove.
    #[arg(long)]
    kid: String,
}

/// A policy `keys` entry.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyEntry {
    /// The key id.
    pub kid: String,
    /// The HPKE suite, [`SUITE`].
    pub suite: String,
    /// Base64url without padding of the 65-byte uncompressed point.
    pub public_key: String,
}

/// Runs `keys`.
pub fn run(command: &Command) -> Result<(), Failure> {
    match command {
        Command::New(args) => new(args),
        Command::Add(args) => add(args),
        Command::Remove(args) => remove(args),
    }
}

/// The entries of a policy's `keys`, in order; empty where the text has
/// none it can read (the loader has refused such a policy already).
pub fn policy_keys(text: &str) -> Vec<KeyEntry> {
    #[derive(Deserialize)]
    struct Top {
        #[serde(default)]
        keys: Vec<KeyEntry>,
    }
    serde_json::from_str::<Top>(text).map_or_else(|_| Vec::new(), |top| top.keys)
}

/// Whether a kid is what the policy loader takes.
pub fn is_kid(kid: &str) -> bool {
    (1..=64).contains(&kid.len())
        && kid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn new(args: &NewArgs) -> Result<(), Failure> {
    if !is_kid(&args.kid) {
        return Err(Failure::CannotRun(String::from(
            "--kid: use 1 to 64 of A-Z a-z 0-9 _ -",
        )));
    }
    let path = args
        .private_key
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{}.private.pem", args.kid)));
    let (private, public) = Kem::gen_keypair(&mut rand_core::UnwrapErr(rand_core::OsRng));
    let secret = p256::SecretKey::from_slice(&private.to_bytes())
        .map_err(|_| Failure::CannotRun(String::from("the new key is not a P-256 scalar")))?;
    let pem = secret
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| Failure::CannotRun(format!("cannot encode the private key: {e}")))?;
    write_new(&path, pem.as_bytes())?;
    let entry = KeyEntry {
        kid: args.kid.clone(),
        suite: String::from(SUITE),
        public_key: to_base64url(&public.to_bytes()),
    };
    eprintln!(
        "private key written to {} (mode 0600); keep it on the backend only. The policy entry:",
        path.display()
    );
    println!(
        "{}",
        serde_json::to_string_pretty(&entry).unwrap_or_default()
    );
    Ok(())
}

/// Creates `path` with `bytes`, readable by its owner only; an existing
/// file is an error and stays as it was.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Failure::CannotRun(format!(
                "{}: exists already; a private key is never overwritten (choose another --private-key)",
                path.display()
            ))
        } else {
            Failure::file(path, "cannot create", e)
        }
    })?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| Failure::file(path, "cannot write", e))
}

fn add(args: &AddArgs) -> Result<(), Failure> {
    let text = read_text(&args.policy)?;
    if let Err(e) = Policy::from_json(&text) {
        return Err(Failure::CannotRun(format!(
            "{}: not a valid policy, fix it first ({e})",
            args.policy.display()
        )));
    }
    let entry_text = read_text(&args.public)?;
    let entry: KeyEntry = serde_json::from_str(&entry_text).map_err(|e| {
        Failure::file(
            &args.public,
            "not a keys entry ({\"kid\", \"suite\", \"public_key\"})",
            e,
        )
    })?;
    let listed = policy_keys(&text);
    if listed.iter().any(|k| k.kid == entry.kid) {
        return Err(Failure::CannotRun(format!(
            "{}: kid \"{}\" is listed already; a new key needs a new kid",
            args.policy.display(),
            entry.kid
        )));
    }
    let updated = with_key_first(&text, &entry)
        .map_err(|why| Failure::CannotRun(format!("{}: {why}", args.policy.display())))?;
    let policy = Policy::from_json(&updated)
        .map_err(|e| Failure::file(&args.public, "the policy does not load with this key", e))?;
    replace_file(&args.policy, updated.as_bytes())?;
    let seals = policy.seal_key.as_ref().map(|k| k.kid.as_str());
    eprintln!(
        "{}: \"{}\" is now first of {} keys; the browser seals to {}",
        args.policy.display(),
        entry.kid,
        listed.len() + 1,
        seals.map_or(String::from("no key"), |kid| format!("\"{kid}\""))
    );
    Ok(())
}

fn remove(args: &RemoveArgs) -> Result<(), Failure> {
    let text = read_text(&args.policy)?;
    if let Err(e) = Policy::from_json(&text) {
        return Err(Failure::CannotRun(format!(
            "{}: not a valid policy, fix it first ({e})",
            args.policy.display()
        )));
    }
    let listed = policy_keys(&text);
    if !listed.iter().any(|k| k.kid == args.kid) {
        return Err(Failure::CannotRun(format!(
            "{}: no key with kid \"{}\" is listed",
            args.policy.display(),
            args.kid
        )));
    }
    if listed.len() == 1 {
        return Err(Failure::CannotRun(format!(
            "{}: \"{}\" is the only key; add its successor first (keys add), then remove it",
            args.policy.display(),
            args.kid
        )));
    }
    let updated = with_keys(&text, |keys| {
        keys.retain(|k| k.get("kid").and_then(serde_json::Value::as_str) != Some(&args.kid));
        Ok(())
    })
    .map_err(|why| Failure::CannotRun(format!("{}: {why}", args.policy.display())))?;
    let policy = Policy::from_json(&updated)
        .map_err(|e| Failure::file(&args.policy, "the policy does not load without this key", e))?;
    replace_file(&args.policy, updated.as_bytes())?;
    let seals = policy.seal_key.as_ref().map(|k| k.kid.as_str());
    eprintln!(
        "{}: \"{}\" removed, {} keys left; the browser seals to {}",
        args.policy.display(),
        args.kid,
        listed.len() - 1,
        seals.map_or(String::from("no key"), |kid| format!("\"{kid}\""))
    );
    Ok(())
}

/// `text` with `entry` first in its top-level `keys` array (made when
/// missing). The rest of the document is kept byte for byte.
fn with_key_first(text: &str, entry: &KeyEntry) -> Result<String, String> {
    with_keys(text, |keys| {
        keys.insert(0, serde_json::to_value(entry).map_err(|e| e.to_string())?);
        Ok(())
    })
}

/// `text` with its top-level `keys` array (made when missing) changed by
/// `edit`. The rest of the document is kept byte for byte.
fn with_keys(
    text: &str,
    edit: impl FnOnce(&mut Vec<serde_json::Value>) -> Result<(), String>,
) -> Result<String, String> {
    #[derive(Deserialize)]
    struct Top<'a> {
        #[serde(borrow, default)]
        keys: Option<&'a RawValue>,
    }
    let top: Top = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut keys: Vec<serde_json::Value> = match top.keys {
        Some(raw) => serde_json::from_str(raw.get()).map_err(|e| e.to_string())?,
        None => Vec::new(),
    };
    edit(&mut keys)?;
    // The array as the file's other arrays of objects are written: two
    // spaces a level, below a top-level key.
    let array = serde_json::to_string_pretty(&keys)
        .map_err(|e| e.to_string())?
        .replace('\n', "\n  ");
    Ok(match top.keys {
        Some(raw) => {
            // A borrowed RawValue is a slice of `text`: its place is its offset.
            let start = raw.get().as_ptr() as usize - text.as_ptr() as usize;
            let end = start + raw.get().len();
            format!("{}{array}{}", &text[..start], &text[end..])
        }
        None => {
            let close = text.rfind('}').ok_or("not a JSON object")?;
            let body = text[..close].trim_end();
            format!("{body},\n  \"keys\": {array}\n{}", &text[close..])
        }
    })
}

/// Replaces `path` with `bytes` through a new file beside it and a rename,
/// so a failure leaves the old file whole.
fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let mut temp = path.as_os_str().to_owned();
    temp.push(format!(".{}.tmp", std::process::id()));
    let temp = PathBuf::from(temp);
    std::fs::write(&temp, bytes).map_err(|e| Failure::file(&temp, "cannot write", e))?;
    std::fs::rename(&temp, path).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        Failure::file(path, "cannot replace", e)
    })
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding, the spelling of bytes in the policy and in
/// sealed values ([`mohprompt_privacy::seal::from_base64url`] reads it).
pub fn to_base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(BASE64URL[(n >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use mohprompt_privacy::seal::from_base64url;

    #[test]
    fn base64url_round_trips_every_tail_length() {
        assert_eq!(to_base64url(b"foob"), "Zm9vYg");
        assert_eq!(to_base64url(&[0xfb, 0xff, 0xbf]), "-_-_");
        for n in 0..70u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(from_base64url(&to_base64url(&bytes)), Some(bytes));
        }
    }

    #[test]
    fn a_key_goes_first_and_the_rest_of_the_file_stays_as_written() {
        let entry = |kid: &str| KeyEntry {
            kid: kid.into(),
            suite: SUITE.into(),
            public_key: "BA".into(),
        };
        let text = "{\n  \"version\": \"1\",\n  \"cookies\": [\"a\"],\n  \"keys\": []\n}\n";
        let one = with_key_first(text, &entry("k1")).unwrap();
        assert!(one.starts_with("{\n  \"version\": \"1\",\n  \"cookies\": [\"a\"],\n  \"keys\": [\n    {\n      \"kid\": \"k1\""));
        let two = with_key_first(&one, &entry("k2")).unwrap();
        let tree: serde_json::Value = serde_json::from_str(&two).unwrap();
        let kids: Vec<_> = tree["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].as_str().unwrap())
            .collect();
        assert_eq!(kids, ["k2", "k1"]);
        assert!(two.ends_with("\n  ]\n}\n"), "{two}");
        // No keys array yet: one is made at the end.
        let made = with_key_first("{\n  \"version\": \"1\"\n}\n", &entry("k1")).unwrap();
        let tree: serde_json::Value = serde_json::from_str(&made).unwrap();
        assert_eq!(tree["keys"][0]["kid"], "k1");
    }
}
