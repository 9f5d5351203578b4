//! The load-balancing algorithm picker, used by the controls panel and the
//! inspector alike.

use super::diagram::balancer_name;
use crate::live::Live;
use leptos::prelude::*;
use sahara_sim::scenario::Balancer;

const ALGORITHMS: [Balancer; 5] = [
    Balancer::RoundRobin,
    Balancer::Random,
    Balancer::LeastOutstanding,
    Balancer::PowerOfTwo,
    Balancer::None,
];

/// A labelled select that sets `services.<service>.balancer` live.
#[component]
pub fn BalancerSelect(live: Live, #[prop(into)] service: Signal<String>) -> impl IntoView {
    let current = move || {
        live.scenario.with(|s| {
            s.services
                .iter()
                .find(|x| x.name == service.get())
                .map(|x| x.balancer.as_str())
                .unwrap_or_default()
        })
    };
    view! {
        <label class="field">
            "Load balancer "
            <select
                aria-label=move || format!("Load-balancing algorithm of {}", service.get())
                prop:value=current
                on:change=move |ev| live.set(&format!("services.{}.balancer", service.get_untracked()), event_target_value(&ev))
            >
                {ALGORITHMS.into_iter().map(|b| view! { <option value=b.as_str()>{balancer_name(b)}</option> }).collect_view()}
            </select>
        </label>
    }
}
