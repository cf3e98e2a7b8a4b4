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

/// The colour (chroma) quantisation table: MozJPEG's default, scaled with the quality as the
/// brightness table is, or `CHROMA_COARSER` times coarser. Where colour is kept at more than a
/// quarter of its resolution (4:2:2, 4:4:4), SSIMULACRA2 often pays less for colour detail than
/// for brightness detail, so the same look can cost fewer bytes with coarser colour and finer
/// brightness (a chart, a screenshot: docs/codecs.md), but not on every picture (an illustration
/// of saturated shapes loses its look): `smallest` chooses per image (`tune::chroma_for_smallest`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ChromaTable {
    #[default]
    Standard,
    Coarser,
}

/// How much coarser `ChromaTable::Coarser` is: measured from ×1.2 to ×1.6 on four images, beyond
/// ×1.3 the score fell faster than the bytes.
const CHROMA_COARSER: f32 = 1.25;

/// MozJPEG's default chroma table (ImageMagick's, which its presets use) times `CHROMA_COARSER`;
/// the quality's scaling applies to it as to the default.
fn coarser_chroma() -> [u16; 64] {
    let base = mozjpeg_rs::quant::get_chrominance_quant_table(QuantTableIdx::ImageMagick);
    base.map(|q| (f32::from(q) * CHROMA_COARSER).round() as u16)
}

pub fn encode(
    pixels: &Pixels,
    quality: u8,
    effort: Effort,
    options: &JpegOptions,
    chroma_table: ChromaTable,
    metadata: &OutputMetadata,
) -> Result<Vec<u8>> {
    if pixels.size.width > 65_535 || pixels.size.height > 65_535 {
        return Err(Error::encoding(format!(
            "A JPEG cannot be {}: its sides are limited to 65 535 pixels. Choose a smaller size or PNG.",
            pixels.size
        )));
    }
    let encoder = encoder(quality, effort, options, chroma_table, metadata);
    let (width, height) = (pixels.size.width, pixels.size.height);
    let written = match pixels.layout {
        Layout::Gray => encoder.subsampling(Subsampling::Gray).encode_gray(&pixels.data, width, height),
        Layout::Rgb => encoder.encode_rgb(&pixels.data, width, height),
        other => return Err(Error::encoding(format!("internal: JPEG needs opaque pixels, got {other:?}"))),
    };
    written.map_err(failed)
}

/// The encoder for these settings, with the metadata it writes.
fn encoder(quality: u8, effort: Effort, options: &JpegOptions, chroma_table: ChromaTable, metadata: &OutputMetadata) -> Encoder {
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
    if chroma_table == ChromaTable::Coarser {
        encoder = encoder.custom_chroma_qtable(coarser_chroma());
    }
    if let Some(icc) = &metadata.icc {
        encoder = encoder.icc_profile(icc.clone());
    }
    if let Some(exif) = &metadata.exif {
        encoder = encoder.exif_data(exif.clone());
    }
    encoder
}

fn failed(e: mozjpeg_rs::Error) -> Error {
    Error::encoding(format!("JPEG encoding failed: {e}."))
}

/// Encoding in bands, so that two engines share the work of one JPEG (`pipeline::shared`): each
/// quantises a band of whole rows of blocks, and one writes the file from both, the bytes `encode`
/// writes. Only a baseline JPEG (`fast`, `balanced`) of RGB pixels with the standard colour table
/// is written so.
pub mod bands {
    use mozjpeg_rs::QuantizedBand;

    use super::*;

    /// Settings for which the encoder writes in bands.
    pub fn possible(effort: Effort, options: &JpegOptions, chroma_table: ChromaTable, layout: Layout) -> bool {
        effort != Effort::Smallest && !options.progressive && chroma_table == ChromaTable::Standard && layout == Layout::Rgb
    }

    /// The rows a band that does not end the picture is a multiple of (an MCU's height).
    pub fn step(options: &JpegOptions) -> u32 {
        settings(80, Effort::Balanced, options).band_rows()
    }

