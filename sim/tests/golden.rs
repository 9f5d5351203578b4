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
    ("baseline", 60, 0xac95_6172_2d4b_472d),
    ("baseline", 200, 0x3642_3e79_bb0e_20e9),
    ("bench", 60, 0x7c7f_c503_775a_ac96),
    ("bench", 200, 0x16e4_f22d_b12c_ea17),
    ("correlated-risk", 60, 0x1a72_a3cd_c07a_0a85),
    ("correlated-risk", 200, 0xeda2_8f86_e4ba_a1a7),
    ("database-bottleneck", 60, 0xecb4_a477_355b_e1e5),
    ("database-bottleneck", 200, 0x3487_6bf4_a6e1_be81),
    ("flash-sale-autoscaling", 60, 0xb8ad_2124_d7b2_2bd9),
    ("flash-sale-autoscaling", 200, 0x74a3_5afa_ae55_bbfa),
    ("flash-sale", 60, 0xb8ad_2124_d7b2_2bd9),
    ("flash-sale", 200, 0x195d_14e9_bb45_4752),
    ("health-check-replacement", 60, 0x760b_68ed_d794_c4d0),
    ("health-check-replacement", 200, 0x0d51_9e4c_314c_55c5),
    ("latency-ec2", 60, 0x9161_0405_b309_291c),
    ("latency-ec2", 200, 0xa334_2020_4dcc_2474),
    ("latency-home-uq", 60, 0x7b6f_3ba2_b721_9963),
    ("latency-home-uq", 200, 0x7020_1033_43cb_ed6f),
    ("latency-home-us-east-1", 60, 0x8e5a_29cb_a93c_77f6),
    ("latency-home-us-east-1", 200, 0xbc8a_3f1d_de28_e478),
    ("lost-request", 60, 0x436e_b8a1_779e_e7a0),
    ("lost-request", 200, 0xf330_296a_0316_a842),
    ("lost-response", 60, 0x58bd_d987_1b04_dc98),
    ("lost-response", 200, 0x6a48_eccb_161c_59bc),
    ("metastable", 60, 0x787d_db22_b435_71e5),
    ("metastable", 200, 0xd628_9c19_ba19_2faf),
    ("mm1", 60, 0x0602_b209_52ae_face),
    ("mm1", 200, 0x5ee5_337f_7e22_fcc2),
    ("mm4", 60, 0x168d_10c5_27bb_f380),
    ("mm4", 200, 0xbbe8_6990_476e_fc7c),
    ("no-load-balancer", 60, 0x315e_96fc_96c7_b398),
    ("no-load-balancer", 200, 0x6e16_4f96_5d16_3097),
    ("other-administrators", 60, 0xa723_afc8_ad24_d428),
    ("other-administrators", 200, 0xa57f_cd01_a3b2_1328),
    ("retry-storm", 60, 0x559e_f1cb_8bfe_17de),
    ("retry-storm", 200, 0xff21_087b_27a2_7d60),
    ("scale-out-database", 60, 0x4e71_c5a0_d899_f066),
    ("scale-out-database", 200, 0x9dd5_0994_0e39_edb9),
    ("spread-risk", 60, 0xb68d_01a9_828b_ad71),
    ("spread-risk", 200, 0xee63_1863_70a8_f391),
    ("stamp-coupling", 60, 0x4864_5bab_5783_ab7c),
    ("stamp-coupling", 200, 0x2185_6980_7df2_e826),
    ("tour-spread-risk", 60, 0x251b_fd7c_a55e_29ec),
    ("tour-spread-risk", 200, 0x6bc6_5150_0045_e0d6),
    ("tour-topology", 60, 0x413d_c39b_f6cc_f401),
    ("tour-topology", 200, 0xd10d_169d_992a_39e4),
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
