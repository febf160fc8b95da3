//! `scan FILE|-`: the browser's leak scan ([`scan_text`], the engine the
//! egress guard runs over every text field) over each line of a text or
//! JSON-lines file, a log export say. Findings name the line, the column
//! and the kind, never the value or any of its digits; exit 1 when any.
//!
//! A line that is a JSON object or array (a JSON-lines file) is read as
//! JSON: every string, number and key is scanned unescaped, so an
//! identifier spelled with `\u` escapes is found, and a finding names its
//! path in the line (`note`, `items[2].phone`) instead of a column. Any
//! other line is scanned as the text it is.

use crate::Format;
use crate::failure::{Failure, print_json};
use clap::Parser;
use mohprompt_privacy::scan::json::scan_json;
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineFinding {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters (Unicode scalar values), in a text line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The path of the value in a JSON line (`{key N}` for a key that may not be shown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Whether it was found in an object key of a JSON line.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub in_key: bool,
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
                match (f.column, &f.path) {
                    (Some(column), _) => println!("{file}:{}:{column}: {}", f.line, f.kind),
                    (None, Some(path)) if f.in_key => {
                        println!("{file}:{}: {} in a key ({path})", f.line, f.kind);
                    }
                    (None, path) => println!(
                        "{file}:{}: {} in {}",
                        f.line,
                        f.kind,
                        path.as_deref().unwrap_or("(body)")
                    ),
                }
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
        if let Some(value) = json_line(line) {
            for finding in scan_json(&value, &|_, _| false) {
                out.push(LineFinding {
                    line: i + 1,
                    column: None,
                    path: Some(finding.path),
                    in_key: finding.in_key,
                    kind: finding.kind.as_str(),
                });
            }
            continue;
        }
        for finding in scan_text(line).findings {
            out.push(LineFinding {
                line: i + 1,
                column: Some(line[..finding.start].chars().count() + 1),
                path: None,
                in_key: false,
                kind: finding.kind.as_str(),
            });
        }
    }
    out
}

/// The JSON value of a line that is a JSON object or array, else `None`.
fn json_line(line: &str) -> Option<serde_json::Value> {
    let trimmed = line.trim_start();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        return None;
    }
    serde_json::from_str(line).ok()
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
            [
                (2, Some(5), "national_id"),
                (3, Some(5), "phone"),
                (3, Some(19), "email")
            ]
        );
    }

    #[test]
    fn a_json_line_is_read_as_json_so_escaped_digits_are_found() {
        let text =
            "{\"note\":\"\\u0030\\u0038\\u0031\\u0032345678\"}\n[1, 2]\n{not json 0812345678\n";
        let found = scan_lines(text);
        let at: Vec<_> = found
            .iter()
            .map(|f| (f.line, f.column, f.path.as_deref(), f.kind))
            .collect();
        assert_eq!(
            at,
            [
                (1, None, Some("note"), "phone"),
                (3, Some(11), None, "phone")
            ]
        );
    }
}
