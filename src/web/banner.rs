//! Drawing the cookie banner and the preferences dialog.
//!
//! The banner is a labelled region at the start of `<body>` (first in tab
//! order, shown fixed at the bottom): it never covers the page modally, so
//! nobody is stopped from using the service. The dialog is a native
//! `<dialog>` opened modally. Styling lives in `privacy.css`; nothing here
//! sets inline styles, so both work under a strict CSP.

use super::dom::{action_button, append, document, element, set, text};
use crate::consent::{Consent, State};
use crate::i18n::Lang;
use crate::policy::Policy;
use alloc::string::String;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlDialogElement};

/// What a drawing needs to know.
pub struct View<'a> {
    /// The loaded policy.
    pub policy: &'a Policy,
    /// Current decisions.
    pub consent: &'a Consent,
    /// Language of the texts.
    pub lang: Lang,
}

/// The first layer: accept all, reject all and customize, of equal weight.
/// When `reask` lists categories, the banner names them and what changed.
pub fn banner(view: &View, reask: &[&str]) -> Element {
    let doc = document();
    let words = view.lang.words();
    let (root, title) = labelled_root(
        "section",
        "mpp mpp-banner",
        "data-privacy-banner",
        words.banner_title,
        view.lang,
    );

    let body = element(&doc, "div", "mpp-body");
    append(&body, &[&title, &text(&doc, "p", "", words.banner_text)]);
    if !reask.is_empty() {
        let list = element(&doc, "ul", "mpp-reask");
        for category in reask.iter().filter_map(|id| view.policy.category(id)) {
            let item = element(&doc, "li", "");
            append(
                &item,
                &[&text(&doc, "strong", "", category.title.get(view.lang))],
            );
            if let Some(note) = &category.change_note {
                append(&item, &[&text(&doc, "span", "", note.get(view.lang))]);
            }
            append(&list, &[&item]);
        }
        append(&body, &[&text(&doc, "p", "", words.banner_reask), &list]);
    }
    append(&body, &[&policy_link(view)]);

    append(
        &root,
        &[&body, &actions(view.lang, false), &close_button(view.lang)],
    );
    root
}

/// The preferences dialog: one toggle per category, necessary shown on and
/// disabled, and the same accept/reject pair as the banner beside save.
pub fn dialog(view: &View) -> HtmlDialogElement {
    let doc = document();
    let words = view.lang.words();
    let (root, title) = labelled_root(
        "dialog",
        "mpp mpp-dialog",
        "data-privacy-dialog",
        words.dialog_title,
        view.lang,
    );

    let head = element(&doc, "div", "mpp-head");
    append(&head, &[&title, &close_button(view.lang)]);
    append(&root, &[&head, &text(&doc, "p", "", words.dialog_text)]);

    let honoured = view
        .policy
        .categories
        .iter()
        .any(|c| view.consent.state(view.policy, &c.id) == Some(State::DeniedBySignal));
    if honoured {
        let note = text(&doc, "p", "mpp-note", words.gpc_honoured);
        set(&note, "data-privacy-gpc", "");
        append(&root, &[&note]);
    }

    let list = element(&doc, "ul", "mpp-categories");
    for category in &view.policy.categories {
        let state = view
            .consent
            .state(view.policy, &category.id)
            .unwrap_or(State::Unset);
        let id = String::from("mpp-cat-") + &category.id;
        let description_id = id.clone() + "-desc";

        let item = element(&doc, "li", "mpp-category");
        let row = element(&doc, "div", "mpp-row");
        let toggle = element(&doc, "input", "mpp-toggle");
        set(&toggle, "type", "checkbox");
        set(&toggle, "id", &id);
        set(&toggle, "data-privacy-category", &category.id);
        set(&toggle, "aria-describedby", &description_id);
        if state.allows() {
            set(&toggle, "checked", "");
        }
        let label = text(&doc, "label", "", category.title.get(view.lang));
        set(&label, "for", &id);
        append(&row, &[&toggle, &label]);
        if category.always_on {
            set(&toggle, "disabled", "");
            append(&row, &[&text(&doc, "span", "mpp-badge", words.always_on)]);
        }
        let description = text(
            &doc,
            "p",
            "mpp-description",
            category.description.get(view.lang),
        );
        set(&description, "id", &description_id);
        append(&item, &[&row, &description]);
        append(&list, &[&item]);
    }

    let notice = element(&doc, "p", "mpp-note");
    set(&notice, "role", "status");
    set(&notice, "data-privacy-reload-notice", "");
    append(
        &root,
        &[
            &list,
            &notice,
            &policy_link(view),
            &actions(view.lang, true),
        ],
    );
    root.unchecked_into()
}

/// Fills the dialog's status line after a withdrawal.
pub fn show_reload_notice(dialog: &Element, lang: Lang) {
    if let Ok(Some(notice)) = dialog.query_selector("[data-privacy-reload-notice]") {
        notice.set_text_content(Some(lang.words().reload_notice));
    }
}

/// A root of ours, `<tag marker lang aria-labelledby>`, and the heading that names it
/// (the caller places the heading). The marker names the id too: `data-privacy-banner`
/// is labelled by `#data-privacy-banner-title`.
fn labelled_root(
    tag: &str,
    class: &str,
    marker: &str,
    title: &str,
    lang: Lang,
) -> (Element, Element) {
    let doc = document();
    let mut title_id = String::from(marker);
    title_id.push_str("-title");
    let root = element(&doc, tag, class);
    set(&root, marker, "");
    set(&root, "aria-labelledby", &title_id);
    set(&root, "lang", lang.tag());
    let heading = text(&doc, "h2", "mpp-title", title);
    set(&heading, "id", &title_id);
    (root, heading)
}

/// The × button; closing is never consent.
fn close_button(lang: Lang) -> Element {
    let close = action_button(&document(), "close", "mpp-close", "×");
    set(&close, "aria-label", lang.words().close);
    close
}

fn actions(lang: Lang, with_save: bool) -> Element {
    let doc = document();
    let words = lang.words();
    let row = element(&doc, "div", "mpp-actions");
    append(
        &row,
        &[
            &action_button(&doc, "reject-all", "mpp-button", words.reject_all),
            &action_button(&doc, "accept-all", "mpp-button", words.accept_all),
        ],
    );
    let third = if with_save {
        action_button(&doc, "save", "mpp-button", words.save)
    } else {
        action_button(&doc, "customize", "mpp-button", words.customize)
    };
    append(&row, &[&third]);
    row
}

fn policy_link(view: &View) -> Element {
    let doc = document();
    let link = text(&doc, "a", "mpp-link", view.lang.words().policy_link);
    set(&link, "href", &view.policy.policy_url);
    let paragraph = element(&doc, "p", "");
    append(&paragraph, &[&link]);
    paragraph
}
