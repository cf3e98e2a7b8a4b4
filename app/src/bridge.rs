//! The only Rust that talks to the image workers: [`WorkerPool`] wraps `js/bridge.js` (the pool of
//! module workers running the jco-transpiled engine). What crosses is typed: options go out as the
//! contract's [`Options`], and results, probe reports and errors come back as the contract's types,
//! (de)serialised with serde-wasm-bindgen in exactly jco's shapes.

use js_sys::{Array, Promise};
use localpix_contract::{Dimensions, Error as EngineError, ImageInfo, Options, Output};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File};

#[wasm_bindgen(module = "/js/bridge.js")]
extern "C" {
    #[wasm_bindgen(js_name = WorkerPool)]
    #[derive(Clone)]
    type JsWorkerPool;

    /// The page's pool, started early by bridge.js itself on the app's pages.
    #[wasm_bindgen(js_name = appPool)]
    fn app_pool() -> JsWorkerPool;

    #[wasm_bindgen(method)]
    fn run(
        this: &JsWorkerPool,
        id: u32,
        file: &File,
        options: &JsValue,
        on_progress: &Closure<dyn FnMut(JsValue, JsValue)>,
        // Owned, so JavaScript gets a copy: a borrowed slice would be a view of the whole
        // WebAssembly memory, which the job would keep and post to its worker.
        widths: Vec<u32>,
    ) -> Promise;

    #[wasm_bindgen(method, getter)]
    fn ready(this: &JsWorkerPool) -> Promise;

    #[wasm_bindgen(method)]
    fn difference(this: &JsWorkerPool, id: u32, file: &File, result: &Blob, options: &JsValue, widths: Vec<u32>) -> Promise;

    #[wasm_bindgen(method, js_name = cancelAll)]
    fn cancel_all(this: &JsWorkerPool);

    #[wasm_bindgen(method)]
    fn forget(this: &JsWorkerPool, ids: Array);

    /// What `run` resolves with: the worker's report and the result's bytes.
    pub type Done;

    #[wasm_bindgen(method, getter)]
    fn report(this: &Done) -> JsValue;

    #[wasm_bindgen(method, getter)]
    fn blob(this: &Done) -> Blob;

    #[wasm_bindgen(method, getter)]
    fn thumbnail(this: &Done) -> JsValue;

    /// The smaller widths' results, an array of `{ report, blob }` (each a `Done` without its
    /// thumbnail).
    #[wasm_bindgen(method, getter)]
    fn sizes(this: &Done) -> JsValue;

    #[wasm_bindgen(method, getter)]
    fn skipped(this: &Done) -> JsValue;
}

/// A stage of one job, as the worker reports it (protocol.js `STAGES`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    Decoding,
    Resizing,
    Encoding,
    /// The file needs a codec the light engine leaves out: the full engine is being loaded.
    LoadingEngine,
}

impl Stage {
    pub const ALL: [Stage; 4] = [Stage::Decoding, Stage::Resizing, Stage::Encoding, Stage::LoadingEngine];

    /// Steps done once this stage has started, out of [`Stage::STEPS`] (done is the last).
    pub fn step(self) -> u32 {
        match self {
            Stage::Decoding | Stage::LoadingEngine => 1,
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
            Stage::LoadingEngine => "loading the full engine",
        }
    }
}

/// What the worker reports of a finished job (worker.js `report`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// What `probe` read from the original.
    pub info: ImageInfo,
    /// The output's format, size and quality (its bytes are in the Blob).
    pub output: Output,
    /// The size the resize gave, before a byte budget made it smaller.
    pub resized: Dimensions,
    /// Metadata fields found in the result itself, and how many of them are private (read back
    /// from the output, not assumed from the policy); `None` when the engine cannot read the
    /// output's format back (AVIF).
    pub kept_fields: Option<u32>,
    pub kept_sensitive: Option<u32>,
}

/// A finished job.
#[derive(Clone, Debug)]
pub struct JobResult {
    pub report: Report,
    /// The result's bytes, typed `image/<format>`.
    pub blob: Blob,
    /// A small JPEG of it for the list (none from an older worker script).
    pub thumbnail: Option<Blob>,
    /// With several widths: the smaller ones, largest first (the result above is the largest).
    pub sizes: Vec<(Report, Blob)>,
    /// Widths asked for that the original is too narrow for, ascending.
    pub skipped: Vec<u32>,
}

/// Why a job failed: the engine refused the file (its typed error, so the UI can act on the kind),
/// or the pool could not run it (protocol.js `POOL_ERRORS`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum JobError {
    Engine(EngineError),
    Pool(PoolError),
}

