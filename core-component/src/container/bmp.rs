//! BMP headers: the `image` crate's header reader, and the bit depth from the header itself.

use std::io::Cursor;

use super::{Container, from_image_decoder};
use crate::{
    error::{self, Result},
    format::ImageFormat,
};

pub fn read(bytes: &[u8]) -> Result<Container> {
    let decoder = image::codecs::bmp::BmpDecoder::new(Cursor::new(bytes)).map_err(|e| error::from_decoder("BMP", e))?;
    // Bits per pixel: at 24 in the old 12-byte OS/2 header, at 28 in every later one.
    let header_size = bytes.get(14..18).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let bpp_at = if header_size == 12 { 24 } else { 28 };
    let bpp = bytes.get(bpp_at..bpp_at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    Ok(from_image_decoder(ImageFormat::Bmp, &decoder, bpp))
}
