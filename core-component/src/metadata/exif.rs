//! EXIF: the camera's fields (a TIFF structure inside JPEG, PNG, WebP, or a TIFF file itself).
//!
//! Reading is kamadak-exif's; what is private, and writing back only what is not, is ours.

use exif::{Context, Field, In, Tag, Value};

use super::{MetadataField, MetadataGroup, NewField, SensitiveKind};
use crate::{Dimensions, orient::Orientation};

/// The fields of one EXIF block, parsed. Owned, so the file's bytes need not be kept.
#[derive(Clone, Debug)]
pub struct ExifData {
    fields: Vec<Field>,
    little_endian: bool,
    /// The embedded preview's size in bytes, if there is one.
    thumbnail_bytes: Option<u32>,
    /// Set when the block was damaged: what could be read is in `fields`.
    damaged: bool,
}

impl ExifData {
    /// Parses a TIFF structure. Damaged blocks keep what could be read; `None` when nothing could.
    pub fn parse(tiff: &[u8]) -> Option<Self> {
        Self::parse_filtered(tiff, |_| true)
    }

    /// Parses the tags of a TIFF *file*, leaving out those that describe its pixel data: they are
    /// structure, not metadata.
    pub fn parse_tiff_file(tiff: &[u8]) -> Option<Self> {
        Self::parse_filtered(tiff, |field| field.ifd_num == In::PRIMARY && !is_image_structure(field.tag))
    }

    fn parse_filtered(tiff: &[u8], keep: impl Fn(&Field) -> bool) -> Option<Self> {
        let mut reader = exif::Reader::new();
        reader.continue_on_error(true);
        let (exif, damaged) = match reader.read_raw(tiff.to_vec()) {
            Ok(exif) => (exif, false),
            Err(exif::Error::PartialResult(partial)) => (partial.into_inner().0, true),
            Err(_) => return None,
        };
        let thumbnail_bytes = exif.get_field(Tag::JPEGInterchangeFormatLength, In::THUMBNAIL).and_then(|f| f.value.get_uint(0));
        let fields = exif.fields().filter(|f| keep(f)).cloned().collect();
        Some(Self { fields, little_endian: exif.little_endian(), thumbnail_bytes, damaged })
    }

    /// The same fields without the Orientation tag: for HEIC, whose `irot`/`imir` boxes turn the
    /// picture (the decoder applies them) and whose EXIF Orientation repeats that turn.
    pub fn without_orientation(mut self) -> Self {
        self.fields.retain(|f| !(f.tag == Tag::Orientation && f.ifd_num == In::PRIMARY));
        self
    }

    pub fn orientation(&self) -> Option<Orientation> {
        let field = self.fields.iter().find(|f| f.tag == Tag::Orientation && f.ifd_num == In::PRIMARY)?;
        Orientation::from_exif(field.value.get_uint(0)?)
    }

    /// The fields as a person reads them. The thumbnail's own tags are summed up as one field.
    pub fn fields(&self) -> Vec<MetadataField> {
        let mut out: Vec<MetadataField> = self
            .fields
            .iter()
            .filter(|f| f.ifd_num == In::PRIMARY && !is_pointer(f.tag) && !is_reference(f.tag))
            .map(|f| {
                let group = if f.tag.context() == Context::Gps { MetadataGroup::Gps } else { MetadataGroup::Exif };
                MetadataField::new(group, tag_name(f.tag), self.display(f), sensitivity(f))
            })
            .collect();
        if let Some(bytes) = self.thumbnail_bytes {
            out.push(MetadataField::new(
                MetadataGroup::Thumbnail,
                "EXIF thumbnail",
                format!("an embedded JPEG preview of {bytes} bytes"),
                Some(SensitiveKind::HiddenContent),
            ));
        }
        if self.damaged {
            out.push(MetadataField::new(
                MetadataGroup::Exif,
                "EXIF",
                "damaged: part of the block could not be read",
                Some(SensitiveKind::HiddenContent),
            ));
        }
        out
    }

