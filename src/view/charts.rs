//! The live charts: each a window of the core's per-second samples, redrawn
//! when a simulated second closes.

use super::chart::{Chart, ChartData, Series};
use crate::focus::{ChartName, Focus};
use crate::live::Live;
use leptos::prelude::*;
use sahara_sim::{Lifecycle, Outcome, Sample};

/// Seconds of history a chart shows.
const WINDOW_S: usize = 120;

/// A chart line: its label, its CSS class, and how to read it off a sample.
type Line = (&'static str, &'static str, fn(&Sample) -> f64);

/// Builds one chart's data from the newest `WINDOW_S` samples, redone
/// whenever a simulated second closes.
fn over_window(live: Live, lines: impl Fn(&[&Sample]) -> Vec<Series>) -> ChartData {
    live.second.track();
    live.with_sim(|sim| {
        let series = sim.metrics().series();
        let skip = series.len().saturating_sub(WINDOW_S);
        let samples: Vec<&Sample> = series.skip(skip).collect();
        ChartData {
            x0: samples.first().map_or(0.0, |s| s.t_s),
            x_unit: " s",
            series: lines(&samples),
            compared_from: None,
        }
    })
}

/// A chart of fixed lines.
fn window(live: Live, lines: &[Line]) -> ChartData {
    over_window(live, |samples| {
        lines
            .iter()
            .map(|(label, class, f)| Series {
                label: label.to_string(),
                class,
                values: samples.iter().map(|s| f(s)).collect(),
            })
            .collect()
    })
}

/// Line styles for per-service lines, in scenario order (the database
/// keeps its own).
const SERVICE_CLASSES: [&str; 6] = ["s1", "s2", "s3", "s5", "s6", "s8"];

fn outcome(s: &Sample, o: Outcome) -> f64 {
    s.outcomes[o as usize] as f64
}

/// The whole deployment's figure from per-service ones.
fn sum(per_service: &[u32]) -> f64 {
    per_service.iter().map(|&x| x as f64).sum()
}

fn instances(s: &Sample, l: Lifecycle) -> f64 {
    s.instances[Lifecycle::ALL.iter().position(|x| *x == l).unwrap_or(0)] as f64
}

/// A chart's title and unit, as its caption says them.
fn caption(name: ChartName) -> (&'static str, &'static str) {
    match name {
        ChartName::Load => ("Goodput vs offered load", "req/s"),
        ChartName::Failures => ("Failures by cause", "req/s"),
        ChartName::Latency => ("Latency of successes", "ms"),
        ChartName::Capacity => ("Capacity (all groups)", "instances"),
        ChartName::Utilisation => ("Utilisation", "%"),
        ChartName::Attempts => ("Attempts vs requests", "per s"),
    }
}

