//! The page: the full view (time bar, tour, topology diagram with its
//! inspector, controls, counters, charts, event ticker) or, with `&embed`,
//! the diagram first with only the controls the link names, for slides.

use crate::effect::effect;
use crate::focus::{ChartName, Focus};
use crate::keyboard;
use crate::live::Live;
use crate::remote;
use crate::render_loop;
use crate::security::Security;
use crate::selection::Selected;
use crate::settings;
use crate::tour::Tour;
use crate::url_state;
use crate::view::{
    after_first_paint,
    benchmark::Benchmark,
    charts::{live_chart, Charts, FocusCharts},
    compare::{differences, CompareBar, CompareFigures},
    controls::{Controls, SettingControl},
    counters::Counters,
    diagram::Diagram,
    dialogs::{ShareDialog, ShortcutsDialog},
    inspector::Inspector,
    rewind::Rewind,
    ticker::Ticker,
    timebar::TimeBar,
    tour::TourPanel,
    trace::TracePanel,
};
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    let query = url_state::current_query();
    let mut request = url_state::parse(&query);
    // A first visit (no link) starts playing: Sahara comes alive at once.
    // A link plays only if it says `autoplay`, so a lecturer decides.
    request.autoplay |= query.is_empty();
    match Live::new() {
        Ok(live) => page(live, request).into_any(),
        Err(message) => {
            view! { <main class="page"><p class="error" role="alert">{message}</p></main> }
                .into_any()
        }
    }
}

/// The signals of the page around the simulation.
#[derive(Clone, Copy)]
struct Ui {
    dark: RwSignal<bool>,
    large: RwSignal<bool>,
    help: RwSignal<bool>,
    share: RwSignal<bool>,
    tour: Tour,
    security: Security,
    /// Embed mode, and the settings it shows (`&controls=`).
    embed: bool,
    controls: StoredValue<Vec<String>>,
    focus: Focus,
    /// The charts beside the diagram: chosen, else the tour step's, else
    /// the preset's.
    shown: Memo<Vec<ChartName>>,
}

fn page(live: Live, request: url_state::Request) -> impl IntoView {
    render_loop::start(live);
    let mut problems = request.problems.clone();
    problems.extend(live.start(request.preset.as_deref(), &request.changes, None));
    if let Some(speed) = request.speed {
        live.set_speed(speed);
    }
    live.play(request.autoplay);
    let tour = Tour::new(request.step);
    let focus = Focus::new(request.charts.clone());
    let shown = Memo::new(move |_| {
        let chosen = focus.chosen().get();
        if !chosen.is_empty() {
            return chosen;
        }
        tour.charts()
            .unwrap_or_else(|| ChartName::for_preset(&live.preset().get()))
            .to_vec()
    });
    // A new preset or tour step brings its own charts.
    Effect::watch(
        move || (live.preset().get(), tour.step.get()),
        move |_, _, _| focus.forget(),
        false,
    );
    let ui = Ui {
        dark: RwSignal::new(request.dark.unwrap_or_else(prefers_dark)),
        large: RwSignal::new(request.large),
        help: RwSignal::new(false),
        share: RwSignal::new(false),
        tour,
        security: Security::new(),
        embed: request.embed,
        controls: StoredValue::new(request.controls),
        focus,
        shown,
    };
    keyboard::install(keyboard::Actions {
        play_pause: Callback::new(move |()| live.toggle_play()),
        reset: Callback::new(move |()| live.reset()),
        step: Callback::new(move |by| ui.tour.advance(live, by)),
        second: Callback::new(move |by| live.shift(by)),
        help: Callback::new(move |()| ui.help.update(|h| *h = !*h)),
        close: Callback::new(move |()| {
            ui.help.set(false);
            ui.share.set(false);
        }),
    });
    remote::install(live, ui.tour);
    ui.tour.reveal_when_done(live);
    // A link to a tour step that names no scenario opens the step's own.
    if let (Some(step), None) = (request.step, &request.preset) {
        ui.tour.go(live, step);
        live.play(request.autoplay);
    }
    if !request.compare.is_empty() {
        problems.extend(live.compare(&request.compare));
    }
    // Said once, after every part of the link was tried: a run started on
    // the way (a tour step's) clears the banner.
    if !problems.is_empty() {
        let text = format!(
            "Some of the link's settings could not be used: {}",
            problems.join("; ")
        );
        leptos::logging::warn!("{text}");
        live.report(Some(text));
    }
    if let Some(t) = request.t {
        live.step(t);
    }
    keep_url_in_step(live, ui);
    effect(move || {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-theme", if ui.dark.get() { "dark" } else { "light" });
            let _ = root.set_attribute("data-large", &ui.large.get().to_string());
        }
    });
    let body = if ui.embed {
        embedded(live, ui).into_any()
    } else {
        full(live, ui).into_any()
    };
    view! {
        {body}
        <ShortcutsDialog open=ui.help />
        <ShareDialog
            open=ui.share
            link=Signal::derive(move || format!("{}{}", url_state::page_address(), view_query(live, ui, ui.embed)))
            embed_link=Signal::derive(move || format!("{}{}", url_state::page_address(), view_query(live, ui, true)))
        />
    }
}

