//! Lossless WebP with image-webp.

use image_webp::{ColorType, WebPEncoder};

use crate::{
    error::{Error, Result},
    metadata::OutputMetadata,
    pixels::{Layout, Pixels},
};

pub fn encode(pixels: &Pixels, metadata: &OutputMetadata) -> Result<Vec<u8>> {
    // WebP sides are stored in 14 bits.
    if pixels.size.width > 16_383 || pixels.size.height > 16_383 {
        return Err(Error::encoding(format!(
            "A WebP image cannot be {}: its sides are limited to 16 383 pixels. Choose a smaller size or PNG.",
            pixels.size
        )));
    }
    let color = match pixels.layout {
        Layout::Gray => ColorType::L8,
        Layout::GrayAlpha => ColorType::La8,
        Layout::Rgb => ColorType::Rgb8,
        Layout::Rgba => ColorType::Rgba8,
    };
    let mut out = Vec::with_capacity(pixels.data.len() / 2);
    let mut encoder = WebPEncoder::new(&mut out);
    if let Some(icc) = &metadata.icc {
        encoder.set_icc_profile(icc.clone());
    }
    if let Some(exif) = &metadata.exif {
        encoder.set_exif_metadata(exif.clone());
    }
    encoder
        .encode(&pixels.data, pixels.size.width, pixels.size.height, color)
        .map_err(|e| Error::encoding(format!("WebP encoding failed: {e}.")))?;
    Ok(out)
}
