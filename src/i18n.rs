//! The page languages and the module's own interface texts.
//!
//! Texts about the policy (category titles, descriptions, the controller)
//! come from the policy file; the words of the banner itself live here.

pub use crate::model::Lang;

impl Lang {
    /// The module's interface texts in this language.
    pub fn words(self) -> &'static Words {
        match self {
            Lang::Th => &THAI,
            Lang::En => &ENGLISH,
        }
    }
}

/// Every fixed text the banner, the privacy centre and a form's consent section show.
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
    /// Privacy centre: heading of the cookie categories.
    pub cookies_heading: &'static str,
    /// Privacy centre: heading of the purposes that are asked.
    pub consent_heading: &'static str,
    /// Privacy centre: heading of the purposes that are only shown.
    pub notices_heading: &'static str,
    /// Privacy centre: heading of the controller's contact and corrections.
    pub contact_heading: &'static str,
    /// Labels of the legal bases, in the order of `LegalBasis::ALL`.
    pub legal_bases: [&'static str; 6],
    /// Before a purpose's legal basis.
    pub basis_prefix: &'static str,
    /// Before how long a purpose's data is kept.
    pub retention_prefix: &'static str,
    /// State of an item the person agreed to.
    pub state_granted: &'static str,
    /// State of an item the person refused.
    pub state_denied: &'static str,
    /// State of an item not decided yet.
    pub state_unset: &'static str,
    /// Labels of the controller's phone, fax, e-mail and web site.
    pub contact_labels: [&'static str; 4],
    /// Legend of the consent section rendered into a form.
    pub form_legend: &'static str,
    /// Before the notices in a form.
    pub form_notices_intro: &'static str,
    /// Before the consent boxes in a form.
    pub form_consent_intro: &'static str,
    /// After the title of a purpose that is the form's own reason.
    pub form_reason: &'static str,
    /// Field marks: required, optional, required as one of a group.
    pub marks: [&'static str; 3],
    /// Around a consent purpose's title in the hint at a field that depends on it.
    pub depends: [&'static str; 2],
    /// Field problems: missing, none of a group, not an e-mail, not a
    /// national ID, an identifier where the policy refuses one, not a phone.
    pub problems: [&'static str; 6],
    /// Around the number of fields to correct.
    pub to_correct: [&'static str; 2],
    /// Status while sending.
    pub sending: &'static str,
    /// Status after the receiver accepted the form.
    pub sent: &'static str,
    /// Status after sending failed; the typed values stay.
    pub send_failed: &'static str,
    /// Status when an operator the policy names cannot run in this page.
    pub cannot_protect: &'static str,
    /// Status of a form with sealed fields in a page without WebCrypto (not https).
    pub seal_insecure: &'static str,
    /// Status of a form with sealed fields when the policy has no key to seal to.
    pub seal_no_key: &'static str,
    /// The button that shows a masked identifier again.
    pub reveal: &'static str,
    /// A form's status line after `destroy()`: the module no longer sends it.
    pub stopped: &'static str,
}

static THAI: Words = Words {
    banner_title: "หมอพร้อมใช้คุกกี้",
    banner_text: "เราใช้คุกกี้ที่จำเป็นเพื่อให้เว็บไซต์ทำงาน และขอความยินยอมจากท่านก่อนใช้คุกกี้อื่น ท่านปฏิเสธได้และยังใช้บริการได้ตามปกติ",
    banner_reask: "นโยบายมีการเปลี่ยนแปลง กรุณาเลือกอีกครั้งสำหรับ:",
    accept_all: "ยอมรับทั้งหมด",
    reject_all: "ปฏิเสธทั้งหมด",
    customize: "ตั้งค่าเอง",
    close: "ปิด",
    dialog_title: "ตั้งค่าความเป็นส่วนตัว",
    dialog_text: "เลือกได้ทีละเรื่องว่ายินยอมหรือไม่ แล้วกดบันทึก เปลี่ยนใจได้ทุกเมื่อจากลิงก์ตั้งค่าความเป็นส่วนตัว",
    save: "บันทึกการตั้งค่า",
    always_on: "เปิดใช้เสมอ",
    gpc_honoured: "เบราว์เซอร์ของท่านส่งสัญญาณ Global Privacy Control เราจึงปิดคุกกี้ที่ไม่จำเป็นไว้ให้แล้ว",
    reload_notice: "ลบคุกกี้ของประเภทที่ถอนความยินยอมแล้ว โหลดหน้านี้ใหม่เพื่อหยุดสคริปต์ที่ทำงานอยู่",
    policy_link: "อ่านนโยบายคุ้มครองข้อมูลส่วนบุคคล",
    cookies_heading: "คุกกี้",
    consent_heading: "การใช้ข้อมูลที่ขอความยินยอมจากท่าน",
    notices_heading: "การใช้ข้อมูลตามฐานทางกฎหมายอื่น (ไม่ต้องขอความยินยอม)",
    contact_heading: "ติดต่อเราและการแก้ไขข้อมูล",
    legal_bases: [
        "ความยินยอม",
        "สัญญา",
        "หน้าที่ตามกฎหมาย",
        "ภารกิจของรัฐ",
        "ประโยชน์สำคัญต่อชีวิต",
        "ประโยชน์โดยชอบด้วยกฎหมาย",
    ],
    basis_prefix: "ฐานทางกฎหมาย: ",
    retention_prefix: "ระยะเวลาเก็บ: ",
    state_granted: "ยินยอมแล้ว",
    state_denied: "ไม่ยินยอม",
    state_unset: "ยังไม่ได้เลือก",
    contact_labels: ["โทรศัพท์", "โทรสาร", "อีเมล", "เว็บไซต์"],
    form_legend: "การใช้ข้อมูลของท่าน",
    form_notices_intro: "เราใช้ข้อมูลในแบบฟอร์มนี้เพื่อเรื่องต่อไปนี้ ซึ่งไม่ต้องขอความยินยอม",
    form_consent_intro: "เรื่องต่อไปนี้ท่านเลือกได้ทีละข้อ ไม่ติ๊กก็ใช้บริการได้ตามปกติ",
    form_reason: " (จำเป็นสำหรับแบบฟอร์มนี้)",
    marks: ["จำเป็น", "ไม่บังคับ", "จำเป็นอย่างใดอย่างหนึ่ง"],
    depends: ["ส่งเฉพาะเมื่อท่านเลือก “", "” ด้านล่าง"],
    problems: [
        "กรุณากรอกช่องนี้",
        "กรุณากรอกช่องใดช่องหนึ่งในกลุ่มนี้",
        "รูปแบบอีเมลไม่ถูกต้อง",
        "เลขประจำตัวประชาชนไม่ถูกต้อง กรุณาตรวจสอบอีกครั้ง",
        "ช่องนี้มีเลขประจำตัวประชาชน เลขหนังสือเดินทาง หรือเบอร์โทรศัพท์ ซึ่งส่งในช่องนี้ไม่ได้ กรุณาลบออก",
        "ไม่ใช่หมายเลขโทรศัพท์ในประเทศไทย กรุณาตรวจสอบอีกครั้ง",
    ],
    to_correct: ["กรุณาแก้ไขข้อมูล ", " ช่อง"],
    sending: "กำลังส่งข้อมูล…",
    sent: "ส่งข้อมูลเรียบร้อยแล้ว",
    send_failed: "ส่งข้อมูลไม่สำเร็จ ข้อมูลที่กรอกยังอยู่ กรุณาลองอีกครั้ง",
    cannot_protect: "ส่งไม่ได้: หน้านี้ยังปกป้องข้อมูลบางช่องตามที่นโยบายกำหนดไม่ได้",
    seal_insecure: "ส่งไม่ได้: ฟอร์มนี้ต้องเข้ารหัสเลขประจำตัวก่อนส่ง แต่หน้านี้ไม่ได้เปิดผ่านการเชื่อมต่อที่ปลอดภัย (https)",
    seal_no_key: "ส่งไม่ได้: ยังไม่มีกุญแจสำหรับเข้ารหัสเลขประจำตัวถึงหน่วยงาน กรุณาลองใหม่ภายหลัง",
    reveal: "แสดง",
    stopped: "ส่งไม่ได้: ระบบปกป้องข้อมูลส่วนบุคคลของหน้านี้หยุดทำงานแล้ว กรุณาโหลดหน้านี้ใหม่",
};

static ENGLISH: Words = Words {
    banner_title: "Mor Prom uses cookies",
    banner_text: "We use necessary cookies to make the site work, and ask before using any others. You can refuse and still use the service as usual.",
    banner_reask: "Our policy has changed. Please choose again for:",
    accept_all: "Accept all",
    reject_all: "Reject all",
    customize: "Customize",
    close: "Close",
    dialog_title: "Privacy settings",
    dialog_text: "Choose one by one what you agree to, then save. You can change your mind any time from the privacy settings link.",
    save: "Save settings",
    always_on: "Always on",
    gpc_honoured: "Your browser sent a Global Privacy Control signal, so cookies that are not necessary are off.",
    reload_notice: "Cookies of the withdrawn categories were deleted. Reload the page to stop scripts that are already running.",
    policy_link: "Read the privacy policy",
    cookies_heading: "Cookies",
    consent_heading: "Uses of your data that need your consent",
    notices_heading: "Uses on other legal grounds (not asked)",
    contact_heading: "Contact us and corrections",
    legal_bases: [
        "Consent",
        "Contract",
        "Legal obligation",
        "Public task",
        "Vital interest",
        "Legitimate interest",
    ],
    basis_prefix: "Legal basis: ",
    retention_prefix: "Kept: ",
    state_granted: "Agreed",
    state_denied: "Refused",
    state_unset: "Not chosen yet",
    contact_labels: ["Phone", "Fax", "E-mail", "Website"],
    form_legend: "How your data is used",
    form_notices_intro: "We use the data in this form for the following, which does not need your consent.",
    form_consent_intro: "These are your choice, one by one. Leave a box unticked and the service works the same.",
    form_reason: " (needed for this form)",
    marks: ["Required", "Optional", "Required: one of two"],
    depends: ["Sent only if you tick “", "” below."],
    problems: [
        "Please fill in this field.",
        "Please fill in one of the fields of this group.",
        "This is not an e-mail address.",
        "This national ID number is not valid. Please check it.",
        "This field holds a national ID, passport or phone number, which cannot be sent here. Please take it out.",
        "This is not a Thai phone number. Please check it.",
    ],
    to_correct: ["Fields to correct: ", "."],
    sending: "Sending…",
    sent: "Sent. Thank you.",
    send_failed: "Sending failed. What you typed is still here; please try again.",
    cannot_protect: "Cannot send: this page cannot protect some fields the way the policy requires.",
    seal_insecure: "Cannot send: this form encrypts ID numbers before sending, and this page is not on a secure (https) connection.",
    seal_no_key: "Cannot send: the service's key for encrypting ID numbers is missing. Please try again later.",
    reveal: "Show",
    stopped: "Cannot send: this page's privacy protection has stopped. Please reload the page.",
};
