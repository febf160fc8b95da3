//! The generated corpora of the leak scan, in one place for the recall test
//! (`tests/scan_corpus.rs`) and the bench (`benches/identifiers.rs`):
//!
//! - **positive**: random national IDs (check digit right and wrong), phones
//!   of every Thai range and passports, each in every spelling people type,
//!   placed in Thai and English sentences and addresses, glued to words;
//! - **negative**: ordinary text the scan must leave alone (dates in both
//!   calendars, postal codes, house numbers, amounts, times, references,
//!   years) and what the module itself writes (digests, UUIDs, sealed
//!   envelopes, masks).
//!
//! Deterministic: the same seed gives the same corpus.
#![allow(dead_code)]

use mohprompt_privacy::scan::FindingKind;

/// The seed both the test and the bench use.
pub const SEED: u64 = 0x6d6f_6870_726f_6d70;

/// A small deterministic generator (PCG-style LCG, the high bits).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn digit(&mut self) -> u8 {
        b'0' + self.below(10) as u8
    }

    pub fn digits(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from(self.digit())).collect()
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// One text with one identifier planted in it.
pub struct Planted {
    pub text: String,
    pub kind: FindingKind,
    /// Byte range of the identifier (from its first digit, or `+`, to its last character).
    pub start: usize,
    pub end: usize,
    /// How it was written, for messages.
    pub spelling: &'static str,
}

/// The check digit of twelve ASCII digits.
pub fn check_digit(body: &[u8]) -> u8 {
    let sum: u32 = (0..12)
        .map(|i| (13 - i as u32) * u32::from(body[i] - b'0'))
        .sum();
    b'0' + ((11 - sum % 11) % 10) as u8
}

/// 13 ASCII digits: a valid national ID, or (when `valid` is false) one whose
/// check digit is wrong.
pub fn national_id(rng: &mut Rng, valid: bool) -> String {
    let mut d: Vec<u8> = vec![b'1' + rng.below(8) as u8];
    d.extend((0..11).map(|_| rng.digit()));
    let check = check_digit(&d);
    d.push(if valid {
        check
    } else {
        b'0' + ((check - b'0' + 1 + rng.below(9) as u8) % 10)
    });
    String::from_utf8(d).unwrap()
}

/// `digits` split into groups of `sizes` joined by `sep`; what is left after
/// them is the last group.
pub fn grouped(digits: &str, sizes: &[usize], sep: &str) -> String {
    let mut out = String::new();
    let mut at = 0;
    for (k, size) in sizes.iter().enumerate() {
        if k > 0 {
            out.push_str(sep);
        }
        out.push_str(&digits[at..at + size]);
        at += size;
    }
    if at < digits.len() {
        out.push_str(sep);
        out.push_str(&digits[at..]);
    }
    out
}

/// ASCII digits written as Thai (๐–๙) or full-width (０–９) digits.
pub fn in_script(s: &str, script: usize) -> String {
    let base = match script {
        1 => '๐',
        2 => '０',
        _ => return s.to_string(),
    };
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(base as u32 + (c as u32 - '0' as u32)).unwrap(),
            c => c,
        })
        .collect()
}

/// Every spelling of an ID.
pub const ID_SPELLINGS: [&str; 5] = [
    "contiguous",
    "1-4-5-2-1 dashes",
    "1 4 5 2 1 spaces",
    "1.4.5.2.1 dots",
    "1-4-5-3",
];

pub fn spell_id(id: &str, spelling: usize) -> String {
    match spelling {
        0 => id.to_string(),
        1 => grouped(id, &[1, 4, 5, 2], "-"),
        2 => grouped(id, &[1, 4, 5, 2], " "),
        3 => grouped(id, &[1, 4, 5, 2], "."),
        _ => grouped(id, &[1, 4, 5], "-"),
    }
}

/// A Thai phone number of a given range: its national number (no trunk 0).
pub fn national_phone(rng: &mut Rng, range: usize) -> String {
    let (prefix, len): (String, usize) = match range {
        0 => (format!("8{}", rng.digit() as char), 9),
        1 => (format!("9{}", rng.digit() as char), 9),
        2 => (format!("6{}", (b'1' + rng.below(6) as u8) as char), 9),
        3 => (
            rng.pick(&["6710", "6718", "6724", "6727", "6731", "6736"])
                .into(),
            9,
        ),
        4 => ("14".into(), 9),
        5 => (rng.pick(&["60", "68"]).into(), 9),
        6 => ("2".into(), 8),
        7 => (
            rng.pick(&[
                "32", "34", "38", "39", "42", "43", "44", "45", "52", "53", "54", "55", "56", "73",
                "74", "75", "76", "77",
            ])
            .into(),
            8,
        ),
        8 => (rng.pick(&["10", "16", "18", "19"]).into(), 8),
        9 => ("1800".into(), 10),
        _ => ("1900".into(), 10),
    };
    let rest = rng.digits(len - prefix.len());
    prefix + &rest
}

