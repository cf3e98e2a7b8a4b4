//! One photo decoded in two halves at the same time, by two threads or two Web Workers that share
//! no memory, each holding the whole file.
//!
//! A JPEG's entropy-coded data cannot be entered in the middle: where the second half's blocks
//! start, and each component's DC prediction there, are known only by decoding everything before.
//! But Huffman codes fall back into step: a decoder started at any byte in the middle decodes
//! nonsense for a few blocks and then, at some block boundary, meets the true sequence of blocks,
//! after which it decodes exactly what a decoder from the start does, but for DC values off by a
//! constant per component (its predictions began at zero). On kleiber, started at six bytes in its
//! first quarter, it met it within 2 or 3 MCUs (a few hundred bits) each time.
//!
//! So the second half starts at a byte near the middle ([`Plan::from`]), decodes to the end and
//! keeps every MCU's coefficients (only the corner the reduced IDCT reads) and where in the data
//! each MCU began. The first half decodes from the start until a little past that byte and says
//! where an MCU row there began and what the predictions were ([`Seam`]). The second half finds that
//! beginning among its own: from there on its coefficients are the true ones once the DC offsets
//! are added. When it is not among them (it met the true sequence only later, or damaged data
//! threw it off) the second half decodes again from the seam itself: slower, the same pixels.
//! Each then transforms and converts its own rows, with one MCU row of the other's as context for
//! the chroma upsampling, and the two bands joined ([`join`]) are the whole decode's pixels byte for
//! byte (tests below, on every test file, at every scale).
//!
//! It applies to sequential (baseline) files with one scan of every component and no restart
//! markers: most photos from cameras and phones. (Files with restart markers could be split at a
//! marker instead; progressive files keep every coefficient in memory anyway.)

use std::ops::Range;

use crate::{
    Image, Options,
    bits::{BitReader, position_of_mark},
    decoder::{self, FirstScan},
    error::{Error, Result},
    frame::Frame,
    segments::{Coding, Segments, marker},
    sequential::{self, Part, WorkBlock},
};

/// How far past [`Plan::from`] the first half goes before it looks for an MCU row to hand over
/// at: the second half must have met the true sequence of blocks by then. It took at most 724
/// bits in the measurements above; 4 KB leaves room for far worse and costs the first half a
/// few MCUs.
const SLACK_BYTES: usize = 4096;

/// Where the halves meet: chosen by [`plan`], given to both halves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The byte of the entropy-coded data the second half starts decoding at.
    pub from: usize,
    /// The first half hands over at the first MCU row that begins at or after this byte (and
    /// has a row after it): far enough past `from` that the second half is in step by then.
    pub seam_after: usize,
}

/// Where the first half met the second: what the second needs to take over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seam {
    /// The MCU row handed over: the second half's blocks from its start, and its output rows from
    /// the next row's (this one gives the context above them).
    pub row: u32,
    /// Where that row's first MCU begins: bit `bit % 8` (the most significant first) of byte
    /// `bit / 8` of the file.
    pub bit: u64,
    /// Each scanned component's DC prediction there, in scan order (unused ones 0).
    pub predictions: [i32; 4],
}

/// A band of the decoded image: rows `first_row ..` of an image `full_height` rows high.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Band {
    pub first_row: u32,
    pub full_height: u32,
    /// Its rows, as a picture of their own.
    pub image: Image,
}

/// Whether `data` can be decoded in halves, and where the second starts: `None` for files this
/// does not apply to (progressive, restart markers, a scan per component) or too small to split.
pub fn plan(data: &[u8], options: &Options) -> Result<Option<Plan>> {
    let start = decoder::first_scan(data, options)?;
    if !splittable(&start) {
        return Ok(None);
    }
    let length = data.len().saturating_sub(start.data_at);
    if length < 4 * SLACK_BYTES {
        return Ok(None);
    }
    let from = start.data_at + length / 2;
    Ok(Some(Plan { from, seam_after: from + SLACK_BYTES }))
}

fn splittable(start: &FirstScan) -> bool {
    let components = start.frame.header.components.len();
    start.frame.header.coding == Coding::Sequential
        && start.tables.restart_interval == 0
        && start.scan.components.len() == components
        && components <= 4
}

