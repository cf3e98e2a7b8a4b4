//! localpix: a baseline JPEG quantised in bands of whole MCU rows, so that two engines (two Web
//! Workers, which share no memory) can share one encode.
//!
//! A block's forward DCT, deringing and AC trellis read only its own 64 samples, the colour
//! conversion one pixel and the chroma downsampling one MCU's rows, so a band of whole MCU rows is
//! quantised exactly as in the whole picture: that is the costly part, and it is what the bands
//! split. Each band also counts its AC symbols (a block's DC does not change them) and runs the
//! DC trellis over its rows as if the rows above ended on a DC of 0. Each row's DC chain starts
//! from the last DC of the row before, so where a band meets the one above,
//! `Encoder::encode_bands` runs the trellis again from the true DC, row by row, until a row comes
//! out as the band had it (the rows below it then do too: usually the first row). Then the DC
//! symbols are counted, the tables made and the blocks written in order: the file is
//! `encode_rgb`'s to the byte.
//!
//! The helpers below are also the whole-picture encoder's (`encode_ycbcr_mcu_to_writer`), so the
//! two cannot drift apart.

use std::io::Write;

use super::helpers::{
    create_std_ac_chroma_table, create_std_ac_luma_table, create_std_dc_chroma_table,
    create_std_dc_luma_table, create_ycbcr_components, get_row_indices, run_dc_trellis_by_row,
    try_alloc_vec, try_alloc_vec_array,
};
use super::Encoder;
use crate::consts::{DCTSIZE, DCTSIZE2, JPEG_NATURAL_ORDER};
use crate::entropy::SymbolCounter;
use crate::error::{Error, Result};
use crate::huffman::{DerivedTable, FrequencyCounter};
use crate::marker::MarkerWriter;
use crate::progressive::generate_baseline_scan;
use crate::quant::create_quant_tables;
use crate::sample;
use crate::simd::entropy::{SimdEntropyEncoder, nonzero_mask};
use crate::trellis::{DcInput, dc_trellis_of_inputs};
use crate::types::{ComponentInfo, QuantTable, Subsampling};

/// Every block of a picture or of a band of it, quantised, in MCU order (an MCU's luma blocks row
/// by row, then its Cb and Cr block), with what the DC trellis reads of each when it runs.
#[derive(Debug, Default)]
pub(crate) struct QuantizedBlocks {
    pub(crate) y: Vec<[i16; DCTSIZE2]>,
    pub(crate) cb: Vec<[i16; DCTSIZE2]>,
    pub(crate) cr: Vec<[i16; DCTSIZE2]>,
    /// Empty without the DC trellis.
    pub(crate) y_dc: Vec<DcInput>,
    pub(crate) cb_dc: Vec<DcInput>,
    pub(crate) cr_dc: Vec<DcInput>,
}

impl QuantizedBlocks {
    /// `more`'s blocks after these (the MCU rows below them).
    fn append(&mut self, more: QuantizedBlocks) {
        self.y.extend(more.y);
        self.cb.extend(more.cb);
        self.cr.extend(more.cr);
        self.y_dc.extend(more.y_dc);
        self.cb_dc.extend(more.cb_dc);
        self.cr_dc.extend(more.cr_dc);
    }
}

/// MCU rows a band quantises at a time (`Encoder::quantize_rgb_band`).
const STRIP_MCU_ROWS: usize = 8;

/// A band of whole MCU rows of an RGB picture, quantised by [`Encoder::quantize_rgb_band`] for
/// [`Encoder::encode_bands`].
#[derive(Debug)]
pub struct QuantizedBand {
    width: usize,
    rows: usize,
    blocks: QuantizedBlocks,
    /// The band's AC symbols, brightness and colour.
    ac: [FrequencyCounter; 2],
    /// Whether the DC trellis ran over the band's rows (from a DC of 0 above them); when it
    /// could not (it looks at the row above: `delta_dc_weight`), it runs over the whole picture.
    dc_settled: bool,
}

/// The serialised band starts with this, then width and rows (u32 little-endian each), whether it
/// has DC inputs and whether its DCs are settled (a byte each), then the blocks and DC inputs (i32
/// and f32 LE) in `QuantizedBlocks`' order, then its AC symbols' counts (u32 LE, brightness then
/// colour). A block is its non-zero coefficients' mask by zigzag position (u64 LE) and those
/// coefficients in that order (i16 LE): most are zero, and the band is a sixth of its 128 bytes a
/// block (0.5 MB rather than 3 for the bottom of a 1920 × 1080 photo), which a browser copies
/// twice between workers and keeps until it collects its garbage.
const BAND_MAGIC: &[u8; 4] = b"LPQ3";
const HEADER: usize = 14;
const COUNTS: usize = 2 * 257 * 4;

