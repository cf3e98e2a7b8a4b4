//! PNG's common case, decoded here: 8-bit grey, grey and alpha, RGB or RGBA, not interlaced and
//! without a tRNS chunk, which is what photos, screenshots and graphics saved as PNG nearly always
//! are. Everything else (16 bits, palettes, interlacing, colour-key transparency) and every file
//! this path does not finish cleanly goes to the png crate through `image`, which also gives the
//! errors their words: a damaged or incomplete file is read again there.
//!
//! Why our own: in WebAssembly the png crate undoes the Paeth filter (most rows of a photo) one
//! byte at a time, as its SIMD needs nightly Rust, and it inflates in small steps through its
//! own buffer. Here the whole stream is inflated at once by fdeflate (the png crate's own
//! inflater) into the pixels' buffer, and each row is unfiltered in place, Paeth rows with SIMD
//! (`paeth.rs`). The zlib stream's Adler-32 is checked, the chunks' CRCs are not: damaged pixel
//! data fails the former (and the png crate then names the damage), while a damaged CRC alone no
//! longer refuses an intact picture.

mod half;
mod means;
mod paeth;
pub mod split;

use crate::{
    Dimensions,
    container::png::{Chunk, Chunks},
    pixels::{Layout, Pixels},
};

/// The pixels of `bytes` when the file is of the common case and decodes cleanly, else None (the
/// caller then decodes it with the png crate).
pub fn decode(bytes: &[u8]) -> Option<Pixels> {
    let (layout, size, data) = common_case(bytes)?;
    whole(&data, layout, size)
}

/// [`decode`] at half the size on each side (`half.rs`), for a resize to a quarter or less.
pub fn decode_half(bytes: &[u8]) -> Option<Pixels> {
    let (layout, size, data) = common_case(bytes)?;
    half::decode(&data, layout, size)
}

/// The layout, size and pixel data (the IDAT chunks' bodies) of a file of the common case, which
/// ends as a file should.
fn common_case(bytes: &[u8]) -> Option<(Layout, Dimensions, Vec<&[u8]>)> {
    let mut chunks = Chunks::of(bytes)?;
    let Chunk { kind: b"IHDR", data: header, .. } = chunks.next()? else { return None };
    let &[w0, w1, w2, w3, h0, h1, h2, h3, depth, colour, 0, 0, 0] = header else { return None };
    let size = Dimensions::new(u32::from_be_bytes([w0, w1, w2, w3]), u32::from_be_bytes([h0, h1, h2, h3]));
    let layout = match (depth, colour) {
        (8, 0) => Layout::Gray,
        (8, 2) => Layout::Rgb,
        (8, 4) => Layout::GrayAlpha,
        (8, 6) => Layout::Rgba,
        _ => return None,
    };
    let mut data = Vec::new();
    // Without an IEND the file was cut short: the png crate says so.
    let mut ended = false;
    for Chunk { kind, data: body, .. } in chunks {
        match kind {
            b"tRNS" => return None,
            b"IDAT" => data.push(body),
            b"IEND" => {
                ended = true;
                break;
            }
            _ => {}
        }
    }
    ended.then_some((layout, size, data))
}

/// The whole picture: the stream inflated at once into the pixels' buffer, each row unfiltered in
/// place.
fn whole(data: &[&[u8]], layout: Layout, size: Dimensions) -> Option<Pixels> {
    let bpp = layout.channels();
    let row = (size.width as usize).checked_mul(bpp)?;
    let height = size.height as usize;
    let mut raw = vec![0; height.checked_mul(row.checked_add(1)?)?];
    inflate(data, &mut raw)?;
    // Row y's filter type, and its move from after that byte to where its pixels belong (left:
    // each row's bytes are read before the next row's land on them).
    let filter_of = |raw: &[u8], y: usize| raw[y * (row + 1)];
    let settle = |raw: &mut [u8], y: usize| raw.copy_within(y * (row + 1) + 1..(y + 1) * (row + 1), y * row);
    let mut y = 0;
    while y < height {
        let filter = filter_of(&raw, y);
        settle(&mut raw, y);
        // Two Paeth rows of RGBA in a row (most of a photo's) are undone together.
        let pair = bpp == 4 && filter == 4 && y > 0 && y + 1 < height && filter_of(&raw, y + 1) == 4;
        if pair {
            settle(&mut raw, y + 1);
        }
        let (done, rest) = raw.split_at_mut(y * row);
        let previous = if y == 0 { &[][..] } else { &done[(y - 1) * row..] };
        if pair {
            let (upper, lower) = rest[..2 * row].split_at_mut(row);
            paeth_pair(previous, upper, lower);
            y += 2;
        } else {
            unfilter(filter, bpp, previous, &mut rest[..row])?;
            y += 1;
        }
    }
    raw.truncate(height * row);
    Some(Pixels::new(layout, size, raw))
}

