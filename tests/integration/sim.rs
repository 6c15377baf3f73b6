//! The simulator end to end: its captures through the real capture reader
//! and the analysis pipeline, the physics a user would notice in the raw
//! samples, the wire format, determinism, the demo stream's knobs, and a
//! statistical comparison with a published trace's truth.

use std::io::BufReader;

use anklepump::core::analysis::analyze;
use anklepump::core::sim::body::Body;
use anklepump::core::sim::person::Person;
use anklepump::core::sim::{simulate, Scenario, SimCapture, SimSensor};
use anklepump::sensor::capture::{CaptureReader, Record};
use anklepump::sensor::protocol::{ImuPacket, SensorConfig};

fn short(s: Scenario) -> Scenario {
    Scenario { sets: vec![3, 3], rest_s: 20.0, trailing_s: 2.0, ..s }
}

fn run(s: &Scenario) -> SimCapture {
    simulate(s).expect("valid scenario")
}

/// Decoded notifications of a capture (malformed ones skipped), with the config.
fn packets(cap: &SimCapture) -> (SensorConfig, Vec<(u64, ImuPacket)>) {
    let reader = CaptureReader::new(BufReader::new(cap.apcap.as_bytes())).expect("a capture");
    let cfg = reader.header().config;
    let mut out = Vec::new();
    for rec in reader {
        if let Ok(Record::Notification { rx_ms, payload }) = rec {
            if let Ok(p) = ImuPacket::decode(&payload) {
                out.push((rx_ms, p));
            }
        }
    }
    (cfg, out)
}

fn quiet(s: Scenario) -> Scenario {
    Scenario {
        accel_noise_mg: 0.0,
        gyro_noise_dps: 0.0,
        accel_bias_mg: [0.0; 3],
        gyro_bias_dps: [0.0; 3],
        tremor_rest_deg: 0.0,
        tremor_hold_deg: 0.0,
        ..s
    }
}

#[test]
fn counters_through_the_analyzer_match_the_truth_exactly() {
    let cases = [
        Scenario::preset("lying").unwrap(),
        Scenario { rate_hz: 200, mtu: 247, loss_p: 0.02, ..Scenario::preset("seated").unwrap() },
        Scenario { malformed: 25, loss_p: 0.03, loss_bursts_s: vec![1.5], ..Scenario::preset("heavy_loss").unwrap() },
        Scenario::preset("reboot_wrap").unwrap(),
        Scenario { rate_hz: 25, mtu: 23, phone_drift_ppm: 40.0, ..Scenario::preset("continuous").unwrap() },
    ];
    for s in cases {
        let s = short(s);
        let cap = run(&s);
        let got = analyze(BufReader::new(cap.apcap.as_bytes()), false).expect("analyzable").analysis;
        let t = &cap.truth;
        assert_eq!(got.samples, t.samples, "{}", s.name);
        assert_eq!(got.lost_samples, t.lost_samples, "{}", s.name);
        assert_eq!(got.malformed_packets, t.malformed_packets, "{}", s.name);
        assert_eq!(t.malformed_packets, u64::from(s.malformed), "{}", s.name);
        let tol = if s.reboot_gap_s > 0.0 { 0.3 } else { 1e-3 };
        assert!((got.duration_s - t.duration_s).abs() <= tol, "{}: {} vs {}", s.name, got.duration_s, t.duration_s);
        // every sample the sensor took is either received or counted lost (except at a reboot)
        if s.reboot_gap_s == 0.0 {
            let taken = (t.duration_s * f64::from(s.rate_hz)).round() as u64 + 1;
            assert_eq!(t.samples + t.lost_samples, taken, "{}", s.name);
        }
    }
}

#[test]
fn a_clean_lying_session_gives_the_analyzer_the_true_rep_count() {
    let cap = run(&Scenario::preset("lying").unwrap());
    let got = analyze(BufReader::new(cap.apcap.as_bytes()), false).unwrap().analysis;
    assert_eq!(cap.truth.reps.len(), 12);
    assert_eq!(got.reps.len(), cap.truth.reps.len());
}

