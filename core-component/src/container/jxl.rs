//! JPEG XL: the image header, frame headers and metadata boxes, read by jxl-oxide's parser
//! without decoding pixels (a bare codestream, or the ISO media container with its boxes).
//!
//! The size reported is the upright one: JPEG XL keeps its orientation in the codestream header,
//! and jxl-oxide applies it when rendering. The container's EXIF Orientation is then dropped, as
//! for HEIC: the codestream's value is the one that counts (the standard says so), and applied
//! again it would turn the picture twice.

use jxl_oxide::{AllocTracker, AuxBoxData, JxlImage, frame::Encoding};

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

/// Parses `bytes` whole: headers, ICC profile, frame headers and boxes, no pixels. A `tracker`
/// bounds what decoding them may allocate.
pub(crate) fn parse(bytes: &[u8], tracker: Option<AllocTracker>) -> Result<JxlImage> {
    let mut builder = JxlImage::builder();
    if let Some(tracker) = tracker {
        builder = builder.alloc_tracker(tracker);
    }
    builder.read(bytes).map_err(|e| match e.downcast_ref::<std::io::Error>() {
        Some(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => Error::truncated("JPEG XL"),
        _ => malformed(&e),
    })
}

/// EXIF (the `Exif` box: a 4-byte offset to the TIFF header, then the block), XMP (`xml `), and
/// the colour profile the pixels are rendered in, when it is not sRGB.
fn blocks(image: &JxlImage) -> Result<MetadataBlocks> {
    let boxes = image.aux_boxes();
    let exif = match boxes.first_exif().map_err(|e| malformed(&e))? {
        AuxBoxData::Data(raw) => raw.payload().get(raw.tiff_header_offset() as usize..).and_then(ExifData::parse),
        _ => None,
    };
    let mut blocks = MetadataBlocks { exif: exif.map(ExifData::without_orientation), icc: rendered_profile(image), ..MetadataBlocks::default() };
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
