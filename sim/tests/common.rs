//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use sahara_sim::{presets, Change, Scenario, SimDuration, Simulation};

/// The three hops without delay, for scenarios written as TOML in tests:
/// the model's timing is then the work alone.
pub const NO_NETWORK_DELAY: &str = "\
[network.client_to_lb]
latency = 0.0
[network.lb_to_instance]
latency = 0.0
[network.instance_to_db]
latency = 0.0
";

pub fn preset(name: &str) -> Scenario {
    presets::get(name).unwrap_or_else(|| panic!("preset {name}"))
}

pub fn set(s: &mut Scenario, path: &str, value: &str) {
    s.set(path, value)
        .unwrap_or_else(|e| panic!("set {path}={value}: {e}"));
}

/// Runs to the scenario's end, then stops new arrivals and lets every
/// request in flight finish, so the counts cover whole requests only.
pub fn run_and_drain(s: Scenario) -> Simulation {
    let mut sim = Simulation::new(s).expect("valid scenario");
    sim.run_to_end();
    sim.apply(Change::Set {
        path: "traffic.rate_rps".into(),
        value: "0".into(),
    })
    .unwrap();
    sim.apply(Change::Set {
        path: "traffic.users".into(),
        value: "0".into(),
    })
    .unwrap();
    while sim.in_flight() > 0 {
        sim.advance_by(SimDuration::from_secs(1));
    }
    sim
}
