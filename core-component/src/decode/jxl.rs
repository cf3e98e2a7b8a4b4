//! JPEG XL pixels with jxl-oxide (pure Rust): the first frame, composited and upright, in the
//! colour encoding `container::jxl` reports; one thread, as the component has.
//!
//! Samples come out of jxl-oxide as floats (or 16-bit integers from lossless files) and are rounded
//! once, straight to the engine's 8 bits.

use jxl_oxide::AllocTracker;

use super::Decoded;
use crate::{
    Dimensions,
    container::{Container, jxl_parse},
    error::{Error, Result},
    limits::Limits,
    pixels::{Layout, Pixels},
};

pub fn decode(bytes: &[u8], container: &Container, limits: &Limits) -> Result<Decoded> {
    // jxl-oxide counts its frame buffers against this; the header's size was checked already.
    let image = jxl_parse(bytes, Some(AllocTracker::with_limit(limits.max_memory as usize)))?;
    let format = image.pixel_format();
    if format.has_black() {
        return Err(Error::UnsupportedFormat("This JPEG XL image is CMYK, which localpix cannot read. Save it as RGB.".into()));
    }
    if image.num_loaded_keyframes() == 0 {
        return Err(Error::truncated("JPEG XL"));
    }
    let render = image.render_frame(0).map_err(|e| Error::malformed(format!("The JPEG XL image is damaged ({e}).")))?;
    let mut stream = render.stream();
    let size = Dimensions::new(stream.width(), stream.height());
    if size != container.stored {
        return Err(Error::malformed(format!("The JPEG XL image is {size}, not the {} its header says; it is damaged.", container.stored)));
    }
    let layout = match (stream.channels(), format.has_alpha()) {
        (1, _) => Layout::Gray,
        (2, true) => Layout::GrayAlpha,
        (3, _) => Layout::Rgb,
        (4, true) => Layout::Rgba,
        (channels, _) => {
            return Err(Error::UnsupportedFormat(format!("This JPEG XL image has {channels} channels, which localpix cannot read.")));
        }
    };
    let mut data = crate::pixels::zeroed(size.pixels() as usize * layout.channels(), size)?;
    let written = stream.write_to_buffer(&mut data);
    if written != data.len() {
        return Err(Error::truncated("JPEG XL"));
    }
    Ok(Decoded { pixels: Pixels::new(layout, size, data), eighths: 8 })
}
