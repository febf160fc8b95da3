//! Where receipts are kept: one table (`migrations/`), through sqlx's Any
//! driver, so the same portable SQL runs on SQLite (a file, the default)
//! and on PostgreSQL. Append-only: the service inserts and reads; only
//! retention ([`Store::prune`]) deletes.
//!
//! A receipt is acknowledged only once its insert has committed: each
//! insert is its own statement in autocommit, and SQLite runs in WAL mode
//! with `synchronous = FULL`, so a committed receipt survives the process
//! being killed (and the machine losing power).

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor, Row};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// The migrations, embedded at build time and run at every start.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How long a request waits for a connection before the store counts as
/// unreachable (503).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// The receipt store.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
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
pub struct NewReceipt<'a> {
    /// Its receipt_id.
    pub receipt_id: &'a str,
    /// Its subject.
    pub subject: &'a str,
    /// Its timestamp, milliseconds since the epoch.
    pub decided_at: i64,
    /// The version of its policy.
    pub policy_version: &'a str,
    /// The body, compact JSON.
    pub body: &'a str,
}

/// The store failed: unreachable, or refused the statement.
#[derive(Debug)]
pub struct StoreError(sqlx::Error);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the receipt store failed: {}", self.0)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        StoreError(e)
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> StoreError {
        StoreError(sqlx::Error::Migrate(Box::new(e)))
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
        Ok(Store { pool })
    }

    /// Whether the store answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Inserts a receipt unless its receipt_id is stored; a stored one is
    /// compared with `same` (the same receipt, whatever the key order).
    pub async fn insert(
        &self,
        receipt: &NewReceipt<'_>,
        same: impl Fn(&str) -> bool,
    ) -> Result<Stored, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO consent_receipts \
             (receipt_id, subject, decided_at, received_at, policy_version, body) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (receipt_id) DO NOTHING",
        )
        .bind(receipt.receipt_id)
        .bind(receipt.subject)
        .bind(receipt.decided_at)
        .bind(now_millis())
        .bind(receipt.policy_version)
        .bind(receipt.body)
        .execute(&self.pool)
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(Stored::New);
        }
        let row = sqlx::query("SELECT body FROM consent_receipts WHERE receipt_id = $1")
            .bind(receipt.receipt_id)
            .fetch_one(&self.pool)
            .await?;
        let stored: String = row.try_get(0)?;
        Ok(if same(&stored) {
            Stored::Again
        } else {
            Stored::Conflict
        })
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
            .map(|r| r.try_get(0).map_err(StoreError))
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
        row.map(|r| r.try_get(0).map_err(StoreError)).transpose()
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

/// Milliseconds since the Unix epoch, now.
pub fn now_millis() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}
