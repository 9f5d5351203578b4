//! The tour panel: the current step of the lecture's tour in three moves —
//! its question (a guess on a slider, or a choice; skippable), its run
//! (with the time it has left and a way to its end now), and its reveal
//! (this run's figures beside the same figures over many seeds, the
//! theory and the guess; what it means; what to try next, with the
//! controls at hand) — then previous / next and the contents.

use super::controls::SettingControl;
use super::slider::Slider;
use crate::live::Live;
use crate::range::Range;
use crate::settings;
use crate::tour::{format, right_choice, steps, Guess, Phase, Run, Step, Tour};
use leptos::prelude::*;

#[component]
pub fn TourPanel(live: Live, tour: Tour) -> impl IntoView {
    move || match tour.step.get().and_then(|i| steps().get(i).map(|s| (i, s))) {
        None => view! {
            <section class="tour closed" aria-label="Tour">
                <button type="button" class="primary" on:click=move |_| tour.go(live, 0)>
                    "Start the lecture tour (" {steps().len()} " steps)"
                </button>
            </section>
        }
        .into_any(),
        Some((index, step)) => step_view(live, tour, index, step).into_any(),
    }
}

fn step_view(live: Live, tour: Tour, index: usize, step: &'static Step) -> impl IntoView {
    view! {
        <section class="tour" aria-label="Tour" aria-live="polite">
            <p class="tour-progress">"Tour · step " {index + 1} " of " {steps().len()}</p>
            <h2>{step.title.as_ref()}</h2>
            <p>{step.body.as_ref()}</p>
            {(!step.terms.is_empty()).then(|| view! {
                <dl class="terms">
                    {step.terms.iter().enumerate().map(|(t, term)| view! {
                        <dt>
                            <button type="button" class="link" aria-pressed=move || (tour.term.get() == Some(t)).to_string()
                                on:click=move |_| tour.term.update(|x| *x = if *x == Some(t) { None } else { Some(t) })>
                                {term.name.as_ref()}
                            </button>
                        </dt>
                        <dd>{term.meaning.as_ref()}</dd>
                    }).collect_view()}
                </dl>
                <p class="hint">"Pick a term to see it on the diagram."</p>
            })}
            {move || match tour.phase().get() {
                Phase::Ask => question(live, tour, step).into_any(),
                Phase::Running => running(live, tour, step).into_any(),
                Phase::Revealed => reveal(live, tour, step).into_any(),
            }}
            <nav class="tour-nav" aria-label="Tour steps">
                <button type="button" disabled=index == 0 on:click=move |_| tour.advance(live, -1)>"← Previous"</button>
                <button type="button" class="primary" disabled=index + 1 == steps().len() on:click=move |_| tour.advance(live, 1)>"Next →"</button>
                <button type="button" on:click=move |_| tour.step.set(None)>"Close tour"</button>
            </nav>
            <details class="contents">
                <summary>"Contents"</summary>
                <ol>
                    {steps().iter().enumerate().map(|(i, s)| view! {
                        <li><button type="button" class="link" aria-current=(i == index).then_some("step") on:click=move |_| tour.go(live, i)>{s.title.as_ref()}</button></li>
                    }).collect_view()}
                </ol>
            </details>
        </section>
    }
}

/// The question, before anything runs: a guess on a slider, or one of
/// three choices; "Run" takes it, "Skip" runs without one.
fn question(live: Live, tour: Tour, step: &'static Step) -> impl IntoView {
    let q = &step.question;
    let guess = RwSignal::new(None::<Guess>);
    let answer = q.guess.map(|g| {
        let range = Range::linear(g.min, g.max, g.step);
        let value = Signal::derive(move || match guess.get() {
            Some(Guess::Number(v)) => v,
            _ => g.min,
        });
        view! {
            <Slider id="tour-guess" label="Your guess" unit="" range value
                on_change=Callback::new(move |v| guess.set(Some(Guess::Number(v)))) />
        }
    });
    let choices = q.choices.as_ref().map(|choices| {
        view! {
            <div class="choices" role="group" aria-label="Your answer">
                {choices.iter().enumerate().map(|(k, text)| view! {
                    <button type="button" aria-pressed=move || (guess.get() == Some(Guess::Choice(k))).to_string()
                        on:click=move |_| guess.set(Some(Guess::Choice(k)))>{text.as_ref()}</button>
                }).collect_view()}
            </div>
        }
    });
    view! {
        <div class="question">
            <h3>"Predict"</h3>
            <p>{q.ask.as_ref()}</p>
            {answer}
            {choices}
            <p class="actions">
                <button type="button" class="primary" disabled=move || guess.get().is_none()
                    on:click=move |_| tour.run(live, guess.get_untracked())>"Run it"</button>
                <button type="button" on:click=move |_| tour.run(live, None)>"Skip the question and run"</button>
            </p>
        </div>
    }
}

