//! The `mohprompt-privacy` binary as a policy author, the backend and CI
//! run it: each subcommand's success and failure, its exit code (0 good,
//! 1 judged wanting, 2 could not run) and what it says. Sealed values are
//! made here with the `hpke` crate's sender; values from the browser and
//! from @hpke/core are opened by `tests/e2e/cli.test.mjs`.

#[path = "common/corpus.rs"]
mod corpus;

use corpus::Rng;
use hpke::{Deserializable, Serializable};
use mohprompt_privacy::scan::scan_text;
use mohprompt_privacy::seal;
use serde_json::Value;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

type Kem = hpke::kem::DhP256HkdfSha256;

const POLICY: &str = include_str!("../policy/mohprompt.json");

/// A fresh folder under target/tmp for one test.
fn workdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the binary in `dir` with `args`, `stdin` as its input.
fn run_in(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mohprompt-privacy"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

// ----- check ------------------------------------------------------------------------------------

#[test]
fn check_summarises_a_valid_policy_and_exits_0() {
    let dir = workdir("check-valid");
    fs::write(dir.join("policy.json"), POLICY).unwrap();
    let out = run_in(&dir, &["check", "policy.json"], "");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    for line in [
        "policy.json: valid, version 2026.11-1",
        "  necessary (revision 1, always on)",
        "  contact: consent",
        "  logs: legal_obligation",
        "  register (purposes: service, contact, news, statistics, logs, linkage, combining, transfer)",
        "    national_id (national_id, one_of identity): seal",
        "    email (email, optional): mask",
        "keys (0, newest first):",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "no line {line:?} in\n{text}"
        );
    }
}

#[test]
fn check_names_the_path_of_a_problem_and_exits_1() {
    let dir = workdir("check-invalid");
    let broken = POLICY.replacen("\"revision\": 1", "\"revision\": 0", 1);
    fs::write(dir.join("policy.json"), &broken).unwrap();
    let out = run_in(&dir, &["check", "policy.json"], "");
    assert_eq!(code(&out), 1);
    assert_eq!(
        stdout(&out),
        "policy.json: categories[0].revision: must be a whole number from 1\n"
    );

    let mut tree: Value = serde_json::from_str(POLICY).unwrap();
    tree["forms"]["register"]["fields"][5]["operator"] = "shred".into();
    let out = run_in(&dir, &["check", "-", "--format", "json"], &tree.to_string());
    assert_eq!(code(&out), 1);
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["valid"], false);
    assert_eq!(
        report["problems"][0]["path"],
        "forms.register.fields[5].operator"
    );
    assert_eq!(
        report["problems"][0]["problem"],
        "expected keep, mask, keyed_hash, redact, drop or seal"
    );
    assert!(report.get("summary").is_none());

    let out = run_in(&dir, &["check", "-"], "{\"version\": ");
    assert_eq!(code(&out), 1);
    assert!(
        stdout(&out).starts_with("-: policy: invalid JSON at byte 12"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn check_prints_every_problem_of_a_policy_in_document_order_and_exits_1() {
    let dir = workdir("check-problems");
    let mut tree: Value = serde_json::from_str(POLICY).unwrap();
    tree["version"] = "2026 11".into();
    tree["categories"][2]["consent_mode"][0] = "analytics".into();
    tree["forms"]["register"]["fields"][5]["operator"] = "shred".into();
    fs::write(dir.join("policy.json"), tree.to_string()).unwrap();
    let expected = [
        ("version", "use 1 to 32 of A-Z a-z 0-9 . _ -"),
        (
            "categories[2].consent_mode[0]",
            "not a Consent Mode v2 signal",
        ),
        (
            "forms.register.fields[5].operator",
            "expected keep, mask, keyed_hash, redact, drop or seal",
        ),
    ];

    let out = run_in(&dir, &["check", "policy.json"], "");
    assert_eq!(code(&out), 1);
    let lines: Vec<String> = expected
        .iter()
        .map(|(path, problem)| format!("policy.json: {path}: {problem}\n"))
        .collect();
    assert_eq!(stdout(&out), lines.concat());

    let out = run_in(&dir, &["check", "--format", "json", "policy.json"], "");
    assert_eq!(code(&out), 1);
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["valid"], false);
    let listed: Vec<(&str, &str)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["path"].as_str().unwrap(), p["problem"].as_str().unwrap()))
        .collect();
    assert_eq!(listed, expected);
    assert!(report.get("summary").is_none());
}

