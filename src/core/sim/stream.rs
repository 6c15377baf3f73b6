//! The simulated APS-1 as a stream (the app's demo sensor, and the engine
//! behind `simulate`): the person moves, the body model gives the IMU
//! readings, the sensor packs them into IMU Data notifications (sequence
//! number, wrapping clock, reboots), the link loses some, corrupts some
//! and delivers the rest at receive times. Pull notifications as (wall)
//! time passes with [`SimSensor::next_notifications`]; the knobs drop,
//! corrupt or reboot on demand. The output does not depend on how the
//! time is chunked.

use std::collections::BTreeSet;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::body::{Body, Imu};
use super::link::{corrupt, MalformedKind, Radio, SimNotification, MALFORMED_KINDS};
use super::person::Person;
use super::rng_for;
use super::scenario::{Scenario, SimError};
use crate::sensor::protocol::{ImuPacket, RawSample, SensorConfig, ACCEL_RANGES_G, GYRO_RANGES_DPS};

/// What the sensor did, kept for the ground truth.
#[derive(Debug, Clone, Default)]
pub struct Log {
    /// Per notification sent: (boot index, samples, lost).
    pub packets: Vec<(usize, usize, bool)>,
    /// Per boot: (time of its first sample, time of its last sample taken).
    pub boots: Vec<(f64, f64)>,
    /// Time of the last sample of the last notification not lost.
    pub last_rx_sample_s: f64,
    pub malformed: Vec<MalformedKind>,
    pub reboot_t: Option<f64>,
}

/// The simulated sensor and link.
pub struct SimSensor {
    s: Scenario,
    cfg: SensorConfig,
    person: Person,
    body: Body,
    imu: Imu,
    radio: Radio,
    rng: ChaCha8Rng,
    spn: usize,
    period_s: f64,
    // the sensor's clock in the current boot
    boot_t0: f64,
    boot_clock0_us: u32,
    k: u64,
    seq: u16,
    pending: Vec<RawSample>,
    pending_t0: f64,
    packet_idx: u64,
    // faults
    reboot_at: Option<f64>,
    auto_reboot_done: bool,
    bursts: Vec<[f64; 2]>,
    drop_next: u32,
    malformed_at: BTreeSet<u64>,
    malformed_pending: u32,
    kind_cursor: usize,
    finished: bool,
    log: Log,
    range_bumped: Vec<String>,
}

/// With `auto_range`, raises each range the planned motion would clip (10 % margin); says what changed.
fn fit_ranges(s: &mut Scenario, person: &Person, body: &Body) -> Vec<String> {
    let mut bumped = Vec::new();
    if !s.auto_range || !person.is_fixed() {
        return bumped;
    }
    let (mut need_a, mut need_w) = (0.0f64, 0.0f64);
    let dt = 0.01;
    for k in 0..=(person.plan_end() / dt) as usize {
        let (a, w) = body.ideal_imu(person, k as f64 * dt);
        for i in 0..3 {
            let ai = a[i].abs() * (1.0 + s.accel_scale_err[i].abs()) + s.accel_bias_mg[i].abs() / 1000.0;
            let wi = w[i].abs() * (1.0 + s.gyro_scale_err[i].abs()) + s.gyro_bias_dps[i].abs();
            need_a = need_a.max(ai + 4.0 * s.accel_noise_mg / 1000.0);
            need_w = need_w.max(wi + 4.0 * s.gyro_noise_dps);
        }
    }
    if let Some(&r) = ACCEL_RANGES_G.iter().find(|&&r| f64::from(r) >= 1.1 * need_a) {
        if r > s.accel_range_g {
            bumped.push(format!("accel_range_g {} -> {r}", s.accel_range_g));
            s.accel_range_g = r;
        }
    }
    if let Some(&r) = GYRO_RANGES_DPS.iter().find(|&&r| f64::from(r) >= 1.1 * need_w) {
        if r > s.gyro_range_dps {
            bumped.push(format!("gyro_range_dps {} -> {r}", s.gyro_range_dps));
            s.gyro_range_dps = r;
        }
    }
    bumped
}