#[test]
fn at_rest_the_accelerometer_reads_one_g_and_the_gyro_zero() {
    let s = quiet(short(Scenario::preset("extended").unwrap()));
    let cap = run(&s);
    let (cfg, pk) = packets(&cap);
    let calib_samples: Vec<_> = pk.iter().flat_map(|(_, p)| p.samples.clone()).take(2 * 50).collect();
    assert!(calib_samples.len() >= 100);
    for smp in calib_samples {
        let a: Vec<f64> = smp.0[..3].iter().map(|&v| f64::from(v) * cfg.accel_scale_g()).collect();
        let norm = a.iter().map(|v| v * v).sum::<f64>().sqrt();
        assert!((norm - 1.0).abs() < 0.002, "{norm}");
        assert!(smp.0[3..].iter().all(|&g| f64::from(g).abs() * cfg.gyro_scale_dps() < 0.05));
    }
}

#[test]
fn the_gyro_in_the_capture_integrates_to_the_ankle_angle() {
    let s = quiet(Scenario { sets: vec![3], strap_rot_deg: 230.0, rate_hz: 100, ..Scenario::default() });
    let cap = run(&s);
    let (cfg, pk) = packets(&cap);
    let (body, person) = (Body::new(&s), Person::new(&s));
    let u = body.axis_in_sensor();
    let dt = 1.0 / f64::from(cfg.rate_hz);
    let (mut angle, mut prev, mut worst, mut k) = (0.0, None::<f64>, 0.0f64, 0usize);
    for (_, p) in &pk {
        for smp in &p.samples {
            let w: Vec<f64> = smp.0[3..].iter().map(|&g| f64::from(g) * cfg.gyro_scale_dps()).collect();
            let rate = w[0] * u.x + w[1] * u.y + w[2] * u.z;
            if let Some(r0) = prev {
                angle += 0.5 * (r0 + rate) * dt;
            }
            prev = Some(rate);
            worst = worst.max((angle - person.angle_deg(k as f64 * dt)).abs());
            k += 1;
        }
    }
    assert!(k > 3000);
    assert!(worst < 1.0, "integrated gyro strays {worst} deg from the ankle angle");
}

#[test]
fn the_first_movement_is_dorsiflexion_even_with_plantar_first_reps() {
    let s = quiet(short(Scenario { strap_rot_deg: 300.0, ..Scenario::preset("pf_first").unwrap() }));
    let cap = run(&s);
    let (cfg, pk) = packets(&cap);
    let u = Body::new(&s).axis_in_sensor();
    let dt = 1.0 / f64::from(cfg.rate_hz);
    let mut angle = 0.0;
    for smp in pk.iter().flat_map(|(_, p)| p.samples.iter()) {
        let w: Vec<f64> = smp.0[3..].iter().map(|&g| f64::from(g) * cfg.gyro_scale_dps()).collect();
        angle += (w[0] * u.x + w[1] * u.y + w[2] * u.z) * dt;
        if angle.abs() > 5.0 {
            assert!(angle > 0.0, "first excursion goes down");
            break;
        }
    }
    // later reps start with plantarflexion: the truth's second rep reaches its plantar peak first
    let person = Person::new(&s);
    assert!(person.reps()[0].dorsi_first && !person.reps()[1].dorsi_first);
}

#[test]
fn notifications_fill_but_never_exceed_the_mtu() {
    for mtu in [23u16, 24, 50, 100, 185, 247] {
        let s = Scenario { mtu, sets: vec![1], ..Scenario::default() };
        let cap = run(&s);
        let (_, pk) = packets(&cap);
        let spn = (usize::from(mtu) - 3 - 8) / 12;
        assert!(!pk.is_empty());
        for (_, p) in &pk {
            assert_eq!(p.samples.len(), spn.max(1), "mtu {mtu}");
            assert!(p.encode().len() <= usize::from(mtu) - 3);
        }
        assert_eq!(cap.truth.scenario.facts.samples_per_notification, spn);
    }
}

