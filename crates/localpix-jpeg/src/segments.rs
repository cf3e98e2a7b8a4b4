//! The marker segments around the entropy-coded data (ITU T.81 annex B): where each starts, and
//! what the frame, scan, table and Adobe segments say.

use crate::{
    bits::has_ff,
    error::{Error, Result},
    huffman::HuffmanTable,
};

/// Marker codes (the byte after 0xFF) this decoder acts on.
pub(crate) mod marker {
    pub const SOF0: u8 = 0xC0;
    pub const SOF1: u8 = 0xC1;
    pub const SOF2: u8 = 0xC2;
    pub const DHT: u8 = 0xC4;
    pub const DAC: u8 = 0xCC;
    pub const RST0: u8 = 0xD0;
    pub const SOI: u8 = 0xD8;
    pub const EOI: u8 = 0xD9;
    pub const SOS: u8 = 0xDA;
    pub const DQT: u8 = 0xDB;
    pub const DRI: u8 = 0xDD;
    pub const APP0: u8 = 0xE0;
    pub const APP14: u8 = 0xEE;
    /// TEM and the reserved codes: markers with no length field.
    pub fn is_standalone(code: u8) -> bool {
        code == 0x01 || (RST0..=EOI).contains(&code)
    }
}

/// Sample order inside a block: `ZIGZAG[k]` is the natural (row-major) index of the k-th
/// coefficient in the file. The entries past 63 catch a run that overshoots the block in damaged
/// data (as libjpeg's do); there are 128 so that `ZIGZAG[k & 127]` needs no bounds check.
pub(crate) static ZIGZAG: [u8; 128] = {
    const ORDER: [u8; 64] = [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49,
        56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ];
    let mut table = [63u8; 128];
    let mut k = 0;
    while k < 64 {
        table[k] = ORDER[k];
        k += 1;
    }
    table
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Coding {
    /// Baseline and extended sequential, Huffman-coded: each block complete in one scan.
    Sequential,
    /// Progressive, Huffman-coded: coefficients spread over several scans.
    Progressive,
}

#[derive(Clone, Debug)]
pub(crate) struct Component {
    pub id: u8,
    pub h: usize,
    pub v: usize,
    pub quant_table: usize,
}

#[derive(Clone, Debug)]
pub(crate) struct FrameHeader {
    pub coding: Coding,
    pub width: usize,
    pub height: usize,
    pub components: Vec<Component>,
}

impl FrameHeader {
    pub fn h_max(&self) -> usize {
        self.components.iter().map(|c| c.h).max().unwrap_or(1)
    }

    pub fn v_max(&self) -> usize {
        self.components.iter().map(|c| c.v).max().unwrap_or(1)
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct ScanComponent {
    /// Index into `FrameHeader::components`.
    pub index: usize,
    pub dc_table: usize,
    pub ac_table: usize,
}

#[derive(Clone, Debug)]
pub(crate) struct ScanHeader {
    pub components: Vec<ScanComponent>,
    /// Spectral selection: the first and last coefficient (zigzag order) the scan carries.
    pub ss: usize,
    pub se: usize,
    /// Successive approximation: the bit position of the previous scan (0 = first) and this one.
    pub ah: u8,
    pub al: u8,
}

/// Walks the segments of a JPEG held in one slice.
pub(crate) struct Segments<'a> {
    data: &'a [u8],
    pub pos: usize,
}

impl<'a> Segments<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    /// The next marker's code, skipping fill bytes and, like libjpeg, any garbage before it.
    pub fn next_marker(&mut self) -> Result<u8> {
        loop {
            self.pos = first_ff(self.data, self.pos).ok_or(Error::Truncated)? + 1;
            while self.data.get(self.pos) == Some(&0xFF) {
                self.pos += 1;
            }
            match self.data.get(self.pos) {
                None => return Err(Error::Truncated),
                // A stuffed 0xFF of entropy data the previous scan did not consume: not a marker.
                Some(0x00) => self.pos += 1,
                Some(&code) => {
                    self.pos += 1;
                    return Ok(code);
                }
            }
        }
    }

    /// The body of the segment that starts here (after its marker), without its length field.
    pub fn segment(&mut self) -> Result<&'a [u8]> {
        let length = self.data.get(self.pos..self.pos + 2).ok_or(Error::Truncated)?;
        let length = usize::from(u16::from_be_bytes([length[0], length[1]]));
        if length < 2 {
            return Err(Error::malformed("a segment is shorter than its own length field"));
        }
        let body = self.data.get(self.pos + 2..self.pos + length).ok_or(Error::Truncated)?;
        self.pos += length;
        Ok(body)
    }
}

