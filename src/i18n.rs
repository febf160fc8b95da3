//! The page languages and the module's own interface texts.
//!
//! Texts about the policy (category titles, descriptions, the controller)
//! come from the policy file; the words of the banner itself live here.

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

    /// The module's interface texts in this language.
    pub fn words(self) -> &'static Words {
        match self {
            Lang::Th => &THAI,
            Lang::En => &ENGLISH,
        }
    }
}

/// Every fixed text the banner and the preferences dialog show.
#[derive(Debug)]
pub struct Words {
    /// Banner heading.
    pub banner_title: &'static str,
    /// Banner body: what cookies are for and that refusing is fine.
    pub banner_text: &'static str,
    /// Banner body when only some categories are asked again.
    pub banner_reask: &'static str,
    /// Accept every category.
    pub accept_all: &'static str,
    /// Refuse every category that is not necessary.
    pub reject_all: &'static str,
    /// Open the preferences dialog.
    pub customize: &'static str,
    /// Accessible name of the close buttons.
    pub close: &'static str,
    /// Dialog heading.
    pub dialog_title: &'static str,
    /// Dialog introduction.
    pub dialog_text: &'static str,
    /// Save the toggles as they are.
    pub save: &'static str,
    /// Shown next to a category that is always on.
    pub always_on: &'static str,
    /// Shown when the browser's Global Privacy Control signal was honoured.
    pub gpc_honoured: &'static str,
    /// Shown after a withdrawal: cookies are gone, a reload stops scripts already running.
    pub reload_notice: &'static str,
    /// Link text to the full policy.
    pub policy_link: &'static str,
}

static THAI: Words = Words {
    banner_title: "หมอพร้อมใช้คุกกี้",
    banner_text: "เราใช้คุกกี้ที่จำเป็นเพื่อให้เว็บไซต์ทำงาน และขอความยินยอมจากท่านก่อนใช้คุกกี้อื่น ท่านปฏิเสธได้และยังใช้บริการได้ตามปกติ",
    banner_reask: "นโยบายคุกกี้มีการเปลี่ยนแปลง กรุณาเลือกอีกครั้งสำหรับ:",
    accept_all: "ยอมรับทั้งหมด",
    reject_all: "ปฏิเสธทั้งหมด",
    customize: "ตั้งค่าเอง",
    close: "ปิด",
    dialog_title: "ตั้งค่าคุกกี้",
    dialog_text: "เลือกประเภทคุกกี้ที่ท่านยินยอม เปลี่ยนใจได้ทุกเมื่อจากลิงก์ตั้งค่าคุกกี้",
    save: "บันทึกการตั้งค่า",
    always_on: "เปิดใช้เสมอ",
    gpc_honoured: "เบราว์เซอร์ของท่านส่งสัญญาณ Global Privacy Control เราจึงปิดคุกกี้ที่ไม่จำเป็นไว้ให้แล้ว",
    reload_notice: "ลบคุกกี้ของประเภทที่ถอนความยินยอมแล้ว โหลดหน้านี้ใหม่เพื่อหยุดสคริปต์ที่ทำงานอยู่",
    policy_link: "อ่านนโยบายคุ้มครองข้อมูลส่วนบุคคล",
};

static ENGLISH: Words = Words {
    banner_title: "Mor Prom uses cookies",
    banner_text: "We use necessary cookies to make the site work, and ask before using any others. You can refuse and still use the service as usual.",
    banner_reask: "Our cookie policy has changed. Please choose again for:",
    accept_all: "Accept all",
    reject_all: "Reject all",
    customize: "Customize",
    close: "Close",
    dialog_title: "Cookie settings",
    dialog_text: "Choose the cookies you agree to. You can change your mind any time from the cookie settings link.",
    save: "Save settings",
    always_on: "Always on",
    gpc_honoured: "Your browser sent a Global Privacy Control signal, so cookies that are not necessary are off.",
    reload_notice: "Cookies of the withdrawn categories were deleted. Reload the page to stop scripts that are already running.",
    policy_link: "Read the privacy policy",
};
