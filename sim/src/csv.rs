//! A run's per-second samples as CSV: what the CLI's `--csv` prints and
//! the page downloads, the same columns in the same order.

use crate::fleet::Lifecycle;
use crate::metrics::Sample;
use crate::request::Outcome;
use crate::scenario::Scenario;

/// The rows as CSV, a header first: per-service columns are named after
/// the scenario's services, in its order.
pub fn per_second<'a>(scenario: &Scenario, rows: impl IntoIterator<Item = &'a Sample>) -> String {
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
