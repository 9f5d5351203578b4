//! A small owned SVG line chart: lines over evenly spaced x values (the
//! seconds of a sliding window, or connection counts). Owned rather than a
//! charting crate: the charts need lines and nothing more, and this costs a
//! few KB of wasm where plotting crates cost hundreds.

use leptos::prelude::*;

/// One line of a chart.
#[derive(Clone, PartialEq)]
pub struct Series {
    pub label: String,
    /// CSS class that sets the stroke colour and dash pattern (dashes so that
    /// lines differ by more than colour).
    pub class: &'static str,
    pub values: Vec<f64>,
}

/// What a chart draws: lines over the same x values, one apart, newest
/// last.
#[derive(Clone, PartialEq, Default)]
pub struct ChartData {
    /// The x of the first value (a simulated second, a connection count).
    pub x0: f64,
    /// What x counts, after its number on the axis: " s", " connections".
    pub x_unit: &'static str,
    pub series: Vec<Series>,
    /// In compare mode, where the compared run's lines (B) begin: they are
    /// drawn dashed, the leading run's (A) solid.
    pub compared_from: Option<usize>,
}

impl ChartData {
    /// These lines with `other`'s after them as the compared run's (B),
    /// labelled so; the x values are this chart's.
    pub fn compared_with(mut self, other: ChartData) -> ChartData {
        self.compared_from = Some(self.series.len());
        self.series.extend(other.series.into_iter().map(|s| Series {
            label: format!("{} (B)", s.label),
            ..s
        }));
        self
    }

    /// Each line, and whether it is the compared run's.
    fn lines(&self) -> impl Iterator<Item = (&Series, bool)> {
        let from = self.compared_from.unwrap_or(usize::MAX);
        self.series
            .iter()
            .enumerate()
            .map(move |(i, s)| (s, i >= from))
    }

    /// Values in the longest line.
    fn len(&self) -> usize {
        self.series
            .iter()
            .map(|s| s.values.len())
            .max()
            .unwrap_or(0)
    }

    /// The x of the last value.
    fn x1(&self) -> f64 {
        self.x0 + self.len().saturating_sub(1) as f64
    }
}

const W: f64 = 320.0;
const H: f64 = 120.0;
const LEFT: f64 = 40.0;
const BOTTOM: f64 = 18.0;
const TOP: f64 = 6.0;

/// A titled line chart with a y axis from 0 to a round maximum, an x axis
/// and a legend; the last value of each line is in the legend too.
///
/// A chart off screen keeps what it last drew and does not read `data`
/// until it is on screen again: redrawing charts nobody sees was most of
/// the work of the frame in which a simulated second closes. Each label,
/// line and legend entry is its own node, changed only when its text does.
#[component]
pub fn Chart(
    title: &'static str,
    unit: &'static str,
    #[prop(into)] data: Signal<ChartData>,
    /// Leave the last values out of the legend (a curve, not a window of
    /// time, whose last value is no "now").
    #[prop(optional)]
    no_values: bool,
) -> impl IntoView {
    let figure = NodeRef::<leptos::html::Figure>::new();
    let seen = super::observers::on_screen(figure);
    let drawing = Memo::new_owning(move |shown: Option<Drawing>| match shown {
        Some(shown) if !seen.get() => (shown, false),
        shown => {
            let now = data.with(|d| draw(title, unit, d));
            let changed = shown.as_ref() != Some(&now);
            (now, changed)
        }
    });
    let count = Memo::new(move |_| drawing.with(|d| d.lines.len()));
    let text = move |f: fn(&Drawing) -> String| move || drawing.with(f);
    let line = move |i: usize, f: fn(&Line) -> String| {
        move || drawing.with(|d| d.lines.get(i).map(f).unwrap_or_default())
    };
    view! {
        <figure node_ref=figure class="chart" class:compare=move || drawing.with(|d| d.compared)>
            <figcaption>{title} " " <span class="unit">"(" {unit} ")"</span></figcaption>
            <span class="picture">
                <button type="button" title="Download this chart as SVG" on:click=move |ev| picture(&ev, title, false)>"SVG"</button>
                <button type="button" title="Download this chart as PNG" on:click=move |ev| picture(&ev, title, true)>"PNG"</button>
            </span>
            <svg
                viewBox=format!("0 0 {W} {H}")
                role="img"
                aria-label=text(|d| d.described.clone())
                preserveAspectRatio="none"
            >
                <g class="axis">
                    <line x1=LEFT y1=TOP x2=LEFT y2=H - BOTTOM />
                    <line x1=LEFT y1=H - BOTTOM x2=W y2=H - BOTTOM />
                    <text x=LEFT - 4.0 y=TOP + 8.0 text-anchor="end">{text(|d| d.y_max.clone())}</text>
                    <text x=LEFT - 4.0 y=H - BOTTOM text-anchor="end">"0"</text>
                    <text x=LEFT y=H - 4.0>{text(|d| d.x0.clone())}</text>
                    <text x=W y=H - 4.0 text-anchor="end">{text(|d| d.x1.clone())}</text>
                </g>
                {move || (0..count.get()).map(|i| view! {
                    <path class=line(i, |l| format!("line {}", l.class)) d=line(i, |l| l.d.clone()) vector-effect="non-scaling-stroke" />
                }).collect_view()}
            </svg>
            <ul class="legend">
                {move || (0..count.get()).map(|i| view! {
                    <li>
                        <span class=line(i, |l| format!("swatch {}", l.class))></span>
                        {line(i, |l| l.label.clone())}
                        {(!no_values).then(|| view! { ": " <b>{line(i, |l| l.last.clone())}</b> })}
                    </li>
                }).collect_view()}
            </ul>
        </figure>
    }
}

