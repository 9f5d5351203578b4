//! The topology diagram: clients → internet → a load balancer per service →
//! each service's auto-scaling group of instance tiles (`group`) → the
//! shared database. SVG for the nodes (clickable, labelled); requests in
//! flight are drawn on a canvas above it by `flow`.
//!
//! Every node reads the snapshot through a `Memo` of what it draws, so a
//! frame redraws only the nodes that changed.

use super::flow::{Flow, FlowNote};
use super::group::ServiceRow;
use super::layout::{self, Layout, Point};
use crate::live::Live;
use crate::security::Security;
use crate::selection::{click, keypress, Selected};
use leptos::prelude::*;
use sahara_sim::{CircuitState, ClientsView, DatabaseView};

#[component]
pub fn Diagram(
    live: Live,
    selected: RwSignal<Option<Selected>>,
    /// Parts a tour step points at, space-separated: "clients", "internet",
    /// "balancer", "group", "instances", "database" (styled in CSS).
    #[prop(into)]
    highlight: Signal<String>,
    /// A staged breach: the compromised node and what it reaches are marked.
    security: Security,
) -> impl IntoView {
    let rows = Memo::new(move |_| live.snapshot.with(|s| s.services.len()));
    let layout = Memo::new(move |_| live.snapshot.with(Layout::of));
    let names = Memo::new(move |_| {
        live.snapshot.with(|s| {
            s.services
                .iter()
                .map(|v| v.name.clone())
                .collect::<Vec<_>>()
        })
    });
    let clients = Memo::new(move |_| live.snapshot.with(|s| s.clients.clone()));
    let database = Memo::new(move |_| live.snapshot.with(|s| s.database.clone()));
    let latencies = Memo::new(move |_| {
        live.snapshot
            .with(|s| s.links.iter().map(|l| l.latency_ms).collect::<Vec<_>>())
    });
    let height = move || layout.with(Layout::height);
    let is = move |what: Selected| move || selected.get() == Some(what);
    let breached = move |what: Selected| move || security.compromised.get() == Some(what);

    view! {
        <div class="diagram" role="group" aria-label="Sahara's deployment" data-highlight=highlight
            on:click=move |ev| super::flow::pick(&ev, live)>
            // The canvas of requests in flight lies exactly over the SVG:
            // both fill this box, so they map the diagram alike.
            <div class="canvas-box">
            <svg
                viewBox=move || format!("0 0 {} {}", layout::WIDTH, height())
                preserveAspectRatio="xMidYMid meet"
                aria-hidden="false"
            >
                // Edges first, so nodes sit on top of them.
                <g class="edges">
                    <For each=move || 0..rows.get() key=|s| *s children=move |s| {
                        let breaker = move || {
                            let state = clients.with(|c| c.circuit_breakers.get(s).copied())?;
                            let name = names.with(|n| n.get(s).cloned())?;
                            (state != CircuitState::Disabled).then_some((name, state))
                        };
                        move || layout.with(|l| {
                            let (c, lb, db) = (l.clients(), l.balancer(s), l.database());
                            let (gx, gy, gw, gh) = l.group_box(s);
                            // The breaker sits on the edge, a little before the load balancer.
                            let (bx, by) = (c.x + 40.0 + (lb.x - 28.0 - c.x - 40.0) * 0.7, c.y + (lb.y - c.y) * 0.7);
                            view! {
                                <line class="edge internet" data-breaker=move || breaker().map(|(_, st)| st.as_str()) x1=c.x + 40.0 y1=c.y x2=lb.x - 28.0 y2=lb.y />
                                {move || breaker().map(|(name, st)| view! {
                                    <text class="breaker-label" data-state=st.as_str() x=bx y=by - 6.0 text-anchor="middle"
                                        role="img" aria-label=format!("Circuit breaker for {name}: {}", breaker_words(st))>
                                        {breaker_mark(st)}
                                    </text>
                                })}
                                <line class="edge" x1=lb.x + 28.0 y1=lb.y x2=gx y2=gy + gh / 2.0 />
                                <line class="edge db" x1=gx + gw y1=gy + gh / 2.0 x2=db.x - 50.0 y2=db.y />
                            }
                        })
                    } />
                    <text class="edge-label" x=(layout::CLIENTS_X + layout::LB_X) / 2.0 y=14.0 text-anchor="middle">
                        {move || latencies.with(|l| l.first().map(|l| format!("internet · {} round trip", ms(*l))).unwrap_or_default())}
                    </text>
                    <text class="edge-label" x=(layout::GROUP_X + layout::GROUP_W + layout::DB_X) / 2.0 - 20.0 y=14.0 text-anchor="middle">
                        {move || latencies.with(|l| l.get(2).map(|l| format!("{} round trip", ms(*l))).unwrap_or_default())}
                    </text>
                </g>

                <g
                    class="node clients"
                    class:selected=is(Selected::Clients)
                    class:compromised=breached(Selected::Clients)
                    tabindex="0"
                    role="button"
                    aria-label=move || clients.with(|c| format!("Clients: {}, that is {}", clients_short(c), clients_load(c)))
                    on:click=click(selected, Selected::Clients)
                    on:keydown=keypress(selected, Selected::Clients)
                >
                    <title>"Sahara's customers: their browsers send requests over the internet."</title>
                    {move || {
                        let c = layout.with(Layout::clients);
                        // A node's name holds its drawn words in order, and
                        // a space between them keeps them words to a reader
                        // (WCAG 2.5.3, label in name).
                        view! {
                            <rect x=c.x - 40.0 y=c.y - 34.0 width="80" height="68" rx="10" />
                            <text x=c.x y=c.y - 8.0 text-anchor="middle" class="label">"Clients"</text>
                            " "
                            <text x=c.x y=c.y + 14.0 text-anchor="middle" class="figure">
                                {move || clients.with(clients_short)}
                            </text>
                        }
                    }}
                </g>

                <For each=move || 0..rows.get() key=|s| *s children=move |s| view! { <ServiceRow live s layout selected security /> } />

                <g
                    class="node database"
                    class:crashed=move || database.with(|d| d.down)
                    class:selected=is(Selected::Database)
                    class:compromised=breached(Selected::Database)
                    class:exposed=move || security.compromised.get().is_some() && live.snapshot.with(|s| security.exposed(s, Selected::Database))
                    tabindex="0"
                    role="button"
                    aria-label=move || database.with(|d| format!("Database: {:.0}% busy, {}/{} conns, queue {}{}{}", d.utilisation * 100.0, d.busy, d.connections, d.queue, replicas_words(d), if d.down { " (down: every call to it fails)" } else { "" }))
                    on:click=click(selected, Selected::Database)
                    on:keydown=keypress(selected, Selected::Database)
                >
                    <title>"The shared database every service calls: scale the stateless tiers and it becomes the bottleneck."</title>
                    {move || database_shape(layout.with(Layout::database), database)}
                </g>
            </svg>
            <Flow live=live />
            </div>
            <FlowNote live=live />
        </div>
    }
}

