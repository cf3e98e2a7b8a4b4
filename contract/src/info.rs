//! What the engine says about images: sizes, formats, orientation, colour, metadata (WIT
//! `image-info` and the types in it), and what it makes (WIT `output`).

use serde::{Deserialize, Serialize};

/// A width and a height in pixels (WIT `dimensions`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Dimensions {
    pub width: u32,
    pub height: u32,
}

impl Dimensions {
    pub const fn new(width: u32, height: u32) -> Self {
        Self { width, height }
    }

    /// Width × height, without overflow.
    pub fn pixels(self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }

    /// The same size with the sides swapped (a quarter turn).
    pub fn transposed(self) -> Self {
        Self::new(self.height, self.width)
    }
}

impl std::fmt::Display for Dimensions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}×{}", self.width, self.height)
    }
}

/// The image formats localpix reads (WIT `image-format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImageFormat {
    Jpeg,
    Png,
    #[serde(rename = "webp")]
    WebP,
    Gif,
    Bmp,
    Tiff,
    /// HEIC/HEIF: HEVC-coded still images, as iPhones write them.
    Heic,
    /// JPEG XL (`.jxl`): the bare codestream or the ISO media container.
    JpegXl,
    /// AVIF: AV1-coded still images; written, not read.
    Avif,
}

impl ImageFormat {
    /// The name people know the format by.
    pub fn name(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "JPEG",
            ImageFormat::Png => "PNG",
            ImageFormat::WebP => "WebP",
            ImageFormat::Gif => "GIF",
            ImageFormat::Bmp => "BMP",
            ImageFormat::Tiff => "TIFF",
            ImageFormat::Heic => "HEIC",
            ImageFormat::JpegXl => "JPEG XL",
            ImageFormat::Avif => "AVIF",
        }
    }
}

/// The EXIF `Orientation` values 1–8, named by what they do (WIT `orientation`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Orientation {
    #[default]
    Normal,
    FlipHorizontal,
    Rotate180,
    FlipVertical,
    Transpose,
    Rotate90,
    Transverse,
    Rotate270,
}

impl Orientation {
    /// From the EXIF tag's value; `None` for values outside 1–8.
    pub fn from_exif(value: u32) -> Option<Self> {
        Some(match value {
            1 => Self::Normal,
            2 => Self::FlipHorizontal,
            3 => Self::Rotate180,
            4 => Self::FlipVertical,
            5 => Self::Transpose,
            6 => Self::Rotate90,
            7 => Self::Transverse,
            8 => Self::Rotate270,
            _ => return None,
        })
    }

    /// True when turning swaps width and height.
    pub fn swaps_axes(self) -> bool {
        matches!(self, Self::Transpose | Self::Rotate90 | Self::Transverse | Self::Rotate270)
    }

    /// The displayed size of an image stored at `stored`.
    pub fn display(self, stored: Dimensions) -> Dimensions {
        if self.swaps_axes() { stored.transposed() } else { stored }
    }

    pub const ALL: [Self; 8] = [
        Self::Normal,
        Self::FlipHorizontal,
        Self::Rotate180,
        Self::FlipVertical,
        Self::Transpose,
        Self::Rotate90,
        Self::Transverse,
        Self::Rotate270,
    ];

    /// This orientation, then `next` applied to the picture it shows: a phone photo (`rotate90`)
    /// turned a further quarter clockwise is `rotate180`. The eight orientations are the
    /// symmetries of a rectangle, so any two make one of them.
    pub fn then(self, next: Self) -> Self {
        let [a, b] = [self.matrix(), next.matrix()];
        let product = [
            [a[0][0] * b[0][0] + a[0][1] * b[1][0], a[0][0] * b[0][1] + a[0][1] * b[1][1]],
            [a[1][0] * b[0][0] + a[1][1] * b[1][0], a[1][0] * b[0][1] + a[1][1] * b[1][1]],
        ];
        Self::ALL.into_iter().find(|o| o.matrix() == product).expect("symmetries of a rectangle compose to one")
    }

    /// Where a displayed pixel is read from in the stored image, as a matrix on coordinates from
    /// the picture's centre: stored = M × displayed.
    pub(crate) fn matrix(self) -> [[i8; 2]; 2] {
        match self {
            Self::Normal => [[1, 0], [0, 1]],
            Self::FlipHorizontal => [[-1, 0], [0, 1]],
            Self::Rotate180 => [[-1, 0], [0, -1]],
            Self::FlipVertical => [[1, 0], [0, -1]],
            Self::Transpose => [[0, 1], [1, 0]],
            Self::Rotate90 => [[0, 1], [-1, 0]],
            Self::Transverse => [[0, -1], [-1, 0]],
            Self::Rotate270 => [[0, -1], [1, 0]],
        }
    }
}

/// How the stored samples are organised (WIT `color-model`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ColorModel {
    Gray,
    Rgb,
    Palette,
    Cmyk,
}

