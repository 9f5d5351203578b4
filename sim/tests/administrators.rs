//! Fallacy 6, "there is only one administrator": changes other people make
//! to what a service depends on, at a set time, telling nobody
//! (`changes_by_others`). One test per kind, each expected figure derived
//! from the rule the change follows (its source named with it).

mod common;

use common::{preset, set, NO_NETWORK_DELAY};
use sahara_sim::scenario::OtherChange;
use sahara_sim::{Change, Lifecycle, Outcome, Scenario, SimTime, Simulation};

fn at(secs: f64) -> SimTime {
    SimTime::from_secs_f64(secs)
}

/// One service of `instances` × 100 workers, constant 10 ms of work (so
/// nothing ever queues), `rate` req/s, no network delay, and `extra` TOML
/// (the changes by others) after it.
fn shop(rate: f64, instances: u32, zones: u32, extra: &str) -> Scenario {
    let toml = format!(
        "name = \"t\"\nduration_s = 300.0\nzones = {zones}\n\
         [traffic]\nrate_rps = {rate}\n\
         [[traffic.mix]]\nkind = \"checkout\"\nweight = 1.0\nservice = \"checkout\"\n\
         [client]\ntimeout_ms = 15000.0\n\
         {NO_NETWORK_DELAY}\
         [[services]]\nname = \"checkout\"\ninstances = {instances}\nworkers = 100\n\
         service_time = {{ distribution = \"constant\", mean_ms = 10.0 }}\n\
         {extra}"
    );
    Scenario::from_toml(&toml).unwrap_or_else(|e| panic!("{e}"))
}

/// The ticker's lines that name `who`.
fn said_by(sim: &Simulation, who: &str) -> Vec<String> {
    let (events, _) = sim.events_since(0);
    events
        .into_iter()
        .filter(|e| e.kind == "others" && e.text.starts_with(who))
        .map(|e| e.text)
        .collect()
}

/// API Gateway throttles with a token bucket ("Throttle requests to your
/// REST APIs": a token counts for a request, the burst is the bucket's
/// size, refilled at the rate; beyond them, 429). Offered λ > r req/s for T
/// seconds, a bucket that starts full admits its burst b and then r a
/// second: b + r·T, never more; the rest are answered 429 at once. Lifted
/// after T, nothing more is throttled.
#[test]
fn a_rate_limit_admits_its_burst_and_then_its_rate() {
    let (offered, rate, burst, from, secs) = (500.0, 200.0, 50.0, 10.0, 20.0);
    let s = shop(
        offered,
        4,
        1,
        &format!(
            "[[changes_by_others]]\nat_s = {from}\nwho = \"the platform team\"\n\
             service = \"checkout\"\nkind = \"rate_limit\"\nrate_rps = {rate}\n\
             burst = {burst}\nduration_s = {secs}\n"
        ),
    );
    let mut sim = Simulation::new(s).unwrap();
    let counts = |sim: &Simulation| {
        let t = sim.metrics().totals();
        (t.requests, t.outcome(Outcome::Throttled))
    };
    sim.advance_to(at(from));
    let (created0, throttled0) = counts(&sim);
    assert_eq!(throttled0, 0, "nothing is throttled before the limit");
    sim.advance_to(at(from + secs));
    let (created, throttled) = counts(&sim);
    let admitted = (created - created0 - (throttled - throttled0)) as f64;
    let rule = burst + rate * secs;
    println!("rate limit: {admitted} admitted in {secs} s (rule b + r·T = {rule})");
    assert!(admitted <= rule + 1.0, "{admitted} > {rule}");
    assert!(admitted >= rule - 5.0, "{admitted} < {rule}");
    // Lifted: nothing more is throttled.
    sim.advance_to(at(from + secs + 10.0));
    assert_eq!(counts(&sim).1, throttled);
    let said = said_by(&sim, "the platform team");
    assert!(
        said[0].contains("200 req/s rate limit (burst 50) on checkout"),
        "{said:?}"
    );
    assert!(said[1].contains("lifted"), "{said:?}");
}

