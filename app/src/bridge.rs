//! The only Rust that talks to the image workers: [`WorkerPool`] wraps `js/bridge.js` (the pool of
//! module workers running the jco-transpiled engine), and the types here are the messages it
//! returns, read into plain Rust.

use js_sys::{Array, JSON, Promise, Reflect};
use wasm_bindgen::{JsCast, prelude::*};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File};

#[wasm_bindgen(module = "/js/bridge.js")]
extern "C" {
    #[wasm_bindgen(js_name = WorkerPool)]
    #[derive(Clone)]
    type JsWorkerPool;

    #[wasm_bindgen(constructor)]
    fn new(size: u32) -> JsWorkerPool;

    #[wasm_bindgen(method)]
    fn run(this: &JsWorkerPool, id: u32, file: &File, options: &JsValue, on_progress: &Closure<dyn FnMut(String, JsValue)>) -> Promise;

    #[wasm_bindgen(method, getter)]
    fn ready(this: &JsWorkerPool) -> Promise;

    #[wasm_bindgen(method, js_name = cancelAll)]
    fn cancel_all(this: &JsWorkerPool);

    #[wasm_bindgen(method)]
    fn forget(this: &JsWorkerPool, ids: Array);
}

/// A stage of one job, as the worker reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Decoding,
    Resizing,
    Encoding,
}

impl Stage {
    fn from_name(name: &str) -> Option<Self> {
        match name {
            "decoding" => Some(Stage::Decoding),
            "resizing" => Some(Stage::Resizing),
            "encoding" => Some(Stage::Encoding),
            _ => None,
        }
    }

    /// Steps done once this stage has started, out of [`Stage::STEPS`] (done is the last).
    pub fn step(self) -> u32 {
        match self {
            Stage::Decoding => 1,
            Stage::Resizing => 2,
            Stage::Encoding => 3,
        }
    }

    pub const STEPS: u32 = 4;

    pub fn label(self) -> &'static str {
        match self {
            Stage::Decoding => "decoding",
            Stage::Resizing => "resizing",
            Stage::Encoding => "encoding",
        }
    }
}

/// One metadata field found in a file (WIT `metadata-field`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub group: String,
    pub name: String,
    pub value: String,
    /// Why it is private (`location`, `device`, `person`, `hidden-content`), or `None`.
    pub sensitive: Option<String>,
}

/// What the engine's `probe` read from a file (the parts the app shows).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageInfo {
    pub format: String,
    pub width: u32,
    pub height: u32,
    pub fields: Vec<Field>,
    /// The description of an embedded colour profile.
    pub color_profile: Option<String>,
}

