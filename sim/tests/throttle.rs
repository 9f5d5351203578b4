//! Retry throttles in the simulator: the `backoff-jitter` preset (1000 users, browsing
//! down from 60 s to 120 s, up to 6 attempts) with each throttle, and the
//! retries it lets through checked against the bound its rule implies.
//! The unit tests in `throttle.rs` check each rule step by step.

mod common;
use common::{preset, set};
use sahara_sim::scenario::Throttle;
use sahara_sim::{Outcome, Sample, SimTime, Simulation, Totals};

/// The `backoff-jitter` preset with `edits`, run to its end: its per-second samples
/// and its totals.
fn storm(edits: &[(&str, &str)]) -> (Vec<Sample>, Totals) {
    let mut s = preset("backoff-jitter");
    for (path, value) in edits {
        set(&mut s, path, value);
    }
    let mut sim = Simulation::new(s).unwrap();
    sim.run_to_end();
    let series = sim.metrics().series().cloned().collect();
    (series, sim.metrics().totals().clone())
}

/// The seconds wholly inside the outage (60 s to 120 s), after its first.
fn down(series: &[Sample]) -> impl Iterator<Item = &Sample> {
    series.iter().filter(|x| x.t_s > 61.0 && x.t_s <= 120.0)
}

fn retries(samples: &[&Sample]) -> f64 {
    samples.iter().map(|x| x.retries as f64).sum()
}

#[test]
fn grpc_throttling_lets_few_retries_through_while_nothing_succeeds() {
    // gRFC A6, defaults here max_tokens 10, token_ratio 0.1. Tokens are at
    // most max_tokens when the window opens; each failure takes one, each
    // success adds the ratio, and a retry needs more than max_tokens / 2
    // left after its failure. So the n-th retry granted in a window needs
    // max_tokens + ratio × successes − n > max_tokens / 2.
    let (max, ratio) = (10.0, 0.1);
    let (series, totals) = storm(&[("client.retry.throttle", "grpc")]);
    let (unthrottled, _) = storm(&[]);
    let window: Vec<&Sample> = down(&series).collect();
    let successes: f64 = window
        .iter()
        .map(|x| {
            x.outcomes[Outcome::ALL
                .iter()
                .position(|o| *o == Outcome::Success)
                .unwrap()] as f64
        })
        .sum();
    let bound = max - max / 2.0 + ratio * successes;
    let got = retries(&window);
    let without = retries(&down(&unthrottled).collect::<Vec<_>>());
    println!(
        "grpc: {got} retries in 61–120 s ({successes} successes, bound < {bound}); \
         {without} without a throttle; {} refused in all",
        totals.retries_refused
    );
    assert!(got < bound, "{got} retries, bound {bound}");
    assert!(without > bound, "the bound must be one the storm breaks");
    assert!(totals.retries_refused > 1000);
}

#[test]
fn envoy_budget_caps_retries_in_flight() {
    // Envoy's retry budget bounds retries in flight: at most
    // C = max(budget_percent % × active requests, min_retry_concurrency) at
    // once. With a constant 1 s backoff (no jitter) every retry is in
    // flight from its grant until at least 1 s later, when it is sent, and
    // beyond; so all retries sent within one second were in flight
    // together at its start: at most C a second.
    let constant = [
        ("client.retry.throttle", "envoy"),
        ("client.retry.backoff", "constant"),
        ("client.retry.jitter", "none"),
    ];
    let (unthrottled, _) = storm(&constant[1..]);
    let without = down(&unthrottled).map(|x| x.retries).max().unwrap();
    // Only the floor: C = max(0 % × active, 3) = 3.
    let mut floor_only = constant.to_vec();
    floor_only.push(("client.retry.envoy.budget_percent", "0"));
    let (series, totals) = storm(&floor_only);
    let peak = down(&series).map(|x| x.retries).max().unwrap();
    println!(
        "envoy 0 %, 3: at most {peak} retries/s while down (bound 3; {without} without); {} refused",
        totals.retries_refused
    );
    assert!(peak <= 3, "{peak}");
    assert!(without > 3);
    assert!(totals.retries_refused > 1000);
    // Envoy's defaults, 20 % and 3. A user has one attempt in flight at
    // most, so active requests ≤ users and C ≤ max(20 % × 1000, 3) = 200.
    let (series, totals) = storm(&constant);
    let peak = down(&series).map(|x| x.retries).max().unwrap();
    let bound = (0.2f64 * 1000.0).max(3.0) as u32;
    println!(
        "envoy 20 %, 3: at most {peak} retries/s while down (bound {bound}); {} refused",
        totals.retries_refused
    );
    assert!(peak <= bound, "{peak}");
    assert!(without > bound);
}

#[test]
fn finagle_budget_caps_retries_over_every_ttl_window() {
    // Finagle's RetryBudget, defaults ttl 10 s, 10 retries/s in reserve,
    // 20 % of requests. A retry is granted only if, over the window of the
    // ttl it falls in (10 slices of 1 s, counted from the start like the
    // per-second samples), deposits and withdrawals leave room for it; so
    // over every window that ends with a second holding a retry, retries ≤
    // percent_can_retry × requests + min_retries_per_sec × ttl. (A window
    // whose last retry came earlier was judged over an earlier window,
    // whose requests differ: the bound is "about", as Finagle says.)
    let (ttl, min_per_s, percent) = (10usize, 10.0, 0.2);
    let (series, totals) = storm(&[("client.retry.throttle", "finagle")]);
    let (unthrottled, _) = storm(&[]);
    let worst = |series: &[Sample]| {
        series
            .windows(ttl)
            .filter(|w| w[ttl - 1].retries > 0)
            .map(|w| {
                let retries: f64 = w.iter().map(|x| x.retries as f64).sum();
                let requests: f64 = w.iter().map(|x| (x.attempts - x.retries) as f64).sum();
                (
                    retries - (percent * requests + min_per_s * ttl as f64),
                    retries,
                )
            })
            .fold((f64::MIN, 0.0), |a, b| if b.0 > a.0 { b } else { a })
    };
    let (excess, retries) = worst(&series);
    let (excess_without, _) = worst(&unthrottled);
    println!(
        "finagle: worst 10 s window {retries} retries, {excess} over the bound; \
         {excess_without} over without a throttle; {} refused",
        totals.retries_refused
    );
    assert!(excess <= 0.0, "{excess}");
    assert!(excess_without > 0.0);
    assert!(totals.retries_refused > 1000);
}

#[test]
fn a_refused_retry_is_logged_with_the_rule_that_refused_it() {
    for kind in [Throttle::Grpc, Throttle::Envoy, Throttle::Finagle] {
        let mut s = preset("backoff-jitter");
        set(&mut s, "client.retry.throttle", kind.as_str());
        let mut sim = Simulation::new(s).unwrap();
        sim.advance_to(SimTime(61_000_000_000));
        let log: Vec<String> = sim.events_since(0).0.into_iter().map(|e| e.text).collect();
        let refused = log.iter().find(|t| t.contains("refused the retry"));
        println!("{}: {refused:?}", kind.as_str());
        assert!(refused.is_some_and(|t| t.contains(kind.rule())), "{kind:?}");
    }
}