#[test]
fn a_range_the_motion_would_clip_is_raised_unless_asked_not_to() {
    let fast = Scenario { gyro_range_dps: 125, move_s: 0.4, sets: vec![3], ..Scenario::default() };
    let clipped = |cap: &SimCapture| {
        let (_, pk) = packets(cap);
        pk.iter()
            .flat_map(|(_, p)| p.samples.iter())
            .filter(|s| s.0[3..].iter().any(|&g| g == i16::MAX || g == i16::MIN))
            .count()
    };
    let cap = run(&fast);
    let (cfg, _) = packets(&cap);
    assert!(cfg.gyro_range_dps > 125, "header announces the raised range");
    assert_eq!(cap.truth.scenario.scenario.gyro_range_dps, cfg.gyro_range_dps);
    assert_eq!(cap.truth.scenario.facts.range_bumped.len(), 1);
    assert_eq!(clipped(&cap), 0);
    let raw = run(&Scenario { auto_range: false, ..fast });
    assert!(clipped(&raw) > 0, "without auto_range the gyro clips at full scale");
}

#[test]
fn sequence_wraps_at_65535_and_clock_at_2_pow_32() {
    let s = Scenario {
        seq0: 65_520,
        clock0_us: u32::MAX - 3_000_000,
        rate_hz: 100,
        mtu: 23,
        sets: vec![1],
        ..Scenario::default()
    };
    let cap = run(&s);
    let (cfg, pk) = packets(&cap);
    let (mut seq_wrapped, mut clock_wrapped) = (false, false);
    for w in pk.windows(2) {
        let (a, b) = (&w[0].1, &w[1].1);
        assert_eq!(b.seq, a.seq.wrapping_add(1), "no loss configured");
        let step = b.time_us.wrapping_sub(a.time_us);
        assert_eq!(f64::from(step), cfg.period_us() * a.samples.len() as f64);
        seq_wrapped |= b.seq < a.seq;
        clock_wrapped |= b.time_us < a.time_us;
        assert!(w[1].0 >= w[0].0, "receive times never go back");
    }
    assert!(seq_wrapped && clock_wrapped);
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let s = short(Scenario::preset("heavy_loss").unwrap());
    let (a, b) = (run(&s), run(&s));
    assert!(a.apcap == b.apcap, "same seed, same capture");
    assert_eq!(a.truth, b.truth);
    let c = run(&Scenario { seed: s.seed + 1, ..s });
    assert!(a.apcap != c.apcap, "another seed, another capture");
}

#[test]
fn the_truths_scenario_reproduces_the_capture() {
    let s =
        short(Scenario { reboot_gap_s: 2.0, shank_shift_deg: 6.0, loss_bursts_s: vec![1.0], ..Scenario::default() });
    let a = run(&s);
    let again = run(&a.truth.scenario.scenario);
    assert!(a.apcap == again.apcap, "the truth's scenario reproduces the capture");
    assert!(a.truth.leg_moved);
    assert_eq!(a.truth.loss_gaps.len(), 1);
}

#[test]
fn the_stream_pulled_in_chunks_gives_the_same_notifications() {
    let s = short(Scenario { loss_p: 0.05, malformed: 5, ..Scenario::preset("reboot_wrap").unwrap() });
    let mut whole = SimSensor::new(s.clone()).unwrap();
    let all = whole.next_notifications(f64::INFINITY);
    let mut live = SimSensor::new(s).unwrap();
    let mut chunked = Vec::new();
    let mut t = 0.0;
    while !live.is_finished() {
        t += 0.137;
        let got = live.next_notifications(t);
        assert!(got.iter().all(|n| n.at_s <= t));
        chunked.extend(got);
    }
    assert!(all == chunked, "chunked stream differs from the whole");
}

