//! Every figure the tour reveals is recomputed here from the model: the
//! step's scenario (its preset and settings, and run B's settings for a
//! figure of B) run for the step's length with seeds 1..=N, each figure's
//! mean and 95 % interval (`sahara_sim::sweep`). The test fails when the
//! file states either differently at its precision, or states a precision
//! the interval does not support, so a change to the model can never leave
//! the tour saying something false. Its message says what to write.

use super::{format, paths, steps, Run, Step};
use sahara_sim::sweep::{sweep, Estimate};

/// The scenario a step's run `run` plays, ending at the step's length: its
/// preset, its settings, and for run B B's on top; or what could not be
/// used.
pub(super) fn scenario(step: &Step, run: Run) -> Result<sahara_sim::Scenario, String> {
    let mut scenario = sahara_sim::presets::get(&step.preset)
        .ok_or_else(|| format!("no preset {}", step.preset))?;
    let b = if run == Run::B {
        paths(&step.compare)
    } else {
        Vec::new()
    };
    for (path, value) in paths(&step.settings).iter().chain(&b) {
        scenario
            .set(path, value)
            .map_err(|e| format!("{run:?}: {path}={value}: {e}"))?;
    }
    scenario.duration_s = step.run_s;
    Ok(scenario)
}

/// Why a figure as written is not what the model gives, if it is not.
/// Its precision must fit its interval: no digit below a tenth of the
/// interval (false precision; whole numbers are the coarsest written, so a
/// count may show a few digits inside its interval, which is printed
/// beside it), and the interval not rounded away to 0.
fn disagreement(label: &str, stated: (f64, f64), decimals: u8, e: Estimate) -> Option<String> {
    // The same value in every run differs only by rounding in the mean.
    let e = Estimate {
        ci95: if e.ci95 <= 1e-9 * e.mean.abs() {
            0.0
        } else {
            e.ci95
        },
        ..e
    };
    let unit = 10f64.powi(-(decimals as i32));
    let (mean, ci95) = (format(e.mean, decimals), format(e.ci95, decimals));
    let fits = e.ci95 == 0.0 || ((decimals == 0 || unit >= e.ci95 / 10.0) && e.ci95 >= unit / 2.0);
    let same = format(stated.0, decimals) == mean && format(stated.1, decimals) == ci95;
    (!same || !fits).then(|| {
        // The interval's first significant digit is the last one written.
        let decimals = if e.ci95 == 0.0 {
            decimals
        } else {
            (-e.ci95.log10()).ceil().max(0.0) as u8
        };
        format!(
            "{label}: the model gives {} ± {}; write mean = {}, ci95 = {}, decimals = {decimals}",
            e.mean,
            e.ci95,
            format(e.mean, decimals),
            format(e.ci95, decimals)
        )
    })
}

#[test]
fn every_figure_the_tour_reveals_is_the_models() {
    let mut problems = Vec::new();
    for (i, step) in steps().iter().enumerate() {
        for run in [Run::A, Run::B] {
            let figures: Vec<_> = step.figure.iter().filter(|f| f.run == run).collect();
            let Some(seeds) = figures.first().map(|f| f.seeds) else {
                continue;
            };
            assert!(
                figures.iter().all(|f| f.seeds == seeds),
                "step {}: one number of seeds per run",
                i + 1
            );
            let names: Vec<String> = figures.iter().map(|f| f.of.to_string()).collect();
            let scenario = scenario(step, run).unwrap_or_else(|e| panic!("step {}: {e}", i + 1));
            let estimates = sweep(&scenario, &[Vec::new()], seeds, &names)
                .unwrap_or_else(|e| panic!("step {}: {e}", i + 1));
            for (f, e) in figures.iter().zip(&estimates[0]) {
                let j = step
                    .figure
                    .iter()
                    .position(|g| std::ptr::eq(g, *f))
                    .unwrap_or(0);
                let label = format!("step {}, figure {} ({})", i + 1, j + 1, f.label);
                problems.extend(disagreement(&label, (f.mean, f.ci95), f.decimals, *e));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// The check itself: a figure stated as the model gives it passes; one
/// off by a unit of its last digit, or stated finer than its interval
/// supports, fails.
#[test]
fn a_pin_fails_on_a_wrong_or_falsely_precise_figure() {
    let e = Estimate {
        mean: 0.8071,
        ci95: 0.0112,
    };
    assert_eq!(disagreement("x", (0.81, 0.01), 2, e), None);
    assert!(disagreement("x", (0.82, 0.01), 2, e).is_some());
    let falsely_precise = disagreement("x", (0.807, 0.011), 3, e).unwrap();
    assert!(
        falsely_precise.ends_with("decimals = 2"),
        "{falsely_precise}"
    );
}