impl QuantizedBand {
    /// Pixel rows in the band.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The band as bytes, to carry it to another engine ([`QuantizedBand::from_bytes`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        let b = &self.blocks;
        let blocks = b.y.len() + b.cb.len() + b.cr.len();
        let inputs = b.y_dc.len() + b.cb_dc.len() + b.cr_dc.len();
        let mut out = Vec::with_capacity(HEADER + blocks * 24 + inputs * 8 + COUNTS);
        out.extend_from_slice(BAND_MAGIC);
        out.extend_from_slice(&(self.width as u32).to_le_bytes());
        out.extend_from_slice(&(self.rows as u32).to_le_bytes());
        out.push(u8::from(!b.y_dc.is_empty()));
        out.push(u8::from(self.dc_settled));
        for block in b.y.iter().chain(&b.cb).chain(&b.cr) {
            let mask = nonzero_mask(block);
            out.extend_from_slice(&mask.to_le_bytes());
            let mut left = mask;
            while left != 0 {
                let c = block[JPEG_NATURAL_ORDER[left.trailing_zeros() as usize]];
                out.extend_from_slice(&c.to_le_bytes());
                left &= left - 1;
            }
        }
        for input in b.y_dc.iter().chain(&b.cb_dc).chain(&b.cr_dc) {
            out.extend_from_slice(&input.raw_dc.to_le_bytes());
            out.extend_from_slice(&input.norm.to_le_bytes());
        }
        for count in self.ac.iter().flat_map(|counter| counter.counts) {
            // At most one symbol a coefficient of the band: far below 2^32.
            out.extend_from_slice(&(count as u32).to_le_bytes());
        }
        out
    }

    /// A band from [`QuantizedBand::to_bytes`], for the encoder `encoder` (whose subsampling gives
    /// the number of blocks); an error when the bytes are not such a band.
    pub fn from_bytes(bytes: &[u8], encoder: &Encoder) -> Result<Self> {
        let bad = |why: &str| Error::InvalidBand(format!("not a quantised band: {why}"));
        if bytes.len() < HEADER || &bytes[..4] != BAND_MAGIC {
            return Err(bad("no header"));
        }
        let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        let (width, rows, with_dc, dc_settled) = (u32_at(4), u32_at(8), bytes[12], bytes[13]);
        if width == 0 || rows == 0 || with_dc > 1 || dc_settled > 1 {
            return Err(bad("empty or unknown"));
        }
        let (luma, chroma) = encoder.band_block_counts(width, rows);
        let blocks = luma + 2 * chroma;
        let inputs = if with_dc == 1 { blocks } else { 0 };
        let mut rest = &bytes[HEADER..];
        let too_short = || bad("its length does not match its size");
        let [y, cb, cr] = [luma, chroma, chroma].map(|n| read_blocks(&mut rest, n));
        let (y, cb, cr) = (y?.ok_or_else(too_short)?, cb?.ok_or_else(too_short)?, cr?.ok_or_else(too_short)?);
        let counts_at = bytes.len() - rest.len() + inputs * 8;
        if bytes.len() != counts_at + COUNTS {
            return Err(too_short());
        }
        let mut dc = bytes[counts_at - inputs * 8..counts_at].chunks_exact(8).map(|input| DcInput {
            raw_dc: i32::from_le_bytes(input[..4].try_into().unwrap()),
            norm: f32::from_le_bytes(input[4..].try_into().unwrap()),
        });
        let dc_count = |n: usize| if with_dc == 1 { n } else { 0 };
        let blocks = QuantizedBlocks {
            y,
            cb,
            cr,
            y_dc: dc.by_ref().take(dc_count(luma)).collect(),
            cb_dc: dc.by_ref().take(dc_count(chroma)).collect(),
            cr_dc: dc.collect(),
        };
        let mut ac = [FrequencyCounter::new(), FrequencyCounter::new()];
        for (count, bytes) in ac.iter_mut().flat_map(|counter| counter.counts.iter_mut()).zip(bytes[counts_at..].chunks_exact(4)) {
            *count = i64::from(u32::from_le_bytes(bytes.try_into().unwrap()));
        }
        Ok(Self { width, rows, blocks, ac, dc_settled: dc_settled == 1 })
    }
}

/// `count` blocks as `QuantizedBand::to_bytes` writes them, from the start of `bytes`, which is
/// moved past them; `None` when `bytes` ends before they do.
fn read_blocks(bytes: &mut &[u8], count: usize) -> Result<Option<Vec<[i16; DCTSIZE2]>>> {
    let mut blocks = try_alloc_vec_array::<i16, DCTSIZE2>(count)?;
    for block in &mut blocks {
        let Some((mask, rest)) = bytes.split_first_chunk::<8>() else { return Ok(None) };
        let mask = u64::from_le_bytes(*mask);
        let Some((values, rest)) = rest.split_at_checked(mask.count_ones() as usize * 2) else { return Ok(None) };
        let mut left = mask;
        for pair in values.chunks_exact(2) {
            block[JPEG_NATURAL_ORDER[left.trailing_zeros() as usize]] = i16::from_le_bytes([pair[0], pair[1]]);
            left &= left - 1;
        }
        *bytes = rest;
    }
    Ok(Some(blocks))
}