#[test]
fn check_json_lists_forms_fields_and_keys() {
    let dir = workdir("check-json");
    let out = run_in(&dir, &["check", "--format", "json", "-"], POLICY);
    assert_eq!(code(&out), 0);
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["valid"], true);
    assert_eq!(report["problems"], Value::Array(vec![]));
    let summary = &report["summary"];
    assert_eq!(summary["version"], "2026.11-1");
    assert_eq!(summary["purposes"][1]["legal_basis"], "consent");
    let phone = &summary["forms"][1]["fields"][3];
    assert_eq!(phone["name"], "phone");
    assert_eq!(phone["operator"], "seal");
    assert_eq!(summary["keys"], Value::Array(vec![]));
}

#[test]
fn check_cannot_read_a_missing_file_and_exits_2() {
    let dir = workdir("check-missing");
    let out = run_in(&dir, &["check", "nowhere.json"], "");
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).starts_with("mohprompt-privacy: nowhere.json: cannot read"),
        "{}",
        stderr(&out)
    );
    let out = run_in(&dir, &["check"], "");
    assert_eq!(code(&out), 2, "usage errors exit 2");
}

// ----- scan -------------------------------------------------------------------------------------

#[test]
fn scan_reports_kind_line_and_column_never_the_value() {
    let dir = workdir("scan");
    let log = "\
at 09:00 ok
บัตร 1-2345-45678-78-1 โทร 081-234-5678
passport AB1234567, mail somchai@example.com
sealed hpke1.k1.BIHd9KmSjF3eW6Lk06q-JEPVz8ejWIyRSu-wBvRLpRPoHYbeYLFmf_D0Ug6oa-Pna5H03CqbYPYrVWETSLoXsqs.K_hC5Wohdi-nsNMVDlYYSbZ-YxLKBQEqa8WeWw
";
    fs::write(dir.join("app.log"), log).unwrap();
    let out = run_in(&dir, &["scan", "app.log"], "");
    assert_eq!(code(&out), 1);
    assert_eq!(
        stdout(&out),
        "app.log:2:6: national_id\napp.log:2:28: phone\napp.log:3:10: passport\n\
         app.log:3:26: email\napp.log: 4 findings (email 1, national_id 1, passport 1, phone 1)\n"
    );
    let all = format!("{}{}", stdout(&out), stderr(&out));
    for leaked in [
        "2345", "45678", "234-5678", "5678", "1234567", "somchai", "example",
    ] {
        assert!(!all.contains(leaked), "the output holds {leaked:?}: {all}");
    }

    let out = run_in(&dir, &["scan", "--format", "json", "-"], log);
    assert_eq!(code(&out), 1);
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["counts"]["phone"], 1);
    assert_eq!(
        report["findings"][0],
        serde_json::json!({"line": 2, "column": 6, "kind": "national_id"})
    );
}

