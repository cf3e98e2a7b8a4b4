//! Huffman tables (T.81 annex C and F.2.2.3) arranged for decoding from a bit buffer: one lookup
//! of the next `LOOKUP_BITS` bits gives, for most coefficients, the zero run, the length and the
//! signed value at once, and for AC tables often those of the next coefficient or the end of
//! the block too; rarer cases fall back to the symbol, then to a search over code lengths.

use crate::error::{Error, Result};

/// How many bits one lookup covers. Ten bits make the entries that hold a whole coefficient
/// (code plus magnitude) cover most of a photo's coefficients, and keep the tables (8 KiB of AC
/// pairs or 4 KiB of DC values, plus 2 KiB of symbols) within the first-level cache.
pub(crate) const LOOKUP_BITS: u32 = 10;
const LOOKUP_SIZE: usize = 1 << LOOKUP_BITS;
pub(crate) const LOOKUP_MASK: usize = LOOKUP_SIZE - 1;

/// The value of `size` magnitude bits `bits` (T.81 figure F.12: EXTEND).
#[inline(always)]
pub(crate) fn extend(bits: u32, size: u32) -> i32 {
    let bits = bits as i32;
    if size == 0 {
        0
    } else if bits < 1 << (size - 1) {
        bits - (1 << size) + 1
    } else {
        bits
    }
}

/// What an AC lookup entry holds (see [`HuffmanTable::ac`]): bit fields, shift and mask each,
/// laid out so the decoder needs few operations per entry.
pub(crate) mod ac_entry {
    /// The bits the entry decodes, 1..=LOOKUP_BITS (0 in the whole entry: it is empty).
    pub const LENGTH: (u64, u64) = (0, 0x1F);
    /// The bits of the first coefficient alone (used when it fills the block).
    pub const LENGTH1: (u64, u64) = (5, 0x1F);
    /// Where the first coefficient goes, from the current position: its run of zeros.
    pub const OFFSET1: (u64, u64) = (10, 0x3F);
    /// Where the second goes (the position after the first when there is none: a zero is
    /// written there, which it already is).
    pub const OFFSET2: (u64, u64) = (16, 0x3F);
    /// How far the position moves; 64 more when the block ends, so one test ends the loop.
    pub const ADVANCE: (u64, u64) = (22, 0xFF);
    pub const VALUE1_SHIFT: u64 = 32;
    pub const VALUE2_SHIFT: u64 = 48;
    /// The advance of an entry that is only an end of block.
    pub const BARE_END: u64 = 64;

    #[inline(always)]
    pub fn get(entry: u64, (shift, mask): (u64, u64)) -> usize {
        ((entry >> shift) & mask) as usize
    }
}

pub(crate) struct HuffmanTable {
    /// DC tables, by the next LOOKUP_BITS bits: `difference << 16 | bits used` when the code
    /// and its magnitude bits both fit; 0 otherwise.
    pub(crate) dc: Box<[i32; LOOKUP_SIZE]>,
    /// AC tables, by the next LOOKUP_BITS bits: up to two coefficients (where each goes, its
    /// value) and whether the block then ends, packed as `ac_entry` says, when their codes and
    /// magnitude bits all fit; 0 otherwise. A run of 16 zeros (ZRL) is a coefficient of value 0
    /// after 15 zeros.
    pub(crate) ac: Box<[u64; LOOKUP_SIZE]>,
    /// By the next LOOKUP_BITS bits: `symbol << 8 | code length` when the code fits, else 0.
    pub(crate) symbol: Box<[u16; LOOKUP_SIZE]>,
    /// For codes longer than LOOKUP_BITS (F.2.2.3): the largest code of each length (-1: none)
    /// and the offset from a code of that length to its symbol's index.
    max_code: [i32; 17],
    value_offset: [i32; 17],
    values: Vec<u8>,
}

