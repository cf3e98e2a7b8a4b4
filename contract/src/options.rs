//! What callers ask for: decode limits, resize, encoding and metadata policy (WIT `options` and the
//! records in it), with the recommended defaults.

use serde::{Deserialize, Serialize};

use crate::{Dimensions, Orientation, Rect};

/// Bounds that keep a hostile or huge file from exhausting memory (WIT `limits`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    /// Most pixels (width × height) an image may have.
    pub max_pixels: u32,
    /// Most bytes one image may take at its peak, estimated before each stage (see the WIT).
    pub max_memory: u32,
}

impl Default for Limits {
    /// 100 megapixels and 2 GiB (half of what a wasm32 memory can address).
    fn default() -> Self {
        Self { max_pixels: 100_000_000, max_memory: 1 << 31 }
    }
}

/// What decoding needs to know (WIT `decode-options`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecodeOptions {
    pub limits: Limits,
    /// The resize that will follow; lets a JPEG decode at a reduction that keeps what it needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intended_resize: Option<ResizeOptions>,
}

/// How the output size is chosen (WIT `resize-mode`). Sizes are as displayed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "tag", content = "val", rename_all = "kebab-case")]
pub enum ResizeMode {
    None,
    FitWithin(Dimensions),
    FitWidth(u32),
    FitHeight(u32),
    Cover(Dimensions),
    Exact(Dimensions),
    ScalePercent(f32),
}

/// The resampling filter (WIT `filter`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Filter {
    Nearest,
    Box,
    Bilinear,
    CatmullRom,
    Mitchell,
    #[default]
    Lanczos3,
}

/// How to resize (WIT `resize-options`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResizeOptions {
    pub mode: ResizeMode,
    pub filter: Filter,
    pub never_upscale: bool,
    /// A turn asked for on top of the EXIF orientation (`Orientation::then`); older callers that
    /// leave it out get none.
    #[serde(default)]
    pub turn: Orientation,
    /// The part of the picture to keep, in the coordinates of the turned picture, cut before the
    /// mode's sizes apply; `None` keeps all of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crop: Option<Rect>,
}

impl Default for ResizeOptions {
    /// Fit within 1920×1920, Lanczos3, never enlarging: a photo for the web.
    fn default() -> Self {
        Self {
            mode: ResizeMode::FitWithin(Dimensions::new(1920, 1920)),
            filter: Filter::Lanczos3,
            never_upscale: true,
            turn: Orientation::Normal,
            crop: None,
        }
    }
}

/// The format asked for (WIT `output-format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutputFormat {
    #[default]
    SameAsInput,
    Jpeg,
    Png,
    /// Lossy WebP (libwebp), with `encoding.quality` and `encoding.effort`; keeps alpha.
    Webp,
    WebpLossless,
    /// AVIF (rav1e), with `encoding.quality`, `encoding.effort` and the chroma subsampling of
    /// `encoding.jpeg`; keeps alpha.
    Avif,
}

/// How a JPEG stores colour detail (WIT `chroma-subsampling`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChromaSubsampling {
    Yuv444,
    Yuv422,
    #[default]
    Yuv420,
}

/// How hard an encoder works (WIT `effort`): more effort gives smaller files, more slowly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effort {
    Fast,
    #[default]
    Balanced,
    Smallest,
}

/// Named targets of automatic quality, on SSIMULACRA2's scale (WIT `quality-target`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QualityTarget {
    /// SSIMULACRA2 90: no difference a person can see, even flipping between the two at 1:1.
    VisuallyLossless,
    /// SSIMULACRA2 75: differences only someone looking for them side by side notices.
    #[default]
    High,
    /// SSIMULACRA2 65: small differences visible side by side, none that spoil the photo.
    Good,
}

impl QualityTarget {
    /// The SSIMULACRA2 score the output must reach: the metric's authors call 90 visually
    /// lossless, 80 very high and 70 high quality; a browser's JPEG 80 scores 73–85 on photos.
    pub fn score(self) -> f32 {
        match self {
            QualityTarget::VisuallyLossless => 90.0,
            QualityTarget::High => 75.0,
            QualityTarget::Good => 65.0,
        }
    }
}

/// The quality of lossy formats (WIT `quality`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "tag", content = "val", rename_all = "kebab-case")]
pub enum Quality {
    /// The encoder's own scale, 1 (smallest) to 100 (best).
    Fixed(u8),
    /// The smallest output whose SSIMULACRA2 score against the resized image reaches the target.
    Auto(QualityTarget),
}

