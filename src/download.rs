//! Hands the browser a file to save, made here from text: the page's
//! exports for slides and spreadsheets.

use wasm_bindgen::{prelude::wasm_bindgen, JsCast, JsValue};

/// Offers `text` as a download named `name` of type `mime`; an error is a
/// sentence for the page's error banner.
pub fn save(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let failed = |what: &str, e: JsValue| format!("could not save {name}: {what} ({e:?})");
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| failed("the browser refused the file", e))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|e| failed("no address for the file", e))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| format!("could not save {name}: no document"))?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| failed("no link", e))?
        .unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

#[wasm_bindgen(module = "/src/js/picture.js")]
extern "C" {
    /// Saves the chart whose export button is `button` as a picture for a
    /// slide, `name`.svg or (`png`) `name`.png: title, lines and legend in
    /// the colours shown. In JavaScript: it reads the page's computed
    /// styles and draws through a canvas, which is the browser's work.
    #[wasm_bindgen(js_name = saveChart)]
    pub fn save_chart(button: &web_sys::Element, name: &str, png: bool);
}
