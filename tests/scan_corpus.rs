//! The leak scan against its generated corpora (`tests/common/corpus.rs`):
//! every planted identifier found, with its kind and exact span, and
//! nothing else; ordinary text and the module's own outputs untouched.

#[path = "common/corpus.rs"]
mod corpus;

use corpus::Rng;
use mohprompt_privacy::scan::{FindingKind, scan_text};

#[test]
fn every_generated_identifier_is_found_in_every_spelling_and_place() {
    let items = corpus::positive(&mut Rng(corpus::SEED), 8);
    assert!(items.len() > 10_000, "{} items", items.len());
    let mut missed = Vec::new();
    for item in &items {
        let scan = scan_text(&item.text);
        let found = scan
            .findings
            .iter()
            .map(|f| (f.kind, f.start, f.end))
            .collect::<Vec<_>>();
        if found != [(item.kind, item.start, item.end)] {
            missed.push(format!(
                "{:?} ({}) in {:?}: expected {:?} at {}..{}, found {:?}",
                item.kind, item.spelling, item.text, item.kind, item.start, item.end, found
            ));
        }
        // What the guard sends passes the receiver's scan: its masks are no identifiers.
        let again = scan_text(&scan.text).findings;
        if !again.is_empty() {
            missed.push(format!(
                "{:?} masked as {:?} is found again: {:?}",
                item.text, scan.text, again
            ));
        }
    }
    assert!(
        missed.is_empty(),
        "recall below 100%: {} of {} missed or misplaced, e.g.\n{}",
        missed.len(),
        items.len(),
        missed[..missed.len().min(20)].join("\n")
    );
}

#[test]
fn ordinary_text_is_left_alone() {
    let items = corpus::negative(&mut Rng(corpus::SEED ^ 1), 24_000);
    let mut touched = Vec::new();
    for text in &items {
        let scan = scan_text(text);
        if !scan.findings.is_empty() || scan.text != *text {
            touched.push(format!("{text:?} -> {:?}", scan.text));
        }
    }
    assert!(
        touched.is_empty(),
        "{} of {} ordinary texts touched, e.g.\n{}",
        touched.len(),
        items.len(),
        touched[..touched.len().min(20)].join("\n")
    );
}

#[test]
fn the_modules_own_digests_uuids_and_envelopes_pass_untouched() {
    let mut rng = Rng(corpus::SEED ^ 2);
    let mut touched = Vec::new();
    for k in 0..100_000 {
        let token = corpus::operator_output(&mut rng, k);
        // Alone, and glued to Thai words as a log line would have it.
        for text in [token.clone(), format!("ค่า{token}ครับ")] {
            let scan = scan_text(&text);
            if !scan.findings.is_empty() {
                touched.push(format!("{text} -> {:?}", scan.findings));
            }
        }
    }
    assert!(
        touched.is_empty(),
        "{} touched, e.g.\n{}",
        touched.len(),
        touched[..touched.len().min(10)].join("\n")
    );
}

#[test]
fn a_mistyped_id_is_masked_like_an_id() {
    let scan = scan_text("บัตร 1-2345-45678-78-9 ครับ");
    assert_eq!(scan.findings[0].kind, FindingKind::NationalIdUnverified);
    assert_eq!(scan.text, "บัตร x-xxxx-xxxxx-78-9 ครับ");
}
