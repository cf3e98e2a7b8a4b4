//! The UI: one component per job, all reading the [`Batch`] from context.

mod compare;
mod drop_zone;
mod file_list;
mod privacy;
mod settings_panel;
mod toolbar;

use leptos::prelude::*;

use crate::{batch::Batch, persist};

/// The row whose before/after comparison is open, if any.
#[derive(Clone, Copy)]
pub struct Comparing(pub RwSignal<Option<u32>>);

#[component]
pub fn App() -> impl IntoView {
    let batch = Batch::new(persist::load());
    provide_context(batch);
    let comparing = Comparing(RwSignal::new(None));
    provide_context(comparing);

    // Settings are saved as they change, and a change re-processes the batch.
    Effect::new(move |previous: Option<()>| {
        let settings = batch.settings.get();
        persist::save(&settings);
        if previous.is_some() {
            batch.restart();
        }
    });

    view! {
        <header class="masthead">
            <h1>"localpix"</h1>
            <p class="tagline">
                "Resize photos and remove their private data, "
                <strong>"on your device"</strong>
                ". Nothing is uploaded."
            </p>
        </header>
        <main>
            <drop_zone::DropZone/>
            <settings_panel::SettingsPanel/>
            <toolbar::Toolbar/>
            <file_list::FileList/>
            <compare::Compare/>
        </main>
        <p class="visually-hidden" role="status" aria-live="polite">{move || batch.announcement.get()}</p>
    }
}
