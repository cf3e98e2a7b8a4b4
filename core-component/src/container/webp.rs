//! WebP: walks the RIFF chunks (VP8, VP8L, VP8X, ICCP, EXIF, XMP, ANMF, ALPH).

use super::{ColorModel, Container, le16, le24, le32, text};
use crate::{
    Dimensions,
    error::{Error, Result},
    format::ImageFormat,
    metadata::{MetadataBlocks, exif::ExifData, extra},
};

pub fn read(bytes: &[u8]) -> Result<Container> {
    let mut blocks = MetadataBlocks::default();
    let (mut canvas, mut bitstream): (Option<Dimensions>, Option<Dimensions>) = (None, None);
    let (mut alpha, mut frames, mut seen_image_data, mut lossy) = (false, 0u32, false, false);
    let mut pos = 12;
    while pos + 8 <= bytes.len() {
        let kind = &bytes[pos..pos + 4];
        let len = le32(bytes, pos + 4).unwrap_or(0) as usize;
        let Some(data) = bytes.get(pos + 8..(pos + 8).saturating_add(len)) else {
            if seen_image_data {
                break;
            }
            return Err(Error::truncated("WebP"));
        };
        match kind {
            b"VP8X" if data.len() >= 10 => {
                alpha |= data[0] & 0x10 != 0;
                canvas = Some(Dimensions::new(le24(data, 4).unwrap_or(0) + 1, le24(data, 7).unwrap_or(0) + 1));
            }
            b"VP8 " => {
                seen_image_data = true;
                lossy = true;
                // A key frame: 3-byte tag, start code 9D 01 2A, then 14-bit width and height.
                if data.get(3..6) == Some(&[0x9D, 0x01, 0x2A]) {
                    let (w, h) = (le16(data, 6).unwrap_or(0) & 0x3FFF, le16(data, 8).unwrap_or(0) & 0x3FFF);
                    bitstream.get_or_insert(Dimensions::new(w.into(), h.into()));
                }
            }
            b"VP8L" => {
                seen_image_data = true;
                if data.first() == Some(&0x2F) {
                    let bits = le32(data, 1).unwrap_or(0);
                    alpha |= bits >> 28 & 1 == 1;
                    bitstream.get_or_insert(Dimensions::new((bits & 0x3FFF) + 1, (bits >> 14 & 0x3FFF) + 1));
                }
            }
            b"ALPH" => alpha = true,
            b"ANMF" => {
                seen_image_data = true;
                frames += 1;
            }
            b"ICCP" => blocks.icc = Some(data.to_vec()),
            b"EXIF" => blocks.exif = ExifData::parse(data.strip_prefix(b"Exif\0\0").unwrap_or(data)),
            b"XMP " => blocks.xmp.push(text(data)),
            b"C2PA" => blocks.extra.push(extra::c2pa_manifest(data.len())),
            _ => {}
        }
        // Chunks are padded to an even length.
        pos += 8 + len + (len & 1);
    }
    let stored = canvas.or(bitstream).ok_or_else(|| Error::malformed("The WebP file has no image in it; it is damaged."))?;
    Ok(Container {
        format: ImageFormat::WebP,
        stored,
        bit_depth: 8,
        color_model: ColorModel::Rgb,
        has_alpha: alpha,
        frame_count: frames.max(1),
        progressive: false,
        lossy,
        blocks,
    })
}

/// A copy of an extended WebP with the VP8X alpha flag set, or `None` when it is set already. For
/// files whose bitstream has transparency (an ALPH chunk, or the alpha bit of a lossless one),
/// which [`read`] reports as `has_alpha`.
pub fn with_alpha_flag(bytes: &[u8]) -> Option<Vec<u8>> {
    const ALPHA: u8 = 0x10;
    let flags_at = 12 + 8;
    if bytes.get(12..16) != Some(b"VP8X") || bytes.get(flags_at)? & ALPHA != 0 {
        return None;
    }
    let mut copy = bytes.to_vec();
    copy[flags_at] |= ALPHA;
    Some(copy)
}