    /// A new TIFF structure with only the camera details ([`is_camera_detail`]): no GPS, serial
    /// numbers, names, free text, maker notes or thumbnail; no orientation (the output pixels are
    /// upright) and the pixel size set to `size`. `None` when nothing is left.
    pub fn safe_subset(&self, size: Dimensions) -> Option<Vec<u8>> {
        let kept: Vec<&Field> = self.fields.iter().filter(|f| f.ifd_num == In::PRIMARY && is_camera_detail(f.tag)).collect();
        if kept.is_empty() {
            return None;
        }
        let has_exif_ifd = kept.iter().any(|f| f.tag.context() == Context::Exif);
        let size_fields = has_exif_ifd.then(|| {
            [
                Field { tag: Tag::PixelXDimension, ifd_num: In::PRIMARY, value: Value::Long(vec![size.width]) },
                Field { tag: Tag::PixelYDimension, ifd_num: In::PRIMARY, value: Value::Long(vec![size.height]) },
            ]
        });
        let mut writer = exif::experimental::Writer::new();
        for field in kept.into_iter().chain(size_fields.iter().flatten()) {
            writer.push_field(field);
        }
        let mut out = std::io::Cursor::new(Vec::new());
        // A field whose value cannot be written again (a malformed type) drops the whole block
        // rather than failing the image: the policy only ever removes.
        writer.write(&mut out, self.little_endian).ok()?;
        Some(out.into_inner())
    }

    /// A field's value as a person reads it: coordinates with their hemisphere, Windows' UTF-16
    /// text as text, binary blobs by their size.
    fn display(&self, field: &Field) -> String {
        let reference =
            |tag: Tag| self.fields.iter().find(|f| f.tag == tag && f.ifd_num == field.ifd_num).map(|f| f.display_value().to_string());
        match (&field.value, field.tag) {
            // Samsung writes the GPS fields with 0/0 values when location is off.
            (Value::Rational(values), _) if field.tag.context() == Context::Gps && values.iter().any(|r| r.denom == 0) => {
                "empty (no position recorded)".into()
            }
            (Value::Rational(dms), Tag::GPSLatitude | Tag::GPSLongitude | Tag::GPSDestLatitude | Tag::GPSDestLongitude)
                if dms.len() == 3 =>
            {
                let hemisphere = match field.tag {
                    Tag::GPSLatitude => reference(Tag::GPSLatitudeRef),
                    Tag::GPSLongitude => reference(Tag::GPSLongitudeRef),
                    Tag::GPSDestLatitude => reference(Tag::GPSDestLatitudeRef),
                    _ => reference(Tag::GPSDestLongitudeRef),
                };
                let seconds = dms[2].to_f64();
                let mut text = format!("{}° {}′ {}″", dms[0].to_f64(), dms[1].to_f64(), (seconds * 100.0).round() / 100.0);
                if let Some(hemisphere) = hemisphere {
                    text.push(' ');
                    text.push_str(&hemisphere);
                }
                text
            }
            (Value::Rational(metres), Tag::GPSAltitude) if !metres.is_empty() => {
                let below = self.fields.iter().any(|f| f.tag == Tag::GPSAltitudeRef && f.value.get_uint(0) == Some(1));
                format!("{} m {} sea level", (metres[0].to_f64() * 10.0).round() / 10.0, if below { "below" } else { "above" })
            }
            // GPS units need their reference fields, which `with_unit(field)` cannot see.
            _ if field.tag.context() == Context::Gps => field.display_value().to_string(),
            (Value::Byte(bytes) | Value::Undefined(bytes, _), tag) if is_windows_text(tag) => utf16le(bytes),
            (Value::Undefined(bytes, _), Tag::UserComment) => user_comment(bytes, self.little_endian),
            (Value::Undefined(bytes, _), Tag::MakerNote) => format!("{} bytes of manufacturer data", bytes.len()),
            (Value::Undefined(bytes, _), _) if bytes.len() > 64 => format!("{} bytes", bytes.len()),
            _ => field.display_value().with_unit(field).to_string(),
        }
    }
}

