//! Live changes, faults and the lecture's situations, each checked by its
//! effect on the numbers.

mod common;
use common::{preset, run_and_drain, set};
use sahara_sim::{
    Change, Condition, InstanceId, Lifecycle, ScenarioError, SimDuration, SimTime, Simulation,
    LOG_CAPACITY, SERIES_CAPACITY,
};

fn at(s: f64) -> SimTime {
    SimTime::from_secs_f64(s)
}

fn first_instance(sim: &Simulation, service: usize) -> InstanceId {
    sim.snapshot().services[service].instances[0].id
}

fn log_text(sim: &Simulation) -> Vec<String> {
    sim.events_since(0).0.into_iter().map(|e| e.text).collect()
}

#[test]
fn killing_an_instance_loses_its_work_and_repair_brings_it_back() {
    let mut sim = Simulation::new(preset("baseline")).unwrap();
    sim.advance_to(at(10.0));
    let id = first_instance(&sim, 0);
    let busy = sim.snapshot().services[0].instances[0].busy as u64;
    sim.apply(Change::KillInstance(id)).unwrap();
    sim.advance_to(at(20.0));
    let snap = sim.snapshot();
    let inst = snap.services[0]
        .instances
        .iter()
        .find(|i| i.id == id)
        .unwrap();
    assert_eq!(inst.condition, Condition::Crashed);
    assert_eq!(inst.busy, 0);
    // Without health checks nothing takes it out of service (an ALB has no
    // passive detection): round robin keeps sending it a third of browsing,
    // 300 req/s × 0.8 / 3 instances, each answered 502, besides the work it
    // held.
    assert_eq!(inst.state, Lifecycle::InService);
    assert_eq!(snap.services[0].in_service, 3);
    let crashed = sim.summary().outcomes.crashed as f64;
    let share = 300.0 * 0.8 / 3.0 * 10.0;
    assert!(
        (crashed - busy as f64 - share).abs() < 0.1 * share,
        "{crashed} (held {busy}, share {share})"
    );
    assert!(log_text(&sim).contains(&format!("{id}'s process crashed: it refuses connections")));
    sim.apply(Change::RepairInstance(id)).unwrap();
    sim.advance_to(at(30.0));
    let snap = sim.snapshot();
    let inst = snap.services[0]
        .instances
        .iter()
        .find(|i| i.id == id)
        .unwrap();
    assert_eq!(
        (inst.state, inst.condition),
        (Lifecycle::InService, Condition::Ok)
    );
    assert_eq!(snap.services[0].in_service, 3);
    assert!(log_text(&sim).contains(&format!("{id} repaired")));
}

#[test]
fn a_hang_is_not_noticed_without_health_checks() {
    let mut s = preset("baseline");
    set(&mut s, "client.timeout_ms", "1000");
    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(at(5.0));
    sim.apply(Change::HangInstance(first_instance(&sim, 0)))
        .unwrap();
    sim.advance_to(at(20.0));
    let o = sim.summary().outcomes;
    // It holds what its 4 workers and 50-place queue can take, all of which
    // time out; after that its full queue rejects a third of browsing.
    assert_eq!(o.timeout, 4 + 50, "{o:?}");
    assert!(o.rejected > 1000, "{o:?}");
    assert_eq!(o.crashed, 0);
    assert_eq!(sim.snapshot().services[0].in_service, 3, "still a target");
}

#[test]
fn a_service_outage_takes_every_instance_down_for_its_duration() {
    let mut sim = Simulation::new(preset("baseline")).unwrap();
    sim.advance_to(at(10.0));
    sim.apply(Change::ServiceOutage {
        service: "cart".into(),
        duration: SimDuration::from_secs(5),
    })
    .unwrap();
    sim.advance_to(at(12.0));
    let snap = sim.snapshot();
    assert!(snap.services[1]
        .instances
        .iter()
        .all(|i| i.condition == Condition::Crashed));
    assert!(snap.services[0]
        .instances
        .iter()
        .all(|i| i.condition == Condition::Ok));
    sim.advance_to(at(16.0));
    assert!(sim.snapshot().services[1]
        .instances
        .iter()
        .all(|i| i.condition == Condition::Ok));
    // About 15% of 300 req/s for 5 s: the few held or on their way fail
    // with the crash, the load balancer turns the rest away with a 503.
    let o = sim.summary().outcomes;
    let failed = (o.crashed + o.no_healthy_target) as f64;
    assert!((150.0..300.0).contains(&failed), "{o:?}");
    assert!(sim
        .apply(Change::ServiceOutage {
            service: "nope".into(),
            duration: SimDuration::from_secs(1)
        })
        .is_err());
}

