//! IPTC-IIM: the news-agency fields (caption, by-line, city...) found in JPEG APP13 segments.

use super::{MetadataField, MetadataGroup, NewField, SensitiveKind};

/// What a Photoshop image-resource block (JPEG APP13 after its `Photoshop 3.0\0` signature,
/// TIFF tag 34377) holds that matters here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhotoshopResources {
    /// The IPTC-IIM data (resource 0x0404).
    pub iptc: Option<Vec<u8>>,
    /// The size of Photoshop's preview (resources 0x0409 and 0x040C).
    pub thumbnail: Option<usize>,
}

/// Walks the resources of a Photoshop image-resource block.
pub fn photoshop_resources(mut block: &[u8]) -> PhotoshopResources {
    let mut found = PhotoshopResources::default();
    while block.len() >= 12 && block.starts_with(b"8BIM") {
        let id = u16::from_be_bytes([block[4], block[5]]);
        // A Pascal string padded to an even length (including its length byte).
        let name_len = usize::from(block[6]);
        let name_total = (name_len + 1).next_multiple_of(2);
        let size_at = 6 + name_total;
        let Some(size) = block.get(size_at..size_at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize) else { break };
        let data_at = size_at + 4;
        let Some(data) = data_at.checked_add(size).and_then(|end| block.get(data_at..end)) else { break };
        match id {
            0x0404 => found.iptc = Some(data.to_vec()),
            0x0409 | 0x040C => found.thumbnail = Some(size),
            _ => {}
        }
        let Some(rest) = block.get(data_at + size.next_multiple_of(2)..) else { break };
        block = rest;
    }
    found
}

/// The datasets of record 2 (the application record), as fields.
pub fn fields(mut iim: &[u8]) -> Vec<MetadataField> {
    let mut fields = Vec::new();
    while iim.len() >= 5 && iim[0] == 0x1C {
        let (record, dataset) = (iim[1], iim[2]);
        let size = usize::from(u16::from_be_bytes([iim[3], iim[4]]));
        if size & 0x8000 != 0 {
            // Extended-length datasets hold binary objects, never text fields: stop here.
            break;
        }
        let Some(data) = iim.get(5..5 + size) else { break };
        if record == 2 && dataset != 0 {
            let (name, sensitive) = describe(dataset);
            let value = String::from_utf8_lossy(data).into_owned();
            fields.push(MetadataField::new(MetadataGroup::Iptc, name, value, sensitive));
        }
        iim = &iim[5 + size..];
    }
    fields
}

/// The dataset's name and privacy. The application record is editorial text written by people,
/// so every dataset is private but for dates and the software's own name.
fn describe(dataset: u8) -> (String, Option<SensitiveKind>) {
    use SensitiveKind::*;
    let (name, sensitive) = match dataset {
        5 => ("ObjectName", Some(FreeText)),
        15 => ("Category", Some(FreeText)),
        20 => ("SupplementalCategories", Some(FreeText)),
        25 => ("Keywords", Some(FreeText)),
        40 => ("SpecialInstructions", Some(FreeText)),
        55 => ("DateCreated", None),
        60 => ("TimeCreated", None),
        62 => ("DigitalCreationDate", None),
        63 => ("DigitalCreationTime", None),
        65 => ("OriginatingProgram", None),
        70 => ("ProgramVersion", None),
        80 => ("By-line", Some(Person)),
        85 => ("By-lineTitle", Some(Person)),
        90 => ("City", Some(Location)),
        92 => ("Sub-location", Some(Location)),
        95 => ("Province-State", Some(Location)),
        100 => ("Country-PrimaryLocationCode", Some(Location)),
        101 => ("Country-PrimaryLocationName", Some(Location)),
        103 => ("OriginalTransmissionReference", Some(FreeText)),
        105 => ("Headline", Some(FreeText)),
        110 => ("Credit", Some(Person)),
        115 => ("Source", Some(Person)),
        116 => ("CopyrightNotice", Some(Person)),
        118 => ("Contact", Some(Person)),
        120 => ("Caption-Abstract", Some(FreeText)),
        122 => ("Writer-Editor", Some(Person)),
        other => return (format!("IPTC 2:{other}"), Some(FreeText)),
    };
    (name.into(), sensitive)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dataset(number: u8, text: &str) -> Vec<u8> {
        let mut out = vec![0x1C, 2, number];
        out.extend((text.len() as u16).to_be_bytes());
        out.extend(text.as_bytes());
        out
    }

    #[test]
    fn reads_names_and_places_from_a_photoshop_block() {
        let iim = [dataset(80, "Jane Example"), dataset(90, "Lyon"), dataset(120, "A cat")].concat();
        let mut block = b"8BIM\x04\x04\0\0".to_vec();
        block.extend((iim.len() as u32).to_be_bytes());
        block.extend(&iim);
        let fields = fields(&photoshop_resources(&block).iptc.unwrap());
        let summary: Vec<(&str, &str, Option<SensitiveKind>)> =
            fields.iter().map(|f| (f.name.as_str(), f.value.as_str(), f.sensitive)).collect();
        assert_eq!(
            summary,
            [
                ("By-line", "Jane Example", Some(SensitiveKind::Person)),
                ("City", "Lyon", Some(SensitiveKind::Location)),
                ("Caption-Abstract", "A cat", Some(SensitiveKind::FreeText))
            ]
        );
    }

    #[test]
    fn survives_truncation() {
        let iim = dataset(80, "Jane Example");
        for cut in 0..iim.len() {
            let _ = fields(&iim[..cut]);
            let _ = photoshop_resources(&iim[..cut]);
        }
    }
}