/// What a half knows of the scan: its tables and how its MCUs are laid out.
struct Scan {
    frame: Frame,
    tables: sequential::Tables,
    scan: crate::segments::ScanHeader,
    data_at: usize,
    layout: Layout,
}

impl Scan {
    fn read(data: &[u8], options: &Options) -> Result<Self> {
        let start = decoder::first_scan(data, options)?;
        if !splittable(&start) {
            return Err(Error::unsupported("decoding in halves (a progressive file, restart markers or a scan per component)"));
        }
        let FirstScan { mut frame, tables, scan, data_at } = start;
        sequential::latch_quant_tables(&mut frame, &scan, &tables)?;
        let layout = Layout::of(&frame, scan.components.iter().map(|c| c.index), options.eighths as usize);
        Ok(Self { frame, tables, scan, data_at, layout })
    }

    fn parts(&self) -> Result<Vec<Part<'_>>> {
        sequential::parts(&self.frame, &self.scan, &self.tables)
    }

    /// Transforms and converts `mcus` of `store` (MCU `first` of the image and on, DC values
    /// shifted by `offsets`) into the output rows `rows`; the planes hold sample rows from MCU
    /// row `first / mcus_wide`.
    fn replay(mut self, store: &Coefficients, mcus: Range<usize>, first: usize, offsets: [i16; 4], rows: Range<usize>) -> Result<Band> {
        let layout = &self.layout;
        let first_row = first / layout.wide;
        let first_rows: Vec<usize> = (0..self.frame.planes.len()).map(|p| first_row * layout.plane_rows[p]).collect();
        let full_height = self.frame.height as u32;
        self.frame.keep_only(rows.clone(), &first_rows);
        let quant: Vec<[u16; 64]> = self.scan.components.iter().map(|sc| self.frame.planes[sc.index].quant.unwrap_or([1; 64])).collect();
        let mut block = [0i16; 64];
        let mut corners = &store.corners[mcus.start * layout.corners_per_mcu..];
        let (mut x, mut y) = (first % layout.wide, first / layout.wide);
        for &with_ac in &store.with_ac[mcus.clone()] {
            for (i, at) in layout.blocks.iter().enumerate() {
                let (corner, rest) = corners.split_at(at.size * at.size);
                corners = rest;
                // As in the whole decode: `put_block` checks whether the corner holds any.
                let has_ac = with_ac & (1 << i) != 0;
                if has_ac {
                    corner_to_block(corner, &mut block);
                }
                // Without AC coefficients only the DC is read.
                block[0] = corner[0].wrapping_add(offsets[at.part]);
                self.frame.planes[at.plane].put_block(x * at.across + at.dx, y * at.down + at.dy, &block, has_ac, &quant[at.part]);
                if has_ac {
                    block = [0; 64];
                }
            }
            x += 1;
            if x == layout.wide {
                for (plane, rows_per) in self.frame.planes.iter_mut().zip(&layout.plane_rows) {
                    plane.rows_ready = ((y + 1) * rows_per).min(plane.height);
                }
                self.frame.emit_ready_rows();
                (x, y) = (0, y + 1);
            }
        }
        for plane in &mut self.frame.planes {
            plane.rows_ready = plane.height;
        }
        let format = decoder::pixel_format(self.frame.color);
        let width = self.frame.width as u32;
        let pixels = self.frame.into_output();
        Ok(Band { first_row: rows.start as u32, full_height, image: Image { width, height: rows.len() as u32, format, pixels } })
    }

    /// The output rows the MCU rows before `row` complete.
    fn output_rows_before(&self, row: usize) -> usize {
        (row * self.layout.output_rows).min(self.frame.height)
    }
}

/// Where each block of an MCU goes.
struct Layout {
    blocks: Vec<BlockAt>,
    /// MCUs across and down.
    wide: usize,
    high: usize,
    /// Coefficients kept per MCU (the corners of its blocks).
    corners_per_mcu: usize,
    /// Sample rows an MCU row gives each plane, and output rows it gives.
    plane_rows: Vec<usize>,
    output_rows: usize,
}

struct BlockAt {
    /// Index into the scan's components and the frame's planes.
    part: usize,
    plane: usize,
    /// Block (x · across + dx, y · down + dy) of its plane for MCU (x, y).
    across: usize,
    down: usize,
    dx: usize,
    dy: usize,
    /// The corner the IDCT reads: size × size coefficients.
    size: usize,
}