#[test]
fn a_slow_instance_raises_latency() {
    let mut s = preset("baseline");
    set(&mut s, "services.browse.instances", "1");
    set(&mut s, "traffic.rate_rps", "100");
    let mut fast = Simulation::new(s.clone()).unwrap();
    fast.advance_to(at(20.0));
    let mut slow = Simulation::new(s).unwrap();
    slow.apply(Change::SlowInstance(first_instance(&slow, 0), 3.0))
        .unwrap();
    slow.advance_to(at(20.0));
    assert!(slow.summary().latency_ms.p50 > fast.summary().latency_ms.p50 + 20.0);
    assert!(slow
        .apply(Change::SlowInstance(InstanceId(1), -1.0))
        .is_err());
}

#[test]
fn resizing_a_group_launches_fresh_instances_and_drains_old_ones() {
    let mut s = preset("baseline");
    set(&mut s, "services.cart.max_instances", "6");
    set(&mut s, "services.cart.boot_s", "2");
    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(at(5.0));
    let old: Vec<_> = sim.snapshot().services[1]
        .instances
        .iter()
        .map(|i| (i.id, i.address))
        .collect();
    sim.apply(Change::Set {
        path: "services.cart.instances".into(),
        value: "5".into(),
    })
    .unwrap();
    let snap = sim.snapshot();
    let cart = &snap.services[1];
    assert_eq!(cart.instances.len(), 5);
    let new: Vec<_> = cart
        .instances
        .iter()
        .filter(|i| !old.iter().any(|o| o.0 == i.id))
        .collect();
    assert_eq!(new.len(), 3);
    for n in &new {
        assert_eq!(n.state, Lifecycle::Pending);
        assert!(old.iter().all(|o| o.1 != n.address), "fresh address");
        assert!(n.id.0 > 7, "fresh id {}", n.id);
    }
    sim.advance_to(at(8.0));
    let snap = sim.snapshot();
    assert_eq!(snap.services[1].in_service, 5);
    assert!(snap.services[1]
        .instances
        .iter()
        .all(|i| i.state == Lifecycle::InService));
    assert!(
        snap.services[1].instances.iter().all(|i| i.served > 0),
        "all get traffic"
    );
    // Scale in: the oldest go first, after draining.
    sim.apply(Change::Set {
        path: "services.cart.instances".into(),
        value: "2".into(),
    })
    .unwrap();
    sim.advance_to(at(10.0));
    let snap = sim.snapshot();
    let live: Vec<_> = snap.services[1]
        .instances
        .iter()
        .filter(|i| i.state == Lifecycle::InService)
        .collect();
    assert_eq!(live.len(), 2);
    assert!(
        live.iter().all(|i| !old.iter().any(|o| o.0 == i.id)),
        "the oldest were removed"
    );
    let terminated = snap.services[1]
        .instances
        .iter()
        .filter(|i| i.state == Lifecycle::Terminated)
        .count();
    assert_eq!(terminated, 3);
    let log = log_text(&sim);
    assert!(log.iter().any(|l| l.ends_with("terminated")));
    // Above the group's maximum is refused with its path.
    let err = sim
        .apply(Change::Set {
            path: "services.cart.instances".into(),
            value: "9".into(),
        })
        .unwrap_err();
    assert!(
        err.to_string().contains("services.cart.max_instances"),
        "{err}"
    );
}

