//! The page's effects, through one instance of Leptos's effect code.

use leptos::prelude::Effect;

/// Runs `f` now, and again whenever a signal it read changes, as
/// `Effect::new` does. `Effect::new` compiles its scheduling code again for
/// each closure type it is given; boxed, every effect shares one copy.
pub fn effect(mut f: impl FnMut() + 'static) {
    let boxed: Box<dyn FnMut(Option<()>)> = Box::new(move |_| f());
    Effect::new(boxed);
}
