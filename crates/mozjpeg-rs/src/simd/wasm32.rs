//! localpix: WebAssembly simd128 versions of the encoder's per-pixel steps that x86-64 runs with
//! AVX2 (`color_avx2.rs`, `simd/x86_64`) and that WebAssembly ran as scalar code. Each gives
//! exactly the scalar code's results; the tests beside each compare them on every input they can.

use core::arch::wasm32::*;

/// RGB to YCbCr with C mozjpeg's fixed-point arithmetic (`color::rgb_to_ycbcr_c_compat`),
/// sixteen pixels at a time, as libjpeg-turbo's SIMD code does it: four pixels' samples
/// shuffled into 16-bit (R, G) and (B, G) pairs, which `i32x4.dot_i16x8_s` (one `pmaddwd` on
/// x86) multiplies and sums a pixel at a time. G's Y weight, 38470, is over the 16-bit range, so
/// it goes in two parts, 22086 with R and 16384 with B; the weights of 0.5 are shifts. The sums
/// are the scalar code's, and none is negative (the Cb/Cr offset outweighs the negative terms),
/// so the shifts and narrowings give its bytes. The pixels after the last sixteen go through the
/// scalar code.
pub fn convert_rgb_to_ycbcr_c_compat(rgb: &[u8], y_out: &mut [u8], cb_out: &mut [u8], cr_out: &mut [u8], num_pixels: usize) {
    const HALF: i32 = 1 << 15;
    const CBCR: i32 = (128 << 16) + HALF - 1;
    // (low lane's weight, high lane's) for the dot products.
    let pair = |low: i32, high: i32| i16x8(low as i16, high as i16, low as i16, high as i16, low as i16, high as i16, low as i16, high as i16);
    let (y_rg, y_bg) = (pair(19595, 22086), pair(7471, 16384));
    let (cb_rg, cr_bg) = (pair(-11059, -21709), pair(-5329, -27439));
    let zero = u8x16_splat(0);
    let whole = num_pixels / 16 * 16;
    let chunks = rgb[..whole * 3]
        .chunks_exact(48)
        .zip(y_out[..whole].chunks_exact_mut(16))
        .zip(cb_out[..whole].chunks_exact_mut(16))
        .zip(cr_out[..whole].chunks_exact_mut(16));
    for (((pixels, y), cb), cr) in chunks {
        let (a, b, c) = (load(pixels), load(&pixels[16..]), load(&pixels[32..]));
        // Y, Cb and Cr of four pixels whose twelve bytes start `group`, as 32-bit lanes.
        let four = |group: v128| -> (v128, v128, v128) {
            // (R, G) and (B, G) of each pixel as two 16-bit lanes (index 16: a zero byte).
            let rg = i8x16_shuffle::<0, 16, 1, 16, 3, 16, 4, 16, 6, 16, 7, 16, 9, 16, 10, 16>(group, zero);
            let bg = i8x16_shuffle::<2, 16, 1, 16, 5, 16, 4, 16, 8, 16, 7, 16, 11, 16, 10, 16>(group, zero);
            // The low lane times 32768: a shift of the pair up 16, then down 1.
            let half_of_low = |pair: v128| u32x4_shr(i32x4_shl(pair, 16), 1);
            let y = i32x4_add(i32x4_add(i32x4_dot_i16x8(rg, y_rg), i32x4_dot_i16x8(bg, y_bg)), i32x4_splat(HALF));
            let cb = i32x4_add(i32x4_add(i32x4_dot_i16x8(rg, cb_rg), half_of_low(bg)), i32x4_splat(CBCR));
            let cr = i32x4_add(i32x4_add(i32x4_dot_i16x8(bg, cr_bg), half_of_low(rg)), i32x4_splat(CBCR));
            (u32x4_shr(y, 16), u32x4_shr(cb, 16), u32x4_shr(cr, 16))
        };
        // The four groups: bytes 0-11 (in a), 12-23 (a and b), 24-35 (b and c), 36-47 (in c).
        let (y0, cb0, cr0) = four(a);
        let (y1, cb1, cr1) = four(i8x16_shuffle::<12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 0, 0, 0, 0>(a, b));
        let (y2, cb2, cr2) = four(i8x16_shuffle::<8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 0, 0, 0, 0>(b, c));
        let (y3, cb3, cr3) = four(i8x16_shuffle::<4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 0, 0, 0>(c, c));
        let bytes = |g0, g1, g2, g3| -> [u8; 16] {
            bytemuck::cast(u8x16_narrow_i16x8(i16x8_narrow_i32x4(g0, g1), i16x8_narrow_i32x4(g2, g3)))
        };
        y.copy_from_slice(&bytes(y0, y1, y2, y3));
        cb.copy_from_slice(&bytes(cb0, cb1, cb2, cb3));
        cr.copy_from_slice(&bytes(cr0, cr1, cr2, cr3));
    }
    for i in whole..num_pixels {
        let (y, cb, cr) = crate::color::rgb_to_ycbcr_c_compat(rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]);
        (y_out[i], cb_out[i], cr_out[i]) = (y, cb, cr);
    }
}

