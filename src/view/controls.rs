//! The controls panel, grouped and labelled in the lecture's words. Every
//! control edits the running scenario through a dotted path (the same paths
//! as the CLI's `--set`), live, while the simulation plays.

use super::balancer_select::BalancerSelect;
use super::slider::{fmt, Range, Slider};
use crate::live::Live;
use leptos::prelude::*;
use sahara_sim::scenario::{LatencyPreset, Link, RequestKind, Scenario, Service, Shape};
use sahara_sim::{Change, SimDuration};
use std::sync::Arc;

/// Reads a control's current value off the running scenario.
type Getter = Arc<dyn Fn(&Scenario) -> f64 + Send + Sync>;

/// A slider bound to the scenario field at `path`.
#[component]
fn Param(
    live: Live,
    id: &'static str,
    label: &'static str,
    unit: &'static str,
    range: Range,
    #[prop(into)] path: Signal<String>,
    get: Getter,
    #[prop(optional)] help: &'static str,
) -> impl IntoView {
    let value = Signal::derive(move || live.scenario.with(|s| get(s)));
    let on_change = Callback::new(move |v: f64| live.set(&path.get_untracked(), fmt(v)));
    view! { <Slider id label unit range value on_change help /> }
}

fn link(s: &Scenario) -> &Link {
    &s.network.client_to_lb
}

/// The service the per-service controls edit, by name.
fn service<'a>(s: &'a Scenario, name: &str) -> Option<&'a Service> {
    s.services.iter().find(|x| x.name == name)
}

#[component]
pub fn Controls(live: Live) -> impl IntoView {
    let names = Memo::new(move |_| {
        live.scenario.with(|s| {
            s.services
                .iter()
                .map(|x| x.name.clone())
                .collect::<Vec<_>>()
        })
    });
    let chosen = RwSignal::new(String::new());
    // Keep the chosen service valid when a new scenario has other services.
    Effect::new(move |_| {
        let names = names.get();
        if !names.contains(&chosen.get_untracked()) {
            chosen.set(names.first().cloned().unwrap_or_default());
        }
    });
    let svc_path = move |field: &'static str| {
        Signal::derive(move || format!("services.{}.{field}", chosen.get()))
    };
    let svc_get = move |f: fn(&Service) -> f64| -> Getter {
        Arc::new(move |s: &Scenario| service(s, &chosen.get()).map_or(0.0, f))
    };

    view! {
        <div class="controls-panel">
            <details open>
                <summary>"Load"</summary>
                {rate_control(live, "rate")}
                <LoadShape live />
                {move || live.scenario.with(|s| s.traffic.mix.iter().map(|m| m.kind).collect::<Vec<_>>()).into_iter().map(|kind| {
                    let path = format!("traffic.mix.{}.weight", kind.as_str());
                    view! {
                        <Param live id=mix_id(kind) label=mix_label(kind) unit="share" range=Range::linear(0.0, 100.0, 1.0)
                            path=path get=Arc::new(move |s: &Scenario| s.traffic.mix.iter().find(|m| m.kind == kind).map_or(0.0, |m| m.weight))
                            help="Relative share of this kind of request in the traffic." />
                    }
                }).collect_view()}
            </details>

            <details open>
                <summary>"Network (Fallacies 1–3)"</summary>
                <Param live id="request-loss" label="Request loss (Failure 1)" unit="" range=Range::linear(0.0, 1.0, 0.01)
                    path="network.client_to_lb.request_loss".to_string() get=Arc::new(|s: &Scenario| link(s).request_loss)
                    help="Probability a request is lost on the internet on its way to the service." />
                <Param live id="response-loss" label="Response loss (Failure 2)" unit="" range=Range::linear(0.0, 1.0, 0.01)
                    path="network.client_to_lb.response_loss".to_string() get=Arc::new(|s: &Scenario| link(s).response_loss)
                    help="Probability a response is lost on its way back: the work was done, the client never hears." />
                <Param live id="latency" label="Internet latency (one way)" unit="ms" range=Range::log(0.1, 2000.0, 0.001)
                    path="network.client_to_lb.latency".to_string() get=Arc::new(|s: &Scenario| link(s).latency.ms())
                    help="Latency is not zero: one-way delay between the clients and Sahara's data centre." />
                <div class="presets" role="group" aria-label="The lecture's measured latencies">
                    {LatencyPreset::ALL.into_iter().map(|p| view! {
                        <button type="button" class="chip"
                            aria-pressed=move || live.scenario.with(|s| (link(s).latency.ms() == p.ms()).to_string())
                            on:click=move |_| live.set("network.client_to_lb.latency", p.as_str())>
                            {preset_label(p)} " " {fmt(p.ms())} " ms"
                        </button>
                    }).collect_view()}
                </div>
                <Param live id="bandwidth" label="Internet bandwidth (0 = unlimited)" unit="Mbit/s" range=Range::linear(0.0, 1000.0, 1.0)
                    path="network.client_to_lb.bandwidth_mbps".to_string() get=Arc::new(|s: &Scenario| link(s).bandwidth_mbps)
                    help="Bandwidth is not infinite: messages share this capacity; big payloads take longer." />
            </details>

            <details open>
                <summary>"Service"</summary>
                <label class="field">
                    "Service "
                    <select
                        aria-label="Service to configure"
                        prop:value=move || chosen.get()
                        on:change=move |ev| chosen.set(event_target_value(&ev))
                    >
                        {move || names.get().into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <BalancerSelect live service=chosen />
                <Param live id="instances" label="Instances (desired capacity)" unit="" range=Range::linear(0.0, 60.0, 1.0)
                    path=svc_path("instances") get=svc_get(|x| x.instances as f64)
                    help="How many instances of this service the group keeps running." />
                <Param live id="workers" label="Workers per instance" unit="" range=Range::linear(1.0, 64.0, 1.0)
                    path=svc_path("workers") get=svc_get(|x| x.workers as f64)
                    help="Requests one instance works on at once; more wait in its queue." />
                <Param live id="service-time" label="Mean service time" unit="ms" range=Range::log(0.1, 5000.0, 0.1)
                    path=svc_path("service_time.mean_ms") get=svc_get(|x| x.service_time.mean_ms())
                    help="How long one request keeps a worker busy, on average." />
            </details>

            <details open>
                <summary>"Failures"</summary>
                <Param live id="mtbf" label="Mean time between crashes (0 = never)" unit="s" range=Range::linear(0.0, 3600.0, 1.0)
                    path=svc_path("mtbf_s") get=svc_get(|x| x.mtbf_s)
                    help="Each instance of the service crashes at random, on average this often." />
                <Param live id="mttr" label="Mean time to repair" unit="s" range=Range::linear(1.0, 600.0, 1.0)
                    path=svc_path("mttr_s") get=svc_get(|x| x.mttr_s)
                    help="How long a crashed instance takes to come back, on average." />
                <button type="button" class="danger"
                    on:click=move |_| live.apply(Change::ServiceOutage { service: chosen.get_untracked(), duration: SimDuration::from_secs(30) })>
                    {move || format!("Service outage: crash every {} instance for 30 s", chosen.get())}
                </button>
            </details>

            <details open>
                <summary>"Client"</summary>
                <Param live id="timeout" label="Per-attempt timeout" unit="ms" range=Range::log(10.0, 60_000.0, 1.0)
                    path="client.timeout_ms".to_string() get=Arc::new(|s: &Scenario| s.client.timeout_ms)
                    help="How long a client waits for a response: the only way it can notice a lost request or response." />
            </details>

            <details open>
                <summary>"Database"</summary>
                {db_connections_control(live, "db-connections")}
                <Param live id="db-time" label="Mean query time" unit="ms" range=Range::log(0.1, 1000.0, 0.1)
                    path="database.service_time.mean_ms".to_string() get=Arc::new(|s: &Scenario| s.database.service_time.mean_ms())
                    help="How long one query holds a connection, on average." />
            </details>
        </div>
    }
}

