//! Keyboard shortcuts for lecturing: space play/pause, ← / → previous and
//! next tour step, `,` / `.` one simulated second back / forward, `r`
//! reset, `f` fullscreen, `?` the list of shortcuts.
//! Keys typed into a field or pressed on a button keep their usual meaning.
//! Embedded in a slide, the page only hears keys while it has the focus, so
//! the slide deck keeps its own arrow keys.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What the shortcuts do; the page supplies each.
#[derive(Clone, Copy)]
pub struct Actions {
    pub play_pause: Callback<()>,
    pub reset: Callback<()>,
    pub step: Callback<i32>,
    /// One simulated second back (`-1`) or forward (`1`).
    pub second: Callback<i32>,
    pub help: Callback<()>,
    /// Escape: close whatever dialog is open.
    pub close: Callback<()>,
}

/// The shortcuts, for the help dialog.
pub const SHORTCUTS: [(&str, &str); 6] = [
    ("Space", "play or pause"),
    ("→ / ←", "next or previous tour step"),
    (". / ,", "one simulated second forward or back (rewind)"),
    ("r", "reset the scenario"),
    ("f", "fullscreen on or off"),
    ("?", "show or hide these shortcuts"),
];

/// Listens for the shortcuts for the life of the page.
pub fn install(actions: Actions) {
    let handle = window_event_listener(ev::keydown, move |e| {
        if e.ctrl_key() || e.meta_key() || e.alt_key() || belongs_to_control(&e) {
            return;
        }
        match e.key().as_str() {
            " " => actions.play_pause.run(()),
            "r" => actions.reset.run(()),
            "f" => toggle_fullscreen(),
            "?" => actions.help.run(()),
            "Escape" => actions.close.run(()),
            "ArrowRight" => actions.step.run(1),
            "ArrowLeft" => actions.step.run(-1),
            "." => actions.second.run(1),
            "," => actions.second.run(-1),
            _ => return,
        }
        e.prevent_default();
    });
    // The page lives as long as the tab; the listener with it.
    std::mem::forget(handle);
}

/// Whether the key belongs to the focused control: any key typed into a
/// field, the keys that move a slider, and Space pressing a button.
fn belongs_to_control(e: &web_sys::KeyboardEvent) -> bool {
    let Some(el) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    match el.tag_name().as_str() {
        "INPUT" if el.get_attribute("type").as_deref() == Some("range") => {
            e.key().starts_with("Arrow")
                || matches!(e.key().as_str(), "Home" | "End" | "PageUp" | "PageDown")
        }
        "INPUT" | "SELECT" | "TEXTAREA" => true,
        "BUTTON" | "SUMMARY" | "A" => e.key() == " ",
        _ => el.get_attribute("role").as_deref() == Some("button") && e.key() == " ",
    }
}

fn toggle_fullscreen() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.fullscreen_element().is_some() {
        document.exit_fullscreen();
    } else if let Some(root) = document.document_element() {
        let _ = root.request_fullscreen();
    }
}