/// The forward DCT of `dct::forward_dct_8x8_i32_multiversion` (libjpeg's `jfdctint`, 32-bit
/// arithmetic throughout, so deringing's samples beyond ±128 cannot overflow it), four rows or
/// columns at a time: each pass runs the one-dimensional transform on vectors whose lanes are
/// four lines of the block, the block turned (4×4 transposes) before the rows' pass and again
/// before the columns' pass, which then writes the coefficients in their natural order.
pub fn forward_dct_8x8(samples: &[i16; 64], coeffs: &mut [i16; 64]) {
    // The samples as 32-bit lanes: `rows[r] = (columns 0-3, columns 4-7)` of row r.
    let rows: [(v128, v128); 8] = core::array::from_fn(|r| {
        let row = bytemuck::cast::<[i16; 8], v128>(samples[r * 8..][..8].try_into().unwrap());
        (i32x4_extend_low_i16x8(row), i32x4_extend_high_i16x8(row))
    });
    // Rows' pass on rows 4h..4h+3: lanes are rows, vector k is column k; gives coefficient k
    // of each row, pre-scaled by 2^PASS1_BITS.
    let across = |h: usize| -> [v128; 8] {
        let [c0, c1, c2, c3] = transpose([rows[4 * h].0, rows[4 * h + 1].0, rows[4 * h + 2].0, rows[4 * h + 3].0]);
        let [c4, c5, c6, c7] = transpose([rows[4 * h].1, rows[4 * h + 1].1, rows[4 * h + 2].1, rows[4 * h + 3].1]);
        dct_1d([c0, c1, c2, c3, c4, c5, c6, c7], true)
    };
    let (top, bottom) = (across(0), across(1));
    // Columns' pass on columns 4h..4h+3: lanes are columns, vector r is row r.
    for h in 0..2 {
        let [r0, r1, r2, r3] = transpose([top[4 * h], top[4 * h + 1], top[4 * h + 2], top[4 * h + 3]]);
        let [r4, r5, r6, r7] = transpose([bottom[4 * h], bottom[4 * h + 1], bottom[4 * h + 2], bottom[4 * h + 3]]);
        let out = dct_1d([r0, r1, r2, r3, r4, r5, r6, r7], false);
        for (u, v) in out.into_iter().enumerate() {
            // Each lane's low 16 bits, as the scalar code's `as i16` keeps.
            let low: [i16; 8] = bytemuck::cast(i16x8_shuffle::<0, 2, 4, 6, 0, 2, 4, 6>(v, v));
            coeffs[u * 8 + 4 * h..][..4].copy_from_slice(&low[..4]);
        }
    }
}

/// Turns four vectors of four 32-bit lanes: lane j of vector i becomes lane i of vector j.
#[inline(always)]
fn transpose([a, b, c, d]: [v128; 4]) -> [v128; 4] {
    let ab_low = i32x4_shuffle::<0, 4, 1, 5>(a, b);
    let ab_high = i32x4_shuffle::<2, 6, 3, 7>(a, b);
    let cd_low = i32x4_shuffle::<0, 4, 1, 5>(c, d);
    let cd_high = i32x4_shuffle::<2, 6, 3, 7>(c, d);
    [
        i32x4_shuffle::<0, 1, 4, 5>(ab_low, cd_low),
        i32x4_shuffle::<2, 3, 6, 7>(ab_low, cd_low),
        i32x4_shuffle::<0, 1, 4, 5>(ab_high, cd_high),
        i32x4_shuffle::<2, 3, 6, 7>(ab_high, cd_high),
    ]
}

