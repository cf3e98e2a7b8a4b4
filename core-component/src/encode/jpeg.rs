//! JPEG with mozjpeg-rs, MozJPEG's methods in safe Rust: at `fast`, baseline with optimised
//! Huffman tables; at `balanced`, trellis quantisation and deringing too; at `smallest`,
//! progressive with optimised scans. Quantisation tables are MozJPEG's defaults (tuned on photos,
//! not the JPEG standard's Annex K). Baseline output is one interleaved scan, which every decoder
//! reads: jpeg-encoder's one-scan-per-component baseline decoded as noise in zune-jpeg 0.5.15, the
//! `image` crate's decoder (docs/codecs.md).

use mozjpeg_rs::{Encoder, Preset, QuantTableIdx, Subsampling};

use super::{ChromaSubsampling, Effort, JpegOptions};
use crate::{
    error::{Error, Result},
    metadata::OutputMetadata,
    pixels::{Layout, Pixels},
};

/// The number given to MozJPEG for a quality on our scale, which is the one browsers and libjpeg
/// use: JPEG 80 here must look at least as good as a browser's JPEG 80. At the same number
/// MozJPEG's tables look a little worse (SSIMULACRA2 0.3–2 points lower at 80 on four corpus photos
/// at 1920 px, against libjpeg-turbo), and 5 more makes up for it on all four while the files stay
/// 1–30% smaller (docs/codecs.md). Above 80 the step shrinks, reaching 100 at 100.
pub fn mozjpeg_quality(asked: u8) -> u8 {
    let asked = asked.clamp(1, 100);
    if asked <= 80 { asked + 5 } else { asked + ((100 - u16::from(asked)) * 5 / 20) as u8 }
}

/// How much coarser than MozJPEG's default the colour is quantised when it is kept at more than a
/// quarter of its resolution (4:2:2, 4:4:4) by the trellis encoders (`balanced`, `smallest`). The
/// extra colour detail then costs fewer bytes than the same look bought with finer brightness:
/// at the same SSIMULACRA2, 3–10% fewer bytes on a photo, a screenshot and a chart
/// (docs/codecs.md, "Colour quantised coarser"). Measured for ×1.25 to ×1.6: beyond ×1.3 the
/// score falls faster than the bytes.
const CHROMA_COARSER: f32 = 1.25;

/// MozJPEG's default chroma table (ImageMagick's, which its presets use) times `CHROMA_COARSER`;
/// the quality's scaling applies to it as to the default.
fn coarser_chroma() -> [u16; 64] {
    let base = mozjpeg_rs::quant::get_chrominance_quant_table(QuantTableIdx::ImageMagick);
    base.map(|q| (f32::from(q) * CHROMA_COARSER).round() as u16)
}