#[test]
fn no_targets_means_fast_503() {
    let mut sim = Simulation::new(preset("baseline")).unwrap();
    sim.advance_to(at(2.0));
    sim.apply(Change::Set {
        path: "services.checkout.instances".into(),
        value: "0".into(),
    })
    .unwrap();
    sim.advance_to(at(30.0));
    let s = sim.summary();
    assert!(s.outcomes.no_healthy_target > 300, "{:?}", s.outcomes);
    assert!(log_text(&sim)
        .iter()
        .any(|l| l.contains("checkout has no instance in service")));
}

#[test]
fn without_a_load_balancer_one_instance_takes_everything() {
    let mut sim = Simulation::new(preset("no-load-balancer")).unwrap();
    sim.advance_to(at(30.0));
    let snap = sim.snapshot();
    let served: Vec<u64> = snap.services[0]
        .instances
        .iter()
        .map(|i| i.served)
        .collect();
    assert!(
        served[0] > 0 && served[1..].iter().all(|&n| n == 0),
        "{served:?}"
    );
    let bad = sim.summary();
    assert!(
        bad.outcomes.rejected + bad.outcomes.timeout > 1000,
        "{:?}",
        bad.outcomes
    );
    // Put a load balancer in front: the work spreads and the errors stop.
    sim.apply(Change::Set {
        path: "services.browse.balancer".into(),
        value: "round_robin".into(),
    })
    .unwrap();
    sim.advance_to(at(40.0));
    let errors = |s: &sahara_sim::Summary| s.outcomes.rejected + s.outcomes.timeout;
    let e0 = errors(&sim.summary());
    sim.advance_to(at(70.0));
    assert!(errors(&sim.summary()) - e0 < 20);
    let served: Vec<u64> = sim.snapshot().services[0]
        .instances
        .iter()
        .map(|i| i.served)
        .collect();
    assert!(served.iter().all(|&n| n > 1000), "{served:?}");
}

/// `database-bottleneck`: asked for 1800 queries/s, a database of n = 8
/// connections and S = 5 ms queries, always all busy, completes
/// X(n) = n / (S (1 + σ(n − 1) + κn(n − 1))) a second (the Universal
/// Scalability Law, at the default σ and κ): below the demand. Doubling
/// the instances changes nothing; doubling the connections raises it only
/// to X(16), far from double; two read replicas take the 80 % of reads
/// (browsing) off the primary, and everything is served.
#[test]
fn the_database_becomes_the_bottleneck() {
    let s = preset("database-bottleneck");
    let (sigma, kappa) = (s.database.contention, s.database.coherency);
    let x = |n: f64| n / (0.005 * (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0)));
    let near = |measured: f64, n: f64| (measured - x(n)).abs() < 0.05 * x(n);
    let base = run_and_drain(s).summary();
    println!(
        "8 connections: goodput {:.0}/s (rule X(8) = {:.0})",
        base.goodput_rps,
        x(8.0)
    );
    assert!(
        base.utilisation["database"] > 0.95,
        "{:?}",
        base.utilisation
    );
    for svc in ["browse", "cart", "checkout"] {
        assert!(base.utilisation[svc] < 0.5, "{:?}", base.utilisation);
    }
    assert!(
        near(base.goodput_rps, 8.0) && base.outcomes.rejected > 10_000,
        "{base:?}"
    );
    // Doubling the instances does not raise what gets done…
    let mut more_instances = preset("database-bottleneck");
    set(&mut more_instances, "services.browse.max_instances", "20");
    set(&mut more_instances, "services.browse.instances", "20");
    let more = run_and_drain(more_instances).summary();
    assert!(near(more.goodput_rps, 8.0), "{}", more.goodput_rps);
    // …doubling the connections raises it to X(16) only…
    let mut bigger_db = preset("database-bottleneck");
    set(&mut bigger_db, "database.connections", "16");
    let bigger = run_and_drain(bigger_db).summary();
    println!(
        "16 connections: goodput {:.0}/s (rule X(16) = {:.0})",
        bigger.goodput_rps,
        x(16.0)
    );
    assert!(near(bigger.goodput_rps, 16.0), "{}", bigger.goodput_rps);
    // …and read replicas take the reads: 1440/s over two, 360 writes/s on
    // the primary, each below X(8).
    let mut replicas = preset("database-bottleneck");
    set(&mut replicas, "database.read_replicas", "2");
    let read_out = run_and_drain(replicas).summary();
    println!(
        "2 read replicas: goodput {:.0}/s, {} rejected",
        read_out.goodput_rps, read_out.outcomes.rejected
    );
    assert!(read_out.goodput_rps > 1780.0, "{}", read_out.goodput_rps);
    assert_eq!(read_out.outcomes.rejected, 0);
}

