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

/// The format asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutputFormat {
    #[default]
    SameAsInput,
    Jpeg,
    Png,
    WebpLossless,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ChromaSubsampling {
    Yuv444,
    Yuv422,
    #[default]
    Yuv420,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JpegOptions {
    pub quality: u8,
    pub progressive: bool,
    pub chroma_subsampling: ChromaSubsampling,
}

impl Default for JpegOptions {
    fn default() -> Self {
        Self { quality: 80, progressive: false, chroma_subsampling: ChromaSubsampling::Yuv420 }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PngEffort {
    Fast,
    #[default]
    Balanced,
    Smallest,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PngOptions {
    pub effort: PngEffort,
}

/// The format asked for, and the settings of each format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Encoding {
    pub format: OutputFormat,
    pub jpeg: JpegOptions,
    pub png: PngOptions,
}

/// The format actually written, with its settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Writer {
    Jpeg(JpegOptions),
    Png(PngOptions),
    WebpLossless,
}

impl Encoding {
    /// Resolves `same-as-input` against the input's format; checks the settings.
    pub fn writer_for(&self, input: ImageFormat) -> Result<Writer> {
        if !(1..=100).contains(&self.jpeg.quality) {
            return Err(Error::invalid(format!("JPEG quality must be from 1 to 100, not {}.", self.jpeg.quality)));
        }
        Ok(match (self.format, input) {
            (OutputFormat::Jpeg, _) | (OutputFormat::SameAsInput, ImageFormat::Jpeg) => Writer::Jpeg(self.jpeg),
            (OutputFormat::WebpLossless, _) | (OutputFormat::SameAsInput, ImageFormat::WebP) => Writer::WebpLossless,
            _ => Writer::Png(self.png),
        })
    }
}

impl Writer {
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
