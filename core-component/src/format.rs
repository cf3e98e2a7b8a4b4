//! Which format a file is, read from its first bytes (never from its name).

use crate::error::{Codec, Error, Result};

pub use localpix_contract::ImageFormat;

/// Names the format of `bytes`, or explains why localpix cannot read it.
pub fn sniff(bytes: &[u8]) -> Result<ImageFormat> {
    if bytes.is_empty() {
        return Err(Error::malformed("The file is empty (0 bytes): there is no image in it."));
    }
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Ok(ImageFormat::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Ok(ImageFormat::Png);
    }
    if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Ok(ImageFormat::WebP);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Ok(ImageFormat::Gif);
    }
    if starts(b"BM") && bytes.len() >= 26 {
        return Ok(ImageFormat::Bmp);
    }
    if starts(b"II*\0") || starts(b"MM\0*") || starts(b"II+\0") || starts(b"MM\0+") {
        return if cfg!(feature = "tiff") { Ok(ImageFormat::Tiff) } else { Err(Error::not_built(Codec::TiffInput)) };
    }
    if is_heic(bytes) {
        return if cfg!(feature = "heic") { Ok(ImageFormat::Heic) } else { Err(Error::not_built(Codec::HeicInput)) };
    }
    if is_jxl(bytes) {
        return if cfg!(feature = "jxl") { Ok(ImageFormat::JpegXl) } else { Err(Error::not_built(Codec::JxlInput)) };
    }
    Err(Error::UnsupportedFormat(match recognise_other(bytes) {
        Some(other) => format!("This is {other}, which localpix cannot read yet. Export it as JPEG or PNG first."),
        None => "This is not an image localpix can read: it is not JPEG, PNG, WebP, GIF, BMP, TIFF, HEIC or JPEG XL.".into(),
    }))
}

/// An ISO media file whose brands say HEVC-coded HEIF: the major brand (`heic`, `heix`, `heim`,
/// `heis`), or a generic one (`mif1`, `msf1`) with a HEVC brand among the compatible ones (an AVIF
/// is `mif1` too, with `avif` there).
fn is_heic(bytes: &[u8]) -> bool {
    const HEVC: [&[u8]; 5] = [b"heic", b"heix", b"heim", b"heis", b"hevc"];
    ftyp_brands(bytes).any(|brand| HEVC.contains(&brand))
}

/// A JPEG XL codestream (its signature FF 0A) or the ISO media container JPEG XL defines, whose
/// first box is the 12-byte `JXL ` signature box.
fn is_jxl(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0x0A]) || bytes.starts_with(b"\0\0\0\x0CJXL \r\n\x87\n")
}

/// The brands of an ISO media file's `ftyp` box: the major one, then the compatible ones.
fn ftyp_brands(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let is_ftyp = bytes.get(4..8) == Some(b"ftyp");
    let end = bytes.get(..4).map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize).min(bytes.len());
    let major = bytes.get(8..12).filter(|_| is_ftyp);
    let compatible = bytes.get(16..end).filter(|_| is_ftyp).unwrap_or_default().chunks_exact(4);
    major.into_iter().chain(compatible)
}

/// Formats people drop by mistake or expect to work, named so the message can say what they are.
fn recognise_other(bytes: &[u8]) -> Option<&'static str> {
    if bytes.get(4..8) == Some(b"ftyp") {
        let has = |brands: &[&[u8]]| ftyp_brands(bytes).any(|brand| brands.contains(&brand));
        return Some(if has(&[b"avif", b"avis"]) {
            "an AVIF image"
        } else if has(&[b"heic", b"heix", b"mif1", b"msf1", b"hevc"]) {
            "a HEIC/HEIF image (the iPhone's default format)"
        } else {
            "a video or ISO media file"
        });
    }
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"%PDF") {
        return Some("a PDF document");
    }
    if starts(b"8BPS") {
        return Some("a Photoshop document");
    }
    if starts(&[0, 0, 1, 0]) {
        return Some("an icon (.ico)");
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(256)]).to_ascii_lowercase();
    if head.contains("<svg") {
        return Some("an SVG drawing");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_formats_from_content() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest").unwrap(), ImageFormat::Jpeg);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nIHDR").unwrap(), ImageFormat::Png);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ").unwrap(), ImageFormat::WebP);
        assert_eq!(sniff(b"GIF89a...").unwrap(), ImageFormat::Gif);
        assert_eq!(sniff(b"MM\0*\0\0\0\x08").unwrap(), ImageFormat::Tiff);
    }

    #[test]
    #[cfg(feature = "heic")]
    fn names_heic_by_its_brands_not_avif() {
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic").unwrap(), ImageFormat::Heic);
        assert_eq!(sniff(b"\0\0\0\x18ftypmif1\0\0\0\0mif1heic").unwrap(), ImageFormat::Heic);
        assert!(matches!(sniff(b"\0\0\0\x18ftypmif1\0\0\0\0mif1avif"), Err(Error::UnsupportedFormat(m)) if m.contains("AVIF")));
    }

    #[test]
    fn names_jpeg_xl_codestream_and_container() {
        let codestream = b"\xFF\x0A\xFA\x7F";
        let container = b"\0\0\0\x0CJXL \r\n\x87\n\0\0\0\x14ftypjxl ";
        for bytes in [&codestream[..], &container[..]] {
            match sniff(bytes) {
                Ok(format) => assert!(cfg!(feature = "jxl") && format == ImageFormat::JpegXl),
                Err(e) => assert!(!cfg!(feature = "jxl") && e.message().contains("JPEG XL"), "{e}"),
            }
        }
    }

    #[test]
    fn explains_what_it_cannot_read() {
        let avif = b"\0\0\0\x18ftypavif\0\0\0\0mif1avif";
        let Err(Error::UnsupportedFormat(message)) = sniff(avif) else { panic!("AVIF accepted") };
        assert!(message.contains("AVIF"), "{message}");
        assert!(matches!(sniff(b""), Err(Error::MalformedInput(_))));
        assert!(matches!(sniff(b"hello, world"), Err(Error::UnsupportedFormat(_))));
    }
}
