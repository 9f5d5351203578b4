//! Time controls: scenario, play/pause, step, speed, reset and the seed.

use super::slider::Slider;
use crate::live::Live;
use crate::range::{fmt, Range};
use leptos::prelude::*;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Simulated seconds one press of "step" runs.
const STEP_S: f64 = 1.0;

#[component]
pub fn TimeBar(live: Live) -> impl IntoView {
    let seed_error = RwSignal::new(None::<String>);
    let set_seed = move |text: String| match text.trim().parse::<u64>() {
        Ok(seed) if seed <= i64::MAX as u64 => {
            seed_error.set(None);
            live.reseed(seed);
        }
        _ => seed_error.set(Some(format!(
            "“{}” is not a seed: use a whole number from 0 to {}",
            text.trim(),
            i64::MAX
        ))),
    };
    view! {
        <div class="timebar" role="toolbar" aria-label="Time">
            <label class="field">
                "Scenario "
                <select
                    aria-label="Scenario"
                    title=move || live.scenario.with(|s| s.description.clone())
                    prop:value=move || live.preset().get()
                    on:change=move |ev| { live.start(Some(&event_target_value(&ev)), &[], None); }
                >
                    {sahara_sim::presets::names().into_iter().map(|n| view! { <option value=n>{n}</option> }).collect_view()}
                </select>
            </label>
            <button type="button" class="play" aria-pressed=move || live.playing().get().to_string()
                on:click=move |_| live.toggle_play()>
                {move || if live.playing().get() { "Pause" } else { "Play" }}
            </button>
            <button type="button" on:click=move |_| live.step(STEP_S) title="Run one simulated second">"Step 1 s"</button>
            <button type="button" on:click=move |_| live.reset() title="Start again from time 0 with the current settings">"Reset"</button>
            <Slider id="speed" label="Speed" unit="×" range=Range::log(0.1, 100.0, 0.1)
                value=live.speed() on_change=Callback::new(move |v| live.set_speed(v))
                help="Simulated seconds per real second." />
            <span class="clock" role="timer" aria-live="off">
                {move || live.snapshot.with(|s| clock(s.time.as_secs_f64()))}
                {move || live.lagging.get().then_some(" (running as fast as it can)")}
            </span>
            <label class="field seed">
                "Seed "
                <input type="text" inputmode="numeric" aria-label="Seed" size="8"
                    aria-invalid=move || seed_error.with(|e| e.is_some()).to_string()
                    prop:value=move || live.scenario.with(|s| s.seed.to_string())
                    on:change=move |ev| set_seed(event_target_value(&ev)) />
            </label>
            <button type="button" title="Start again with another seed"
                on:click=move |_| set_seed(fmt(new_seed(live.scenario.with_untracked(|s| s.seed)) as f64))>"New seed"</button>
            <span class="error" role="alert">{move || seed_error.get()}</span>
            {move || compression(live)}
        </div>
    }
}

/// The scenario's timings set below the real ones, said next to the
/// scenario so a preset that compresses time for a lecture is not taken for
/// AWS's pace; nothing when there are none.
fn compression(live: Live) -> Option<impl IntoView> {
    let lines = live.scenario.with(|s| s.time_compression());
    (!lines.is_empty()).then(|| {
        view! { <p class="compression" role="note">"Time compressed — " {lines.join("; ")}</p> }
    })
}

/// A different seed, from the browser's randomness (never the simulation's).
fn new_seed(old: u64) -> u64 {
    let mut seed = old;
    while seed == old {
        seed = SmallRng::from_os_rng().random_range(0..1_000_000);
    }
    seed
}

/// A simulated time as the clock shows it: `t = 1:05.0`.
fn clock(t: f64) -> String {
    format!("t = {}", minutes(t))
}

/// A simulated time in minutes and seconds: `1:05.0`.
pub fn minutes(t: f64) -> String {
    let m = (t / 60.0).floor();
    format!("{m:.0}:{:04.1}", t - m * 60.0)
}