/// The pool's own failures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "tag", content = "val", rename_all = "kebab-case")]
pub enum PoolError {
    /// The engine trapped (out of memory, a bug); its worker was replaced.
    Crashed(String),
    /// The user cancelled, or changed a setting.
    Cancelled,
    /// The browser could not read the file.
    Unreadable(String),
}

impl JobError {
    /// Reads a rejection from bridge.js; anything unexpected counts as a crash.
    pub fn from_js(error: JsValue) -> Self {
        serde_wasm_bindgen::from_value(error.clone()).unwrap_or_else(|_| {
            let detail = error.as_string().unwrap_or_else(|| format!("{error:?}"));
            JobError::Pool(PoolError::Crashed(format!("The image worker failed in an unexpected way ({detail}).")))
        })
    }

    pub fn is_cancelled(&self) -> bool {
        *self == JobError::Pool(PoolError::Cancelled)
    }

    /// The message for people.
    pub fn message(&self) -> &str {
        match self {
            JobError::Engine(e) => e.message(),
            JobError::Pool(PoolError::Crashed(m) | PoolError::Unreadable(m)) => m,
            JobError::Pool(PoolError::Cancelled) => "Cancelled.",
        }
    }
}

/// Workers running the engine, at most four (each holds a full decode in memory). There is one
/// per page (bridge.js `appPool`): clones, and every `new`, share the same workers.
#[derive(Clone)]
pub struct WorkerPool(JsWorkerPool);

impl WorkerPool {
    pub fn new() -> Self {
        Self(app_pool())
    }

    /// Waits until every worker has loaded the engine; the error says why one could not.
    pub async fn ready(&self) -> Result<(), String> {
        JsFuture::from(self.0.ready()).await.map(drop).map_err(|e| e.as_string().unwrap_or_else(|| format!("{e:?}")))
    }

    /// Processes `file` with `options`, reporting each stage, and the file's info once probed, to
    /// `on_progress`. `widths` (ascending; empty for one result) asks for the photo fit to each,
    /// all from one decode.
    pub async fn process(
        &self,
        id: u32,
        file: &File,
        options: &Options,
        widths: &[u32],
        mut on_progress: impl FnMut(Stage, Option<ImageInfo>) + 'static,
    ) -> Result<JobResult, JobError> {
        let options = to_js(options);
        let on_progress = Closure::new(move |stage: JsValue, info: JsValue| {
            if let Ok(stage) = serde_wasm_bindgen::from_value(stage) {
                on_progress(stage, serde_wasm_bindgen::from_value(info).ok().flatten());
            }
        });
        let outcome = JsFuture::from(self.0.run(id, file, &options, &on_progress, widths.to_vec())).await;
        // The closure must live until the job has settled; it is dropped here.
        drop(on_progress);
        match outcome {
            Ok(done) => JobResult::read(done.unchecked_into())
                .ok_or_else(|| JobError::Pool(PoolError::Crashed("The image worker sent a result localpix cannot read.".into()))),
            Err(error) => Err(JobError::from_js(error)),
        }
    }

    /// A PNG of where `result` differs from `file` resized with `options` (magnified); `widths` as
    /// the job had them, so the worker's decode of it serves.
    pub async fn difference(&self, id: u32, file: &File, result: &Blob, options: &Options, widths: &[u32]) -> Result<Blob, JobError> {
        match JsFuture::from(self.0.difference(id, file, result, &to_js(options), widths.to_vec())).await {
            Ok(blob) => blob.dyn_into().map_err(|_| JobError::Pool(PoolError::Crashed("The difference is not a picture.".into()))),
            Err(error) => Err(JobError::from_js(error)),
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

impl JobResult {
    /// Reads what `run` resolved with; `None` when it is not a result.
    pub fn read(done: Done) -> Option<Self> {
        let read = |done: &Done| Some((serde_wasm_bindgen::from_value(done.report()).ok()?, JsValue::from(done.blob()).dyn_into().ok()?));
        let (report, blob) = read(&done)?;
        // None from a worker that made one size.
        let sizes = match done.sizes().dyn_into::<Array>() {
            Ok(sizes) => sizes.iter().map(|size| read(size.unchecked_ref())).collect::<Option<Vec<_>>>()?,
            Err(_) => Vec::new(),
        };
        let skipped = serde_wasm_bindgen::from_value(done.skipped()).unwrap_or_default();
        Some(Self { report, blob, thumbnail: done.thumbnail().dyn_into().ok(), sizes, skipped })
    }
}

/// A contract value as jco takes it (`none` options are left out, so they read as `undefined`).
pub fn to_js(value: &impl Serialize) -> JsValue {
    serde_wasm_bindgen::to_value(value).expect("the contract's types serialise")
}