#[test]
fn scan_reads_json_lines_as_json_so_escaped_identifiers_are_found_by_path() {
    let dir = workdir("scan-jsonl");
    // The second line spells a national ID and a phone with \u escapes: the
    // JSON text holds neither as digits, the values do.
    let log = "\
{\"at\":\"09:00\",\"msg\":\"ok\"}
{\"items\":[{\"note\":\"\\u0031\\u0032345\\u0034\\u0035678781\"}],\"tel\":\"\\u0030812345678\"}
{\"n\":1234545678781,\"0812345678\":true}
";
    fs::write(dir.join("log.jsonl"), log).unwrap();
    let out = run_in(&dir, &["scan", "log.jsonl"], "");
    assert_eq!(code(&out), 1);
    assert_eq!(
        stdout(&out),
        "log.jsonl:2: national_id in items[0].note\nlog.jsonl:2: phone in tel\n\
         log.jsonl:3: national_id in n\nlog.jsonl:3: phone in a key ({key 2})\n\
         log.jsonl: 4 findings (national_id 2, phone 2)\n"
    );
    assert!(!stdout(&out).contains("5678"), "{}", stdout(&out));
    let out = run_in(&dir, &["scan", "--format", "json", "log.jsonl"], "");
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        report["findings"][3],
        serde_json::json!({"line": 3, "path": "{key 2}", "in_key": true, "kind": "phone"})
    );
}

#[test]
fn scan_of_a_clean_file_exits_0_and_a_missing_one_2() {
    let dir = workdir("scan-clean");
    let out = run_in(
        &dir,
        &["scan", "-"],
        "นัด 2024-01-31 10:30 ค่าบริการ 1,250.00 บาท รหัสไปรษณีย์ 10500\n",
    );
    assert_eq!(code(&out), 0);
    assert_eq!(stdout(&out), "-: no findings\n");
    let out = run_in(&dir, &["scan", "missing.log"], "");
    assert_eq!(code(&out), 2);
}

/// The corpora of the leak scan (tests/common/corpus.rs), one text a line,
/// in target/tmp/scan-corpus/: the files tests/e2e/cli.test.mjs also runs
/// the browser's scanText over.
fn write_corpus_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("scan-corpus");
    fs::create_dir_all(&dir).unwrap();
    let positive: Vec<String> = corpus::positive(&mut Rng(corpus::SEED), 2)
        .into_iter()
        .map(|p| p.text)
        .collect();
    let negative = corpus::negative(&mut Rng(corpus::SEED ^ 1), 3_000);
    let mut rng = Rng(corpus::SEED ^ 2);
    let operator: Vec<String> = (0..3_000)
        .map(|k| {
            let token = corpus::operator_output(&mut rng, k);
            if k % 2 == 0 {
                token
            } else {
                format!("ค่า{token}ครับ")
            }
        })
        .collect();
    let mut files = Vec::new();
    for (name, lines) in [
        ("positive", positive),
        ("negative", negative),
        ("operator", operator),
    ] {
        assert!(
            lines.iter().all(|l| !l.contains(['\n', '\r'])),
            "{name}: a text spans lines"
        );
        let path = dir.join(format!("{name}.txt"));
        fs::write(&path, lines.join("\n") + "\n").unwrap();
        files.push(path);
    }
    files
}

#[test]
fn scan_agrees_with_the_library_on_the_corpus_files() {
    for path in write_corpus_files() {
        let text = fs::read_to_string(&path).unwrap();
        let mut expected = Vec::new();
        for (i, line) in text.lines().enumerate() {
            for f in scan_text(line).findings {
                let column = line[..f.start].chars().count() + 1;
                expected.push(
                    serde_json::json!({"line": i + 1, "column": column, "kind": f.kind.as_str()}),
                );
            }
        }
        let path_text = path.to_str().unwrap();
        let out = run_in(Path::new("."), &["scan", "--format", "json", path_text], "");
        let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let found = report["findings"].as_array().unwrap();
        assert_eq!(found, &expected, "{path_text}");
        let positive = path.ends_with("positive.txt");
        assert_eq!(code(&out), if positive { 1 } else { 0 }, "{path_text}");
        if positive {
            assert_eq!(
                found.len(),
                text.lines().count(),
                "one finding a planted line"
            );
        }
    }
}

// ----- keys -------------------------------------------------------------------------------------

