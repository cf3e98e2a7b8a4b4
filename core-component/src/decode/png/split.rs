//! A large PNG decoded at half size by two engines at once, such as two Web Workers that share no
//! memory (W3's 5120×2880 → 1280: the inflater alone was half of the job).
//!
//! A zlib stream is one chain: any byte may copy one of the 32 KB before it. But deflate writes
//! its stream in blocks, each opening with its own Huffman codes, so a second inflater can start
//! at a block in the middle ([`plan`] finds one by its header) without the 32 KB before it. It
//! inflates twice, in step, once as if those 32 KB were zeros and once as if they were 0xFF: a
//! byte that comes out the same both times owes nothing to them, and once 32 KB in a row come out
//! the same, so does everything after (an inflater's output depends on the stream and its last
//! 32 KB only), and the second copy stops. Where the rows start it tells from their filter types
//! (the first byte of each, 0 to 4, at the same place in every row), and checks at the end, when
//! the length of what it inflated says exactly where it began. A row filtered by None or Sub owes
//! nothing to the row above, so from the first such row on it unfilters and folds on its own;
//! not knowing yet whether that row is even or odd, it folds both ways (the 2×2 means, `half.rs`)
//! and keeps the right one at the end. The first engine decodes from the top meanwhile, and when
//! the second's rows come, decodes what lies between and checks the stream's Adler-32 over both
//! parts (each row's, combined). Anything unexpected and the first engine decodes the rest alone.

pub(crate) use super::half::Decoder;
use super::{common_case, half::fold, paeth_pair, unfilter};
use crate::{Dimensions, pixels::Pixels};
use zlib_rs::{Inflate, InflateFlush, Status};

/// The second engine starts at the first block after this share of the stream, in twentieths: it
/// has its own start to make (the 32 KB it lacks, where rows start, a row of None or Sub), and
/// the first engine joins the rows.
const SECOND_FROM_TWENTIETHS: usize = 11;

/// How far past that point a block's header is looked for (blocks of a photo are tens of KB
/// apart).
const SEARCH: usize = 1 << 20;

const WINDOW: usize = 32 * 1024;

/// The second inflater's step.
const CHUNK: usize = 256 * 1024;

/// Rows of filter types needed to tell where rows start, and the most it waits for.
const PHASE_ROWS: usize = 32;
const MAX_PHASE_ROWS: usize = 512;

/// Where two engines split a PNG's half-size decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The bit of the pixel data (the IDAT chunks' bodies one after the other, a byte's least
    /// significant bit first, as deflate reads them) where a deflate block starts: the second
    /// engine inflates from it.
    pub bit: u64,
    /// Full-size rows the first engine decodes before it takes the second's (even).
    pub rows: u32,
}

/// Where the decode of `bytes` at half size is split, or None when it cannot be: not PNG's common
/// case (`png.rs`), or no block found where it should be. Whether the picture is large enough to
/// pay is the caller's to say (`pipeline/halves.rs`).
pub fn plan(bytes: &[u8]) -> Option<Plan> {
    let (_, size, data) = common_case(bytes)?;
    let total: usize = data.iter().map(|d| d.len()).sum();
    let from = total / 20 * SECOND_FROM_TWENTIETHS;
    let bit = find_block(&gathered(&data, from, SEARCH), 0)?;
    Some(Plan { bit: from as u64 * 8 + bit, rows: (size.height / 20 * 12) & !1 })
}

/// The top of a split decode: decodes the plan's rows, then [`join`]s the second engine's.
pub fn first(bytes: &[u8], plan: Plan) -> Option<Decoder> {
    let (layout, size, data) = common_case(bytes)?;
    let mut decoder = Decoder::new(layout, size, true)?;
    decoder.run(&data, plan.rows as usize)?;
    Some(decoder)
}

/// The bottom of a split decode: half-size rows from `first_row` to the last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Second {
    /// The first half-size row given (the fold of full-size rows 2 × `first_row` and the next).
    pub first_row: usize,
    /// Half-size rows, as the whole decode lays them out.
    pub rows: Vec<u8>,
    /// Each full-size row's Adler-32 from 2 × `first_row` on, as inflated (its filter type first).
    pub adlers: Vec<u32>,
}

