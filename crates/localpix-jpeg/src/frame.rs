//! The image being decoded: one plane of samples per component, at the size its IDCT gives, and
//! the output pixels, filled row by row as soon as every plane has the rows a row needs (so the
//! planes are read again while still in cache).

use crate::{
    color::{self, ColorSpace},
    error::{Error, Result},
    idct,
    segments::FrameHeader,
    upsample::Upsampling,
};

/// One component's samples and where they come from.
pub(crate) struct Plane {
    /// Samples per block side: 8, 4, 2 or 1 (libjpeg's `DCT_scaled_size`).
    pub block_size: usize,
    /// Sampling factors.
    pub h: usize,
    pub v: usize,
    /// Blocks across and down that hold image data: what a scan of this component alone covers.
    pub blocks_wide: usize,
    pub blocks_high: usize,
    /// Blocks across in `samples` and `coefficients`: every block of the MCUs, padding included.
    pub blocks_stride: usize,
    /// Samples across and down that hold image data.
    pub width: usize,
    pub height: usize,
    pub stride: usize,
    pub samples: Vec<u8>,
    pub upsampling: Upsampling,
    /// Rows of `samples` decoded so far.
    pub rows_ready: usize,
    /// The first row `samples` holds: 0 but in a part of the image (`crate::halves`), whose
    /// planes start at the block row it decodes first.
    pub first_row: usize,
    /// Index of the frame's quantisation table, and the table itself once a scan has latched it
    /// (libjpeg keeps the table in force at the component's first scan).
    pub quant_index: usize,
    pub quant: Option<[u16; 64]>,
    /// Progressive frames: every block's coefficients (64 each, natural order), in block order,
    /// and which of each block's AC coefficients are non-zero (bit k for zigzag position k), so
    /// refinement scans find them without visiting every position.
    pub coefficients: Vec<i16>,
    pub nonzero: Vec<u64>,
}

impl Plane {
    /// Where block (x, y) starts in `samples`.
    #[inline(always)]
    pub fn block_offset(&self, x: usize, y: usize) -> usize {
        (y * self.block_size - self.first_row) * self.stride + x * self.block_size
    }

    /// Writes one block's samples from its coefficients, which the caller then clears.
    /// `has_ac` is false when the entropy decoder saw no AC coefficient.
    #[inline(always)]
    pub fn put_block(&mut self, x: usize, y: usize, block: &[i16; 64], has_ac: bool, quant: &[u16; 64]) {
        let size = self.block_size;
        let offset = self.block_offset(x, y);
        let stride = self.stride;
        // The plane grows a row of blocks at a time (blocks come in order), zeroed while in cache
        // rather than all at once up front.
        let end = ((y + 1) * size - self.first_row) * stride;
        if self.samples.len() < end {
            self.samples.resize(end, 0);
        }
        let out = &mut self.samples[offset..];
        if !has_ac || corner_is_dc_only(block, size) {
            idct::fill(size, idct::dc_sample(size, block[0], quant[0]), out, stride);
        } else {
            idct::idct(size, block, quant, out, stride);
        }
    }
}

/// Whether the `size`×`size` low-frequency corner the reduced IDCT reads holds only the DC: the
/// coefficients past it still had to be decoded, but a flat fill then gives the same samples.
#[inline(always)]
fn corner_is_dc_only(block: &[i16; 64], size: usize) -> bool {
    let row = |r: usize, n: usize| block[r * 8..r * 8 + n].iter().any(|&c| c != 0);
    match size {
        8 => false,
        4 => !(block[1..4].iter().any(|&c| c != 0) || row(1, 4) || row(2, 4) || row(3, 4)),
        2 => block[1] == 0 && block[8] == 0 && block[9] == 0,
        1 => true,
        // 3/8, 5/8, 6/8, 7/8: the rarer sizes, checked row by row.
        _ => block[1..size].iter().all(|&c| c == 0) && (1..size).all(|r| !row(r, size)),
    }
}