/// One pass of `jfdctint` on four lines at once (the scalar code's loop body, lane by lane).
#[inline(always)]
fn dct_1d([d0, d1, d2, d3, d4, d5, d6, d7]: [v128; 8], rows: bool) -> [v128; 8] {
    use crate::dct::*;
    let k = i32x4_splat;
    let descale = |x: v128, n: i32| i32x4_shr(i32x4_add(x, k(1 << (n - 1))), n as u32);
    let scale = if rows { CONST_BITS - PASS1_BITS } else { CONST_BITS + PASS1_BITS };

    let (tmp0, tmp7) = (i32x4_add(d0, d7), i32x4_sub(d0, d7));
    let (tmp1, tmp6) = (i32x4_add(d1, d6), i32x4_sub(d1, d6));
    let (tmp2, tmp5) = (i32x4_add(d2, d5), i32x4_sub(d2, d5));
    let (tmp3, tmp4) = (i32x4_add(d3, d4), i32x4_sub(d3, d4));

    // Even part.
    let (tmp10, tmp13) = (i32x4_add(tmp0, tmp3), i32x4_sub(tmp0, tmp3));
    let (tmp11, tmp12) = (i32x4_add(tmp1, tmp2), i32x4_sub(tmp1, tmp2));
    let (out0, out4) = if rows {
        (i32x4_shl(i32x4_add(tmp10, tmp11), PASS1_BITS as u32), i32x4_shl(i32x4_sub(tmp10, tmp11), PASS1_BITS as u32))
    } else {
        (descale(i32x4_add(tmp10, tmp11), PASS1_BITS), descale(i32x4_sub(tmp10, tmp11), PASS1_BITS))
    };
    let z1 = i32x4_mul(i32x4_add(tmp12, tmp13), k(FIX_0_541196100));
    let out2 = descale(i32x4_add(z1, i32x4_mul(tmp13, k(FIX_0_765366865))), scale);
    let out6 = descale(i32x4_add(z1, i32x4_mul(tmp12, k(-FIX_1_847759065))), scale);

    // Odd part.
    let z1 = i32x4_add(tmp4, tmp7);
    let z2 = i32x4_add(tmp5, tmp6);
    let z3 = i32x4_add(tmp4, tmp6);
    let z4 = i32x4_add(tmp5, tmp7);
    let z5 = i32x4_mul(i32x4_add(z3, z4), k(FIX_1_175875602));
    let tmp4 = i32x4_mul(tmp4, k(FIX_0_298631336));
    let tmp5 = i32x4_mul(tmp5, k(FIX_2_053119869));
    let tmp6 = i32x4_mul(tmp6, k(FIX_3_072711026));
    let tmp7 = i32x4_mul(tmp7, k(FIX_1_501321110));
    let z1 = i32x4_mul(z1, k(-FIX_0_899976223));
    let z2 = i32x4_mul(z2, k(-FIX_2_562915447));
    let z3 = i32x4_add(i32x4_mul(z3, k(-FIX_1_961570560)), z5);
    let z4 = i32x4_add(i32x4_mul(z4, k(-FIX_0_390180644)), z5);
    let out7 = descale(i32x4_add(i32x4_add(tmp4, z1), z3), scale);
    let out5 = descale(i32x4_add(i32x4_add(tmp5, z2), z4), scale);
    let out3 = descale(i32x4_add(i32x4_add(tmp6, z2), z3), scale);
    let out1 = descale(i32x4_add(i32x4_add(tmp7, z1), z4), scale);
    [out0, out1, out2, out3, out4, out5, out6, out7]
}

/// `sample::downsample_h2v1_row`'s means of two for every whole sixteen outputs (32 inputs):
/// pairs summed in 16 bits, plus the bias that alternates 0, 1 from an even output. Returns how
/// many outputs it wrote, from the start.
pub fn downsample_h2v1_sixteens(input: &[u8], output: &mut [u8]) -> usize {
    let bias = u16x8(0, 1, 0, 1, 0, 1, 0, 1);
    let mean = |v: v128| u16x8_shr(i16x8_add(u16x8_extadd_pairwise_u8x16(v), bias), 1);
    let mut done = 0;
    for (pairs, out) in input.chunks_exact(32).zip(output.chunks_exact_mut(16)) {
        let (low, high) = (load(&pairs[..16]), load(&pairs[16..]));
        out.copy_from_slice(&bytemuck::cast::<v128, [u8; 16]>(u8x16_narrow_i16x8(mean(low), mean(high))));
        done += 16;
    }
    done
}

