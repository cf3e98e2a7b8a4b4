//! The names localpix's files must agree on, as the Rust side uses them. `js/protocol.js` is the
//! JavaScript side (bridge.js, worker.js, embed.js and, through the build, sw.js import it); the
//! browser tests (`tests/browser/tests/protocol.rs`) compare the two through [`javascript_side`].
//! The worker's stages and the pool's error tags are serde names (`bridge::Stage`,
//! `bridge::PoolError`); the settings link's keys are `settings::keys`.

use wasm_bindgen::prelude::*;

/// The service worker's names (protocol.js `OFFLINE`).
pub mod offline {
    /// Cached by the service worker once every file is: "works offline" is then true.
    pub const READY_MARKER: &str = "/__localpix/offline-ready";
    /// The cache holding files shared to the installed app (`share_target`).
    pub const SHARED_CACHE: &str = "localpix-shared";
    /// The header carrying a shared file's name, URI-encoded.
    pub const FILE_NAME_HEADER: &str = "x-file-name";
    /// The page's "Reload to update", posted to the waiting service worker.
    pub const SKIP_WAITING: &str = "skip-waiting";
}

/// The widget's messages with its host page, by `type` (protocol.js `WIDGET`, docs/embed.md).
pub mod widget {
    pub const READY: &str = "localpix:ready";
    pub const SETTINGS: &str = "localpix:settings";
    pub const PROCESS: &str = "localpix:process";
    pub const RESULT: &str = "localpix:result";
    pub const ERROR: &str = "localpix:error";
    /// The colour scheme to use, `light` or `dark` (the element's `theme`, or its host page's).
    pub const THEME: &str = "localpix:theme";
}

#[wasm_bindgen(module = "/js/protocol.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = WORKER)]
    static WORKER: JsValue;
    #[wasm_bindgen(thread_local_v2, js_name = STAGES)]
    static STAGES: JsValue;
    #[wasm_bindgen(thread_local_v2, js_name = POOL_ERRORS)]
    static POOL_ERRORS: JsValue;
    #[wasm_bindgen(thread_local_v2, js_name = OFFLINE)]
    static OFFLINE: JsValue;
    #[wasm_bindgen(thread_local_v2, js_name = WIDGET)]
    static WIDGET: JsValue;
    #[wasm_bindgen(thread_local_v2, js_name = SETTINGS)]
    static SETTINGS: JsValue;
}

/// protocol.js's tables, as `[WORKER, STAGES, POOL_ERRORS, OFFLINE, WIDGET, SETTINGS]`, for the
/// tests that hold them against the names above.
pub fn javascript_side() -> [JsValue; 6] {
    [&WORKER, &STAGES, &POOL_ERRORS, &OFFLINE, &WIDGET, &SETTINGS].map(|table| table.with(JsValue::clone))
}
