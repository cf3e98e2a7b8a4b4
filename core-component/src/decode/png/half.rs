//! PNG's common case decoded at half the size on each side, for a resize to a quarter of the
//! picture or less (W3's 5120×2880 → 1280). The stream is inflated a few rows at a time into a
//! buffer of 2 MB, and each pair of rows, once unfiltered, is folded into one row of 2×2 means, so
//! the full-size picture never exists: a 5120×2880 RGBA took 59 MB through the decode and the
//! resize, its half 15 MB. The resize after it still reduces at least twice with its own filter,
//! so the box of two pixels only joins the wider window of, say, Lanczos3 (pipeline tests).
//!
//! Translucent pixels count by their alpha, as the resize premultiplies them: the colour of a
//! transparent pixel does not bleed into its neighbours'.

use super::{means, paeth_pair, unfilter};
use crate::{
    Dimensions,
    pixels::{Layout, Pixels},
};

/// zlib's window: the inflater may copy from this far back in what it has written.
const WINDOW: usize = 32 * 1024;

/// The half-size pixels of the pixel data `data` (the IDAT chunks' bodies) of a picture of
/// `layout` and `size`; None when the stream does not hold exactly its rows (the caller then
/// decodes the file in full, where the png crate names the damage).
pub fn decode(data: &[&[u8]], layout: Layout, size: Dimensions) -> Option<Pixels> {
    let mut decoder = Decoder::new(layout, size, false)?;
    decoder.run(data, size.height as usize)?;
    decoder.finish()
}

/// A half-size decode that can stop after some rows and go on later (`split.rs`: the top of a
/// picture two engines decode at once). It keeps where it is in the pixel data, not the data.
pub(crate) struct Decoder {
    layout: Layout,
    stride: usize,
    height: usize,
    half: Dimensions,
    fold: Fold,
    inflated: Vec<u8>,
    /// Bytes inflated into `inflated`, and taken from it by the folding.
    filled: usize,
    taken: usize,
    /// Full-size rows folded.
    y: usize,
    inflater: fdeflate::Decompressor,
    /// The chunk of the pixel data being read, and how much of it was.
    chunk: usize,
    read: usize,
    /// When the decode may stop before the end of the stream, where the inflater cannot check
    /// the stream's Adler-32: the checksum of the rows folded so far, for the caller to check.
    adler: Option<u32>,
    /// Rows folded elsewhere were appended: the picture is whole without the rest of the stream.
    ended: bool,
}

impl Decoder {
    /// With `checked_by_caller`, the inflater does not check the stream's Adler-32 and
    /// [`Decoder::adler`] gives that of the rows so far.
    pub(super) fn new(layout: Layout, size: Dimensions, checked_by_caller: bool) -> Option<Self> {
        let row = (size.width as usize).checked_mul(layout.channels())?;
        let stride = row.checked_add(1)?; // each row starts with its filter type
        let half = Dimensions::new(size.width.div_ceil(2), size.height.div_ceil(2));
        let mut inflater = fdeflate::Decompressor::new();
        if checked_by_caller {
            inflater.ignore_adler32();
        }
        Some(Self {
            layout,
            stride,
            height: size.height as usize,
            half,
            fold: Fold::new(layout, row, half),
            // Room for the window behind the inflater and two rows ahead of the folding, and 2 MB
            // of slack: the inflater is quickest with room ahead (patak's decode in WebAssembly
            // took 300 ms with 256 KB of slack, 240 ms with 2 MB, as long as the whole decode),
            // and the window is moved back rarely.
            inflated: vec![0u8; 64 * WINDOW + 4 * stride],
            filled: 0,
            taken: 0,
            y: 0,
            inflater,
            chunk: 0,
            read: 0,
            adler: checked_by_caller.then_some(1),
            ended: false,
        })
    }

    /// Bytes a row takes in the stream (its filter type first).
    pub(super) fn stride(&self) -> usize {
        self.stride
    }

    /// Bytes a half-size row takes.
    pub(super) fn half_row(&self) -> usize {
        self.half.width as usize * self.layout.channels()
    }

    /// Full-size rows folded so far (even until the last).
    pub(crate) fn rows(&self) -> usize {
        self.y
    }

    /// The Adler-32 of the rows folded so far, as inflated (filter types included), when the
    /// caller checks the stream's.
    pub(super) fn adler(&self) -> Option<u32> {
        self.adler
    }