impl Layout {
    fn of(frame: &Frame, planes: impl Iterator<Item = usize>, eighths: usize) -> Self {
        let planes: Vec<usize> = planes.collect();
        let mut blocks = Vec::new();
        if let [plane] = planes[..] {
            // One component: its blocks in raster order, one per MCU (T.81 A.2.2).
            let p = &frame.planes[plane];
            blocks.push(BlockAt { part: 0, plane, across: 1, down: 1, dx: 0, dy: 0, size: p.block_size });
            let rows = p.block_size;
            return Self {
                blocks,
                wide: p.blocks_wide,
                high: p.blocks_high,
                corners_per_mcu: rows * rows,
                plane_rows: vec![rows],
                output_rows: rows,
            };
        }
        for (part, &plane) in planes.iter().enumerate() {
            let p = &frame.planes[plane];
            for dy in 0..p.v {
                for dx in 0..p.h {
                    blocks.push(BlockAt { part, plane, across: p.h, down: p.v, dx, dy, size: p.block_size });
                }
            }
        }
        let corners_per_mcu = blocks.iter().map(|b| b.size * b.size).sum();
        let plane_rows = frame.planes.iter().map(|p| p.v * p.block_size).collect();
        // An MCU row is 8 · v_max rows of the stored picture; the output has eighths/8 as many.
        let output_rows = frame.header.v_max() * eighths;
        Self { blocks, wide: frame.mcus_wide, high: frame.mcus_high, corners_per_mcu, plane_rows, output_rows }
    }

    fn mcus(&self) -> usize {
        self.wide * self.high
    }
}

/// Decoded MCUs: their coefficients (each block's corner, rows of it in turn) and where each
/// began in the data.
#[derive(Default)]
struct Coefficients {
    corners: Vec<i16>,
    /// Where each MCU began, as [`BitReader::mark`]s (the second half's only).
    starts: Vec<u64>,
    /// Per MCU, which of its blocks had AC coefficients (bit i for block i; an MCU has at most
    /// 10 blocks): the others are filled from their DC without reading their corner.
    with_ac: Vec<u16>,
}

impl Coefficients {
    /// Room for `mcus` MCUs (more can come).
    fn with_capacity(layout: &Layout, mcus: usize) -> Self {
        Self {
            corners: Vec::with_capacity(mcus * layout.corners_per_mcu),
            starts: Vec::with_capacity(mcus),
            with_ac: Vec::with_capacity(mcus),
        }
    }

    fn mcus(&self) -> usize {
        self.with_ac.len()
    }

    /// The DC value stored for the last block of scan component `part` in MCU `mcu`.
    fn last_dc(&self, layout: &Layout, mcu: usize, part: usize) -> i16 {
        let mut at = mcu * layout.corners_per_mcu;
        let mut dc = 0;
        for block in &layout.blocks {
            if block.part == part {
                dc = self.corners[at];
            }
            at += block.size * block.size;
        }
        dc
    }
}

/// Copies the `size`×`size` top-left corner of a block (`corner.len()` is size²) into `corner`,
/// row after row: for the common sizes with the size known to the compiler, as a few moves.
#[inline(always)]
fn block_to_corner(block: &[i16; 64], corner: &mut [i16]) {
    #[inline(always)]
    fn rows<const N: usize>(block: &[i16; 64], corner: &mut [i16]) {
        for (r, out) in corner.chunks_exact_mut(N).enumerate().take(N) {
            out.copy_from_slice(&block[r * 8..r * 8 + N]);
        }
    }
    match corner.len() {
        9 => rows::<3>(block, corner),
        16 => rows::<4>(block, corner),
        36 => rows::<6>(block, corner),
        64 => corner.copy_from_slice(block),
        n => {
            let size = n.isqrt();
            for (r, out) in corner.chunks_exact_mut(size).enumerate() {
                out.copy_from_slice(&block[r * 8..r * 8 + size]);
            }
        }
    }
}

