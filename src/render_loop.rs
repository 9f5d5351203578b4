//! The frame loop: every animation frame advances the simulation by the
//! wall time since the last one (times the speed) and publishes a snapshot.
//! The work per frame is bounded inside `Live::frame`, so the page never
//! blocks however high the speed.

use crate::live::Live;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// Starts the loop for the life of the page.
pub fn start(live: Live) {
    let Some(window) = web_sys::window() else {
        return;
    };
    type FrameFn = Closure<dyn FnMut(f64)>;
    let slot: Rc<RefCell<Option<FrameFn>>> = Rc::new(RefCell::new(None));
    let again = slot.clone();
    let mut last: Option<f64> = None;
    let win = window.clone();
    *slot.borrow_mut() = Some(Closure::new(move |now_ms: f64| {
        let wall_s = last.map_or(0.0, |l| (now_ms - l) / 1000.0);
        last = Some(now_ms);
        live.frame(wall_s);
        if let Some(f) = again.borrow().as_ref() {
            let _ = win.request_animation_frame(f.as_ref().unchecked_ref());
        }
    }));
    if let Some(f) = slot.borrow().as_ref() {
        let _ = window.request_animation_frame(f.as_ref().unchecked_ref());
    };
}
