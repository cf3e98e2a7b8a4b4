//! Resizing: what size the output is ([`plan`]) and making it ([`resample`]).
//!
//! Plans are made in displayed coordinates (what the user sees) on the source's *exact* size,
//! which may be fractional when the decoder reduced the image, so that a reduced decode gives
//! the same output size as a full one. [`resample`] uses fast_image_resize, which picks the
//! SIMD path for the target (SSE4.1/AVX2, NEON, wasm simd128) and premultiplies alpha around the
//! convolution.

use fast_image_resize::{
    self as fir, FilterType, ResizeAlg, Resizer,
    images::{TypedCroppedImage, TypedCroppedImageMut, TypedImage, TypedImageRef},
};

use crate::{
    Dimensions,
    error::{Error, Result},
    orient::Rect,
    pixels::{self, Layout, Pixels},
};

pub use localpix_contract::{Filter, Rect as CropRect, ResizeMode, ResizeOptions};

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

/// Plans a resize of a source `width` × `height` (displayed, possibly fractional): its crop, if
/// any, is cut first, and the mode's sizes apply to what is left.
pub fn plan(width: f64, height: f64, options: &ResizeOptions) -> Result<Plan> {
    let region = match options.crop {
        Some(crop) => crop_region(width, height, crop)?,
        None => Rect { left: 0.0, top: 0.0, width, height },
    };
    let within = plan_within(region.width, region.height, options)?;
    let source = Rect { left: region.left + within.source.left, top: region.top + within.source.top, ..within.source };
    Ok(Plan { output: within.output, source })
}

/// The crop as a region of a source `width` × `height`, refused with the typed error when it has
/// no pixels or reaches outside. A source reduced by the decoder may have a fractional side: a
/// crop ending within its last, partial pixel still fits.
fn crop_region(width: f64, height: f64, crop: CropRect) -> Result<Rect> {
    let picture = Dimensions::new(width.ceil() as u32, height.ceil() as u32);
    if !crop.fits_in(picture) {
        let message = if crop.width == 0 || crop.height == 0 {
            format!("The crop {crop} has no pixels: choose a part of the picture at least one pixel wide and high.")
        } else {
            format!("The crop {crop} reaches outside the {picture} picture: choose a part within it, or remove the crop.")
        };
        return Err(Error::InvalidCrop { crop, picture, message });
    }
    let region = Rect { left: crop.left.into(), top: crop.top.into(), width: crop.width.into(), height: crop.height.into() };
    Ok(Rect { width: region.width.min(width - region.left), height: region.height.min(height - region.top), ..region })
}

/// Checks a crop on its own, without a picture (`check-options`): it must have pixels.
pub fn check_crop(crop: Option<CropRect>) -> Result<()> {
    match crop {
        Some(crop) => {
            crop_region(f64::from(crop.left) + f64::from(crop.width), f64::from(crop.top) + f64::from(crop.height), crop).map(drop)
        }
        None => Ok(()),
    }
}

