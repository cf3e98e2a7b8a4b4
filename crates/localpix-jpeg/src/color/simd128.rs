//! YCbCr → RGB for 16 pixels at a time, exactly as the scalar `ycc_pixel`: its products are
//! split into a multiple of 2^16 (which passes through the shift unchanged) and a remainder
//! that fits a 16-bit multiply: 91881 = 65536 + 26345, 116130 = 2·65536 − 14942,
//! −46802 = −65536 + 18734.
#![allow(unsafe_code)]

use core::arch::wasm32::*;

/// The high 16 bits of each 32-bit lane of `low` and `high`, as eight 16-bit lanes: the
/// arithmetic shift right by 16.
#[inline(always)]
fn high_halves(low: v128, high: v128) -> v128 {
    i16x8_shuffle::<1, 3, 5, 7, 9, 11, 13, 15>(low, high)
}

/// (x·k + 2^15) >> 16 per 16-bit lane.
#[inline(always)]
fn mul_shift16(x: v128, k: i16) -> v128 {
    let k = i16x8_splat(k);
    let half = i32x4_splat(1 << 15);
    high_halves(i32x4_add(i32x4_extmul_low_i16x8(x, k), half), i32x4_add(i32x4_extmul_high_i16x8(x, k), half))
}

/// (cb·−22554 + cr·18734 + 2^15) >> 16 per 16-bit lane.
#[inline(always)]
fn green_shift16(cb: v128, cr: v128) -> v128 {
    let k = i32x4_splat((-22554i32 as u16 as i32) | (18734 << 16));
    let half = i32x4_splat(1 << 15);
    let low = i32x4_dot_i16x8(i16x8_shuffle::<0, 8, 1, 9, 2, 10, 3, 11>(cb, cr), k);
    let high = i32x4_dot_i16x8(i16x8_shuffle::<4, 12, 5, 13, 6, 14, 7, 15>(cb, cr), k);
    high_halves(i32x4_add(low, half), i32x4_add(high, half))
}

/// Eight pixels' R, G and B as 16-bit lanes.
#[inline(always)]
fn rgb8(y: v128, cb: v128, cr: v128) -> (v128, v128, v128) {
    let r = i16x8_add(i16x8_add(y, cr), mul_shift16(cr, 26345));
    let g = i16x8_add(i16x8_sub(y, cr), green_shift16(cb, cr));
    let b = i16x8_add(i16x8_add(y, i16x8_add(cb, cb)), mul_shift16(cb, -14942));
    (r, g, b)
}

pub(super) fn ycc_to_rgb(y: &[u8], cb: &[u8], cr: &[u8], out: &mut [u8]) -> usize {
    let n = y.len().min(cb.len()).min(cr.len()).min(out.len() / 3);
    let centre = i16x8_splat(128);
    let mut i = 0;
    while i + 16 <= n {
        // SAFETY: reads 16 samples of each row at i and writes out[3i .. 3i + 48], all within
        // the lengths checked above.
        unsafe {
            let yv = v128_load(y.as_ptr().add(i).cast());
            let cbv = v128_load(cb.as_ptr().add(i).cast());
            let crv = v128_load(cr.as_ptr().add(i).cast());
            let (r0, g0, b0) = rgb8(
                u16x8_extend_low_u8x16(yv),
                i16x8_sub(u16x8_extend_low_u8x16(cbv), centre),
                i16x8_sub(u16x8_extend_low_u8x16(crv), centre),
            );
            let (r1, g1, b1) = rgb8(
                u16x8_extend_high_u8x16(yv),
                i16x8_sub(u16x8_extend_high_u8x16(cbv), centre),
                i16x8_sub(u16x8_extend_high_u8x16(crv), centre),
            );
            let r = u8x16_narrow_i16x8(r0, r1);
            let g = u8x16_narrow_i16x8(g0, g1);
            let b = u8x16_narrow_i16x8(b0, b1);
            // r g b r g b…: 48 bytes from three vectors.
            let rg_low = i8x16_shuffle::<0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23>(r, g);
            let rg_high = i8x16_shuffle::<8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31>(r, g);
            let first = i8x16_shuffle::<0, 1, 16, 2, 3, 17, 4, 5, 18, 6, 7, 19, 8, 9, 20, 10>(rg_low, b);
            let middle_a = i8x16_shuffle::<11, 21, 12, 13, 22, 14, 15, 23, 0, 0, 0, 0, 0, 0, 0, 0>(rg_low, b);
            let middle_b = i8x16_shuffle::<0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 24, 2, 3, 25, 4, 5>(rg_high, b);
            let middle = i64x2_shuffle::<0, 3>(middle_a, middle_b);
            let last = i8x16_shuffle::<26, 6, 7, 27, 8, 9, 28, 10, 11, 29, 12, 13, 30, 14, 15, 31>(rg_high, b);
            let at = out.as_mut_ptr().add(3 * i);
            v128_store(at.cast(), first);
            v128_store(at.add(16).cast(), middle);
            v128_store(at.add(32).cast(), last);
        }
        i += 16;
    }
    i
}