/// Rewrites the URL whenever the view changes, so it can be shared and
/// reloaded exactly.
fn keep_url_in_step(live: Live, ui: Ui) {
    effect(move || url_state::replace_query(&view_query(live, ui, ui.embed)));
}

/// The query string of the view as it is now, as the full page or embedded:
/// the one source of the URL, the share links and the embed's link to the
/// full page.
fn view_query(live: Live, ui: Ui, embed: bool) -> String {
    let preset = live.preset().get();
    let controls = if embed {
        ui.controls.get_value()
    } else {
        Vec::new()
    };
    url_state::query(&url_state::Current {
        preset: &preset,
        changes: live.changes(),
        speed: live.speed().get(),
        dark: ui.dark.get(),
        large: ui.large.get(),
        embed,
        controls: &controls,
        charts: &ui.focus.chosen().get(),
        playing: live.playing().get(),
        step: ui.tour.step.get(),
        // A paused view's moment: a link then opens where the lecturer stopped.
        t: (!live.playing().get())
            .then(|| live.snapshot.with(|s| s.time.as_secs_f64()))
            .filter(|t| *t > 0.0),
        compare: live.compare_changes(),
    })
}

fn full(live: Live, ui: Ui) -> impl IntoView {
    let painted = after_first_paint();
    let selected = RwSignal::new(None::<Selected>);
    let edit_b = RwSignal::new(false);
    // On a small screen the side panel is a drawer; a tour step opens it,
    // since the step's question is there.
    let drawer = RwSignal::new(false);
    effect(move || {
        if ui.tour.step.get().is_some() {
            drawer.set(true);
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
                    <button type="button" aria-pressed=move || ui.dark.get().to_string() on:click=move |_| ui.dark.update(|d| *d = !*d)>"Dark theme"</button>
                    <button type="button" aria-pressed=move || ui.large.get().to_string() on:click=move |_| ui.large.update(|l| *l = !*l)>"Large type"</button>
                    <button type="button" on:click=move |_| ui.share.set(true)>"Share / Embed"</button>
                    <button type="button" aria-label="Keyboard shortcuts" on:click=move |_| ui.help.set(true)>"?"</button>
                    <button type="button" class="drawer-toggle" aria-expanded=move || drawer.get().to_string() aria-controls="controls"
                        on:click=move |_| drawer.update(|d| *d = !*d)>"Controls"</button>
                </div>
            </header>
            <section class="run" aria-label="Run">
                <TimeBar live />
            </section>
            <ErrorBanner live />
            <main class="stage">
                <section class="topology" aria-label="Topology">
                    <Diagrams live ui selected />
                    <div class="run-tools">
                        <Rewind live />
                        <CompareBar live edit_b />
                    </div>
                    <FocusCharts live shown=ui.shown focus=ui.focus />
                    {move || live.compared().map(|b| view! { <CompareFigures live b /> })}
                    <Counters live />
                    <TracePanel live />
                    <Legend />
                </section>
                <aside id="controls" class="side" class:open=move || drawer.get() aria-label="Controls">
                    <TourPanel live tour=ui.tour />
                    <Inspector live selected security=ui.security />
                    {move || painted.get().then(|| {
                        let target = live.compared().filter(|_| edit_b.get()).unwrap_or(live);
                        view! { <Controls live=target /> }
                    })}
                </aside>
            </main>
            {move || painted.get().then(|| view! {
                <Charts live shown=ui.shown />
                <Ticker live />
                <Benchmark />
            })}
        </div>
    }
}

/// Embed mode: no page chrome, the diagram first, the controls the link
/// names (`&controls=jitter,backoff`) and the totals; fits any iframe.
fn embedded(live: Live, ui: Ui) -> impl IntoView {
    let controls = ui.controls.get_value();
    let selected = RwSignal::new(None::<Selected>);
    let first_service = Signal::derive(move || {
        live.scenario.with(|s| {
            s.services
                .first()
                .map(|x| x.name.clone())
                .unwrap_or_default()
        })
    });
    let unknown: Vec<String> = controls
        .iter()
        .filter(|id| settings::find(id).is_none())
        .cloned()
        .collect();
    if !unknown.is_empty() {
        live.report(Some(format!(
            "No such control: {} (see the README's list)",
            unknown.join(", ")
        )));
    }
    let full_view = move || view_query(live, ui, false);
    view! {
        <main class="app embed">
            <h1 class="sr-only">"Sahara Sim"</h1>
            <div class="embed-bar" role="toolbar" aria-label="Time">
                <button type="button" class="play" aria-pressed=move || live.playing().get().to_string()
                    on:click=move |_| live.toggle_play()>
                    {move || if live.playing().get() { "Pause" } else { "Play" }}
                </button>
                <button type="button" on:click=move |_| live.reset()>"Reset"</button>
                <span class="clock" role="timer">{move || live.snapshot.with(|s| format!("t = {:.1} s", s.time.as_secs_f64()))}</span>
                <span class="embed-title">
                    {move || ui.tour.current().map(|s| s.title.as_ref())}
                </span>
                <a class="open-full" href=full_view target="_blank" rel="noopener">"Open in Sahara Sim ↗"</a>
            </div>
            <ErrorBanner live />
            <Diagrams live ui selected />
            {(!ui.focus.chosen().get_untracked().is_empty()).then(|| view! {
                <div class="focus-pair">
                    {move || ui.focus.chosen().get().into_iter().map(|name| live_chart(live, name)).collect_view()}
                </div>
            })}
            <div class="embed-controls">
                {controls.into_iter().filter_map(|id| settings::find(&id)).map(|setting| view! {
                    <SettingControl live setting service=first_service />
                }).collect_view()}
            </div>
            <Counters live />
        </main>
    }
}

/// The diagram, or in compare mode A's and B's side by side.
#[component]
fn Diagrams(live: Live, ui: Ui, selected: RwSignal<Option<Selected>>) -> impl IntoView {
    // B's diagram has its own selection, which no inspector shows.
    let selected_b = RwSignal::new(None::<Selected>);
    let highlight = Signal::derive(move || ui.tour.highlight());
    let security = ui.security;
    move || match live.compared() {
        None => view! { <Diagram live selected highlight security /> }.into_any(),
        Some(b) => view! {
            <div class="compare-diagrams">
                <div>
                    <p class="run-label">"A"</p>
                    <Diagram live selected highlight security />
                </div>
                <div>
                    <p class="run-label">"B: " {move || differences(live)}</p>
                    <Diagram live=b selected=selected_b highlight security />
                </div>
            </div>
        }
        .into_any(),
    }
}

/// The last refused change or unusable link setting, dismissible.
#[component]
fn ErrorBanner(live: Live) -> impl IntoView {
    move || {
        live.error().get().map(|e| {
            view! {
                <p class="error banner" role="alert">{e}
                    <button type="button" on:click=move |_| live.report(None)>"Dismiss"</button>
                </p>
            }
        })
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
            <li><span class="shape wasted"></span>"work for a client that gave up"</li>
        </ul>
    }
}

/// Starts in the theme the visitor's system prefers.
fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}