/// Decodes the bottom of the file `bytes` from the plan's block; None where it cannot (see the
/// module's comment): the first engine then decodes the rest. The file goes once its stream from
/// the block is gathered.
pub fn second(bytes: Vec<u8>, plan: Plan) -> Option<Second> {
    let (layout, size, mut stream) = {
        let (layout, size, data) = common_case(&bytes)?;
        (layout, size, gathered(&data, usize::try_from(plan.bit / 8).ok()?, usize::MAX))
    };
    drop(bytes);
    let (bpp, height) = (layout.channels(), size.height as usize);
    let stride = (size.width as usize).checked_mul(bpp)?.checked_add(1)?;
    let total = (height as u64).checked_mul(stride as u64)?;
    shift_down(&mut stream, (plan.bit % 8) as u32);
    let mut blind = Blind::new(&stream)?;
    let mut rows = Rows::new(bpp, stride, Dimensions::new(size.width, size.height));
    loop {
        let ended = blind.step(&mut rows.pending)?;
        if blind.clean() {
            rows.take(ended)?;
        } else if ended {
            return None;
        }
        if ended {
            break;
        }
    }
    rows.finish(total.checked_sub(blind.one.total_out())?, height)
}

/// The picture: `first`'s rows above `second`'s (when it gave any), with those between decoded
/// by `first`; None when the stream's checksum, over both parts, is not the file's.
/// `bytes` is the file `first` decodes.
pub fn join(mut first: Decoder, bytes: &[u8], second: Option<Second>) -> Option<Pixels> {
    let (_, size, data) = common_case(bytes)?;
    let trailer = trailer(&data)?;
    let height = size.height as usize;
    let stride = first.stride();
    let Some(second) = second.filter(|s| 2 * s.first_row < height) else {
        first.run(&data, height)?;
        return if first.adler()? == trailer { first.finish() } else { None };
    };
    let from = (2 * second.first_row).max(first.rows());
    first.run(&data, from)?;
    if first.rows() != from {
        return None;
    }
    let skipped = from - 2 * second.first_row;
    let adlers = second.adlers.get(skipped..)?;
    if adlers.len() != height - from {
        return None;
    }
    let adler = adlers.iter().fold(first.adler()?, |adler, &row| zlib_rs::adler32::adler32_combine(adler, row, stride as u64));
    if adler != trailer {
        return None;
    }
    let half_row = first.half_row();
    first.append(second.rows.get(skipped / 2 * half_row..)?, height - from);
    first.finish()
}

impl Second {
    const MAGIC: &[u8; 4] = b"LPH1";

    /// The rows as carried to the first engine, without a copy: the rows, the checksums, then the
    /// number of checksums, `first_row` (u32, little-endian) and a magic number.
    pub fn into_bytes(self) -> Vec<u8> {
        let Self { first_row, mut rows, adlers } = self;
        rows.reserve_exact(4 * adlers.len() + 12);
        adlers.iter().for_each(|a| rows.extend_from_slice(&a.to_le_bytes()));
        rows.extend_from_slice(&(adlers.len() as u32).to_le_bytes());
        rows.extend_from_slice(&(first_row as u32).to_le_bytes());
        rows.extend_from_slice(Self::MAGIC);
        rows
    }

    /// None for bytes `into_bytes` did not write (whether the rows fit the picture, `join`
    /// checks).
    pub fn from_bytes(mut bytes: Vec<u8>) -> Option<Self> {
        let (rest, tail) = bytes.split_last_chunk::<12>()?;
        (&tail[8..] == Self::MAGIC).then_some(())?;
        let count = u32::from_le_bytes(tail[..4].try_into().ok()?) as usize;
        let first_row = u32::from_le_bytes(tail[4..8].try_into().ok()?) as usize;
        let rows = rest.len().checked_sub(count.checked_mul(4)?)?;
        let adlers = rest[rows..].chunks_exact(4).map(|a| u32::from_le_bytes(a.try_into().expect("4 bytes"))).collect();
        bytes.truncate(rows);
        Some(Self { first_row, rows: bytes, adlers })
    }
}

/// The stream's Adler-32: the last four bytes of the pixel data.
fn trailer(data: &[&[u8]]) -> Option<u32> {
    let end = gathered(data, data.iter().map(|d| d.len()).sum::<usize>().checked_sub(4)?, 4);
    Some(u32::from_be_bytes(end.try_into().ok()?))
}

