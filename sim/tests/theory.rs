//! The model against queueing theory and the lecture's figures. These fail
//! if service times, queueing, routing or network delays were wrong.

mod common;
use common::{preset, run_and_drain, set};
use sahara_sim::Simulation;

/// Runs an M/M/c preset until about `n` requests have been created.
fn mmc(name: &str, lambda: f64, n: f64) -> Simulation {
    let mut s = preset(name);
    set(&mut s, "traffic.rate_rps", &lambda.to_string());
    set(&mut s, "duration_s", &(n / lambda).to_string());
    run_and_drain(s)
}

fn within(actual: f64, expected: f64, rel: f64) -> bool {
    ((actual - expected) / expected).abs() <= rel
}

#[test]
fn mm1_mean_time_in_system_matches_1_over_mu_minus_lambda() {
    let mu = 1000.0;
    for rho in [0.5, 0.8] {
        let lambda = rho * mu;
        let sim = mmc("mm1", lambda, 1e6);
        let s = sim.summary();
        assert!(s.requests >= 990_000, "{}", s.requests);
        assert_eq!(s.outcomes.success, s.requests, "nothing fails in M/M/1");
        let expected_ms = 1000.0 / (mu - lambda);
        println!(
            "M/M/1 ρ={rho}: W = {:.4} ms, theory {expected_ms:.4} ms",
            s.latency_ms.mean
        );
        assert!(
            within(s.latency_ms.mean, expected_ms, 0.03),
            "ρ={rho}: mean time in system {} ms, theory {expected_ms} ms",
            s.latency_ms.mean
        );
        assert!(
            within(s.utilisation["server"], rho, 0.01),
            "utilisation {}",
            s.utilisation["server"]
        );
    }
}

/// Erlang C: probability an arrival waits in an M/M/c queue.
fn erlang_c(c: u32, a: f64) -> f64 {
    let rho = a / c as f64;
    let mut term = 1.0; // a^k / k!
    let mut sum = 0.0;
    for k in 0..c {
        if k > 0 {
            term *= a / k as f64;
        }
        sum += term;
    }
    let last = term * a / c as f64 / (1.0 - rho); // a^c / c! / (1 − ρ)
    last / (sum + last)
}

#[test]
fn mm4_matches_erlang_c() {
    let (c, mu, rho) = (4, 1000.0, 0.85);
    let lambda = rho * c as f64 * mu;
    let sim = mmc("mm4", lambda, 1e6);
    let s = sim.summary();
    let p_wait = erlang_c(c, lambda / mu);
    let wait_ms = 1000.0 * p_wait / (c as f64 * mu - lambda);
    println!(
        "M/M/4 ρ=0.85: P(wait) {:.4} (theory {p_wait:.4}), Wq {:.4} ms (theory {wait_ms:.4} ms)",
        s.p_wait, s.mean_queue_wait_ms
    );
    assert!(
        (s.p_wait - p_wait).abs() <= 0.02,
        "P(wait) {} vs {p_wait}",
        s.p_wait
    );
    assert!(
        within(s.mean_queue_wait_ms, wait_ms, 0.05),
        "mean wait {} ms vs {wait_ms} ms",
        s.mean_queue_wait_ms
    );
}

#[test]
fn erlang_c_formula_sanity() {
    // One server: P(wait) = ρ.
    assert!((erlang_c(1, 0.7) - 0.7).abs() < 1e-12);
    assert!((erlang_c(4, 3.4) - 0.689_316).abs() < 1e-6);
}