impl SimSensor {
    pub fn new(mut s: Scenario) -> Result<Self, SimError> {
        s.validate()?;
        let person = Person::new(&s);
        let body = Body::new(&s);
        let range_bumped = fit_ranges(&mut s, &person, &body);
        let cfg = s.config();
        let spn = s.samples_per_notification();
        let period_s = 1.0 / f64::from(s.rate_hz);
        let mut place = rng_for(s.seed, 5);
        let horizon = if person.is_fixed() { person.plan_end() } else { s.calib_s + 300.0 };
        let bursts = if s.loss_bursts.is_empty() {
            s.loss_bursts_s
                .iter()
                .filter(|&&d| d > 0.0 && horizon - d - 2.0 > s.calib_s + 1.0)
                .map(|&d| {
                    let t = place.random_range(s.calib_s + 1.0..horizon - d - 2.0);
                    [t, t + d]
                })
                .collect()
        } else {
            s.loss_bursts.clone()
        };
        let expected = (horizon / period_s / spn as f64) as u64;
        let mut malformed_at = BTreeSet::new();
        if person.is_fixed() && expected > 4 {
            let n = u64::from(s.malformed).min(expected - 3);
            while (malformed_at.len() as u64) < n {
                malformed_at.insert(place.random_range(1..expected - 1));
            }
        }
        let mut rng = rng_for(s.seed, 4);
        let kind_cursor = rng.random_range(0..MALFORMED_KINDS.len());
        Ok(SimSensor {
            cfg,
            body,
            range_bumped,
            imu: Imu::new(&s),
            radio: Radio::new(&s, f64::from(s.rate_hz) / spn as f64),
            rng,
            spn,
            period_s,
            boot_t0: 0.0,
            boot_clock0_us: s.clock0_us,
            k: 0,
            seq: s.seq0,
            pending: Vec::with_capacity(spn),
            pending_t0: 0.0,
            packet_idx: 0,
            reboot_at: s.reboot_t.filter(|_| s.reboot_gap_s > 0.0),
            auto_reboot_done: s.reboot_t.is_some(),
            bursts,
            drop_next: 0,
            malformed_at,
            malformed_pending: 0,
            kind_cursor,
            finished: false,
            log: Log { boots: vec![(0.0, 0.0)], ..Log::default() },
            person,
            s,
        })
    }

    /// The configuration the sensor reports (read it after connecting).
    pub fn config(&self) -> SensorConfig {
        self.cfg
    }

    /// Ranges raised by `auto_range` (the scenario and config already carry the new values).
    pub fn range_bumped(&self) -> &[String] {
        &self.range_bumped
    }

    /// The scenario as run (ranges possibly raised by `auto_range`).
    pub fn scenario(&self) -> &Scenario {
        &self.s
    }

    /// The person's motion plan so far.
    pub fn person(&self) -> &Person {
        &self.person
    }

    /// True once a fixed plan has ended and everything was delivered.
    pub fn is_finished(&self) -> bool {
        self.finished && self.radio.is_idle()
    }

    /// The next `n` notifications not yet delivered are lost.
    pub fn drop_next(&mut self, n: u32) {
        let gone = self.radio.drop_queued(n);
        self.drop_next = self.drop_next.saturating_add(n - gone);
    }

    /// A malformed copy of the next delivered notification follows it.
    pub fn inject_malformed(&mut self) {
        let kind = MALFORMED_KINDS[self.kind_cursor % MALFORMED_KINDS.len()];
        match self.radio.front_mut() {
            Some((payload, extras)) => {
                self.kind_cursor += 1;
                extras.push(corrupt(payload, kind, &mut self.rng));
                self.log.malformed.push(kind);
            }
            None => self.malformed_pending += 1,
        }
    }

    /// The sensor reboots now: `reboot_gap_s` (at least 1 s) of silence, then clock and sequence restart.
    pub fn reboot(&mut self) {
        self.reboot_at = Some(self.boot_t0 + self.k as f64 * self.period_s);
    }

    /// Loss bursts [start, end] in sensor time.
    pub fn loss_bursts(&self) -> &[[f64; 2]] {
        &self.bursts
    }

    pub fn samples_per_notification(&self) -> usize {
        self.spn
    }

    pub fn link_used(&self) -> (f64, u32) {
        self.radio.used()
    }

    pub fn log(&self) -> &Log {
        &self.log
    }