/// The colour space an ICC profile describes (WIT `profile-color-space`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileColorSpace {
    Rgb,
    Gray,
    Cmyk,
    Other,
}

/// An embedded ICC profile, as a person needs to know it (WIT `color-profile`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColorProfile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub color_space: ProfileColorSpace,
    pub is_srgb: bool,
    pub size: u32,
}

/// The name of the [`MetadataGroup::ExtraData`] field the engine reports for an HDR gain map
/// (HEIC), which decoding drops: the app's row says so when it sees this field.
pub const HDR_GAIN_MAP_FIELD: &str = "HDR gain map";

/// Where in the file a metadata field was found (WIT `metadata-group`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetadataGroup {
    Exif,
    Gps,
    Xmp,
    Iptc,
    Comment,
    Thumbnail,
    /// Data besides the picture and its metadata blocks: MPF images, a video after the image,
    /// a C2PA manifest, other application segments.
    ExtraData,
}

/// Why a field is private (WIT `sensitive-kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SensitiveKind {
    /// Where the photo was taken.
    Location,
    /// Which device took it (serial numbers, unique IDs).
    Device,
    /// Who took, owns or is in it.
    Person,
    /// Data a person cannot easily check: maker notes, thumbnails, extra images, edit history.
    HiddenContent,
    /// Text a person wrote (captions, comments, keywords, titles).
    FreeText,
}

/// One metadata field, as a person reads it (WIT `metadata-field`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataField {
    pub group: MetadataGroup,
    pub name: String,
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive: Option<SensitiveKind>,
}

/// What `probe` reads from a file without decoding its pixels (WIT `image-info`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageInfo {
    pub format: ImageFormat,
    /// As displayed, after the EXIF orientation.
    pub dimensions: Dimensions,
    pub orientation: Orientation,
    pub has_alpha: bool,
    pub bit_depth: u8,
    pub color_model: ColorModel,
    pub frame_count: u32,
    pub progressive: bool,
    /// True when the pixels were compressed with loss (JPEG, lossy WebP).
    pub lossy: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color_profile: Option<ColorProfile>,
    pub metadata: Vec<MetadataField>,
}

impl ImageInfo {
    /// The private fields only.
    pub fn sensitive(&self) -> impl Iterator<Item = &MetadataField> {
        self.metadata.iter().filter(|f| f.sensitive.is_some())
    }
}

/// An encoded image (WIT `output`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Output {
    /// The file's bytes. Left out of the serde form: JavaScript keeps them (as a Blob) rather
    /// than copying them into another wasm memory.
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub format: ImageFormat,
    pub dimensions: Dimensions,
    /// The quality used (lower than asked when a byte budget needed it, found by the search with
    /// automatic quality); `None` for lossless formats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<u8>,
    /// How close it looks to the resized image, when measured (automatic quality, or `score`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<QualityScore>,
    /// True when this is the input's own compressed picture, re-wrapped without its metadata
    /// (`keep-smaller-original`): re-encoding would have made a larger file.
    pub kept_original: bool,
}

/// How close an output looks to the image it was made from (WIT `quality-score`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct QualityScore {
    /// SSIMULACRA2: 100 is identical, 90 visually lossless, 80 very high, 70 high, 50 medium.
    pub ssimulacra2: f32,
    /// SSIM on luma: 1 is identical.
    pub ssim: f32,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_what_jco_gives_for_probe() {
        let info: ImageInfo = serde_json::from_value(json!({
            "format": "webp", "dimensions": { "width": 640, "height": 400 }, "orientation": "rotate90",
            "hasAlpha": false, "bitDepth": 8, "colorModel": "rgb", "frameCount": 1, "progressive": false, "lossy": true,
            "colorProfile": { "colorSpace": "rgb", "isSrgb": false, "size": 560, "description": "Adobe RGB (1998)" },
            "metadata": [
                { "group": "gps", "name": "GPSLatitude", "value": "48° 51′ 29.88″ N", "sensitive": "location" },
                { "group": "extra-data", "name": "C2PA manifest", "value": "…", "sensitive": "hidden-content" },
                { "group": "exif", "name": "Model", "value": "EC-1" }
            ]
        }))
        .unwrap();
        assert_eq!(info.format, ImageFormat::WebP);
        assert_eq!(info.orientation, Orientation::Rotate90);
        assert_eq!(info.sensitive().count(), 2);
        assert_eq!(info.metadata[2].sensitive, None);
    }

    #[test]
    fn orientation_turns_sizes() {
        assert_eq!(Orientation::Rotate90.display(Dimensions::new(400, 640)), Dimensions::new(640, 400));
        assert_eq!(Orientation::FlipVertical.display(Dimensions::new(400, 640)), Dimensions::new(400, 640));
        assert_eq!(Orientation::from_exif(6), Some(Orientation::Rotate90));
        assert_eq!(Orientation::from_exif(9), None);
    }
}
