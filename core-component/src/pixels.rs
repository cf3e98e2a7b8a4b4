//! Decoded pixels: 8-bit samples in one of four layouts, row after row with no padding.

use image::DynamicImage;

use crate::{
    Dimensions,
    error::{Error, Result},
};

/// The samples of one pixel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Gray,
    GrayAlpha,
    Rgb,
    Rgba,
}

impl Layout {
    pub fn channels(self) -> usize {
        match self {
            Layout::Gray => 1,
            Layout::GrayAlpha => 2,
            Layout::Rgb => 3,
            Layout::Rgba => 4,
        }
    }

    pub fn has_alpha(self) -> bool {
        matches!(self, Layout::GrayAlpha | Layout::Rgba)
    }

    /// The same colours without the alpha channel.
    pub fn without_alpha(self) -> Self {
        match self {
            Layout::GrayAlpha => Layout::Gray,
            Layout::Rgba => Layout::Rgb,
            opaque => opaque,
        }
    }
}

pub use localpix_contract::Rgb;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pixels {
    pub layout: Layout,
    pub size: Dimensions,
    pub data: Vec<u8>,
}

impl Pixels {
    pub fn new(layout: Layout, size: Dimensions, data: Vec<u8>) -> Self {
        debug_assert_eq!(data.len() as u64, size.pixels() * layout.channels() as u64);
        Self { layout, size, data }
    }

    /// Takes the `image` crate's buffer without copying when it is already 8-bit; converts 16-bit
    /// and floating-point samples to 8-bit, rounding to nearest.
    pub fn from_dynamic(image: DynamicImage) -> Self {
        let size = Dimensions::new(image.width(), image.height());
        let (layout, data) = match image {
            DynamicImage::ImageLuma8(buf) => (Layout::Gray, buf.into_raw()),
            DynamicImage::ImageLumaA8(buf) => (Layout::GrayAlpha, buf.into_raw()),
            DynamicImage::ImageRgb8(buf) => (Layout::Rgb, buf.into_raw()),
            DynamicImage::ImageRgba8(buf) => (Layout::Rgba, buf.into_raw()),
            DynamicImage::ImageLuma16(buf) => (Layout::Gray, to_8bit(buf.as_raw())),
            DynamicImage::ImageLumaA16(buf) => (Layout::GrayAlpha, to_8bit(buf.as_raw())),
            DynamicImage::ImageRgb16(buf) => (Layout::Rgb, to_8bit(buf.as_raw())),
            DynamicImage::ImageRgba16(buf) => (Layout::Rgba, to_8bit(buf.as_raw())),
            DynamicImage::ImageRgb32F(_) => (Layout::Rgb, image.to_rgb8().into_raw()),
            other => (Layout::Rgba, other.to_rgba8().into_raw()),
        };
        Self::new(layout, size, data)
    }

    /// Lays the pixels over `background`, dropping the alpha channel (for formats without one).
    pub fn flatten(&self, background: Rgb) -> Pixels {
        let blend = |c: u8, bg: u8, a: u8| ((u32::from(c) * u32::from(a) + u32::from(bg) * (255 - u32::from(a)) + 127) / 255) as u8;
        match self.layout {
            Layout::Rgba => {
                let data = self
                    .data
                    .chunks_exact(4)
                    .flat_map(|p| [blend(p[0], background.r, p[3]), blend(p[1], background.g, p[3]), blend(p[2], background.b, p[3])]);
                Pixels::new(Layout::Rgb, self.size, data.collect())
            }
            // A grey image stays grey on a grey background.
            Layout::GrayAlpha if background.r == background.g && background.g == background.b => {
                let data = self.data.chunks_exact(2).map(|p| blend(p[0], background.r, p[1]));
                Pixels::new(Layout::Gray, self.size, data.collect())
            }
            Layout::GrayAlpha => {
                let rgba = self.data.chunks_exact(2).flat_map(|p| [p[0], p[0], p[0], p[1]]).collect();
                Pixels::new(Layout::Rgba, self.size, rgba).flatten(background)
            }
            Layout::Gray | Layout::Rgb => self.clone(),
        }
    }