pub(crate) struct Frame {
    pub header: FrameHeader,
    pub mcus_wide: usize,
    pub mcus_high: usize,
    /// Output size in pixels.
    pub width: usize,
    pub height: usize,
    pub planes: Vec<Plane>,
    pub color: ColorSpace,
    output: Vec<u8>,
    /// The output rows made, from `rows.start` (0 but in a part of the image) to `rows_done`, of
    /// the `rows` wanted.
    rows: std::ops::Range<usize>,
    rows_done: usize,
    /// A row of each component upsampled to the output's width.
    upsampled: Vec<Vec<u8>>,
}

impl Frame {
    /// Lays out the planes for decoding at `scaled`/8 (1 to 8) and allocates them, refusing when
    /// that would take more than `max_memory` bytes.
    pub fn new(header: FrameHeader, scaled: usize, max_memory: u64) -> Result<Self> {
        let (h_max, v_max) = (header.h_max(), header.v_max());
        let progressive = header.coding == crate::segments::Coding::Progressive;
        let mcus_wide = header.width.div_ceil(8 * h_max);
        let mcus_high = header.height.div_ceil(8 * v_max);
        let width = (header.width * scaled).div_ceil(8);
        let height = (header.height * scaled).div_ceil(8);
        let color = ColorSpace::guess(&header.components.iter().map(|c| c.id).collect::<Vec<_>>(), false, None);

        // In 64 bits: a 65535×65535 header overflows a 32-bit usize (WebAssembly's).
        let bytes = |factors: &[usize]| factors.iter().map(|&f| f as u64).product::<u64>();
        let mut needed = bytes(&[width, height, color.output_channels()]);
        let mut layouts = Vec::with_capacity(header.components.len());
        for c in &header.components {
            // libjpeg scales chroma up in the IDCT rather than by upsampling where the ratio allows
            // (jpeg_core_output_dimensions): 4:2:0 at 1/2 decodes chroma with the 8×8 IDCT.
            // (Never past 8: no transform makes more than 8×8 samples of a block.)
            let mut size = scaled;
            while size * 2 <= 8 && (h_max * scaled).is_multiple_of(c.h * size * 2) && (v_max * scaled).is_multiple_of(c.v * size * 2) {
                size *= 2;
            }
            if !(h_max * scaled).is_multiple_of(c.h * size) || !(v_max * scaled).is_multiple_of(c.v * size) {
                return Err(Error::unsupported(format!("sampling factors {}×{} against {h_max}×{v_max}", c.h, c.v)));
            }
            let stride = mcus_wide * c.h * size;
            let rows = mcus_high * c.v * size;
            needed += bytes(&[stride, rows]);
            if progressive {
                needed += bytes(&[mcus_wide * c.h, mcus_high * c.v, 64 * 2 + 8]);
            }
            layouts.push((size, stride, rows));
        }
        needed += bytes(&[width + 64, header.components.len()]);
        if needed > max_memory.min(isize::MAX as u64) {
            return Err(Error::TooLarge { needed, limit: max_memory });
        }

        let planes = header
            .components
            .iter()
            .zip(layouts)
            .map(|(c, (size, stride, rows))| {
                let component_width = (header.width * c.h).div_ceil(h_max);
                let component_height = (header.height * c.v).div_ceil(v_max);
                let plane_width = (header.width * c.h * size).div_ceil(h_max * 8);
                let ratio = (h_max * scaled / (c.h * size), v_max * scaled / (c.v * size));
                Plane {
                    block_size: size,
                    h: c.h,
                    v: c.v,
                    blocks_wide: component_width.div_ceil(8),
                    blocks_high: component_height.div_ceil(8),
                    blocks_stride: mcus_wide * c.h,
                    width: plane_width,
                    height: (header.height * c.v * size).div_ceil(v_max * 8),
                    stride,
                    samples: Vec::with_capacity(stride * rows),
                    upsampling: Upsampling::choose(ratio.0, ratio.1, scaled > 1, plane_width),
                    rows_ready: 0,
                    first_row: 0,
                    quant_index: c.quant_table,
                    quant: None,
                    coefficients: if progressive { vec![0; mcus_wide * c.h * mcus_high * c.v * 64] } else { Vec::new() },
                    nonzero: if progressive { vec![0; mcus_wide * c.h * mcus_high * c.v] } else { Vec::new() },
                }
            })
            .collect();
        Ok(Self {
            mcus_wide,
            mcus_high,
            width,
            height,
            planes,
            color,
            output: Vec::with_capacity(width * height * color.output_channels()),
            rows: 0..height,
            rows_done: 0,
            upsampled: header.components.iter().map(|_| vec![0; width + 64]).collect(),
            header,
        })
    }