/// Plans the mode's resize of a whole source `width` × `height`.
fn plan_within(width: f64, height: f64, options: &ResizeOptions) -> Result<Plan> {
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
///
/// When both axes change, the two passes are made here, one library call each, instead of in
/// one call: fast_image_resize 6.1.0 sizes its intermediate image from the first and last
/// output pixels' windows, assuming the windows move right monotonically. They need not: the
/// library trims a window's zero weights, and where an edge pixel's centre falls on the source
/// grid (a crop, or a reduced decode's fractional size) a filter with zeros at whole distances
/// (Lanczos3, Catmull-Rom, bilinear) gives it a narrower window than its neighbour's. The
/// library then reads outside its buffer: a panic natively, an out-of-bounds read or a trap in
/// WebAssembly (found by fuzzing, `docs/reliability.md`). One-axis calls never build that
/// intermediate; ours spans every column the horizontal pass may read, as the library's would.
pub fn resample(pixels: &Pixels, source: Rect, output: Dimensions, filter: Filter) -> Result<Pixels> {
    use fir::pixels::{U8, U8x2, U8x3, U8x4};
    let data = match pixels.layout {
        Layout::Gray => resample_as::<U8>(pixels, source, output, filter)?,
        Layout::GrayAlpha => resample_as::<U8x2>(pixels, source, output, filter)?,
        Layout::Rgb => resample_as::<U8x3>(pixels, source, output, filter)?,
        Layout::Rgba => resample_as::<U8x4>(pixels, source, output, filter)?,
    };
    Ok(Pixels::new(pixels.layout, output, data))
}

/// [`resample`] with pixels of type `P`, through the library's typed calls: its untyped ones
/// choose the pixel type at run time, and so bring every type's code into the engine, 16-bit and
/// floating-point ones it never uses among them, with a 512 KB table for 16-bit alpha that was
/// a third of the engine's compressed download.
fn resample_as<P: fir::PixelTrait>(pixels: &Pixels, source: Rect, output: Dimensions, filter: Filter) -> Result<Vec<u8>> {
    let src = view::<P>(pixels.size, &pixels.data)?;
    let (algorithm, support) = match filter {
        Filter::Nearest => (ResizeAlg::Nearest, 0.0),
        Filter::Box => (ResizeAlg::Convolution(FilterType::Box), 0.5),
        Filter::Bilinear => (ResizeAlg::Convolution(FilterType::Bilinear), 1.0),
        Filter::CatmullRom => (ResizeAlg::Convolution(FilterType::CatmullRom), 2.0),
        Filter::Mitchell => (ResizeAlg::Convolution(FilterType::Mitchell), 2.0),
        Filter::Lanczos3 => (ResizeAlg::Convolution(FilterType::Lanczos3), 3.0),
    };
    // The library's own tests for whether an axis needs resampling.
    let horizontal = f64::from(output.width) != source.width || source.left != source.left.round();
    let vertical = f64::from(output.height) != source.height || source.top != source.top.round();
    // Premultiplying an opaque picture changes nothing and costs two passes over it: opaque alpha
    // channels are common.
    let alpha = pixels.layout.has_alpha() && !pixels.is_opaque();
    if filter == Filter::Nearest || !(horizontal && vertical) {
        // One pass, or a copy: the library handles alpha itself.
        return pass(&src, source, output, algorithm, alpha);
    }
    // Vertical first over the columns the horizontal pass reads (the library's order for 8-bit
    // pixels): each output pixel's window is its centre ± the filter's radius, widened when
    // shrinking.
    let radius = support * (source.width / f64::from(output.width)).max(1.0);
    let width = f64::from(pixels.size.width);
    let first = (source.left - radius).floor().clamp(0.0, width - 1.0);
    let last = (source.left + source.width + radius).ceil().clamp(first + 1.0, width);
    let columns = Rect { left: first, top: source.top, width: last - first, height: source.height };
    let between = Dimensions::new((last - first) as u32, output.height);
    let middle =
        if alpha { vertical_premultiplied(&src, columns, between, algorithm)? } else { pass(&src, columns, between, algorithm, false)? };
    let rows = Rect { left: source.left - first, top: 0.0, width: source.width, height: f64::from(output.height) };
    let mut resized = pass(&view::<P>(between, &middle)?, rows, output, algorithm, false)?;
    if alpha {
        fir::MulDiv::default()
            .divide_alpha_inplace_typed(&mut view_mut::<P>(output, &mut resized)?)
            .map_err(|e| Error::invalid(format!("internal: cannot divide alpha ({e})")))?;
    }
    Ok(resized)
}

/// The vertical pass of a two-axis resize over premultiplied colours, a strip of `STRIP_BYTES`-wide
/// columns at a time: a vertical pass never mixes columns, so each strip is premultiplied into a
/// small buffer and resampled straight into its place in the output. The whole picture is never
/// premultiplied at once, which took a copy of it (59 MB for a 5120×2880 RGBA screenshot).
fn vertical_premultiplied<P: fir::PixelTrait>(
    src: &TypedImageRef<'_, P>,
    columns: Rect,
    output: Dimensions,
    algorithm: ResizeAlg,
) -> Result<Vec<u8>> {
    // 1,024 RGBA pixels: in WebAssembly, strips of 1,024 bytes took up to twice as long, wider ones
    // were no quicker.
    const STRIP_BYTES: u32 = 4096;
    let strip = (STRIP_BYTES / size_of::<P>() as u32).clamp(1, output.width);
    let height = fir::ImageView::height(src);
    let (first, count) = (columns.left as u32, output.width);
    let mul_div = fir::MulDiv::default();
    let mut premultiplied = pixels::zeroed((strip * height) as usize * size_of::<P>(), Dimensions::new(strip, height))?;
    let mut buffer = pixels::zeroed(output.pixels() as usize * size_of::<P>(), output)?;
    let mut whole = view_mut::<P>(output, &mut buffer)?;
    let mut resizer = Resizer::new();
    for left in (0..count).step_by(strip as usize) {
        let width = strip.min(count - left);
        let size = Dimensions::new(width, height);
        let mut part = view_mut::<P>(size, &mut premultiplied[..size.pixels() as usize * size_of::<P>()])?;
        let from = TypedCroppedImage::from_ref(src, first + left, 0, width, height).map_err(internal)?;
        mul_div.multiply_alpha_typed(&from, &mut part).map_err(internal)?;
        let mut to = TypedCroppedImageMut::from_ref(&mut whole, left, 0, width, output.height).map_err(internal)?;
        let rows = Rect { left: 0.0, top: columns.top, width: f64::from(width), height: columns.height };
        pass_into(&mut resizer, &part, &mut to, rows, algorithm, false)?;
    }
    Ok(buffer)
}

/// An error the library reports for sizes this module has already checked.
fn internal(e: impl std::fmt::Display) -> Error {
    Error::invalid(format!("internal: resize buffers do not match their sizes ({e})"))
}

/// `data` seen as an image of `size` pixels of type `P`.
fn view<P: fir::PixelTrait>(size: Dimensions, data: &[u8]) -> Result<TypedImageRef<'_, P>> {
    TypedImageRef::from_buffer(size.width, size.height, data)
        .map_err(|e| Error::invalid(format!("internal: pixel buffer does not match its size ({e})")))
}

