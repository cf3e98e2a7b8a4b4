//! Why an operation failed, by kind, each with a message a person understands (WIT `error`).

use serde::{Deserialize, Serialize};

use crate::{Dimensions, Rect};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "tag", content = "val", rename_all = "kebab-case", rename_all_fields = "camelCase")]
pub enum Error {
    /// Not a format localpix reads, or a variant of one it does not.
    UnsupportedFormat(String),
    /// Truncated, corrupt, or headers that contradict the data.
    MalformedInput(String),
    /// Over the pixel or memory limit (WIT `too-large-error`).
    TooLarge { dimensions: Dimensions, limit: u32, message: String },
    /// Options that make no sense.
    InvalidOptions(String),
    /// The encoder could not write the output.
    EncodingFailed(String),
    /// No output fits the byte budget (WIT `budget-error`).
    BudgetUnreachable { max_bytes: u32, smallest_bytes: u32, message: String },
    /// A crop with no pixels, or reaching outside the picture (WIT `crop-error`).
    InvalidCrop { crop: Rect, picture: Dimensions, message: String },
    /// A codec this build of the engine leaves out (WIT `codec-error`): a fuller build has it.
    CodecNotBuilt { codec: Codec, message: String },
}

/// The codecs a build of the engine may leave out (WIT `codec`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Codec {
    TiffInput,
    HeicInput,
    JxlInput,
    WebpOutput,
    AvifOutput,
}

impl Codec {
    /// The codec's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Codec::TiffInput => "TIFF",
            Codec::HeicInput => "HEIC",
            Codec::JxlInput => "JPEG XL",
            Codec::WebpOutput => "lossy WebP",
            Codec::AvifOutput => "AVIF",
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The message for people.
    pub fn message(&self) -> &str {
        match self {
            Error::UnsupportedFormat(m) | Error::MalformedInput(m) | Error::InvalidOptions(m) | Error::EncodingFailed(m) => m,
            Error::TooLarge { message, .. }
            | Error::BudgetUnreachable { message, .. }
            | Error::InvalidCrop { message, .. }
            | Error::CodecNotBuilt { message, .. } => message,
        }
    }

    pub fn malformed(message: impl Into<String>) -> Self {
        Error::MalformedInput(message.into())
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidOptions(message.into())
    }

    pub fn encoding(message: impl Into<String>) -> Self {
        Error::EncodingFailed(message.into())
    }

    /// The error of a build without `codec`.
    pub fn not_built(codec: Codec) -> Self {
        let message = format!("This build of the engine leaves out {} to keep its download small; the full build has it.", codec.name());
        Error::CodecNotBuilt { codec, message }
    }

    /// The error a truncated file gives, whichever layer notices.
    pub fn truncated(what: &str) -> Self {
        Error::MalformedInput(format!("The {what} data ends early: the file is incomplete (an interrupted download or copy?)."))
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_every_variant_as_jco_throws_it() {
        let budget: Error = serde_json::from_value(json!({
            "tag": "budget-unreachable", "val": { "maxBytes": 1000, "smallestBytes": 4000, "message": "too small" }
        }))
        .unwrap();
        assert_eq!(budget, Error::BudgetUnreachable { max_bytes: 1000, smallest_bytes: 4000, message: "too small".into() });
        let malformed: Error = serde_json::from_value(json!({ "tag": "malformed-input", "val": "cut" })).unwrap();
        assert_eq!(malformed.message(), "cut");
        let missing: Error =
            serde_json::from_value(json!({ "tag": "codec-not-built", "val": { "codec": "heic-input", "message": "m" } })).unwrap();
        assert_eq!(missing, Error::CodecNotBuilt { codec: Codec::HeicInput, message: "m".into() });
        let large = Error::TooLarge { dimensions: Dimensions::new(2, 3), limit: 5, message: "big".into() };
        assert_eq!(
            serde_json::to_value(&large).unwrap(),
            json!({ "tag": "too-large", "val": { "dimensions": { "width": 2, "height": 3 }, "limit": 5, "message": "big" } })
        );
    }
}
