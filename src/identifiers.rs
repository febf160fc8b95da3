//! Identifiers people type (guideline section 8; the facts are in the
//! project's domain notes): Thai national ID, passport, Thai phone, e-mail,
//! postal code. For each kind: validate, normalise, format, display-mask.
//!
//! People type Thai digits (๐–๙), full-width digits, spaces and dashes; the
//! rules below see only the ASCII digits.

use alloc::string::String;
#[cfg(test)]
use alloc::vec::Vec;

mod phone;
pub use phone::{PhoneKind, normalize_thai_phone, thai_phone_kind};

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

/// Whether `c` may stand between the digits of a national ID: a space, a
/// dash or one of Unicode's dashes (U+2010 to U+2015).
fn is_id_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '\u{2010}'..='\u{2015}')
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
            None if is_id_separator(c) => {}
            None => return None,
        }
    }
    Some(out)
}

/// The 13 ASCII digits of `s` when it is 13 digits with only spaces or
/// dashes between them, as [`digits_only`] reads them, without allocating.
///
/// ```
/// use mohprompt_privacy::identifiers::thai_id_digits;
/// assert_eq!(thai_id_digits("๑-๒๓๔๕-๔๕๖๗๘-๗๘-๑"), Some(*b"1234545678781"));
/// assert_eq!(thai_id_digits("123454567878"), None);
/// ```
pub fn thai_id_digits(s: &str) -> Option<[u8; 13]> {
    let b = s.as_bytes();
    // Thirteen ASCII digits as they are: the common case, copied whole.
    if let Ok(digits) = <[u8; 13]>::try_from(b) {
        if digits.iter().all(u8::is_ascii_digit) {
            return Some(digits);
        }
    }
    let mut out = [0u8; 13];
    let mut n = 0;
    let mut i = 0;
    while i < b.len() {
        let byte = b[i];
        // ASCII first: what nearly everyone types.
        let digit = if byte.is_ascii_digit() {
            i += 1;
            byte
        } else if byte == b' ' || byte == b'-' {
            i += 1;
            continue;
        } else {
            let c = s.get(i..)?.chars().next()?;
            i += c.len_utf8();
            match digit_value(c) {
                Some(d) => b'0' + d,
                None if is_id_separator(c) => continue,
                None => return None,
            }
        };
        if n == 13 {
            return None;
        }
        out[n] = digit;
        n += 1;
    }
    (n == 13).then_some(out)
}

/// Whether 13 ASCII digits form a Thai national ID: the first digit (the
/// person type) is 1 to 8, and N13 = (11 − (13·N1 + 12·N2 + … + 2·N12) mod 11) mod 10.
pub fn thai_id_digits_valid(digits: &[u8]) -> bool {
    let Ok(digits) = <&[u8; 13]>::try_from(digits) else {
        return false;
    };
    if !digits.iter().all(u8::is_ascii_digit) || !(b'1'..=b'8').contains(&digits[0]) {
        return false;
    }
    let mut sum = 0u32;
    for (weight, d) in (2..=13).rev().zip(&digits[..12]) {
        sum += weight * u32::from(d - b'0');
    }
    (11 - sum % 11) % 10 == u32::from(digits[12] - b'0')
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
    thai_id_digits(s).is_some_and(|d| thai_id_digits_valid(&d))
}

/// A national ID in display grouping 1-4-5-2-1, or `None` when invalid.
///
/// ```
/// use mohprompt_privacy::identifiers::format_thai_id;
/// assert_eq!(format_thai_id("๑๒๓๔๕๔๕๖๗๘๗๘๑").as_deref(), Some("1-2345-45678-78-1"));
/// assert_eq!(format_thai_id("1234545678789"), None);
/// ```
pub fn format_thai_id(s: &str) -> Option<String> {
    let digits = thai_id_digits(s).filter(|d| thai_id_digits_valid(d))?;
    let mut out = String::with_capacity(17);
    for (i, d) in digits.into_iter().enumerate() {
        if matches!(i, 1 | 5 | 10 | 12) {
            out.push('-');
        }
        out.push(char::from(d));
    }
    Some(out)
}

