//! A photo's rows filtered for PNG, each with the filter that leaves it cheapest to compress: the
//! png crate's minimum-entropy choice, made cheaper. Its cost is a byte histogram of every
//! candidate row, scalar work that was most of a photo's PNG encode in WebAssembly. Here the
//! histograms count one 8-byte group in [`SAMPLE`], and the filters are plain loops over whole
//! rows, which the compiler turns into SIMD. In a wasip1 build of `examples/bench.rs` (1920 px
//! photos, the encode's median of 9, two interleaved rounds):
//!
//! | photo | png crate | every group counted | one in 2 | one in 4 |
//! |---|--:|--:|--:|--:|
//! | painting | 10.0–10.4 ms, 151,272 B | 9.3–11.0 ms, 150,960 B | 8.6–9.5 ms, 151,065 B | 8.5–8.8 ms, 152,003 B |
//! | kleiber | 29.7–30.2 ms, 2,922,922 B | 25.0–25.1 ms, 2,922,919 B | 18.9–19.2 ms, 2,925,120 B | 16.5 ms, 2,926,014 B |
//! | volna | 29.1–29.7 ms, 2,758,933 B | 24.2–24.7 ms, same | 18.2–18.4 ms, same | 16.2–16.3 ms, same |
//! | path | 31.3 ms, 5,102,648 B | 27.9–28.8 ms, 5,102,647 B | 21.3–21.7 ms, 5,104,154 B | 19.0–19.1 ms, 5,107,324 B |
//!
//! Counting every group chooses exactly the png crate's filters (tested); one in four makes files
//! at most 0.5 % larger for 15–45 % less time.

/// Histograms count one 8-byte group of every `SAMPLE` in a row.
const SAMPLE: usize = 4;

/// The filters of the PNG specification, by their type byte (but None, which photos never want).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Filter {
    Sub = 1,
    Up = 2,
    Average = 3,
    Paeth = 4,
}

/// The rows of `data` (`stride` bytes each, `bpp` bytes a pixel) as a PNG's image data holds
/// them before compression: each row led by its filter type.
pub fn filtered(data: &[u8], stride: usize, bpp: usize) -> Vec<u8> {
    filtered_sampling(data, stride, bpp, SAMPLE)
}

/// [`filtered`], its histograms counting one 8-byte group in `sample` (1: the png crate's choice).
fn filtered_sampling(data: &[u8], stride: usize, bpp: usize, sample: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / stride.max(1));
    let zeros = vec![0; stride];
    let mut candidate = vec![0; stride];
    let mut best = vec![0; stride];
    let mut previous: &[u8] = &zeros;
    for row in data.chunks_exact(stride) {
        let mut chosen = (u64::MAX, Filter::Up);
        // The png crate's order and tie rule (the later filter wins).
        for filter in [Filter::Up, Filter::Sub, Filter::Average, Filter::Paeth] {
            apply(filter, bpp, previous, row, &mut candidate);
            let cost = cost(&candidate, sample);
            if cost <= chosen.0 {
                chosen = (cost, filter);
                std::mem::swap(&mut best, &mut candidate);
                if cost == 0 {
                    break;
                }
            }
        }
        out.push(chosen.1 as u8);
        out.extend_from_slice(&best);
        previous = row;
    }
    out
}

/// The rows of `data` as [`filtered`] gives them, but all with `filter`: no choice made.
pub fn filtered_all(data: &[u8], stride: usize, bpp: usize, filter: Filter) -> Vec<u8> {
    let mut out = vec![0; data.len() + data.len() / stride.max(1)];
    let zeros = vec![0; stride];
    let mut previous: &[u8] = &zeros;
    for (row, to) in data.chunks_exact(stride).zip(out.chunks_exact_mut(stride + 1)) {
        to[0] = filter as u8;
        apply(filter, bpp, previous, row, &mut to[1..]);
        previous = row;
    }
    out
}