    /// The same pixels with the alpha channel removed (not blended: for pixels known opaque).
    pub fn without_alpha(self) -> Pixels {
        if !self.layout.has_alpha() {
            return self;
        }
        self.copy_without_alpha()
    }

    /// A copy of these pixels without their alpha channel (not blended: for pixels known opaque).
    pub fn copy_without_alpha(&self) -> Pixels {
        if !self.layout.has_alpha() {
            return self.clone();
        }
        let kept = self.layout.without_alpha();
        let mut data = vec![0; self.size.pixels() as usize * kept.channels()];
        copy_colour(&self.data, &mut data, self.layout);
        Pixels::new(kept, self.size, data)
    }

    /// A copy without the alpha channel when every pixel is opaque, else None: one pass that
    /// checks as it copies (a 1920×1080 picture's check and copy apart took 2.5 ms in
    /// WebAssembly), stopping at the first row with a translucent pixel. Every 16th row is
    /// looked at first, so most pictures with transparency cost no copy at all.
    pub fn opaque_copy(&self) -> Option<Pixels> {
        let channels = self.layout.channels();
        if !self.layout.has_alpha() || self.data.is_empty() {
            return None;
        }
        let row = self.size.width as usize * channels;
        if !self.data.chunks_exact(row).step_by(16).all(|r| alpha_of_row(r, self.layout) == 255) {
            return None;
        }
        let kept = self.layout.without_alpha();
        let mut data = vec![0; self.size.pixels() as usize * kept.channels()];
        let rows = self.data.chunks_exact(row).zip(data.chunks_exact_mut(self.size.width as usize * kept.channels()));
        for (from, to) in rows {
            if copy_colour(from, to, self.layout) != 255 {
                return None;
            }
        }
        Some(Pixels::new(kept, self.size, data))
    }

    /// True when no pixel is transparent. Every 16th row is looked at first (most pictures with
    /// transparency show it there), then all, a row's alpha samples ANDed together in a loop
    /// the compiler vectorises.
    pub fn is_opaque(&self) -> bool {
        if !self.layout.has_alpha() || self.data.is_empty() {
            return true;
        }
        let row = self.size.width as usize * self.layout.channels();
        let opaque = |r: &[u8]| alpha_of_row(r, self.layout) == 255;
        self.data.chunks_exact(row).step_by(16).all(opaque) && self.data.chunks_exact(row).all(opaque)
    }
}

/// The alpha samples of a row of `layout` pixels ANDed together (255 when all are opaque, and for
/// layouts without alpha), in a loop the compiler vectorises.
fn alpha_of_row(row: &[u8], layout: Layout) -> u8 {
    match layout {
        Layout::Rgba => row.as_chunks::<4>().0.iter().fold(255, |all, p| all & p[3]),
        Layout::GrayAlpha => row.as_chunks::<2>().0.iter().fold(255, |all, p| all & p[1]),
        _ => 255,
    }
}

/// Copies the colour samples of `from` (pixels of `layout`, with alpha) to `to`, leaving the alpha
/// out, and gives every alpha value ANDed together (255 when all are opaque).
fn copy_colour(from: &[u8], to: &mut [u8], layout: Layout) -> u8 {
    match layout {
        Layout::Rgba => copy_rgb(from, to),
        _ => {
            let mut alpha = 255;
            for (to, &[v, a]) in to.iter_mut().zip(from.as_chunks::<2>().0) {
                *to = v;
                alpha &= a;
            }
            alpha
        }
    }
}