/// `digits` split into groups of the given sizes, joined by dashes; digits
/// beyond the groups form a last group.
pub fn group(digits: &str, sizes: &[usize]) -> String {
    let mut out = String::with_capacity(digits.len() + sizes.len());
    let mut bounds = sizes.iter().scan(0, |end, size| {
        *end += size;
        Some(*end)
    });
    let mut next = bounds.next();
    for (i, c) in digits.chars().enumerate() {
        if next == Some(i) {
            out.push('-');
            next = bounds.next();
        }
        out.push(c);
    }
    out
}

/// A phone in the grouping people read: 081-234-5678, 02-123-4567,
/// 053-123-456, 1800-123-456. Other input comes back as its digits.
pub fn format_thai_phone(s: &str) -> String {
    let Some(digits) = digits_only(s) else {
        return String::from(s);
    };
    let sizes: &[usize] = match digits.as_bytes() {
        [b'1', b'8', b'0', b'0', ..] => &[4, 3],
        [b'0', b'2', ..] => &[2, 3],
        [b'0', b'6' | b'8' | b'9', ..] => &[3, 3],
        _ => &[3, 3],
    };
    group(&digits, sizes)
}

/// A passport number, upper-case, without spaces or dashes, when it looks
/// like one: the Thai pattern (one or two letters, six or seven digits) or,
/// for other countries, 6 to 9 letters and digits with at least one digit.
///
/// ```
/// use mohprompt_privacy::identifiers::normalize_passport;
/// assert_eq!(normalize_passport("aa 1234567").as_deref(), Some("AA1234567"));
/// assert_eq!(normalize_passport("12"), None);
/// ```
pub fn normalize_passport(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars() {
        match c {
            ' ' | '-' => {}
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_uppercase()),
            _ => return None,
        }
    }
    let digits = out.bytes().filter(u8::is_ascii_digit).count();
    ((6..=9).contains(&out.len()) && digits > 0).then_some(out)
}

/// Whether `s` has the Thai passport pattern: one or two letters, then six or seven digits.
pub fn is_thai_passport(s: &str) -> bool {
    let b = s.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let digits = b.len() - letters;
    (1..=2).contains(&letters)
        && (6..=7).contains(&digits)
        && b[letters..].iter().all(u8::is_ascii_digit)
}

/// A plain e-mail check: one `@`, something before it, a dot inside the
/// domain, no spaces. The receiver checks delivery; this catches typos.
pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.bytes().any(|b| b.is_ascii_whitespace())
}

/// An e-mail with its domain in lower case (the local part is the
/// receiver's to interpret), or `None` when it is not one.
pub fn normalize_email(s: &str) -> Option<String> {
    let s = s.trim();
    if !is_email(s) {
        return None;
    }
    let (local, domain) = s.split_once('@')?;
    let mut out = String::from(local);
    out.push('@');
    out.push_str(&domain.to_ascii_lowercase());
    Some(out)
}

