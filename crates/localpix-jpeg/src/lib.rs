//! The JPEG decoder of localpix.
//!
//! Decodes baseline, extended-sequential and progressive Huffman-coded JPEGs (grey, YCbCr, RGB,
//! CMYK and YCCK, any integer chroma subsampling, restart intervals) from one byte slice, at full
//! size or reduced to any eighth (1/8 to 7/8) on each side in the DCT domain, as libjpeg's
//! `scale_num / scale_denom` does:
//!
//! ```no_run
//! let bytes = std::fs::read("photo.jpg").unwrap();
//! let half = localpix_jpeg::decode(&bytes, &localpix_jpeg::Options { eighths: 4, ..Default::default() }).unwrap();
//! assert_eq!(half.pixels.len(), (half.width * half.height * 3) as usize);
//! ```
//!
//! It is built for speed in WebAssembly: entropy decoding reads the slice eight bytes at a time
//! and decodes most coefficients with one table lookup; at reduced sizes only the
//! low-frequency coefficients are transformed; the IDCT, the chroma upsampling and the colour
//! conversion have simd128 paths whose results are identical to the scalar code's. Full-size
//! output equals libjpeg-turbo's default (accurate integer IDCT, fancy upsampling) for valid
//! files.
//!
//! Truncated data is an error ([`Error::Truncated`]); damaged entropy-coded data decodes as far
//! as it can, as libjpeg does; allocations are bounded by [`Options::max_memory`], checked from
//! the frame header before any large allocation.
//!
//! Credits: the structure and several algorithms come from `jpeg-decoder` (MIT/Apache-2.0, the
//! image-rs developers: the reduced IDCTs, the SIMD transpose); the IDCT, upsampling and colour
//! arithmetic and the progressive decoding follow the Independent JPEG Group's libjpeg and
//! libjpeg-turbo (IJG licence, BSD-3-Clause). This software is based in part on the work of the
//! Independent JPEG Group.

#![deny(unsafe_code)]

mod bits;
mod color;
mod decoder;
mod error;
mod frame;
pub mod halves;
mod huffman;
mod idct;
mod progressive;
mod segments;
mod sequential;
mod upsample;

pub use error::{Error, Result};

/// How to decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Decode at `eighths`/8 of the stored size on each side, 1 to 8 (8: full size, 4: half, 3:
    /// three eighths), as libjpeg's `scale_num / 8`. The output is `ceil(width · eighths / 8)` ×
    /// `ceil(height · eighths / 8)`.
    pub eighths: u32,
    /// Most bytes the decoder may allocate (planes, coefficients and output together).
    pub max_memory: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self { eighths: 8, max_memory: 1 << 30 }
    }
}

/// What the output's bytes are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PixelFormat {
    /// One byte per pixel, grey.
    L8,
    /// Red, green, blue.
    Rgb24,
    /// Cyan, magenta, yellow and black ink amounts (0 is no ink; Adobe's inversion undone).
    Cmyk32,
}

impl PixelFormat {
    pub fn bytes_per_pixel(self) -> usize {
        match self {
            PixelFormat::L8 => 1,
            PixelFormat::Rgb24 => 3,
            PixelFormat::Cmyk32 => 4,
        }
    }
}

/// Decoded pixels, row after row with no padding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub format: PixelFormat,
    pub pixels: Vec<u8>,
}

/// Decodes a whole JPEG file held in `data`.
pub fn decode(data: &[u8], options: &Options) -> Result<Image> {
    decoder::decode(data, options)
}
