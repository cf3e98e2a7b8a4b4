//! PNG with the png crate. `fast` and `balanced` use fdeflate, a DEFLATE made for PNG that is
//! several times faster than zlib's quick levels and compresses about as well: measured on a
//! 1280×720 RGBA photo (natively), fdeflate with minimum-entropy filters gives 1.20 MB in 29 ms
//! where zlib level 6 gives 1.12 MB in 350 ms and Chromium's own encoder 1.69 MB in 35–80 ms.
//! Screenshots and graphics go to zlib unfiltered instead (`balanced`).
//! `smallest` tries zlib's strongest level with each filter strategy and keeps the smallest.
//! "zlib" is zlib-rs (zlib-ng's methods, in Rust), flate2's backend here (core-component's
//! Cargo.toml).

mod filter;

use std::borrow::Cow;

use super::{Effort, PngOptions};
use crate::{
    error::{Error, Result},
    metadata::OutputMetadata,
    pixels::{Layout, Pixels},
};

pub fn encode(pixels: &Pixels, effort: Effort, options: &PngOptions, metadata: &OutputMetadata) -> Result<Vec<u8>> {
    // An alpha channel opaque everywhere (screenshots and charts are often saved so) is a quarter
    // of the samples to filter and compress for nothing: written without it, as oxipng does.
    let opaque = pixels.opaque_copy();
    let pixels = opaque.as_ref().unwrap_or(pixels);
    // A lossy palette when asked; else lossless reductions (what oxipng calls them): a picture
    // with at most 256 colours (screenshots, graphics) is written with a palette, a grey one as
    // grey. Not at `fast`, which is for speed.
    let reduced = match options.palette_colors {
        Some(colors) => reduce(pixels).filter(|r| r.colors() <= usize::from(colors)).or_else(|| Some(quantize(pixels, colors))),
        None if effort == Effort::Fast => None,
        None => reduce(pixels),
    };
    let image = &reduced.unwrap_or(Encodable::Direct(pixels));
    match effort {
        // Balanced's choice of compression, without choosing a filter per row: a photo's rows all
        // take Average, which is within 0.4 % of the per-row choice on most photos here (9–10 %
        // larger on the painting and on patak's alpha), natively with fdeflate:
        //
        // | photo | per row | Average | Up | Paeth | Sub |
        // |---|--:|--:|--:|--:|--:|
        // | kleiber | 2,922,922 B | 2,927,287 | 3,070,538 | 2,956,163 | 3,241,391 |
        // | volna | 2,758,933 | 2,764,705 | 2,922,855 | 2,963,708 | 2,926,486 |
        // | path | 5,102,648 | 5,121,631 | 5,582,413 | 5,154,134 | 5,366,377 |
        // | adwaita | 4,237,846 | 4,243,822 | 4,474,346 | 4,416,496 | 4,486,602 |
        // | painting | 151,272 | 165,794 | 159,275 | 173,366 | 162,437 |
        // | patak (RGBA) | 2,652,308 | 2,926,648 | 3,176,156 | 2,739,345 | 2,652,291 |
        Effort::Fast => match balanced(image) {
            (compression, Rows::MinEntropy) => write(image, metadata, compression, Rows::Average),
            (compression, filter) => write(image, metadata, compression, filter),
        },
        Effort::Balanced => {
            let (compression, filter) = balanced(image);
            write(image, metadata, compression, filter)
        }
        Effort::Smallest => {
            // zlib's strongest level with each filter strategy that wins on some images.
            let mut best: Option<Vec<u8>> = None;
            for filter in [Rows::MinEntropy, Rows::Adaptive, Rows::Unfiltered] {
                let bytes = write(image, metadata, png::DeflateCompression::Level(9), filter)?;
                if best.as_ref().is_none_or(|b| bytes.len() < b.len()) {
                    best = Some(bytes);
                }
            }
            Ok(best.unwrap_or_default())
        }
    }
}

/// fdeflate's ultra-fast mode is made for filtered photo rows (small differences, no long repeats)
/// and stores palette indices all but uncompressed (8.0 bits a pixel measured on a dithered
/// screenshot, where zlib's level 1 gives 0.8): indices go to zlib at level 2. (zlib-rs's level 1
/// is zlib-ng's "quick" strategy, with fixed Huffman codes only: indices of a dithered photo take
/// 7.5 bits a pixel there, 6.6 at level 2.)
fn quick(image: &Encodable<'_>) -> png::DeflateCompression {
    match image {
        Encodable::Indexed { .. } => png::DeflateCompression::Level(2),
        _ => png::DeflateCompression::FdeflateUltraFast,
    }
}

