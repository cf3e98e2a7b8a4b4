//! The widget's side of the embed protocol (docs/embed.md): the page `embed.html`, framed by
//! `<localpix-resizer>` (static/embed.js) on another site, talks to that one host origin only.
//!
//! The host origin comes from the frame's URL (`?host=`): messages are taken only from the parent
//! window with exactly that origin, and sent only to it. Results travel as transferred buffers.
//! The colour scheme is the host's too (`?theme=`, then `localpix:theme` messages): the element
//! works it out from its `theme` attribute or the host page (static/embed.js).

use js_sys::{Array, Object, Reflect};
use leptos::{ev, prelude::*, task::spawn_local};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, MessageEvent, Window};

use crate::{
    batch::{Batch, Output, Row, RowState},
    naming,
    protocol::widget,
    settings::{Settings, privacy},
};

/// The host page's origin, from `embed.html?host=…`; `None` when the page is not framed for a host.
pub fn host_origin() -> Option<String> {
    query_param("host").filter(|origin| origin.starts_with("http://") || origin.starts_with("https://"))
}

/// Uses the colour scheme the host asked for in the frame's URL; without one, the person's.
pub fn apply_initial_theme() {
    set_theme(query_param("theme").as_deref());
}

/// `light` or `dark` fixes the widget's colour scheme (`<html data-theme>`, which the stylesheet's
/// `color-scheme` follows); anything else leaves it to the person's preference.
fn set_theme(theme: Option<&str>) {
    let Some(root) = document().document_element() else { return };
    let _ = match theme {
        Some(theme @ ("light" | "dark")) => root.set_attribute("data-theme", theme),
        _ => root.remove_attribute("data-theme"),
    };
}

