//! Adding files: the picker, dropping anywhere on the page, and pasting.

use leptos::{ev, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{File, FileList, HtmlInputElement};

use crate::batch::Batch;

/// What the picker offers (index.html's shell offers the same); the engine decides for itself
/// from the bytes.
const ACCEPT: &str = "image/*,.jpg,.jpeg,.png,.webp,.gif,.bmp,.tif,.tiff";

/// `in_widget`: the zone is the whole (framed) page, so it says "here" rather than "this page".
#[component]
pub fn DropZone(#[prop(optional)] in_widget: bool) -> impl IntoView {
    let batch = expect_context::<Batch>();
    let dragging = RwSignal::new(false);

    // Dropping works anywhere on the page, not only on the zone: a missed drop would open the
    // image in the tab instead.
    let _ = window_event_listener(ev::dragover, move |e| {
        if carries_files(e.data_transfer()) {
            e.prevent_default();
            dragging.set(true);
        }
    });
    let _ = window_event_listener(ev::dragleave, move |e| {
        // Leaving the window, not moving between elements.
        if e.related_target().is_none() {
            dragging.set(false);
        }
    });
    let _ = window_event_listener(ev::drop, move |e| {
        dragging.set(false);
        if let Some(files) = e.data_transfer().and_then(|d| d.files()) {
            e.prevent_default();
            batch.add(to_vec(&files));
        }
    });
    let _ = window_event_listener(ev::paste, move |e| {
        if let Some(files) = e.clipboard_data().and_then(|d| d.files()).filter(|f| f.length() > 0) {
            e.prevent_default();
            batch.add(to_vec(&files));
        }
    });

    let picked = move |e: ev::Event| {
        let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
        if let Some(files) = input.files() {
            batch.add(to_vec(&files));
        }
        // The same files can be picked again (after a change of settings, say).
        input.set_value("");
    };

    view! {
        <Show when=move || dragging.get()>
            <div class="drop-overlay" aria-hidden="true">"Drop to add them"</div>
        </Show>
        <section class="drop-zone" class:dragging=move || dragging.get() aria-labelledby="add-heading">
            <h2 id="add-heading" class="visually-hidden">"Add images"</h2>
            <p class="drop-hint">{if in_widget { "Drop photos here, paste them, or" } else { "Drop photos anywhere on this page, paste them, or" }}</p>
            <label class="button primary" for="file-input">"Choose images…"</label>
            <input id="file-input" class="visually-hidden" type="file" multiple accept=ACCEPT on:change=picked/>
            <p class="fine-print">"JPEG, PNG, WebP, GIF, BMP and TIFF. They are processed in this tab and never leave your device."</p>
        </section>
    }
}

fn carries_files(transfer: Option<web_sys::DataTransfer>) -> bool {
    transfer.is_some_and(|t| t.types().iter().any(|kind| kind.as_string().as_deref() == Some("Files")))
}

fn to_vec(files: &FileList) -> Vec<File> {
    (0..files.length()).filter_map(|i| files.get(i)).collect()
}
