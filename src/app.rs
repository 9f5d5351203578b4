//! The page: time bar, topology diagram with its inspector, controls,
//! counters, charts and the event ticker.

use crate::live::Live;
use crate::render_loop;
use crate::url_state;
use crate::view::{
    benchmark::Benchmark, charts::Charts, controls::Controls, counters::Counters, diagram::Diagram,
    diagram::Selected, inspector::Inspector, ticker::Ticker, timebar::TimeBar,
};
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    let query = url_state::current_query();
    let mut request = url_state::parse(&query);
    // A first visit (no link) starts playing: Sahara comes alive at once.
    // A link plays only if it says `autoplay`, so a lecturer decides.
    request.autoplay |= query.is_empty();
    match Live::open(&request) {
        Ok((live, problems)) => page(live, request, problems).into_any(),
        Err(message) => {
            view! { <main class="page"><p class="error" role="alert">{message}</p></main> }
                .into_any()
        }
    }
}

fn page(live: Live, request: url_state::Request, problems: Vec<String>) -> impl IntoView {
    render_loop::start(live);
    if !problems.is_empty() {
        let text = format!(
            "Some of the link's settings could not be used: {}",
            problems.join("; ")
        );
        leptos::logging::warn!("{text}");
        live.error.set(Some(text));
    }
    if let Some(speed) = request.speed {
        live.speed.set(speed);
    }
    live.playing.set(request.autoplay);
    let selected = RwSignal::new(None::<Selected>);
    let dark = RwSignal::new(request.dark.unwrap_or_else(prefers_dark));
    let large = RwSignal::new(request.large);
    // Keep the URL in step with the view, so it can be shared and reloaded.
    Effect::new(move |_| {
        let preset = live.preset().get();
        url_state::replace_query(&url_state::query(&url_state::Current {
            preset: &preset,
            changes: live.changes(),
            speed: live.speed.get(),
            dark: dark.get(),
            large: large.get(),
            embed: request.embed,
            controls: &request.controls,
            playing: live.playing.get(),
        }));
    });
    let drawer = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-theme", if dark.get() { "dark" } else { "light" });
            let _ = root.set_attribute("data-large", &large.get().to_string());
        }
    });
    view! {
        <div class="app">
            <header class="masthead">
                <h1>"Sahara Sim"</h1>
                <p class="tagline">
                    "Sahara, the online store from " <em>"Distributed Systems I"</em>
                    ", running live: break it with the controls and watch what happens."
                </p>
                <div class="view-options">
                    <button type="button" aria-pressed=move || dark.get().to_string() on:click=move |_| dark.update(|d| *d = !*d)>"Dark theme"</button>
                    <button type="button" aria-pressed=move || large.get().to_string() on:click=move |_| large.update(|l| *l = !*l)>"Large type"</button>
                    <button type="button" class="drawer-toggle" aria-expanded=move || drawer.get().to_string() aria-controls="controls"
                        on:click=move |_| drawer.update(|d| *d = !*d)>"Controls"</button>
                </div>
            </header>
            <TimeBar live />
            {move || live.error.get().map(|e| view! {
                <p class="error banner" role="alert">{e}
                    <button type="button" on:click=move |_| live.error.set(None)>"Dismiss"</button>
                </p>
            })}
            <main class="stage">
                <section class="topology" aria-label="Topology">
                    <Diagram live selected />
                    <Counters live />
                    <Legend />
                </section>
                <aside id="controls" class="side" class:open=move || drawer.get() aria-label="Controls">
                    <Inspector live selected />
                    <Controls live />
                </aside>
            </main>
            <Charts live />
            <Ticker live />
            <Benchmark />
        </div>
    }
}

/// What the shapes on the diagram mean.
#[component]
fn Legend() -> impl IntoView {
    view! {
        <ul class="legend-shapes" aria-label="Legend">
            <li><span class="shape request"></span>"request"</li>
            <li><span class="shape response"></span>"response"</li>
            <li><span class="shape retry"></span>"retry"</li>
            <li><span class="shape failure"></span>"error response"</li>
            <li><span class="shape duplicate"></span>"duplicate"</li>
            <li><span class="shape lost"></span>"lost"</li>
        </ul>
    }
}

/// Starts in the theme the visitor's system prefers.
fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}
