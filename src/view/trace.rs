//! "Trace one request": a sequence diagram of every attempt of one logical
//! request across the client, the internet, the load balancer, the
//! instance and the database — where each message went and when it
//! arrived, where one was lost, the timeout, the backoff and its jitter,
//! the token lookup — with, beside each moment, what happened in words:
//! what the client saw next to what really happened.
//!
//! The diagram is drawn with presentation attributes rather than the
//! page's CSS, so the SVG it downloads as looks the same in a slide.

use crate::effect::effect;
use crate::live::Live;
use leptos::prelude::*;
use sahara_sim::scenario::{Idempotency, RequestKind};
use sahara_sim::{Leg, Outcome, SimTime, Status, Step, TokenLookup, Trace, TraceTarget};

/// The lifelines, left to right. The internet sits half-way between the
/// client and the load balancer, so a message lost on it ends on its line.
const LIFELINES: [&str; 5] = [
    "Client",
    "Internet",
    "Load balancer",
    "Instance",
    "Database",
];
/// x of the first lifeline and the space between two.
const X0: f64 = 110.0;
const DX: f64 = 100.0;
/// Where the words column starts, and the drawing's width.
const NOTES_X: f64 = X0 + 4.5 * DX;
const W: f64 = 1120.0;
/// The first row's y and the height of a row.
const TOP: f64 = 42.0;
const ROW: f64 = 19.0;

