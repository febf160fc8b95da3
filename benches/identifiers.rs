//! Native throughput of the identifier engine: national IDs validated and
//! masked per second, and the free-text leak scan in MB/s. Run by `make
//! bench` (`cargo bench --bench identifiers`); prints figures, asserts
//! nothing about time.

use mohprompt_privacy::fields::FieldKind;
use mohprompt_privacy::identifiers::is_thai_id;
use mohprompt_privacy::masking::mask;
use mohprompt_privacy::scan::scan_text;
use std::hint::black_box;
use std::time::Instant;

/// A small deterministic generator: the figures must not depend on a seed file.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn digit(&mut self) -> u8 {
        (self.next() % 10) as u8
    }
}

fn thai_id(rng: &mut Lcg) -> String {
    let mut body = [0u8; 12];
    body[0] = 1 + (rng.next() % 8) as u8;
    for d in &mut body[1..] {
        *d = rng.digit();
    }
    let sum: u32 = (0..12).map(|i| (13 - i as u32) * u32::from(body[i])).sum();
    let mut id: String = body.iter().map(|d| char::from(b'0' + d)).collect();
    id.push(char::from(b'0' + ((11 - sum % 11) % 10) as u8));
    id
}

/// About `bytes` of Thai and English text with an identifier every few sentences.
fn text(rng: &mut Lcg, bytes: usize) -> String {
    let words = [
        "ผู้ป่วยขอเลื่อนนัดฉีดวัคซีนเข็มที่สอง ",
        "please call back after 5 pm about the appointment on 2024-01-31, ",
        "ยอดชำระ 1,250.00 บาท ใบสั่งเลขที่ 1234545678789 ",
        "ติดต่อญาติได้ที่ ",
    ];
    let mut out = String::with_capacity(bytes + 64);
    while out.len() < bytes {
        out.push_str(words[(rng.next() % 4) as usize]);
        match rng.next() % 4 {
            0 => out.push_str(&thai_id(rng)),
            1 => {
                out.push_str("08");
                for _ in 0..8 {
                    out.push(char::from(b'0' + rng.digit()));
                }
            }
            2 => out.push_str("somchai@example.com"),
            _ => {}
        }
        out.push(' ');
    }
    out
}

fn main() {
    let mut rng = Lcg(0x6d6f_6870_726f_6d70);
    let ids: Vec<String> = (0..200_000).map(|_| thai_id(&mut rng)).collect();
    let started = Instant::now();
    let mut shown = 0usize;
    for id in &ids {
        if is_thai_id(black_box(id)) {
            shown += mask(FieldKind::NationalId, id).len();
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    black_box(shown);
    let per_second = ids.len() as f64 / seconds;

    let corpus = text(&mut rng, 4 << 20);
    let started = Instant::now();
    let scan = scan_text(black_box(&corpus));
    let seconds_scan = started.elapsed().as_secs_f64();
    let mb_per_second = corpus.len() as f64 / 1e6 / seconds_scan;

    println!("identifier engine, native (release build)");
    println!(
        "national ID validate+mask   {:>12.0} IDs/s   ({} IDs)",
        per_second,
        ids.len()
    );
    println!(
        "scanText                    {:>12.1} MB/s    ({:.1} MB, {} findings)",
        mb_per_second,
        corpus.len() as f64 / 1e6,
        scan.findings.len()
    );
}
