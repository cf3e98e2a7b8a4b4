//! The interior of the fancy upsampling filters, 16 input samples at a time. Each returns where
//! the scalar code must continue (samples 1.. are done up to there; sample 0 is left to it).
#![allow(unsafe_code)]

use core::arch::wasm32::*;

/// Interleaves two vectors of 16 bytes: (a0, b0, a1, b1…), low and high halves.
#[inline(always)]
fn zip_bytes(a: v128, b: v128) -> (v128, v128) {
    (
        i8x16_shuffle::<0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23>(a, b),
        i8x16_shuffle::<8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31>(a, b),
    )
}

#[inline(always)]
fn widen(bytes: v128) -> (v128, v128) {
    (u16x8_extend_low_u8x16(bytes), u16x8_extend_high_u8x16(bytes))
}

pub(super) fn h2v1_fancy(input: &[u8], out: &mut [u8]) -> usize {
    let mut i = 1;
    while i + 17 <= input.len() && 2 * i + 32 <= out.len() {
        // SAFETY: reads input[i - 1 .. i + 17] and writes out[2i .. 2i + 32], both checked above.
        unsafe {
            let (left, this, right) = (
                widen(v128_load(input.as_ptr().add(i - 1).cast())),
                widen(v128_load(input.as_ptr().add(i).cast())),
                widen(v128_load(input.as_ptr().add(i + 1).cast())),
            );
            let half = |this: v128, left: v128, right: v128| {
                let three = i16x8_add(this, i16x8_add(this, this));
                let even = u16x8_shr(i16x8_add(i16x8_add(three, left), i16x8_splat(1)), 2);
                let odd = u16x8_shr(i16x8_add(i16x8_add(three, right), i16x8_splat(2)), 2);
                (even, odd)
            };
            let (even_low, odd_low) = half(this.0, left.0, right.0);
            let (even_high, odd_high) = half(this.1, left.1, right.1);
            let (a, b) = zip_bytes(u8x16_narrow_i16x8(even_low, even_high), u8x16_narrow_i16x8(odd_low, odd_high));
            v128_store(out.as_mut_ptr().add(2 * i).cast(), a);
            v128_store(out.as_mut_ptr().add(2 * i + 16).cast(), b);
        }
        i += 16;
    }
    i
}

pub(super) fn h2v2_fancy(near: &[u8], far: &[u8], out: &mut [u8]) -> usize {
    let n = near.len().min(far.len());
    let mut i = 1;
    while i + 17 <= n && 2 * i + 32 <= out.len() {
        // SAFETY: reads near and far at [i - 1 .. i + 17] and writes out[2i .. 2i + 32], both
        // checked above.
        unsafe {
            let sum = |at: usize| {
                let (n, f) = (widen(v128_load(near.as_ptr().add(at).cast())), widen(v128_load(far.as_ptr().add(at).cast())));
                let three = |x: v128| i16x8_add(x, i16x8_add(x, x));
                (i16x8_add(three(n.0), f.0), i16x8_add(three(n.1), f.1))
            };
            let (left, this, right) = (sum(i - 1), sum(i), sum(i + 1));
            let half = |this: v128, left: v128, right: v128| {
                let three = i16x8_add(this, i16x8_add(this, this));
                let even = u16x8_shr(i16x8_add(i16x8_add(three, left), i16x8_splat(8)), 4);
                let odd = u16x8_shr(i16x8_add(i16x8_add(three, right), i16x8_splat(7)), 4);
                (even, odd)
            };
            let (even_low, odd_low) = half(this.0, left.0, right.0);
            let (even_high, odd_high) = half(this.1, left.1, right.1);
            let (a, b) = zip_bytes(u8x16_narrow_i16x8(even_low, even_high), u8x16_narrow_i16x8(odd_low, odd_high));
            v128_store(out.as_mut_ptr().add(2 * i).cast(), a);
            v128_store(out.as_mut_ptr().add(2 * i + 16).cast(), b);
        }
        i += 16;
    }
    i
}
