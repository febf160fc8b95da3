use super::*;
use crate::consent::{Choice, Consent};
use crate::policy::Policy;
use alloc::vec;

fn owed(n: u64) -> Owed {
    let policy = Policy::mohprompt();
    let mut consent = Consent::new(&policy, false);
    consent.decide(&policy, "statistics", Choice::Granted, 1_765_000_000 + n);
    Owed {
        receipt_id: alloc::format!("0b6f7a38-3d2c-4f57-9a61-{n:012x}"),
        method: "banner".into(),
        decided_at: 1_765_000_000 + n,
        changed: vec!["statistics".into()],
        consent: consent.encode(),
    }
}

#[test]
fn an_owed_receipt_reads_back_as_it_was_written() {
    let list = vec![owed(1), owed(2)];
    assert_eq!(decode(&encode(&list)), list);
}

#[test]
fn a_damaged_line_is_dropped_and_the_others_kept() {
    let good = encode(&[owed(1)]);
    let damaged = [
        good.replacen("0b6f7a38", "not-a-uuid", 1),
        good.replacen("banner", "Banner!", 1),
        good.replacen(" statistics ", " statistics,Stats ", 1),
        good.split(" 1|").next().unwrap().to_owned() + "\n",
        good.replacen(" statistics ", "  ", 1),
        good.trim_end().to_owned() + " trailing",
    ];
    for bad in damaged {
        let stored = alloc::format!("{bad}\n{}", encode(&[owed(2)]));
        assert_eq!(decode(&stored), vec![owed(2)], "{bad:?}");
    }
    assert!(decode("").is_empty());
    assert!(decode("\n\n garbage \n").is_empty());
}

#[test]
fn the_list_is_bounded_and_drops_the_oldest() {
    let mut stored = String::new();
    for n in 0..(MAX_OWED as u64 + 3) {
        stored = push(&stored, owed(n));
    }
    let list = decode(&stored);
    assert_eq!(list.len(), MAX_OWED);
    assert_eq!(list[0], owed(3));
}
