//! Compare mode: the run forked into two with the same seed and past (A,
//! the leader, and B), differing in the settings a person changes on B;
//! both advance, rewind and restart together. The bar says what differs
//! and which run the controls change; the table puts the key figures side
//! by side with their difference. Charts overlay B (dashed) on A.

use crate::live::Live;
use crate::settings;
use leptos::prelude::*;

/// How B differs from A, in the link's words: `jitter = full, …`.
pub fn differences(live: Live) -> String {
    let changes = live.compare_changes();
    if changes.is_empty() {
        return "the same as A so far: choose “Controls change B” and change a setting".into();
    }
    changes
        .iter()
        .map(|(path, value)| format!("{} = {value}", settings::short_name(path).unwrap_or(path)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Starts or ends compare mode, and says which run the controls change.
#[component]
pub fn CompareBar(live: Live, edit_b: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="compare-bar" role="group" aria-label="Compare">
            {move || match live.compared() {
                None => view! {
                    <button type="button" title="Fork this run into two with the same seed and past; change settings on B and watch both"
                        on:click=move |_| {
                            live.compare(&[]);
                            edit_b.set(true);
                        }>"Compare with…"</button>
                }.into_any(),
                Some(_) => view! {
                    <span>"Controls change "</span>
                    <button type="button" aria-pressed=move || (!edit_b.get()).to_string() on:click=move |_| edit_b.set(false)>"A"</button>
                    <button type="button" aria-pressed=move || edit_b.get().to_string() on:click=move |_| edit_b.set(true)>"B"</button>
                    <span class="differences">"B: " {move || differences(live)}</span>
                    <button type="button" on:click=move |_| {
                        live.end_compare();
                        edit_b.set(false);
                    }>"End compare"</button>
                }.into_any(),
            }}
        </div>
    }
}

/// A key figure of a run so far: its name, the figure of the run it shows
/// (`Simulation::figure`: the summary's own definitions), its unit.
type Figure = (&'static str, &'static str, &'static str);

const FIGURES: [Figure; 6] = [
    ("Goodput", "goodput_rps", "req/s"),
    ("p99 latency", "latency_ms.p99", "ms"),
    ("Failed requests", "failed", ""),
    ("Duplicates", "duplicates", ""),
    ("Attempts per request", "attempts_per_request", ""),
    ("Cost", "cost.total_usd", "$"),
];

/// The key figures of A and B so far, and B − A, redone as seconds close.
#[component]
pub fn CompareFigures(live: Live, b: Live) -> impl IntoView {
    let rows = move || {
        live.second.track();
        b.second.track();
        FIGURES
            .iter()
            .map(|(name, figure, unit)| {
                let read = |run: Live| run.with_sim(|s| s.figure(figure)).unwrap_or(f64::NAN);
                let (a, b) = (read(live), read(b));
                view! {
                    <tr>
                        <th scope="row">{*name}</th>
                        <td>{show(a, unit)}</td>
                        <td>{show(b, unit)}</td>
                        <td>{difference(b - a, unit)}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <table class="compare-figures">
            <caption>"A and B so far"</caption>
            <thead><tr><th scope="col">"Figure"</th><th scope="col">"A"</th><th scope="col">"B"</th><th scope="col">"B − A"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// B − A with its sign; a difference too small to show is 0.
fn difference(d: f64, unit: &str) -> String {
    let shown = show(d.abs(), unit);
    if shown == show(0.0, unit) {
        "0".into()
    } else {
        format!("{}{shown}", if d > 0.0 { "+" } else { "−" })
    }
}

fn show(v: f64, unit: &str) -> String {
    match unit {
        "$" => format!("${v:.4}"),
        "" if v.fract() == 0.0 => format!("{v:.0}"),
        "" => format!("{v:.2}"),
        unit => format!("{v:.1} {unit}"),
    }
}

#[cfg(test)]
mod tests {
    use super::FIGURES;

    /// Every key figure names a figure a run has, before it starts and
    /// after it has run.
    #[test]
    fn every_key_figure_is_a_figure_of_the_run() {
        let mut sim =
            sahara_sim::Simulation::new(sahara_sim::presets::get("baseline").unwrap()).unwrap();
        for at in [0.0, 10.0] {
            sim.advance_to(sahara_sim::SimTime::from_secs_f64(at));
            for (name, figure, _) in FIGURES {
                assert!(sim.figure(figure).is_some(), "{name}: {figure} at {at} s");
            }
        }
    }
}