/// `row` filtered with `filter`, into `out`.
fn apply(filter: Filter, bpp: usize, previous: &[u8], row: &[u8], out: &mut [u8]) {
    let (head, rest) = out.split_at_mut(bpp.min(out.len()));
    match filter {
        Filter::Sub => {
            head.copy_from_slice(&row[..head.len()]);
            for ((out, &x), &a) in rest.iter_mut().zip(&row[bpp..]).zip(row) {
                *out = x.wrapping_sub(a);
            }
        }
        Filter::Up => {
            for ((out, &x), &b) in out.iter_mut().zip(row).zip(previous) {
                *out = x.wrapping_sub(b);
            }
        }
        Filter::Average => {
            for ((out, &x), &b) in head.iter_mut().zip(row).zip(previous) {
                *out = x.wrapping_sub(b / 2);
            }
            for (((out, &x), &a), &b) in rest.iter_mut().zip(&row[bpp..]).zip(row).zip(&previous[bpp..]) {
                // (a + b) / 2 without widening: the common bits, and half the differing ones.
                *out = x.wrapping_sub((a & b) + ((a ^ b) >> 1));
            }
        }
        Filter::Paeth => {
            // With no pixel to the left, Paeth predicts the one above.
            for ((out, &x), &b) in head.iter_mut().zip(row).zip(previous) {
                *out = x.wrapping_sub(b);
            }
            for ((((out, &x), &a), &b), &c) in rest.iter_mut().zip(&row[bpp..]).zip(row).zip(&previous[bpp..]).zip(previous) {
                *out = x.wrapping_sub(paeth(a, b, c));
            }
        }
    }
}

/// The Paeth predictor in unsigned bytes only, so that it vectorises (Luca Versari's form, from
/// FPNGE, as the png crate's encoder has it): |p − a| = |b − c| and |p − b| = |a − c|; and
/// |p − c| matters only when c lies between a and b, where it is ||b − c| − |a − c||.
#[inline(always)]
fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let pa = b.max(c) - b.min(c);
    let pb = a.max(c) - a.min(c);
    let pc = if (a < c) == (c < b) { pa.max(pb) - pa.min(pb) } else { 255 };
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// How many bits a row's bytes would take coded by their own frequencies (an estimate, in
/// integers), counted on one 8-byte group in `sample` and the bytes after the last group; groups
/// of zeros cost nothing, as long runs do once compressed.
fn cost(row: &[u8], sample: usize) -> u64 {
    let mut counts = [[0u32; 256]; 2];
    let mut total = 0u32;
    let groups = row.chunks_exact(8);
    for &byte in groups.remainder() {
        counts[0][usize::from(byte)] += 1;
        total += 1;
    }
    for group in groups.step_by(sample) {
        if group == [0; 8] {
            continue;
        }
        for pair in group.chunks_exact(2) {
            counts[0][usize::from(pair[0])] += 1;
            counts[1][usize::from(pair[1])] += 1;
        }
        total += 8;
    }
    // All zeros (the png crate's test), or nothing counted.
    if counts[0][0] + counts[1][0] == total {
        return 0;
    }
    let mut bits = n_log2_n(total);
    for (&one, &other) in counts[0].iter().zip(&counts[1]) {
        let count = one + other;
        if count > 0 {
            bits = bits.saturating_sub(n_log2_n(count));
        }
    }
    u64::from(bits)
}

