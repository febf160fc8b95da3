//! Load on the receipts service: 100,000 receipts as the module writes
//! them, from 32 concurrent clients (keep-alive connections, one request at
//! a time each), to `mohprompt-privacy serve` on SQLite and, when
//! `MOHPROMPT_TEST_POSTGRES` names a cluster (`scripts/with-postgres.sh`),
//! on PostgreSQL. Prints receipts per second and the p50 and p99 latency of
//! a POST, then counts what the store holds: every receipt once, nothing
//! lost or doubled. `make bench` runs it:
//!
//! ```text
//! cargo build --profile server --features serve --bin mohprompt-privacy
//! scripts/with-postgres.sh cargo run --profile server --features serve --example receipts-load
//! ```
//!
//! `RECEIPTS_BENCH_TOTAL` and `RECEIPTS_BENCH_CLIENTS` change the load.
//! The receipts are made before the clock starts; the clients run on the
//! same machine as the service and take their share of its cores.

use mohprompt_privacy::consent::{Choice, Consent};
use mohprompt_privacy::i18n::Lang;
use mohprompt_privacy::policy::{MOHPROMPT_POLICY, Policy};
use mohprompt_privacy::receipt::{Issuer, Occasion, receipt, sha256_hex, uuid_v4};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};
use std::{env, fs, thread};

/// The service, as the `server` profile builds it.
const BIN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/target/server/mohprompt-privacy"
);
const ORIGIN: &str = "http://127.0.0.1:8080";

fn setting(name: &str, default: usize) -> usize {
    env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `n` receipts of one subject, as the module writes them.
fn receipts(client: usize, n: usize) -> Vec<String> {
    let policy = Policy::mohprompt();
    let digest = sha256_hex(MOHPROMPT_POLICY);
    let id = |k: u64| {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&k.to_le_bytes());
        bytes[8..16].copy_from_slice(&(client as u64 ^ 0x5eed_0000).to_le_bytes());
        uuid_v4(bytes)
    };
    let subject = id(u64::MAX);
    let issuer = Issuer {
        policy: &policy,
        policy_sha256: &digest,
        subject: &subject,
        lang: Lang::Th,
    };
    let mut consent = Consent::new(&policy, false);
    (0..n)
        .map(|i| {
            let now = 1_763_884_800 + i as u64;
            let choice = if i % 2 == 0 {
                Choice::Granted
            } else {
                Choice::Denied
            };
            consent.decide(&policy, "news", choice, now);
            let receipt_id = id(i as u64);
            let changed = [String::from("news")];
            let occasion = Occasion {
                receipt_id: &receipt_id,
                now,
                method: "api",
                changed: &changed,
            };
            receipt(&issuer, &consent, &occasion)
        })
        .collect()
}

struct Service(Child, String);

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(db: &str, dir: &Path, connections: u32) -> Service {
    let token = dir.join("token");
    fs::write(&token, "bench-office-token-0123456789").unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--db", db, "--listen", "127.0.0.1:0"])
        .args(["--allow-origin", ORIGIN, "--admin-token-file"])
        .arg(&token)
        .args(["--connections", &connections.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line.trim().trim_start_matches("listening on ").to_owned();
    assert!(base.starts_with("http://"), "the service did not start");
    Service(child, base)
}

fn run(name: &str, db: &str, dir: &Path, connections: u32) {
    let total = setting("RECEIPTS_BENCH_TOTAL", 100_000);
    let clients = setting("RECEIPTS_BENCH_CLIENTS", 32);
    let per_client = total / clients;
    let service = start(db, dir, connections);
    let bodies: Vec<Vec<String>> = (0..clients).map(|c| receipts(c, per_client)).collect();
    let barrier = Arc::new(Barrier::new(clients + 1));
    let url = format!("{}/consent-receipts", service.1);
    let handles: Vec<_> = bodies
        .into_iter()
        .map(|bodies| {
            let (barrier, url) = (barrier.clone(), url.clone());
            thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .build()
                    .into();
                let mut latencies = Vec::with_capacity(bodies.len());
                let mut created = 0usize;
                barrier.wait();
                for body in &bodies {
                    let start = Instant::now();
                    let response = agent
                        .post(&url)
                        .header("Origin", ORIGIN)
                        .header("Content-Type", "application/json")
                        .send(body.as_str())
                        .expect("the service answers");
                    latencies.push(start.elapsed());
                    if response.status().as_u16() == 201 {
                        created += 1;
                    } else {
                        eprintln!("answered {}", response.status());
                    }
                    drop(response.into_body());
                }
                (latencies, created)
            })
        })
        .collect();
    barrier.wait();
    let start = Instant::now();
    let mut latencies: Vec<Duration> = Vec::with_capacity(total);
    let mut created = 0;
    for handle in handles {
        let (l, c) = handle.join().unwrap();
        latencies.extend(l);
        created += c;
    }
    let elapsed = start.elapsed();
    drop(service);
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    let sent = per_client * clients;
    let counted = Command::new(BIN)
        .args(["receipts", "count", "--db", db])
        .output()
        .unwrap();
    let counted = String::from_utf8_lossy(&counted.stdout).trim().to_owned();
    let expected = format!("{sent} receipts, {sent} distinct receipt_ids");
    println!(
        "{name:<10} {sent:>7} receipts, {clients} clients: {:>7.0} receipts/s, p50 {:>6.2} ms, p99 {:>6.2} ms; 201 for {created}; stored: {counted}{}",
        sent as f64 / elapsed.as_secs_f64(),
        at(0.50).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0,
        if counted == expected && created == sent {
            " (none lost or doubled)"
        } else {
            " (MISMATCH)"
        }
    );
    assert_eq!(counted, expected, "{name}: lost or doubled receipts");
    assert_eq!(created, sent, "{name}: not every receipt was answered 201");
}

fn main() {
    assert!(
        Path::new(BIN).exists(),
        "{BIN} is missing: cargo build --profile server --features serve --bin mohprompt-privacy"
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tmp/bench-receipts");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let sqlite = format!("sqlite://{}", dir.join("receipts.db").display());
    run("SQLite", &sqlite, &dir, 4);
    match env::var("MOHPROMPT_TEST_POSTGRES") {
        Ok(cluster) => {
            let psql = |sql: &str| {
                let ok = Command::new("psql")
                    .args([cluster.as_str(), "-qAtc", sql])
                    .status()
                    .is_ok_and(|s| s.success());
                assert!(ok, "psql {sql}");
            };
            psql("DROP DATABASE IF EXISTS bench_receipts WITH (FORCE)");
            psql("CREATE DATABASE bench_receipts");
            let url = cluster.replacen("/postgres?", "/bench_receipts?", 1);
            run("PostgreSQL", &url, &dir, 16);
        }
        Err(_) => println!(
            "PostgreSQL: skipped (MOHPROMPT_TEST_POSTGRES is not set; scripts/with-postgres.sh sets it)"
        ),
    }
}