/// L = λW over a run, for theory models and for Sahara itself with losses,
/// timeouts and a database in the path.
#[test]
fn littles_law_holds() {
    let mut lossy = preset("baseline");
    set(&mut lossy, "network.client_to_lb.request_loss", "0.02");
    set(&mut lossy, "network.client_to_lb.response_loss", "0.02");
    set(&mut lossy, "client.timeout_ms", "1000");
    let runs = [
        ("mm1", preset("mm1")),
        ("baseline", preset("baseline")),
        ("baseline lossy", lossy),
        ("flash-sale", preset("flash-sale")),
    ];
    for (label, mut s) in runs {
        if label == "mm1" {
            set(&mut s, "duration_s", "400");
        }
        // Mid-run, with requests in flight, it holds approximately…
        let mut open = Simulation::new(s.clone()).unwrap();
        open.run_to_end();
        let sum = open.summary();
        let lw = sum.throughput_rps * open.metrics().mean_sojourn_ms() / 1000.0;
        assert!(
            within(sum.mean_in_system, lw, 0.02),
            "{label} (open): L = {}, λW = {lw}",
            sum.mean_in_system
        );
        // …and exactly once every request has left.
        let sim = run_and_drain(s);
        let sum = sim.summary();
        let lambda = sum.throughput_rps;
        let w_s = sim.metrics().mean_sojourn_ms() / 1000.0;
        let l = sum.mean_in_system;
        println!("{label}: L = {l:.4}, λW = {:.4}", lambda * w_s);
        assert!(
            within(l, lambda * w_s, 0.02),
            "{label}: L = {l}, λW = {}",
            lambda * w_s
        );
    }
}

#[test]
fn request_loss_fraction_is_p_within_three_standard_errors() {
    for (path, p) in [
        ("network.client_to_lb.request_loss", 0.05),
        ("network.lb_to_instance.request_loss", 0.2),
    ] {
        let mut s = preset("lost-request");
        // One attempt each: the preset's retries would hide the losses.
        set(&mut s, "client.max_attempts", "1");
        set(&mut s, "network.client_to_lb.request_loss", "0");
        set(&mut s, path, &p.to_string());
        let sim = run_and_drain(s);
        let sum = sim.summary();
        let n = sum.requests as f64;
        let dropped = sum.outcomes.dropped_request as f64;
        let se = (p * (1.0 - p) / n).sqrt();
        let frac = dropped / n;
        println!("{path}: {frac:.5} dropped, p = {p}, 3 SE = {:.5}", 3.0 * se);
        assert!(
            (frac - p).abs() <= 3.0 * se,
            "{path}: {frac} vs {p} ± {}",
            3.0 * se
        );
        assert_eq!(sum.outcomes.dropped_response, 0);
    }
}

#[test]
fn response_loss_is_classified_as_dropped_response() {
    let p = 0.05;
    let mut s = preset("lost-response");
    set(&mut s, "client.max_attempts", "1");
    let sim = run_and_drain(s);
    let sum = sim.summary();
    let n = sum.requests as f64;
    let frac = sum.outcomes.dropped_response as f64 / n;
    let se = (p * (1.0 - p) / n).sqrt();
    assert!((frac - p).abs() <= 3.0 * se, "{frac} vs {p}");
    assert_eq!(sum.outcomes.dropped_request, 0);
}

/// The lecture's figures are ping round-trip times: a request and its
/// response across the internet take the figure once (half each way), plus
/// the work (a constant 10 ms) and the data centre's own round trip (the
/// lecture's EC2-to-EC2 0.662 ms). One call to us-east-1 is about 260 ms.
#[test]
fn latency_presets_round_trip() {
    for (name, round_trip_ms) in [
        ("latency-home-us-east-1", 249.296),
        ("latency-home-uq", 20.025),
        ("latency-ec2", 0.662),
    ] {
        let sim = run_and_drain(preset(name));
        let s = sim.summary();
        let expected = round_trip_ms + 0.662 + 10.0;
        println!(
            "{name}: mean {:.4} ms, expected {expected:.4} ms",
            s.latency_ms.mean
        );
        assert!(s.outcomes.success > 200);
        assert!(
            (s.latency_ms.mean - expected).abs() < 0.001,
            "{name}: {} ms vs {expected} ms",
            s.latency_ms.mean
        );
    }
}
