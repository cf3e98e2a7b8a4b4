//! PNG: walks the chunks from IHDR to IEND. [`Chunks`] is the one walk over a PNG's chunks, for
//! our decoder (`decode/png.rs`) and for re-wrapping an original (`remux.rs`) too.

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

/// The eight bytes every PNG begins with.
pub const SIGNATURE: [u8; 8] = [137, 80, 78, 71, 13, 10, 26, 10];

/// One chunk of a PNG: its type, its data, and all of it as stored (length, type, data, CRC).
pub struct Chunk<'a> {
    pub kind: &'a [u8; 4],
    pub data: &'a [u8],
    pub whole: &'a [u8],
}

/// A PNG's chunks in order, from after the signature until one does not fit in the file with
/// its CRC (then [`Chunks::cut`]) or the file ends. CRCs are not checked.
pub struct Chunks<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Chunks<'a> {
    /// The chunks of `bytes`; None when it does not begin with the signature.
    pub fn of(bytes: &'a [u8]) -> Option<Self> {
        bytes.starts_with(&SIGNATURE).then_some(Chunks { bytes, at: SIGNATURE.len() })
    }

    /// Where the next chunk begins: after the last one given.
    pub fn offset(&self) -> usize {
        self.at
    }

    /// True when the walk stopped at a chunk the file ends inside.
    pub fn cut(&self) -> bool {
        self.at < self.bytes.len()
    }
}

impl<'a> Iterator for Chunks<'a> {
    type Item = Chunk<'a>;

    fn next(&mut self) -> Option<Chunk<'a>> {
        let length = usize::try_from(be32(self.bytes, self.at)?).ok()?;
        let whole = self.bytes.get(self.at..self.at.checked_add(length)?.checked_add(12)?)?;
        self.at += whole.len();
        Some(Chunk { kind: whole[4..8].try_into().ok()?, data: &whole[8..8 + length], whole })
    }
}

pub fn read(bytes: &[u8]) -> Result<Container> {
    let mut blocks = MetadataBlocks::default();
    let mut header: Option<(Dimensions, u8, u8, bool)> = None;
    let (mut transparency, mut frames, mut seen_image_data) = (false, 1, false);
    let mut chunks = Chunks::of(bytes).ok_or_else(|| Error::malformed("The file does not begin as a PNG does; it is damaged."))?;
    while let Some(Chunk { kind, data, .. }) = chunks.next() {
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
                let end = chunks.offset();
                blocks.extra.extend(extra::trailing_data(bytes, &[(end, bytes.len())]));
                break;
            }
            _ => {}
        }
    }
    // A file cut inside its pixel data is the decoder's to report; before it, ours.
    if chunks.cut() && !seen_image_data {
        return Err(Error::truncated("PNG"));
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
        associated_alpha: false,
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

    #[test]
    fn chunks_are_walked_until_one_does_not_fit_with_its_crc() {
        let chunk = |kind: &[u8; 4], data: &[u8]| [&(data.len() as u32).to_be_bytes()[..], kind, data, &[1, 2, 3, 4]].concat();
        let file = [&SIGNATURE[..], &chunk(b"IHDR", &[7; 13]), &chunk(b"IDAT", b"pixels"), &chunk(b"IEND", b"")].concat();
        let mut chunks = Chunks::of(&file).unwrap();
        let first = chunks.next().unwrap();
        assert_eq!((first.kind, first.data, first.whole.len()), (b"IHDR", &[7u8; 13][..], 25));
        assert_eq!(chunks.offset(), 8 + 25);
        let kinds: Vec<&[u8; 4]> = chunks.by_ref().map(|c| c.kind).collect();
        assert_eq!(kinds, [b"IDAT", b"IEND"]);
        assert!(!chunks.cut() && chunks.offset() == file.len());
        // Cut inside the last chunk's CRC: the walk stops before it, and says so.
        let cut = &file[..file.len() - 1];
        let mut chunks = Chunks::of(cut).unwrap();
        assert_eq!(chunks.by_ref().count(), 2);
        assert!(chunks.cut());
        // A length past the end of any file, and no signature.
        let lying = [&SIGNATURE[..], &u32::MAX.to_be_bytes(), b"IDAT"].concat();
        assert_eq!(Chunks::of(&lying).unwrap().count(), 0);
        assert!(Chunks::of(b"GIF89a").is_none());
    }
}
