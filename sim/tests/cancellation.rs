//! Work that outlives its client. A server does not know that its client
//! gave up unless it is told: without cancellation it works through a
//! backlog of requests nobody waits for any more, and recovers from a load
//! spike only once that backlog is gone. The expected figures are derived
//! from the arrival and service rates.

mod common;

use common::NO_NETWORK_DELAY;
use sahara_sim::{Outcome, Scenario, SimTime, Simulation};

/// One instance with one worker and a constant 100 ms of work (capacity
/// 10 req/s), Poisson arrivals at 8 req/s, tripled from 60 s to 70 s; the
/// client waits 1 s and never retries. `db` puts the 100 ms in a database
/// with one connection instead (the instance has 100 workers).
fn spike(cancellation: &str, db: bool) -> Scenario {
    let (work_ms, workers, database) = if db {
        (0.001, 100, "true")
    } else {
        (100.0, 1, "false")
    };
    Scenario::from_toml(&format!(
        r#"
name = "spike"
duration_s = 200.0
[traffic]
rate_rps = 8.0
shape = {{ kind = "spike", at_s = 60.0, duration_s = 10.0, factor = 3.0 }}
[[traffic.mix]]
kind = "browse"
weight = 1.0
service = "shop"
database = {database}
[client]
timeout_ms = 1000.0
cancellation = "{cancellation}"
{NO_NETWORK_DELAY}
[[services]]
name = "shop"
instances = 1
workers = {workers}
queue_capacity = 100000
service_time = {{ distribution = "constant", mean_ms = {work_ms} }}
[database]
connections = 1
queue_capacity = 100000
service_time = {{ distribution = "constant", mean_ms = 100.0 }}
"#
    ))
    .unwrap()
}

/// Successes and wasted jobs from 75 s to 100 s: 5 to 30 s after the spike.
fn after_the_spike(s: Scenario) -> (u64, u64, u64) {
    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(SimTime::from_secs_f64(75.0));
    let t = sim.metrics().totals();
    let (ok, wasted, cancelled) = (t.outcome(Outcome::Success), t.wasted, t.cancelled);
    sim.advance_to(SimTime::from_secs_f64(100.0));
    let t = sim.metrics().totals();
    (
        t.outcome(Outcome::Success) - ok,
        t.wasted - wasted,
        t.cancelled - cancelled,
    )
}

/// The spike leaves a backlog of (24 − 10) × 10 = 140 requests, which
/// drains at only 10 − 8 = 2 a second: for about 70 s every request waits
/// longer than its client's 1 s, so from 75 s to 100 s almost nothing
/// succeeds and the worker spends its 10 jobs a second on clients that gave
/// up. Told that they gave up, the instance drops the dead backlog (dropping
/// costs nothing) and within a second or two serves the 8 req/s again: about
/// 8 × 25 = 200 successes in the window.
#[test]
fn a_server_that_is_not_told_works_for_clients_that_gave_up() {
    let (ok, wasted, _) = after_the_spike(spike("none", false));
    println!("no cancellation: {ok} succeeded, {wasted} jobs wasted from 75 to 100 s");
    assert!(ok < 20, "{ok}");
    assert!(
        (wasted as f64 - 250.0).abs() < 25.0,
        "{wasted}: 10 jobs/s for 25 s"
    );
    let (ok, wasted, cancelled) = after_the_spike(spike("load_balancer", false));
    println!("load balancer cancels: {ok} succeeded, {wasted} wasted, {cancelled} cancelled");
    assert!(ok > 160, "{ok}");
    assert!(wasted < 5, "{wasted}");
}

/// With the 100 ms in the database, the load balancer's cancellation stops
/// nothing that matters: the instance's workers are blocked on calls that
/// the database runs to the end, for clients long gone. A propagated
/// deadline reaches the database, which drops a waiting query whose
/// deadline has passed, and the service recovers as quickly as above.
#[test]
fn only_a_propagated_deadline_reaches_the_database() {
    let (ok_lb, _, _) = after_the_spike(spike("load_balancer", true));
    let (ok_deadline, wasted, _) = after_the_spike(spike("deadline", true));
    println!("database bottleneck: load balancer cancels {ok_lb} succeeded; deadline {ok_deadline} ({wasted} wasted)");
    assert!(ok_lb < 20, "{ok_lb}");
    assert!(ok_deadline > 160, "{ok_deadline}");
}