impl Encoder {
    /// Quantises `rows` rows of an RGB picture `width` pixels wide (3 bytes a pixel) as
    /// [`Encoder::encode_rgb`] would as part of the whole picture, for [`Encoder::encode_bands`].
    /// Only a baseline encoder with optimised Huffman tables and no smoothing writes in bands; a
    /// band that does not end the picture must be whole MCU rows ([`Encoder::band_rows`]).
    pub fn quantize_rgb_band(&self, rgb: &[u8], width: u32, rows: u32) -> Result<QuantizedBand> {
        self.check_bands()?;
        if width == 0 || rows == 0 {
            return Err(Error::InvalidDimensions { width, height: rows });
        }
        let (width, rows) = (width as usize, rows as usize);
        let pixels = width.checked_mul(rows).ok_or(Error::AllocationFailed)?;
        if rgb.len() != pixels.checked_mul(3).ok_or(Error::AllocationFailed)? {
            return Err(Error::BufferSizeMismatch { expected: pixels * 3, actual: rgb.len() });
        }
        let (luma_qtable, chroma_qtable) = self.quant_tables_written();
        // Strips of a few MCU rows at a time, each converted, downsampled and quantised before
        // the next: the planes are then a strip's (0.5 MB for 1920 wide) rather than the band's
        // (6 MB for 1920 × 540), and the blocks come out in the same order.
        let strip_rows = self.band_rows() as usize * STRIP_MCU_ROWS;
        let (h, v) = self.subsampling.luma_factors();
        let (band_width, band_height) = sample::mcu_aligned_dimensions(width, rows, h as usize, v as usize);
        let (mcu_rows, mcu_cols) = (band_height / (DCTSIZE * v as usize), band_width / (DCTSIZE * h as usize));
        let mut blocks = QuantizedBlocks::default();
        let mcus = mcu_rows * mcu_cols;
        blocks.y.try_reserve_exact(mcus * h as usize * v as usize)?;
        blocks.cb.try_reserve_exact(mcus)?;
        blocks.cr.try_reserve_exact(mcus)?;
        for first in (0..rows).step_by(strip_rows) {
            let strip = strip_rows.min(rows - first);
            let pixels = width * strip;
            let mut y = try_alloc_vec(0u8, pixels)?;
            let mut cb = try_alloc_vec(0u8, pixels)?;
            let mut cr = try_alloc_vec(0u8, pixels)?;
            let rgb = &rgb[first * width * 3..(first + strip) * width * 3];
            if self.c_compat_color {
                crate::color::convert_rgb_to_ycbcr_c_compat(rgb, &mut y, &mut cb, &mut cr, pixels);
            } else {
                (self.simd.color_convert_rgb_to_ycbcr)(rgb, &mut y, &mut cb, &mut cr, pixels);
            }
            let planes = self.mcu_planes(&y, &cb, &cr, width, strip)?;
            let quantized = self.quantize_mcu_planes(
                &planes.y,
                &planes.cb,
                &planes.cr,
                planes.width,
                planes.height,
                planes.chroma_width,
                planes.chroma_height,
                &luma_qtable.values,
                &chroma_qtable.values,
            )?;
            blocks.append(quantized);
        }
        let mut ac = [FrequencyCounter::new(), FrequencyCounter::new()];
        for block in &blocks.y {
            SymbolCounter::count_ac(block, &mut ac[0]);
        }
        for block in blocks.cb.iter().chain(&blocks.cr) {
            SymbolCounter::count_ac(block, &mut ac[1]);
        }
        let dc_settled = self.trellis.delta_dc_weight == 0.0;
        if dc_settled {
            self.run_dc_trellis(&mut blocks, mcu_rows, mcu_cols, &luma_qtable.values, &chroma_qtable.values)?;
        }
        Ok(QuantizedBand { width, rows, blocks, ac, dc_settled })
    }

