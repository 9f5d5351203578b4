//! The two dialogs: keyboard shortcuts, and "Share / Embed" with the link
//! to the current view and a ready `<iframe>` snippet for lecture slides.

use crate::keyboard::SHORTCUTS;
use leptos::prelude::*;

/// A modal dialog: a titled box over the page, closed by its button, a click
/// beside it or Escape (see `keyboard`).
#[component]
fn Dialog(title: &'static str, open: RwSignal<bool>, children: ChildrenFn) -> impl IntoView {
    move || {
        open.get().then(|| {
            let children = children.clone();
            view! {
                <div class="backdrop" on:click=move |_| open.set(false)>
                    <div
                        class="dialog"
                        role="dialog"
                        aria-modal="true"
                        aria-label=title
                        on:click=|e| e.stop_propagation()
                    >
                        <h2>{title}</h2>
                        {children()}
                        <button type="button" class="close" autofocus on:click=move |_| open.set(false)>"Close"</button>
                    </div>
                </div>
            }
        })
    }
}

#[component]
pub fn ShortcutsDialog(open: RwSignal<bool>) -> impl IntoView {
    view! {
        <Dialog title="Keyboard shortcuts" open>
            <dl class="shortcuts">
                {SHORTCUTS.iter().map(|(key, what)| view! { <dt><kbd>{*key}</kbd></dt><dd>{*what}</dd> }).collect_view()}
            </dl>
        </Dialog>
    }
}

/// The link to the current view and an `<iframe>` snippet of it in embed mode.
#[component]
pub fn ShareDialog(
    open: RwSignal<bool>,
    /// This view's address, and the same view's in embed mode.
    #[prop(into)]
    link: Signal<String>,
    #[prop(into)] embed_link: Signal<String>,
) -> impl IntoView {
    let snippet = move || {
        format!(
            "<iframe src=\"{}\" title=\"Sahara Sim\" width=\"960\" height=\"540\" style=\"border:0\" allow=\"fullscreen\"></iframe>",
            embed_link.get().replace('&', "&amp;").replace('"', "&quot;")
        )
    };
    view! {
        <Dialog title="Share or embed this view" open>
            <label class="stacked">
                "Link to exactly this view (scenario, settings, seed, speed, theme):"
                <textarea readonly rows="3" data-share-link on:focus=select_all prop:value=link></textarea>
            </label>
            <label class="stacked">
                "For a lecture slide: paste this <iframe> (add &controls=jitter,backoff to show a few controls, &large for a projector):"
                <textarea readonly rows="4" data-embed-snippet on:focus=select_all prop:value=snippet></textarea>
            </label>
        </Dialog>
    }
}

/// Selects a read-only box's text when it gets the focus, ready to copy.
fn select_all(e: leptos::ev::FocusEvent) {
    use wasm_bindgen::JsCast;
    if let Some(area) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
    {
        area.select();
    }
}
