//! JPEG with mozjpeg-rs, MozJPEG's methods in safe Rust: at `fast`, baseline with optimised
//! Huffman tables; at `balanced`, trellis quantisation and deringing too; at `smallest`,
//! progressive with optimised scans. Quantisation tables are MozJPEG's defaults (tuned on photos,
//! not the JPEG standard's Annex K). Baseline output is one interleaved scan, which every decoder
//! reads: jpeg-encoder's one-scan-per-component baseline decoded as noise in zune-jpeg 0.5.15, the
//! `image` crate's decoder (docs/codecs.md).

use mozjpeg_rs::{Encoder, Preset, Subsampling};

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

    #[test]
    fn our_scale_rises_steadily_to_mozjpegs_100() {
        let mapped: Vec<u8> = (1..=100).map(mozjpeg_quality).collect();
        assert!(mapped.windows(2).all(|w| w[0] <= w[1]), "{mapped:?}");
        assert_eq!((mozjpeg_quality(80), mozjpeg_quality(90), mozjpeg_quality(100)), (85, 92, 100));
    }
}