impl Default for Quality {
    /// Quality 80: what people and browsers use for photos on the web.
    fn default() -> Self {
        Quality::Fixed(80)
    }
}

/// JPEG settings (WIT `jpeg-options`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JpegOptions {
    /// Progressive scans; the `smallest` effort writes progressive JPEG whatever this says.
    pub progressive: bool,
    pub chroma_subsampling: ChromaSubsampling,
}

/// PNG settings (WIT `png-options`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PngOptions {
    /// Lossy PNG: at most this many colours (2–256), with dithering. `None` keeps every colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub palette_colors: Option<u16>,
}

/// The format asked for and the settings of each format (WIT `encoding`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Encoding {
    pub format: OutputFormat,
    /// The quality of lossy formats (JPEG; PNG with `palette_colors`).
    pub quality: Quality,
    /// How hard the encoder works, for every format.
    pub effort: Effort,
    pub jpeg: JpegOptions,
    pub png: PngOptions,
}

/// Which metadata the output keeps (WIT `metadata-policy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetadataPolicy {
    /// Nothing; non-sRGB colours are converted to sRGB instead of keeping the profile.
    #[default]
    StripAll,
    /// The colour profile only.
    KeepColorProfile,
    /// The colour profile and the camera details of EXIF.
    KeepSafe,
}

/// An opaque colour (WIT `rgb`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rgb {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Rgb {
    pub const WHITE: Rgb = Rgb { r: 255, g: 255, b: 255 };
}

/// How to encode (WIT `encode-options`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EncodeOptions {
    pub encoding: Encoding,
    pub metadata: MetadataPolicy,
    /// What transparent pixels are laid on in formats without alpha.
    pub background: Rgb,
    /// The largest output wanted, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_bytes: Option<u32>,
    /// Also measure the output against the resized image (SSIMULACRA2 and SSIM); automatic
    /// quality always does.
    pub score: bool,
    /// When the new file would be larger than the input, and the picture is the input's own
    /// (same size, upright, same format, no colour conversion), give back the input's compressed
    /// picture instead, in a container rebuilt with only the metadata the policy keeps.
    pub keep_smaller_original: bool,
}

impl Default for EncodeOptions {
    /// The input's format where localpix writes it, all metadata stripped, a white background, no
    /// byte budget, never a file larger than the original when the original can serve.
    fn default() -> Self {
        Self {
            encoding: Encoding::default(),
            metadata: MetadataPolicy::StripAll,
            background: Rgb::WHITE,
            max_bytes: None,
            score: false,
            keep_smaller_original: true,
        }
    }
}

/// Everything `process` does (WIT `options`). The default is the engine's recommendation, what
/// `default-options` returns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Options {
    pub limits: Limits,
    pub resize: ResizeOptions,
    pub encode: EncodeOptions,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn serialises_as_jco_encodes_the_wit() {
        let mut options = Options::default();
        options.resize.mode = ResizeMode::ScalePercent(50.0);
        options.encode.encoding.format = OutputFormat::WebpLossless;
        options.encode.metadata = MetadataPolicy::KeepColorProfile;
        options.resize.filter = Filter::CatmullRom;
        let value = serde_json::to_value(options).unwrap();
        assert_eq!(
            value["resize"],
            json!({ "mode": { "tag": "scale-percent", "val": 50.0 }, "filter": "catmull-rom", "neverUpscale": true, "turn": "normal" })
        );
        assert_eq!(value["encode"]["encoding"]["format"], "webp-lossless");
        assert_eq!(value["encode"]["encoding"]["jpeg"], json!({ "progressive": false, "chromaSubsampling": "yuv420" }));
        assert_eq!(value["encode"]["encoding"]["quality"], json!({ "tag": "fixed", "val": 80 }));
        assert_eq!(value["encode"]["encoding"]["effort"], "balanced");
        assert_eq!(value["encode"]["metadata"], "keep-color-profile");
        assert_eq!(value["limits"], json!({ "maxPixels": 100_000_000, "maxMemory": 1u32 << 31 }));
        // `option` fields are left out when `none`, as jco leaves them `undefined`.
        assert_eq!(value["encode"].get("maxBytes"), None);
        let none = serde_json::to_value(ResizeMode::None).unwrap();
        assert_eq!(none, json!({ "tag": "none" }));
        assert_eq!(serde_json::from_value::<Options>(value).unwrap(), options);
    }
}