    /// The JPEG of an RGB picture `width` × `height` from its bands, top to bottom
    /// ([`Encoder::quantize_rgb_band`]): the bytes [`Encoder::encode_rgb`] writes.
    pub fn encode_bands(&self, width: u32, height: u32, bands: Vec<QuantizedBand>) -> Result<Vec<u8>> {
        self.check_bands()?;
        let band_rows = self.band_rows() as usize;
        let mut rows = 0;
        let last = bands.len().saturating_sub(1);
        for (i, band) in bands.iter().enumerate() {
            if band.width != width as usize || (i < last && band.rows % band_rows != 0) {
                return Err(Error::InvalidBand(format!(
                    "band {i} is {} × {}: bands are {width} wide and whole MCU rows ({band_rows}) but the last",
                    band.width, band.rows
                )));
            }
            rows += band.rows;
        }
        if rows != height as usize || height == 0 {
            return Err(Error::InvalidBand(format!("the bands' {rows} rows are not the picture's {height}")));
        }
        let (luma_h, luma_v) = self.subsampling.luma_factors();
        let (mcu_width, mcu_height) =
            sample::mcu_aligned_dimensions(width as usize, height as usize, luma_h as usize, luma_v as usize);
        let mcu_rows = mcu_height / (DCTSIZE * luma_v as usize);
        let mcu_cols = mcu_width / (DCTSIZE * luma_h as usize);
        let (luma_qtable, chroma_qtable) = self.quant_tables_written();
        // The first band's blocks, the others' added after them (one copy of each other band).
        let mut bands = bands.into_iter();
        let first = bands.next().expect("the rows added up");
        let (mut blocks, mut ac, mut dc_settled) = (first.blocks, first.ac, first.dc_settled);
        let mut band_starts = Vec::new(); // the MCU row each band after the first starts at
        let mut mcu_row = first.rows / band_rows;
        for band in bands {
            band_starts.push(mcu_row);
            mcu_row += band.rows.div_ceil(band_rows);
            blocks.append(band.blocks);
            for (sum, counter) in ac.iter_mut().zip(&band.ac) {
                for (total, count) in sum.counts.iter_mut().zip(counter.counts) {
                    *total += count;
                }
            }
            dc_settled &= band.dc_settled;
        }
        if dc_settled {
            for &start in &band_starts {
                self.mend_dc_trellis(&mut blocks, start, mcu_rows, mcu_cols, &luma_qtable.values, &chroma_qtable.values)?;
            }
        } else {
            self.run_dc_trellis(&mut blocks, mcu_rows, mcu_cols, &luma_qtable.values, &chroma_qtable.values)?;
        }
        let components = create_ycbcr_components(self.subsampling);
        let mut output = Vec::new();
        let mut marker_writer = MarkerWriter::new(&mut output);
        self.write_headers(
            &mut marker_writer,
            width as usize,
            height as usize,
            &luma_qtable,
            &chroma_qtable,
            &components,
        )?;
        self.write_optimized_baseline(marker_writer, &blocks, Some(ac), mcu_rows, mcu_cols, &components)?;
        Ok(output)
    }

    /// The height of an MCU: a band that does not end the picture is a multiple of it.
    pub fn band_rows(&self) -> u32 {
        (DCTSIZE as u32) * u32::from(self.subsampling.luma_factors().1)
    }

    fn check_bands(&self) -> Result<()> {
        if self.progressive || !self.optimize_huffman || self.smoothing > 0 || self.subsampling == Subsampling::Gray {
            return Err(Error::InvalidBand(
                "only a baseline colour encoder with optimised Huffman tables and no smoothing writes in bands".into(),
            ));
        }
        Ok(())
    }

    /// The luma and the chroma blocks (of each chroma component) of a band `width` × `rows`.
    fn band_block_counts(&self, width: usize, rows: usize) -> (usize, usize) {
        let (h, v) = self.subsampling.luma_factors();
        let (mcu_width, mcu_height) = sample::mcu_aligned_dimensions(width, rows, h as usize, v as usize);
        let mcus = (mcu_width / (DCTSIZE * h as usize)) * (mcu_height / (DCTSIZE * v as usize));
        (mcus * (h as usize) * (v as usize), mcus)
    }

    /// The luma and chroma quantisation tables this encoder writes.
    pub(crate) fn quant_tables_written(&self) -> (QuantTable, QuantTable) {
        let (default_luma, default_chroma) =
            create_quant_tables(self.quality, self.quant_table_idx, self.force_baseline);
        let luma = match self.custom_luma_qtable {
            Some(ref custom) => crate::quant::create_quant_table(custom, self.quality, self.force_baseline),
            None => default_luma,
        };
        let chroma = match self.custom_chroma_qtable {
            Some(ref custom) => crate::quant::create_quant_table(custom, self.quality, self.force_baseline),
            None => default_chroma,
        };
        (luma, chroma)
    }

    /// The markers from SOI to the frame's header and restart interval, and the standard Huffman
    /// tables when this encoder does not optimise them.
    pub(crate) fn write_headers<W: Write>(
        &self,
        marker_writer: &mut MarkerWriter<W>,
        width: usize,
        height: usize,
        luma_qtable: &QuantTable,
        chroma_qtable: &QuantTable,
        components: &[ComponentInfo],
    ) -> Result<()> {
        marker_writer.write_soi()?;
        marker_writer.write_jfif_app0(self.pixel_density.unit as u8, self.pixel_density.x, self.pixel_density.y)?;
        if let Some(ref exif) = self.exif_data {
            marker_writer.write_app1_exif(exif)?;
        }
        if let Some(ref icc) = self.icc_profile {
            marker_writer.write_icc_profile(icc)?;
        }
        for (app_num, data) in &self.custom_markers {
            marker_writer.write_app(*app_num, data)?;
        }
        // DQT (quantization tables in zigzag order) - combined into single marker
        let luma_qtable_zz = super::natural_to_zigzag(&luma_qtable.values);
        let chroma_qtable_zz = super::natural_to_zigzag(&chroma_qtable.values);
        marker_writer.write_dqt_multiple(&[(0, &luma_qtable_zz, false), (1, &chroma_qtable_zz, false)])?;
        marker_writer.write_sof(self.progressive, 8, height as u16, width as u16, components)?;
        if self.restart_interval > 0 {
            marker_writer.write_dri(self.restart_interval)?;
        }
        if !self.optimize_huffman {
            // The optimised tables are written after counting, before the scans.
            marker_writer.write_dht_multiple(&[
                (0, false, &create_std_dc_luma_table()),
                (1, false, &create_std_dc_chroma_table()),
                (0, true, &create_std_ac_luma_table()),
                (1, true, &create_std_ac_chroma_table()),
            ])?;
        }
        Ok(())
    }

