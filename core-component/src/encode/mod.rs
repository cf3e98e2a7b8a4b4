//! Writing the output: JPEG (jpeg-encoder: 4:2:0, optimised Huffman tables), PNG (png: adaptive
//! filters) and lossless WebP (image-webp), each with the metadata the policy kept.

mod jpeg;
mod png;
mod webp;

use crate::{
    error::{Error, Result},
    format::ImageFormat,
    metadata::OutputMetadata,
    pixels::Pixels,
};

pub use localpix_contract::{ChromaSubsampling, Encoding, JpegOptions, OutputFormat, PngEffort, PngOptions};

/// The format actually written, with its settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Writer {
    Jpeg(JpegOptions),
    Png(PngOptions),
    WebpLossless,
}

impl Writer {
    /// The writer `encoding` asks for, `same-as-input` resolved against the input's format; checks
    /// the settings.
    pub fn for_encoding(encoding: &Encoding, input: ImageFormat) -> Result<Writer> {
        if !(1..=100).contains(&encoding.jpeg.quality) {
            return Err(Error::invalid(format!("JPEG quality must be from 1 to 100, not {}.", encoding.jpeg.quality)));
        }
        Ok(match (encoding.format, input) {
            (OutputFormat::Jpeg, _) | (OutputFormat::SameAsInput, ImageFormat::Jpeg) => Writer::Jpeg(encoding.jpeg),
            (OutputFormat::WebpLossless, _) | (OutputFormat::SameAsInput, ImageFormat::WebP) => Writer::WebpLossless,
            _ => Writer::Png(encoding.png),
        })
    }

    pub fn format(self) -> ImageFormat {
        match self {
            Writer::Jpeg(_) => ImageFormat::Jpeg,
            Writer::Png(_) => ImageFormat::Png,
            Writer::WebpLossless => ImageFormat::WebP,
        }
    }

    /// The JPEG quality, for lossy writers.
    pub fn quality(self) -> Option<u8> {
        match self {
            Writer::Jpeg(options) => Some(options.quality),
            _ => None,
        }
    }

    pub fn has_alpha(self) -> bool {
        !matches!(self, Writer::Jpeg(_))
    }

    /// Encodes `pixels`, which must be opaque for JPEG (see [`Pixels::flatten`]).
    pub fn encode(self, pixels: &Pixels, metadata: &OutputMetadata) -> Result<Vec<u8>> {
        match self {
            Writer::Jpeg(options) => jpeg::encode(pixels, &options, metadata),
            Writer::Png(options) => png::encode(pixels, &options, metadata),
            Writer::WebpLossless => webp::encode(pixels, metadata),
        }
    }
}
