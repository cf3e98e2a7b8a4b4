//! Saving results: all of them as one ZIP, built in a worker from the result Blobs themselves
//! (`js/zip.js`), or straight into a folder the user picks where the browser has the File System
//! Access API. (One result is saved by its row's `<a download>` link.)

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue, prelude::wasm_bindgen};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, HtmlAnchorElement, Url};

#[wasm_bindgen(module = "/js/zip.js")]
extern "C" {
    /// The ZIP of `blobs` under `names`, built in a worker without copying them; rejects with a
    /// sentence for people.
    #[wasm_bindgen(js_name = zipInWorker)]
    fn zip_in_worker(names: Array, blobs: Array, modified: &js_sys::Date) -> Promise;
}

/// A local date and time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

/// The ZIP's file name: `localpix-2026-11-25.zip`.
pub fn zip_name(now: Timestamp) -> String {
    format!("localpix-{:04}-{:02}-{:02}.zip", now.year, now.month, now.day)
}

/// The local time now.
pub fn now() -> Timestamp {
    let d = js_sys::Date::new_0();
    Timestamp {
        year: d.get_full_year() as u16,
        month: d.get_month() as u8 + 1,
        day: d.get_date() as u8,
        hour: d.get_hours() as u8,
        minute: d.get_minutes() as u8,
        second: d.get_seconds() as u8,
    }
}

/// Builds the ZIP of `results` (`(name, blob)`, names unique) as a Blob. The bytes stay in the
/// browser's Blob storage: the app's memory holds only the names.
pub async fn zip(results: &[(String, Blob)]) -> Result<Blob, String> {
    let names: Array = results.iter().map(|(name, _)| JsValue::from(name)).collect();
    let blobs: Array = results.iter().map(|(_, blob)| JsValue::from(blob)).collect();
    let zip = JsFuture::from(zip_in_worker(names, blobs, &js_sys::Date::new_0()))
        .await
        .map_err(|e| e.as_string().unwrap_or_else(|| "The ZIP could not be built.".into()))?;
    zip.dyn_into().map_err(|_| "The ZIP could not be built.".into())
}

/// Hands `blob` to the browser as a download named `name`.
pub fn download(blob: &Blob, name: &str) -> Result<(), String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("No document to download from.")?;
    let url = Url::create_object_url_with_blob(blob).map_err(|_| "The browser could not hold the download.")?;
    let link: HtmlAnchorElement = document.create_element("a").map_err(|_| "No link could be made.")?.unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // The download has its own reference to the Blob once it has started.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = Url::revoke_object_url(&url);
    });
    let _ = web_sys::window().map(|w| w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000));
    Ok(())
}

/// True when the browser can write into a folder the user picks (Chromium-based, on desktop).
pub fn can_save_to_folder() -> bool {
    web_sys::window().is_some_and(|w| Reflect::has(&w, &"showDirectoryPicker".into()).unwrap_or(false))
}

/// Asks for a folder and writes every result into it. `Ok(None)` when the user closed the picker.
pub async fn save_to_folder(results: &[(String, Blob)]) -> Result<Option<usize>, String> {
    let window = web_sys::window().ok_or("No window.")?;
    let options = Object::new();
    let _ = Reflect::set(&options, &"mode".into(), &"readwrite".into());
    let _ = Reflect::set(&options, &"id".into(), &"localpix-results".into());
    let folder = match call(&window, "showDirectoryPicker", &[options.into()]).await {
        Ok(folder) => folder,
        Err(e) if error_name(&e) == "AbortError" => return Ok(None),
        Err(e) => return Err(format!("The folder could not be opened: {}.", error_message(&e))),
    };
    let create = Object::new();
    let _ = Reflect::set(&create, &"create".into(), &true.into());
    for (name, blob) in results {
        let written = async {
            let handle = call(&folder, "getFileHandle", &[name.into(), create.clone().into()]).await?;
            let writable = call(&handle, "createWritable", &[]).await?;
            call(&writable, "write", &[blob.into()]).await?;
            call(&writable, "close", &[]).await
        };
        written.await.map_err(|e| format!("{name} could not be written: {}.", error_message(&e)))?;
    }
    Ok(Some(results.len()))
}

/// Calls `object.method(args…)` and awaits the promise it returns.
async fn call(object: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let function: Function = Reflect::get(object, &method.into())?.dyn_into()?;
    let promise: Promise = function.apply(object, &args.iter().collect())?.dyn_into()?;
    JsFuture::from(promise).await
}

fn error_name(error: &JsValue) -> String {
    Reflect::get(error, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default()
}

fn error_message(error: &JsValue) -> String {
    Reflect::get(error, &"message".into()).ok().and_then(|n| n.as_string()).unwrap_or_else(|| format!("{error:?}"))
}