    /// Decodes until `rows` full-size rows are folded (an even number, or the height), or to the
    /// end of the stream `data` (the IDAT chunks' bodies, the same at every call). None when the
    /// stream does not hold the picture's rows.
    pub(super) fn run(&mut self, data: &[&[u8]], rows: usize) -> Option<()> {
        let Self { stride, height, .. } = *self;
        let until = rows.min(height);
        loop {
            // The rows inflated so far, two at a time (the last alone when the height is odd).
            while self.y < until {
                let rows = if self.y + 1 < height { 2 } else { 1 };
                if self.filled - self.taken < rows * stride {
                    break;
                }
                let taken = &self.inflated[self.taken..self.taken + rows * stride];
                if let Some(adler) = &mut self.adler {
                    *adler = zlib_rs::adler32::adler32(*adler, taken);
                }
                self.fold.rows(taken, stride)?;
                (self.taken, self.y) = (self.taken + rows * stride, self.y + rows);
            }
            if self.y == until && until < height {
                return Some(());
            }
            if self.y == height && self.filled > self.taken {
                return None; // more data than the picture holds
            }
            if self.inflater.is_done() {
                return Some(());
            }
            if self.filled == self.inflated.len() {
                // Keep the window and the rows not yet taken; the rest is done with.
                let keep = self.taken.min(self.filled - WINDOW);
                self.inflated.copy_within(keep..self.filled, 0);
                (self.filled, self.taken) = (self.filled - keep, self.taken - keep);
            }
            while data.get(self.chunk).is_some_and(|chunk| self.read == chunk.len()) {
                (self.chunk, self.read) = (self.chunk + 1, 0);
            }
            let input = data.get(self.chunk).map_or(&[][..], |chunk| &chunk[self.read..]);
            let end = input.is_empty();
            let (read, wrote) = self.inflater.read(input, &mut self.inflated, self.filled, end).ok()?;
            if read == 0 && wrote == 0 && !self.inflater.is_done() {
                return None; // stuck: the stream ends before the picture does
            }
            self.read += read;
            self.filled += wrote;
        }
    }

    /// Appends half-size rows folded elsewhere (`split.rs`) below this decode's, which go no
    /// further.
    pub(super) fn append(&mut self, rows: &[u8], full_rows: usize) {
        self.fold.out.extend_from_slice(rows);
        self.y += full_rows;
        self.filled = self.taken;
        self.ended = true;
    }

    /// The picture, once every row is folded and the stream has ended.
    pub(super) fn finish(self) -> Option<Pixels> {
        let done = self.y == self.height && self.taken == self.filled && (self.ended || self.inflater.is_done());
        done.then(|| Pixels::new(self.layout, self.half, self.fold.out))
    }
}

/// Rows unfiltered and folded in pairs into the half-size picture.
struct Fold {
    bpp: usize,
    alpha: bool,
    /// The last full-size row unfiltered (the one above the next pair), empty before the first.
    previous: Vec<u8>,
    upper: Vec<u8>,
    lower: Vec<u8>,
    out: Vec<u8>,
}

impl Fold {
    fn new(layout: Layout, row: usize, half: Dimensions) -> Self {
        Self {
            bpp: layout.channels(),
            alpha: layout.has_alpha(),
            previous: Vec::with_capacity(row),
            upper: vec![0; row],
            lower: vec![0; row],
            out: Vec::with_capacity(half.pixels() as usize * layout.channels()),
        }
    }

    /// One or two rows as inflated (`stride` bytes each, the filter type first): unfiltered, then
    /// folded into one row of the half-size picture. None for a filter type PNG does not have.
    fn rows(&mut self, inflated: &[u8], stride: usize) -> Option<()> {
        let Self { bpp, alpha, previous, upper, lower, out } = self;
        let (first, second) = inflated.split_at(stride.min(inflated.len()));
        upper.copy_from_slice(&first[1..]);
        if second.is_empty() {
            unfilter(first[0], *bpp, previous, upper)?;
            fold(upper, upper, *bpp, *alpha, out);
            std::mem::swap(previous, upper);
            return Some(());
        }
        lower.copy_from_slice(&second[1..]);
        // Two Paeth rows of RGBA (most of a photo's) are undone together, as in the whole decode.
        if *bpp == 4 && first[0] == 4 && second[0] == 4 && !previous.is_empty() {
            paeth_pair(previous, upper, lower);
        } else {
            unfilter(first[0], *bpp, previous, upper)?;
            unfilter(second[0], *bpp, upper, lower)?;
        }
        fold(upper, lower, *bpp, *alpha, out);
        if previous.is_empty() {
            previous.resize(lower.len(), 0);
        }
        std::mem::swap(previous, lower);
        Some(())
    }
}

