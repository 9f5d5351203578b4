//! Sahara Sim's browser entry point: installs the panic hook and mounts the app.

mod app;
mod live;
mod render_loop;
mod view;

fn main() {
    // A panic in wasm otherwise shows only "unreachable executed"; this puts the
    // Rust message and location in the console, where the e2e suite catches it.
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
