//! Where receipts are kept: one table (`migrations/`), through sqlx's Any
//! driver, so the same portable SQL runs on SQLite (a file, the default)
//! and on PostgreSQL. Append-only: the service inserts and reads; only
//! retention ([`Store::prune`]) deletes.
//!
//! A receipt is acknowledged only once its insert has committed. Inserts
//! are committed in groups: the receipts waiting when a writer is free go
//! into one transaction, and each is answered once that transaction has
//! committed (one sync to disk and two statements for the group rather
//! than one sync and one or two statements each: what makes thousands a
//! second possible on a small machine). SQLite has one
//! writer (it takes one at a time anyway), PostgreSQL several. SQLite runs
//! in WAL mode with `synchronous = FULL`, so a committed receipt survives
//! the process being killed (and the machine losing power).

use serde_json::Value;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor, Row};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, mpsc, oneshot};

/// The migrations, embedded at build time and run at every start.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How long a request waits for a connection before the store counts as
/// unreachable (503).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// At most this many receipts go into one transaction.
const MAX_GROUP: usize = 256;

/// The receipt store.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    writes: mpsc::Sender<Write>,
}

/// A receipt waiting for a writer, and where its outcome goes.
#[derive(Debug)]
struct Write {
    row: NewReceipt,
    outcome: oneshot::Sender<Result<Stored, StoreError>>,
}

/// What became of an insert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// New, and committed.
    New,
    /// The same receipt was stored already: nothing new.
    Again,
    /// Another body is stored under this receipt_id: nothing stored.
    Conflict,
}

/// A row to insert.
#[derive(Debug)]
pub struct NewReceipt {
    /// Its receipt_id.
    pub receipt_id: String,
    /// Its subject.
    pub subject: String,
    /// Its timestamp, milliseconds since the epoch.
    pub decided_at: i64,
    /// The version of its policy.
    pub policy_version: String,
    /// The body, compact JSON.
    pub body: String,
}

/// The store failed: unreachable, or refused the statement. What sqlx
/// said, for the operator's log (never sent to a client).
#[derive(Debug, Clone)]
pub struct StoreError(String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the receipt store failed: {}", self.0)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        StoreError(e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> StoreError {
        StoreError(e.to_string())
    }
}

/// What retention removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    /// Receipts deleted.
    pub receipts: u64,
    /// Subjects they belonged to.
    pub subjects: u64,
    /// Receipts left.
    pub left: u64,
}

impl Store {
    /// Connects to `url` (`sqlite://PATH`, made when missing, or
    /// `postgres://…`) and runs the migrations.
    pub async fn open(url: &str, connections: u32) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let sqlite = url.starts_with("sqlite:");
        let url = if sqlite && !url.contains("mode=") {
            let joiner = if url.contains('?') { '&' } else { '?' };
            format!("{url}{joiner}mode=rwc")
        } else {
            url.to_owned()
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(connections)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA busy_timeout = 5000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        let (writes, waiting) = mpsc::channel(MAX_GROUP * 16);
        let waiting = Arc::new(Mutex::new(waiting));
        let writers = if sqlite { 1 } else { connections.div_ceil(2) };
        for _ in 0..writers {
            tokio::spawn(write_groups(pool.clone(), waiting.clone()));
        }
        Ok(Store { pool, writes })
    }

    /// Whether the store answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Inserts a receipt unless its receipt_id is stored (a stored one is
    /// compared with it, whatever the key order); resolves once committed.
    pub async fn insert(&self, row: NewReceipt) -> Result<Stored, StoreError> {
        let (outcome, answer) = oneshot::channel();
        let gone = || StoreError(String::from("the writer stopped"));
        self.writes
            .send(Write { row, outcome })
            .await
            .map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }

    /// Every receipt of `subject`, oldest first, as stored.
    pub async fn of_subject(&self, subject: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT body FROM consent_receipts WHERE subject = $1 \
             ORDER BY decided_at, received_at, receipt_id",
        )
        .bind(subject)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| r.try_get(0).map_err(StoreError::from))
            .collect()
    }

    /// The last receipt of `subject` decided at or before `at` (ms).
    pub async fn in_force(&self, subject: &str, at: i64) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT body FROM consent_receipts WHERE subject = $1 AND decided_at <= $2 \
             ORDER BY decided_at DESC, received_at DESC, receipt_id DESC LIMIT 1",
        )
        .bind(subject)
        .bind(at)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| r.try_get(0).map_err(StoreError::from))
            .transpose()
    }

    /// How many receipts are stored, and how many distinct receipt_ids
    /// (equal, always: the check of tests and the bench).
    pub async fn count(&self) -> Result<(i64, i64), StoreError> {
        let row = sqlx::query("SELECT COUNT(*), COUNT(DISTINCT receipt_id) FROM consent_receipts")
            .fetch_one(&self.pool)
            .await?;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }

    /// Deletes the receipts decided before `cutoff` (ms), except each
    /// subject's newest: it records what is in force now, whatever its age.
    pub async fn prune(&self, cutoff: i64) -> Result<Pruned, StoreError> {
        const OLD: &str = "FROM consent_receipts WHERE decided_at < $1 AND EXISTS \
             (SELECT 1 FROM consent_receipts AS newer \
              WHERE newer.subject = consent_receipts.subject \
              AND newer.decided_at > consent_receipts.decided_at)";
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(&format!("SELECT COUNT(DISTINCT subject) {OLD}"))
            .bind(cutoff)
            .fetch_one(&mut *tx)
            .await?;
        let subjects: i64 = row.try_get(0)?;
        let deleted = sqlx::query(&format!("DELETE {OLD}"))
            .bind(cutoff)
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query("SELECT COUNT(*) FROM consent_receipts")
            .fetch_one(&mut *tx)
            .await?;
        let left: i64 = row.try_get(0)?;
        tx.commit().await?;
        Ok(Pruned {
            receipts: deleted.rows_affected(),
            subjects: u64::try_from(subjects).unwrap_or(0),
            left: u64::try_from(left).unwrap_or(0),
        })
    }
}

