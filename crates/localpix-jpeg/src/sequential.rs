//! Scans of sequential (baseline and extended) frames: each block is decoded, transformed and
//! written to its plane at once, so no coefficient buffer exists beyond the block being worked
//! on; output rows are converted after each MCU row.

use crate::{
    bits::BitReader,
    error::{Error, Result},
    frame::{Frame, Plane},
    huffman::{HuffmanTable, LOOKUP_BITS, LOOKUP_MASK, bad_code, extend},
    idct,
    segments::{ScanHeader, ZIGZAG},
};

/// The tables a scan uses, by number.
pub(crate) struct Tables {
    pub quant: [Option<[u16; 64]>; 4],
    pub dc: [Option<HuffmanTable>; 4],
    pub ac: [Option<HuffmanTable>; 4],
    /// MCUs between restart markers (0: none).
    pub restart_interval: usize,
}

impl Tables {
    pub fn new() -> Self {
        Self { quant: [None; 4], dc: [None, None, None, None], ac: [None, None, None, None], restart_interval: 0 }
    }

    pub fn dc(&self, index: usize) -> Result<&HuffmanTable> {
        self.dc[index].as_ref().ok_or_else(|| Error::malformed(format!("a scan uses DC Huffman table {index}, which is not defined")))
    }

    pub fn ac(&self, index: usize) -> Result<&HuffmanTable> {
        self.ac[index].as_ref().ok_or_else(|| Error::malformed(format!("a scan uses AC Huffman table {index}, which is not defined")))
    }
}

/// Latches each scanned component's quantisation table at its first scan.
pub(crate) fn latch_quant_tables(frame: &mut Frame, scan: &ScanHeader, tables: &Tables) -> Result<()> {
    for sc in &scan.components {
        let plane = &mut frame.planes[sc.index];
        if plane.quant.is_none() {
            let table = tables.quant[plane.quant_index].ok_or_else(|| {
                Error::malformed(format!("a component uses quantisation table {}, which is not defined", plane.quant_index))
            })?;
            plane.quant = Some(table);
        }
    }
    Ok(())
}

/// Counts MCUs down to the next restart marker and handles it when due.
pub(crate) struct Restarts {
    interval: usize,
    left: usize,
}

impl Restarts {
    pub fn new(interval: usize) -> Self {
        Self { interval, left: interval }
    }

    /// Before each MCU: true when a restart marker was due and has been passed, so the caller
    /// resets its predictions.
    #[inline(always)]
    pub fn before_mcu(&mut self, reader: &mut BitReader) -> bool {
        if self.interval == 0 {
            return false;
        }
        let due = self.left == 0;
        if due {
            // A missing marker leaves the reader supplying zeros (damaged data) or counting
            // the bits it lacks (truncation): decoding goes on and the caller finds out.
            reader.restart();
            self.left = self.interval;
        }
        self.left -= 1;
        due
    }
}

/// What one scanned component needs while its blocks are decoded.
pub(crate) struct Part<'t> {
    pub plane: usize,
    pub dc: &'t HuffmanTable,
    pub ac: &'t HuffmanTable,
    pub quant: [u16; 64],
    pub prediction: i32,
}

/// Each scanned component's tables (its quantisation table latched already), predictions at zero.
pub(crate) fn parts<'t>(frame: &Frame, scan: &ScanHeader, tables: &'t Tables) -> Result<Vec<Part<'t>>> {
    let mut parts = Vec::with_capacity(scan.components.len());
    for sc in &scan.components {
        let quant = frame.planes[sc.index].quant.unwrap_or([1; 64]);
        parts.push(Part { plane: sc.index, dc: tables.dc(sc.dc_table)?, ac: tables.ac(sc.ac_table)?, quant, prediction: 0 });
    }
    Ok(parts)
}

