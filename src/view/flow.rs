//! Requests in flight, drawn on a canvas laid exactly over the diagram's SVG.
//! A canvas, because hundreds of dots move every frame and DOM nodes for
//! each would cost the frame rate. Shapes differ as well as colours:
//! requests are dots, responses small squares, failed responses crosses,
//! retries rings, duplicates stars; a lost message bursts where it was lost.
//! With `prefers-reduced-motion`, each edge shows how many messages are on it
//! instead of moving dots.

use super::layout::{self, Layout, Point};
use super::observers::SizeObserver;
use crate::effect::effect;
use crate::live::Live;
use leptos::html::Canvas;
use leptos::prelude::*;
use sahara_sim::{Leg, MessageView, Snapshot, Status};
use wasm_bindgen::JsCast;
use web_sys::CanvasRenderingContext2d as Ctx;

/// A message that was lost, remembered to draw its burst for a moment.
#[derive(Clone, Copy)]
struct Burst {
    at: Point,
    /// Simulated time it was lost, in seconds.
    t: f64,
}

/// Simulated seconds a burst stays visible per unit of speed, so it lasts
/// about half a second of wall time whatever the speed.
const BURST_WALL_S: f64 = 0.5;

#[component]
pub fn Flow(live: Live) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let bursts = StoredValue::new(Vec::<Burst>::new());
    let reduced = reduced_motion();
    // The canvas's size in CSS px as the browser last laid it out, told by
    // a ResizeObserver: asking for it while drawing would make the browser
    // lay the page out again in the middle of every frame.
    let size = StoredValue::new((0.0, 0.0));
    let palette = StoredValue::new_local(Palette::default());
    let redraw = move || {
        let speed = live.speed().get_untracked();
        live.snapshot.with_untracked(|snap| {
            if let Some(canvas) = canvas.get_untracked() {
                palette.update_value(|p| {
                    let colours = p.of(&canvas);
                    bursts.update_value(|b| {
                        draw(&canvas, size.get_value(), snap, b, colours, speed, reduced)
                    });
                });
            }
        });
    };
    effect(move || {
        live.snapshot.track();
        redraw();
    });
    let observer = StoredValue::new_local(None::<SizeObserver>);
    effect(move || {
        if let Some(canvas) = canvas.get() {
            let resized = move |w, h| {
                size.set_value((w, h));
                redraw();
            };
            observer.set_value(SizeObserver::new(&canvas, resized));
        }
    });
    view! {
        <canvas
            node_ref=canvas
            class="flow"
            aria-hidden="true"
            data-messages=move || live.snapshot.with(|s| s.messages_in_flight)
        ></canvas>
    }
}

/// Says how many messages are in flight, and that the canvas shows a sample
/// when there are more than it draws.
#[component]
pub fn FlowNote(live: Live) -> impl IntoView {
    view! {
        <p class="flow-note">
            {move || live.snapshot.with(|s| {
                let shown = s.messages.len() as u64;
                if s.messages_in_flight > shown {
                    format!("Showing {shown} of {} messages in flight (an even sample).", s.messages_in_flight)
                } else {
                    format!("{} messages in flight.", s.messages_in_flight)
                }
            })}
        </p>
    }
}

fn reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// Maps the diagram's SVG units onto the canvas the way the SVG's
/// `xMidYMid meet` does.
struct Frame {
    scale: f64,
    dx: f64,
    dy: f64,
}

impl Frame {
    /// The frame of a canvas `cw` × `ch` (CSS px) over the diagram `layout`.
    fn of(cw: f64, ch: f64, layout: &Layout) -> Frame {
        let h = layout.height();
        let scale = (cw / layout::WIDTH).min(ch / h);
        Frame {
            scale,
            dx: (cw - layout::WIDTH * scale) / 2.0,
            dy: (ch - h * scale) / 2.0,
        }
    }

    fn to_px(&self, p: Point) -> (f64, f64) {
        (self.dx + p.x * self.scale, self.dy + p.y * self.scale)
    }
}

