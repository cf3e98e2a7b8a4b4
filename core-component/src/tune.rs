//! Automatic quality: the lowest quality whose output still scores at least the target on
//! SSIMULACRA2 against the pixels it was made from.
//!
//! Scoring a whole photo for every candidate quality would cost several full encodes, decodes and
//! metric runs. The search instead runs on a mosaic of tiles taken across the image, cut on the
//! JPEG's 16-pixel block grid so that each tile compresses exactly as it does in the whole image;
//! then the quality it finds is checked once on the whole image, and raised until that check
//! passes. [`Tuned::encodes`] says how many encodes it took (the tests bound it).

use localpix_contract::QualityScore;

use crate::{
    Dimensions, container, decode, encode::Writer, error::Result, limits::Limits, metadata::OutputMetadata, pixels::Pixels, score,
};

/// The quality search's bounds: below 30 JPEG falls apart; above 98 it only grows.
const LOWEST: u8 = 30;
const HIGHEST: u8 = 98;
/// Images this small are searched whole: a mosaic would be most of them anyway.
const WHOLE_BELOW: u64 = 512 * 512;
/// The mosaic: a grid of tiles of this side, sampled evenly over the image.
const TILE: u32 = 128;
const GRID: u32 = 3;

/// The quality found, the output at that quality and its score on the whole image.
pub struct Tuned {
    pub writer: Writer,
    pub bytes: Vec<u8>,
    pub score: QualityScore,
    /// How many times the encoder ran (on the mosaic or the whole).
    pub encodes: u32,
}

/// Finds the lowest quality of `writer` (a lossy writer) that scores `target` on `pixels`.
pub fn tune(pixels: &Pixels, writer: Writer, metadata: &OutputMetadata, target: f32) -> Result<Tuned> {
    let mut encodes = 0;
    let sample = if pixels.size.pixels() < WHOLE_BELOW { None } else { mosaic(pixels) };
    let searched = sample.as_ref().unwrap_or(pixels);
    // The sample's side of the metric, prepared once for every candidate.
    let reference = score::reference(searched);
    // Bisection on the sample for the lowest passing quality: about six encodes of a small image.
    let (mut low, mut high) = (LOWEST, HIGHEST);
    while low < high {
        let quality = low + (high - low) / 2;
        encodes += 1;
        let bytes = writer.with_quality(quality).encode(searched, &OutputMetadata::default())?;
        let score = match (&reference, decoded(&bytes)) {
            (Some(reference), Some(candidate)) => score::ssimulacra2_against(reference, &candidate),
            _ => None,
        };
        // A sample too small to score passes: the whole image decides below.
        if score.is_none_or(|s| s >= target) { high = quality } else { low = quality + 1 }
    }
    // Then the whole image, raising the quality until it passes there too.
    let mut quality = low;
    loop {
        let candidate = writer.with_quality(quality);
        let bytes = candidate.encode(pixels, metadata)?;
        encodes += 1;
        let score = score_of(pixels, &bytes);
        let passes = score.is_none_or(|s| s.ssimulacra2 >= target);
        if passes || quality >= HIGHEST {
            let score = score.unwrap_or(QualityScore { ssimulacra2: 100.0, ssim: 1.0 });
            return Ok(Tuned { writer: candidate, bytes, score, encodes });
        }
        // Each step of quality buys about half a point of SSIMULACRA2 at these levels.
        let missing = target - score.map_or(0.0, |s| s.ssimulacra2);
        quality = (quality + (missing * 2.0).ceil().clamp(1.0, 10.0) as u8).min(HIGHEST);
    }
}

/// The fewest colours (halving from the most allowed, down to 2) whose dithered palette still
/// scores `target` on `pixels`: the quality knob of lossy PNG.
pub fn tune_palette(pixels: &Pixels, most: u16, writer: Writer, metadata: &OutputMetadata, target: f32) -> Result<Tuned> {
    let sample = |p: &Pixels| if pixels.size.pixels() < WHOLE_BELOW { None } else { mosaic(p) };
    let reference = sample(pixels);
    let mut chosen = most;
    let mut colors = most / 2;
    let mut encodes = 0;
    while colors >= 2 {
        encodes += 1;
        let reduced = crate::encode::quantized(pixels, colors);
        let score = match (&reference, sample(&reduced)) {
            (Some(reference), Some(reduced)) => score::ssimulacra2_of(reference, &reduced),
            _ => score::ssimulacra2_of(pixels, &reduced),
        };
        if score.is_none_or(|s| s < target) {
            break;
        }
        chosen = colors;
        colors /= 2;
    }
    let writer = writer.with_palette(chosen);
    let bytes = writer.encode(pixels, metadata)?;
    let score = score_of(pixels, &bytes).unwrap_or(QualityScore { ssimulacra2: 100.0, ssim: 1.0 });
    Ok(Tuned { writer, bytes, score, encodes: encodes + 1 })
}

/// An output of ours, decoded.
fn decoded(bytes: &[u8]) -> Option<Pixels> {
    let container = container::read(bytes).ok()?;
    Some(decode::decode(bytes, &container, &Limits::default(), None).ok()?.pixels)
}

