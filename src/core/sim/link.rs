//! The radio between the sensor and the phone: connection events every
//! connection interval, at most `max_per_event` notifications per event,
//! latency and jitter, the phone's clock drift; and the malformed
//! notifications (corrupted copies of a real one) the link can produce.

use std::collections::VecDeque;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::scenario::Scenario;
use super::{normal, rng_for};
use crate::sensor::protocol::{to_hex, IMU_HEADER_LEN};

/// One notification as the phone receives it.
#[derive(Debug, Clone, PartialEq)]
pub struct SimNotification {
    /// Receive time on the phone's clock, seconds since the capture began.
    pub at_s: f64,
    /// The notification's bytes (possibly malformed).
    pub payload: Vec<u8>,
    /// For a line-level fault of a capture file (odd-length or non-hex): the text written instead of
    /// the payload's hex. The payload itself is then also malformed (one byte short).
    pub raw_hex: Option<String>,
}

/// The kinds of malformed notification lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MalformedKind {
    BadFormat,
    WrongLength,
    NZero,
    OddLength,
    NonHex,
}

pub const MALFORMED_KINDS: [MalformedKind; 5] = [
    MalformedKind::BadFormat,
    MalformedKind::WrongLength,
    MalformedKind::NZero,
    MalformedKind::OddLength,
    MalformedKind::NonHex,
];

/// A malformed copy of a well-formed IMU Data payload: (bytes, text replacing the hex for line faults).
pub fn corrupt(payload: &[u8], kind: MalformedKind, rng: &mut ChaCha8Rng) -> Extra {
    let mut p = payload.to_vec();
    match kind {
        MalformedKind::BadFormat => {
            let choices = [0x00u8, 0x02, 0x11, 0x7f, 0xff];
            p[0] = choices[rng.random_range(0..choices.len())];
            (p, None)
        }
        MalformedKind::WrongLength => {
            // cut 1..=11 bytes (never a whole sample) or append a few
            if rng.random_bool(0.7) && p.len() > IMU_HEADER_LEN + 1 {
                let cut = rng.random_range(1..=11usize.min(p.len() - IMU_HEADER_LEN - 1));
                p.truncate(p.len() - cut);
            } else {
                let extra = rng.random_range(1..=5);
                p.extend((0..extra).map(|_| rng.random::<u8>()));
            }
            (p, None)
        }
        MalformedKind::NZero => {
            p[7] = 0;
            (p, None)
        }
        MalformedKind::OddLength => {
            let mut hex = to_hex(payload);
            hex.pop();
            p.pop();
            (p, Some(hex))
        }
        MalformedKind::NonHex => {
            let mut hex: Vec<char> = to_hex(payload).chars().collect();
            let at = rng.random_range(0..hex.len());
            let bad = ['g', 'h', 'x', 'z', 'q'];
            hex[at] = bad[rng.random_range(0..bad.len())];
            p.pop();
            (p, Some(hex.into_iter().collect()))
        }
    }
}

/// A malformed copy delivered right after its notification: (bytes, text replacing the hex).
pub type Extra = (Vec<u8>, Option<String>);

struct Queued {
    ready_s: f64,
    payload: Vec<u8>,
    /// Malformed copies delivered right after it.
    extras: Vec<Extra>,
}

/// Connection-event scheduling from the sensor's send times to the phone's receive times.
pub struct Radio {
    ci_s: f64,
    max_per_event: u32,
    latency_s: f64,
    jitter_s: f64,
    drift: f64,
    next_event_s: f64,
    queue: VecDeque<Queued>,
    rng: ChaCha8Rng,
    first_rx_offset_s: f64,
    first_rx_phys: Option<f64>,
    last_at: f64,
    /// Jitter of the next connection event, drawn once.
    event_jitter_s: Option<f64>,
}

impl Radio {
    /// `packet_rate` (notifications per second) sets how much the link must carry: the connection
    /// interval is shortened, then the packets per event raised, until it carries 1.3× that.
    pub fn new(s: &Scenario, packet_rate: f64) -> Self {
        let mut rng = rng_for(s.seed, 3);
        let (mut ci_ms, mut per) = (s.conn_interval_ms.max(7.5), s.max_per_event.max(1));
        while f64::from(per) / (ci_ms / 1000.0) < 1.3 * packet_rate {
            if ci_ms > 7.5 {
                ci_ms = (ci_ms / 2.0).max(7.5);
            } else {
                per += 1;
            }
        }
        let ci_s = ci_ms / 1000.0;
        let [lo, hi] = s.rx_first_ms;
        let first_rx_offset_s = if hi > lo { rng.random_range(lo..=hi) } else { lo } / 1000.0;
        Radio {
            ci_s,
            max_per_event: per,
            latency_s: s.latency_ms / 1000.0,
            jitter_s: s.jitter_ms / 1000.0,
            drift: s.phone_drift_ppm * 1e-6,
            next_event_s: rng.random_range(0.0..ci_s),
            queue: VecDeque::new(),
            rng,
            first_rx_offset_s,
            first_rx_phys: None,
            last_at: 0.0,
            event_jitter_s: None,
        }
    }

