//! How a command fails: judged (exit 1, the verdict already printed) or
//! unable to run (exit 2, the reason on stderr). Shared by every subcommand,
//! so it sits in this leaf module.

use std::fmt::Display;
use std::io::{self, Read};
use std::path::Path;
use std::process::ExitCode;

/// Why a command did not end with exit code 0.
#[derive(Debug)]
pub enum Failure {
    /// The input was judged and found wanting (policy problems, findings,
    /// refused values). What and where has been printed already: exit 1.
    Judged,
    /// The command could not do its job: the reason, printed on stderr; exit 2.
    CannotRun(String),
}

impl Failure {
    /// A `CannotRun` that names the file and what went wrong with it.
    pub fn file(path: &Path, what: &str, error: impl Display) -> Failure {
        Failure::CannotRun(format!("{}: {what}: {error}", path.display()))
    }

    /// Prints a `CannotRun` reason and gives the exit code.
    pub fn report(self) -> ExitCode {
        match self {
            Failure::Judged => ExitCode::from(1),
            Failure::CannotRun(reason) => {
                eprintln!("mohprompt-privacy: {reason}");
                ExitCode::from(2)
            }
        }
    }
}

/// The text of a file, or of stdin for `-`.
pub fn read_text(path: &Path) -> Result<String, Failure> {
    let mut text = String::new();
    let read = if path == Path::new("-") {
        io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    read.map_err(|e| Failure::file(path, "cannot read", e))?;
    Ok(text)
}

/// Writes `value` as pretty JSON and a newline on stdout.
pub fn print_json(value: &impl serde::Serialize) {
    // Serializing plain derived structs into a String cannot fail.
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    println!("{text}");
}
