//! The shared database as a single point of failure: while it is down every
//! request that needs it fails, however many instances are up; a standby
//! (RDS Multi-AZ) shortens that to the failover time; and a zone outage of
//! the zone its primary runs in takes it down with the zone.

mod common;

use common::{failed_around_60s, near, NO_NETWORK_DELAY};
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

/// A database of `n` connections and 10 ms queries, with σ and κ as
/// `usl` sets them (`""`: the defaults), kept saturated: far more calls
/// than any n can serve, and clients that wait them out. Returns the
/// queries completed a second from 10 s to 60 s, and the σ and κ it ran
/// with.
fn saturated(n: u32, usl: &str) -> (f64, f64, f64) {
    let mut scenario = shop(&format!(
        "[database]\nconnections = {n}\nqueue_capacity = 1000000\n\
         service_time = {{ distribution = \"constant\", mean_ms = 10.0 }}\n{usl}"
    ));
    scenario.traffic.rate_rps = 2000.0;
    scenario.services[0].workers = 1000;
    scenario.services[0].queue_capacity = 1_000_000;
    scenario.client.timeout_ms = 3_600_000.0;
    scenario.services[0].idle_timeout_s = 4000.0;
    let (sigma, kappa) = (scenario.database.contention, scenario.database.coherency);
    let mut sim = Simulation::new(scenario).unwrap();
    sim.advance_to(SimTime::from_secs_f64(10.0));
    let before = sim.metrics().totals().outcome(Outcome::Success);
    sim.advance_to(SimTime::from_secs_f64(60.0));
    let x = (sim.metrics().totals().outcome(Outcome::Success) - before) as f64 / 50.0;
    (x, sigma, kappa)
}

/// The Universal Scalability Law (N. Gunther): n connections, all busy,
/// with queries of S seconds complete X(n) = n / (S (1 + σ(n − 1) +
/// κn(n − 1))) queries a second.
fn usl(n: f64, sigma: f64, kappa: f64) -> f64 {
    n / (0.01 * (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0)))
}

/// With σ = 0.05, κ = 0.001 throughput rises to a peak at
/// n* = √((1 − σ)/κ) ≈ 31 and falls beyond it, so more connections make
/// the database slower. Each measured X(n) within 5 % of the law, and the
/// curve the page draws in the database's inspector is the law itself.
#[test]
fn database_throughput_follows_the_universal_scalability_law() {
    let mut measured = Vec::new();
    for n in [1u32, 4, 16, 31, 64, 128] {
        let (x, sigma, kappa) = saturated(n, "contention = 0.05\ncoherency = 0.001");
        let expected = usl(n as f64, sigma, kappa);
        // The page's curve and its peak: the law, and the law's maximum
        // found by trying every n.
        let drawn = shop(&format!(
            "[database]\nconnections = {n}\n\
             service_time = {{ distribution = \"constant\", mean_ms = 10.0 }}\n\
             contention = {sigma}\ncoherency = {kappa}"
        ))
        .database;
        let curve = drawn.throughput(n);
        assert!((curve - expected).abs() < 1e-9 * expected, "{curve}");
        let argmax = (1..1000u32)
            .max_by(|&a, &b| usl(a as f64, sigma, kappa).total_cmp(&usl(b as f64, sigma, kappa)));
        assert_eq!(drawn.peak_connections(), argmax);
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

/// At the default σ and κ, measured throughput peaks at the law's
/// n* = √((1 − σ)/κ), rounded down or up (the connections are whole), and
/// every X(n) is within 5 % of the law.
#[test]
fn the_default_scalability_peaks_where_the_law_says() {
    let mut measured = Vec::new();
    for n in [4u32, 8, 12, 14, 15, 16, 17, 18, 20, 24, 32] {
        let (x, sigma, kappa) = saturated(n, "");
        let expected = usl(n as f64, sigma, kappa);
        println!(
            "default σ = {sigma}, κ = {kappa}: {n} connections {x:.1} queries/s, USL {expected:.1}"
        );
        assert!(
            (x - expected).abs() < 0.05 * expected,
            "{n}: {x} vs {expected}"
        );
        measured.push((n, x, sigma, kappa));
    }
    let &(peak, _, sigma, kappa) = measured.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
    let n_star = ((1.0 - sigma) / kappa).sqrt();
    println!("measured peak at {peak} connections; n* = {n_star:.2}");
    assert!(
        peak == n_star.floor() as u32 || peak == n_star.ceil() as u32,
        "{peak} vs {n_star}"
    );
}

/// Random failures of the primary form an alternating renewal process: up
/// for an exponential time of mean MTBF, down for one of mean MTTR, and so
/// on. By the renewal-reward theorem the long-run fraction of time it is
/// down is p = MTTR / (MTBF + MTTR) (e.g. Ross, "Introduction to
/// Probability Models", alternating renewal processes).
///
/// The bound: over N cycles of up times Uᵢ and down times Dᵢ the measured
/// fraction is p̂ = ΣDᵢ / Σ(Uᵢ + Dᵢ). By the delta method its variance is
/// Var(D − p(U + D)) / (N (MTBF + MTTR)²) = ((1 − p)² MTTR² + p² MTBF²) /
/// (N (MTBF + MTTR)²) for exponential times (variance = mean²), which is
/// 2 p² (1 − p)² / N. So p̂ lies within 4 standard deviations,
/// 4 √2 p (1 − p) / √N, with N the failures counted. The fraction is
/// sampled at every whole second; an outage's start and end fall at random
/// between samples, so that adds no bias.
#[test]
fn random_database_failures_leave_it_down_mttr_over_mtbf_plus_mttr() {
    let (mtbf, mttr, seconds) = (100.0, 25.0, 100_000u32);
    let mut s = shop(&format!(
        "[database]\nconnections = 20\nservice_time = {{ distribution = \"constant\", mean_ms = 2.0 }}\n\
         mtbf_s = {mtbf}\nmttr_s = {mttr}"
    ));
    // Only the database's own failures matter here: no traffic.
    s.traffic.rate_rps = 0.0;
    s.duration_s = seconds as f64;
    let mut sim = Simulation::new(s).unwrap();
    let (mut down, mut failures, mut was_down) = (0u32, 0u32, false);
    for t in 1..=seconds {
        sim.advance_to(SimTime::from_secs_f64(t as f64));
        let is_down = sim.snapshot().database.down;
        down += is_down as u32;
        failures += (is_down && !was_down) as u32;
        was_down = is_down;
    }
    let p = mttr / (mtbf + mttr);
    let measured = down as f64 / seconds as f64;
    let bound = 4.0 * 2f64.sqrt() * p * (1.0 - p) / (failures as f64).sqrt();
    println!(
        "database MTBF {mtbf} s, MTTR {mttr} s over {seconds} s: down {measured:.4} \
         (rule {p:.4} ± {bound:.4}, {failures} failures; expected about {:.0})",
        seconds as f64 / (mtbf + mttr)
    );
    assert!((measured - p).abs() <= bound, "{measured} vs {p} ± {bound}");
    // As many failures as cycles fit: a renewal process with cycle time
    // C = U + D counts T / E[C] renewals with variance T Var(C) / E[C]³,
    // Var(C) = MTBF² + MTTR² (exponential times); within 4 deviations.
    let cycles = seconds as f64 / (mtbf + mttr);
    let sd = (cycles * (mtbf * mtbf + mttr * mttr)).sqrt() / (mtbf + mttr);
    assert!(
        (failures as f64 - cycles).abs() <= 4.0 * sd,
        "{failures} vs {cycles} ± {}",
        4.0 * sd
    );
}