/// `sample::downsample_h2v2_rows`'s means of 2×2 for every whole sixteen outputs, the bias
/// alternating 1, 2 from an even output. Returns how many outputs it wrote.
pub fn downsample_h2v2_sixteens(row0: &[u8], row1: &[u8], output: &mut [u8]) -> usize {
    let bias = u16x8(1, 2, 1, 2, 1, 2, 1, 2);
    let sum = |v: &[u8]| u16x8_extadd_pairwise_u8x16(load(v));
    let mut done = 0;
    for ((top, bottom), out) in row0.chunks_exact(32).zip(row1.chunks_exact(32)).zip(output.chunks_exact_mut(16)) {
        let mean = |h: usize| {
            let square = i16x8_add(sum(&top[16 * h..][..16]), sum(&bottom[16 * h..][..16]));
            u16x8_shr(i16x8_add(square, bias), 2)
        };
        out.copy_from_slice(&bytemuck::cast::<v128, [u8; 16]>(u8x16_narrow_i16x8(mean(0), mean(1))));
        done += 16;
    }
    done
}

/// Sixteen bytes as a vector.
#[inline(always)]
fn load(bytes: &[u8]) -> v128 {
    bytemuck::cast::<[u8; 16], v128>(bytes[..16].try_into().unwrap())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks the scalar transform must agree on: random ones over level-shifted samples' range
    /// and deringing's wider one (±158: beyond it the scalar code's 32-bit products overflow),
    /// and the patterns at the extremes (flat, split halves, checkerboards).
    fn blocks() -> Vec<[i16; 64]> {
        let mut next = crate::simd::xorshift(0x9E37_79B9_7F4A_7C15u64);
        let mut blocks: Vec<[i16; 64]> = (0..20_000)
            .map(|n| {
                let range = if n % 2 == 0 { 256 } else { 317 };
                core::array::from_fn(|_| (next() % range) as i16 - (range / 2) as i16)
            })
            .collect();
        for (low, high) in [(-128, 127), (-158, 158), (127, -128), (158, -158)] {
            blocks.push([low; 64]);
            blocks.push(core::array::from_fn(|i| if i % 8 < 4 { low } else { high }));
            blocks.push(core::array::from_fn(|i| if i < 32 { low } else { high }));
            blocks.push(core::array::from_fn(|i| if (i / 8 + i % 8) % 2 == 0 { low } else { high }));
        }
        blocks
    }

    #[test]
    fn the_forward_dct_gives_the_scalar_codes_coefficients() {
        for samples in blocks() {
            let (mut simd, mut scalar) = ([0i16; 64], [0i16; 64]);
            forward_dct_8x8(&samples, &mut simd);
            crate::dct::forward_dct_8x8_i32_multiversion(&samples, &mut scalar);
            assert_eq!(simd, scalar, "{samples:?}");
        }
    }

    #[test]
    fn downsampling_gives_the_scalar_codes_means() {
        use crate::sample::{downsample_h2v1_row, downsample_h2v2_rows};
        let mut next = crate::simd::xorshift(0x5DEE_CE66_D1CE_4E5B);
        for width in (0usize..80).chain([1919, 1920, 3013]) {
            let rows: Vec<Vec<u8>> = (0..2).map(|_| (0..width).map(|_| next() as u8).collect()).collect();
            let outputs = width.div_ceil(2);
            let (mut h2v1, mut h2v2) = (vec![0u8; outputs], vec![0u8; outputs]);
            downsample_h2v1_row(&rows[0], &mut h2v1);
            downsample_h2v2_rows(&rows[0], &rows[1], &mut h2v2);
            for i in 0..outputs {
                let at = |row: &[u8], x: usize| u16::from(row[x.min(width - 1)]);
                let pair = at(&rows[0], 2 * i) + at(&rows[0], 2 * i + 1);
                assert_eq!(u16::from(h2v1[i]), (pair + (i % 2) as u16) >> 1, "h2v1, width {width}, output {i}");
                let square = pair + at(&rows[1], 2 * i) + at(&rows[1], 2 * i + 1);
                assert_eq!(u16::from(h2v2[i]), (square + 1 + (i % 2) as u16) >> 2, "h2v2, width {width}, output {i}");
            }
        }
    }
}
