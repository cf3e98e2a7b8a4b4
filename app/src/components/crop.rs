//! One row's crop, in a modal dialog over the list (like the compare view): the row's picture
//! upright and turned (made by a worker, so any format the engine reads shows), an aspect preset
//! (free, 1:1, 4:3, 16:9, 3:2, each lying or, with "Portrait", standing), and a frame dragged by
//! pointer or touch (inside it to move it, at a corner to resize it) or moved with the keyboard
//! (arrow keys on the frame move it, on a corner resize it; Shift for larger steps). Apply re-runs
//! that file alone with the crop; Reset removes it.
//!
//! Focus moves to the frame when the dialog opens and back to the row's Crop button when it
//! closes (Escape, Cancel, Apply, Reset), or to the file picker when the row is gone.

use leptos::{ev, html, prelude::*, task::spawn_local};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, PointerEvent, Url};

use super::Cropping;
use crate::{
    batch::Batch,
    crop::{Aspect, Corner, Frame},
};

/// What a pointer that went down on the picture is doing.
#[derive(Clone, Copy, Debug)]
struct Drag {
    pointer: i32,
    /// Moving the whole frame, or one corner.
    corner: Option<Corner>,
    /// Where it went down, in CSS pixels, and the frame then.
    from: (f64, f64),
    start: Frame,
    /// Picture pixels per CSS pixel of the shown picture.
    scale: f64,
}

