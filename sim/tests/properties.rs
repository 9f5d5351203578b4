//! Properties over random valid scenarios: conservation, monotone time,
//! counts within their bounds, determinism, and that pausing, stepping in
//! chunks or applying a no-op change never changes the run.

mod common;
use common::preset;
use proptest::prelude::*;
use sahara_sim::scenario::Idempotency;
use sahara_sim::{Change, Outcome, Scenario, SimTime, Simulation, Snapshot};

/// A random valid scenario built on the baseline: every knob that changes
/// the model's paths (loss, faults, limits, balancers, shapes, users).
fn scenario() -> impl Strategy<Value = Scenario> {
    let services = proptest::collection::vec(
        (
            0u32..4,
            1u32..4,
            0u32..20,
            0usize..5,
            prop_oneof![Just(0.0), 2.0..40.0f64],
            0.5..10.0f64,
        ),
        3,
    );
    let shape = prop_oneof![
        Just(r#"{ "kind": "constant" }"#.to_string()),
        (0.0..10.0f64, 0.0..4.0f64)
            .prop_map(|(a, f)| format!(r#"{{ "kind": "step", "at_s": {a}, "factor": {f} }}"#)),
        (0.0..10.0f64, 0.1..5.0f64).prop_map(|(a, f)| format!(
            r#"{{ "kind": "spike", "at_s": {a}, "duration_s": 3.0, "factor": {f} }}"#
        )),
        (1.0..10.0f64, 0.0..1.0f64).prop_map(|(p, a)| format!(
            r#"{{ "kind": "periodic", "period_s": {p}, "amplitude": {a} }}"#
        )),
    ];
    (
        (any::<u32>(), 2.0..15.0f64, 0.0..400.0f64, 0u32..30, shape),
        (
            0.0..0.3f64,
            0.0..0.3f64,
            0.0..0.2f64,
            0.0..30.0f64,
            0.0..3.0f64,
            prop_oneof![Just(0.0), 1.0..50.0f64],
        ),
        (30.0..1500.0f64, 1u32..6, services),
        resilience(),
    )
        .prop_map(|(traffic, network, rest, resilience)| {
            let (seed, duration, rate, users, shape) = traffic;
            let (req_loss, resp_loss, db_loss, latency, jitter, bandwidth) = network;
            let (timeout, connections, services) = rest;
            let mut s = preset("baseline");
            let mut set = |p: &str, v: String| {
                s.set(p, &v).unwrap_or_else(|e| panic!("{p}={v}: {e}"));
            };
            set("seed", seed.to_string());
            set("duration_s", duration.to_string());
            set("traffic.rate_rps", rate.to_string());
            set("traffic.users", users.to_string());
            set("traffic.think_time_ms", "300".into());
            set("traffic.shape", shape);
            set("network.client_to_lb.request_loss", req_loss.to_string());
            set("network.client_to_lb.response_loss", resp_loss.to_string());
            set("network.instance_to_db.response_loss", db_loss.to_string());
            set("network.client_to_lb.latency", latency.to_string());
            set("network.client_to_lb.jitter_ms", jitter.to_string());
            set(
                "network.lb_to_instance.bandwidth_mbps",
                bandwidth.to_string(),
            );
            set("traffic.mix.browse.payload", "\"composite\"".into());
            set("client.timeout_ms", timeout.to_string());
            set("database.connections", connections.to_string());
            set("database.queue_capacity", "5".into());
            let algorithms = [
                "round_robin",
                "random",
                "least_outstanding",
                "power_of_two",
                "none",
            ];
            for (name, (n, workers, queue, alg, mtbf, mttr)) in
                ["browse", "cart", "checkout"].into_iter().zip(services)
            {
                set(&format!("services.{name}.instances"), n.to_string());
                set(&format!("services.{name}.workers"), workers.to_string());
                set(
                    &format!("services.{name}.queue_capacity"),
                    queue.to_string(),
                );
                set(&format!("services.{name}.balancer"), algorithms[alg].into());
                set(&format!("services.{name}.mtbf_s"), mtbf.to_string());
                set(&format!("services.{name}.mttr_s"), mttr.to_string());
            }
            for (path, value) in resilience {
                set(&path, value);
            }
            s
        })
}

/// Issue 4's settings, at random: retries, tokens, health checks, groups.
fn resilience() -> impl Strategy<Value = Vec<(String, String)>> {
    let pick = |options: &'static [&'static str]| {
        (0..options.len()).prop_map(move |k| options[k].to_string())
    };
    let group = (
        pick(&["none", "target_tracking", "step", "simple"]),
        pick(&["none", "ec2", "elb"]),
        any::<bool>(),
        0.5..3.0f64,
        0.0..3.0f64,
    );
    (
        1u32..4,
        pick(&["none", "constant", "exponential"]),
        pick(&["none", "full", "equal", "decorrelated"]),
        pick(&["off", "per_instance", "shared"]),
        pick(&["none", "grpc", "envoy", "finagle"]),
        proptest::collection::vec(group, 3),
    )
        .prop_map(|(attempts, backoff, jitter, tokens, throttle, groups)| {
            let mut v: Vec<(String, String)> = vec![
                ("client.max_attempts".into(), attempts.to_string()),
                ("client.retry.backoff".into(), backoff),
                ("client.retry.jitter".into(), jitter),
                ("client.retry.base_ms".into(), "20".into()),
                ("client.retry.cap_ms".into(), "500".into()),
                ("client.retry.throttle".into(), throttle),
                ("client.idempotency".into(), tokens),
            ];
            for (name, (policy, check, probes, period, grace)) in
                ["browse", "cart", "checkout"].into_iter().zip(groups)
            {
                let g = |field: &str| format!("services.{name}.{field}");
                v.extend([
                    (g("min_instances"), "0".into()),
                    (g("max_instances"), "6".into()),
                    (g("boot_s"), "0.3".into()),
                    (g("health_check.enabled"), probes.to_string()),
                    (g("health_check.timeout_s"), (period / 2.0).to_string()),
                    (g("health_check.interval_s"), period.to_string()),
                    (g("health_check.deregistration_delay_s"), "1".into()),
                    (
                        g("scaling.steps"),
                        r#"[{"above": 60, "change": 2}, {"below": 20, "change": -1}]"#.into(),
                    ),
                    (g("scaling.policy"), policy),
                    (g("scaling.period_s"), period.to_string()),
                    (g("scaling.warmup_s"), "0.5".into()),
                    (g("scaling.cooldown_s"), "1".into()),
                    (g("scaling.health_check_type"), check),
                    (g("scaling.grace_s"), grace.to_string()),
                ]);
            }
            v
        })
}

/// Checks everything that must hold at any instant. After a live cut in
/// workers (`live`), running work may exceed the new count until it ends.
fn check_invariants(sim: &Simulation, snap: &Snapshot, live: bool) {
    let t = &snap.totals;
    // Conservation: every request created has finished by exactly one
    // outcome or is still in flight; the same for attempts.
    assert_eq!(t.requests, t.finished_total() + sim.in_flight());
    assert_eq!(
        t.attempts,
        t.attempts_finished.iter().sum::<u64>() + snap.attempts_in_flight
    );
    assert_eq!(snap.requests_in_flight, sim.in_flight());
    // Every attempt belongs to exactly one logical request: each request's
    // first, or a retry of it, never more than the client allows.
    let c = &sim.scenario().client;
    assert_eq!(t.attempts, t.requests + t.retries);
    assert!(t.attempts <= t.requests * c.max_attempts as u64);
    for m in &snap.messages {
        assert!(m.attempt <= c.max_attempts);
        assert!(
            m.request.is_none() || m.is_retry == (m.attempt > 1),
            "{m:?}"
        );
    }
    // Shared tokens: nothing ever executes twice.
    if c.idempotency == Idempotency::Shared {
        assert_eq!(t.duplicates, 0);
    }
    // Every group keeps capacity at desired, within [min, max].
    for s in &snap.services {
        assert!(s.min <= s.desired && s.desired <= s.max, "{s:?}");
        assert_eq!(s.capacity, s.desired, "{s:?}");
    }
    assert!(snap.messages.len() <= sahara_sim::MAX_MESSAGES);
    assert!(snap.messages.len() as u64 <= snap.messages_in_flight);
    let per_link: u64 = snap.links.iter().map(|l| l.in_flight as u64).sum();
    assert_eq!(per_link, snap.messages_in_flight);
    for m in &snap.messages {
        assert!(m.sent <= snap.time && m.arrives >= m.sent);
        if let Some(lost) = m.lost_at {
            assert!(lost >= snap.time && lost <= m.arrives);
        } else {
            assert!(m.arrives >= snap.time);
        }
    }
    for s in &snap.services {
        for i in &s.instances {
            assert!(live || i.busy <= i.workers, "{:?}", i);
            assert!((0.0..=1.0 + 1e-9).contains(&i.utilisation), "{:?}", i);
            assert!(i.age_s >= 0.0);
        }
    }
    let db = &snap.database;
    assert!(live || db.busy <= db.connections);
    assert!((0.0..=1.0 + 1e-9).contains(&db.utilisation));
    let sum = sim.summary();
    assert!(sum.latency_ms.p50 <= sum.latency_ms.p95 && sum.latency_ms.p95 <= sum.latency_ms.p99);
    for u in sum.utilisation.values() {
        assert!((0.0..=1.0 + 1e-9).contains(u));
    }
    assert_eq!(sum.outcomes.success, t.outcome(Outcome::Success));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn conservation_and_monotone_time_at_every_pause(s in scenario(), steps in proptest::collection::vec(1u64..2_000_000_000, 1..40)) {
        let mut sim = Simulation::new(s).unwrap();
        let mut last = sim.now();
        for dt in steps {
            let target = SimTime(sim.now().as_nanos() + dt);
            // A tight event budget: it may stop early, never go back.
            let reached = sim.advance_to_bounded(target, 500);
            prop_assert!(sim.now() >= last);
            prop_assert!(sim.now() <= target);
            prop_assert_eq!(reached, sim.now() == target);
            last = sim.now();
            check_invariants(&sim, &sim.snapshot(), false);
        }
    }

    #[test]
    fn same_seed_same_digest_and_pausing_changes_nothing(s in scenario(), cuts in proptest::collection::vec(0.0..1.0f64, 0..8), budget in 1u64..5000) {
        let end = SimTime::from_secs_f64(s.duration_s);
        let mut whole = Simulation::new(s.clone()).unwrap();
        whole.run_to_end();
        let mut again = Simulation::new(s.clone()).unwrap();
        again.run_to_end();
        prop_assert_eq!(whole.digest(), again.digest());

        // Stepping in chunks, with a small event budget per call.
        let mut cuts = cuts;
        cuts.sort_by(f64::total_cmp);
        let mut stepped = Simulation::new(s.clone()).unwrap();
        for c in cuts.iter().map(|c| SimTime((end.as_nanos() as f64 * c) as u64)).chain([end]) {
            while !stepped.advance_to_bounded(c, budget) {}
        }
        prop_assert_eq!(stepped.digest(), whole.digest());
        prop_assert_eq!(stepped.summary().outcomes.success, whole.summary().outcomes.success);

        // Applying a change that changes nothing, mid-run.
        let mut changed = Simulation::new(s.clone()).unwrap();
        changed.advance_to(SimTime(end.as_nanos() / 2));
        let rate = changed.scenario().traffic.rate_rps.to_string();
        changed.apply(Change::Set { path: "traffic.rate_rps".into(), value: rate }).unwrap();
        let workers = changed.scenario().services[0].workers.to_string();
        changed.apply(Change::Set { path: "services.browse.workers".into(), value: workers }).unwrap();
        changed.run_to_end();
        prop_assert_eq!(changed.digest(), whole.digest());
    }
}

#[test]
fn a_different_seed_gives_a_different_run() {
    let a = preset("baseline");
    let mut b = a.clone();
    b.seed += 1;
    let (mut x, mut y) = (Simulation::new(a).unwrap(), Simulation::new(b).unwrap());
    x.advance_to(SimTime::from_secs_f64(10.0));
    y.advance_to(SimTime::from_secs_f64(10.0));
    assert_ne!(x.digest(), y.digest());
}

/// A change to one service leaves other services' randomness alone: the
/// browse instances see the same service times whatever the checkout size.
#[test]
fn streams_are_independent_of_unrelated_parameters() {
    let served = |checkout: &str| {
        let mut s = preset("baseline");
        s.set("services.checkout.instances", checkout).unwrap();
        s.set("traffic.mix.browse.database", "false").unwrap();
        let mut sim = Simulation::new(s).unwrap();
        sim.advance_to(SimTime::from_secs_f64(30.0));
        let snap = sim.snapshot();
        snap.services[0]
            .instances
            .iter()
            .map(|i| i.served)
            .collect::<Vec<_>>()
    };
    assert_eq!(served("2"), served("5"));
}

/// One random live change, as a user might make it with the UI.
fn change() -> impl Strategy<Value = Change> {
    let service = prop_oneof![Just("browse"), Just("cart"), Just("checkout")];
    let id = (1u32..25).prop_map(sahara_sim::InstanceId);
    let set = |path: String, value: String| Change::Set { path, value };
    prop_oneof![
        (service.clone(), 0u32..7)
            .prop_map(move |(s, n)| set(format!("services.{s}.instances"), n.to_string())),
        (service.clone(), 1u32..5)
            .prop_map(move |(s, n)| set(format!("services.{s}.workers"), n.to_string())),
        (service.clone(), 0usize..5).prop_map(move |(s, a)| set(
            format!("services.{s}.balancer"),
            [
                "round_robin",
                "random",
                "least_outstanding",
                "power_of_two",
                "none"
            ][a]
                .into()
        )),
        (service.clone(), prop_oneof![Just(0.0), 1.0..20.0f64])
            .prop_map(move |(s, m)| set(format!("services.{s}.mtbf_s"), m.to_string())),
        (0.0..500.0f64).prop_map(move |r| set("traffic.rate_rps".into(), r.to_string())),
        (0u32..20).prop_map(move |u| set("traffic.users".into(), u.to_string())),
        (1u32..6).prop_map(move |c| set("database.connections".into(), c.to_string())),
        (0u32..4).prop_map(move |r| set("database.read_replicas".into(), r.to_string())),
        any::<bool>().prop_map(move |on| set("traffic.mix.browse.writes".into(), on.to_string())),
        (prop_oneof![Just(0.0), 5.0..60.0f64])
            .prop_map(move |m| set("database.mtbf_s".into(), m.to_string())),
        (20.0..2000.0f64).prop_map(move |t| set("client.timeout_ms".into(), t.to_string())),
        (0.0..0.5f64)
            .prop_map(move |p| set("network.lb_to_instance.response_loss".into(), p.to_string())),
        (service.clone(), 0usize..4).prop_map(move |(s, p)| set(
            format!("services.{s}.scaling.policy"),
            ["none", "target_tracking", "step", "simple"][p].into()
        )),
        (service.clone(), any::<bool>()).prop_map(move |(s, on)| set(
            format!("services.{s}.health_check.enabled"),
            on.to_string()
        )),
        (0usize..3).prop_map(move |b| set(
            "client.retry.backoff".into(),
            ["none", "constant", "exponential"][b].into()
        )),
        (0usize..4).prop_map(move |t| set(
            "client.retry.throttle".into(),
            ["none", "grpc", "envoy", "finagle"][t].into()
        )),
        (0usize..3, 0usize..3).prop_map(move |(k, s)| set(
            format!(
                "traffic.mix.{}.service",
                ["browse", "add_to_cart", "checkout"][k]
            ),
            ["browse", "cart", "checkout"][s].into()
        )),
        (1u32..4).prop_map(move |z| set("zones".into(), z.to_string())),
        (prop_oneof![Just(0.0), 5.0..60.0f64])
            .prop_map(move |m| set("zone_mtbf_s".into(), m.to_string())),
        (service.clone(), any::<bool>()).prop_map(move |(s, on)| set(
            format!("services.{s}.outlier_detection.enabled"),
            on.to_string()
        )),
        (service.clone(), 0usize..3).prop_map(move |(s, t)| set(
            format!("services.{s}.scaling.health_check_type"),
            ["none", "ec2", "elb"][t].into()
        )),
        any::<bool>()
            .prop_map(move |on| set("client.circuit_breaker.enabled".into(), on.to_string())),
        (1u32..30).prop_map(move |n| set(
            "client.circuit_breaker.sliding_window_size".into(),
            n.to_string()
        )),
        id.clone().prop_map(Change::KillInstance),
        id.clone().prop_map(Change::FailInstance),
        (0u32..4, 1u64..5).prop_map(|(zone, d)| Change::ZoneOutage {
            zone,
            duration: sahara_sim::SimDuration::from_secs(d)
        }),
        id.clone().prop_map(Change::HangInstance),
        (id.clone(), 0.5..10.0f64).prop_map(|(i, f)| Change::SlowInstance(i, f)),
        id.prop_map(Change::RepairInstance),
        (service, 1u64..5).prop_map(|(s, d)| Change::ServiceOutage {
            service: s.to_string(),
            duration: sahara_sim::SimDuration::from_secs(d)
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any sequence of live changes keeps every invariant, and replaying the
    /// same changes at the same times gives the same run.
    #[test]
    fn live_changes_keep_the_invariants(
        s in scenario(),
        changes in proptest::collection::vec((1u64..1_500_000_000, change()), 1..25),
    ) {
        let mut s = s;
        for name in ["browse", "cart", "checkout"] {
            s.set(&format!("services.{name}.max_instances"), "6").unwrap();
            s.set(&format!("services.{name}.boot_s"), "0.5").unwrap();
        }
        let play = |s: &Scenario| {
            let mut sim = Simulation::new(s.clone()).unwrap();
            for (dt, c) in &changes {
                sim.advance_to(SimTime(sim.now().as_nanos() + dt));
                // Errors (an instance that is gone) are fine; panics are not.
                let _ = sim.apply(c.clone());
                check_invariants(&sim, &sim.snapshot(), true);
            }
            sim.advance_by(sahara_sim::SimDuration::from_secs(3));
            check_invariants(&sim, &sim.snapshot(), true);
            sim.digest()
        };
        prop_assert_eq!(play(&s), play(&s));
    }
}