/// The open-loop request rate (in the panel and in the clients' inspector).
pub fn rate_control(live: Live, id: &'static str) -> impl IntoView {
    view! {
        <Param live id label="Request rate" unit="req/s" range=Range::log(1.0, 20_000.0, 1.0)
            path="traffic.rate_rps".to_string() get=Arc::new(|s: &Scenario| s.traffic.rate_rps)
            help="Open-loop arrivals: new requests per second from all clients, before the load shape." />
    }
}

/// The database's capacity (in the panel and in the database's inspector).
pub fn db_connections_control(live: Live, id: &'static str) -> impl IntoView {
    view! {
        <Param live id label="Connections (capacity)" unit="" range=Range::linear(1.0, 500.0, 1.0)
            path="database.connections".to_string() get=Arc::new(|s: &Scenario| s.database.connections as f64)
            help="Queries the shared database runs at once; the rest wait." />
    }
}

/// The load's shape over time: steady, a flash sale starting now, or day and night.
#[component]
fn LoadShape(live: Live) -> impl IntoView {
    let shape = move || {
        live.scenario.with(|s| match s.traffic.shape {
            Shape::Constant => "constant",
            Shape::Step { .. } => "step",
            Shape::Ramp { .. } => "ramp",
            Shape::Spike { .. } => "spike",
            Shape::Periodic { .. } => "periodic",
        })
    };
    let set_shape = move |kind: String| {
        let now = live
            .snapshot
            .with_untracked(|s| s.time.as_secs_f64())
            .round();
        let value = match kind.as_str() {
            "spike" => format!(r#"{{"kind":"spike","at_s":{now},"duration_s":60,"factor":4}}"#),
            "step" => format!(r#"{{"kind":"step","at_s":{now},"factor":2}}"#),
            "ramp" => format!(
                r#"{{"kind":"ramp","start_s":{now},"end_s":{},"factor":3}}"#,
                now + 120.0
            ),
            "periodic" => r#"{"kind":"periodic","period_s":300,"amplitude":0.6}"#.to_string(),
            _ => r#"{"kind":"constant"}"#.to_string(),
        };
        live.set("traffic.shape", value);
    };
    view! {
        <label class="field">
            "Load shape "
            <select aria-label="Load shape" prop:value=shape on:change=move |ev| set_shape(event_target_value(&ev))>
                <option value="constant">"constant"</option>
                <option value="spike">"flash sale: ×4 for 60 s from now"</option>
                <option value="step">"step: ×2 from now"</option>
                <option value="ramp">"ramp: to ×3 over 2 min from now"</option>
                <option value="periodic">"day and night: 5-min cycle"</option>
            </select>
        </label>
    }
}

fn mix_id(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Browse => "mix-browse",
        RequestKind::AddToCart => "mix-add-to-cart",
        RequestKind::Checkout => "mix-checkout",
    }
}

fn mix_label(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Browse => "Mix: browse (read-only)",
        RequestKind::AddToCart => "Mix: add to cart",
        RequestKind::Checkout => "Mix: checkout",
    }
}

fn preset_label(p: LatencyPreset) -> &'static str {
    match p {
        LatencyPreset::Ec2ToEc2 => "EC2→EC2",
        LatencyPreset::HomeToUq => "Home→UQ",
        LatencyPreset::HomeToUsEast1 => "Home→us-east-1",
    }
}
