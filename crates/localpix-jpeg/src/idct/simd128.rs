//! The IDCTs of the parent module in WebAssembly SIMD: the same operations on eight (8×8) or
//! four (4×4) lanes at once, so the samples are identical to the scalar code's.
#![allow(unsafe_code)]

use core::arch::wasm32::*;

use super::{R0541, R0765, R1847, fix::*};

/// Two 16-bit constants for `i32x4_dot_i16x8` on lanes interleaved as (a, b, a, b…).
#[inline(always)]
fn pair(a: i32, b: i32) -> v128 {
    i32x4_splat((a as u16 as i32) | (b << 16))
}

#[inline(always)]
fn interleave_low(a: v128, b: v128) -> v128 {
    i16x8_shuffle::<0, 8, 1, 9, 2, 10, 3, 11>(a, b)
}

#[inline(always)]
fn interleave_high(a: v128, b: v128) -> v128 {
    i16x8_shuffle::<4, 12, 5, 13, 6, 14, 7, 15>(a, b)
}

/// `a·ca + b·cb` per lane, in 32 bits: low and high four lanes.
#[inline(always)]
fn dot(a: v128, b: v128, ca: i32, cb: i32) -> (v128, v128) {
    let c = pair(ca, cb);
    (i32x4_dot_i16x8(interleave_low(a, b), c), i32x4_dot_i16x8(interleave_high(a, b), c))
}

#[inline(always)]
fn add(a: (v128, v128), b: (v128, v128)) -> (v128, v128) {
    (i32x4_add(a.0, b.0), i32x4_add(a.1, b.1))
}

#[inline(always)]
fn sub(a: (v128, v128), b: (v128, v128)) -> (v128, v128) {
    (i32x4_sub(a.0, b.0), i32x4_sub(a.1, b.1))
}

/// Rounds away `SHIFT` bits and packs to 16 bits with saturation.
#[inline(always)]
fn descale<const SHIFT: u32>(x: (v128, v128)) -> v128 {
    let round = i32x4_splat(1 << (SHIFT - 1));
    i16x8_narrow_i32x4(i32x4_shr(i32x4_add(x.0, round), SHIFT), i32x4_shr(i32x4_add(x.1, round), SHIFT))
}

/// `super::islow_1d` on eight lanes, descaled by SHIFT.
#[inline(always)]
fn islow_pass<const SHIFT: u32>(x: [v128; 8]) -> [v128; 8] {
    let tmp3 = dot(x[2], x[6], F0541 + F0765, F0541);
    let tmp2 = dot(x[2], x[6], F0541, F0541 - F1847);
    let sum = i16x8_add(x[0], x[4]);
    let diff = i16x8_sub(x[0], x[4]);
    let tmp0 = (i32x4_shl(i32x4_extend_low_i16x8(sum), 13), i32x4_shl(i32x4_extend_high_i16x8(sum), 13));
    let tmp1 = (i32x4_shl(i32x4_extend_low_i16x8(diff), 13), i32x4_shl(i32x4_extend_high_i16x8(diff), 13));
    let (tmp10, tmp13) = (add(tmp0, tmp3), sub(tmp0, tmp3));
    let (tmp11, tmp12) = (add(tmp1, tmp2), sub(tmp1, tmp2));

    let z3 = i16x8_add(x[7], x[3]);
    let z4 = i16x8_add(x[5], x[1]);
    let z3p = dot(z3, z4, F1175 - F1961, F1175);
    let z4p = dot(z3, z4, F1175, F1175 - F0390);
    let t0 = add(dot(x[7], x[1], F0298 - F0899, -F0899), z3p);
    let t3 = add(dot(x[7], x[1], -F0899, F1501 - F0899), z4p);
    let t1 = add(dot(x[5], x[3], F2053 - F2562, -F2562), z4p);
    let t2 = add(dot(x[5], x[3], -F2562, F3072 - F2562), z3p);
    [
        descale::<SHIFT>(add(tmp10, t3)),
        descale::<SHIFT>(add(tmp11, t2)),
        descale::<SHIFT>(add(tmp12, t1)),
        descale::<SHIFT>(add(tmp13, t0)),
        descale::<SHIFT>(sub(tmp13, t0)),
        descale::<SHIFT>(sub(tmp12, t1)),
        descale::<SHIFT>(sub(tmp11, t2)),
        descale::<SHIFT>(sub(tmp10, t3)),
    ]
}

