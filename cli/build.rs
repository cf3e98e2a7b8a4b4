//! Embeds the web app's component, `target/component/localpix_core.wasm`, the very file `make
//! component` builds: the CLI has no imaging code of its own.

use std::{
    hash::{Hash, Hasher},
    path::PathBuf,
};

fn main() {
    println!("cargo:rerun-if-env-changed=LOCALPIX_COMPONENT");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let path = match std::env::var_os("LOCALPIX_COMPONENT") {
        Some(path) => PathBuf::from(path),
        None => manifest.join("../target/component/localpix_core.wasm"),
    };
    println!("cargo:rerun-if-changed={}", path.display());
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "\n\nThe image engine is missing: {} ({e}).\n\
             The CLI embeds the component the web app ships; build it first with `make component`\n\
             (or `make cli`, which does both), or point LOCALPIX_COMPONENT at a built localpix_core.wasm.\n\n",
            path.display()
        )
    });
    let path = path.canonicalize().expect("the component's path");
    // Part of the compiled-code cache's key, so a rebuilt component is never run from old code.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    println!("cargo:rustc-env=LOCALPIX_COMPONENT_PATH={}", path.display());
    println!("cargo:rustc-env=LOCALPIX_COMPONENT_HASH={:016x}{:08x}", hasher.finish(), bytes.len());
    // wasmtime's version, also in the cache's key: read from the pin in Cargo.toml, its one place.
    let manifest_text = std::fs::read_to_string(manifest.join("Cargo.toml")).expect("Cargo.toml");
    let wasmtime = manifest_text
        .lines()
        .find_map(|line| line.strip_prefix("wasmtime = { version = \"=")?.split('"').next())
        .expect("Cargo.toml pins wasmtime as `wasmtime = { version = \"=x.y.z\"`");
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rustc-env=LOCALPIX_WASMTIME_VERSION={wasmtime}");
}