/// Up to `len` bytes of the pixel data from byte `from`, in one piece.
fn gathered(data: &[&[u8]], from: usize, len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut skip = from;
    for chunk in data {
        if skip >= chunk.len() {
            skip -= chunk.len();
            continue;
        }
        let part = &chunk[skip..];
        skip = 0;
        out.extend_from_slice(&part[..part.len().min(len - out.len())]);
        if out.len() == len {
            break;
        }
    }
    out
}

/// Drops the first `bits` (below 8) of `stream`, so that what followed them starts a byte.
fn shift_down(stream: &mut [u8], bits: u32) {
    if bits == 0 {
        return;
    }
    for i in 0..stream.len().saturating_sub(1) {
        stream[i] = (stream[i] >> bits) | (stream[i + 1] << (8 - bits));
    }
    if let Some(last) = stream.last_mut() {
        *last >>= bits;
    }
}

/// Two raw inflaters from a block, given different guesses of the 32 KB before it (see the
/// module's comment), until they agree on 32 KB in a row.
struct Blind<'s> {
    one: Inflate,
    two: Option<Inflate>,
    input: [&'s [u8]; 2],
    out: [Vec<u8>; 2],
    /// Where the output owes nothing to the guesses from (as far as inflated).
    clean_from: u64,
}

impl<'s> Blind<'s> {
    fn new(stream: &'s [u8]) -> Option<Self> {
        let guess = |byte: u8| {
            let mut inflate = Inflate::new(false, 15);
            inflate.set_dictionary(&[byte; WINDOW]).ok().map(|_| inflate)
        };
        Some(Self { one: guess(0)?, two: Some(guess(0xFF)?), input: [stream; 2], out: [vec![0; CHUNK], vec![0; CHUNK]], clean_from: 0 })
    }

    /// Whether all that comes from now on owes nothing to the guesses.
    fn clean(&self) -> bool {
        self.two.is_none()
    }

    /// Inflates a step, appending to `pending` what owes nothing to the guesses and dropping from
    /// it what followed a byte that did; true at the end of the stream.
    fn step(&mut self, pending: &mut Pending) -> Option<bool> {
        let Self { one, two, input, out, clean_from } = self;
        let before = one.total_out();
        let (read, wrote, status) = inflate(one, input[0], &mut out[0])?;
        input[0] = &input[0][read..];
        if let Some(other) = two {
            let (read_two, wrote_two, status_two) = inflate(other, input[1], &mut out[1])?;
            input[1] = &input[1][read_two..];
            if (read_two, wrote_two, status_two) != (read, wrote, status) {
                return None;
            }
            if let Some(last) = (0..wrote).rposition(|i| out[0][i] != out[1][i]) {
                *clean_from = before + last as u64 + 1;
                pending.restart(*clean_from);
                pending.bytes.extend_from_slice(&out[0][last + 1..wrote]);
            } else {
                pending.bytes.extend_from_slice(&out[0][..wrote]);
            }
            if one.total_out() >= *clean_from + WINDOW as u64 {
                *two = None;
            }
        } else {
            pending.bytes.extend_from_slice(&out[0][..wrote]);
        }
        let ended = status == Status::StreamEnd;
        if !ended && read == 0 && wrote == 0 {
            return None; // the stream ends before its last block does
        }
        Some(ended)
    }
}

/// One step of `inflate` into `out`: bytes read, bytes written and the status.
fn inflate(inflate: &mut Inflate, input: &[u8], out: &mut [u8]) -> Option<(usize, usize, Status)> {
    let (read, wrote) = (inflate.total_in(), inflate.total_out());
    let status = inflate.decompress(input, out, InflateFlush::NoFlush).ok()?;
    Some(((inflate.total_in() - read) as usize, (inflate.total_out() - wrote) as usize, status))
}

/// Inflated bytes not yet taken, from `at` (counted from the block).
#[derive(Default)]
struct Pending {
    at: u64,
    bytes: Vec<u8>,
}

impl Pending {
    fn restart(&mut self, at: u64) {
        self.bytes.clear();
        self.at = at;
    }

    /// Forgets the bytes before `at`.
    fn drop_until(&mut self, at: u64) {
        let n = (at - self.at) as usize;
        self.bytes.drain(..n.min(self.bytes.len()));
        self.at = at;
    }
}

