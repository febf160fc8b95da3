//! The plain types every other module shares: the page's languages, texts
//! in both of them, and the kinds of data a field holds. It imports nothing
//! else of the crate, so the modules that use these never import each other
//! for them.

use alloc::string::String;

/// A language the module speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Thai, the default.
    Th,
    /// English.
    En,
}

impl Lang {
    /// Reads a BCP 47 tag such as `th`, `th-TH` or `en-US`; other languages give `None`.
    ///
    /// ```
    /// use mohprompt_privacy::i18n::Lang;
    /// assert_eq!(Lang::from_tag("en-GB"), Some(Lang::En));
    /// assert_eq!(Lang::from_tag("TH"), Some(Lang::Th));
    /// assert_eq!(Lang::from_tag("ja"), None);
    /// ```
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("th") {
            Some(Lang::Th)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language's BCP 47 tag, for `lang` attributes.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Th => "th",
            Lang::En => "en",
        }
    }
}

/// A text in both of the page's languages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    /// Thai.
    pub th: String,
    /// English.
    pub en: String,
}

impl Text {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Th => &self.th,
            Lang::En => &self.en,
        }
    }
}

/// What kind of data a field holds; it chooses validation and masking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// นาย, นาง, นางสาว, …
    Title,
    /// First name.
    GivenName,
    /// Last name.
    FamilyName,
    /// Sex.
    Sex,
    /// Date of birth.
    DateOfBirth,
    /// Thai national ID number (13 digits).
    NationalId,
    /// Passport number.
    Passport,
    /// Nationality.
    Nationality,
    /// Telephone number.
    Phone,
    /// E-mail address.
    Email,
    /// Postal address.
    Address,
    /// Postal code.
    PostalCode,
    /// A photo.
    Photo,
    /// Free text, where anything may be typed.
    FreeText,
}

impl FieldKind {
    /// Every kind, in the order of [`FieldKind::as_str`]'s names.
    pub const ALL: [FieldKind; 14] = [
        FieldKind::Title,
        FieldKind::GivenName,
        FieldKind::FamilyName,
        FieldKind::Sex,
        FieldKind::DateOfBirth,
        FieldKind::NationalId,
        FieldKind::Passport,
        FieldKind::Nationality,
        FieldKind::Phone,
        FieldKind::Email,
        FieldKind::Address,
        FieldKind::PostalCode,
        FieldKind::Photo,
        FieldKind::FreeText,
    ];

    /// The name the policy and reports use.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Title => "title",
            FieldKind::GivenName => "given_name",
            FieldKind::FamilyName => "family_name",
            FieldKind::Sex => "sex",
            FieldKind::DateOfBirth => "date_of_birth",
            FieldKind::NationalId => "national_id",
            FieldKind::Passport => "passport",
            FieldKind::Nationality => "nationality",
            FieldKind::Phone => "phone",
            FieldKind::Email => "email",
            FieldKind::Address => "address",
            FieldKind::PostalCode => "postal_code",
            FieldKind::Photo => "photo",
            FieldKind::FreeText => "free_text",
        }
    }
}

impl FieldKind {
    /// Whether the field is declared to hold an identifier: its own
    /// operator decides how it leaves, and the leak scan leaves it alone.
    pub fn is_identifier(self) -> bool {
        matches!(
            self,
            FieldKind::NationalId | FieldKind::Passport | FieldKind::Phone | FieldKind::Email
        )
    }
}

/// Appends `n` in decimal; cheaper in wasm than the formatting machinery.
pub fn push_decimal(out: &mut String, n: u64) {
    if n >= 10 {
        push_decimal(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// `bytes` in lowercase hex (base16ct).
pub fn hex(bytes: &[u8]) -> String {
    base16ct::lower::encode_string(bytes)
}

/// `n` as eight lowercase hex digits.
pub fn hex8(n: u32) -> String {
    hex(&n.to_be_bytes())
}
