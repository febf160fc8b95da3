//! `scan FILE|-`: the browser's leak scan ([`scan_text`], the engine the
//! egress guard runs over every text field) over each line of a text or
//! JSON-lines file, a log export say. Findings name the line, the column
//! and the kind, never the value or any of its digits; exit 1 when any.
//!
//! Lines are scanned as they are written: in JSON-lines the scan sees the
//! JSON text, so an identifier spelled with `\u` escapes is not found.

use crate::Format;
use crate::failure::{Failure, print_json};
use clap::Parser;
use mohprompt_privacy::scan::scan_text;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// `scan`'s arguments.
#[derive(Debug, Parser)]
pub struct Args {
    /// The file to scan (`-` for stdin).
    file: PathBuf,
    /// `json`: one document, `{"findings": [{"line", "column", "kind"}], "counts"}`.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// One finding: where, and what kind. Deliberately no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineFinding {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters (Unicode scalar values).
    pub column: usize,
    /// `national_id`, `national_id_unverified`, `phone`, `passport` or `email`.
    pub kind: &'static str,
}

#[derive(Debug, Serialize)]
struct Report<'a> {
    file: String,
    findings: &'a [LineFinding],
    counts: BTreeMap<&'static str, usize>,
}

/// Runs `scan`.
pub fn run(args: &Args) -> Result<(), Failure> {
    let bytes = read_bytes(&args.file)?;
    // A log may hold stray bytes; they are read as U+FFFD, which no
    // identifier contains, so what is found is what a text would give.
    let text = String::from_utf8_lossy(&bytes);
    let findings = scan_lines(&text);
    let mut counts = BTreeMap::new();
    for f in &findings {
        *counts.entry(f.kind).or_insert(0) += 1;
    }
    let file = args.file.display().to_string();
    match args.format {
        Format::Json => print_json(&Report {
            file,
            findings: &findings,
            counts,
        }),
        Format::Text => {
            for f in &findings {
                println!("{file}:{}:{}: {}", f.line, f.column, f.kind);
            }
            if findings.is_empty() {
                println!("{file}: no findings");
            } else {
                let counts: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
                println!(
                    "{file}: {} findings ({})",
                    findings.len(),
                    counts.join(", ")
                );
            }
        }
    }
    if findings.is_empty() {
        Ok(())
    } else {
        Err(Failure::Judged)
    }
}

/// The findings of every line of `text`, in order.
pub fn scan_lines(text: &str) -> Vec<LineFinding> {
    let mut out = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        for finding in scan_text(line).findings {
            out.push(LineFinding {
                line: i + 1,
                column: line[..finding.start].chars().count() + 1,
                kind: finding.kind.as_str(),
            });
        }
    }
    out
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(path).map(|b| bytes = b)
    };
    read.map_err(|e| Failure::file(path, "cannot read", e))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_name_line_column_and_kind() {
        let text = "ok\r\nเลข 1-2345-45678-78-1\nโทร 0812345678 or a@b.co\n";
        let found = scan_lines(text);
        let at: Vec<_> = found.iter().map(|f| (f.line, f.column, f.kind)).collect();
        assert_eq!(
            at,
            [(2, 5, "national_id"), (3, 5, "phone"), (3, 19, "email")]
        );
    }
}