/// The inverse of [`block_to_corner`], into a block that is zero outside the corner.
#[inline(always)]
fn corner_to_block(corner: &[i16], block: &mut [i16; 64]) {
    #[inline(always)]
    fn rows<const N: usize>(corner: &[i16], block: &mut [i16; 64]) {
        for (r, row) in corner.chunks_exact(N).enumerate().take(N) {
            block[r * 8..r * 8 + N].copy_from_slice(row);
        }
    }
    match corner.len() {
        9 => rows::<3>(corner, block),
        16 => rows::<4>(corner, block),
        36 => rows::<6>(corner, block),
        64 => block.copy_from_slice(corner),
        n => {
            let size = n.isqrt();
            for (r, row) in corner.chunks_exact(size).enumerate() {
                block[r * 8..r * 8 + size].copy_from_slice(row);
            }
        }
    }
}

/// Decodes MCUs from `reader` into `store` until `stop` (asked before each MCU with the number
/// decoded so far, the reader and the predictions) says to; gives the reader back where it
/// stopped. (By value: as in `sequential::decode_scan`, a reader behind a reference would live in
/// memory rather than in registers, a load and a store on every symbol.)
fn decode_mcus<'a>(
    reader: BitReader<'a>,
    parts: &mut [Part],
    layout: &Layout,
    store: &mut Coefficients,
    record_starts: bool,
    stop: impl FnMut(usize, BitReader, &[Part]) -> Result<bool>,
) -> (BitReader<'a>, Result<()>) {
    let mut out = reader;
    let result = decode_mcus_into(&mut out, parts, layout, store, record_starts, stop);
    (out, result)
}

#[inline(never)]
fn decode_mcus_into(
    out: &mut BitReader,
    parts: &mut [Part],
    layout: &Layout,
    store: &mut Coefficients,
    record_starts: bool,
    mut stop: impl FnMut(usize, BitReader, &[Part]) -> Result<bool>,
) -> Result<()> {
    let mut reader = *out;
    let mut block = WorkBlock::default();
    let mut n = 0;
    let result = loop {
        match stop(n, reader, parts) {
            Ok(false) => {}
            Ok(true) => break Ok(()),
            Err(e) => break Err(e),
        }
        if record_starts {
            store.starts.push(reader.mark());
        }
        let mut kept = store.corners.len();
        store.corners.resize(kept + layout.corners_per_mcu, 0);
        let mut failed = None;
        let mut with_ac = 0u16;
        for (i, at) in layout.blocks.iter().enumerate() {
            let part = &mut parts[at.part];
            let has_ac = match block.decode(&mut reader, part.dc, part.ac, &mut part.prediction) {
                Ok(has_ac) => has_ac,
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            };
            let corner = &mut store.corners[kept..kept + at.size * at.size];
            kept += at.size * at.size;
            if has_ac {
                block_to_corner(block.coefficients(), corner);
                with_ac |= 1 << i;
            } else {
                corner[0] = block.coefficients()[0];
            }
            block.clear(has_ac);
        }
        if let Some(e) = failed {
            break Err(e);
        }
        store.with_ac.push(with_ac);
        n += 1;
    };
    *out = reader;
    result
}

/// Decodes the MCUs `first ..` of the image from `reader` (predictions as they are in `parts`)
/// into a new store, with the whole decode's check for a file cut short after each MCU row.
fn decode_exactly<'a>(reader: BitReader<'a>, parts: &mut [Part], layout: &Layout, first: usize) -> Result<(BitReader<'a>, Coefficients)> {
    let mut store = Coefficients::with_capacity(layout, layout.mcus() - first);
    let count = layout.mcus() - first;
    let (reader, decoded) = decode_mcus(reader, parts, layout, &mut store, false, |n, reader, _| {
        if n > 0 && (first + n).is_multiple_of(layout.wide) && reader.overran() {
            return Err(Error::Truncated);
        }
        Ok(n == count)
    });
    decoded?;
    Ok((reader, store))
}

/// The top half of a decode in halves: from the start of the data to two MCU rows past the seam.
pub struct FirstHalf {
    scan: Scan,
    store: Coefficients,
    seam: Option<Seam>,
}