/// The panel: what to trace, the diagram, and the download.
#[component]
pub fn TracePanel(live: Live) -> impl IntoView {
    let kind = RwSignal::new(Some(RequestKind::Checkout));
    // A trace asked for elsewhere (a tour step) shows its kind here.
    effect(move || {
        if let Some(TraceTarget::Next { kind: k } | TraceTarget::NextTroubled { kind: k }) =
            live.traced.with(|t| t.as_ref().map(|t| t.target))
        {
            kind.set(k);
        }
    });
    let start = move |troubled: bool| {
        let kind = kind.get_untracked();
        live.trace(Some(if troubled {
            TraceTarget::NextTroubled { kind }
        } else {
            TraceTarget::Next { kind }
        }));
    };
    let choose = move |ev| {
        let name = event_target_value(&ev);
        kind.set(RequestKind::ALL.into_iter().find(|k| k.as_str() == name));
    };
    view! {
        <details class="trace-panel" open=move || live.traced.with(Option::is_some)>
            <summary>"Trace one request"</summary>
            <div class="trace-tools">
                <label>"Kind "
                    <select on:change=choose>
                        <option value="any" prop:selected=move || kind.get().is_none()>"any"</option>
                        {RequestKind::ALL.into_iter().map(|k| view! {
                            <option value=k.as_str() prop:selected=move || kind.get() == Some(k)>{kind_name(k)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button type="button" on:click=move |_| start(false)>"Trace the next one"</button>
                <button type="button" on:click=move |_| start(true)
                    title="Follows every request of the kind from now until one has an attempt that fails, and keeps that one">
                    "Trace the next that goes wrong"
                </button>
                <button type="button" on:click=move |_| live.trace(None)>"Clear"</button>
                <button type="button" class="export" on:click=move |_| export(live)
                    disabled=move || live.traced.with(|t| t.as_ref().is_none_or(|t| t.request.is_none()))>
                    "Download SVG"
                </button>
            </div>
            <p class="trace-status" aria-live="polite">{move || live.traced.with(|t| t.as_ref().map(status))}</p>
            <div class="trace-diagram" inner_html=move || drawn(live).unwrap_or_default()></div>
        </details>
    }
}

/// Where the trace has got, in a sentence.
fn status(t: &Trace) -> String {
    let kind = match t.target {
        TraceTarget::Next { kind } | TraceTarget::NextTroubled { kind } => kind,
        TraceTarget::Request { .. } => t.kind,
    };
    let what = kind.map_or("request", kind_name);
    match (t.request, t.outcome) {
        (None, _) if matches!(t.target, TraceTarget::NextTroubled { .. }) => format!(
            "Following {} {what}s in flight until one goes wrong… (play the run)",
            t.following
        ),
        (None, _) => format!("Waiting for the next {what}… (play the run)"),
        (Some(id), None) => format!("r-{} ({what}) is in flight…", id.0),
        (Some(id), Some(outcome)) => {
            let attempts = t.steps.iter().map(|s| s.attempt).max().unwrap_or(0);
            format!(
                "r-{}: {} after {attempts} attempt{}.",
                id.0,
                outcome_words(outcome),
                if attempts == 1 { "" } else { "s" }
            )
        }
    }
}

/// The sequence diagram as SVG markup: a row per moment, time going down.
/// Written as text rather than as a view: it is redrawn whole when the
/// trace moves on, it is the file the download saves, and markup costs the
/// page far fewer bytes of wasm than a view of as many elements. Every
/// word in it is this module's own or a number, so nothing needs escaping.
fn svg(t: &Trace, tokens: bool) -> String {
    use std::fmt::Write;
    let d = Drawing::of(t, tokens);
    let height = d.ys.last().copied().unwrap_or(TOP) + 10.0;
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {height}" role="img" aria-label="Sequence diagram of request r-{}" font-family="system-ui, sans-serif" font-size="11" fill="currentColor">"#,
        t.request.map_or(0, |r| r.0)
    );
    for (i, name) in LIFELINES.iter().enumerate() {
        let x = lifeline_x(i as f64);
        let dash = if i == 1 { "2 4" } else { "6 4" };
        let _ = write!(
            out,
            r##"<text x="{x}" y="16" text-anchor="middle" font-weight="bold">{name}</text><line x1="{x}" y1="24" x2="{x}" y2="{height}" stroke="#999" stroke-dasharray="{dash}"/>"##
        );
    }
    for ((at, words), y) in d.rows.iter().zip(&d.ys) {
        let _ = write!(
            out,
            r##"<text x="4" y="{}" fill="#777">+{}</text>"##,
            y + 4.0,
            ms(at.0 - d.start.0)
        );
        for (k, line) in words.iter().enumerate() {
            let y = y + 4.0 + k as f64 * ROW;
            let _ = write!(out, r#"<text x="{NOTES_X}" y="{y}">{line}</text>"#);
        }
    }
    for a in &d.arrows {
        let (y1, y2) = (d.ys[a.row1], d.ys[a.row2]);
        let colour = if a.lost {
            "#c62828"
        } else if a.response {
            "#1565c0"
        } else {
            "currentColor"
        };
        let dash = if a.response { "5 3" } else { "none" };
        let (mx, my) = ((a.x1 + a.x2) / 2.0, (y1 + y2) / 2.0 - 3.0);
        let _ = write!(
            out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{colour}" stroke-width="1.5" stroke-dasharray="{dash}"/><text x="{mx}" y="{my}" text-anchor="middle" font-size="10" fill="{colour}">{}</text>"#,
            a.x1, y1, a.x2, y2, a.label
        );
        if a.lost {
            let _ = write!(
                out,
                r#"<text x="{}" y="{}" text-anchor="middle" fill="{colour}" font-size="14" font-weight="bold">✕</text>"#,
                a.x2,
                y2 + 4.0
            );
        } else {
            let tip = if a.x2 > a.x1 { -6.0 } else { 6.0 };
            let _ = write!(
                out,
                r#"<path d="M{},{y2}l{tip},-3v6z" fill="{colour}"/>"#,
                a.x2
            );
        }
    }
    for (x, i) in &d.dots {
        let _ = write!(out, r#"<circle cx="{x}" cy="{}" r="3"/>"#, d.ys[*i]);
    }
    out.push_str("</svg>");
    out
}

/// A message's arrow, from where it was sent to where it arrived or was
/// lost.
struct Arrow {
    x1: f64,
    /// The row it leaves at.
    row1: usize,
    x2: f64,
    /// The row it arrives (or is lost) at.
    row2: usize,
    lost: bool,
    response: bool,
    label: String,
}

/// The diagram's content, laid out.
struct Drawing {
    /// Each moment, with what happened then in words.
    rows: Vec<(SimTime, Vec<String>)>,
    arrows: Vec<Arrow>,
    /// Marks on a lifeline where something happened: (x, row).
    dots: Vec<(f64, usize)>,
    /// Each row's y: a row is a line high per thing said of it.
    ys: Vec<f64>,
    /// When the request was created: the rows' times count from it.
    start: SimTime,
}

impl Drawing {
    fn of(t: &Trace, tokens: bool) -> Drawing {
        // Every moment something happened, once each, in order.
        let mut times: Vec<SimTime> = Vec::new();
        let sent = t.steps.iter().filter_map(|s| match s.step {
            Step::Hop { sent, .. } => Some(sent),
            _ => None,
        });
        for at in t.steps.iter().map(|s| s.t).chain(sent) {
            if let Err(i) = times.binary_search(&at) {
                times.insert(i, at);
            }
        }
        let row = |at: SimTime| times.partition_point(|x| *x < at);
        let start = t.steps.first().map_or(SimTime(0), |s| s.t);
        let mut rows: Vec<(SimTime, Vec<String>)> =
            times.iter().map(|t| (*t, Vec::new())).collect();
        let mut arrows = Vec::new();
        let mut dots = Vec::new();
        let kind = t.kind.unwrap_or(RequestKind::Browse);
        for s in &t.steps {
            let i = row(s.t);
            let (at, words) = match s.step {
                Step::Hop {
                    leg,
                    sent,
                    lost,
                    status,
                    instance,
                } => {
                    let (from, to) = ends(leg);
                    let x2 = if lost { (from + to) / 2.0 } else { to };
                    let label = match leg {
                        Leg::ClientToLb => format!("attempt {}", s.attempt),
                        Leg::LbToInstance => instance.map_or(String::new(), |i| i.to_string()),
                        Leg::InstanceToDb => "query".into(),
                        Leg::DbToInstance => "result".into(),
                        Leg::InstanceToLb | Leg::LbToClient => status_words(status).into(),
                    };
                    arrows.push(Arrow {
                        x1: lifeline_x(from),
                        row1: row(sent),
                        x2: lifeline_x(x2),
                        row2: i,
                        lost,
                        response: leg.is_response(),
                        label,
                    });
                    if !lost {
                        continue;
                    }
                    let what = if leg.is_response() {
                        "response"
                    } else {
                        "request"
                    };
                    (
                        x2,
                        format!("{what} of attempt {} lost {}", s.attempt, where_lost(leg)),
                    )
                }
                Step::Created => {
                    let token = if tokens {
                        format!("idempotency token r-{}", t.request.map_or(0, |r| r.0))
                    } else {
                        "no idempotency token".into()
                    };
                    (
                        0.0,
                        format!(
                            "{} r-{} created: {token}",
                            kind_name(kind),
                            t.request.map_or(0, |r| r.0)
                        ),
                    )
                }
                Step::Sent { timeout_at } => (
                    0.0,
                    format!(
                        "attempt {} sent; times out at +{}",
                        s.attempt,
                        ms(timeout_at.0 - start.0)
                    ),
                ),
                Step::CircuitOpen => (
                    0.0,
                    "circuit breaker open: failed at once, never sent".into(),
                ),
                Step::Token { lookup } => (3.0, token_words(lookup).into()),
                Step::Queued => (3.0, "every worker busy: queued".into()),
                Step::Started { waited } if waited.0 > 0 => (
                    3.0,
                    format!("a worker takes it after {} in the queue", ms(waited.0)),
                ),
                Step::Started { .. } => continue,
                Step::Executed { duplicate } => (3.0, executed_words(kind, duplicate)),
                Step::Observed { seen, outcome } => {
                    let saw = match seen {
                        Some(status) => format!("client saw {}", status_words(status)),
                        None => "client saw its timeout".into(),
                    };
                    (0.0, format!("{saw}; really: {}", outcome_words(outcome)))
                }
                Step::Backoff { wait, low, high } => {
                    let drawn = if low == high {
                        "no jitter".to_string()
                    } else {
                        format!("jitter drew it from {}–{}", ms(low.0), ms(high.0))
                    };
                    (
                        0.0,
                        format!("backs off {} before resending ({drawn})", ms(wait.0)),
                    )
                }
                Step::GaveUp {
                    refused: Some(throttle),
                } => (
                    0.0,
                    format!(
                        "gives up: the {} retry throttle refused a retry",
                        throttle.as_str()
                    ),
                ),
                Step::GaveUp { refused: None } => {
                    (0.0, "gives up: its attempts are used up".into())
                }
                Step::Finished { outcome } => {
                    (0.0, format!("request finished: {}", outcome_words(outcome)))
                }
            };
            dots.push((lifeline_x(at), i));
            rows[i].1.push(words);
        }
        let mut ys = Vec::with_capacity(rows.len() + 1);
        let mut y = TOP;
        for (_, words) in &rows {
            ys.push(y);
            y += ROW * words.len().max(1) as f64;
        }
        ys.push(y);
        Drawing {
            rows,
            arrows,
            dots,
            ys,
            start,
        }
    }
}

/// The lifelines a leg goes between.
fn ends(leg: Leg) -> (f64, f64) {
    match leg {
        Leg::ClientToLb => (0.0, 2.0),
        Leg::LbToClient => (2.0, 0.0),
        Leg::LbToInstance => (2.0, 3.0),
        Leg::InstanceToLb => (3.0, 2.0),
        Leg::InstanceToDb => (3.0, 4.0),
        Leg::DbToInstance => (4.0, 3.0),
    }
}

fn where_lost(leg: Leg) -> &'static str {
    match leg.hop() {
        0 => "on the internet",
        1 => "between load balancer and instance",
        _ => "between instance and database",
    }
}

fn lifeline_x(i: f64) -> f64 {
    X0 + i * DX
}

/// Nanoseconds as milliseconds, to a tenth below 100 ms.
fn ms(ns: u64) -> String {
    let ms = ns as f64 / 1e6;
    if ms < 100.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

fn kind_name(k: RequestKind) -> &'static str {
    match k {
        RequestKind::Browse => "browse",
        RequestKind::AddToCart => "add to cart",
        RequestKind::Checkout => "checkout",
    }
}

fn status_words(s: Status) -> &'static str {
    match s {
        Status::Ok => "200 OK",
        Status::Rejected | Status::NoTarget => "503",
        Status::ConnectionError => "502",
        Status::GatewayTimeout => "504",
        Status::Conflict => "409",
        Status::TooManyRequests => "429",
    }
}

fn token_words(lookup: TokenLookup) -> &'static str {
    match lookup {
        TokenLookup::Execute => "token not seen before: execute",
        TokenLookup::Replay => "token already executed: replay the stored answer, execute nothing",
        TokenLookup::Conflict => "token still executing: answer 409",
    }
}

fn executed_words(kind: RequestKind, duplicate: bool) -> String {
    let done = match kind {
        RequestKind::Checkout => "the card is charged",
        RequestKind::AddToCart => "the item is added to the cart",
        RequestKind::Browse => "the page is read",
    };
    if duplicate {
        format!("executed AGAIN: {done} a second time (duplicate)")
    } else {
        format!("executed: {done}")
    }
}

fn outcome_words(o: Outcome) -> &'static str {
    match o {
        Outcome::Success => "success",
        Outcome::DroppedRequest => "the request was lost on the way (Failure 1)",
        Outcome::DroppedResponse => "the work was done, the response was lost (Failure 2)",
        Outcome::Rejected => "a full queue or a running duplicate refused it",
        Outcome::Timeout => "too slow: no answer in time",
        Outcome::NoHealthyTarget => "no healthy target behind the load balancer",
        Outcome::Crashed => "the instance's connection broke",
        Outcome::CircuitOpen => "failed fast: circuit open",
        Outcome::Throttled => "refused by a rate limit",
    }
}

/// The diagram of the trace shown, once it has a request.
fn drawn(live: Live) -> Option<String> {
    let tokens = live
        .scenario
        .with(|s| s.client.idempotency != Idempotency::Off);
    live.traced.with(|t| {
        t.as_ref()
            .filter(|t| t.request.is_some())
            .map(|t| svg(t, tokens))
    })
}

/// Downloads the diagram as it is drawn, as `trace-r-<id>.svg`.
fn export(live: Live) {
    let id = live
        .traced
        .with_untracked(|t| t.as_ref().and_then(|t| t.request));
    let (Some(id), Some(svg)) = (id, untrack(|| drawn(live))) else {
        return;
    };
    let name = format!("trace-r-{}.svg", id.0);
    if let Err(e) = crate::download::save(&name, "image/svg+xml", &svg) {
        live.report(Some(e));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sahara_sim::{presets, Simulation};

    /// The lost response of the lecture's Failure 2, drawn: the response
    /// arrow ends half-way between load balancer and client (on the
    /// internet's lifeline) with the loss in words beside it, and every
    /// message is one arrow.
    #[test]
    fn a_lost_response_ends_on_the_internet() {
        let mut sim = Simulation::new(presets::get("lost-response").unwrap()).unwrap();
        sim.advance_to(SimTime::from_secs_f64(20.0));
        sim.trace(TraceTarget::NextTroubled {
            kind: Some(RequestKind::Checkout),
        });
        sim.advance_to(SimTime::from_secs_f64(40.0));
        let t = sim.traced().unwrap();
        let d = Drawing::of(&t, false);
        let hops = t
            .steps
            .iter()
            .filter(|s| matches!(s.step, Step::Hop { .. }))
            .count();
        assert_eq!(d.arrows.len(), hops);
        let lost: Vec<&Arrow> = d.arrows.iter().filter(|a| a.lost).collect();
        assert_eq!(lost.len(), 1);
        assert_eq!((lost[0].x1, lost[0].x2), (lifeline_x(2.0), lifeline_x(1.0)));
        let words: Vec<&String> = d.rows.iter().flat_map(|r| &r.1).collect();
        assert!(words
            .iter()
            .any(|w| w.as_str() == "response of attempt 1 lost on the internet"));
        assert!(words.iter().any(|w| w.starts_with("executed AGAIN")));
    }
}
