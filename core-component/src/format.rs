//! Which format a file is, read from its first bytes (never from its name).

use crate::error::{Error, Result};

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
        return Ok(ImageFormat::Tiff);
    }
    Err(Error::UnsupportedFormat(match recognise_other(bytes) {
        Some(other) => format!("This is {other}, which localpix cannot read yet. Export it as JPEG or PNG first."),
        None => "This is not an image localpix can read: it is not JPEG, PNG, WebP, GIF, BMP or TIFF.".into(),
    }))
}

/// Formats people drop by mistake or expect to work, named so the message can say what they are.
fn recognise_other(bytes: &[u8]) -> Option<&'static str> {
    if bytes.get(4..8) == Some(b"ftyp") {
        return match bytes.get(8..12) {
            Some(b"avif") | Some(b"avis") => Some("an AVIF image"),
            Some(b"heic") | Some(b"heix") | Some(b"mif1") | Some(b"msf1") | Some(b"hevc") => {
                Some("a HEIC/HEIF image (the iPhone's default format)")
            }
            _ => Some("a video or ISO media file"),
        };
    }
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(&[0xFF, 0x0A]) || starts(b"\0\0\0\x0CJXL \r\n\x87\n") {
        return Some("a JPEG XL image");
    }
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
    fn explains_what_it_cannot_read() {
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        let Err(Error::UnsupportedFormat(message)) = sniff(heic) else { panic!("HEIC accepted") };
        assert!(message.contains("HEIC"), "{message}");
        assert!(matches!(sniff(b""), Err(Error::MalformedInput(_))));
        assert!(matches!(sniff(b"hello, world"), Err(Error::UnsupportedFormat(_))));
    }
}
