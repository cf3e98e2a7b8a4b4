//! One row per file: what it was, what it became, what private data it carried, where it is.

use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen_futures::JsFuture;

use super::{Comparing, Cropping, file_name::FileName, privacy::PrivacyNote};
use localpix_contract::{Error as EngineError, Orientation};

use crate::{
    batch::{Batch, EngineState, Output, Row, RowState},
    bridge::{JobError, Stage},
    settings::notes::turn_description,
    units,
};

#[component]
pub fn FileList() -> impl IntoView {
    let batch = expect_context::<Batch>();
    // On a phone the batch starts below the settings and the drop zone: bring it into view when
    // files are added, so choosing files visibly does something.
    Effect::new(move |previous: Option<usize>| {
        let count = batch.rows.with(Vec::len);
        if previous.is_some_and(|before| count > before) && super::is_narrow() {
            request_animation_frame(|| {
                if let Some(toolbar) = document().query_selector(".toolbar").ok().flatten() {
                    toolbar.scroll_into_view_with_bool(true);
                }
            });
        }
        count
    });
    view! {
        <Show when=move || batch.rows.with(|rows| !rows.is_empty())>
            <section class="files" aria-labelledby="files-heading">
                <h2 id="files-heading">"Images"</h2>
                <table class="file-table">
                    <thead>
                        <tr>
                            <th scope="col"><span class="visually-hidden">"Preview"</span></th>
                            <th scope="col">"File"</th>
                            <th scope="col">"Original"</th>
                            <th scope="col">"Result"</th>
                            <th scope="col">"Private data"</th>
                            <th scope="col">"State"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || batch.rows.get() key=|row| row.id let:row>
                            <FileRow row/>
                        </For>
                    </tbody>
                </table>
            </section>
        </Show>
    }
}