impl ImageInfo {
    /// Reads a WIT `image-info` record as jco gives it.
    pub fn from_js(info: &JsValue) -> Option<Self> {
        let dimensions = get(info, "dimensions");
        let fields = get(info, "metadata")
            .dyn_into::<Array>()
            .ok()?
            .iter()
            .map(|f| {
                Some(Field {
                    group: get(&f, "group").as_string()?,
                    name: get(&f, "name").as_string()?,
                    value: get(&f, "value").as_string()?,
                    sensitive: get(&f, "sensitive").as_string(),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let profile = get(info, "colorProfile");
        Some(Self {
            format: get(info, "format").as_string()?,
            width: number(&dimensions, "width")?,
            height: number(&dimensions, "height")?,
            fields,
            color_profile: if profile.is_object() {
                Some(get(&profile, "description").as_string().unwrap_or_else(|| "unnamed profile".into()))
            } else {
                None
            },
        })
    }

    /// The private fields only.
    pub fn sensitive(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| f.sensitive.is_some())
    }
}

/// A finished job.
#[derive(Clone, Debug)]
pub struct JobResult {
    pub info: ImageInfo,
    /// WIT `image-format`: `jpeg`, `png` or `webp`.
    pub format: String,
    pub width: u32,
    pub height: u32,
    /// The JPEG quality used (lower than asked when a byte budget needed it).
    pub quality: Option<u8>,
    /// Metadata fields found in the result itself, and how many of them are private (read back
    /// from the output, not assumed from the policy).
    pub kept_fields: u32,
    pub kept_sensitive: u32,
    /// The result's bytes, typed `image/<format>`.
    pub blob: Blob,
}

impl JobResult {
    /// Reads the worker's `{ info, output, blob }`.
    pub fn from_js(message: &JsValue) -> Option<Self> {
        let output = get(message, "output");
        let dimensions = get(&output, "dimensions");
        Some(Self {
            info: ImageInfo::from_js(&get(message, "info"))?,
            format: get(&output, "format").as_string()?,
            width: number(&dimensions, "width")?,
            height: number(&dimensions, "height")?,
            quality: number(&output, "quality").and_then(|q| u8::try_from(q).ok()),
            kept_fields: number(&output, "keptFields")?,
            kept_sensitive: number(&output, "keptSensitive")?,
            blob: get(message, "blob").dyn_into().ok()?,
        })
    }
}

/// Why a job failed: an engine `error` (`malformed-input`, `unsupported-format`, …) or one of the
/// pool's own (`crashed`, `cancelled`, `unreadable`), with its message for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobError {
    pub tag: String,
    pub message: String,
}

impl JobError {
    pub fn from_js(error: &JsValue) -> Self {
        Self {
            tag: get(error, "tag").as_string().unwrap_or_else(|| "crashed".into()),
            message: get(error, "message")
                .as_string()
                .or_else(|| error.as_string())
                .unwrap_or_else(|| "The image could not be processed.".into()),
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.tag == "cancelled"
    }
}

/// Workers running the engine, at most four (each holds a full decode in memory). Clones share
/// the same workers.
#[derive(Clone)]
pub struct WorkerPool(JsWorkerPool);

impl WorkerPool {
    pub fn new() -> Self {
        let cores = web_sys::window().map_or(2.0, |w| w.navigator().hardware_concurrency());
        Self(JsWorkerPool::new((cores as u32).clamp(1, 4)))
    }

    /// Waits until every worker has loaded the engine; the error says why one could not.
    pub async fn ready(&self) -> Result<(), String> {
        JsFuture::from(self.0.ready()).await.map(drop).map_err(|e| e.as_string().unwrap_or_else(|| format!("{e:?}")))
    }

    /// Processes `file` with `options` (WIT `options`, see `Settings::engine_options`), reporting
    /// each stage, and the file's info once probed, to `on_progress`.
    pub async fn process(
        &self,
        id: u32,
        file: &File,
        options: &serde_json::Value,
        mut on_progress: impl FnMut(Stage, Option<ImageInfo>) + 'static,
    ) -> Result<JobResult, JobError> {
        let options = JSON::parse(&options.to_string()).expect("serde_json writes JSON");
        let on_progress = Closure::new(move |stage: String, info: JsValue| {
            if let Some(stage) = Stage::from_name(&stage) {
                on_progress(stage, ImageInfo::from_js(&info));
            }
        });
        let outcome = JsFuture::from(self.0.run(id, file, &options, &on_progress)).await;
        // The closure must live until the job has settled; it is dropped here.
        drop(on_progress);
        match outcome {
            Ok(message) => JobResult::from_js(&message)
                .ok_or_else(|| JobError { tag: "crashed".into(), message: "The image worker sent a result localpix cannot read.".into() }),
            Err(error) => Err(JobError::from_js(&error)),
        }
    }

    /// Stops every queued and running job.
    pub fn cancel_all(&self) {
        self.0.cancel_all();
    }

    /// Lets the workers drop the decodes they keep of these files.
    pub fn forget(&self, ids: &[u32]) {
        self.0.forget(ids.iter().map(|&id| JsValue::from(id)).collect());
    }
}

impl Default for WorkerPool {
    fn default() -> Self {
        Self::new()
    }
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn number(object: &JsValue, key: &str) -> Option<u32> {
    get(object, key).as_f64().filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n <= f64::from(u32::MAX)).map(|n| n as u32)
}