/// An 8×8 transpose of 16-bit lanes (from jpeg-decoder's wasm code).
#[inline(always)]
fn transpose8(d: [v128; 8]) -> [v128; 8] {
    let d01l = i16x8_shuffle::<0, 8, 1, 9, 2, 10, 3, 11>(d[0], d[1]);
    let d23l = i16x8_shuffle::<0, 8, 1, 9, 2, 10, 3, 11>(d[2], d[3]);
    let d45l = i16x8_shuffle::<0, 8, 1, 9, 2, 10, 3, 11>(d[4], d[5]);
    let d67l = i16x8_shuffle::<0, 8, 1, 9, 2, 10, 3, 11>(d[6], d[7]);
    let d01h = i16x8_shuffle::<4, 12, 5, 13, 6, 14, 7, 15>(d[0], d[1]);
    let d23h = i16x8_shuffle::<4, 12, 5, 13, 6, 14, 7, 15>(d[2], d[3]);
    let d45h = i16x8_shuffle::<4, 12, 5, 13, 6, 14, 7, 15>(d[4], d[5]);
    let d67h = i16x8_shuffle::<4, 12, 5, 13, 6, 14, 7, 15>(d[6], d[7]);
    let d0123ll = i32x4_shuffle::<0, 4, 1, 5>(d01l, d23l);
    let d0123lh = i32x4_shuffle::<2, 6, 3, 7>(d01l, d23l);
    let d4567ll = i32x4_shuffle::<0, 4, 1, 5>(d45l, d67l);
    let d4567lh = i32x4_shuffle::<2, 6, 3, 7>(d45l, d67l);
    let d0123hl = i32x4_shuffle::<0, 4, 1, 5>(d01h, d23h);
    let d0123hh = i32x4_shuffle::<2, 6, 3, 7>(d01h, d23h);
    let d4567hl = i32x4_shuffle::<0, 4, 1, 5>(d45h, d67h);
    let d4567hh = i32x4_shuffle::<2, 6, 3, 7>(d45h, d67h);
    [
        i64x2_shuffle::<0, 2>(d0123ll, d4567ll),
        i64x2_shuffle::<1, 3>(d0123ll, d4567ll),
        i64x2_shuffle::<0, 2>(d0123lh, d4567lh),
        i64x2_shuffle::<1, 3>(d0123lh, d4567lh),
        i64x2_shuffle::<0, 2>(d0123hl, d4567hl),
        i64x2_shuffle::<1, 3>(d0123hl, d4567hl),
        i64x2_shuffle::<0, 2>(d0123hh, d4567hh),
        i64x2_shuffle::<1, 3>(d0123hh, d4567hh),
    ]
}

pub(super) fn idct8(coef: &[i16; 64], quant: &[u16; 64], out: &mut [u8], stride: usize) {
    // Every store below lands in out[row * stride .. row * stride + 8] for rows 0..8.
    assert!(out.len() >= 7 * stride + 8);
    // SAFETY: the arrays hold 64 elements, read 8 at a time (unaligned loads are allowed).
    let x: [v128; 8] = std::array::from_fn(|row| unsafe {
        i16x8_mul(v128_load(coef.as_ptr().add(row * 8).cast()), v128_load(quant.as_ptr().add(row * 8).cast()))
    });
    let columns = islow_pass::<11>(x);
    let rows = islow_pass::<18>(transpose8(columns));
    let rows = transpose8(rows);
    let centre = i16x8_splat(128);
    for pair in 0..4 {
        let a = i16x8_add_sat(rows[2 * pair], centre);
        let b = i16x8_add_sat(rows[2 * pair + 1], centre);
        let bytes = u8x16_narrow_i16x8(a, b);
        // SAFETY: in bounds by the assert above.
        unsafe {
            v128_store64_lane::<0>(bytes, out.as_mut_ptr().add(2 * pair * stride).cast());
            v128_store64_lane::<1>(bytes, out.as_mut_ptr().add((2 * pair + 1) * stride).cast());
        }
    }
}

