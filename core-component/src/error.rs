//! Why an operation failed, by kind, each with a message a person understands. The kinds are the
//! contract's ([`localpix_contract::Error`]); what is ours is how decoders' errors map to them.

pub use localpix_contract::{Codec, Error, Result};

/// Maps an error from the `image` crate's decoders.
pub(crate) fn from_decoder(format: &str, err: image::ImageError) -> Error {
    use image::ImageError as E;
    match err {
        E::Limits(_) => {
            Error::MalformedInput(format!("The {format} data needs more memory than its size explains; the file is damaged or hostile."))
        }
        E::Unsupported(e) => Error::UnsupportedFormat(format!("This {format} file uses a feature localpix cannot read ({e}).")),
        E::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Error::truncated(format),
        other => Error::MalformedInput(format!("The {format} data is damaged ({other}).")),
    }
}

/// A TIFF variant localpix does not read, described by [`crate::container::tiff_unsupported_variant`].
#[cfg(feature = "tiff")]
pub(crate) fn unsupported_tiff(variant: &str) -> Error {
    Error::UnsupportedFormat(format!(
        "This TIFF stores {variant}, which localpix cannot read. Save it as an 8- or 16-bit RGB or greyscale TIFF, or as PNG."
    ))
}
