//! What was clicked on the diagram: its state in words and what can be done
//! to it (kill, hang or slow an instance; change a load balancer's
//! algorithm, or play someone else changing its service; resize the
//! database and see its throughput curve; stage a breach of it).

use super::chart::{fmt_num, Chart, ChartData, Series};
use super::controls::SettingControl;
use super::diagram::clients_load;
use super::group::state_words;
use crate::live::Live;
use crate::security::Security;
use crate::selection::Selected;
use crate::settings::{find, Setting};
use leptos::prelude::*;
use sahara_sim::scenario::{ChangeByOther, OtherChange};
use sahara_sim::{Change, Condition, InstanceId, SimDuration};

#[component]
pub fn Inspector(
    live: Live,
    selected: RwSignal<Option<Selected>>,
    security: Security,
) -> impl IntoView {
    view! {
        <section class="inspector" aria-label="Selection" aria-live="polite">
            {move || match selected.get() {
                None => view! { <p class="hint">"Click a client, load balancer, instance or the database to inspect it."</p> }.into_any(),
                Some(Selected::Instance(id)) => instance(live, id).into_any(),
                Some(Selected::Balancer(s)) => balancer(live, s).into_any(),
                Some(Selected::Database) => view! {
                    <h2>"Database"</h2>
                    <p>{move || live.snapshot.with(|s| format!(
                        "{}{} of {} connections busy, {} queries queued, {:.0}% busy over the last second.",
                        if s.database.down { "Down: every call fails. " } else { "" },
                        s.database.busy, s.database.connections, s.database.queue, s.database.utilisation * 100.0))}</p>
                    <p data-capacity>{move || live.scenario.with(|s| capacity_words(&s.database))}</p>
                    <Chart title="Throughput with every connection busy" unit="queries/s" no_values=true
                        data=Signal::derive(move || live.scenario.with(|s| throughput_curve(&s.database))) />
                    <SettingControl live setting=setting("db_connections") service=String::new() id_prefix="inspect-" />
                    <SettingControl live setting=setting("db_contention") service=String::new() id_prefix="inspect-" />
                    <SettingControl live setting=setting("db_coherency") service=String::new() id_prefix="inspect-" />
                    <SettingControl live setting=setting("db_replicas") service=String::new() id_prefix="inspect-" />
                    <div class="actions">
                        <button type="button" class="danger"
                            on:click=move |_| live.apply(Change::FailDatabase { duration: SimDuration::from_secs(60) })>
                            "Fail it for 60 s"
                        </button>
                    </div>
                }.into_any(),
                Some(Selected::Clients) => view! {
                    <h2>"Clients"</h2>
                    <p>{move || live.snapshot.with(|s| format!("Sending {} right now.", clients_load(&s.clients)))}</p>
                    <SettingControl live setting=setting("rate") service=String::new() id_prefix="inspect-" />
                }.into_any(),
            }}
            {move || selected.get().map(|node| breach(live, security, node))}
        </section>
    }
}

/// Fallacy 4: stage a breach of the selected node, and see on the diagram
/// what it reaches in a flat or a segmented network.
fn breach(live: Live, security: Security, node: Selected) -> impl IntoView {
    let held = move || security.compromised.get() == Some(node);
    view! {
        <div class="breach">
            <button type="button" class="danger" aria-pressed=move || held().to_string()
                on:click=move |_| security.compromised.set(if held() { None } else { Some(node) })>
                {move || if held() { "Clear the breach" } else { "Compromise this node" }}
            </button>
            <label class="field toggle" title="Defence in depth: each node may reach only what its job needs.">
                <input type="checkbox" prop:checked=move || security.segmented.get()
                    on:change=move |ev| security.segmented.set(event_target_checked(&ev)) />
                "Segmented network"
            </label>
            <p class="hint" data-breach>{move || live.snapshot.with(|s| security.summary(s))}</p>
        </div>
    }
}

fn instance(live: Live, id: InstanceId) -> impl IntoView {
    let view_of = move || {
        live.snapshot.with(|s| {
            s.services
                .iter()
                .flat_map(|x| x.instances.iter())
                .find(|i| i.id == id)
                .cloned()
        })
    };
    move || match view_of() {
        None => {
            view! { <h2>{format!("Instance {id}")}</h2><p>"This instance is gone."</p> }.into_any()
        }
        Some(i) => {
            let faulty = i.condition != Condition::Ok || i.slow_factor != 1.0;
            view! {
                <h2>{format!("Instance {} · {} · zone {}", i.id, i.address, sahara_sim::zone_name(i.zone))}</h2>
                <p>{format!(
                    "{}. {} of {} workers busy ({} for clients that already gave up), {} queued, {:.0}% busy over the last second; up {:.0} s; served {}.",
                    capitalise(&state_words(&i)), i.busy, i.workers, i.orphaned, i.queue, i.utilisation * 100.0, i.age_s, i.served)}</p>
                <div class="actions">
                    <button type="button" class="danger" on:click=move |_| live.apply(Change::KillInstance(id))>"Kill"</button>
                    <button type="button" class="danger" on:click=move |_| live.apply(Change::FailInstance(id))>"Fail host"</button>
                    <button type="button" class="danger" on:click=move |_| live.apply(Change::HangInstance(id))>"Hang"</button>
                    <button type="button" class="danger" on:click=move |_| live.apply(Change::SlowInstance(id, 10.0))>"Slow ×10"</button>
                    <button type="button" disabled=!faulty on:click=move |_| live.apply(Change::RepairInstance(id))>"Repair"</button>
                </div>
            }.into_any()
        }
    }
}