// Tags kamadak-exif does not name: Windows Explorer's (UTF-16 text), TIFF's and DNG's.
const DOCUMENT_NAME: Tag = Tag(Context::Tiff, 0x010D);
const PAGE_NAME: Tag = Tag(Context::Tiff, 0x011D);
const HOST_COMPUTER: Tag = Tag(Context::Tiff, 0x013C);
const IMAGE_HISTORY: Tag = Tag(Context::Tiff, 0x9213);
const XP_TITLE: Tag = Tag(Context::Tiff, 0x9C9B);
const XP_COMMENT: Tag = Tag(Context::Tiff, 0x9C9C);
const XP_AUTHOR: Tag = Tag(Context::Tiff, 0x9C9D);
const XP_KEYWORDS: Tag = Tag(Context::Tiff, 0x9C9E);
const XP_SUBJECT: Tag = Tag(Context::Tiff, 0x9C9F);
const CAMERA_SERIAL_NUMBER: Tag = Tag(Context::Tiff, 0xC62F); // DNG
const DNG_PRIVATE_DATA: Tag = Tag(Context::Tiff, 0xC634);
const OWNER_NAME: Tag = Tag(Context::Exif, 0xFDE8); // the pre-2.3 tag some cameras still write
const SERIAL_NUMBER: Tag = Tag(Context::Exif, 0xFDE9);

/// Why a field is private, or `None` for harmless ones. Every free-text field is private, as is
/// any unknown field that holds text: people type names, addresses and phone numbers into them.
pub fn sensitivity(field: &Field) -> Option<SensitiveKind> {
    let tag = field.tag;
    if tag.context() == Context::Gps {
        return Some(SensitiveKind::Location);
    }
    match tag {
        Tag::BodySerialNumber | Tag::LensSerialNumber | Tag::ImageUniqueID | HOST_COMPUTER | CAMERA_SERIAL_NUMBER | SERIAL_NUMBER => {
            Some(SensitiveKind::Device)
        }
        Tag::Artist | Tag::Copyright | Tag::CameraOwnerName | XP_AUTHOR | OWNER_NAME => Some(SensitiveKind::Person),
        Tag::ImageDescription
        | Tag::UserComment
        | Tag::RelatedSoundFile
        | DOCUMENT_NAME
        | PAGE_NAME
        | IMAGE_HISTORY
        | XP_TITLE
        | XP_COMMENT
        | XP_KEYWORDS
        | XP_SUBJECT => Some(SensitiveKind::FreeText),
        Tag::MakerNote | DNG_PRIVATE_DATA => Some(SensitiveKind::HiddenContent),
        _ if tag.description().is_none() && matches!(field.value, Value::Ascii(_)) => Some(SensitiveKind::FreeText),
        _ => None,
    }
}

/// The fields `keep-safe` writes back, and only these: the camera and lens, the exposure, and
/// when the photo was taken. An allow-list, so that a field nobody thought of is removed.
pub fn is_camera_detail(tag: Tag) -> bool {
    matches!(
        tag,
        Tag::Make
            | Tag::Model
            | Tag::LensMake
            | Tag::LensModel
            | Tag::LensSpecification
            | Tag::DateTime
            | Tag::DateTimeOriginal
            | Tag::DateTimeDigitized
            | Tag::OffsetTime
            | Tag::OffsetTimeOriginal
            | Tag::OffsetTimeDigitized
            | Tag::SubSecTime
            | Tag::SubSecTimeOriginal
            | Tag::SubSecTimeDigitized
            | Tag::ExposureTime
            | Tag::FNumber
            | Tag::ExposureProgram
            | Tag::PhotographicSensitivity
            | Tag::SensitivityType
            | Tag::StandardOutputSensitivity
            | Tag::RecommendedExposureIndex
            | Tag::ISOSpeed
            | Tag::ExposureIndex
            | Tag::ShutterSpeedValue
            | Tag::ApertureValue
            | Tag::BrightnessValue
            | Tag::ExposureBiasValue
            | Tag::MaxApertureValue
            | Tag::SubjectDistance
            | Tag::SubjectDistanceRange
            | Tag::MeteringMode
            | Tag::LightSource
            | Tag::Flash
            | Tag::FocalLength
            | Tag::FocalLengthIn35mmFilm
            | Tag::ExposureMode
            | Tag::WhiteBalance
            | Tag::DigitalZoomRatio
            | Tag::SceneCaptureType
            | Tag::GainControl
            | Tag::Contrast
            | Tag::Saturation
            | Tag::Sharpness
            | Tag::SensingMethod
            | Tag::SceneType
            | Tag::CustomRendered
            | Tag::ExifVersion
    )
}

