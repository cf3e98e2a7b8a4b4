//! The input's own compressed picture in a new container holding only what the policy keeps: what
//! `keep-smaller-original` gives back when re-encoding would make a larger file.
//!
//! Each format's walk keeps the segments or chunks a decoder needs to show the picture as it was
//! and drops everything else (metadata, comments, thumbnails, data after the end), so the privacy
//! promise holds by construction: an unknown block is dropped, never copied.

use crate::{Dimensions, format::ImageFormat};

/// What the rebuilt file carries besides the picture.
#[derive(Clone, Copy, Debug, Default)]
pub struct Kept<'a> {
    /// A TIFF structure (no `Exif\0\0` prefix), as [`crate::metadata::OutputMetadata`] has it.
    pub exif: Option<&'a [u8]>,
    /// Keep the original's own colour profile block, as it is.
    pub profile: bool,
}

/// `original` rebuilt with only `kept`; `None` when the format is not one of JPEG, PNG and WebP or
/// its structure is not plain enough to copy. `size` is the stored size.
pub fn rebuild(original: &[u8], format: ImageFormat, size: Dimensions, kept: Kept<'_>) -> Option<Vec<u8>> {
    match format {
        ImageFormat::Jpeg => jpeg(original, kept),
        ImageFormat::Png => png(original, kept),
        ImageFormat::WebP => webp(original, size, kept),
        _ => None,
    }
}

fn be16(bytes: &[u8], at: usize) -> Option<usize> {
    Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?).into())
}

/// JPEG: every segment but APPn (except Adobe's APP14, which says how the colours are coded, and
/// the ICC profile's APP2s when kept), COM and the reserved JPGn ones; the entropy-coded data as
/// it is; nothing after the first EOI (a motion photo's video, MPF images).
fn jpeg(bytes: &[u8], kept: Kept<'_>) -> Option<Vec<u8>> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    if let Some(exif) = kept.exif {
        let length = u16::try_from(2 + 6 + exif.len()).ok()?;
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&length.to_be_bytes());
        out.extend_from_slice(b"Exif\0\0");
        out.extend_from_slice(exif);
    }
    let mut at = 2;
    loop {
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        match marker {
            // Fill bytes before a marker.
            0xFF => at += 1,
            0xD9 => {
                out.extend_from_slice(&[0xFF, 0xD9]);
                return Some(out);
            }
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&bytes[at..at + 2]);
                at += 2;
            }
            _ => {
                let length = be16(bytes, at + 2)?;
                let segment = bytes.get(at..at + 2 + length).filter(|_| length >= 2)?;
                let keep = match marker {
                    0xEE => segment.get(4..9) == Some(b"Adobe"),
                    0xE2 => kept.profile && segment.get(4..16) == Some(b"ICC_PROFILE\0"),
                    // APPn, JPGn and COM.
                    0xE0..=0xFE => false,
                    _ => true,
                };
                if keep {
                    out.extend_from_slice(segment);
                }
                at += segment.len();
                if marker == 0xDA {
                    let start = at;
                    at = entropy_end(bytes, at)?;
                    out.extend_from_slice(&bytes[start..at]);
                }
            }
        }
    }
}

/// Where a scan's entropy-coded data ends: at the first marker that is not a stuffed zero or a
/// restart marker.
fn entropy_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        at += memchr::memchr(0xFF, bytes.get(at..)?)?;
        match *bytes.get(at + 1)? {
            0x00 | 0xD0..=0xD7 => at += 2,
            _ => return Some(at),
        }
    }
}

/// PNG: the chunks that make the picture (header, palette, transparency, data, end) and those
/// that say how to show it (gamma, chromaticities, sRGB intent, significant bits, background,
/// pixel size; the `iCCP` profile when kept); no text, EXIF, time or animation chunks. An `eXIf`
/// chunk with the kept EXIF goes before the data.
fn png(bytes: &[u8], kept: Kept<'_>) -> Option<Vec<u8>> {
    use crate::container::png::{Chunk, Chunks, SIGNATURE};
    const KEPT: [&[u8; 4]; 11] = [b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"bKGD", b"pHYs"];
    let chunks = Chunks::of(bytes)?;
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&SIGNATURE);
    let mut exif = kept.exif;
    for Chunk { kind, whole, .. } in chunks {
        if kind == b"IDAT"
            && let Some(exif) = exif.take()
        {
            png_chunk(&mut out, b"eXIf", exif)?;
        }
        if KEPT.contains(&kind) || (kept.profile && kind == b"iCCP") {
            out.extend_from_slice(whole);
        }
        if kind == b"IEND" {
            return Some(out);
        }
    }
    // Cut short, or no IEND: not copied.
    None
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) -> Option<()> {
    out.extend_from_slice(&u32::try_from(data.len()).ok()?.to_be_bytes());
    let crc_from = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32fast::hash(&out[crc_from..]);
    out.extend_from_slice(&crc.to_be_bytes());
    Some(())
}

