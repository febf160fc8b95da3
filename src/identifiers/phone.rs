//! Thai phone numbers as libphonenumber reads them: the rules of its Thai
//! metadata (`libphonenumber-js` 1.13.16, `metadata.max.json`, country `TH`),
//! and its way of parsing a number with Thailand as the default region. The
//! differential test `tests/node/phone.test.mjs` holds the two together.
//!
//! In the metadata, a Thai national (significant) number is one of:
//!
//! | kind | pattern | digits |
//! |---|---|---|
//! | fixed line | `(?:1[0689]\|2\d\|3[2-9]\|4[2-5]\|5[2-6]\|7[3-7])\d{6}` | 8 |
//! | mobile | `(?:(?:14\|[89]\d)\d\d\|6(?:[1-6]\d\d\|7(?:1[0-8]\|2[4-7]\|3[1-6])))\d{5}` | 9 |
//! | VoIP | `6[08]\d{7}` | 9 |
//! | toll-free | `(?:001800\d\|1800)\d{6}` | 10, 13 |
//! | premium rate | `1900\d{6}` | 10 |
//!
//! The national prefix is `0`, the international prefix `00[1-9]` (so
//! `0066…` is read as `006` and country code 681, not as Thailand), and
//! short codes such as 1669 are not in this metadata.

/// What a Thai national number is, by the metadata's number types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneKind {
    /// Fixed line: 8 digits (02 Bangkok, 03x to 07x provinces, 010, 016, 018, 019).
    FixedLine,
    /// Mobile: 9 digits (06x, 08x, 09x, 014).
    Mobile,
    /// VoIP: 9 digits, 060 and 068.
    Voip,
    /// Toll-free: 1800 and 6 digits, or 001800 and 7.
    TollFree,
    /// Premium rate: 1900 and 6 digits.
    PremiumRate,
}

/// The kind of a Thai national number (ASCII digits, without the national
/// prefix 0), or `None` when the metadata has no such number.
///
/// ```
/// use mohprompt_privacy::identifiers::{thai_phone_kind, PhoneKind};
/// assert_eq!(thai_phone_kind(b"812345678"), Some(PhoneKind::Mobile));
/// assert_eq!(thai_phone_kind(b"21234567"), Some(PhoneKind::FixedLine));
/// assert_eq!(thai_phone_kind(b"1800123456"), Some(PhoneKind::TollFree));
/// assert_eq!(thai_phone_kind(b"46123456"), None);
/// ```
pub fn thai_phone_kind(n: &[u8]) -> Option<PhoneKind> {
    let kind = match n {
        [a, b, _, _, _, _, _, _] => match (a, b) {
            (b'1', b'0' | b'6' | b'8' | b'9')
            | (b'2', b'0'..=b'9')
            | (b'3', b'2'..=b'9')
            | (b'4', b'2'..=b'5')
            | (b'5', b'2'..=b'6')
            | (b'7', b'3'..=b'7') => PhoneKind::FixedLine,
            _ => return None,
        },
        [a, b, c, d, _, _, _, _, _] => match (a, b, c, d) {
            (b'1', b'4', _, _)
            | (b'8' | b'9', _, _, _)
            | (b'6', b'1'..=b'6', _, _)
            | (b'6', b'7', b'1', b'0'..=b'8')
            | (b'6', b'7', b'2', b'4'..=b'7')
            | (b'6', b'7', b'3', b'1'..=b'6') => PhoneKind::Mobile,
            (b'6', b'0' | b'8', _, _) => PhoneKind::Voip,
            _ => return None,
        },
        [b'1', b'8', b'0', b'0', _, _, _, _, _, _]
        | [b'0', b'0', b'1', b'8', b'0', b'0', _, _, _, _, _, _, _] => PhoneKind::TollFree,
        [b'1', b'9', b'0', b'0', _, _, _, _, _, _] => PhoneKind::PremiumRate,
        _ => return None,
    };
    n.iter().all(u8::is_ascii_digit).then_some(kind)
}

/// The metadata's general pattern of a Thai national number:
/// `(?:001800|[2-57]|[689]\d)\d{7}|1\d{7,9}`.
fn matches_general(n: &[u8]) -> bool {
    match n {
        [b'0', b'0', b'1', b'8', b'0', b'0', ..] => n.len() == 13,
        [b'2'..=b'5' | b'7', ..] => n.len() == 8,
        [b'6' | b'8' | b'9', ..] => n.len() == 9,
        [b'1', ..] => (8..=10).contains(&n.len()),
        _ => false,
    }
}

