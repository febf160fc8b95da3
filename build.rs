//! Writes the bundled policy without the whitespace between its tokens to
//! `OUT_DIR`, for `include_str!`: the page downloads it inside the wasm, and
//! the indentation that helps its editors is 0.2 KB gzip there. Beside it,
//! the banner's part alone (the keys the banner module reads), which is all
//! of the policy the banner module carries.

use std::{env, fs, path::Path};

fn main() {
    let source = "policy/mohprompt.json";
    println!("cargo::rerun-if-changed={source}");
    let text = fs::read_to_string(source).expect("policy/mohprompt.json is readable");
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("mohprompt.json");
    fs::write(&out, minified(&text)).expect("OUT_DIR is writable");
    fs::write(
        out.with_file_name("mohprompt-banner.json"),
        banner_part(&text),
    )
    .expect("OUT_DIR is writable");
}

/// The keys of the policy the banner module reads, minified.
fn banner_part(json: &str) -> String {
    let mut value: serde_json::Value =
        serde_json::from_str(json).expect("policy/mohprompt.json is JSON");
    let object = value.as_object_mut().expect("the policy is an object");
    object.retain(|key, _| {
        ["version", "policy_url", "categories", "purposes"].contains(&key.as_str())
    });
    serde_json::to_string(&value).expect("a JSON value writes")
}

/// `json` without whitespace between its tokens, keys in their order.
fn minified(json: &str) -> String {
    let value: serde_json::Value =
        serde_json::from_str(json).expect("policy/mohprompt.json is JSON");
    serde_json::to_string(&value).expect("a JSON value writes")
}
