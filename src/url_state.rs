//! The view's state in the page's URL, so any view can be bookmarked,
//! shared and reloaded exactly: the preset, every setting changed from it
//! (by its short name from `settings` where it has one, else by its scenario
//! path), the seed, speed, theme and whether it plays. For example
//! `?scenario=retry-storm&backoff=exponential&jitter=full&speed=4&seed=7`.

use crate::focus::ChartName;
use crate::settings;
use sahara_sim::scenario::parse_number;
use wasm_bindgen::JsValue;

/// Slowest and fastest simulation speeds (simulated seconds per second).
pub const SPEEDS: (f64, f64) = (0.1, 100.0);

/// The latest moment a link may open at: an hour, what the charts hold.
pub const LATEST_T_S: f64 = 3600.0;

/// What a URL asks for, read once when the page opens.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Request {
    pub preset: Option<String>,
    /// Scenario settings as (path, value), in URL order.
    pub changes: Vec<(String, String)>,
    pub speed: Option<f64>,
    pub dark: Option<bool>,
    pub large: bool,
    pub embed: bool,
    /// Short names of the settings an embedded view shows.
    pub controls: Vec<String>,
    /// The charts shown beside the diagram (`charts=attempts,capacity`).
    pub charts: Vec<ChartName>,
    pub autoplay: bool,
    /// The simulated second shown (`t=90`): the run up to it, paused.
    pub t: Option<f64>,
    /// Compare mode: what the second run changes, as (path, value)
    /// (`compare=jitter:full,backoff:exponential`).
    pub compare: Vec<(String, String)>,
    /// The tour step shown (0-based; `step=1` in the URL is the first).
    pub step: Option<usize>,
    /// What in the URL could not be used, in words.
    pub problems: Vec<String>,
}

/// Longest query read, and longest key or value in it: a link is a few
/// hundred bytes; anything far larger is a mistake or an attack.
const MAX_QUERY: usize = 16 * 1024;
const MAX_PART: usize = 1024;

/// Reads the request from `?key=value&…` (without the `?`).
pub fn parse(query: &str) -> Request {
    let mut r = Request::default();
    let mut query = query;
    if query.len() > MAX_QUERY {
        r.problems.push(format!(
            "the link is {} KB long; only its first {} KB were read",
            query.len() / 1024,
            MAX_QUERY / 1024
        ));
        let mut end = MAX_QUERY;
        while !query.is_char_boundary(end) {
            end -= 1;
        }
        query = &query[..query[..end].rfind('&').unwrap_or(0)];
    }
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key.len() > MAX_PART || value.len() > MAX_PART {
            r.problems.push(format!(
                "a setting longer than {MAX_PART} bytes was ignored ({}…)",
                shorten(key)
            ));
            continue;
        }
        let (key, value) = (decode(key), decode(value));
        match key.as_str() {
            "scenario" => r.preset = Some(value),
            "speed" => match parse_number(&value) {
                Some(v) if (SPEEDS.0..=SPEEDS.1).contains(&v) => r.speed = Some(v),
                _ => r.problems.push(format!(
                    "speed={value}: must be a number from {} to {}",
                    SPEEDS.0, SPEEDS.1
                )),
            },
            "theme" => match value.as_str() {
                "dark" => r.dark = Some(true),
                "light" => r.dark = Some(false),
                _ => r
                    .problems
                    .push(format!("theme={value}: must be dark or light")),
            },
            "large" => r.large = value != "false",
            "embed" => r.embed = value != "false",
            "autoplay" => r.autoplay = value != "false",
            "compare" => {
                for item in value.split(',').filter(|i| !i.is_empty()) {
                    match item.split_once(':') {
                        Some((key, v)) => r.compare.push((path_of(key), v.to_string())),
                        None => r.problems.push(format!(
                            "compare: “{item}” is not setting:value (as in compare=jitter:full)"
                        )),
                    }
                }
            }
            "t" => match parse_number(&value) {
                Some(t) if (0.0..=LATEST_T_S).contains(&t) => r.t = Some(t),
                _ => r.problems.push(format!(
                    "t={value}: must be a simulated second from 0 to {LATEST_T_S}"
                )),
            },
            "step" => match value.parse::<usize>() {
                Ok(n) if n >= 1 => r.step = Some(n - 1),
                _ => r
                    .problems
                    .push(format!("step={value}: must be a tour step number from 1")),
            },
            "charts" => {
                let (charts, problem) = ChartName::parse_list(&value);
                r.charts = charts;
                r.problems.extend(problem);
            }
            "controls" => {
                r.controls = value
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .map(str::to_string)
                    .collect()
            }
            _ => r.changes.push((path_of(&key), value)),
        }
    }
    r
}

