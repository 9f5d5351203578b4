//! The plain-text rendering of a run (its CSV is `sahara_sim::csv`).

use sahara_sim::Summary;
use std::fmt::Write;

pub fn text(s: &Summary) -> String {
    let mut out = String::new();
    let o = &s.outcomes;
    let _ = writeln!(out, "scenario   {} (seed {})", s.scenario, s.seed);
    let _ = writeln!(
        out,
        "simulated  {:.1} s in {:.0} ms ({} events)",
        s.duration_s, s.wall_ms, s.events_processed
    );
    let _ = writeln!(
        out,
        "requests   {} ({:.1}/s finished, {:.1}/s succeeded, {} in flight)",
        s.requests, s.throughput_rps, s.goodput_rps, s.in_flight
    );
    let _ = writeln!(
        out,
        "outcomes   success {}, dropped request {}, dropped response {}, rejected {}, \
         timeout {}, no healthy target {}, crashed {}",
        o.success,
        o.dropped_request,
        o.dropped_response,
        o.rejected,
        o.timeout,
        o.no_healthy_target,
        o.crashed
    );
    if o.circuit_open > 0 {
        let _ = writeln!(
            out,
            "           circuit open {} (failed fast by a circuit breaker, never sent)",
            o.circuit_open
        );
    }
    if o.throttled > 0 {
        let _ = writeln!(
            out,
            "           throttled {} (answered 429 by a rate limit in front of the service)",
            o.throttled
        );
    }
    let l = &s.latency_ms;
    let _ = writeln!(
        out,
        "latency    p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, mean {:.1} ms",
        l.p50, l.p95, l.p99, l.mean
    );
    let util: Vec<String> = s
        .utilisation
        .iter()
        .map(|(k, v)| format!("{k} {:.0}%", v * 100.0))
        .collect();
    let _ = writeln!(out, "busy       {}", util.join(", "));
    let _ = writeln!(
        out,
        "resilience {} retries ({:.2} attempts per request), {} gave up, {} duplicates, \
         {} replayed, {} conflicts; {} jobs finished for clients that had given up, {} cancelled",
        s.retries,
        s.attempts_per_request,
        s.gave_up,
        s.duplicates,
        s.replayed,
        s.conflicts,
        s.wasted,
        s.cancelled
    );
    let desired: Vec<String> = s.desired.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let _ = writeln!(
        out,
        "groups     desired {}; {} launched, {} terminated, {} scaling actions",
        desired.join(", "),
        s.instances_launched,
        s.instances_terminated,
        s.scaling_actions
    );
    let available: Vec<String> = s
        .availability
        .iter()
        .map(|(k, v)| format!("{k} {v:.4}"))
        .collect();
    let _ = writeln!(
        out,
        "available  {} (share of seconds with an instance up)",
        available.join(", ")
    );
    let c = &s.cost;
    let _ = writeln!(
        out,
        "cost       ${:.4} (${:.4}/h, ${:.2} per million requests): instances ${:.4} ({:.2} h), \
         load balancers ${:.4}, transfer ${:.4} ({:.3} GB out to the internet, {:.3} GB across zones)",
        c.total_usd,
        c.usd_per_hour,
        c.usd_per_million_requests,
        c.instance_usd,
        c.instance_hours,
        c.load_balancer_usd,
        c.transfer_usd,
        c.transfer.internet_out_gb,
        c.transfer.cross_zone_gb
    );
    out
}
