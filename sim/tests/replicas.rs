//! Read replicas: reads spread over them, writes stay on the primary. A
//! replica serves at most c / S queries a second (c connections, queries of
//! S seconds, no scalability loss), so r replicas serve r c / S reads — the
//! primary no longer serves reads at all once there is one (an Aurora
//! reader endpoint balances over the replicas only), while writes keep the
//! primary's c / S. And while the primary is down, only writes fail.

mod common;

use common::{failed_around_60s, near, NO_NETWORK_DELAY};
use sahara_sim::{Change, Outcome, Scenario, SimTime, Simulation};

/// `rate` req/s, 90 % browsing (reads) and 10 % checkouts (writes), both
/// querying a database of 4 connections and 10 ms queries (400 queries/s
/// per server) with σ = κ = 0 set explicitly: the rule below is for servers
/// that scale linearly with their connections. The services have workers
/// to spare, so the database is the only limit.
fn shop(rate: f64, replicas: u32, extra: &str) -> Scenario {
    let service = |name: &str| {
        format!(
            "[[services]]\nname = \"{name}\"\ninstances = 4\nworkers = 256\n\
             service_time = {{ distribution = \"constant\", mean_ms = 1.0 }}\n"
        )
    };
    Scenario::from_toml(&format!(
        r#"
name = "replicas"
duration_s = 200.0
[traffic]
rate_rps = {rate}
[[traffic.mix]]
kind = "browse"
weight = 9.0
service = "browse"
database = true
[[traffic.mix]]
kind = "checkout"
weight = 1.0
service = "checkout"
database = true
{NO_NETWORK_DELAY}
{}
{}
[database]
connections = 4
queue_capacity = 100
service_time = {{ distribution = "constant", mean_ms = 10.0 }}
contention = 0.0
coherency = 0.0
read_replicas = {replicas}
{extra}
"#,
        service("browse"),
        service("checkout"),
    ))
    .unwrap()
}

/// Per second from 10 s to 40 s: successes, and the queries the primary
/// and the replicas completed (a server's busy connections over the
/// second / S: with constant queries and no slowdown that is its
/// throughput). The view's utilisation covers the second so far: it is
/// read just before each second closes.
fn measure(s: Scenario) -> (f64, f64, f64) {
    let mut sim = Simulation::new(s).unwrap();
    sim.advance_to(SimTime::from_secs_f64(10.0));
    let before = sim.metrics().totals().outcome(Outcome::Success);
    let (mut primary, mut replicas) = (0.0, 0.0);
    for t in 11..=40 {
        sim.advance_to(SimTime::from_secs_f64(t as f64 - 0.001));
        let db = sim.snapshot().database;
        let per_s = |busy_share: f64, c: u32| busy_share * c as f64 / 0.010;
        primary += per_s(db.utilisation, db.connections);
        replicas += db
            .replicas
            .iter()
            .map(|r| per_s(r.utilisation, r.connections))
            .sum::<f64>();
    }
    sim.advance_to(SimTime::from_secs_f64(40.0));
    let ok = (sim.metrics().totals().outcome(Outcome::Success) - before) as f64 / 30.0;
    (ok, primary / 30.0, replicas / 30.0)
}

fn within(measured: f64, expected: f64, share: f64) -> bool {
    (measured - expected).abs() <= share * expected
}

/// 2000 req/s: 1800 reads/s and 200 writes/s offered. Without replicas the
/// primary serves 400 queries/s of both. With r replicas, reads are
/// min(1800, 400 r) a second — proportional to r up to r = 4 — and writes
/// all 200 (below the primary's 400), whatever r. Within 5 %.
#[test]
fn replicas_multiply_read_throughput_and_leave_writes_alone() {
    let (rate, capacity) = (2000.0, 400.0);
    let (reads, writes) = (0.9 * rate, 0.1 * rate);
    let (ok, primary, replicas) = measure(shop(rate, 0, ""));
    println!("0 replicas: {ok:.0} succeeded/s, primary {primary:.0} queries/s (rule {capacity})");
    assert!(within(ok, capacity, 0.05) && within(primary, capacity, 0.05));
    assert_eq!(replicas, 0.0);
    for r in [1u32, 2, 4] {
        let (ok, primary, replicas) = measure(shop(rate, r, ""));
        let read_rule = reads.min(capacity * r as f64);
        println!(
            "{r} replicas: {ok:.0} succeeded/s; reads {replicas:.0}/s (rule {read_rule}), \
             writes {primary:.0}/s (rule {writes})"
        );
        assert!(within(replicas, read_rule, 0.05), "{r}: reads {replicas}");
        assert!(within(primary, writes, 0.05), "{r}: writes {primary}");
        assert!(within(ok, read_rule + writes, 0.05), "{r}: {ok}");
    }
}

/// 200 req/s (180 reads, 20 writes), well within capacity; the primary
/// fails at 60 s for 30 s. With 2 replicas only the writes fail: 20 × 30
/// = 600; without replicas every request does, 200 × 30 = 6000. Counted
/// from 55 s to 130 s, within 3 √n + 10 (Poisson arrivals, plus the few
/// calls in flight at the failure).
#[test]
fn a_primary_failure_fails_the_writes_while_replicas_serve_the_reads() {
    let failed = |replicas: u32| {
        failed_around_60s(shop(
            200.0,
            replicas,
            "[[faults]]\nat_s = 60.0\nkind = \"database_failure\"\nrepair_after_s = 30.0",
        ))
    };
    let (with, without) = (failed(2), failed(0));
    println!("primary down 30 s: {with} failed with 2 replicas (rule 600), {without} without (rule 6000)");
    assert!(near(with, 600.0), "{with}");
    assert!(near(without, 6000.0), "{without}");
}

/// Replicas change live: at 2000 req/s, 0 → 2 replicas at 10 s, 2 → 1 at
/// 25 s. Reads served per second from 15 to 25 s: 800 (rule 2 × 400);
/// from 30 to 40 s: 400 (the cut replica finishes what it held and takes
/// no more). Within 5 %.
#[test]
fn replicas_can_be_added_and_removed_while_running() {
    let mut sim = Simulation::new(shop(2000.0, 0, "")).unwrap();
    let set = |sim: &mut Simulation, r: &str| {
        sim.apply(Change::Set {
            path: "database.read_replicas".into(),
            value: r.into(),
        })
        .unwrap()
    };
    let reads = |sim: &mut Simulation, from: u32, to: u32| {
        let mut sum = 0.0;
        for t in from + 1..=to {
            sim.advance_to(SimTime::from_secs_f64(t as f64 - 0.001));
            let db = sim.snapshot().database;
            sum += db
                .replicas
                .iter()
                .map(|r| r.utilisation * r.connections as f64 / 0.010)
                .sum::<f64>();
        }
        sum / (to - from) as f64
    };
    sim.advance_to(SimTime::from_secs_f64(10.0));
    set(&mut sim, "2");
    let two = reads(&mut sim, 15, 25);
    set(&mut sim, "1");
    sim.advance_to(SimTime::from_secs_f64(30.0));
    let one = reads(&mut sim, 30, 40);
    println!("live: 2 replicas {two:.0} reads/s (rule 800), then 1: {one:.0} (rule 400)");
    assert!(within(two, 800.0, 0.05) && within(one, 400.0, 0.05));
    assert_eq!(sim.snapshot().database.replicas.len(), 1);
}