/// The second engine's rows: where they start, then unfiltered from the first row of None or Sub
/// and folded both ways.
struct Rows {
    stride: usize,
    pending: Pending,
    /// Where a row starts (counted from the block), once told.
    next_row: Option<u64>,
    /// Where the first row unfiltered here starts, once found.
    first: Option<u64>,
    folding: Folding,
}

impl Rows {
    fn new(bpp: usize, stride: usize, size: Dimensions) -> Self {
        Self { stride, pending: Pending::default(), next_row: None, first: None, folding: Folding::new(bpp, stride - 1, size) }
    }

    /// Takes the rows pending (in pairs, but for the last at the end of the stream).
    fn take(&mut self, ended: bool) -> Option<()> {
        let stride = self.stride;
        let mut next = match self.next_row {
            Some(next) => next,
            None => {
                let rows = self.pending.bytes.len() / stride;
                if rows < PHASE_ROWS && !ended {
                    return Some(());
                }
                let Some(phase) = phase(&self.pending.bytes, stride) else {
                    // Not told yet: wait for more rows, up to a point.
                    return (rows < MAX_PHASE_ROWS && !ended).then_some(());
                };
                self.pending.at + phase as u64
            }
        };
        loop {
            let offset = (next - self.pending.at) as usize;
            let available = self.pending.bytes.len().saturating_sub(offset) / stride;
            if self.first.is_none() {
                if available == 0 {
                    break;
                }
                if !matches!(self.pending.bytes[offset], 0 | 1) {
                    next += stride as u64;
                    continue;
                }
                self.first = Some(next);
            }
            let rows = available.min(2);
            if rows == 0 || (rows == 1 && !ended) {
                break;
            }
            self.folding.rows(&self.pending.bytes[offset..offset + rows * stride], stride)?;
            next += (rows * stride) as u64;
        }
        self.next_row = Some(next);
        if next - self.pending.at > (4 * CHUNK) as u64 {
            self.pending.drop_until(next);
        }
        Some(())
    }

    /// The rows, now that the stream's end says where the block began: `skipped` bytes into it.
    fn finish(self, skipped: u64, height: usize) -> Option<Second> {
        let stride = self.stride as u64;
        let (first, next) = (self.first?, self.next_row?);
        // Where the rows were thought to start, and that they end with the stream.
        if !(skipped + first).is_multiple_of(stride) || next != self.pending.at + self.pending.bytes.len() as u64 {
            return None;
        }
        self.folding.finish(((skipped + first) / stride) as usize, height)
    }
}

/// Rows unfiltered from one of None or Sub, each folded with the one above: into the folds of
/// rows (0, 1), (2, 3)… and into those of (1, 2), (3, 4)…, counted from the first.
struct Folding {
    bpp: usize,
    half_row: usize,
    previous: Vec<u8>,
    upper: Vec<u8>,
    lower: Vec<u8>,
    /// Rows unfiltered.
    count: usize,
    folds: [Vec<u8>; 2],
    adlers: Vec<u32>,
}

impl Folding {
    fn new(bpp: usize, row: usize, size: Dimensions) -> Self {
        Self {
            bpp,
            half_row: (size.width as usize).div_ceil(2) * bpp,
            previous: vec![0; row],
            upper: vec![0; row],
            lower: vec![0; row],
            count: 0,
            folds: [Vec::new(), Vec::new()],
            adlers: Vec::new(),
        }
    }

    fn alpha(&self) -> bool {
        matches!(self.bpp, 2 | 4)
    }

    /// One or two rows as inflated, unfiltered and folded with the row above both ways.
    fn rows(&mut self, raw: &[u8], stride: usize) -> Option<()> {
        let alpha = self.alpha();
        let Self { bpp, previous, upper, lower, count, folds, adlers, .. } = self;
        let bpp = *bpp;
        for row in raw.chunks_exact(stride) {
            adlers.push(zlib_rs::adler32::adler32(1, row));
        }
        let (first, second) = raw.split_at(stride);
        upper.copy_from_slice(&first[1..]);
        let above: &[u8] = if *count == 0 { &[] } else { previous };
        if second.is_empty() {
            unfilter(first[0], bpp, above, upper)?;
        } else {
            lower.copy_from_slice(&second[1..]);
            // Two Paeth rows of RGBA are undone together, as in the whole decode.
            if bpp == 4 && first[0] == 4 && second[0] == 4 && *count > 0 {
                paeth_pair(previous, upper, lower);
            } else {
                unfilter(first[0], bpp, above, upper)?;
                unfilter(second[0], bpp, upper, lower)?;
            }
        }
        if *count > 0 {
            fold(previous, upper, bpp, alpha, &mut folds[(*count - 1) % 2]);
        }
        *count += 1;
        if second.is_empty() {
            std::mem::swap(previous, upper);
        } else {
            fold(upper, lower, bpp, alpha, &mut folds[(*count - 1) % 2]);
            *count += 1;
            std::mem::swap(previous, lower);
        }
        Some(())
    }

