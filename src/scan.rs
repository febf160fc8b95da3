//! The free-text leak scan: identifiers typed into a box meant for words
//! (a note to the service unit, say) are found and masked before anything
//! leaves the browser. The egress guard runs it over every text field a form
//! sends. Findings carry the kind and where it was, never the value.
//!
//! What is found, each wherever it stands (between words, glued to Thai or
//! Latin letters, after punctuation):
//!
//! - Thai national IDs: 13 digits (ASCII, Thai ๐–๙ or full-width),
//!   contiguous or in up to five groups split by spaces, dashes or dots,
//!   whose check digit holds ([`FindingKind::NationalId`]); and 13 digits
//!   contiguous or grouped 1-4-5-2-1 whose check digit fails, a mistyped ID
//!   being still twelve digits of one ([`FindingKind::NationalIdUnverified`]).
//! - Thai phone numbers: a national number of libphonenumber's Thai metadata
//!   (fixed line, mobile, VoIP, toll-free, premium rate) after its national
//!   prefix `0`, after `+66`, `+66 0`, `0066` or `66`, or 1800/1900 numbers
//!   as they are; 001800 international toll-free numbers. Groups after the
//!   first five digits have at least three digits, so dates and times are
//!   not numbers. Bare eight-digit numbers (no `0`) are not taken: in free
//!   text they are amounts and references more often than phones.
//! - Passports: one or two Latin letters and six or seven digits, as one
//!   word; within 48 bytes after หนังสือเดินทาง, พาสปอร์ต or "passport"
//!   also any word of six to nine letters and digits with a digit in it.
//! - E-mail addresses.
//!
//! Never inside an opaque token: a run of 16 or more letters, digits and
//! `._%+-` that switches between letters and digits four times or more (a hex digest, a
//! UUID, a sealed `hpke1.…` envelope, base64url) is skipped whole, so the
//! module's own outputs pass the guard unchanged.
//!
//! The scan is one pass over the bytes; it allocates only its output.

use crate::masking::mask_into;
use crate::model::FieldKind;
use alloc::string::String;
use alloc::vec::Vec;

/// What a finding is. Not a [`FieldKind`]: the policy's field kinds are what
/// a form declares, these are what the scan tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    /// 13 digits whose check digit holds.
    NationalId,
    /// 13 digits shaped like a national ID whose check digit fails: a typo
    /// of one is still twelve of its digits. Masked like an ID.
    NationalIdUnverified,
    /// A Thai phone number.
    Phone,
    /// A passport number.
    Passport,
    /// An e-mail address.
    Email,
}

impl FindingKind {
    /// Every kind, in the order of [`FindingKind::as_str`]'s names.
    pub const ALL: [FindingKind; 5] = [
        FindingKind::NationalId,
        FindingKind::NationalIdUnverified,
        FindingKind::Phone,
        FindingKind::Passport,
        FindingKind::Email,
    ];

    /// The name findings carry in JS: `national_id`, `national_id_unverified`,
    /// `phone`, `passport`, `email`.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::NationalId => "national_id",
            FindingKind::NationalIdUnverified => "national_id_unverified",
            FindingKind::Phone => "phone",
            FindingKind::Passport => "passport",
            FindingKind::Email => "email",
        }
    }

    /// The field kind whose display mask hides a finding of this kind.
    pub fn field_kind(self) -> FieldKind {
        match self {
            FindingKind::NationalId | FindingKind::NationalIdUnverified => FieldKind::NationalId,
            FindingKind::Phone => FieldKind::Phone,
            FindingKind::Passport => FieldKind::Passport,
            FindingKind::Email => FieldKind::Email,
        }
    }
}

