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
    ("baseline", 60, 0x3513_4ac3_b810_587a),
    ("baseline", 200, 0x434e_defa_3310_fa66),
    ("bench", 60, 0xabb5_8f53_1f0b_556a),
    ("bench", 200, 0x3ef0_1951_c684_e197),
    ("database-bottleneck", 60, 0xd95e_3073_7253_d5b5),
    ("database-bottleneck", 200, 0x2def_06d7_a721_4cd5),
    ("flash-sale-autoscaling", 60, 0x9c3e_d40b_ea68_5632),
    ("flash-sale-autoscaling", 200, 0x95f6_1aea_72ea_6ccb),
    ("flash-sale", 60, 0x9c3e_d40b_ea68_5632),
    ("flash-sale", 200, 0x53eb_431c_ad93_0975),
    ("health-check-replacement", 60, 0xb9b1_d557_8fdf_c1c2),
    ("health-check-replacement", 200, 0x4f00_0ca6_58ba_a941),
    ("latency-ec2", 60, 0x5f97_29e3_9f64_be83),
    ("latency-ec2", 200, 0x7ea0_6abc_b07c_4b87),
    ("latency-home-uq", 60, 0x8b49_954c_ce04_c5fc),
    ("latency-home-uq", 200, 0x41cc_7b25_b186_3adc),
    ("latency-home-us-east-1", 60, 0x69bc_7a4f_6627_a7b9),
    ("latency-home-us-east-1", 200, 0x0342_8582_90ae_c2a7),
    ("lost-request", 60, 0x2a9c_11df_1610_0087),
    ("lost-request", 200, 0x4852_0e75_cfa2_9cad),
    ("lost-response", 60, 0x2c66_9534_20d1_c15b),
    ("lost-response", 200, 0x6d28_ba1a_8c00_e5b3),
    ("mm1", 60, 0x2ede_552b_f9f3_69ed),
    ("mm1", 200, 0xcbaa_d777_9224_b605),
    ("mm4", 60, 0xa82c_623e_2a3b_4b83),
    ("mm4", 200, 0x3746_733e_1c94_2693),
    ("no-load-balancer", 60, 0x184e_fe1c_d433_76b4),
    ("no-load-balancer", 200, 0x3102_c245_67c6_6773),
    ("retry-storm", 60, 0x559e_f1cb_8bfe_17de),
    ("retry-storm", 200, 0xfdda_21cf_684f_39ee),
    ("scale-out-database", 60, 0xbec1_10d5_58d1_401f),
    ("scale-out-database", 200, 0x9e9b_3210_3af9_2fdd),
    ("spread-risk", 60, 0xf1b4_d143_e7d1_87dc),
    ("spread-risk", 200, 0xa78a_6ad7_1955_56ba),
    ("stamp-coupling", 60, 0x6823_b3d2_b3b4_e550),
    ("stamp-coupling", 200, 0xc9ee_c781_a1bc_ea46),
    ("tour-spread-risk", 60, 0xecd4_86c5_05b7_f27e),
    ("tour-spread-risk", 200, 0x9b26_766f_bd9c_401a),
    ("tour-topology", 60, 0xfe13_d81f_536a_272f),
    ("tour-topology", 200, 0xf7ca_5bb8_0dbb_44c3),
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