/// Decodes `bytes` (an output of ours) and scores it against `pixels`.
pub fn score_of(pixels: &Pixels, bytes: &[u8]) -> Option<QualityScore> {
    score::score(pixels, &decoded(bytes)?)
}

/// A `GRID`×`GRID` mosaic of `TILE`-pixel tiles spread evenly over the image, each cut on the 16-
/// pixel grid of 4:2:0 JPEG blocks. `None` when the image is too small to tile.
fn mosaic(pixels: &Pixels) -> Option<Pixels> {
    let (width, height) = (pixels.size.width, pixels.size.height);
    if width < TILE * GRID || height < TILE * GRID {
        return None;
    }
    let channels = pixels.layout.channels();
    let side = (TILE * GRID) as usize;
    let mut data = vec![0u8; side * side * channels];
    for gy in 0..GRID {
        for gx in 0..GRID {
            // The tile's centre at the middle of its cell of the image, snapped to the block grid.
            let left = ((width / GRID * gx + width / GRID / 2).saturating_sub(TILE / 2) / 16 * 16).min(width - TILE) as usize;
            let top = ((height / GRID * gy + height / GRID / 2).saturating_sub(TILE / 2) / 16 * 16).min(height - TILE) as usize;
            for row in 0..TILE as usize {
                let from = ((top + row) * width as usize + left) * channels;
                let to = ((gy * TILE) as usize + row) * side * channels + (gx * TILE) as usize * channels;
                data[to..to + TILE as usize * channels].copy_from_slice(&pixels.data[from..from + TILE as usize * channels]);
            }
        }
    }
    Some(Pixels::new(pixels.layout, Dimensions::new(side as u32, side as u32), data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        encode::{Effort, JpegOptions},
        testdata,
    };

    fn photo() -> Pixels {
        let bytes = testdata::fixture("photo-640x400.jpg");
        let container = container::read(&bytes).unwrap();
        decode::decode(&bytes, &container, &Limits::default(), None).unwrap().pixels
    }

    fn jpeg() -> Writer {
        Writer::Jpeg { quality: 80, effort: Effort::Balanced, options: JpegOptions::default() }
    }

    #[test]
    fn meets_each_target_with_the_lowest_quality_that_does() {
        let pixels = photo();
        let mut last_quality = 0;
        for target in [60.0, 70.0, 80.0, 90.0] {
            let tuned = tune(&pixels, jpeg(), &OutputMetadata::default(), target).unwrap();
            assert!(tuned.score.ssimulacra2 >= target, "target {target}: {:?}", tuned.score);
            let quality = tuned.writer.quality().unwrap();
            assert!(quality >= last_quality, "a higher target needs at least the same quality");
            last_quality = quality;
            if quality > LOWEST {
                let below = score_of(&pixels, &tuned.writer.with_quality(quality - 2).encode(&pixels, &OutputMetadata::default()).unwrap());
                assert!(below.unwrap().ssimulacra2 < target + 3.0, "target {target}: quality {quality} is far more than needed");
            }
            assert!(tuned.encodes <= 12, "target {target}: {} encodes", tuned.encodes);
        }
    }

    #[test]
    fn an_unreachable_target_stops_at_the_highest_quality() {
        let tuned = tune(&photo(), jpeg(), &OutputMetadata::default(), 99.9).unwrap();
        assert_eq!(tuned.writer.quality(), Some(HIGHEST));
        assert!(tuned.encodes <= 20, "{} encodes", tuned.encodes);
    }

    #[test]
    fn a_lossy_png_gets_the_fewest_colours_that_meet_the_target() {
        let pixels = photo();
        let png = Writer::Png { effort: Effort::Fast, options: crate::encode::PngOptions { palette_colors: Some(256) } };
        let (loose, strict) = (
            tune_palette(&pixels, 256, png, &OutputMetadata::default(), 40.0).unwrap(),
            tune_palette(&pixels, 256, png, &OutputMetadata::default(), 70.0).unwrap(),
        );
        let (few, more) = (loose.writer.palette_colors().unwrap(), strict.writer.palette_colors().unwrap());
        assert!(few <= more, "{few} colours for 40, {more} for 70");
        assert!(loose.bytes.len() <= strict.bytes.len());
    }

    #[test]
    fn the_mosaic_is_cut_on_the_block_grid() {
        let pixels = photo();
        let sample = mosaic(&pixels).unwrap();
        assert_eq!(sample.size, Dimensions::new(TILE * GRID, TILE * GRID));
        // The first tile's first row is the image's row at the tile's top, from a multiple of 16.
        let row = &sample.data[..TILE as usize * 3];
        let found = (0..pixels.size.height as usize).any(|y| {
            (0..=(pixels.size.width - TILE) as usize)
                .step_by(16)
                .any(|x| &pixels.data[(y * pixels.size.width as usize + x) * 3..][..TILE as usize * 3] == row)
        });
        assert!(found);
    }
}