    /// The half-size rows, now that the first row unfiltered here is known to be `first_row` of
    /// a picture `height` rows high.
    fn finish(mut self, first_row: usize, height: usize) -> Option<Second> {
        if first_row + self.count != height {
            return None;
        }
        let parity = first_row % 2;
        let mut rows = std::mem::take(&mut self.folds[parity]);
        if height % 2 == 1 {
            // The last row alone.
            fold(&self.previous, &self.previous, self.bpp, self.alpha(), &mut rows);
        }
        let first_half = (first_row + parity) / 2;
        if rows.len() != (height.div_ceil(2) - first_half) * self.half_row {
            return None;
        }
        Some(Second { first_row: first_half, rows, adlers: self.adlers.split_off(parity) })
    }
}

/// Where rows start in `bytes`, inflated pixel data of rows `stride` long: the offset below
/// `stride` where every row's byte is a filter type (0 to 4). Flat areas read 0 to 4 in every row
/// too (the alpha of an opaque picture reads 0 everywhere), but a photo's rows are mostly filtered
/// (Sub, Up, Average, Paeth: not 0): the offset wins whose column is mostly not 0, where no other
/// comes near. None while none does so (a picture of None rows only is decoded by one engine).
fn phase(bytes: &[u8], stride: usize) -> Option<usize> {
    let rows = (bytes.len() / stride).checked_sub(1)?;
    // The offset with the most filtered rows, and the runner-up's count.
    let (mut best, mut most, mut second) = (0, 0, 0);
    for offset in 0..stride {
        let mut filtered = 0;
        let filters = (0..rows).all(|k| {
            let filter = bytes[offset + k * stride];
            filtered += usize::from(filter != 0);
            filter <= 4
        });
        if !filters {
            continue;
        }
        if filtered > most {
            (best, most, second) = (offset, filtered, most);
        } else {
            second = second.max(filtered);
        }
    }
    (most * 2 >= rows && second * 4 < most).then_some(best)
}

/// Where the first block from bit `from` of `stream` starts whose header is a complete set of
/// dynamic Huffman codes, not the last block.
fn find_block(stream: &[u8], from: u64) -> Option<u64> {
    // A word read once a byte, its eight places tested from it: most fail the first 3 bits.
    let first = usize::try_from(from / 8).ok()?;
    (first..stream.len().saturating_sub(8)).find_map(|byte| {
        let word = u64::from_le_bytes(stream[byte..byte + 8].try_into().expect("8 bytes"));
        (0..8).map(|shift| (byte * 8 + shift) as u64).find(|&bit| {
            let header = word >> (bit % 8);
            bit >= from && header & 0b111 == 0b100 && may_start_block(stream, bit) && dynamic_header_at(stream, bit)
        })
    })
}

/// What most places fail, read at once (a plan looks at hundreds of thousands): a block that is
/// not the last, of dynamic codes, with counts in range and a complete code for its code lengths.
fn may_start_block(stream: &[u8], bit: u64) -> bool {
    let byte = (bit / 8) as usize;
    let mut word = [0u8; 16];
    let available = &stream[byte..stream.len().min(byte + 16)];
    word[..available.len()].copy_from_slice(available);
    let header = u128::from_le_bytes(word) >> (bit % 8);
    if header & 0b111 != 0b100 || (header >> 3) & 31 > 29 || (header >> 8) & 31 > 29 {
        return false;
    }
    let code_lengths = ((header >> 13) & 15) as usize + 4;
    let kraft: u32 = (0..code_lengths).map(|i| ((header >> (17 + 3 * i)) & 7) as u32).filter(|&l| l > 0).map(|l| 1 << (7 - l)).sum();
    kraft == 1 << 7
}

/// Bits read from a byte stream, least significant first.
struct BitReader<'a> {
    stream: &'a [u8],
    bit: u64,
}

