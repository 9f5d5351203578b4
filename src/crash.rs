//! If the app ever panics, the person in front of it gets a readable
//! message and a way out, not a frozen page. The details go to the console.

use wasm_bindgen::JsCast;

/// Installs a panic hook that logs the panic (with its Rust location) to the
/// console and shows a banner with the message and a "Reset" button.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let details = info.to_string();
        web_sys::console::error_1(&details.as_str().into());
        show_banner(&details);
    }));
}

fn show_banner(details: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else { return };
    let Ok(banner) = document.create_element("div") else {
        return;
    };
    banner.set_class_name("crash");
    let _ = banner.set_attribute("role", "alert");
    let parts = [
        ("h2", "Sahara Sim stopped working"),
        ("p", "Something went wrong inside the simulator. Reset to start again; the browser console has the details."),
        ("pre", details),
    ];
    for (tag, text) in parts {
        if let Ok(el) = document.create_element(tag) {
            el.set_text_content(Some(text));
            let _ = banner.append_child(&el);
        }
    }
    if let Ok(button) = document.create_element("button") {
        button.set_text_content(Some("Reset"));
        let _ = button.set_attribute("type", "button");
        // The wasm instance is gone after a panic, so the way back is a reload.
        let _ = button.set_attribute("onclick", "location.reload()");
        let _ = banner.append_child(&button);
        if let Some(b) = button.dyn_ref::<web_sys::HtmlElement>() {
            let _ = b.focus();
        }
    }
    let _ = body.prepend_with_node_1(&banner);
}
