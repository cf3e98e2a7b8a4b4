//! The localpix web app: a Leptos (client-side) front end over the image engine, which runs in
//! Web Workers (`js/worker.js`, driven from [`bridge`]). Images never leave the device.
//!
//! [`settings`], [`naming`] and [`units`] (from `localpix-settings`, shared with the CLI) are
//! plain Rust, tested natively;
//! [`bridge`], [`batch`], [`persist`] and [`save`] need a browser (tested in `tests/browser`);
//! `components` is the UI.

pub mod batch;
pub mod bridge;
mod components;
pub mod crop;
mod embed;
mod launch;
pub mod offline;
pub mod persist;
pub mod protocol;
pub mod save;
pub use localpix_settings as settings;
// Shared with the CLI: names of results and sizes as people read them.
pub use localpix_settings::{naming, units};

/// Mounts the app on the page's body: the full app, or the widget on `embed.html`
/// (`<html data-mode="embed">`).
pub fn start() {
    console_error_panic_hook::set_once();
    let widget = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .is_some_and(|root| root.get_attribute("data-mode").as_deref() == Some("embed"));
    if widget {
        // The widget has no use for the page's shell (and takes files from its host).
        launch::remove_shell();
        leptos::mount::mount_to_body(components::Widget);
    } else {
        leptos::mount::mount_to_body(components::App);
    }
}
