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
    let geometry = Memo::new(move |_| data.with(layout));
    view! {
        <figure class="chart" class:compare=move || data.with(|d| d.compared_from.is_some())>
            <figcaption>{title} " " <span class="unit">"(" {unit} ")"</span></figcaption>
            <span class="picture">
                <button type="button" title="Download this chart as SVG" on:click=move |ev| picture(&ev, title, false)>"SVG"</button>
                <button type="button" title="Download this chart as PNG" on:click=move |ev| picture(&ev, title, true)>"PNG"</button>
            </span>
            <svg
                viewBox=format!("0 0 {W} {H}")
                role="img"
                aria-label=move || describe(title, unit, &data.get())
                preserveAspectRatio="none"
            >
                {move || {
                    let g = geometry.get();
                    view! {
                        <g class="axis">
                            <line x1=LEFT y1=TOP x2=LEFT y2=H - BOTTOM />
                            <line x1=LEFT y1=H - BOTTOM x2=W y2=H - BOTTOM />
                            <text x=LEFT - 4.0 y=TOP + 8.0 text-anchor="end">{fmt_num(g.y_max)}</text>
                            <text x=LEFT - 4.0 y=H - BOTTOM text-anchor="end">"0"</text>
                            <text x=LEFT y=H - 4.0>{format!("{:.0}", g.x0)}</text>
                            <text x=W y=H - 4.0 text-anchor="end">{format!("{:.0}{}", g.x1, g.x_unit)}</text>
                        </g>
                        {g.paths.into_iter().map(|(class, d)| view! {
                            <path class=format!("line {class}") d=d vector-effect="non-scaling-stroke" />
                        }).collect_view()}
                    }
                }}
            </svg>
            <ul class="legend">
                {move || data.with(|d| d.lines().map(|(s, compared)| legend_item(s, compared, no_values)).collect_view())}
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

/// A line's entry in the legend: its swatch, its name and, unless
/// `no_values`, its last value.
fn legend_item(s: &Series, compared: bool, no_values: bool) -> impl IntoView {
    let last = s
        .values
        .last()
        .map(|v| fmt_num(*v))
        .unwrap_or_else(|| "–".into());
    view! {
        <li>
            <span class=format!("swatch {}", s.class) class:compared=compared></span>
            {s.label.clone()}
            {(!no_values).then(|| view! { ": " <b>{last}</b> })}
        </li>
    }
}

#[derive(Clone, PartialEq)]
struct Geometry {
    y_max: f64,
    x0: f64,
    x1: f64,
    x_unit: &'static str,
    paths: Vec<(String, String)>,
}

fn layout(data: &ChartData) -> Geometry {
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
    let paths = data
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
            let class = if compared {
                format!("{} compared", s.class)
            } else {
                s.class.to_string()
            };
            (class, d)
        })
        .collect();
    Geometry {
        y_max,
        x0: data.x0,
        x1: data.x1(),
        x_unit: data.x_unit,
        paths,
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
    fn layout_spans_the_plot_and_maps_the_peak_to_the_top() {
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
        let g = layout(&data);
        assert_eq!(g.y_max, 10.0);
        assert_eq!((g.x0, g.x1), (10.0, 12.0));
        assert_eq!(
            g.paths[0].1,
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
