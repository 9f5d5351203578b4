//! `sahara-sim sweep`: one scenario over many seeds and a grid of settings,
//! for the figures a lecture states and the plots on its slides. Every
//! combination of the `--vary` values runs with seeds 1..=N, on every core;
//! each chosen field of the run's summary is reported per combination as
//! its mean over the seeds and a 95 % confidence interval for that mean.
//! The same command gives the same numbers: each run is deterministic for
//! its seed, and the results are put together in the order of the grid.

use crate::args::SweepArgs;
use rayon::prelude::*;
use sahara_sim::Scenario;
use serde_json::{json, Value};

/// Runs the sweep and writes its table (CSV, or JSON).
pub fn sweep(args: &SweepArgs, base: &Scenario) -> Result<String, String> {
    let grid = grid(&args.vary);
    let jobs: Vec<(usize, u64)> = (0..grid.len())
        .flat_map(|point| (1..=args.seeds).map(move |seed| (point, seed)))
        .collect();
    let results: Vec<Vec<f64>> = jobs
        .par_iter()
        .map(|&(point, seed)| run_one(args, base, &grid[point], seed))
        .collect::<Result<_, _>>()?;
    let rows: Vec<Vec<Estimate>> = results
        .chunks(args.seeds as usize)
        .map(|runs| {
            (0..args.fields.len())
                .map(|f| Estimate::of(&runs.iter().map(|r| r[f]).collect::<Vec<_>>()))
                .collect()
        })
        .collect();
    Ok(if args.json {
        json_table(args, &grid, &rows)
    } else {
        csv_table(args, &grid, &rows)
    })
}

/// Every combination of the varied settings' values, the first setting
/// varying slowest.
fn grid(vary: &[(String, Vec<String>)]) -> Vec<Vec<(String, String)>> {
    vary.iter()
        .fold(vec![Vec::new()], |points, (path, values)| {
            points
                .iter()
                .flat_map(|point| {
                    values.iter().map(move |v| {
                        let mut p = point.clone();
                        p.push((path.clone(), v.clone()));
                        p
                    })
                })
                .collect()
        })
}

/// One run: the base scenario with the point's settings and `seed`; the
/// chosen fields of its summary.
fn run_one(
    args: &SweepArgs,
    base: &Scenario,
    point: &[(String, String)],
    seed: u64,
) -> Result<Vec<f64>, String> {
    let mut scenario = base.clone();
    for (path, value) in point {
        scenario
            .set(path, &crate::toml_value_as_json(value))
            .map_err(|e| format!("--vary {path}={value}: {e}"))?;
    }
    scenario.seed = seed;
    let mut sim = crate::simulation(scenario)?;
    sim.run_to_end();
    let summary = serde_json::to_value(sim.summary()).map_err(|e| e.to_string())?;
    args.fields
        .iter()
        .map(|field| {
            field
                .split('.')
                .try_fold(&summary, |v, key| v.get(key))
                .and_then(Value::as_f64)
                .ok_or_else(|| {
                    format!(
                        "--fields {field}: not a number in the summary (see `sahara-sim run --json`)"
                    )
                })
        })
        .collect()
}

/// A mean over seeds and the half-width of its 95 % confidence interval:
/// Student's t with n − 1 degrees of freedom times the standard error.
struct Estimate {
    mean: f64,
    ci95: f64,
}

impl Estimate {
    fn of(xs: &[f64]) -> Estimate {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let variance = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        Estimate {
            mean,
            ci95: t_975(xs.len() - 1) * (variance / n).sqrt(),
        }
    }
}

/// The 97.5th percentile of Student's t with `df` degrees of freedom: the
/// table's values up to 30; above, the normal quantile z with the first two
/// terms of its Cornish–Fisher expansion, (z³ + z) / (4 df) and
/// (5z⁵ + 16z³ + 3z) / (96 df²), within 0.0005 of the tabled values there.
fn t_975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df - 1],
        _ => {
            let (z, df): (f64, f64) = (1.959_964, df as f64);
            z + (z.powi(3) + z) / (4.0 * df)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * df * df)
        }
    }
}

fn csv_table(args: &SweepArgs, grid: &[Vec<(String, String)>], rows: &[Vec<Estimate>]) -> String {
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

fn json_table(args: &SweepArgs, grid: &[Vec<(String, String)>], rows: &[Vec<Estimate>]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_is_every_combination_first_setting_slowest() {
        let vary = vec![
            ("a".to_string(), vec!["1".to_string(), "2".to_string()]),
            (
                "b".to_string(),
                vec!["x".to_string(), "y".to_string(), "z".to_string()],
            ),
        ];
        let g = grid(&vary);
        assert_eq!(g.len(), 6);
        assert_eq!(g[0], [("a".into(), "1".into()), ("b".into(), "x".into())]);
        assert_eq!(g[5], [("a".into(), "2".into()), ("b".into(), "z".into())]);
        assert_eq!(grid(&[]), vec![Vec::new()]);
    }

    /// The interval of a sample: mean ± t(0.975, n − 1) · s / √n, here
    /// for 1, 2, 3, 4, 5 (mean 3, s² = 2.5, t(4) = 2.776).
    #[test]
    fn the_interval_is_students() {
        let e = Estimate::of(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(e.mean, 3.0);
        assert!((e.ci95 - 2.776 * (2.5_f64 / 5.0).sqrt()).abs() < 1e-12);
        // The expansion above 30 meets the tabled t(0.975): 2.0395 at 31,
        // 2.0211 at 40, 2.0003 at 60, 1.9623 at 1000.
        for (df, table) in [(31, 2.0395), (40, 2.0211), (60, 2.0003), (1000, 1.9623)] {
            assert!(
                (t_975(df) - table).abs() < 0.0005,
                "t({df}) = {}",
                t_975(df)
            );
        }
    }
}