#[component]
fn FileRow(row: Row) -> impl IntoView {
    let batch = expect_context::<Batch>();
    let comparing = expect_context::<Comparing>();
    let cropping = expect_context::<Cropping>();
    let facts = row.file.get_value();
    let name = facts.name.clone();
    let original_bytes = facts.bytes;
    // A small picture of the result, made by the worker: the list never decodes a full-size photo.
    let thumbnail = move || row.output.with(|o| o.as_ref().and_then(|o| o.thumbnail_url.clone()));
    let original_size = move || row.info.with(|i| i.as_ref().map(|i| i.dimensions.to_string()));
    let state = move || row.state.get();
    let step = move || match state() {
        RowState::Queued => 0,
        RowState::Working(stage) => stage.step(),
        _ => Stage::STEPS,
    };

    view! {
        <tr class="file-row" data-state=move || state().label()>
            <td class="thumb">
                {move || match thumbnail() {
                    Some(url) => view! { <img src=url alt="" loading="lazy" decoding="async"/> }.into_any(),
                    None => view! { <span class="no-thumb" aria-hidden="true"></span> }.into_any(),
                }}
            </td>
            <td class="name" data-label="File">
                <FileName name=name.clone()/>
                {move || row.turn.with(|&turn| turn_description(turn)).map(|text| view! { <span class="turn">{text}</span> })}
                {move || row.crop.get().map(|crop| view! { <span class="cropped">{format!("Cropped to {}×{}", crop.width, crop.height)}</span> })}
            </td>
            <td class="original" data-label="Original">
                <span class="dims">{original_size}</span>
                <span class="bytes">{units::bytes(original_bytes)}</span>
            </td>
            <td class="result" data-label="Result">
                {move || row.output.get().map(|o| {
                    let grew = o.bytes > original_bytes;
                    view! {
                    <span class="dims">{format!("{}×{}", o.width, o.height)}</span>
                    <span class="bytes">{units::bytes(o.bytes)}</span>
                    <span class="saving" class:grew=grew>{units::saving(original_bytes, o.bytes)}</span>
                    {o.quality.map(|q| view! { <span class="quality">{format!("quality {q}")}</span> })}
                    {o.score.map(|s| view! {
                        <span class="score" title=format!("SSIMULACRA2 {:.1} (100 is identical; 90 visually lossless, 80 very high, 70 high), SSIM {:.4}", s.ssimulacra2, s.ssim)>
                            {format!("looks {} ({:.0})", score_words(s.ssimulacra2), s.ssimulacra2)}
                        </span>
                    })}
                    {(!o.notes.is_empty()).then(|| view! {
                        <ul class="notes">{o.notes.iter().map(|note| view! { <li>{note.clone()}</li> }).collect_view()}</ul>
                    })}
                    {batch.settings.with(|s| !s.widths.is_empty()).then(|| view! { <Widths row output=o.clone()/> })}
                }})}
            </td>
            <td class="privacy" data-label="Private data">
                <PrivacyNote row/>
            </td>
            <td class="state" data-label="State">
                <span class="state-label">{move || match state() {
                    RowState::Queued if batch.engine.get() == EngineState::Loading => "waiting for the engine".to_string(),
                    state => state.label(),
                }}</span>
                <Show when=move || !matches!(state(), RowState::Failed(_) | RowState::Cancelled)>
                    <progress max=Stage::STEPS value=step aria-label=format!("Progress of {}", row.name())></progress>
                </Show>
                {move || match state() {
                    RowState::Failed(error) => Some(view! { <FailureNote error id=row.id/> }),
                    _ => None,
                }}
                <Show when=move || matches!(state(), RowState::Failed(_) | RowState::Cancelled)>
                    <button type="button" class="button small retry" on:click=move |_| batch.retry(row.id)
                        aria-label=format!("Retry {}", row.name())>"Retry"</button>
                </Show>
            </td>
            <td class="row-actions">
                <TurnButtons row/>
                <Show when=move || row.info.with(Option::is_some)>
                    <button type="button" class="button small quiet crop-button" on:click=move |_| cropping.0.set(Some(row.id))
                        aria-label=format!("Crop {}", row.name())>"Crop"</button>
                </Show>
                <button type="button" class="button small quiet remove" on:click=move |_| batch.remove(row.id)
                    aria-label=format!("Remove {}", row.name())>"Remove"</button>
                {move || row.output.get().map(|o| view! {
                    <a class="button small" href=o.url.clone() download=move || batch.result_name(row) on:click=move |_| batch.mark_saved()>
                        "Save"<span class="visually-hidden">{move || format!(" {}", batch.result_name(row).unwrap_or_default())}</span>
                    </a>
                    <button type="button" class="button small quiet" on:click=move |_| comparing.0.set(Some(row.id))>
                        "Compare"
                    </button>
                })}
            </td>
        </tr>
    }
}

