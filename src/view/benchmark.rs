//! "How fast is this browser?": runs the core's standard benchmark (the
//! `bench` preset: 3 services × 10 instances, 2000 requests/s) right here,
//! so a lecturer knows what speed the laptop can show live, and so the
//! wasm build can be compared with the native `cargo bench -p sahara-sim`.

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use sahara_sim::{presets, SimTime, Simulation};

/// Simulated seconds per measured run, and runs per measurement (median).
const SIMULATED_S: f64 = 300.0;
const RUNS: usize = 3;

/// A measurement: median events per wall second and simulated seconds per
/// wall second.
#[derive(Clone, Copy, PartialEq, Debug)]
struct Speed {
    events_per_s: f64,
    sim_s_per_s: f64,
}

fn measure() -> Result<Speed, String> {
    let performance = web_sys::window()
        .and_then(|w| w.performance())
        .ok_or("this browser has no performance clock")?;
    let scenario = presets::get("bench").ok_or("the bench preset is missing")?;
    let mut runs = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let mut sim =
            Simulation::new(scenario.clone()).map_err(|_| "the bench preset is not valid")?;
        let t0 = performance.now();
        sim.advance_to(SimTime::from_secs_f64(SIMULATED_S));
        let wall_s = ((performance.now() - t0) / 1000.0).max(1e-6);
        runs.push(Speed {
            events_per_s: sim.metrics().totals().events as f64 / wall_s,
            sim_s_per_s: SIMULATED_S / wall_s,
        });
    }
    runs.sort_by(|a, b| a.events_per_s.total_cmp(&b.events_per_s));
    Ok(runs[runs.len() / 2])
}

#[component]
pub fn Benchmark() -> impl IntoView {
    let result = RwSignal::new(None::<Result<Speed, String>>);
    let busy = RwSignal::new(false);
    view! {
        <details class="about">
            <summary>"About this simulator and this browser's speed"</summary>
            <p>
                "Everything on this page is computed by a discrete-event simulation compiled to WebAssembly, "
                "running in your browser. The same scenario and seed always give the same run: the run fingerprint "
                "equals the one the command-line simulator prints."
            </p>
            <button type="button" disabled=move || busy.get() on:click=move |_| {
                busy.set(true);
                // Let the page show "Measuring…" before the run holds the thread for a second.
                Timeout::new(50, move || {
                    result.set(Some(measure()));
                    busy.set(false);
                })
                .forget();
            }>
                {move || if busy.get() { "Measuring…" } else { "Measure this browser" }}
            </button>
            <output data-benchmark>
                {move || result.get().map(|r| match r {
                    Ok(s) => format!(
                        "Standard benchmark (3 services × 10 instances, 2000 req/s, {SIMULATED_S:.0} simulated s, median of {RUNS}): \
                         {:.2} M events/s, {:.0}× real time.",
                        s.events_per_s / 1e6, s.sim_s_per_s
                    ),
                    Err(e) => format!("Could not measure: {e}"),
                })}
            </output>
        </details>
    }
}