impl FirstHalf {
    /// Decodes the entropy-coded data from its start to a little past `plan.from`.
    pub fn decode(data: &[u8], options: &Options, plan: Plan) -> Result<Self> {
        let scan = Scan::read(data, options)?;
        let layout = &scan.layout;
        let mut parts = scan.parts()?;
        let look_from = plan.seam_after as u64 * 8;
        let mut seam = None;
        let mut end = layout.mcus();
        // Room for the MCUs up to the seam, guessed from the bytes, and some.
        let share = plan.seam_after.saturating_sub(scan.data_at) as f64 / data.len().saturating_sub(scan.data_at).max(1) as f64;
        let mut store = Coefficients::with_capacity(layout, ((layout.mcus() as f64 * share * 1.25) as usize).min(layout.mcus()));
        let (reader, decoded) =
            decode_mcus(BitReader::new(data, scan.data_at), &mut parts, layout, &mut store, false, |n, reader, parts| {
                if n == 0 || !n.is_multiple_of(layout.wide) {
                    return Ok(n == end);
                }
                if reader.overran() {
                    return Err(Error::Truncated);
                }
                let row = n / layout.wide;
                // The seam needs a row of context on each side of it in the other half. Not past a
                // marker (damage): from there the whole decode decodes zeros, which the second half,
                // reading the data after it, would not.
                if seam.is_none() && row + 2 <= layout.high && reader.bit_position() >= look_from && !reader.exhausted() {
                    let mut predictions = [0; 4];
                    for (prediction, part) in predictions.iter_mut().zip(parts) {
                        *prediction = part.prediction;
                    }
                    seam = Some(Seam { row: row as u32, bit: reader.bit_position(), predictions });
                    end = (row + 2) * layout.wide;
                }
                Ok(n == end)
            });
        decoded?;
        if reader.overran() {
            return Err(Error::Truncated);
        }
        if seam.is_none() {
            after_the_scan(data, reader.bit_position())?;
        }
        Ok(Self { scan, store, seam })
    }

    /// Where the second half takes over; `None` when this half decoded the whole image (the
    /// data's second half held too few rows), and [`FirstHalf::finish`] gives all of it.
    pub fn seam(&self) -> Option<Seam> {
        self.seam
    }

    /// The output rows above the seam's next row (all of them without a seam).
    pub fn finish(self) -> Result<Band> {
        let end = match self.seam {
            Some(seam) => self.scan.output_rows_before(seam.row as usize + 1),
            None => self.scan.frame.height,
        };
        let mcus = 0..self.store.mcus();
        self.scan.replay(&self.store, mcus, 0, [0; 4], 0..end)
    }
}

/// The bottom half of a decode in halves: from a byte near the middle to the end, its
/// coefficients kept until the seam says where they belong.
pub struct SecondHalf {
    scan: Scan,
    store: Coefficients,
    /// Where the last MCU decoded ended.
    end_bit: u64,
}

impl SecondHalf {
    /// Decodes from `plan.from` to the end of the data, not knowing yet which blocks these are.
    /// Where the bits do not decode (before meeting the true sequence, or damaged data), starts
    /// again just past that point.
    pub fn decode(data: &[u8], options: &Options, plan: Plan) -> Result<Self> {
        let scan = Scan::read(data, options)?;
        let layout = &scan.layout;
        let mut from = plan.from.max(scan.data_at);
        let share = data.len().saturating_sub(from) as f64 / data.len().saturating_sub(scan.data_at).max(1) as f64;
        let expected = ((layout.mcus() as f64 * share * 1.25) as usize).min(layout.mcus());
        let mut store = Coefficients::default();
        let mut end_bit = data.len() as u64 * 8;
        while from < data.len() {
            // Not on the stuffing byte of an 0xFF: a decoder never starts there.
            if from > 0 && data[from] == 0 && data[from - 1] == 0xFF {
                from += 1;
                continue;
            }
            let mut parts = scan.parts()?;
            store.corners.clear();
            store.starts.clear();
            store.with_ac.clear();
            store.with_ac.reserve(expected);
            store.corners.reserve(expected * layout.corners_per_mcu);
            store.starts.reserve(expected);
            let (reader, decoded) = decode_mcus(BitReader::new(data, from), &mut parts, layout, &mut store, true, |n, reader, _| {
                Ok(n == layout.mcus() || reader.exhausted())
            });
            match decoded {
                Ok(()) => {
                    end_bit = reader.bit_position();
                    break;
                }
                Err(_) => {
                    from = (reader.bit_position() / 8) as usize + 1;
                    store.corners.clear();
                    store.starts.clear();
                    store.with_ac.clear();
                }
            }
        }
        Ok(Self { scan, store, end_bit })
    }