/// Saves the chart of the clicked button as a picture named after its
/// title (`Goodput vs offered load` → `goodput-vs-offered-load.svg`).
fn picture(ev: &leptos::ev::MouseEvent, title: &str, png: bool) {
    use wasm_bindgen::JsCast;
    let Some(button) = ev.target().and_then(|t| t.dyn_into().ok()) else {
        return;
    };
    let name: String = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("-");
    crate::download::save_chart(&button, &name, png);
}

/// What a chart draws, as the text of its nodes: equal from second to
/// second unless something a person could see changed.
#[derive(Clone, PartialEq)]
struct Drawing {
    /// The y axis's top, and the x axis's first and last values.
    y_max: String,
    x0: String,
    x1: String,
    lines: Vec<Line>,
    /// Whether a compared run's lines are drawn too.
    compared: bool,
    /// Each line's last value in a sentence, for screen readers.
    described: String,
}

#[derive(Clone, PartialEq)]
struct Line {
    /// The line's CSS classes, without "line"/"swatch".
    class: String,
    label: String,
    /// Its last value, for the legend.
    last: String,
    /// The SVG path.
    d: String,
}

fn draw(title: &str, unit: &str, data: &ChartData) -> Drawing {
    let n = data.len();
    let peak = data
        .series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    let y_max = nice_ceiling(peak);
    let x_step = if n > 1 {
        (W - LEFT) / (n - 1) as f64
    } else {
        0.0
    };
    let y_of = |v: f64| H - BOTTOM - (v.clamp(0.0, y_max) / y_max) * (H - BOTTOM - TOP);
    let lines = data
        .lines()
        .map(|(s, compared)| {
            let mut d = String::with_capacity(s.values.len() * 14);
            for (i, v) in s.values.iter().enumerate() {
                if !v.is_finite() {
                    continue;
                }
                let cmd = if d.is_empty() { 'M' } else { 'L' };
                d.push_str(&format!(
                    "{cmd}{:.1},{:.1}",
                    LEFT + i as f64 * x_step,
                    y_of(*v)
                ));
            }
            Line {
                class: if compared {
                    format!("{} compared", s.class)
                } else {
                    s.class.to_string()
                },
                label: s.label.clone(),
                last: s.values.last().map_or_else(|| "–".into(), |v| fmt_num(*v)),
                d,
            }
        })
        .collect();
    Drawing {
        y_max: fmt_num(y_max),
        x0: format!("{:.0}", data.x0),
        x1: format!("{:.0}{}", data.x1(), data.x_unit),
        lines,
        compared: data.compared_from.is_some(),
        described: describe(title, unit, data),
    }
}

/// The smallest of 1, 2, 2.5, 5 × 10^k at or above `v`, so the axis reads well.
fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let magnitude = libm::pow(10.0, libm::floor(libm::log10(v)));
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|c| *c >= v)
        .unwrap_or(10.0 * magnitude)
}

/// Compact number for axes and legends: 1234 → "1.2k".
pub fn fmt_num(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 10.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// A sentence for screen readers: each line's last value.
fn describe(title: &str, unit: &str, data: &ChartData) -> String {
    let x = data.x1();
    let latest: Vec<String> = data
        .series
        .iter()
        .map(|s| match s.values.last() {
            Some(v) => format!("{} {} {unit}", s.label, fmt_num(*v)),
            None => format!("{} no data yet", s.label),
        })
        .collect();
    format!("{title}, at {x:.0}{}: {}", data.x_unit, latest.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ceiling_rounds_up_to_a_readable_value() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(1.5), 2.0);
        assert_eq!(nice_ceiling(230.0), 250.0);
        assert_eq!(nice_ceiling(2000.0), 2000.0);
    }

    #[test]
    fn drawing_spans_the_plot_and_maps_the_peak_to_the_top() {
        let data = ChartData {
            x0: 10.0,
            x_unit: " s",
            series: vec![Series {
                label: "a".into(),
                class: "a",
                values: vec![0.0, 5.0, 10.0],
            }],
            compared_from: None,
        };
        let g = draw("A", "u", &data);
        assert_eq!(g.y_max, "10");
        assert_eq!((g.x0.as_str(), g.x1.as_str()), ("10", "12 s"));
        assert_eq!(g.lines[0].last, "10");
        assert_eq!(
            g.lines[0].d,
            format!(
                "M{LEFT:.1},{:.1}L180.0,{:.1}L320.0,{TOP:.1}",
                H - BOTTOM,
                (H - BOTTOM + TOP) / 2.0
            )
        );
    }

    #[test]
    fn compact_numbers() {
        assert_eq!(fmt_num(1234.0), "1.2k");
        assert_eq!(fmt_num(25_000.0), "25k");
        assert_eq!(fmt_num(0.5), "0.50");
        assert_eq!(fmt_num(42.0), "42");
        assert_eq!(fmt_num(7.0), "7");
    }
}
