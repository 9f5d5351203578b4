//! What the browser knows about an element's box and tells through its
//! observers: its size, and whether it is on screen (or printed). Each
//! observer watches one element until dropped.

use crate::effect::effect;
use leptos::html::ElementType;
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::{closure::Closure, JsCast};

/// Tells `resized` an element's size (its content box, in CSS px) each
/// time the browser lays it out at a new one, the first time included,
/// until dropped.
pub struct SizeObserver {
    observer: web_sys::ResizeObserver,
    _callback: Closure<dyn Fn(js_sys::Array)>,
}

impl SizeObserver {
    pub fn new(
        el: &web_sys::Element,
        resized: impl Fn(f64, f64) + 'static,
    ) -> Option<SizeObserver> {
        let callback = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
            if let Some(entry) = entries.get(0).dyn_ref::<web_sys::ResizeObserverEntry>() {
                let rect = entry.content_rect();
                resized(rect.width(), rect.height());
            }
        });
        let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        observer.observe(el);
        Some(SizeObserver {
            observer,
            _callback: callback,
        })
    }
}

impl Drop for SizeObserver {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Tells `seen` whether an element is on screen each time that changes,
/// the first time included, until dropped.
struct ViewportObserver {
    observer: web_sys::IntersectionObserver,
    _callback: Closure<dyn Fn(js_sys::Array)>,
}

impl ViewportObserver {
    fn new(el: &web_sys::Element, seen: impl Fn(bool) + 'static) -> Option<ViewportObserver> {
        let callback = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
            // Entries come oldest first; the last says how things stand.
            let last = entries.get(entries.length().saturating_sub(1));
            if let Some(entry) = last.dyn_ref::<web_sys::IntersectionObserverEntry>() {
                seen(entry.is_intersecting());
            }
        });
        let observer =
            web_sys::IntersectionObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        observer.observe(el);
        Some(ViewportObserver {
            observer,
            _callback: callback,
        })
    }
}

impl Drop for ViewportObserver {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Whether the element `node` refers to is on screen, or printed: true
/// until the browser first says otherwise, so a part draws once before it
/// is known. A printout (or a PDF of the page) shows every part, so from
/// the browser's `beforeprint` to its `afterprint` every part counts as
/// seen.
pub fn on_screen<E>(node: NodeRef<E>) -> ReadSignal<bool>
where
    E: ElementType,
    E::Output: JsCast + Clone + 'static,
{
    let (seen, set_seen) = signal(true);
    // What the observer last said, for when printing ends.
    let in_view = Rc::new(Cell::new(true));
    let observer = StoredValue::new_local(None::<ViewportObserver>);
    let told = in_view.clone();
    effect(move || {
        if let Some(el) = node.get() {
            let el: web_sys::Element = el.unchecked_into();
            let told = told.clone();
            let watch = ViewportObserver::new(&el, move |on| {
                told.set(on);
                set_seen.set(on);
            });
            observer.set_value(watch);
        }
    });
    let printing = [("beforeprint", true), ("afterprint", false)].map(|(event, printed)| {
        let in_view = in_view.clone();
        window_event_listener_untyped(event, move |_| set_seen.set(printed || in_view.get()))
    });
    on_cleanup(move || printing.into_iter().for_each(|l| l.remove()));
    seen
}