/// A 4×4 transpose of 32-bit lanes.
#[inline(always)]
fn transpose4(a: v128, b: v128, c: v128, d: v128) -> [v128; 4] {
    let ab_low = i32x4_shuffle::<0, 4, 1, 5>(a, b);
    let ab_high = i32x4_shuffle::<2, 6, 3, 7>(a, b);
    let cd_low = i32x4_shuffle::<0, 4, 1, 5>(c, d);
    let cd_high = i32x4_shuffle::<2, 6, 3, 7>(c, d);
    [
        i64x2_shuffle::<0, 2>(ab_low, cd_low),
        i64x2_shuffle::<1, 3>(ab_low, cd_low),
        i64x2_shuffle::<0, 2>(ab_high, cd_high),
        i64x2_shuffle::<1, 3>(ab_high, cd_high),
    ]
}

pub(super) fn idct4(coef: &[i16; 64], quant: &[u16; 64], out: &mut [u8], stride: usize) {
    assert!(out.len() >= 3 * stride + 4);
    // Rows 0..4, columns 0..4 of coefficients and table, as 32-bit lanes.
    // SAFETY: each load reads 4 elements starting within the first 28 of 64.
    let s: [v128; 4] = std::array::from_fn(|row| unsafe {
        let c = i32x4_extend_low_i16x8(v128_load64_zero(coef.as_ptr().add(row * 8).cast()));
        let q = u32x4_extend_low_u16x8(v128_load64_zero(quant.as_ptr().add(row * 8).cast()));
        i32x4_mul(c, q)
    });
    let mul = |a: v128, k: i32| i32x4_mul(a, i32x4_splat(k));
    // Columns (a lane per column).
    let x0 = i32x4_shl(i32x4_add(s[0], s[2]), 2);
    let x2 = i32x4_shl(i32x4_sub(s[0], s[2]), 2);
    let p1 = mul(i32x4_add(s[1], s[3]), R0541);
    let half = i32x4_splat(512);
    let t0 = i32x4_shr(i32x4_add(i32x4_add(p1, mul(s[3], R1847)), half), 10);
    let t2 = i32x4_shr(i32x4_add(i32x4_add(p1, mul(s[1], R0765)), half), 10);
    let [u0, u1, u2, u3] = transpose4(i32x4_add(x0, t2), i32x4_add(x2, t0), i32x4_sub(x2, t0), i32x4_sub(x0, t2));
    // Rows (a lane per row).
    let bias = i32x4_splat((1 << 16) + (128 << 17));
    let x0 = i32x4_add(i32x4_shl(i32x4_add(u0, u2), 12), bias);
    let x2 = i32x4_add(i32x4_shl(i32x4_sub(u0, u2), 12), bias);
    let p1 = mul(i32x4_add(u1, u3), R0541);
    let t0 = i32x4_add(p1, mul(u3, R1847));
    let t2 = i32x4_add(p1, mul(u1, R0765));
    let [r0, r1, r2, r3] = transpose4(
        i32x4_shr(i32x4_add(x0, t2), 17),
        i32x4_shr(i32x4_add(x2, t0), 17),
        i32x4_shr(i32x4_sub(x2, t0), 17),
        i32x4_shr(i32x4_sub(x0, t2), 17),
    );
    let bytes = u8x16_narrow_i16x8(i16x8_narrow_i32x4(r0, r1), i16x8_narrow_i32x4(r2, r3));
    // SAFETY: in bounds by the assert above.
    unsafe {
        v128_store32_lane::<0>(bytes, out.as_mut_ptr().cast());
        v128_store32_lane::<1>(bytes, out.as_mut_ptr().add(stride).cast());
        v128_store32_lane::<2>(bytes, out.as_mut_ptr().add(2 * stride).cast());
        v128_store32_lane::<3>(bytes, out.as_mut_ptr().add(3 * stride).cast());
    }
}

