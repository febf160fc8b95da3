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

use crate::fields::FieldKind;
use crate::identifiers::{self, thai_id_digits_valid, thai_phone_kind};
use crate::masking::mask_into;
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
    let mut scanner = Scanner {
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

/// Bytes after a passport context word within which a foreign-shaped
/// passport number is taken ("Passport No.: ", " เลขที่ ").
const PASSPORT_WINDOW: usize = 48;

/// Words that announce a passport number.
const PASSPORT_WORDS_THAI: [&str; 3] = ["หนังสือเดินทาง", "พาสปอร์ต", "พาสปอร์ท"];

/// Letter-digit switches from which a run is an opaque token, not words,
/// when it is at least `OPAQUE_LENGTH` bytes long: a 64-hex digest has about
/// 30, `ID1234567890123x` two, a passport such as `C01X00T47` is short.
const OPAQUE_SWITCHES: u32 = 4;
const OPAQUE_LENGTH: usize = 16;

/// Most digits a candidate has: `0066` and a 10-digit number, or an ID.
const MAX_DIGITS: usize = 15;

/// Bytes the main loop looks at; all others are stepped over.
static INTERESTING: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = is_local(b) || b == b'(' || b == 0xE0 || b == 0xEF;
        c += 1;
    }
    t
};

/// A character of an e-mail's local part; runs of them are also what is
/// judged opaque or not.
const fn is_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// The digit at `b[i]` (ASCII, Thai or full-width) and its length in bytes.
fn digit_at(b: &[u8], i: usize) -> Option<(u8, usize)> {
    match b.get(i..)? {
        [d @ b'0'..=b'9', ..] => Some((d - b'0', 1)),
        // ๐–๙ (U+0E50–U+0E59) and ０–９ (U+FF10–U+FF19).
        [0xE0, 0xB9, d @ 0x90..=0x99, ..] | [0xEF, 0xBC, d @ 0x90..=0x99, ..] => {
            Some((d - 0x90, 3))
        }
        _ => None,
    }
}

/// Whether a digit ends just before `i`.
fn digit_before(b: &[u8], i: usize) -> bool {
    (i > 0 && b[i - 1].is_ascii_digit()) || (i >= 3 && digit_at(b, i - 3).is_some_and(|d| d.1 == 3))
}

/// A run of e-mail local-part characters starting at `start`.
struct Run {
    end: usize,
    /// An `@` follows it: it may be an e-mail's local part.
    at_sign: bool,
    /// It switches between letters and digits too often to be words.
    opaque: bool,
}

fn local_run(b: &[u8], start: usize) -> Run {
    let mut end = start;
    let mut switches = 0;
    let mut last = 0u8;
    while let Some(&c) = b.get(end) {
        if !is_local(c) {
            break;
        }
        let class = if c.is_ascii_alphabetic() {
            1
        } else if c.is_ascii_digit() {
            2
        } else {
            0
        };
        if class != 0 {
            switches += u32::from(last != 0 && class != last);
            last = class;
        }
        end += 1;
    }
    Run {
        end,
        at_sign: b.get(end) == Some(&b'@'),
        opaque: switches >= OPAQUE_SWITCHES && end - start >= OPAQUE_LENGTH,
    }
}

/// A maximal run of digits inside a number.
#[derive(Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
    /// Its digit count (up to `MAX_DIGITS + 1`: longer is too long either way).
    len: usize,
    digits: [u8; MAX_DIGITS],
}

const NO_GROUP: Group = Group {
    start: 0,
    end: 0,
    len: 0,
    digits: [0; MAX_DIGITS],
};

fn read_group(b: &[u8], start: usize) -> Group {
    let mut g = Group { start, ..NO_GROUP };
    let mut at = start;
    while let Some((d, width)) = digit_at(b, at) {
        if let Some(slot) = g.digits.get_mut(g.len) {
            *slot = b'0' + d;
        }
        g.len = (g.len + 1).min(MAX_DIGITS + 1);
        at += width;
    }
    g.end = at;
    g
}

/// Where the next group of a number starts, when what follows `end` is one
/// separator (a space, dash, dot, no-break space or Unicode dash), a closing
/// or opening parenthesis, or both, and then a digit.
fn gap(b: &[u8], end: usize) -> Option<usize> {
    let mut at = end;
    if b.get(at) == Some(&b')') {
        at += 1;
    }
    at += match b.get(at..).unwrap_or_default() {
        [b' ' | b'-' | b'.', ..] => 1,
        [0xC2, 0xA0, ..] => 2,
        [0xE2, 0x80, 0x90..=0x95, ..] => 3,
        _ => 0,
    };
    if b.get(at) == Some(&b'(') {
        at += 1;
    }
    (at > end && digit_at(b, at).is_some()).then_some(at)
}