#[test]
fn demo_knobs_drop_corrupt_and_reboot() {
    let mut demo = SimSensor::new(Scenario { rx_first_ms: [0.0, 0.0], ..Scenario::preset("demo").unwrap() }).unwrap();
    let warmup = demo.next_notifications(5.0);
    let last = ImuPacket::decode(&warmup.last().unwrap().payload).unwrap();
    demo.drop_next(3);
    let next = demo.next_notifications(7.0);
    let first = ImuPacket::decode(&next[0].payload).unwrap();
    assert_eq!(first.seq, last.seq.wrapping_add(4), "three notifications were lost");
    demo.inject_malformed();
    let batch = demo.next_notifications(8.0);
    assert_eq!(batch.iter().filter(|n| ImuPacket::decode(&n.payload).is_err()).count(), 1);
    demo.reboot();
    let after = demo.next_notifications(12.0);
    let seqs: Vec<u16> = after.iter().filter_map(|n| ImuPacket::decode(&n.payload).ok()).map(|p| p.seq).collect();
    assert!(seqs.contains(&0), "the sequence restarts after the reboot");
    // an endless demo keeps streaming well past any fixed plan
    let late = demo.next_notifications(400.0);
    assert!(late.last().unwrap().at_s > 395.0);
}

/// The scenario of the published `p01_lying_clean.truth.json`.
const P01: &str = r#"{"posture": "lying", "shank_pitch_deg": 1.0, "leg_roll_ext_deg": 10.0, "side": "right",
 "shank_len_m": 0.42, "mount": "strap", "strap_rot_deg": 25.0, "strap_tilt_deg": [4.0, -3.0],
 "sensor_pos_cm": [10.0, 0.0, 5.0], "rate_hz": 50, "mtu": 185, "accel_range_g": 8, "gyro_range_dps": 500,
 "accel_noise_mg": 3.0, "gyro_noise_dps": 0.1, "accel_bias_mg": [4, -6, 9], "gyro_bias_dps": [0.15, -0.1, 0.2],
 "calib_s": 3.0, "sets": [24], "continuous": false, "pf_first": false, "dorsi_deg": 20, "plantar_deg": 42,
 "dorsi_sd": 2.0, "plantar_sd": 3.0, "fatigue": 0.0, "move_s": 0.9, "tempo_jitter": 0.12, "hold_dorsi_s": 2.0,
 "hold_plantar_s": 2.0, "hold_jitter": 0.2, "pause_s": [1.0, 2.0], "rest_s": 60.0, "jerky": false,
 "tremor_rest_deg": 0.3, "tremor_hold_deg": 0.5, "tremor_fc_hz": 2.0, "trailing_s": 3.0, "seq0": 40824,
 "clock0_us": 3913631462, "loss_p": 0.0, "conn_interval_ms": 30.0, "max_per_event": 6, "latency_ms": 8.0,
 "jitter_ms": 1.5, "phone_drift_ppm": 0.0, "rx_first_ms": [0, 300], "device": null, "name": "lying_clean", "seed": 101}"#;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[test]
fn a_published_scenario_gives_a_statistically_similar_capture() {
    let s: Scenario = serde_json::from_str(P01).unwrap();
    let cap = run(&s);
    let t = &cap.truth;
    // published truth: 24 reps in 204.4 s, 10220 samples; rep length median 6.79 s,
    // holds median 2.47 / 2.34 s, peaks mean 20.3 / 42.7 deg
    assert_eq!(t.reps.len(), 24);
    assert!((t.duration_s - 204.4).abs() < 20.0, "{}", t.duration_s);
    assert_eq!(t.samples, (t.duration_s * 50.0).round() as u64 + 1);
    let len = median(t.reps.iter().map(|r| r.end_s - r.start_s).collect());
    assert!((len - 6.79).abs() < 0.7, "rep length {len}");
    let hd = median(t.reps.iter().map(|r| r.hold_dorsi_s).collect());
    let hp = median(t.reps.iter().map(|r| r.hold_plantar_s).collect());
    assert!((hd - 2.47).abs() < 0.4 && (hp - 2.34).abs() < 0.4, "holds {hd} {hp}");
    let pd = t.reps.iter().map(|r| r.peak_dorsi_deg).sum::<f64>() / 24.0;
    let pp = t.reps.iter().map(|r| r.peak_plantar_deg).sum::<f64>() / 24.0;
    assert!((pd - 20.0).abs() < 1.5 && (pp - 42.0).abs() < 2.0, "peaks {pd} {pp}");
    assert_eq!(t.reps[0].start_s, 3.0, "the first rep starts when calibration ends");
}
