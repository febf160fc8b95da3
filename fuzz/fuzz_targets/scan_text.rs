//! People type anything into a free-text box. The leak scan must never panic,
//! and its findings must be in order, apart, inside the text and on character
//! boundaries, with the text around them left as it was.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mohprompt_privacy::scan::scan_text;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let scan = scan_text(text);
    let mut previous_end = 0;
    for finding in &scan.findings {
        assert!(
            previous_end <= finding.start,
            "findings in order, not overlapping"
        );
        assert!(finding.start < finding.end && finding.end <= text.len());
        assert!(text.is_char_boundary(finding.start) && text.is_char_boundary(finding.end));
        previous_end = finding.end;
    }
    match (scan.findings.first(), scan.findings.last()) {
        (Some(first), Some(last)) => {
            assert!(
                scan.text.starts_with(&text[..first.start]),
                "text before the first finding kept"
            );
            assert!(
                scan.text.ends_with(&text[last.end..]),
                "text after the last finding kept"
            );
        }
        _ => assert_eq!(scan.text, text, "nothing found, nothing changed"),
    }
});
