//! The batch as a whole: its progress, cancel, and saving every result at once.

use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::JsCast;

use crate::{batch::Batch, save, units};

#[component]
pub fn Toolbar() -> impl IntoView {
    let batch = expect_context::<Batch>();
    let total = move || batch.rows.with(Vec::len);
    let finished = move || batch.rows.with(|rows| rows.iter().filter(|r| r.state.with(|s| s.is_finished())).count());
    let done = move || batch.rows.with(|rows| rows.iter().filter(|r| r.output.with(Option::is_some)).count());
    // What the finished results save, in all: "Saved 4.2 MB of 6.0 MB (−70%)".
    let saved = move || {
        let (before, after) = batch.rows.with(|rows| {
            rows.iter()
                .filter_map(|r| r.output.with(|o| o.as_ref().map(|o| (r.file.with_value(|f| f.bytes), o.bytes))))
                .fold((0, 0), |(a, b), (x, y)| (a + x, b + y))
        });
        (before > 0).then(|| {
            let change = units::saving(before, after);
            if after <= before {
                format!("Saved {} of {} ({change})", units::bytes(before - after), units::bytes(before))
            } else {
                format!("{} larger than the originals ({change})", units::bytes(after - before))
            }
        })
    };
    let saving = RwSignal::new(false);
    let message = RwSignal::new(String::new());

    let download_zip = move |_| {
        saving.set(true);
        message.set("Building the ZIP…".into());
        spawn_local(async move {
            let results = batch.results();
            let outcome = match save::zip(&results).await {
                Ok(zip) => save::download(&zip, &save::zip_name(save::now())).map(|()| {
                    batch.mark_saved();
                    format!("ZIP of {} images ready.", results.len())
                }),
                Err(e) => Err(e),
            };
            message.set(outcome.unwrap_or_else(|e| e));
            saving.set(false);
        });
    };
    let save_to_folder = move |_| {
        saving.set(true);
        spawn_local(async move {
            let outcome = save::save_to_folder(&batch.results()).await;
            message.set(match outcome {
                Ok(Some(n)) => {
                    batch.mark_saved();
                    format!("{n} images saved to the folder.")
                }
                Ok(None) => String::new(),
                Err(e) => e,
            });
            saving.set(false);
        });
    };

    view! {
        <Show when=move || { total() > 0 }>
            <section class="toolbar" aria-label="Batch">
                <div class="overall">
                    <label for="overall-progress">{move || format!("{} of {} finished", finished(), total())}</label>
                    <progress id="overall-progress" max=total value=finished></progress>
                    {move || saved().map(|text| view! { <p class="batch-saving">{text}</p> })}
                </div>
                <div class="actions">
                    <button type="button" class="button" on:click=move |_| batch.cancel() disabled=move || !batch.is_busy()>"Cancel"</button>
                    <button type="button" class="button primary" on:click=download_zip disabled=move || done() == 0 || saving.get()>
                        "Download all (ZIP)"
                    </button>
                    {save::can_save_to_folder().then(|| view! {
                        <button type="button" class="button" on:click=save_to_folder disabled=move || done() == 0 || saving.get()>
                            "Save all to a folder…"
                        </button>
                    })}
                    <button type="button" class="button quiet" on:click=move |_| {
                        batch.clear();
                        // The toolbar goes with the rows: give focus to where files are added.
                        if let Some(picker) = document().get_element_by_id("file-input").and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                            let _ = picker.focus();
                        }
                    }>"Clear"</button>
                </div>
                <p class="fine-print" role="status">{move || message.get()}</p>
            </section>
        </Show>
    }
}
