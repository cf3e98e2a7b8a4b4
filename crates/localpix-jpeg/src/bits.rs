//! The bit reader of entropy-coded data, straight from the file's bytes.
//!
//! Most refills take eight bytes at once: when none of them is 0xFF there is no byte stuffing
//! and no marker among them, and the word can be shifted in whole (the "branchless refill" of
//! F. Giesen's "Reading bits in far too many ways"). Otherwise bytes are taken one by one,
//! unstuffing 0xFF 0x00 and stopping at a marker. Past a marker or the end of the data the reader
//! supplies zero bits, as libjpeg does; the bits supplied past the end are counted so the decoder
//! can tell a complete scan from a truncated file.

// Copy, and the slow paths take and return it by value: its address never escapes the decoding
// loop, so the compiler keeps the buffer in registers (a `&mut self` call to an out-of-line
// function would pin it to the stack, with a store and a load on every symbol).
#[derive(Clone, Copy)]
pub(crate) struct BitReader<'a> {
    data: &'a [u8],
    /// The next byte to load.
    pos: usize,
    /// Loaded bits, first bit in the most significant place; `count` of them are valid.
    buf: u64,
    count: u32,
    /// Zero bits supplied after the end of the data, not yet shifted out of the buffer's top.
    padding: u32,
    /// Set once a marker stops the loading; `pos` is then at its 0xFF.
    at_marker: bool,
    /// Zero bits supplied at a marker so far (not truncation: damaged data, decoded as zeros).
    marker_zeros: u32,
}

/// Whether any byte of `word` is 0xFF (a zero byte of its complement: the classic SWAR test).
#[inline(always)]
pub(crate) fn has_ff(word: u64) -> bool {
    let inverted = !word;
    (inverted.wrapping_sub(0x0101_0101_0101_0101) & word & 0x8080_8080_8080_8080) != 0
}

/// Eight bytes as a big-endian number. WebAssembly has no byte swap: LLVM spells one out in
/// about 30 shifts and masks, where a vector shuffle does it in one.
#[inline(always)]
fn load_be(bytes: &[u8; 8]) -> u64 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        use core::arch::wasm32::*;
        let v = u64x2(u64::from_le_bytes(*bytes), 0);
        u64x2_extract_lane::<0>(i8x16_shuffle::<7, 6, 5, 4, 3, 2, 1, 0, 8, 9, 10, 11, 12, 13, 14, 15>(v, v))
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    u64::from_be_bytes(*bytes)
}

impl<'a> BitReader<'a> {
    pub fn new(data: &'a [u8], pos: usize) -> Self {
        Self { data, pos, buf: 0, count: 0, padding: 0, at_marker: false, marker_zeros: 0 }
    }

    /// A reader whose next bit is `bit` (a [`BitReader::bit_position`] of the same data).
    pub fn at_bit(data: &'a [u8], bit: u64) -> Self {
        let mut reader = Self::new(data, (bit / 8) as usize);
        reader.ensure(8);
        reader.consume((bit % 8) as u32);
        reader
    }

    /// Makes at least `n` bits (n ≤ 57) available.
    #[inline(always)]
    pub fn ensure(&mut self, n: u32) {
        if self.count < n {
            self.refill();
        }
    }

    /// The next `n` bits (1 ≤ n ≤ 32) as a number, without consuming them.
    #[inline(always)]
    pub fn peek(&self, n: u32) -> u32 {
        (self.buf >> (64 - n)) as u32
    }

    #[inline(always)]
    pub fn consume(&mut self, n: u32) {
        debug_assert!(n <= self.count);
        self.buf <<= n;
        self.count -= n;
    }

    /// The next `n` bits (0 ≤ n ≤ 16), consumed; `ensure` must have made them available.
    #[inline(always)]
    pub fn take(&mut self, n: u32) -> u32 {
        if n == 0 {
            return 0;
        }
        let bits = self.peek(n);
        self.consume(n);
        bits
    }

    /// Fills the buffer to at least 57 bits.
    #[inline(always)]
    fn refill(&mut self) {
        if let Some(word) = self.data.get(self.pos..).and_then(|rest| rest.first_chunk::<8>()) {
            let word = load_be(word);
            if !has_ff(word) {
                // The bits below `count` may already hold some of these bytes (from the previous
                // word): OR-ing the same bits again leaves them unchanged.
                self.buf |= word >> self.count;
                self.pos += ((63 - self.count) >> 3) as usize;
                self.count |= 56;
                return;
            }
        }
        *self = self.refilled_bytewise();
    }

    #[inline(never)]
    fn refilled_bytewise(mut self) -> Self {
        // Clear what earlier whole-word loads left below the valid bits: from here on bytes are
        // unstuffed, so those bits may no longer be the right ones.
        self.buf &= !(u64::MAX >> self.count);
        while self.count <= 56 {
            let byte = if self.at_marker {
                self.marker_zeros = self.marker_zeros.saturating_add(8);
                0
            } else {
                match (self.data.get(self.pos), self.data.get(self.pos + 1)) {
                    (Some(0xFF), Some(0x00)) => {
                        self.pos += 2;
                        0xFF
                    }
                    (Some(0xFF), Some(_)) => {
                        self.at_marker = true;
                        self.marker_zeros = self.marker_zeros.saturating_add(8);
                        0
                    }
                    (Some(0xFF), None) | (None, _) => {
                        // The data ends (a lone 0xFF at the very end is a cut marker).
                        self.padding += 8;
                        0
                    }
                    (Some(&byte), _) => {
                        self.pos += 1;
                        byte
                    }
                }
            };
            self.buf |= u64::from(byte) << (56 - self.count);
            self.count += 8;
        }
        self
    }