/// Decodes one scan whose entropy-coded data starts at `start`; returns where it stopped.
pub(crate) fn decode_scan(frame: &mut Frame, scan: &ScanHeader, tables: &Tables, data: &[u8], start: usize) -> Result<usize> {
    latch_quant_tables(frame, scan, tables)?;
    let mut parts = parts(frame, scan, tables)?;
    let mut reader = BitReader::new(data, start);
    let mut restarts = Restarts::new(tables.restart_interval);
    let mut block = WorkBlock::default();

    if let [part] = &mut parts[..] {
        // One component: its blocks in raster order, one block per MCU (T.81 A.2.2).
        let (wide, high) = (frame.planes[part.plane].blocks_wide, frame.planes[part.plane].blocks_high);
        for y in 0..high {
            for x in 0..wide {
                if restarts.before_mcu(&mut reader) {
                    part.prediction = 0;
                }
                let has_ac = block.decode(&mut reader, part.dc, part.ac, &mut part.prediction)?;
                frame.planes[part.plane].put_block(x, y, block.coefficients(), has_ac, &part.quant);
                block.clear(has_ac);
            }
            rows_done(frame, &reader, std::slice::from_ref(part), |plane| (y + 1) * plane.block_size)?;
        }
    } else {
        for mcu_y in 0..frame.mcus_high {
            for mcu_x in 0..frame.mcus_wide {
                if restarts.before_mcu(&mut reader) {
                    parts.iter_mut().for_each(|p| p.prediction = 0);
                }
                for part in parts.iter_mut() {
                    let plane = &mut frame.planes[part.plane];
                    for v in 0..plane.v {
                        for h in 0..plane.h {
                            let has_ac = block.decode(&mut reader, part.dc, part.ac, &mut part.prediction)?;
                            plane.put_block(mcu_x * plane.h + h, mcu_y * plane.v + v, block.coefficients(), has_ac, &part.quant);
                            block.clear(has_ac);
                        }
                    }
                }
            }
            rows_done(frame, &reader, &parts, |plane| (mcu_y + 1) * plane.v * plane.block_size)?;
        }
    }
    Ok(reader.position())
}

/// After a row of blocks or MCUs: stops at truncation, else marks each scanned plane's rows up to
/// `rows(plane)` as decoded and converts the output rows that completes.
fn rows_done(frame: &mut Frame, reader: &BitReader, parts: &[Part], rows: impl Fn(&Plane) -> usize) -> Result<()> {
    if reader.overran() {
        return Err(Error::Truncated);
    }
    for part in parts {
        let plane = &mut frame.planes[part.plane];
        plane.rows_ready = rows(plane).min(plane.height);
    }
    frame.emit_ready_rows();
    Ok(())
}

/// Where the sequential decoder puts zigzag position k: the natural index, or for k ≥ 64 the
/// work block's spill slot. Such positions come from a run overshooting the block in damaged
/// data (libjpeg writes those to coefficient 63) and from the empty second half of a lookup
/// entry with one coefficient, which is written as a zero at the next position (no branch).
static ZIGZAG_WORK: [u8; 128] = {
    let mut table = [64u8; 128];
    let mut k = 0;
    while k < 64 {
        table[k] = ZIGZAG[k];
        k += 1;
    }
    table
};

/// One block's coefficients while they are decoded: natural order, not dequantised, plus the
/// spill slot of `ZIGZAG_WORK` (never read).
pub(crate) struct WorkBlock([i16; 80]);

impl Default for WorkBlock {
    fn default() -> Self {
        Self([0; 80])
    }
}

impl WorkBlock {
    #[inline(always)]
    pub fn coefficients(&self) -> &[i16; 64] {
        &self.0.as_chunks::<64>().0[0]
    }

    /// Zeroes what `decode` wrote: everything if it had AC coefficients, else the DC.
    #[inline(always)]
    pub fn clear(&mut self, has_ac: bool) {
        if has_ac {
            idct::clear(&mut self.0.as_chunks_mut::<64>().0[0]);
        } else {
            self.0[0] = 0;
        }
    }

    /// Decodes one block's DC difference and AC coefficients (the block is all zeros on entry).
    /// Returns false when it had no AC coefficient (true may still mean all zeros).
    #[inline(always)]
    pub fn decode(&mut self, reader: &mut BitReader, dc: &HuffmanTable, ac: &HuffmanTable, prediction: &mut i32) -> Result<bool> {
        use crate::huffman::ac_entry::{get, *};
        let block = &mut self.0;
        // A code is at most 16 bits and its magnitude at most 15: 32 bits cover one coefficient,
        // and more than a lookup entry's LOOKUP_BITS.
        reader.ensure(32);
        let entry = dc.dc[reader.peek(LOOKUP_BITS) as usize & LOOKUP_MASK];
        let difference = if entry != 0 {
            reader.consume((entry & 0xFF) as u32);
            entry >> 16
        } else {
            let size = u32::from(symbol(reader, dc)?);
            extend(reader.take(size), size)
        };
        *prediction = prediction.wrapping_add(difference);
        block[0] = *prediction as i16;

        let entries = &*ac.ac;
        reader.ensure(32);
        let mut entry = entries[reader.peek(LOOKUP_BITS) as usize & LOOKUP_MASK];
        if get(entry, ADVANCE) == BARE_END as usize && get(entry, OFFSET1) == 0 {
            // No AC coefficient at all: the commonest block in smooth pictures.
            reader.consume(get(entry, LENGTH) as u32);
            return Ok(false);
        }
        let mut k = 1;
        loop {
            if entry != 0 {
                let first_at = k + get(entry, OFFSET1);
                if first_at >= 63 {
                    // The first coefficient fills the block: the rest of the window is the next
                    // block's.
                    reader.consume(get(entry, LENGTH1) as u32);
                    block[usize::from(ZIGZAG_WORK[first_at & 127])] = (entry >> VALUE1_SHIFT) as i16;
                    break;
                }
                // One or two coefficients, maybe the end of the block, in one lookup.
                reader.consume(get(entry, LENGTH) as u32);
                block[usize::from(ZIGZAG_WORK[first_at])] = (entry >> VALUE1_SHIFT) as i16;
                block[usize::from(ZIGZAG_WORK[(k + get(entry, OFFSET2)) & 127])] = (entry >> VALUE2_SHIFT) as i16;
                k += get(entry, ADVANCE);
            } else {
                let rs = symbol(reader, ac)?;
                let (run, size) = (usize::from(rs >> 4), u32::from(rs & 15));
                if size == 0 {
                    if run != 15 {
                        break;
                    }
                    k += 16;
                } else {
                    k += run;
                    block[usize::from(ZIGZAG_WORK[k & 127])] = extend(reader.take(size), size) as i16;
                    k += 1;
                }
            }
            if k >= 64 {
                break;
            }
            reader.ensure(32);
            entry = entries[reader.peek(LOOKUP_BITS) as usize & LOOKUP_MASK];
        }
        Ok(true)
    }
}

