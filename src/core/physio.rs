//! What a human ankle and an ankle pump can physically do, as named limits
//! with their sources. A rep beyond them is not reported; motion beyond
//! them is not a pump (`core::notpump`).

/// Normal active dorsiflexion is about 20° (AAOS: Greene & Heckman, *The
/// Clinical Measurement of Joint Motion*, 1994) and at most about 25–30° in
/// healthy adults (Soucie et al. 2011, *Haemophilia* 17:500, normal ROM of
/// 674 subjects). A measured peak toes-up this far beyond the calibration's
/// neutral is not the ankle (it leaves room for a neutral that is off by
/// 10°, e.g. after the whole leg shifted).
pub const DORSI_LIMIT_DEG: f64 = 42.0;

/// Normal active plantarflexion is about 50° (AAOS) and 55–65° at most
/// (Soucie et al. 2011). Beyond this, the foot did not turn at the ankle.
pub const PLANTAR_LIMIT_DEG: f64 = 78.0;

/// Dorsiflexion plus plantarflexion: the whole normal arc is 70–85° (AAOS
/// 20 + 50; Soucie's largest means 23 + 65). A rep spanning more is not one.
pub const ROM_LIMIT_DEG: f64 = 100.0;

/// Angular speed (deg/s) no ankle pump reaches. A controlled pump peaks near
/// 55–120°/s; fast jerky continuous pumping reaches 400–600°/s at its
/// fastest stroke (the published capture p05 peaks at 404°/s, the
/// simulators near 600°/s; the coach says "Slower" from 240°/s). The foot in
/// the swing phase of walking turns at 400–1200°/s (foot-worn IMUs: Mariani
/// et al. 2010, *J Biomech* 43:2999; the real recordings in `shared/real`
/// pass 650°/s at most strides), running faster still. Slower walking is
/// left to the impacts and the sensor's travel.
pub const PUMP_MAX_DPS: f64 = 650.0;

/// Specific force (g) no ankle pump produces. The sensor sits 8–15 cm from
/// the ankle: at 600°/s the lever arm adds r·ω² ≈ 1.5 g, and r·α of a jerky
/// reversal about as much, so fast jerky pumping touches 2–3 g (p05 reaches
/// 2 g). A heel strike reads 3–15 g at the foot (Lafortune 1991 measured
/// 3–8 g at the shank in running; the walking recordings in `shared/real`
/// pass 3.5 g at most steps and reach 7–15 g).
pub const IMPACT_G: f64 = 3.5;

/// Speed (m/s) of the sensor through space that no pump gives it: turning
/// about the ankle at 400°/s with an 8–15 cm lever arm moves it at ≤ 1 m/s;
/// the foot in the swing phase of walking moves at 2–5 m/s
/// (Mariani 2010), and at 1.5–2.5 m/s even in slow walking.
pub const TRAVEL_MPS: f64 = 1.6;

/// Net rotation (deg) about axes other than the ankle's flexion axis that no
/// pump makes: the ankle is close to a hinge (Seel et al. 2014), so only an
/// axis estimate a few degrees off leaks a few degrees of a 60° swing; the
/// whole leg turning, lifting or swinging round, or the foot turning during
/// walking, turns it by tens of degrees.
pub const OFF_AXIS_DEG: f64 = 28.0;

/// True when a rep's peaks (degrees from neutral, both positive) are ones a
/// human ankle can make.
pub fn plausible_peaks(dorsi_deg: f64, plantar_deg: f64) -> bool {
    dorsi_deg <= DORSI_LIMIT_DEG && plantar_deg <= PLANTAR_LIMIT_DEG && dorsi_deg + plantar_deg <= ROM_LIMIT_DEG
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_and_post_operative_ranges_pass_and_walking_swings_do_not() {
        assert!(plausible_peaks(20.0, 50.0), "AAOS normal");
        assert!(plausible_peaks(30.0, 65.0), "the largest normal");
        assert!(plausible_peaks(4.0, 5.0), "post-operative");
        assert!(!plausible_peaks(139.0, 20.0), "a swing of walking read as an ankle angle");
        assert!(!plausible_peaks(20.0, 120.0));
        assert!(!plausible_peaks(40.0, 70.0), "more than the whole normal arc");
    }
}