    fn settings(quality: u8, effort: Effort, options: &JpegOptions) -> Encoder {
        encoder(quality, effort, options, ChromaTable::Standard, &OutputMetadata::default())
    }

    /// `rows` rows of RGB `pixels` `width` wide quantised, for [`encode`].
    pub fn quantize(pixels: &[u8], width: u32, rows: u32, quality: u8, effort: Effort, options: &JpegOptions) -> Result<Band> {
        Ok(Band(settings(quality, effort, options).quantize_rgb_band(pixels, width, rows).map_err(failed)?))
    }

    /// A band quantised, by this engine or, carried as bytes, by another of the same build.
    pub struct Band(QuantizedBand);

    impl Band {
        /// The band as carried to another engine (sparse: its non-zero coefficients).
        pub fn to_bytes(&self) -> Vec<u8> {
            self.0.to_bytes()
        }

        /// A band another engine quantised with these settings, from its [`Band::to_bytes`].
        pub fn from_bytes(bytes: &[u8], quality: u8, effort: Effort, options: &JpegOptions) -> Result<Self> {
            QuantizedBand::from_bytes(bytes, &settings(quality, effort, options))
                .map(Band)
                .map_err(|e| Error::invalid(format!("The other engine's part of the JPEG is not usable: {e}.")))
        }
    }

    /// The JPEG of `size` from its bands top to bottom, `theirs` the rest of the picture.
    pub fn encode(
        size: crate::Dimensions,
        ours: Band,
        theirs: Band,
        quality: u8,
        effort: Effort,
        options: &JpegOptions,
        metadata: &OutputMetadata,
    ) -> Result<Vec<u8>> {
        encoder(quality, effort, options, ChromaTable::Standard, metadata)
            .encode_bands(size.width, size.height, vec![ours.0, theirs.0])
            .map_err(|e| Error::invalid(format!("The other engine's part of the JPEG does not fit this one: {e}.")))
    }
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
    fn chroma_ratio(effort: Effort, chroma: ChromaSubsampling, table: ChromaTable) -> f64 {
        let options = JpegOptions { chroma_subsampling: chroma, ..JpegOptions::default() };
        let ours = tables(&encode(&testdata::photo(), 80, effort, &options, table, &OutputMetadata::default()).unwrap());
        let default = mozjpeg_rs::quant::create_quant_tables(mozjpeg_quality(80), QuantTableIdx::ImageMagick, false).1;
        let chroma = &ours.iter().find(|(number, _)| *number == 1).expect("a colour table").1;
        let sum = |values: &mut dyn Iterator<Item = u16>| values.map(f64::from).sum::<f64>();
        sum(&mut chroma.iter().copied()) / sum(&mut default.values.iter().copied())
    }

    #[test]
    fn the_coarser_colour_table_is_what_the_file_carries() {
        for effort in [Effort::Fast, Effort::Balanced, Effort::Smallest] {
            for chroma in [ChromaSubsampling::Yuv420, ChromaSubsampling::Yuv422, ChromaSubsampling::Yuv444] {
                let (standard, coarser) =
                    (chroma_ratio(effort, chroma, ChromaTable::Standard), chroma_ratio(effort, chroma, ChromaTable::Coarser));
                assert!((standard - 1.0).abs() < 1e-9, "{effort:?} {chroma:?}: {standard:.3}");
                assert!((coarser - f64::from(CHROMA_COARSER)).abs() < 0.03, "{effort:?} {chroma:?}: {coarser:.3}");
            }
        }
    }

    #[test]
    fn our_scale_rises_steadily_to_mozjpegs_100() {
        let mapped: Vec<u8> = (1..=100).map(mozjpeg_quality).collect();
        assert!(mapped.windows(2).all(|w| w[0] <= w[1]), "{mapped:?}");
        assert_eq!((mozjpeg_quality(80), mozjpeg_quality(90), mozjpeg_quality(100)), (85, 92, 100));
    }
}
