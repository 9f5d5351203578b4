//! The controls panel, grouped and labelled in the lecture's words. Every
//! control edits the running scenario through a dotted path (the same paths
//! as the CLI's `--set`), live, while the simulation plays. The settings
//! themselves are the catalogue in `crate::settings`; this file lays them
//! out and adds the few controls that are more than one setting.

use super::slider::Slider;
use crate::effect::effect;
use crate::live::Live;
use crate::range::{fmt, Range};
use crate::settings::{Group, Kind, Setting, SETTINGS};
use leptos::prelude::*;
use sahara_sim::scenario::{LatencyPreset, RequestKind, Shape};
use sahara_sim::{Change, SimDuration};

/// One setting from the catalogue as a control: a slider, a select or a
/// checkbox, reading the running scenario and setting it live.
#[component]
pub fn SettingControl(
    live: Live,
    setting: &'static Setting,
    /// The service per-service settings apply to.
    #[prop(into)]
    service: Signal<String>,
    /// Put before the setting's id, where a setting shows twice on the page.
    #[prop(optional)]
    id_prefix: &'static str,
) -> impl IntoView {
    let path = move || setting.path_for(&service.get_untracked());
    let id = format!("{id_prefix}{}", setting.id);
    match setting.kind {
        Kind::Number { range } => {
            let value =
                Signal::derive(move || live.readings.with(|r| setting.number(r, &service.get())));
            let on_change = Callback::new(move |v: f64| live.set(&path(), fmt(v)));
            view! {
                <Slider id label=setting.label unit=setting.unit range value on_change help=setting.help />
            }
            .into_any()
        }
        Kind::Choice { options } => view! {
            <label class="field" title=setting.help>
                {setting.label} " "
                <select
                    id=id
                    prop:value=move || live.readings.with(|r| setting.read(r, &service.get()))
                    on:change=move |ev| live.set(&path(), event_target_value(&ev))
                >
                    {options.iter().map(|(value, label)| view! { <option value=*value>{*label}</option> }).collect_view()}
                </select>
            </label>
        }
        .into_any(),
        Kind::Toggle => view! {
            <label class="field toggle" title=setting.help>
                <input
                    id=id
                    type="checkbox"
                    prop:checked=move || live.readings.with(|r| setting.is_on(r, &service.get()))
                    on:change=move |ev| live.set(&path(), event_target_checked(&ev))
                />
                {setting.label}
            </label>
        }
        .into_any(),
    }
}

/// The whole panel: every group of the catalogue, with a service picker for
/// the per-service groups.
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
    effect(move || {
        let names = names.get();
        if !names.contains(&chosen.get_untracked()) {
            chosen.set(names.first().cloned().unwrap_or_default());
        }
    });
    let groups = Group::ALL.map(|group| {
        let settings = SETTINGS
            .iter()
            .filter(|s| s.group == group)
            .map(|setting| view! { <SettingControl live setting service=chosen /> })
            .collect_view();
        let picker = (group == Group::Service).then(|| view! {
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
            <p class="hint">"The groups below apply to this service."</p>
        });
        let title = move || {
            if group.per_service() {
                format!("{} · {}", group.title(), chosen.get())
            } else {
                group.title().to_string()
            }
        };
        view! {
            <details open=!matches!(group, Group::Database | Group::Zones)>
                <summary>{title}</summary>
                {picker}
                {settings}
                {extras(live, group, chosen)}
            </details>
        }
    });
    view! { <div class="controls-panel">{groups.into_iter().collect_view()}</div> }
}

/// Controls that are more than one setting, shown with their group.
fn extras(live: Live, group: Group, chosen: RwSignal<String>) -> AnyView {
    match group {
        Group::Load => view! {
            <LoadShape live />
            {move || live.scenario.with(|s| s.traffic.mix.iter().map(|m| m.kind).collect::<Vec<_>>()).into_iter().map(|kind| {
                let path = format!("traffic.mix.{}.weight", kind.as_str());
                let value = Signal::derive(move || live.scenario.with(|s| s.traffic.mix.iter().find(|m| m.kind == kind).map_or(0.0, |m| m.weight)));
                let on_change = Callback::new(move |v: f64| live.set(&path, fmt(v)));
                view! {
                    <Slider id=mix_id(kind) label=mix_label(kind) unit="share" range=Range::linear(0.0, 100.0, 1.0) value on_change
                        help="Relative share of this kind of request in the traffic." />
                }
            }).collect_view()}
        }
        .into_any(),
        Group::Network => view! {
            <div class="presets" role="group" aria-label="The lecture's measured latencies">
                {LatencyPreset::ALL.into_iter().map(|p| view! {
                    <button type="button" class="chip"
                        aria-pressed=move || live.scenario.with(|s| (s.network.client_to_lb.latency.ms() == p.ms()).to_string())
                        on:click=move |_| live.set("network.client_to_lb.latency", p.as_str())>
                        {preset_label(p)} " " {fmt(p.ms())} " ms round trip"
                    </button>
                }).collect_view()}
            </div>
        }
        .into_any(),
        Group::Failures => view! {
            <button type="button" class="danger"
                on:click=move |_| live.apply(Change::ServiceOutage { service: chosen.get_untracked(), duration: SimDuration::from_secs(30) })>
                {move || format!("Service outage: crash every {} instance for 30 s", chosen.get())}
            </button>
        }
        .into_any(),
        Group::Zones => view! {
            <div class="presets" role="group" aria-label="Zone outages">
                {move || (0..live.scenario.with(|s| s.zones)).map(|zone| {
                    let name = sahara_sim::zone_name(zone as u8);
                    view! {
                        <button type="button" class="danger"
                            on:click=move |_| live.apply(Change::ZoneOutage { zone, duration: SimDuration::from_secs(120) })>
                            {format!("Zone {name} outage: every instance in it fails for 2 min")}
                        </button>
                    }
                }).collect_view()}
            </div>
        }
        .into_any(),
        _ => ().into_any(),
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
        <label class="field" title="Choosing a shape starts it now: a flash sale ×4 for 60 s, a step ×2, a ramp to ×3 over 2 minutes, or a 5-minute day and night.">
            "Load shape "
            <select aria-label="Load shape" prop:value=shape on:change=move |ev| set_shape(event_target_value(&ev))>
                <option value="constant">"constant"</option>
                <option value="spike">"flash sale (spike)"</option>
                <option value="step">"step"</option>
                <option value="ramp">"ramp"</option>
                <option value="periodic">"day and night"</option>
            </select>
        </label>
        <p class="hint" data-shape>{move || live.scenario.with(|s| describe_shape(&s.traffic.shape))}</p>
    }
}

/// The load shape in words, with its numbers.
fn describe_shape(shape: &Shape) -> String {
    match *shape {
        Shape::Constant => "The rate stays as set.".into(),
        Shape::Step { at_s, factor } => format!("×{} from t = {at_s:.0} s on.", fmt(factor)),
        Shape::Ramp {
            start_s,
            end_s,
            factor,
        } => {
            format!(
                "Rising to ×{} between t = {start_s:.0} s and {end_s:.0} s.",
                fmt(factor)
            )
        }
        Shape::Spike {
            at_s,
            duration_s,
            factor,
        } => {
            format!(
                "Flash sale: ×{} from t = {at_s:.0} s for {duration_s:.0} s.",
                fmt(factor)
            )
        }
        Shape::Periodic {
            period_s,
            amplitude,
        } => format!(
            "Day and night: between ×{} and ×{}, a cycle every {period_s:.0} s.",
            fmt(1.0 - amplitude),
            fmt(1.0 + amplitude)
        ),
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
