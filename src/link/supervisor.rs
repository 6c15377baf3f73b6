//! Reconnection policy shared by every link: jittered exponential backoff
//! (0.25 s → 0.5 → 1 → 2 s cap) and the retry loop that keeps attempting a
//! reconnect until it works, the caller cancels, or the give-up deadline
//! passes. The link decides what one attempt is (connect, re-subscribe,
//! write Start); this file only decides when to try.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

/// Jittered exponential backoff. Jitter is ±20 % from a small seeded
/// generator, so two sensors dropping together do not retry in lockstep.
#[derive(Debug, Clone)]
pub struct Backoff {
    first: Duration,
    cap: Duration,
    next: Duration,
    rng: u64,
}

impl Backoff {
    pub fn new(first: Duration, cap: Duration, seed: u64) -> Self {
        Backoff { first, cap, next: first, rng: seed | 1 }
    }
    /// The default policy: 0.25 s doubling to a 2 s cap.
    pub fn standard(seed: u64) -> Self {
        Backoff::new(Duration::from_millis(250), Duration::from_secs(2), seed)
    }
    /// The wait before the next attempt.
    pub fn next_delay(&mut self) -> Duration {
        // xorshift64
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        let unit = (self.rng >> 11) as f64 / (1u64 << 53) as f64; // [0, 1)
        let base = self.next;
        self.next = (self.next * 2).min(self.cap);
        base.mul_f64(0.8 + 0.4 * unit)
    }
    /// Back to the first delay (after a successful reconnect).
    pub fn reset(&mut self) {
        self.next = self.first;
    }
}

/// Retries `attempt` with `backoff` until it succeeds or `give_up` has
/// passed since the first failure; `Err` carries the last attempt's error.
/// The first attempt runs after the first backoff delay (a link that just
/// dropped is rarely back at once).
pub async fn retry<T, E, F, Fut>(backoff: &mut Backoff, give_up: Duration, mut attempt: F) -> Result<T, E>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let deadline = Instant::now() + give_up;
    let mut n = 0u32;
    loop {
        tokio::time::sleep(backoff.next_delay()).await;
        n += 1;
        match attempt(n).await {
            Ok(v) => {
                backoff.reset();
                return Ok(v);
            }
            Err(e) if Instant::now() >= deadline => return Err(e),
            Err(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap_with_bounded_jitter() {
        let mut b = Backoff::standard(42);
        let bases = [250u64, 500, 1000, 2000, 2000, 2000];
        for base in bases {
            let d = b.next_delay().as_millis() as u64;
            assert!(d >= base * 8 / 10 && d <= base * 12 / 10, "delay {d} ms for base {base} ms");
        }
        b.reset();
        let d = b.next_delay().as_millis() as u64;
        assert!((200..=300).contains(&d), "after reset the delay is short again ({d} ms)");
    }

    #[test]
    fn different_seeds_jitter_differently() {
        let (mut a, mut b) = (Backoff::standard(1), Backoff::standard(2));
        let da: Vec<_> = (0..5).map(|_| a.next_delay()).collect();
        let db: Vec<_> = (0..5).map(|_| b.next_delay()).collect();
        assert_ne!(da, db);
    }

    fn quick() -> Backoff {
        Backoff::new(Duration::from_millis(10), Duration::from_millis(40), 7)
    }

    #[tokio::test]
    async fn retry_succeeds_once_the_sensor_is_back() {
        let mut b = quick();
        let back_at = Instant::now() + Duration::from_millis(150);
        let r: Result<u32, &str> = retry(&mut b, Duration::from_secs(30), |n| async move {
            if Instant::now() >= back_at {
                Ok(n)
            } else {
                Err("away")
            }
        })
        .await;
        let attempts = r.expect("reconnects");
        assert!(attempts >= 3, "several attempts while away ({attempts})");
        // Resumes about one capped delay after reappearing, not much later.
        assert!(Instant::now() - back_at <= Duration::from_secs(1));
    }

    #[tokio::test]
    async fn retry_gives_up_after_the_deadline() {
        let mut b = quick();
        let start = Instant::now();
        let r: Result<(), &str> = retry(&mut b, Duration::from_millis(200), |_| async { Err("away") }).await;
        assert_eq!(r, Err("away"));
        assert!(Instant::now() - start >= Duration::from_millis(200));
    }
}
