//! Rep detector tests on scripted ankle-angle traces: what a user would
//! notice — a pump counts once with its peaks and holds, fidgets and
//! one-sided movements never count, and the live phase follows the foot.

use super::reps::{Phase, RepDetector};

/// An ankle-angle trace at 50 Hz built from minimum-jerk moves (`go`) and holds.
struct Script {
    t: f64,
    a: f64,
    out: Vec<(f64, f64)>,
}

const DT: f64 = 0.02;

impl Script {
    fn new() -> Self {
        Script { t: 0.0, a: 0.0, out: vec![(0.0, 0.0)] }
    }
    fn go(mut self, to: f64, secs: f64) -> Self {
        let (from, n) = (self.a, (secs / DT).round() as usize);
        for i in 1..=n {
            let x = i as f64 / n as f64;
            let s = x * x * x * (10.0 - 15.0 * x + 6.0 * x * x);
            self.t += DT;
            self.out.push((self.t, from + (to - from) * s));
        }
        self.a = to;
        self
    }
    fn hold(self, secs: f64) -> Self {
        let a = self.a;
        self.go(a, secs)
    }
    fn pump(self, up: f64, down: f64, hold: f64) -> Self {
        self.go(up, 0.8).hold(hold).go(-down, 1.2).hold(hold).go(0.0, 0.8).hold(1.0)
    }
    fn run(self) -> (Vec<super::reps::Rep>, RepDetector) {
        let mut d = RepDetector::default();
        d.start(0.0);
        let reps = self.out.iter().filter_map(|&(t, a)| d.push(t, a, t)).collect();
        (reps, d)
    }
}

#[test]
fn a_pump_counts_once_with_its_peaks_and_holds() {
    let (reps, _) = Script::new().hold(1.0).pump(20.0, 40.0, 3.0).pump(18.0, 42.0, 2.0).run();
    assert_eq!(reps.len(), 2);
    let r = &reps[0];
    assert!((r.peak_dorsi_deg - 20.0).abs() < 0.01 && (r.peak_plantar_deg - 40.0).abs() < 0.01);
    assert!((r.rom_deg - 60.0).abs() < 0.02);
    // 3 s held, plus the time the smooth move spends within 2° of the extreme.
    assert!(r.hold_dorsi_s > 3.0 && r.hold_dorsi_s < 3.6, "{}", r.hold_dorsi_s);
    assert!(r.start_s >= 0.9 && r.start_s < 1.3, "{}", r.start_s);
    assert!(r.detected_s <= r.end_s + 0.5);
    assert!((reps[1].peak_plantar_deg - 42.0).abs() < 0.01);
}

#[test]
fn fidgets_and_one_sided_moves_are_not_reps() {
    let (reps, d) = Script::new()
        .hold(1.0)
        .pump(20.0, 40.0, 1.0)
        .go(2.5, 0.3)
        .go(-2.0, 0.4)
        .go(0.0, 0.3)
        .hold(2.0)
        .go(15.0, 0.8) // toes up and back, no plantarflexion
        .hold(1.0)
        .go(0.0, 0.8)
        .hold(2.0)
        .pump(20.0, 40.0, 1.0)
        .run();
    assert_eq!(reps.len(), 2);
    assert_eq!(d.live().reps, 2);
}

#[test]
fn relaxing_during_a_rest_does_not_pair_with_the_next_set() {
    let (reps, _) = Script::new()
        .hold(1.0)
        .pump(20.0, 40.0, 1.0)
        .go(-12.0, 6.0) // the foot relaxes slowly…
        .hold(20.0)
        .go(-10.0, 0.5)
        .go(-12.0, 0.5) // …fidgets…
        .hold(10.0)
        .go(20.0, 1.0) // …and the next set starts straight from there
        .hold(1.0)
        .go(-40.0, 1.2)
        .hold(1.0)
        .go(0.0, 0.8)
        .hold(1.0)
        .run();
    assert_eq!(reps.len(), 2);
    assert!((reps[1].peak_dorsi_deg - 20.0).abs() < 0.01 && (reps[1].peak_plantar_deg - 40.0).abs() < 0.01);
    assert!(reps[1].start_s > 40.0, "the second rep starts with the second set: {}", reps[1].start_s);
}

#[test]
fn continuous_pumping_splits_where_the_angle_rises_through_neutral() {
    let mut s = Script::new().hold(1.0);
    for _ in 0..5 {
        s = s.go(20.0, 0.4).go(-40.0, 0.5);
    }
    let (reps, _) = s.go(0.0, 0.4).hold(1.0).run();
    assert_eq!(reps.len(), 5);
    for w in reps.windows(2) {
        assert!((w[0].end_s - w[1].start_s).abs() < 0.05, "back to back: {:?}", (w[0].end_s, w[1].start_s));
    }
}

