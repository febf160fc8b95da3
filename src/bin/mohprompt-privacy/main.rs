//! `mohprompt-privacy`: the privacy module's own rules, outside the browser,
//! for the people who write the policy and the backend that receives what
//! the browser sends. One module per subcommand:
//!
//! - [`check`]: loads a policy with the loader the browser runs;
//! - [`keys`]: makes a recipient key pair for sealed fields, adds its public
//!   half to a policy (newest first);
//! - [`open`]: opens `hpke1.<kid>.<enc>.<ct>` sealed values with the RustCrypto
//!   `hpke` crate, a second implementation beside the browser's WebCrypto one;
//! - [`scan`]: the browser's leak scan over a text or JSON-lines file;
//! - [`sealed`]: the sealed-value format and HPKE's open, which `open` uses;
//! - with the `serve` feature, [`serve`]: the receipts service (axum, sqlx on
//!   SQLite or PostgreSQL), and [`receipts`]: retention of its store.
//!
//! Exit codes, as grep has them: 0 all good, 1 the input was judged and
//! found wanting (a policy problem, a finding, a value refused), 2 the
//! command could not run (usage, a file that cannot be read or written).
#![deny(missing_docs, missing_debug_implementations)]

mod check;
mod failure;
mod keys;
mod open;
#[cfg(feature = "serve")]
mod receipts;
mod scan;
mod sealed;
#[cfg(feature = "serve")]
mod serve;

use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

/// Policy checks, recipient keys, sealed values and the leak scan of the Mor Prom privacy module.
#[derive(Debug, Parser)]
#[command(name = "mohprompt-privacy", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load a policy as the browser does: every problem with its path (exit 1), or a summary.
    Check(check::Args),
    /// Make a recipient key pair for sealed fields, or add a public key to a policy.
    #[command(subcommand)]
    Keys(keys::Command),
    /// Open sealed values (hpke1.<kid>.<enc>.<ct>) with a private key; refused values exit 1.
    Open(open::Args),
    /// Find national IDs, phones, passports and e-mails in a text or JSON-lines file (exit 1 when any).
    Scan(scan::Args),
    /// Run the receipts service: POST /consent-receipts, and the office's /subjects endpoints.
    #[cfg(feature = "serve")]
    Serve(serve::Args),
    /// The receipts service's store: retention.
    #[cfg(feature = "serve")]
    #[command(subcommand)]
    Receipts(receipts::Command),
}

/// How a command reports: for people, or one JSON document for CI.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON document on stdout.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Keys(command) => keys::run(&command),
        Command::Open(args) => open::run(&args),
        Command::Scan(args) => scan::run(&args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(&args),
        #[cfg(feature = "serve")]
        Command::Receipts(command) => receipts::run(&command),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}
