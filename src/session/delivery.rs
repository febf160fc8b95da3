//! The queue of consent receipts on their way to the receiver: which to
//! POST now, and how long to wait after a failure (doubling, capped). The
//! receiver deduplicates by `receipt_id`, so sending one twice is harmless.

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;

/// The first retry of a receipt's delivery waits this long; each failure
/// doubles it up to [`MAX_RETRY_MS`].
pub const FIRST_RETRY_MS: i32 = 1_000;
/// The longest wait between retries.
pub const MAX_RETRY_MS: i32 = 30_000;

/// Receipts on their way to the receiver, and when to try again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deliveries {
    /// Receipt ids whose POST has not answered yet.
    in_flight: Vec<String>,
    /// Wait before the next retry; doubles on each failure.
    retry_ms: i32,
    /// A retry is scheduled already.
    retry_scheduled: bool,
}

impl Default for Deliveries {
    fn default() -> Self {
        Deliveries {
            in_flight: Vec::new(),
            retry_ms: FIRST_RETRY_MS,
            retry_scheduled: false,
        }
    }
}

/// What to do after a receipt's POST answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    /// Delivered: mark it so in the log (and store the log).
    Delivered,
    /// Failed: retry every undelivered receipt after this many milliseconds.
    RetryIn(i32),
    /// Failed while a retry is scheduled already: that one will take it.
    Waiting,
}

impl Deliveries {
    /// Of `undelivered` `(id, body)`, those to POST now: not on their way
    /// already. They count as on their way from here.
    pub fn batch<'a>(
        &mut self,
        undelivered: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Vec<(String, String)> {
        let batch: Vec<(String, String)> = undelivered
            .filter(|(id, _)| !self.in_flight.iter().any(|i| i == id))
            .map(|(id, body)| (id.to_owned(), body.to_owned()))
            .collect();
        self.in_flight
            .extend(batch.iter().map(|(id, _)| id.clone()));
        batch
    }

    /// Receipt `id`'s POST answered, `ok` with a 2xx status.
    pub fn answered(&mut self, id: &str, ok: bool) -> Answered {
        self.in_flight.retain(|i| i != id);
        if ok {
            self.retry_ms = FIRST_RETRY_MS;
            Answered::Delivered
        } else if self.retry_scheduled {
            Answered::Waiting
        } else {
            self.retry_scheduled = true;
            let wait = self.retry_ms;
            self.retry_ms = (wait * 2).min(MAX_RETRY_MS);
            Answered::RetryIn(wait)
        }
    }

    /// The scheduled retry fired: the next failure schedules another.
    pub fn retry_fired(&mut self) {
        self.retry_scheduled = false;
    }

    /// Whether receipt `id` is on its way.
    pub fn in_flight(&self, id: &str) -> bool {
        self.in_flight.iter().any(|i| i == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_delivery_backs_off_doubling_up_to_the_cap() {
        let mut d = Deliveries::default();
        let log = [("a", "{}"), ("b", "{}")];
        assert_eq!(d.batch(log.into_iter()).len(), 2);
        assert!(d.batch(log.into_iter()).is_empty(), "on its way already");
        assert_eq!(d.answered("a", false), Answered::RetryIn(1_000));
        assert_eq!(d.answered("b", false), Answered::Waiting);
        let mut waits = Vec::new();
        for _ in 0..7 {
            d.retry_fired();
            d.batch([("a", "{}")].into_iter());
            if let Answered::RetryIn(ms) = d.answered("a", false) {
                waits.push(ms);
            }
        }
        assert_eq!(waits, [2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
        d.retry_fired();
        d.batch([("a", "{}")].into_iter());
        assert_eq!(d.answered("a", true), Answered::Delivered);
        assert!(!d.in_flight("a"));
        d.batch([("a", "{}")].into_iter());
        assert_eq!(d.answered("a", false), Answered::RetryIn(FIRST_RETRY_MS));
    }
}