/// The start of something long, for a notice.
fn shorten(s: &str) -> String {
    s.chars().take(40).collect()
}

/// A scenario path for a query key: the path of a short name, else the key.
pub fn path_of(key: &str) -> String {
    match settings::find(key) {
        Some(s) if !s.group.per_service() => s.path.to_string(),
        _ => key.to_string(),
    }
}

/// What the page shows now, to be written into the URL.
pub struct Current<'a> {
    pub preset: &'a str,
    /// `Scenario::changes_from` the preset.
    pub changes: Vec<(String, String)>,
    pub speed: f64,
    pub dark: bool,
    pub large: bool,
    pub embed: bool,
    pub controls: &'a [String],
    /// Charts a person chose to show beside the diagram (empty: none).
    pub charts: &'a [ChartName],
    pub playing: bool,
    pub step: Option<usize>,
    /// The simulated second shown, when paused past 0.
    pub t: Option<f64>,
    /// Compare mode: how the second run differs, as (path, value).
    pub compare: Vec<(String, String)>,
}

/// The query string (with its `?`) for the current view.
pub fn query(c: &Current) -> String {
    let mut parts = vec![format!("scenario={}", encode(c.preset))];
    for (path, value) in &c.changes {
        let key = settings::short_name(path).unwrap_or(path);
        parts.push(format!("{}={}", encode(key), encode(value)));
    }
    if c.speed != 1.0 {
        parts.push(format!("speed={}", crate::range::fmt(c.speed)));
    }
    if c.dark {
        parts.push("theme=dark".into());
    }
    if c.large {
        parts.push("large".into());
    }
    if c.embed {
        parts.push("embed".into());
    }
    if !c.controls.is_empty() {
        parts.push(format!("controls={}", encode(&c.controls.join(","))));
    }
    if !c.charts.is_empty() {
        let ids: Vec<&str> = c.charts.iter().map(|c| c.id()).collect();
        parts.push(format!("charts={}", ids.join(",")));
    }
    if let Some(step) = c.step {
        parts.push(format!("step={}", step + 1));
    }
    if c.playing {
        parts.push("autoplay".into());
    }
    if !c.compare.is_empty() {
        let items: Vec<String> = c
            .compare
            .iter()
            .map(|(path, value)| format!("{}:{value}", settings::short_name(path).unwrap_or(path)))
            .collect();
        parts.push(format!("compare={}", encode(&items.join(","))));
    }
    if let Some(t) = c.t {
        parts.push(format!("t={}", crate::range::fmt(t)));
    }
    format!("?{}", parts.join("&"))
}

/// The page's query string, without its `?`.
pub fn current_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .map(|s| s.trim_start_matches('?').to_string())
        .unwrap_or_default()
}

/// The page's address without its query, for links to a view of it.
pub fn page_address() -> String {
    web_sys::window()
        .and_then(|w| {
            Some(format!(
                "{}{}",
                w.location().origin().ok()?,
                w.location().pathname().ok()?
            ))
        })
        .unwrap_or_default()
}

/// Replaces the URL's query without reloading or adding a history entry.
pub fn replace_query(query: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(query));
    }
}