fn balancer(live: Live, s: usize) -> impl IntoView {
    let name = Signal::derive(move || {
        live.snapshot.with(|x| {
            x.services
                .get(s)
                .map(|v| v.name.clone())
                .unwrap_or_default()
        })
    });
    // Fallacy 6: what others may do to the service, unannounced.
    let by = move |who: &str, kind: OtherChange| {
        let scenario = live.scenario.get_untracked();
        let service = name.get_untracked();
        let mut change = ChangeByOther {
            at_s: 0.0,
            who: who.into(),
            service: service.clone(),
            kind,
            factor: None,
            rate_rps: None,
            burst: None,
            zone: None,
            duration_s: Some(60.0),
        };
        match kind {
            OtherChange::SlowDeploy => change.factor = Some(3.0),
            OtherChange::RateLimit => {
                let offered = scenario.traffic.rate_rps * scenario.share_of(&service);
                let half = (offered / 2.0).round().max(1.0);
                (change.rate_rps, change.burst) = (Some(half), Some(half as u32));
            }
            OtherChange::BlockPath => change.zone = (scenario.zones > 1).then_some(0),
            OtherChange::RetireInstance => change.duration_s = None,
        }
        live.apply(Change::ByOther(change));
    };
    view! {
        <h2>{move || format!("Load balancer of {}", name.get())}</h2>
        <SettingControl live setting=setting("balancer") service=name id_prefix="inspect-" />
        <h3>"Changed by someone else, unannounced"</h3>
        <div class="actions">
            <button type="button" class="danger" on:click=move |_| by("another team", OtherChange::SlowDeploy)>"A deploy: 3× slower"</button>
            <button type="button" class="danger" on:click=move |_| by("the platform team", OtherChange::RateLimit)>"A rate limit: half its load"</button>
            <button type="button" class="danger" on:click=move |_| by("a network administrator", OtherChange::BlockPath)>
                {move || if live.scenario.with(|s| s.zones > 1) { "A firewall rule: path to zone a blocked" } else { "A firewall rule: its path blocked" }}
            </button>
            <button type="button" class="danger" on:click=move |_| by("AWS", OtherChange::RetireInstance)>"AWS retires an instance"</button>
        </div>
        <p class="hint">"Each lasts 60 s (a retirement for good): watch what the clients' timeouts, retries and breakers make of it."</p>
    }
}

/// What its connection limit allows, by the Universal Scalability Law.
fn capacity_words(db: &sahara_sim::scenario::Database) -> String {
    let replicas = match db.read_replicas {
        0 => String::new(),
        n => format!(" (each of its {n} read replicas as many reads)"),
    };
    let now = format!(
        "With {} connections busy it completes at most {} queries a second{replicas}.",
        db.connections,
        fmt_num(db.throughput(db.connections))
    );
    match db.peak_connections() {
        Some(peak) => format!(
            "{now} It completes the most, {} a second, with {peak}: beyond that, more connections make it slower.",
            fmt_num(db.throughput(peak))
        ),
        None => format!("{now} Without coherency costs, more connections always add throughput."),
    }
}

/// The law's curve from one connection to well past the peak and the
/// current limit, and over it the part up to the current limit.
fn throughput_curve(db: &sahara_sim::scenario::Database) -> ChartData {
    let last = (2 * db.peak_connections().unwrap_or(0))
        .max(2 * db.connections)
        .clamp(16, 500);
    let curve = |to: u32| (1..=to).map(|n| db.throughput(n)).collect();
    ChartData {
        x0: 1.0,
        x_unit: " connections",
        series: vec![
            Series {
                label: "the law".into(),
                class: "s7",
                values: curve(last),
            },
            Series {
                label: format!("up to {} connections (now)", db.connections),
                class: "s4",
                values: curve(db.connections),
            },
        ],
        compared_from: None,
    }
}

/// The state words begin with an ASCII letter; ASCII case keeps
/// Unicode's case tables (about 6 KB gzipped) out of the wasm.
fn capitalise(s: &str) -> String {
    let mut out = s.to_string();
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    out
}

/// A setting of the catalogue that this file names; the catalogue's own
/// tests make sure every name here exists.
fn setting(id: &str) -> &'static Setting {
    find(id).unwrap_or(&crate::settings::SETTINGS[0])
}
