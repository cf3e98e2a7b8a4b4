//! The localpix image engine.
//!
//! Decodes, orients, resizes and encodes images entirely in memory. The modules here are plain
//! Rust that knows nothing about WebAssembly; [`component`] maps them onto the WIT contract in
//! `wit/imaging.wit`, and is the only module that does.
//!
//! The flow of one image: [`format::sniff`] names the format, [`container::read`] walks its
//! headers and metadata without touching the pixels, [`decode`] produces [`pixels::Pixels`]
//! (possibly at a reduced scale), [`resize`] and [`orient`] shape them, [`color`] keeps colours
//! right, [`encode`] writes the output with what [`metadata`] allows to be kept.
//! [`pipeline::Image`] ties these together.

pub mod budget;
pub mod color;
pub mod container;
pub mod decode;
pub mod encode;
pub mod error;
pub mod format;
pub mod limits;
pub mod memory;
pub mod metadata;
pub mod orient;
pub mod pipeline;
pub mod pixels;
pub mod remux;
pub mod resize;
pub mod score;
pub mod tune;

// Its export names (`localpix:image/imaging@0.1.0#...`) only link as a WebAssembly component;
// the modules it maps are tested natively, the mapping itself through the component in Node.
#[cfg(target_arch = "wasm32")]
mod component;

#[cfg(test)]
mod testdata;

pub use error::Error;
pub use pipeline::{Image, Options, Output, default_options, probe, process, resize_image};

pub use localpix_contract::Dimensions;
