//! The topology diagram: clients → internet → a load balancer per service →
//! each service's auto-scaling group of instance tiles → the shared database.
//! SVG for the nodes (clickable, labelled); requests in flight are drawn on a
//! canvas above it by `flow`.

use super::flow::{Flow, FlowNote};
use super::layout::{self, Point};
use crate::live::Live;
use crate::security::Security;
use crate::settings::balancer_label;
use leptos::prelude::*;
use sahara_sim::scenario::{Balancer, OtherChange};
use sahara_sim::{
    CircuitState, Condition, InstanceId, InstanceView, Lifecycle, ServiceView, Snapshot,
};

/// What the person clicked on the diagram; the inspector shows it.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Selected {
    Clients,
    Balancer(usize),
    Instance(InstanceId),
    Database,
}

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
    let height = move || layout::height(rows.get());
    let is = move |what: Selected| move || selected.get() == Some(what);

    view! {
        <div class="diagram" role="group" aria-label="Sahara's deployment" data-highlight=highlight>
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
                    {move || (0..rows.get()).map(|s| {
                        let c = layout::clients(rows.get());
                        let lb = layout::balancer(s);
                        let (gx, gy, gw, gh) = layout::group_box(s);
                        let db = layout::database(rows.get());
                        let breaker = move || live.snapshot.with(|snap| breaker_state(snap, s));
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
                    }).collect_view()}
                    <text class="edge-label" x=(layout::CLIENTS_X + layout::LB_X) / 2.0 y=14.0 text-anchor="middle">
                        {move || live.snapshot.with(|s| s.links.first().map(|l| format!("internet · {} round trip", ms(l.latency_ms))).unwrap_or_default())}
                    </text>
                    <text class="edge-label" x=(layout::GROUP_X + layout::GROUP_W + layout::DB_X) / 2.0 - 20.0 y=14.0 text-anchor="middle">
                        {move || live.snapshot.with(|s| s.links.get(2).map(|l| format!("{} round trip", ms(l.latency_ms))).unwrap_or_default())}
                    </text>
                </g>

                <g
                    class="node clients"
                    class:selected=is(Selected::Clients)
                    class:compromised=move || security.compromised.get() == Some(Selected::Clients)
                    tabindex="0"
                    role="button"
                    aria-label=move || live.snapshot.with(|s| format!("Clients: {}, that is {}", clients_short(s), clients_load(s)))
                    on:click=click(selected, Selected::Clients)
                    on:keydown=keypress(selected, Selected::Clients)
                >
                    <title>"Sahara's customers: their browsers send requests over the internet."</title>
                    {move || {
                        let c = layout::clients(rows.get());
                        // A node's name holds its drawn words in order, and
                        // a space between them keeps them words to a reader
                        // (WCAG 2.5.3, label in name).
                        view! {
                            <rect x=c.x - 40.0 y=c.y - 34.0 width="80" height="68" rx="10" />
                            <text x=c.x y=c.y - 8.0 text-anchor="middle" class="label">"Clients"</text>
                            " "
                            <text x=c.x y=c.y + 14.0 text-anchor="middle" class="figure">
                                {move || live.snapshot.with(clients_short)}
                            </text>
                        }
                    }}
                </g>

                {move || live.snapshot.with(|snap| snap.services.iter().enumerate().map(|(s, svc)| {
                    service_row(snap, s, svc, selected, security)
                }).collect_view())}

                <g
                    class="node database"
                    class:crashed=move || live.snapshot.with(|s| s.database.down)
                    class:selected=is(Selected::Database)
                    class:compromised=move || security.compromised.get() == Some(Selected::Database)
                    class:exposed=move || live.snapshot.with(|s| security.exposed(s, Selected::Database))
                    tabindex="0"
                    role="button"
                    aria-label=move || live.snapshot.with(|s| format!("Database: {:.0}% busy, {}/{} conns, queue {}{}{}", s.database.utilisation * 100.0, s.database.busy, s.database.connections, s.database.queue, replicas_words(&s.database), if s.database.down { " (down: every call to it fails)" } else { "" }))
                    on:click=click(selected, Selected::Database)
                    on:keydown=keypress(selected, Selected::Database)
                >
                    <title>"The shared database every service calls: scale the stateless tiers and it becomes the bottleneck."</title>
                    {move || {
                        let d = layout::database(rows.get());
                        let (util, busy, conns, queue) = live.snapshot.with(|s| (s.database.utilisation, s.database.busy, s.database.connections, s.database.queue));
                        let replicas = live.snapshot.with(|s| replicas_words(&s.database));
                        let stacked = live.snapshot.with(|s| s.database.replicas.len().min(4));
                        let h = 110.0;
                        view! {
                            // Read replicas as cards behind the primary.
                            {(1..=stacked).rev().map(|i| {
                                let o = 5.0 * i as f64;
                                view! { <rect class="body replica" x=d.x - 50.0 + o y=d.y - h / 2.0 + o width="100" height=h rx="14" /> }
                            }).collect_view()}
                            <rect class="body" x=d.x - 50.0 y=d.y - h / 2.0 width="100" height=h rx="14" />
                            <rect class="fill" x=d.x - 50.0 y=d.y + h / 2.0 - h * util.clamp(0.0, 1.0) width="100" height=h * util.clamp(0.0, 1.0) rx="14" />
                            <text x=d.x y=d.y - 24.0 text-anchor="middle" class="label">"Database"</text>
                            " "
                            <text x=d.x y=d.y text-anchor="middle" class="figure">{format!("{:.0}% busy", util * 100.0)}</text>
                            " "
                            <text x=d.x y=d.y + 20.0 text-anchor="middle" class="small">{format!("{busy}/{conns} conns")}</text>
                            " "
                            <text x=d.x y=d.y + 38.0 text-anchor="middle" class="small">{format!("queue {queue}")}</text>
                            " "
                            <text x=d.x y=d.y + h / 2.0 + 40.0 text-anchor="middle" class="small">{replicas}</text>
                        }
                    }}
                </g>
            </svg>
            <Flow live=live />
            </div>
            <FlowNote live=live />
        </div>
    }
}

