//! Plain-text and CSV renderings of a run.

use sahara_sim::{Lifecycle, Outcome, Sample, Scenario, Summary};
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

pub fn csv(scenario: &Scenario, rows: &[Sample]) -> String {
    let mut header = vec![
        "t_s".to_string(),
        "offered_rps".into(),
        "attempts".into(),
        "retries".into(),
        "duplicates".into(),
        "gave_up".into(),
        "throughput_rps".into(),
        "goodput_rps".into(),
    ];
    header.extend(Outcome::ALL.iter().map(|o| o.as_str().to_string()));
    header.extend(["p50_ms", "p95_ms", "p99_ms"].map(String::from));
    header.extend(scenario.services.iter().map(|s| format!("util_{}", s.name)));
    header.push("util_database".into());
    header.extend(
        Lifecycle::ALL
            .iter()
            .map(|l| format!("instances_{}", l.as_str())),
    );
    for column in ["desired", "in_service", "healthy"] {
        header.extend(
            scenario
                .services
                .iter()
                .map(|s| format!("{column}_{}", s.name)),
        );
    }
    header.extend(
        [
            "in_flight",
            "cost_usd",
            "wasted",
            "cancelled",
            "capacity_rps",
        ]
        .map(String::from),
    );
    let mut out = header.join(",") + "\n";
    for r in rows {
        let mut cells: Vec<String> = vec![
            format!("{}", r.t_s),
            r.offered_rps.to_string(),
            r.attempts.to_string(),
            r.retries.to_string(),
            r.duplicates.to_string(),
            r.gave_up.to_string(),
            r.throughput_rps.to_string(),
            r.goodput_rps.to_string(),
        ];
        cells.extend(r.outcomes.iter().map(u32::to_string));
        cells.extend([r.p50_ms, r.p95_ms, r.p99_ms].map(|x| format!("{x:.3}")));
        cells.extend(r.utilisation.iter().map(|u| format!("{u:.4}")));
        cells.push(format!("{:.4}", r.database_utilisation));
        cells.extend(r.instances.iter().map(u32::to_string));
        for column in [&r.desired, &r.in_service, &r.healthy] {
            cells.extend(column.iter().map(u32::to_string));
        }
        cells.push(r.in_flight.to_string());
        cells.push(format!("{:.6}", r.cost_usd));
        cells.extend([r.wasted, r.cancelled].map(|x| x.to_string()));
        cells.push(format!("{:.1}", r.capacity_rps));
        out += &(cells.join(",") + "\n");
    }
    out
}
