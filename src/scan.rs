//! The free-text leak scan: identifiers typed into a box meant for words
//! (a note to the service unit, say) are found and masked before anything
//! leaves the browser. Findings carry the kind and where it was, never the
//! value.
//!
//! What is found: Thai national IDs (13 digits whose check digit holds,
//! contiguous or grouped with spaces or dashes, Thai digits too), Thai phone
//! numbers (the forms `identifiers::normalize_thai_phone` reads), passport
//! numbers (one or two Latin letters and six or seven digits) and e-mail
//! addresses. Dates, amounts and a 13-digit number whose check digit fails
//! are left alone.

use crate::fields::FieldKind;
use crate::identifiers::{self, digit_value};
use crate::masking::mask;
use alloc::string::String;
use alloc::vec::Vec;

/// One identifier found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding {
    /// What it is: national ID, phone, passport or e-mail.
    pub kind: FieldKind,
    /// Byte offset where it starts in the scanned text.
    pub start: usize,
    /// Byte offset just past its end.
    pub end: usize,
}

/// A scanned text: the text with every finding masked, and the findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    /// The input with each identifier replaced by its display mask.
    pub text: String,
    /// What was found, in text order, with offsets into the input.
    pub findings: Vec<Finding>,
}

/// Finds and masks the identifiers in `text`.
///
/// ```
/// use mohprompt_privacy::scan::scan_text;
/// let scan = scan_text("เลข 1-2345-45678-78-1 โทร 081 234 5678 นัด 2024-01-31");
/// assert_eq!(scan.text, "เลข x-xxxx-xxxxx-78-1 โทร xxx xxx 5678 นัด 2024-01-31");
/// assert_eq!(scan.findings.len(), 2);
/// ```
pub fn scan_text(text: &str) -> Scan {
    // Each pass finds spans left to right and skips what an earlier pass
    // took; e-mails first, so the digits of an address are not a phone.
    let mut findings = Vec::new();
    for pass in [emails, passports, numbers] {
        let mut found = Vec::new();
        pass(text, &findings, &mut found);
        findings = merge(findings, found);
    }

    let mut masked = String::with_capacity(text.len());
    let mut at = 0;
    for f in &findings {
        masked.push_str(text.get(at..f.start).unwrap_or_default());
        masked.push_str(&mask(f.kind, text.get(f.start..f.end).unwrap_or_default()));
        at = f.end;
    }
    masked.push_str(text.get(at..).unwrap_or_default());
    Scan {
        text: masked,
        findings,
    }
}

/// The findings of `a` and `b`, each in text order, in text order. (A
/// merge, not a sort: a general sort would bring kilobytes into the wasm.)
fn merge(a: Vec<Finding>, b: Vec<Finding>) -> Vec<Finding> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let from_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => x.start <= y.start,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return out,
        };
        out.extend(if from_a { a.next() } else { b.next() });
    }
}

/// Whether `start..end` overlaps a span of `taken` (sorted, disjoint).
fn overlaps(taken: &[Finding], start: usize, end: usize) -> bool {
    let i = taken.partition_point(|f| f.end <= start);
    taken.get(i).is_some_and(|f| f.start < end)
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn emails(text: &str, taken: &[Finding], findings: &mut Vec<Finding>) {
    let b = text.as_bytes();
    let local = |c: u8| c.is_ascii_alphanumeric() || b"._%+-".contains(&c);
    let domain = |c: u8| c.is_ascii_alphanumeric() || b".-".contains(&c);
    for (at, _) in text.match_indices('@') {
        let start = (0..at)
            .rev()
            .take_while(|i| local(b[*i]))
            .last()
            .unwrap_or(at);
        let mut end = at + 1 + b[at + 1..].iter().take_while(|c| domain(**c)).count();
        // A sentence may end right after the address.
        while end > at + 1 && b[end - 1] == b'.' {
            end -= 1;
        }
        let candidate = text.get(start..end).unwrap_or_default();
        // `a@b.c@d.e`: the second `@` must not start an address inside the first.
        let after_previous = findings.last().is_none_or(|f: &Finding| f.end <= start);
        if start < at
            && after_previous
            && identifiers::is_email(candidate)
            && !overlaps(taken, start, end)
        {
            findings.push(Finding {
                kind: FieldKind::Email,
                start,
                end,
            });
        }
    }
}

fn passports(text: &str, taken: &[Finding], findings: &mut Vec<Finding>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !is_word_byte(b[i]) || (i > 0 && is_word_byte(b[i - 1])) {
            i += 1;
            continue;
        }
        let end = i + b[i..].iter().take_while(|c| is_word_byte(**c)).count();
        let word = text.get(i..end).unwrap_or_default();
        if identifiers::is_thai_passport(word) && !overlaps(taken, i, end) {
            findings.push(Finding {
                kind: FieldKind::Passport,
                start: i,
                end,
            });
        }
        i = end;
    }
}