    /// Makes only output rows `rows`, from planes that hold sample rows from `first_rows` (one
    /// per plane) on: a part of the image (`crate::halves`). Before any block is decoded.
    pub fn keep_only(&mut self, rows: std::ops::Range<usize>, first_rows: &[usize]) {
        debug_assert!(self.rows_done == 0 && rows.end <= self.height);
        for (plane, &first) in self.planes.iter_mut().zip(first_rows) {
            plane.first_row = first;
            plane.samples = Vec::with_capacity(plane.samples.capacity().saturating_sub(first * plane.stride));
        }
        self.output = Vec::with_capacity(rows.len() * self.width * self.color.output_channels());
        self.rows_done = rows.start;
        self.rows = rows;
    }

    /// Converts every output row whose component rows are all decoded.
    pub fn emit_ready_rows(&mut self) {
        let channels = self.color.output_channels();
        let row_bytes = self.width * channels;
        let first = self.rows.start;
        while self.rows_done < self.rows.end {
            let y = self.rows_done;
            let ready = self.planes.iter().all(|p| {
                let (near, far) = p.upsampling.source_rows(y, p.height);
                near.max(far) < p.rows_ready
            });
            if !ready {
                return;
            }
            for (plane, upsampled) in self.planes.iter().zip(&mut self.upsampled) {
                if plane.upsampling != Upsampling::None {
                    let (near, far) = plane.upsampling.source_rows(y, plane.height);
                    let row = |r: usize| &plane.samples[(r - plane.first_row) * plane.stride..][..plane.width];
                    plane.upsampling.row(y, row(near), row(far), &mut upsampled[..self.width]);
                }
            }
            let mut rows: [&[u8]; 4] = [&[]; 4];
            for ((row, plane), upsampled) in rows.iter_mut().zip(&self.planes).zip(&self.upsampled) {
                *row = if plane.upsampling == Upsampling::None {
                    &plane.samples[(y - plane.first_row) * plane.stride..][..self.width]
                } else {
                    &upsampled[..self.width]
                };
            }
            // Grown a row at a time: zeroing the whole output first would be a pass over memory.
            self.output.resize((y + 1 - first) * row_bytes, 0);
            color::convert_row(self.color, &rows[..self.planes.len()], &mut self.output[(y - first) * row_bytes..][..row_bytes]);
            self.rows_done += 1;
        }
    }

    /// Whether every plane has all its rows (a sequential frame whose scans are complete).
    pub fn is_complete(&self) -> bool {
        self.planes.iter().all(|p| p.rows_ready >= p.height)
    }

