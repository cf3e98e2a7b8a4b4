//! Pixels from a file: JPEG with our own scaled path, PNG's common case with our own (`png.rs`),
//! HEIC with heifer, JPEG XL with jxl-oxide, the other formats with the `image` crate.

#[cfg(feature = "heic")]
mod heic;
pub(crate) mod jpeg;
#[cfg(feature = "jxl")]
mod jxl;
pub(crate) mod png;

use std::io::Cursor;

use image::DynamicImage;

use crate::{
    Dimensions,
    container::{self, Container},
    error::{self, Result},
    format::ImageFormat,
    limits::{CheckLimits, Limits},
    pixels::{self, Pixels},
};

/// Decoded pixels as stored (not yet oriented), possibly at a reduced scale.
#[derive(Debug)]
pub struct Decoded {
    pub pixels: Pixels,
    /// 1 to 8: `pixels` are this many eighths of the stored image on each side (rounded up).
    pub eighths: u32,
}

/// Decodes `bytes`, whose headers `container` holds. `min_stored` is the smallest stored size the
/// caller needs: a JPEG is then decoded at the fewest eighths that keep both sides at least that
/// big. Refuses images over `limits` before allocating.
pub fn decode(bytes: &[u8], container: &Container, limits: &Limits, min_stored: Option<Dimensions>) -> Result<Decoded> {
    limits.check(container.stored)?;
    if container.format == ImageFormat::Jpeg {
        return jpeg::decode(bytes, container, limits, eighths(container, min_stored));
    }
    #[cfg(feature = "heic")]
    if container.format == ImageFormat::Heic {
        return heic::decode(bytes, container, limits);
    }
    #[cfg(feature = "jxl")]
    if container.format == ImageFormat::JpegXl {
        return jxl::decode(bytes, container, limits);
    }
    if container.format == ImageFormat::Png {
        if min_stored.is_some_and(|min| png_halves(container.stored, min))
            && let Some(pixels) = png::decode_half(bytes)
        {
            return Ok(Decoded { pixels, eighths: 4 });
        }
        if let Some(pixels) = png::decode(bytes) {
            return Ok(Decoded { pixels, eighths: 8 });
        }
    }
    let format = match container.format {
        ImageFormat::Png => image::ImageFormat::Png,
        ImageFormat::WebP => image::ImageFormat::WebP,
        ImageFormat::Gif => image::ImageFormat::Gif,
        ImageFormat::Bmp => image::ImageFormat::Bmp,
        ImageFormat::Tiff | ImageFormat::Jpeg | ImageFormat::Heic | ImageFormat::JpegXl | ImageFormat::Avif => image::ImageFormat::Tiff,
    };
    // A WebP whose VP8X header forgot its alpha flag (exiftool writes such files) holds
    // transparency the decoder would drop: decode a copy with the flag set.
    let flagged = if container.format == ImageFormat::WebP && container.has_alpha { container::webp_with_alpha_flag(bytes) } else { None };
    let bytes = flagged.as_deref().unwrap_or(bytes);
    #[cfg(feature = "tiff")]
    if container.format == ImageFormat::Tiff
        && let Some(variant) = container::tiff_misread_variant(bytes)
    {
        return Err(error::unsupported_tiff(&variant));
    }
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits.for_image_crate());
    // For animations (GIF, APNG, animated WebP) this is the first frame.
    let mut image = reader.decode().map_err(|e| decoder_error(container.format, bytes, e))?;
    if container.associated_alpha {
        match &mut image {
            DynamicImage::ImageRgba8(buffer) => pixels::unpremultiply(buffer, 4, 255),
            DynamicImage::ImageLumaA8(buffer) => pixels::unpremultiply(buffer, 2, 255),
            DynamicImage::ImageRgba16(buffer) => pixels::unpremultiply(buffer, 4, 65535),
            DynamicImage::ImageLumaA16(buffer) => pixels::unpremultiply(buffer, 2, 65535),
            _ => {}
        }
    }
    let mut pixels = Pixels::from_dynamic(image);
    // Some decoders give RGBA whatever the file holds (GIF always): a file that declares no
    // transparency keeps none, so nothing downstream pays for a fourth channel.
    if pixels.layout.has_alpha() && !container.has_alpha {
        pixels = pixels.without_alpha();
    }
    Ok(Decoded { pixels, eighths: 8 })
}

