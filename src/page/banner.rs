//! Drawing the cookie banner and the privacy centre (the preferences dialog).
//!
//! The banner is a labelled region at the start of `<body>` (first in tab
//! order, shown fixed at the bottom): it never covers the page modally, so
//! nobody is stopped from using the service. The dialog is a native
//! `<dialog>` opened modally. Styling lives in `privacy.css`; nothing here
//! sets inline styles, so both work under a strict CSP.

use super::dom::{action_button, append, document, element, set, text};
use crate::consent::{Consent, State};
use crate::i18n::Lang;
use crate::policy::{Policy, Purpose, Text};
use alloc::string::String;
use alloc::vec::Vec;
use js_sys::{Date, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlDialogElement};

/// What a drawing needs to know.
pub struct View<'a> {
    /// The loaded policy.
    pub policy: &'a Policy,
    /// Current decisions.
    pub consent: &'a Consent,
    /// Language of the texts.
    pub lang: Lang,
}

impl View<'_> {
    pub(crate) fn state(&self, id: &str) -> State {
        self.consent.state(self.policy, id).unwrap_or(State::Unset)
    }

    /// Title and change note of a category or purpose, the category's first.
    fn title_and_note(&self, id: &str) -> Option<(&Text, Option<&Text>)> {
        let category = self.policy.category(id);
        let purpose = self.policy.purpose(id);
        let title = category.map(|c| &c.title).or(purpose.map(|p| &p.title))?;
        let note = category
            .and_then(|c| c.change_note.as_ref())
            .or(purpose.and_then(|p| p.change_note.as_ref()));
        Some((title, note))
    }
}

