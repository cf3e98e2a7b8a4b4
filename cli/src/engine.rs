//! The image engine: the web app's component, embedded at build time, compiled by Cranelift once
//! (and kept in the user's cache folder between runs), run in one instance per engine process
//! ([`crate::worker`]).
//!
//! The component imports nothing, so the linker is empty: the engine can reach no file, socket or
//! clock. Its memory is bounded per instance by a limiter; its time is bounded from outside, by
//! the process that waits for its answer ([`crate::worker`]), so the compiled code carries no
//! interruption checks. A trap (the memory limit, or a bug) leaves the instance unusable;
//! [`Instance`] then builds a fresh one for the next file.

use std::{
    hash::{DefaultHasher, Hash, Hasher},
    path::PathBuf,
};

use localpix_contract as api;
use serde::{Deserialize, Serialize};
use wasmtime::{
    Config, Engine, ResourceLimiter, Store,
    component::{Component, Linker},
};

use crate::convert::Convert;

mod bindings {
    wasmtime::component::bindgen!({ path: "../wit", world: "resizer" });
}

pub use bindings::exports::localpix::image::imaging as wit;

/// The component the web app ships, byte for byte (build.rs).
static COMPONENT: &[u8] = include_bytes!(env!("LOCALPIX_COMPONENT_PATH"));

/// Why a file failed: the engine's own error (as the web app shows it), or the engine stopped.
/// Serialisable: an engine process sends it to the CLI's ([`crate::worker`]).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Failure {
    Engine(api::Error),
    /// The engine stopped: a limit (memory, time), a fault in the engine, or its process ended.
    /// Only this file fails; the next gets a fresh instance.
    Stopped(String),
    /// The input could not be read, or the result not written.
    File(String),
}

impl Failure {
    /// The error's WIT variant (`malformed-input`…), or `stopped`.
    pub fn variant(&self) -> String {
        match self {
            Failure::Engine(error) => {
                serde_json::to_value(error).ok().and_then(|v| v["tag"].as_str().map(String::from)).unwrap_or_default()
            }
            Failure::Stopped(_) => "stopped".into(),
            Failure::File(_) => "file".into(),
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Failure::Engine(error) => error.message(),
            Failure::Stopped(message) | Failure::File(message) => message,
        }
    }
}

/// The compiled component, ready to instantiate.
pub struct Compiled {
    engine: Engine,
    pre: bindings::ResizerPre<Limiter>,
}

impl Compiled {
    /// Loads the compiled code from the cache, or compiles (on all cores) and caches it.
    pub fn load() -> wasmtime::Result<Self> {
        let mut config = Config::new();
        config.parallel_compilation(true);
        let engine = Engine::new(&config)?;
        let component = match cache_path(&engine) {
            Some(path) => cached(&engine, &path)?,
            None => Component::new(&engine, COMPONENT)?,
        };
        // Nothing is linked: the component has no imports, and gets none.
        let linker = Linker::new(&engine);
        let pre = bindings::ResizerPre::new(linker.instantiate_pre(&component)?)?;
        Ok(Self { engine, pre })
    }
}

/// Where the compiled code is kept: the user's cache folder, under a name that changes with the
/// component's bytes, wasmtime's version and the compilation settings (wasmtime's compatibility
/// hash covers both of the latter), so stale code is never loaded.
fn cache_path(engine: &Engine) -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
    let mut hasher = DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    let name = format!(
        "localpix_core-{}-wasmtime{}-{:016x}.cwasm",
        env!("LOCALPIX_COMPONENT_HASH"),
        env!("LOCALPIX_WASMTIME_VERSION"),
        hasher.finish()
    );
    Some(base.join("localpix").join(name))
}

/// The cached compiled component, or a fresh compilation written to the cache (best effort: a
/// read-only home still runs, compiling each time).
fn cached(engine: &Engine, path: &std::path::Path) -> wasmtime::Result<Component> {
    if path.exists() {
        // SAFETY: the file is one this program wrote (below) from its own embedded component,
        // under a name keyed on that component and on this wasmtime's compatibility hash; a
        // file that fails wasmtime's own header checks is compiled again.
        if let Ok(component) = unsafe { Component::deserialize_file(engine, path) } {
            return Ok(component);
        }
    }
    let component = Component::new(engine, COMPONENT)?;
    if let (Some(dir), Ok(bytes)) = (path.parent(), component.serialize()) {
        let temp = path.with_extension(format!("{}.tmp", std::process::id()));
        let written = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&temp, bytes)).and_then(|()| std::fs::rename(&temp, path));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
    }
    Ok(component)
}

/// Caps one instance's memory, and remembers a refusal: the engine then traps (an allocation
/// failure aborts), and the trap is reported as the limit it is.
struct Limiter {
    max_bytes: usize,
    refused: bool,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        self.refused = desired > self.max_bytes;
        Ok(!self.refused)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

/// One engine process's instance of the engine, replaced after a trap.
pub struct Instance {
    compiled: Compiled,
    memory_mib: u32,
    live: Option<(Store<Limiter>, bindings::Resizer)>,
}

impl Instance {
    pub fn new(compiled: Compiled, memory_mib: u32) -> Self {
        Self { compiled, memory_mib, live: None }
    }

    /// `process`: the result, or why not.
    pub fn process(&mut self, input: &[u8], options: &api::Options) -> Result<api::Output, Failure> {
        let options: wit::Options = (*options).convert();
        self.call(|store, resizer| resizer.localpix_image_imaging().call_process(store, input, options)).map(Convert::convert)
    }

    /// `probe`: what the file holds.
    pub fn probe(&mut self, input: &[u8]) -> Result<api::ImageInfo, Failure> {
        self.call(|store, resizer| resizer.localpix_image_imaging().call_probe(store, input)).map(Convert::convert)
    }

    fn call<T>(
        &mut self,
        f: impl FnOnce(&mut Store<Limiter>, &bindings::Resizer) -> wasmtime::Result<Result<T, wit::Error>>,
    ) -> Result<T, Failure> {
        let (mut store, resizer) = match self.live.take() {
            Some(live) => live,
            None => self.instantiate().map_err(|e| Failure::Stopped(format!("The engine could not start: {e}")))?,
        };
        store.data_mut().refused = false;
        match f(&mut store, &resizer) {
            Ok(result) => {
                self.live = Some((store, resizer));
                result.map_err(|e| Failure::Engine(e.convert()))
            }
            // The trapped instance is dropped here, never used again.
            Err(trap) => Err(Failure::Stopped(if store.data().refused {
                format!("It needs more than the memory limit ({} MiB; raise it with --memory).", self.memory_mib)
            } else {
                format!("The engine stopped on this file ({}).", trap.root_cause())
            })),
        }
    }

    fn instantiate(&self) -> wasmtime::Result<(Store<Limiter>, bindings::Resizer)> {
        let limiter = Limiter { max_bytes: self.memory_mib as usize * 1024 * 1024, refused: false };
        let mut store = Store::new(&self.compiled.engine, limiter);
        store.limiter(|limiter| limiter);
        let resizer = self.compiled.pre.instantiate(&mut store)?;
        Ok((store, resizer))
    }
}