    /// Y, Cb and Cr planes of a picture (or band) `width` × `height`, the chroma downsampled and
    /// all three extended to whole MCUs by repeating the last column and row.
    pub(crate) fn mcu_planes(&self, y: &[u8], cb: &[u8], cr: &[u8], width: usize, height: usize) -> Result<McuPlanes> {
        let (h, v) = self.subsampling.luma_factors();
        let (h, v) = (h as usize, v as usize);
        let (chroma_width, chroma_height) = sample::subsampled_dimensions(width, height, h, v);
        let chroma_size = chroma_width.checked_mul(chroma_height).ok_or(Error::AllocationFailed)?;
        let mut cb_small = try_alloc_vec(0u8, chroma_size)?;
        let mut cr_small = try_alloc_vec(0u8, chroma_size)?;
        sample::downsample_plane(cb, width, height, h, v, &mut cb_small);
        sample::downsample_plane(cr, width, height, h, v, &mut cr_small);
        let (mcu_width, mcu_height) = sample::mcu_aligned_dimensions(width, height, h, v);
        let (mcu_chroma_w, mcu_chroma_h) = (mcu_width / h, mcu_height / v);
        let mut planes = McuPlanes {
            y: try_alloc_vec(0u8, mcu_width.checked_mul(mcu_height).ok_or(Error::AllocationFailed)?)?,
            cb: try_alloc_vec(0u8, mcu_chroma_w * mcu_chroma_h)?,
            cr: try_alloc_vec(0u8, mcu_chroma_w * mcu_chroma_h)?,
            width: mcu_width,
            height: mcu_height,
            chroma_width: mcu_chroma_w,
            chroma_height: mcu_chroma_h,
        };
        sample::expand_to_mcu(y, width, height, &mut planes.y, mcu_width, mcu_height);
        sample::expand_to_mcu(&cb_small, chroma_width, chroma_height, &mut planes.cb, mcu_chroma_w, mcu_chroma_h);
        sample::expand_to_mcu(&cr_small, chroma_width, chroma_height, &mut planes.cr, mcu_chroma_w, mcu_chroma_h);
        Ok(planes)
    }

