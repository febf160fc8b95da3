//! Writes the bundled policy without the whitespace between its tokens to
//! `OUT_DIR`, for `include_str!`: the page downloads it inside the wasm, and
//! the indentation that helps its editors is 0.2 KB gzip there.

use std::{env, fs, path::Path};

fn main() {
    let source = "policy/mohprompt.json";
    println!("cargo::rerun-if-changed={source}");
    let text = fs::read_to_string(source).expect("policy/mohprompt.json is readable");
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("mohprompt.json");
    fs::write(out, minified(&text)).expect("OUT_DIR is writable");
}

/// `json` without whitespace outside its strings; everything else as it is.
fn minified(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            (in_string, escaped) = match c {
                _ if escaped => (true, false),
                '\\' => (true, true),
                '"' => (false, false),
                _ => (true, false),
            };
        } else if !c.is_whitespace() {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}
