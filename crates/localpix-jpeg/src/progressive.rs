//! Scans of progressive frames (T.81 annex G): each adds a band of coefficients, or one more bit
//! of them, to every block, so all coefficients are kept until the last scan; the transform runs
//! once at the end. Follows libjpeg's `jdphuff.c`, including its handling of damaged data
//! (wrapping arithmetic, runs past the band written where libjpeg writes them).

use crate::{
    bits::BitReader,
    error::{Error, Result},
    frame::Frame,
    huffman::{HuffmanTable, extend},
    segments::{ScanHeader, ZIGZAG},
    sequential::{Restarts, Tables, latch_quant_tables, symbol},
};

/// Decodes one scan whose entropy-coded data starts at `start`; returns where it stopped.
pub(crate) fn decode_scan(frame: &mut Frame, scan: &ScanHeader, tables: &Tables, data: &[u8], start: usize) -> Result<usize> {
    latch_quant_tables(frame, scan, tables)?;
    let mut reader = BitReader::new(data, start);
    let mut restarts = Restarts::new(tables.restart_interval);
    let (al, refine) = (scan.al, scan.ah != 0);

    if scan.ss == 0 {
        let tables =
            if refine { Vec::new() } else { scan.components.iter().map(|sc| tables.dc(sc.dc_table)).collect::<Result<Vec<_>>>()? };
        let mut dc = DcScan { refine, al, tables, predictions: [0; 4] };
        if let [sc] = scan.components[..] {
            let plane = &mut frame.planes[sc.index];
            for y in 0..plane.blocks_high {
                for x in 0..plane.blocks_wide {
                    if restarts.before_mcu(&mut reader) {
                        dc.predictions = [0; 4];
                    }
                    dc.block(&mut reader, &mut plane.coefficients[(y * plane.blocks_stride + x) * 64], 0)?;
                }
                check(&reader)?;
            }
        } else {
            for mcu_y in 0..frame.mcus_high {
                for mcu_x in 0..frame.mcus_wide {
                    if restarts.before_mcu(&mut reader) {
                        dc.predictions = [0; 4];
                    }
                    for (part, sc) in scan.components.iter().enumerate() {
                        let plane = &mut frame.planes[sc.index];
                        for by in 0..plane.v {
                            for bx in 0..plane.h {
                                let index = (mcu_y * plane.v + by) * plane.blocks_stride + mcu_x * plane.h + bx;
                                dc.block(&mut reader, &mut plane.coefficients[index * 64], part)?;
                            }
                        }
                    }
                }
                check(&reader)?;
            }
        }
    } else {
        // AC bands hold one component (parse_scan checked).
        let table = tables.ac(scan.components[0].ac_table)?;
        let plane = &mut frame.planes[scan.components[0].index];
        let (wide, high, stride) = (plane.blocks_wide, plane.blocks_high, plane.blocks_stride);
        let (blocks, _) = plane.coefficients.as_chunks_mut::<64>();
        let band = Band { start: scan.ss, end: scan.se, al };
        let mut eob_run = 0u32;
        for y in 0..high {
            for x in 0..wide {
                if restarts.before_mcu(&mut reader) {
                    eob_run = 0;
                }
                let index = y * stride + x;
                let (Some(block), Some(nonzero)) = (blocks.get_mut(index), plane.nonzero.get_mut(index)) else {
                    return Err(Error::malformed("a block outside the frame"));
                };
                // A copy whose address never escapes, so the compiler keeps the bit buffer in
                // registers through the block (`reader` itself is lent to the restart handling
                // and the checks, and stayed on the stack: a load and a store for every bit).
                let mut local = reader;
                if refine {
                    band.refine(&mut local, table, block, nonzero, &mut eob_run)?;
                } else {
                    band.first(&mut local, table, block, nonzero, &mut eob_run)?;
                }
                reader = local;
            }
            check(&reader)?;
        }
    }
    Ok(reader.position())
}

fn check(reader: &BitReader) -> Result<()> {
    if reader.overran() { Err(Error::Truncated) } else { Ok(()) }
}

/// A DC scan: first values (as differences from the previous block's) or one more bit of them.
struct DcScan<'t> {
    refine: bool,
    al: u8,
    tables: Vec<&'t HuffmanTable>,
    predictions: [i32; 4],
}