/// Where the first 0xFF at or after `from` is. Eight bytes at a time: a reduced progressive decode
/// searches whole scans' entropy data for their end (`progressive::unneeded_scans`).
fn first_ff(data: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(word) = data.get(at..).and_then(|rest| rest.first_chunk::<8>()) {
        if has_ff(u64::from_le_bytes(*word)) {
            break;
        }
        at += 8;
    }
    data.get(at..)?.iter().position(|&b| b == 0xFF).map(|found| at + found)
}

/// Reads big-endian fields from a segment body; running out means the segment lies about its
/// contents.
struct Fields<'a> {
    body: &'a [u8],
    what: &'static str,
}

impl Fields<'_> {
    fn u8(&mut self) -> Result<u8> {
        let (&first, rest) = self.body.split_first().ok_or_else(|| Error::malformed(format!("the {} segment is too short", self.what)))?;
        self.body = rest;
        Ok(first)
    }

    fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_be_bytes([self.u8()?, self.u8()?]))
    }

    fn bytes(&mut self, n: usize) -> Result<&[u8]> {
        if self.body.len() < n {
            return Err(Error::malformed(format!("the {} segment is too short", self.what)));
        }
        let (head, rest) = self.body.split_at(n);
        self.body = rest;
        Ok(head)
    }
}

/// A start-of-frame segment. `code` is its marker, which says the coding process.
pub(crate) fn parse_frame(code: u8, body: &[u8]) -> Result<FrameHeader> {
    let coding = match code {
        marker::SOF0 | marker::SOF1 => Coding::Sequential,
        marker::SOF2 => Coding::Progressive,
        0xC3 => return Err(Error::unsupported("lossless coding")),
        0xC5..=0xC7 => return Err(Error::unsupported("hierarchical coding")),
        _ => return Err(Error::unsupported("arithmetic coding")),
    };
    let mut f = Fields { body, what: "frame header" };
    let precision = f.u8()?;
    if precision != 8 {
        return Err(Error::unsupported(format!("{precision}-bit samples")));
    }
    let height = usize::from(f.u16()?);
    let width = usize::from(f.u16()?);
    if height == 0 {
        return Err(Error::unsupported("a height given after the first scan (DNL)"));
    }
    if width == 0 {
        return Err(Error::malformed("the frame is 0 pixels wide"));
    }
    let count = f.u8()?;
    if !matches!(count, 1 | 3 | 4) {
        return Err(Error::unsupported(format!("{count} colour components")));
    }
    let mut components = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        let id = f.u8()?;
        let sampling = f.u8()?;
        let quant_table = usize::from(f.u8()?);
        let (h, v) = (usize::from(sampling >> 4), usize::from(sampling & 15));
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) {
            return Err(Error::malformed(format!("sampling factors {h}×{v}")));
        }
        if quant_table > 3 {
            return Err(Error::malformed(format!("quantisation table {quant_table}")));
        }
        components.push(Component { id, h, v, quant_table });
    }
    Ok(FrameHeader { coding, width, height, components })
}

