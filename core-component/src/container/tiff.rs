//! TIFF headers (the cargo feature `tiff`).
//!
//! The first IFD's tags give size, layout, profile, XMP and IPTC; the IFD chain gives the
//! page count; kamadak-exif reads the descriptive tags.

use std::io::Cursor;

use super::{ColorModel, Container, from_image_decoder, text};
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
        associated_alpha: number(338) == Some(1),
        lossy: false,
        blocks,
    })
}

/// What a TIFF the decoder refused is made of, in words a person can act on ("12-bit grey
/// samples", "colours from a palette"), read from its first IFD; `None` when nothing there is out
/// of the ordinary. The decoder's own reason names its internals (`color type Unknown(12)`).
pub fn unsupported_variant(bytes: &[u8]) -> Option<String> {
    let tiff = Tiff { bytes, little_endian: bytes.starts_with(b"II") };
    let entries = tiff.entries(tiff.u32(4)? as usize)?;
    let number = |tag: u16| entries.iter().find(|e| e.tag == tag).and_then(|e| tiff.first_number(e));
    let (compression, photometric) = (number(259).unwrap_or(1), number(262).unwrap_or(1));
    let (bits, format, samples) = (number(258).unwrap_or(1), number(339).unwrap_or(1), number(277).unwrap_or(1));
    let colour = match photometric {
        0 | 1 => "grey",
        2 => "RGB",
        5 => "CMYK",
        _ => "colour",
    };
    Some(match (compression, photometric) {
        (2..=4, _) if compression != 4 => "CCITT fax (Group 3) compression".into(),
        (6, _) => "old-style JPEG compression (withdrawn from TIFF in 1995)".into(),
        (_, 6) => "YCbCr colour (as JPEG-compressed TIFFs do)".into(),
        (_, 3) => "colours from a palette (a colour map)".into(),
        (_, 8..=10) => "CIE L*a*b* colour".into(),
        (_, 32844 | 32845) => "LogLuv high-dynamic-range samples".into(),
        _ if format == 2 => format!("signed {bits}-bit {colour} samples"),
        _ if format == 3 => format!("{bits}-bit floating-point {colour} samples"),
        _ if !matches!(bits, 1 | 8 | 16) => format!("{bits}-bit {colour} samples"),
        (_, 5) if number(284) == Some(2) => "CMYK in separate planes".into(),
        _ if samples > 1 && colour == "grey" => format!("grey with {} extra channel(s)", samples - 1),
        _ => return None,
    })
}

/// A TIFF variant the decoder reads without complaint but wrongly, described as for
/// [`unsupported_variant`]: refused before decoding rather than shown as a wrong picture. The
/// tiff crate takes 16-bit samples in separate planes (PlanarConfiguration = 2) for interleaved
/// ones (libtiff's flower-rgb-planar-16.tif came out up to 249 levels off).
pub fn misread_variant(bytes: &[u8]) -> Option<String> {
    let tiff = Tiff { bytes, little_endian: bytes.starts_with(b"II") };
    let entries = tiff.entries(tiff.u32(4)? as usize)?;
    let number = |tag: u16| entries.iter().find(|e| e.tag == tag).and_then(|e| tiff.first_number(e));
    let (bits, samples, planar) = (number(258).unwrap_or(1), number(277).unwrap_or(1), number(284).unwrap_or(1));
    (planar == 2 && samples > 1 && bits == 16).then(|| "16-bit samples in separate planes".to_owned())
}

/// BigTIFF (64-bit offsets) is rare: its size and layout come from the `image` crate's reader,
/// and its metadata is not listed.
fn read_bigtiff(bytes: &[u8]) -> Result<Container> {
    let decoder = image::codecs::tiff::TiffDecoder::new(Cursor::new(bytes)).map_err(|e| error::from_decoder("TIFF", e))?;
    Ok(from_image_decoder(ImageFormat::Tiff, &decoder, None))
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

    /// Where the entry's values are and how many bytes they take: inline when they fit in 4
    /// bytes, else at the offset the field holds.
    fn values_at(&self, entry: &Entry) -> Option<(usize, usize)> {
        let unit = match entry.kind {
            1 | 2 | 6 | 7 => 1,
            3 | 8 => 2,
            4 | 9 | 11 | 13 => 4,
            5 | 10 | 12 => 8,
            _ => return None,
        };
        let len = (entry.count as usize).checked_mul(unit)?;
        let at = if len <= 4 { entry.field_at } else { self.u32(entry.field_at)? as usize };
        Some((at, len))
    }

    /// The entry's raw value bytes.
    fn data(&self, entry: &Entry) -> Option<&[u8]> {
        let (at, len) = self.values_at(entry)?;
        self.bytes.get(at..at.checked_add(len)?)
    }

    /// The entry's first value. BitsPerSample of an RGB image has three, stored at an offset:
    /// reading the field itself gave the offset's halves ("1106-bit samples").
    fn first_number(&self, entry: &Entry) -> Option<u32> {
        let (at, _) = self.values_at(entry)?;
        match entry.kind {
            3 => self.u16(at).map(u32::from),
            4 => self.u32(at),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn conformance(path: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance").join(path);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn names_what_a_refused_tiff_holds() {
        for (file, expected) in [
            ("libtiff-pics/depth/flower-rgb-planar-10.tif", "10-bit RGB samples"),
            ("libtiff-pics/depth/flower-separated-planar-08.tif", "CMYK in separate planes"),
            ("libtiff-pics/jello.tif", "colours from a palette (a colour map)"),
            ("libtiff-pics/g3test.tif", "CCITT fax (Group 3) compression"),
        ] {
            assert_eq!(unsupported_variant(&conformance(file)).as_deref(), Some(expected), "{file}");
        }
        assert_eq!(
            misread_variant(&conformance("libtiff-pics/depth/flower-rgb-planar-16.tif")).as_deref(),
            Some("16-bit samples in separate planes")
        );
        assert_eq!(misread_variant(&conformance("libtiff-pics/depth/flower-rgb-planar-08.tif")), None);
    }
}
