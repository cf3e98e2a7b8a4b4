//! One result against its original, in a modal dialog over the list (where the person is looking):
//! at fit, a before/after split whose divider is dragged on the picture itself (mouse, pen or
//! touch) or moved with the slider; at 100%, the original at its own pixels beside the result at
//! its own pixels, showing the same part of the picture, panned together by dragging and zoomed
//! with the wheel or a pinch; or a magnified picture of where they differ.
//!
//! Focus moves into the dialog when it opens and back to the row's Compare button when it closes
//! (Escape, Close), or to the file picker when the row is gone (Clear, Remove).

use leptos::{ev, html, prelude::*, task::spawn_local};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, PointerEvent, Url, WheelEvent};

use super::Comparing;
use crate::{batch::Batch, settings::ResizeKind};

/// How the two are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum View {
    /// Both scaled to fit, one over the other, split by a divider.
    Split,
    /// Side by side, each at its own pixels (times the zoom), the same region.
    Actual,
    /// Where they differ, magnified.
    Difference,
}

#[component]
pub fn Compare() -> impl IntoView {
    let batch = expect_context::<Batch>();
    let comparing = expect_context::<Comparing>().0;
    let dialog = NodeRef::<html::Dialog>::new();
    let view_mode = RwSignal::new(View::Split);
    let split = RwSignal::new(50.0f64);
    // At 100%: the centre of the shown region, as a fraction of each picture, and the zoom.
    let centre = RwSignal::new((0.5f64, 0.5f64));
    let zoom = RwSignal::new(1.0f64);
    // The difference picture's object URL once made, or why it could not be.
    let difference = RwSignal::new(None::<Result<String, String>>);
    // Whoever had focus when the dialog opened (the row's Compare button), to give it back.
    let opener = StoredValue::new_local(None::<HtmlElement>);

    let forget_difference = move || {
        if let Some(Ok(url)) = difference.get_untracked() {
            let _ = Url::revoke_object_url(&url);
        }
        difference.set(None);
    };
    let row = move || comparing.get().and_then(|id| batch.rows.with(|rows| rows.iter().find(|r| r.id == id).copied()));

    // Open and close the dialog with `comparing`; a row that disappears (Clear, Remove) closes it.
    Effect::new(move |_| {
        let open = row().is_some_and(|r| r.output.with(Option::is_some));
        let Some(dialog) = dialog.get() else { return };
        if open && !dialog.open() {
            opener.set_value(document().active_element().and_then(|e| e.dyn_into().ok()));
            view_mode.set(View::Split);
            split.set(50.0);
            centre.set((0.5, 0.5));
            zoom.set(1.0);
            let _ = dialog.show_modal();
        } else if !open && dialog.open() {
            dialog.close();
        }
    });
    let on_close = move |_| {
        forget_difference();
        comparing.set(None);
        super::focus_back(opener.get_value());
    };
    let close = move || {
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
    };

    let show_difference = move || {
        view_mode.set(View::Difference);
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

    // Dragging on the split picture moves the divider to the pointer.
    let dragging = StoredValue::new(false);
    let move_divider = move |e: &PointerEvent| {
        let Some(stage) = e.current_target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) else { return };
        let rect = stage.get_bounding_client_rect();
        if rect.width() > 0.0 {
            split.set(((f64::from(e.client_x()) - rect.left()) / rect.width() * 100.0).clamp(0.0, 100.0));
        }
    };
    // Dragging at 100% pans both pictures together; two pointers pinch-zoom.
    let pointers = StoredValue::new(Vec::<(i32, f64, f64)>::new());
    let pan_or_pinch = move |e: &PointerEvent, natural: (f64, f64)| {
        let (x, y) = (f64::from(e.client_x()), f64::from(e.client_y()));
        let mut down = pointers.get_value();
        let Some(at) = down.iter().position(|p| p.0 == e.pointer_id()) else { return };
        let before = down.clone();
        down[at] = (e.pointer_id(), x, y);
        pointers.set_value(down.clone());
        if down.len() >= 2 {
            let spread = |p: &[(i32, f64, f64)]| ((p[0].1 - p[1].1).powi(2) + (p[0].2 - p[1].2).powi(2)).sqrt();
            let (was, now) = (spread(&before), spread(&down));
            if was > 0.0 {
                zoom.update(|z| *z = (*z * now / was).clamp(0.25, 8.0));
            }
        } else {
            let (dx, dy) = (x - before[at].1, y - before[at].2);
            let z = zoom.get_untracked();
            centre.update(|(cx, cy)| {
                *cx = (*cx - dx / (natural.0 * z)).clamp(0.0, 1.0);
                *cy = (*cy - dy / (natural.1 * z)).clamp(0.0, 1.0);
            });
        }
    };
    let on_wheel = move |e: WheelEvent| {
        e.prevent_default();
        zoom.update(|z| *z = (*z * if e.delta_y() < 0.0 { 1.25 } else { 0.8 }).clamp(0.25, 8.0));
    };
    // A cover crop is the middle of the original: show the original cropped the same way, so the
    // two line up. Other modes scale the whole picture.
    let fit = move || if batch.settings.with(|s| s.resize == ResizeKind::Cover) { "cover" } else { "fill" };

    let body = move || {
        let row = row()?;
        let output = row.output.get()?;
        let original = row.info.get().map(|i| i.dimensions);
        let facts = row.file.get_value();
        let (width, height) = (output.width, output.height);
        let result_url = output.url.clone();
        let before_url = facts.preview.clone();
        // Set through the CSSOM (`style:`), which the Content-Security-Policy allows, where a
        // `style` attribute would need 'unsafe-inline'.
        let stage = move || match view_mode.get() {
            View::Split | View::Difference => {
                let before = before_url.clone();
                let after = result_url.clone();
                view! {
                    <div class="compare-stage" style:aspect-ratio=format!("{width} / {height}")
                        style:width=format!("min(100%, calc(72vh * {width} / {height}))")
                        on:pointerdown=move |e: PointerEvent| {
                            if view_mode.get_untracked() == View::Split {
                                dragging.set_value(true);
                                if let Some(t) = e.current_target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
                                    let _ = t.set_pointer_capture(e.pointer_id());
                                }
                                move_divider(&e);
                            }
                        }
                        on:pointermove=move |e: PointerEvent| if dragging.get_value() { move_divider(&e) }
                        on:pointerup=move |_| dragging.set_value(false)
                        on:pointercancel=move |_| dragging.set_value(false)>
                        {match before {
                            Some(url) => view! { <img class="before" src=url alt="Original" draggable="false" style:object-fit=fit/> }.into_any(),
                            None => view! { <p class="before no-preview">"This browser cannot show the original's format; only the result is shown."</p> }.into_any(),
                        }}
                        <img class="after" src=after alt="Result" draggable="false"
                            style:clip-path=move || format!("inset(0 0 0 {}%)", split.get())/>
                        {move || (view_mode.get() == View::Difference).then(|| match difference.get() {
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
                }
                .into_any()
            }
            View::Actual => {
                let panes = [
                    ("Original", before_url.clone(), original.map(|d| (f64::from(d.width), f64::from(d.height)))),
                    ("Result", Some(result_url.clone()), Some((f64::from(width), f64::from(height)))),
                ];
                view! {
                    <div class="compare-panes" on:wheel=on_wheel>
                        {panes.into_iter().map(|(label, url, natural)| {
                            let natural = natural.unwrap_or((f64::from(width), f64::from(height)));
                            // The picture placed so that the shared centre is in the pane's middle.
                            let placed = move || {
                                let (cx, cy) = centre.get();
                                let z = zoom.get();
                                (format!("{}px", natural.0 * z), format!("calc(50% - {}px)", cx * natural.0 * z), format!("calc(50% - {}px)", cy * natural.1 * z))
                            };
                            view! {
                                <figure class="pane" data-pane=label.to_lowercase()
                                    on:pointerdown=move |e: PointerEvent| {
                                        pointers.update_value(|p| p.push((e.pointer_id(), f64::from(e.client_x()), f64::from(e.client_y()))));
                                        if let Some(t) = e.current_target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
                                            let _ = t.set_pointer_capture(e.pointer_id());
                                        }
                                    }
                                    on:pointermove=move |e: PointerEvent| pan_or_pinch(&e, natural)
                                    on:pointerup=move |e: PointerEvent| pointers.update_value(|p| p.retain(|q| q.0 != e.pointer_id()))
                                    on:pointercancel=move |e: PointerEvent| pointers.update_value(|p| p.retain(|q| q.0 != e.pointer_id()))>
                                    {match url {
                                        Some(url) => view! {
                                            <img src=url alt=label draggable="false"
                                                style:width=move || placed().0 style:left=move || placed().1 style:top=move || placed().2/>
                                        }.into_any(),
                                        None => view! { <p class="no-preview">"This browser cannot show the original's format."</p> }.into_any(),
                                    }}
                                    <figcaption class="tag">{move || format!("{label} at {:.0}%", zoom.get() * 100.0)}</figcaption>
                                </figure>
                            }
                        }).collect_view()}
                    </div>
                }
                .into_any()
            }
        };
        Some(view! {
            <header class="compare-header">
                <h2 id="compare-heading">{format!("Before and after: {}", facts.name)}</h2>
                <div class="zoom" role="group" aria-label="View">
                    <button type="button" class="button small" aria-pressed=move || (view_mode.get() == View::Split).to_string()
                        on:click=move |_| view_mode.set(View::Split)>"Fit"</button>
                    <button type="button" class="button small" aria-pressed=move || (view_mode.get() == View::Actual).to_string()
                        on:click=move |_| view_mode.set(View::Actual)>"100%"</button>
                    <button type="button" class="button small" aria-pressed=move || (view_mode.get() == View::Difference).to_string()
                        on:click=move |_| show_difference()>"Differences ×8"</button>
                </div>
                <button type="button" class="button small quiet" on:click=move |_| close()>"Close"</button>
            </header>
            <div class="compare-viewport">{stage}</div>
            <Show when=move || view_mode.get() == View::Split>
                <label class="split-control">
                    <span class="visually-hidden">"Split between original (left) and result (right), percent"</span>
                    <input type="range" min="0" max="100" prop:value=move || format!("{:.0}", split.get())
                        on:input:target=move |e| split.set(e.target().value().parse().unwrap_or(50.0))/>
                </label>
            </Show>
            <Show when=move || view_mode.get() == View::Actual>
                <p class="fine-print">"Drag to move both pictures; wheel or pinch to zoom. Each shows its own pixels."</p>
            </Show>
        })
    };

    view! {
        <dialog node_ref=dialog class="compare" aria-labelledby="compare-heading" on:close=on_close
            on:keydown=move |e: ev::KeyboardEvent| {
                // The dialog closes itself on Escape; arrow keys nudge the divider from anywhere.
                if view_mode.get_untracked() == View::Split && matches!(e.key().as_str(), "ArrowLeft" | "ArrowRight")
                    && e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).is_none() {
                    split.update(|s| *s = (*s + if e.key() == "ArrowLeft" { -5.0 } else { 5.0 }).clamp(0.0, 100.0));
                }
            }>
            {body}
        </dialog>
    }
}
