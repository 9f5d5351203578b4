//! Retries and idempotency tokens (issue 4), checked by their effect on the
//! numbers: the retry storm, duplicates against their derived fraction, and
//! what each place for the token store prevents.

mod common;
use common::{preset, run_and_drain, set};
use sahara_sim::{Scenario, Simulation};

/// Figures of one `backoff-jitter` run, from its per-second samples.
#[derive(Debug)]
struct Storm {
    /// Highest attempts in one second, from the outage on.
    peak_attempts: u32,
    /// Highest retries in one second once the first round of retries
    /// (1 + 2 + 4 + 8 + 16 s after the outage began) has played out: each
    /// policy's own rhythm, from 90 s on.
    peak_retries: u32,
    total_attempts: u64,
    /// Coefficient of variation of retries per second during the outage:
    /// synchronised waves make it large.
    waviness: f64,
}

fn storm(backoff: &str, jitter: &str) -> Storm {
    let mut s = preset("backoff-jitter");
    set(&mut s, "client.retry.backoff", backoff);
    set(&mut s, "client.retry.jitter", jitter);
    let mut sim = Simulation::new(s).unwrap();
    sim.run_to_end();
    let from_outage = || sim.metrics().series().filter(|x| x.t_s > 60.0);
    let during: Vec<f64> = from_outage()
        .filter(|x| x.t_s <= 120.0)
        .map(|x| x.retries as f64)
        .collect();
    let mean = during.iter().sum::<f64>() / during.len() as f64;
    let var = during.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / during.len() as f64;
    Storm {
        peak_attempts: from_outage().map(|x| x.attempts).max().unwrap(),
        peak_retries: from_outage()
            .filter(|x| x.t_s > 90.0)
            .map(|x| x.retries)
            .max()
            .unwrap(),
        total_attempts: sim.metrics().totals().attempts,
        waviness: var.sqrt() / mean,
    }
}

#[test]
fn retry_storm_no_backoff_worst_full_jitter_gentlest() {
    let none = storm("none", "none");
    let exponential = storm("exponential", "none");
    let jittered = storm("exponential", "full");
    for (name, s) in [
        ("no backoff", &none),
        ("exponential", &exponential),
        ("exponential + full jitter", &jittered),
    ] {
        println!(
            "{name:<26} peak {:>5} attempts/s, peak {:>5} retries/s, {:>7} attempts in all, \
             waviness {:.2}",
            s.peak_attempts, s.peak_retries, s.total_attempts, s.waviness
        );
    }
    // Resending at once hammers the service hardest and most often.
    assert!(none.peak_attempts > exponential.peak_attempts, "{none:?}");
    assert!(none.peak_attempts > jittered.peak_attempts);
    assert!(none.total_attempts > exponential.total_attempts);
    assert!(none.total_attempts > jittered.total_attempts);
    // Without jitter the users who failed together retry together: waves
    // 1, 2, 4, 8 s apart, with quiet seconds between; full jitter smears
    // them out. (The peak of all attempts per second is no help between
    // these two: 1000 users thinking 1 s send about 960 first attempts a
    // second when all is well, and neither backoff makes a user send
    // faster than that, so both peaks are the normal traffic's.)
    assert!(
        exponential.waviness > 2.0 * jittered.waviness,
        "{exponential:?} {jittered:?}"
    );
    assert!(exponential.peak_retries > jittered.peak_retries);
    assert!(none.peak_retries > exponential.peak_retries);
}

/// Checkout only, over the lecture's lossy internet: request loss `p` and
/// response loss `q` on the client's hop, one retry allowed, ample capacity
/// (so nothing else fails), tokens as given.
fn lossy_checkout(idempotency: &str) -> Scenario {
    let mut s = preset("lost-response");
    for (path, value) in [
        ("duration_s", "300"),
        ("traffic.rate_rps", "200"),
        ("traffic.mix.browse.weight", "0"),
        ("traffic.mix.add_to_cart.weight", "0"),
        ("services.checkout.max_instances", "4"),
        ("services.checkout.instances", "4"),
        ("services.checkout.workers", "8"),
        ("services.checkout.balancer", "random"),
        ("network.client_to_lb.request_loss", "0.05"),
        ("network.client_to_lb.response_loss", "0.2"),
        ("client.timeout_ms", "2000"),
        ("client.max_attempts", "2"),
        ("client.retry.backoff", "constant"),
        ("client.retry.jitter", "none"),
        ("client.idempotency", idempotency),
    ] {
        set(&mut s, path, value);
    }
    s
}

#[test]
fn duplicates_match_the_derived_fraction_without_tokens() {
    // A checkout executes twice exactly when its first attempt reached the
    // service (1 − p), the response to it was lost (q) so the client timed
    // out and resent, and the resend reached the service too (1 − p). Only
    // two attempts are allowed, so never three times:
    //     P(executed twice) = (1 − p)² · q.
    let (p, q) = (0.05, 0.2);
    let expected = (1.0 - p) * (1.0 - p) * q;
    let sim = run_and_drain(lossy_checkout("off"));
    let t = &sim.metrics().totals();
    let n = t.requests as f64;
    let measured = t.duplicates as f64 / n;
    let se = (expected * (1.0 - expected) / n).sqrt();
    println!(
        "duplicates: {} of {} checkouts = {measured:.4}; derived (1 - p)^2 q = {expected:.4}, \
         3 SE = {:.4}",
        t.duplicates,
        t.requests,
        3.0 * se
    );
    assert!((measured - expected).abs() < 3.0 * se);
    let log: Vec<String> = sim.events_since(0).0.into_iter().map(|e| e.text).collect();
    assert!(log
        .iter()
        .any(|l| l.starts_with("double charge: checkout r-")));
    assert!(t.gave_up > 0 && t.retries > 0);
}

#[test]
fn shared_tokens_prevent_every_duplicate_per_instance_tokens_some() {
    let off = run_and_drain(lossy_checkout("off"))
        .metrics()
        .totals()
        .clone();
    let shared = run_and_drain(lossy_checkout("shared"))
        .metrics()
        .totals()
        .clone();
    let local = run_and_drain(lossy_checkout("per_instance"))
        .metrics()
        .totals()
        .clone();
    println!(
        "duplicates: no tokens {}, per-instance tokens {} ({} replayed), shared tokens {} ({} replayed)",
        off.duplicates, local.duplicates, local.replayed, shared.duplicates, shared.replayed
    );
    assert_eq!(shared.duplicates, 0);
    assert!(shared.replayed > 0, "repeats were answered from the store");
    // A retry lands on the instance that executed the first attempt one
    // time in four (random balancing over 4): only then is it caught.
    assert!(local.duplicates > 0 && local.duplicates < off.duplicates);
    let caught = 1.0 - local.duplicates as f64 / off.duplicates as f64;
    assert!((0.2..0.3).contains(&caught), "{caught}");
}

#[test]
fn a_repeat_while_the_first_executes_gets_a_conflict_and_is_not_executed() {
    // The client gives up on each attempt after 30 ms, but a checkout takes
    // 50 ms on average: resends arrive while the first is still executing.
    let mut s = lossy_checkout("shared");
    set(&mut s, "network.client_to_lb.latency", "0");
    set(&mut s, "client.timeout_ms", "30");
    set(&mut s, "client.max_attempts", "3");
    set(&mut s, "client.retry.base_ms", "1");
    let t = run_and_drain(s).metrics().totals().clone();
    assert!(t.conflicts > 100, "{t:?}");
    assert_eq!(t.duplicates, 0);
}