    /// Every block of MCU-aligned planes quantised (forward DCT, deringing, AC trellis against the
    /// standard tables), keeping what the DC trellis will read when it runs.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn quantize_mcu_planes(
        &self,
        y_mcu: &[u8],
        cb_mcu: &[u8],
        cr_mcu: &[u8],
        mcu_width: usize,
        mcu_height: usize,
        mcu_chroma_w: usize,
        mcu_chroma_h: usize,
        luma_qtable: &[u16; DCTSIZE2],
        chroma_qtable: &[u16; DCTSIZE2],
    ) -> Result<QuantizedBlocks> {
        let (luma_h, luma_v) = self.subsampling.luma_factors();
        let mcu_rows = mcu_height / (DCTSIZE * luma_v as usize);
        let mcu_cols = mcu_width / (DCTSIZE * luma_h as usize);
        let chroma_blocks = mcu_rows.checked_mul(mcu_cols).ok_or(Error::AllocationFailed)?;
        let luma_blocks = chroma_blocks
            .checked_mul(luma_h as usize * luma_v as usize)
            .ok_or(Error::AllocationFailed)?;
        let dc_trellis = self.trellis.enabled && self.trellis.dc_enabled;
        let dc_inputs = |n: usize| try_alloc_vec(DcInput::default(), if dc_trellis { n } else { 0 });
        let mut blocks = QuantizedBlocks {
            y: try_alloc_vec_array::<i16, DCTSIZE2>(luma_blocks)?,
            cb: try_alloc_vec_array::<i16, DCTSIZE2>(chroma_blocks)?,
            cr: try_alloc_vec_array::<i16, DCTSIZE2>(chroma_blocks)?,
            y_dc: dc_inputs(luma_blocks)?,
            cb_dc: dc_inputs(chroma_blocks)?,
            cr_dc: dc_inputs(chroma_blocks)?,
        };
        // Empty without the DC trellis, when there is nothing to keep.
        fn optional(inputs: &mut [DcInput]) -> Option<&mut [DcInput]> {
            (!inputs.is_empty()).then_some(inputs)
        }
        let ac_luma = DerivedTable::from_huff_table(&create_std_ac_luma_table(), false)?;
        let ac_chroma = DerivedTable::from_huff_table(&create_std_ac_chroma_table(), false)?;
        self.collect_blocks(
            y_mcu,
            mcu_width,
            mcu_height,
            cb_mcu,
            cr_mcu,
            mcu_chroma_w,
            mcu_chroma_h,
            luma_qtable,
            chroma_qtable,
            &ac_luma,
            &ac_chroma,
            &mut blocks.y,
            &mut blocks.cb,
            &mut blocks.cr,
            optional(&mut blocks.y_dc),
            optional(&mut blocks.cb_dc),
            optional(&mut blocks.cr_dc),
            luma_h,
            luma_v,
        )?;
        Ok(blocks)
    }

    /// The DC trellis over every row of blocks, top to bottom, when this encoder runs it
    /// (C mozjpeg's order: each row's chain starts from the row before's last DC).
    pub(crate) fn run_dc_trellis(
        &self,
        blocks: &mut QuantizedBlocks,
        mcu_rows: usize,
        mcu_cols: usize,
        luma_qtable: &[u16; DCTSIZE2],
        chroma_qtable: &[u16; DCTSIZE2],
    ) -> Result<()> {
        let t = &self.trellis;
        for c in self.dc_components(blocks, luma_qtable, chroma_qtable)? {
            run_dc_trellis_by_row(
                c.inputs,
                c.quantized,
                c.dc_quantval,
                &c.table,
                t.lambda_log_scale1,
                t.lambda_log_scale2,
                mcu_rows * c.v,
                mcu_cols * c.h,
                mcu_cols,
                c.h,
                c.v,
                t.delta_dc_weight,
            );
        }
        Ok(())
    }

    /// The DC trellis run again from MCU row `start`, where a band whose rows it ran over from a
    /// DC of 0 meets the rows above: from the true last DC of the row above, row by row, until a
    /// row comes out as it was (each row depends on the rows above only through that DC, so the
    /// rows below it are then as the whole picture's trellis leaves them).
    fn mend_dc_trellis(
        &self,
        blocks: &mut QuantizedBlocks,
        start: usize,
        mcu_rows: usize,
        mcu_cols: usize,
        luma_qtable: &[u16; DCTSIZE2],
        chroma_qtable: &[u16; DCTSIZE2],
    ) -> Result<()> {
        let t = &self.trellis;
        for c in self.dc_components(blocks, luma_qtable, chroma_qtable)? {
            let (h, v) = (c.h, c.v);
            let row = |r: usize| get_row_indices(r, mcu_cols * h, mcu_cols, h, v);
            let mut last_dc = c.quantized[*row(start * v - 1).last().expect("a row has blocks")][0];
            for r in start * v..mcu_rows * v {
                let indices = row(r);
                let before: Vec<i16> = indices.iter().map(|&i| c.quantized[i][0]).collect();
                last_dc = dc_trellis_of_inputs(
                    c.inputs,
                    c.quantized,
                    &indices,
                    c.dc_quantval,
                    &c.table,
                    last_dc,
                    t.lambda_log_scale1,
                    t.lambda_log_scale2,
                    t.delta_dc_weight,
                    None,
                );
                if indices.iter().zip(&before).all(|(&i, &dc)| c.quantized[i][0] == dc) {
                    break;
                }
            }
        }
        Ok(())
    }

    /// What the DC trellis works on, component by component (none when it does not run).
    fn dc_components<'a>(
        &self,
        blocks: &'a mut QuantizedBlocks,
        luma_qtable: &[u16; DCTSIZE2],
        chroma_qtable: &[u16; DCTSIZE2],
    ) -> Result<Vec<DcComponent<'a>>> {
        if !(self.trellis.enabled && self.trellis.dc_enabled) {
            return Ok(Vec::new());
        }
        let (h, v) = self.subsampling.luma_factors();
        let luma = DerivedTable::from_huff_table(&create_std_dc_luma_table(), true)?;
        let chroma = || DerivedTable::from_huff_table(&create_std_dc_chroma_table(), true);
        // Chroma has one block per MCU, so MCU order is row order.
        Ok(vec![
            DcComponent { inputs: &blocks.y_dc, quantized: &mut blocks.y, dc_quantval: luma_qtable[0], table: luma, h: h as usize, v: v as usize },
            DcComponent { inputs: &blocks.cb_dc, quantized: &mut blocks.cb, dc_quantval: chroma_qtable[0], table: chroma()?, h: 1, v: 1 },
            DcComponent { inputs: &blocks.cr_dc, quantized: &mut blocks.cr, dc_quantval: chroma_qtable[0], table: chroma()?, h: 1, v: 1 },
        ])
    }

    /// The optimised Huffman tables, the scan of all three components and EOI: what follows the
    /// headers in a baseline file with optimised tables.
    pub(crate) fn write_optimized_baseline<W: Write>(
        &self,
        mut marker_writer: MarkerWriter<W>,
        blocks: &QuantizedBlocks,
        ac_counted: Option<[FrequencyCounter; 2]>,
        mcu_rows: usize,
        mcu_cols: usize,
        components: &[ComponentInfo],
    ) -> Result<()> {
        let (luma_h, luma_v) = self.subsampling.luma_factors();
        let blocks_per_mcu_y = (luma_h * luma_v) as usize;
        let mut dc_luma_freq = FrequencyCounter::new();
        let mut dc_chroma_freq = FrequencyCounter::new();
        let mut counter = SymbolCounter::new();
        let mut y_idx = 0;
        let [mut ac_luma_freq, mut ac_chroma_freq] = match ac_counted {
            Some(counted) => {
                for c_idx in 0..mcu_rows * mcu_cols {
                    for _ in 0..blocks_per_mcu_y {
                        counter.count_dc(&blocks.y[y_idx], 0, &mut dc_luma_freq);
                        y_idx += 1;
                    }
                    counter.count_dc(&blocks.cb[c_idx], 1, &mut dc_chroma_freq);
                    counter.count_dc(&blocks.cr[c_idx], 2, &mut dc_chroma_freq);
                }
                counted
            }
            None => {
                let (mut ac_luma, mut ac_chroma) = (FrequencyCounter::new(), FrequencyCounter::new());
                for c_idx in 0..mcu_rows * mcu_cols {
                    for _ in 0..blocks_per_mcu_y {
                        counter.count_block(&blocks.y[y_idx], 0, &mut dc_luma_freq, &mut ac_luma);
                        y_idx += 1;
                    }
                    counter.count_block(&blocks.cb[c_idx], 1, &mut dc_chroma_freq, &mut ac_chroma);
                    counter.count_block(&blocks.cr[c_idx], 2, &mut dc_chroma_freq, &mut ac_chroma);
                }
                [ac_luma, ac_chroma]
            }
        };

        let opt_dc_luma_huff = dc_luma_freq.generate_table()?;
        let opt_dc_chroma_huff = dc_chroma_freq.generate_table()?;
        let opt_ac_luma_huff = ac_luma_freq.generate_table()?;
        let opt_ac_chroma_huff = ac_chroma_freq.generate_table()?;
        let opt_dc_luma = DerivedTable::from_huff_table(&opt_dc_luma_huff, true)?;
        let opt_dc_chroma = DerivedTable::from_huff_table(&opt_dc_chroma_huff, true)?;
        let opt_ac_luma = DerivedTable::from_huff_table(&opt_ac_luma_huff, false)?;
        let opt_ac_chroma = DerivedTable::from_huff_table(&opt_ac_chroma_huff, false)?;
        marker_writer.write_dht_multiple(&[
            (0, false, &opt_dc_luma_huff),
            (1, false, &opt_dc_chroma_huff),
            (0, true, &opt_ac_luma_huff),
            (1, true, &opt_ac_chroma_huff),
        ])?;
        let scans = generate_baseline_scan(3);
        marker_writer.write_sos(&scans[0], components)?;
        let mut output = marker_writer.into_inner();

        // localpix: the entropy encoder that skips zero runs by a non-zero mask on every target
        // (0.9.2 ran it on x86-64 only; the same bytes as its general one, which WebAssembly used).
        let mut entropy = SimdEntropyEncoder::new();
        let restart_interval = self.restart_interval as usize;
        let mut restart_num = 0u8;
        let mut y_idx = 0;
        for c_idx in 0..mcu_rows * mcu_cols {
            // A restart marker before every `restart_interval`th MCU but the first.
            if restart_interval > 0 && c_idx > 0 && c_idx.is_multiple_of(restart_interval) {
                entropy.emit_restart(restart_num);
                restart_num = restart_num.wrapping_add(1) & 0x07;
            }
            for _ in 0..blocks_per_mcu_y {
                entropy.encode_block(&blocks.y[y_idx], 0, &opt_dc_luma, &opt_ac_luma);
                y_idx += 1;
            }
            entropy.encode_block(&blocks.cb[c_idx], 1, &opt_dc_chroma, &opt_ac_chroma);
            entropy.encode_block(&blocks.cr[c_idx], 2, &opt_dc_chroma, &opt_ac_chroma);
        }
        entropy.flush();
        output.write_all(entropy.get_buffer())?;
        output.write_all(&[0xFF, 0xD9])?;
        Ok(())
    }
}

