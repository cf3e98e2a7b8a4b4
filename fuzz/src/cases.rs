//! What the fuzz targets do with one input, written once: the targets in `fuzz_targets/` call
//! these, and the engine's regression test (`core-component/tests/fuzz_regressions.rs`) includes
//! this file to run every saved input through all of them.
//!
//! Limits are small (4 megapixels, 64 MiB), so the fuzzer spends its time on the files'
//! structure rather than on decoding huge images. Every error the engine returns is typed, so
//! only a panic (a trap in WebAssembly), a hang or an allocation over libFuzzer's limit counts
//! as a failure; besides, whatever the engine writes must read back as what it says it wrote.

use localpix_core::{
    Dimensions, Image, Options,
    encode::{Effort, OutputFormat},
    error::Error,
    limits::Limits,
    metadata::MetadataPolicy,
    pipeline::{DecodeOptions, EncodeOptions, ImageInfo, Output},
    resize::{Filter, ResizeMode, ResizeOptions},
};

/// Small enough that each run takes milliseconds, large enough for every code path.
pub const LIMITS: Limits = Limits { max_pixels: 4_000_000, max_memory: 64 << 20 };

/// The option sets `process` is fuzzed with, by name.
pub fn option_sets() -> [(&'static str, Options); 5] {
    let base = Options { limits: LIMITS, ..Options::default() };
    let mut png_fast = base;
    png_fast.encode.encoding.format = OutputFormat::Png;
    png_fast.encode.encoding.effort = Effort::Fast;
    let mut jpeg_small = base;
    jpeg_small.encode.encoding.format = OutputFormat::Jpeg;
    jpeg_small.encode.encoding.effort = Effort::Fast;
    jpeg_small.resize.mode = ResizeMode::FitWithin(Dimensions::new(48, 48));
    let mut keep_safe = base;
    keep_safe.encode.metadata = MetadataPolicy::KeepSafe;
    keep_safe.encode.encoding.effort = Effort::Fast;
    let mut cover = base;
    cover.resize = ResizeOptions {
        mode: ResizeMode::Cover(Dimensions::new(40, 24)),
        filter: Filter::CatmullRom,
        never_upscale: false,
        ..Default::default()
    };
    cover.encode.encoding.effort = Effort::Fast;
    [("default", base), ("png-fast", png_fast), ("jpeg-fast-small", jpeg_small), ("keep-safe", keep_safe), ("cover-crop", cover)]
}

/// Fails (panics) when an error carries no message: the user would see an empty row.
fn check_error(error: &Error) {
    assert!(!error.message().trim().is_empty(), "an error without a message: {error:?}");
}

/// Fails when an output does not read back as what the engine says it wrote.
fn check_output(output: &Output) {
    let info = localpix_core::probe(&output.bytes).unwrap_or_else(|e| panic!("the engine cannot read its own output: {e}"));
    assert_eq!(info.format, output.format, "the output is not in the format reported");
    assert_eq!(info.dimensions, output.dimensions, "the output is not the size reported");
}

/// `probe`: headers and metadata only.
pub fn probe(data: &[u8]) -> Result<ImageInfo, Error> {
    let result = localpix_core::probe(data);
    if let Err(e) = &result {
        check_error(e);
    }
    result
}

/// `process` with the option set `set` (an index into [`option_sets`]).
pub fn process(data: &[u8], set: usize) -> Result<Output, Error> {
    let (_, options) = option_sets()[set % 5];
    let result = localpix_core::process(data, &options);
    match &result {
        Ok(output) => check_output(output),
        Err(e) => check_error(e),
    }
    result
}

/// The staged API as the app's comparison view uses it: decode for an intended resize, resize,
/// encode, then picture the difference between the output and the resized image.
pub fn staged(data: &[u8]) -> Result<Output, Error> {
    let resize = ResizeOptions { mode: ResizeMode::FitWidth(64), filter: Filter::Lanczos3, never_upscale: true, ..Default::default() };
    let mut encode = EncodeOptions::default();
    encode.encoding.effort = Effort::Fast;
    let result = (|| {
        let image = Image::decode(data, &DecodeOptions { limits: LIMITS, intended_resize: Some(resize) })?;
        let small = image.resize(&resize)?;
        let output = small.encode(&encode)?;
        check_output(&output);
        let difference = small.difference(&output.bytes, &encode, 4)?;
        assert_eq!(difference.dimensions, output.dimensions, "the difference is not the output's size");
        Ok(output)
    })();
    if let Err(e) = &result {
        check_error(e);
    }
    result
}