#[inline(always)]
pub(super) fn clear(block: &mut [i16; 64]) {
    for row in 0..8 {
        // SAFETY: eight stores of 8 coefficients cover the 64 exactly.
        unsafe { v128_store(block.as_mut_ptr().add(row * 8).cast(), i64x2_splat(0)) };
    }
}

/// `i32x4_splat` of lane `lane` of `(low, high)`, eight 32-bit lanes. `lane` is a constant
/// wherever this is called (the loops over N unroll), so the match folds to one shuffle.
#[inline(always)]
fn lane_splat(v: (v128, v128), lane: usize) -> v128 {
    match lane {
        0 => i32x4_shuffle::<0, 0, 0, 0>(v.0, v.0),
        1 => i32x4_shuffle::<1, 1, 1, 1>(v.0, v.0),
        2 => i32x4_shuffle::<2, 2, 2, 2>(v.0, v.0),
        3 => i32x4_shuffle::<3, 3, 3, 3>(v.0, v.0),
        4 => i32x4_shuffle::<0, 0, 0, 0>(v.1, v.1),
        5 => i32x4_shuffle::<1, 1, 1, 1>(v.1, v.1),
        6 => i32x4_shuffle::<2, 2, 2, 2>(v.1, v.1),
        _ => i32x4_shuffle::<3, 3, 3, 3>(v.1, v.1),
    }
}