impl HuffmanTable {
    /// The table of a DHT segment: how many codes each length 1..=16 has, and their symbols.
    pub fn new(counts: &[u8; 16], values: &[u8], is_dc: bool) -> Result<Self> {
        // Canonical codes (C.2): consecutive within a length, doubled from one length to the next.
        let mut codes = Vec::with_capacity(values.len());
        let mut max_code = [-1i32; 17];
        let mut value_offset = [0i32; 17];
        let mut code = 0u32;
        for length in 1..=16 {
            let count = u32::from(counts[length - 1]);
            if count > 0 {
                value_offset[length] = codes.len() as i32 - code as i32;
                for _ in 0..count {
                    codes.push((code, length as u32));
                    code += 1;
                }
                max_code[length] = code as i32 - 1;
            }
            if code > 1 << length {
                return Err(Error::malformed("a Huffman table has more codes than its lengths allow"));
            }
            code <<= 1;
        }

        let mut symbol = Box::new([0u16; LOOKUP_SIZE]);
        for (&(code, length), &value) in codes.iter().zip(values) {
            if length <= LOOKUP_BITS {
                let spare = LOOKUP_BITS - length;
                let first = (code << spare) as usize;
                symbol[first..first + (1 << spare)].fill(u16::from(value) << 8 | length as u16);
            }
        }
        let mut dc = Box::new([0i32; LOOKUP_SIZE]);
        let mut ac = Box::new([0u64; LOOKUP_SIZE]);
        for window in 0..LOOKUP_SIZE as u32 {
            if is_dc {
                if let Some((0, value, length)) = whole_code(&symbol, window, LOOKUP_BITS, true) {
                    dc[window as usize] = value << 16 | length as i32;
                }
            } else {
                ac[window as usize] = ac_entry(&symbol, window);
            }
        }
        Ok(Self { dc, ac, symbol, max_code, value_offset, values: values.to_vec() })
    }

    /// The symbol of a code longer than LOOKUP_BITS and its length, from the next 16 bits; an
    /// error when no code matches (only an incomplete table leaves such gaps).
    #[cold]
    pub fn long_code(&self, next16: u32) -> Result<(u8, u32)> {
        for length in LOOKUP_BITS + 1..=16 {
            let code = (next16 >> (16 - length)) as i32;
            if code <= self.max_code[length as usize] {
                let index = code + self.value_offset[length as usize];
                let value = usize::try_from(index).ok().and_then(|i| self.values.get(i));
                return value.map(|&v| (v, length)).ok_or_else(bad_code);
            }
        }
        Err(bad_code())
    }
}

/// The coefficient (zero run, value, bits used) whose code and magnitude fill the top bits of a
/// LOOKUP_BITS-bit `window` and take at most `available` of them; `None` when they do not fit.
/// An AC end-of-block gives a run of 16 (no coefficient: the caller tells it from ZRL, which is
/// 15 zeros then a zero value).
fn whole_code(symbol: &[u16; LOOKUP_SIZE], window: u32, available: u32, is_dc: bool) -> Option<(u32, i32, u32)> {
    let entry = symbol[window as usize & LOOKUP_MASK];
    let length = u32::from(entry & 0xFF);
    if length == 0 || length > available {
        return None;
    }
    let rs = u32::from(entry >> 8);
    let (run, size) = if is_dc { (0, rs) } else { (rs >> 4, rs & 15) };
    if !is_dc && size == 0 {
        // ZRL, or an end of block (any other run without a size ends a sequential block).
        return Some(if run == 15 { (15, 0, length) } else { (16, 0, length) });
    }
    if length + size > available {
        return None;
    }
    let bits = (window >> (LOOKUP_BITS - length - size)) & ((1 << size) - 1);
    Some((run, extend(bits, size), length + size))
}

/// The AC lookup entry of `window` (see [`HuffmanTable::ac`]).
fn ac_entry(symbol: &[u16; LOOKUP_SIZE], window: u32) -> u64 {
    use ac_entry::*;
    let pack = |length: u32, length1: u32, offset1: u32, offset2: u32, advance: u32, value1: i32, value2: i32| {
        u64::from(length) << LENGTH.0
            | u64::from(length1) << LENGTH1.0
            | u64::from(offset1) << OFFSET1.0
            | u64::from(offset2) << OFFSET2.0
            | u64::from(advance) << ADVANCE.0
            | u64::from(value1 as u16) << VALUE1_SHIFT
            | u64::from(value2 as u16) << VALUE2_SHIFT
    };
    let Some((run, value, length)) = whole_code(symbol, window, LOOKUP_BITS, false) else { return 0 };
    if run == 16 {
        return pack(length, length, 0, 0, BARE_END as u32, 0, 0);
    }
    // What the rest of the window holds: another coefficient, the end of the block, or too little.
    let rest = (window << length) & LOOKUP_MASK as u32;
    match whole_code(symbol, rest, LOOKUP_BITS - length, false) {
        Some((16, _, more)) => pack(length + more, length, run, run + 1, run + 1 + BARE_END as u32, value, 0),
        Some((run2, value2, more)) => pack(length + more, length, run, run + 1 + run2, run + 2 + run2, value, value2),
        None => pack(length, length, run, run + 1, run + 1, value, 0),
    }
}