    /// The connection interval (ms) and notifications per event actually used.
    pub fn used(&self) -> (f64, u32) {
        (self.ci_s * 1000.0, self.max_per_event)
    }

    /// Queues a notification the sensor sends at `ready_s` (its own time), with malformed copies.
    pub fn send(&mut self, ready_s: f64, payload: Vec<u8>, extras: Vec<Extra>) {
        self.queue.push_back(Queued { ready_s, payload, extras });
    }

    /// Removes up to `n` notifications not yet delivered; returns how many.
    pub fn drop_queued(&mut self, n: u32) -> u32 {
        let k = self.queue.len().min(n as usize);
        self.queue.drain(..k);
        k as u32
    }

    /// The next notification to be delivered, to attach a malformed copy after it.
    pub fn front_mut(&mut self) -> Option<(&[u8], &mut Vec<Extra>)> {
        self.queue.front_mut().map(|q| (q.payload.as_slice(), &mut q.extras))
    }

    pub fn is_idle(&self) -> bool {
        self.queue.is_empty()
    }

    /// Delivers every queued notification received by phone time `until_s`.
    pub fn deliver(&mut self, until_s: f64) -> Vec<SimNotification> {
        let mut out = Vec::new();
        while let Some(front) = self.queue.front() {
            if self.next_event_s < front.ready_s {
                let skip = ((front.ready_s - self.next_event_s) / self.ci_s).ceil();
                self.next_event_s += skip * self.ci_s;
            }
            let jitter = match self.event_jitter_s {
                Some(j) => j,
                None => *self.event_jitter_s.insert(self.jitter_s * normal(&mut self.rng).abs()),
            };
            let rx_phys = self.next_event_s + self.latency_s + jitter;
            let first = self.first_rx_phys.unwrap_or(rx_phys);
            let at = (self.first_rx_offset_s + (rx_phys - first) * (1.0 + self.drift)).max(self.last_at);
            if at > until_s {
                break;
            }
            self.first_rx_phys = Some(first);
            self.last_at = at;
            for _ in 0..self.max_per_event {
                match self.queue.front() {
                    Some(q) if q.ready_s <= self.next_event_s => {}
                    _ => break,
                }
                let Some(q) = self.queue.pop_front() else { break };
                out.push(SimNotification { at_s: at, payload: q.payload, raw_hex: None });
                for (payload, raw_hex) in q.extras {
                    out.push(SimNotification { at_s: at, payload, raw_hex });
                }
            }
            self.next_event_s += self.ci_s;
            self.event_jitter_s = None;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensor::protocol::{from_hex, ImuPacket, RawSample};

    fn packet() -> Vec<u8> {
        ImuPacket { seq: 7, time_us: 1234, samples: vec![RawSample([1, 2, 3, 4, 5, 6]); 3] }.encode()
    }

    #[test]
    fn every_malformed_kind_is_rejected_by_the_decoder() {
        let mut rng = rng_for(9, 9);
        for _ in 0..50 {
            for kind in MALFORMED_KINDS {
                let (bytes, text) = corrupt(&packet(), kind, &mut rng);
                assert!(ImuPacket::decode(&bytes).is_err(), "{kind:?}");
                if let Some(t) = text {
                    assert!(from_hex(&t).is_none(), "{kind:?} line must not parse");
                }
            }
        }
    }

    #[test]
    fn receive_times_follow_connection_events_and_never_go_back() {
        let s = Scenario { conn_interval_ms: 30.0, max_per_event: 2, jitter_ms: 1.5, ..Scenario::default() };
        let mut r = Radio::new(&s, 10.0);
        for k in 0..20 {
            r.send(0.001 * f64::from(k), vec![k as u8], Vec::new());
        }
        let got = r.deliver(f64::INFINITY);
        assert_eq!(got.len(), 20);
        assert!(got.windows(2).all(|w| w[1].at_s >= w[0].at_s));
        // two per event: the 20 notifications need 10 events, 30 ms apart
        let span = got[19].at_s - got[0].at_s;
        assert!((0.26..0.29).contains(&span), "{span}");
        assert!(r.is_idle());
    }

    #[test]
    fn nothing_is_delivered_before_its_time() {
        let mut r = Radio::new(&Scenario { rx_first_ms: [0.0, 0.0], ..Scenario::default() }, 10.0);
        r.send(0.0, vec![1], Vec::new());
        r.send(5.0, vec![2], Vec::new());
        let a = r.deliver(1.0);
        assert_eq!(a.len(), 1);
        assert!(r.deliver(4.0).is_empty());
        let b = r.deliver(6.0);
        assert_eq!(b.len(), 1);
        assert!((b[0].at_s - 5.0).abs() < 0.1);
    }

    #[test]
    fn a_slow_link_is_sped_up_to_carry_the_stream() {
        let s = Scenario { conn_interval_ms: 30.0, max_per_event: 6, ..Scenario::default() };
        let r = Radio::new(&s, 200.0);
        let (ci, per) = r.used();
        assert!(f64::from(per) / (ci / 1000.0) >= 1.3 * 200.0);
    }
}