/// libphonenumber's `extractNationalNumber` for Thailand: the national
/// prefix 0 comes off unless that breaks the general pattern or leaves a
/// length no Thai number has (fewer than 8 digits, 11 or 12).
fn without_national_prefix(number: &[u8]) -> &[u8] {
    let Some(rest) = number.strip_prefix(b"0") else {
        return number;
    };
    let impossible_length = rest.len() < 8 || matches!(rest.len(), 11 | 12);
    if (matches_general(number) && !matches_general(rest)) || impossible_length {
        number
    } else {
        rest
    }
}

/// The national number libphonenumber reads from `digits` (ASCII, as typed,
/// `plus` when a `+` came before them) with Thailand as the default region,
/// or `None` when it reads another country's number or none.
fn national_number(plus: bool, digits: &[u8]) -> Option<&[u8]> {
    // The international prefix 00[1-9], unless a 0 follows it.
    let after_idd = match digits {
        [b'0', b'0', b'1'..=b'9', rest @ ..] if rest.first().is_some_and(|d| *d != b'0') => {
            Some(rest)
        }
        _ => None,
    };
    let number = if plus {
        // After a +, the first known country code: "6" is none, "66" is ours.
        digits.strip_prefix(b"66")?
    } else if let Some(international) = after_idd {
        international.strip_prefix(b"66")?
    } else if let Some(shorter) = digits.strip_prefix(b"66") {
        // 66 without a plus is the country code when the whole is no Thai
        // number and the rest is one, or when the whole is too long.
        let whole = without_national_prefix(digits);
        let rest = without_national_prefix(shorter);
        if (!matches_general(whole) && matches_general(rest)) || whole.len() > 13 {
            shorter
        } else {
            digits
        }
    } else {
        digits
    };
    Some(without_national_prefix(number))
}

/// Whether `c` may stand between the digits of a phone number: what the
/// phone field accepts, all of it punctuation libphonenumber skips too.
fn is_phone_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '-' | '.' | '(' | ')' | '\u{a0}' | '\u{2010}'..='\u{2015}'
    )
}

/// A Thai phone number in E.164 (`+66` and the national number), or `None`
/// when libphonenumber would not read it as a valid Thai number: fixed
/// lines, mobiles, VoIP, toll-free and premium-rate numbers (the table in
/// this module's documentation), written with or without the national
/// prefix 0, after `+66` (with or without that 0), after `66` or after an
/// international prefix `00[1-9]` and 66 (`001 66 …`; `0066 …` is country
/// code 681). Digits may be ASCII, Thai or full-width, with spaces, dashes,
/// dots and parentheses between; any other character refuses the input.
///
/// ```
/// use mohprompt_privacy::identifiers::normalize_thai_phone;
/// assert_eq!(normalize_thai_phone("081-234-5678").as_deref(), Some("+66812345678"));
/// assert_eq!(normalize_thai_phone("(02) 123 4567").as_deref(), Some("+6621234567"));
/// assert_eq!(normalize_thai_phone("+66 53 123 456").as_deref(), Some("+6653123456"));
/// assert_eq!(normalize_thai_phone("+66 0 81 234 5678").as_deref(), Some("+66812345678"));
/// assert_eq!(normalize_thai_phone("1800 123 456").as_deref(), Some("+661800123456"));
/// // Its own output reads back the same (found by the `identifiers` fuzz target).
/// assert_eq!(normalize_thai_phone("+661800123456").as_deref(), Some("+661800123456"));
/// assert_eq!(normalize_thai_phone("0112345678"), None);
/// assert_eq!(normalize_thai_phone("0066 81 234 5678"), None);
/// ```
pub fn normalize_thai_phone(s: &str) -> Option<alloc::string::String> {
    // libphonenumber reads no more than 250 UTF-16 units.
    if s.len() > 250 && s.encode_utf16().count() > 250 {
        return None;
    }
    let mut digits = [0u8; 32];
    let mut n = 0;
    let mut plus = false;
    for c in s.trim().chars() {
        if let Some(d) = super::digit_value(c) {
            *digits.get_mut(n)? = b'0' + d;
            n += 1;
        } else if matches!(c, '+' | '\u{ff0b}') && n == 0 && !plus {
            plus = true;
        } else if !is_phone_separator(c) {
            return None;
        }
    }
    let national = national_number(plus, &digits[..n])?;
    thai_phone_kind(national)?;
    let mut e164 = alloc::string::String::with_capacity(3 + national.len());
    e164.push_str("+66");
    e164.extend(national.iter().map(|d| char::from(*d)));
    Some(e164)
}
