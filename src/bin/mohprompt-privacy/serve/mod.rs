//! `serve`: the receipts service, the server half of the consent record.
//! The module POSTs each receipt to it (through the page's own origin or
//! from an allowed one); the data-protection office reads a subject's
//! receipts and what was in force at a time. SQLite by default (a file,
//! nothing to install), PostgreSQL at scale, one set of migrations run at
//! every start.
//!
//! - [`routes`]: the endpoints and their statuses;
//! - [`store`]: the table, through sqlx.
//!
//! On start it prints `listening on http://ADDR` (the port bound, for
//! `--listen 127.0.0.1:0`) and stops on Ctrl+C or SIGTERM once the
//! requests in flight are answered.

pub mod routes;
pub mod store;

use crate::failure::{Failure, read_text};
use clap::Parser;
use mohprompt_privacy::policy::Policy;
use routes::{Service, router};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use store::Store;

/// Where receipts go when `--db` is not given: a file in the working folder.
pub const DEFAULT_DB: &str = "sqlite://mohprompt-receipts.db";

/// The shortest office token taken: a guessable token is no protection.
const MIN_TOKEN_BYTES: usize = 16;

/// `serve`'s arguments.
#[derive(Debug, Parser)]
pub struct Args {
    /// The store: `sqlite://PATH` (made when missing) or `postgres://…`.
    #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
    db: String,
    /// Address and port to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8090")]
    listen: String,
    /// An origin whose pages may post receipts, e.g. `https://mohprompt.moph.go.th` (repeatable).
    #[arg(long = "allow-origin", value_name = "ORIGIN", required = true)]
    allow_origin: Vec<String>,
    /// A file holding the office's bearer token (at least 16 bytes), for the /subjects endpoints.
    #[arg(long, value_name = "FILE")]
    admin_token_file: PathBuf,
    /// The policy the pages are served (its controller's contact details pass the leak scan).
    /// Default: the bundled Mor Prom policy.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Connections to the store.
    #[arg(long, default_value_t = 8)]
    connections: u32,
}

/// Runs `serve` until stopped.
pub fn run(args: &Args) -> Result<(), Failure> {
    let token = read_text(&args.admin_token_file)?;
    let token = token.trim();
    if token.len() < MIN_TOKEN_BYTES {
        return Err(Failure::CannotRun(format!(
            "{}: the token must be at least {MIN_TOKEN_BYTES} bytes",
            args.admin_token_file.display()
        )));
    }
    let policy = match &args.policy {
        None => Policy::mohprompt(),
        Some(path) => Policy::from_json(&read_text(path)?)
            .map_err(|e| Failure::file(path, "not a valid policy", e))?,
    };
    let mut origins = HashSet::new();
    for origin in &args.allow_origin {
        let origin = origin.trim_end_matches('/');
        if !(origin.starts_with("https://") || origin.starts_with("http://"))
            || origin["https://".len().min(origin.len())..].contains('/')
        {
            return Err(Failure::CannotRun(format!(
                "--allow-origin {origin}: an origin is scheme://host[:port], nothing after"
            )));
        }
        origins.insert(origin.to_owned());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::CannotRun(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        let store = Store::open(&args.db, args.connections)
            .await
            .map_err(|e| Failure::CannotRun(format!("--db: {e}")))?;
        let service = Arc::new(Service {
            store,
            origins,
            token_sha256: Sha256::digest(token.as_bytes()).into(),
            policy,
        });
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .map_err(|e| Failure::CannotRun(format!("--listen {}: {e}", args.listen)))?;
        let bound = listener
            .local_addr()
            .map_err(|e| Failure::CannotRun(format!("--listen {}: {e}", args.listen)))?;
        println!("listening on http://{bound}");
        axum::serve(listener, router(service))
            .with_graceful_shutdown(stopped())
            .await
            .map_err(|e| Failure::CannotRun(format!("the server stopped: {e}")))
    })
}

/// Resolves on Ctrl+C or SIGTERM.
async fn stopped() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => return interrupt.await.unwrap_or(()),
            };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    interrupt.await.unwrap_or(());
}