/// With an ALB's semantics a crashed instance keeps its share of requests
/// until its health checks fail, so replication cuts failures only down to
/// the share sent to undetected crashes. In `spread-risk` each instance
/// crashes every MTBF = 300 s on average and is repaired after MTTR = 60 s:
/// down p = 60 / 360 of the time. Checks every I = 10 s, unhealthy after
/// k = 2 failures: a crash at a uniformly random point of the probe cycle
/// is detected after (k − 1/2) I = 15 s on average, during which it takes
/// 1/n of the traffic. So the failed share is about p with one instance
/// (it is all the traffic: the load balancer fails open to it), and with n
/// about n · (15 / 360) · (1/n) = 15/360 plus the chance that all n are
/// down at once, p^n.
#[test]
fn spreading_over_more_instances_cuts_the_failures_down_to_detection_time() {
    let failed = |n: &str| {
        let mut s = preset("spread-risk");
        set(&mut s, "services.browse.instances", n);
        // A long, light run: many failure cycles, few requests.
        set(&mut s, "duration_s", "86400");
        set(&mut s, "traffic.rate_rps", "5");
        let sum = run_and_drain(s).summary();
        (sum.outcomes.crashed + sum.outcomes.no_healthy_target) as f64 / sum.requests as f64
    };
    let (mtbf, mttr, interval, k) = (300.0, 60.0, 10.0, 2.0);
    let p = mttr / (mtbf + mttr);
    let undetected = (k - 0.5) * interval / (mtbf + mttr);
    let (one, two, ten) = (failed("1"), failed("2"), failed("10"));
    println!(
        "failed: 1 instance {one:.4} (p = {p:.4}), 2 {two:.4} (≈ {:.4}), 10 {ten:.4} (≈ {undetected:.4})",
        undetected + p * p
    );
    assert!((one - p).abs() < 0.03, "{one}");
    assert!((ten - undetected).abs() < 0.15 * undetected, "{ten}");
    assert!(two > ten && two < undetected + p * p + 0.01, "{two}");
}

#[test]
fn stamp_coupling_costs_latency_and_transfer() {
    let composite = run_and_drain(preset("stamp-coupling")).summary();
    let mut s = preset("stamp-coupling");
    set(&mut s, "traffic.mix.browse.payload", "id");
    set(&mut s, "traffic.mix.checkout.payload", "id");
    let ids = run_and_drain(s).summary();
    // Each request crosses two 100 Mbit/s hops (load balancer → instance,
    // instance → database). A 20 kB record instead of a 100 B id adds its
    // transfer time on both, and at 580 requests/s the first pipe is busy
    // ρ = 580 · 1.6 ms = 0.93 of the time: its arrivals are Poisson and its
    // service deterministic, so M/D/1 adds a mean wait of ρ·s / (2(1 − ρ)).
    // The second pipe only adds more. (The tail grows too, but one run's
    // p99 at ρ = 0.93 varies by a third from seed to seed.)
    let transfer_ms = 8.0 * (20_000.0 - 100.0) / 100e6 * 1e3;
    let s = 8.0 * 20_000.0 / 100e6 * 1e3;
    let rho = 580.0 * s / 1e3;
    let md1_wait_ms = rho * s / (2.0 * (1.0 - rho));
    let added = composite.latency_ms.mean - ids.latency_ms.mean;
    let at_least = 2.0 * transfer_ms + md1_wait_ms;
    println!("mean latency added {added:.1} ms, at least {at_least:.1} ms");
    assert!(added > 0.95 * at_least, "{added} < {at_least}");
    assert!(composite.latency_ms.p99 > ids.latency_ms.p99);
    assert!(composite.cost.transfer_gb > 10.0 * ids.cost.transfer_gb);
}

