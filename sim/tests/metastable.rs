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

/// Mean goodput (successes a second) over each window of the `metastable`
/// preset with `settings`.
fn goodput(settings: &[(&str, &str)], windows: &[(f64, f64)]) -> Vec<f64> {
    goodput_of("metastable", settings, windows)
}

/// Mean goodput over each window of a preset with `settings`.
fn goodput_of(name: &str, settings: &[(&str, &str)], windows: &[(f64, f64)]) -> Vec<f64> {
    let mut s = preset(name);
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

/// The capacity line (the bottleneck law: the healthy instances' workers
/// over the mean work of a request) reads 2 × 4 / 10 ms = 800 req/s, and
/// 800 / 3 while the instances are 3× slower; after the trigger it is
/// back at 800, above the 560 offered, while goodput stays at 0: the
/// collapse is not a lack of capacity.
#[test]
fn capacity_is_back_while_goodput_is_not() {
    let mut sim = Simulation::new(preset("metastable")).unwrap();
    sim.run_to_end();
    let at = |t: f64| {
        let s = sim.metrics().series().find(|x| x.t_s == t).unwrap();
        (s.capacity_rps, s.goodput_rps)
    };
    let full = 2.0 * 4.0 / 0.010;
    assert_eq!(at(30.0).0, full);
    assert!((at(75.0).0 - full / 3.0).abs() < 1e-9, "{:?}", at(75.0));
    let (capacity, goodput) = at(150.0);
    println!("at 150 s: capacity {capacity}/s (rule {full}), goodput {goodput}/s");
    assert_eq!(capacity, full);
    assert!((goodput as f64) < 0.05 * OFFERED);
}

/// What the diagram shows on each instance: workers busy for clients that
/// already gave up. Before the trigger a request takes 30 ms of its
/// client's 100 ms, so none; in the collapse every client attempt has
/// waited 250 ms in the queue before a worker takes it, so every busy
/// worker but one running a health check works for nobody.
#[test]
fn in_the_collapse_every_worker_works_for_nobody() {
    let mut sim = Simulation::new(preset("metastable")).unwrap();
    let workers_at = |sim: &mut Simulation, t: f64| {
        sim.advance_to(SimTime::from_secs_f64(t));
        let snap = sim.snapshot();
        let instances = snap.services.iter().flat_map(|s| s.instances.iter());
        instances.fold((0, 0, 0), |(busy, orphaned, n), i| {
            (busy + i.busy, orphaned + i.orphaned, n + 1)
        })
    };
    let (busy, orphaned, _) = workers_at(&mut sim, 30.0);
    println!("at 30 s: {orphaned} of {busy} busy workers orphaned");
    assert_eq!(orphaned, 0);
    for t in [150.0, 180.5, 210.25] {
        let (busy, orphaned, n) = workers_at(&mut sim, t);
        println!("at {t} s: {orphaned} of {busy} busy workers orphaned");
        assert_eq!(busy, 8);
        assert!(orphaned + n >= busy, "{orphaned} of {busy}");
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

/// The `retry-storm` preset: the same service and load, but the trigger
/// is the lecture's: every browsing process is down from 60 s to 90 s,
/// and clients retry up to 5 attempts with exponential backoff (1, 2, 4,
/// 8 s). A request sent at t retries at t + 1, t + 3, t + 7 and t + 15 s,
/// so when the service comes back at 90 s the retries of every request of
/// the last 15 s arrive with the new ones: 4 × 560 + 560 = 2800 attempts a
/// second against 800 of capacity. The queues fill, every attempt waits
/// longer than its client's 100 ms, times out and is retried: 5 attempts
/// per request, 2800 a second, for as long as it runs. Full jitter spreads
/// the same retries and does not help; a single attempt, gRPC's retry
/// throttling or a circuit breaker ends it.
#[test]
fn the_shock_when_it_comes_back() {
    let storm =
        |settings: &[(&str, &str)], window| goodput_of("retry-storm", settings, &[window])[0];
    let before = storm(&[], (30.0, 60.0));
    assert!(
        before > 0.95 * OFFERED,
        "healthy before the outage: {before}"
    );
    let mut sim = Simulation::new(preset("retry-storm")).unwrap();
    sim.run_to_end();
    let late: Vec<f64> = sim
        .metrics()
        .series()
        .filter(|x| x.t_s > 150.0)
        .map(|x| x.attempts as f64)
        .collect();
    let attempts = late.iter().sum::<f64>() / late.len() as f64;
    println!("attempts 60–150 s after it came back: {attempts:.0}/s (rule 5 × {OFFERED})");
    assert!(
        (attempts / (5.0 * OFFERED) - 1.0).abs() < 0.05,
        "{attempts}"
    );
    for settings in [&[][..], &[("client.retry.jitter", "full")][..]] {
        let after = storm(settings, (150.0, 240.0));
        println!("{settings:?}: goodput 60–150 s after it came back {after:.1}/s");
        assert!(after < 0.05 * OFFERED, "{settings:?}: {after}");
    }
    // Without retries the offered 560/s is below the 800 of capacity: the
    // queues never fill, and goodput is the offered load at once. gRPC's
    // throttle has refused retries since the outage's first failures, so
    // the same holds with it.
    for settings in [
        &[("client.max_attempts", "1")][..],
        &[("client.retry.throttle", "grpc")][..],
    ] {
        let after = storm(settings, (91.0, 150.0));
        println!("{settings:?}: goodput 1–60 s after it came back {after:.1}/s");
        assert!(after > 0.95 * OFFERED, "{settings:?}: {after}");
    }
    // A circuit breaker opened during the outage; it lets trial calls
    // through once its 60 s wait is over and closes on their success.
    let closed = storm(
        &[("client.circuit_breaker.enabled", "true")],
        (150.0, 240.0),
    );
    println!("circuit breaker: goodput 60–150 s after it came back {closed:.1}/s");
    assert!(closed > 0.95 * OFFERED, "{closed}");
}