/// Inflates the zlib stream split over `data` (the IDAT chunks' bodies) into `out`, which it must
/// fill exactly.
fn inflate(data: &[&[u8]], out: &mut [u8]) -> Option<()> {
    let mut inflater = fdeflate::Decompressor::new();
    let mut written = 0;
    for &chunk in data {
        let mut input = chunk;
        while !input.is_empty() && !inflater.is_done() {
            let (read, wrote) = inflater.read(input, out, written, false).ok()?;
            if read == 0 && wrote == 0 {
                // `out` is full and the stream goes on: more data than the picture holds.
                return None;
            }
            input = &input[read..];
            written += wrote;
        }
    }
    while !inflater.is_done() {
        let (_, wrote) = inflater.read(&[], out, written, true).ok()?;
        if wrote == 0 {
            break;
        }
        written += wrote;
    }
    (inflater.is_done() && written == out.len()).then_some(())
}

/// Undoes row filter `filter` on `current`, whose pixels are `bpp` bytes, given the row above
/// (`previous`, already unfiltered; empty for the first row, which counts as zeros). None for a
/// filter type PNG does not have.
fn unfilter(filter: u8, bpp: usize, previous: &[u8], current: &mut [u8]) -> Option<()> {
    let len = current.len();
    let above = |i: usize| previous.get(i).copied().unwrap_or(0);
    match filter {
        0 => {}
        1 => {
            for i in bpp..len {
                current[i] = current[i].wrapping_add(current[i - bpp]);
            }
        }
        2 => {
            for (x, &b) in current.iter_mut().zip(previous) {
                *x = x.wrapping_add(b);
            }
        }
        3 => {
            for i in 0..len {
                let left = if i >= bpp { u16::from(current[i - bpp]) } else { 0 };
                current[i] = current[i].wrapping_add(((left + u16::from(above(i))) / 2) as u8);
            }
        }
        4 if previous.is_empty() => return unfilter(1, bpp, previous, current),
        4 => match bpp {
            1 => paeth::<1>(previous, current),
            2 => paeth::<2>(previous, current),
            3 => paeth_rgb(previous, current),
            _ => paeth_rgba(previous, current),
        },
        _ => return None,
    }
    Some(())
}

/// The Paeth predictor, branch-free as stb_image writes it (its test checks it against the
/// specification's formula): natively this made the scalar unfilter twice as fast.
fn predict(a: u8, b: u8, c: u8) -> u8 {
    let (a, b, c) = (i16::from(a), i16::from(b), i16::from(c));
    let threshold = c * 3 - (a + b);
    let (low, high) = (a.min(b), a.max(b));
    let t0 = if high <= threshold { low } else { c };
    (if threshold <= low { high } else { t0 }) as u8
}

/// Paeth on pixels of `BPP` bytes, one byte at a time, from pixel `from` on (`a` and `c` are the
/// pixels left of it and above-left, already unfiltered).
fn paeth_from<const BPP: usize>(previous: &[u8], current: &mut [u8], from: usize) {
    let start = from * BPP;
    let (mut a, mut c) = ([0; BPP], [0; BPP]);
    if from > 0 {
        a.copy_from_slice(&current[start - BPP..start]);
        c.copy_from_slice(&previous[start - BPP..start]);
    }
    let pixels = current[start..].as_chunks_mut::<BPP>().0.iter_mut().zip(previous[start..].as_chunks::<BPP>().0);
    for (x, b) in pixels {
        for i in 0..BPP {
            x[i] = x[i].wrapping_add(predict(a[i], b[i], c[i]));
        }
        (a, c) = (*x, *b);
    }
}

