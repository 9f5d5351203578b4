//! A metastable failure (Bronson et al., "Metastable Failures in
//! Distributed Systems", HotOS 2021): a 30 s trigger tips the `metastable`
//! preset into overload that its retries sustain after the trigger is gone,
//! until something sheds the load. Offered: 560 req/s against 800 req/s of
//! capacity; every attempt of an overloaded service times out, so each
//! request becomes 3 attempts: 1680 a second, more than twice the capacity,
//! which keeps every queue full (100 jobs, 250 ms of work at 400 req/s per
//! instance: longer than the clients' 100 ms) and so every attempt timing out.

mod common;

use common::{preset, set};
use sahara_sim::{Outcome, SimTime, Simulation};

const OFFERED: f64 = 560.0;

/// Mean goodput (successes a second) over each window, after running the
/// preset with `settings`.
fn goodput(settings: &[(&str, &str)], windows: &[(f64, f64)]) -> Vec<f64> {
    let mut s = preset("metastable");
    for (path, value) in settings {
        set(&mut s, path, value);
    }
    let mut sim = Simulation::new(s).unwrap();
    let mut out = Vec::new();
    for &(from, to) in windows {
        sim.advance_to(SimTime::from_secs_f64(from));
        let before = sim.metrics().totals().outcome(Outcome::Success);
        sim.advance_to(SimTime::from_secs_f64(to));
        let after = sim.metrics().totals().outcome(Outcome::Success);
        out.push((after - before) as f64 / (to - from));
    }
    out
}

/// The trigger ends at 90 s; 60 to 120 s later nothing has recovered —
/// with resending at once, with exponential backoff and full jitter (the
/// retries only come later, no fewer of them), and with the load balancer
/// cancelling work for clients that gave up (a first-in-first-out queue
/// still serves the oldest, about-to-expire requests first).
#[test]
fn the_collapse_outlasts_its_trigger() {
    let before = goodput(&[], &[(30.0, 60.0)])[0];
    assert!(
        before > 0.95 * OFFERED,
        "healthy before the trigger: {before}"
    );
    for settings in [
        &[][..],
        &[
            ("client.retry.backoff", "exponential"),
            ("client.retry.jitter", "full"),
        ][..],
        &[("client.cancellation", "load_balancer")][..],
    ] {
        let after = goodput(settings, &[(150.0, 210.0)])[0];
        println!("{settings:?}: goodput 60–120 s after the trigger {after:.1}/s");
        assert!(after < 0.05 * OFFERED, "{settings:?}: {after}");
    }
}

/// gRPC's retry throttling (10 tokens, 0.1 per success) stops retries
/// once five failures have drained half its tokens, so the attempts fall
/// back to the 560 req/s offered, below capacity: the queues drain within
/// a second and goodput is the offered load within 10 s of the trigger's
/// end.
#[test]
fn a_retry_throttle_ends_it() {
    let after = goodput(&[("client.retry.throttle", "grpc")], &[(100.0, 160.0)])[0];
    println!("gRPC throttle: goodput 10–70 s after the trigger {after:.1}/s");
    assert!(after > 0.95 * OFFERED, "{after}");
}

/// A circuit breaker (Resilience4j's defaults: 50 % of 100 calls, open
/// 60 s, 10 trial calls) opens during the trigger and fails every call at
/// once for 60 s; with no load the instances' queues empty, the trials
/// succeed, and it closes: goodput is zero while it is open (to about
/// 60 + 60 s) and the offered load a few seconds after.
#[test]
fn a_circuit_breaker_ends_it_after_its_wait() {
    let [open, closed] = goodput(
        &[("client.circuit_breaker.enabled", "true")],
        &[(100.0, 118.0), (125.0, 185.0)],
    )[..] else {
        unreachable!()
    };
    println!("circuit breaker: goodput {open:.1}/s while open, {closed:.1}/s after");
    assert!(open < 0.05 * OFFERED, "{open}");
    assert!(closed > 0.95 * OFFERED, "{closed}");
}
