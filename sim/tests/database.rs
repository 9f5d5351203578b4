//! The shared database as a single point of failure: while it is down every
//! request that needs it fails, however many instances are up; a standby
//! (RDS Multi-AZ) shortens that to the failover time; and a zone outage of
//! the zone its primary runs in takes it down with the zone.

mod common;

use common::NO_NETWORK_DELAY;
use sahara_sim::{Outcome, Scenario, SimTime, Simulation};

/// 4 instances over 2 zones, 100 req/s that all query the database, no
/// network delay, no retries; `extra` is appended (faults, database).
fn shop(extra: &str) -> Scenario {
    Scenario::from_toml(&format!(
        r#"
name = "db"
duration_s = 200.0
zones = 2
[traffic]
rate_rps = 100.0
[[traffic.mix]]
kind = "browse"
weight = 1.0
service = "shop"
database = true
{NO_NETWORK_DELAY}
[[services]]
name = "shop"
instances = 4
workers = 8
service_time = {{ distribution = "constant", mean_ms = 1.0 }}
{extra}
"#
    ))
    .unwrap()
}

/// Requests failed from 55 s to 130 s.
fn failed_around_60s(s: Scenario) -> f64 {
    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(SimTime::from_secs_f64(55.0));
    let t = sim.metrics().totals();
    let before = t.finished_total() - t.outcome(Outcome::Success);
    sim.advance_to(SimTime::from_secs_f64(130.0));
    let t = sim.metrics().totals();
    (t.finished_total() - t.outcome(Outcome::Success) - before) as f64
}

fn near(measured: f64, expected: f64) -> bool {
    (measured - expected).abs() <= 3.0 * expected.sqrt() + 10.0
}

/// Down from 60 s for 30 s: every request of those 30 s fails, 100 × 30.
#[test]
fn a_database_failure_fails_every_request_that_needs_it() {
    let failed = failed_around_60s(shop(
        "[[faults]]\nat_s = 60.0\nkind = \"database_failure\"\nrepair_after_s = 30.0",
    ));
    println!("database down 30 s: {failed} failed (rule 3000)");
    assert!(near(failed, 3000.0), "{failed}");
}

/// With a standby taking over 10 s after the failure: 100 × 10.
#[test]
fn a_standby_shortens_the_outage_to_the_failover_time() {
    let failed = failed_around_60s(shop(
        "[database]\nconnections = 20\nservice_time = { distribution = \"constant\", mean_ms = 2.0 }\nstandby = true\nfailover_s = 10.0\n\
         [[faults]]\nat_s = 60.0\nkind = \"database_failure\"\nrepair_after_s = 30.0",
    ));
    println!("with a standby (failover 10 s): {failed} failed (rule 1000)");
    assert!(near(failed, 1000.0), "{failed}");
}

/// Zone a fails for 30 s: half the instances go with it, which the other
/// zone's two could carry, but so does the database's primary: every
/// request fails for 30 s, 3000. Zone b's outage fails only the requests
/// sent to its two failed hosts (no health checks here take them out of
/// rotation): half the traffic. The zone holding the shared database is
/// the one that matters.
#[test]
fn losing_the_database_zone_loses_everything() {
    let zone = |z: u32| {
        failed_around_60s(shop(&format!(
            "[[faults]]\nat_s = 60.0\nzone = {z}\nkind = \"instance_failure\"\nrepair_after_s = 30.0"
        )))
    };
    let (a, b) = (zone(0), zone(1));
    println!("zone a down 30 s: {a} failed; zone b: {b}");
    assert!(a >= 3000.0 - 3.0 * 3000f64.sqrt(), "{a}");
    assert!(b < 0.6 * a, "{b} vs {a}");
}

