//! The core's event log, newest first, in plain words.

use crate::live::Live;
use leptos::prelude::*;

#[component]
pub fn Ticker(live: Live) -> impl IntoView {
    view! {
        <section class="ticker" aria-label="Events">
            <h2>"Events"</h2>
            // Focusable, so a keyboard can scroll it once it overflows.
            <ol aria-live="polite" aria-relevant="additions" tabindex="0" aria-label="Event log">
                {move || live.ticker.with(|lines| lines.iter().take(30).map(|e| view! {
                    <li class=format!("event {}", e.kind)>
                        <time>{format!("{:.1} s", e.time.as_secs_f64())}</time>
                        " " {e.text.clone()}
                    </li>
                }).collect_view())}
            </ol>
        </section>
    }
}
