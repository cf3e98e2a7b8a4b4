//! Resizing: what size the output is ([`plan`]) and making it ([`resample`]).
//!
//! Plans are made in displayed coordinates (what the user sees) on the source's *exact* size,
//! which may be fractional when the decoder reduced the image, so that a reduced decode gives
//! the same output size as a full one. [`resample`] uses fast_image_resize, which picks the
//! SIMD path for the target (SSE4.1/AVX2, NEON, wasm simd128) and premultiplies alpha around the
//! convolution.

use fast_image_resize::{self as fir, FilterType, PixelType, ResizeAlg, Resizer, images::ImageRef};

use crate::{
    Dimensions,
    error::{Error, Result},
    orient::Rect,
    pixels::{self, Layout, Pixels},
};

pub use localpix_contract::{Filter, ResizeMode, ResizeOptions};

/// The output size and the part of the source it shows, in displayed coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plan {
    pub output: Dimensions,
    pub source: Rect,
}

impl Plan {
    /// True when the plan keeps every pixel as it is.
    pub fn is_identity(&self, source: Dimensions) -> bool {
        self.output == source && self.source == Rect { left: 0.0, top: 0.0, width: source.width.into(), height: source.height.into() }
    }
}

/// Plans a resize of a source `width` × `height` (displayed, possibly fractional).
pub fn plan(width: f64, height: f64, options: &ResizeOptions) -> Result<Plan> {
    let full = Rect { left: 0.0, top: 0.0, width, height };
    let cap = |scale: f64| if options.never_upscale { scale.min(1.0) } else { scale };
    let scaled = |scale: f64| Dimensions::new(round_side(width * scale), round_side(height * scale));
    let (output, source) = match options.mode {
        ResizeMode::None => (scaled(1.0), full),
        ResizeMode::FitWithin(b) => {
            check_box(b)?;
            (scaled(cap((f64::from(b.width) / width).min(f64::from(b.height) / height))), full)
        }
        ResizeMode::FitWidth(w) => {
            check_box(Dimensions::new(w, 1))?;
            let scale = cap(f64::from(w) / width);
            (scaled(scale), full)
        }
        ResizeMode::FitHeight(h) => {
            check_box(Dimensions::new(1, h))?;
            let scale = cap(f64::from(h) / height);
            (scaled(scale), full)
        }
        ResizeMode::Cover(b) => {
            check_box(b)?;
            // The largest centred region with the box's shape, then scaled to the box (or, when
            // never enlarging, kept at its own size if it is smaller than the box).
            let aspect = f64::from(b.width) / f64::from(b.height);
            let crop_w = width.min(height * aspect);
            let crop_h = crop_w / aspect;
            let source = Rect { left: (width - crop_w) / 2.0, top: (height - crop_h) / 2.0, width: crop_w, height: crop_h };
            let output = if options.never_upscale && f64::from(b.width) > crop_w {
                Dimensions::new(round_side(crop_w), round_side(crop_h))
            } else {
                b
            };
            (output, source)
        }
        ResizeMode::Exact(b) => {
            check_box(b)?;
            let out =
                if options.never_upscale { Dimensions::new(b.width.min(round_side(width)), b.height.min(round_side(height))) } else { b };
            (out, full)
        }
        ResizeMode::ScalePercent(p) => {
            if !(p.is_finite() && p > 0.0) {
                return Err(Error::invalid(format!("The scale must be a percentage above 0, not {p}.")));
            }
            (scaled(cap(f64::from(p) / 100.0)), full)
        }
    };
    Ok(Plan { output, source })
}

fn check_box(b: Dimensions) -> Result<()> {
    if b.width == 0 || b.height == 0 {
        return Err(Error::invalid(format!("The target size {b} has a side of 0 pixels.")));
    }
    Ok(())
}

/// Rounds a side to whole pixels, never below 1 (a 1×5000 strip scaled down stays visible).
fn round_side(side: f64) -> u32 {
    side.round().clamp(1.0, f64::from(u32::MAX)) as u32
}

