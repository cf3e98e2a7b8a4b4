//! PNG: walks the chunks from IHDR to IEND.

use super::{ColorModel, Container, be32, text};
use crate::{
    Dimensions,
    error::{Error, Result},
    format::ImageFormat,
    metadata::{Comment, MetadataBlocks, exif::ExifData, extra},
};

/// Compressed text and profiles are inflated only up to this size: a "zip bomb" in a text chunk
/// must not exhaust memory.
const MAX_INFLATED: usize = 16 << 20;

pub fn read(bytes: &[u8]) -> Result<Container> {
    let mut blocks = MetadataBlocks::default();
    let mut header: Option<(Dimensions, u8, u8, bool)> = None;
    let (mut transparency, mut frames, mut seen_image_data) = (false, 1, false);
    let mut pos = 8;
    while pos < bytes.len() {
        let chunk = be32(bytes, pos).and_then(|len| {
            let data = bytes.get(pos + 8..(pos + 8).checked_add(len as usize)?)?;
            Some((bytes.get(pos + 4..pos + 8)?, data))
        });
        let Some((kind, data)) = chunk else {
            // A file cut inside its pixel data is the decoder's to report; before it, ours.
            if seen_image_data {
                break;
            }
            return Err(Error::truncated("PNG"));
        };
        match kind {
            b"IHDR" if data.len() >= 13 => {
                let size = Dimensions::new(be32(data, 0).unwrap_or(0), be32(data, 4).unwrap_or(0));
                header = Some((size, data[8], data[9], data[12] == 1));
            }
            b"CgBI" => {
                return Err(Error::UnsupportedFormat(
                    "This is an Apple-optimised PNG (from an iOS app bundle), not a standard PNG.".into(),
                ));
            }
            b"tRNS" => transparency = true,
            b"acTL" => frames = be32(data, 0).unwrap_or(1).max(1),
            b"IDAT" => seen_image_data = true,
            b"iCCP" => blocks.icc = keyword_and_rest(data).and_then(|(_, rest)| inflate(rest.get(1..)?)),
            b"eXIf" => blocks.exif = ExifData::parse(data),
            b"tEXt" | b"zTXt" | b"iTXt" => read_text(kind, data, &mut blocks),
            // C2PA's chunk for PNG: a JUMBF manifest store.
            b"caBX" => blocks.extra.push(extra::c2pa_manifest(data.len())),
            b"IEND" => {
                let end = pos + 12;
                blocks.extra.extend(extra::trailing_data(bytes, &[(end, bytes.len().max(end))]));
                break;
            }
            _ => {}
        }
        pos += 12 + data.len();
    }
    let (stored, depth, color_type, interlaced) =
        header.ok_or_else(|| Error::malformed("The PNG has no header chunk (IHDR); it is damaged."))?;
    let color_model = match color_type {
        0 | 4 => ColorModel::Gray,
        2 | 6 => ColorModel::Rgb,
        3 => ColorModel::Palette,
        other => return Err(Error::malformed(format!("The PNG's colour type {other} does not exist; it is damaged."))),
    };
    Ok(Container {
        format: ImageFormat::Png,
        stored,
        bit_depth: depth,
        color_model,
        has_alpha: matches!(color_type, 4 | 6) || transparency,
        frame_count: frames,
        progressive: interlaced,
        lossy: false,
        blocks,
    })
}

fn keyword_and_rest(data: &[u8]) -> Option<(String, &[u8])> {
    let nul = data.iter().position(|&b| b == 0)?;
    Some((text(&data[..nul]), &data[nul + 1..]))
}

fn inflate(zlib: &[u8]) -> Option<Vec<u8>> {
    miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(zlib, MAX_INFLATED).ok()
}

/// tEXt is Latin-1, zTXt compressed Latin-1, iTXt UTF-8 and optionally compressed. XMP lives in
/// an iTXt with a fixed keyword; ImageMagick hides EXIF and XMP in hex-encoded "Raw profile"
/// text chunks, which are read as the blocks they are.
fn read_text(kind: &[u8], data: &[u8], blocks: &mut MetadataBlocks) {
    let Some((keyword, rest)) = keyword_and_rest(data) else { return };
    let value = match kind {
        b"tEXt" => Some(text(rest)),
        b"zTXt" => rest.get(1..).and_then(inflate).map(|t| text(&t)),
        _ => (|| {
            let (compressed, rest) = (*rest.first()? == 1, rest.get(2..)?);
            let (_language, rest) = keyword_and_rest(rest)?;
            let (_translated, rest) = keyword_and_rest(rest)?;
            let raw = if compressed { inflate(rest)? } else { rest.to_vec() };
            Some(String::from_utf8_lossy(&raw).into_owned())
        })(),
    };
    let Some(value) = value else { return };
    match keyword.as_str() {
        "XML:com.adobe.xmp" => blocks.xmp.push(value),
        "Raw profile type exif" | "Raw profile type APP1" => match hex_profile(&value) {
            Some(raw) if raw.starts_with(b"Exif\0\0") => blocks.exif = ExifData::parse(&raw[6..]),
            Some(raw) if raw.starts_with(b"http://ns.adobe.com/xap/1.0/\0") => blocks.xmp.push(text(&raw[29..])),
            Some(raw) => blocks.exif = ExifData::parse(&raw),
            None => {}
        },
        "Raw profile type xmp" => {
            if let Some(raw) = hex_profile(&value) {
                blocks.xmp.push(text(&raw));
            }
        }
        _ => blocks.comments.push(Comment { keyword: Some(keyword), text: value }),
    }
}

/// ImageMagick's "\n<name>\n<length>\n<hex digits over many lines>".
fn hex_profile(value: &str) -> Option<Vec<u8>> {
    let mut lines = value.trim_start().splitn(3, '\n');
    let _name = lines.next()?;
    let length: usize = lines.next()?.trim().parse().ok()?;
    let digits: Vec<u8> = lines.next()?.bytes().filter(u8::is_ascii_hexdigit).collect();
    let raw: Vec<u8> = digits
        .chunks_exact(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap_or("00"), 16).unwrap_or(0))
        .take(length)
        .collect();
    (raw.len() == length).then_some(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_imagemagick_hex_profiles() {
        assert_eq!(hex_profile("\nexif\n       4\n45786966\n").as_deref(), Some(&b"Exif"[..]));
        assert_eq!(hex_profile("\nexif\n       9\n4578\n"), None);
    }
}
