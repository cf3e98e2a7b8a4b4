//! Metadata: what a file carries besides its pixels, which of it is private, and what the output
//! may keep.
//!
//! [`crate::container`] finds the raw blocks; the modules here read them into fields a person can
//! read ([`MetadataField`]) and decide, per [`MetadataPolicy`], what is written back.

pub mod exif;
pub mod extra;
pub mod icc;
pub mod iptc;
pub mod xmp;

pub use localpix_contract::{MetadataField, MetadataGroup, MetadataPolicy, SensitiveKind};

/// A field as the engine reports it: long values shortened.
pub(crate) trait NewField {
    fn new(group: MetadataGroup, name: impl Into<String>, value: impl Into<String>, sensitive: Option<SensitiveKind>) -> Self;
}

impl NewField for MetadataField {
    fn new(group: MetadataGroup, name: impl Into<String>, value: impl Into<String>, sensitive: Option<SensitiveKind>) -> Self {
        Self { group, name: name.into(), value: shorten(value.into()), sensitive }
    }
}

/// Long values (a maker note, a caption) are cut so the list stays readable.
fn shorten(mut value: String) -> String {
    const MAX_CHARS: usize = 200;
    if let Some((cut, _)) = value.char_indices().nth(MAX_CHARS) {
        value.truncate(cut);
        value.push('…');
    }
    value
}

/// A free-text comment: JPEG COM, PNG text chunks, GIF comment extensions.
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    /// The PNG keyword ("Title", "Author"...); `None` for JPEG and GIF comments.
    pub keyword: Option<String>,
    pub text: String,
}

impl Comment {
    /// Every comment is text a person wrote, and private, but for the few PNG keywords that
    /// software fills in (its name, the time of writing).
    pub fn sensitive(&self) -> Option<SensitiveKind> {
        let Some(keyword) = self.keyword.as_deref().map(str::to_ascii_lowercase) else {
            return Some(SensitiveKind::FreeText);
        };
        match keyword.as_str() {
            "author" | "artist" | "copyright" | "owner" | "creator" => Some(SensitiveKind::Person),
            "software" | "creation time" | "make" | "model" => None,
            _ if keyword.starts_with("date:") => None, // ImageMagick's file times
            _ => Some(SensitiveKind::FreeText),
        }
    }

    fn field(&self) -> MetadataField {
        let name = self.keyword.clone().unwrap_or_else(|| "Comment".into());
        MetadataField::new(MetadataGroup::Comment, name, self.text.clone(), self.sensitive())
    }
}

/// The metadata blocks of one file, read but not yet interpreted.
#[derive(Clone, Debug, Default)]
pub struct MetadataBlocks {
    pub exif: Option<exif::ExifData>,
    /// The ICC profile, reassembled when it was split over several JPEG segments.
    pub icc: Option<Vec<u8>>,
    /// XMP packets (a JPEG may carry a main and an extended one).
    pub xmp: Vec<String>,
    /// IPTC-IIM data.
    pub iptc: Option<Vec<u8>>,
    pub comments: Vec<Comment>,
    /// What the container reader found besides these blocks (see [`MetadataGroup::ExtraData`]),
    /// already described.
    pub extra: Vec<MetadataField>,
}

impl MetadataBlocks {
    /// Every field found, EXIF first, in file order within each block.
    pub fn fields(&self) -> Vec<MetadataField> {
        let mut fields = Vec::new();
        if let Some(exif) = &self.exif {
            fields.extend(exif.fields());
        }
        for packet in &self.xmp {
            fields.extend(xmp::fields(packet));
        }
        if let Some(iptc) = &self.iptc {
            fields.extend(iptc::fields(iptc));
        }
        fields.extend(self.comments.iter().map(Comment::field));
        fields.extend(self.extra.iter().cloned());
        fields
    }

    /// The EXIF orientation; normal when there is none.
    pub fn orientation(&self) -> crate::orient::Orientation {
        self.exif.as_ref().and_then(|exif| exif.orientation()).unwrap_or_default()
    }
}

/// What an output file carries, decided from the source's blocks and the policy.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OutputMetadata {
    pub icc: Option<Vec<u8>>,
    /// A TIFF structure (no `Exif\0\0` prefix) holding only the camera details.
    pub exif: Option<Vec<u8>>,
}

impl OutputMetadata {
    /// `icc` is the profile that describes the output pixels (`None` once they are sRGB).
    pub fn for_policy(policy: MetadataPolicy, blocks: &MetadataBlocks, icc: Option<&[u8]>, size: crate::Dimensions) -> Self {
        let icc = icc.map(<[u8]>::to_vec);
        match policy {
            MetadataPolicy::StripAll | MetadataPolicy::KeepColorProfile => Self { icc, ..Self::default() },
            MetadataPolicy::KeepSafe => Self { icc, exif: blocks.exif.as_ref().and_then(|exif| exif.safe_subset(size)) },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_shortened_on_a_char_boundary() {
        let field = MetadataField::new(MetadataGroup::Comment, "c", "é".repeat(500), None);
        assert_eq!(field.value.chars().count(), 201);
        assert!(field.value.ends_with('…'));
    }

    #[test]
    fn comments_are_private_text_but_for_what_software_writes() {
        let comment = |keyword: Option<&str>| Comment { keyword: keyword.map(Into::into), text: "x".into() };
        assert_eq!(comment(Some("Author")).sensitive(), Some(SensitiveKind::Person));
        assert_eq!(comment(Some("Title")).sensitive(), Some(SensitiveKind::FreeText));
        assert_eq!(comment(Some("Description")).sensitive(), Some(SensitiveKind::FreeText));
        assert_eq!(comment(None).sensitive(), Some(SensitiveKind::FreeText), "a JPEG or GIF comment");
        assert_eq!(comment(Some("Software")).sensitive(), None);
        assert_eq!(comment(Some("date:create")).sensitive(), None);
    }
}
