//! Lossy WebP encoding through libwebp's advanced API (`WebPConfig`, `WebPPicture`, a memory
//! writer): the same library and settings as `cwebp`, so the same bytes.
//!
//! On wasm32-unknown-unknown the C code finds `malloc`, `calloc`, `realloc`, `free` and `qsort` in
//! [`libc_shim`] (Rust's allocator and sort); `memcpy` & co. and the maths functions come from
//! Rust's compiler-builtins, so the module imports nothing. libwebp's SSE2 code is compiled to
//! WebAssembly SIMD through Emscripten's SSE2 headers (`wasm-simd/`), twice as fast as its plain C.

#[cfg(target_arch = "wasm32")]
mod libc_shim;

use core::ffi::{c_int, c_void};

use libwebp_sys as ffi;

/// The largest side WebP can store (14 bits).
pub const MAX_SIDE: u32 = 16_383;

/// Settings of one encode, on cwebp's scales.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// 0–100, as `cwebp -q`.
    pub quality: f32,
    /// 0–6, as `cwebp -m`: 6 is the slowest and smallest.
    pub method: u8,
    /// 0–100, as `cwebp -alpha_q`: 100 keeps the alpha plane lossless.
    pub alpha_quality: u8,
}

impl Default for Options {
    /// cwebp's defaults: `-q 75 -m 4 -alpha_q 100`.
    fn default() -> Self {
        Self { quality: 75.0, method: 4, alpha_quality: 100 }
    }
}

/// How the pixels given to [`encode`] are laid out: 8-bit samples, rows without padding, straight
/// (not premultiplied) alpha.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Rgb,
    Rgba,
}

impl Layout {
    fn channels(self) -> usize {
        match self {
            Layout::Rgb => 3,
            Layout::Rgba => 4,
        }
    }
}

/// Why an encode failed.
#[derive(Debug, PartialEq, Eq)]
pub enum Error {
    /// Settings out of range, or a buffer that does not match the size.
    InvalidInput(&'static str),
    /// A side over [`MAX_SIDE`].
    TooLarge { width: u32, height: u32 },
    /// libwebp ran out of memory.
    OutOfMemory,
    /// Another libwebp error (its `WebPEncodingError` code).
    Encoder(u32),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::InvalidInput(what) => write!(f, "invalid WebP encoder input: {what}"),
            Error::TooLarge { width, height } => write!(f, "{width}×{height} is too large for WebP (at most {MAX_SIDE} pixels a side)"),
            Error::OutOfMemory => f.write_str("out of memory while encoding WebP"),
            Error::Encoder(code) => write!(f, "libwebp failed with error code {code}"),
        }
    }
}

impl std::error::Error for Error {}

/// Encodes `pixels` as a lossy WebP file (VP8, YUV 4:2:0; the alpha plane, if any, in an ALPH
/// chunk). The file carries no metadata: the caller adds chunks around the bitstream.
pub fn encode(pixels: &[u8], width: u32, height: u32, layout: Layout, options: &Options) -> Result<Vec<u8>, Error> {
    if width == 0 || height == 0 {
        return Err(Error::InvalidInput("empty image"));
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(Error::TooLarge { width, height });
    }
    let stride = width as usize * layout.channels();
    if pixels.len() != stride * height as usize {
        return Err(Error::InvalidInput("the pixel buffer does not match the size"));
    }
    if !(0.0..=100.0).contains(&options.quality) || options.method > 6 || options.alpha_quality > 100 {
        return Err(Error::InvalidInput("quality 0–100, method 0–6, alpha quality 0–100"));
    }
    // SAFETY: the config and picture are initialised by libwebp's own init functions before use;
    // the pixel pointer and stride describe `pixels`, which outlives the calls; the picture and
    // the writer free their buffers in `Drop`.
    unsafe {
        let mut config = core::mem::MaybeUninit::<ffi::WebPConfig>::zeroed();
        if ffi::WebPConfigInitInternal(
            config.as_mut_ptr(),
            ffi::WebPPreset::WEBP_PRESET_DEFAULT,
            options.quality,
            ffi::WEBP_ENCODER_ABI_VERSION as c_int,
        ) == 0
        {
            return Err(Error::InvalidInput("libwebp ABI mismatch"));
        }
        let mut config = config.assume_init();
        config.method = c_int::from(options.method);
        config.alpha_quality = c_int::from(options.alpha_quality);
        if ffi::WebPValidateConfig(&config) == 0 {
            return Err(Error::InvalidInput("libwebp refused the settings"));
        }
        let mut picture = Picture::new()?;
        let pic = &mut picture.0;
        pic.width = width as c_int;
        pic.height = height as c_int;
        // Straight from RGB to YUV 4:2:0, as cwebp does for lossy output.
        pic.use_argb = 0;
        let imported = match layout {
            Layout::Rgb => ffi::WebPPictureImportRGB(pic, pixels.as_ptr(), stride as c_int),
            Layout::Rgba => ffi::WebPPictureImportRGBA(pic, pixels.as_ptr(), stride as c_int),
        };
        if imported == 0 {
            return Err(Error::OutOfMemory);
        }
        let mut writer = MemoryWriter::new();
        pic.writer = Some(ffi::WebPMemoryWrite);
        pic.custom_ptr = (&mut writer.0) as *mut ffi::WebPMemoryWriter as *mut c_void;
        if ffi::WebPEncode(&config, pic) == 0 {
            let code = pic.error_code as u32;
            return Err(if code == 1 { Error::OutOfMemory } else { Error::Encoder(code) });
        }
        Ok(core::slice::from_raw_parts(writer.0.mem, writer.0.size).to_vec())
    }
}