impl BitReader<'_> {
    fn take(&mut self, n: u32) -> Option<u32> {
        let byte = usize::try_from(self.bit / 8).ok()?;
        let mut word = [0u8; 8];
        let available = self.stream.get(byte..)?;
        let len = available.len().min(8);
        word[..len].copy_from_slice(&available[..len]);
        if (len as u64) * 8 < (self.bit % 8) + u64::from(n) {
            return None;
        }
        let value = (u64::from_le_bytes(word) >> (self.bit % 8)) as u32 & ((1u32 << n) - 1);
        self.bit += u64::from(n);
        Some(value)
    }
}

/// Whether a deflate block with dynamic Huffman codes, not the last, starts at `bit`: its header
/// reads as complete codes (as zlib requires) with an end-of-block code.
fn dynamic_header_at(stream: &[u8], bit: u64) -> bool {
    dynamic_header(&mut BitReader { stream, bit }).is_some()
}

fn dynamic_header(bits: &mut BitReader) -> Option<()> {
    // Not last (0), dynamic codes (2).
    (bits.take(3)? == 0b100).then_some(())?;
    let literals = bits.take(5)? as usize + 257;
    let distances = bits.take(5)? as usize + 1;
    let code_lengths = bits.take(4)? as usize + 4;
    if literals > 286 || distances > 30 {
        return None;
    }
    const ORDER: [usize; 19] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
    let mut lengths_code = [0u8; 19];
    for &symbol in &ORDER[..code_lengths] {
        lengths_code[symbol] = bits.take(3)? as u8;
    }
    let lengths_code = Code::new(&lengths_code).filter(|c| c.complete)?;
    let mut lengths = [0u8; 286 + 30];
    let mut i = 0;
    while i < literals + distances {
        let symbol = lengths_code.decode(bits)?;
        let (length, repeat) = match symbol {
            0..=15 => (symbol as u8, 1),
            16 => (*lengths.get(i.checked_sub(1)?)?, 3 + bits.take(2)? as usize),
            17 => (0, 3 + bits.take(3)? as usize),
            _ => (0, 11 + bits.take(7)? as usize),
        };
        if i + repeat > literals + distances {
            return None;
        }
        lengths[i..i + repeat].fill(length);
        i += repeat;
    }
    if lengths[256] == 0 {
        return None;
    }
    // zlib accepts an incomplete code only of a single symbol (and distances: none at all).
    let literal = Code::new(&lengths[..literals])?;
    let distance = Code::new(&lengths[literals..literals + distances])?;
    (literal.complete || literal.symbols == 1).then_some(())?;
    (distance.complete || distance.symbols <= 1).then_some(())
}

/// A canonical Huffman code, decoded a bit at a time (only headers are read with it). Without
/// allocations: a plan tries tens of thousands of places.
struct Code {
    counts: [u16; 16],
    symbols_by_code: [u16; 286],
    complete: bool,
    symbols: usize,
}

impl Code {
    /// None when over-subscribed.
    fn new(lengths: &[u8]) -> Option<Self> {
        let mut counts = [0u16; 16];
        for &length in lengths {
            counts[length as usize] += 1;
        }
        counts[0] = 0;
        let mut left = 1i32;
        for &count in &counts[1..] {
            left = (left << 1) - i32::from(count);
            if left < 0 {
                return None;
            }
        }
        let mut offsets = [0u16; 16];
        for length in 1..15 {
            offsets[length + 1] = offsets[length] + counts[length];
        }
        let mut symbols_by_code = [0; 286];
        let mut symbols = 0;
        for (symbol, &length) in lengths.iter().enumerate().filter(|(_, l)| **l != 0) {
            symbols_by_code[offsets[length as usize] as usize] = symbol as u16;
            offsets[length as usize] += 1;
            symbols += 1;
        }
        Some(Self { counts, symbols_by_code, complete: left == 0, symbols })
    }

