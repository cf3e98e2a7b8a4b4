//! Reads a file's headers and metadata blocks without decoding its pixels: what `probe` needs,
//! and what decoding checks against the limits before allocating anything large.
//!
//! One module per format; each walks its container's segments or chunks with bounds-checked
//! reads, so a truncated or lying file gives an error, never a panic.

mod bmp;
mod gif;
#[cfg(feature = "heic")]
mod heic;
mod jpeg;
#[cfg(feature = "jxl")]
mod jxl;
pub(crate) mod png;
#[cfg(feature = "tiff")]
mod tiff;
mod webp;

use image::ImageDecoder;

use crate::{
    Dimensions,
    error::Result,
    format::{ImageFormat, sniff},
    metadata::MetadataBlocks,
};

#[cfg(feature = "heic")]
pub(crate) use heic::heif_error;
pub use localpix_contract::ColorModel;

/// What a file's headers say, and its metadata blocks.
#[derive(Clone, Debug)]
pub struct Container {
    pub format: ImageFormat,
    /// The size as stored, before the EXIF orientation.
    pub stored: Dimensions,
    pub bit_depth: u8,
    pub color_model: ColorModel,
    pub has_alpha: bool,
    pub frame_count: u32,
    pub progressive: bool,
    /// The colour samples are premultiplied by alpha (a TIFF's ExtraSamples = 1, "associated
    /// alpha"); decoding divides them back.
    pub associated_alpha: bool,
    /// True when the pixels were compressed with loss (JPEG, lossy WebP).
    pub lossy: bool,
    pub blocks: MetadataBlocks,
}

/// Reads the headers and metadata of `bytes`.
pub fn read(bytes: &[u8]) -> Result<Container> {
    match sniff(bytes)? {
        ImageFormat::Jpeg => jpeg::read(bytes),
        ImageFormat::Png => png::read(bytes),
        ImageFormat::WebP => webp::read(bytes),
        ImageFormat::Gif => gif::read(bytes),
        ImageFormat::Bmp => bmp::read(bytes),
        #[cfg(feature = "tiff")]
        ImageFormat::Tiff => tiff::read_tiff(bytes),
        #[cfg(not(feature = "tiff"))]
        ImageFormat::Tiff => unreachable!("sniff names TIFF only with the tiff feature"),
        #[cfg(feature = "heic")]
        ImageFormat::Heic => heic::read(bytes),
        #[cfg(not(feature = "heic"))]
        ImageFormat::Heic => unreachable!("sniff names HEIC only with the heic feature"),
        #[cfg(feature = "jxl")]
        ImageFormat::JpegXl => jxl::read(bytes),
        #[cfg(not(feature = "jxl"))]
        ImageFormat::JpegXl => unreachable!("sniff names JPEG XL only with the jxl feature"),
        ImageFormat::Avif => unreachable!("sniff never names AVIF: it is written, not read"),
    }
}

#[cfg(feature = "jxl")]
pub(crate) use jxl::parse as jxl_parse;
#[cfg(feature = "tiff")]
pub use tiff::{misread_variant as tiff_misread_variant, unsupported_variant as tiff_unsupported_variant};
pub use webp::with_alpha_flag as webp_with_alpha_flag;

/// A container read by one of the `image` crate's decoders (BMP, BigTIFF), which give no metadata.
fn from_image_decoder(format: ImageFormat, decoder: &impl ImageDecoder, bits_per_pixel: Option<u16>) -> Container {
    let (width, height) = decoder.dimensions();
    let color = decoder.color_type();
    let palette = bits_per_pixel.is_some_and(|bpp| bpp <= 8);
    let color_model = match color.channel_count() {
        _ if palette => ColorModel::Palette,
        1 | 2 => ColorModel::Gray,
        _ => ColorModel::Rgb,
    };
    let bit_depth = match bits_per_pixel {
        Some(bpp) if palette => bpp as u8,
        _ => (color.bits_per_pixel() / u16::from(color.channel_count())) as u8,
    };
    Container {
        format,
        stored: Dimensions::new(width, height),
        bit_depth,
        color_model,
        has_alpha: color.has_alpha(),
        frame_count: 1,
        progressive: false,
        associated_alpha: false,
        lossy: false,
        blocks: MetadataBlocks::default(),
    }
}

fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn le16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn le24(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 3)?;
    Some(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
}

fn le32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// Text from a metadata block: UTF-8 when it is, Latin-1 otherwise (as old files write it).
fn text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_suffix(b"\0").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{error::Error, testdata};

    #[test]
    fn reads_every_fixture_format() {
        let expect = [
            ("photo-640x400.jpg", ImageFormat::Jpeg, (640, 400), ColorModel::Rgb, false, 1),
            ("progressive.jpg", ImageFormat::Jpeg, (640, 400), ColorModel::Rgb, false, 1),
            ("cmyk.jpg", ImageFormat::Jpeg, (640, 400), ColorModel::Cmyk, false, 1),
            ("phone-orient6-gps.jpg", ImageFormat::Jpeg, (400, 640), ColorModel::Rgb, false, 1),
            ("gray16.png", ImageFormat::Png, (640, 400), ColorModel::Gray, false, 1),
            ("palette.png", ImageFormat::Png, (640, 400), ColorModel::Palette, false, 1),
            ("alpha-640x360.png", ImageFormat::Png, (640, 360), ColorModel::Rgb, true, 1),
            ("alpha-lossless.webp", ImageFormat::WebP, (640, 360), ColorModel::Rgb, true, 1),
            ("alpha-lossy.webp", ImageFormat::WebP, (640, 360), ColorModel::Rgb, true, 1),
            ("animated.gif", ImageFormat::Gif, (160, 100), ColorModel::Palette, false, 8),
            ("small.bmp", ImageFormat::Bmp, (320, 200), ColorModel::Rgb, false, 1),
            ("small.tiff", ImageFormat::Tiff, (320, 200), ColorModel::Rgb, false, 1),
            ("one-pixel.png", ImageFormat::Png, (1, 1), ColorModel::Rgb, false, 1),
        ];
        for (name, format, (w, h), model, alpha, frames) in expect {
            let c = read(&testdata::fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            let got = (c.format, (c.stored.width, c.stored.height), c.color_model, c.has_alpha, c.frame_count);
            assert_eq!(got, (format, (w, h), model, alpha, frames), "{name}");
        }
    }

    #[test]
    fn reports_bit_depth_and_progressive() {
        let gray16 = read(&testdata::fixture("gray16.png")).unwrap();
        assert_eq!(gray16.bit_depth, 16);
        assert!(read(&testdata::fixture("progressive.jpg")).unwrap().progressive);
        assert!(!read(&testdata::fixture("photo-640x400.jpg")).unwrap().progressive);
    }

    /// Every prefix of every fixture must give a result or an error: never a panic.
    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        for name in testdata::FIXTURES {
            let bytes = testdata::fixture(name);
            let step = (bytes.len() / 300).max(1);
            for cut in (0..bytes.len().min(4096)).chain((4096..bytes.len()).step_by(step)) {
                let _ = read(&bytes[..cut]);
            }
        }
    }

    #[test]
    fn a_header_cut_short_is_malformed() {
        let bytes = testdata::fixture("photo-640x400.jpg");
        assert!(matches!(read(&bytes[..300]), Err(Error::MalformedInput(_))));
        let png = testdata::fixture("palette.png");
        assert!(matches!(read(&png[..20]), Err(Error::MalformedInput(_))));
    }
}
