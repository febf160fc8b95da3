//! The identifier engine, natively: national IDs validated and masked per
//! second; the leak scan's recall on the generated corpus, its false
//! positives on ordinary text (per item and per MB) and its throughput in
//! MB/s. Run by `make bench` (`cargo bench --bench identifiers`); prints
//! figures, asserts nothing about time. The corpora are those of
//! `tests/scan_corpus.rs`, from the same seed.

#[path = "../tests/common/corpus.rs"]
mod corpus;

use corpus::Rng;
use mohprompt_privacy::fields::FieldKind;
use mohprompt_privacy::identifiers::is_thai_id;
use mohprompt_privacy::masking::{mask, mask_into};
use mohprompt_privacy::scan::scan_text;
use std::hint::black_box;
use std::time::Instant;

/// The best of a few runs of `f`, in seconds.
fn best_of(runs: usize, mut f: impl FnMut()) -> f64 {
    (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let mut rng = Rng(corpus::SEED);
    let ids: Vec<String> = (0..200_000)
        .map(|_| corpus::national_id(&mut rng, true))
        .collect();
    // As the scan does it: masked into one output, no string per ID.
    let mut out = String::with_capacity(32);
    let seconds = best_of(25, || {
        let mut shown = 0usize;
        for id in &ids {
            if is_thai_id(black_box(id)) {
                out.clear();
                mask_into(&mut out, FieldKind::NationalId, id);
                shown += out.len();
            }
        }
        black_box(shown);
    });
    let per_second = ids.len() as f64 / seconds;
    // As `maskValue` does it: a new string for each mask.
    let seconds_alloc = best_of(25, || {
        let mut shown = 0usize;
        for id in &ids {
            if is_thai_id(black_box(id)) {
                shown += mask(FieldKind::NationalId, id).len();
            }
        }
        black_box(shown);
    });
    let per_second_alloc = ids.len() as f64 / seconds_alloc;

    // Recall: each planted identifier found with its kind and span.
    let positive = corpus::positive(&mut Rng(corpus::SEED), 8);
    let found = positive
        .iter()
        .filter(|p| {
            scan_text(&p.text)
                .findings
                .iter()
                .any(|f| f.kind == p.kind && f.start == p.start && f.end == p.end)
        })
        .count();
    let recall = found as f64 / positive.len() as f64;

    // False positives: findings in ordinary text and the module's own outputs.
    let mut negative = corpus::negative(&mut Rng(corpus::SEED ^ 1), 24_000);
    let mut rng = Rng(corpus::SEED ^ 2);
    negative.extend((0..100_000).map(|k| corpus::operator_output(&mut rng, k)));
    let negative_bytes: usize = negative.iter().map(String::len).sum();
    let false_positives: usize = negative.iter().map(|t| scan_text(t).findings.len()).sum();

    // Throughput: one text of about 4 MB, ordinary sentences with a planted
    // identifier after every second one.
    let mut text = String::with_capacity(4 << 20);
    let mut k = 0;
    while text.len() < 4 << 20 {
        text.push_str(&negative[k % 24_000]);
        text.push(' ');
        if k % 2 == 1 {
            text.push_str(&positive[(k * 7919) % positive.len()].text);
            text.push(' ');
        }
        k += 1;
    }
    let mut findings = 0;
    let seconds_scan = best_of(15, || findings = scan_text(black_box(&text)).findings.len());
    let mb_per_second = text.len() as f64 / 1e6 / seconds_scan;

    println!("identifier engine, native (release build)");
    println!(
        "national ID validate+mask   {:>12.0} IDs/s   ({} IDs, best of 25; mask_into one buffer)",
        per_second,
        ids.len()
    );
    println!(
        "  the same, a new String    {:>12.0} IDs/s   (mask, one allocation per ID)",
        per_second_alloc
    );
    println!(
        "scanText                    {:>12.1} MB/s    ({:.1} MB, {} findings, best of 15)",
        mb_per_second,
        text.len() as f64 / 1e6,
        findings
    );
    println!(
        "scan recall                 {:>12.2} %       ({found} of {} planted: IDs, mistyped IDs, phones, passports in every spelling)",
        recall * 100.0,
        positive.len()
    );
    println!(
        "scan false positives        {:>12.4} /item   ({false_positives} findings in {} ordinary texts and module outputs; {:.2} per MB of {:.1} MB)",
        false_positives as f64 / negative.len() as f64,
        negative.len(),
        false_positives as f64 / (negative_bytes as f64 / 1e6),
        negative_bytes as f64 / 1e6
    );
}
