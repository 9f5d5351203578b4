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
    ("baseline", 60, 0xd93f_0636_c628_b1ad),
    ("baseline", 200, 0xf9fc_8839_d322_9e01),
    ("bench", 60, 0x3543_40f1_1a7a_692f),
    ("bench", 200, 0x9d4f_e105_9799_87b8),
    ("database-bottleneck", 60, 0xd3e9_7335_b7f6_1684),
    ("database-bottleneck", 200, 0xef91_f330_80dc_0211),
    ("flash-sale-autoscaling", 60, 0x2d56_a882_4e78_2483),
    ("flash-sale-autoscaling", 200, 0xc825_46d6_4ae6_20c6),
    ("flash-sale", 60, 0x2d56_a882_4e78_2483),
    ("flash-sale", 200, 0xeb32_1082_176c_cac3),
    ("health-check-replacement", 60, 0x7646_9523_a0ce_178f),
    ("health-check-replacement", 200, 0x0da4_a2fd_b14b_74d5),
    ("latency-ec2", 60, 0xdd06_444c_03aa_d31d),
    ("latency-ec2", 200, 0x6dfc_59bf_4571_ae81),
    ("latency-home-uq", 60, 0x1b31_8042_b40d_b489),
    ("latency-home-uq", 200, 0xcf01_8db8_c62c_132a),
    ("latency-home-us-east-1", 60, 0x4ded_1504_7602_8d3a),
    ("latency-home-us-east-1", 200, 0x29c5_c836_8674_1a0d),
    ("lost-request", 60, 0xb52a_c060_2c5e_a2d4),
    ("lost-request", 200, 0xd17a_466b_b9c2_6eee),
    ("lost-response", 60, 0xdb2a_4c26_e64f_9e29),
    ("lost-response", 200, 0x90cf_aad3_3ae8_95ea),
    ("mm1", 60, 0x096d_d2db_e0c6_8c4f),
    ("mm1", 200, 0x9d4f_f12c_4c47_9abf),
    ("mm4", 60, 0xa1bb_07df_aae5_3fa1),
    ("mm4", 200, 0x7c8f_2f04_4059_e7e0),
    ("no-load-balancer", 60, 0xdb83_03eb_1414_d01b),
    ("no-load-balancer", 200, 0xcb1c_e32b_4b52_2cbf),
    ("retry-storm", 60, 0xb183_b5e4_92b9_069b),
    ("retry-storm", 200, 0x2abc_02f9_d439_055a),
    ("scale-out-database", 60, 0xf77c_f870_a22c_3f81),
    ("scale-out-database", 200, 0x281c_3a4e_262b_167b),
    ("spread-risk", 60, 0x1f30_708b_91fd_dc7c),
    ("spread-risk", 200, 0xaccc_f0f4_593d_5b57),
    ("stamp-coupling", 60, 0x4cee_9327_3359_f12b),
    ("stamp-coupling", 200, 0xc21f_4364_ebc6_980b),
    ("tour-spread-risk", 60, 0x5fcb_125f_bb31_c497),
    ("tour-spread-risk", 200, 0x9df8_08a8_8014_654d),
    ("tour-topology", 60, 0xed45_d388_4c5b_2a5f),
    ("tour-topology", 200, 0x7c60_f0b1_2c32_d3cb),
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
