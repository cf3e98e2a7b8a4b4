//! HEIC/HEIF: the primary image's item and properties (heifer-isobmff), without decoding HEVC.
//!
//! The size reported is the one heifer's decoder produces: the coded size (`ispe`) after the
//! clean aperture (`clap`) crop and the quarter turns (`irot`). Those transforms are applied when
//! decoding, so the EXIF Orientation, which phones set to the same turn, is dropped here: applied
//! again it would turn the picture twice.

use heifer::heifer_isobmff::{HeifFile, boxes::Property};

use super::{ColorModel, Container, text};
use crate::{
    Dimensions,
    error::{Error, Result},
    format::ImageFormat,
    metadata::{MetadataBlocks, exif::ExifData},
};

pub fn read(bytes: &[u8]) -> Result<Container> {
    let file = HeifFile::parse(bytes).map_err(|e| malformed(&e))?;
    let primary = file.primary_id;
    let (mut width, mut height) = file
        .image_size(primary)
        .map_err(|e| malformed(&e))?
        .ok_or_else(|| Error::malformed("The HEIC file does not say the size of its image; it is damaged."))?;
    let mut bit_depth = 8;
    for property in file.item_properties(primary).map_err(|e| malformed(&e))? {
        match property {
            Property::CleanAperture { width: (wn, wd), height: (hn, hd), .. } if *wd > 0 && *hd > 0 => {
                (width, height) = (wn / wd, hn / hd);
            }
            Property::Rotation(quarters) if quarters % 2 == 1 => (width, height) = (height, width),
            Property::PixelInfo(bits) => bit_depth = bits.first().copied().unwrap_or(8),
            _ => {}
        }
    }
    let metadata = heifer::item_metadata(&file, primary).map_err(|e| malformed(&e))?;
    let mut blocks = MetadataBlocks {
        exif: metadata.exif.as_deref().and_then(ExifData::parse).map(ExifData::without_orientation),
        icc: metadata.icc_profile,
        ..MetadataBlocks::default()
    };
    blocks.xmp.extend(metadata.xmp.as_deref().map(text));
    Ok(Container {
        format: ImageFormat::Heic,
        stored: Dimensions::new(width, height),
        bit_depth,
        color_model: ColorModel::Rgb,
        has_alpha: has_alpha_plane(&file, primary),
        // Bursts and collections hold several top-level images; the primary one is read.
        frame_count: file.top_level_image_ids().len().max(1) as u32,
        progressive: false,
        lossy: true,
        associated_alpha: false,
        blocks,
    })
}

/// Whether an auxiliary image of `primary` is its alpha plane (`auxC` says so, in MPEG-B's or
/// HEVC's form: `urn:mpeg:mpegB:cicp:systems:auxiliary:alpha`, `urn:mpeg:hevc:2015:auxid:1`).
fn has_alpha_plane(file: &HeifFile<'_>, primary: heifer::heifer_isobmff::ItemId) -> bool {
    file.referencing_items(primary, b"auxl").into_iter().any(|aux| {
        file.item_properties(aux)
            .map(|mut properties| {
                properties.any(|p| matches!(p, Property::AuxiliaryType(urn) if urn.ends_with(":alpha") || urn.ends_with("auxid:1")))
            })
            .unwrap_or(false)
    })
}

fn malformed(e: &dyn std::fmt::Display) -> Error {
    Error::malformed(format!("The HEIC file is damaged ({e})."))
}
