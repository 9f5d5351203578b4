//! Rewind: a track of the run's simulated seconds under the diagram, from 0
//! to the furthest reached. Dragging it shows any earlier second (the
//! diagram, counters and charts as they were then) and pauses; play goes on
//! from there to the same future. `,` and `.` move one second.

use super::timebar::minutes;
use crate::live::Live;
use leptos::prelude::*;
use sahara_sim::scenario::parse_number;

#[component]
pub fn Rewind(live: Live) -> impl IntoView {
    let now = Memo::new(move |_| live.snapshot.with(|s| s.time.as_secs_f64()));
    let words = move || {
        format!(
            "{} of {} reached",
            minutes(now.get()),
            minutes(live.frontier_s.get())
        )
    };
    view! {
        <div class="rewind">
            <label for="rewind">"Rewind"</label>
            <input id="rewind" type="range" min="0" step="1"
                max=move || live.frontier_s.get().floor()
                prop:value=move || now.get().floor()
                aria-valuetext=words
                title="Drag back to any earlier second; play goes on from there (keys , and .)"
                on:input=move |ev| {
                    if let Some(t) = parse_number(&event_target_value(&ev)) {
                        live.play(false);
                        live.seek(t);
                    }
                } />
            <span class="rewind-time">{words}</span>
        </div>
    }
}
