//! Thai identifiers: normalising what people type and checking it.
//!
//! People type Thai digits (๐–๙), full-width digits, spaces and dashes; the
//! rules below see only the ASCII digits.

use alloc::string::String;

/// The ASCII digit a Thai (๐–๙), full-width (０–９) or ASCII digit stands for.
pub fn digit_value(c: char) -> Option<u8> {
    let base = match c {
        '0'..='9' => '0',
        '๐'..='๙' => '๐',
        '０'..='９' => '０',
        _ => return None,
    };
    Some((c as u32 - base as u32) as u8)
}

/// The digits of `s`, as ASCII, when everything else in it is a space or a
/// dash; `None` when it holds anything else.
///
/// ```
/// use mohprompt_privacy::identifiers::digits_only;
/// assert_eq!(digits_only("๑-๒๓๔๕ 45678-78-1").as_deref(), Some("1234545678781"));
/// assert_eq!(digits_only("12a4"), None);
/// ```
pub fn digits_only(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match digit_value(c) {
            Some(d) => out.push(char::from(b'0' + d)),
            None if matches!(c, ' ' | '-' | '\u{2010}'..='\u{2015}') => {}
            None => return None,
        }
    }
    Some(out)
}

/// Whether 13 ASCII digits form a Thai national ID: the first digit (the
/// person type) is 1 to 8, and N13 = (11 − (13·N1 + 12·N2 + … + 2·N12) mod 11) mod 10.
pub fn thai_id_digits_valid(digits: &[u8]) -> bool {
    if digits.len() != 13 || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let n = |i: usize| u32::from(digits[i] - b'0');
    if !(1..=8).contains(&n(0)) {
        return false;
    }
    let sum: u32 = (0..12).map(|i| (13 - i as u32) * n(i)).sum();
    (11 - sum % 11) % 10 == n(12)
}

/// Whether `s` is a valid Thai national ID, as people type it.
///
/// ```
/// use mohprompt_privacy::identifiers::is_thai_id;
/// assert!(is_thai_id("3100600445635"));
/// assert!(is_thai_id("1-2345-45678-78-1"));
/// assert!(is_thai_id("1112034563562"));
/// assert!(!is_thai_id("1-2345-45678-78-9"));
/// ```
pub fn is_thai_id(s: &str) -> bool {
    digits_only(s).is_some_and(|d| thai_id_digits_valid(d.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_domain_vectors_hold() {
        for valid in ["3100600445635", "1-2345-45678-78-1", "1112034563562"] {
            assert!(is_thai_id(valid), "{valid}");
        }
        assert!(!is_thai_id("1-2345-45678-78-9"));
    }

    #[test]
    fn person_type_zero_and_nine_do_not_occur() {
        // Same body, check digit recomputed: still refused for the first digit.
        for first in [b'0', b'9'] {
            let mut digits = *b"0234545678780";
            digits[0] = first;
            let sum: u32 = (0..12)
                .map(|i| (13 - i as u32) * u32::from(digits[i] - b'0'))
                .sum();
            digits[12] = b'0' + ((11 - sum % 11) % 10) as u8;
            assert!(!thai_id_digits_valid(&digits));
        }
    }

    #[test]
    fn thai_and_full_width_digits_are_read() {
        assert!(is_thai_id("๓๑๐๐๖๐๐๔๔๕๖๓๕"));
        assert!(is_thai_id("３１００６００４４５６３５"));
        assert!(!is_thai_id("310060044563"));
    }
}