/// The `image` crate's error for `format`, in words a person can act on.
#[cfg_attr(not(feature = "tiff"), allow(unused_variables))]
fn decoder_error(format: ImageFormat, bytes: &[u8], e: image::ImageError) -> error::Error {
    // Name what the TIFF holds rather than the decoder's internal reason. The tiff crate refuses
    // some variants as a decoding error ("format size limits exceeded" for a Group 3 fax), which
    // would tell the user an intact file is damaged.
    #[cfg(feature = "tiff")]
    if format == ImageFormat::Tiff && matches!(e, image::ImageError::Unsupported(_) | image::ImageError::Decoding(_)) {
        return match container::tiff_unsupported_variant(bytes) {
            Some(variant) => error::unsupported_tiff(&variant),
            None => error::from_decoder("TIFF", e),
        };
    }
    error::from_decoder(format.name(), e)
}

/// How many eighths of the stored size on each side `decode` gives the pixels at (8: whole).
pub(crate) fn eighths(container: &Container, min_stored: Option<Dimensions>) -> u32 {
    match (container.format, min_stored) {
        (ImageFormat::Jpeg, Some(min)) => jpeg::eighths(container.stored, min),
        _ => 8,
    }
}

/// Whether a PNG of `stored` pixels is decoded at half size for a resize that needs `min` (its
/// common case, `png/half.rs`): when the resize after it still reduces at least twice on each
/// side, so that its own filter, not the halving's 2×2 box, shapes the result. The memory the
/// full decode would take is still what is checked beforehand (`decoded_size`): a file outside
/// the common case is decoded whole.
pub(crate) fn png_halves(stored: Dimensions, min: Dimensions) -> bool {
    stored.width.div_ceil(2) >= 2 * min.width && stored.height.div_ceil(2) >= 2 * min.height
}

/// The size of the pixels `decode` gives for `min_stored`, known before decoding (for a PNG, the
/// most it may give).
pub fn decoded_size(container: &Container, min_stored: Option<Dimensions>) -> Dimensions {
    let eighths = eighths(container, min_stored);
    let side = |stored: u32| (u64::from(stored) * u64::from(eighths)).div_ceil(8) as u32;
    Dimensions::new(side(container.stored.width), side(container.stored.height))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, container, pixels::Layout, testdata};

    fn decode_fixture(name: &str) -> Decoded {
        let bytes = testdata::fixture(name);
        let container = container::read(&bytes).unwrap();
        decode(&bytes, &container, &Limits::default(), None).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    #[test]
    fn decodes_every_fixture_at_its_stored_size() {
        for name in testdata::FIXTURES {
            let bytes = testdata::fixture(name);
            let container = container::read(&bytes).unwrap();
            let decoded = decode(&bytes, &container, &Limits::default(), None).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(decoded.pixels.size, container.stored, "{name}");
            assert_eq!(decoded.pixels.layout.has_alpha(), container.has_alpha, "{name}");
        }
    }

    #[test]
    fn sixteen_bit_gray_becomes_8_bit_gray() {
        let decoded = decode_fixture("gray16.png");
        assert_eq!(decoded.pixels.layout, Layout::Gray);
        // A photo uses the whole range, not only the high or low byte.
        let (min, max) = decoded.pixels.data.iter().fold((255u8, 0u8), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        assert!(min < 40 && max > 200, "range {min}..{max}");
    }

    #[test]
    fn cmyk_becomes_the_same_colours_as_rgb() {
        let cmyk = decode_fixture("cmyk.jpg").pixels;
        let rgb = decode_fixture("photo-640x400.jpg").pixels;
        assert_eq!(cmyk.layout, Layout::Rgb);
        let diff = testdata::mean_abs_diff(&cmyk.data, &rgb.data);
        assert!(diff < 12.0, "CMYK differs from the RGB photo by {diff:.1} per sample");
    }

    #[test]
    fn refuses_over_the_limit_before_decoding() {
        let bytes = testdata::fixture("photo-640x400.jpg");
        let container = container::read(&bytes).unwrap();
        let limits = Limits { max_pixels: 1000, ..Limits::default() };
        assert!(matches!(decode(&bytes, &container, &limits, None), Err(Error::TooLarge { limit: 1000, .. })));
    }

    #[test]
    fn truncated_files_are_errors() {
        for name in testdata::FIXTURES.iter().filter(|n| **n != "one-pixel.png") {
            let bytes = testdata::fixture(name);
            // Only the first frame of an animation is decoded: cut inside it.
            let keep = match *name {
                "animated.gif" => bytes.len() / 20,
                "private-comment.gif" | "jxl-animated.jxl" => bytes.len() / 3,
                // Its EXIF and XMP boxes follow the picture.
                "private-meta.jxl" => bytes.len() / 5,
                _ => bytes.len() * 2 / 3,
            };
            let cut = &bytes[..keep];
            if let Ok(container) = container::read(cut) {
                let result = decode(cut, &container, &Limits::default(), None);
                assert!(result.is_err(), "{name} cut to two thirds decoded without error");
            }
        }
    }
}
