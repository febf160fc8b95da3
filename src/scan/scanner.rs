//! The leak scan's single pass: where each thing that may be an identifier
//! starts (a digit, `+` or `(`, an ASCII word, an `@`, a passport context
//! word), which runs of characters are opaque tokens, and e-mails and
//! passports. Numbers are read in `numbers.rs`.

use super::numbers::gap;
use super::{Finding, FindingKind};
use crate::identifiers;
use alloc::vec::Vec;

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
pub(super) const fn is_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// The digit at `b[i]` (ASCII, Thai or full-width) and its length in bytes.
pub(super) fn digit_at(b: &[u8], i: usize) -> Option<(u8, usize)> {
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
pub(super) struct Run {
    pub(super) end: usize,
    /// An `@` follows it: it may be an e-mail's local part.
    pub(super) at_sign: bool,
    /// It switches between letters and digits too often to be words.
    pub(super) opaque: bool,
}

pub(super) fn local_run(b: &[u8], start: usize) -> Run {
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

/// The state of one scan.
pub(super) struct Scanner<'a> {
    pub(super) text: &'a str,
    pub(super) b: &'a [u8],
    pub(super) findings: Vec<Finding>,
    /// End of the run of local-part characters last judged (not opaque).
    pub(super) run_end: usize,
    /// End of the window after a passport context word.
    pub(super) passport_until: usize,
}

impl Scanner<'_> {
    pub(super) fn push(&mut self, kind: FindingKind, start: usize, end: usize) {
        self.findings.push(Finding { kind, start, end });
    }

    pub(super) fn scan(&mut self) {
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
        // `passport xxxxxx173` is the module's own mask of one, not another.
        let masked = word.iter().take_while(|c| **c == b'x').count() >= 3;
        let in_context =
            start < self.passport_until && (6..=9).contains(&len) && digits > 0 && !masked;
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
    pub(super) fn may_read(&mut self, at: usize) -> bool {
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
}
