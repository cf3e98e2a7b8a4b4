//! The engine's contract, `wit/imaging.wit`, as plain Rust types: one definition of every option,
//! result and error that crosses a boundary.
//!
//! The engine (`localpix-core`) uses these types as its own, and its component module maps them to
//! and from the bindings wit-bindgen generates; the app builds its options with them and reads the
//! worker's results into them. Their serde form is exactly what jco gives and takes in JavaScript
//! (records as objects with camelCase fields, enums as kebab-case strings, variants as
//! `{ tag, val }`, `option`s as the value or `undefined`), so the app passes them to the worker with
//! serde-wasm-bindgen, and `tests/component/contract.test.mjs` checks that the component agrees.
//!
//! Defaults live here too: [`Options::default`] is what `default-options` returns.

mod error;
mod info;
mod options;
mod rect;

pub use error::{Codec, Error, Result};
pub use info::{
    ColorModel, ColorProfile, Dimensions, HDR_GAIN_MAP_FIELD, ImageFormat, ImageInfo, MetadataField, MetadataGroup, Orientation, Output,
    ProfileColorSpace, QualityScore, SensitiveKind,
};
pub use options::{
    ChromaSubsampling, DecodeOptions, Effort, EncodeOptions, Encoding, Filter, JpegOptions, Limits, MetadataPolicy, Options, OutputFormat,
    PngOptions, Quality, QualityTarget, ResizeMode, ResizeOptions, Rgb,
};
pub use rect::Rect;
