//! Why an operation failed, by kind, each with a message a person understands.

use crate::Dimensions;

#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// Not a format localpix reads, or a variant of one it does not.
    UnsupportedFormat(String),
    /// Truncated, corrupt, or headers that contradict the data.
    MalformedInput(String),
    /// Over the pixel or memory limit.
    TooLarge { dimensions: Dimensions, limit: u32, message: String },
    /// Options that make no sense.
    InvalidOptions(String),
    /// The encoder could not write the output.
    EncodingFailed(String),
    /// No output fits the byte budget.
    BudgetUnreachable { max_bytes: u32, smallest_bytes: u32, message: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The message for people.
    pub fn message(&self) -> &str {
        match self {
            Error::UnsupportedFormat(m) | Error::MalformedInput(m) | Error::InvalidOptions(m) | Error::EncodingFailed(m) => m,
            Error::TooLarge { message, .. } | Error::BudgetUnreachable { message, .. } => message,
        }
    }

    pub(crate) fn malformed(message: impl Into<String>) -> Self {
        Error::MalformedInput(message.into())
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidOptions(message.into())
    }

    pub(crate) fn encoding(message: impl Into<String>) -> Self {
        Error::EncodingFailed(message.into())
    }

    /// The error a truncated file gives, whichever layer notices.
    pub(crate) fn truncated(what: &str) -> Self {
        Error::MalformedInput(format!("The {what} data ends early: the file is incomplete (an interrupted download or copy?)."))
    }

    /// Maps an error from the `image` crate's decoders.
    pub(crate) fn from_decoder(format: &str, err: image::ImageError) -> Self {
        use image::ImageError as E;
        match err {
            E::Limits(_) => Error::MalformedInput(format!(
                "The {format} data needs more memory than its size explains; the file is damaged or hostile."
            )),
            E::Unsupported(e) => Error::UnsupportedFormat(format!("This {format} file uses a feature localpix cannot read ({e}).")),
            E::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Error::truncated(format),
            other => Error::MalformedInput(format!("The {format} data is damaged ({other}).")),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Error {}
