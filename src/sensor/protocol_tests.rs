//! Protocol fixtures written as hex, the way the bytes look on the air
//! (Gadgetbridge style), plus property tests: arbitrary bytes never panic and
//! encode → decode round-trips.

use proptest::prelude::*;

use super::protocol::*;

fn hex(s: &str) -> Vec<u8> {
    from_hex(&s.replace(' ', "")).expect("fixture is hex")
}

#[test]
fn decodes_an_mtu23_notification_from_a_real_capture() {
    // p06, first line: one sample per notification at MTU 23.
    let p = ImuPacket::decode(&hex("01 a042 41a67d87 01 c0f2 e902 8e08 3800 5c00 0c00")).unwrap();
    assert_eq!(p.seq, 0x42a0);
    assert_eq!(p.time_us, 0x877d_a641);
    assert_eq!(p.samples, vec![RawSample([-3392, 745, 2190, 56, 92, 12])]);
}

#[test]
fn decodes_two_samples_and_reencodes_the_same_bytes() {
    // Header (seq 0x1d6e, t 0x119e1270 µs, n = 2) and two samples from p08.
    let ok = hex("01 6e1d 70129e11 02 bafa 32fd b20e 2c00 d4ff 1700 aafa 43fd b50e 7600 8aff 1e00");
    let p = ImuPacket::decode(&ok).unwrap();
    assert_eq!((p.seq, p.time_us), (0x1d6e, 0x119e_1270));
    assert_eq!(p.samples[1], RawSample([-1366, -701, 3765, 118, -118, 30]));
    assert_eq!(p.encode(), ok);
    // One byte too many is malformed, not a third sample.
    let mut long = ok.clone();
    long.push(0xff);
    assert_eq!(ImuPacket::decode(&long), Err(ProtocolError::ImuLength { len: 33, n: 2 }));
}

#[test]
fn malformed_notifications_are_rejected_with_their_reason() {
    let cases: &[(&str, ProtocolError)] = &[
        ("", ProtocolError::ImuTooShort(0)),
        ("01 0000 00000000", ProtocolError::ImuTooShort(7)),
        ("02 0000 00000000 01 000000000000000000000000", ProtocolError::ImuFormat(2)),
        ("01 0000 00000000 00", ProtocolError::ImuNoSamples),
        ("01 0000 00000000 01 0000000000000000000000", ProtocolError::ImuLength { len: 19, n: 1 }),
    ];
    for (h, want) in cases {
        assert_eq!(ImuPacket::decode(&hex(h)).as_ref().err(), Some(want), "fixture {h}");
    }
}

#[test]
fn sensor_config_fixtures() {
    // 100 Hz, ±4 g, ±1000 °/s, reserved 0.
    let c = SensorConfig::decode(&hex("6400 04 e803 00")).unwrap();
    assert_eq!(c, SensorConfig { rate_hz: 100, accel_range_g: 4, gyro_range_dps: 1000 });
    assert_eq!(c.encode().to_vec(), hex("6400 04 e803 00"));
    assert_eq!(SensorConfig::decode(&hex("3000 08 f401 00")), Err(ProtocolError::BadRate(48)));
    assert_eq!(SensorConfig::decode(&hex("3200 03 f401 00")), Err(ProtocolError::BadAccelRange(3)));
    assert_eq!(SensorConfig::decode(&hex("3200 08 f501 00")), Err(ProtocolError::BadGyroRange(501)));
    assert_eq!(SensorConfig::decode(&hex("3200 08 f401")), Err(ProtocolError::ConfigLength(5)));
    // Scales come from the config, never hard-coded.
    let d = SensorConfig::default();
    assert!((d.accel_scale_g() * 32768.0 - 8.0).abs() < 1e-12);
    assert!((d.gyro_scale_dps() * 32768.0 - 500.0).abs() < 1e-12);
}

#[test]
fn samples_per_notification_follow_the_mtu() {
    assert_eq!(SensorConfig::samples_per_notification(23), 1);
    assert_eq!(SensorConfig::samples_per_notification(100), 7);
    assert_eq!(SensorConfig::samples_per_notification(185), 14);
    assert_eq!(SensorConfig::samples_per_notification(247), 19);
}

#[test]
fn control_point_status_and_battery() {
    assert_eq!(control_point_write(Opcode::Identify), hex("03"));
    assert_eq!(parse_indication(&hex("80 01 01")), Ok((1, CpResult::Success)));
    assert_eq!(parse_indication(&hex("80 03 04")), Ok((3, CpResult::Failed)));
    assert_eq!(parse_indication(&hex("80 02 09")), Ok((2, CpResult::Other(9))));
    assert!(parse_indication(&hex("81 01 01")).is_err());
    assert_eq!(encode_indication(1, CpResult::InvalidParameter), [0x80, 1, 3]);
    assert_eq!(Status::decode(&hex("05 00")), Ok(Status { streaming: true, charging: false, worn: true }));
    assert_eq!(Status { streaming: false, charging: true, worn: true }.encode(), [6, 0]);
    assert_eq!(decode_battery(&hex("57")), Ok(87));
    assert_eq!(decode_battery(&hex("ff")), Ok(100));
    assert!(decode_battery(&hex("5700")).is_err());
}

#[test]
fn uuids_match_the_datasheet() {
    assert_eq!(format!("{:032x}", uuids::IMU_DATA), "858e00026e9149be84ceadf663d09d37");
    assert_eq!(format!("{:032x}", uuids::BATTERY_LEVEL), "00002a1900001000800000805f9b34fb");
}

#[test]
fn hex_reads_either_case_and_rejects_junk() {
    assert_eq!(from_hex("0aFf"), Some(vec![0x0a, 0xff]));
    assert_eq!(from_hex("0a f"), None);
    assert_eq!(from_hex("abc"), None);
    assert_eq!(from_hex("zz"), None);
    assert_eq!(to_hex(&[0x0a, 0xff]), "0aff");
}

fn packet() -> impl Strategy<Value = ImuPacket> {
    (any::<u16>(), any::<u32>(), prop::collection::vec(any::<[i16; 6]>(), 1..20))
        .prop_map(|(seq, time_us, s)| ImuPacket { seq, time_us, samples: s.into_iter().map(RawSample).collect() })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = ImuPacket::decode(&bytes);
        let _ = SensorConfig::decode(&bytes);
        let _ = parse_indication(&bytes);
        let _ = Status::decode(&bytes);
        let _ = decode_battery(&bytes);
    }

    #[test]
    fn imu_packets_round_trip(p in packet()) {
        prop_assert_eq!(ImuPacket::decode(&p.encode()), Ok(p));
    }

    #[test]
    fn hex_round_trips(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        prop_assert_eq!(from_hex(&to_hex(&bytes)), Some(bytes.clone()));
        prop_assert_eq!(from_hex(&to_hex(&bytes).to_uppercase()), Some(bytes));
    }

    #[test]
    fn valid_configs_round_trip(r in 0usize..4, a in 0usize..4, g in 0usize..5) {
        let c = SensorConfig { rate_hz: RATES_HZ[r], accel_range_g: ACCEL_RANGES_G[a], gyro_range_dps: GYRO_RANGES_DPS[g] };
        prop_assert_eq!(SensorConfig::decode(&c.encode()), Ok(c));
    }
}