/// Whether the digits `d` (a `+` before them when `plus`) are a Thai phone
/// number as people write one in text.
fn is_phone(plus: bool, d: &[u8]) -> bool {
    // After the country code the national prefix may be kept: +66 0…, +660….
    fn trunk_optional(rest: &[u8]) -> &[u8] {
        rest.strip_prefix(b"0").unwrap_or(rest)
    }
    let national: &[u8] = if plus {
        match d.strip_prefix(b"66") {
            Some(rest) => trunk_optional(rest),
            None => return false,
        }
    } else if let Some(rest) = d.strip_prefix(b"0066") {
        trunk_optional(rest)
    } else if d.len() == 13 && d.starts_with(b"001800") {
        d
    } else if let Some(rest) = d.strip_prefix(b"66").filter(|r| !r.starts_with(b"0")) {
        rest
    } else if let Some(rest) = d.strip_prefix(b"0") {
        rest
    } else if d.len() == 10 && (d.starts_with(b"1800") || d.starts_with(b"1900")) {
        d
    } else {
        return false;
    };
    // The national prefix is not written before a 13-digit 001800 number.
    (national.len() < 13 || national == d) && thai_phone_kind(national).is_some()
}

struct Scanner<'a> {
    text: &'a str,
    b: &'a [u8],
    findings: Vec<Finding>,
    /// End of the run of local-part characters last judged (not opaque).
    run_end: usize,
    /// End of the window after a passport context word.
    passport_until: usize,
}