/// The next Huffman symbol (at least 16 bits must be available).
#[inline(always)]
pub(crate) fn symbol(reader: &mut BitReader, table: &HuffmanTable) -> Result<u8> {
    let entry = table.symbol[reader.peek(LOOKUP_BITS) as usize & LOOKUP_MASK];
    if entry != 0 {
        reader.consume(u32::from(entry & 0xFF));
        Ok((entry >> 8) as u8)
    } else {
        let (value, length) = table.long_code(reader.peek(16)).map_err(|_| bad_code())?;
        reader.consume(length);
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idct::tests::Noise;

    /// T.81 tables K.3 and K.5: the standard luminance DC and AC tables.
    pub(crate) fn standard_tables() -> (HuffmanTable, HuffmanTable) {
        let dc =
            HuffmanTable::new(&[0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], true).unwrap();
        let ac_values: Vec<u8> = [
            0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81,
            0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16, 0x17, 0x18,
            0x19, 0x1A, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
            0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75,
            0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99,
            0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3,
            0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5,
            0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA,
        ]
        .to_vec();
        let ac = HuffmanTable::new(&[0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D], &ac_values, false).unwrap();
        (dc, ac)
    }

    /// T.81 F.2.2, symbol by symbol, as the reference the lookup paths must agree with.
    fn reference_block(reader: &mut BitReader, dc: &HuffmanTable, ac: &HuffmanTable, prediction: &mut i32) -> [i16; 64] {
        let mut block = [0i16; 64];
        reader.ensure(32);
        let size = u32::from(symbol(reader, dc).unwrap());
        *prediction += extend(reader.take(size), size);
        block[0] = *prediction as i16;
        let mut k = 1;
        while k < 64 {
            reader.ensure(32);
            let rs = symbol(reader, ac).unwrap();
            let (run, size) = (usize::from(rs >> 4), u32::from(rs & 15));
            if size == 0 {
                if run != 15 {
                    break;
                }
                k += 16;
                continue;
            }
            k += run;
            let value = extend(reader.take(size), size) as i16;
            if k < 64 {
                block[usize::from(ZIGZAG[k])] = value;
            }
            k += 1;
        }
        block
    }

    /// Random bits decode to the same coefficients through the lookup entries as symbol by
    /// symbol: every entry kind (pairs, ends of block, ZRL, long codes) comes up.
    #[test]
    fn lookups_decode_as_the_standard_does() {
        let (dc, ac) = standard_tables();
        let mut noise = Noise::new(5);
        for round in 0..200 {
            // Biased towards zero bits, which make short codes (as in photos).
            let data: Vec<u8> = (0..4096)
                .map(|_| {
                    let byte = (noise.next() & noise.next() & if round % 2 == 0 { noise.next() } else { !0 }) as u8;
                    if byte == 0xFF { 0xFE } else { byte }
                })
                .collect();
            let (mut fast, mut slow) = (BitReader::new(&data, 0), BitReader::new(&data, 0));
            let (mut p1, mut p2) = (0, 0);
            let mut block = WorkBlock::default();
            for n in 0..200 {
                let has_ac = block.decode(&mut fast, &dc, &ac, &mut p1).unwrap();
                let want = reference_block(&mut slow, &dc, &ac, &mut p2);
                assert_eq!(block.coefficients(), &want, "round {round}, block {n}");
                assert_eq!(has_ac, want[1..].iter().any(|&c| c != 0) || has_ac, "round {round}, block {n}");
                assert_eq!(fast.taken(), slow.taken(), "round {round}, block {n}");
                block.clear(true);
            }
        }
    }
}