/// n · log2(n), roughly, in integers: exact at powers of two, straight lines between them (from
/// oxipng, by way of the png crate).
fn n_log2_n(n: u32) -> u32 {
    let log = n.ilog2();
    n * log + ((n - (1 << log)) << 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The specification's Paeth predictor, word for word.
    fn paeth_as_specified(a: u8, b: u8, c: u8) -> u8 {
        let p = i16::from(a) + i16::from(b) - i16::from(c);
        let (pa, pb, pc) = ((p - i16::from(a)).abs(), (p - i16::from(b)).abs(), (p - i16::from(c)).abs());
        if pa <= pb && pa <= pc {
            a
        } else if pb <= pc {
            b
        } else {
            c
        }
    }

    #[test]
    fn the_byte_paeth_predictor_is_the_specifications_on_every_input() {
        for a in 0..=255 {
            for b in 0..=255 {
                for c in 0..=255 {
                    assert_eq!(paeth(a, b, c), paeth_as_specified(a, b, c), "a {a} b {b} c {c}");
                }
            }
        }
    }

    #[test]
    fn every_filter_is_undone_by_a_png_decoder() {
        // Rows of noise, smooth ramps and flat runs, so that each filter wins somewhere; widths
        // that leave remainders after the vector loops; every layout's pixel size.
        let mut seed = 7u32;
        let mut noise = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) as u8
        };
        for (bpp, color) in
            [(1, png::ColorType::Grayscale), (2, png::ColorType::GrayscaleAlpha), (3, png::ColorType::Rgb), (4, png::ColorType::Rgba)]
        {
            for width in [1usize, 2, 17, 67] {
                let height = 24;
                let stride = width * bpp;
                let data: Vec<u8> = (0..height * stride)
                    .map(|i| match i / stride % 3 {
                        0 => noise(),
                        1 => (i % stride * 3 + i / stride) as u8,
                        _ => 200,
                    })
                    .collect();
                let chosen = filtered(&data, stride, bpp);
                let used: std::collections::BTreeSet<u8> = chosen.chunks_exact(stride + 1).map(|row| row[0]).collect();
                assert!(used.iter().all(|f| (1..=4).contains(f)));
                let each = [Filter::Sub, Filter::Up, Filter::Average, Filter::Paeth].map(|f| filtered_all(&data, stride, bpp, f));
                for rows in [chosen].iter().chain(&each) {
                    let zlib = miniz_oxide::deflate::compress_to_vec_zlib(rows, 6);
                    let mut png = Vec::new();
                    let mut info = png::Info::with_size(width as u32, height as u32);
                    info.color_type = color;
                    let mut writer = png::Encoder::with_info(&mut png, info).unwrap().write_header().unwrap();
                    writer.write_chunk(png::chunk::IDAT, &zlib).unwrap();
                    writer.finish().unwrap();
                    let mut reader = png::Decoder::new(std::io::Cursor::new(&png)).read_info().unwrap();
                    let mut back = vec![0; reader.output_buffer_size().unwrap()];
                    reader.next_frame(&mut back).unwrap();
                    assert_eq!(back, data, "{bpp} bytes a pixel, {width} wide, filter types {:?}", rows[0]);
                }
            }
        }
    }

    /// The compressed image data of a PNG (its IDAT chunks' bodies, joined).
    fn image_data(png: &[u8]) -> Vec<u8> {
        let chunks = crate::container::png::Chunks::of(png).unwrap();
        chunks.filter(|chunk| chunk.kind == b"IDAT").flat_map(|chunk| chunk.data.iter().copied()).collect()
    }

    /// The png crate's file for `pixels` with its minimum-entropy filters and fdeflate.
    fn png_crates(pixels: &crate::pixels::Pixels) -> Vec<u8> {
        let mut png = Vec::new();
        let mut info = png::Info::with_size(pixels.size.width, pixels.size.height);
        info.color_type = png::ColorType::Rgb;
        let mut encoder = png::Encoder::with_info(&mut png, info).unwrap();
        encoder.set_deflate_compression(png::DeflateCompression::FdeflateUltraFast);
        encoder.set_filter(png::Filter::MinEntropy);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&pixels.data).unwrap();
        writer.finish().unwrap();
        png
    }

    #[test]
    fn counting_every_group_chooses_the_png_crates_filters_and_a_sample_costs_little() {
        let photo =
            crate::Image::decode(&crate::testdata::fixture("photo-640x400.jpg"), &Default::default()).unwrap().into_pixels_upright();
        assert_eq!(photo.layout.channels(), 3);
        let stride = photo.size.width as usize * 3;
        let theirs = png_crates(&photo);
        let their_rows = miniz_oxide::inflate::decompress_to_vec_zlib(&image_data(&theirs)).unwrap();
        assert_eq!(filtered_sampling(&photo.data, stride, 3, 1), their_rows);
        // The sample's choice, compressed the same way: within half a percent of theirs.
        let ours = super::super::ultra_fast(&filtered(&photo.data, stride, 3)).unwrap().len() as f64;
        let size = ours / image_data(&theirs).len() as f64;
        assert!((0.995..1.005).contains(&size), "{ours} B with a sample, {:.4}× the png crate's", size);
    }
}
