//! Health checks and auto-scaling groups: scaling converges to
//! what the arithmetic predicts, a dead instance is replaced in the time the
//! rules allow, and replicas give the availability probability predicts.

mod common;
use common::set;
use sahara_sim::{Change, Lifecycle, Scenario, SimTime, Simulation};

fn at(s: f64) -> SimTime {
    SimTime::from_secs_f64(s)
}

/// One service, product browsing, behind a load balancer.
fn browse(extra: &str) -> Scenario {
    let text = format!(
        r#"
name = "test"
seed = 3
duration_s = 1800.0
[traffic]
rate_rps = 200.0
[[traffic.mix]]
kind = "browse"
weight = 1.0
service = "browse"
[[services]]
name = "browse"
workers = 4
queue_capacity = 200
service_time = {{ distribution = "exponential", mean_ms = 22.0 }}
{extra}
"#
    );
    Scenario::from_toml(&text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn target_tracking_converges_to_the_predicted_capacity_and_holds() {
    // 200 → 800 requests/s at 600 s. Each instance has 4 workers and a
    // request takes 22 ms of CPU: at the 50% target one instance carries
    // 4 × 0.5 / 0.022 = 90.9 requests/s, so the group needs
    // ceil(200 / 90.9) = 3 instances before the step and ceil(800 / 90.9)
    // = 9 after it.
    let mut s = browse(
        r#"
instances = 3
min_instances = 2
max_instances = 12
boot_s = 30.0
[services.scaling]
policy = "target_tracking"
target = 50.0
period_s = 60.0
warmup_s = 60.0
cooldown_s = 300.0
"#,
    );
    set(
        &mut s,
        "traffic.shape",
        r#"{ "kind": "step", "at_s": 600, "factor": 4 }"#,
    );
    let predicted = |rps: f64| (rps * 0.022 / (4.0 * 0.5)).ceil() as u32;
    let mut sim = Simulation::new(s).unwrap();
    sim.run_to_end();
    let series: Vec<_> = sim.metrics().series().cloned().collect();
    assert!(series.iter().all(|x| (2..=12).contains(&x.desired[0])));
    let desired_at = |t: f64| series.iter().find(|x| x.t_s >= t).unwrap().desired[0];
    assert_eq!(
        desired_at(590.0),
        predicted(200.0),
        "steady before the step"
    );
    let settled = series
        .iter()
        .rposition(|x| x.desired[0] != predicted(800.0))
        .map_or(0.0, |k| series[k + 1].t_s);
    let last = series.last().unwrap();
    assert_eq!(last.desired[0], predicted(800.0));
    assert_eq!(last.in_service[0], predicted(800.0));
    assert_eq!(last.healthy[0], predicted(800.0));
    let log: Vec<String> = sim.events_since(0).0.into_iter().map(|e| e.text).collect();
    let decisions: Vec<&String> = log.iter().filter(|l| l.contains("desired")).collect();
    println!(
        "predicted {} → {}; settled at {settled} s after {} decisions: {decisions:?}",
        predicted(200.0),
        predicted(800.0),
        sim.metrics().totals().scaling_actions
    );
    // Converged within two alarms: AlarmHigh (3 of 3 datapoints above the
    // target) fires at 600 + 3 × 60 s on the 3 saturated instances (CPU
    // 100%: 3 × 100 / 50 = 6); once those 6 are booted (30 s) and warmed up
    // (60 s), the next datapoint measures them all and asks for the rest.
    // Steady for the rest of the run.
    let second = 600.0 + 3.0 * 60.0 + 2.0 * 60.0;
    assert!(settled <= second + 1.0, "settled at {settled} s");
    assert!(decisions[0].starts_with("browse: AlarmHigh: CPU above 50% for 3 of 3 datapoints"));
    assert!(decisions[0].ends_with("3 warmed-up instances × 100% ÷ 50% = 6.0 → desired 3 → 6"));
    assert_eq!(
        decisions.len() as u64,
        sim.metrics().totals().scaling_actions
    );
}

#[test]
fn load_balancer_checks_replace_a_hung_instance_in_time() {
    // Interval 10 s, timeout 2 s, unhealthy after 2 failures, 20 s boot: a
    // hung instance fails its next two probes, each at its timeout (≤ 20 s
    // + 2 s), the group replaces it at its next once-a-second look, the new
    // one boots in 20 s and is routed to once it passes its first probe
    // (≤ one interval, plus the probe's millisecond of work).
    let s = browse(
        r#"
instances = 3
max_instances = 3
boot_s = 20.0
[services.health_check]
enabled = true
interval_s = 10.0
timeout_s = 2.0
unhealthy_threshold = 2
healthy_threshold = 3
[services.scaling]
health_check_type = "elb"
grace_s = 30.0
"#,
    );
    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(at(100.0));
    let victim = sim.snapshot().services[0].instances[0].id;
    sim.apply(Change::HangInstance(victim)).unwrap();
    let bound = 100.0 + (10.0 * 2.0 + 2.0) + 1.0 + 20.0 + (10.0 + 0.001);
    let mut back = None;
    while sim.now() < at(200.0) {
        sim.advance_by(sahara_sim::SimDuration::from_millis_f64(100.0));
        let v = &sim.snapshot().services[0];
        let fresh_in_service = v
            .instances
            .iter()
            .any(|i| i.id.0 > 3 && i.state == Lifecycle::InService);
        if back.is_none() && fresh_in_service && v.healthy == 3 {
            back = Some(sim.now().as_secs_f64());
        }
    }
    let back = back.expect("a replacement came into service");
    println!("hung at 100 s, replacement in service at {back:.1} s (bound {bound} s)");
    assert!(back <= bound);
    let v = &sim.snapshot().services[0];
    assert_eq!(
        (v.desired, v.capacity, v.in_service, v.healthy),
        (3, 3, 3, 3)
    );
    let log: Vec<String> = sim.events_since(0).0.into_iter().map(|e| e.text).collect();
    assert!(log.contains(&format!(
        "{victim} failed 2 health checks in a row: out of service"
    )));
    assert!(log.contains(&format!(
        "{victim} is replaced: its load-balancer health checks fail"
    )));
}

#[test]
fn instance_status_checks_never_replace_a_hung_instance() {
    let s = browse(
        r#"
instances = 3
[services.health_check]
enabled = true
interval_s = 10.0
timeout_s = 2.0
[services.scaling]
health_check_type = "ec2"
grace_s = 0.0
"#,
    );
    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(at(10.0));
    let victim = sim.snapshot().services[0].instances[0].id;
    sim.apply(Change::HangInstance(victim)).unwrap();
    sim.advance_to(at(200.0));
    let v = &sim.snapshot().services[0];
    // The load balancer stopped routing to it; the group still counts it.
    assert_eq!((v.in_service, v.capacity), (2, 3));
    assert_eq!(sim.metrics().totals().instances_launched, 3);
    // Nor a crashed application process: the host still passes its
    // status checks, so the group keeps it (its load balancer's checks
    // take it out of service).
    sim.apply(Change::KillInstance(v.instances[1].id)).unwrap();
    sim.advance_to(at(230.0));
    let v = &sim.snapshot().services[0];
    assert_eq!((v.in_service, v.capacity), (1, 3));
    assert_eq!(sim.metrics().totals().instances_launched, 3);
    // A failed host, though, fails the instance status checks, which run
    // every minute: at 230 s it fails, at 240 s the checks see it and the
    // group replaces it.
    sim.apply(Change::FailInstance(v.instances[2].id)).unwrap();
    sim.advance_to(at(239.5));
    assert_eq!(sim.metrics().totals().instances_launched, 3);
    sim.advance_to(at(240.5));
    assert_eq!(sim.metrics().totals().instances_launched, 4);
}

#[test]
fn availability_of_n_replicas_is_one_minus_all_down() {
    // Each instance crashes at random (mean time between failures 40 s)
    // and is repaired (mean 10 s): up a = 40 / 50 = 0.8 of the time,
    // independently. A request fails only when all n are down at once.
    for n in [1u32, 2, 3] {
        let s = browse(&format!("instances = {n}\nmtbf_s = 40.0\nmttr_s = 10.0"));
        let mut s = s;
        // 1 - (1 - a)^n assumes instant failover: a request is served
        // whenever some replica is up. So the load balancer takes a target
        // out at its first refused connection (NGINX's max_fails = 1) and
        // the client resends once, at once.
        for (k, v) in [
            ("enabled", "true"),
            ("consecutive_5xx", "1"),
            ("base_ejection_s", "10"),
            ("max_ejection_s", "10"),
            ("max_ejection_percent", "100"),
        ] {
            set(&mut s, &format!("services.browse.outlier_detection.{k}"), v);
        }
        set(&mut s, "client.max_attempts", "2");
        set(&mut s, "client.retry.backoff", "none");
        set(&mut s, "duration_s", "100000");
        set(&mut s, "traffic.rate_rps", "5");
        let mut sim = Simulation::new(s).unwrap();
        sim.run_to_end();
        let t = &sim.metrics().totals();
        let measured = t.outcome(sahara_sim::Outcome::Success) as f64 / t.finished_total() as f64;
        let expected = 1.0 - (1.0f64 - 0.8).powi(n as i32);
        println!("n = {n}: availability {measured:.4}, 1 - (1 - a)^n = {expected:.4}");
        assert!((measured - expected).abs() < 0.01);
    }
}

#[test]
fn scale_in_terminates_the_unhealthy_first_then_the_oldest() {
    let s = browse(
        r#"
instances = 4
min_instances = 1
[services.health_check]
enabled = true
interval_s = 5.0
timeout_s = 1.0
"#,
    );
    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(at(5.0));
    let ids: Vec<_> = sim.snapshot().services[0]
        .instances
        .iter()
        .map(|i| i.id)
        .collect();
    sim.apply(Change::HangInstance(ids[2])).unwrap();
    sim.advance_to(at(30.0));
    assert_eq!(sim.snapshot().services[0].in_service, 3, "checks caught it");
    sim.apply(Change::Set {
        path: "services.browse.instances".into(),
        value: "2".into(),
    })
    .unwrap();
    sim.advance_to(at(40.0));
    let kept: Vec<_> = sim.snapshot().services[0]
        .instances
        .iter()
        .filter(|i| i.state != Lifecycle::Terminated)
        .map(|i| i.id)
        .collect();
    assert_eq!(kept, vec![ids[1], ids[3]], "the hung one, then the oldest");
}

#[test]
fn every_setting_changes_live() {
    // Lost responses with retries: duplicates until shared tokens go on.
    let mut sim = Simulation::new(common::preset("lost-response")).unwrap();
    sim.advance_to(at(60.0));
    let before = sim.metrics().totals().duplicates;
    assert!(before > 50, "{before}");
    let set_live = |sim: &mut Simulation, path: &str, value: &str| {
        sim.apply(Change::Set {
            path: path.into(),
            value: value.into(),
        })
        .unwrap_or_else(|e| panic!("{path}={value}: {e}"))
    };
    set_live(&mut sim, "client.idempotency", "shared");
    sim.advance_to(at(65.0));
    let settled = sim.metrics().totals().duplicates;
    sim.advance_to(at(120.0));
    assert_eq!(
        sim.metrics().totals().duplicates,
        settled,
        "no more duplicates"
    );
    // Health checks, a scaling policy and a backoff, switched on mid-run.
    set_live(&mut sim, "services.cart.health_check.timeout_s", "1");
    set_live(&mut sim, "services.cart.health_check.interval_s", "2");
    set_live(&mut sim, "services.cart.health_check.enabled", "true");
    set_live(&mut sim, "client.retry.backoff", "constant");
    set_live(&mut sim, "services.browse.max_instances", "10");
    set_live(&mut sim, "services.browse.scaling.target", "10");
    set_live(&mut sim, "services.browse.scaling.period_s", "10");
    set_live(&mut sim, "services.browse.scaling.warmup_s", "0");
    set_live(
        &mut sim,
        "services.browse.scaling.policy",
        "target_tracking",
    );
    // AlarmHigh needs 3 datapoints of 10 s each after the change.
    sim.advance_to(at(155.0));
    let snap = sim.snapshot();
    assert!(snap.services[1]
        .instances
        .iter()
        .all(|i| i.health == sahara_sim::Health::Passing));
    assert!(snap.services[0].desired > 3, "{:?}", snap.services[0]);
    assert_eq!(
        snap.services[0].policy,
        sahara_sim::scenario::Policy::TargetTracking
    );
    let log: Vec<String> = sim.events_since(0).0.into_iter().map(|e| e.text).collect();
    assert!(log
        .iter()
        .any(|l| l.starts_with("browse: AlarmHigh: CPU above 10%")));
    // A bad value names the path and what is allowed.
    let err = sim
        .apply(Change::Set {
            path: "services.browse.scaling.policy".into(),
            value: "sometimes".into(),
        })
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("services.browse.scaling.policy") && err.contains("target_tracking"),
        "{err}"
    );
}

#[test]
fn duplicate_responses_are_marked_in_the_snapshot() {
    let mut sim = Simulation::new(common::preset("lost-response")).unwrap();
    let (mut duplicates, mut retries) = (0, 0);
    while sim.now() < at(60.0) {
        sim.advance_by(sahara_sim::SimDuration::from_millis_f64(5.0));
        for m in sim.snapshot().messages {
            duplicates += m.is_duplicate as u32;
            retries += m.is_retry as u32;
            assert!(!m.is_duplicate || m.leg.is_response());
        }
    }
    assert!(duplicates > 0 && retries > 0, "{duplicates} {retries}");
}

/// Fallacy 5 (`tour-topology`): without a load balancer every client keeps
/// the first instance's static address, so once its host fails every
/// request fails, and still after the group replaces it at a new address;
/// behind a load balancer the replacement is picked up and only what was
/// sent to the dead host before its health checks failed is lost. Switching the load
/// balancer off again hands out the oldest address there is now.
#[test]
fn a_static_address_breaks_when_its_instance_is_replaced() {
    let failed = |sim: &Simulation| {
        let t = &sim.metrics().totals();
        t.finished.iter().sum::<u64>() - t.finished[0]
    };
    let pinned = common::preset("tour-topology");
    let mut sim = Simulation::new(pinned.clone()).unwrap();
    sim.advance_to(at(59.0));
    assert_eq!(failed(&sim), 0);
    sim.advance_to(at(62.0));
    let ok_before = sim.metrics().totals().finished[0];
    sim.advance_to(at(180.0));
    let t = &sim.metrics().totals();
    assert_eq!(
        t.instances_terminated, 1,
        "the crashed instance is replaced"
    );
    assert!(
        t.finished[0] - ok_before < 20,
        "nothing succeeds once it is gone after it: {}",
        t.finished[0] - ok_before
    );
    assert!(failed(&sim) > 11_000, "failed {}", failed(&sim));
    // Off and on again: clients are given a live address.
    for b in ["round_robin", "none"] {
        sim.apply(Change::Set {
            path: "services.browse.balancer".into(),
            value: b.into(),
        })
        .unwrap();
    }
    let before = failed(&sim);
    sim.advance_to(at(240.0));
    assert!(failed(&sim) - before < 5, "re-pinned to a live instance");

    let mut behind = pinned;
    set(&mut behind, "services.browse.balancer", "round_robin");
    let mut sim = Simulation::new(behind).unwrap();
    sim.advance_to(at(180.0));
    assert_eq!(sim.metrics().totals().instances_terminated, 1);
    // Behind it, only the dead host's third of 100 req/s fails until its
    // health checks do: probes every I = 5 s at a random phase, each failing
    // at its 2 s timeout, unhealthy after k = 2: between (k − 1)·I + 2 and
    // k·I + 2 seconds.
    let share = 100.0 / 3.0;
    let (low, high) = (share * 7.0, share * 12.0);
    let lost = failed(&sim) as f64;
    assert!(lost > 0.9 * low && lost < 1.1 * high, "failed {lost}");
}
