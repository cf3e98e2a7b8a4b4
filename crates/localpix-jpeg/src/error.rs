//! Why a JPEG could not be decoded, by kind: the caller maps each kind to its own error type.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The data ends before the image does (an interrupted download or copy).
    Truncated,
    /// The data contradicts the format: what is wrong, for people.
    Malformed(String),
    /// A valid JPEG that uses something this decoder does not implement (arithmetic coding,
    /// hierarchical or lossless frames, 12-bit samples…): which feature, for people.
    Unsupported(String),
    /// Decoding would need more memory than the caller allows.
    TooLarge { needed: u64, limit: u64 },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn malformed(what: impl Into<String>) -> Self {
        Error::Malformed(what.into())
    }

    pub(crate) fn unsupported(what: impl Into<String>) -> Self {
        Error::Unsupported(what.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated => f.write_str("the JPEG data ends early"),
            Error::Malformed(what) => write!(f, "the JPEG data is damaged: {what}"),
            Error::Unsupported(what) => write!(f, "the JPEG uses {what}, which this decoder does not read"),
            Error::TooLarge { needed, limit } => {
                write!(f, "decoding the JPEG needs {} MB, over the limit of {} MB", needed >> 20, limit >> 20)
            }
        }
    }
}

impl std::error::Error for Error {}