/// WebP: the bitstream (`VP8 ` or `VP8L`) and its alpha (`ALPH`), in the simple form when nothing
/// else is needed, else under a new `VP8X` header whose flags say exactly what follows.
fn webp(bytes: &[u8], size: Dimensions, kept: Kept<'_>) -> Option<Vec<u8>> {
    const PROFILE: u8 = 0x20;
    const ALPHA: u8 = 0x10;
    const EXIF: u8 = 0x08;
    let exif = kept.exif;
    if bytes.get(0..4)? != b"RIFF" || bytes.get(8..12)? != b"WEBP" {
        return None;
    }
    let (mut bitstream, mut alpha, mut lossless_alpha, mut profile) = (None, None, false, None);
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let kind = bytes.get(at..at + 4)?;
        let length = u32::from_le_bytes(bytes.get(at + 4..at + 8)?.try_into().ok()?) as usize;
        let chunk = bytes.get(at..(at + 8).checked_add(length)?)?;
        match kind {
            b"VP8 " => bitstream = Some(chunk),
            // The alpha-is-used bit of a lossless bitstream's header.
            b"VP8L" => (bitstream, lossless_alpha) = (Some(chunk), chunk.get(8 + 4).is_some_and(|b| b & 0x10 != 0)),
            b"ALPH" => alpha = Some(chunk),
            b"ICCP" if kept.profile => profile = Some(chunk),
            // Animation: the caller keeps originals of single pictures only.
            b"ANIM" | b"ANMF" => return None,
            _ => {}
        }
        at += chunk.len() + (length & 1);
    }
    let bitstream = bitstream?;
    let mut body = Vec::with_capacity(bytes.len());
    if alpha.is_some() || exif.is_some() || profile.is_some() {
        let flag = |set: bool, flag: u8| if set { flag } else { 0 };
        let flags = flag(profile.is_some(), PROFILE) | flag(alpha.is_some() || lossless_alpha, ALPHA) | flag(exif.is_some(), EXIF);
        body.extend_from_slice(b"VP8X");
        body.extend_from_slice(&10u32.to_le_bytes());
        body.extend_from_slice(&[flags, 0, 0, 0]);
        body.extend_from_slice(&(size.width.checked_sub(1)?).to_le_bytes()[..3]);
        body.extend_from_slice(&(size.height.checked_sub(1)?).to_le_bytes()[..3]);
    }
    // The order the format requires: profile, alpha, bitstream, then EXIF.
    for chunk in profile.into_iter().chain(alpha).chain([bitstream]) {
        body.extend_from_slice(chunk);
        if chunk.len() % 2 == 1 {
            body.push(0);
        }
    }
    if let Some(exif) = exif {
        body.extend_from_slice(b"EXIF");
        body.extend_from_slice(&u32::try_from(exif.len()).ok()?.to_le_bytes());
        body.extend_from_slice(exif);
        if exif.len() % 2 == 1 {
            body.push(0);
        }
    }
    let mut out = Vec::with_capacity(body.len() + 12);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&u32::try_from(body.len() + 4).ok()?.to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&body);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        container,
        pipeline::{DecodeOptions, Image},
        testdata::fixture,
    };

    fn pixels(bytes: &[u8]) -> Vec<u8> {
        Image::decode(bytes, &DecodeOptions::default()).expect("decodes").into_pixels_upright().data
    }

    #[test]
    fn the_picture_stays_and_every_metadata_block_goes() {
        for name in [
            "private-all.jpg",
            "private-text.png",
            "private-meta.webp",
            "photo-lossy.webp",
            "alpha-lossy.webp",
            "alpha-lossless.webp",
            "progressive.jpg",
        ] {
            let original = fixture(name);
            let read = container::read(&original).unwrap();
            let rebuilt = rebuild(&original, read.format, read.stored, Kept::default()).expect(name);
            let again = container::read(&rebuilt).unwrap();
            assert_eq!(again.blocks.fields(), vec![], "{name} kept metadata");
            assert_eq!((again.stored, again.has_alpha), (read.stored, read.has_alpha), "{name}");
            assert_eq!(pixels(&rebuilt), pixels(&original), "{name} changed its pixels");
            assert!(rebuilt.len() < original.len() || read.blocks.fields().is_empty(), "{name}");
        }
    }

    #[test]
    fn kept_camera_details_are_written_back() {
        let original = fixture("private-all.jpg");
        let read = container::read(&original).unwrap();
        let exif = read.blocks.exif.as_ref().and_then(|exif| exif.safe_subset(read.stored));
        assert!(exif.is_some(), "the fixture has camera details");
        for (format, original) in
            [(ImageFormat::Jpeg, original), (ImageFormat::Png, fixture("palette.png")), (ImageFormat::WebP, fixture("photo-lossy.webp"))]
        {
            let size = container::read(&original).unwrap().stored;
            let rebuilt = rebuild(&original, format, size, Kept { exif: exif.as_deref(), profile: false }).unwrap();
            let fields = container::read(&rebuilt).unwrap().blocks.fields();
            assert!(fields.iter().any(|f| f.name == "Model"), "{format:?}: {fields:#?}");
            assert!(fields.iter().all(|f| f.sensitive.is_none()), "{format:?}: {fields:#?}");
            assert_eq!(pixels(&rebuilt), pixels(&original));
        }
    }

    #[test]
    fn anything_odd_is_not_copied() {
        let size = Dimensions::new(1, 1);
        assert_eq!(rebuild(b"\xFF\xD8\xFF\xE0\x00", ImageFormat::Jpeg, size, Kept::default()), None);
        assert_eq!(rebuild(&fixture("small.bmp"), ImageFormat::Bmp, size, Kept::default()), None);
        let jpeg = fixture("photo-640x400.jpg");
        assert_eq!(rebuild(&jpeg[..jpeg.len() / 2], ImageFormat::Jpeg, size, Kept::default()), None, "cut short");
    }

    #[test]
    fn a_kept_profile_is_the_original_block() {
        for name in ["adobergb-icc.jpg", "palette.png"] {
            let original = fixture(name);
            let read = container::read(&original).unwrap();
            let icc = read.blocks.icc.clone().expect("the fixture has a profile");
            let kept = rebuild(&original, read.format, read.stored, Kept { exif: None, profile: true }).unwrap();
            assert_eq!(container::read(&kept).unwrap().blocks.icc, Some(icc), "{name}");
            let dropped = rebuild(&original, read.format, read.stored, Kept::default()).unwrap();
            assert_eq!(container::read(&dropped).unwrap().blocks.icc, None, "{name}");
        }
    }
}
