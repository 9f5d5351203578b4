//! Hands the browser a file to save: text made here (the page's exports for
//! slides and spreadsheets) or a chart as a picture. Both in JavaScript
//! (`js/save.js`), which saves through a `Blob` behind a temporary link.

use wasm_bindgen::{prelude::wasm_bindgen, JsValue};

/// Offers `text` as a download named `name` of type `mime`; an error is a
/// sentence for the page's error banner.
pub fn save(name: &str, mime: &str, text: &str) -> Result<(), String> {
    save_text(text, name, mime).map_err(|e| format!("could not save {name}: {e:?}"))
}

#[wasm_bindgen(module = "/src/js/save.js")]
extern "C" {
    #[wasm_bindgen(js_name = saveText, catch)]
    fn save_text(text: &str, name: &str, mime: &str) -> Result<(), JsValue>;

    /// Saves the chart whose export button is `button` as a picture for a
    /// slide, `name`.svg or (`png`) `name`.png: title, lines and legend in
    /// the colours shown. In JavaScript: it reads the page's computed
    /// styles and draws through a canvas, which is the browser's work.
    #[wasm_bindgen(js_name = saveChart)]
    pub fn save_chart(button: &web_sys::Element, name: &str, png: bool);
}
