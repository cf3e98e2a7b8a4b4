//! JPEG: walks the marker segments from SOI to the first scan.

use super::{ColorModel, Container, be16, text};
use crate::{
    Dimensions,
    error::{Error, Result},
    format::ImageFormat,
    metadata::{Comment, MetadataBlocks, exif::ExifData, iptc},
};

const EXIF: &[u8] = b"Exif\0\0";
const XMP: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const ICC: &[u8] = b"ICC_PROFILE\0";
const PHOTOSHOP: &[u8] = b"Photoshop 3.0\0";

pub fn read(bytes: &[u8]) -> Result<Container> {
    let mut blocks = MetadataBlocks::default();
    let mut frame: Option<(Dimensions, u8, u8, bool)> = None;
    let mut icc_chunks: Vec<(u8, &[u8])> = Vec::new();
    let mut pos = 2;
    loop {
        // Tolerate junk between segments, as libjpeg does: skip to the next marker.
        while pos < bytes.len() && bytes[pos] != 0xFF {
            pos += 1;
        }
        while pos + 1 < bytes.len() && bytes[pos + 1] == 0xFF {
            pos += 1;
        }
        let marker = *bytes.get(pos + 1).ok_or_else(|| Error::truncated("JPEG"))?;
        match marker {
            0xD8 | 0x01 | 0xD0..=0xD7 => {
                pos += 2;
                continue;
            }
            0xD9 => return Err(Error::malformed("The JPEG ends before any image data.")),
            _ => {}
        }
        let length = usize::from(be16(bytes, pos + 2).ok_or_else(|| Error::truncated("JPEG"))?);
        let segment = bytes.get(pos + 4..pos + 2 + length).filter(|_| length >= 2).ok_or_else(|| Error::truncated("JPEG"))?;
        match marker {
            // Start of frame: every SOFn but DHT (C4), JPG (C8) and DAC (CC).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let height = be16(segment, 1).ok_or_else(|| Error::truncated("JPEG"))?;
                let width = be16(segment, 3).ok_or_else(|| Error::truncated("JPEG"))?;
                let components = *segment.get(5).ok_or_else(|| Error::truncated("JPEG"))?;
                let progressive = matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE);
                frame = Some((Dimensions::new(width.into(), height.into()), segment[0], components, progressive));
            }
            0xE1 if segment.starts_with(EXIF) && blocks.exif.is_none() => {
                blocks.exif = ExifData::parse(&segment[EXIF.len()..]);
            }
            0xE1 if segment.starts_with(XMP) => blocks.xmp.push(text(&segment[XMP.len()..])),
            0xE2 if segment.starts_with(ICC) && segment.len() > ICC.len() + 2 => {
                icc_chunks.push((segment[ICC.len()], &segment[ICC.len() + 2..]));
            }
            0xED if segment.starts_with(PHOTOSHOP) => {
                blocks.iptc = iptc::from_photoshop_resources(&segment[PHOTOSHOP.len()..]);
            }
            0xFE => blocks.comments.push(Comment { keyword: None, text: text(segment) }),
            0xDA => break,
            _ => {}
        }
        pos += 2 + length;
    }
    let (stored, precision, components, progressive) =
        frame.ok_or_else(|| Error::malformed("The JPEG has image data but no frame header; it is damaged."))?;
    if stored.height == 0 {
        return Err(Error::UnsupportedFormat(
            "This JPEG gives its height after the image data (a DNL marker), which localpix cannot read.".into(),
        ));
    }
    icc_chunks.sort_by_key(|(sequence, _)| *sequence);
    if !icc_chunks.is_empty() {
        blocks.icc = Some(icc_chunks.iter().flat_map(|(_, data)| data.iter().copied()).collect());
    }
    let color_model = match components {
        1 => ColorModel::Gray,
        3 => ColorModel::Rgb,
        4 => ColorModel::Cmyk,
        n => return Err(Error::UnsupportedFormat(format!("This JPEG has {n} colour components; localpix reads 1, 3 or 4."))),
    };
    Ok(Container {
        format: ImageFormat::Jpeg,
        stored,
        bit_depth: precision,
        color_model,
        has_alpha: false,
        frame_count: 1,
        progressive,
        blocks,
    })
}