/// Owns a `WebPPicture`, freeing its buffers on drop.
struct Picture(ffi::WebPPicture);

impl Picture {
    fn new() -> Result<Self, Error> {
        // SAFETY: WebPPictureInitInternal fills the zeroed struct.
        unsafe {
            let mut pic = core::mem::MaybeUninit::<ffi::WebPPicture>::zeroed();
            if ffi::WebPPictureInitInternal(pic.as_mut_ptr(), ffi::WEBP_ENCODER_ABI_VERSION as c_int) == 0 {
                return Err(Error::InvalidInput("libwebp ABI mismatch"));
            }
            Ok(Picture(pic.assume_init()))
        }
    }
}

impl Drop for Picture {
    fn drop(&mut self) {
        // SAFETY: initialised by WebPPictureInitInternal; freeing twice is not possible (Drop).
        unsafe { ffi::WebPPictureFree(&mut self.0) }
    }
}

/// Owns a `WebPMemoryWriter`: the output bytes.
struct MemoryWriter(ffi::WebPMemoryWriter);

impl MemoryWriter {
    fn new() -> Self {
        // SAFETY: WebPMemoryWriterInit fills the zeroed struct.
        unsafe {
            let mut w = core::mem::MaybeUninit::<ffi::WebPMemoryWriter>::zeroed();
            ffi::WebPMemoryWriterInit(w.as_mut_ptr());
            MemoryWriter(w.assume_init())
        }
    }
}

impl Drop for MemoryWriter {
    fn drop(&mut self) {
        // SAFETY: initialised by WebPMemoryWriterInit.
        unsafe { ffi::WebPMemoryWriterClear(&mut self.0) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(layout: Layout) -> Vec<u8> {
        let channels = layout.channels();
        (0..64 * 48).flat_map(|i| [(i % 64 * 4) as u8, (i / 64 * 5) as u8, 128, (i % 7 * 36) as u8].into_iter().take(channels)).collect()
    }

    #[test]
    fn writes_a_riff_webp_with_alpha_when_asked() {
        let rgb = encode(&gradient(Layout::Rgb), 64, 48, Layout::Rgb, &Options::default()).unwrap();
        assert_eq!((&rgb[..4], &rgb[8..12]), (&b"RIFF"[..], &b"WEBP"[..]));
        assert_eq!(&rgb[12..16], b"VP8 ");
        let rgba = encode(&gradient(Layout::Rgba), 64, 48, Layout::Rgba, &Options::default()).unwrap();
        assert_eq!(&rgba[12..16], b"VP8X");
        assert!(rgba.windows(4).any(|w| w == b"ALPH"));
    }

    #[test]
    fn lower_quality_writes_fewer_bytes() {
        let pixels = gradient(Layout::Rgb);
        let size = |quality| encode(&pixels, 64, 48, Layout::Rgb, &Options { quality, ..Options::default() }).unwrap().len();
        assert!(size(20.0) < size(95.0));
    }

    #[test]
    fn refuses_what_webp_cannot_hold() {
        assert_eq!(encode(&[], 0, 0, Layout::Rgb, &Options::default()), Err(Error::InvalidInput("empty image")));
        assert_eq!(encode(&[0; 3], 20_000, 1, Layout::Rgb, &Options::default()), Err(Error::TooLarge { width: 20_000, height: 1 }));
        assert!(matches!(encode(&[0; 5], 1, 1, Layout::Rgb, &Options::default()), Err(Error::InvalidInput(_))));
    }
}
