//! Timeline tests in `check(input, expect)` style: a script of packets
//! (receive ms, sequence number, sensor µs, samples) and the placements and
//! counters the timeline must produce.

use super::timeline::{Timeline, Verdict};
use crate::sensor::protocol::{ImuPacket, RawSample};

/// Runs `(rx_ms, seq, time_us, n)` packets at `rate` Hz; renders each verdict
/// as `t0 +lost` (`R` after a reboot, `stale` when ignored) and the counters.
fn check(rate: u16, script: &[(u64, u16, u32, usize)], expect: &str) {
    let mut tl = Timeline::new(rate);
    let mut out = Vec::new();
    for &(rx, seq, time_us, n) in script {
        let pkt = ImuPacket { seq, time_us, samples: vec![RawSample::default(); n] };
        out.push(match tl.place(rx, &pkt) {
            Verdict::Place(p) => {
                format!(
                    "{:.3}{}{}",
                    p.t0_s,
                    if p.lost_before > 0 { format!(" +{}", p.lost_before) } else { String::new() },
                    if p.after_reboot { " R" } else { "" }
                )
            }
            Verdict::Stale => "stale".to_string(),
        });
    }
    out.push(format!("samples={} lost={} reboots={}", tl.samples, tl.lost_samples, tl.reboots));
    assert_eq!(out.join(" | "), expect);
}

#[test]
fn consecutive_packets_are_evenly_spaced() {
    check(
        50,
        &[(10, 7, 1_000_000, 2), (50, 8, 1_040_000, 2), (90, 9, 1_080_000, 2)],
        "0.000 | 0.040 | 0.080 | samples=6 lost=0 reboots=0",
    );
}

#[test]
fn a_lost_packet_shows_in_sequence_and_clock() {
    check(100, &[(0, 1, 0, 3), (60, 3, 60_000, 3)], "0.000 | 0.060 +3 | samples=6 lost=3 reboots=0");
}

#[test]
fn sequence_and_clock_wrap_without_loss() {
    // seq 65535 -> 0 and the µs clock 2^32 - 10 ms -> 10 ms later, wrapped.
    check(
        100,
        &[(0, 65535, u32::MAX - 9_999, 1), (10, 0, 1, 1), (20, 1, 10_001, 1)],
        "0.000 | 0.010 | 0.020 | samples=3 lost=0 reboots=0",
    );
}

#[test]
fn a_reboot_is_bridged_with_receive_times_and_not_counted_as_loss() {
    // 25 Hz, one sample per packet; the sensor goes quiet for 3.5 s and restarts its clock and sequence.
    check(
        25,
        &[(1000, 500, 50_000_000, 1), (1040, 501, 50_040_000, 1), (4540, 0, 120_000, 1), (4580, 1, 160_000, 1)],
        "0.000 | 0.040 | 3.540 R | 3.580 | samples=4 lost=0 reboots=1",
    );
}

#[test]
fn repeats_and_late_packets_are_ignored() {
    check(
        50,
        &[(0, 10, 0, 1), (20, 11, 20_000, 1), (20, 11, 20_000, 1), (40, 10, 0, 1), (40, 12, 40_000, 1)],
        "0.000 | 0.020 | stale | stale | 0.040 | samples=3 lost=0 reboots=0",
    );
}

#[test]
fn a_long_loss_burst_is_loss_not_a_reboot() {
    // 2 s with nothing received; clock and sequence carry on.
    check(
        100,
        &[(0, 100, 5_000_000, 1), (2010, 301, 7_010_000, 1)],
        "0.000 | 2.010 +200 | samples=2 lost=200 reboots=0",
    );
}