/// Draws the messages of `snap` on `canvas`, `cw` × `ch` CSS px in size.
fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    (cw, ch): (f64, f64),
    snap: &Snapshot,
    bursts: &mut Vec<Burst>,
    colours: &Colours,
    speed: f64,
    reduced: bool,
) {
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    if cw <= 0.0 || ch <= 0.0 {
        return;
    }
    let (pw, ph) = ((cw * dpr).round() as u32, (ch * dpr).round() as u32);
    if canvas.width() != pw || canvas.height() != ph {
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<Ctx>().ok())
    else {
        return;
    };
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, cw, ch);
    let layout = Layout::of(snap);
    let frame = Frame::of(cw, ch, &layout);
    let scale = frame.scale;
    let now = snap.time.as_secs_f64();

    if reduced {
        draw_rates(&ctx, &frame, snap, &layout, colours);
        return;
    }
    let r = (4.0 * scale).max(2.5);
    for m in &snap.messages {
        let Some((a, b)) = ends(snap, &layout, m) else {
            continue;
        };
        if let Some(lost) = m.lost_at {
            let at = lerp(a, b, along(m, lost.as_secs_f64()));
            if !bursts
                .iter()
                .any(|x| x.at == at && x.t == lost.as_secs_f64())
            {
                bursts.push(Burst {
                    at,
                    t: lost.as_secs_f64(),
                });
            }
        }
        let (x, y) = frame.to_px(lerp(a, b, along(m, now)));
        let failed = m.leg.is_response() && m.status != Status::Ok;
        if m.is_duplicate {
            star(&ctx, x, y, r * 1.4, &colours.duplicate);
        } else if failed {
            cross(&ctx, x, y, r, &colours.failure);
        } else if m.is_retry {
            ring(&ctx, x, y, r, &colours.retry);
        } else if m.leg.is_response() {
            ctx.set_fill_style_str(&colours.response);
            ctx.fill_rect(x - r * 0.8, y - r * 0.8, r * 1.6, r * 1.6);
        } else {
            dot(&ctx, x, y, r, &colours.request);
        }
    }
    let keep = BURST_WALL_S * speed.max(0.01);
    bursts.retain(|b| b.t <= now + keep && now - b.t < keep);
    for b in bursts.iter().filter(|b| b.t <= now) {
        let age = ((now - b.t) / keep).clamp(0.0, 1.0);
        let (x, y) = frame.to_px(b.at);
        ctx.set_global_alpha(1.0 - age);
        burst(&ctx, x, y, r * (1.5 + 2.0 * age), &colours.lost);
        ctx.set_global_alpha(1.0);
    }
}

/// How far along its hop a message is at `t_s` simulated seconds (0 to 1).
fn along(m: &MessageView, t_s: f64) -> f64 {
    let sent = m.sent.as_secs_f64();
    let span = (m.arrives.as_secs_f64() - sent).max(1e-9);
    ((t_s - sent) / span).clamp(0.0, 1.0)
}

/// A click on the diagram: if it is on a message in flight (within a few
/// pixels; pause to catch one), its request is traced from its start and
/// the trace panel opens.
pub fn pick(ev: &leptos::ev::MouseEvent, live: Live) {
    let Some(diagram) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let Some(canvas) = diagram.query_selector("canvas.flow").ok().flatten() else {
        return;
    };
    let rect = canvas.get_bounding_client_rect();
    let (cx, cy) = (
        f64::from(ev.client_x()) - rect.left(),
        f64::from(ev.client_y()) - rect.top(),
    );
    let picked = live.snapshot.with_untracked(|snap| {
        let layout = Layout::of(snap);
        let frame = Frame::of(rect.width(), rect.height(), &layout);
        let now = snap.time.as_secs_f64();
        let reach = (8.0 * frame.scale).max(6.0);
        snap.messages
            .iter()
            .filter_map(|m| {
                let (a, b) = ends(snap, &layout, m)?;
                let (x, y) = frame.to_px(lerp(a, b, along(m, now)));
                let d = (x - cx).hypot(y - cy);
                (d <= reach).then_some((d, m.request?))
            })
            .min_by(|p, q| p.0.total_cmp(&q.0))
    });
    if let Some((_, id)) = picked {
        live.trace(Some(sahara_sim::TraceTarget::Request { id }));
        if let Some(panel) = document().query_selector(".trace-panel").ok().flatten() {
            let _ = panel.set_attribute("open", "");
        }
    }
}

/// Where a message starts and ends on the diagram.
fn ends(snap: &Snapshot, layout: &Layout, m: &MessageView) -> Option<(Point, Point)> {
    let s = m.service as usize;
    let lb = layout.balancer(s);
    let inst = || {
        m.instance
            .and_then(|id| layout.instance_centre(snap, s, id))
    };
    let clients = layout.clients();
    let clients = Point {
        x: clients.x + 40.0,
        y: clients.y,
    };
    let db = layout.database();
    let db = Point {
        x: db.x - 50.0,
        y: db.y,
    };
    Some(match m.leg {
        Leg::ClientToLb => (clients, lb),
        Leg::LbToClient => (lb, clients),
        Leg::LbToInstance => (lb, inst()?),
        Leg::InstanceToLb => (inst()?, lb),
        Leg::InstanceToDb => (inst()?, db),
        Leg::DbToInstance => (db, inst()?),
    })
}