/// A 429 is resent as a 503 is (`client.retry.on_503`): gRPC maps both to
/// UNAVAILABLE. With three attempts and no backoff, a throttled request is
/// resent at once and throttled again: every request finished as
/// throttled took max_attempts attempts.
#[test]
fn a_throttled_request_is_retried_like_a_503() {
    let mut s = shop(
        500.0,
        4,
        1,
        "[[changes_by_others]]\nat_s = 0.0\nwho = \"the platform team\"\n\
         service = \"checkout\"\nkind = \"rate_limit\"\nrate_rps = 100.0\nburst = 1\n",
    );
    set(&mut s, "client.max_attempts", "3");
    set(&mut s, "client.retry.backoff", "none");
    s.duration_s = 10.0;
    let sim = common::run_and_drain(s);
    let t = sim.metrics().totals();
    let throttled = t.outcome(Outcome::Throttled);
    println!(
        "429 retried: {throttled} requests throttled, {} attempts throttled",
        t.attempts_finished[Outcome::Throttled as usize]
    );
    assert!(throttled > 0);
    // Every throttled request spent its 3 attempts on 429s; other requests
    // may have had some of theirs throttled too.
    assert!(t.attempts_finished[Outcome::Throttled as usize] >= 3 * throttled);
    assert_eq!(t.gave_up, throttled);
}

/// Another team's deploy makes every instance `factor` times slower: with
/// constant 10 ms of work and workers to spare (nothing queues, no network
/// delay), each request takes exactly factor × 10 ms until the rollback.
#[test]
fn a_slow_deploy_multiplies_every_instances_work() {
    let factor = 3.0;
    let s = shop(
        50.0,
        3,
        1,
        "[[changes_by_others]]\nat_s = 10.0\nwho = \"the payments team\"\n\
         service = \"checkout\"\nkind = \"slow_deploy\"\nduration_s = 20.0\n",
    );
    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(at(20.0));
    let snap = sim.snapshot();
    sim.advance_to(at(40.0));
    // Each second's median and 99th percentile (hdrhistogram, to 0.1 %).
    let expected = |t: f64| {
        if t > 10.0 && t <= 30.0 {
            10.0 * factor
        } else {
            10.0
        }
    };
    for second in sim.metrics().series() {
        for q in [second.p50_ms, second.p99_ms] {
            let want = expected(second.t_s);
            assert!(
                (q - want).abs() < 0.01 * want,
                "{} s: {q} ms, rule {want}",
                second.t_s
            );
        }
    }
    println!("slow deploy: every second's p50 and p99 within 1 % of 10 → 30 → 10 ms");
    let change = &snap.services[0].changes_by_others[0];
    assert_eq!(
        (change.kind, change.who.as_str(), change.factor),
        (OtherChange::SlowDeploy, "the payments team", Some(factor))
    );
    assert!(snap.services[0]
        .instances
        .iter()
        .all(|i| i.slow_factor == factor));
}

/// A security-group rule drops the load balancer's packets to the
/// instances in zone b. Its health checks (ALB defaults once enabled:
/// every I = 30 s, timeout T_o = 5 s, unhealthy after k = 2 failures; the
/// first probe after the change at a uniform phase in (0, I]) mark each of
/// them unhealthy between (k − 1)·I + T_o and k·I + T_o after it; zone a's
/// stay in service. EC2's status checks see nothing wrong, so an `ec2`
/// group replaces nothing. Meanwhile the load balancer keeps sending zone
/// b its share (half) of the requests, each a 504 after its 10 s
/// connection timeout.
#[test]
fn a_blocked_path_fails_health_checks_but_not_status_checks() {
    let (rate, block) = (100.0, 60.0);
    let mut s = shop(
        rate,
        4,
        2,
        "[[changes_by_others]]\nat_s = 60.0\nwho = \"the network team\"\n\
         service = \"checkout\"\nkind = \"block_path\"\nzone = 1\n",
    );
    set(&mut s, "services.checkout.health_check.enabled", "true");
    set(
        &mut s,
        "services.checkout.scaling.health_check_type",
        "\"ec2\"",
    );
    let hc = s.services[0].health_check.clone();
    let (interval, timeout, k) = (hc.interval_s, hc.timeout_s, hc.unhealthy_threshold as f64);
    let (first, last) = (
        block + (k - 1.0) * interval + timeout,
        block + k * interval + timeout,
    );
    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(at(block - 1.0));
    let failed_before = sim.metrics().totals().outcome(Outcome::Timeout);
    let ids: Vec<_> = sim.snapshot().services[0]
        .instances
        .iter()
        .map(|i| i.id)
        .collect();
    sim.advance_to(at(first - 0.001));
    let snap = sim.snapshot();
    assert!(snap.services[0]
        .instances
        .iter()
        .all(|i| i.state == Lifecycle::InService));
    assert!(snap.services[0]
        .instances
        .iter()
        .all(|i| i.path_blocked == (i.zone == 1)));
    sim.advance_to(at(last + 0.001));
    let zone_b_unhealthy = |sim: &Simulation| {
        sim.snapshot().services[0].instances.iter().all(|i| {
            (i.zone == 1) == (i.state == Lifecycle::Unhealthy)
                && i.condition == sahara_sim::Condition::Ok
        })
    };
    assert!(zone_b_unhealthy(&sim));
    // Timed out: what the load balancer sent zone b until its checks
    // failed, answered 504 ten seconds later.
    sim.advance_to(at(last + 15.0));
    let failed = (sim.metrics().totals().outcome(Outcome::Timeout) - failed_before) as f64;
    let (low, high) = (rate / 2.0 * (first - block), rate / 2.0 * (last - block));
    println!("blocked path: {failed} timed out (rule {low:.0}–{high:.0}); unhealthy by {last} s");
    assert!(failed >= low - 3.0 * low.sqrt() && failed <= high + 3.0 * high.sqrt());
    // EC2's status checks pass: two minutes on, nothing was replaced.
    sim.advance_to(at(last + 120.0));
    let now: Vec<_> = sim.snapshot().services[0]
        .instances
        .iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(now, ids);
    assert!(zone_b_unhealthy(&sim));
    let said = said_by(&sim, "the network team");
    assert!(said[0].contains("instances in zone b"), "{said:?}");
}