#[test]
fn keys_new_writes_a_private_pem_0600_and_prints_the_policy_entry() {
    let dir = workdir("keys-new");
    let out = run_in(&dir, &["keys", "new", "--kid", "backend-2026-12"], "");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let entry: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(entry["kid"], "backend-2026-12");
    assert_eq!(entry["suite"], seal::SUITE);
    let point = seal::from_base64url(entry["public_key"].as_str().unwrap()).unwrap();
    assert_eq!(
        (point.len(), point[0]),
        (65, 4),
        "an uncompressed P-256 point"
    );

    let pem_path = dir.join("backend-2026-12.private.pem");
    let pem = fs::read_to_string(&pem_path).unwrap();
    assert!(
        pem.starts_with("-----BEGIN PRIVATE KEY-----\n"),
        "PKCS#8: {pem}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&pem_path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The printed key is the private key's.
    use p256::pkcs8::DecodePrivateKey;
    let secret = p256::SecretKey::from_pkcs8_pem(&pem).unwrap();
    let private = <Kem as hpke::Kem>::PrivateKey::from_bytes(&secret.to_bytes()).unwrap();
    use hpke::Kem as _;
    assert_eq!(Kem::sk_to_pk(&private).to_bytes().to_vec(), point);
    // Its text never goes to the terminal.
    assert!(!stdout(&out).contains("PRIVATE") && !stderr(&out).contains("PRIVATE KEY-----"));
}

#[test]
fn keys_new_never_overwrites_a_file() {
    let dir = workdir("keys-new-exists");
    fs::write(dir.join("k1.private.pem"), "an older key\n").unwrap();
    let out = run_in(&dir, &["keys", "new", "--kid", "k1"], "");
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("k1.private.pem: exists already; a private key is never overwritten"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), "", "no entry for a key that was not written");
    assert_eq!(
        fs::read_to_string(dir.join("k1.private.pem")).unwrap(),
        "an older key\n"
    );

    let out = run_in(
        &dir,
        &[
            "keys",
            "new",
            "--kid",
            "k2",
            "--private-key",
            "k1.private.pem",
        ],
        "",
    );
    assert_eq!(code(&out), 2);
    assert_eq!(
        fs::read_to_string(dir.join("k1.private.pem")).unwrap(),
        "an older key\n"
    );

    let out = run_in(
        &dir,
        &["keys", "new", "--kid", "k1", "--private-key", "other.pem"],
        "",
    );
    assert_eq!(code(&out), 0);
    let out = run_in(&dir, &["keys", "new", "--kid", "no/slash"], "");
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--kid: use 1 to 64 of A-Z a-z 0-9 _ -"));
}

/// A policy in `dir` with new keys `kids` added in order (the last is first).
fn policy_with_keys(dir: &Path, kids: &[&str]) {
    fs::write(dir.join("policy.json"), POLICY).unwrap();
    for kid in kids {
        let out = run_in(dir, &["keys", "new", "--kid", kid], "");
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        fs::write(dir.join(format!("{kid}.json")), stdout(&out)).unwrap();
        let out = run_in(
            dir,
            &["keys", "add", "policy.json", &format!("{kid}.json")],
            "",
        );
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
}

fn listed_kids(dir: &Path) -> Vec<String> {
    let tree: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("policy.json")).unwrap()).unwrap();
    tree["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn keys_add_puts_the_newest_first_and_keeps_the_rest_of_the_file() {
    let dir = workdir("keys-add");
    policy_with_keys(&dir, &["k1", "k2"]);
    assert_eq!(listed_kids(&dir), ["k2", "k1"]);
    let text = fs::read_to_string(dir.join("policy.json")).unwrap();
    let before_keys = POLICY.split("\"keys\"").next().unwrap();
    assert!(
        text.starts_with(before_keys),
        "the document before keys changed"
    );
    let out = run_in(&dir, &["check", "policy.json"], "");
    assert!(stdout(&out).contains("  k2: DHKEM(P-256, HKDF-SHA256)/HKDF-SHA256/AES-128-GCM  <- the browser seals to this one\n"));
}