/// Balanced: on photos fdeflate's ultra-fast mode with minimum-entropy filters is both the fastest
/// and about the smallest (zlib's level 2 is 9% larger and 2–7× slower on kleiber). Screenshots
/// and graphics repeat runs far apart, which fdeflate does not look for, and are best left
/// unfiltered for zlib's LZ77 matching: a flat run then repeats the row above byte for byte,
/// where filters turn its edges into new symbols. Natively, 1920×1080 RGB, median of 5
/// (`docs/codecs.md`); miniz_oxide was the png crate's zlib until 2026-11-26, zlib-rs since:
///
/// | picture | fdeflate, minimum entropy | miniz_oxide 2, unfiltered | zlib-rs 1, unfiltered | zlib-rs 2, unfiltered | zlib-rs 6, unfiltered | Chromium's PNG |
/// |---|--:|--:|--:|--:|--:|--:|
/// | chart | 180,168 B, 4.9 ms | 113,562 B, 9.9 ms | 171,734 B, 1.7 ms | 124,820 B, 2.2 ms | 106,207 B, 5.3 ms | 186,574 B |
/// | screenshot | 356,885 B, 5.8 ms | 216,133 B, 11.7 ms | 291,530 B, 2.3 ms | 242,875 B, 3.6 ms | 223,278 B, 8.3 ms | 338,852 B |
///
/// zlib-rs at level 2 is 10–12% larger than miniz_oxide at 2 and four times quicker; in the
/// browser that made the default PNG of both graphics quicker than Chromium's own encoder, where
/// it took twice its time (in one interleaved run: 4.8 and 6.7 ms against 8.4 and 8.7), and
/// still a third smaller. Its level 1 is zlib-ng's "quick" strategy, fixed Huffman codes only: a
/// third larger on the chart. Pictures where most pixels repeat their left neighbour (flat areas;
/// photos have few) are tried both ways on a sample of rows, and zlib is used when it saves at
/// least a sixth there (a smooth painting is as flat by that measure, but compresses better
/// filtered).
fn balanced(image: &Encodable<'_>) -> (png::DeflateCompression, Rows) {
    let ultra = (quick(image), Rows::MinEntropy);
    let Encodable::Direct(pixels) = image else { return ultra };
    if flat_share(pixels) < 0.5 {
        return ultra;
    }
    let sample = row_sample(pixels);
    let flat = (png::DeflateCompression::Level(2), Rows::Unfiltered);
    let size = |(compression, filter)| write(&Encodable::Direct(&sample), &OutputMetadata::default(), compression, filter).map(|b| b.len());
    match (size(ultra), size(flat)) {
        (Ok(filtered), Ok(unfiltered)) if unfiltered * 6 < filtered * 5 => flat,
        _ => ultra,
    }
}

/// The share of pixels equal to their left neighbour, on every 16th row.
fn flat_share(pixels: &Pixels) -> f64 {
    let channels = pixels.layout.channels();
    let stride = pixels.size.width as usize * channels;
    let (mut same, mut all) = (0usize, 0usize);
    for row in pixels.data.chunks_exact(stride).step_by(16) {
        let mut pixel = row.chunks_exact(channels);
        let mut left = pixel.next();
        for this in pixel {
            same += usize::from(Some(this) == left);
            all += 1;
            left = Some(this);
        }
    }
    if all == 0 { 0.0 } else { same as f64 / all as f64 }
}

