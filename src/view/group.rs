//! One service's row of the diagram: its load balancer and its auto-scaling
//! group of instance tiles.
//!
//! Each part reads the snapshot through a `Memo` of just what it draws, so
//! a frame in which a part did not change leaves its SVG alone, and tiles
//! are keyed by instance id: a launch adds one tile, a termination removes
//! one, and a tile whose instance changed updates its attributes in place.

use super::layout::{Layout, Point};
use crate::live::Live;
use crate::security::Security;
use crate::selection::{click, keypress, Selected};
use crate::settings::balancer_label;
use leptos::prelude::*;
use sahara_sim::scenario::{Balancer, OtherChange};
use sahara_sim::{Condition, InstanceId, InstanceView, Lifecycle, ServiceView};

/// What the row draws besides its tiles.
#[derive(Clone, PartialEq)]
struct Head {
    name: String,
    /// Without a load balancer the diamond is drawn empty, marked "—".
    absent: bool,
    algorithm: &'static str,
    counts: String,
    others: Option<String>,
}

impl Head {
    fn of(svc: &ServiceView) -> Head {
        Head {
            name: svc.name.clone(),
            absent: svc.balancer == Balancer::None,
            algorithm: balancer_label(svc.balancer),
            counts: format!(
                "desired {} ({}–{}) · in service {} · healthy {}",
                svc.desired, svc.min, svc.max, svc.in_service, svc.healthy
            ),
            others: others_words(svc),
        }
    }
}