#[test]
fn keys_add_refuses_a_listed_kid_or_a_bad_entry_and_leaves_the_policy() {
    let dir = workdir("keys-add-refused");
    policy_with_keys(&dir, &["k1"]);
    let before = fs::read_to_string(dir.join("policy.json")).unwrap();
    let out = run_in(&dir, &["keys", "add", "policy.json", "k1.json"], "");
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("kid \"k1\" is listed already"),
        "{}",
        stderr(&out)
    );
    let bad_point = r#"{"kid": "k3", "suite": "DHKEM(P-256, HKDF-SHA256)/HKDF-SHA256/AES-128-GCM", "public_key": "AAAA"}"#;
    let out = run_in(&dir, &["keys", "add", "policy.json", "-"], bad_point);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains(
            "keys[0].public_key: a P-256 public key is an uncompressed point of 65 bytes"
        ),
        "{}",
        stderr(&out)
    );
    let out = run_in(
        &dir,
        &["keys", "add", "policy.json", "-"],
        r#"{"kid": "k3"}"#,
    );
    assert_eq!(code(&out), 2);
    assert_eq!(fs::read_to_string(dir.join("policy.json")).unwrap(), before);
}

#[test]
fn keys_remove_takes_one_entry_out_and_keeps_the_rest_of_the_file() {
    let dir = workdir("keys-remove");
    policy_with_keys(&dir, &["k1", "k2", "k3"]);
    let before = fs::read_to_string(dir.join("policy.json")).unwrap();
    let out = run_in(&dir, &["keys", "remove", "policy.json", "--kid", "k2"], "");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("\"k2\" removed, 2 keys left; the browser seals to \"k3\""));
    assert_eq!(listed_kids(&dir), ["k3", "k1"]);
    let text = fs::read_to_string(dir.join("policy.json")).unwrap();
    let before_keys = before.split("\"keys\"").next().unwrap();
    assert!(
        text.starts_with(before_keys),
        "the document before keys changed"
    );
    let out = run_in(&dir, &["check", "policy.json"], "");
    assert_eq!(code(&out), 0, "{}", stdout(&out));
}

#[test]
fn keys_remove_refuses_the_last_key_or_an_unlisted_kid_and_leaves_the_policy() {
    let dir = workdir("keys-remove-refused");
    policy_with_keys(&dir, &["k1"]);
    let before = fs::read_to_string(dir.join("policy.json")).unwrap();
    let out = run_in(&dir, &["keys", "remove", "policy.json", "--kid", "k1"], "");
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("\"k1\" is the only key"),
        "{}",
        stderr(&out)
    );
    let out = run_in(&dir, &["keys", "remove", "policy.json", "--kid", "k9"], "");
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("no key with kid \"k9\""),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read_to_string(dir.join("policy.json")).unwrap(), before);
}

// ----- open -------------------------------------------------------------------------------------

/// Seals `text` for `form`.`field` under `version` to the public key of `kid`
/// in the policy of `dir`, as the browser does (the hpke crate's sender).
fn seal_to(
    dir: &Path,
    kid: &str,
    (version, form, field): (&str, &str, &str),
    text: &str,
) -> String {
    let entry: Value =
        serde_json::from_str(&fs::read_to_string(dir.join(format!("{kid}.json"))).unwrap())
            .unwrap();
    let point = seal::from_base64url(entry["public_key"].as_str().unwrap()).unwrap();
    let public = <Kem as hpke::Kem>::PublicKey::from_bytes(&point).unwrap();
    let info = seal::info(version, form, field);
    let (enc, ct) = hpke::single_shot_seal::<hpke::aead::AesGcm128, hpke::kdf::HkdfSha256, Kem, _>(
        &hpke::OpModeS::Base,
        &public,
        info.as_bytes(),
        text.as_bytes(),
        &[],
        &mut rand_core::UnwrapErr(rand_core::OsRng),
    )
    .unwrap();
    format!("hpke1.{kid}.{}.{}", b64(&enc.to_bytes()), b64(&ct))
}

fn b64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = String::new();
    for b in bytes {
        bits.push_str(&format!("{b:08b}"));
    }
    bits.as_bytes()
        .chunks(6)
        .map(|c| {
            let mut chunk = String::from_utf8(c.to_vec()).unwrap();
            while chunk.len() < 6 {
                chunk.push('0');
            }
            ALPHABET[usize::from_str_radix(&chunk, 2).unwrap()] as char
        })
        .collect()
}

const VERSION: &str = "2026.11-1";
const PHONE: &str = "+66812345678";