/// Bands of 8 rows, one in every 128 (a sixteenth of the picture, with the rows above each for the
/// filters), or the whole picture when it is too short for a sample to say more than the whole.
fn row_sample(pixels: &Pixels) -> Cow<'_, Pixels> {
    const BAND: usize = 8;
    // One row in 16: the choice it makes is clear-cut (zlib saves 26–32 % on the graphics, loses
    // 26 % on the painting), and trying both took a third of a chart's encode at one in 8.
    const EVERY: usize = 128;
    let height = pixels.size.height as usize;
    if height < 2 * EVERY {
        return Cow::Borrowed(pixels);
    }
    let stride = pixels.size.width as usize * pixels.layout.channels();
    let data: Vec<u8> = pixels.data.chunks_exact(stride * EVERY).flat_map(|rows| rows[..stride * BAND].iter().copied()).collect();
    let rows = (data.len() / stride) as u32;
    Cow::Owned(Pixels::new(pixels.layout, crate::Dimensions::new(pixels.size.width, rows), data))
}

/// Pixels as a PNG stores them.
pub enum Encodable<'a> {
    /// As decoded: grey, grey and alpha, RGB or RGBA.
    Direct(&'a Pixels),
    /// Grey samples of RGB pixels whose channels are all equal.
    Gray { size: crate::Dimensions, data: Vec<u8> },
    /// Indices into a palette of at most 256 colours (RGBA), with transparency when any has it.
    Indexed { size: crate::Dimensions, data: Vec<u8>, palette: Vec<[u8; 4]> },
}

impl Encodable<'_> {
    /// How many colours a palette image has (0 for the others).
    fn colors(&self) -> usize {
        match self {
            Encodable::Indexed { palette, .. } => palette.len(),
            _ => 0,
        }
    }
}

/// At most `colors` colours (2–256) chosen for the picture by NeuQuant, each pixel mapped to its
/// nearest with Floyd–Steinberg dithering (in RGBA), so that gradients stay smooth.
pub fn quantize(pixels: &Pixels, colors: u16) -> Encodable<'static> {
    let rgba: Vec<u8> = pixels.data.chunks_exact(pixels.layout.channels()).flat_map(|p| as_rgba(p, pixels.layout.channels())).collect();
    let colors = usize::from(colors.clamp(2, 256));
    // Sampling every tenth pixel: NeuQuant's own recommendation for speed at little cost.
    let quantizer = color_quant::NeuQuant::new(10, colors, &rgba);
    // NeuQuant's learning can nudge alpha below 255 even when every pixel is opaque.
    let opaque = !pixels.layout.has_alpha();
    let palette: Vec<[u8; 4]> =
        quantizer.color_map_rgba().chunks_exact(4).map(|c| [c[0], c[1], c[2], if opaque { 255 } else { c[3] }]).collect();
    let (width, height) = (pixels.size.width as usize, pixels.size.height as usize);
    // The error carried to the next pixels, for this row and the next, per channel.
    let mut here = vec![[0f32; 4]; width + 2];
    let mut below = vec![[0f32; 4]; width + 2];
    let mut data = Vec::with_capacity(width * height);
    for y in 0..height {
        for x in 0..width {
            let at = (y * width + x) * 4;
            let wanted: [f32; 4] = std::array::from_fn(|c| f32::from(rgba[at + c]) + here[x + 1][c]);
            let clamped = wanted.map(|v| v.round().clamp(0.0, 255.0) as u8);
            let index = quantizer.index_of(&clamped);
            data.push(index as u8);
            let chosen = palette[index];
            for c in 0..4 {
                let error = wanted[c] - f32::from(chosen[c]);
                here[x + 2][c] += error * 7.0 / 16.0;
                below[x][c] += error * 3.0 / 16.0;
                below[x + 1][c] += error * 5.0 / 16.0;
                below[x + 2][c] += error / 16.0;
            }
        }
        std::mem::swap(&mut here, &mut below);
        below.fill([0.0; 4]);
    }
    Encodable::Indexed { size: pixels.size, data, palette }
}

/// What `pixels` look like reduced to a palette of `colors`, dithered: the pixels a lossy PNG
/// holds, for scoring before writing it.
pub fn quantized(pixels: &Pixels, colors: u16) -> Pixels {
    let Encodable::Indexed { size, data, palette } = quantize(pixels, colors) else { unreachable!("quantize gives a palette") };
    let layout = if pixels.layout.has_alpha() { Layout::Rgba } else { Layout::Rgb };
    let data = data.iter().flat_map(|&i| palette[usize::from(i)][..layout.channels()].to_vec()).collect();
    Pixels::new(layout, size, data)
}

