//! `check POLICY.json`: the policy loaded by [`Policy::check_json`], the
//! same serde types and validation the browser runs, so what passes here
//! loads on the page. A bad policy: every problem with its path, in the
//! document's order (exit 1). A good one: what it declares, in short.
//!
//! Every problem is what [`Policy::check_json`] finds: all those of the
//! validation, but a value of the wrong type, a missing or an unknown key
//! alone, since serde stops at the first of those.

use crate::Format;
use crate::failure::{Failure, print_json, read_text};
use crate::keys::{KeyEntry, policy_keys};
use clap::Parser;
use mohprompt_privacy::fields::FieldClass;
use mohprompt_privacy::policy::{Policy, PolicyError};
use serde::Serialize;
use std::path::PathBuf;

/// `check`'s arguments.
#[derive(Debug, Parser)]
pub struct Args {
    /// The policy file (`-` for stdin).
    policy: PathBuf,
    /// `json`: one document, `{"valid": …}`, for CI.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// What `--format json` prints.
#[derive(Debug, Serialize)]
struct Report {
    file: String,
    valid: bool,
    problems: Vec<Problem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<Summary>,
}

/// One problem: where, in the policy's own path notation, and what.
#[derive(Debug, Serialize)]
struct Problem {
    path: String,
    problem: String,
}

/// What a valid policy declares.
#[derive(Debug, Serialize)]
struct Summary {
    version: String,
    categories: Vec<CategoryLine>,
    purposes: Vec<PurposeLine>,
    forms: Vec<FormLine>,
    keys: Vec<KeyLine>,
}

#[derive(Debug, Serialize)]
struct CategoryLine {
    id: String,
    always_on: bool,
    revision: u32,
}

#[derive(Debug, Serialize)]
struct PurposeLine {
    id: String,
    legal_basis: &'static str,
}

#[derive(Debug, Serialize)]
struct FormLine {
    id: String,
    purposes: Vec<String>,
    fields: Vec<FieldLine>,
}

#[derive(Debug, Serialize)]
struct FieldLine {
    name: String,
    kind: &'static str,
    class: String,
    operator: &'static str,
}

#[derive(Debug, Serialize)]
struct KeyLine {
    kid: String,
    suite: String,
    /// The key the browser seals to: the first of the module's suite.
    seals: bool,
}

/// Runs `check`.
pub fn run(args: &Args) -> Result<(), Failure> {
    let text = read_text(&args.policy)?;
    let file = args.policy.display().to_string();
    let (problems, summary) = match Policy::check_json(&text) {
        Ok(policy) => (Vec::new(), Some(summary(&policy, &text))),
        Err(problems) => {
            let problems = problems
                .into_iter()
                .map(|PolicyError { path, problem }| Problem { path, problem })
                .collect();
            (problems, None)
        }
    };
    let valid = problems.is_empty();
    match args.format {
        Format::Json => print_json(&Report {
            file,
            valid,
            problems,
            summary,
        }),
        Format::Text => print_text(&file, &problems, summary.as_ref()),
    }
    if valid { Ok(()) } else { Err(Failure::Judged) }
}

fn summary(policy: &Policy, text: &str) -> Summary {
    let categories = policy
        .categories
        .iter()
        .map(|c| CategoryLine {
            id: c.id.clone(),
            always_on: c.always_on,
            revision: c.revision,
        })
        .collect();
    let purposes = policy
        .purposes
        .iter()
        .map(|p| PurposeLine {
            id: p.id.clone(),
            legal_basis: p.legal_basis.as_str(),
        })
        .collect();
    let forms = policy
        .forms
        .iter()
        .map(|form| FormLine {
            id: form.id.clone(),
            purposes: form.purposes.clone(),
            fields: form
                .fields
                .iter()
                .map(|f| FieldLine {
                    name: f.name.clone(),
                    kind: f.kind.as_str(),
                    class: match &f.class {
                        FieldClass::Required => String::from("required"),
                        FieldClass::Optional => String::from("optional"),
                        FieldClass::OneOf(group) => format!("one_of {group}"),
                    },
                    operator: f.operator.as_str(),
                })
                .collect(),
        })
        .collect();
    // The model keeps only the key the browser seals to; the others the
    // loader has checked already, and are read back from the document.
    let sealing = policy.seal_key.as_ref().map(|k| k.kid.as_str());
    let mut seals_marked = false;
    let keys = policy_keys(text)
        .into_iter()
        .map(|KeyEntry { kid, suite, .. }| {
            let seals = !seals_marked
                && Some(kid.as_str()) == sealing
                && suite == mohprompt_privacy::seal::SUITE;
            seals_marked |= seals;
            KeyLine { kid, suite, seals }
        })
        .collect();
    Summary {
        version: policy.version.clone(),
        categories,
        purposes,
        forms,
        keys,
    }
}

fn print_text(file: &str, problems: &[Problem], summary: Option<&Summary>) {
    for Problem { path, problem } in problems {
        let path = if path.is_empty() { "policy" } else { path };
        println!("{file}: {path}: {problem}");
    }
    let Some(s) = summary else { return };
    println!("{file}: valid, version {}", s.version);
    println!("categories ({}):", s.categories.len());
    for c in &s.categories {
        let on = if c.always_on { ", always on" } else { "" };
        println!("  {} (revision {}{on})", c.id, c.revision);
    }
    println!("purposes ({}):", s.purposes.len());
    for p in &s.purposes {
        println!("  {}: {}", p.id, p.legal_basis);
    }
    println!("forms ({}):", s.forms.len());
    for form in &s.forms {
        println!("  {} (purposes: {})", form.id, form.purposes.join(", "));
        for f in &form.fields {
            println!("    {} ({}, {}): {}", f.name, f.kind, f.class, f.operator);
        }
    }
    println!("keys ({}, newest first):", s.keys.len());
    for k in &s.keys {
        let seals = if k.seals {
            "  <- the browser seals to this one"
        } else {
            ""
        };
        println!("  {}: {}{seals}", k.kid, k.suite);
    }
    if !s.keys.iter().any(|k| k.seals)
        && s.forms
            .iter()
            .any(|f| f.fields.iter().any(|f| f.operator == "seal"))
    {
        println!(
            "note: fields are sealed but no key of the module's suite is listed: those forms send only while their sealed fields are empty"
        );
    }
}