/// A writer: takes what is waiting (up to [`MAX_GROUP`]), writes it in one
/// transaction, answers each once it has committed, and again.
async fn write_groups(pool: AnyPool, waiting: Arc<Mutex<mpsc::Receiver<Write>>>) {
    loop {
        let mut group = Vec::new();
        {
            let mut waiting = waiting.lock().await;
            match waiting.recv().await {
                Some(write) => group.push(write),
                None => return,
            }
            while group.len() < MAX_GROUP {
                match waiting.try_recv() {
                    Ok(write) => group.push(write),
                    Err(_) => break,
                }
            }
        }
        match write_group(&pool, &group).await {
            Ok(outcomes) => {
                for (write, outcome) in group.into_iter().zip(outcomes) {
                    let _ = write.outcome.send(Ok(outcome));
                }
            }
            Err(e) => {
                for write in group {
                    let _ = write.outcome.send(Err(e.clone()));
                }
            }
        }
    }
}

/// One group in one transaction and two statements: one insert of every
/// receipt whose id is not stored (`ON CONFLICT DO NOTHING`, `RETURNING`
/// the ids it stored), then the stored bodies of the others, to tell the
/// same receipt again from another one under its id.
async fn write_group(pool: &AnyPool, group: &[Write]) -> Result<Vec<Stored>, StoreError> {
    let mut insert = String::from(
        "INSERT INTO consent_receipts \
         (receipt_id, subject, decided_at, received_at, policy_version, body) VALUES ",
    );
    for i in 0..group.len() {
        let n = i * 6;
        if i > 0 {
            insert.push_str(", ");
        }
        insert.push_str(&format!(
            "(${}, ${}, ${}, ${}, ${}, ${})",
            n + 1,
            n + 2,
            n + 3,
            n + 4,
            n + 5,
            n + 6
        ));
    }
    insert.push_str(" ON CONFLICT (receipt_id) DO NOTHING RETURNING receipt_id");
    let received_at = now_millis();
    let mut query = sqlx::query(&insert);
    for Write { row, .. } in group {
        query = query
            .bind(&row.receipt_id)
            .bind(&row.subject)
            .bind(row.decided_at)
            .bind(received_at)
            .bind(&row.policy_version)
            .bind(&row.body);
    }
    let mut tx = pool.begin().await?;
    let mut new = std::collections::HashSet::new();
    for row in query.fetch_all(&mut *tx).await? {
        new.insert(row.try_get::<String, _>(0)?);
    }
    // The first of the group with a stored id is the one stored; any other
    // (a copy sent twice at once) is compared with it below.
    let mut outcomes: Vec<Option<Stored>> = group
        .iter()
        .map(|w| new.remove(&w.row.receipt_id).then_some(Stored::New))
        .collect();
    let others: Vec<&str> = group
        .iter()
        .zip(&outcomes)
        .filter(|(_, o)| o.is_none())
        .map(|(w, _)| w.row.receipt_id.as_str())
        .collect();
    if !others.is_empty() {
        let marks: Vec<String> = (1..=others.len()).map(|i| format!("${i}")).collect();
        let select = format!(
            "SELECT receipt_id, body FROM consent_receipts WHERE receipt_id IN ({})",
            marks.join(", ")
        );
        let mut query = sqlx::query(&select);
        for id in &others {
            query = query.bind(*id);
        }
        let mut stored = std::collections::HashMap::new();
        for row in query.fetch_all(&mut *tx).await? {
            stored.insert(row.try_get::<String, _>(0)?, row.try_get::<String, _>(1)?);
        }
        for (write, outcome) in group.iter().zip(outcomes.iter_mut()) {
            if outcome.is_none() {
                let same = stored
                    .get(&write.row.receipt_id)
                    .is_some_and(|body| same_receipt(body, &write.row.body));
                *outcome = Some(if same {
                    Stored::Again
                } else {
                    Stored::Conflict
                });
            }
        }
    }
    tx.commit().await?;
    Ok(outcomes.into_iter().flatten().collect())
}

/// Whether two bodies are the same JSON value (key order aside).
fn same_receipt(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<Value>(a),
        serde_json::from_str::<Value>(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn now_millis() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}
