//! A copy of a run, taken at any moment, goes on exactly as the run does:
//! what the page's rewind keeps as checkpoints and replays from.

mod common;

use common::preset;
use sahara_sim::{Change, SimTime, Simulation};

/// Advances to `secs` simulated seconds.
fn to(sim: &mut Simulation, secs: f64) {
    sim.advance_to(SimTime::from_secs_f64(secs));
}

/// The run's state and totals in one comparable value.
fn state(sim: &Simulation) -> (u64, String) {
    let mut summary = sim.summary();
    summary.wall_ms = 0.0;
    (
        sim.digest(),
        serde_json::to_string(&summary).expect("a summary serialises"),
    )
}

#[test]
fn a_copy_taken_mid_run_has_the_same_future_as_the_run_and_as_a_fresh_one() {
    // Presets that exercise retries, faults, scaling, the breaker and shedding.
    for name in [
        "bench",
        "retry-storm",
        "metastable",
        "flash-sale-autoscaling",
        "health-check-replacement",
        "lost-response",
        "other-administrators",
    ] {
        let mut run = Simulation::new(preset(name)).expect("a valid preset");
        // An odd moment, with requests, timers and retries in flight.
        to(&mut run, 37.3);
        let mut copy = run.clone();
        to(&mut run, 95.0);
        to(&mut copy, 95.0);
        let mut fresh = Simulation::new(preset(name)).expect("a valid preset");
        to(&mut fresh, 95.0);
        assert_eq!(state(&copy), state(&run), "{name}: the copy's future");
        assert_eq!(state(&fresh), state(&run), "{name}: a fresh run's");
    }
}

#[test]
fn a_copy_is_independent_of_its_original() {
    let mut run = Simulation::new(preset("baseline")).expect("a valid preset");
    to(&mut run, 10.0);
    let mut copy = run.clone();
    copy.apply(Change::Set {
        path: "traffic.rate_rps".into(),
        value: "0".into(),
    })
    .expect("a valid change");
    to(&mut run, 20.0);
    to(&mut copy, 20.0);
    assert!(
        run.summary().requests > copy.summary().requests,
        "a change to the copy leaves the original alone"
    );
}
