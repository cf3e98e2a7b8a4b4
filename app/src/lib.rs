//! The localpix web app: a Leptos (client-side) front end over the image engine, which runs in
//! Web Workers (`js/worker.js`, driven from [`bridge`]). Images never leave the device.
//!
//! [`settings`], [`naming`], [`archive`] and [`units`] are plain Rust, tested natively;
//! [`bridge`], [`batch`], [`persist`] and [`save`] need a browser (tested in `tests/browser`);
//! `components` is the UI.

pub mod archive;
pub mod batch;
pub mod bridge;
mod components;
pub mod naming;
pub mod persist;
pub mod save;
pub mod settings;
pub mod units;

/// Mounts the app on the page's body.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(components::App);
}