/// Resamples the `source` region of `pixels` to `output` pixels, both in the pixels' own
/// (stored) coordinates.
pub fn resample(pixels: &Pixels, source: Rect, output: Dimensions, filter: Filter) -> Result<Pixels> {
    let pixel_type = match pixels.layout {
        Layout::Gray => PixelType::U8,
        Layout::GrayAlpha => PixelType::U8x2,
        Layout::Rgb => PixelType::U8x3,
        Layout::Rgba => PixelType::U8x4,
    };
    let src = ImageRef::new(pixels.size.width, pixels.size.height, &pixels.data, pixel_type)
        .map_err(|e| Error::invalid(format!("internal: pixel buffer does not match its size ({e})")))?;
    let len = output.pixels() as usize * pixels.layout.channels();
    let mut dst = fast_image_resize::images::Image::from_vec_u8(output.width, output.height, pixels::zeroed(len, output)?, pixel_type)
        .map_err(|e| Error::invalid(format!("internal: output buffer does not match its size ({e})")))?;
    let algorithm = match filter {
        Filter::Nearest => ResizeAlg::Nearest,
        Filter::Box => ResizeAlg::Convolution(FilterType::Box),
        Filter::Bilinear => ResizeAlg::Convolution(FilterType::Bilinear),
        Filter::CatmullRom => ResizeAlg::Convolution(FilterType::CatmullRom),
        Filter::Mitchell => ResizeAlg::Convolution(FilterType::Mitchell),
        Filter::Lanczos3 => ResizeAlg::Convolution(FilterType::Lanczos3),
    };
    let options = fir::ResizeOptions::new().resize_alg(algorithm).crop(source.left, source.top, source.width, source.height);
    Resizer::new().resize(&src, &mut dst, &options).map_err(|e| Error::invalid(format!("The resize cannot be done: {e}.")))?;
    Ok(Pixels::new(pixels.layout, output, dst.into_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(mode: ResizeMode) -> ResizeOptions {
        ResizeOptions { mode, filter: Filter::Lanczos3, never_upscale: true }
    }

    #[test]
    fn fits_within_a_box_keeping_the_aspect_ratio() {
        let plan = plan(6028.0, 3391.0, &opts(ResizeMode::FitWithin(Dimensions::new(1920, 1920)))).unwrap();
        assert_eq!(plan.output, Dimensions::new(1920, 1080));
    }

    #[test]
    fn a_reduced_decode_plans_the_same_output() {
        let mode = opts(ResizeMode::FitWithin(Dimensions::new(1920, 1920)));
        let full = plan(6027.0, 3391.0, &mode).unwrap();
        let half = plan(6027.0 / 2.0, 3391.0 / 2.0, &mode).unwrap();
        assert_eq!(full.output, half.output);
    }

    #[test]
    fn never_upscale_keeps_small_images() {
        let small = opts(ResizeMode::FitWithin(Dimensions::new(1920, 1920)));
        assert_eq!(plan(640.0, 400.0, &small).unwrap().output, Dimensions::new(640, 400));
        let allow = ResizeOptions { never_upscale: false, ..small };
        assert_eq!(plan(640.0, 400.0, &allow).unwrap().output, Dimensions::new(1920, 1200));
    }

    #[test]
    fn cover_crops_the_middle_to_the_box() {
        let plan = plan(640.0, 400.0, &opts(ResizeMode::Cover(Dimensions::new(100, 100)))).unwrap();
        assert_eq!(plan.output, Dimensions::new(100, 100));
        assert_eq!(plan.source, Rect { left: 120.0, top: 0.0, width: 400.0, height: 400.0 });
        // Without enlarging, a box bigger than the image gives its shape at the image's scale.
        let big = super::plan(100.0, 100.0, &opts(ResizeMode::Cover(Dimensions::new(400, 100)))).unwrap();
        assert_eq!(big.output, Dimensions::new(100, 25));
    }

    #[test]
    fn width_height_exact_and_percent() {
        assert_eq!(plan(640.0, 400.0, &opts(ResizeMode::FitWidth(320))).unwrap().output, Dimensions::new(320, 200));
        assert_eq!(plan(640.0, 400.0, &opts(ResizeMode::FitHeight(100))).unwrap().output, Dimensions::new(160, 100));
        assert_eq!(plan(640.0, 400.0, &opts(ResizeMode::Exact(Dimensions::new(50, 300)))).unwrap().output, Dimensions::new(50, 300));
        assert_eq!(plan(640.0, 400.0, &opts(ResizeMode::ScalePercent(25.0))).unwrap().output, Dimensions::new(160, 100));
        assert_eq!(plan(3.0, 3000.0, &opts(ResizeMode::ScalePercent(1.0))).unwrap().output, Dimensions::new(1, 30));
    }

    #[test]
    fn rejects_senseless_sizes() {
        for mode in [
            ResizeMode::FitWithin(Dimensions::new(0, 5)),
            ResizeMode::ScalePercent(-5.0),
            ResizeMode::ScalePercent(f32::NAN),
            ResizeMode::FitWidth(0),
        ] {
            assert!(matches!(plan(10.0, 10.0, &opts(mode)), Err(Error::InvalidOptions(_))), "{mode:?}");
        }
    }

    #[test]
    fn alpha_is_premultiplied_so_transparent_colour_does_not_bleed() {
        // Opaque white next to fully transparent red: no pink may appear at the edge.
        let mut data = Vec::new();
        for x in 0..16 {
            data.extend_from_slice(if x < 8 { &[255, 255, 255, 255] } else { &[255, 0, 0, 0] });
        }
        let stripe = Pixels::new(Layout::Rgba, Dimensions::new(16, 1), data);
        let full = Rect { left: 0.0, top: 0.0, width: 16.0, height: 1.0 };
        let out = resample(&stripe, full, Dimensions::new(4, 1), Filter::Lanczos3).unwrap();
        for p in out.data.chunks_exact(4).filter(|p| p[3] > 0) {
            assert!(p[1] > 240 && p[2] > 240, "colour bled from transparent pixels: {p:?}");
        }
    }
}
