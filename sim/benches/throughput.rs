//! Throughput benchmarks (not timed tests): `cargo bench -p sahara-sim`.
//!
//! 1. The standard scenario (`bench` preset: 3 services × 10 instances,
//!    2000 requests/s, 1 simulated hour): events per wall second and
//!    simulated seconds per wall second.
//! 2. Bare M/M/4 at ρ = 0.85 (the Erlang C test's model) for 10^6 requests:
//!    requests simulated per wall second.
//!
//! Each prints the median of several runs (`SAHARA_BENCH_RUNS`, default 5).

use sahara_sim::{presets, Simulation};
use std::time::Instant;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn runs() -> usize {
    std::env::var("SAHARA_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let n = runs();

    let standard = presets::get("bench").expect("bench preset");
    let mut events_per_s = Vec::new();
    let mut speedups = Vec::new();
    let mut events = 0;
    for _ in 0..n {
        let mut sim = Simulation::new(standard.clone()).expect("valid");
        let t0 = Instant::now();
        sim.run_to_end();
        let wall = t0.elapsed().as_secs_f64();
        events = sim.summary().events_processed;
        events_per_s.push(events as f64 / wall);
        speedups.push(standard.duration_s / wall);
    }
    println!(
        "standard (3 services x 10 instances, 2000 req/s, 1 h simulated): {events} events; \
         median {:.2} M events/s, {:.0} simulated s per wall s ({n} runs)",
        median(events_per_s) / 1e6,
        median(speedups)
    );

    let mut mm4 = presets::get("mm4").expect("mm4 preset");
    let requests = 1_000_000.0;
    mm4.set("duration_s", &(requests / mm4.traffic.rate_rps).to_string())
        .expect("valid duration");
    let mut per_s = Vec::new();
    let mut created = 0;
    for _ in 0..n {
        let mut sim = Simulation::new(mm4.clone()).expect("valid");
        let t0 = Instant::now();
        sim.run_to_end();
        let wall = t0.elapsed().as_secs_f64();
        created = sim.summary().requests;
        per_s.push(created as f64 / wall);
    }
    println!(
        "M/M/4 at rho = 0.85: {created} requests; median {:.2} M requests/s ({n} runs)",
        median(per_s) / 1e6
    );
}