/// The first layer: accept all, reject all and customize, of equal weight.
/// When `reask` lists categories or purposes, the banner names them and what changed.
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
        for (title, note) in reask.iter().filter_map(|id| view.title_and_note(id)) {
            let item = element(&doc, "li", "");
            append(&item, &[&text(&doc, "strong", "", title.get(view.lang))]);
            if let Some(note) = note {
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

/// The privacy centre: one switch per category (necessary shown on and
/// disabled) and per consent purpose, each with its state and when it was
/// decided; the notices; the controller's contact and how to get data
/// corrected; the policy link; and the same accept/reject pair as the
/// banner beside save. Switches take effect on save.
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
        .any(|c| view.state(&c.id) == State::DeniedBySignal);
    if honoured {
        let note = text(&doc, "p", "mpp-note", words.gpc_honoured);
        set(&note, "data-privacy-gpc", "");
        append(&root, &[&note]);
    }

    let list = section(&doc, &root, words.cookies_heading, "ul", "mpp-categories");
    for category in &view.policy.categories {
        // A category that is also a purpose (statistics): one switch, both texts.
        let purpose_texts: Vec<Element> = view
            .policy
            .purpose(&category.id)
            .map(|p| {
                Vec::from([
                    text(&doc, "p", "mpp-description", p.description.get(view.lang)),
                    purpose_facts(&doc, p, view.lang),
                ])
            })
            .unwrap_or_default();
        let item = switch(
            view,
            "data-privacy-category",
            &category.id,
            &category.title,
            &category.description,
            &purpose_texts,
        );
        if category.always_on {
            if let Ok(Some(toggle)) = item.query_selector("input") {
                set(&toggle, "disabled", "");
            }
            if let Ok(Some(row)) = item.query_selector(".mpp-row") {
                append(&row, &[&text(&doc, "span", "mpp-badge", words.always_on)]);
            }
        }
        append(&list, &[&item]);
    }

    let asked = view
        .policy
        .purposes
        .iter()
        .filter(|p| p.asks_consent() && view.policy.category(&p.id).is_none());
    let mut consent_list = None;
    for purpose in asked {
        let list = consent_list.get_or_insert_with(|| {
            section(&doc, &root, words.consent_heading, "ul", "mpp-categories")
        });
        let facts = [purpose_facts(&doc, purpose, view.lang)];
        let item = switch(
            view,
            "data-privacy-purpose",
            &purpose.id,
            &purpose.title,
            &purpose.description,
            &facts,
        );
        append(list, &[&item]);
    }

    let notices: Vec<&Purpose> = view
        .policy
        .purposes
        .iter()
        .filter(|p| !p.asks_consent())
        .collect();
    if !notices.is_empty() {
        let list = section(&doc, &root, words.notices_heading, "ul", "mpp-notices");
        for purpose in notices {
            append(&list, &[&notice(&doc, purpose, view.lang)]);
        }
    }

    let contact = section(&doc, &root, words.contact_heading, "div", "mpp-contact");
    set(&contact, "data-privacy-controller", "");
    append(&contact, &controller(view).iter().collect::<Vec<_>>());

    let status = element(&doc, "p", "mpp-note");
    set(&status, "role", "status");
    set(&status, "data-privacy-reload-notice", "");
    append(
        &root,
        &[&status, &policy_link(view), &actions(view.lang, true)],
    );
    root.unchecked_into()
}

/// A headed part of the privacy centre; returns its `tag` element.
fn section(doc: &Document, root: &Element, heading: &str, tag: &str, class: &str) -> Element {
    let list = element(doc, tag, class);
    append(root, &[&text(doc, "h3", "mpp-subtitle", heading), &list]);
    list
}

/// One switch with its label, description, `more` and state line.
fn switch(
    view: &View,
    marker: &str,
    id: &str,
    title: &Text,
    description: &Text,
    more: &[Element],
) -> Element {
    let doc = document();
    let mut input_id = String::from("mpp-");
    input_id.push_str(if marker == "data-privacy-category" {
        "cat-"
    } else {
        "purpose-"
    });
    input_id.push_str(id);
    let description_id = input_id.clone() + "-desc";
    let state_id = input_id.clone() + "-state";

    let item = element(&doc, "li", "mpp-category");
    let row = element(&doc, "div", "mpp-row");
    let toggle = element(&doc, "input", "mpp-toggle");
    set(&toggle, "type", "checkbox");
    set(&toggle, "id", &input_id);
    set(&toggle, marker, id);
    set(
        &toggle,
        "aria-describedby",
        &(description_id.clone() + " " + &state_id),
    );
    let state = view.state(id);
    if state.allows() {
        set(&toggle, "checked", "");
    }
    let label = text(&doc, "label", "", title.get(view.lang));
    set(&label, "for", &input_id);
    append(&row, &[&toggle, &label]);
    let description = text(&doc, "p", "mpp-description", description.get(view.lang));
    set(&description, "id", &description_id);
    append(&item, &[&row, &description]);
    for element in more {
        append(&item, &[element]);
    }
    if state != State::AlwaysOn {
        let line = text(&doc, "p", "mpp-state", &state_line(view, id, state));
        set(&line, "id", &state_id);
        set(&line, "data-privacy-decided", id);
        append(&item, &[&line]);
    }
    item
}

/// "Agreed · 23 Nov 2026", "Refused · …" or "Not chosen yet".
fn state_line(view: &View, id: &str, state: State) -> String {
    let words = view.lang.words();
    let mut line = String::from(match state {
        State::Granted => words.state_granted,
        State::Denied | State::DeniedBySignal => words.state_denied,
        _ => words.state_unset,
    });
    if let Some(at) = view.consent.decided_at(view.policy, id) {
        line.push_str(" · ");
        line.push_str(&local_date(at, view.lang));
    }
    line
}

/// A date in the page language, as the browser writes it (Thai: Buddhist era).
fn local_date(unix_seconds: u64, lang: Lang) -> String {
    let date = Date::new(&JsValue::from_f64(unix_seconds as f64 * 1000.0));
    let options = Object::new();
    let _ = Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let locale = if lang == Lang::Th { "th-TH" } else { "en-GB" };
    date.to_locale_date_string(locale, &options).into()
}

/// Legal basis and retention of a purpose.
pub(crate) fn purpose_facts(doc: &Document, purpose: &Purpose, lang: Lang) -> Element {
    let words = lang.words();
    let mut facts = String::from(words.basis_prefix);
    facts.push_str(words.legal_bases[purpose.legal_basis.index()]);
    facts.push_str(" · ");
    facts.push_str(words.retention_prefix);
    facts.push_str(purpose.retention.get(lang));
    text(doc, "p", "mpp-facts", &facts)
}

/// A purpose that is shown, not asked: `[data-privacy-notice=id]`.
pub fn notice(doc: &Document, purpose: &Purpose, lang: Lang) -> Element {
    let item = element(doc, "li", "mpp-notice");
    set(&item, "data-privacy-notice", &purpose.id);
    append(
        &item,
        &[
            &text(doc, "strong", "", purpose.title.get(lang)),
            &text(doc, "p", "mpp-description", purpose.description.get(lang)),
            &purpose_facts(doc, purpose, lang),
        ],
    );
    item
}

/// The controller's name, address, phone, fax, e-mail, web site and how to
/// get data corrected (guideline sections 7 and 9).
fn controller(view: &View) -> Vec<Element> {
    let doc = document();
    let c = &view.policy.controller;
    let labels = view.lang.words().contact_labels;
    let mut out = Vec::from([
        text(&doc, "p", "", c.name.get(view.lang)),
        text(&doc, "p", "", c.address.get(view.lang)),
    ]);
    let mut email = String::from("mailto:");
    email.push_str(&c.email);
    let lines = [
        (labels[0], c.phone.as_str(), None),
        (labels[1], c.fax.as_deref().unwrap_or_default(), None),
        (labels[2], c.email.as_str(), Some(email.as_str())),
        (labels[3], c.website.as_str(), Some(c.website.as_str())),
    ];
    for (label, value, href) in lines.into_iter().filter(|l| !l.1.is_empty()) {
        let line = text(&doc, "p", "", label);
        let _ = line.append_with_str_1(": ");
        let value_el = match href {
            Some(href) => {
                let link = text(&doc, "a", "mpp-link", value);
                set(&link, "href", href);
                link
            }
            None => text(&doc, "span", "", value),
        };
        append(&line, &[&value_el]);
        out.push(line);
    }
    if let Some(correction) = &c.correction {
        out.push(text(&doc, "p", "", correction.get(view.lang)));
    }
    out
}

/// Rewrites each item's state line after a decision, for a dialog left open.
pub fn refresh_states(dialog: &Element, view: &View) {
    let Ok(lines) = dialog.query_selector_all("[data-privacy-decided]") else {
        return;
    };
    for i in 0..lines.length() {
        let Some(line) = lines.item(i) else { continue };
        let Some(id) = line
            .dyn_ref::<Element>()
            .and_then(|e| e.get_attribute("data-privacy-decided"))
        else {
            continue;
        };
        line.set_text_content(Some(&state_line(view, &id, view.state(&id))));
    }
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
    set(&link, "data-privacy-policy-link", "");
    let paragraph = element(&doc, "p", "");
    append(&paragraph, &[&link]);
    paragraph
}
