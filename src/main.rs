//! Sahara Sim's browser entry point: installs the panic hook and mounts the app.

mod app;
mod crash;
mod download;
mod effect;
mod focus;
mod keyboard;
mod live;
mod range;
mod remote;
mod render_loop;
mod security;
mod selection;
mod settings;
mod tour;
mod url_state;
mod view;

/// The heap: talc, which is smaller in the wasm than Rust's default
/// allocator there (dlmalloc) and at least as fast.
#[cfg(target_family = "wasm")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    // A panic in wasm otherwise shows only "unreachable executed": this puts the
    // Rust message and location in the console (where the e2e suite catches
    // it) and a readable banner with a reset button on the page.
    crash::install_hook();
    leptos::mount::mount_to_body(app::App);
}