/// Offsets to other IFDs: structure, never shown.
fn is_pointer(tag: Tag) -> bool {
    matches!(tag, Tag::ExifIFDPointer | Tag::GPSInfoIFDPointer | Tag::InteropIFDPointer)
}

/// Hemisphere and altitude references: shown as part of the value they qualify.
fn is_reference(tag: Tag) -> bool {
    matches!(tag, Tag::GPSLatitudeRef | Tag::GPSLongitudeRef | Tag::GPSAltitudeRef | Tag::GPSDestLatitudeRef | Tag::GPSDestLongitudeRef)
}

fn is_windows_text(tag: Tag) -> bool {
    matches!(tag, XP_TITLE | XP_COMMENT | XP_AUTHOR | XP_KEYWORDS | XP_SUBJECT)
}

/// Windows Explorer's tags: UTF-16LE, ending with a NUL.
fn utf16le(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    String::from_utf16_lossy(&units).trim_end_matches('\0').to_string()
}

/// EXIF UserComment: an 8-byte character code, then the text.
fn user_comment(bytes: &[u8], little_endian: bool) -> String {
    let (code, text) = bytes.split_at(bytes.len().min(8));
    let text = if code == b"UNICODE\0" {
        let units: Vec<u16> = text
            .chunks_exact(2)
            .map(|c| if little_endian { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) })
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(text).into_owned()
    };
    text.trim_end_matches(['\0', ' ']).to_string()
}

/// Tags that describe how a TIFF's pixel data is laid out (or a thumbnail's), not the photo.
fn is_image_structure(tag: Tag) -> bool {
    tag.context() == Context::Tiff
        && matches!(
            tag.number(),
            0x00FE..=0x0103 // NewSubfileType, SubfileType, ImageWidth, ImageLength, BitsPerSample, Compression
                | 0x0106 | 0x0107 | 0x0108 | 0x0109 | 0x010A // Photometric, Threshholding, Cell*, FillOrder
                | 0x0111 | 0x0115 | 0x0116 | 0x0117 // StripOffsets, SamplesPerPixel, RowsPerStrip, StripByteCounts
                | 0x0118 | 0x0119 | 0x011C // Min/MaxSampleValue, PlanarConfiguration
                | 0x0122 | 0x0123 | 0x0124 | 0x0125 // Gray*, T4/T6Options
                | 0x013D | 0x0140 | 0x0142..=0x0145 // Predictor, ColorMap, Tile*
                | 0x014A | 0x0152 | 0x0153 // SubIFDs, ExtraSamples, SampleFormat
                | 0x015B | 0x0200..=0x0209 // JPEGTables, old-style JPEG
                | 0x0211 | 0x0212 // YCbCrCoefficients, YCbCrSubSampling
                | 0x8773 // InterColorProfile (reported as the colour profile instead)
                | 0x83BB | 0x8649 | 0x935C // IPTC, Photoshop resources, Photoshop layers
                | 0x02BC // XMP (reported as XMP)
        )
}