impl DcScan<'_> {
    fn block(&mut self, reader: &mut BitReader, coefficient: &mut i16, part: usize) -> Result<()> {
        reader.ensure(32);
        if self.refine {
            if reader.take(1) == 1 {
                *coefficient |= 1 << self.al;
            }
        } else {
            let size = u32::from(symbol(reader, self.tables[part])?);
            self.predictions[part] = self.predictions[part].wrapping_add(extend(reader.take(size), size));
            *coefficient = (self.predictions[part] << self.al) as i16;
        }
        Ok(())
    }
}

/// The coefficients (zigzag positions `start..=end`) and bit position of an AC scan.
struct Band {
    start: usize,
    end: usize,
    al: u8,
}

/// Zigzag positions `from..=to` as bits (from ≤ to ≤ 63).
#[inline(always)]
fn positions(from: usize, to: usize) -> u64 {
    (u64::MAX << from) & (u64::MAX >> (63 - to))
}

impl Band {
    /// The first scan of a band (libjpeg's `decode_mcu_AC_first`).
    fn first(
        &self,
        reader: &mut BitReader,
        table: &HuffmanTable,
        block: &mut [i16; 64],
        nonzero: &mut u64,
        eob_run: &mut u32,
    ) -> Result<()> {
        if *eob_run > 0 {
            *eob_run -= 1;
            return Ok(());
        }
        let mut k = self.start;
        while k <= self.end {
            reader.ensure(32);
            let rs = symbol(reader, table)?;
            let (run, size) = (u32::from(rs >> 4), u32::from(rs & 15));
            if size != 0 {
                k += run as usize;
                let value = (extend(reader.take(size), size) << self.al) as i16;
                // Past the end (damaged data) libjpeg writes to the last coefficient.
                let at = k.min(63);
                block[usize::from(ZIGZAG[at])] = value;
                *nonzero |= u64::from(value != 0) << at;
            } else if run == 15 {
                k += 15;
            } else {
                // An end-of-band run: this block and 2^run - 1 + (run bits) more.
                *eob_run = (1 << run) + reader.take(run) - 1;
                break;
            }
            k += 1;
        }
        Ok(())
    }

    /// A refinement scan of a band (libjpeg's `decode_mcu_AC_refine`): one more bit of each
    /// coefficient already non-zero, and new coefficients of ±1 at this bit. The positions come
    /// from the block's `nonzero` bits rather than from visiting every coefficient.
    fn refine(
        &self,
        reader: &mut BitReader,
        table: &HuffmanTable,
        block: &mut [i16; 64],
        nonzero: &mut u64,
        eob_run: &mut u32,
    ) -> Result<()> {
        let plus = 1i16 << self.al;
        let minus = (-1i16).wrapping_shl(u32::from(self.al));
        let mut k = self.start;
        if *eob_run == 0 {
            while k <= self.end {
                reader.ensure(32);
                let rs = symbol(reader, table)?;
                let (run, size) = (rs >> 4, rs & 15);
                let mut value = 0;
                if size != 0 {
                    // The size should be 1; libjpeg only warns otherwise.
                    value = if reader.take(1) == 1 { plus } else { minus };
                } else if run != 15 {
                    *eob_run = (1 << run) + reader.take(u32::from(run));
                    break;
                }
                // The new coefficient goes to the zero position after `run` zeros (ZRL: after
                // 15, writing nothing); the non-zero ones passed on the way get a correction
                // bit each. With too few zeros left, libjpeg goes one past the band.
                let ahead = positions(k, self.end);
                let target = nth_set_bit(ahead & !*nonzero, u32::from(run)).map_or(self.end + 1, |at| at as usize);
                let before_target = u64::MAX.checked_shl(target as u32).map_or(u64::MAX, |from| !from);
                refine_all(reader, block, nonzero, ahead & *nonzero & before_target, plus, minus);
                if value != 0 {
                    let at = target.min(63);
                    block[usize::from(ZIGZAG[at])] = value;
                    *nonzero |= 1 << at;
                }
                k = target + 1;
            }
        }
        if *eob_run > 0 {
            // The rest of the band in an end-of-band run: correction bits only.
            if k <= self.end {
                refine_all(reader, block, nonzero, positions(k, self.end) & *nonzero, plus, minus);
            }
            *eob_run -= 1;
        }
        Ok(())
    }
}

