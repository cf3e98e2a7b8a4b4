//! Writing the output: JPEG (mozjpeg-rs), PNG (png; a photo's rows filtered by our own choice),
//! lossy WebP (libwebp) and lossless WebP (image-webp), each with the metadata the policy kept;
//! AVIF (rav1e) with its EXIF.

mod avif;
pub mod jpeg;
mod png;
mod webp;

pub use avif::{ReconstructionsKept, reconstruction as avif_reconstruction};
pub use jpeg::ChromaTable;
pub use png::quantized;

#[cfg(test)]
mod interop_tests;

use crate::{
    error::{Error, Result},
    format::ImageFormat,
    metadata::OutputMetadata,
    pixels::Pixels,
};

pub use localpix_contract::{ChromaSubsampling, Effort, Encoding, JpegOptions, OutputFormat, PngOptions, Quality};

/// The quality `auto` starts from, before its search; and the one a budget lowers from.
const AUTO_START: u8 = 80;

/// What the writer choice needs to know of the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Input {
    pub format: ImageFormat,
    pub lossy: bool,
    pub has_alpha: bool,
}

impl Input {
    pub fn of(info: &localpix_contract::ImageInfo) -> Self {
        Self { format: info.format, lossy: info.lossy, has_alpha: info.has_alpha }
    }
}

/// The format actually written, with its settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Writer {
    Jpeg { quality: u8, effort: Effort, options: JpegOptions, chroma_table: ChromaTable },
    Png { effort: Effort, options: PngOptions },
    Webp { quality: u8, effort: Effort },
    WebpLossless,
    Avif { quality: u8, effort: Effort, chroma: ChromaSubsampling },
}

impl Writer {
    /// The writer `encoding` asks for, `same-as-input` resolved against the input; checks the
    /// settings. With `auto` quality the quality is a starting point for the search.
    pub fn for_encoding(encoding: &Encoding, input: Input) -> Result<Writer> {
        let quality = match encoding.quality {
            Quality::Fixed(quality @ 1..=100) => quality,
            Quality::Fixed(other) => return Err(Error::invalid(format!("The quality must be from 1 to 100, not {other}."))),
            Quality::Auto(_) => AUTO_START,
        };
        if let Some(colors) = encoding.png.palette_colors.filter(|c| !(2..=256).contains(c)) {
            return Err(Error::invalid(format!("A palette has 2 to 256 colours, not {colors}.")));
        }
        let effort = encoding.effort;
        let jpeg = Writer::Jpeg { quality, effort, options: encoding.jpeg, chroma_table: ChromaTable::Standard };
        Ok(match (encoding.format, input.format) {
            (OutputFormat::Jpeg, _) | (OutputFormat::SameAsInput, ImageFormat::Jpeg) => jpeg,
            // A lossy photo stays lossy: lossless WebP would be many times its size.
            (OutputFormat::Webp, _) => Writer::Webp { quality, effort },
            (OutputFormat::Avif, _) => Writer::Avif { quality, effort, chroma: encoding.jpeg.chroma_subsampling },
            (OutputFormat::SameAsInput, ImageFormat::WebP) if input.lossy => Writer::Webp { quality, effort },
            // HEIC cannot be written: its photos become JPEG, or lossy WebP to keep transparency.
            (OutputFormat::SameAsInput, ImageFormat::Heic) if input.has_alpha => Writer::Webp { quality, effort },
            (OutputFormat::SameAsInput, ImageFormat::Heic) => jpeg,
            // Nor JPEG XL: a lossy one is written as HEIC is, a lossless one as PNG (below).
            (OutputFormat::SameAsInput, ImageFormat::JpegXl) if input.lossy && input.has_alpha => Writer::Webp { quality, effort },
            (OutputFormat::SameAsInput, ImageFormat::JpegXl) if input.lossy => jpeg,
            (OutputFormat::WebpLossless, _) | (OutputFormat::SameAsInput, ImageFormat::WebP) => Writer::WebpLossless,
            _ => Writer::Png { effort, options: encoding.png },
        })
    }

    pub fn format(self) -> ImageFormat {
        match self {
            Writer::Jpeg { .. } => ImageFormat::Jpeg,
            Writer::Png { .. } => ImageFormat::Png,
            Writer::Webp { .. } | Writer::WebpLossless => ImageFormat::WebP,
            Writer::Avif { .. } => ImageFormat::Avif,
        }
    }

    /// The quality of lossy writers.
    pub fn quality(self) -> Option<u8> {
        match self {
            Writer::Jpeg { quality, .. } | Writer::Webp { quality, .. } | Writer::Avif { quality, .. } => Some(quality),
            _ => None,
        }
    }

    /// The same writer at another quality (lossy writers; others are unchanged).
    pub fn with_quality(self, quality: u8) -> Writer {
        match self {
            Writer::Jpeg { effort, options, chroma_table, .. } => Writer::Jpeg { quality, effort, options, chroma_table },
            Writer::Webp { effort, .. } => Writer::Webp { quality, effort },
            Writer::Avif { effort, chroma, .. } => Writer::Avif { quality, effort, chroma },
            other => other,
        }
    }

    /// The lossy PNG writer with at most `colors` colours (other writers are unchanged).
    pub fn with_palette(self, colors: u16) -> Writer {
        match self {
            Writer::Png { effort, .. } => Writer::Png { effort, options: PngOptions { palette_colors: Some(colors) } },
            other => other,
        }
    }

    /// The colours of a lossy PNG writer.
    pub fn palette_colors(self) -> Option<u16> {
        match self {
            Writer::Png { options, .. } => options.palette_colors,
            _ => None,
        }
    }

    pub fn has_alpha(self) -> bool {
        !matches!(self, Writer::Jpeg { .. })
    }

    /// Whether the file can carry a colour profile; without one, colours are converted to sRGB.
    pub fn embeds_profile(self) -> bool {
        !matches!(self, Writer::Avif { .. })
    }

    /// Encodes `pixels`, which must be opaque for JPEG (see [`Pixels::flatten`]).
    pub fn encode(self, pixels: &Pixels, metadata: &OutputMetadata) -> Result<Vec<u8>> {
        match self {
            Writer::Jpeg { quality, effort, options, chroma_table } => {
                jpeg::encode(pixels, quality, effort, &options, chroma_table, metadata)
            }
            Writer::Png { effort, options } => png::encode(pixels, effort, &options, metadata),
            Writer::Webp { quality, effort } => webp::encode_lossy(pixels, quality, effort, metadata),
            Writer::WebpLossless => webp::encode_lossless(pixels, metadata),
            Writer::Avif { quality, effort, chroma } => avif::encode(pixels, quality, effort, chroma, metadata),
        }
    }
}
