//! HEIC/HEIF: the primary image's item and properties (heifer-isobmff), without decoding HEVC.
//!
//! The size reported is the one heifer's decoder produces: the coded size (`ispe`) after the
//! clean aperture (`clap`) crop and the quarter turns (`irot`). Those transforms are applied when
//! decoding, so the EXIF Orientation, which phones set to the same turn, is dropped here: applied
//! again it would turn the picture twice.
//!
//! Besides the primary image, a phone's file holds others that no output carries: thumbnails,
//! depth maps, portrait mattes, an HDR gain map, other pictures (the eyes of a spatial photo, the
//! original of an edit). They are listed in the report (see [`extra_images`]) so that people know
//! what they are about to share, and the row says when an HDR gain map is dropped.

use heifer::heifer_isobmff::{HeifFile, ItemId, boxes::Property};

use localpix_contract::HDR_GAIN_MAP_FIELD;

use super::{ColorModel, Container, text};
use crate::{
    Dimensions,
    error::{Error, Result},
    format::ImageFormat,
    metadata::{MetadataBlocks, MetadataField, MetadataGroup, NewField, SensitiveKind, exif::ExifData},
};

pub fn read(bytes: &[u8]) -> Result<Container> {
    let file = HeifFile::parse(bytes).map_err(heif_error)?;
    let primary = file.primary_id;
    let (mut width, mut height) = file
        .image_size(primary)
        .map_err(heif_error)?
        .ok_or_else(|| Error::malformed("The HEIC file does not say the size of its image; it is damaged."))?;
    let mut bit_depth = 8;
    for property in file.item_properties(primary).map_err(heif_error)? {
        match property {
            Property::CleanAperture { width: (wn, wd), height: (hn, hd), .. } if *wd > 0 && *hd > 0 => {
                (width, height) = (wn / wd, hn / hd);
            }
            Property::Rotation(quarters) if quarters % 2 == 1 => (width, height) = (height, width),
            Property::PixelInfo(bits) => bit_depth = bits.first().copied().unwrap_or(8),
            _ => {}
        }
    }
    let metadata = heifer::item_metadata(&file, primary).map_err(heif_error)?;
    let mut blocks = MetadataBlocks {
        exif: metadata.exif.as_deref().and_then(ExifData::parse).map(ExifData::without_orientation),
        icc: metadata.icc_profile,
        ..MetadataBlocks::default()
    };
    blocks.xmp.extend(metadata.xmp.as_deref().map(text));
    blocks.extra = extra_images(&file, primary);
    Ok(Container {
        format: ImageFormat::Heic,
        stored: Dimensions::new(width, height),
        bit_depth,
        color_model: ColorModel::Rgb,
        has_alpha: has_alpha_plane(&file, primary),
        // Bursts, collections, spatial photos hold several top-level images; the primary one is read.
        frame_count: file.top_level_image_ids().len().max(1) as u32,
        progressive: false,
        lossy: true,
        associated_alpha: false,
        blocks,
    })
}

/// Whether an auxiliary image of `primary` is its alpha plane (`auxC` says so, in MPEG-B's or
/// HEVC's form: `urn:mpeg:mpegB:cicp:systems:auxiliary:alpha`, `urn:mpeg:hevc:2015:auxid:1`).
fn has_alpha_plane(file: &HeifFile<'_>, primary: ItemId) -> bool {
    file.referencing_items(primary, b"auxl").into_iter().any(|aux| auxiliary_type(file, aux).is_some_and(is_alpha))
}

/// The `auxC` type of an auxiliary image.
fn auxiliary_type<'f>(file: &'f HeifFile<'_>, aux: ItemId) -> Option<&'f str> {
    file.item_properties(aux).ok()?.find_map(|p| match p {
        Property::AuxiliaryType(urn) => Some(urn.as_str()),
        _ => None,
    })
}