/// A start-of-scan segment, checked against the frame as libjpeg checks it.
pub(crate) fn parse_scan(body: &[u8], frame: &FrameHeader) -> Result<ScanHeader> {
    let mut f = Fields { body, what: "scan header" };
    let count = usize::from(f.u8()?);
    if !(1..=4).contains(&count) {
        return Err(Error::malformed(format!("a scan of {count} components")));
    }
    let mut components: Vec<ScanComponent> = Vec::with_capacity(count);
    for _ in 0..count {
        let id = f.u8()?;
        let tables = f.u8()?;
        let index = frame
            .components
            .iter()
            .position(|c| c.id == id)
            .ok_or_else(|| Error::malformed(format!("a scan names component {id}, which the frame lacks")))?;
        if components.iter().any(|c| c.index == index) {
            return Err(Error::malformed("a scan names a component twice"));
        }
        let (dc_table, ac_table) = (usize::from(tables >> 4), usize::from(tables & 15));
        if dc_table > 3 || ac_table > 3 {
            return Err(Error::malformed("a scan uses a Huffman table number over 3"));
        }
        components.push(ScanComponent { index, dc_table, ac_table });
    }
    let ss = usize::from(f.u8()?);
    let se = usize::from(f.u8()?);
    let approximation = f.u8()?;
    let (ah, al) = (approximation >> 4, approximation & 15);
    if count > 1 {
        let blocks: usize = components.iter().map(|c| frame.components[c.index].h * frame.components[c.index].v).sum();
        if blocks > 10 {
            return Err(Error::malformed("an interleaved scan has more than 10 blocks per MCU"));
        }
    }
    match frame.coding {
        // libjpeg only warns about other values here: the scan is read as a full one.
        Coding::Sequential => Ok(ScanHeader { components, ss: 0, se: 63, ah: 0, al: 0 }),
        Coding::Progressive => {
            let dc = ss == 0;
            let bad = if dc { se != 0 } else { ss > se || se > 63 || count != 1 } || (ah != 0 && al + 1 != ah) || al > 13;
            if bad {
                return Err(Error::malformed(format!("a progressive scan has invalid parameters (Ss {ss}, Se {se}, Ah {ah}, Al {al})")));
            }
            Ok(ScanHeader { components, ss, se, ah, al })
        }
    }
}

/// Quantisation tables, stored in natural order.
pub(crate) fn parse_quant_tables(body: &[u8], tables: &mut [Option<[u16; 64]>; 4]) -> Result<()> {
    let mut f = Fields { body, what: "quantisation table" };
    while !f.body.is_empty() {
        let info = f.u8()?;
        let (precision, index) = (info >> 4, usize::from(info & 15));
        if precision > 1 || index > 3 {
            return Err(Error::malformed(format!("quantisation table {index} of precision {precision}")));
        }
        let mut table = [0u16; 64];
        for &natural in &ZIGZAG[..64] {
            table[usize::from(natural)] = if precision == 0 { u16::from(f.u8()?) } else { f.u16()? };
        }
        tables[index] = Some(table);
    }
    Ok(())
}

/// Huffman tables: (DC, AC) by table number.
pub(crate) fn parse_huffman_tables(body: &[u8], dc: &mut [Option<HuffmanTable>; 4], ac: &mut [Option<HuffmanTable>; 4]) -> Result<()> {
    let mut f = Fields { body, what: "Huffman table" };
    while !f.body.is_empty() {
        let info = f.u8()?;
        let (class, index) = (info >> 4, usize::from(info & 15));
        if class > 1 || index > 3 {
            return Err(Error::malformed(format!("Huffman table class {class} number {index}")));
        }
        let mut counts = [0u8; 16];
        counts.copy_from_slice(f.bytes(16)?);
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        if total > 256 {
            return Err(Error::malformed("a Huffman table has more than 256 codes"));
        }
        let symbols = f.bytes(total)?;
        let is_dc = class == 0;
        if is_dc && symbols.iter().any(|&s| s > 15) {
            return Err(Error::malformed("a DC Huffman table has a magnitude over 15"));
        }
        let table = HuffmanTable::new(&counts, symbols, is_dc)?;
        if is_dc {
            dc[index] = Some(table);
        } else {
            ac[index] = Some(table);
        }
    }
    Ok(())
}

/// The restart interval in MCUs (0: none).
pub(crate) fn parse_restart_interval(body: &[u8]) -> Result<usize> {
    Ok(usize::from(Fields { body, what: "restart interval" }.u16()?))
}

