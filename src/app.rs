//! The page: title, what Sahara Sim is, and the run controls.

use leptos::prelude::*;

/// The whole page. The simulation core is driven from here once the live view exists.
#[component]
pub fn App() -> impl IntoView {
    let (playing, set_playing) = signal(false);
    let label = move || if playing.get() { "Pause" } else { "Play" };

    view! {
        <main class="page">
            <header class="masthead">
                <h1>"Sahara Sim"</h1>
                <p class="tagline">
                    "An explorable simulator of Sahara, the online store from the lecture "
                    <em>"Distributed Systems I"</em>
                    ": clients, network, load balancers, auto-scaling groups of stateless services and a shared database."
                </p>
            </header>
            <section class="controls" aria-label="Run controls">
                <button
                    class="play"
                    type="button"
                    aria-pressed=move || playing.get().to_string()
                    on:click=move |_| set_playing.update(|p| *p = !*p)
                >
                    {label}
                </button>
                <span class="status" role="status">
                    {move || if playing.get() { "Running" } else { "Paused" }}
                </span>
            </section>
        </main>
    }
}