fn query_param(name: &str) -> Option<String> {
    let search = window().location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

/// The settings the host asked for in the frame's URL.
pub fn initial_settings() -> Settings {
    Settings::from_query(&window().location().search().unwrap_or_default())
}

/// The query key with which the host asks for each row's privacy summary (`privacy=show`, the
/// element's `privacy` attribute), in the frame's URL and in `localpix:settings` queries.
const PRIVACY: &str = "privacy";

/// Whether a query asks to show each file's privacy summary.
fn shows_privacy(query: &str) -> bool {
    web_sys::UrlSearchParams::new_with_str(query).ok().and_then(|p| p.get(PRIVACY)).as_deref() == Some("show")
}

/// Whether the frame's URL asks to show each file's privacy summary.
pub fn initial_privacy() -> bool {
    shows_privacy(&window().location().search().unwrap_or_default())
}

/// Listens to the host, and reports every settled file to it. `show_privacy` follows the host's
/// `privacy` attribute.
pub fn connect(batch: Batch, host: String, show_privacy: RwSignal<bool>) {
    let parent = parent();
    let expected = host.clone();
    let _ = window_event_listener(ev::message, move |event: MessageEvent| {
        // Exactly the parent window, with exactly the host's origin: nobody else may steer us.
        let from_parent = parent.as_ref().is_some_and(|p| event.source().is_some_and(|s| JsValue::from(s) == JsValue::from(p.clone())));
        if !from_parent || event.origin() != expected {
            return;
        }
        let data = event.data();
        match string(&data, "type").as_deref() {
            Some(widget::SETTINGS) => {
                // Applies to the next files; those already done stay as they are.
                let query = string(&data, "query").unwrap_or_default();
                show_privacy.set(shows_privacy(&query));
                batch.settings.set(Settings::from_query(&query));
            }
            Some(widget::PROCESS) => {
                let files: Vec<File> = Reflect::get(&data, &"files".into())
                    .ok()
                    .and_then(|f| f.dyn_into::<Array>().ok())
                    .map(|a| a.iter().filter_map(|f| f.dyn_into().ok()).collect())
                    .unwrap_or_default();
                batch.add(files);
            }
            Some(widget::THEME) => set_theme(string(&data, "theme").as_deref()),
            _ => {}
        }
    });
    let target = host.clone();
    batch.on_settled(move |row| report(batch, row, &target));
    post(&host, &message(widget::READY, &[]), None);
}

/// Sends one settled file to the host: its bytes (transferred) and sizes, or why it failed.
fn report(batch: Batch, row: Row, host: &str) {
    let original = row.name();
    match row.state.get_untracked() {
        RowState::Done => {
            // Every file ends in exactly one event: a result that cannot be handed over is an error.
            let unreadable = move |host: &str, original: String| {
                let text = format!("The result of {original} could not be read back from the browser's storage. Try the file again.");
                let fields: [(&str, JsValue); 3] = [("id", row.id.into()), ("originalName", original.into()), ("message", text.into())];
                post(host, &message(widget::ERROR, &fields), None);
            };
            let (Some(output), Some(blob), Some(name)) =
                (row.output.get_untracked(), batch.result_blob(row.id), untrack(|| batch.result_name(row)))
            else {
                return unreadable(host, original);
            };
            let host = host.to_string();
            spawn_local(async move {
                let Ok(buffer) = JsFuture::from(blob.array_buffer()).await else { return unreadable(&host, original) };
                let privacy = privacy_summary(row, &output);
                let fields: [(&str, JsValue); 8] = [
                    ("id", row.id.into()),
                    ("originalName", original.into()),
                    ("name", name.into()),
                    ("mimeType", naming::mime_type(output.format).into()),
                    ("width", output.width.into()),
                    ("height", output.height.into()),
                    ("privacy", privacy),
                    ("buffer", buffer.clone()),
                ];
                post(&host, &message(widget::RESULT, &fields), Some(&buffer));
            });
        }
        RowState::Failed(error) => {
            let fields: [(&str, JsValue); 3] =
                [("id", row.id.into()), ("originalName", original.into()), ("message", error.message().into())];
            post(host, &message(widget::ERROR, &fields), None);
        }
        RowState::Cancelled => {
            let fields: [(&str, JsValue); 3] = [("id", row.id.into()), ("originalName", original.into()), ("message", "Cancelled.".into())];
            post(host, &message(widget::ERROR, &fields), None);
        }
        RowState::Queued | RowState::Working(_) => {}
    }
}

/// What private data the original carried and whether the result still holds any, for the
/// host: `{ found: ["GPS position", …], privateFields, keptPrivate, removed }` (the row's privacy
/// note, as data).
fn privacy_summary(row: Row, output: &Output) -> JsValue {
    let summary = Object::new();
    let (found, private): (Array, usize) = row.info.with_untracked(|info| {
        info.as_ref()
            .map_or_else(Default::default, |info| (privacy::kinds(info).into_iter().map(JsValue::from).collect(), info.sensitive().count()))
    });
    let _ = Reflect::set(&summary, &"found".into(), &found);
    let _ = Reflect::set(&summary, &"privateFields".into(), &(private as u32).into());
    // null when the result's format cannot be read back (AVIF): not checked, so not "removed".
    let _ = Reflect::set(&summary, &"keptPrivate".into(), &output.kept_sensitive.map_or(JsValue::NULL, JsValue::from));
    let _ = Reflect::set(&summary, &"removed".into(), &(output.kept_sensitive == Some(0)).into());
    summary.into()
}

fn message(kind: &str, fields: &[(&str, JsValue)]) -> JsValue {
    let message = Object::new();
    let _ = Reflect::set(&message, &"type".into(), &kind.into());
    for (key, value) in fields {
        let _ = Reflect::set(&message, &(*key).into(), value);
    }
    message.into()
}

/// Posts to the parent, to the host origin only, transferring `buffer` when given.
fn post(host: &str, message: &JsValue, buffer: Option<&JsValue>) {
    let Some(parent) = parent() else { return };
    let transfer = buffer.map(Array::of1).unwrap_or_default();
    let _ = parent.post_message_with_transfer(message, host, &transfer);
}

/// The framing window, when there is one.
fn parent() -> Option<Window> {
    let window = window();
    let parent = window.parent().ok().flatten()?;
    (JsValue::from(parent.clone()) != JsValue::from(window)).then_some(parent)
}

fn string(object: &JsValue, key: &str) -> Option<String> {
    Reflect::get(object, &key.into()).ok()?.as_string()
}
