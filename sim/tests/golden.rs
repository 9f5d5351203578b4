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
    ("backoff-jitter", 60, 0x559e_f1cb_8bfe_17de),
    ("backoff-jitter", 200, 0xff21_087b_27a2_7d60),
    ("baseline", 60, 0x5815_37af_b769_fcf8),
    ("baseline", 200, 0x014d_fe19_0579_c9db),
    ("bench", 60, 0x262c_40c9_bdb4_b2c8),
    ("bench", 200, 0xb4e9_fe8e_0902_7a17),
    ("correlated-risk", 60, 0x1a72_a3cd_c07a_0a85),
    ("correlated-risk", 200, 0xeda2_8f86_e4ba_a1a7),
    ("database-bottleneck", 60, 0xe19c_c519_ebf4_d676),
    ("database-bottleneck", 200, 0x3e18_3224_513f_7e49),
    ("flash-sale-autoscaling", 60, 0xfc56_c38e_ed75_5b3f),
    ("flash-sale-autoscaling", 200, 0x11ab_98ec_46e8_cfbf),
    ("flash-sale", 60, 0xfc56_c38e_ed75_5b3f),
    ("flash-sale", 200, 0x4f11_8b36_b66f_b331),
    ("health-check-replacement", 60, 0x760b_68ed_d794_c4d0),
    ("health-check-replacement", 200, 0x0d51_9e4c_314c_55c5),
    ("latency-ec2", 60, 0x9161_0405_b309_291c),
    ("latency-ec2", 200, 0xa334_2020_4dcc_2474),
    ("latency-home-uq", 60, 0x7b6f_3ba2_b721_9963),
    ("latency-home-uq", 200, 0x7020_1033_43cb_ed6f),
    ("latency-home-us-east-1", 60, 0x8e5a_29cb_a93c_77f6),
    ("latency-home-us-east-1", 200, 0xbc8a_3f1d_de28_e478),
    ("lost-request", 60, 0x0d12_277f_d989_40dd),
    ("lost-request", 200, 0x262d_f968_239f_1b4b),
    ("lost-response", 60, 0x0a08_beaf_be97_80bf),
    ("lost-response", 200, 0x5487_8ef8_5e9e_0852),
    ("metastable", 60, 0x787d_db22_b435_71e5),
    ("metastable", 200, 0xd628_9c19_ba19_2faf),
    ("mm1", 60, 0x0602_b209_52ae_face),
    ("mm1", 200, 0x5ee5_337f_7e22_fcc2),
    ("mm4", 60, 0x168d_10c5_27bb_f380),
    ("mm4", 200, 0xbbe8_6990_476e_fc7c),
    ("no-load-balancer", 60, 0x315e_96fc_96c7_b398),
    ("no-load-balancer", 200, 0x6e16_4f96_5d16_3097),
    ("other-administrators", 60, 0x6c1c_527d_e4f2_69a0),
    ("other-administrators", 200, 0xd6fe_034e_1325_cbc7),
    ("retry-storm", 60, 0x480e_4fd1_193b_889d),
    ("retry-storm", 200, 0x08d2_9597_ef86_f60c),
    ("scale-out-database", 60, 0xac5f_bd7d_69ad_3c0a),
    ("scale-out-database", 200, 0x2181_0e0b_ce5b_7595),
    ("spread-risk", 60, 0xb68d_01a9_828b_ad71),
    ("spread-risk", 200, 0xee63_1863_70a8_f391),
    ("stamp-coupling", 60, 0xd508_2544_59f7_0760),
    ("stamp-coupling", 200, 0x1338_295c_9ff1_4087),
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
