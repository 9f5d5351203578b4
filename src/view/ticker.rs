//! The core's event log, newest first, in plain words.

use crate::live::Live;
use leptos::prelude::*;

#[component]
pub fn Ticker(live: Live) -> impl IntoView {
    view! {
        <section class="ticker" aria-label="Events">
            <h2>"Events"</h2>
            <ol aria-live="polite" aria-relevant="additions">
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