#[test]
fn a_flash_sale_overloads_the_fixed_groups() {
    let mut sim = Simulation::new(preset("flash-sale")).unwrap();
    sim.advance_to(at(90.0));
    let spike = sim.metrics().latest().unwrap().clone();
    assert!(
        (1200..1800).contains(&spike.offered_rps),
        "{}",
        spike.offered_rps
    );
    assert!(sim.snapshot().clients.rate_rps == 1500.0);
    sim.run_to_end();
    let s = sim.summary();
    assert!(
        s.outcomes.rejected + s.outcomes.timeout > 1000,
        "{:?}",
        s.outcomes
    );
    let calm = sim.metrics().latest().unwrap();
    assert!(
        (250..350).contains(&calm.offered_rps),
        "{}",
        calm.offered_rps
    );
}

#[test]
fn changing_the_rate_live_changes_the_offered_load() {
    let mut sim = Simulation::new(preset("baseline")).unwrap();
    sim.advance_to(at(10.0));
    sim.apply(Change::Set {
        path: "traffic.rate_rps".into(),
        value: "30".into(),
    })
    .unwrap();
    sim.advance_to(at(40.0));
    let last = sim.metrics().latest().unwrap().offered_rps;
    assert!((10..60).contains(&last), "{last}");
}

#[test]
fn bad_changes_are_errors_and_leave_the_run_alone() {
    let mut sim = Simulation::new(preset("baseline")).unwrap();
    sim.advance_to(at(3.0));
    let d = sim.digest();
    assert!(matches!(
        sim.apply(Change::Set {
            path: "seed".into(),
            value: "9".into()
        }),
        Err(ScenarioError::NeedsRestart(_))
    ));
    assert!(matches!(
        sim.apply(Change::Set {
            path: "network.client_to_lb.request_loss".into(),
            value: "7".into()
        }),
        Err(ScenarioError::Invalid(_))
    ));
    assert!(matches!(
        sim.apply(Change::Set {
            path: "traffic.mix".into(),
            value: r#"[{ "kind": "browse", "weight": 1.0, "service": "browse" }]"#.into()
        }),
        Err(ScenarioError::NeedsRestart(_))
    ));
    assert!(matches!(
        sim.apply(Change::KillInstance(InstanceId(999))),
        Err(ScenarioError::NotFound(_))
    ));
    assert_eq!(sim.digest(), d);
    assert_eq!(sim.scenario(), &preset("baseline"));
}

#[test]
fn a_day_long_run_keeps_bounded_memory() {
    let mut s = preset("spread-risk");
    set(&mut s, "duration_s", "86400");
    set(&mut s, "services.browse.instances", "3");
    set(&mut s, "network.client_to_lb.request_loss", "0.01");
    let mut sim = Simulation::new(s).unwrap();
    sim.run_to_end();
    assert_eq!(sim.metrics().series().len(), SERIES_CAPACITY);
    let (log, cursor) = sim.events_since(0);
    assert_eq!(log.len(), LOG_CAPACITY);
    assert!(cursor > LOG_CAPACITY as u64);
    assert!(sim.in_flight() < 1000);
    let (newer, _) = sim.events_since(cursor);
    assert!(newer.is_empty());
}

#[test]
fn the_snapshot_samples_messages_when_there_are_many() {
    let mut s = preset("bench");
    set(&mut s, "network.client_to_lb.latency", "home_to_us_east_1");
    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(at(5.0));
    let snap = sim.snapshot();
    assert!(snap.messages_in_flight > 500, "{}", snap.messages_in_flight);
    assert!(
        snap.messages.len() >= sahara_sim::MAX_MESSAGES / 2
            && snap.messages.len() <= sahara_sim::MAX_MESSAGES
    );
    assert!(snap
        .messages
        .iter()
        .all(|m| m.request.is_some() && m.attempt == 1 && !m.is_retry));
}