/// EC2 scheduled retirement: the provider stops the instance at the
/// scheduled time; the group, whose default health check checks that each
/// instance is running, terminates it and launches a replacement, in
/// service the boot time later (no health checks: it registers on boot).
/// The oldest instance is the one retired.
#[test]
fn a_retired_instance_is_replaced_within_its_boot_time() {
    let (retire_at, boot) = (60.0, 30.0);
    let mut s = shop(
        50.0,
        3,
        1,
        "[[changes_by_others]]\nat_s = 60.0\nwho = \"AWS\"\n\
         service = \"checkout\"\nkind = \"retire_instance\"\n",
    );
    set(&mut s, "services.checkout.boot_s", &boot.to_string());
    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(at(retire_at - 1.0));
    let oldest = sim.snapshot().services[0].instances[0].id;
    sim.advance_to(at(retire_at + boot - 0.001));
    let snap = sim.snapshot();
    let svc = &snap.services[0];
    assert_eq!(
        svc.in_service, 2,
        "the retired one is gone, its replacement boots"
    );
    assert!(svc
        .instances
        .iter()
        .all(|i| i.id != oldest || i.state == Lifecycle::Terminated));
    assert_eq!(svc.capacity, 3);
    assert_eq!(svc.changes_by_others[0].instance, Some(oldest));
    sim.advance_to(at(retire_at + boot));
    assert_eq!(sim.snapshot().services[0].in_service, 3);
    assert_eq!(sim.metrics().totals().instances_launched, 3 + 1);
    let said = said_by(&sim, "AWS");
    assert!(said[0].contains(&format!("retired {oldest}")), "{said:?}");
}

/// Every field is checked, each error naming its path.
#[test]
fn changes_by_others_are_validated_with_their_paths() {
    let bad = "[[changes_by_others]]\nat_s = -1.0\nwho = \" \"\nservice = \"cart\"\n\
         kind = \"rate_limit\"\nfactor = 2.0\n\
         [[changes_by_others]]\nat_s = 1.0\n\
         who = \"a team with a name far longer than forty characters\"\n\
         service = \"checkout\"\nkind = \"block_path\"\nzone = 3\nduration_s = 0.0\n\
         [[changes_by_others]]\nat_s = 1.0\nwho = \"AWS\"\nservice = \"checkout\"\n\
         kind = \"retire_instance\"\nduration_s = 10.0\n\
         [[changes_by_others]]\nat_s = 1.0\nwho = \"x\"\nservice = \"checkout\"\n\
         kind = \"rate_limit\"\nrate_rps = 0.0\nburst = 0\n";
    let toml = shop(1.0, 1, 1, "")
        .to_toml()
        .replace("changes_by_others = []\n", "")
        + bad;
    let err = Scenario::from_toml(&toml).unwrap_err().to_string();
    for path in [
        "changes_by_others[0].at_s",
        "changes_by_others[0].who",
        "changes_by_others[0].service",
        "changes_by_others[0].factor",
        "changes_by_others[0].rate_rps",
        "changes_by_others[0].burst",
        "changes_by_others[1].who",
        "changes_by_others[1].zone",
        "changes_by_others[1].duration_s",
        "changes_by_others[2].duration_s",
        "changes_by_others[3].rate_rps",
        "changes_by_others[3].burst",
    ] {
        assert!(err.contains(path), "{path} missing from:\n{err}");
    }
}

