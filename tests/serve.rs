//! The receipts service (`mohprompt-privacy serve`) as the module, the
//! backend and the data-protection office meet it: every endpoint and
//! status, on SQLite and on PostgreSQL, the binary itself over HTTP.
//!
//! Each test runs twice, `sqlite::…` and `postgres::…`. The PostgreSQL runs
//! need `MOHPROMPT_TEST_POSTGRES` (the URL of a cluster where the user may
//! create databases, e.g. `postgres://mp@localhost/postgres?host=/tmp/pg`,
//! as `scripts/test-postgres.sh` sets it); without it they say so and pass,
//! unless `MOHPROMPT_REQUIRE_POSTGRES=1`, when they fail.

use mohprompt_privacy::consent::{Choice, Consent};
use mohprompt_privacy::i18n::Lang;
use mohprompt_privacy::policy::{MOHPROMPT_POLICY, Policy};
use mohprompt_privacy::receipt::received::check;
use mohprompt_privacy::receipt::{Issuer, Occasion, receipt, sha256_hex, uuid_v4};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use std::{fs, thread};

const ORIGIN: &str = "http://127.0.0.1:8080";
const TOKEN: &str = "office-token-0123456789";
const BIN: &str = env!("CARGO_BIN_EXE_mohprompt-privacy");
/// 2025-11-23T08:00:00Z.
const T0: u64 = 1_763_884_800;

// ----- the store under test ---------------------------------------------------------------------

/// A store for one test: a fresh SQLite file or a fresh PostgreSQL database.
struct Db {
    url: String,
    dir: PathBuf,
    /// For PostgreSQL: the cluster's URL and this test's database.
    postgres: Option<(String, String)>,
}

impl Db {
    fn dir(kind: &str, name: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-{kind}-{name}"));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("token"), format!("{TOKEN}\n")).unwrap();
        dir
    }

    fn sqlite(name: &str) -> Db {
        let dir = Db::dir("sqlite", name);
        Db {
            url: format!("sqlite://{}", dir.join("receipts.db").display()),
            dir,
            postgres: None,
        }
    }

    fn postgres(name: &str) -> Option<Db> {
        let Ok(cluster) = std::env::var("MOHPROMPT_TEST_POSTGRES") else {
            assert!(
                std::env::var("MOHPROMPT_REQUIRE_POSTGRES").is_err(),
                "MOHPROMPT_REQUIRE_POSTGRES is set but MOHPROMPT_TEST_POSTGRES is not"
            );
            eprintln!("{name}: skipped on PostgreSQL (MOHPROMPT_TEST_POSTGRES is not set)");
            return None;
        };
        // PostgreSQL names are at most 63 bytes.
        let database: String = format!("t_{name}").chars().take(40).collect();
        psql(
            &cluster,
            &format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"),
        );
        psql(&cluster, &format!("CREATE DATABASE {database}"));
        let url = cluster.replacen("/postgres?", &format!("/{database}?"), 1);
        assert_ne!(
            url, cluster,
            "MOHPROMPT_TEST_POSTGRES must name the database postgres"
        );
        Some(Db {
            url,
            dir: Db::dir("postgres", name),
            postgres: Some((cluster, database)),
        })
    }

    /// Makes the store unreachable (`false`) or reachable again.
    fn reachable(&self, yes: bool, lock: &mut Option<Child>) {
        match &self.postgres {
            Some((cluster, database)) => {
                psql(
                    cluster,
                    &format!("ALTER DATABASE {database} ALLOW_CONNECTIONS {yes}"),
                );
                if !yes {
                    psql(
                        cluster,
                        &format!(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                             WHERE datname = '{database}'"
                        ),
                    );
                }
            }
            None if !yes => {
                // Another process holds the file's write lock for longer than the
                // service waits (busy_timeout, 5 s).
                *lock = Some(self.hold_write_lock());
            }
            None => {
                if let Some(child) = lock.take() {
                    release(child);
                }
            }
        }
    }

