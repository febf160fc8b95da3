//! Numbers in text: digit groups and the separators between them, and which
//! runs of groups are a national ID or a Thai phone.

use super::FindingKind;
use super::scanner::{Scanner, digit_at};
use crate::identifiers::{thai_id_digits_valid, thai_phone_kind};

/// Most digits a candidate has: `0066` and a 10-digit number, or an ID.
const MAX_DIGITS: usize = 15;

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
pub(super) fn gap(b: &[u8], end: usize) -> Option<usize> {
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
    (national.len() < 13 || national == d) && looks_like_phone(national)
}

/// Whether a national number is a phone for masking: in a range the Thai
/// metadata assigns, or shaped like a mobile (9 digits from 6, 8 or 9) or a
/// fixed line (8 digits from 2–5 or 7) in a range it does not assign yet.
/// 069… is still someone's number typed into a note; validation is stricter.
fn looks_like_phone(national: &[u8]) -> bool {
    let shaped = match national {
        [b'6' | b'8' | b'9', ..] => national.len() == 9,
        [b'2'..=b'5' | b'7', ..] => national.len() == 8,
        _ => false,
    };
    (shaped && national.iter().all(u8::is_ascii_digit)) || thai_phone_kind(national).is_some()
}

impl Scanner<'_> {
    /// The number starting at `start` (a digit, `+` or `(`): its groups are
    /// read, and from each the longest run of groups that is an ID or a phone
    /// is recorded. Returns where scanning goes on.
    pub(super) fn number(&mut self, start: usize) -> usize {
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
