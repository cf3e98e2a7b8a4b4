//! JPEG decoding with our own decoder (`crates/localpix-jpeg`), which decodes at any eighth of
//! the stored size in the DCT domain (as libjpeg-turbo, libvips and sharp do), has WebAssembly
//! SIMD paths, and gives libjpeg-turbo's pixels at full size. On kleiber (20 MP) in wasm it decodes
//! at 1/2 in about 40 ms, against 120 ms for jpeg-decoder 0.3.2 before it (docs/jpeg-decoder.md).

use localpix_jpeg::PixelFormat;

use super::Decoded;
use crate::{
    Dimensions,
    container::Container,
    error::{Error, Result},
    limits::Limits,
    pixels::{Layout, Pixels},
};

/// The fewest eighths (1 to 8) of `stored` on each side that keep both sides at least `min`: the
/// decoder's transform then does the first part of a downscale (docs/jpeg-decoder.md), at any
/// eighth, not only halves (kleiber to fit 1920 decodes at 3/8, 2261 wide, not 1/2, 3014).
pub fn eighths(stored: Dimensions, min: Dimensions) -> u32 {
    let fits =
        |e: u64| u64::from(stored.width) * e >= u64::from(min.width) * 8 && u64::from(stored.height) * e >= u64::from(min.height) * 8;
    (1..8).find(|&e| fits(u64::from(e))).unwrap_or(8)
}

/// Decodes at `eighths`/8 (1 to 8) of the stored size on each side.
pub fn decode(bytes: &[u8], container: &Container, limits: &Limits, eighths: u32) -> Result<Decoded> {
    let options = localpix_jpeg::Options { eighths, max_memory: u64::from(limits.max_memory) };
    let image = localpix_jpeg::decode(bytes, &options).map_err(|e| map_error(e, container, limits))?;
    Ok(decoded(image, eighths))
}

/// The decoder's pixels as the engine's: its buffer becomes the engine's, with no copy but for
/// CMYK, which becomes RGB.
pub fn decoded(image: localpix_jpeg::Image, eighths: u32) -> Decoded {
    let size = Dimensions::new(image.width, image.height);
    let pixels = match image.format {
        PixelFormat::L8 => Pixels::new(Layout::Gray, size, image.pixels),
        PixelFormat::Rgb24 => Pixels::new(Layout::Rgb, size, image.pixels),
        PixelFormat::Cmyk32 => Pixels::new(Layout::Rgb, size, cmyk_to_rgb(&image.pixels)),
    };
    Decoded { pixels, eighths }
}

/// Ink amounts (the decoder has already undone Adobe's inversion) to light, without a profile:
/// each channel is what its ink and the black ink let through.
fn cmyk_to_rgb(cmyk: &[u8]) -> Vec<u8> {
    let through = |ink: u8, k: u8| ((255 - u32::from(ink)) * (255 - u32::from(k)) / 255) as u8;
    cmyk.chunks_exact(4).flat_map(|p| [through(p[0], p[3]), through(p[1], p[3]), through(p[2], p[3])]).collect()
}

pub fn map_error(err: localpix_jpeg::Error, container: &Container, limits: &Limits) -> Error {
    match err {
        localpix_jpeg::Error::Truncated => Error::truncated("JPEG"),
        localpix_jpeg::Error::Malformed(what) => Error::malformed(format!("The JPEG data is damaged ({what}).")),
        localpix_jpeg::Error::Unsupported(feature) => {
            Error::UnsupportedFormat(format!("This JPEG uses {feature}, which localpix cannot read; re-save it as a standard JPEG."))
        }
        localpix_jpeg::Error::TooLarge { needed, .. } => Error::TooLarge {
            dimensions: container.stored,
            limit: limits.max_memory,
            message: format!(
                "The image is {}: decoding it needs {} MB, over the memory limit of {} MB.",
                container.stored,
                needed >> 20,
                limits.max_memory >> 20
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{container, testdata};

    #[test]
    fn picks_the_fewest_eighths_that_keep_the_target() {
        let kleiber = Dimensions::new(6028, 3391);
        // 3/8 is 2260.5 × 1271.6 (2261 × 1272 pixels); 2/8 would be 1507 wide, below 1920.
        assert_eq!(eighths(kleiber, Dimensions::new(1920, 1080)), 3);
        assert_eq!(eighths(kleiber, Dimensions::new(1507, 847)), 2);
        assert_eq!(eighths(kleiber, Dimensions::new(1508, 847)), 3);
        assert_eq!(eighths(kleiber, Dimensions::new(3015, 1)), 5);
        assert_eq!(eighths(kleiber, Dimensions::new(5274, 1)), 7);
        assert_eq!(eighths(kleiber, Dimensions::new(5275, 1)), 8);
        assert_eq!(eighths(kleiber, Dimensions::new(100, 50)), 1);
    }

    #[test]
    fn decodes_at_eighths() {
        let bytes = testdata::fixture("photo-640x400.jpg");
        let container = container::read(&bytes).unwrap();
        for (eighths, size) in [(4, (320, 200)), (1, (80, 50)), (3, (240, 150)), (5, (400, 250)), (7, (560, 350))] {
            let decoded = decode(&bytes, &container, &Limits::default(), eighths).unwrap();
            assert_eq!(decoded.pixels.size, Dimensions::new(size.0, size.1), "{eighths}/8");
        }
    }

    #[test]
    fn errors_keep_their_kind() {
        let bytes = testdata::fixture("photo-640x400.jpg");
        let container = container::read(&bytes).unwrap();
        let cut = &bytes[..bytes.len() / 2];
        let Err(Error::MalformedInput(message)) = decode(cut, &container, &Limits::default(), 8) else { panic!("a cut file decoded") };
        assert!(message.contains("ends early"), "{message}");
        let tight = Limits { max_memory: 100_000, ..Limits::default() };
        assert!(matches!(decode(&bytes, &container, &tight, 8), Err(Error::TooLarge { limit: 100_000, .. })));
        // Arithmetic coding: the frame marker says so (SOF9 instead of SOF0).
        let mut arithmetic = bytes.clone();
        let sof = arithmetic.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        arithmetic[sof + 1] = 0xC9;
        assert!(matches!(decode(&arithmetic, &container, &Limits::default(), 8), Err(Error::UnsupportedFormat(_))));
    }
}
