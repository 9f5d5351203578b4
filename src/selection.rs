//! What the person clicked on the diagram: the inspector shows it, and a
//! staged breach starts from it.

use leptos::prelude::*;
use sahara_sim::InstanceId;

/// A node of the deployment a person can select.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Selected {
    Clients,
    Balancer(usize),
    Instance(InstanceId),
    Database,
}

/// Selects `what` on a click.
pub fn click(
    selected: RwSignal<Option<Selected>>,
    what: Selected,
) -> impl Fn(web_sys::MouseEvent) + Copy {
    move |_| selected.set(Some(what))
}

/// Selects `what` on Enter or Space, as a button does.
pub fn keypress(
    selected: RwSignal<Option<Selected>>,
    what: Selected,
) -> impl Fn(web_sys::KeyboardEvent) + Copy {
    move |ev| {
        if ev.key() == "Enter" || ev.key() == " " {
            ev.prevent_default();
            selected.set(Some(what));
        }
    }
}