#[component]
pub fn ServiceRow(
    live: Live,
    /// The service's index in the scenario.
    s: usize,
    layout: Memo<Layout>,
    selected: RwSignal<Option<Selected>>,
    security: Security,
) -> impl IntoView {
    let head = Memo::new(move |_| {
        live.snapshot
            .with(|snap| snap.services.get(s).map(Head::of))
    });
    let ids = Memo::new(move |_| {
        live.snapshot.with(|snap| {
            snap.services
                .get(s)
                .map(|v| v.instances.iter().map(|i| i.id).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let read =
        move |f: fn(&Head) -> String| move || head.with(|h| h.as_ref().map(f).unwrap_or_default());
    let no_lb = move || head.with(|h| h.as_ref().is_some_and(|h| h.absent));
    let lb_mark = move || if no_lb() { "—" } else { "LB" };
    let algorithm = move || head.with(|h| h.as_ref().map_or("", |h| h.algorithm));
    let lb = move || layout.with(|l| l.balancer(s));
    let group = move || layout.with(|l| l.group_box(s));
    let node = Selected::Balancer(s);
    view! {
        <g class="service">
            <g
                class="node balancer"
                class:selected=move || selected.get() == Some(node)
                class:compromised=move || security.compromised.get() == Some(node)
                class:exposed=move || exposed(live, security, node)
                class:absent=no_lb
                tabindex="0"
                role="button"
                aria-label=move || format!("Load balancer of {}: {} {}", read(|h| h.name.clone())(), lb_mark(), algorithm())
                on:click=click(selected, node)
                on:keydown=keypress(selected, node)
            >
                <title>"A load balancer spreads the service's requests over the instances it considers healthy."</title>
                <polygon points=move || diamond(lb(), 28.0) />
                <text x=move || lb().x y=move || lb().y + 4.0 text-anchor="middle" class="label">{lb_mark}</text>
                " "
                <text x=move || lb().x y=move || lb().y + 44.0 text-anchor="middle" class="small">{algorithm}</text>
            </g>
            <g class="group">
                <title>"An auto-scaling group: a collection of identical, stateless instances of one service. Its desired capacity (between its minimum and maximum), the instances in service and the healthy ones."</title>
                <rect x=move || group().0 y=move || group().1 width=move || group().2 height=move || group().3 rx="10" />
                <text x=move || group().0 + 12.0 y=move || group().1 + 20.0 class="label">{read(|h| h.name.clone())}</text>
                <text x=move || group().0 + group().2 - 10.0 y=move || group().1 + 20.0 text-anchor="end" class="small">{read(|h| h.counts.clone())}</text>
                <For each=move || ids.get() key=|id| *id children=move |id| view! { <Tile live s id layout selected security /> } />
                {move || head.with(|h| h.as_ref().and_then(|h| h.others.clone())).map(|words| view! {
                    <text x=move || group().0 + 12.0 y=move || group().1 + group().3 - 4.0 class="small others">
                        <title>"Changed by someone else, with no warning to the clients (Fallacy 6: there is not only one administrator)."</title>
                        {words}
                    </text>
                })}
            </g>
        </g>
    }
}

/// What one instance tile draws, where; equal from frame to frame unless
/// something a person could see changed.
#[derive(Clone, PartialEq, Default)]
struct TileLook {
    at: Option<Point>,
    size: f64,
    util: f64,
    wasted: f64,
    queue: f64,
    state: &'static str,
    glyph: &'static str,
    zone: Option<char>,
    label: String,
    title: String,
}

impl TileLook {
    fn of(layout: &Layout, s: usize, svc: &ServiceView, k: usize) -> TileLook {
        let inst = &svc.instances[k];
        let util = visible(inst.utilisation);
        let (state, glyph) = tile_look(inst);
        // Zone letters only where the group spans more than one zone.
        let zoned = svc.instances.iter().any(|i| i.zone != 0);
        let zone = sahara_sim::zone_name(inst.zone);
        TileLook {
            at: Some(layout.tile(s, k)),
            size: layout.tile_size(s),
            util,
            // The part of the fill that works for clients that already gave up.
            wasted: if inst.busy > 0 {
                visible(util * inst.orphaned as f64 / inst.busy as f64)
            } else {
                0.0
            },
            queue: (inst.queue as f64 / 50.0).min(1.0),
            state,
            glyph,
            zone: zoned.then_some(zone),
            label: format!(
                "Instance {} at {} in zone {zone}: {}, {} of {} workers busy ({} for clients that gave up), {} queued",
                inst.id,
                inst.address,
                state_words(inst),
                inst.busy,
                inst.workers,
                inst.orphaned,
                inst.queue
            ),
            title: format!(
                "{} ({}) — click to inspect, kill, hang or slow it",
                inst.id, inst.address
            ),
        }
    }
}

/// A part of the tile's height, rounded to a 64th: finer than a pixel at
/// any size a tile is drawn, so a frame in which only unseen digits of an
/// instance's utilisation moved leaves its tile alone.
fn visible(part: f64) -> f64 {
    libm::round(part.clamp(0.0, 1.0) * 64.0) / 64.0
}

#[component]
fn Tile(
    live: Live,
    s: usize,
    id: InstanceId,
    layout: Memo<Layout>,
    selected: RwSignal<Option<Selected>>,
    security: Security,
) -> impl IntoView {
    let look = Memo::new(move |_| {
        live.snapshot.with(|snap| {
            snap.services
                .get(s)
                .and_then(|svc| {
                    let k = svc.instances.iter().position(|i| i.id == id)?;
                    Some(layout.with(|l| TileLook::of(l, s, svc, k)))
                })
                .unwrap_or_default()
        })
    });
    let node = Selected::Instance(id);
    let at = move || look.with(|l| l.at.unwrap_or(Point { x: 0.0, y: 0.0 }));
    let size = move || look.with(|l| l.size);
    // Heights of the parts drawn from the tile's foot upwards.
    let bar = move |f: fn(&TileLook) -> f64| move || look.with(|l| l.size * f(l));
    let top_of = move |f: fn(&TileLook) -> f64| {
        move || look.with(|l| l.at.map_or(0.0, |p| p.y) + l.size * (1.0 - f(l)))
    };
    view! {
        <g
            class=move || format!("node instance {}", look.with(|l| l.state))
            class:selected=move || selected.get() == Some(node)
            class:compromised=move || security.compromised.get() == Some(node)
            class:exposed=move || exposed(live, security, node)
            tabindex="0"
            role="button"
            aria-label=move || look.with(|l| l.label.clone())
            on:click=click(selected, node)
            on:keydown=keypress(selected, node)
        >
            <title>{move || look.with(|l| l.title.clone())}</title>
            <rect class="tile" x=move || at().x y=move || at().y width=size height=size rx="4" />
            <rect class="fill" x=move || at().x y=top_of(|l| l.util) width=size height=bar(|l| l.util) rx="4" />
            <rect class="wasted" x=move || at().x y=top_of(|l| l.wasted) width=size height=bar(|l| l.wasted) rx="4" />
            <rect class="queue" x=move || at().x y=move || at().y + size() + 1.5 width=bar(|l| l.queue) height="3" />
            <text x=move || at().x + size() / 2.0 y=move || at().y + size() / 2.0 + 4.0 text-anchor="middle" class="glyph">{move || look.with(|l| l.glyph)}</text>
            {move || look.with(|l| l.zone).map(|zone| view! { <text x=move || at().x + 3.0 y=move || at().y + 10.0 class="zone">{zone}</text> })}
        </g>
    }
}

/// Whether a staged breach reaches `node`; free while there is none.
fn exposed(live: Live, security: Security, node: Selected) -> bool {
    security.compromised.get().is_some() && live.snapshot.with(|s| security.exposed(s, node))
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