/// A change by others is read and set by its dotted path like any field,
/// and the list cannot change while a run goes on (its events are queued
/// at the start).
#[test]
fn changes_by_others_are_set_by_path_but_not_live() {
    let mut s = shop(
        100.0,
        2,
        1,
        "[[changes_by_others]]\nat_s = 10.0\nwho = \"AWS\"\n\
         service = \"checkout\"\nkind = \"slow_deploy\"\n",
    );
    assert_eq!(
        s.get("changes_by_others.slow_deploy.factor").as_deref(),
        Ok("null")
    );
    set(&mut s, "changes_by_others.slow_deploy.factor", "4");
    assert_eq!(s.changes_by_others[0].factor, Some(4.0));
    let wrong = s
        .set("changes_by_others.0.burst", "10")
        .unwrap_err()
        .to_string();
    assert!(wrong.contains("changes_by_others[0].burst"), "{wrong}");
    let mut sim = Simulation::new(s).unwrap();
    let refused = sim
        .apply(sahara_sim::Change::Set {
            path: "changes_by_others.0.at_s".into(),
            value: "20".into(),
        })
        .unwrap_err()
        .to_string();
    assert!(refused.contains("changes by others"), "{refused}");
}

/// The preset tells the story: a slow deploy, a rate limit and a
/// retirement, each logged as done by someone else.
#[test]
fn the_preset_names_who_changed_what() {
    let s = preset("other-administrators");
    let end = s.duration_s;
    let mut sim = Simulation::new(s).unwrap();
    let (mut others, mut cursor) = (Vec::new(), 0);
    for t in 1..=end as u32 {
        sim.advance_to(at(t as f64));
        let (events, next) = sim.events_since(cursor);
        others.extend(events.into_iter().filter(|e| e.kind == "others"));
        cursor = next;
    }
    for kind in ["deployed", "rate limit", "retired"] {
        assert!(
            others.iter().any(|e| e.text.contains(kind)),
            "{kind}: {others:?}"
        );
    }
}

/// A change by someone else made from the page (`Change::ByOther`) is the
/// scheduled one made at that moment: every request ends the same way
/// (the live one is made at once, not as a queued event, so that a paused
/// page shows it; the runs differ only in that count of events); and one
/// that breaks the rules (no such service) is refused, leaving the run as
/// it was.
#[test]
fn a_change_made_live_is_the_scheduled_one() {
    let entry = |at: f64| {
        format!(
            "[[changes_by_others]]\nat_s = {at}\nwho = \"the platform team\"\n\
             service = \"checkout\"\nkind = \"rate_limit\"\nrate_rps = 200.0\n\
             burst = 50\nduration_s = 20.0\n"
        )
    };
    let mut scheduled = Simulation::new(shop(500.0, 4, 1, &entry(50.5))).unwrap();
    scheduled.advance_to(at(100.0));
    let mut live = Simulation::new(shop(500.0, 4, 1, "")).unwrap();
    live.advance_to(at(50.5));
    let change = shop(0.0, 1, 1, &entry(0.0)).changes_by_others[0].clone();
    let mut wrong = change.clone();
    wrong.service = "nowhere".into();
    let before = live.digest();
    assert!(live.apply(Change::ByOther(wrong)).is_err());
    assert_eq!(live.digest(), before);
    live.apply(Change::ByOther(change)).unwrap();
    live.advance_to(at(100.0));
    let throttled = |s: &Simulation| s.metrics().totals().outcome(Outcome::Throttled);
    println!(
        "throttled: scheduled {}, live {}",
        throttled(&scheduled),
        throttled(&live)
    );
    assert!(throttled(&live) > 0);
    let ends = |s: &Simulation| {
        let t = s.metrics().totals();
        (t.attempts, Outcome::ALL.map(|o| t.outcome(o)))
    };
    assert_eq!(ends(&live), ends(&scheduled));
    assert_eq!(live.scenario().changes_by_others[0].at_s, 50.5);
}
