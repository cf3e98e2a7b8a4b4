//! Files handed over by the system rather than picked in the page: opened with the installed app
//! (manifest `file_handlers`, delivered through `window.launchQueue`), or shared to it from
//! another app (manifest `share_target`: the service worker keeps them in a cache and opens
//! `/?shared`). Both go into the normal batch.

use js_sys::{Array, Function, Promise, Reflect};
use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::{JsCast, prelude::*};
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, FilePropertyBag, HtmlInputElement, Response};

use crate::batch::Batch;

/// Where the service worker keeps shared files until the page takes them.
use crate::protocol::offline::{FILE_NAME_HEADER, SHARED_CACHE};

/// Takes files from both routes, and from the page's shell, into `batch`.
pub fn receive_files(batch: Batch) {
    let early = remove_shell();
    if !early.is_empty() {
        batch.add(early);
    }
    consume_launch_queue(batch);
    if window().location().search().is_ok_and(|q| q.split(['?', '&']).any(|p| p == "shared")) {
        spawn_local(async move {
            let files = take_shared().await;
            batch.add(files);
        });
    }
}

/// Removes the static shell of index.html (shown until the app's wasm runs), returning the files
/// chosen in its picker meanwhile.
pub fn remove_shell() -> Vec<File> {
    let document = document();
    let Some(shell) = document.get_element_by_id("shell") else { return Vec::new() };
    let picked = document.get_element_by_id("shell-input").and_then(|e| e.dyn_into::<HtmlInputElement>().ok()).and_then(|i| i.files());
    shell.remove();
    picked.map(|files| (0..files.length()).filter_map(|i| files.get(i)).collect()).unwrap_or_default()
}

/// `launchQueue.setConsumer`: each launch's file handles become files of the batch.
fn consume_launch_queue(batch: Batch) {
    let window = window();
    let Ok(queue) = Reflect::get(&window, &"launchQueue".into()) else { return };
    let Ok(set_consumer) = Reflect::get(&queue, &"setConsumer".into()).and_then(|f| f.dyn_into::<Function>()) else { return };
    let consumer = Closure::<dyn FnMut(JsValue)>::new(move |params: JsValue| {
        let handles: Array = Reflect::get(&params, &"files".into()).ok().and_then(|f| f.dyn_into().ok()).unwrap_or_default();
        spawn_local(async move {
            let mut files = Vec::new();
            for handle in handles.iter() {
                if let Some(file) = file_of_handle(&handle).await {
                    files.push(file);
                }
            }
            batch.add(files);
        });
    });
    let _ = set_consumer.call1(&queue, consumer.as_ref());
    consumer.forget();
}

async fn file_of_handle(handle: &JsValue) -> Option<File> {
    let get_file: Function = Reflect::get(handle, &"getFile".into()).ok()?.dyn_into().ok()?;
    let promise: Promise = get_file.call0(handle).ok()?.dyn_into().ok()?;
    JsFuture::from(promise).await.ok()?.dyn_into().ok()
}

/// The files the service worker received from a share, removed from its cache as they are taken.
async fn take_shared() -> Vec<File> {
    let Ok(caches) = window().caches() else { return Vec::new() };
    let Ok(cache) = JsFuture::from(caches.open(SHARED_CACHE)).await else { return Vec::new() };
    let cache: web_sys::Cache = cache.unchecked_into();
    let Ok(requests) = JsFuture::from(cache.keys()).await else { return Vec::new() };
    let mut files = Vec::new();
    for request in Array::from(&requests).iter() {
        let request: web_sys::Request = request.unchecked_into();
        if let Some(file) = shared_file(&cache, &request).await {
            files.push(file);
        }
        let _ = JsFuture::from(cache.delete_with_request(&request)).await;
    }
    files
}

async fn shared_file(cache: &web_sys::Cache, request: &web_sys::Request) -> Option<File> {
    let response: Response = JsFuture::from(cache.match_with_request(request)).await.ok()?.dyn_into().ok()?;
    let headers = response.headers();
    let name = headers.get(FILE_NAME_HEADER).ok().flatten().and_then(|n| js_sys::decode_uri_component(&n).ok()).map(String::from);
    let kind = headers.get("content-type").ok().flatten().unwrap_or_default();
    let blob: web_sys::Blob = JsFuture::from(response.blob().ok()?).await.ok()?.dyn_into().ok()?;
    let options = FilePropertyBag::new();
    options.set_type(&kind);
    File::new_with_blob_sequence_and_options(&Array::of1(&blob), name.as_deref().unwrap_or("shared image"), &options).ok()
}