/// One identifier found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding {
    /// What it is.
    pub kind: FindingKind,
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
/// use mohprompt_privacy::scan::{scan_text, FindingKind};
/// let scan = scan_text("เลข 1-2345-45678-78-1 โทร0812345678 นัด 2024-01-31");
/// assert_eq!(scan.text, "เลข x-xxxx-xxxxx-78-1 โทรxxxxxx5678 นัด 2024-01-31");
/// let kinds: Vec<_> = scan.findings.iter().map(|f| f.kind).collect();
/// assert_eq!(kinds, [FindingKind::NationalId, FindingKind::Phone]);
/// // A mistyped ID is still masked; a digest is left alone.
/// let scan = scan_text("ID1234545678782x 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
/// assert_eq!(scan.findings[0].kind, FindingKind::NationalIdUnverified);
/// assert_eq!(scan.findings.len(), 1);
/// ```
pub fn scan_text(text: &str) -> Scan {
    let mut scanner = scanner::Scanner {
        text,
        b: text.as_bytes(),
        findings: Vec::new(),
        run_end: 0,
        passport_until: 0,
    };
    scanner.scan();
    let findings = scanner.findings;

    let mut masked = String::with_capacity(text.len() + 8 * findings.len());
    let mut at = 0;
    for f in &findings {
        masked.push_str(text.get(at..f.start).unwrap_or_default());
        mask_into(
            &mut masked,
            f.kind.field_kind(),
            text.get(f.start..f.end).unwrap_or_default(),
        );
        at = f.end;
    }
    masked.push_str(text.get(at..).unwrap_or_default());
    Scan {
        text: masked,
        findings,
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub mod json;
mod numbers;
mod scanner;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identifiers;

    fn kinds(text: &str) -> Vec<(FindingKind, &str)> {
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
                (FindingKind::NationalId, "3100600445635"),
                (FindingKind::NationalId, "๑-๒๓๔๕-๔๕๖๗๘-๗๘-๑"),
                (FindingKind::NationalId, "1 1120 34563 56 2"),
                (FindingKind::Phone, "+66 81 234 5678"),
                (FindingKind::Phone, "02-123-4567"),
                (FindingKind::Passport, "AA1234567"),
                (FindingKind::Email, "somchai.j@example.co.th"),
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
                    เลขที่ใบสั่ง 20240131001 รหัสไปรษณีย์ 10400 ห้อง 0812 บ้านเลขที่ 99/123 หมู่ 4";
        let scan = scan_text(text);
        assert_eq!(scan.findings, []);
        assert_eq!(scan.text, text);
    }

    #[test]
    fn two_numbers_side_by_side_are_each_found() {
        assert_eq!(
            kinds("0812345678 3100600445635"),
            [
                (FindingKind::Phone, "0812345678"),
                (FindingKind::NationalId, "3100600445635")
            ]
        );
    }

    #[test]
    fn phones_are_found_in_every_thai_spelling_and_glued_to_words() {
        for phone in [
            "0812345678",
            "081.234.5678",
            "(02) 123-4567",
            "0-2123-4567",
            "+66 0 81 234 5678",
            "+660812345678",
            "+66 (0) 2 123 4567",
            "0066 81 234 5678",
            "66812345678",
            "014 123 4567",
            "010 123 456",
            "1800 123 456",
            "001800 123 4567",
            "๐๘๑-๒๓๔-๕๖๗๘",
        ] {
            let lead = phone.find(|c| c != '(').unwrap();
            for text in [
                format!("โทร{phone}ครับ"),
                format!("tel:{phone}."),
                format!("call {phone} now"),
            ] {
                let start = text.find(phone).unwrap() + lead;
                let found = kinds(&text);
                assert_eq!(
                    found,
                    [(FindingKind::Phone, &text[start..start + phone.len() - lead])],
                    "{text}"
                );
            }
        }
    }

    /// A number in a range the Thai metadata does not assign (yet) is still
    /// someone's phone in a note: masked, though the phone field refuses it.
    #[test]
    fn phones_in_unassigned_ranges_are_masked_too() {
        for text in ["โทร 0691234567", "call +66 69 123 4567", "041 123 456"] {
            let scan = scan_text(text);
            assert_eq!(scan.findings.len(), 1, "{text}: {:?}", scan.findings);
            assert_eq!(scan.findings[0].kind, FindingKind::Phone, "{text}");
        }
        assert_eq!(crate::identifiers::normalize_thai_phone("0691234567"), None);
    }

    /// What the guard sends must pass the receiver's scan: a second scan of
    /// a scanned text finds nothing.
    #[test]
    fn a_scanned_text_scans_clean() {
        for text in [
            "passport ZH9481173. ขอบคุณค่ะ",
            "หนังสือเดินทาง AB1234567 โทร +66 0812345678 บัตร 1-2345-45678-78-1",
            "ID1234545678782 mail somchai@example.com",
        ] {
            let once = scan_text(text);
            assert!(!once.findings.is_empty(), "{text}");
            let twice = scan_text(&once.text);
            assert_eq!(twice.findings, [], "{} -> {}", text, once.text);
        }
    }

    #[test]
    fn the_modules_own_outputs_are_not_identifiers() {
        for text in [
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            "ค่าแฮช 08123456789abcdef0123456789012345678901234567890123456789abc",
            "550e8400-e29b-41d4-a716-446655440000",
            "hpke1.k20261101.BNk3Xx_0812345678aZqP9r2T.q9_1234567890123xYz-Ab",
            "x-xxxx-xxxxx-78-1, xxx xxx 5678, +xx xx xxx 5678, xxxxxx567, [national_id], s***@example.com",
        ] {
            assert_eq!(kinds(text), [], "{text}");
        }
    }

    #[test]
    fn a_context_word_lets_other_countries_passports_be_found() {
        assert_eq!(
            kinds("หนังสือเดินทางเลขที่ C01X00T47 และ Passport No. 533123456"),
            [
                (FindingKind::Passport, "C01X00T47"),
                (FindingKind::Passport, "533123456")
            ]
        );
        // Without one, only the Thai pattern is a passport.
        assert_eq!(kinds("C01X00T47 533123456"), []);
        // Digits that go on past the word are a number, not a passport.
        assert_eq!(
            kinds("ID001800 822 2938x"),
            [(FindingKind::Phone, "001800 822 2938")]
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
            proptest::prop_assert!(scan.findings.iter().any(|f| f.kind == FindingKind::NationalId));
        }
    }
}
