//! Scans of progressive frames (T.81 annex G): each adds a band of coefficients, or one more bit
//! of them, to every block, so all coefficients are kept until the last scan; the transform runs
//! once at the end. Follows libjpeg's `jdphuff.c`, including its handling of damaged data
//! (wrapping arithmetic, runs past the band written where libjpeg writes them).

use crate::{
    bits::BitReader,
    error::{Error, Result},
    frame::Frame,
    huffman::{HuffmanTable, extend},
    segments::{self, ScanHeader, Segments, ZIGZAG, marker},
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
                if refine {
                    band.refine(&mut reader, table, block, nonzero, &mut eob_run)?;
                } else {
                    band.first(&mut reader, table, block, nonzero, &mut eob_run)?;
                }
            }
            check(&reader)?;
        }
    }
    Ok(reader.position())
}

/// Which of a progressive image's scans a reduced decode can pass over unread, in the order they
/// come (`true`: not needed), from the scan whose header starts at `at` (its length field) on.
///
/// Decoding at N/8 the transform reads only a block's N×N corner (`frame::put_block`; 4×4 at
/// 1/2), so a band of coefficients wholly past it need not be decoded: at 1/8 a
/// progressive photo's every AC scan, most of the file. Unless a scan that is decoded, one whose
/// band reaches into the corner, also covers such coefficients: a refinement's data is read
/// against which of them are already non-zero, so their earlier scans must be decoded too. Hence
/// all the scan headers are read first (the entropy data between them only searched for the next
/// marker). Where they cannot all be read, nothing is passed over: the decode reports the damage.
pub(crate) fn unneeded_scans(data: &[u8], at: usize, frame: &Frame) -> Vec<bool> {
    let mut segments = Segments::new(data);
    segments.pos = at;
    let mut scans = Vec::new();
    let mut code = marker::SOS;
    loop {
        match code {
            marker::SOS => match segments.segment().map(|body| segments::parse_scan(body, &frame.header)) {
                Ok(Ok(scan)) => scans.push(scan),
                _ => return Vec::new(),
            },
            marker::EOI => break,
            code if marker::is_standalone(code) => {}
            _ => {
                if segments.segment().is_err() {
                    break;
                }
            }
        }
        // A file cut short has no scans beyond.
        let Ok(next) = segments.next_marker() else { break };
        code = next;
    }
    let last_needed: Vec<usize> = frame.planes.iter().map(|plane| last_needed(plane.block_size)).collect();
    unneeded(&scans, &last_needed)
}

/// Of `scans`, those whose band lies past each component's `last_needed` zigzag position and
/// which no needed scan also covers.
fn unneeded(scans: &[ScanHeader], last_needed: &[usize]) -> Vec<bool> {
    // AC bands hold one component (parse_scan checked); DC scans are always needed.
    let ac = |scan: &ScanHeader| (scan.ss > 0).then(|| scan.components[0].index);
    let mut decoded = vec![0u64; last_needed.len()];
    for scan in scans {
        if let Some(index) = ac(scan).filter(|&index| scan.ss <= last_needed[index]) {
            decoded[index] |= positions(scan.ss, scan.se);
        }
    }
    scans
        .iter()
        .map(|scan| ac(scan).is_some_and(|index| scan.ss > last_needed[index] && decoded[index] & positions(scan.ss, scan.se) == 0))
        .collect()
}

/// The last zigzag position inside the `size`×`size` corner of a block.
fn last_needed(size: usize) -> usize {
    (0..64).filter(|&k| usize::from(ZIGZAG[k]) / 8 < size && usize::from(ZIGZAG[k]) % 8 < size).max().unwrap_or(0)
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
                let mut zeros = ahead & !*nonzero;
                for _ in 0..run {
                    zeros &= zeros.wrapping_sub(1);
                }
                let target = if zeros == 0 { self.end + 1 } else { zeros.trailing_zeros() as usize };
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

/// A correction bit for each coefficient of `passed` (zigzag positions, in order): 1 moves its
/// magnitude up by this scan's bit, unless an earlier bit of this scan already did.
#[inline(always)]
fn refine_all(reader: &mut BitReader, block: &mut [i16; 64], nonzero: &mut u64, mut passed: u64, plus: i16, minus: i16) {
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
    use crate::segments::ScanComponent;

    /// A script's scans as (component, Ss, Se, Ah): component `None` for an interleaved DC scan.
    fn script(scans: &[(Option<usize>, usize, usize, u8)]) -> Vec<ScanHeader> {
        scans
            .iter()
            .map(|&(component, ss, se, ah)| {
                let indices = component.map_or(vec![0, 1, 2], |index| vec![index]);
                let components = indices.into_iter().map(|index| ScanComponent { index, dc_table: 0, ac_table: 0 }).collect();
                ScanHeader { components, ss, se, ah, al: ah.saturating_sub(1) }
            })
            .collect()
    }

    #[test]
    fn the_corners_the_reduced_transforms_read() {
        assert_eq!([8, 4, 2, 1].map(last_needed), [63, 24, 4, 0]);
    }

    #[test]
    fn bands_past_the_corner_are_passed_over_unless_a_needed_scan_covers_them() {
        // libjpeg's default script for three components (the fixture progressive.jpg's).
        let libjpeg = script(&[
            (None, 0, 0, 0),
            (Some(0), 1, 5, 0),
            (Some(2), 1, 63, 0),
            (Some(1), 1, 63, 0),
            (Some(0), 6, 63, 0),
            (Some(0), 1, 63, 2),
            (None, 0, 0, 1),
            (Some(2), 1, 63, 1),
            (Some(1), 1, 63, 1),
            (Some(0), 1, 63, 1),
        ]);
        // At 1/8 (4:4:4): every AC scan; at 1/4 none, as the refinement of 1–63 reads 6–63's
        // non-zero coefficients; at full size none.
        let every_ac: Vec<bool> = libjpeg.iter().map(|scan| scan.ss > 0).collect();
        assert_eq!(unneeded(&libjpeg, &[0, 0, 0]), every_ac);
        assert_eq!(unneeded(&libjpeg, &[4, 4, 4]), vec![false; 10]);
        assert_eq!(unneeded(&libjpeg, &[63, 63, 63]), vec![false; 10]);
        // At 1/8 of 4:2:0, the colour planes' blocks decode at 2×2: their scans are needed.
        let luma_ac: Vec<bool> = libjpeg.iter().map(|scan| scan.ss > 0 && scan.components[0].index == 0).collect();
        assert_eq!(unneeded(&libjpeg, &[0, 4, 4]), luma_ac);
        // A band past the corner refined only in bands of its own is passed over with them.
        let split = script(&[(None, 0, 0, 0), (Some(0), 1, 4, 0), (Some(0), 5, 63, 0), (Some(0), 1, 4, 1), (Some(0), 5, 63, 1)]);
        assert_eq!(unneeded(&split, &[4]), vec![false, false, true, false, true]);
    }
}