/// The database drawn at `d`: the primary filled to its utilisation, its
/// read replicas as cards behind it, and its figures, each changed only
/// when it does.
fn database_shape(d: Point, db: Memo<DatabaseView>) -> impl IntoView {
    let h = 110.0;
    let util = move || db.with(|db| db.utilisation.clamp(0.0, 1.0));
    let replicas = Memo::new(move |_| db.with(|db| db.replicas.len().min(4)));
    let words = move |f: fn(&DatabaseView) -> String| move || db.with(f);
    view! {
        // Read replicas as cards behind the primary.
        {move || (1..=replicas.get()).rev().map(|i| {
            let o = 5.0 * i as f64;
            view! { <rect class="body replica" x=d.x - 50.0 + o y=d.y - h / 2.0 + o width="100" height=h rx="14" /> }
        }).collect_view()}
        <rect class="body" x=d.x - 50.0 y=d.y - h / 2.0 width="100" height=h rx="14" />
        <rect class="fill" x=d.x - 50.0 y=move || d.y + h / 2.0 - h * util() width="100" height=move || h * util() rx="14" />
        <text x=d.x y=d.y - 24.0 text-anchor="middle" class="label">"Database"</text>
        " "
        <text x=d.x y=d.y text-anchor="middle" class="figure">{move || format!("{:.0}% busy", util() * 100.0)}</text>
        " "
        <text x=d.x y=d.y + 20.0 text-anchor="middle" class="small">{words(|db| format!("{}/{} conns", db.busy, db.connections))}</text>
        " "
        <text x=d.x y=d.y + 38.0 text-anchor="middle" class="small">{words(|db| format!("queue {}", db.queue))}</text>
        " "
        <text x=d.x y=d.y + h / 2.0 + 40.0 text-anchor="middle" class="small">{words(replicas_words)}</text>
    }
}

/// The breaker's state on the edge (the edge itself is drawn broken while
/// it is open).
fn breaker_mark(state: CircuitState) -> &'static str {
    match state {
        CircuitState::Open => "breaker open",
        CircuitState::HalfOpen => "breaker half-open",
        _ => "breaker closed",
    }
}

fn breaker_words(state: CircuitState) -> &'static str {
    match state {
        CircuitState::Open => "open, calls fail fast without being sent",
        CircuitState::HalfOpen => "half-open, a few trial calls go through",
        _ => "closed, calls go through",
    }
}

/// What the clients send, in words: an open-loop rate, a population of
/// users, or both.
pub fn clients_load(c: &ClientsView) -> String {
    match (c.rate_rps, c.users) {
        (r, 0) => format!("{r:.0} requests per second"),
        (0.0, u) => format!("{u} users"),
        (r, u) => format!("{r:.0} requests per second and {u} users"),
    }
}

fn clients_short(c: &ClientsView) -> String {
    match (c.rate_rps, c.users) {
        (r, 0) => format!("{r:.0} req/s"),
        (0.0, u) => format!("{u} users"),
        (r, u) => format!("{r:.0}/s + {u} users"),
    }
}

fn ms(v: f64) -> String {
    if v >= 10.0 {
        format!("{v:.0} ms")
    } else {
        format!("{v:.2} ms")
    }
}

/// The read replicas beside the primary, in words: how many and how busy
/// together ("" without any).
fn replicas_words(db: &sahara_sim::DatabaseView) -> String {
    let n = db.replicas.len();
    if n == 0 {
        return String::new();
    }
    let util = db.replicas.iter().map(|r| r.utilisation).sum::<f64>() / n as f64;
    format!(
        " + {n} read replica{}, {:.0}% busy",
        if n == 1 { "" } else { "s" },
        util * 100.0
    )
}