    /// Another process takes the store's write lock and holds it until
    /// [`release`]d: writes wait (and fail after a while).
    fn hold_write_lock(&self) -> Child {
        let (program, args, script) = match &self.postgres {
            Some(_) => (
                "psql",
                vec![self.url.clone(), "-qAt".into()],
                String::from(
                    "BEGIN;\nLOCK TABLE consent_receipts IN EXCLUSIVE MODE;\nSELECT 'locked';\n",
                ),
            ),
            None => {
                let path = self.url.trim_start_matches("sqlite://");
                let script = format!(
                    "import sqlite3, sys\n\
                     c = sqlite3.connect({path:?}, isolation_level=None)\n\
                     c.execute('BEGIN EXCLUSIVE')\n\
                     print('locked', flush=True)\n\
                     sys.stdin.read()\n"
                );
                ("python3", vec![String::from("-c"), script], String::new())
            }
        };
        let mut child = Command::new(program)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the lock holder runs");
        use std::io::Write as _;
        child
            .stdin
            .as_mut()
            .unwrap()
            .write_all(script.as_bytes())
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "locked");
        child
    }
}

/// Lets a [`Db::hold_write_lock`] go.
fn release(mut holder: Child) {
    use std::io::Write as _;
    if let Some(mut stdin) = holder.stdin.take() {
        // psql commits and quits at the end of its input; python quits.
        let _ = stdin.write_all(b"COMMIT;\n");
    }
    holder.wait().unwrap();
}

fn psql(cluster: &str, sql: &str) {
    let out = Command::new("psql")
        .args([cluster, "-v", "ON_ERROR_STOP=1", "-qAtc", sql])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// ----- the service ------------------------------------------------------------------------------

/// A running `mohprompt-privacy serve`, killed when dropped.
struct Service {
    child: Child,
    base: String,
}

impl Service {
    fn start(db: &Db) -> Service {
        let mut child = Command::new(BIN)
            .args(["serve", "--db", &db.url, "--listen", "127.0.0.1:0"])
            .args([
                "--allow-origin",
                ORIGIN,
                "--allow-origin",
                "https://mohprompt.example",
            ])
            .arg("--admin-token-file")
            .arg(db.dir.join("token"))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("the service did not start: {line:?}"))
            .to_owned();
        Service { child, base }
    }

    /// `kill -9`.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// An answer: status, headers we look at, body as JSON (or `Null`).
#[derive(Debug)]
struct Answer {
    status: u16,
    body: Value,
    text: String,
    retry_after: Option<String>,
}

fn answer(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
    let mut response = result.expect("the service answers");
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let text = response.body_mut().read_to_string().unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        body,
        text,
        retry_after,
    }
}

impl Service {
    fn post_as(&self, origin: Option<&str>, content_type: &str, body: &str) -> Answer {
        let mut request = agent()
            .post(format!("{}/consent-receipts", self.base))
            .header("Content-Type", content_type);
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        answer(request.send(body))
    }

    fn post(&self, body: &str) -> Answer {
        self.post_as(Some(ORIGIN), "application/json", body)
    }

    fn get_as(&self, path: &str, token: Option<&str>) -> Answer {
        let mut request = agent().get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        answer(request.call())
    }

    fn get(&self, path: &str) -> Answer {
        self.get_as(path, Some(TOKEN))
    }
}

// ----- receipts as the module writes them -------------------------------------------------------

static NEXT: AtomicU64 = AtomicU64::new(1);

/// A fresh pseudonymous id (a UUID v4 from a counter and the process id).
fn fresh_id() -> String {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&n.to_le_bytes());
    bytes[8..12].copy_from_slice(&std::process::id().to_le_bytes());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    bytes[12..].copy_from_slice(&nanos.to_le_bytes());
    uuid_v4(bytes)
}