fn tag_name(tag: Tag) -> String {
    let name = match tag {
        DOCUMENT_NAME => "DocumentName",
        PAGE_NAME => "PageName",
        HOST_COMPUTER => "HostComputer",
        IMAGE_HISTORY => "ImageHistory",
        XP_TITLE => "XPTitle",
        XP_COMMENT => "XPComment",
        XP_AUTHOR => "XPAuthor",
        XP_KEYWORDS => "XPKeywords",
        XP_SUBJECT => "XPSubject",
        CAMERA_SERIAL_NUMBER => "CameraSerialNumber",
        DNG_PRIVATE_DATA => "DNGPrivateData",
        OWNER_NAME => "OwnerName",
        SERIAL_NUMBER => "SerialNumber",
        // Known tags print their name ("GPSLatitude"); unknown ones by number.
        _ if tag.description().is_some() => return tag.to_string(),
        _ => return format!("Tag 0x{:04X}", tag.number()),
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata;

    fn phone_exif() -> ExifData {
        let container = crate::container::read(&testdata::fixture("phone-orient6-gps.jpg")).unwrap();
        container.blocks.exif.expect("the phone photo has EXIF")
    }

    #[test]
    fn finds_the_private_fields_of_the_phone_photo() {
        let fields = phone_exif().fields();
        let find = |name: &str| fields.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("no {name} in {fields:#?}"));
        assert_eq!(find("GPSLatitude").sensitive, Some(SensitiveKind::Location));
        assert_eq!(find("GPSLatitude").group, MetadataGroup::Gps);
        assert_eq!(find("BodySerialNumber").value, "\"SN-0042-PRIVATE\"");
        assert_eq!(find("BodySerialNumber").sensitive, Some(SensitiveKind::Device));
        assert_eq!(find("Artist").sensitive, Some(SensitiveKind::Person));
        assert_eq!(find("EXIF thumbnail").sensitive, Some(SensitiveKind::HiddenContent));
        assert_eq!(find("Model").sensitive, None);
    }

    #[test]
    fn empty_gps_values_say_so_instead_of_nan() {
        use exif::{Field, In, Rational, Tag, Value, experimental::Writer};
        let empty = || Value::Rational(vec![Rational { num: 0, denom: 0 }; 3]);
        let fields = [
            Field { tag: Tag::GPSLatitude, ifd_num: In::PRIMARY, value: empty() },
            Field { tag: Tag::GPSAltitude, ifd_num: In::PRIMARY, value: Value::Rational(vec![Rational { num: 0, denom: 0 }]) },
            Field { tag: Tag::GPSLongitude, ifd_num: In::PRIMARY, value: Value::Rational(vec![Rational { num: 2, denom: 1 }; 3]) },
        ];
        let mut writer = Writer::new();
        fields.iter().for_each(|f| writer.push_field(f));
        let mut tiff = std::io::Cursor::new(Vec::new());
        writer.write(&mut tiff, false).unwrap();
        let shown: Vec<(String, String)> =
            ExifData::parse(tiff.get_ref()).unwrap().fields().into_iter().map(|f| (f.name, f.value)).collect();
        let value = |name: &str| shown.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        assert_eq!(value("GPSLatitude"), Some("empty (no position recorded)"), "{shown:?}");
        assert_eq!(value("GPSAltitude"), Some("empty (no position recorded)"));
        assert_eq!(value("GPSLongitude"), Some("2° 2′ 2″"));
    }

    #[test]
    fn reads_the_orientation() {
        assert_eq!(phone_exif().orientation(), Some(Orientation::Rotate90));
    }

    #[test]
    fn the_safe_subset_keeps_the_camera_and_nothing_private() {
        let tiff = phone_exif().safe_subset(Dimensions::new(640, 400)).expect("camera fields are kept");
        let kept = ExifData::parse(&tiff).unwrap();
        let names: Vec<String> = kept.fields().into_iter().map(|f| f.name).collect();
        assert!(names.contains(&"Model".to_string()), "{names:?}");
        assert!(kept.fields().iter().all(|f| f.sensitive.is_none()), "{:#?}", kept.fields());
        assert_eq!(kept.orientation(), None);
        for secret in [&b"SN-0042-PRIVATE"[..], b"Jane Example"] {
            assert!(!tiff.windows(secret.len()).any(|w| w == secret));
        }
    }
}