/// A chart's lines over the last `WINDOW_S` seconds, redone when a
/// simulated second closes.
fn data(live: Live, name: ChartName) -> ChartData {
    match name {
        ChartName::Load => window(
            live,
            &[
                ("offered", "s1", |s| s.offered_rps as f64),
                ("capacity", "s7", |s| s.capacity_rps),
                ("finished", "s2", |s| s.throughput_rps as f64),
                ("goodput", "s3", |s| s.goodput_rps as f64),
            ],
        ),
        ChartName::Failures => window(
            live,
            &[
                ("lost request", "s4", |s| {
                    outcome(s, Outcome::DroppedRequest)
                }),
                ("lost response", "s5", |s| {
                    outcome(s, Outcome::DroppedResponse)
                }),
                ("503 rejected", "s6", |s| {
                    outcome(s, Outcome::Rejected) + outcome(s, Outcome::NoHealthyTarget)
                }),
                ("429 throttled", "s2", |s| outcome(s, Outcome::Throttled)),
                ("timeout", "s7", |s| outcome(s, Outcome::Timeout)),
                ("crashed", "s8", |s| outcome(s, Outcome::Crashed)),
                ("circuit open", "s1", |s| outcome(s, Outcome::CircuitOpen)),
                ("gave up", "s3", |s| s.gave_up as f64),
            ],
        ),
        ChartName::Latency => window(
            live,
            &[
                ("p50", "s1", |s| s.p50_ms),
                ("p95", "s2", |s| s.p95_ms),
                ("p99", "s4", |s| s.p99_ms),
            ],
        ),
        ChartName::Capacity => window(
            live,
            &[
                ("desired", "s1", |s| sum(&s.desired)),
                ("in service", "s2", |s| sum(&s.in_service)),
                ("healthy", "s3", |s| sum(&s.healthy)),
                ("pending", "s7", |s| instances(s, Lifecycle::Pending)),
            ],
        ),
        ChartName::Utilisation => {
            let names = live.scenario.with(|s| {
                s.services
                    .iter()
                    .map(|x| x.name.clone())
                    .collect::<Vec<_>>()
            });
            over_window(live, |samples| {
                let mut lines: Vec<Series> = names
                    .iter()
                    .zip(SERVICE_CLASSES)
                    .enumerate()
                    .map(|(i, (name, class))| Series {
                        label: name.clone(),
                        class,
                        values: samples
                            .iter()
                            .map(|s| 100.0 * s.utilisation.get(i).copied().unwrap_or(0.0))
                            .collect(),
                    })
                    .collect();
                lines.push(Series {
                    label: "database".into(),
                    class: "s4",
                    values: samples
                        .iter()
                        .map(|s| 100.0 * s.database_utilisation)
                        .collect(),
                });
                lines
            })
        }
        ChartName::Attempts => window(
            live,
            &[
                ("requests", "s1", |s| s.offered_rps as f64),
                ("attempts", "s5", |s| s.attempts as f64),
                ("retries", "s2", |s| s.retries as f64),
                ("duplicates", "s4", |s| s.duplicates as f64),
                ("wasted", "s3", |s| s.wasted as f64),
            ],
        ),
    }
}

/// One of the run's charts, live.
pub fn live_chart(live: Live, name: ChartName) -> impl IntoView {
    let (title, unit) = caption(name);
    let lines = move || match live.compared() {
        Some(b) => data(live, name).compared_with(data(b, name)),
        None => data(live, name),
    };
    view! { <Chart title unit data=Signal::derive(lines) attr:data-chart=name.id() /> }
}

/// The charts that prove the point, beside the diagram, and a row of
/// buttons that brings any other chart there.
#[component]
pub fn FocusCharts(live: Live, shown: Memo<Vec<ChartName>>, focus: Focus) -> impl IntoView {
    view! {
        <div class="focus-charts">
            <div class="chart-choice" role="group" aria-label="Charts beside the diagram">
                {ChartName::ALL.into_iter().map(|name| view! {
                    <button type="button" class="link" aria-pressed=move || shown.with(|s| s.contains(&name)).to_string()
                        on:click=move |_| focus.choose(name, &shown.get_untracked())>
                        {caption(name).0}
                    </button>
                }).collect_view()}
            </div>
            <div class="focus-pair">
                {move || shown.get().into_iter().map(|name| live_chart(live, name)).collect_view()}
            </div>
        </div>
    }
}

/// The charts not beside the diagram, and the per-second data as CSV.
#[component]
pub fn Charts(live: Live, shown: Memo<Vec<ChartName>>) -> impl IntoView {
    view! {
        <section class="charts" aria-label="More charts">
            {move || ChartName::ALL.into_iter().filter(|c| !shown.with(|s| s.contains(c))).map(|name| live_chart(live, name)).collect_view()}
            <button type="button" class="export" on:click=move |_| export_csv(live)>
                "Download the per-second data (CSV)"
            </button>
        </section>
    }
}

/// The run's per-second samples kept so far, as the CLI's `--csv` writes
/// them, saved as `<preset>-seed-<seed>.csv`.
fn export_csv(live: Live) {
    let (name, text) = live.with_sim(|sim| {
        let s = sim.scenario();
        let name = format!("{}-seed-{}.csv", s.name, s.seed);
        (name, sahara_sim::csv::per_second(s, sim.metrics().series()))
    });
    if let Err(e) = crate::download::save(&name, "text/csv", &text) {
        live.report(Some(e));
    }
}