/// Whether counting a word's set bits is one instruction: WebAssembly has `i64.popcnt`; the x86-64
/// baseline that native builds target has no POPCNT and counts in a dozen. Two steps of a
/// refinement scan are quicker branch-free where it is cheap, and quicker with branches where it
/// is not: in the WebAssembly build the branch-free forms took a progressive 15-megapixel photo's
/// decode from 266 to 247 ms, natively they made it 11% slower (docs/jpeg-decoder.md).
const FAST_POPCOUNT: bool = cfg!(any(target_arch = "wasm32", target_feature = "popcnt"));

/// The position of the `n`th (from 0) set bit of `x`, `None` when it has no more than `n`.
#[inline(always)]
fn nth_set_bit(x: u64, n: u32) -> Option<u32> {
    // A zero run's length is as unpredictable as the data, and a loop clearing a bit per zero
    // mispredicts its end on most symbols; a run of none (the commonest) needs neither.
    if FAST_POPCOUNT && n > 0 { nth_set_bit_by_halving(x, n) } else { nth_set_bit_by_clearing(x, n) }
}

fn nth_set_bit_by_clearing(mut x: u64, n: u32) -> Option<u32> {
    for _ in 0..n {
        x &= x.wrapping_sub(1);
    }
    (x != 0).then(|| x.trailing_zeros())
}

/// In six halvings, each keeping the half that holds the bit, whatever `n` is.
#[inline(always)]
fn nth_set_bit_by_halving(x: u64, n: u32) -> Option<u32> {
    if x.count_ones() <= n {
        return None;
    }
    let (mut x, mut n, mut at) = (x, n, 0);
    for width in [32, 16, 8, 4, 2, 1] {
        let low = x & ((1u64 << width) - 1);
        let below = low.count_ones();
        let skip = n >= below;
        n -= if skip { below } else { 0 };
        x = if skip { x >> width } else { low };
        at += if skip { width } else { 0 };
    }
    Some(at)
}

/// A correction bit for each coefficient of `passed` (zigzag positions, in order): 1 moves its
/// magnitude up by this scan's bit, unless an earlier bit of this scan already did.
#[inline(always)]
fn refine_all(reader: &mut BitReader, block: &mut [i16; 64], nonzero: &mut u64, passed: u64, plus: i16, minus: i16) {
    if FAST_POPCOUNT {
        refine_all_branch_free(reader, block, nonzero, passed, plus, minus);
    } else {
        refine_all_bit_by_bit(reader, block, nonzero, passed, plus, minus);
    }
}

#[inline(always)]
fn refine_all_bit_by_bit(reader: &mut BitReader, block: &mut [i16; 64], nonzero: &mut u64, mut passed: u64, plus: i16, minus: i16) {
    while passed != 0 {
        let at = passed.trailing_zeros() as usize;
        passed &= passed - 1;
        reader.ensure(1);
        let coefficient = &mut block[usize::from(ZIGZAG[at])];
        if reader.take(1) == 1 && *coefficient & plus == 0 {
            *coefficient = coefficient.wrapping_add(if *coefficient >= 0 { plus } else { minus });
            // Only wrapping (damaged data) can bring it to zero.
            *nonzero &= !(u64::from(*coefficient == 0) << at);
        }
    }
}

/// The bits taken up to 32 at a time and applied without a branch on each: they are as good as
/// random, so such a branch mispredicts half the time, and the last scans of a progressive photo
/// are mostly these bits.
#[inline(always)]
fn refine_all_branch_free(reader: &mut BitReader, block: &mut [i16; 64], nonzero: &mut u64, mut passed: u64, plus: i16, minus: i16) {
    while passed != 0 {
        let n = passed.count_ones().min(32);
        reader.ensure(n);
        // The `n` bits at the top of a 32-bit word, the next one first.
        let mut bits = reader.peek(n) << (32 - n);
        reader.consume(n);
        for _ in 0..n {
            let at = passed.trailing_zeros() as usize;
            passed &= passed - 1;
            let coefficient = &mut block[usize::from(ZIGZAG[at])];
            let old = *coefficient;
            // All ones when the bit is 1 and this scan's bit is not yet set.
            let apply = -(((bits >> 31) as i16) & i16::from(old & plus == 0));
            let new = old.wrapping_add(if old >= 0 { plus } else { minus } & apply);
            *coefficient = new;
            *nonzero &= !(u64::from(new == 0) << at);
            bits <<= 1;
        }
    }
}

