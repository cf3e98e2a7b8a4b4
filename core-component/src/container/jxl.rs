//! JPEG XL: the image header, frame headers and metadata boxes, read by jxl-oxide's parser
//! without decoding pixels (a bare codestream, or the ISO media container with its boxes).
//!
//! The size reported is the upright one: JPEG XL keeps its orientation in the codestream header,
//! and jxl-oxide applies it when rendering. The container's EXIF Orientation is then dropped, as
//! for HEIC: the codestream's value is the one that counts (the standard says so), and applied
//! again it would turn the picture twice.

use jxl_oxide::{AllocTracker, AuxBoxData, InitializeResult, JxlImage, frame::Encoding};

use super::{ColorModel, Container, text};
use crate::{
    Dimensions,
    error::{Error, Result},
    format::ImageFormat,
    metadata::{MetadataBlocks, exif::ExifData},
};

pub fn read(bytes: &[u8]) -> Result<Container> {
    let image = parse(bytes, None)?;
    let header = image.image_header();
    let metadata = &header.metadata;
    let stored = Dimensions::new(image.width(), image.height());
    // Lossy: VarDCT frames (XYB, or a recompressed JPEG's YCbCr), or Modular in XYB.
    let lossy = metadata.xyb_encoded || image.frame_header(0).is_some_and(|frame| frame.encoding == Encoding::VarDct);
    Ok(Container {
        format: ImageFormat::JpegXl,
        stored,
        bit_depth: metadata.bit_depth.bits_per_sample().min(255) as u8,
        color_model: if metadata.grayscale() { ColorModel::Gray } else { ColorModel::Rgb },
        has_alpha: metadata.alpha().is_some(),
        frame_count: image.num_loaded_keyframes().max(1) as u32,
        progressive: false,
        associated_alpha: false,
        lossy,
        blocks: blocks(&image)?,
    })
}

/// Parses `bytes` whole: headers, ICC profile, frame headers and every box, no pixels. A `tracker`
/// bounds what decoding them may allocate. (jxl-oxide's own `read` stops at the end of the
/// codestream, which would leave the `Exif` and `xml ` boxes that follow it unread or cut.)
pub(crate) fn parse(bytes: &[u8], tracker: Option<AllocTracker>) -> Result<JxlImage> {
    let mut builder = JxlImage::builder();
    if let Some(tracker) = tracker {
        builder = builder.alloc_tracker(tracker);
    }
    let mut uninit = builder.build_uninit();
    let mut rest = bytes;
    while !rest.is_empty() {
        let consumed = uninit.feed_bytes(rest).map_err(|e| malformed(&e))?;
        if consumed == 0 {
            break;
        }
        rest = &rest[consumed..];
    }
    let mut image = match uninit.try_init().map_err(|e| malformed(&e))? {
        InitializeResult::Initialized(image) => image,
        InitializeResult::NeedMoreData(_) => return Err(Error::truncated("JPEG XL")),
    };
    image.finalize().map_err(|e| malformed(&e))?;
    Ok(image)
}

/// EXIF (the `Exif` box: a 4-byte offset to the TIFF header, then the block), XMP (`xml `), and
/// the colour profile the pixels are rendered in, when it is not sRGB.
fn blocks(image: &JxlImage) -> Result<MetadataBlocks> {
    let boxes = image.aux_boxes();
    let exif = match boxes.first_exif().map_err(|e| malformed(&e))? {
        AuxBoxData::Data(raw) => raw.payload().get(raw.tiff_header_offset() as usize..).and_then(ExifData::parse),
        _ => None,
    };
    let mut blocks =
        MetadataBlocks { exif: exif.map(ExifData::without_orientation), icc: rendered_profile(image), ..MetadataBlocks::default() };
    if let AuxBoxData::Data(xml) = boxes.first_xml() {
        blocks.xmp.push(text(xml));
    }
    Ok(blocks)
}

/// The ICC profile of the pixels jxl-oxide renders: the embedded one for pixels stored in it, one
/// made from the header's colour encoding (Display P3, Rec. 2020…) otherwise; none for sRGB
/// (CICP primaries 1, transfer 13), what an output without a profile means anyway.
fn rendered_profile(image: &JxlImage) -> Option<Vec<u8>> {
    let srgb = image.rendered_cicp().is_some_and(|[primaries, transfer, ..]| primaries == 1 && transfer == 13);
    Some(image.rendered_icc()).filter(|icc| !srgb && !icc.is_empty())
}

fn malformed(e: &dyn std::fmt::Display) -> Error {
    Error::malformed(format!("The JPEG XL file is damaged ({e})."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{metadata::MetadataGroup, orient::Orientation, testdata};

    #[test]
    fn reads_the_boxes_after_the_codestream_whole() {
        // exiftool put the `Exif` and `xml ` boxes after `jxlc`.
        let c = read(&testdata::fixture("private-meta.jxl")).unwrap();
        let fields = c.blocks.fields();
        assert!(!fields.iter().any(|f| f.value.contains("damaged")), "{fields:?}");
        for group in [MetadataGroup::Gps, MetadataGroup::Xmp] {
            assert!(fields.iter().any(|f| f.group == group && f.sensitive.is_some()), "no sensitive {group:?}: {fields:?}");
        }
        assert!(fields.iter().any(|f| f.value.contains("PRIVATE-USERCOMMENT")), "the EXIF sub-IFD is read");
    }

    #[test]
    fn the_codestream_orientation_is_applied_and_the_exif_one_dropped() {
        // Stored 400×640 with orientation 6 in the codestream, and EXIF Orientation 6 (brob box).
        let c = read(&testdata::fixture("jxl-phone-orient6-gps.jxl")).unwrap();
        assert_eq!((c.stored.width, c.stored.height), (640, 400));
        assert_eq!(c.blocks.orientation(), Orientation::Normal);
        assert!(c.blocks.fields().iter().any(|f| f.group == MetadataGroup::Gps));
        assert!(c.lossy, "a recompressed JPEG is VarDCT");
    }

    #[test]
    fn depth_alpha_frames_and_profile_from_the_header() {
        let rgb16 = read(&testdata::fixture("jxl-rgb16.jxl")).unwrap();
        assert_eq!((rgb16.bit_depth, rgb16.lossy, rgb16.blocks.icc.is_none()), (16, false, true));
        let animated = read(&testdata::fixture("jxl-animated.jxl")).unwrap();
        assert_eq!((animated.frame_count, animated.has_alpha), (2, true));
        // Lossless pixels are in the embedded profile, which is reported.
        assert!(read(&testdata::fixture("jxl-alpha-lossless.jxl")).unwrap().blocks.icc.is_some());
    }
}
