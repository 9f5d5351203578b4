//! `sahara-sim sweep`: one scenario over many seeds and a grid of settings,
//! for the figures a lecture states and the plots on its slides. Every
//! combination of the `--vary` values runs with seeds 1..=N, on every core;
//! each chosen field of the run's summary is reported per combination as
//! its mean over the seeds and a 95 % confidence interval for that mean.
//! The same command gives the same numbers: each run is deterministic for
//! its seed, and the results are put together in the order of the grid.

use crate::args::SweepArgs;
use sahara_sim::sweep::{grid, Estimate, Point, SweepError};
use sahara_sim::Scenario;
use serde_json::{json, Value};

/// Runs the sweep and writes its table (CSV, or JSON).
pub fn sweep(args: &SweepArgs, base: &Scenario) -> Result<String, String> {
    let vary: Vec<(String, Vec<String>)> = args
        .vary
        .iter()
        .map(|(path, values)| {
            let values = values
                .iter()
                .map(|v| crate::toml_value_as_json(v))
                .collect();
            (path.clone(), values)
        })
        .collect();
    let points = grid(&vary);
    let rows =
        sahara_sim::sweep::sweep(base, &points, args.seeds, &args.fields).map_err(|e| match e {
            SweepError::Setting { .. } => format!("--vary {e}"),
            SweepError::Figure(_) => format!("--fields {e}"),
            SweepError::TooFewSeeds(_) => format!("--seeds: {e}"),
            SweepError::Invalid(_) => e.to_string(),
        })?;
    let shown = grid(&args.vary);
    Ok(if args.json {
        json_table(args, &shown, &rows)
    } else {
        csv_table(args, &shown, &rows)
    })
}

fn csv_table(args: &SweepArgs, grid: &[Point], rows: &[Vec<Estimate>]) -> String {
    let mut header: Vec<String> = args.vary.iter().map(|(path, _)| path.clone()).collect();
    header.push("seeds".into());
    for f in &args.fields {
        header.push(format!("{f}_mean"));
        header.push(format!("{f}_ci95"));
    }
    let mut out = header.join(",") + "\n";
    for (point, estimates) in grid.iter().zip(rows) {
        let mut cells: Vec<String> = point.iter().map(|(_, v)| csv_cell(v)).collect();
        cells.push(args.seeds.to_string());
        for e in estimates {
            cells.push(e.mean.to_string());
            cells.push(e.ci95.to_string());
        }
        out += &(cells.join(",") + "\n");
    }
    out
}

/// A value as one CSV cell (quoted when it holds a comma or a quote).
fn csv_cell(v: &str) -> String {
    if v.contains([',', '"']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

fn json_table(args: &SweepArgs, grid: &[Point], rows: &[Vec<Estimate>]) -> String {
    let points: Vec<Value> = grid
        .iter()
        .zip(rows)
        .map(|(point, estimates)| {
            let settings: serde_json::Map<String, Value> = point
                .iter()
                .map(|(p, v)| (p.clone(), Value::from(v.as_str())))
                .collect();
            let fields: serde_json::Map<String, Value> = args
                .fields
                .iter()
                .zip(estimates)
                .map(|(f, e)| (f.clone(), json!({ "mean": e.mean, "ci95": e.ci95 })))
                .collect();
            json!({ "settings": settings, "seeds": args.seeds, "fields": fields })
        })
        .collect();
    serde_json::to_string_pretty(&points).unwrap_or_default() + "\n"
}
