//! The page's parts. Each reads the `Live` signals and changes the
//! simulation only through `Live::apply`/`set`.

pub mod benchmark;
pub mod chart;
pub mod charts;
pub mod compare;
pub mod controls;
pub mod counters;
pub mod diagram;
pub mod dialogs;
pub mod flow;
pub mod group;
pub mod inspector;
pub mod layout;
pub mod observers;
pub mod rewind;
pub mod slider;
pub mod ticker;
pub mod timebar;
pub mod tour;
pub mod trace;

use leptos::prelude::*;

/// Becomes true once the page has been painted for the first time.
///
/// The parts a first look does not need — the controls panel, the charts
/// under the diagram, the event log, "About" — are built when it turns
/// true, so the diagram and the charts beside it are drawn without waiting
/// for them: with the CPU slowed 4×, building and laying out the controls
/// alone took about as long as the rest of the page.
pub fn after_first_paint() -> ReadSignal<bool> {
    let (painted, set_painted) = signal(false);
    // A frame callback runs just before the frame's paint; a timeout set
    // there runs after it.
    request_animation_frame(move || set_timeout(move || set_painted.set(true), Default::default()));
    painted
}
