//! A small `postMessage` API, so a slide deck can drive an embedded view:
//!
//! ```js
//! iframe.contentWindow.postMessage({ sahara: "play" }, "*");
//! // also "pause", "reset", "state", { sahara: "step", step: 3 },
//! // { sahara: "set", key: "jitter", value: "full" },
//! // { sahara: "run", seconds: 60 } (jump ahead 60 simulated seconds, paused)
//! ```
//!
//! Every accepted message is answered with the view's state,
//! `{ sahara: "state", playing, time_s, scenario, step, speed, error,
//! fingerprint }` (the run fingerprint as 16 hex digits), posted back
//! to the sender's window. Anything else is ignored with a console warning.
//! (Tested in the browser: `e2e/tests/embed.spec.js`.)

use crate::live::Live;
use crate::tour::Tour;
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// A command a message carries, once validated.
#[derive(Debug, PartialEq)]
enum Command {
    Play,
    Pause,
    Reset,
    State,
    Step(usize),
    Set(String, String),
    /// Simulated seconds to run at once.
    Run(f64),
}

/// The longest jump `run` takes: an hour, what the charts hold.
const MAX_RUN_S: f64 = 3600.0;

/// Listens for messages for the life of the page.
pub fn install(live: Live, tour: Tour) {
    let handle = window_event_listener(ev::message, move |e: web_sys::MessageEvent| {
        // Our own replies come back to us when the sender is this window:
        // the API is for other windows (the deck around an iframe).
        if e.source()
            .is_some_and(|s| js_sys::Object::is(&s, &window()))
        {
            return;
        }
        let data = e.data();
        // Messages that are not for us (browser extensions, other tools) are
        // not objects with a `sahara` field: leave them alone silently.
        let Some(verb) = field(&data, "sahara") else {
            return;
        };
        match parse(&verb, &data) {
            Ok(command) => {
                run(live, tour, command);
                reply(live, tour, &e);
            }
            Err(why) => leptos::logging::warn!("Sahara Sim ignored a message: {why}"),
        }
    });
    std::mem::forget(handle);
}

/// A string field of a message object.
fn field(data: &JsValue, name: &str) -> Option<String> {
    if !data.is_object() {
        return None;
    }
    js_sys::Reflect::get(data, &JsValue::from_str(name))
        .ok()?
        .as_string()
}

fn parse(verb: &str, data: &JsValue) -> Result<Command, String> {
    Ok(match verb {
        "play" => Command::Play,
        "pause" => Command::Pause,
        "reset" => Command::Reset,
        "state" => Command::State,
        "step" => {
            let n = js_sys::Reflect::get(data, &JsValue::from_str("step"))
                .ok()
                .and_then(|v| v.as_f64())
                .filter(|n| {
                    n.fract() == 0.0 && *n >= 1.0 && *n <= crate::tour::steps().len() as f64
                })
                .ok_or_else(|| {
                    format!(
                        "\"step\" needs step: a number from 1 to {}",
                        crate::tour::steps().len()
                    )
                })?;
            Command::Step(n as usize - 1)
        }
        "run" => {
            let seconds = js_sys::Reflect::get(data, &JsValue::from_str("seconds"))
                .ok()
                .and_then(|v| v.as_f64())
                .filter(|s| *s > 0.0 && *s <= MAX_RUN_S)
                .ok_or_else(|| {
                    format!("\"run\" needs seconds: a number above 0 and at most {MAX_RUN_S}")
                })?;
            Command::Run(seconds)
        }
        "set" => match (field(data, "key"), field(data, "value")) {
            (Some(key), Some(value)) => Command::Set(key, value),
            _ => return Err("\"set\" needs key and value, both strings".into()),
        },
        other => return Err(format!("unknown command \"{other}\"")),
    })
}

fn run(live: Live, tour: Tour, command: Command) {
    match command {
        Command::Play => live.play(true),
        Command::Pause => live.play(false),
        Command::Reset => live.reset(),
        Command::State => {}
        Command::Step(i) => tour.go(live, i),
        Command::Set(key, value) => live.set(&crate::url_state::path_of(&key), value),
        Command::Run(seconds) => {
            live.play(false);
            live.step(seconds);
        }
    }
}

/// Posts the view's state back to the window that sent `e`.
fn reply(live: Live, tour: Tour, e: &web_sys::MessageEvent) {
    // The sender is another origin's window: `instanceof Window` is false
    // across realms, but `postMessage` is callable on it.
    let Some(source) = e.source().map(|s| s.unchecked_into::<web_sys::Window>()) else {
        return;
    };
    let state = js_sys::Object::new();
    let put = |k: &str, v: JsValue| {
        let _ = js_sys::Reflect::set(&state, &JsValue::from_str(k), &v);
    };
    put("sahara", "state".into());
    put("playing", live.playing().get_untracked().into());
    put(
        "time_s",
        live.snapshot
            .with_untracked(|s| s.time.as_secs_f64())
            .into(),
    );
    put("scenario", live.preset().get_untracked().into());
    put(
        "step",
        tour.step
            .get_untracked()
            .map_or(JsValue::NULL, |i| (i as u32 + 1).into()),
    );
    put("speed", live.speed().get_untracked().into());
    put(
        "error",
        live.error()
            .get_untracked()
            .map_or(JsValue::NULL, JsValue::from),
    );
    put("fingerprint", format!("{:016x}", live.fingerprint()).into());
    let origin = e.origin();
    let target = if origin.is_empty() || origin == "null" {
        "*".to_string()
    } else {
        origin
    };
    let _ = source.post_message(&state, &target);
}
