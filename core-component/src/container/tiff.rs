//! TIFF and BMP headers.
//!
//! TIFF: the first IFD's tags give size, layout, profile, XMP and IPTC; the IFD chain gives the
//! page count; kamadak-exif reads the descriptive tags. BMP: the `image` crate's header reader.

use std::io::Cursor;

use image::ImageDecoder;

use super::{ColorModel, Container, text};
use crate::{
    Dimensions,
    error::{self, Error, Result},
    format::ImageFormat,
    metadata::{MetadataBlocks, exif::ExifData, extra, iptc},
};

pub fn read_tiff(bytes: &[u8]) -> Result<Container> {
    let tiff = Tiff { bytes, little_endian: bytes.starts_with(b"II") };
    if tiff.u16(2) == Some(43) {
        return read_bigtiff(bytes);
    }
    let first = tiff.u32(4).ok_or_else(|| Error::truncated("TIFF"))? as usize;
    let entries = tiff.entries(first).ok_or_else(|| Error::truncated("TIFF"))?;
    let find = |tag: u16| entries.iter().find(|e| e.tag == tag);
    let number = |tag: u16| find(tag).and_then(|e| tiff.first_number(e));
    let data = |tag: u16| find(tag).and_then(|e| tiff.data(e));
    let stored = Dimensions::new(
        number(256).ok_or_else(|| Error::malformed("The TIFF has no image width; it is damaged."))?,
        number(257).ok_or_else(|| Error::malformed("The TIFF has no image height; it is damaged."))?,
    );
    let samples = number(277).unwrap_or(1);
    let photometric = number(262).unwrap_or(1);
    let color_model = match photometric {
        0 | 1 => ColorModel::Gray,
        3 => ColorModel::Palette,
        5 => ColorModel::Cmyk,
        _ => ColorModel::Rgb,
    };
    let colour_samples = match color_model {
        ColorModel::Gray | ColorModel::Palette => 1,
        ColorModel::Rgb => 3,
        ColorModel::Cmyk => 4,
    };
    let mut blocks =
        MetadataBlocks { exif: ExifData::parse_tiff_file(bytes), icc: data(34675).map(<[u8]>::to_vec), ..MetadataBlocks::default() };
    if let Some(xmp) = data(700) {
        blocks.xmp.push(text(xmp));
    }
    let photoshop = data(34377).map(iptc::photoshop_resources).unwrap_or_default();
    blocks.iptc = data(33723).map(<[u8]>::to_vec).or(photoshop.iptc);
    blocks.extra.extend(photoshop.thumbnail.map(extra::photoshop_thumbnail));
    Ok(Container {
        format: ImageFormat::Tiff,
        stored,
        bit_depth: number(258).unwrap_or(1).min(255) as u8,
        color_model,
        has_alpha: find(338).is_some() || samples > colour_samples,
        frame_count: tiff.page_count(first),
        progressive: false,
        lossy: false,
        blocks,
    })
}

/// BigTIFF (64-bit offsets) is rare: its size and layout come from the `image` crate's reader,
/// and its metadata is not listed.
fn read_bigtiff(bytes: &[u8]) -> Result<Container> {
    let decoder = image::codecs::tiff::TiffDecoder::new(Cursor::new(bytes)).map_err(|e| error::from_decoder("TIFF", e))?;
    Ok(from_image_decoder(ImageFormat::Tiff, &decoder, None))
}

pub fn read_bmp(bytes: &[u8]) -> Result<Container> {
    let decoder = image::codecs::bmp::BmpDecoder::new(Cursor::new(bytes)).map_err(|e| error::from_decoder("BMP", e))?;
    // Bits per pixel: at 24 in the old 12-byte OS/2 header, at 28 in every later one.
    let header_size = bytes.get(14..18).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let bpp_at = if header_size == 12 { 24 } else { 28 };
    let bpp = bytes.get(bpp_at..bpp_at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    Ok(from_image_decoder(ImageFormat::Bmp, &decoder, bpp))
}

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
        lossy: false,
        blocks: MetadataBlocks::default(),
    }
}

/// A classic TIFF's bytes and byte order.
struct Tiff<'a> {
    bytes: &'a [u8],
    little_endian: bool,
}

/// One IFD entry: a tag, its type, its count, and where its 4-byte value/offset field is.
struct Entry {
    tag: u16,
    kind: u16,
    count: u32,
    field_at: usize,
}

impl Tiff<'_> {
    fn u16(&self, at: usize) -> Option<u16> {
        let b: [u8; 2] = self.bytes.get(at..at + 2)?.try_into().ok()?;
        Some(if self.little_endian { u16::from_le_bytes(b) } else { u16::from_be_bytes(b) })
    }

    fn u32(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.bytes.get(at..at + 4)?.try_into().ok()?;
        Some(if self.little_endian { u32::from_le_bytes(b) } else { u32::from_be_bytes(b) })
    }

    fn entries(&self, ifd: usize) -> Option<Vec<Entry>> {
        let count = usize::from(self.u16(ifd)?);
        (0..count)
            .map(|i| {
                let at = ifd + 2 + 12 * i;
                Some(Entry { tag: self.u16(at)?, kind: self.u16(at + 2)?, count: self.u32(at + 4)?, field_at: at + 8 })
            })
            .collect()
    }

    /// The entry's raw value bytes: inline when they fit in 4 bytes, else at the offset.
    fn data(&self, entry: &Entry) -> Option<&[u8]> {
        let unit = match entry.kind {
            1 | 2 | 6 | 7 => 1,
            3 | 8 => 2,
            4 | 9 | 11 | 13 => 4,
            5 | 10 | 12 => 8,
            _ => return None,
        };
        let len = (entry.count as usize).checked_mul(unit)?;
        let at = if len <= 4 { entry.field_at } else { self.u32(entry.field_at)? as usize };
        self.bytes.get(at..at.checked_add(len)?)
    }

    fn first_number(&self, entry: &Entry) -> Option<u32> {
        match entry.kind {
            3 => self.u16(entry.field_at).map(u32::from),
            4 => self.u32(entry.field_at),
            _ => None,
        }
    }

    /// Follows the chain of IFDs; a loop or a broken link ends the count.
    fn page_count(&self, first: usize) -> u32 {
        let (mut pages, mut ifd, mut seen) = (0, first, Vec::new());
        while ifd != 0 && !seen.contains(&ifd) && pages < 10_000 {
            let Some(count) = self.u16(ifd) else { break };
            seen.push(ifd);
            pages += 1;
            ifd = self.u32(ifd + 2 + 12 * usize::from(count)).unwrap_or(0) as usize;
        }
        pages.max(1)
    }
}
