//! Sweeps: one scenario over seeds 1..=N and a grid of settings, on every
//! core, each chosen figure of a run's summary reported per grid point as
//! its mean over the seeds and a 95 % confidence interval for that mean.
//! This is where the figures a lecture states come from (the CLI's
//! `sweep`, the tour's pinned figures). Deterministic: each run is
//! deterministic for its seed, and the results are put together in the
//! order of the grid, whatever the threads did.

use crate::{Scenario, Simulation};
use rayon::prelude::*;

/// One grid point: the settings (scenario path, value as `Scenario::set`
/// takes it) made to the base scenario.
pub type Point = Vec<(String, String)>;

/// Every combination of the varied settings' values, the first setting
/// varying slowest.
pub fn grid(vary: &[(String, Vec<String>)]) -> Vec<Point> {
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

/// Runs `base` with each point's settings and seeds 1..=`seeds` to its end,
/// on every core; per point, each figure's estimate (figures as
/// `Simulation::figure` reads them).
pub fn sweep(
    base: &Scenario,
    points: &[Point],
    seeds: u64,
    figures: &[String],
) -> Result<Vec<Vec<Estimate>>, SweepError> {
    if seeds < 2 {
        return Err(SweepError::TooFewSeeds(seeds));
    }
    let jobs: Vec<(usize, u64)> = (0..points.len())
        .flat_map(|point| (1..=seeds).map(move |seed| (point, seed)))
        .collect();
    let results: Vec<Vec<f64>> = jobs
        .par_iter()
        .map(|&(point, seed)| run_one(base, &points[point], seed, figures))
        .collect::<Result<_, _>>()?;
    Ok(results
        .chunks(seeds as usize)
        .map(|runs| {
            (0..figures.len())
                .map(|f| Estimate::of(&runs.iter().map(|r| r[f]).collect::<Vec<_>>()))
                .collect()
        })
        .collect())
}

/// One run: the base scenario with the point's settings and `seed`; the
/// chosen figures of its summary.
fn run_one(
    base: &Scenario,
    point: &[(String, String)],
    seed: u64,
    figures: &[String],
) -> Result<Vec<f64>, SweepError> {
    let mut scenario = base.clone();
    for (path, value) in point {
        scenario.set(path, value).map_err(|e| SweepError::Setting {
            path: path.clone(),
            value: value.clone(),
            why: e.to_string(),
        })?;
    }
    scenario.seed = seed;
    let mut sim = Simulation::new(scenario)
        .map_err(|errors| SweepError::Invalid(errors.iter().map(|e| e.to_string()).collect()))?;
    sim.run_to_end();
    figures
        .iter()
        .map(|figure| {
            sim.figure(figure)
                .ok_or_else(|| SweepError::Figure(figure.clone()))
        })
        .collect()
}

/// Why a sweep could not run, naming what was wrong.
#[derive(Clone, Debug, PartialEq)]
pub enum SweepError {
    /// Fewer than two seeds give no interval.
    TooFewSeeds(u64),
    /// A point's setting that the scenario refuses.
    Setting {
        path: String,
        value: String,
        why: String,
    },
    /// The scenario is not valid (each problem).
    Invalid(Vec<String>),
    /// A figure that names no number of the summary.
    Figure(String),
}

impl std::fmt::Display for SweepError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SweepError::TooFewSeeds(n) => {
                write!(f, "{n} seeds give no interval; at least 2 are needed")
            }
            SweepError::Setting { path, value, why } => write!(f, "{path}={value}: {why}"),
            SweepError::Invalid(problems) => {
                write!(f, "the scenario is not valid: {}", problems.join("; "))
            }
            SweepError::Figure(name) => write!(
                f,
                "{name}: not a number in the summary (see `sahara-sim run --json`)"
            ),
        }
    }
}

/// A mean over seeds and the half-width of its 95 % confidence interval:
/// Student's t with n − 1 degrees of freedom times the standard error
/// (the runs are independent: one seed each).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub mean: f64,
    pub ci95: f64,
}

impl Estimate {
    /// The estimate from a sample of at least two values.
    pub fn of(xs: &[f64]) -> Estimate {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let variance = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        Estimate {
            mean,
            ci95: t_975(xs.len().saturating_sub(1)) * (variance / n).sqrt(),
        }
    }

    /// Whether the interval holds `x`.
    pub fn covers(&self, x: f64) -> bool {
        (x - self.mean).abs() <= self.ci95
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