/// One pixel of any layout as RGBA.
fn as_rgba(p: &[u8], channels: usize) -> [u8; 4] {
    match channels {
        1 => [p[0], p[0], p[0], 255],
        2 => [p[0], p[0], p[0], p[1]],
        3 => [p[0], p[1], p[2], 255],
        _ => [p[0], p[1], p[2], p[3]],
    }
}

/// A lossless smaller form of `pixels`, when there is one.
fn reduce(pixels: &Pixels) -> Option<Encodable<'_>> {
    let channels = pixels.layout.channels();
    let rgba = |p: &[u8]| as_rgba(p, channels);
    if pixels.layout == Layout::Rgb && pixels.data.chunks_exact(3).all(|p| p[0] == p[1] && p[1] == p[2]) {
        return Some(Encodable::Gray { size: pixels.size, data: pixels.data.iter().step_by(3).copied().collect() });
    }
    if matches!(pixels.layout, Layout::Gray) {
        return None;
    }
    // Most pictures have far more colours, which every 16th row shows before a pass over all of
    // them (that pass took 0.65 ms of a 1920×1080 chart's 8 ms in WebAssembly).
    let row = pixels.size.width as usize * channels;
    let sample = pixels.data.chunks_exact(row).step_by(16).flat_map(|row| row.chunks_exact(channels));
    if distinct(sample.map(rgba), 257) > 256 {
        return None;
    }
    let mut palette: Vec<[u8; 4]> = Vec::new();
    let mut index = std::collections::HashMap::<[u8; 4], u8>::new();
    let mut data = Vec::with_capacity(pixels.size.pixels() as usize);
    // Flat pictures are mostly runs: a pixel like the one before takes its slot without a lookup
    // (a lookup per pixel took most of a 1920×1080 chart's encode).
    let mut last: Option<([u8; 4], u8)> = None;
    for pixel in pixels.data.chunks_exact(channels) {
        let colour = rgba(pixel);
        if let Some((before, slot)) = last
            && before == colour
        {
            data.push(slot);
            continue;
        }
        let slot = match index.get(&colour) {
            Some(&slot) => slot,
            None if palette.len() < 256 => {
                let slot = palette.len() as u8;
                palette.push(colour);
                index.insert(colour, slot);
                slot
            }
            None => return None,
        };
        last = Some((colour, slot));
        data.push(slot);
    }
    Some(Encodable::Indexed { size: pixels.size, data, palette })
}

/// How many different colours `colours` has, counted up to `most`. A colour like the one before
/// is not looked up: flat pictures are mostly runs.
fn distinct(colours: impl Iterator<Item = [u8; 4]>, most: usize) -> usize {
    let mut seen = std::collections::HashSet::new();
    let mut last = None;
    for colour in colours {
        if last != Some(colour) && seen.insert(colour) && seen.len() >= most {
            break;
        }
        last = Some(colour);
    }
    seen.len()
}

/// How `write` filters an image's rows before compressing them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rows {
    /// As they are: a flat run then repeats the row above byte for byte, for zlib's LZ77 to find.
    Unfiltered,
    /// Each row with the filter that leaves the fewest distinct values: our own choice
    /// (`filter::filtered`) before fdeflate's ultra-fast mode, the png crate's otherwise.
    MinEntropy,
    /// Every row with the Average filter (`fast` on photos: no choice to make).
    Average,
    /// The png crate's adaptive choice (the least sum of absolute values), for `smallest`.
    Adaptive,
}

impl Rows {
    /// The png crate's name for the same choice, when the crate filters.
    fn png(self) -> png::Filter {
        match self {
            Rows::Unfiltered => png::Filter::NoFilter,
            Rows::MinEntropy => png::Filter::MinEntropy,
            Rows::Average => png::Filter::Avg,
            Rows::Adaptive => png::Filter::Adaptive,
        }
    }
}

