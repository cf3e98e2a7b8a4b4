//! PNG with the png crate: adaptive filters, fdeflate or zlib by effort.

use std::borrow::Cow;

use super::{PngEffort, PngOptions};
use crate::{
    error::{Error, Result},
    metadata::OutputMetadata,
    pixels::{Layout, Pixels},
};

pub fn encode(pixels: &Pixels, options: &PngOptions, metadata: &OutputMetadata) -> Result<Vec<u8>> {
    let failed = |e: png::EncodingError| Error::encoding(format!("PNG encoding failed: {e}."));
    let mut info = png::Info::with_size(pixels.size.width, pixels.size.height);
    info.color_type = match pixels.layout {
        Layout::Gray => png::ColorType::Grayscale,
        Layout::GrayAlpha => png::ColorType::GrayscaleAlpha,
        Layout::Rgb => png::ColorType::Rgb,
        Layout::Rgba => png::ColorType::Rgba,
    };
    info.bit_depth = png::BitDepth::Eight;
    info.icc_profile = metadata.icc.as_deref().map(Cow::Borrowed);
    info.exif_metadata = metadata.exif.as_deref().map(Cow::Borrowed);
    let mut out = Vec::with_capacity(pixels.data.len() / 2);
    let mut encoder = png::Encoder::with_info(&mut out, info).map_err(failed)?;
    encoder.set_compression(match options.effort {
        PngEffort::Fast => png::Compression::Fast,
        PngEffort::Balanced => png::Compression::Balanced,
        PngEffort::Smallest => png::Compression::High,
    });
    encoder.set_filter(png::Filter::Adaptive);
    let mut writer = encoder.write_header().map_err(failed)?;
    writer.write_image_data(&pixels.data).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok(out)
}