/// The run playing: how far it is, and its end now.
fn running(live: Live, tour: Tour, step: &'static Step) -> impl IntoView {
    let t = move || live.snapshot.with(|s| s.time.as_secs_f64());
    view! {
        <div class="running">
            <p role="status">
                "Running" {(!step.compare.is_empty()).then_some(" A and B")} ": "
                {move || format!("{:.0}", t())} " of " {step.run_s} " simulated seconds at " {step.speed} "×."
            </p>
            <button type="button" class="primary" on:click=move |_| tour.finish(live)>"Show the result now"</button>
        </div>
    }
}

/// The figures: this run, over many seeds, the theory; the guess beside
/// them; then what it means and what to try.
fn reveal(live: Live, tour: Tour, step: &'static Step) -> impl IntoView {
    let measured = tour.measured();
    let guess = tour.guess().get_untracked();
    let compares = !step.compare.is_empty();
    let seed = live.scenario.with_untracked(|s| s.seed);
    let rows = step
        .figure
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let this_run = move || {
                measured
                    .with(|m| m.get(i).copied().flatten())
                    .map_or("–".to_string(), |v| format(v, f.decimals))
            };
            let run = compares.then_some(if f.run == Run::B { " (B)" } else { " (A)" });
            view! {
                <tr>
                    <th scope="row">{f.label.as_ref()}{run}</th>
                    <td>{this_run}</td>
                    <td>{format(f.mean, f.decimals)} " ± " {format(f.ci95, f.decimals)}</td>
                    <td>
                        {f.theory.map(|t| t.to_string())}
                        {(!f.rule.is_empty()).then(|| view! { <small>{f.rule.as_ref()}</small> })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let said = match (guess, &step.question.choices, step.figure.first()) {
        (Some(Guess::Number(v)), _, Some(f)) => Some(format!(
            "Your guess: {} for {}.",
            format(v, f.decimals),
            f.label
        )),
        (Some(Guess::Choice(k)), Some(choices), _) => Some(format!("You said: {}.", choices[k])),
        _ => None,
    };
    let answer = step.question.choices.as_ref().and_then(|choices| {
        let (first, second) = (step.figure.first()?, step.figure.get(1)?);
        Some(format!(
            " Over {} seeds: {}.",
            second.seeds,
            choices[right_choice(first, second)]
        ))
    });
    let first_service = move || {
        live.scenario.with(|s| {
            s.services
                .first()
                .map(|x| x.name.clone())
                .unwrap_or_default()
        })
    };
    view! {
        <div class="reveal">
            <h3>"Result"</h3>
            <p class="verdict">{said}<strong>{answer}</strong></p>
            <table>
                <thead><tr>
                    <th scope="col">"At " {step.run_s} " s"</th>
                    <th scope="col">"Seed " {seed}</th>
                    <th scope="col">{step.figure.first().map(|f| f.seeds)} " seeds, 95 %"</th>
                    <th scope="col">"Theory"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <p class="notice">{step.reveal.as_ref()}</p>
            {(!step.try_this.is_empty()).then(|| view! {
                <h3>"Try this"</h3>
                <ul class="try">
                    {step.try_this.iter().map(|t| view! {
                        <li>
                            {t.text.as_ref()}
                            {t.setting.as_deref().and_then(settings::find).map(|setting| view! {
                                <SettingControl live setting service=Signal::derive(first_service) id_prefix="tour-" />
                            })}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            <button type="button" on:click=move |_| tour.go(live, tour.step.get_untracked().unwrap_or(0))>"Ask again"</button>
        </div>
    }
}