    /// Which of the MCUs decoded is the seam's, when this half was in step there (and has every
    /// MCU from it to the end).
    fn in_step_at(&self, data: &[u8], seam: &Seam) -> Option<usize> {
        let count = self.scan.layout.mcus().checked_sub(seam.row as usize * self.scan.layout.wide)?;
        // The marks' positions rise with them: a binary search turns only a few into positions.
        let at = self.store.starts.binary_search_by(|&mark| position_of_mark(data, mark).cmp(&seam.bit)).ok()?;
        (self.store.mcus() - at >= count).then_some(at)
    }

    /// Whether this half met the true sequence of blocks before `seam`, so that
    /// [`SecondHalf::finish`] needs no second decode; `data` is the file given to
    /// [`SecondHalf::decode`].
    pub fn in_step(&self, data: &[u8], seam: &Seam) -> bool {
        self.in_step_at(data, seam).is_some()
    }

    /// The output rows from the row after the seam's to the end; `data` is the file given to
    /// [`SecondHalf::decode`].
    pub fn finish(self, data: &[u8], seam: Seam) -> Result<Band> {
        let layout = &self.scan.layout;
        let row = seam.row as usize;
        if row == 0 || row + 2 > layout.high {
            return Err(Error::malformed(format!("a seam at MCU row {row} of {}", layout.high)));
        }
        let first = row * layout.wide;
        let count = layout.mcus() - first;
        let rows = self.scan.output_rows_before(row + 1)..self.scan.frame.height;
        if let Some(at) = self.in_step_at(data, &seam) {
            // In step from `at`: only the DC values are off, by the difference of predictions.
            let mut offsets = [0i16; 4];
            for (part, offset) in offsets.iter_mut().enumerate().take(self.scan.scan.components.len()) {
                let ours = if at == 0 { 0 } else { self.store.last_dc(layout, at - 1, part) };
                *offset = (seam.predictions[part] as i16).wrapping_sub(ours);
            }
            let end = self.store.starts.get(at + count).map_or(self.end_bit, |&mark| position_of_mark(data, mark));
            after_the_scan(data, end)?;
            let store = self.store;
            return self.scan.replay(&store, at..at + count, first, offsets, rows);
        }
        // Never in step by the seam: decode from it, as the whole decode would.
        let mut parts = self.scan.parts()?;
        for (part, &prediction) in parts.iter_mut().zip(&seam.predictions) {
            part.prediction = prediction;
        }
        let (reader, store) = decode_exactly(BitReader::at_bit(data, seam.bit), &mut parts, layout, first)?;
        if reader.overran() {
            return Err(Error::Truncated);
        }
        after_the_scan(data, reader.bit_position())?;
        self.scan.replay(&store, 0..count, first, [0; 4], rows)
    }
}

/// Checks that what follows the scan's data (from bit `end`) leaves the image as the scan made
/// it, as the whole decode would find; anything that would change it (another scan: damage) is
/// refused, for the caller to decode the file whole.
fn after_the_scan(data: &[u8], end: u64) -> Result<()> {
    let mut segments = Segments::new(data);
    segments.pos = ((end / 8) as usize).min(data.len());
    loop {
        match segments.next_marker() {
            // Some writers leave out the end-of-image marker: the whole decode accepts that too.
            Ok(marker::EOI) | Err(Error::Truncated) => return Ok(()),
            Ok(code) if marker::is_standalone(code) => {}
            Ok(0xE0..=0xEF | 0xFE) => {
                segments.segment()?;
            }
            Ok(code) => return Err(Error::unsupported(format!("decoding in halves with a 0x{code:02X} marker after the scan"))),
            Err(e) => return Err(e),
        }
    }
}

/// The image of the two halves' bands, one above the other.
pub fn join(top: Band, bottom: Band) -> Result<Image> {
    let fits = top.first_row == 0
        && bottom.first_row == top.image.height
        && top.full_height == bottom.full_height
        && top.image.height + bottom.image.height == top.full_height
        && top.image.width == bottom.image.width
        && top.image.format == bottom.image.format;
    if !fits {
        return Err(Error::malformed("the two halves of a decode do not fit together"));
    }
    let mut image = top.image;
    image.pixels.extend_from_slice(&bottom.image.pixels);
    image.height = top.full_height;
    Ok(image)
}