/// The receipt the module writes when `subject` decides `decisions` at `now`.
fn made(subject: &str, now: u64, decisions: &[(&str, Choice)]) -> String {
    let policy = Policy::mohprompt();
    let mut consent = Consent::new(&policy, false);
    let mut changed = Vec::new();
    for (id, choice) in decisions {
        consent.decide(&policy, id, *choice, now);
        changed.push((*id).to_owned());
    }
    let digest = sha256_hex(MOHPROMPT_POLICY);
    let issuer = Issuer {
        policy: &policy,
        policy_sha256: &digest,
        subject,
        lang: Lang::Th,
    };
    let id = fresh_id();
    let occasion = Occasion {
        receipt_id: &id,
        now,
        method: "banner",
        changed: &changed,
    };
    receipt(&issuer, &consent, &occasion)
}

fn id_of(receipt: &str) -> String {
    let value: Value = serde_json::from_str(receipt).unwrap();
    value["receipt_id"].as_str().unwrap().to_owned()
}

fn count(db: &Db) -> String {
    let out = Command::new(BIN)
        .args(["receipts", "count", "--db", &db.url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

// ----- the tests, each on both stores -----------------------------------------------------------

fn health_is_200(db: &Db) {
    let service = Service::start(db);
    let got = service.get_as("/", None);
    assert_eq!(got.status, 200);
    assert_eq!(got.body, json!({ "status": "ok" }));
}

fn a_new_receipt_is_201_the_same_again_200_another_body_409(db: &Db) {
    let service = Service::start(db);
    let subject = fresh_id();
    let first = made(&subject, T0, &[("contact", Choice::Granted)]);
    let got = service.post(&first);
    assert_eq!(got.status, 201, "{}", got.text);
    assert_eq!(got.body["stored"], true);
    // A retry, byte for byte and with its keys in another order: the same receipt.
    assert_eq!(service.post(&first).status, 200);
    let mut value: Value = serde_json::from_str(&first).unwrap();
    let reordered: serde_json::Map<String, Value> = value
        .as_object()
        .unwrap()
        .clone()
        .into_iter()
        .rev()
        .collect();
    let again = service.post(&Value::Object(reordered).to_string());
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.body["stored"], false);
    // Another body under the same receipt_id: refused, the first one stays.
    value["purposes"][2]["state"] = json!("denied");
    let other = service.post(&value.to_string());
    assert_eq!(other.status, 409, "{}", other.text);
    assert_eq!(other.body["error"], "receipt_id_conflict");
    assert_eq!(count(db), "1 receipts, 1 distinct receipt_ids");
    let stored = service.get(&format!("/subjects/{subject}/receipts"));
    assert_eq!(
        stored.body,
        json!([serde_json::from_str::<Value>(&first).unwrap()])
    );
}

fn the_same_receipt_sent_many_times_at_once_is_stored_once(db: &Db) {
    let service = Service::start(db);
    let body = made(&fresh_id(), T0, &[("contact", Choice::Granted)]);
    // With the store's write lock held elsewhere, a writer waits on another
    // receipt while the copies queue up: they are written in one group.
    let holder = db.hold_write_lock();
    let statuses: Vec<u16> = thread::scope(|scope| {
        let first = scope.spawn(|| {
            let other = made(&fresh_id(), T0, &[("news", Choice::Granted)]);
            service.post(&other).status
        });
        thread::sleep(Duration::from_millis(300));
        let posts: Vec<_> = (0..16)
            .map(|_| scope.spawn(|| service.post(&body).status))
            .collect();
        thread::sleep(Duration::from_millis(700));
        release(holder);
        assert_eq!(first.join().unwrap(), 201);
        posts.into_iter().map(|p| p.join().unwrap()).collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 201),
        "{statuses:?}"
    );
    assert_eq!(count(db), "2 receipts, 2 distinct receipt_ids");
}

fn refusals_answer_in_order_and_store_nothing(db: &Db) {
    let service = Service::start(db);
    let subject = fresh_id();
    let good = made(&subject, T0, &[("contact", Choice::Granted)]);
    // Origin: missing or foreign → 403, whatever else is wrong.
    for origin in [None, Some("https://evil.example")] {
        let got = service.post_as(origin, "text/plain", &good);
        assert_eq!(got.status, 403, "{origin:?}");
        assert_eq!(got.body["error"], "cross_origin");
    }
    // Media type → 415 before the size is looked at.
    for wrong in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=latin1",
    ] {
        assert_eq!(
            service.post_as(Some(ORIGIN), wrong, &good).status,
            415,
            "{wrong}"
        );
    }
    assert_eq!(
        service
            .post_as(Some(ORIGIN), "application/json; charset=UTF-8", "{")
            .status,
        400
    );
    let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(70 * 1024));
    let got = service.post(&huge);
    assert_eq!(got.status, 413);
    assert_eq!(got.body["error"], "too_large");
    // A bad value: 422 naming its path, never the value.
    let mut value: Value = serde_json::from_str(&good).unwrap();
    value["cookie_categories"][1]["state"] = json!("0812345678");
    let got = service.post(&value.to_string());
    assert_eq!(got.status, 422, "{}", got.text);
    assert_eq!(got.body["path"], "cookie_categories[1].state");
    assert!(!got.text.contains("0812345678"), "{}", got.text);
    // Personal data anywhere, escaped or not: 422 naming the path and the kind.
    let mut value: Value = serde_json::from_str(&good).unwrap();
    value["changed"] = json!(["contact"]);
    value["note"] = json!("1234545678781");
    let escaped = value.to_string().replace(
        "1234545678781",
        "\\u0031\\u0032\\u0033\\u00345\\u00345678781",
    );
    let got = service.post(&escaped);
    assert_eq!(got.status, 422, "{}", got.text);
    assert_eq!(got.body["error"], "identifier_in_body");
    assert_eq!(
        got.body["fields"],
        json!([{ "path": "note", "kind": "national_id" }])
    );
    assert!(!got.text.contains("5678781"), "{}", got.text);
    // Nothing refused was stored; the good receipt from an allowed origin is.
    assert_eq!(count(db), "0 receipts, 0 distinct receipt_ids");
    assert_eq!(
        service
            .post_as(Some("https://mohprompt.example"), "application/json", &good)
            .status,
        201
    );
}