/// The Universal Scalability Law: with every connection busy (the queue is
/// never empty), n connections with σ = 0.05, κ = 0.001 and 10 ms queries
/// complete X(n) = n / (0.01 (1 + σ(n − 1) + κn(n − 1))) queries a second:
/// rising to a peak at n* = √((1 − σ)/κ) ≈ 31 and falling beyond it, so
/// more connections make the database slower. Measured from 10 s to 60 s,
/// within 5 %; the curve the page draws follows the law exactly.
#[test]
fn database_throughput_follows_the_universal_scalability_law() {
    let (sigma, kappa, s) = (0.05, 0.001, 0.01);
    let usl = |n: f64| n / (s * (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0)));
    let mut measured = Vec::new();
    for n in [1u32, 4, 16, 31, 64, 128] {
        let scenario = shop(&format!(
            "[database]\nconnections = {n}\nqueue_capacity = 1000000\n\
             service_time = {{ distribution = \"constant\", mean_ms = 10.0 }}\n\
             contention = {sigma}\ncoherency = {kappa}"
        ));
        let mut scenario = scenario;
        // Far more than any n can serve, and clients that wait it out.
        scenario.traffic.rate_rps = 2000.0;
        scenario.services[0].workers = 1000;
        scenario.services[0].queue_capacity = 1_000_000;
        scenario.client.timeout_ms = 3_600_000.0;
        scenario.services[0].idle_timeout_s = 4000.0;
        let expected = usl(n as f64);
        // The curve the page draws in the database's inspector is the law.
        let drawn = scenario.database.throughput(n);
        assert!((drawn - expected).abs() < 1e-9 * expected, "{drawn}");
        // Its peak is where the law's maximum is, found by trying every n.
        let argmax = (1..1000u32).max_by(|&a, &b| usl(a as f64).total_cmp(&usl(b as f64)));
        assert_eq!(scenario.database.peak_connections(), argmax);
        let mut sim = Simulation::new(scenario).unwrap();
        sim.advance_to(SimTime::from_secs_f64(10.0));
        let before = sim.metrics().totals().outcome(Outcome::Success);
        sim.advance_to(SimTime::from_secs_f64(60.0));
        let x = (sim.metrics().totals().outcome(Outcome::Success) - before) as f64 / 50.0;
        println!("{n} connections: {x:.1} queries/s, USL {expected:.1}");
        assert!(
            (x - expected).abs() < 0.05 * expected,
            "{n}: {x} vs {expected}"
        );
        measured.push(x);
    }
    // Up to the peak and down after it.
    assert!(measured[3] > measured[2] && measured[3] > measured[4] && measured[4] > measured[5]);
}

/// The bottleneck law (Denning and Buzen, "The Operational Analysis of
/// Queueing Network Models", 1978): a deployment serves at most
/// min over resources of servers / demand per request. In
/// `database-bottleneck` every request makes one query, and the database's
/// rate with all its connections busy is far below what the instances
/// can do (10 × 16 workers over 20 ms for the 80 % that browse), so the
/// capacity line is the database's, and with 1800 req/s offered the
/// goodput settles at it.
#[test]
fn capacity_is_the_bottleneck_and_goodput_meets_it() {
    let s = common::preset("database-bottleneck");
    let db = s.database.throughput(s.database.connections);
    let browse = s.services[0].instances as f64 * s.services[0].workers as f64
        / (s.services[0].service_time.mean_ms() / 1e3)
        / 0.8;
    assert!(db < browse);
    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(SimTime::from_secs_f64(200.0));
    let late: Vec<_> = sim.metrics().series().filter(|x| x.t_s > 100.0).collect();
    let goodput = late.iter().map(|x| x.goodput_rps as f64).sum::<f64>() / late.len() as f64;
    println!(
        "capacity {:.1}/s (rule {db:.1}), goodput {goodput:.1}/s",
        late[0].capacity_rps
    );
    assert!(late.iter().all(|x| (x.capacity_rps - db).abs() < 1e-9 * db));
    assert!((goodput - db).abs() < 0.05 * db, "{goodput}");
}