pub const PHONE_RANGES: usize = 11;

pub const PHONE_SPELLINGS: [&str; 14] = [
    "0 contiguous",
    "0 grouped dashes",
    "0 grouped spaces",
    "0 grouped dots",
    "(0x) parentheses",
    "0-xxxx-xxxx",
    "+66 grouped",
    "+66 contiguous",
    "+66 0 contiguous",
    "+660 contiguous",
    "0066 grouped",
    "66 without plus",
    "+66 (0) grouped",
    "0xx xxxx xxxx",
];

/// A spelling of the national number `n`; 1800 and 1900 numbers, which have
/// no trunk 0, are written without one.
pub fn spell_phone(n: &str, spelling: usize) -> String {
    let tollfree = n.len() == 10;
    let national = if tollfree {
        n.to_string()
    } else {
        format!("0{n}")
    };
    let groups = |digits: &str, sep: &str| -> String {
        match digits.len() {
            10 if tollfree => grouped(digits, &[4, 3], sep),
            10 => grouped(digits, &[3, 3], sep),
            9 if digits.starts_with("02") => grouped(digits, &[2, 3], sep),
            _ => grouped(digits, &[3, 3], sep),
        }
    };
    let nsn_groups = |sep: &str| -> String {
        match n.len() {
            9 => grouped(n, &[2, 3], sep),
            10 => grouped(n, &[4, 3], sep),
            _ if n.starts_with('2') => grouped(n, &[1, 3], sep),
            _ => grouped(n, &[2, 3], sep),
        }
    };
    match spelling {
        0 => national,
        1 => groups(&national, "-"),
        2 => groups(&national, " "),
        3 => groups(&national, "."),
        4 if !tollfree => {
            let split = if national.starts_with("02") { 2 } else { 3 };
            format!(
                "({}) {}",
                &national[..split],
                grouped(&national[split..], &[3], "-")
            )
        }
        5 if !tollfree => grouped(&national, &[1, 4], "-"),
        6 => format!("+66 {}", nsn_groups(" ")),
        7 => format!("+66{n}"),
        8 if !tollfree => format!("+66 0{n}"),
        9 if !tollfree => format!("+660{n}"),
        10 => format!("0066 {}", nsn_groups(" ")),
        11 => format!("66{n}"),
        12 if !tollfree => format!("+66 (0) {}", nsn_groups(" ")),
        13 if national.len() == 10 => grouped(&national, &[2, 4], " "),
        _ => groups(&national, " "),
    }
}

/// A Thai passport number: one or two letters, six or seven digits.
pub fn thai_passport(rng: &mut Rng) -> String {
    let letters = 1 + rng.below(2);
    let digits = 6 + rng.below(2);
    let mut s: String = (0..letters)
        .map(|_| char::from(b'A' + rng.below(26) as u8))
        .collect();
    s.push_str(&rng.digits(digits));
    s
}

/// Another country's passport number: six to nine letters and digits, at
/// least one digit.
pub fn foreign_passport(rng: &mut Rng) -> String {
    let len = 6 + rng.below(4);
    let mut s: Vec<u8> = (0..len)
        .map(|_| {
            if rng.below(3) == 0 {
                b'A' + rng.below(26) as u8
            } else {
                rng.digit()
            }
        })
        .collect();
    let at = rng.below(len);
    s[at] = rng.digit();
    String::from_utf8(s).unwrap()
}

pub const PASSPORT_CONTEXTS: [&str; 7] = [
    "หนังสือเดินทางเลขที่ ",
    "หนังสือเดินทาง ",
    "เลขที่หนังสือเดินทาง: ",
    "พาสปอร์ต ",
    "Passport No. ",
    "passport: ",
    "PASSPORT ",
];

/// Where an identifier stands: text before and after it. `glued_latin`
/// places put Latin letters right against it.
struct Place {
    before: &'static str,
    after: &'static str,
    glued_latin: bool,
}