    /// Every notification received by `until_s` (phone time, seconds since the stream began).
    /// An endless scenario needs a finite `until_s`.
    pub fn next_notifications(&mut self, until_s: f64) -> Vec<SimNotification> {
        if !self.person.is_fixed() && !until_s.is_finite() {
            return Vec::new();
        }
        // receive times trail sample times by a packet, the latency and the first-receive offset
        let horizon = until_s + 1.0 + self.spn as f64 * self.period_s;
        while !self.finished {
            let t = self.boot_t0 + self.k as f64 * self.period_s;
            if t > horizon {
                break;
            }
            self.step(t);
        }
        self.radio.deliver(until_s)
    }

    fn auto_reboot_time(&self) -> Option<f64> {
        if self.auto_reboot_done || self.s.reboot_gap_s <= 0.0 {
            return None;
        }
        match self.person.rests().first() {
            Some([a, b]) => Some(0.5 * (a + b)),
            None if self.person.is_fixed() => Some(0.5 * self.person.plan_end()),
            None => None,
        }
    }

    fn step(&mut self, t: f64) {
        if self.person.is_fixed() {
            if t > self.person.plan_end() {
                self.finished = true;
                return;
            }
        } else {
            self.person.ensure_planned(t);
        }
        if self.reboot_at.is_none() {
            if let Some(r) = self.auto_reboot_time() {
                self.reboot_at = Some(r);
                self.auto_reboot_done = true;
            }
        }
        if let Some(r) = self.reboot_at {
            if t >= r {
                self.do_reboot(t);
                return;
            }
        }
        let (a, w) = self.body.ideal_imu(&self.person, t);
        if self.pending.is_empty() {
            self.pending_t0 = t;
        }
        self.pending.push(self.imu.measure(a, w));
        if let Some(b) = self.log.boots.last_mut() {
            b.1 = t;
        }
        self.k += 1;
        if self.pending.len() == self.spn {
            self.send_packet(t);
        }
    }

    fn do_reboot(&mut self, t: f64) {
        self.reboot_at = None;
        self.log.reboot_t.get_or_insert(t);
        // the partial notification dies with the sensor
        self.pending.clear();
        let gap = self.s.reboot_gap_s.max(1.0);
        let clock0 = self.rng.random_range(150_000..900_000u32);
        self.boot_t0 = t + gap;
        self.boot_clock0_us = clock0;
        self.k = 0;
        self.seq = 0;
        self.log.boots.push((self.boot_t0, self.boot_t0));
    }

    fn send_packet(&mut self, t_last: f64) {
        let offset_us = ((self.pending_t0 - self.boot_t0) * 1e6).round() as u64;
        let time_us = self.boot_clock0_us.wrapping_add((offset_us % (1u64 << 32)) as u32);
        let samples = std::mem::take(&mut self.pending);
        let n = samples.len();
        let payload = ImuPacket { seq: self.seq, time_us, samples }.encode();
        self.seq = self.seq.wrapping_add(1);
        let idx = self.packet_idx;
        self.packet_idx += 1;
        if self.malformed_at.contains(&idx) {
            self.malformed_pending += 1;
        }
        let random_loss = self.rng.random_bool(self.s.loss_p);
        let in_burst = self.bursts.iter().any(|[a, b]| self.pending_t0 >= *a && t_last <= *b);
        let is_last = self.person.is_fixed() && t_last + self.spn as f64 * self.period_s > self.person.plan_end();
        let forced = self.drop_next > 0;
        self.drop_next = self.drop_next.saturating_sub(1);
        let lost = idx > 0 && !is_last && (random_loss || in_burst || forced);
        self.log.packets.push((self.log.boots.len() - 1, n, lost));
        if lost {
            return;
        }
        let mut extras = Vec::new();
        while self.malformed_pending > 0 {
            self.malformed_pending -= 1;
            let kind = MALFORMED_KINDS[self.kind_cursor % MALFORMED_KINDS.len()];
            self.kind_cursor += 1;
            extras.push(corrupt(&payload, kind, &mut self.rng));
            self.log.malformed.push(kind);
        }
        self.log.last_rx_sample_s = t_last;
        self.radio.send(t_last + 0.001, payload, extras);
    }
}
