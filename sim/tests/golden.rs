//! Golden digests: the run of a preset is pinned to a value, so any change
//! to the model's behaviour or its randomness shows up here — and the same
//! value must come out of the wasm build (the browser e2e test and the check
//! in sim/README.md compare against these constants). If you change the model
//! on purpose, update the constants and re-run the wasm check.

use sahara_sim::{presets, SimTime, Simulation};

/// `(preset, simulated seconds, digest)`.
pub const GOLDEN: &[(&str, u64, u64)] = &[
    ("baseline", 60, 0xd93f_0636_c628_b1ad),
    ("mm1", 60, 0x096d_d2db_e0c6_8c4f),
    ("mm4", 60, 0xa1bb_07df_aae5_3fa1),
];

#[test]
fn digests_are_pinned() {
    for &(name, secs, expected) in GOLDEN {
        let mut sim = Simulation::new(presets::get(name).unwrap()).unwrap();
        sim.advance_to(SimTime::from_secs_f64(secs as f64));
        assert_eq!(
            sim.digest(),
            expected,
            "{name} after {secs} s: {:016x}",
            sim.digest()
        );
    }
}