const PLACES: [Place; 12] = [
    Place {
        before: "ผู้ป่วยแจ้งว่า ",
        after: " ครับ",
        glued_latin: false,
    },
    Place {
        before: "please contact ",
        after: " after 5 pm.",
        glued_latin: false,
    },
    Place {
        before: "99/123 หมู่ 4 ถ.สุขุมวิท ต.บางรัก 10500 โทร ",
        after: " ค่ะ",
        glued_latin: false,
    },
    Place {
        before: "",
        after: "",
        glued_latin: false,
    },
    Place {
        before: "โทร",
        after: "ครับ",
        glued_latin: false,
    },
    Place {
        before: "บัตร",
        after: "",
        glued_latin: false,
    },
    Place {
        before: "ID",
        after: "x",
        glued_latin: true,
    },
    Place {
        before: "tel:",
        after: ".",
        glued_latin: false,
    },
    Place {
        before: "[",
        after: "], ",
        glued_latin: false,
    },
    Place {
        before: "นัดวันที่ 31/01/2567 เวลา 10.30 น. เบอร์ ",
        after: " ยอด 1,250.00 บาท",
        glued_latin: false,
    },
    Place {
        before: "Name: Somchai, ID ",
        after: ", born 1990-05-17",
        glued_latin: false,
    },
    Place {
        before: "เลขประจำตัว:",
        after: "(ผู้ป่วย)",
        glued_latin: false,
    },
];

fn plant(place: &Place, value: &str, kind: FindingKind, spelling: &'static str) -> Planted {
    // The finding starts at the first digit or `+` (an opening parenthesis
    // before the digits stays outside it).
    let lead = value.find(|c: char| c != '(').unwrap_or(0);
    let start = place.before.len() + lead;
    Planted {
        text: format!("{}{}{}", place.before, value, place.after),
        kind,
        start,
        end: place.before.len() + value.len(),
        spelling,
    }
}

/// The positive corpus: `rounds` × every kind × spelling × place.
pub fn positive(rng: &mut Rng, rounds: usize) -> Vec<Planted> {
    let mut out = Vec::new();
    for round in 0..rounds {
        let script = [0, 0, 1, 2][round % 4];
        for (p, place) in PLACES.iter().enumerate() {
            for (s, name) in ID_SPELLINGS.iter().enumerate() {
                for valid in [true, false] {
                    // A wrong check digit is looked for in the ID's own shapes only.
                    if !valid && s == 4 {
                        continue;
                    }
                    let id = in_script(&spell_id(&national_id(rng, valid), s), script);
                    let kind = if valid {
                        FindingKind::NationalId
                    } else {
                        FindingKind::NationalIdUnverified
                    };
                    out.push(plant(place, &id, kind, name));
                }
            }
            for range in 0..PHONE_RANGES {
                let n = national_phone(rng, range);
                for (s, name) in PHONE_SPELLINGS.iter().enumerate() {
                    let phone = in_script(&spell_phone(&n, s), script);
                    out.push(plant(place, &phone, FindingKind::Phone, name));
                }
            }
            if n_intl_tollfree(round, p) {
                let number = format!("001800{}", rng.digits(7));
                out.push(plant(
                    place,
                    &number,
                    FindingKind::Phone,
                    "001800 contiguous",
                ));
                out.push(plant(
                    place,
                    &grouped(&number, &[6, 3], " "),
                    FindingKind::Phone,
                    "001800 grouped",
                ));
            }
            if !place.glued_latin {
                let passport = thai_passport(rng);
                out.push(plant(
                    place,
                    &passport,
                    FindingKind::Passport,
                    "Thai pattern",
                ));
                let context = PASSPORT_CONTEXTS[(round + p) % PASSPORT_CONTEXTS.len()];
                let foreign = format!("{context}{}", foreign_passport(rng));
                let mut planted = plant(
                    place,
                    &foreign,
                    FindingKind::Passport,
                    "after a context word",
                );
                planted.start += context.len();
                out.push(planted);
            }
        }
    }
    out
}

fn n_intl_tollfree(round: usize, place: usize) -> bool {
    (round + place).is_multiple_of(2)
}

fn hex(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b"0123456789abcdef"[rng.below(16)]))
        .collect()
}

fn base64url(rng: &mut Rng, n: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    (0..n)
        .map(|_| char::from(ALPHABET[rng.below(64)]))
        .collect()
}