    /// The output pixels, once every row is converted.
    pub fn into_output(mut self) -> Vec<u8> {
        self.emit_ready_rows();
        debug_assert_eq!(self.rows_done, self.rows.end);
        self.output
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segments::{Coding, Component};

    fn header(width: usize, height: usize, sampling: &[(usize, usize)]) -> FrameHeader {
        let components = sampling.iter().enumerate().map(|(i, &(h, v))| Component { id: i as u8 + 1, h, v, quant_table: 0 }).collect();
        FrameHeader { coding: Coding::Sequential, width, height, components }
    }

    #[test]
    fn lays_out_planes_as_libjpeg_scales_them() {
        // 4:2:0 at 1/2: luma 4×4 blocks, chroma through the 8×8 IDCT, nothing to upsample.
        let frame = Frame::new(header(6000, 4000, &[(2, 2), (1, 1), (1, 1)]), 4, u64::MAX).unwrap();
        assert_eq!((frame.width, frame.height), (3000, 2000));
        assert_eq!(frame.planes[0].block_size, 4);
        assert_eq!((frame.planes[1].block_size, frame.planes[1].upsampling), (8, Upsampling::None));
        // 4:2:2 at 1/2: chroma stays 4×4 and is upsampled across.
        let frame = Frame::new(header(6028, 3391, &[(2, 1), (1, 1), (1, 1)]), 4, u64::MAX).unwrap();
        assert_eq!((frame.width, frame.height), (3014, 1696));
        assert_eq!((frame.planes[1].block_size, frame.planes[1].upsampling), (4, Upsampling::H2V1Fancy));
        assert_eq!((frame.planes[1].width, frame.planes[1].height), (1507, 1696));
        // Full size 4:2:0 of an odd size.
        let frame = Frame::new(header(35, 19, &[(2, 2), (1, 1), (1, 1)]), 8, u64::MAX).unwrap();
        assert_eq!((frame.mcus_wide, frame.mcus_high), (3, 2));
        assert_eq!((frame.planes[1].width, frame.planes[1].height), (18, 10));
        assert_eq!((frame.planes[1].blocks_wide, frame.planes[1].blocks_high), (3, 2));
        assert_eq!(frame.planes[1].upsampling, Upsampling::H2V2Fancy);
    }

    #[test]
    fn lays_out_planes_at_any_eighth() {
        // 4:2:0 at 3/8: luma 3×3 blocks, chroma through the 6×6 transform, nothing to upsample.
        let frame = Frame::new(header(6028, 3391, &[(2, 2), (1, 1), (1, 1)]), 3, u64::MAX).unwrap();
        assert_eq!((frame.width, frame.height), (2261, 1272));
        assert_eq!(frame.planes[0].block_size, 3);
        assert_eq!((frame.planes[1].block_size, frame.planes[1].upsampling), (6, Upsampling::None));
        // 4:2:2 at 3/8: chroma stays 3×3 and is upsampled across.
        let frame = Frame::new(header(6028, 3391, &[(2, 1), (1, 1), (1, 1)]), 3, u64::MAX).unwrap();
        assert_eq!((frame.planes[1].block_size, frame.planes[1].upsampling), (3, Upsampling::H2V1Fancy));
        // 4:2:0 at 5/8: a 10×10 chroma transform does not exist, so chroma is upsampled both ways.
        let frame = Frame::new(header(4032, 3024, &[(2, 2), (1, 1), (1, 1)]), 5, u64::MAX).unwrap();
        assert_eq!((frame.width, frame.height), (2520, 1890));
        assert_eq!((frame.planes[1].block_size, frame.planes[1].upsampling), (5, Upsampling::H2V2Fancy));
    }

    #[test]
    fn refuses_layouts_over_the_memory_limit_before_allocating() {
        let result = Frame::new(header(65535, 65535, &[(1, 1)]), 8, 1 << 30);
        assert!(matches!(result, Err(Error::TooLarge { .. })));
    }

    #[test]
    fn refuses_fractional_sampling() {
        let result = Frame::new(header(64, 64, &[(3, 1), (2, 1), (2, 1)]), 8, u64::MAX);
        assert!(matches!(result, Err(Error::Unsupported(_))));
    }

    #[test]
    fn reduced_corners_ignore_higher_frequencies() {
        let mut block = [0i16; 64];
        block[4] = 5;
        block[32] = -3;
        assert!(corner_is_dc_only(&block, 4));
        block[9] = 1;
        assert!(!corner_is_dc_only(&block, 4));
        assert!(!corner_is_dc_only(&block, 2));
        assert!(corner_is_dc_only(&block, 1));
        // Block[9] is (1, 1): in every corner from 2×2; block[4] is (4, 0), outside 3×3 and 4×4.
        assert!(!corner_is_dc_only(&block, 3));
        block[9] = 0;
        assert!(corner_is_dc_only(&block, 3));
        assert!(!corner_is_dc_only(&block, 5));
        assert!(!corner_is_dc_only(&block, 7));
    }
}
