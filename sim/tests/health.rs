//! Load balancers and health checks as an Application Load Balancer runs
//! them (AWS docs, "Health checks for Application Load Balancer target
//! groups"): no passive detection, probes that share the instance with real
//! work, a new target routed to only after one passed check, failing open
//! when no target is healthy; and Envoy's passive outlier detection for
//! comparison. Each expected figure is derived from the rule it tests.

mod common;

use common::{preset, set};
use sahara_sim::{Change, Lifecycle, Outcome, Scenario, SimTime, Simulation};

fn at(secs: f64) -> SimTime {
    SimTime::from_secs_f64(secs)
}

fn failed(sim: &Simulation) -> u64 {
    let t = sim.metrics().totals();
    t.finished_total() - t.outcome(Outcome::Success)
}

/// `health-check-replacement` with the hang replaced by a crash of the
/// application process at 60 s: 3 instances, 200 req/s, round robin,
/// checks every 10 s with an unhealthy threshold of 2, no retries.
fn crash_at_60s() -> Scenario {
    let mut s = preset("health-check-replacement");
    set(&mut s, "faults.0.kind", "crash");
    s
}

/// Requests failed from 55 s to 110 s (the crash is at 60 s; by 110 s it is
/// long out of service).
fn failures_around_the_crash(s: Scenario) -> u64 {
    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(at(55.0));
    let before = failed(&sim);
    sim.advance_to(at(110.0));
    failed(&sim) - before
}

/// An ALB keeps routing to a crashed target, each request answered 502,
/// until its health checks fail: probes at a uniformly random phase every
/// I = 10 s, k = 2 failures, so detection takes between (k − 1)·I and k·I
/// after the crash, while round robin sends it rate / n = 200 / 3 req/s:
/// between 667 and 1333 failed requests, plus the few it held.
#[test]
fn a_crashed_target_keeps_its_share_until_its_health_checks_fail() {
    let (rate, n, interval, k): (f64, f64, f64, f64) = (200.0, 3.0, 10.0, 2.0);
    let share = rate / n;
    let (low, high) = (share * (k - 1.0) * interval, share * k * interval);
    let failures = failures_around_the_crash(crash_at_60s()) as f64;
    println!("crash, ALB: {failures} failed (rule: {low:.0}–{high:.0} + held work)");
    assert!(failures >= low - 3.0 * low.sqrt(), "{failures}");
    assert!(failures <= high + 3.0 * high.sqrt() + 54.0, "{failures}");
}

/// Envoy's outlier detection (defaults: eject after 5 consecutive 5xx)
/// takes the target out after its fifth refused connection: what fails is
/// those 5 and the work it held.
#[test]
fn outlier_detection_ejects_a_crashed_target_after_five_errors() {
    let mut s = crash_at_60s();
    set(&mut s, "services.browse.outlier_detection.enabled", "true");
    let failures = failures_around_the_crash(s);
    println!("crash, outlier detection: {failures} failed");
    assert!((5..20).contains(&failures), "{failures}");
}

/// Without health checks nothing takes the crashed target out: it keeps
/// its third of the traffic until it is repaired, 30 s after the crash.
#[test]
fn without_health_checks_a_crashed_target_keeps_its_share_until_repaired() {
    let mut s = crash_at_60s();
    set(&mut s, "services.browse.health_check.enabled", "false");
    set(&mut s, "faults.0.repair_after_s", "30");
    let expected = 200.0 / 3.0 * 30.0;
    let failures = failures_around_the_crash(s) as f64;
    println!("crash, no health checks: {failures} failed (rule: {expected:.0})");
    assert!((failures - expected).abs() < 0.1 * expected, "{failures}");
}

/// `health-check-replacement` (boot 20 s, checks every 10 s) whose group
/// is raised from 3 to 4 instances at 10 s.
fn a_fourth_launched_at_10s() -> Simulation {
    let mut sim = Simulation::new(preset("health-check-replacement")).unwrap();
    sim.advance_to(at(10.0));
    sim.apply(Change::Set {
        path: "services.browse.instances".into(),
        value: "4".into(),
    })
    .unwrap();
    sim
}

/// A target registered after boot is `initial`: it is sent nothing until
/// it passes one health check (not the healthy threshold of 3), which
/// comes within one interval.
#[test]
fn a_new_target_is_routed_to_only_after_one_passed_check() {
    let mut sim = a_fourth_launched_at_10s();
    // It boots for 20 s and registers at 30 s.
    sim.advance_to(at(30.0 + 1e-6));
    let fresh = |sim: &Simulation| {
        let snap = sim.snapshot();
        let i = snap.services[0].instances.last().unwrap().clone();
        (i.state, i.served)
    };
    assert_eq!(fresh(&sim), (Lifecycle::Initial, 0));
    sim.advance_to(at(30.0 + 10.0 + 0.1));
    let (state, _) = fresh(&sim);
    assert_eq!(state, Lifecycle::InService);
    sim.advance_to(at(45.0));
    assert!(fresh(&sim).1 > 0);
}