/// Percent-encoding for query parts: keeps what reads well in a URL
/// (letters, digits, `-_.~,:`), encodes the rest as UTF-8 bytes.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' | b':' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Undoes `encode` (and `+` for a space); malformed escapes stay as they are.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_names_paths_and_view_keys() {
        let r = parse("scenario=retry-storm&backoff=exponential&jitter=full&speed=4&seed=7&services.cart.instances=3&theme=dark&embed&controls=jitter,backoff");
        assert_eq!(r.preset.as_deref(), Some("retry-storm"));
        assert_eq!(
            r.changes,
            [
                ("client.retry.backoff", "exponential"),
                ("client.retry.jitter", "full"),
                ("seed", "7"),
                ("services.cart.instances", "3"),
            ]
            .map(|(p, v)| (p.to_string(), v.to_string()))
        );
        assert_eq!((r.speed, r.dark, r.embed), (Some(4.0), Some(true), true));
        assert_eq!(r.controls, ["jitter", "backoff"]);
        assert!(r.problems.is_empty());
        let r = parse("charts=attempts,capacity,pie");
        assert_eq!(r.charts, [ChartName::Attempts, ChartName::Capacity]);
        assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    }

    #[test]
    fn bad_view_values_are_reported_not_used() {
        let r = parse("speed=1000&theme=pink&t=-3");
        assert_eq!((r.speed, r.t), (None, None));
        assert_eq!(r.problems.len(), 3);
    }

    #[test]
    fn writes_what_it_reads() {
        let changes = vec![
            ("client.retry.jitter".to_string(), "full".to_string()),
            (
                "traffic.shape".to_string(),
                r#"{"kind":"constant"}"#.to_string(),
            ),
        ];
        let q = query(&Current {
            preset: "retry-storm",
            changes: changes.clone(),
            speed: 4.0,
            dark: true,
            large: false,
            embed: false,
            controls: &[],
            charts: &[ChartName::Latency, ChartName::Load],
            playing: true,
            step: Some(2),
            t: Some(12.5),
            compare: vec![("client.retry.backoff".into(), "exponential".into())],
        });
        assert!(
            q.starts_with("?scenario=retry-storm&jitter=full&traffic.shape=%7B%22kind%22"),
            "{q}"
        );
        let r = parse(q.trim_start_matches('?'));
        assert_eq!(r.changes, changes);
        assert_eq!(
            (r.speed, r.dark, r.autoplay, r.step),
            (Some(4.0), Some(true), true, Some(2))
        );
        assert_eq!(r.charts, [ChartName::Latency, ChartName::Load]);
        assert_eq!(r.t, Some(12.5));
        assert_eq!(
            r.compare,
            [(
                "client.retry.backoff".to_string(),
                "exponential".to_string()
            )]
        );
    }

    /// For every preset: a view with changes is written to a query and read
    /// back to the same scenario (the way `Live::start` rebuilds it).
    #[test]
    fn every_preset_round_trips_through_a_link() {
        for name in sahara_sim::presets::names() {
            let base = sahara_sim::presets::get(name).unwrap();
            let mut changed = base.clone();
            changed.set("seed", "7").unwrap();
            changed.set("client.timeout_ms", "1234.5").unwrap();
            changed
                .set("network.client_to_lb.latency", "home_to_us_east_1")
                .unwrap();
            let q = query(&Current {
                preset: name,
                changes: changed.changes_from(&base),
                speed: 2.5,
                dark: false,
                large: true,
                embed: false,
                controls: &[],
                charts: &[],
                playing: false,
                step: None,
                t: None,
                compare: Vec::new(),
            });
            let r = parse(q.trim_start_matches('?'));
            assert_eq!(r.preset.as_deref(), Some(name));
            assert!(r.problems.is_empty(), "{name}: {:?}", r.problems);
            let mut rebuilt = base.clone();
            for (path, value) in &r.changes {
                rebuilt
                    .set(path, value)
                    .unwrap_or_else(|e| panic!("{name}: {path}={value}: {e}"));
            }
            assert_eq!(rebuilt, changed, "{name}: {q}");
            assert_eq!((r.speed, r.large), (Some(2.5), true));
        }
    }

    #[test]
    fn oversized_links_are_cut_and_said_so() {
        let long = format!("rate=5&junk={}&speed=3", "x".repeat(5000));
        let r = parse(&long);
        assert_eq!(
            r.changes,
            [("traffic.rate_rps".to_string(), "5".to_string())]
        );
        assert_eq!(r.speed, Some(3.0));
        assert!(
            r.problems[0].contains("longer than 1024 bytes"),
            "{:?}",
            r.problems
        );
        let huge = format!("speed=2&{}", "a=1&".repeat(10_000));
        let r = parse(&huge);
        assert!(
            r.problems[0].contains("only its first 16 KB"),
            "{:?}",
            r.problems
        );
        assert_eq!(r.speed, Some(2.0));
    }

    proptest::proptest! {
        /// No link, however broken, makes reading it panic.
        #[test]
        fn any_string_parses_without_panicking(q in ".{0,300}", bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let _ = parse(&q);
            let _ = decode(&q);
            let _ = parse(&String::from_utf8_lossy(&bytes));
            proptest::prop_assert_eq!(decode(&encode(&q)), q);
        }
    }

    #[test]
    fn decoding_survives_bad_escapes() {
        assert_eq!(decode("a%2Cb+c"), "a,b c");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz"), "%zz");
    }
}
