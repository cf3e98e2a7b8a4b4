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
        let load = |i: usize| -> v128 { bytemuck::cast::<[u8; 16], v128>(pixels[i * 16..][..16].try_into().unwrap()) };
        let (a, b, c) = (load(0), load(1), load(2));
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
