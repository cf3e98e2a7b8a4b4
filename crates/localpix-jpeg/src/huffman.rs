//! Huffman tables (T.81 annex C and F.2.2.3) arranged for decoding from a bit buffer: one lookup
//! of the next `LOOKUP_BITS` bits gives, for most coefficients, the zero run, the length and the
//! signed value at once; rarer cases fall back to the symbol, then to a search over code lengths.

use crate::error::{Error, Result};

/// How many bits one lookup covers. Ten bits make the entries that hold a whole coefficient
/// (code plus magnitude) cover most of a photo's coefficients; tables are 4 KiB + 2 KiB.
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

pub(crate) struct HuffmanTable {
    /// By the next LOOKUP_BITS bits: `value << 16 | run << 8 | bits used` when the code and its
    /// magnitude bits both fit (for DC tables the run is 0 and a zero difference counts too);
    /// 0 otherwise.
    pub(crate) coefficient: Box<[i32; LOOKUP_SIZE]>,
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

        let mut coefficient = Box::new([0i32; LOOKUP_SIZE]);
        let mut symbol = Box::new([0u16; LOOKUP_SIZE]);
        for (&(code, length), &value) in codes.iter().zip(values) {
            if length > LOOKUP_BITS {
                continue;
            }
            let spare = LOOKUP_BITS - length;
            let first = (code << spare) as usize;
            for (i, entry) in symbol[first..first + (1 << spare)].iter_mut().enumerate() {
                *entry = u16::from(value) << 8 | length as u16;
                let (run, size) = if is_dc { (0, u32::from(value)) } else { (u32::from(value >> 4), u32::from(value & 15)) };
                // AC symbols with no magnitude are end-of-block or a run of 16 zeros: the
                // decoder handles those from the symbol.
                if (size > 0 || is_dc) && length + size <= LOOKUP_BITS {
                    let bits = (i as u32) >> (spare - size);
                    let v = extend(bits, size);
                    coefficient[first + i] = v << 16 | (run << 8) as i32 | (length + size) as i32;
                }
            }
        }
        Ok(Self { coefficient, symbol, max_code, value_offset, values: values.to_vec() })
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
        assert_eq!(table.coefficient[at(0b00, 2)], 2);
        // Category 3 is 100, then 3 bits: 010 is -5.
        assert_eq!(table.coefficient[at(0b100_010, 6)], -5 << 16 | 6);
        // Category 11 (code 111111110, 9 bits) needs 20 bits: symbol only.
        assert_eq!(table.symbol[at(0b111111110, 9)], 11 << 8 | 9);
        assert_eq!(table.coefficient[at(0b111111110, 9)], 0);
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
