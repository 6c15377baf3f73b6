//! The capture's continuous timeline: unwraps the sensor's 32-bit µs clock
//! and 16-bit sequence number, counts samples the clock shows were sent but
//! never received, drops duplicates, and bridges a sensor reboot (clock and
//! sequence restart) with the phone's receive times. Pure: it is handed
//! receive times, it never reads a clock.

use crate::sensor::protocol::ImuPacket;

/// Where a packet's samples sit on the timeline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// Timeline seconds of the packet's first sample.
    pub t0_s: f64,
    /// Seconds between samples.
    pub dt_s: f64,
    /// Samples missing between the previous packet and this one.
    pub lost_before: u64,
    /// The sensor rebooted before this packet (its clock restarted).
    pub after_reboot: bool,
}

/// What to do with a packet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    Place(Placement),
    /// A repeat or an out-of-order packet older than what was placed: ignored.
    Stale,
}

#[derive(Debug, Clone, Copy)]
struct Last {
    seq: u16,
    time_us: u32,
    n: u64,
    /// Timeline seconds of that packet's first sample.
    t0_s: f64,
    rx_ms: u64,
}

/// Streaming timeline state.
#[derive(Debug, Clone)]
pub struct Timeline {
    period_us: f64,
    last: Option<Last>,
    /// min over this boot of (rx seconds − timeline seconds of a packet's last sample):
    /// the link latency without jitter, used to bridge a reboot.
    rx_offset_s: Option<f64>,
    pub samples: u64,
    pub lost_samples: u64,
    pub stale_packets: u64,
    pub reboots: u32,
}

/// A clock jump this much larger than the phone saw is a reboot, not loss.
const REBOOT_SLACK_S: f64 = 2.0;

impl Timeline {
    pub fn new(rate_hz: u16) -> Self {
        Timeline {
            period_us: 1e6 / f64::from(rate_hz.max(1)),
            last: None,
            rx_offset_s: None,
            samples: 0,
            lost_samples: 0,
            stale_packets: 0,
            reboots: 0,
        }
    }

    pub fn dt_s(&self) -> f64 {
        self.period_us / 1e6
    }

    /// Timeline seconds of the last sample placed.
    pub fn last_sample_s(&self) -> Option<f64> {
        self.last.map(|l| l.t0_s + (l.n.saturating_sub(1)) as f64 * self.dt_s())
    }

    /// Places a decoded packet received at `rx_ms`.
    pub fn place(&mut self, rx_ms: u64, pkt: &ImuPacket) -> Verdict {
        let n = pkt.samples.len() as u64;
        let dt_s = self.dt_s();
        let placement = match self.last {
            None => Placement { t0_s: 0.0, dt_s, lost_before: 0, after_reboot: false },
            Some(last) => {
                let dtime_us = pkt.time_us.wrapping_sub(last.time_us);
                let dseq = pkt.seq.wrapping_sub(last.seq);
                let clock_s = f64::from(dtime_us) / 1e6;
                let rx_gap_s = rx_ms.saturating_sub(last.rx_ms) as f64 / 1e3;
                if clock_s > rx_gap_s * 1.1 + REBOOT_SLACK_S {
                    // The clock went backwards (a forward jump the phone did not see).
                    let back_s = f64::from(last.time_us.wrapping_sub(pkt.time_us)) / 1e6;
                    if dseq > 0x8000 && back_s < 10.0 {
                        self.stale_packets += 1;
                        return Verdict::Stale;
                    }
                    self.reboot_placement(rx_ms, n, last)
                } else {
                    let steps = (f64::from(dtime_us) / self.period_us).round() as u64;
                    if steps < last.n || dseq == 0 {
                        // Overlaps what we have: a repeat.
                        self.stale_packets += 1;
                        return Verdict::Stale;
                    }
                    Placement {
                        t0_s: last.t0_s + steps as f64 * dt_s,
                        dt_s,
                        lost_before: steps - last.n,
                        after_reboot: false,
                    }
                }
            }
        };
        if placement.after_reboot {
            self.reboots += 1;
        } else {
            self.lost_samples += placement.lost_before;
        }
        self.samples += n;
        let t_last = placement.t0_s + (n.saturating_sub(1)) as f64 * dt_s;
        let off = rx_ms as f64 / 1e3 - t_last;
        self.rx_offset_s = Some(match self.rx_offset_s {
            Some(o) if !placement.after_reboot => o.min(off),
            _ => off,
        });
        self.last = Some(Last { seq: pkt.seq, time_us: pkt.time_us, n, t0_s: placement.t0_s, rx_ms });
        Verdict::Place(placement)
    }

    fn reboot_placement(&self, rx_ms: u64, n: u64, last: Last) -> Placement {
        let dt_s = self.dt_s();
        let last_t = last.t0_s + (last.n.saturating_sub(1)) as f64 * dt_s;
        // The new packet's last sample was taken about one latency before it arrived.
        let est_last = match self.rx_offset_s {
            Some(off) => rx_ms as f64 / 1e3 - off,
            None => last_t + rx_ms.saturating_sub(last.rx_ms) as f64 / 1e3,
        };
        let mut t0 = est_last - (n.saturating_sub(1)) as f64 * dt_s;
        // Keep the timeline strictly increasing, on the sample grid's spacing.
        t0 = t0.max(last_t + dt_s);
        Placement { t0_s: t0, dt_s, lost_before: 0, after_reboot: true }
    }
}
