//! Scans of sequential (baseline and extended) frames: each block is decoded, transformed and
//! written to its plane at once, so no coefficient buffer exists beyond the block being worked
//! on; output rows are converted after each MCU row.

use crate::{
    bits::BitReader,
    error::{Error, Result},
    frame::{Frame, Plane},
    huffman::{HuffmanTable, LOOKUP_BITS, LOOKUP_MASK, bad_code, extend},
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
struct Part<'t> {
    plane: usize,
    dc: &'t HuffmanTable,
    ac: &'t HuffmanTable,
    quant: [u16; 64],
    prediction: i32,
}

/// Decodes one scan whose entropy-coded data starts at `start`; returns where it stopped.
pub(crate) fn decode_scan(frame: &mut Frame, scan: &ScanHeader, tables: &Tables, data: &[u8], start: usize) -> Result<usize> {
    latch_quant_tables(frame, scan, tables)?;
    let mut parts = Vec::with_capacity(scan.components.len());
    for sc in &scan.components {
        let quant = frame.planes[sc.index].quant.unwrap_or([1; 64]);
        parts.push(Part { plane: sc.index, dc: tables.dc(sc.dc_table)?, ac: tables.ac(sc.ac_table)?, quant, prediction: 0 });
    }
    let mut reader = BitReader::new(data, start);
    let mut restarts = Restarts::new(tables.restart_interval);
    let mut block = [0i16; 64];

    if let [part] = &mut parts[..] {
        // One component: its blocks in raster order, one block per MCU (T.81 A.2.2).
        let (wide, high) = (frame.planes[part.plane].blocks_wide, frame.planes[part.plane].blocks_high);
        for y in 0..high {
            for x in 0..wide {
                if restarts.before_mcu(&mut reader) {
                    part.prediction = 0;
                }
                let has_ac = decode_block(&mut reader, part.dc, part.ac, &mut part.prediction, &mut block)?;
                frame.planes[part.plane].put_block(x, y, &block, has_ac, &part.quant);
                clear(&mut block, has_ac);
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
                            let has_ac = decode_block(&mut reader, part.dc, part.ac, &mut part.prediction, &mut block)?;
                            plane.put_block(mcu_x * plane.h + h, mcu_y * plane.v + v, &block, has_ac, &part.quant);
                            clear(&mut block, has_ac);
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

#[inline(always)]
fn clear(block: &mut [i16; 64], has_ac: bool) {
    if has_ac {
        *block = [0; 64];
    } else {
        block[0] = 0;
    }
}

/// Decodes one block's DC difference and AC coefficients into `block` (all zeros on entry;
/// natural order, not dequantised). Returns whether it had any AC coefficient.
#[inline(always)]
fn decode_block(reader: &mut BitReader, dc: &HuffmanTable, ac: &HuffmanTable, prediction: &mut i32, block: &mut [i16; 64]) -> Result<bool> {
    // A code is at most 16 bits and its magnitude at most 15: 32 bits cover one coefficient.
    reader.ensure(32);
    let entry = dc.coefficient[reader.peek(LOOKUP_BITS) as usize & LOOKUP_MASK];
    let difference = if entry != 0 {
        reader.consume((entry & 0xFF) as u32);
        entry >> 16
    } else {
        let size = u32::from(symbol(reader, dc)?);
        extend(reader.take(size), size)
    };
    *prediction = prediction.wrapping_add(difference);
    block[0] = *prediction as i16;

    let mut k = 1;
    while k < 64 {
        reader.ensure(32);
        let entry = ac.coefficient[reader.peek(LOOKUP_BITS) as usize & LOOKUP_MASK];
        if entry != 0 {
            // Run, size and value in one lookup: the common case.
            reader.consume((entry & 0xFF) as u32);
            k += ((entry >> 8) & 0xF) as usize;
            block[usize::from(ZIGZAG[k & 127] & 63)] = (entry >> 16) as i16;
            k += 1;
            continue;
        }
        let rs = symbol(reader, ac)?;
        let (run, size) = (usize::from(rs >> 4), u32::from(rs & 15));
        if size == 0 {
            if run == 15 {
                k += 16;
                continue;
            }
            break;
        }
        k += run;
        block[usize::from(ZIGZAG[k & 127] & 63)] = extend(reader.take(size), size) as i16;
        k += 1;
    }
    Ok(k > 1)
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
