//! The UI: one component per job, all reading the [`Batch`] from context.

mod compare;
mod crop;
mod drop_zone;
mod file_list;
mod file_name;
mod offline_status;
mod privacy;
mod settings_panel;
mod toolbar;
mod widget;

pub use widget::Widget;

use leptos::prelude::*;

use crate::{
    batch::{Batch, EngineState},
    launch,
    offline::Offline,
    persist,
};

/// The row whose before/after comparison is open, if any.
#[derive(Clone, Copy)]
pub struct Comparing(pub RwSignal<Option<u32>>);

/// The row whose crop editor is open, if any.
#[derive(Clone, Copy)]
pub struct Cropping(pub RwSignal<Option<u32>>);

#[component]
pub fn App() -> impl IntoView {
    let batch = Batch::new(persist::load());
    batch.load_engine();
    provide_context(batch);
    provide_context(Offline::start(batch.engine_settled()));
    launch::receive_files(batch);
    let comparing = Comparing(RwSignal::new(None));
    provide_context(comparing);
    provide_context(Cropping(RwSignal::new(None)));

    // Settings are saved as they change, and a change of what the engine is asked re-processes
    // the batch (a new file-name template only renames the results).
    Effect::new(move |previous: Option<localpix_contract::Options>| {
        let settings = batch.settings.get();
        persist::save(&settings);
        let options = settings.engine_options();
        if previous.is_some_and(|before| before != options) {
            batch.restart();
        }
        options
    });

    expose_engine_state(batch);
    warn_before_leaving(batch);

    view! {
        <header class="masthead">
            <h1>"localpix"</h1>
            <p class="tagline">
                "Resize photos and remove their private data, "
                <strong>"on your device"</strong>
                ". Nothing is uploaded."
            </p>
            <EngineStatus/>
            <offline_status::OfflineStatus/>
        </header>
        <offline_status::UpdateBanner/>
        <main>
            <drop_zone::DropZone/>
            <settings_panel::SettingsPanel/>
            <toolbar::Toolbar/>
            <file_list::FileList/>
            <compare::Compare/>
            <crop::CropEditor/>
        </main>
        <p class="visually-hidden" role="status" aria-live="polite">{move || batch.announcement.get()}</p>
    }
}

/// Whether the engine is loaded: processing waits for it, and a failure to load is said plainly.
#[component]
fn EngineStatus() -> impl IntoView {
    let batch = expect_context::<Batch>();
    move || match batch.engine.get() {
        EngineState::Loading => view! { <p class="engine-status">"Loading the image engine…"</p> }.into_any(),
        EngineState::Ready => view! { <p class="engine-status ready">"Image engine ready, running in this tab"</p> }.into_any(),
        EngineState::Failed(message) => view! { <p class="engine-status failed" role="alert">{message}</p> }.into_any(),
    }
}

/// Asks before the page is left (closed, reloaded, navigated away) while it holds results that
/// were never saved: they exist only in this tab.
fn warn_before_leaving(batch: Batch) {
    let _ = window_event_listener(leptos::ev::beforeunload, move |e: web_sys::BeforeUnloadEvent| {
        if batch.has_unsaved() {
            e.prevent_default();
            // Older Chromium and Safari ask only when a return value is set.
            e.set_return_value("Results not saved yet");
        }
    });
}

/// Puts the engine's state on `<html data-engine>`, where tests and styles can see it.
fn expose_engine_state(batch: Batch) {
    Effect::new(move |_| {
        let state = batch.engine.get();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-engine", state.key());
        }
    });
}

/// Gives focus back once a dialog has closed: to the element that opened it (a row's button), or,
/// when that is gone with its row (Clear, Remove), to the file picker.
fn focus_back(opener: Option<web_sys::HtmlElement>) {
    use wasm_bindgen::JsCast;
    let back = opener.filter(|e| e.is_connected());
    let back = back.or_else(|| document().get_element_by_id("file-input").and_then(|e| e.dyn_into().ok()));
    if let Some(element) = back {
        let _ = element.focus();
    }
}

/// Whether the page is laid out for a phone: the stylesheet's breakpoint (`max-width: 720px`).
fn is_narrow() -> bool {
    web_sys::window().and_then(|w| w.match_media("(max-width: 720px)").ok().flatten()).is_some_and(|query| query.matches())
}
