//! The leak scan over a JSON value, natively: every string, every number
//! (as the text a reader of the stored line sees) and every object key,
//! unescaped, so `"\u0031\u0032…"` is found as the digits it spells. The
//! receipts service refuses a body with it and `mohprompt-privacy scan`
//! reads JSON-lines files with it; `www/leak-scan.mjs` is the same walk for
//! the demo's Node server.
//!
//! Findings name the path and the kind, never the value. A key is shown in
//! a path only when it looks like a field name; otherwise the path says
//! `{key N}`, its place among its object's keys.

use super::{FindingKind, scan_text};
use serde_json::Value;

/// One step of the path to a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    /// An object key.
    Key(&'a str),
    /// An array index.
    Index(usize),
}

/// An identifier found in a JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonFinding {
    /// `items[2].note`; `(body)` for the value itself.
    pub path: String,
    /// What was found.
    pub kind: FindingKind,
    /// Whether it was in an object key rather than a value.
    pub in_key: bool,
}

/// Every finding in `value`, in document order, once per path and kind.
/// `exempt(path, text)` says whether a string at `path` is the output of
/// the module's own operators (a receipt's ids, say) and is not scanned.
///
/// ```
/// use mohprompt_privacy::scan::json::scan_json;
/// let value = serde_json::from_str(r#"{"note": "\u0031234545678781", "ok": "hi"}"#).unwrap();
/// let found = scan_json(&value, &|_, _| false);
/// assert_eq!(found[0].path, "note");
/// assert_eq!(found[0].kind.as_str(), "national_id");
/// assert_eq!(found.len(), 1);
/// ```
pub fn scan_json(value: &Value, exempt: &dyn Fn(&[Step], &str) -> bool) -> Vec<JsonFinding> {
    let mut walk = Walk {
        exempt,
        path: Vec::new(),
        shown: Vec::new(),
        found: Vec::new(),
    };
    walk.value(value);
    walk.found
}

/// How a step is shown: a key may be hidden behind its place.
#[derive(Debug, Clone)]
enum Shown {
    Key(String),
    Hidden(usize),
    Index(usize),
}

struct Walk<'v, 'e> {
    exempt: &'e dyn Fn(&[Step], &str) -> bool,
    path: Vec<Step<'v>>,
    shown: Vec<Shown>,
    found: Vec<JsonFinding>,
}

impl<'v> Walk<'v, '_> {
    fn value(&mut self, value: &'v Value) {
        match value {
            Value::String(text) => {
                if !(self.exempt)(&self.path, text) {
                    self.report(text, false);
                }
            }
            Value::Number(n) => {
                let text = n.to_string();
                if !(self.exempt)(&self.path, &text) {
                    self.report(&text, false);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.path.push(Step::Index(i));
                    self.shown.push(Shown::Index(i));
                    self.value(item);
                    self.shown.pop();
                    self.path.pop();
                }
            }
            Value::Object(map) => {
                for (i, (key, item)) in map.iter().enumerate() {
                    let clean = scan_text(key).findings.is_empty();
                    self.shown.push(if clean && is_showable_key(key) {
                        Shown::Key(key.clone())
                    } else {
                        Shown::Hidden(i + 1)
                    });
                    self.report(key, true);
                    self.path.push(Step::Key(key));
                    self.value(item);
                    self.path.pop();
                    self.shown.pop();
                }
            }
            Value::Null | Value::Bool(_) => {}
        }
    }

    fn report(&mut self, text: &str, in_key: bool) {
        let findings = scan_text(text).findings;
        if findings.is_empty() {
            return;
        }
        let path = format_path(&self.shown);
        for finding in findings {
            let seen = self
                .found
                .iter()
                .any(|f| f.path == path && f.kind == finding.kind && f.in_key == in_key);
            if !seen {
                self.found.push(JsonFinding {
                    path: path.clone(),
                    kind: finding.kind,
                    in_key,
                });
            }
        }
    }
}

/// A key is shown when it looks like a field name: no run of four digits
/// (a number the scan does not take for an identifier is still not ours to
/// echo), at most 64 characters of `A-Z a-z 0-9 _ -`, not starting with a
/// digit or a dash.
fn is_showable_key(key: &str) -> bool {
    let b = key.as_bytes();
    let digits_run = b.windows(4).any(|w| w.iter().all(u8::is_ascii_digit));
    (1..=64).contains(&b.len())
        && (b[0].is_ascii_alphabetic() || b[0] == b'_')
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
        && !digits_run
}

fn format_path(shown: &[Shown]) -> String {
    if shown.is_empty() {
        return String::from("(body)");
    }
    let mut out = String::new();
    for step in shown {
        match step {
            Shown::Index(i) => out.push_str(&format!("[{i}]")),
            Shown::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Shown::Hidden(n) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&format!("{{key {n}}}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(json: &str) -> Vec<(String, &'static str, bool)> {
        let value: Value = serde_json::from_str(json).unwrap();
        scan_json(&value, &|_, _| false)
            .into_iter()
            .map(|f| (f.path, f.kind.as_str(), f.in_key))
            .collect()
    }

    #[test]
    fn escaped_digits_are_found_as_the_digits_they_spell() {
        assert_eq!(
            found(r#"{"a":[{"note":"\u0031\u0032345456787 81"}]}"#),
            [("a[0].note".into(), "national_id", false)]
        );
    }

    #[test]
    fn numbers_are_scanned_as_their_text() {
        assert_eq!(
            found(r#"{"n": 1234545678781}"#),
            [("n".into(), "national_id", false)]
        );
    }

    #[test]
    fn a_key_holding_an_identifier_is_reported_and_never_shown() {
        assert_eq!(
            found(r#"{"ok": 1, "0812345678": "x"}"#),
            [("{key 2}".into(), "phone", true)]
        );
        assert_eq!(
            found(r#""0812345678""#),
            [("(body)".into(), "phone", false)]
        );
    }

    #[test]
    fn an_exempt_path_is_not_scanned() {
        let value: Value =
            serde_json::from_str(r#"{"id": "0812345678", "x": "0812345678"}"#).unwrap();
        let exempt = |path: &[Step], _: &str| path == [Step::Key("id")];
        let paths: Vec<_> = scan_json(&value, &exempt)
            .into_iter()
            .map(|f| f.path)
            .collect();
        assert_eq!(paths, ["x"]);
    }
}
