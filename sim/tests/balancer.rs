//! The load balancer's own timeouts, checked against the rule they follow.

use sahara_sim::{Outcome, Scenario, SimTime, Simulation};

/// One instance that hangs at 10 s behind a load balancer with zero network
/// delay; clients wait `client_timeout_s` and never retry.
fn hung_at_10s(idle_timeout_s: f64, client_timeout_s: f64) -> Simulation {
    let toml = format!(
        r#"
name = "idle"
duration_s = 120.0
[traffic]
rate_rps = 50.0
[[traffic.mix]]
kind = "browse"
weight = 1.0
service = "shop"
[client]
timeout_ms = {client_ms}
[network.client_to_lb]
latency = 0.0
[network.lb_to_instance]
latency = 0.0
[[services]]
name = "shop"
instances = 1
queue_capacity = 100000
idle_timeout_s = {idle_timeout_s}
service_time = {{ distribution = "constant", mean_ms = 1.0 }}
[[faults]]
at_s = 10.0
service = "shop"
instance = 0
kind = "hang"
"#,
        client_ms = client_timeout_s * 1000.0
    );
    let mut sim = Simulation::new(Scenario::from_toml(&toml).unwrap()).unwrap();
    sim.advance_to(SimTime::from_secs_f64(100.0));
    sim
}

#[test]
fn a_load_balancer_answers_504_when_its_idle_timeout_runs_out() {
    // AWS ALB: if the target does not answer within the connection idle
    // timeout, the load balancer closes the connection and answers 504.
    // Every request routed to the hung instance at time t (zero network
    // delay) therefore fails at exactly t + idle: the timeouts counted in
    // second k are the requests offered in second k − idle.
    let idle = 20;
    let sim = hung_at_10s(idle as f64, 120.0);
    let series: Vec<_> = sim.metrics().series().cloned().collect();
    let timeout = Outcome::Timeout as usize;
    for k in (11 + idle)..=90 {
        let (now, then) = (&series[k - 1], &series[k - 1 - idle]);
        assert_eq!(now.outcomes[timeout], then.offered_rps, "second {k}");
        assert!(then.offered_rps > 0);
    }
    // None of them waited for the client's own timeout (120 s).
    assert_eq!(sim.metrics().totals().late_responses, 0);
}

#[test]
fn a_client_that_gives_up_first_never_sees_the_load_balancer_time_out() {
    // Idle timeout 60 s, client timeout 30 s: the client closes first, so
    // requests to the hung instance fail at t + 30 s, by the client's clock.
    let sim = hung_at_10s(60.0, 30.0);
    let series: Vec<_> = sim.metrics().series().cloned().collect();
    let timeout = Outcome::Timeout as usize;
    for k in 41..=90 {
        let (now, then) = (&series[k - 1], &series[k - 1 - 30]);
        assert_eq!(now.outcomes[timeout], then.offered_rps, "second {k}");
    }
}

/// Work lost with an instance no longer stands for work under way, even
/// when its load balancer had already answered 504 on its idle timeout:
/// the token of a checkout whose connection was closed is forgotten when
/// the instance crashes, so a later resend runs it instead of being told
/// 409 (another attempt is in progress) when none is. One instance hangs
/// at 10 s, holding every checkout (the load balancer gives up on each
/// after 2 s), crashes at 20 s and is back at 25 s; clients resend with
/// backoff up to 30 s later. From then on no resend can meet work in
/// progress, so none may be refused as a conflict.
#[test]
fn work_lost_in_a_crash_frees_its_token_even_after_an_idle_timeout() {
    let toml = r#"
name = "idle-tokens"
duration_s = 120.0
[traffic]
rate_rps = 20.0
[[traffic.mix]]
kind = "checkout"
weight = 1.0
service = "shop"
[client]
timeout_ms = 60000.0
max_attempts = 5
idempotency = "shared"
[client.retry]
backoff = "exponential"
base_ms = 4000.0
cap_ms = 16000.0
[network.client_to_lb]
latency = 0.0
[network.lb_to_instance]
latency = 0.0
[[services]]
name = "shop"
instances = 1
queue_capacity = 100000
idle_timeout_s = 2.0
service_time = { distribution = "constant", mean_ms = 1.0 }
[[faults]]
at_s = 10.0
service = "shop"
instance = 0
kind = "hang"
[[faults]]
at_s = 20.0
service = "shop"
instance = 0
kind = "crash"
repair_after_s = 5.0
"#;
    let mut sim = Simulation::new(Scenario::from_toml(toml).unwrap()).unwrap();
    sim.advance_to(SimTime::from_secs_f64(20.0));
    let before = sim.metrics().totals().conflicts;
    sim.advance_to(SimTime::from_secs_f64(26.0));
    let at_repair = sim.metrics().totals().conflicts;
    sim.advance_to(SimTime::from_secs_f64(120.0));
    let t = sim.metrics().totals();
    println!(
        "conflicts: {before} while hung, {} after the repair; {} succeeded",
        t.conflicts - at_repair,
        t.outcome(Outcome::Success)
    );
    assert!(before > 0, "the hung instance held tokens in progress");
    assert_eq!(t.conflicts, at_repair);
}
