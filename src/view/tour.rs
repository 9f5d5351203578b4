//! The tour panel: the current step of the lecture's tour, what to try
//! (with the control itself at hand), what to notice, previous / next and
//! the contents.

use super::controls::SettingControl;
use crate::live::Live;
use crate::settings;
use crate::tour::{Step, Tour, STEPS};
use leptos::prelude::*;

#[component]
pub fn TourPanel(live: Live, tour: Tour) -> impl IntoView {
    move || match tour.step.get().and_then(|i| STEPS.get(i).map(|s| (i, s))) {
        None => view! {
            <section class="tour closed" aria-label="Tour">
                <button type="button" class="primary" on:click=move |_| tour.go(live, 0)>
                    "Start the lecture tour (" {STEPS.len()} " steps)"
                </button>
            </section>
        }
        .into_any(),
        Some((index, step)) => step_view(live, tour, index, step).into_any(),
    }
}

fn step_view(live: Live, tour: Tour, index: usize, step: &'static Step) -> impl IntoView {
    let first_service = move || {
        live.scenario.with(|s| {
            s.services
                .first()
                .map(|x| x.name.clone())
                .unwrap_or_default()
        })
    };
    view! {
        <section class="tour" aria-label="Tour" aria-live="polite">
            <p class="tour-progress">"Tour · step " {index + 1} " of " {STEPS.len()}</p>
            <h2>{step.title}</h2>
            <p>{step.body}</p>
            {(!step.terms.is_empty()).then(|| view! {
                <dl class="terms">
                    {step.terms.iter().enumerate().map(|(t, term)| view! {
                        <dt>
                            <button type="button" class="link" aria-pressed=move || (tour.term.get() == Some(t)).to_string()
                                on:click=move |_| tour.term.update(|x| *x = if *x == Some(t) { None } else { Some(t) })>
                                {term.name}
                            </button>
                        </dt>
                        <dd>{term.meaning}</dd>
                    }).collect_view()}
                </dl>
                <p class="hint">"Pick a term to see it on the diagram."</p>
            })}
            <h3>"Try this"</h3>
            <ul class="try">
                {step.try_this.iter().map(|t| view! {
                    <li>
                        {t.text}
                        {t.setting.and_then(settings::find).map(|setting| view! {
                            <SettingControl live setting service=Signal::derive(first_service) id_prefix="tour-" />
                        })}
                    </li>
                }).collect_view()}
            </ul>
            <p class="notice"><strong>"What to notice: "</strong>{step.notice}</p>
            <nav class="tour-nav" aria-label="Tour steps">
                <button type="button" disabled=index == 0 on:click=move |_| tour.advance(live, -1)>"← Previous"</button>
                <button type="button" class="primary" disabled=index + 1 == STEPS.len() on:click=move |_| tour.advance(live, 1)>"Next →"</button>
                <button type="button" on:click=move |_| tour.step.set(None)>"Close tour"</button>
            </nav>
            <details class="contents">
                <summary>"Contents"</summary>
                <ol>
                    {STEPS.iter().enumerate().map(|(i, s)| view! {
                        <li><button type="button" class="link" aria-current=(i == index).then_some("step") on:click=move |_| tour.go(live, i)>{s.title}</button></li>
                    }).collect_view()}
                </ol>
            </details>
        </section>
    }
}
