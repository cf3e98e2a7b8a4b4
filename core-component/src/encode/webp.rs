//! WebP: lossless with image-webp, lossy with libwebp (crates/localpix-webp). Both carry the kept
//! metadata in the extended format's ICCP and EXIF chunks.

use image_webp::{ColorType, WebPEncoder};

use super::Effort;
#[cfg(not(feature = "webp-lossy"))]
use crate::error::Codec;
use crate::{
    error::{Error, Result},
    metadata::OutputMetadata,
    pixels::{Layout, Pixels},
};

/// WebP sides are stored in 14 bits.
const MAX_SIDE: u32 = 16_383;

fn check_size(pixels: &Pixels) -> Result<()> {
    if pixels.size.width > MAX_SIDE || pixels.size.height > MAX_SIDE {
        return Err(Error::encoding(format!(
            "A WebP image cannot be {}: its sides are limited to 16 383 pixels. Choose a smaller size or PNG.",
            pixels.size
        )));
    }
    Ok(())
}

pub fn encode_lossless(pixels: &Pixels, metadata: &OutputMetadata) -> Result<Vec<u8>> {
    check_size(pixels)?;
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

/// This build leaves libwebp out (cargo feature `webp-lossy`): the full engine writes lossy WebP.
#[cfg(not(feature = "webp-lossy"))]
pub fn encode_lossy(_: &Pixels, _: u8, _: Effort, _: &OutputMetadata) -> Result<Vec<u8>> {
    Err(Error::not_built(Codec::WebpOutput))
}

#[cfg(feature = "webp-lossy")]
/// libwebp's method (`cwebp -m`, 0–6) for each effort: 4 is cwebp's default; 6 is a few percent
/// smaller for up to twice the time; 2 about twice as fast as 4 for a few percent more bytes.
fn method(effort: Effort) -> u8 {
    match effort {
        Effort::Fast => 2,
        Effort::Balanced => 4,
        Effort::Smallest => 6,
    }
}

#[cfg(feature = "webp-lossy")]
/// Lossy WebP (VP8, YUV 4:2:0) at `quality` (1–100, cwebp's scale); transparency goes into a
/// lossless alpha plane, as `cwebp` does by default.
pub fn encode_lossy(pixels: &Pixels, quality: u8, effort: Effort, metadata: &OutputMetadata) -> Result<Vec<u8>> {
    check_size(pixels)?;
    // libwebp takes RGB or RGBA: grey is spread over the three channels (VP8 stores YUV anyway).
    let expanded;
    let (data, layout) = match pixels.layout {
        Layout::Rgb => (&pixels.data, localpix_webp::Layout::Rgb),
        Layout::Rgba => (&pixels.data, localpix_webp::Layout::Rgba),
        Layout::Gray => {
            expanded = pixels.data.iter().flat_map(|&g| [g, g, g]).collect::<Vec<u8>>();
            (&expanded, localpix_webp::Layout::Rgb)
        }
        Layout::GrayAlpha => {
            expanded = pixels.data.chunks_exact(2).flat_map(|p| [p[0], p[0], p[0], p[1]]).collect::<Vec<u8>>();
            (&expanded, localpix_webp::Layout::Rgba)
        }
    };
    let options = localpix_webp::Options { quality: f32::from(quality), method: method(effort), alpha_quality: 100 };
    let bitstream = localpix_webp::encode(data, pixels.size.width, pixels.size.height, layout, &options)
        .map_err(|e| Error::encoding(format!("WebP encoding failed: {e}.")))?;
    with_metadata(bitstream, pixels.size, metadata)
}

#[cfg(feature = "webp-lossy")]
/// The file libwebp wrote, with the metadata's ICCP and EXIF chunks added in an extended (VP8X)
/// container; unchanged when there is no metadata.
fn with_metadata(file: Vec<u8>, size: crate::Dimensions, metadata: &OutputMetadata) -> Result<Vec<u8>> {
    if metadata.icc.is_none() && metadata.exif.is_none() {
        return Ok(file);
    }
    // libwebp writes RIFF, WEBP, then either the VP8 chunk alone or VP8X, ALPH and VP8: keep the
    // image chunks and write a new VP8X in front of them.
    let body = file.get(12..).ok_or_else(|| Error::encoding("libwebp wrote a truncated WebP file."))?;
    let image_chunks = if body.starts_with(b"VP8X") { body.get(8 + 10..).unwrap_or_default() } else { body };
    let has_alpha = image_chunks.starts_with(b"ALPH");
    const ICC: u8 = 0x20;
    const ALPHA: u8 = 0x10;
    const EXIF: u8 = 0x08;
    let flags = metadata.icc.as_ref().map_or(0, |_| ICC) | if has_alpha { ALPHA } else { 0 } | metadata.exif.as_ref().map_or(0, |_| EXIF);
    let mut vp8x = vec![flags, 0, 0, 0];
    vp8x.extend_from_slice(&(size.width - 1).to_le_bytes()[..3]);
    vp8x.extend_from_slice(&(size.height - 1).to_le_bytes()[..3]);

    let mut out = Vec::with_capacity(file.len() + 64);
    out.extend_from_slice(b"RIFF\0\0\0\0WEBP");
    push_chunk(&mut out, b"VP8X", &vp8x);
    // The order the format requires: ICCP before the image, EXIF after it.
    if let Some(icc) = &metadata.icc {
        push_chunk(&mut out, b"ICCP", icc);
    }
    out.extend_from_slice(image_chunks);
    if let Some(exif) = &metadata.exif {
        push_chunk(&mut out, b"EXIF", exif);
    }
    let riff_size = u32::try_from(out.len() - 8).map_err(|_| Error::encoding("The WebP file would exceed 4 GB."))?;
    out[4..8].copy_from_slice(&riff_size.to_le_bytes());
    Ok(out)
}

#[cfg(feature = "webp-lossy")]
/// Appends a RIFF chunk, padded to an even length.
fn push_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(kind);
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Dimensions, container, metadata::MetadataPolicy, testdata};

    /// Decoded by image-webp, an independent decoder (not libwebp).
    fn decoded(bytes: &[u8]) -> (Dimensions, bool, Vec<u8>) {
        let mut decoder = image_webp::WebPDecoder::new(std::io::Cursor::new(bytes)).unwrap();
        let (width, height) = decoder.dimensions();
        let mut data = vec![0; decoder.output_buffer_size().unwrap()];
        decoder.read_image(&mut data).unwrap();
        (Dimensions::new(width, height), decoder.has_alpha(), data)
    }

    #[test]
    fn a_lossy_photo_decodes_to_its_size_and_colours() {
        let pixels = testdata::photo();
        let bytes = encode_lossy(&pixels, 80, Effort::Balanced, &OutputMetadata::default()).unwrap();
        assert_eq!(&bytes[12..16], b"VP8 ", "a simple lossy file");
        let (size, alpha, data) = decoded(&bytes);
        assert_eq!((size, alpha), (pixels.size, false));
        let diff = testdata::mean_abs_diff(&data, &pixels.data);
        assert!(diff < 4.0, "differs by {diff:.2} per sample");
        assert!(bytes.len() < pixels.data.len() / 10, "{} bytes", bytes.len());
    }

    #[test]
    fn higher_quality_costs_more_bytes_and_looks_closer() {
        let pixels = testdata::photo();
        let outputs: Vec<Vec<u8>> =
            [30, 60, 90].into_iter().map(|q| encode_lossy(&pixels, q, Effort::Balanced, &OutputMetadata::default()).unwrap()).collect();
        let diffs: Vec<f64> = outputs.iter().map(|b| testdata::mean_abs_diff(&decoded(b).2, &pixels.data)).collect();
        assert!(outputs.windows(2).all(|w| w[0].len() < w[1].len()), "bytes {:?}", outputs.iter().map(Vec::len).collect::<Vec<_>>());
        assert!(diffs.windows(2).all(|w| w[0] > w[1]), "differences {diffs:?}");
    }

    #[test]
    fn more_effort_gives_fewer_bytes() {
        let pixels = testdata::photo();
        let size = |effort| encode_lossy(&pixels, 75, effort, &OutputMetadata::default()).unwrap().len();
        let (fast, smallest) = (size(Effort::Fast), size(Effort::Smallest));
        assert!(smallest < fast, "smallest {smallest} bytes, fast {fast}");
    }

    #[test]
    fn transparency_is_kept_and_grey_becomes_colour() {
        let size = Dimensions::new(64, 48);
        let rgba: Vec<u8> = (0..64 * 48).flat_map(|i| [200, 40, 40, if i % 64 < 32 { 255 } else { 0 }]).collect();
        let (out_size, alpha, data) =
            decoded(&encode_lossy(&Pixels::new(Layout::Rgba, size, rgba), 75, Effort::Fast, &OutputMetadata::default()).unwrap());
        assert_eq!((out_size, alpha), (size, true));
        // The alpha plane is lossless: fully opaque on the left, fully transparent on the right.
        assert!(data.chunks_exact(4).enumerate().all(|(i, p)| p[3] == if i % 64 < 32 { 255 } else { 0 }));
        let grey = Pixels::new(Layout::GrayAlpha, size, (0..64 * 48).flat_map(|i| [(i % 256) as u8, 255]).collect());
        assert_eq!(decoded(&encode_lossy(&grey, 75, Effort::Fast, &OutputMetadata::default()).unwrap()).0, size);
    }

    #[test]
    fn metadata_goes_into_extended_chunks_the_reader_finds() {
        let pixels = testdata::photo();
        let icc = container::read(&testdata::fixture("adobergb-icc.jpg")).unwrap().blocks.icc.unwrap();
        let phone = container::read(&testdata::fixture("phone-orient6-gps.jpg")).unwrap();
        let metadata = OutputMetadata::for_policy(MetadataPolicy::KeepSafe, &phone.blocks, Some(&icc), pixels.size);
        assert!(metadata.exif.is_some());
        let bytes = encode_lossy(&pixels, 75, Effort::Fast, &metadata).unwrap();
        assert_eq!(&bytes[12..16], b"VP8X");
        assert_eq!(u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize, bytes.len() - 8);
        let read = container::read(&bytes).unwrap();
        assert_eq!(read.blocks.icc.as_deref(), Some(&icc[..]));
        assert!(read.blocks.exif.is_some() && read.lossy && !read.has_alpha);
        assert_eq!(decoded(&bytes).0, pixels.size);
    }
}
