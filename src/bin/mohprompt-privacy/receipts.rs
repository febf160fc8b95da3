//! `receipts prune --db URL --older-than DURATION`: retention of the
//! receipts service's store. Deletes the receipts decided longer ago than
//! DURATION (`90days`, `2years`, `26weeks`), except each subject's newest,
//! which records what is in force now whatever its age. Prints counts
//! only, never a receipt or a subject.
//!
//! `receipts count --db URL`: how many receipts are stored and how many
//! distinct receipt_ids (the same number, always: what the fault tests and
//! the load bench check afterwards).

use crate::failure::Failure;
use crate::serve::DEFAULT_DB;
use crate::serve::store::{Store, now_millis};
use clap::{Parser, Subcommand};
use mohprompt_privacy::receipt::iso8601;

/// `receipts`' subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Delete receipts older than a duration (each subject's newest stays); print counts only.
    Prune(PruneArgs),
    /// Count the stored receipts and their distinct receipt_ids.
    Count(CountArgs),
}

/// `receipts count`'s arguments.
#[derive(Debug, Parser)]
pub struct CountArgs {
    /// The store, as `serve --db` has it.
    #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
    db: String,
}

/// `receipts prune`'s arguments.
#[derive(Debug, Parser)]
pub struct PruneArgs {
    /// The store, as `serve --db` has it.
    #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
    db: String,
    /// How old a receipt must be to go: `90days`, `2years`, `26weeks` …
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    older_than: std::time::Duration,
}

/// Runs `receipts`.
pub fn run(command: &Command) -> Result<(), Failure> {
    match command {
        Command::Prune(args) => prune(args),
        Command::Count(args) => count(args),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::CannotRun(format!("cannot start the runtime: {e}")))
}

fn count(args: &CountArgs) -> Result<(), Failure> {
    let (receipts, ids) = runtime()?
        .block_on(async { Store::open(&args.db, 1).await?.count().await })
        .map_err(|e| Failure::CannotRun(format!("--db: {e}")))?;
    println!("{receipts} receipts, {ids} distinct receipt_ids");
    Ok(())
}

fn prune(args: &PruneArgs) -> Result<(), Failure> {
    let age = i64::try_from(args.older_than.as_millis()).unwrap_or(i64::MAX);
    let cutoff = now_millis().saturating_sub(age);
    let pruned = runtime()?
        .block_on(async {
            let store = Store::open(&args.db, 1).await?;
            store.prune(cutoff).await
        })
        .map_err(|e| Failure::CannotRun(format!("--db: {e}")))?;
    println!(
        "removed {} receipts of {} subjects decided before {}; {} left (each subject's newest is kept)",
        pruned.receipts,
        pruned.subjects,
        iso8601(u64::try_from(cutoff / 1000).unwrap_or(0)),
        pruned.left
    );
    Ok(())
}