    fn decode(&self, bits: &mut BitReader) -> Option<u16> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for &count in &self.counts[1..] {
            code |= bits.take(1)? as i32;
            let count = i32::from(count);
            if code - count < first {
                return self.symbols_by_code.get((index + code - first) as usize).copied();
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decode::png::decode_half, pixels::Layout, testdata};

    /// `bytes` decoded at half size by two engines, each with its own copy of the file; and
    /// whether the second engine's rows were used.
    fn in_two(bytes: &[u8], plan: Plan) -> (Option<Pixels>, bool) {
        let second = second(bytes.to_vec(), plan);
        let used = second.is_some();
        (join(first(bytes, plan).unwrap(), bytes, second), used)
    }

    /// Noise over gradients at `size`, encoded with the png crate's adaptive filters (rows of
    /// every type, None and Sub among them) and zlib's blocks (the png crate's `High`: zlib-rs).
    fn picture(layout: Layout, size: Dimensions) -> Vec<u8> {
        let len = size.pixels() as usize * layout.channels();
        let mut seed = 0x2545_f491_u32;
        let data: Vec<u8> = (0..len)
            .map(|i| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                ((i / 7 + i / 9000) % 200) as u8 + (seed >> 27) as u8
            })
            .collect();
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, size.width, size.height);
        encoder.set_color(match layout {
            Layout::Gray => png::ColorType::Grayscale,
            Layout::GrayAlpha => png::ColorType::GrayscaleAlpha,
            Layout::Rgb => png::ColorType::Rgb,
            Layout::Rgba => png::ColorType::Rgba,
        });
        encoder.set_filter(png::Filter::Adaptive);
        encoder.set_compression(png::Compression::High);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&data).unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn two_engines_give_the_half_size_decode_of_one() {
        for (layout, size) in [
            (Layout::Rgba, Dimensions::new(1201, 901)),
            (Layout::Rgba, Dimensions::new(1200, 900)),
            (Layout::Rgb, Dimensions::new(1501, 700)),
            (Layout::GrayAlpha, Dimensions::new(1600, 801)),
            (Layout::Gray, Dimensions::new(2001, 1000)),
        ] {
            let bytes = picture(layout, size);
            let plan = plan(&bytes).unwrap_or_else(|| panic!("{layout:?} {size}: no plan"));
            let (pixels, used) = in_two(&bytes, plan);
            assert!(used, "{layout:?} {size}: the second engine gave nothing");
            assert!(pixels.unwrap().data == decode_half(&bytes).unwrap().data, "{layout:?} {size}: not the one engine's pixels");
        }
    }

    #[test]
    fn the_second_engine_may_start_at_any_block() {
        let bytes = picture(Layout::Rgba, Dimensions::new(1000, 600));
        let expected = decode_half(&bytes).unwrap().data;
        let (_, _, data) = common_case(&bytes).unwrap();
        let stream = gathered(&data, 0, usize::MAX);
        let mut starts = 0;
        let mut bit = 16;
        while let Some(at) = find_block(&stream, bit) {
            for rows in [0, 300] {
                let (pixels, _) = in_two(&bytes, Plan { bit: at, rows });
                assert!(pixels.unwrap().data == expected, "from bit {at}, {rows} rows first");
            }
            starts += 1;
            bit = at + 1;
        }
        assert!(starts > 3, "{starts} blocks found");
    }

    #[test]
    fn a_plan_that_is_not_a_block_or_a_damaged_stream_never_gives_wrong_pixels() {
        let bytes = picture(Layout::Rgb, Dimensions::new(900, 700));
        let expected = decode_half(&bytes).unwrap().data;
        let plan = plan(&bytes).unwrap();
        for bit in (plan.bit.saturating_sub(300)..plan.bit + 300).step_by(7) {
            let (pixels, _) = in_two(&bytes, Plan { bit, rows: plan.rows });
            assert!(pixels.unwrap().data == expected, "from bit {bit}");
        }
        // A byte of the second part changed: the checksum over both parts says so.
        let idat = bytes.windows(4).rposition(|w| w == b"IDAT").unwrap();
        let mut damaged = bytes.clone();
        let at = damaged.len() - 12 - 200;
        assert!(at > idat);
        damaged[at] ^= 0x10;
        if let Some(first) = first(&damaged, plan) {
            assert!(join(first, &damaged, second(damaged.clone(), plan)).is_none_or(|p| p.data == expected));
        }
    }

    #[test]
    fn a_15_megapixel_rgba_photo_decoded_by_two_engines_is_the_half_size_decode() {
        let Some(bytes) = testdata::corpus("patak-5120x2880-rgba.png") else { return };
        let plan = plan(&bytes).expect("a plan");
        let (pixels, used) = in_two(&bytes, plan);
        assert!(used, "the second engine gave nothing");
        assert!(pixels.unwrap().data == decode_half(&bytes).unwrap().data);
    }
}
