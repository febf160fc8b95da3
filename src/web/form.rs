//! The consent section `attachForm` renders into a form: the purposes its
//! data serves that are not based on consent, as text, and one box per
//! consent purpose. A box is never ticked for the person, never bundled with
//! another purpose or with terms, and never required unless the purpose is
//! the form's own reason (guideline section 6; PDPA section 19).

use super::banner::{View, notice, purpose_facts};
use super::dom::{append, document, element, set, text};
use crate::consent::State;
use crate::policy::Form;
use alloc::string::String;
use web_sys::Element;

/// Set on a form once the module has attached to it.
pub const ATTACHED: &str = "data-privacy-attached";

/// The `<fieldset data-privacy-consent>` for `form`.
pub fn consent_section(view: &View, form: &Form) -> Element {
    let doc = document();
    let words = view.lang.words();
    let root = element(&doc, "fieldset", "mpp mpp-consent");
    set(&root, "data-privacy-consent", "");
    set(&root, "lang", view.lang.tag());
    append(
        &root,
        &[&text(&doc, "legend", "mpp-subtitle", words.form_legend)],
    );

    let purposes = form
        .purposes
        .iter()
        .filter_map(|id| view.policy.purpose(id));
    let (asked, told): (alloc::vec::Vec<_>, alloc::vec::Vec<_>) =
        purposes.partition(|p| p.asks_consent());

    if !told.is_empty() {
        let list = element(&doc, "ul", "mpp-notices");
        for purpose in told {
            append(&list, &[&notice(&doc, purpose, view.lang)]);
        }
        append(
            &root,
            &[&text(&doc, "p", "", words.form_notices_intro), &list],
        );
    }

    if !asked.is_empty() {
        append(&root, &[&text(&doc, "p", "", words.form_consent_intro)]);
    }
    for purpose in asked {
        let mut id = String::from("mpp-");
        id.push_str(&form.id);
        id.push('-');
        id.push_str(&purpose.id);
        let description_id = id.clone() + "-desc";

        let item = element(&doc, "div", "mpp-purpose");
        let row = element(&doc, "div", "mpp-row");
        let input = element(&doc, "input", "mpp-check");
        set(&input, "type", "checkbox");
        set(&input, "id", &id);
        set(&input, "data-privacy-purpose", &purpose.id);
        set(&input, "aria-describedby", &description_id);
        let state = view.state(&purpose.id);
        // Shows a decision the person made; never ticks one for them.
        if state == State::Granted {
            set(&input, "checked", "");
        }
        let mut title = String::from(purpose.title.get(view.lang));
        if form.reason.as_deref() == Some(purpose.id.as_str()) {
            set(&input, "required", "");
            title.push_str(words.form_reason);
        }
        let label = text(&doc, "label", "", &title);
        set(&label, "for", &id);
        append(&row, &[&input, &label]);

        let details = element(&doc, "div", "mpp-description");
        set(&details, "id", &description_id);
        append(
            &details,
            &[
                &text(&doc, "p", "", purpose.description.get(view.lang)),
                &purpose_facts(&doc, purpose, view.lang),
            ],
        );
        let changed = state == State::Unset && view.consent.decided_before(&purpose.id);
        if let (true, Some(note)) = (changed, &purpose.change_note) {
            append(
                &details,
                &[&text(&doc, "p", "mpp-note", note.get(view.lang))],
            );
        }
        append(&item, &[&row, &details]);
        append(&root, &[&item]);
    }

    let status = element(&doc, "p", "mpp-note");
    set(&status, "role", "status");
    set(&status, "data-privacy-form-status", "");
    append(&root, &[&status]);
    root
}