    /// Whether the decoder has used bits that the data does not have: the file is truncated.
    pub fn overran(&self) -> bool {
        self.padding > self.count
    }

    /// Drops the bits left in the buffer and skips past the restart marker that must follow, as
    /// at each restart interval. Returns false when a marker other than RSTn comes first (damaged
    /// data: the reader then supplies zeros) and at the end of the data (truncation).
    pub fn restart(&mut self) -> bool {
        let (restarted, found) = self.restarted();
        *self = restarted;
        found
    }

    #[inline(never)]
    fn restarted(mut self) -> (Self, bool) {
        let found = self.skip_to_restart_marker();
        (self, found)
    }

    fn skip_to_restart_marker(&mut self) -> bool {
        self.buf = 0;
        self.count = 0;
        self.padding = 0;
        self.at_marker = false;
        self.marker_zeros = 0;
        // Skip what remains of the interval (only bits before the marker in valid files).
        loop {
            let Some(ff) = self.data.get(self.pos..).and_then(|rest| rest.iter().position(|&b| b == 0xFF)) else {
                self.pos = self.data.len();
                return false;
            };
            self.pos += ff;
            let mut code_at = self.pos + 1;
            while self.data.get(code_at) == Some(&0xFF) {
                code_at += 1;
            }
            match self.data.get(code_at) {
                None => {
                    self.pos = self.data.len();
                    return false;
                }
                Some(0x00) => self.pos = code_at + 1,
                Some(0xD0..=0xD7) => {
                    self.pos = code_at + 1;
                    return true;
                }
                Some(_) => {
                    self.at_marker = true;
                    return false;
                }
            }
        }
    }

    /// Where the next bit comes from: bit `n % 8` (the most significant first) of byte `n / 8` of
    /// the data, stuffing counted as the data has it. Two readers of the same data at the same
    /// position read the same bits from there on, whatever they loaded before: this is what lets
    /// a decode started at a guess recognise where it joined the true sequence of blocks
    /// (`crate::halves`). Once the data is used up (a marker, the end), the position of that
    /// point plus the zero bits taken past it. (By value, as the slow paths: a reader whose address
    /// escaped to a call would be kept in memory through the decoding loop.)
    #[inline(never)]
    pub fn bit_position(self) -> u64 {
        let supplied = self.padding.saturating_add(self.marker_zeros);
        if self.count <= supplied {
            return self.pos as u64 * 8 + u64::from(supplied - self.count);
        }
        walk_back(self.data, self.pos, self.count - supplied)
    }

    /// The reader's place, taken cheaply (per MCU, in `crate::halves`), for [`position_of_mark`]
    /// to turn into its bit position later, only where needed.
    #[inline(always)]
    pub fn mark(&self) -> u64 {
        if self.padding | self.marker_zeros == 0 {
            // `count` is at most 64: seven bits.
            (self.pos as u64) << 7 | u64::from(self.count)
        } else {
            EXACT | self.bit_position()
        }
    }

    /// Whether every bit of the data up to the marker or the end that stopped the reader has been
    /// taken: what comes now is zeros the data does not have.
    #[inline(always)]
    pub fn exhausted(&self) -> bool {
        (self.at_marker || self.padding > 0) && self.count <= self.padding.saturating_add(self.marker_zeros)
    }

    /// Bits taken so far (for tests: data without stuffing).
    #[cfg(test)]
    pub fn taken(&self) -> usize {
        self.pos * 8 - self.count as usize + self.padding as usize
    }

    /// Where the segment parser should continue after the scan: at the marker that stopped the
    /// reader, or past everything loaded.
    pub fn position(&self) -> usize {
        self.pos
    }
}

/// Marks a [`BitReader::mark`] that holds the bit position itself (a reader past the data).
const EXACT: u64 = 1 << 63;

/// The bit position of a reader's [`BitReader::mark`] over `data`.
pub(crate) fn position_of_mark(data: &[u8], mark: u64) -> u64 {
    if mark & EXACT != 0 {
        return mark & !EXACT;
    }
    let (pos, count) = ((mark >> 7) as usize, (mark & 127) as u32);
    if count == 0 { pos as u64 * 8 } else { walk_back(data, pos, count) }
}

