//! HEIC/HEIF pixels with heifer (pure Rust HEVC): the primary image, its grid tiles assembled,
//! its alpha plane, `clap`, `irot` and `imir` applied; one thread, as the component has.

use super::Decoded;
use crate::{
    Dimensions,
    container::{Container, heif_error},
    error::{Error, Result},
    limits::Limits,
    pixels::{Layout, Pixels},
};

pub fn decode(bytes: &[u8], container: &Container, limits: &Limits) -> Result<Decoded> {
    let options = heifer::Options { max_threads: 1, max_pixels: u64::from(limits.max_pixels) };
    let image = heifer::decode_rgba8(bytes, &options).map_err(heif_error)?;
    let size = Dimensions::new(image.width, image.height);
    if size != container.stored {
        return Err(Error::malformed(format!("The HEIC image is {size}, not the {} its header says; it is damaged.", container.stored)));
    }
    let pixels = Pixels::new(Layout::Rgba, size, image.data);
    // Without an alpha plane heifer's alpha is all opaque: drop it.
    let pixels = if container.has_alpha { pixels } else { pixels.without_alpha() };
    Ok(Decoded { pixels, eighths: 8 })
}