#[component]
pub fn CropEditor() -> impl IntoView {
    let batch = expect_context::<Batch>();
    let cropping = expect_context::<Cropping>().0;
    let dialog = NodeRef::<html::Dialog>::new();
    let frame = RwSignal::new(None::<Frame>);
    let aspect = RwSignal::new(Aspect::Free);
    let portrait = RwSignal::new(false);
    // The picture's object URL once the worker has made it, or why it could not.
    let picture = RwSignal::new(None::<Result<String, String>>);
    let opener = StoredValue::new_local(None::<HtmlElement>);
    let drag = StoredValue::new(None::<Drag>);

    let row = move || cropping.get().and_then(|id| batch.rows.with(|rows| rows.iter().find(|r| r.id == id).copied()));
    let ratio = move || aspect.get_untracked().ratio(portrait.get_untracked());

    let forget_picture = move || {
        if let Some(Ok(url)) = picture.get_untracked() {
            let _ = Url::revoke_object_url(&url);
        }
        picture.set(None);
    };

    // Open with `cropping` once the row's size is known; a row that disappears closes it.
    Effect::new(move |_| {
        let size = row().and_then(|r| r.turned_size());
        let Some(dialog) = dialog.get() else { return };
        match size {
            Some(size) if !dialog.open() => {
                let Some(row) = row() else { return };
                opener.set_value(document().active_element().and_then(|e| e.dyn_into().ok()));
                frame.set(Some(Frame::new(size, row.crop.get_untracked())));
                aspect.set(Aspect::Free);
                portrait.set(size.height > size.width);
                let id = row.id;
                spawn_local(async move {
                    let made = batch.crop_preview_url(id).await.map_err(|e| e.message().to_string());
                    if cropping.get_untracked() == Some(id) {
                        picture.set(Some(made));
                    } else if let Ok(url) = made {
                        let _ = Url::revoke_object_url(&url);
                    }
                });
                let _ = dialog.show_modal();
                // Once the frame is on the page: the keyboard moves it straight away.
                request_animation_frame(move || {
                    let frame = dialog.query_selector(".crop-frame").ok().flatten().and_then(|e| e.dyn_into::<HtmlElement>().ok());
                    if let Some(frame) = frame {
                        let _ = frame.focus();
                    }
                });
            }
            None if dialog.open() => dialog.close(),
            _ => {}
        }
    });
    let on_close = move |_| {
        forget_picture();
        frame.set(None);
        drag.set_value(None);
        cropping.set(None);
        super::focus_back(opener.get_value());
    };
    let close = move || {
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
    };
    let apply = move || {
        if let (Some(id), Some(f)) = (cropping.get_untracked(), frame.get_untracked()) {
            batch.crop(id, (!f.is_whole()).then(|| f.rect()));
        }
        close();
    };
    let reset = move || {
        if let Some(row) = row()
            && row.crop.get_untracked().is_some()
        {
            batch.crop(row.id, None);
        }
        close();
    };
    let choose = move |chosen: Aspect| {
        aspect.set(chosen);
        frame.update(|f| *f = f.map(|f| f.shaped(ratio())));
    };
    let turn_shape = move || {
        portrait.update(|p| *p = !*p);
        frame.update(|f| *f = f.map(|f| f.shaped(ratio())));
    };

    // Arrow keys: on the frame they move it, on a corner they move that corner.
    let nudge = move |e: &ev::KeyboardEvent, corner: Option<Corner>| {
        let Some(f) = frame.get_untracked() else { return };
        let step = f.step(e.shift_key());
        let (dx, dy) = match e.key().as_str() {
            "ArrowLeft" => (-step, 0.0),
            "ArrowRight" => (step, 0.0),
            "ArrowUp" => (0.0, -step),
            "ArrowDown" => (0.0, step),
            _ => return,
        };
        e.prevent_default();
        frame.set(Some(match corner {
            None => f.moved(dx, dy),
            Some(corner) => f.dragged(corner, dx, dy, ratio()),
        }));
    };
    // Pointers: down inside the frame moves it, on a corner handle resizes; the stage captures
    // the pointer so a drag may leave the picture.
    let pointer_down = move |e: PointerEvent| {
        let Some(start) = frame.get_untracked() else { return };
        let Some(stage) = e.current_target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) else { return };
        let Some(target) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let corner = match target.closest(".crop-handle, .crop-frame").ok().flatten() {
            Some(hit) => Corner::ALL.into_iter().find(|c| hit.get_attribute("data-corner").as_deref() == Some(c.name())),
            None => return,
        };
        let width = stage.get_bounding_client_rect().width();
        if width <= 0.0 {
            return;
        }
        e.prevent_default();
        let _ = stage.set_pointer_capture(e.pointer_id());
        drag.set_value(Some(Drag {
            pointer: e.pointer_id(),
            corner,
            from: (f64::from(e.client_x()), f64::from(e.client_y())),
            start,
            scale: f64::from(start.picture.width) / width,
        }));
    };
    let pointer_move = move |e: PointerEvent| {
        let Some(d) = drag.get_value().filter(|d| d.pointer == e.pointer_id()) else { return };
        let dx = (f64::from(e.client_x()) - d.from.0) * d.scale;
        let dy = (f64::from(e.client_y()) - d.from.1) * d.scale;
        frame.set(Some(match d.corner {
            None => d.start.moved(dx, dy),
            Some(corner) => d.start.dragged(corner, dx, dy, ratio()),
        }));
    };
    let pointer_end = move |e: PointerEvent| {
        if drag.get_value().is_some_and(|d| d.pointer == e.pointer_id()) {
            drag.set_value(None);
        }
    };

    let body = move || {
        let row = row()?;
        let size = frame.with(|f| f.map(|f| f.picture))?;
        let name = row.name();
        let (width, height) = (size.width, size.height);
        // Percentages of the shown picture, set through the CSSOM (`style:`), which the
        // Content-Security-Policy allows where a `style` attribute would need 'unsafe-inline'.
        let percent = move |pick: fn(&Frame) -> (f64, f64)| {
            frame.with(|f| f.as_ref().map(pick)).map(|(at, of)| format!("{}%", at / of * 100.0)).unwrap_or_default()
        };
        let left = move || percent(|f| (f.left, f64::from(f.picture.width)));
        let top = move || percent(|f| (f.top, f64::from(f.picture.height)));
        let right = move || percent(|f| (f.left + f.width, f64::from(f.picture.width)));
        let bottom = move || percent(|f| (f.top + f.height, f64::from(f.picture.height)));
        let box_width = move || percent(|f| (f.width, f64::from(f.picture.width)));
        let box_height = move || percent(|f| (f.height, f64::from(f.picture.height)));
        let chosen = move || frame.with(|f| f.map(|f| f.rect()));
        let size_text = move || chosen().map(|r| format!("Crop {}×{} of {width}×{height}", r.width, r.height)).unwrap_or_default();
        Some(view! {
            <header class="compare-header">
                <h2 id="crop-heading">{format!("Crop {name}")}</h2>
                <div class="zoom" role="group" aria-label="Shape">
                    {Aspect::ALL.into_iter().map(|a| view! {
                        <button type="button" class="button small" aria-pressed=move || (aspect.get() == a).to_string()
                            on:click=move |_| choose(a)>{a.label()}</button>
                    }).collect_view()}
                    <button type="button" class="button small" aria-pressed=move || portrait.get().to_string()
                        title="Swap the shape's width and height" on:click=move |_| turn_shape()>"Portrait"</button>
                </div>
            </header>
            <div class="crop-viewport">
                <div class="crop-stage" style:aspect-ratio=format!("{width} / {height}")
                    style:width=format!("min(100%, calc(62vh * {width} / {height}))")
                    on:pointerdown=pointer_down on:pointermove=pointer_move on:pointerup=pointer_end on:pointercancel=pointer_end>
                    <div class="crop-picture">
                        {move || match picture.get() {
                            Some(Ok(url)) => view! { <img src=url alt=format!("{name}, upright") draggable="false"/> }.into_any(),
                            Some(Err(message)) => view! { <p class="no-preview" role="alert">{message}</p> }.into_any(),
                            None => view! { <p class="no-preview">"Preparing the picture…"</p> }.into_any(),
                        }}
                        <div class="crop-shade" aria-hidden="true" style:left=left style:top=top style:width=box_width style:height=box_height></div>
                    </div>
                    <button type="button" class="crop-frame" aria-describedby="crop-help"
                        aria-label=move || chosen().map(|r| format!("Crop frame, {}×{}", r.width, r.height)).unwrap_or_default()
                        style:left=left style:top=top style:width=box_width style:height=box_height
                        on:keydown=move |e| nudge(&e, None)></button>
                    {Corner::ALL.into_iter().map(|corner| {
                        let x = move || if matches!(corner, Corner::TopLeft | Corner::BottomLeft) { left() } else { right() };
                        let y = move || if matches!(corner, Corner::TopLeft | Corner::TopRight) { top() } else { bottom() };
                        view! {
                            <button type="button" class="crop-handle" data-corner=corner.name() aria-describedby="crop-help"
                                aria-label=format!("Resize from the {} corner", corner.name())
                                style:left=x style:top=y on:keydown=move |e| nudge(&e, Some(corner))></button>
                        }
                    }).collect_view()}
                </div>
            </div>
            <p class="crop-size" aria-live="polite">{size_text}</p>
            <p class="fine-print" id="crop-help">
                "Drag inside the frame to move it, or a corner to resize it. With the keyboard: arrow keys move the frame, or resize it from a focused corner; Shift moves further."
            </p>
            <div class="crop-actions">
                <button type="button" class="button primary" on:click=move |_| apply()>"Apply"</button>
                <button type="button" class="button quiet" on:click=move |_| reset()>"Reset"</button>
                <button type="button" class="button quiet" on:click=move |_| close()>"Cancel"</button>
            </div>
        })
    };

    view! {
        <dialog node_ref=dialog class="compare crop" aria-labelledby="crop-heading" on:close=on_close>
            {body}
        </dialog>
    }
}
