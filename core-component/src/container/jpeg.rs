//! JPEG: walks the marker segments from SOI to the first scan, then finds where the picture ends,
//! to report what follows it (MPF images, a motion photo's video).

use super::{ColorModel, Container, be16, text};
use crate::{
    Dimensions,
    error::{Error, Result},
    format::ImageFormat,
    metadata::{Comment, MetadataBlocks, exif::ExifData, extra, iptc},
};

const EXIF: &[u8] = b"Exif\0\0";
const XMP: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_EXTENSION: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
const ICC: &[u8] = b"ICC_PROFILE\0";
const MPF: &[u8] = b"MPF\0";
const PHOTOSHOP: &[u8] = b"Photoshop 3.0\0";
/// JPEG's carriage of JUMBF boxes (C2PA manifests): "JP", a box instance and a sequence number.
const JUMBF: &[u8] = b"JP";

pub fn read(bytes: &[u8]) -> Result<Container> {
    let mut blocks = MetadataBlocks::default();
    let mut frame: Option<(Dimensions, u8, u8, bool)> = None;
    let mut icc_chunks: Vec<(u8, &[u8])> = Vec::new();
    let mut mpf_images = Vec::new();
    let (mut extended_xmp, mut jumbf, mut c2pa) = (0, 0, false);
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
            0xE1 if segment.starts_with(XMP_EXTENSION) => extended_xmp += segment.len(),
            0xE2 if segment.starts_with(ICC) && segment.len() > ICC.len() + 2 => {
                icc_chunks.push((segment[ICC.len()], &segment[ICC.len() + 2..]));
            }
            0xE2 if segment.starts_with(MPF) => mpf_images = extra::mpf_images(&segment[MPF.len()..], pos + 4 + MPF.len()),
            0xEB if segment.starts_with(JUMBF) => {
                jumbf += segment.len();
                c2pa |= extra::is_c2pa_jumbf(segment.get(8..).unwrap_or_default());
            }
            0xED if segment.starts_with(PHOTOSHOP) => {
                let photoshop = iptc::photoshop_resources(&segment[PHOTOSHOP.len()..]);
                blocks.iptc = photoshop.iptc;
                blocks.extra.extend(photoshop.thumbnail.map(extra::photoshop_thumbnail));
            }
            0xE0..=0xEF => blocks.extra.extend(extra::app_segment(marker, segment)),
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
    if extended_xmp > 0 {
        blocks.extra.push(extra::extended_xmp(extended_xmp));
    }
    if jumbf > 0 {
        blocks.extra.push(if c2pa { extra::c2pa_manifest(jumbf) } else { extra::app_segment(0xEB, b"JUMBF").expect("APP11 is reported") });
    }
    report_after_the_picture(bytes, pos, &mpf_images, &mut blocks);
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
        lossy: true,
        blocks,
    })
}

/// Lists the MPF images and any other data after the picture's end (found from the first scan at
/// `scan`). A file cut before its end has nothing after it.
fn report_after_the_picture(bytes: &[u8], scan: usize, mpf_images: &[extra::MpfImage], blocks: &mut MetadataBlocks) {
    blocks.extra.extend(mpf_images.iter().enumerate().map(|(i, image)| image.field(i + 2)));
    let Some(end) = end_of_image(bytes, scan) else { return };
    // The ranges after the picture that no MPF image covers.
    let mut covered: Vec<(usize, usize)> =
        mpf_images.iter().map(|i| (i.start, i.start.saturating_add(i.size).min(bytes.len()))).filter(|(start, _)| *start >= end).collect();
    covered.sort_unstable();
    let mut gaps = Vec::new();
    let mut at = end;
    for (start, stop) in covered {
        if start > at {
            gaps.push((at, start));
        }
        at = at.max(stop);
    }
    if at < bytes.len() {
        gaps.push((at, bytes.len()));
    }
    blocks.extra.extend(extra::trailing_data(bytes, &gaps));
}

/// The position just after the EOI marker, walking the entropy-coded data and the segments
/// between scans (a progressive JPEG has many) from the marker at `pos`. In entropy-coded data
/// every 0xFF is followed by 0x00 (a stuffed byte) or a restart marker, so the next other marker
/// ends it.
fn end_of_image(bytes: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        // `pos` is at a marker segment (SOS first): skip its header.
        let length = usize::from(be16(bytes, pos + 2)?);
        pos += 2 + length;
        loop {
            pos += memchr::memchr(0xFF, bytes.get(pos..)?)?;
            match *bytes.get(pos + 1)? {
                0x00 | 0xD0..=0xD7 | 0xFF => pos += 1,
                0xD9 => return Some(pos + 2),
                _ => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{metadata::MetadataGroup, testdata};

    #[test]
    fn finds_the_end_of_baseline_and_progressive_pictures() {
        for name in ["photo-640x400.jpg", "progressive.jpg", "cmyk.jpg"] {
            let bytes = testdata::fixture(name);
            let scan = bytes.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
            assert_eq!(end_of_image(&bytes, scan), Some(bytes.len()), "{name}");
            let mut longer = bytes.clone();
            longer.extend(b"\0\0\0\x18ftypmp42 a motion photo's video");
            let fields = read(&longer).unwrap().blocks.fields();
            assert!(fields.iter().any(|f| f.group == MetadataGroup::ExtraData && f.value.contains("video")), "{name}: {fields:#?}");
        }
    }
}