fn open(dir: &Path, keys: &[&str], form: &str, field: &str, value: &str) -> Output {
    let mut args = vec![
        "open",
        "--policy",
        "policy.json",
        "--form",
        form,
        "--field",
        field,
        value,
    ];
    let paths: Vec<String> = keys.iter().map(|k| format!("{k}.private.pem")).collect();
    for path in &paths {
        args.extend(["--key", path.as_str()]);
    }
    run_in(dir, &args, "")
}

fn assert_refused(out: &Output, reason: &str) {
    assert_eq!(code(out), 1, "{}", stderr(out));
    assert_eq!(stdout(out), "", "a refused value printed something");
    assert!(stderr(out).contains(reason), "{}", stderr(out));
    assert!(
        !stderr(out).contains("812345678"),
        "the refusal holds the value: {}",
        stderr(out)
    );
}

#[test]
fn open_gives_the_plaintext_of_a_value_sealed_for_that_field() {
    let dir = workdir("open");
    policy_with_keys(&dir, &["k1"]);
    let value = seal_to(&dir, "k1", (VERSION, "register", "phone"), PHONE);
    let out = open(&dir, &["k1"], "register", "phone", &value);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{PHONE}\n"));
    // Thai text survives as UTF-8.
    let value = seal_to(
        &dir,
        "k1",
        (VERSION, "certificate", "national_id"),
        "๑๒๓ ทดสอบ",
    );
    let out = open(&dir, &["k1"], "certificate", "national_id", &value);
    assert_eq!(stdout(&out), "๑๒๓ ทดสอบ\n");
}

#[test]
fn open_refuses_another_field_form_or_policy_version() {
    let dir = workdir("open-bound");
    policy_with_keys(&dir, &["k1"]);
    let why = "does not open for form";
    let value = seal_to(&dir, "k1", (VERSION, "register", "phone"), PHONE);
    assert_refused(&open(&dir, &["k1"], "register", "national_id", &value), why);
    assert_refused(&open(&dir, &["k1"], "certificate", "phone", &value), why);
    let old = seal_to(&dir, "k1", ("2026.10-1", "register", "phone"), PHONE);
    assert_refused(
        &open(&dir, &["k1"], "register", "phone", &old),
        "policy 2026.11-1",
    );
    // A field the form does not seal, or no such form: the command is wrong (2).
    let out = open(&dir, &["k1"], "register", "email", &value);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("form \"register\" seals no field \"email\""));
    let out = open(&dir, &["k1"], "nope", "phone", &value);
    assert_eq!(code(&out), 2);
}

#[test]
fn open_refuses_a_tampered_value_and_prints_nothing_of_it() {
    let dir = workdir("open-tampered");
    policy_with_keys(&dir, &["k1"]);
    let value = seal_to(&dir, "k1", (VERSION, "register", "phone"), PHONE);
    let (head, ct) = value.rsplit_once('.').unwrap();
    for i in [0, ct.len() / 2, ct.len() - 2] {
        let mut bytes = ct.as_bytes().to_vec();
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        let tampered = format!("{head}.{}", String::from_utf8(bytes).unwrap());
        assert_refused(
            &open(&dir, &["k1"], "register", "phone", &tampered),
            "does not open",
        );
    }
    // Cut short (24 characters, 18 bytes: well formed, the tag gone).
    let cut = format!("{head}.{}", &ct[..24]);
    assert_refused(
        &open(&dir, &["k1"], "register", "phone", &cut),
        "does not open",
    );
    let parts: Vec<&str> = value.split('.').collect();
    let other_enc = seal_to(&dir, "k1", (VERSION, "register", "phone"), PHONE);
    let swapped = format!(
        "hpke1.k1.{}.{}",
        other_enc.split('.').nth(2).unwrap(),
        parts[3]
    );
    assert_refused(
        &open(&dir, &["k1"], "register", "phone", &swapped),
        "does not open",
    );
    assert_refused(
        &open(&dir, &["k1"], "register", "phone", "0812345678"),
        "is not sealed",
    );
}