fn the_office_endpoints_need_the_token(db: &Db) {
    let service = Service::start(db);
    let subject = fresh_id();
    assert_eq!(
        service
            .post(&made(&subject, T0, &[("news", Choice::Granted)]))
            .status,
        201
    );
    for path in [
        format!("/subjects/{subject}/receipts"),
        format!("/subjects/{subject}/consent?at=2026-01-01T00:00:00Z"),
        format!("/subjects/{subject}"),
    ] {
        for token in [None, Some("wrong-token-0123456789"), Some("")] {
            let got = service.get_as(&path, token);
            assert_eq!(got.status, 401, "{path} {token:?}");
            assert!(
                !got.text.contains(&subject) && !got.text.contains("news"),
                "{}",
                got.text
            );
        }
        assert_eq!(service.get(&path).status, 200, "{path}");
    }
    let got = service.get("/subjects/not-a-uuid/receipts");
    assert_eq!(got.status, 422);
    assert_eq!(got.body["path"], "subject");
}

fn the_office_reads_receipts_oldest_first_and_consent_at_a_time(db: &Db) {
    let service = Service::start(db);
    let subject = fresh_id();
    let other = fresh_id();
    // Sent newest first: the answer is oldest first all the same.
    let late = made(
        &subject,
        T0 + 7200,
        &[("news", Choice::Denied), ("contact", Choice::Granted)],
    );
    let early = made(&subject, T0, &[("news", Choice::Granted)]);
    for body in [
        &late,
        &early,
        &made(&other, T0 + 60, &[("news", Choice::Granted)]),
    ] {
        assert_eq!(service.post(body).status, 201);
    }
    let list = service.get(&format!("/subjects/{subject}/receipts"));
    let ids: Vec<&str> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["receipt_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [id_of(&early), id_of(&late)]);

    let at = |time: &str| service.get(&format!("/subjects/{subject}/consent?at={time}"));
    let before = at("2025-11-23T07:59:59Z");
    assert_eq!(before.status, 404);
    assert_eq!(before.body["error"], "no_receipt");
    let first_hour = at("2025-11-23T09:00:00Z");
    assert_eq!(first_hour.status, 200, "{}", first_hour.text);
    assert_eq!(first_hour.body["receipt_id"], id_of(&early));
    assert_eq!(
        first_hour.body["policy"]["version"],
        Policy::mohprompt().version
    );
    assert_eq!(first_hour.body["purposes"]["news"]["state"], "granted");
    assert_eq!(first_hour.body["purposes"]["contact"]["state"], "unset");
    // The necessary category is always on: granted in every receipt.
    assert_eq!(first_hour.body["granted"], json!(["news", "necessary"]));
    let after = at("2025-11-23T10:00:00Z");
    assert_eq!(after.body["receipt_id"], id_of(&late));
    assert_eq!(after.body["purposes"]["news"]["state"], "denied");
    assert_eq!(after.body["purposes"]["contact"]["state"], "granted");
    assert_eq!(after.body["purposes"]["contact"]["legal_basis"], "consent");
    assert!(after.body["cookie_categories"]["necessary"]["state"].is_string());
    let bad = at("yesterday");
    assert_eq!(bad.status, 422);
    assert_eq!(bad.body["path"], "at");
    // No ?at=: now.
    assert_eq!(
        service.get(&format!("/subjects/{subject}/consent")).body["receipt_id"],
        id_of(&late)
    );

    // Right of access: one document with every receipt and what is in force.
    let document = service.get(&format!("/subjects/{subject}"));
    assert_eq!(document.status, 200);
    assert_eq!(document.body["subject"], subject.as_str());
    assert_eq!(document.body["count"], 2);
    assert_eq!(document.body["receipts"], list.body);
    assert_eq!(document.body["in_force"]["receipt_id"], id_of(&late));
    // A subject with nothing stored: an empty record, not another's.
    let nobody = fresh_id();
    assert_eq!(
        service.get(&format!("/subjects/{nobody}/receipts")).body,
        json!([])
    );
    assert_eq!(service.get(&format!("/subjects/{nobody}")).body["count"], 0);
}

fn prune_removes_old_receipts_keeps_each_subjects_newest_and_prints_counts_only(db: &Db) {
    let service = Service::start(db);
    let (a, b) = (fresh_id(), fresh_id());
    let old = 1_600_000_000; // 2020
    let bodies = [
        made(&a, old, &[("news", Choice::Granted)]),
        made(&a, old + 60, &[("news", Choice::Denied)]),
        made(&a, T0, &[("news", Choice::Granted)]),
        made(&b, old, &[("contact", Choice::Granted)]),
    ];
    for body in &bodies {
        assert_eq!(service.post(body).status, 201);
    }
    drop(service);
    let out: Output = Command::new(BIN)
        .args([
            "receipts",
            "prune",
            "--db",
            &db.url,
            "--older-than",
            "2years",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(
        printed.starts_with("removed 2 receipts of 1 subjects decided before "),
        "{printed}"
    );
    assert!(
        printed.ends_with("; 2 left (each subject's newest is kept)\n"),
        "{printed}"
    );
    assert!(!printed.contains(&a) && !printed.contains(&b) && !printed.contains("news"));
    let service = Service::start(db);
    let left: Vec<String> = service
        .get(&format!("/subjects/{a}/receipts"))
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["receipt_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(left, [id_of(&bodies[2])]);
    assert_eq!(
        service
            .get(&format!("/subjects/{b}/receipts"))
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

fn an_unreachable_store_is_503_and_the_same_receipt_lands_later(db: &Db) {
    let service = Service::start(db);
    let subject = fresh_id();
    let body = made(&subject, T0, &[("contact", Choice::Granted)]);
    let mut lock = None;
    db.reachable(false, &mut lock);
    let got = service.post(&body);
    assert_eq!(got.status, 503, "{}", got.text);
    assert_eq!(got.body["error"], "store_unavailable");
    assert_eq!(got.retry_after.as_deref(), Some("5"));
    db.reachable(true, &mut lock);
    let got = service.post(&body);
    assert_eq!(got.status, 201, "{}", got.text);
    assert_eq!(count(db), "1 receipts, 1 distinct receipt_ids");
}

fn after_kill_9_every_acknowledged_receipt_is_there_exactly_once(db: &Db) {
    let service = Service::start(db);
    let base = service.base.clone();
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let sent = Arc::new(Mutex::new(Vec::<String>::new()));
    let clients: Vec<_> = (0..8)
        .map(|_| {
            let (base, acknowledged, sent) = (base.clone(), acknowledged.clone(), sent.clone());
            thread::spawn(move || {
                let agent = agent();
                let subject = fresh_id();
                for i in 0..100_000u64 {
                    let body = made(&subject, T0 + i, &[("news", Choice::Granted)]);
                    sent.lock().unwrap().push(body.clone());
                    let result = agent
                        .post(format!("{base}/consent-receipts"))
                        .header("Origin", ORIGIN)
                        .header("Content-Type", "application/json")
                        .send(&body);
                    match result {
                        Ok(response) if response.status().as_u16() == 201 => {
                            acknowledged.lock().unwrap().push(body);
                        }
                        Ok(response) => panic!("answered {}", response.status()),
                        // The service is gone: this client stops.
                        Err(_) => return,
                    }
                }
            })
        })
        .collect();
    thread::sleep(Duration::from_millis(1500));
    service.kill();
    for client in clients {
        client.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let sent = sent.lock().unwrap().clone();
    assert!(
        acknowledged.len() > 8,
        "too few receipts acknowledged: {}",
        acknowledged.len()
    );

    let service = Service::start(db);
    // Every acknowledged receipt is stored, once, whole: sent again, each is the same.
    for body in &acknowledged {
        let got = service.post(body);
        assert_eq!(
            got.status, 200,
            "an acknowledged receipt was not stored: {}",
            got.text
        );
    }
    // What was sent but not acknowledged lands now (201) or had landed (200).
    for body in &sent {
        let status = service.post(body).status;
        assert!(status == 200 || status == 201, "{status}");
    }
    assert_eq!(
        count(db),
        format!("{n} receipts, {n} distinct receipt_ids", n = sent.len())
    );
    // Nothing half-written: every stored body is a receipt as the module wrote it.
    let mut subjects: Vec<String> = sent
        .iter()
        .map(|b| {
            serde_json::from_str::<Value>(b).unwrap()["subject"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    subjects.sort();
    subjects.dedup();
    for subject in subjects {
        for stored in service
            .get(&format!("/subjects/{subject}/receipts"))
            .body
            .as_array()
            .unwrap()
        {
            assert!(check(stored, &Policy::mohprompt()).is_ok());
            assert!(
                sent.iter()
                    .any(|b| serde_json::from_str::<Value>(b).unwrap() == *stored)
            );
        }
    }
}

macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $name() { super::$name(&super::Db::sqlite(stringify!($name))) })*
        }
        mod postgres {
            $(#[test] fn $name() {
                if let Some(db) = super::Db::postgres(stringify!($name)) { super::$name(&db) }
            })*
        }
    };
}

on_both_stores!(
    health_is_200,
    a_new_receipt_is_201_the_same_again_200_another_body_409,
    the_same_receipt_sent_many_times_at_once_is_stored_once,
    refusals_answer_in_order_and_store_nothing,
    the_office_endpoints_need_the_token,
    the_office_reads_receipts_oldest_first_and_consent_at_a_time,
    prune_removes_old_receipts_keeps_each_subjects_newest_and_prints_counts_only,
    an_unreachable_store_is_503_and_the_same_receipt_lands_later,
    after_kill_9_every_acknowledged_receipt_is_there_exactly_once,
);
