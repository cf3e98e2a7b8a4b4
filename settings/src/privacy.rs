//! The private data a file carries, as people are told about it: the kinds of private field in a
//! fixed order, each with its name. The web app's privacy panel and `localpix probe` both say it
//! in these words, so they class every file alike.

use localpix_contract::{ImageInfo, SensitiveKind};

/// Every kind of private field, in the order reports list them.
pub const KINDS: [SensitiveKind; 5] =
    [SensitiveKind::Location, SensitiveKind::Device, SensitiveKind::Person, SensitiveKind::FreeText, SensitiveKind::HiddenContent];

/// A kind of private field as people name it.
pub fn kind_label(kind: SensitiveKind) -> &'static str {
    match kind {
        SensitiveKind::Location => "location (GPS, places)",
        SensitiveKind::Device => "device serial / ID",
        SensitiveKind::Person => "names",
        SensitiveKind::FreeText => "text (captions, comments)",
        SensitiveKind::HiddenContent => "hidden data (maker notes, thumbnails, extra images)",
    }
}

/// The kinds of private data a file holds, in [`KINDS`]' order, each once.
pub fn kinds_found(info: &ImageInfo) -> Vec<SensitiveKind> {
    KINDS.into_iter().filter(|kind| info.sensitive().any(|f| f.sensitive == Some(*kind))).collect()
}

/// [`kinds_found`], named: `location (GPS, places), names`.
pub fn kinds(info: &ImageInfo) -> Vec<&'static str> {
    kinds_found(info).into_iter().map(kind_label).collect()
}

/// "1 field", "3 harmless fields".
pub fn counted(count: usize, adjective: &str) -> String {
    format!("{count} {adjective}{}", if count == 1 { "field" } else { "fields" })
}

#[cfg(test)]
mod tests {
    use localpix_contract::{ColorModel, Dimensions, ImageFormat, MetadataField, MetadataGroup, Orientation};

    use super::*;

    fn field(group: MetadataGroup, sensitive: Option<SensitiveKind>) -> MetadataField {
        MetadataField { group, name: "n".into(), value: "v".into(), sensitive }
    }

    #[test]
    fn kinds_come_once_in_a_fixed_order() {
        let info = ImageInfo {
            format: ImageFormat::Jpeg,
            dimensions: Dimensions::new(1, 1),
            orientation: Orientation::Normal,
            has_alpha: false,
            bit_depth: 8,
            color_model: ColorModel::Rgb,
            frame_count: 1,
            progressive: false,
            lossy: true,
            color_profile: None,
            metadata: vec![
                field(MetadataGroup::Thumbnail, Some(SensitiveKind::HiddenContent)),
                field(MetadataGroup::Exif, None),
                field(MetadataGroup::Gps, Some(SensitiveKind::Location)),
                field(MetadataGroup::Gps, Some(SensitiveKind::Location)),
            ],
        };
        assert_eq!(kinds(&info), ["location (GPS, places)", "hidden data (maker notes, thumbnails, extra images)"]);
        assert_eq!(counted(1, "harmless "), "1 harmless field");
        assert_eq!(counted(2, ""), "2 fields");
    }
}
