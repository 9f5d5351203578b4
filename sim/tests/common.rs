//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use sahara_sim::{presets, Change, Outcome, Scenario, SimDuration, SimTime, Simulation};

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

/// Requests of `s` that ended in failure (any cause) from 55 s to 130 s:
/// around an outage from 60 s, with time for the requests it caught to end.
pub fn failed_around_60s(s: Scenario) -> f64 {
    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(SimTime::from_secs_f64(55.0));
    let t = sim.metrics().totals();
    let before = t.finished_total() - t.outcome(Outcome::Success);
    sim.advance_to(SimTime::from_secs_f64(130.0));
    let t = sim.metrics().totals();
    (t.finished_total() - t.outcome(Outcome::Success) - before) as f64
}

/// A count near its expected value: within three Poisson standard
/// deviations (√expected each) and 10 more for the requests an edge of the
/// window cuts.
pub fn near(measured: f64, expected: f64) -> bool {
    (measured - expected).abs() <= 3.0 * expected.sqrt() + 10.0
}