/// Reduced motion: a count on each edge instead of moving dots.
fn draw_rates(ctx: &Ctx, frame: &Frame, snap: &Snapshot, layout: &Layout, colours: &Colours) {
    let rows = snap.services.len();
    let mut counts = vec![[0u32; 3]; rows];
    for m in &snap.messages {
        if let Some(c) = counts.get_mut(m.service as usize) {
            c[m.leg.hop()] += 1;
        }
    }
    ctx.set_font(&format!("{}px sans-serif", (13.0 * frame.scale).max(10.0)));
    ctx.set_fill_style_str(&colours.request);
    for (s, c) in counts.iter().enumerate() {
        let clients = layout.clients();
        let lb = layout.balancer(s);
        let (gx, gy, gw, gh) = layout.group_box(s);
        let db = layout.database();
        let mid = [
            lerp(clients, lb, 0.55),
            lerp(
                lb,
                Point {
                    x: gx,
                    y: gy + gh / 2.0,
                },
                0.5,
            ),
            lerp(
                Point {
                    x: gx + gw,
                    y: gy + gh / 2.0,
                },
                db,
                0.5,
            ),
        ];
        for (hop, p) in mid.iter().enumerate() {
            if c[hop] > 0 {
                let (x, y) = frame.to_px(*p);
                let _ = ctx.fill_text(&format!("{} in flight", c[hop]), x, y - 4.0);
            }
        }
    }
}

fn lerp(a: Point, b: Point, f: f64) -> Point {
    Point {
        x: a.x + (b.x - a.x) * f,
        y: a.y + (b.y - a.y) * f,
    }
}

fn dot(ctx: &Ctx, x: f64, y: f64, r: f64, colour: &str) {
    ctx.set_fill_style_str(colour);
    ctx.begin_path();
    let _ = ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
    ctx.fill();
}

fn ring(ctx: &Ctx, x: f64, y: f64, r: f64, colour: &str) {
    ctx.set_stroke_style_str(colour);
    ctx.set_line_width(2.0);
    ctx.begin_path();
    let _ = ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
    ctx.stroke();
}

fn cross(ctx: &Ctx, x: f64, y: f64, r: f64, colour: &str) {
    ctx.set_stroke_style_str(colour);
    ctx.set_line_width(2.5);
    ctx.begin_path();
    ctx.move_to(x - r, y - r);
    ctx.line_to(x + r, y + r);
    ctx.move_to(x + r, y - r);
    ctx.line_to(x - r, y + r);
    ctx.stroke();
}

fn star(ctx: &Ctx, x: f64, y: f64, r: f64, colour: &str) {
    ctx.set_fill_style_str(colour);
    ctx.begin_path();
    for k in 0..10 {
        let a = std::f64::consts::PI * k as f64 / 5.0 - std::f64::consts::FRAC_PI_2;
        let rr = if k % 2 == 0 { r } else { r * 0.45 };
        let (px, py) = (x + rr * libm::cos(a), y + rr * libm::sin(a));
        if k == 0 {
            ctx.move_to(px, py)
        } else {
            ctx.line_to(px, py)
        }
    }
    ctx.close_path();
    ctx.fill();
}

fn burst(ctx: &Ctx, x: f64, y: f64, r: f64, colour: &str) {
    ctx.set_stroke_style_str(colour);
    ctx.set_line_width(2.0);
    ctx.begin_path();
    for k in 0..8 {
        let a = std::f64::consts::PI * k as f64 / 4.0;
        ctx.move_to(x + 0.4 * r * libm::cos(a), y + 0.4 * r * libm::sin(a));
        ctx.line_to(x + r * libm::cos(a), y + r * libm::sin(a));
    }
    ctx.stroke();
}

/// The message colours of the page's theme, read again only when the theme
/// changes: reading computed style makes the browser recompute the page's
/// style in the middle of the frame, after the diagram's changes and before
/// the rest.
#[derive(Default)]
struct Palette {
    /// The `data-theme` the colours were read under.
    theme: Option<String>,
    colours: Option<Colours>,
}

impl Palette {
    fn of(&mut self, canvas: &web_sys::HtmlCanvasElement) -> &Colours {
        let theme = document()
            .document_element()
            .and_then(|root| root.get_attribute("data-theme"));
        if theme != self.theme {
            self.theme = theme;
            self.colours = None;
        }
        self.colours.get_or_insert_with(|| Colours::read(canvas))
    }
}

/// The theme's colours for messages, read from CSS custom properties so the
/// canvas follows light and dark themes like the rest of the page.
struct Colours {
    request: String,
    response: String,
    retry: String,
    failure: String,
    duplicate: String,
    lost: String,
}

impl Colours {
    fn read(el: &web_sys::HtmlCanvasElement) -> Colours {
        let style = web_sys::window().and_then(|w| w.get_computed_style(el).ok().flatten());
        let get = |name: &str, fallback: &str| {
            style
                .as_ref()
                .and_then(|s| s.get_property_value(name).ok())
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| fallback.to_string())
        };
        Colours {
            request: get("--msg-request", "#1a5fb4"),
            response: get("--msg-response", "#26a269"),
            retry: get("--msg-retry", "#c64600"),
            failure: get("--msg-failure", "#c01c28"),
            duplicate: get("--msg-duplicate", "#813d9c"),
            lost: get("--msg-lost", "#5e5c64"),
        }
    }
}