/// Whether `s` is a Thai postal code: five digits, the first two a province
/// code from 10 (Bangkok) to 96.
pub fn is_postal_code(s: &str) -> bool {
    let Some(d) = digits_only(s) else {
        return false;
    };
    let b = d.as_bytes();
    b.len() == 5 && (10..=96).contains(&(u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0')))
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

    /// The check digit of 12 digits, by the rule in the domain notes.
    fn check_digit(body: &[u8; 12]) -> u8 {
        let sum: u32 = (0..12).map(|i| (13 - i as u32) * u32::from(body[i])).sum();
        ((11 - sum % 11) % 10) as u8
    }

    proptest::proptest! {
        #[test]
        fn twelve_digits_and_their_check_digit_validate_and_no_other_does(
            first in 1u8..=8,
            rest in proptest::array::uniform11(0u8..=9),
            wrong in 1u8..=9,
        ) {
            let mut body = [0u8; 12];
            body[0] = first;
            body[1..].copy_from_slice(&rest);
            let check = check_digit(&body);
            let mut digits: Vec<u8> = body.iter().map(|d| b'0' + d).collect();
            digits.push(b'0' + check);
            proptest::prop_assert!(thai_id_digits_valid(&digits));
            digits[12] = b'0' + (check + wrong) % 10;
            proptest::prop_assert!(!thai_id_digits_valid(&digits));
        }

        #[test]
        fn format_then_normalise_gives_the_digits_back(
            first in 1u8..=8,
            rest in proptest::array::uniform11(0u8..=9),
        ) {
            let mut body = [0u8; 12];
            body[0] = first;
            body[1..].copy_from_slice(&rest);
            let mut digits: String = body.iter().map(|d| char::from(b'0' + d)).collect();
            digits.push(char::from(b'0' + check_digit(&body)));
            let formatted = format_thai_id(&digits).unwrap();
            proptest::prop_assert_eq!(digits_only(&formatted), Some(digits));
        }

        #[test]
        fn phone_format_then_normalise_is_stable(
            prefix in proptest::sample::select(vec!["08", "09", "061", "066"]),
            rest in proptest::collection::vec(0u8..=9, 8),
        ) {
            let local: String = prefix.chars().chain(rest.iter().map(|d| char::from(b'0' + d))).take(10).collect();
            let e164 = normalize_thai_phone(&local).unwrap();
            proptest::prop_assert_eq!(normalize_thai_phone(&format_thai_phone(&local)), Some(e164.clone()));
            proptest::prop_assert_eq!(normalize_thai_phone(&e164), Some(e164));
        }
    }

    #[test]
    fn phones_of_every_kind_are_read() {
        assert_eq!(
            normalize_thai_phone("๐๘๑๒๓๔๕๖๗๘").as_deref(),
            Some("+66812345678")
        );
        // libphonenumber reads 0066 as the international prefix 006 and
        // country code 681; 001 66 is Thailand through the carrier's 001.
        assert_eq!(normalize_thai_phone("0066 81 234 5678"), None);
        assert_eq!(
            normalize_thai_phone("001 66 81 234 5678").as_deref(),
            Some("+66812345678")
        );
        assert_eq!(
            normalize_thai_phone("+660812345678").as_deref(),
            Some("+66812345678")
        );
        assert_eq!(
            normalize_thai_phone("66 2 123 4567").as_deref(),
            Some("+6621234567")
        );
        assert_eq!(
            normalize_thai_phone("014 123 4567").as_deref(),
            Some("+66141234567")
        );
        assert_eq!(
            normalize_thai_phone("02-123-4567").as_deref(),
            Some("+6621234567")
        );
        assert_eq!(
            normalize_thai_phone("081234567"),
            None,
            "a mobile needs 10 digits"
        );
        assert_eq!(normalize_thai_phone("+1 650 253 0000"), None);
        assert_eq!(format_thai_phone("0812345678"), "081-234-5678");
        assert_eq!(format_thai_phone("021234567"), "02-123-4567");
    }

    #[test]
    fn passports_emails_and_postal_codes() {
        assert!(is_thai_passport("AA1234567"));
        assert!(is_thai_passport("A123456"));
        assert!(!is_thai_passport("AAA123456"));
        assert_eq!(normalize_passport("x1234567").as_deref(), Some("X1234567"));
        assert_eq!(
            normalize_email(" Somchai@Example.COM ").as_deref(),
            Some("Somchai@example.com")
        );
        assert_eq!(normalize_email("no-at-sign"), None);
        assert!(is_postal_code("10400"));
        assert!(is_postal_code("๕๐๒๐๐"));
        assert!(!is_postal_code("00100"));
        assert!(!is_postal_code("1040"));
    }

    #[test]
    fn thai_and_full_width_digits_are_read() {
        assert!(is_thai_id("๓๑๐๐๖๐๐๔๔๕๖๓๕"));
        assert!(is_thai_id("３１００６００４４５６３５"));
        assert!(!is_thai_id("310060044563"));
    }
}