/// RGBA to RGB. In WebAssembly four pixels at a time with one shuffle (the loop over arrays below
/// is not vectorised there: 1.3 ms for 1920×1080, where this takes under half of it).
fn copy_rgb(from: &[u8], to: &mut [u8]) -> u8 {
    let pixels = (from.len() / 4).min(to.len() / 3);
    let (from, to) = (&from[..pixels * 4], &mut to[..pixels * 3]);
    let (done, mut alpha) = copy_rgb_simd(from, to);
    for (to, &[r, g, b, a]) in to.as_chunks_mut::<3>().0[done..].iter_mut().zip(&from.as_chunks::<4>().0[done..]) {
        *to = [r, g, b];
        alpha &= a;
    }
    alpha
}

/// The SIMD part of [`copy_rgb`]: how many pixels it copied, and their alpha values ANDed.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn copy_rgb_simd(from: &[u8], to: &mut [u8]) -> (usize, u8) {
    use core::arch::wasm32::*;
    let pixels = to.len() / 3;
    debug_assert!(from.len() >= pixels * 4);
    // Each step stores 16 bytes of which its 4 pixels fill 12: it stops while the 4 past them are
    // still inside `to` (the next step or the scalar tail writes them).
    let end = pixels.saturating_sub(2) / 4 * 4;
    let mut all = u8x16_splat(255);
    for at in (0..end).step_by(4) {
        // SAFETY: at + 4 <= end <= pixels, so the 16 bytes read from 4·at are inside `from` (at
        // least 4·pixels long), and the 16 written at 3·at end at 3·at + 16 <= 3·end + 4 <= 3·pixels.
        unsafe {
            let rgba = v128_load(from.as_ptr().add(at * 4).cast());
            all = v128_and(all, rgba);
            let rgb = i8x16_shuffle::<0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0, 0, 0, 0>(rgba, rgba);
            v128_store(to.as_mut_ptr().add(at * 3).cast(), rgb);
        }
    }
    let alpha = u8x16_extract_lane::<3>(all) & u8x16_extract_lane::<7>(all) & u8x16_extract_lane::<11>(all) & u8x16_extract_lane::<15>(all);
    (end, alpha)
}

/// Elsewhere the scalar loop of [`copy_rgb`] does it all.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn copy_rgb_simd(_: &[u8], _: &mut [u8]) -> (usize, u8) {
    (0, 255)
}

/// Divides premultiplied ("associated") colour samples by their pixel's alpha, the last of
/// `channels`, as a TIFF with ExtraSamples = 1 stores them. At the samples' own depth (`max` is
/// 255 or 65535): a 16-bit file rounded to 8 bits first loses its faint pixels' colour. Fully
/// transparent pixels keep their samples.
pub fn unpremultiply<T: Copy + Into<u32> + TryFrom<u32>>(samples: &mut [T], channels: usize, max: u32) {
    for pixel in samples.chunks_exact_mut(channels) {
        let (colour, alpha) = pixel.split_at_mut(channels - 1);
        let alpha: u32 = alpha[0].into();
        if alpha != 0 && alpha != max {
            for c in colour {
                let value = ((u64::from((*c).into()) * u64::from(max) + u64::from(alpha / 2)) / u64::from(alpha)).min(u64::from(max));
                // Within `max`, so it fits T.
                *c = T::try_from(value as u32).unwrap_or(*c);
            }
        }
    }
}

/// Rounds 16-bit samples to 8-bit: v × 255 / 65535, to nearest.
fn to_8bit(samples: &[u16]) -> Vec<u8> {
    samples.iter().map(|&v| ((u32::from(v) * 255 + 32767) / 65535) as u8).collect()
}