/// One component's blocks for the DC trellis (`Encoder::dc_components`).
struct DcComponent<'a> {
    inputs: &'a [DcInput],
    quantized: &'a mut [[i16; DCTSIZE2]],
    dc_quantval: u16,
    table: DerivedTable,
    /// Blocks per MCU across and down.
    h: usize,
    v: usize,
}

/// MCU-aligned planes (`Encoder::mcu_planes`).
pub(crate) struct McuPlanes {
    pub(crate) y: Vec<u8>,
    pub(crate) cb: Vec<u8>,
    pub(crate) cr: Vec<u8>,
    pub(crate) width: usize,
    pub(crate) height: usize,
    pub(crate) chroma_width: usize,
    pub(crate) chroma_height: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Preset, TrellisConfig};

    /// A picture with detail, smooth areas and edges, so that the trellis makes real choices.
    fn picture(width: usize, height: usize) -> Vec<u8> {
        let mut rgb = Vec::with_capacity(width * height * 3);
        for y in 0..height {
            for x in 0..width {
                let ring = (((x as f32 - 40.0).hypot(y as f32 - 30.0)) * 0.4).sin();
                let noise = ((x * 7919 + y * 104_729) % 61) as f32;
                rgb.push((128.0 + 90.0 * ring + noise * 0.3) as u8);
                rgb.push(((x * 255) / width.max(1)) as u8);
                rgb.push(if (x / 9 + y / 7) % 2 == 0 { 30 + (noise as u8) } else { 220 });
            }
        }
        rgb
    }

    fn encoders() -> Vec<Encoder> {
        let mut all = Vec::new();
        for subsampling in [Subsampling::S420, Subsampling::S422, Subsampling::S444] {
            for quality in [35, 80, 95] {
                all.push(Encoder::new(Preset::BaselineBalanced).quality(quality).subsampling(subsampling));
                all.push(
                    Encoder::new(Preset::BaselineFastest).optimize_huffman(true).quality(quality).subsampling(subsampling),
                );
            }
        }
        all.push(Encoder::new(Preset::BaselineBalanced).restart_interval(3).exif_data(vec![0x4d; 40]));
        // A DC trellis that looks at the row above: the bands leave it to the whole picture.
        let above = TrellisConfig { delta_dc_weight: 0.5, ..TrellisConfig::default() };
        all.push(Encoder::new(Preset::BaselineBalanced).trellis(above));
        all
    }

    /// Splits `rgb` (width × height) after each row in `cuts`, quantises the bands apart and
    /// joins them.
    fn in_bands(encoder: &Encoder, rgb: &[u8], width: usize, height: usize, cuts: &[usize]) -> Vec<u8> {
        let mut bands = Vec::new();
        let mut from = 0;
        for &to in cuts.iter().chain([&height]) {
            let rows = &rgb[from * width * 3..to * width * 3];
            let band = encoder.quantize_rgb_band(rows, width as u32, (to - from) as u32).unwrap();
            // Carried as bytes, as between two engines.
            bands.push(QuantizedBand::from_bytes(&band.to_bytes(), encoder).unwrap());
            from = to;
        }
        encoder.encode_bands(width as u32, height as u32, bands).unwrap()
    }

    #[test]
    fn bands_make_the_whole_encoders_bytes() {
        // Narrow pictures too, whose rows are a block or two: there a row's DCs depend most on the
        // DC before them, so a band's first rows often come out otherwise from the true DC above.
        for (width, height) in [(97, 83), (64, 64), (130, 47), (17, 33), (7, 150), (16, 97)] {
            let rgb = picture(width, height);
            for encoder in encoders() {
                let whole = encoder.encode_rgb(&rgb, width as u32, height as u32).unwrap();
                let step = encoder.band_rows() as usize;
                let mut cuts = vec![vec![]];
                let mut cut = step;
                while cut < height {
                    cuts.push(vec![cut]);
                    cut += step;
                }
                // Every band one MCU row high.
                cuts.push((1..height.div_ceil(step)).map(|k| k * step).collect());
                for cuts in cuts {
                    assert_eq!(
                        in_bands(&encoder, &rgb, width, height, &cuts),
                        whole,
                        "{width}×{height} cut at {cuts:?}, {:?}",
                        encoder.subsampling
                    );
                }
            }
        }
    }

    #[test]
    fn bands_that_do_not_fit_are_refused() {
        let encoder = Encoder::new(Preset::BaselineBalanced);
        let rgb = picture(40, 40);
        let band = |from: usize, to: usize| encoder.quantize_rgb_band(&rgb[from * 120..to * 120], 40, (to - from) as u32).unwrap();
        // The first band is not whole MCU rows.
        assert!(encoder.encode_bands(40, 40, vec![band(0, 10), band(10, 40)]).is_err());
        // Rows missing, or too many.
        assert!(encoder.encode_bands(40, 40, vec![band(0, 16)]).is_err());
        assert!(encoder.encode_bands(40, 32, vec![band(0, 16), band(16, 40)]).is_err());
        // Another width.
        assert!(encoder.encode_bands(41, 40, vec![band(0, 40)]).is_err());
        // A progressive encoder does not write in bands.
        let progressive = Encoder::new(Preset::ProgressiveBalanced);
        assert!(progressive.quantize_rgb_band(&rgb, 40, 40).is_err());
        assert!(progressive.encode_bands(40, 40, vec![band(0, 40)]).is_err());
        // Bytes that are not a band, or a band cut short.
        let bytes = band(0, 16).to_bytes();
        assert!(QuantizedBand::from_bytes(&bytes[..bytes.len() - 1], &encoder).is_err());
        assert!(QuantizedBand::from_bytes(b"LPQ0 and more", &encoder).is_err());
        // A band made at 4:4:4 has more blocks than a 4:2:0 encoder expects.
        let fine = Encoder::new(Preset::BaselineBalanced).subsampling(Subsampling::S444);
        let fine_band = fine.quantize_rgb_band(&rgb[..16 * 120], 40, 16).unwrap().to_bytes();
        assert!(QuantizedBand::from_bytes(&fine_band, &encoder).is_err());
    }
}
