//! Golden digests: every preset's run is pinned after 60 and after 200
//! simulated seconds, so any change to the model's behaviour or its
//! randomness shows up here. The browser suite (`e2e/tests/determinism.spec.js`)
//! reads this table and asserts that the wasm build computes the same values.
//!
//! A refactor changes no digest. A change of behaviour re-pins in its own
//! commit that says what changed and why: run
//! `cargo test -p sahara-sim --test golden -- --nocapture`, which prints the
//! whole table as it should read, and replace `GOLDEN` with it.

use sahara_sim::{presets, SimTime, Simulation};

/// The simulated seconds each preset is pinned at: 60 s is past every
/// preset's start-up; 200 s covers the retry storm, the flash sale's
/// scaling and the health-check replacement.
const AT: [u64; 2] = [60, 200];

/// `(preset, simulated seconds, digest)`, presets in `presets::names()` order.
pub const GOLDEN: &[(&str, u64, u64)] = &[
    ("baseline", 60, 0x655b_e331_412c_d649),
    ("baseline", 200, 0x4c03_237c_d202_282c),
    ("bench", 60, 0xe898_4b9f_dd45_033b),
    ("bench", 200, 0x401b_a4d1_9e55_7b38),
    ("database-bottleneck", 60, 0xca0b_b7ce_16a4_f6b3),
    ("database-bottleneck", 200, 0xa245_67b4_db55_0576),
    ("flash-sale-autoscaling", 60, 0xf6c9_0e49_409c_9849),
    ("flash-sale-autoscaling", 200, 0x7549_637e_4119_3c9a),
    ("flash-sale", 60, 0xf6c9_0e49_409c_9849),
    ("flash-sale", 200, 0xafc3_4f75_3729_48d3),
    ("health-check-replacement", 60, 0xb207_ecf2_7be7_2173),
    ("health-check-replacement", 200, 0xd32b_49d1_e15e_5ac6),
    ("latency-ec2", 60, 0xf52b_6c74_5711_4b10),
    ("latency-ec2", 200, 0xf292_c75c_8679_70c8),
    ("latency-home-uq", 60, 0x25f8_2a4e_d09d_6f64),
    ("latency-home-uq", 200, 0xdc12_ddb2_667e_4f27),
    ("latency-home-us-east-1", 60, 0x1a1c_9751_28ba_f2dd),
    ("latency-home-us-east-1", 200, 0x2232_5620_6f95_e111),
    ("lost-request", 60, 0x7464_be6e_5650_c9ef),
    ("lost-request", 200, 0x2db9_0a45_baf9_029f),
    ("lost-response", 60, 0x5316_371f_4b36_b040),
    ("lost-response", 200, 0x99c0_e902_7fe9_3232),
    ("mm1", 60, 0x2ede_552b_f9f3_69ed),
    ("mm1", 200, 0xcbaa_d777_9224_b605),
    ("mm4", 60, 0xa82c_623e_2a3b_4b83),
    ("mm4", 200, 0x3746_733e_1c94_2693),
    ("no-load-balancer", 60, 0xbad1_c3bc_5248_181b),
    ("no-load-balancer", 200, 0x7316_bcc6_0850_4cec),
    ("retry-storm", 60, 0xe0a4_8e78_95a4_d2cc),
    ("retry-storm", 200, 0x4d15_bbaf_5447_14d1),
    ("scale-out-database", 60, 0xa519_e09e_8206_fb65),
    ("scale-out-database", 200, 0x239c_434c_50c6_7199),
    ("spread-risk", 60, 0x3a6e_2e75_5b90_f763),
    ("spread-risk", 200, 0xe499_3df1_47b0_4506),
    ("stamp-coupling", 60, 0x9313_32f2_373a_da3d),
    ("stamp-coupling", 200, 0xf6e6_c9de_c793_0e6b),
    ("tour-spread-risk", 60, 0x8016_0179_a0be_8f31),
    ("tour-spread-risk", 200, 0xa35d_bf7e_fad8_9f91),
    ("tour-topology", 60, 0x1b89_3ead_a62d_0511),
    ("tour-topology", 200, 0x0434_6e5b_dbdf_11d0),
];

fn digest(name: &str, secs: u64) -> u64 {
    let mut sim = Simulation::new(presets::get(name).unwrap()).unwrap();
    sim.advance_to(SimTime::from_secs_f64(secs as f64));
    sim.digest()
}

#[test]
fn every_preset_is_pinned_at_60_and_200_seconds() {
    let mut table = String::new();
    let mut actual = Vec::new();
    for name in presets::names() {
        let mut sim = Simulation::new(presets::get(name).unwrap()).unwrap();
        for secs in AT {
            sim.advance_to(SimTime::from_secs_f64(secs as f64));
            let d = sim.digest();
            let hex = format!("{d:016x}");
            table += &format!(
                "    (\"{name}\", {secs}, 0x{}_{}_{}_{}),\n",
                &hex[0..4],
                &hex[4..8],
                &hex[8..12],
                &hex[12..16]
            );
            actual.push((name, secs, d));
        }
    }
    println!("pub const GOLDEN: &[(&str, u64, u64)] = &[\n{table}];");
    let pinned: Vec<(&str, u64, u64)> = GOLDEN.to_vec();
    assert_eq!(
        pinned, actual,
        "digests differ from the pinned table (the table as it would read is printed above)"
    );
}

#[test]
fn one_long_step_equals_two_shorter_ones() {
    // The table advances 60 s and then 140 s more; a single run to 200 s
    // must agree, or the table would pin an artefact of stepping.
    for name in ["baseline", "retry-storm", "flash-sale-autoscaling"] {
        let pinned = GOLDEN
            .iter()
            .find(|&&(n, s, _)| n == name && s == 200)
            .map(|&(_, _, d)| d);
        assert_eq!(Some(digest(name, 200)), pinned, "{name}");
    }
}