/// A zeroed buffer, or a `TooLarge` error instead of the abort a failed allocation would be.
pub fn zeroed(len: usize, size: Dimensions) -> Result<Vec<u8>> {
    let mut buffer = Vec::new();
    buffer.try_reserve_exact(len).map_err(|_| Error::TooLarge {
        dimensions: size,
        limit: u32::try_from(len).unwrap_or(u32::MAX),
        message: format!("There is not enough memory to hold a {size} image ({} MB).", len >> 20),
    })?;
    buffer.resize(len, 0);
    Ok(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_bit_rounds_to_nearest() {
        assert_eq!(to_8bit(&[0, 128, 129, 32767, 32768, 65535]), [0, 0, 1, 127, 128, 255]);
    }

    #[test]
    fn an_opaque_copy_leaves_out_alpha_and_none_is_made_when_a_pixel_is_translucent() {
        // (`is_opaque` is asked the same questions: it looks at the rows in the same order.)
        // 37 pixels a row: not a multiple of the four the WebAssembly build copies at once.
        let size = Dimensions::new(37, 40);
        let rgba: Vec<u8> = (0..size.pixels() as usize * 4).map(|i| if i % 4 == 3 { 255 } else { (i * 7 % 251) as u8 }).collect();
        let opaque = Pixels::new(Layout::Rgba, size, rgba.clone());
        let copy = opaque.opaque_copy().expect("every pixel is opaque");
        let rgb: Vec<u8> = rgba.as_chunks::<4>().0.iter().flat_map(|&[r, g, b, _]| [r, g, b]).collect();
        assert_eq!((copy.layout, copy.size, copy.data), (Layout::Rgb, size, rgb));
        assert!(opaque.is_opaque());
        // Row 16 is among the rows looked at first (every 16th); row 17 and the last are not.
        for at in [(16 * 37 + 5) * 4 + 3, (17 * 37 + 5) * 4 + 3, rgba.len() - 1] {
            let mut translucent = rgba.clone();
            translucent[at] = 254;
            let translucent = Pixels::new(Layout::Rgba, size, translucent);
            assert!(translucent.opaque_copy().is_none() && !translucent.is_opaque(), "alpha 254 at {at}");
        }
        let grey = Pixels::new(Layout::GrayAlpha, Dimensions::new(2, 1), vec![10, 255, 20, 255]);
        assert_eq!(grey.opaque_copy().map(|p| (p.layout, p.data)), Some((Layout::Gray, vec![10, 20])));
        assert!(grey.is_opaque() && !Pixels::new(Layout::GrayAlpha, Dimensions::new(2, 1), vec![10, 255, 20, 0]).is_opaque());
        assert!(Pixels::new(Layout::Rgb, Dimensions::new(1, 1), vec![1, 2, 3]).opaque_copy().is_none(), "nothing to leave out");
    }

    #[test]
    fn flattening_blends_over_the_background() {
        let half_red = Pixels::new(Layout::Rgba, Dimensions::new(1, 1), vec![255, 0, 0, 128]);
        let flat = half_red.flatten(Rgb { r: 0, g: 0, b: 255 });
        assert_eq!((flat.layout, flat.data), (Layout::Rgb, vec![128, 0, 127]));
        let grey = Pixels::new(Layout::GrayAlpha, Dimensions::new(1, 1), vec![0, 0]);
        assert_eq!(grey.flatten(Rgb::WHITE).data, [255]);
        assert_eq!(grey.flatten(Rgb { r: 10, g: 20, b: 30 }).data, [10, 20, 30]);
    }

    #[test]
    fn unpremultiplying_divides_colour_by_alpha() {
        // Premultiplied: half-transparent white stored as 128; transparent and opaque untouched.
        let mut data: Vec<u8> = vec![128, 64, 0, 128, 9, 9, 9, 0, 200, 100, 50, 255];
        unpremultiply(&mut data, 4, 255);
        assert_eq!(data, [255, 128, 0, 128, 9, 9, 9, 0, 200, 100, 50, 255]);
        // 16-bit: an alpha of 2/65535 still gives the colour back exactly.
        let mut faint: Vec<u16> = vec![1, 2];
        unpremultiply(&mut faint, 2, 65535);
        assert_eq!(faint, [32768, 2]);
    }
}