/// The images of the file other than the primary one and its tiles, described for the report:
/// its thumbnails, its auxiliary images but for the alpha plane (which is decoded), the other
/// top-level images, and an ISO 21496-1 gain map (a `tmap` item, which a Galaxy S25 Ultra writes
/// beside its own).
fn extra_images(file: &HeifFile<'_>, primary: ItemId) -> Vec<MetadataField> {
    let size = |id: ItemId| match file.image_size(id) {
        Ok(Some((width, height))) => format!(", {width}×{height}"),
        _ => String::new(),
    };
    let mut fields = Vec::new();
    for thumbnail in file.referencing_items(primary, b"thmb") {
        fields.push(MetadataField::new(
            MetadataGroup::Thumbnail,
            "HEIF thumbnail",
            format!("a smaller copy of the picture{}", size(thumbnail)),
            Some(SensitiveKind::HiddenContent),
        ));
    }
    for aux in file.referencing_items(primary, b"auxl") {
        let urn = auxiliary_type(file, aux).unwrap_or_default();
        if is_alpha(urn) {
            continue;
        }
        fields.push(auxiliary_field(urn, &size(aux)));
    }
    // Samsung writes its gain map both ways: one field for it.
    let has_gain_map = fields.iter().any(|f| f.name == HDR_GAIN_MAP_FIELD);
    if !has_gain_map && file.items.iter().any(|item| item.item_type.0 == *b"tmap") {
        fields.push(gain_map_field("an HDR gain map (ISO 21496-1)".into()));
    }
    for (number, other) in file.top_level_image_ids().into_iter().filter(|&id| id != primary).enumerate() {
        fields.push(MetadataField::new(
            MetadataGroup::ExtraData,
            format!("Other image {}", number + 1),
            format!("another picture in the file (a burst, the other eye of a spatial photo, an unedited original){}", size(other)),
            Some(SensitiveKind::HiddenContent),
        ));
    }
    fields
}

/// What an auxiliary image is, from its `auxC` type, as a field of the report.
fn auxiliary_field(urn: &str, size: &str) -> MetadataField {
    let (name, what) = match urn {
        "urn:mpeg:hevc:2015:auxid:2" | "urn:mpeg:mpegB:cicp:systems:auxiliary:depth" => {
            ("Depth map", "how far each part of the scene was from the camera".to_string())
        }
        // Apple's (`urn:com:apple:photo:2020:aux:hdrgainmap`) and Samsung's (`urn:com:samsung:photo:2024:…`).
        urn if urn.ends_with(":aux:hdrgainmap") => {
            return gain_map_field(format!("an HDR gain map ({}){size}", urn.split(':').nth(2).unwrap_or("maker")));
        }
        urn if urn.starts_with("urn:com:apple:photo:") && urn.ends_with("matte") => {
            ("Portrait matte", format!("an outline of people, skin, hair, teeth or glasses for portrait effects ({urn})"))
        }
        urn => ("Auxiliary image", format!("an extra image of type {urn}")),
    };
    MetadataField::new(MetadataGroup::ExtraData, name, format!("{what}{size}"), Some(SensitiveKind::HiddenContent))
}

/// The gain map that lets an HDR screen brighten the highlights: decoding keeps the standard-range
/// picture only, and the row says so (settings' notes look for this field's name).
fn gain_map_field(what: String) -> MetadataField {
    MetadataField::new(
        MetadataGroup::ExtraData,
        HDR_GAIN_MAP_FIELD,
        format!("{what}: not kept, the result shows the standard-range picture"),
        Some(SensitiveKind::HiddenContent),
    )
}

fn is_alpha(urn: &str) -> bool {
    urn.ends_with(":alpha") || urn.ends_with("auxid:1")
}

/// What heifer's refusal means to a person: a file cut short (an interrupted download) says so as a
/// cut JPEG or PNG does, a feature heifer lacks is named, anything else is damage.
pub(crate) fn heif_error(e: impl Into<heifer::Error>) -> Error {
    use heifer::{Error as Heif, heifer_isobmff::Error as Container};
    match e.into() {
        Heif::Container(Container::UnexpectedEof) => Error::truncated("HEIC"),
        Heif::Unsupported(what) => Error::UnsupportedFormat(format!("This HEIC file uses a feature localpix cannot read ({what}).")),
        other => Error::malformed(format!("The HEIC file is damaged ({other}).")),
    }
}
