//! A copy of a run, taken at any moment, goes on exactly as the run does:
//! what the page's rewind keeps as checkpoints and replays from.

mod common;

use common::preset;
use sahara_sim::{Change, SimTime, Simulation, Timeline};

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

fn at(secs: f64) -> SimTime {
    SimTime::from_secs_f64(secs)
}

fn fresh(name: &str, secs: f64) -> Simulation {
    let mut sim = Simulation::new(preset(name)).expect("a valid preset");
    to(&mut sim, secs);
    sim
}

fn jitter(value: &str) -> Change {
    Change::Set {
        path: "client.retry.jitter".into(),
        value: value.into(),
    }
}

#[test]
fn seeking_back_shows_the_run_as_it_was_then() {
    for name in ["bench", "retry-storm"] {
        let mut run = Timeline::new(Simulation::new(preset(name)).expect("a valid preset"));
        assert!(run.advance(at(95.0), u64::MAX));
        for t in [42.0, 3.5, 90.0, 0.0] {
            run.seek(at(t));
            assert_eq!(state(run.sim()), state(&fresh(name, t)), "{name} at {t} s");
        }
        // Forward again, to the frontier and no further.
        run.seek(at(500.0));
        assert_eq!(run.sim().now(), at(95.0));
        assert_eq!(state(run.sim()), state(&fresh(name, 95.0)), "{name}");
    }
}

#[test]
fn after_a_rewind_the_recorded_changes_are_made_again_at_their_times() {
    let mut run = Timeline::new(Simulation::new(preset("retry-storm")).expect("a valid preset"));
    run.advance(at(30.0), u64::MAX);
    run.apply(jitter("full")).expect("a valid change");
    run.advance(at(80.0), u64::MAX);
    let future = state(run.sim());
    // The same run made without a timeline.
    let mut plain = fresh("retry-storm", 30.0);
    plain.apply(jitter("full")).expect("a valid change");
    to(&mut plain, 80.0);
    assert_eq!(future, state(&plain));

    run.seek(at(20.0));
    assert_eq!(
        state(run.sim()),
        state(&fresh("retry-storm", 20.0)),
        "before the change"
    );
    assert!(run.advance(at(80.0), u64::MAX));
    assert_eq!(state(run.sim()), future, "the same future");
}

#[test]
fn a_change_made_in_the_past_starts_another_future() {
    let mut run = Timeline::new(Simulation::new(preset("retry-storm")).expect("a valid preset"));
    run.advance(at(30.0), u64::MAX);
    run.apply(jitter("full")).expect("a valid change");
    run.advance(at(80.0), u64::MAX);
    let first_future = state(run.sim());

    run.seek(at(20.0));
    run.apply(jitter("equal")).expect("a valid change");
    assert_eq!(run.frontier(), at(20.0), "the old future is gone");
    run.advance(at(80.0), u64::MAX);
    let mut plain = fresh("retry-storm", 20.0);
    plain.apply(jitter("equal")).expect("a valid change");
    to(&mut plain, 80.0);
    assert_eq!(state(run.sim()), state(&plain));
    assert_ne!(state(run.sim()), first_future);
}

#[test]
fn checkpoints_stay_bounded_and_cover_the_run() {
    let mut scenario = preset("baseline");
    common::set(&mut scenario, "traffic.rate_rps", "2");
    let mut run = Timeline::new(Simulation::new(scenario.clone()).expect("a valid scenario"));
    let end = 3000.0;
    run.advance(at(end), u64::MAX);
    let (held, spacing) = run.checkpoints();
    // Every 10 s would be 301; halved each time there are more than 64.
    assert!(held <= 64, "{held} checkpoints");
    assert!(
        spacing.as_secs_f64() * held as f64 >= end - spacing.as_secs_f64(),
        "they still cover the run: {held} every {} s",
        spacing.as_secs_f64()
    );
    run.seek(at(1234.5));
    let mut plain = Simulation::new(scenario).expect("a valid scenario");
    to(&mut plain, 1234.5);
    assert_eq!(state(run.sim()), state(&plain));
}