/// Appends the row of 2×2 means of rows `upper` and `lower` (the same row twice for a last row
/// alone) to `out`; an odd last column is the mean of its own pixels. With `alpha` (the last
/// sample), colours are weighted by it and a wholly transparent square is transparent black.
pub(super) fn fold(upper: &[u8], lower: &[u8], bpp: usize, alpha: bool, out: &mut Vec<u8>) {
    match (bpp, alpha) {
        (1, _) => fold_as::<1>(upper, lower, false, out),
        (2, alpha) => fold_as::<2>(upper, lower, alpha, out),
        (3, _) => fold_as::<3>(upper, lower, false, out),
        (_, alpha) => fold_as::<4>(upper, lower, alpha, out),
    }
}

/// [`fold`] for pixels of `BPP` samples: the compiler then unrolls each square's sums.
fn fold_as<const BPP: usize>(upper: &[u8], lower: &[u8], alpha: bool, out: &mut Vec<u8>) {
    let (mut upper, mut lower) = (upper, lower);
    if BPP == 4 {
        // RGBA four squares at a time with SIMD where all eight pixels are opaque (most of a photo).
        let (groups, rest) = (upper.chunks_exact(32), lower.chunks_exact(32));
        (upper, lower) = (groups.remainder(), rest.remainder());
        for (top, bottom) in groups.zip(rest) {
            let (top, bottom) = (top.try_into().expect("32 bytes"), bottom.try_into().expect("32 bytes"));
            match means::four_squares(top, bottom, alpha) {
                Some(means) => out.extend_from_slice(&means),
                None => squares::<BPP>(top, bottom, alpha, out),
            }
        }
    }
    squares::<BPP>(upper, lower, alpha, out);
}

/// The means of the squares of `upper` and `lower` one at a time, and of an odd last column.
fn squares<const BPP: usize>(upper: &[u8], lower: &[u8], alpha: bool, out: &mut Vec<u8>) {
    let (pairs, last) = (upper.chunks_exact(2 * BPP), lower.chunks_exact(2 * BPP));
    let (odd, odd_below) = (pairs.remainder(), last.remainder());
    for (top, bottom) in pairs.zip(last) {
        let square = [&top[..BPP], &top[BPP..], &bottom[..BPP], &bottom[BPP..]];
        // Opaque squares (every pixel of a photo without alpha, most of one with) are plain means.
        if alpha && square.iter().any(|p| p[BPP - 1] != 255) {
            weighted::<BPP>(&square, out);
        } else {
            for c in 0..BPP {
                let sum: u32 = square.iter().map(|p| u32::from(p[c])).sum();
                out.push(((sum + 2) / 4) as u8);
            }
        }
    }
    // An odd last column: its two pixels (the same one twice for a last row alone).
    if !odd.is_empty() {
        let square = [odd, odd_below];
        if alpha {
            weighted::<BPP>(&square, out);
        } else {
            for (&a, &b) in odd.iter().zip(odd_below) {
                out.push((u32::from(a) + u32::from(b)).div_ceil(2) as u8);
            }
        }
    }
}