fn write(image: &Encodable<'_>, metadata: &OutputMetadata, compression: png::DeflateCompression, filter: Rows) -> Result<Vec<u8>> {
    let failed = |e: png::EncodingError| Error::encoding(format!("PNG encoding failed: {e}."));
    let (size, data, color_type) = match image {
        Encodable::Direct(pixels) => (
            pixels.size,
            &pixels.data,
            match pixels.layout {
                Layout::Gray => png::ColorType::Grayscale,
                Layout::GrayAlpha => png::ColorType::GrayscaleAlpha,
                Layout::Rgb => png::ColorType::Rgb,
                Layout::Rgba => png::ColorType::Rgba,
            },
        ),
        Encodable::Gray { size, data } => (*size, data, png::ColorType::Grayscale),
        Encodable::Indexed { size, data, .. } => (*size, data, png::ColorType::Indexed),
    };
    let mut info = png::Info::with_size(size.width, size.height);
    info.color_type = color_type;
    info.bit_depth = png::BitDepth::Eight;
    if let Encodable::Indexed { palette, .. } = image {
        info.palette = Some(Cow::Owned(palette.iter().flat_map(|c| [c[0], c[1], c[2]]).collect()));
        if palette.iter().any(|c| c[3] < 255) {
            // Only as many entries as the last translucent one needs.
            let last = palette.iter().rposition(|c| c[3] < 255).unwrap_or(0);
            info.trns = Some(Cow::Owned(palette[..=last].iter().map(|c| c[3]).collect()));
        }
    }
    info.icc_profile = metadata.icc.as_deref().map(Cow::Borrowed);
    info.exif_metadata = metadata.exif.as_deref().map(Cow::Borrowed);
    let mut out = Vec::with_capacity(data.len() / 2);
    let mut encoder = png::Encoder::with_info(&mut out, info).map_err(failed)?;
    encoder.set_deflate_compression(compression);
    // Filters do not help indices, whose neighbours' differences mean nothing.
    encoder.set_filter(if color_type == png::ColorType::Indexed { png::Filter::NoFilter } else { filter.png() });
    let mut writer = encoder.write_header().map_err(failed)?;
    match (compression, filter, image) {
        // A photo's rows: filtered by our own cheaper minimum-entropy choice (filter.rs), or all
        // with Average (`fast`), then fdeflate as the png crate would run it.
        (png::DeflateCompression::FdeflateUltraFast, Rows::MinEntropy | Rows::Average, Encodable::Direct(pixels)) => {
            let channels = pixels.layout.channels();
            let stride = size.width as usize * channels;
            let rows = match filter {
                Rows::Average => filter::filtered_all(data, stride, channels, filter::Filter::Average),
                _ => filter::filtered(data, stride, channels),
            };
            for part in ultra_fast(&rows)?.chunks(MAX_CHUNK) {
                writer.write_chunk(png::chunk::IDAT, part).map_err(failed)?;
            }
        }
        _ => writer.write_image_data(data).map_err(failed)?,
    }
    writer.finish().map_err(failed)?;
    Ok(out)
}

/// The most a PNG chunk holds (2³¹ − 1 bytes); IDAT data is split into as many as it needs.
const MAX_CHUNK: usize = (1 << 31) - 1;