/// After the last scan: every block through the IDCT, then every output row.
pub(crate) fn finish(frame: &mut Frame) {
    for plane in &mut frame.planes {
        let coefficients = std::mem::take(&mut plane.coefficients);
        let Some(quant) = plane.quant else {
            // Never scanned: the decoder reports the missing component.
            continue;
        };
        let nonzero = std::mem::take(&mut plane.nonzero);
        let (blocks, _) = coefficients.as_chunks::<64>();
        for (index, (block, &nonzero)) in blocks.iter().zip(&nonzero).enumerate() {
            let (x, y) = (index % plane.blocks_stride, index / plane.blocks_stride);
            if y * plane.block_size >= plane.height {
                break;
            }
            plane.put_block(x, y, block, nonzero != 0, &quant);
        }
        plane.rows_ready = plane.height;
    }
    frame.emit_ready_rows();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A xorshift generator: the same "random" inputs on every run.
    struct Noise(u64);

    impl Noise {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    #[test]
    fn the_nth_set_bit_is_found_alike_by_halving_and_by_clearing() {
        let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
        for round in 0..20_000 {
            // Sparse and dense words, the empty and the full one.
            let x = match round % 4 {
                0 => noise.next() & noise.next(),
                1 => noise.next(),
                2 => noise.next() | noise.next(),
                _ => [0, u64::MAX, 1 << 63, 1][round / 4 % 4],
            };
            for n in 0..=64 {
                assert_eq!(nth_set_bit_by_halving(x, n), nth_set_bit_by_clearing(x, n), "x {x:#x}, n {n}");
            }
        }
    }

    #[test]
    fn correction_bits_apply_alike_branch_free_and_bit_by_bit() {
        let mut noise = Noise(0x2545_F491_4F6C_DD1D);
        let data: Vec<u8> = (0..4096).map(|_| noise.next() as u8).filter(|&b| b != 0xFF).collect();
        for al in [0u8, 1, 3] {
            let (plus, minus) = (1i16 << al, (-1i16).wrapping_shl(u32::from(al)));
            let (mut a, mut b) = (BitReader::new(&data, 0), BitReader::new(&data, 0));
            for _ in 0..200 {
                // Coefficients with this scan's bit clear or (as damaged data may have) set, of
                // either sign, a few at the largest magnitude a coefficient can hold.
                let mut block = [0i16; 64];
                let mut nonzero = 0u64;
                for (at, coefficient) in block.iter_mut().enumerate() {
                    let r = noise.next();
                    if r & 3 != 0 {
                        let magnitude = ((((r >> 8) % 40) as i16 + 1) << (al + 1)) | (((r >> 16) & 1) as i16 * plus);
                        *coefficient = if r & 4 == 0 { magnitude } else { -magnitude };
                        if r & 0xF00_0000 == 0 {
                            *coefficient = i16::MAX - ((r >> 32) & 1) as i16;
                        }
                        nonzero |= 1 << ZIGZAG.iter().position(|&z| usize::from(z) == at).unwrap();
                    }
                }
                let passed = nonzero & (noise.next() | noise.next());
                let (mut block_a, mut nonzero_a) = (block, nonzero);
                let (mut block_b, mut nonzero_b) = (block, nonzero);
                refine_all_branch_free(&mut a, &mut block_a, &mut nonzero_a, passed, plus, minus);
                refine_all_bit_by_bit(&mut b, &mut block_b, &mut nonzero_b, passed, plus, minus);
                assert_eq!(block_a, block_b);
                assert_eq!(nonzero_a, nonzero_b);
                assert_eq!(a.taken(), b.taken());
            }
        }
    }
}