/// A service's circuit breaker, when the clients have one: its name and state.
fn breaker_state(s: &sahara_sim::Snapshot, service: usize) -> Option<(String, CircuitState)> {
    let state = *s.clients.circuit_breakers.get(service)?;
    let name = s.services.get(service)?.name.clone();
    (state != CircuitState::Disabled).then_some((name, state))
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
pub fn clients_load(s: &sahara_sim::Snapshot) -> String {
    match (s.clients.rate_rps, s.clients.users) {
        (r, 0) => format!("{r:.0} requests per second"),
        (0.0, u) => format!("{u} users"),
        (r, u) => format!("{r:.0} requests per second and {u} users"),
    }
}

fn clients_short(s: &sahara_sim::Snapshot) -> String {
    match (s.clients.rate_rps, s.clients.users) {
        (r, 0) => format!("{r:.0} req/s"),
        (0.0, u) => format!("{u} users"),
        (r, u) => format!("{r:.0}/s + {u} users"),
    }
}

/// Selects `what` on a click.
fn click(selected: RwSignal<Option<Selected>>, what: Selected) -> impl Fn(web_sys::MouseEvent) {
    move |_| selected.set(Some(what))
}

/// Selects `what` on Enter or Space, as a button does.
fn keypress(
    selected: RwSignal<Option<Selected>>,
    what: Selected,
) -> impl Fn(web_sys::KeyboardEvent) {
    move |ev| {
        if ev.key() == "Enter" || ev.key() == " " {
            ev.prevent_default();
            selected.set(Some(what));
        }
    }
}

fn service_row(
    snap: &Snapshot,
    s: usize,
    svc: &ServiceView,
    selected: RwSignal<Option<Selected>>,
    security: Security,
) -> impl IntoView {
    let breach = |node: Selected| {
        (
            security.compromised.get() == Some(node),
            security.exposed(snap, node),
        )
    };
    let (lb_compromised, lb_exposed) = breach(Selected::Balancer(s));
    let lb = layout::balancer(s);
    let (gx, gy, gw, gh) = layout::group_box(s);
    let n = svc.instances.len();
    let size = layout::tile_size(n);
    let lb_selected = selected.get_untracked() == Some(Selected::Balancer(s));
    let no_lb = svc.balancer == Balancer::None;
    // Zone letters only where the group spans more than one zone.
    let zoned = svc.instances.iter().any(|i| i.zone != 0);
    let tiles = svc
        .instances
        .iter()
        .enumerate()
        .map(|(k, inst)| {
            let p = layout::tile(s, k, n);
            let is_selected = selected.get_untracked() == Some(Selected::Instance(inst.id));
            instance_tile(
                inst,
                p,
                (size, zoned),
                is_selected,
                selected,
                breach(Selected::Instance(inst.id)),
            )
        })
        .collect_view();
    view! {
        <g class="service">
            <g
                class="node balancer"
                class:selected=lb_selected
                class:compromised=lb_compromised
                class:exposed=lb_exposed
                class:absent=no_lb
                tabindex="0"
                role="button"
                aria-label=format!("Load balancer of {}: {} {}", svc.name, if no_lb { "—" } else { "LB" }, balancer_label(svc.balancer))
                on:click=click(selected, Selected::Balancer(s))
                on:keydown=keypress(selected, Selected::Balancer(s))
            >
                <title>"A load balancer spreads the service's requests over the instances it considers healthy."</title>
                <polygon points=diamond(lb, 28.0) />
                <text x=lb.x y=lb.y + 4.0 text-anchor="middle" class="label">{if no_lb { "—" } else { "LB" }}</text>
                " "
                <text x=lb.x y=lb.y + 44.0 text-anchor="middle" class="small">{balancer_label(svc.balancer)}</text>
            </g>
            <g class="group">
                <title>"An auto-scaling group: a collection of identical, stateless instances of one service. Its desired capacity (between its minimum and maximum), the instances in service and the healthy ones."</title>
                <rect x=gx y=gy width=gw height=gh rx="10" />
                <text x=gx + 12.0 y=gy + 20.0 class="label">{svc.name.clone()}</text>
                <text x=gx + gw - 10.0 y=gy + 20.0 text-anchor="end" class="small">
                    {format!("desired {} ({}–{}) · in service {} · healthy {}", svc.desired, svc.min, svc.max, svc.in_service, svc.healthy)}
                </text>
                {tiles}
                {others_words(svc).map(|words| view! {
                    <text x=gx + 12.0 y=gy + gh - 8.0 class="small others">
                        <title>"Changed by someone else, with no warning to the clients (Fallacy 6: there is not only one administrator)."</title>
                        {words}
                    </text>
                })}
            </g>
        </g>
    }
}

fn instance_tile(
    inst: &InstanceView,
    p: Point,
    (size, zoned): (f64, bool),
    is_selected: bool,
    selected: RwSignal<Option<Selected>>,
    (compromised, exposed): (bool, bool),
) -> impl IntoView {
    let util = inst.utilisation.clamp(0.0, 1.0);
    // The part of the fill that works for clients that already gave up.
    let wasted = if inst.busy > 0 {
        util * inst.orphaned as f64 / inst.busy as f64
    } else {
        0.0
    };
    let (state_class, glyph) = tile_look(inst);
    let queue_frac = (inst.queue as f64 / 50.0).min(1.0);
    let zone = sahara_sim::zone_name(inst.zone);
    let label = format!(
        "Instance {} at {} in zone {zone}: {}, {} of {} workers busy ({} for clients that gave up), {} queued",
        inst.id,
        inst.address,
        state_words(inst),
        inst.busy,
        inst.workers,
        inst.orphaned,
        inst.queue
    );
    let what = Selected::Instance(inst.id);
    view! {
        <g
            class=format!("node instance {state_class}")
            class:selected=is_selected
            class:compromised=compromised
            class:exposed=exposed
            tabindex="0"
            role="button"
            aria-label=label
            on:click=click(selected, what)
            on:keydown=keypress(selected, what)
        >
            <title>{format!("{} ({}) — click to inspect, kill, hang or slow it", inst.id, inst.address)}</title>
            <rect class="tile" x=p.x y=p.y width=size height=size rx="4" />
            <rect class="fill" x=p.x y=p.y + size * (1.0 - util) width=size height=size * util rx="4" />
            <rect class="wasted" x=p.x y=p.y + size * (1.0 - wasted) width=size height=size * wasted rx="4" />
            <rect class="queue" x=p.x y=p.y + size + 1.5 width=size * queue_frac height="3" />
            <text x=p.x + size / 2.0 y=p.y + size / 2.0 + 4.0 text-anchor="middle" class="glyph">{glyph}</text>
            {zoned.then(|| view! { <text x=p.x + 3.0 y=p.y + 10.0 class="zone">{zone.to_string()}</text> })}
        </g>
    }
}

/// CSS class and a glyph, so state reads by shape as well as colour.
fn tile_look(inst: &InstanceView) -> (&'static str, &'static str) {
    match (inst.state, inst.condition) {
        (Lifecycle::Terminated, _) => ("terminated", ""),
        (_, Condition::Crashed | Condition::HostDown) => ("crashed", "✕"),
        (_, Condition::Hung) => ("hung", "⏸"),
        (Lifecycle::Pending | Lifecycle::Initial, _) => ("pending", "…"),
        (Lifecycle::Unhealthy, _) => ("unhealthy", "!"),
        (Lifecycle::Draining, _) => ("draining", "↓"),
        _ if inst.path_blocked => ("blocked", "⊘"),
        _ if inst.slow_factor != 1.0 => ("slow", "🐢"),
        _ => ("in-service", ""),
    }
}

pub fn state_words(inst: &InstanceView) -> String {
    let life = match inst.state {
        Lifecycle::Pending => "pending (booting)",
        Lifecycle::Initial => "registered, waiting to pass its first health check",
        Lifecycle::InService => "in service",
        Lifecycle::Unhealthy => "unhealthy",
        Lifecycle::Draining => "draining",
        Lifecycle::Terminated => "terminated",
    };
    let fault = match inst.condition {
        Condition::Ok => String::new(),
        Condition::Crashed => ", its process crashed (refuses connections)".into(),
        Condition::HostDown => ", its host failed (connections time out)".into(),
        Condition::Hung => ", hung (accepts work, never answers)".into(),
    };
    let slow = if inst.slow_factor != 1.0 {
        format!(", slow (service time ×{})", inst.slow_factor)
    } else {
        String::new()
    };
    let blocked = if inst.path_blocked {
        ", its load balancer's path to it blocked by a security-group rule"
    } else {
        ""
    };
    format!("{life}{fault}{slow}{blocked}")
}

fn diamond(c: Point, r: f64) -> String {
    format!(
        "{},{} {},{} {},{} {},{}",
        c.x,
        c.y - r,
        c.x + r,
        c.y,
        c.x,
        c.y + r,
        c.x - r,
        c.y
    )
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

/// The changes someone else made to a service that are in effect, in
/// words, for the foot of its group; `None` without any.
fn others_words(svc: &ServiceView) -> Option<String> {
    let words: Vec<String> = svc
        .changes_by_others
        .iter()
        .filter(|c| c.in_effect)
        .map(|c| {
            let what = match c.kind {
                OtherChange::RateLimit => format!("rate limit {} req/s", c.rate_rps.unwrap_or(0.0)),
                OtherChange::SlowDeploy => format!("a deploy {}× slower", c.factor.unwrap_or(1.0)),
                OtherChange::BlockPath => match c.zone {
                    Some(z) => format!("path to zone {} blocked", sahara_sim::zone_name(z)),
                    None => "path blocked".to_string(),
                },
                OtherChange::RetireInstance => "an instance retired".to_string(),
            };
            format!("⚠ {}: {what}", c.who)
        })
        .collect();
    (!words.is_empty()).then(|| words.join(" · "))
}