/// What the module writes that the guard may meet: a 64-hex digest (HMAC- or
/// SHA-256), a UUID, or a sealed envelope `hpke1.<kid>.<enc>.<ciphertext>`.
pub fn operator_output(rng: &mut Rng, which: usize) -> String {
    match which % 3 {
        0 => hex(rng, 64),
        1 => {
            let h = hex(rng, 32);
            let variant = char::from(b"89ab"[rng.below(4)]);
            format!(
                "{}-{}-4{}-{}{}-{}",
                &h[..8],
                &h[8..12],
                &h[13..16],
                variant,
                &h[17..20],
                &h[20..32]
            )
        }
        _ => {
            let kid = if rng.below(2) == 0 {
                format!("k{}", rng.digits(8))
            } else {
                base64url(rng, 11)
            };
            // enc: a 65-byte P-256 point; ciphertext: a short value and its 16-byte tag.
            let ct = 16 + 10 + rng.below(30);
            format!(
                "hpke1.{kid}.{}.{}",
                base64url(rng, 87),
                base64url(rng, (ct * 4).div_ceil(3))
            )
        }
    }
}

fn date(rng: &mut Rng) -> String {
    let (d, m) = (1 + rng.below(28), 1 + rng.below(12));
    let year = 2020 + rng.below(10);
    match rng.below(6) {
        0 => format!("{year}-{m:02}-{d:02}"),
        1 => format!("{d:02}/{m:02}/{}", year + 543),
        2 => format!("{d:02}.{m:02}.{year}"),
        3 => format!("{d}/{m}/{}", year + 543),
        4 => format!("{d:02}-{m:02}-{}", year + 543),
        _ => format!("{d:02} {m:02} {}", year + 543),
    }
}

/// The negative corpus: `n` sentences of ordinary text with numbers in them
/// that are no identifier.
pub fn negative(rng: &mut Rng, n: usize) -> Vec<String> {
    (0..n)
        .map(|k| {
            let postal = 10000 + rng.below(87_000);
            let house = format!("{}/{}", 1 + rng.below(999), 1 + rng.below(200));
            match k % 12 {
                0 => format!("นัดวันที่ {} เวลา {}.{:02} น. ที่ห้อง {}", date(rng), 8 + rng.below(9), rng.below(60), 100 + rng.below(900)),
                1 => format!("บ้านเลขที่ {house} หมู่ {} ต.บางรัก อ.เมือง จ.นนทบุรี {postal}", 1 + rng.below(12)),
                2 => format!("ยอดชำระ {},{:03}.{:02} บาท และ {},{:03} บาท", 1 + rng.below(99), rng.below(1000), rng.below(100), 1 + rng.below(999), rng.below(1000)),
                3 => format!("appointment on {} at {}:{:02}, {} to {}", date(rng), 8 + rng.below(9), rng.below(60), date(rng), date(rng)),
                4 => format!("ใบสั่งซื้อเลขที่ 2567{} อ้างอิง INV-{}-{:06} REF{}-{:04}", rng.digits(7), 2020 + rng.below(7), rng.below(1_000_000), rng.digits(8), rng.below(10_000)),
                5 => format!("พ.ศ. {} / ค.ศ. {} เวลา {:02}.{:02}-{:02}.{:02} น.", 2560 + rng.below(10), 2017 + rng.below(10), 8 + rng.below(4), rng.below(60), 13 + rng.below(4), rng.below(60)),
                6 => format!("ผลตรวจ {}.{} mg/dL, {}/{} mmHg, ชีพจร {} ครั้ง/นาที, {} kg", rng.below(300), rng.below(10), 90 + rng.below(60), 60 + rng.below(40), 50 + rng.below(70), 40 + rng.below(80)),
                7 => format!("masked: x-xxxx-xxxxx-{}-{}, xxx xxx {}, xxx-xxx-{}, +xx xx xxx {}, xxxxxx{}, [national_id], [phone], s***@example.com", rng.digits(2), rng.digits(1), rng.digits(4), rng.digits(4), rng.digits(4), rng.digits(3)),
                8 => format!("hmac {} uuid {}", operator_output(rng, 0), operator_output(rng, 1)),
                9 => format!("sealed: {}", operator_output(rng, 2)),
                10 => format!("ต.บางรัก เขตบางรัก กรุงเทพฯ {postal} ซอย {} ถนน {} กม. {}", 1 + rng.below(120), house, rng.below(300)),
                _ => format!("วัคซีนล็อต {}{} เข็มที่ {} เมื่อ {} คิวที่ {:03}", char::from(b'A' + rng.below(26) as u8), rng.digits(5), 1 + rng.below(4), date(rng), rng.below(1000)),
            }
        })
        .collect()
}