/// The colour transform flag of an Adobe APP14 segment (0: none, RGB or CMYK; 1: YCbCr;
/// 2: YCCK), or `None` when the segment is some other APP14.
pub(crate) fn adobe_transform(body: &[u8]) -> Option<u8> {
    (body.len() >= 12 && body.starts_with(b"Adobe")).then(|| body[11])
}

/// Whether an APP0 segment is a JFIF header (which implies YCbCr for three components).
pub(crate) fn is_jfif(body: &[u8]) -> bool {
    body.starts_with(b"JFIF\0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_0xff_at_every_offset_of_a_word() {
        for length in 0..40 {
            let none = vec![0x7Fu8; length];
            assert_eq!(first_ff(&none, 0), None);
            for at in 0..length {
                let mut data = none.clone();
                data[at] = 0xFF;
                if at + 3 < length {
                    data[at + 3] = 0xFF;
                }
                for from in 0..=at {
                    assert_eq!(first_ff(&data, from), Some(at), "length {length}, 0xFF at {at}, from {from}");
                }
                assert_eq!(first_ff(&data, at + 1), (at + 3 < length).then_some(at + 3));
            }
        }
        assert_eq!(first_ff(&[0xFF], 5), None);
    }

    #[test]
    fn zigzag_visits_every_position_once() {
        let mut seen = [false; 64];
        for &n in &ZIGZAG[..64] {
            assert!(!seen[usize::from(n)]);
            seen[usize::from(n)] = true;
        }
    }

    #[test]
    fn finds_markers_past_fill_bytes_and_garbage() {
        let data = [0x12, 0xFF, 0x00, 0xFF, 0xFF, 0xFF, 0xD9];
        let mut segments = Segments::new(&data);
        assert_eq!(segments.next_marker(), Ok(marker::EOI));
        assert_eq!(segments.next_marker(), Err(Error::Truncated));
    }

    #[test]
    fn a_segment_longer_than_the_data_is_truncation() {
        let data = [0x00, 0x10, 1, 2, 3];
        assert_eq!(Segments::new(&data).segment(), Err(Error::Truncated));
        assert!(matches!(Segments::new(&[0x00, 0x01]).segment(), Err(Error::Malformed(_))));
    }

    #[test]
    fn frames_outside_what_we_decode_are_unsupported() {
        let body = [8, 0, 16, 0, 16, 1, 1, 0x11, 0];
        assert!(parse_frame(marker::SOF0, &body).is_ok());
        for code in [0xC3, 0xC5, 0xC9] {
            assert!(matches!(parse_frame(code, &body), Err(Error::Unsupported(_))), "{code:x}");
        }
        let twelve_bit = [12, 0, 16, 0, 16, 1, 1, 0x11, 0];
        assert!(matches!(parse_frame(marker::SOF1, &twelve_bit), Err(Error::Unsupported(_))));
        let zero_sampling = [8, 0, 16, 0, 16, 1, 1, 0x01, 0];
        assert!(matches!(parse_frame(marker::SOF0, &zero_sampling), Err(Error::Malformed(_))));
        assert!(matches!(parse_frame(marker::SOF0, &body[..7]), Err(Error::Malformed(_))));
    }

    #[test]
    fn progressive_scans_are_checked_like_libjpeg() {
        let frame = parse_frame(marker::SOF2, &[8, 0, 16, 0, 16, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]).unwrap();
        // DC of all three components, then an AC band of one.
        assert!(parse_scan(&[3, 1, 0, 2, 0x11, 3, 0x11, 0, 0, 1], &frame).is_ok());
        assert!(parse_scan(&[1, 2, 0x11, 1, 5, 0], &frame).is_ok());
        // An AC band over two components, a DC scan with Se, a refinement that skips a bit.
        assert!(parse_scan(&[2, 1, 0, 2, 0x11, 1, 5, 0], &frame).is_err());
        assert!(parse_scan(&[1, 1, 0, 0, 5, 0], &frame).is_err());
        assert!(parse_scan(&[1, 1, 0, 1, 5, 0x20], &frame).is_err());
        assert!(parse_scan(&[1, 9, 0, 0, 63, 0], &frame).is_err());
    }
}