/// A photo made at several widths: each width with its size and its own Save, and the
/// `<img srcset>` of them all to copy into a web page.
#[component]
fn Widths(row: Row, output: Output) -> impl IntoView {
    let batch = expect_context::<Batch>();
    let copied = RwSignal::new(None::<&'static str>);
    let copy = move |_| {
        let Some(snippet) = batch.srcset(row) else { return };
        let Some(window) = web_sys::window() else { return };
        let written = window.navigator().clipboard().write_text(&snippet);
        spawn_local(async move {
            copied.set(Some(match JsFuture::from(written).await {
                Ok(_) => "srcset copied.",
                Err(_) => "The browser did not allow copying.",
            }));
        });
    };
    let outputs: Vec<Output> = std::iter::once(output.clone()).chain(output.sizes).collect();
    view! {
        <ul class="widths" aria-label=format!("Widths of {}", row.name())>
            {outputs.into_iter().map(|o| {
                let (width, bytes, url) = (o.width, o.bytes, o.url.clone());
                let name = move || batch.output_name(row, &o).unwrap_or_default();
                let label = name.clone();
                view! {
                    <li>
                        <span class="width">{format!("{width}w")}</span>" "
                        <span class="bytes">{units::bytes(bytes)}</span>" "
                        <a class="button small quiet" href=url download=name on:click=move |_| batch.mark_saved()>
                            "Save"<span class="visually-hidden">{move || format!(" {}", label())}</span>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
        <button type="button" class="button small copy-srcset" on:click=copy aria-label=format!("Copy srcset of {}", row.name())>
            "Copy srcset"
        </button>
        <span class="fine-print copied" role="status">{move || copied.get()}</span>
    }
}

/// Why a file failed, and what the person can do about it: the engine's error is typed, so the
/// note can offer the budget that would work or say what the limit is.
#[component]
fn FailureNote(error: JobError, id: u32) -> impl IntoView {
    let batch = expect_context::<Batch>();
    let action = match &error {
        JobError::Engine(EngineError::BudgetUnreachable { smallest_bytes, .. }) => {
            let kb = smallest_bytes.div_ceil(1000);
            Some(view! {
                <button type="button" class="button small" on:click=move |_| batch.settings.update(|s| s.max_kb = Some(kb))>
                    {format!("Allow {kb} KB")}
                </button>
            }
            .into_any())
        }
        JobError::Engine(EngineError::InvalidCrop { .. }) => Some(
            view! { <button type="button" class="button small" on:click=move |_| batch.crop(id, None)>"Remove the crop"</button> }.into_any(),
        ),
        JobError::Engine(EngineError::TooLarge { dimensions, limit, .. }) => Some(
            view! {
                <span class="fine-print">{format!("This image: {dimensions}; the limit: {}", limit_text(*limit, dimensions.pixels()))}</span>
            }
            .into_any(),
        ),
        _ => None,
    };
    view! {
        <p class="error" role="alert">{error.message().to_string()}</p>
        {action}
    }
}

/// A `too-large` limit as people read it: megapixels for a pixel limit; for memory, the share of
/// this device's memory one image may take (bridge.js sets it) and what would need less.
fn limit_text(limit: u32, pixels: u64) -> String {
    if pixels > u64::from(limit) {
        format!("{:.1} megapixels", f64::from(limit) / 1e6)
    } else {
        format!(
            "{} MB of memory for one image on this device. A smaller size needs less (a JPEG photo most of all), \
             or open it on a computer with more memory.",
            limit >> 20
        )
    }
}

/// SSIMULACRA2 in words, on its authors' scale.
fn score_words(score: f32) -> &'static str {
    match score {
        s if s >= 90.0 => "identical",
        s if s >= 80.0 => "very close",
        s if s >= 70.0 => "close",
        s if s >= 50.0 => "a little different",
        _ => "different",
    }
}

/// The row's own turn: a quarter turn either way, and a mirror either way, each re-processing only
/// this file. The row says the turn in words beside its name.
#[component]
fn TurnButtons(row: Row) -> impl IntoView {
    let batch = expect_context::<Batch>();
    let name = row.name();
    let turns = [
        (Orientation::Rotate270, "⟲", "Rotate left", "Rotate {} 90° left"),
        (Orientation::Rotate90, "⟳", "Rotate right", "Rotate {} 90° right"),
        (Orientation::FlipHorizontal, "⇆", "Mirror left to right", "Mirror {} left to right"),
        (Orientation::FlipVertical, "⇅", "Mirror top to bottom", "Mirror {} top to bottom"),
    ];
    view! {
        <span class="turns" role="group" aria-label=format!("Turn {name}")>
            {turns.into_iter().map(|(by, symbol, title, label)| view! {
                <button type="button" class="button small quiet turn-button" title=title
                    aria-label=label.replace("{}", &name) on:click=move |_| batch.turn(row.id, by)>
                    <span aria-hidden="true">{symbol}</span>
                </button>
            }).collect_view()}
        </span>
    }
}