/// Health checks whose timeout is shorter than the round trip to the
/// instances fail everywhere, though every instance works: every target is
/// unhealthy, and the ALB fails open, routing to all of them, so nothing
/// fails. (Without failing open, every request would get a 503.)
#[test]
fn with_every_target_unhealthy_the_load_balancer_fails_open() {
    let mut s = preset("health-check-replacement");
    s.faults.clear();
    set(&mut s, "network.lb_to_instance.latency", "3");
    set(&mut s, "services.browse.health_check.timeout_s", "0.002");
    set(&mut s, "services.browse.scaling.health_check_type", "none");
    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(at(60.0));
    let v = &sim.snapshot().services[0];
    assert!(
        v.instances.iter().all(|i| i.state == Lifecycle::Unhealthy),
        "{:?}",
        v.instances.iter().map(|i| i.state).collect::<Vec<_>>()
    );
    assert_eq!(v.in_service, 0);
    let t = sim.metrics().totals();
    assert_eq!(t.outcome(Outcome::NoHealthyTarget), 0);
    assert_eq!(failed(&sim), 0);
    assert!(t.outcome(Outcome::Success) > 10_000);
    let log: Vec<String> = sim.events_since(0).0.into_iter().map(|e| e.text).collect();
    assert!(log.iter().any(|l| l.contains("fails open")), "{log:?}");
}

/// The death spiral: a flash sale overloads instances that are otherwise
/// fine. A probe waits in the queue like any request, so it fails once the
/// queue ahead of it takes longer than the probe timeout: 400 requests at
/// 4 workers × 50 per second each. With 900 req/s against 3 × 200 req/s of
/// capacity the queues grow by 100 a second and reach that within 4 s; two
/// failed probes later the load balancer marks busy instances unhealthy and
/// a group replacing on `elb` terminates them — each termination leaving
/// more load for the rest. Instance status checks (`ec2`) would not.
#[test]
fn probes_stuck_behind_an_overload_make_the_group_terminate_busy_instances() {
    let run = |health_check_type: &str| {
        let mut s = preset("health-check-replacement");
        s.faults.clear();
        set(&mut s, "traffic.rate_rps", "900");
        set(&mut s, "services.browse.queue_capacity", "100000");
        set(&mut s, "client.timeout_ms", "600000");
        set(&mut s, "services.browse.scaling.grace_s", "0");
        set(
            &mut s,
            "services.browse.scaling.health_check_type",
            health_check_type,
        );
        let mut sim = Simulation::new(s).unwrap();
        sim.advance_to(at(60.0));
        let snap = sim.snapshot();
        let healthy_condition = snap.services[0]
            .instances
            .iter()
            .all(|i| i.condition == sahara_sim::Condition::Ok);
        (
            sim.metrics().totals().instances_terminated,
            healthy_condition,
        )
    };
    let (terminated_elb, no_fault) = run("elb");
    let (terminated_ec2, _) = run("ec2");
    println!("overload: elb terminated {terminated_elb}, ec2 {terminated_ec2}");
    assert!(no_fault);
    assert!(terminated_elb >= 3, "{terminated_elb}");
    assert_eq!(terminated_ec2, 0);
}

/// A failed host neither accepts nor refuses connections: the load
/// balancer gives up after its 10 s connection timeout and answers 504
/// (AWS: "the load balancer failed to establish a connection to the target
/// before the 10-second connection timeout expired").
#[test]
fn a_failed_host_times_out_connections_after_ten_seconds() {
    let toml = r#"
name = "host"
duration_s = 120.0
[traffic]
rate_rps = 50.0
[[traffic.mix]]
kind = "browse"
weight = 1.0
service = "shop"
[client]
timeout_ms = 60000.0
[network.client_to_lb]
latency = 0.0
[network.lb_to_instance]
latency = 0.0
[[services]]
name = "shop"
instances = 1
service_time = { distribution = "constant", mean_ms = 1.0 }
[[faults]]
at_s = 10.0
service = "shop"
instance = 0
kind = "instance_failure"
"#;
    let mut sim = Simulation::new(Scenario::from_toml(toml).unwrap()).unwrap();
    sim.advance_to(at(19.99));
    assert_eq!(
        failed(&sim),
        0,
        "nothing fails before the connection timeout"
    );
    sim.advance_to(at(40.0));
    let t = sim.metrics().totals();
    // Every request sent from 10 s to 30 s has had its 504 (50 req/s).
    let timed_out = t.outcome(Outcome::Timeout) as f64;
    assert!(
        (timed_out - 1000.0).abs() < 3.0 * 1000f64.sqrt(),
        "{timed_out}"
    );
    assert_eq!(t.outcome(Outcome::Crashed), 0);
}

/// A fault while an instance boots cuts the boot short; repaired, it boots
/// again (the service's boot time from the repair) and registers.
#[test]
fn an_instance_repaired_while_booting_boots_again() {
    let mut sim = a_fourth_launched_at_10s();
    sim.advance_to(at(15.0));
    let id = sim.snapshot().services[0].instances.last().unwrap().id;
    sim.apply(Change::FailInstance(id)).unwrap();
    sim.advance_to(at(40.0));
    let state = |sim: &Simulation| {
        let snap = sim.snapshot();
        snap.services[0]
            .instances
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.state)
    };
    assert_eq!(
        state(&sim),
        Some(Lifecycle::Pending),
        "its boot was cut short"
    );
    sim.apply(Change::RepairInstance(id)).unwrap();
    // Boot time 20 s from the repair, then one passed check (≤ 10 s).
    sim.advance_to(at(59.9));
    assert_eq!(state(&sim), Some(Lifecycle::Pending));
    sim.advance_to(at(70.1));
    assert_eq!(state(&sim), Some(Lifecycle::InService));
}
