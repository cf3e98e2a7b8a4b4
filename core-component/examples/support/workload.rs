//! The command-line form of a workload, shared by the native examples so that the Node tests and
//! the benchmark can ask the native build for exactly what they ask of the component.
//!
//! `<input> <resize> <format>`: resize is `fit:W:H` (fit within) or `width:W`; format is `jpeg`
//! (quality 80, 4:2:0) or `png`. Metadata is stripped, as by default.

// Each example uses part of it.
#![allow(dead_code)]

use localpix_core::{
    Dimensions,
    encode::OutputFormat,
    pipeline::{DecodeOptions, EncodeOptions, Options},
    resize::{ResizeMode, ResizeOptions},
};

pub struct Workload {
    pub input: Vec<u8>,
    pub options: Options,
}

impl Workload {
    pub fn from_args(args: &[String]) -> Result<Self, String> {
        let [input, resize, format] = args else {
            return Err("usage: <input> <fit:W:H|width:W> <jpeg|png>".into());
        };
        let input = std::fs::read(input).map_err(|e| format!("{input}: {e}"))?;
        let number = |s: &str| s.parse::<u32>().map_err(|e| format!("{s}: {e}"));
        let mode = match resize.split(':').collect::<Vec<_>>()[..] {
            ["fit", w, h] => ResizeMode::FitWithin(Dimensions::new(number(w)?, number(h)?)),
            ["width", w] => ResizeMode::FitWidth(number(w)?),
            _ => return Err(format!("unknown resize {resize}")),
        };
        let mut options = localpix_core::default_options();
        options.resize.mode = mode;
        options.encode.encoding.format = match format.as_str() {
            "jpeg" => OutputFormat::Jpeg,
            "png" => OutputFormat::Png,
            other => return Err(format!("unknown format {other}")),
        };
        Ok(Self { input, options })
    }

    pub fn is_jpeg(&self) -> bool {
        self.options.encode.encoding.format == OutputFormat::Jpeg
    }

    /// The fixed quality asked for (the workloads use the default, 80).
    pub fn quality(&self) -> u8 {
        match self.options.encode.encoding.quality {
            localpix_core::encode::Quality::Fixed(quality) => quality,
            localpix_core::encode::Quality::Auto(_) => 80,
        }
    }

    pub fn resize(&self) -> &ResizeOptions {
        &self.options.resize
    }

    pub fn encode(&self) -> &EncodeOptions {
        &self.options.encode
    }

    /// What `process` passes to the decoder: the resize, so a JPEG may decode reduced.
    pub fn decode_options(&self) -> DecodeOptions {
        DecodeOptions { limits: self.options.limits, intended_resize: Some(self.options.resize) }
    }
}
