//! Identifier fields take whatever is typed or pasted. Validation, formatting
//! and normalisation must never panic, must agree with each other, and
//! normalising twice must change nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mohprompt_privacy::fields::FieldKind;
use mohprompt_privacy::identifiers::{
    format_thai_id, is_thai_id, normalize_email, normalize_passport, normalize_thai_phone,
};
use mohprompt_privacy::masking::mask;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let formatted = format_thai_id(s);
    assert_eq!(formatted.is_some(), is_thai_id(s));
    if let Some(id) = formatted {
        assert_eq!(format_thai_id(&id).as_deref(), Some(id.as_str()));
        let masked = mask(FieldKind::NationalId, s);
        assert_eq!(
            masked.bytes().filter(u8::is_ascii_digit).count(),
            3,
            "a masked ID keeps three digits"
        );
    }
    if let Some(phone) = normalize_thai_phone(s) {
        assert!(phone.starts_with("+66") && phone[1..].bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(
            normalize_thai_phone(&phone).as_deref(),
            Some(phone.as_str())
        );
    }
    if let Some(passport) = normalize_passport(s) {
        assert_eq!(
            normalize_passport(&passport).as_deref(),
            Some(passport.as_str())
        );
    }
    if let Some(email) = normalize_email(s) {
        assert_eq!(normalize_email(&email).as_deref(), Some(email.as_str()));
    }
    for kind in [
        FieldKind::NationalId,
        FieldKind::Phone,
        FieldKind::Passport,
        FieldKind::Email,
    ] {
        let _ = mask(kind, s);
    }
});