/// Filtered rows compressed by fdeflate's ultra-fast mode, or stored when that would not be
/// smaller (as the png crate does: noise does not compress).
fn ultra_fast(rows: &[u8]) -> Result<Vec<u8>> {
    let failed = |e: std::io::Error| Error::encoding(format!("PNG encoding failed: {e}."));
    let mut compressor = fdeflate::Compressor::new(Vec::with_capacity(rows.len() / 2)).map_err(failed)?;
    compressor.write_data(rows).map_err(failed)?;
    let compressed = compressor.finish().map_err(failed)?;
    if compressed.len() <= fdeflate::StoredOnlyCompressor::<()>::compressed_size(rows.len()) {
        return Ok(compressed);
    }
    let mut stored = fdeflate::StoredOnlyCompressor::new(std::io::Cursor::new(Vec::new())).map_err(failed)?;
    stored.write_data(rows).map_err(failed)?;
    Ok(stored.finish().map_err(failed)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dimensions;

    fn decoded(bytes: &[u8]) -> (png::ColorType, Vec<u8>) {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().unwrap();
        let mut data = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut data).unwrap();
        data.truncate(info.buffer_size());
        (reader.info().color_type, data)
    }

    #[test]
    fn few_colours_are_written_with_a_palette_and_read_back_exactly() {
        // Four colours, one of them half transparent.
        let colours = [[255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 128], [255, 255, 255, 255]];
        let data: Vec<u8> = (0..64 * 64).flat_map(|i| colours[(i / 7) % 4]).collect();
        let pixels = Pixels::new(Layout::Rgba, Dimensions::new(64, 64), data.clone());
        for effort in [Effort::Balanced, Effort::Smallest] {
            let bytes = encode(&pixels, effort, &PngOptions::default(), &OutputMetadata::default()).unwrap();
            let (color_type, back) = decoded(&bytes);
            assert_eq!(color_type, png::ColorType::Indexed, "{effort:?}");
            assert_eq!(back, data, "{effort:?}: the palette loses nothing");
        }
        let fast = encode(&pixels, Effort::Fast, &PngOptions::default(), &OutputMetadata::default()).unwrap();
        assert_eq!(decoded(&fast), (png::ColorType::Rgba, data));
    }

    #[test]
    fn a_lossy_palette_has_at_most_the_colours_asked_and_stays_close() {
        // A smooth two-way gradient: thousands of colours.
        let data: Vec<u8> = (0..96 * 64).flat_map(|i| [(i % 96 * 2) as u8, (i / 96 * 3) as u8, 128]).collect();
        let pixels = Pixels::new(Layout::Rgb, Dimensions::new(96, 64), data.clone());
        let options = PngOptions { palette_colors: Some(32) };
        let bytes = encode(&pixels, Effort::Balanced, &options, &OutputMetadata::default()).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(&bytes)).read_info().unwrap();
        assert_eq!(decoder.info().color_type, png::ColorType::Indexed);
        assert!(decoder.info().palette.as_ref().unwrap().len() / 3 <= 32);
        let (_, back) = decoded(&bytes);
        // Dithering trades per-pixel error for right averages: compare 4×4 blocks, as an eye would.
        let blocks = |samples: &[u8]| -> Vec<u8> {
            (0..16 * 24 * 3)
                .map(|i| {
                    let (c, bx, by) = (i % 3, i / 3 % 24, i / 3 / 24);
                    let sum: u32 = (0..16).map(|k| u32::from(samples[((by * 4 + k / 4) * 96 + bx * 4 + k % 4) * 3 + c])).sum();
                    (sum / 16) as u8
                })
                .collect()
        };
        let diff = crate::testdata::mean_abs_diff(&blocks(&back), &blocks(&data));
        assert!(diff < 3.0, "dithered 32 colours differ by {diff:.1} per sample on 4×4 averages");
    }

    /// The fixture photo, decoded.
    fn photo() -> Pixels {
        crate::Image::decode(&crate::testdata::fixture("photo-640x400.jpg"), &Default::default()).unwrap().into_pixels_upright()
    }

    /// What fdeflate's ultra-fast mode alone writes, with the balanced filters.
    fn fdeflate(pixels: &Pixels) -> Vec<u8> {
        write(&Encodable::Direct(pixels), &OutputMetadata::default(), png::DeflateCompression::FdeflateUltraFast, Rows::MinEntropy).unwrap()
    }

    #[test]
    fn a_lossy_palette_is_compressed() {
        let pixels = photo();
        let options = PngOptions { palette_colors: Some(256) };
        for effort in [Effort::Fast, Effort::Balanced] {
            let bytes = encode(&pixels, effort, &options, &OutputMetadata::default()).unwrap();
            // fdeflate's ultra-fast mode stored these indices at 8 bits a pixel, zlib-rs's level 1
            // (fixed codes) at 7.5; dithered photo noise compresses to 6.6 at zlib level 2.
            let bits = bytes.len() as f64 * 8.0 / pixels.size.pixels() as f64;
            assert!(bits < 7.5, "{effort:?}: {bits:.2} bits a pixel");
        }
    }

    #[test]
    fn flat_pictures_go_unfiltered_to_zlib_and_photos_keep_fdeflate_at_both_quick_efforts() {
        // A screenshot's kind of picture: lines of antialiased "text" on white, the same few glyphs
        // again and again, each word in its own colour (over 256 in all, so no palette).
        let (width, height) = (640u32, 480u32);
        let glyph = |g: u32, gx: u32, gy: u32| (g.wrapping_mul(2_654_435_761).rotate_left(gx * 3 + gy * 5) >> 29) * 36; // 0..252
        let data: Vec<u8> = (0..width * height)
            .flat_map(|i| {
                let (x, y) = (i % width, i / width);
                let (line, gy) = (y / 16, y % 16);
                let (cell, gx) = (x / 8, x % 8);
                let word = line * 80 + cell / 6;
                let ink = if (3..13).contains(&gy) && gx < 7 && cell % 6 != 5 { glyph((cell + line) % 9 + 1, gx, gy) } else { 0 };
                let colour = [(word * 53 % 200) as u8, (word * 97 % 200) as u8, (word * 31 % 200) as u8];
                colour.map(|c| (255 - (255 - u32::from(c)) * ink / 252) as u8)
            })
            .collect();
        let flat = Pixels::new(Layout::Rgb, Dimensions::new(width, height), data);
        assert!(flat_share(&flat) > 0.5);
        // Too short for a sample of rows (under 256): tried whole, and the same choice.
        let short = Pixels::new(Layout::Rgb, Dimensions::new(width, 200), flat.data[..(width * 200 * 3) as usize].to_vec());
        assert!(matches!(balanced(&Encodable::Direct(&short)), (png::DeflateCompression::Level(2), Rows::Unfiltered)));
        let ultra = fdeflate(&flat);
        let balanced = encode(&flat, Effort::Balanced, &PngOptions::default(), &OutputMetadata::default()).unwrap();
        assert!(balanced.len() * 6 < ultra.len() * 5, "balanced {} B, fdeflate {} B", balanced.len(), ultra.len());
        let unfiltered = write(&Encodable::Direct(&flat), &OutputMetadata::default(), png::DeflateCompression::Level(2), Rows::Unfiltered);
        assert_eq!(balanced, unfiltered.unwrap(), "zlib level 2, unfiltered");
        assert_eq!(decoded(&balanced).1, flat.data);

        // `fast` makes the same choice.
        assert_eq!(encode(&flat, Effort::Fast, &PngOptions::default(), &OutputMetadata::default()).unwrap(), balanced);

        let photo = photo();
        assert!(flat_share(&photo) < 0.5);
        let ultra = fdeflate(&photo);
        assert_eq!(encode(&photo, Effort::Balanced, &PngOptions::default(), &OutputMetadata::default()).unwrap(), ultra);
        // `fast`: fdeflate too, every row filtered with Average.
        let average =
            write(&Encodable::Direct(&photo), &OutputMetadata::default(), png::DeflateCompression::FdeflateUltraFast, Rows::Average);
        let fast = encode(&photo, Effort::Fast, &PngOptions::default(), &OutputMetadata::default()).unwrap();
        assert_eq!(fast, average.unwrap());
        assert_eq!(decoded(&fast), (png::ColorType::Rgb, photo.data.clone()));
    }

    #[test]
    fn an_opaque_alpha_channel_is_left_out() {
        let photo = photo();
        let rgba: Vec<u8> = photo.data.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect();
        let opaque = Pixels::new(Layout::Rgba, photo.size, rgba.clone());
        for effort in [Effort::Fast, Effort::Balanced, Effort::Smallest] {
            let bytes = encode(&opaque, effort, &PngOptions::default(), &OutputMetadata::default()).unwrap();
            assert_eq!(decoded(&bytes), (png::ColorType::Rgb, photo.data.clone()), "{effort:?}");
        }
        // One translucent pixel keeps the channel.
        let mut translucent = rgba;
        translucent[3] = 254;
        let pixels = Pixels::new(Layout::Rgba, photo.size, translucent.clone());
        let bytes = encode(&pixels, Effort::Balanced, &PngOptions::default(), &OutputMetadata::default()).unwrap();
        assert_eq!(decoded(&bytes), (png::ColorType::Rgba, translucent));
    }

    #[test]
    fn grey_rgb_is_written_as_grey() {
        let data: Vec<u8> = (0..32 * 32).flat_map(|i| [(i % 251) as u8; 3]).collect();
        let pixels = Pixels::new(Layout::Rgb, Dimensions::new(32, 32), data.clone());
        let bytes = encode(&pixels, Effort::Balanced, &PngOptions::default(), &OutputMetadata::default()).unwrap();
        let (color_type, back) = decoded(&bytes);
        assert_eq!(color_type, png::ColorType::Grayscale);
        assert_eq!(back.len(), 32 * 32);
        assert!(back.iter().zip(data.iter().step_by(3)).all(|(a, b)| a == b));
    }
}
