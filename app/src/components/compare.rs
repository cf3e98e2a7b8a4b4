//! One result against its original: a before/after split with a slider, at fit or at 100%, or a
//! magnified picture of where they differ.

use leptos::{ev, prelude::*, task::spawn_local};
use web_sys::Url;

use super::Comparing;
use crate::{batch::Batch, settings::ResizeKind};

#[component]
pub fn Compare() -> impl IntoView {
    let batch = expect_context::<Batch>();
    let comparing = expect_context::<Comparing>().0;
    let split = RwSignal::new(50u32);
    let actual_size = RwSignal::new(false);
    // The difference picture's object URL once made, or why it could not be.
    let difference = RwSignal::new(None::<Result<String, String>>);
    let showing_difference = RwSignal::new(false);
    let forget_difference = move || {
        if let Some(Ok(url)) = difference.get_untracked() {
            let _ = Url::revoke_object_url(&url);
        }
        difference.set(None);
        showing_difference.set(false);
    };
    // A new row (or none) has nothing to do with the last difference picture.
    Effect::new(move |_| {
        comparing.track();
        forget_difference();
    });
    let toggle_difference = move |_| {
        if showing_difference.get_untracked() {
            showing_difference.set(false);
            return;
        }
        showing_difference.set(true);
        let Some(id) = comparing.get_untracked() else { return };
        if difference.get_untracked().is_none() {
            spawn_local(async move {
                let made = batch.difference_url(id).await.map_err(|e| e.message().to_string());
                if comparing.get_untracked() == Some(id) {
                    difference.set(Some(made));
                } else if let Ok(url) = made {
                    let _ = Url::revoke_object_url(&url);
                }
            });
        }
    };
    let row = move || comparing.get().and_then(|id| batch.rows.with(|rows| rows.iter().find(|r| r.id == id).copied()));
    let close = move || comparing.set(None);
    let _ = window_event_listener(ev::keydown, move |e| {
        if e.key() == "Escape" && comparing.get_untracked().is_some() {
            close();
        }
    });
    // A cover crop is the middle of the original: show the original cropped the same way, so the
    // two line up. Other modes scale the whole picture.
    let fit = move || if batch.settings.with(|s| s.resize == ResizeKind::Cover) { "cover" } else { "fill" };

    move || {
        let row = row()?;
        let output = row.output.get()?;
        let facts = row.file.get_value();
        let (width, height) = (output.width, output.height);
        // Set through the CSSOM (`style:`), which the Content-Security-Policy allows, where a
        // `style` attribute would need 'unsafe-inline'.
        let stage_width = move || if actual_size.get() { format!("{width}px") } else { "100%".into() };
        Some(view! {
            <section class="compare" aria-labelledby="compare-heading">
                <header class="compare-header">
                    <h2 id="compare-heading">{format!("Before and after: {}", facts.name)}</h2>
                    <button type="button" class="button small" aria-pressed=move || showing_difference.get().to_string()
                        on:click=toggle_difference>"Differences ×8"</button>
                    <div class="zoom" role="group" aria-label="Zoom">
                        <button type="button" class="button small" aria-pressed=move || (!actual_size.get()).to_string()
                            on:click=move |_| actual_size.set(false)>"Fit"</button>
                        <button type="button" class="button small" aria-pressed=move || actual_size.get().to_string()
                            on:click=move |_| actual_size.set(true)>"100%"</button>
                    </div>
                    <button type="button" class="button small quiet" on:click=move |_| close()>"Close"</button>
                </header>
                <div class="compare-viewport" class:actual=move || actual_size.get()>
                    <div class="compare-stage" style:width=stage_width style:aspect-ratio=format!("{width} / {height}")>
                        {match facts.preview {
                            Some(url) => view! { <img class="before" src=url alt="Original" style:object-fit=fit/> }.into_any(),
                            None => view! { <p class="before no-preview">"This browser cannot show the original's format; only the result is shown."</p> }.into_any(),
                        }}
                        <img class="after" src=output.url.clone() alt="Result"
                            style:clip-path=move || format!("inset(0 0 0 {}%)", split.get())/>
                        {move || showing_difference.get().then(|| match difference.get() {
                            Some(Ok(url)) => view! {
                                <img class="difference" src=url alt="Where the result differs from the original, magnified 8 times: black is identical"/>
                            }.into_any(),
                            Some(Err(message)) => view! { <p class="difference no-preview" role="alert">{message}</p> }.into_any(),
                            None => view! { <p class="difference no-preview">"Comparing…"</p> }.into_any(),
                        })}
                        <div class="split-line" style:left=move || format!("{}%", split.get()) aria-hidden="true"></div>
                        <span class="tag before-tag" aria-hidden="true">"Original"</span>
                        <span class="tag after-tag" aria-hidden="true">{format!("Result {width}×{height}")}</span>
                    </div>
                </div>
                <label class="split-control">
                    <span class="visually-hidden">"Split between original (left) and result (right), percent"</span>
                    <input type="range" min="0" max="100" prop:value=move || split.get().to_string()
                        on:input:target=move |e| split.set(e.target().value().parse().unwrap_or(50))/>
                </label>
            </section>
        })
    }
}