/// The mean of `pixels` with their colours weighted by their alpha (the last of `BPP` samples).
fn weighted<const BPP: usize>(pixels: &[&[u8]], out: &mut Vec<u8>) {
    let count = pixels.len() as u32;
    let weight: u32 = pixels.iter().map(|p| u32::from(p[BPP - 1])).sum();
    for c in 0..BPP - 1 {
        let sum: u32 = pixels.iter().map(|p| u32::from(p[c]) * u32::from(p[BPP - 1])).sum();
        out.push(if weight == 0 { 0 } else { ((sum + weight / 2) / weight) as u8 });
    }
    out.push(((weight + count / 2) / count) as u8);
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::{decode::png::tests::encoded, testdata};

    /// The 2×2 means of `pixels` computed plainly, in floating point, alpha-weighted where there
    /// is alpha: what the folding must give.
    pub(in crate::decode::png) fn halved(pixels: &Pixels) -> Vec<u8> {
        let (w, h, bpp) = (pixels.size.width as usize, pixels.size.height as usize, pixels.layout.channels());
        let alpha = pixels.layout.has_alpha();
        let mut out = Vec::new();
        for y in (0..h).step_by(2) {
            for x in (0..w).step_by(2) {
                let square: Vec<&[u8]> = [(x, y), (x + 1, y), (x, y + 1), (x + 1, y + 1)]
                    .into_iter()
                    .filter(|&(x, y)| x < w && y < h)
                    .map(|(x, y)| &pixels.data[(y * w + x) * bpp..(y * w + x + 1) * bpp])
                    .collect();
                let n = square.len() as f64;
                let weight = |p: &[u8]| if alpha { f64::from(p[bpp - 1]) } else { 1.0 };
                let total: f64 = square.iter().map(|p| weight(p)).sum();
                for c in 0..bpp {
                    let value = if alpha && c == bpp - 1 {
                        total / n
                    } else if total == 0.0 {
                        0.0
                    } else {
                        square.iter().map(|p| f64::from(p[c]) * weight(p)).sum::<f64>() / total
                    };
                    out.push((value + 0.5).floor() as u8);
                }
            }
        }
        out
    }

    #[test]
    fn every_layout_and_filter_halves_to_the_means_of_the_whole_decode() {
        // Odd and even sides, and pictures wider than the inflater's buffer holds rows of (1,500
        // RGBA pixels a row, 350 rows: the buffer moves back many times).
        for size in [Dimensions::new(37, 23), Dimensions::new(38, 24), Dimensions::new(1, 1), Dimensions::new(1500, 350)] {
            // RGBA twice: alpha as varied as the colours, and opaque but for one pixel in 29, so
            // that runs of opaque squares meet translucent ones at every place in a group of four.
            for (layout, opaque) in
                [(Layout::Gray, false), (Layout::GrayAlpha, false), (Layout::Rgb, false), (Layout::Rgba, false), (Layout::Rgba, true)]
            {
                let len = size.pixels() as usize * layout.channels();
                let mut data: Vec<u8> =
                    (0..len).map(|i| ((i * 7 + (i / 97) * 13) % 256) as u8 ^ ((i as u64 * 2_654_435_761) >> 27) as u8).collect();
                if opaque {
                    data.chunks_exact_mut(4).enumerate().filter(|(i, _)| i % 29 != 0).for_each(|(_, p)| p[3] = 255);
                }
                for filter in [png::Filter::NoFilter, png::Filter::Sub, png::Filter::Avg, png::Filter::Paeth, png::Filter::Adaptive] {
                    let bytes = encoded(layout, size.width, size.height, &data, filter);
                    let whole = super::super::decode(&bytes).unwrap();
                    let half =
                        super::super::decode_half(&bytes).unwrap_or_else(|| panic!("{size} {layout:?} {opaque} {filter:?}: not decoded"));
                    assert_eq!(half.size, Dimensions::new(size.width.div_ceil(2), size.height.div_ceil(2)));
                    assert!(half.data == halved(&whole), "{size} {layout:?} {opaque} {filter:?}: not the means");
                }
            }
        }
    }

    #[test]
    fn a_transparent_pixels_colour_does_not_bleed() {
        // One opaque red pixel among three transparent green ones; a wholly transparent square.
        let data =
            [[255, 0, 0, 255], [0, 255, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 255, 0, 0], [0, 255, 0, 0], [9, 9, 9, 0], [1, 2, 3, 0]];
        let rows: Vec<u8> = [data[0], data[1], data[4], data[5], data[2], data[3], data[6], data[7]].concat();
        let bytes = encoded(Layout::Rgba, 4, 2, &rows, png::Filter::NoFilter);
        let half = super::super::decode_half(&bytes).unwrap();
        assert_eq!(half.data, [255, 0, 0, 64, 0, 0, 0, 0]);
    }

    #[test]
    fn a_15_megapixel_rgba_photo_halves_to_the_means_of_its_whole_decode() {
        let Some(bytes) = testdata::corpus("patak-5120x2880-rgba.png") else { return };
        let half = super::super::decode_half(&bytes).expect("the common case");
        assert_eq!(half.size, Dimensions::new(2560, 1440));
        assert!(half.data == halved(&super::super::decode(&bytes).unwrap()), "not the means");
    }
}
