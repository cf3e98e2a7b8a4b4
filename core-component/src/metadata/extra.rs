//! What a file holds besides its picture and the usual metadata blocks: more pictures indexed by
//! MPF (depth maps, HDR gain maps, previews), a video after the picture (motion photos), C2PA
//! manifests (Content Credentials), and application segments nobody documents.
//!
//! None of it reaches an output, which is rebuilt from the pixels; it is described here so that
//! people know what the file they are about to share holds.

use super::{MetadataField, MetadataGroup, NewField, SensitiveKind};

/// A size as people read it in the report.
fn bytes(size: u64) -> String {
    format!("{size} bytes")
}

/// One image of a JPEG's Multi-Picture Format index (CIPA DC-007), other than the primary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MpfImage {
    /// Where it starts in the file.
    pub start: usize,
    pub size: usize,
    /// The MP type code (the low 24 bits of the entry's attributes).
    pub kind: u32,
}

/// Reads the MP index of an APP2 `MPF\0` segment. `tiff` is the segment after the signature and
/// `tiff_at` its position in the file: MP offsets count from there.
pub fn mpf_images(tiff: &[u8], tiff_at: usize) -> Vec<MpfImage> {
    let little = tiff.starts_with(b"II");
    let u16_at =
        |at: usize| tiff.get(at..at + 2).map(|b| if little { u16::from_le_bytes([b[0], b[1]]) } else { u16::from_be_bytes([b[0], b[1]]) });
    let u32_at = |at: usize| {
        tiff.get(at..at + 4)
            .map(|b| if little { u32::from_le_bytes([b[0], b[1], b[2], b[3]]) } else { u32::from_be_bytes([b[0], b[1], b[2], b[3]]) })
    };
    let Some(ifd) = u32_at(4).map(|at| at as usize) else { return Vec::new() };
    let count = usize::from(u16_at(ifd).unwrap_or(0)).min(64);
    let entries = (0..count).find_map(|i| {
        let entry = ifd + 2 + 12 * i;
        (u16_at(entry)? == 0xB002).then(|| Some((u32_at(entry + 4)? as usize, u32_at(entry + 8)? as usize)))?
    });
    let Some((length, offset)) = entries else { return Vec::new() };
    (0..(length / 16).min(64))
        .filter_map(|i| {
            let at = offset + 16 * i;
            let (attributes, size, start) = (u32_at(at)?, u32_at(at + 4)? as usize, u32_at(at + 8)? as usize);
            // The primary image is the file itself (offset 0).
            (start != 0).then_some(MpfImage { start: tiff_at + start, size, kind: attributes & 0x00FF_FFFF })
        })
        .collect()
}

impl MpfImage {
    pub fn field(&self, number: usize) -> MetadataField {
        let kind = match self.kind {
            0x01_0001 | 0x01_0002 => "a large preview",
            0x02_0001 => "a panorama frame",
            0x02_0002 => "a depth (disparity) image",
            0x02_0003 => "a frame from another angle",
            _ => "an extra image (phones store depth maps and HDR gain maps this way)",
        };
        MetadataField::new(
            MetadataGroup::ExtraData,
            format!("MPF image {number}"),
            format!("{kind}, {}", bytes(self.size as u64)),
            Some(SensitiveKind::HiddenContent),
        )
    }
}

/// Bytes after the end of the picture that no MPF entry explains. `gaps` are the unexplained
/// ranges; zero or 0xFF padding is not worth a mention.
pub fn trailing_data(file: &[u8], gaps: &[(usize, usize)]) -> Option<MetadataField> {
    let meaningful: Vec<&[u8]> =
        gaps.iter().filter_map(|&(start, end)| file.get(start..end)).filter(|gap| gap.iter().any(|&b| b != 0 && b != 0xFF)).collect();
    let total: usize = meaningful.iter().map(|gap| gap.len()).sum();
    if total == 0 {
        return None;
    }
    // An MP4 starts with its `ftyp` box: the video of a motion photo (Google, Samsung, Apple
    // Live Photos exported as one file).
    let video = meaningful.iter().any(|gap| gap.windows(4).take(64).any(|w| w == b"ftyp"));
    let what = if video { "a video (the moving part of a motion photo)" } else { "data after the end of the picture" };
    Some(MetadataField::new(
        MetadataGroup::ExtraData,
        "Data after the image",
        format!("{what}, {}", bytes(total as u64)),
        Some(SensitiveKind::HiddenContent),
    ))
}

/// A C2PA manifest store (Content Credentials): who made or edited the picture, and how.
pub fn c2pa_manifest(size: usize) -> MetadataField {
    MetadataField::new(
        MetadataGroup::ExtraData,
        "C2PA manifest",
        format!("Content Credentials, {}: can name who made or edited the picture, with which tools", bytes(size as u64)),
        Some(SensitiveKind::HiddenContent),
    )
}