pub fn encode(pixels: &Pixels, quality: u8, effort: Effort, options: &JpegOptions, metadata: &OutputMetadata) -> Result<Vec<u8>> {
    if pixels.size.width > 65_535 || pixels.size.height > 65_535 {
        return Err(Error::encoding(format!(
            "A JPEG cannot be {}: its sides are limited to 65 535 pixels. Choose a smaller size or PNG.",
            pixels.size
        )));
    }
    let encoder = match (effort, options.progressive) {
        (Effort::Fast, progressive) => Encoder::new(Preset::BaselineFastest).optimize_huffman(true).progressive(progressive),
        (Effort::Balanced, false) => Encoder::new(Preset::BaselineBalanced),
        (Effort::Balanced, true) => Encoder::new(Preset::ProgressiveBalanced),
        (Effort::Smallest, _) => Encoder::new(Preset::ProgressiveSmallest),
    };
    let mut encoder = encoder.quality(mozjpeg_quality(quality)).subsampling(match options.chroma_subsampling {
        ChromaSubsampling::Yuv444 => Subsampling::S444,
        ChromaSubsampling::Yuv422 => Subsampling::S422,
        ChromaSubsampling::Yuv420 => Subsampling::S420,
    });
    if effort != Effort::Fast && options.chroma_subsampling != ChromaSubsampling::Yuv420 {
        encoder = encoder.custom_chroma_qtable(coarser_chroma());
    }
    if let Some(icc) = &metadata.icc {
        encoder = encoder.icc_profile(icc.clone());
    }
    if let Some(exif) = &metadata.exif {
        encoder = encoder.exif_data(exif.clone());
    }
    let (width, height) = (pixels.size.width, pixels.size.height);
    let written = match pixels.layout {
        Layout::Gray => encoder.subsampling(Subsampling::Gray).encode_gray(&pixels.data, width, height),
        Layout::Rgb => encoder.encode_rgb(&pixels.data, width, height),
        other => return Err(Error::encoding(format!("internal: JPEG needs opaque pixels, got {other:?}"))),
    };
    written.map_err(|e| Error::encoding(format!("JPEG encoding failed: {e}.")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata;

    /// The quantisation tables a JPEG defines (DQT segments), by table number.
    fn tables(jpeg: &[u8]) -> Vec<(u8, Vec<u16>)> {
        let mut found = Vec::new();
        let mut at = 2;
        while at + 4 <= jpeg.len() && jpeg[at] == 0xFF && jpeg[at + 1] != 0xDA {
            let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
            if jpeg[at + 1] == 0xDB {
                let mut body = &jpeg[at + 4..at + 2 + len];
                while let [info, rest @ ..] = body {
                    let wide = info >> 4 == 1;
                    let count = if wide { 128 } else { 64 };
                    let values = rest[..count].chunks(if wide { 2 } else { 1 }).map(|v| v.iter().fold(0, |n, &b| n << 8 | u16::from(b)));
                    found.push((info & 15, values.collect()));
                    body = &rest[count..];
                }
            }
            at += 2 + len;
        }
        found
    }

    /// The colour table's entries divided by what MozJPEG's default gives at the same quality.
    fn chroma_ratio(effort: Effort, chroma: ChromaSubsampling) -> f64 {
        let pixels = testdata::photo();
        let options = JpegOptions { chroma_subsampling: chroma, ..JpegOptions::default() };
        let ours = tables(&encode(&pixels, 80, effort, &options, &OutputMetadata::default()).unwrap());
        let default = mozjpeg_rs::quant::create_quant_tables(mozjpeg_quality(80), QuantTableIdx::ImageMagick, false).1;
        let chroma = &ours.iter().find(|(number, _)| *number == 1).expect("a colour table").1;
        let (sum, default_sum) =
            (chroma.iter().map(|&v| f64::from(v)).sum::<f64>(), default.values.iter().map(|&v| f64::from(v)).sum::<f64>());
        sum / default_sum
    }

    #[test]
    fn colour_kept_finer_than_4_2_0_is_quantised_coarser_by_the_trellis_encoders() {
        for effort in [Effort::Balanced, Effort::Smallest] {
            for chroma in [ChromaSubsampling::Yuv422, ChromaSubsampling::Yuv444] {
                let ratio = chroma_ratio(effort, chroma);
                assert!((ratio - f64::from(CHROMA_COARSER)).abs() < 0.03, "{effort:?} {chroma:?}: {ratio:.3}");
            }
            assert!((chroma_ratio(effort, ChromaSubsampling::Yuv420) - 1.0).abs() < 1e-9, "{effort:?} 4:2:0");
        }
        assert!((chroma_ratio(Effort::Fast, ChromaSubsampling::Yuv444) - 1.0).abs() < 1e-9, "fast 4:4:4");
    }

    #[test]
    fn our_scale_rises_steadily_to_mozjpegs_100() {
        let mapped: Vec<u8> = (1..=100).map(mozjpeg_quality).collect();
        assert!(mapped.windows(2).all(|w| w[0] <= w[1]), "{mapped:?}");
        assert_eq!((mozjpeg_quality(80), mozjpeg_quality(90), mozjpeg_quality(100)), (85, 92, 100));
    }
}
