//! "Download my consent history" in the privacy centre: the receipts kept
//! on this device as a JSON file named in the page's language, made in the
//! browser (a `data:` URL and a download link); nothing is sent anywhere. The
//! full module adds the section to the dialog the shared drawing code
//! makes, so the banner module carries none of it.

use super::state::Shared;
use crate::i18n::Lang;
use crate::page::dom::{action_button, append, document, element, set, text};
use crate::receipt::history_file_name;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement};

/// The action of the download button.
pub const ACTION: &str = "download-history";

/// The section's heading, sentence and button label.
fn words(lang: Lang) -> [&'static str; 3] {
    match lang {
        Lang::Th => [
            "ประวัติความยินยอมของฉัน",
            "บันทึกการให้และการถอนความยินยอมที่เก็บไว้ในอุปกรณ์นี้ ดาวน์โหลดเป็นไฟล์ JSON ได้ โดยไม่มีการส่งข้อมูลไปที่ใด",
            "ดาวน์โหลดประวัติความยินยอม",
        ],
        Lang::En => [
            "My consent history",
            "The records of the consent given and withdrawn on this device, as a JSON file. Nothing is sent anywhere.",
            "Download my consent history",
        ],
    }
}

/// Adds the section to the privacy centre, before its status line.
pub fn add_section(dialog: &Element, lang: Lang) {
    let doc = document();
    let [heading, sentence, label] = words(lang);
    let section = element(&doc, "div", "mpp-history");
    set(&section, "data-privacy-history", "");
    let button = action_button(&doc, ACTION, "mpp-button", label);
    append(
        &section,
        &[
            &text(&doc, "h3", "mpp-subtitle", heading),
            &text(&doc, "p", "mpp-note", sentence),
            &button,
        ],
    );
    let before = dialog
        .query_selector("[data-privacy-reload-notice]")
        .ok()
        .flatten();
    let _ = dialog.insert_before(&section, before.as_ref().map(|e| e.unchecked_ref()));
}

/// Saves the receipts kept on this device as a file.
pub fn download(shared: &Shared) {
    let (json, lang) = {
        let inner = shared.borrow();
        (inner.receipts.log.receipts_json(), inner.lang)
    };
    let seconds = (js_sys::Date::now() / 1000.0) as u64;
    save(&json, &history_file_name(lang, seconds));
}

fn save(json: &str, name: &str) {
    // A data: URL rather than a Blob and an object URL: one call fewer into JS and
    // less glue; the log is a few hundred kilobytes at most, well within what
    // browsers take in a link.
    let mut href = String::from("data:application/json;charset=utf-8,");
    href.push_str(&String::from(js_sys::encode_uri_component(json)));
    let doc = document();
    let link = element(&doc, "a", "");
    set(&link, "href", &href);
    set(&link, "download", name);
    link.unchecked_ref::<HtmlElement>().click();
}