/// A run of digit groups: `(start, end)` byte ranges of each group, the
/// separators between them being single spaces, dashes or dots.
fn numbers(text: &str, taken: &[Finding], findings: &mut Vec<Finding>) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let is_digit = |k: usize| chars.get(k).is_some_and(|(_, c)| digit_value(*c).is_some());
    let byte_at = |k: usize| chars.get(k).map_or(text.len(), |(b, _)| *b);
    let mut k = 0;
    while k < chars.len() {
        let plus = chars[k].1 == '+' && is_digit(k + 1);
        let starts = (plus || is_digit(k))
            && (k == 0 || {
                let prev = chars[k - 1].1;
                !(prev.is_ascii_alphanumeric() || digit_value(prev).is_some() || prev == '+')
            });
        if !starts {
            k += 1;
            continue;
        }
        // Collect the groups of this run.
        let mut groups: Vec<(usize, usize)> = Vec::new();
        let mut g = if plus { k + 1 } else { k };
        let run_start = k;
        loop {
            let group_start = g;
            while is_digit(g) {
                g += 1;
            }
            groups.push((group_start, g));
            let separator = chars
                .get(g)
                .is_some_and(|(_, c)| matches!(c, ' ' | '-' | '.'));
            if separator && is_digit(g + 1) {
                g += 1;
            } else {
                break;
            }
        }
        // A letter glued to the end makes it a code, not a number.
        if chars.get(g).is_some_and(|(_, c)| c.is_ascii_alphabetic()) {
            k = g;
            continue;
        }
        let mut i = 0;
        while i < groups.len() {
            let mut matched = None;
            for j in (i..groups.len()).rev() {
                let first = if i == 0 { run_start } else { groups[i].0 };
                let (start, end) = (byte_at(first), byte_at(groups[j].1));
                let candidate = text.get(start..end).unwrap_or_default();
                let kind = if identifiers::is_thai_id(candidate) {
                    Some(FieldKind::NationalId)
                } else if identifiers::normalize_thai_phone(candidate).is_some() {
                    Some(FieldKind::Phone)
                } else {
                    None
                };
                if let Some(kind) = kind.filter(|_| !overlaps(taken, start, end)) {
                    findings.push(Finding { kind, start, end });
                    matched = Some(j);
                    break;
                }
            }
            i = matched.map_or(i + 1, |j| j + 1);
        }
        k = g.max(k + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(FieldKind, &str)> {
        scan_text(text)
            .findings
            .iter()
            .map(|f| (f.kind, &text[f.start..f.end]))
            .collect()
    }

    #[test]
    fn identifiers_in_every_spelling_are_found() {
        let text = "บัตร 3100600445635, ๑-๒๓๔๕-๔๕๖๗๘-๗๘-๑ และ 1 1120 34563 56 2; \
                    call +66 81 234 5678 or 02-123-4567; passport AA1234567; mail somchai.j@example.co.th.";
        assert_eq!(
            kinds(text),
            [
                (FieldKind::NationalId, "3100600445635"),
                (FieldKind::NationalId, "๑-๒๓๔๕-๔๕๖๗๘-๗๘-๑"),
                (FieldKind::NationalId, "1 1120 34563 56 2"),
                (FieldKind::Phone, "+66 81 234 5678"),
                (FieldKind::Phone, "02-123-4567"),
                (FieldKind::Passport, "AA1234567"),
                (FieldKind::Email, "somchai.j@example.co.th"),
            ]
        );
        let masked = scan_text(text).text;
        for raw in [
            "3100600445635",
            "0445635",
            "234 5678",
            "AA1234567",
            "somchai.j",
        ] {
            assert!(!masked.contains(raw), "{raw} left in {masked}");
        }
    }

    /// Found by the `scan_text` fuzz target: a second `@` inside the first
    /// address's domain started an overlapping one, and the masked text
    /// repeated the part they shared.
    #[test]
    fn addresses_that_share_characters_are_found_once() {
        for (text, masked) in [
            ("a@b.c@d.e", "a***@b.c@d.e"),
            ("or 009@836.4009@836.4 :x", "or 0***@836.4009@836.4 :x"),
        ] {
            let scan = scan_text(text);
            assert_eq!(scan.findings.len(), 1, "{text}: {:?}", scan.findings);
            assert_eq!(scan.text, masked);
        }
    }

    #[test]
    fn ordinary_numbers_are_left_alone() {
        let text = "นัดวันที่ 2024-01-31 หรือ 31/01/2567 เวลา 10.30 น. ยอด 1,250.00 บาท \
                    เลขที่ใบสั่ง 1234545678789 รหัสไปรษณีย์ 10400 ห้อง 0812";
        let scan = scan_text(text);
        assert_eq!(scan.findings, []);
        assert_eq!(scan.text, text);
    }

    #[test]
    fn two_numbers_side_by_side_are_each_found() {
        assert_eq!(
            kinds("0812345678 3100600445635"),
            [
                (FieldKind::Phone, "0812345678"),
                (FieldKind::NationalId, "3100600445635")
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn no_valid_id_survives_the_scan(
            first in 1u8..=8,
            rest in proptest::array::uniform11(0u8..=9),
            before in "[ก-ฮ a-z]{0,8}",
            after in "[ก-ฮ a-z]{0,8}",
            grouped in proptest::bool::ANY,
        ) {
            let mut body = [0u8; 12];
            body[0] = first;
            body[1..].copy_from_slice(&rest);
            let sum: u32 = (0..12).map(|i| (13 - i as u32) * u32::from(body[i])).sum();
            let mut digits: String = body.iter().map(|d| char::from(b'0' + d)).collect();
            digits.push(char::from(b'0' + ((11 - sum % 11) % 10) as u8));
            let id = if grouped { identifiers::format_thai_id(&digits).unwrap() } else { digits.clone() };
            let text = String::from(before.trim_end()) + " " + &id + " " + after.trim_start();
            let scan = scan_text(&text);
            proptest::prop_assert!(!scan.text.contains(&digits[..10]), "{} -> {}", text, scan.text);
            proptest::prop_assert!(scan.findings.iter().any(|f| f.kind == FieldKind::NationalId));
        }
    }
}