#[test]
fn open_refuses_a_value_of_another_kid() {
    let dir = workdir("open-kid");
    policy_with_keys(&dir, &["k1", "k2"]);
    let for_k1 = seal_to(&dir, "k1", (VERSION, "register", "phone"), PHONE);
    // Only k2's private key at hand: k1's values wait for k1's key.
    assert_refused(
        &open(&dir, &["k2"], "register", "phone", &for_k1),
        "was sealed to key \"k1\": give that key's private key with --key",
    );
    // Named k2 but sealed to k1's public key: k2's key does not open it.
    let relabelled = for_k1.replacen("hpke1.k1.", "hpke1.k2.", 1);
    assert_refused(
        &open(&dir, &["k2"], "register", "phone", &relabelled),
        "does not open",
    );
    let unknown = for_k1.replacen("hpke1.k1.", "hpke1.k9.", 1);
    assert_refused(
        &open(&dir, &["k1", "k2"], "register", "phone", &unknown),
        "which the policy does not list",
    );
    // With both keys, each value opens with its own.
    let for_k2 = seal_to(&dir, "k2", (VERSION, "register", "phone"), PHONE);
    for value in [&for_k1, &for_k2] {
        let out = open(&dir, &["k2", "k1"], "register", "phone", value);
        assert_eq!(stdout(&out), format!("{PHONE}\n"), "{}", stderr(&out));
    }
}

#[test]
fn open_needs_a_key_the_policy_lists() {
    let dir = workdir("open-unlisted");
    policy_with_keys(&dir, &["k1"]);
    let out = run_in(&dir, &["keys", "new", "--kid", "stray"], "");
    assert_eq!(code(&out), 0);
    let value = seal_to(&dir, "k1", (VERSION, "register", "phone"), PHONE);
    let out = open(&dir, &["stray"], "register", "phone", &value);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("stray.private.pem: its public key is not in the policy's keys"),
        "{}",
        stderr(&out)
    );
    fs::write(dir.join("bad.private.pem"), "not a key").unwrap();
    let out = open(&dir, &["bad"], "register", "phone", &value);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("not a P-256 private key in PEM"));
}

#[test]
fn open_jsonl_prints_only_lines_whose_sealed_fields_all_open() {
    let dir = workdir("open-jsonl");
    policy_with_keys(&dir, &["k1"]);
    let id = seal_to(
        &dir,
        "k1",
        (VERSION, "register", "national_id"),
        "1234545678781",
    );
    let phone = seal_to(&dir, "k1", (VERSION, "register", "phone"), PHONE);
    let moved = seal_to(&dir, "k1", (VERSION, "register", "passport"), "AB1234567");
    let lines = [
        serde_json::json!({"given_name": "Kanyarat", "national_id": id, "phone": phone})
            .to_string(),
        serde_json::json!({"given_name": "Somchai", "email": "s***@example.com"}).to_string(),
        // One field sealed for another: the whole line is refused, the good field too.
        serde_json::json!({"given_name": "Malee", "phone": phone, "national_id": moved})
            .to_string(),
        String::from("not json"),
    ];
    fs::write(dir.join("register.jsonl"), lines.join("\n") + "\n").unwrap();
    let out = run_in(
        &dir,
        &[
            "open",
            "--key",
            "k1.private.pem",
            "--policy",
            "policy.json",
            "--form",
            "register",
            "--jsonl",
            "register.jsonl",
        ],
        "",
    );
    assert_eq!(code(&out), 1);
    assert_eq!(
        stdout(&out),
        "{\"given_name\":\"Kanyarat\",\"national_id\":\"1234545678781\",\"phone\":\"+66812345678\"}\n\
         {\"given_name\":\"Somchai\",\"email\":\"s***@example.com\"}\n"
    );
    let err = stderr(&out);
    assert!(err.contains("register.jsonl:3: refused: national_id: does not open for form \"register\", field \"national_id\""), "{err}");
    assert!(
        err.contains("register.jsonl:4: refused: not a JSON object"),
        "{err}"
    );
    assert!(
        !err.contains("Malee") && !err.contains("812345678"),
        "{err}"
    );
}