impl Scanner<'_> {
    fn push(&mut self, kind: FindingKind, start: usize, end: usize) {
        self.findings.push(Finding { kind, start, end });
    }

    fn scan(&mut self) {
        let b = self.b;
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if !INTERESTING[usize::from(c)] {
                i += 1;
                continue;
            }
            if is_local(c) {
                if i >= self.run_end {
                    let run = local_run(b, i);
                    if run.at_sign {
                        if let Some(end) = self.email(i, run.end) {
                            i = end;
                            self.run_end = end;
                            continue;
                        }
                    }
                    if run.opaque {
                        i = run.end;
                        continue;
                    }
                    self.run_end = run.end;
                }
                if c.is_ascii_alphanumeric() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
                    let next = self.word(i);
                    if next != i {
                        i = next;
                        continue;
                    }
                }
                let plus = c == b'+' && digit_at(b, i + 1).is_some();
                if (c.is_ascii_digit() || plus) && !digit_before(b, i) {
                    i = self.number(i);
                    continue;
                }
                i += 1;
            } else if c == b'(' {
                let plus = b.get(i + 1) == Some(&b'+') && digit_at(b, i + 2).is_some();
                if plus || digit_at(b, i + 1).is_some() {
                    i = self.number(i);
                    continue;
                }
                i += 1;
            } else {
                // 0xE0 or 0xEF: the lead byte of a three-byte character.
                match (c, b.get(i + 1), b.get(i + 2)) {
                    // ๐–๙ and ０–９.
                    (0xE0, Some(0xB9), Some(0x90..=0x99))
                    | (0xEF, Some(0xBC), Some(0x90..=0x99))
                        if !digit_before(b, i) =>
                    {
                        i = self.number(i);
                        continue;
                    }
                    // ห and พ, which the passport words start with.
                    (0xE0, Some(0xB8), Some(0xAB | 0x9E)) => {
                        let rest = b.get(i..).unwrap_or_default();
                        if let Some(word) = PASSPORT_WORDS_THAI
                            .iter()
                            .find(|w| rest.starts_with(w.as_bytes()))
                        {
                            i += word.len();
                            self.passport_until = i + PASSPORT_WINDOW;
                            continue;
                        }
                    }
                    _ => {}
                }
                i += 3;
            }
        }
    }

    /// An e-mail address whose local part is `start..at` (`b[at]` is `@`):
    /// where it ends, once recorded.
    fn email(&mut self, start: usize, at: usize) -> Option<usize> {
        let b = self.b;
        let domain = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-');
        let mut end = at + 1 + b.get(at + 1..)?.iter().take_while(|c| domain(c)).count();
        // A sentence may end right after the address.
        while end > at + 1 && b[end - 1] == b'.' {
            end -= 1;
        }
        let candidate = self.text.get(start..end)?;
        (start < at && identifiers::is_email(candidate)).then(|| {
            self.push(FindingKind::Email, start, end);
            end
        })
    }

    /// The word of ASCII letters and digits at `start`: a passport (then
    /// past it), or where its first digit is (`start` itself when it begins
    /// with one; its end when it has none).
    fn word(&mut self, start: usize) -> usize {
        let b = self.b;
        let len = b[start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        let end = start + len;
        let word = &b[start..end];
        let letters = word.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        let digits = word.iter().filter(|c| c.is_ascii_digit()).count();
        let thai_pattern =
            (1..=2).contains(&letters) && (6..=7).contains(&digits) && letters + digits == len;
        let in_context = start < self.passport_until && (6..=9).contains(&len) && digits > 0;
        if thai_pattern || in_context {
            // `ID001800 822 2938`: the digits go on past the word, and as a
            // number they are a phone or an ID, not a passport.
            let first_digit = start + word.iter().position(u8::is_ascii_digit).unwrap_or(len);
            let tail_is_digits = b[first_digit..end].iter().all(u8::is_ascii_digit);
            if tail_is_digits && gap(b, end).is_some() {
                let mark = self.findings.len();
                let resume = self.number(first_digit);
                if self
                    .findings
                    .get(mark)
                    .is_some_and(|f| f.start == first_digit && f.end > end)
                {
                    return resume;
                }
                self.findings.truncate(mark);
            }
            self.passport_until = 0;
            self.push(FindingKind::Passport, start, end);
            return end;
        }
        if word.len() >= 8 && word[..8].eq_ignore_ascii_case(b"passport") {
            self.passport_until = start + 8 + PASSPORT_WINDOW;
        }
        start + word.iter().position(u8::is_ascii_digit).unwrap_or(len)
    }

    /// Whether the group at `at` may be read: a group of ASCII digits in a
    /// new run of local-part characters is not, when that run is opaque or
    /// an e-mail's local part.
    fn may_read(&mut self, at: usize) -> bool {
        let b = self.b;
        if at < self.run_end || !b[at].is_ascii_digit() {
            return true;
        }
        let mut start = at;
        while start > 0 && start + 3 > at && is_local(b[start - 1]) {
            start -= 1;
        }
        let run = local_run(b, start);
        if run.opaque || run.at_sign {
            return false;
        }
        self.run_end = run.end;
        true
    }

    /// The number starting at `start` (a digit, `+` or `(`): its groups are
    /// read, and from each the longest run of groups that is an ID or a phone
    /// is recorded. Returns where scanning goes on.
    fn number(&mut self, start: usize) -> usize {
        let b = self.b;
        let mut at = start;
        if b[at] == b'(' {
            at += 1;
        }
        let plus = b[at] == b'+';
        if plus {
            at += 1;
        }
        // Most numbers in text are one short group (a day, an amount, a
        // house number): nothing shorter than nine digits is an identifier.
        if !self.may_read(at) {
            return start + 1;
        }
        let lone = read_group(b, at);
        if lone.len < 9 && gap(b, lone.end).is_none() {
            return lone.end;
        }
        let mut window = [NO_GROUP; MAX_DIGITS + 1];
        let mut count = 0;
        let mut digits = 0;
        let mut next = Some(at);
        let mut first = true;
        let mut resume = start + 1;
        loop {
            while let Some(g_start) = next.filter(|_| count < window.len() && digits <= MAX_DIGITS)
            {
                if !self.may_read(g_start) {
                    next = None;
                    break;
                }
                let g = read_group(b, g_start);
                resume = g.end;
                digits += g.len;
                window[count] = g;
                count += 1;
                next = gap(b, g.end);
            }
            if count == 0 {
                return resume;
            }
            let from_plus = first && plus;
            let mut taken = 1;
            for j in (0..count).rev() {
                if let Some(kind) = classify(&window[..=j], from_plus) {
                    let begin = if from_plus { at - 1 } else { window[0].start };
                    self.push(kind, begin, window[j].end);
                    taken = j + 1;
                    break;
                }
            }
            digits -= window[..taken].iter().map(|g| g.len).sum::<usize>();
            window.copy_within(taken..count, 0);
            count -= taken;
            first = false;
        }
    }
}

/// What the run of `groups` is, if an identifier (`plus`: a `+` before it).
fn classify(groups: &[Group], plus: bool) -> Option<FindingKind> {
    let mut d = [0u8; MAX_DIGITS];
    let mut len = 0;
    for g in groups {
        d.get_mut(len..len + g.len)?
            .copy_from_slice(g.digits.get(..g.len)?);
        len += g.len;
    }
    let d = &d[..len];
    let id_length = !plus && len == 13;
    if id_length && groups.len() <= 5 && thai_id_digits_valid(d) {
        return Some(FindingKind::NationalId);
    }
    // Short groups only among the first five digits (0, 08, +66, 0066):
    // after that a group of one or two digits is a date or a time.
    let mut seen = 0;
    let phone_shaped = groups.iter().all(|g| {
        let fits = seen <= 4 || g.len >= 3;
        seen += g.len;
        fits
    });
    if phone_shaped && is_phone(plus, d) {
        return Some(FindingKind::Phone);
    }
    let id_shaped = groups.len() == 1 || groups.iter().map(|g| g.len).eq([1, 4, 5, 2, 1]);
    (id_length && id_shaped).then_some(FindingKind::NationalIdUnverified)
}
#[cfg(test)]
mod tests {
    use super::*;

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
