//! Run totals in large figures: what a lecturer points at.

use crate::live::Live;
use leptos::prelude::*;
use sahara_sim::Outcome;

#[component]
pub fn Counters(live: Live) -> impl IntoView {
    let t = move |f: fn(&sahara_sim::Totals) -> u64| {
        move || live.snapshot.with(|s| f(&s.totals).to_string())
    };
    let failed = |t: &sahara_sim::Totals| t.finished_total() - t.outcome(Outcome::Success);
    view! {
        <dl class="counters" aria-label="Run totals">
            <div><dt>"Requests"</dt><dd data-counter="requests">{t(|t| t.requests)}</dd></div>
            <div><dt>"Succeeded"</dt><dd data-counter="success">{t(|t| t.outcome(Outcome::Success))}</dd></div>
            <div><dt>"Failed"</dt><dd data-counter="failed">{t(failed)}</dd></div>
            <div><dt>"Attempts"</dt><dd data-counter="attempts">{t(|t| t.attempts)}</dd></div>
            <div><dt>"Retries"</dt><dd data-counter="retries">{t(|t| t.retries)}</dd></div>
            <div title="A resent add-to-cart or checkout that executed again: a duplicate cart item or a double charge.">
                <dt>"Duplicates"</dt><dd data-counter="duplicates">{t(|t| t.duplicates)}</dd>
            </div>
            <div><dt>"Gave up"</dt><dd data-counter="gave-up">{t(|t| t.gave_up)}</dd></div>
            <div title="Jobs an instance finished after their client had given up on them: work nobody uses, unless cancellation stops it.">
                <dt>"Wasted work"</dt><dd data-counter="wasted">{t(|t| t.wasted)}</dd>
            </div>
            <div><dt>"In flight"</dt><dd data-counter="in-flight">{move || live.snapshot.with(|s| s.requests_in_flight.to_string())}</dd></div>
            <div title="At the scenario's AWS prices: instance-hours, load balancers, data out to the internet and across zones (Fallacy 7: transport cost is not zero).">
                <dt>"Cost"</dt>
                <dd data-counter="cost">{move || {
                    live.second.track();
                    format!("${:.4}", live.with_sim(|s| s.metrics().latest().map_or(0.0, |x| x.cost_usd)))
                }}</dd>
                <dd class="breakdown" data-counter="cost-breakdown">{move || {
                    live.second.track();
                    let c = live.with_sim(|s| s.cost());
                    format!(
                        "instances ${:.4} · load balancers ${:.4} · internet out ${:.4} · across zones ${:.4} · ${:.2}/h · ${:.2} per million requests",
                        c.instance_usd, c.load_balancer_usd, c.transfer.internet_out_usd, c.transfer.cross_zone_usd, c.usd_per_hour, c.usd_per_million_requests
                    )
                }}</dd>
            </div>
        </dl>
        <p class="fingerprint" title="The same scenario, seed and time give the same fingerprint here and in the command-line simulator (sahara-sim run … --json prints it as digest).">
            "Run fingerprint " <code data-fingerprint>{move || {
                // A fingerprint that changes every frame cannot be read:
                // while playing it follows the closing seconds, paused
                // every step and change.
                if live.playing().get() { live.second.track() } else { live.snapshot.track() }
                format!("{:016x}", live.fingerprint())
            }}</code>
        </p>
    }
}