pub(crate) fn bad_code() -> Error {
    Error::malformed("a Huffman code matches no table entry")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// T.81 table K.3: the luminance DC table of the standard.
    fn standard_dc() -> HuffmanTable {
        HuffmanTable::new(&[0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], true).unwrap()
    }

    #[test]
    fn extends_magnitudes_as_the_standard_does() {
        assert_eq!(extend(0b0, 1), -1);
        assert_eq!(extend(0b1, 1), 1);
        assert_eq!(extend(0b00, 2), -3);
        assert_eq!(extend(0b10, 2), 2);
        assert_eq!(extend(0, 0), 0);
        assert_eq!(extend(0x400, 11), 1024);
        assert_eq!(extend(0, 11), -2047);
    }

    #[test]
    fn looks_up_symbols_and_whole_coefficients() {
        let table = standard_dc();
        // Category 0 is the 2-bit code 00: a zero difference, 2 bits.
        let at = |bits: u32, len: u32| (bits << (LOOKUP_BITS - len)) as usize;
        assert_eq!(table.symbol[at(0b00, 2)], 2);
        assert_eq!(table.dc[at(0b00, 2)], 2);
        // Category 3 is 100, then 3 bits: 010 is -5.
        assert_eq!(table.dc[at(0b100_010, 6)], -5 << 16 | 6);
        // Category 11 (code 111111110, 9 bits) needs 20 bits: symbol only.
        assert_eq!(table.symbol[at(0b111111110, 9)], 11 << 8 | 9);
        assert_eq!(table.dc[at(0b111111110, 9)], 0);
    }

    #[test]
    // The digits are grouped by code and magnitude.
    #[allow(clippy::unusual_byte_groupings)]
    fn ac_entries_pair_coefficients_and_ends_of_block() {
        use ac_entry::*;
        // Codes: 0 → 0x01 (run 0, size 1), 10 → 0x00 (end of block), 110 → 0xF0 (ZRL),
        // 1110 → 0x12 (run 1, size 2), 11110 → 0x0A (size 10: never fits with its code).
        let table = HuffmanTable::new(&[1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], &[0x01, 0x00, 0xF0, 0x12, 0x0A], false).unwrap();
        let entry = |bits: u32, len: u32| table.ac[(bits << (LOOKUP_BITS - len)) as usize];
        let fields = |e: u64| {
            let value = |shift: u64| (e >> shift) as u16 as i16;
            (get(e, LENGTH), get(e, LENGTH1), get(e, OFFSET1), get(e, OFFSET2), get(e, ADVANCE), value(VALUE1_SHIFT), value(VALUE2_SHIFT))
        };
        // 0 1, then 10: the value 1, then the end of the block, in 4 bits.
        assert_eq!(fields(entry(0b01_10, 4)), (4, 2, 0, 1, 65, 1, 0));
        // 0 0, then 1110 01: -1, then one zero and -2, in 8 bits.
        assert_eq!(fields(entry(0b00_1110_01, 8)), (8, 2, 0, 2, 3, -1, -2));
        // ZRL is 15 zeros then a zero value (then here the end of block); a bare end of block
        // moves by 64 and writes nothing.
        assert_eq!(fields(entry(0b110_10, 5)), (5, 3, 15, 16, 80, 0, 0));
        assert_eq!(fields(entry(0b10, 2)), (2, 2, 0, 0, 64, 0, 0));
        // One coefficient whose follower does not fit: 1110 11, then a size-10 code.
        assert_eq!(fields(entry(0b1110_11_1111, 10)), (6, 6, 1, 2, 2, 3, 0));
        // A size-10 magnitude after a 5-bit code does not fit in 10 bits.
        assert_eq!(entry(0b11110, 5), 0);
    }

    #[test]
    fn finds_codes_longer_than_the_lookup() {
        // Codes of 1, then 12 bits: 0, 1000_0000_0000, 1000_0000_0001.
        let mut counts = [0u8; 16];
        counts[0] = 1;
        counts[11] = 2;
        let table = HuffmanTable::new(&counts, &[0x01, 0x22, 0x33], false).unwrap();
        assert_eq!(table.long_code(0b1000_0000_0001_0000).unwrap(), (0x33, 12));
        // 1111… matches nothing: the table is incomplete.
        assert!(table.long_code(0xFFFF).is_err());
    }

    #[test]
    fn refuses_more_codes_than_lengths_allow() {
        let mut counts = [0u8; 16];
        counts[0] = 3;
        assert!(HuffmanTable::new(&counts, &[1, 2, 3], false).is_err());
    }
}