fn paeth<const BPP: usize>(previous: &[u8], current: &mut [u8]) {
    paeth_from::<BPP>(previous, current, 0);
}

/// Paeth on RGB and RGBA: with SIMD (`paeth`) where the machine has it, the rest a byte at a time.
fn paeth_rgb(previous: &[u8], current: &mut [u8]) {
    let done = paeth::row::<3>(previous, current);
    paeth_from::<3>(previous, current, done);
}

fn paeth_rgba(previous: &[u8], current: &mut [u8]) {
    let done = paeth::row::<4>(previous, current);
    paeth_from::<4>(previous, current, done);
}

/// Paeth on two RGBA rows, `lower` below `upper` below `previous`: together where SIMD can.
fn paeth_pair(previous: &[u8], upper: &mut [u8], lower: &mut [u8]) {
    if !paeth::pair(previous, upper, lower) {
        paeth_rgba(previous, upper);
        paeth_rgba(upper, lower);
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::testdata;

    /// What the png crate makes of `bytes` (8 bits, no expansion).
    fn reference(bytes: &[u8]) -> (png::ColorType, Vec<u8>) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
        let mut data = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut data).unwrap();
        data.truncate(info.buffer_size());
        (info.color_type, data)
    }

    pub(super) fn encoded(layout: Layout, width: u32, height: u32, data: &[u8], filter: png::Filter) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(match layout {
            Layout::Gray => png::ColorType::Grayscale,
            Layout::GrayAlpha => png::ColorType::GrayscaleAlpha,
            Layout::Rgb => png::ColorType::Rgb,
            Layout::Rgba => png::ColorType::Rgba,
        });
        encoder.set_filter(filter);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(data).unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn every_filter_and_layout_decodes_as_the_png_crate_does() {
        // Noise with gradients, so that every predictor wins somewhere; odd sizes.
        let (width, height) = (37u32, 23u32);
        for layout in [Layout::Gray, Layout::GrayAlpha, Layout::Rgb, Layout::Rgba] {
            let len = (width * height) as usize * layout.channels();
            let data: Vec<u8> =
                (0..len).map(|i| ((i * 7 + (i / 97) * 13) % 256) as u8 ^ ((i as u64 * 2_654_435_761) >> 27) as u8).collect();
            for filter in
                [png::Filter::NoFilter, png::Filter::Sub, png::Filter::Up, png::Filter::Avg, png::Filter::Paeth, png::Filter::Adaptive]
            {
                let bytes = encoded(layout, width, height, &data, filter);
                let pixels = decode(&bytes).unwrap_or_else(|| panic!("{layout:?} {filter:?}: not decoded here"));
                assert_eq!((pixels.layout, pixels.size), (layout, Dimensions::new(width, height)));
                assert_eq!(pixels.data, data, "{layout:?} {filter:?}");
            }
        }
    }

    #[test]
    fn the_paeth_predictor_is_the_specifications() {
        for (a, b, c) in
            (0..=255u8).step_by(5).flat_map(|a| (0..=255u8).step_by(7).flat_map(move |b| (0..=255u8).step_by(3).map(move |c| (a, b, c))))
        {
            let p = i16::from(a) + i16::from(b) - i16::from(c);
            let (pa, pb, pc) = ((p - i16::from(a)).abs(), (p - i16::from(b)).abs(), (p - i16::from(c)).abs());
            let expected = if pa <= pb && pa <= pc {
                a
            } else if pb <= pc {
                b
            } else {
                c
            };
            assert_eq!(predict(a, b, c), expected, "{a} {b} {c}");
        }
    }

    #[test]
    fn every_fixture_of_the_common_case_decodes_as_the_png_crate_does() {
        let mut common = 0;
        for name in testdata::FIXTURES.iter().filter(|n| n.ends_with(".png")) {
            let bytes = testdata::fixture(name);
            let Some(pixels) = decode(&bytes) else { continue };
            let (colour, data) = reference(&bytes);
            assert_eq!(pixels.layout.channels(), colour.samples(), "{name}");
            assert!(pixels.data == data, "{name}: pixels differ");
            common += 1;
        }
        assert!(common >= 3, "only {common} fixtures are of the common case");
    }

    #[test]
    fn a_15_megapixel_rgba_photo_decodes_as_the_png_crate_does() {
        let Some(bytes) = testdata::corpus("patak-5120x2880-rgba.png") else { return };
        let pixels = decode(&bytes).expect("the common case");
        assert_eq!((pixels.layout, pixels.size), (Layout::Rgba, Dimensions::new(5120, 2880)));
        assert!(pixels.data == reference(&bytes).1, "pixels differ");
    }

    #[test]
    fn cut_or_changed_anywhere_a_file_gives_pixels_or_none_and_never_panics_whole_or_halved() {
        let bytes = testdata::fixture("alpha-640x360.png");
        let (_, reference_pixels) = reference(&bytes);
        let reference_half = half::tests::halved(&decode(&bytes).unwrap());
        for cut in (0..bytes.len()).step_by(97) {
            assert!(decode(&bytes[..cut]).is_none() && decode_half(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        let mut seed = 0x9e37_79b9_u32;
        for _ in 0..300 {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let mut changed = bytes.clone();
            let at = seed as usize % changed.len();
            changed[at] ^= (seed >> 24) as u8 | 1;
            // Whatever it gives is a whole picture: a changed pixel stream fails its checksum.
            if let Some(pixels) = decode(&changed) {
                assert_eq!(pixels.data.len(), pixels.size.pixels() as usize * pixels.layout.channels());
                if pixels.size == Dimensions::new(640, 360) && pixels.layout == Layout::Rgba {
                    assert!(pixels.data == reference_pixels, "byte {at} changed, other pixels given");
                }
            }
            // And so is the half-size decode, read a few rows at a time (`half.rs`).
            if let Some(half) = decode_half(&changed) {
                assert_eq!(half.data.len(), half.size.pixels() as usize * half.layout.channels());
                if half.size == Dimensions::new(320, 180) && half.layout == Layout::Rgba {
                    assert!(half.data == reference_half, "byte {at} changed, other pixels given at half size");
                }
            }
        }
    }

    #[test]
    fn the_other_cases_and_damaged_files_are_left_to_the_png_crate() {
        let data = vec![7u8; 8 * 8 * 3];
        let good = encoded(Layout::Rgb, 8, 8, &data, png::Filter::Paeth);
        assert!(decode(&good).is_some());
        // Cut short, a byte of its pixel data changed, interlaced, 16 bits, a palette.
        assert!(decode(&good[..good.len() - 20]).is_none(), "cut short");
        let idat = good.windows(4).position(|w| w == b"IDAT").unwrap();
        let mut damaged = good.clone();
        damaged[idat + 6] ^= 0x55;
        assert!(decode(&damaged).is_none(), "damaged");
        let mut interlaced = good.clone();
        interlaced[8 + 8 + 12] = 1;
        assert!(decode(&interlaced).is_none(), "interlaced");
        let sixteen = {
            let mut out = Vec::new();
            let mut encoder = png::Encoder::new(&mut out, 2, 2);
            encoder.set_color(png::ColorType::Grayscale);
            encoder.set_depth(png::BitDepth::Sixteen);
            let mut writer = encoder.write_header().unwrap();
            writer.write_image_data(&[0; 8]).unwrap();
            writer.finish().unwrap();
            out
        };
        assert!(decode(&sixteen).is_none(), "16 bits");
        assert!(decode(&[]).is_none() && decode(&crate::container::png::SIGNATURE).is_none(), "nothing");
    }
}