/// The bit position `unread` (> 0) bits of data before byte `pos`: walks back over their bytes, a
/// 0x00 after 0xFF being stuffing, not data.
fn walk_back(data: &[u8], pos: usize, mut unread: u32) -> u64 {
    let mut at = pos;
    loop {
        at -= 1;
        if data[at] == 0 && at > 0 && data[at - 1] == 0xFF {
            at -= 1;
        }
        if unread <= 8 {
            return at as u64 * 8 + u64::from(8 - unread);
        }
        unread -= 8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(data: &[u8], bits: usize) -> Vec<u32> {
        let mut reader = BitReader::new(data, 0);
        (0..bits)
            .map(|_| {
                reader.ensure(1);
                reader.take(1)
            })
            .collect()
    }

    #[test]
    fn finds_0xff_bytes() {
        assert!(has_ff(0x00FF_0000_0000_0000));
        assert!(has_ff(0x0000_0000_0000_00FF));
        assert!(!has_ff(0xFEFE_7F80_0001_FEFE));
    }

    #[test]
    fn reads_the_same_bits_by_words_and_by_bytes() {
        // Long enough for whole-word refills, with stuffing in the middle.
        let data: Vec<u8> = (0..40u8).map(|i| i.wrapping_mul(37)).chain([0xFF, 0x00, 0x12]).chain((0..20u8).map(|i| i ^ 0x5A)).collect();
        let unstuffed: Vec<u8> =
            data.iter().enumerate().filter(|&(i, &b)| !(b == 0 && i > 0 && data[i - 1] == 0xFF)).map(|(_, &b)| b).collect();
        let expected: Vec<u32> = unstuffed.iter().flat_map(|&b| (0..8).rev().map(move |i| u32::from(b >> i) & 1)).collect();
        assert_eq!(read_all(&data, expected.len()), expected);
        // Odd-sized takes cross word boundaries the same way.
        let mut reader = BitReader::new(&data, 0);
        let mut got = Vec::new();
        for n in (1..=16).cycle().take(40) {
            reader.ensure(n);
            got.push(reader.take(n));
        }
        let mut bits = expected.iter();
        for (n, value) in (1..=16).cycle().zip(got) {
            let want = (0..n).fold(0, |acc, _| acc << 1 | bits.next().copied().unwrap_or(0));
            assert_eq!(value, want);
        }
    }

    #[test]
    fn supplies_zeros_at_a_marker_and_counts_those_past_the_end() {
        let mut reader = BitReader::new(&[0xAB, 0xFF, 0xD9], 0);
        reader.ensure(16);
        assert_eq!(reader.take(16), 0xAB00);
        assert!(!reader.overran(), "zeros at a marker are not truncation");
        assert_eq!(reader.position(), 1);

        let mut reader = BitReader::new(&[0xAB], 0);
        reader.ensure(8);
        assert_eq!(reader.take(8), 0xAB);
        assert!(!reader.overran());
        reader.ensure(1);
        reader.take(1);
        assert!(reader.overran());
    }

    /// The position is where the next bit is in the data, stuffing counted, whatever the reader
    /// loaded ahead; a reader started there reads on the same bits.
    #[test]
    fn bit_positions_are_where_the_next_bit_is_in_the_data() {
        // Data with stuffing in runs and apart, then a marker.
        let mut data: Vec<u8> = (0..300u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        for at in [20, 21, 22, 23, 50, 131, 132, 200] {
            data[at] = 0xFF;
        }
        let mut stuffed = Vec::new();
        // Where each unstuffed byte is in the data.
        let mut origin = Vec::new();
        for &byte in &data {
            origin.push(stuffed.len());
            stuffed.push(byte);
            if byte == 0xFF {
                stuffed.push(0x00);
            }
        }
        stuffed.extend_from_slice(&[0xFF, 0xD9]);
        let mut reader = BitReader::new(&stuffed, 0);
        let mut taken = 0usize;
        for n in (1..=16).cycle().take(320) {
            let position = reader.bit_position();
            assert_eq!(position_of_mark(&stuffed, reader.mark()), position, "after {taken} bits");
            if taken < data.len() * 8 {
                assert_eq!(position, origin[taken / 8] as u64 * 8 + (taken % 8) as u64, "after {taken} bits");
                let mut fresh = BitReader::at_bit(&stuffed, position);
                let (mut a, b) = (reader, &mut fresh);
                a.ensure(16);
                b.ensure(16);
                assert_eq!(a.peek(16), b.peek(16), "after {taken} bits");
                assert!(!reader.exhausted());
            } else {
                // Past the marker: its position plus the zeros taken.
                assert_eq!(position, (stuffed.len() as u64 - 2) * 8 + (taken - data.len() * 8) as u64);
                assert!(reader.exhausted());
            }
            reader.ensure(n);
            reader.take(n);
            taken += n as usize;
        }
        assert!(taken > data.len() * 8, "the test reads past the marker");
    }

    #[test]
    fn restarts_after_the_next_rst_marker() {
        let data = [0x12, 0x34, 0xFF, 0x00, 0xFF, 0xD3, 0x56, 0xFF, 0xD9];
        let mut reader = BitReader::new(&data, 0);
        reader.ensure(4);
        reader.take(4);
        assert!(reader.restart());
        reader.ensure(8);
        assert_eq!(reader.take(8), 0x56);
        // The next marker is EOI, not RSTn.
        assert!(!reader.restart());
        reader.ensure(8);
        assert_eq!(reader.take(8), 0);
    }
}