/// `super::scaled::idct` (N = 3, 5, 6, 7) with four 32-bit lanes: the same wrapping sums, so the
/// same samples. Each table row x is row N−1−x with its odd terms negated, so both passes add
/// the even and the odd terms apart and get two outputs from them (a sum and a difference):
/// half the multiplies. Columns go in lanes (a row of coefficients at a time, times a constant);
/// rows take each work value across the lanes times a column of the table, so neither pass
/// needs a transpose.
#[inline(always)]
pub(super) fn idct_scaled<const N: usize>(table: &[[i32; N]; N], coef: &[i16; 64], quant: &[u16; 64], out: &mut [u8], stride: usize) {
    use super::scaled::{CONST_BITS, PASS1_BITS, SHIFT};
    const { assert!(N >= 2 && N <= 8) };
    // Every store below lands in out[row * stride .. row * stride + N] for rows 0..N.
    assert!(out.len() >= (N - 1) * stride + N);
    let zero = i32x4_splat(0);
    let half = N.div_ceil(2);
    // Dequantised coefficient rows v < N, columns 0..4 and 4..8 (the second unused below 5).
    // SAFETY: each load reads 8 of the 64 elements, from row v < 8.
    let dq: [(v128, v128); N] = std::array::from_fn(|v| unsafe {
        let c = v128_load(coef.as_ptr().add(v * 8).cast());
        let q = v128_load(quant.as_ptr().add(v * 8).cast());
        (i32x4_mul(i32x4_extend_low_i16x8(c), u32x4_extend_low_u16x8(q)), i32x4_mul(i32x4_extend_high_i16x8(c), u32x4_extend_high_u16x8(q)))
    });
    // Columns: work row y = Σ_v table[y][v] · dq[v], rounded to the work array's scale.
    let first_round = i32x4_splat(1 << (CONST_BITS - PASS1_BITS - 1));
    let first_pass = |x: (v128, v128)| {
        (i32x4_shr(i32x4_add(x.0, first_round), CONST_BITS - PASS1_BITS), i32x4_shr(i32x4_add(x.1, first_round), CONST_BITS - PASS1_BITS))
    };
    let mut work = [(zero, zero); N];
    for y in 0..half {
        let (mut even, mut odd) = ((zero, zero), (zero, zero));
        for (v, row) in dq.iter().enumerate() {
            let k = i32x4_splat(table[y][v]);
            let product = (i32x4_mul(row.0, k), i32x4_mul(row.1, k));
            if v % 2 == 0 {
                even = add(even, product);
            } else {
                odd = add(odd, product);
            }
        }
        work[y] = first_pass(add(even, odd));
        work[N - 1 - y] = first_pass(sub(even, odd));
    }
    // Rows: output x < half in lane x of `near`, output N−1−x in lane x of `far`.
    // (Lanes from `half` on are never stored; any row of the table will do there.)
    let column = |u: usize| i32x4(table[0][u], table[1.min(N - 1)][u], table[2.min(N - 1)][u], table[3.min(N - 1)][u]);
    let bias = i32x4_splat((1 << (SHIFT - 1)) + (128 << SHIFT));
    let rows: [v128; N] = std::array::from_fn(|y| {
        let (mut even, mut odd) = (zero, zero);
        for u in 0..N {
            let product = i32x4_mul(lane_splat(work[y], u), column(u));
            if u % 2 == 0 {
                even = i32x4_add(even, product);
            } else {
                odd = i32x4_add(odd, product);
            }
        }
        let near = i32x4_shr(i32x4_add(i32x4_add(even, odd), bias), SHIFT);
        let far = i32x4_shr(i32x4_add(i32x4_sub(even, odd), bias), SHIFT);
        // Samples 0..4 near, 4..8 far, saturated to 0..=255 (as `sample`'s clamp).
        let words = i16x8_narrow_i32x4(near, far);
        u8x16_narrow_i16x8(words, words)
    });
    // Byte k of a row is output `order[k]`'s: x < half from near's lane x, the rest from far's
    // lane N−1−x.
    let order: [u8; 16] = std::array::from_fn(|x| {
        if x >= N {
            0
        } else if x < half {
            x as u8
        } else {
            (4 + N - 1 - x) as u8
        }
    });
    // SAFETY: reads 16 bytes of a 16-byte array.
    let order = unsafe { v128_load(order.as_ptr().cast()) };
    for (y, row) in rows.iter().enumerate() {
        let bytes = i8x16_swizzle(*row, order);
        // SAFETY: in bounds by the assert above: N bytes from row y's start.
        unsafe { store_prefix::<N>(bytes, out.as_mut_ptr().add(y * stride)) };
    }
}

/// Stores the first N bytes of `bytes` at `to`, and nothing past them (the next block's samples
/// may already be there).
///
/// # Safety
/// `to` must be valid for N bytes of writes.
#[inline(always)]
unsafe fn store_prefix<const N: usize>(bytes: v128, to: *mut u8) {
    // SAFETY: the caller's.
    unsafe {
        match N {
            1 => v128_store8_lane::<0>(bytes, to),
            2 => v128_store16_lane::<0>(bytes, to.cast()),
            3 => {
                v128_store16_lane::<0>(bytes, to.cast());
                v128_store8_lane::<2>(bytes, to.add(2));
            }
            4 => v128_store32_lane::<0>(bytes, to.cast()),
            5 => {
                v128_store32_lane::<0>(bytes, to.cast());
                v128_store8_lane::<4>(bytes, to.add(4));
            }
            6 => {
                v128_store32_lane::<0>(bytes, to.cast());
                v128_store16_lane::<2>(bytes, to.add(4).cast());
            }
            7 => {
                v128_store32_lane::<0>(bytes, to.cast());
                v128_store16_lane::<2>(bytes, to.add(4).cast());
                v128_store8_lane::<6>(bytes, to.add(6));
            }
            _ => v128_store64_lane::<0>(bytes, to.cast()),
        }
    }
}
