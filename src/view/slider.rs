//! A labelled slider with a typed-in twin: the one control every parameter
//! uses, so they all look, validate and announce alike.

use crate::range::{fmt, Range, TRACK};
use leptos::prelude::*;
use sahara_sim::scenario::parse_number;

/// A slider and a number box for one value. `on_change` gets every valid
/// value the person sets; invalid typing shows why and changes nothing.
#[component]
pub fn Slider(
    /// Unique id, used for the label and for tests.
    #[prop(into)]
    id: String,
    label: &'static str,
    unit: &'static str,
    range: Range,
    #[prop(into)] value: Signal<f64>,
    #[prop(into)] on_change: Callback<f64>,
    /// One sentence of what it does, shown on hover and read by screen readers.
    #[prop(optional)]
    help: &'static str,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let commit = move |v: f64| {
        error.set(None);
        on_change.run(v);
    };
    view! {
        <div class="slider" title=help>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                type="range"
                min="0"
                max=TRACK
                step="1"
                aria-describedby=help_id.clone()
                aria-valuetext=move || format!("{} {unit}", fmt(value.get()))
                prop:value=move || range.track_of(value.get())
                on:input=move |ev| {
                    if let Some(t) = parse_number(&event_target_value(&ev)) {
                        commit(range.value_at(t));
                    }
                }
            />
            <span class="value">
                <input
                    type="number"
                    inputmode="decimal"
                    aria-label=if unit.is_empty() { label.to_string() } else { format!("{label} ({unit})") }
                    aria-invalid=move || error.with(|e| e.is_some()).to_string()
                    aria-errormessage=error_id.clone()
                    min=range.min
                    max=range.max
                    step="any"
                    prop:value=move || fmt(value.get())
                    on:change=move |ev| match range.parse(&event_target_value(&ev)) {
                        Ok(v) => commit(v),
                        Err(e) => error.set(Some(e)),
                    }
                />
                <span class="unit">{unit}</span>
            </span>
            <span id=help_id class="sr-only">{help}</span>
            <span id=error_id class="error" role="alert">{move || error.get()}</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_track_round_trips_decades() {
        let r = Range::log(1.0, 10_000.0, 1.0);
        assert_eq!(r.track_of(100.0), 500.0);
        assert_eq!(r.value_at(500.0), 100.0);
        assert_eq!(r.value_at(1000.0), 10_000.0);
    }

    #[test]
    fn linear_track_snaps_to_step() {
        let r = Range::linear(0.0, 1.0, 0.01);
        assert_eq!(r.value_at(333.0), 0.33);
        assert_eq!(r.track_of(0.5), 500.0);
    }

    #[test]
    fn typed_values_are_checked() {
        let r = Range::linear(0.0, 1.0, 0.01);
        assert_eq!(r.parse(" 0.25 "), Ok(0.25));
        assert_eq!(r.parse("2"), Err("must be between 0 and 1".into()));
        assert_eq!(r.parse("abc"), Err("“abc” is not a number".into()));
        assert!(r.parse("NaN").is_err());
        assert_eq!(
            Range::linear(1.0, 10.0, 1.0).parse("2.5"),
            Err("must be a whole number".into())
        );
    }

    #[test]
    fn fmt_drops_trailing_zeros() {
        assert_eq!(fmt(0.5), "0.5");
        assert_eq!(fmt(20.0), "20");
        assert_eq!(fmt(249.296), "249.296");
    }
}