fn view_mut<P: fir::PixelTrait>(size: Dimensions, data: &mut [u8]) -> Result<TypedImage<'_, P>> {
    TypedImage::from_buffer(size.width, size.height, data)
        .map_err(|e| Error::invalid(format!("internal: pixel buffer does not match its size ({e})")))
}

/// One call of the library: the `source` region of `src` to `output` pixels.
fn pass<P: fir::PixelTrait>(
    src: &impl fir::ImageView<Pixel = P>,
    source: Rect,
    output: Dimensions,
    algorithm: ResizeAlg,
    alpha: bool,
) -> Result<Vec<u8>> {
    let mut buffer = pixels::zeroed(output.pixels() as usize * size_of::<P>(), output)?;
    pass_into(&mut Resizer::new(), src, &mut view_mut::<P>(output, &mut buffer)?, source, algorithm, alpha)?;
    Ok(buffer)
}

/// [`pass`] into an image that exists: `dst` filled from the `source` region of `src`. A
/// `resizer` that makes several calls keeps its scratch buffers between them.
fn pass_into<P: fir::PixelTrait>(
    resizer: &mut Resizer,
    src: &impl fir::ImageView<Pixel = P>,
    dst: &mut impl fir::ImageViewMut<Pixel = P>,
    source: Rect,
    algorithm: ResizeAlg,
    alpha: bool,
) -> Result<()> {
    let options =
        fir::ResizeOptions::new().resize_alg(algorithm).crop(source.left, source.top, source.width, source.height).use_alpha(alpha);
    resizer.resize_typed(src, dst, &options).map_err(|e| Error::invalid(format!("The resize cannot be done: {e}.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(mode: ResizeMode) -> ResizeOptions {
        ResizeOptions { mode, filter: Filter::Lanczos3, never_upscale: true, turn: Default::default(), crop: None }
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
    fn a_crop_is_planned_first_and_the_mode_applies_to_it() {
        let crop = |mode| ResizeOptions { crop: Some(CropRect::new(100, 40, 300, 200)), ..opts(mode) };
        let fit = plan(640.0, 400.0, &crop(ResizeMode::FitWidth(150))).unwrap();
        assert_eq!(fit.output, Dimensions::new(150, 100));
        assert_eq!(fit.source, Rect { left: 100.0, top: 40.0, width: 300.0, height: 200.0 });
        let cover = plan(640.0, 400.0, &crop(ResizeMode::Cover(Dimensions::new(50, 50)))).unwrap();
        assert_eq!(cover.source, Rect { left: 150.0, top: 40.0, width: 200.0, height: 200.0 });
        // A reduced decode's half pixel at the edge still holds a crop to the file's last pixel.
        let edge = ResizeOptions { crop: Some(CropRect::new(3000, 0, 14, 10)), ..opts(ResizeMode::None) };
        assert_eq!(plan(3013.5, 100.0, &edge).unwrap().source.width, 13.5);
        let outside = ResizeOptions { crop: Some(CropRect::new(3000, 0, 15, 10)), ..opts(ResizeMode::None) };
        assert!(matches!(plan(3013.5, 100.0, &outside), Err(Error::InvalidCrop { .. })));
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

    /// Crops and enlargements where the first or last output pixel falls exactly on the
    /// source grid, so the filter's zeros trim its window (found by fuzzing: a cover crop of a
    /// 32×8 PNG to 40×24 read outside the pixels). Every layout and filter, many offsets.
    #[test]
    fn crops_on_the_filters_zeros_stay_within_the_pixels() {
        let filters = [Filter::Nearest, Filter::Box, Filter::Bilinear, Filter::CatmullRom, Filter::Mitchell, Filter::Lanczos3];
        for layout in [Layout::Gray, Layout::GrayAlpha, Layout::Rgb, Layout::Rgba] {
            let size = Dimensions::new(32, 8);
            let data = (0..size.pixels() as usize * layout.channels()).map(|i| (i * 37 % 251) as u8).collect();
            let pixels = Pixels::new(layout, size, data);
            for filter in filters {
                for (left, width, out) in
                    [(28.0 / 3.0, 40.0 / 3.0, 40), (0.5, 3.0, 9), (1.0, 30.0, 90), (2.5, 5.0, 5), (0.0, 31.5, 63), (6.0, 4.0, 16)]
                {
                    for (top, height, out_h) in [(0.0, 8.0, 24), (0.0, 8.0, 8), (1.0 / 3.0, 2.0, 6), (0.5, 7.0, 3)] {
                        let source = Rect { left, top, width, height };
                        let output = Dimensions::new(out, out_h);
                        let resized = resample(&pixels, source, output, filter).unwrap();
                        assert_eq!(resized.size, output);
                        assert_eq!(resized.data.len(), output.pixels() as usize * layout.channels());
                    }
                }
            }
        }
    }

    #[test]
    fn alpha_is_premultiplied_so_transparent_colour_does_not_bleed() {
        // Opaque white next to fully transparent red: no pink may appear at the edge.
        let mut data = Vec::new();
        for x in 0..16 {
            data.extend_from_slice(if x < 8 { &[255, 255, 255, 255] } else { &[255, 0, 0, 0] });
        }
        // Sixteen rows of it: shrunk along one axis (one library call) and along both (ours).
        let stripes = Pixels::new(Layout::Rgba, Dimensions::new(16, 16), data.repeat(16));
        let full = Rect { left: 0.0, top: 0.0, width: 16.0, height: 16.0 };
        for output in [Dimensions::new(4, 16), Dimensions::new(4, 4)] {
            let out = resample(&stripes, full, output, Filter::Lanczos3).unwrap();
            for p in out.data.chunks_exact(4).filter(|p| p[3] > 0) {
                assert!(p[1] > 240 && p[2] > 240, "to {output}: colour bled from transparent pixels: {p:?}");
            }
        }
    }

    /// The vertical pass premultiplies a strip of columns at a time: the result is the library's own
    /// one-call resize (which premultiplies the whole picture), for strips that divide the width and
    /// for a narrow last one, and for both pixel types with alpha.
    #[test]
    fn translucent_pictures_resize_in_strips_exactly_as_in_one_call() {
        for (layout, width) in [(Layout::Rgba, 2100), (Layout::Rgba, 2048), (Layout::GrayAlpha, 4100), (Layout::Rgba, 3)] {
            let size = Dimensions::new(width, 45);
            let mut seed = 7u32;
            let data: Vec<u8> = (0..size.pixels() as usize * layout.channels())
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (seed >> 16) as u8
                })
                .collect();
            let pixels = Pixels::new(layout, size, data);
            assert!(!pixels.is_opaque());
            let full = Rect { left: 0.0, top: 0.0, width: f64::from(width), height: 45.0 };
            let part = Rect { left: f64::from(width) / 5.0 + 0.3, top: 3.7, width: f64::from(width) / 2.0, height: 40.0 };
            for (source, output) in [
                (full, Dimensions::new(width / 3 + 1, 16)),
                (full, Dimensions::new(width * 2, 50)),
                (part, Dimensions::new(width / 7 + 1, 13)),
            ] {
                let ours = resample(&pixels, source, output, Filter::Lanczos3).unwrap();
                let options = fir::ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3)).crop(
                    source.left,
                    source.top,
                    source.width,
                    source.height,
                );
                let mut theirs = vec![0; output.pixels() as usize * layout.channels()];
                let pixel_type = if layout == Layout::Rgba { fir::PixelType::U8x4 } else { fir::PixelType::U8x2 };
                let src = fir::images::ImageRef::new(width, 45, &pixels.data, pixel_type).unwrap();
                let mut dst = fir::images::Image::from_slice_u8(output.width, output.height, &mut theirs, pixel_type).unwrap();
                Resizer::new().resize(&src, &mut dst, &options).unwrap();
                assert!(ours.data == theirs, "{layout:?} {size}, {source:?} to {output}");
            }
        }
    }

    #[test]
    fn an_opaque_alpha_channel_resizes_like_the_colours_alone() {
        // Left unpremultiplied: each colour channel exactly as the RGB picture's, alpha still 255.
        let (size, output) = (Dimensions::new(97, 61), Dimensions::new(40, 25));
        let rgb: Vec<u8> = (0..size.pixels()).flat_map(|i| [(i * 7) as u8, (i / 97 * 4) as u8, (i % 97 * 2) as u8]).collect();
        let rgba: Vec<u8> = rgb.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect();
        let full = Rect { left: 0.0, top: 0.0, width: 97.0, height: 61.0 };
        let from_rgb = resample(&Pixels::new(Layout::Rgb, size, rgb), full, output, Filter::Lanczos3).unwrap();
        let from_rgba = resample(&Pixels::new(Layout::Rgba, size, rgba), full, output, Filter::Lanczos3).unwrap();
        assert!(from_rgba.is_opaque());
        assert_eq!(from_rgba.copy_without_alpha().data, from_rgb.data);
    }
}