/// True when a JUMBF box (as JPEG APP11 and PNG `caBX` carry it) is labelled as C2PA's.
pub fn is_c2pa_jumbf(jumbf: &[u8]) -> bool {
    // The superbox's description box: type UUID starting "c2pa", or a "c2pa" label.
    jumbf.windows(4).take(64).any(|w| w == b"c2pa")
}

/// An application segment nobody documents (APPn with its identifier), or one of the known
/// kinds that carry text or pictures. `None` for the structural ones (JFIF, Adobe).
pub fn app_segment(marker: u8, segment: &[u8]) -> Option<MetadataField> {
    let label: String =
        segment.iter().take_while(|&&b| b != 0 && b.is_ascii_graphic() || b == b' ').take(32).map(|&b| char::from(b)).collect();
    let (name, what, kind) = match (marker, label.as_str()) {
        (0xE0, "JFIF" | "JFXX") | (0xEE, "Adobe") => return None,
        // Photoshop "Save for Web": the quality, and a comment and copyright typed by a person.
        (0xEC, "Ducky") => ("Photoshop Ducky", "a comment and a copyright notice typed in Photoshop".to_string(), SensitiveKind::FreeText),
        (0xE2, "FPXR") => (
            "FlashPix data",
            "FlashPix extension data (some cameras store previews and audio here)".to_string(),
            SensitiveKind::HiddenContent,
        ),
        _ => {
            let label = if label.is_empty() { String::new() } else { format!(" \"{label}\"") };
            ("Application data", format!("APP{} segment{label}", marker - 0xE0), SensitiveKind::HiddenContent)
        }
    };
    Some(MetadataField::new(MetadataGroup::ExtraData, name, format!("{what}, {}", bytes(segment.len() as u64)), Some(kind)))
}

/// Extended XMP: the part of an XMP packet too big for one segment, where phones put depth maps
/// and the original of an edited photo.
pub fn extended_xmp(size: usize) -> MetadataField {
    MetadataField::new(
        MetadataGroup::Xmp,
        "Extended XMP",
        format!("{} of XMP beyond the main packet (phones put depth maps and originals there)", bytes(size as u64)),
        Some(SensitiveKind::HiddenContent),
    )
}

/// A preview Photoshop keeps in its image resources: it can show what was cropped away.
pub fn photoshop_thumbnail(size: usize) -> MetadataField {
    MetadataField::new(
        MetadataGroup::Thumbnail,
        "Photoshop thumbnail",
        format!("an embedded preview of {}", bytes(size as u64)),
        Some(SensitiveKind::HiddenContent),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_mpf_index_in_either_byte_order() {
        for little in [false, true] {
            let u16b = |v: u16| if little { v.to_le_bytes().to_vec() } else { v.to_be_bytes().to_vec() };
            let u32b = |v: u32| if little { v.to_le_bytes().to_vec() } else { v.to_be_bytes().to_vec() };
            let mut tiff = if little { b"II*\0".to_vec() } else { b"MM\0*".to_vec() };
            tiff.extend(u32b(8));
            tiff.extend(u16b(1));
            tiff.extend([u16b(0xB002), u16b(7), u32b(32), u32b(8 + 2 + 12 + 4)].concat());
            tiff.extend(u32b(0));
            tiff.extend([u32b(0x2003_0000), u32b(5000), u32b(0), u16b(0), u16b(0)].concat());
            tiff.extend([u32b(0x0002_0002), u32b(700), u32b(4990), u16b(0), u16b(0)].concat());
            assert_eq!(mpf_images(&tiff, 10), vec![MpfImage { start: 5000, size: 700, kind: 0x02_0002 }]);
        }
        assert_eq!(mpf_images(b"MM\0*\0\0\0\x08\0", 0), vec![]);
    }

    #[test]
    fn padding_after_the_image_is_not_reported_but_a_video_is() {
        let mut file = vec![0u8; 100];
        assert_eq!(trailing_data(&file, &[(50, 100)]), None);
        file[60..64].copy_from_slice(b"ftyp");
        let field = trailing_data(&file, &[(56, 100)]).unwrap();
        assert!(field.value.contains("video"), "{}", field.value);
        assert_eq!(field.sensitive, Some(SensitiveKind::HiddenContent));
    }

    #[test]
    fn structural_segments_are_not_reported() {
        assert_eq!(app_segment(0xE0, b"JFIF\0\x01\x01"), None);
        assert_eq!(app_segment(0xEE, b"Adobe\0d"), None);
        let ducky = app_segment(0xEC, b"Ducky\0\x01").unwrap();
        assert_eq!(ducky.sensitive, Some(SensitiveKind::FreeText));
        assert!(app_segment(0xE5, b"RMETA\0").unwrap().value.contains("APP5 segment \"RMETA\""));
    }
}