#[test]
fn a_small_post_operative_range_still_counts() {
    let mut s = Script::new().hold(2.0);
    for _ in 0..3 {
        s = s.go(5.0, 2.5).hold(8.0).go(-6.0, 2.5).hold(8.0).go(0.0, 2.5).hold(3.0);
    }
    let (reps, _) = s.run();
    assert_eq!(reps.len(), 3);
    assert!(reps.iter().all(|r| (r.rom_deg - 11.0).abs() < 0.05));
}

#[test]
fn the_live_phase_follows_the_foot_and_the_hold_clock_runs_only_while_held() {
    let s = Script::new().hold(1.0).go(20.0, 0.8).hold(3.0).go(-40.0, 1.2).hold(2.0).go(0.0, 0.8).hold(1.0);
    let mut d = RepDetector::default();
    let mut phases: Vec<Phase> = Vec::new();
    let mut max_hold_up: f64 = 0.0;
    for &(t, a) in &s.out {
        d.push(t, a, t);
        let l = d.live();
        if phases.last() != Some(&l.phase) {
            phases.push(l.phase);
        }
        if l.phase == Phase::HoldingUp {
            max_hold_up = max_hold_up.max(l.hold_s);
        }
    }
    let want = [
        Phase::Neutral,
        Phase::MovingUp,
        Phase::HoldingUp,
        Phase::MovingDown,
        Phase::HoldingDown,
        Phase::MovingUp,
        Phase::Neutral,
    ];
    assert_eq!(phases, want);
    assert!(max_hold_up > 2.7 && max_hold_up < 3.4, "{max_hold_up}");
}

/// A post-operative set (about 8° each way, holds of 3 s, pauses of 2 s) around `home`.
fn small_set(mut s: Script, home: f64, n: usize) -> Script {
    for _ in 0..n {
        s = s.go(home + 8.0, 1.8).hold(3.0).go(home - 8.5, 1.8).hold(3.0).go(home, 1.8).hold(2.0);
    }
    s
}

#[test]
fn a_leg_shift_while_relaxed_moves_neutral_up_for_the_next_set() {
    // The foot relaxes 9° toes down; mid-rest the leg shifts so that the relaxed foot
    // reads near the old neutral; at the end of the rest it comes back up to the new
    // neutral (+8.5°), rests there 2 s, and the next set pumps around it.
    let s = small_set(Script::new().hold(2.0), 0.0, 2).go(-9.0, 4.0).hold(15.0).go(-0.5, 1.0).hold(15.0);
    let s = small_set(s.go(8.5, 1.5).hold(2.0), 8.5, 3);
    let (reps, _) = s.run();
    assert_eq!(reps.len(), 5, "{reps:?}");
    let r = &reps[2];
    assert!(r.start_s > 60.0, "the first rep of the second set starts where it leaves the rest: {}", r.start_s);
    assert!((r.rom_deg - 16.5).abs() < 0.1, "{}", r.rom_deg);
}

#[test]
fn a_return_pausing_half_way_does_not_lose_the_next_rep() {
    // A slow, jerky post-operative set: the return pauses most of the way back, which
    // passes for the new neutral; the foot then rests 2 s at the true one, and the next
    // rep's move toes down slows to a crawl as it passes that pause level.
    let mut s = Script::new().hold(2.0);
    for _ in 0..3 {
        s = s.go(5.0, 2.8).hold(4.0).go(-3.0, 1.2).go(-5.0, 1.2).go(-10.5, 1.2).hold(4.0);
        s = s.go(-4.0, 1.2).hold(0.3).go(0.0, 0.6).hold(2.0);
    }
    let (reps, _) = s.run();
    assert_eq!(reps.len(), 3, "{reps:?}");
}

#[test]
fn a_relaxed_foot_sinking_further_is_not_a_new_neutral() {
    // Relaxed 13° toes down, then the leg shifts 6° further down; at the end of the
    // rest the foot comes up to the new neutral (-6°) and a plantar-first set follows.
    let mut s = small_set(Script::new().hold(2.0), 0.0, 1)
        .go(-13.0, 4.0)
        .hold(15.0)
        .go(-19.0, 1.0)
        .hold(15.0)
        .go(-6.0, 1.5)
        .hold(3.0);
    for _ in 0..3 {
        s = s.go(-12.0, 2.0).hold(5.0).go(-2.0, 2.0).hold(5.0).go(-6.0, 2.0).hold(1.0);
    }
    let (reps, _) = s.run();
    assert_eq!(reps.len(), 4, "{reps:?}");
    assert!(reps[1].start_s > 50.0, "{}", reps[1].start_s);
}