#[test]
fn cost_counts_instance_hours_and_transfer() {
    let mut sim = Simulation::new(preset("baseline")).unwrap();
    sim.advance_to(at(3600.0));
    let c = sim.summary().cost;
    assert!(
        (c.instance_hours - 7.0).abs() < 1e-9,
        "{}",
        c.instance_hours
    );
    // Seven t3.small instances (the default type, 0.0208 $/h) for an hour.
    assert!((c.instance_usd - 7.0 * 0.0208).abs() < 1e-9);
    assert!(
        c.transfer_gb > 0.0
            && (c.total_usd - c.instance_usd - c.load_balancer_usd - c.transfer_usd).abs() < 1e-12
    );
}

#[test]
fn a_closed_population_sends_at_users_over_cycle_time() {
    let mut s = preset("latency-ec2");
    set(&mut s, "traffic.rate_rps", "0");
    set(&mut s, "traffic.users", "20");
    set(&mut s, "traffic.think_time_ms", "990");
    set(&mut s, "duration_s", "600");
    let sim = run_and_drain(s);
    let sum = sim.summary();
    // Each user cycles through 990 ms of thinking and ~12.65 ms of request.
    let expected = 20.0 / (0.990 + 0.012648);
    let rate = sum.requests as f64 / 600.0;
    assert!(
        (rate - expected).abs() / expected < 0.03,
        "{rate} vs {expected}"
    );
}

#[test]
fn a_time_varying_rate_delivers_its_integral() {
    let mut s = preset("latency-ec2");
    set(&mut s, "traffic.rate_rps", "100");
    set(&mut s, "duration_s", "100");
    for (shape, expected) in [
        (
            r#"{ "kind": "step", "at_s": 50.0, "factor": 3.0 }"#,
            50.0 * 100.0 + 50.0 * 300.0,
        ),
        (
            r#"{ "kind": "ramp", "start_s": 0.0, "end_s": 100.0, "factor": 3.0 }"#,
            100.0 * 200.0,
        ),
        (
            r#"{ "kind": "periodic", "period_s": 40.0, "amplitude": 0.5 }"#,
            // 100 s + ∫ 0.5 sin(2πt/40) dt over 2.5 periods = 0.5 · 40/π
            100.0 * (100.0 + 0.5 * 40.0 / std::f64::consts::PI),
        ),
    ] {
        let mut s = s.clone();
        set(&mut s, "traffic.shape", shape);
        let mut sim = Simulation::new(s).unwrap();
        sim.run_to_end();
        let n = sim.summary().requests as f64;
        assert!(
            (n - expected).abs() < 3.0 * expected.sqrt(),
            "{shape}: {n} vs {expected}"
        );
    }
}

#[test]
fn scheduled_faults_happen_and_are_repaired() {
    let text = sahara_sim::presets::toml("baseline").unwrap().to_string()
        + r#"
[[faults]]
at_s = 5.0
service = "cart"
instance = 1
kind = "crash"
repair_after_s = 10.0

[[faults]]
at_s = 8.0
service = "browse"
kind = "slow"
factor = 4.0
"#;
    let s = sahara_sim::Scenario::from_toml(&text).unwrap();
    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(at(6.0));
    let snap = sim.snapshot();
    assert_eq!(snap.services[1].instances[1].condition, Condition::Crashed);
    assert_eq!(snap.services[1].instances[0].condition, Condition::Ok);
    sim.advance_to(at(9.0));
    assert!(sim.snapshot().services[0]
        .instances
        .iter()
        .all(|i| i.slow_factor == 4.0));
    sim.advance_to(at(16.0));
    assert_eq!(
        sim.snapshot().services[1].instances[1].condition,
        Condition::Ok
    );
    // A scheduled fault naming an instance the service does not have is
    // caught by validation.
    let bad = text.replace("instance = 1", "instance = 7");
    let err = sahara_sim::Scenario::from_toml(&bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("faults[0].instance"), "{err}");
}
