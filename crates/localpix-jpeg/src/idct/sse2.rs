//! The 8×8 IDCT of `simd128.rs` for x86-64 (whose SSE2 every such processor has), so native
//! builds (tests, the native benchmark) are not held back by the scalar code. The same
//! operations, so the same samples: `pmaddwd` is `i32x4_dot_i16x8`, `packssdw` is
//! `i16x8_narrow_i32x4`, `packuswb` is `u8x16_narrow_i16x8`.
#![allow(unsafe_code)]

use core::arch::x86_64::*;

use super::fix::*;

/// Two 16-bit constants for `_mm_madd_epi16` on lanes interleaved as (a, b, a, b…).
#[inline(always)]
unsafe fn pair(a: i32, b: i32) -> __m128i {
    unsafe { _mm_set1_epi32((a as u16 as i32) | (b << 16)) }
}

/// `a·ca + b·cb` per lane, in 32 bits: low and high four lanes.
#[inline(always)]
unsafe fn dot(a: __m128i, b: __m128i, ca: i32, cb: i32) -> (__m128i, __m128i) {
    unsafe {
        let c = pair(ca, cb);
        (_mm_madd_epi16(_mm_unpacklo_epi16(a, b), c), _mm_madd_epi16(_mm_unpackhi_epi16(a, b), c))
    }
}

#[inline(always)]
unsafe fn add(a: (__m128i, __m128i), b: (__m128i, __m128i)) -> (__m128i, __m128i) {
    unsafe { (_mm_add_epi32(a.0, b.0), _mm_add_epi32(a.1, b.1)) }
}

#[inline(always)]
unsafe fn sub(a: (__m128i, __m128i), b: (__m128i, __m128i)) -> (__m128i, __m128i) {
    unsafe { (_mm_sub_epi32(a.0, b.0), _mm_sub_epi32(a.1, b.1)) }
}

/// x << 13 in 32-bit lanes: each 16-bit lane put in a lane's high half, shifted down by 3.
#[inline(always)]
unsafe fn widen_shl13(x: __m128i) -> (__m128i, __m128i) {
    unsafe {
        let zero = _mm_setzero_si128();
        (_mm_srai_epi32(_mm_unpacklo_epi16(zero, x), 3), _mm_srai_epi32(_mm_unpackhi_epi16(zero, x), 3))
    }
}

#[inline(always)]
unsafe fn descale<const SHIFT: i32>(x: (__m128i, __m128i)) -> __m128i {
    unsafe {
        let round = _mm_set1_epi32(1 << (SHIFT - 1));
        _mm_packs_epi32(_mm_srai_epi32(_mm_add_epi32(x.0, round), SHIFT), _mm_srai_epi32(_mm_add_epi32(x.1, round), SHIFT))
    }
}

#[inline(always)]
unsafe fn islow_pass<const SHIFT: i32>(x: [__m128i; 8]) -> [__m128i; 8] {
    unsafe {
        let tmp3 = dot(x[2], x[6], F0541 + F0765, F0541);
        let tmp2 = dot(x[2], x[6], F0541, F0541 - F1847);
        let tmp0 = widen_shl13(_mm_add_epi16(x[0], x[4]));
        let tmp1 = widen_shl13(_mm_sub_epi16(x[0], x[4]));
        let (tmp10, tmp13) = (add(tmp0, tmp3), sub(tmp0, tmp3));
        let (tmp11, tmp12) = (add(tmp1, tmp2), sub(tmp1, tmp2));

        let z3 = _mm_add_epi16(x[7], x[3]);
        let z4 = _mm_add_epi16(x[5], x[1]);
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
}

/// An 8×8 transpose of 16-bit lanes.
#[inline(always)]
unsafe fn transpose8(d: [__m128i; 8]) -> [__m128i; 8] {
    unsafe {
        let a0 = _mm_unpacklo_epi16(d[0], d[1]);
        let a1 = _mm_unpacklo_epi16(d[2], d[3]);
        let a2 = _mm_unpacklo_epi16(d[4], d[5]);
        let a3 = _mm_unpacklo_epi16(d[6], d[7]);
        let a4 = _mm_unpackhi_epi16(d[0], d[1]);
        let a5 = _mm_unpackhi_epi16(d[2], d[3]);
        let a6 = _mm_unpackhi_epi16(d[4], d[5]);
        let a7 = _mm_unpackhi_epi16(d[6], d[7]);
        let b0 = _mm_unpacklo_epi32(a0, a1);
        let b1 = _mm_unpackhi_epi32(a0, a1);
        let b2 = _mm_unpacklo_epi32(a2, a3);
        let b3 = _mm_unpackhi_epi32(a2, a3);
        let b4 = _mm_unpacklo_epi32(a4, a5);
        let b5 = _mm_unpackhi_epi32(a4, a5);
        let b6 = _mm_unpacklo_epi32(a6, a7);
        let b7 = _mm_unpackhi_epi32(a6, a7);
        [
            _mm_unpacklo_epi64(b0, b2),
            _mm_unpackhi_epi64(b0, b2),
            _mm_unpacklo_epi64(b1, b3),
            _mm_unpackhi_epi64(b1, b3),
            _mm_unpacklo_epi64(b4, b6),
            _mm_unpackhi_epi64(b4, b6),
            _mm_unpacklo_epi64(b5, b7),
            _mm_unpackhi_epi64(b5, b7),
        ]
    }
}

pub(super) fn idct8(coef: &[i16; 64], quant: &[u16; 64], out: &mut [u8], stride: usize) {
    // Every store below lands in out[row * stride .. row * stride + 8] for rows 0..8.
    assert!(out.len() >= 7 * stride + 8);
    // SAFETY: SSE2 is part of x86-64; the loads read 8 of the 64 elements at a time and the
    // stores stay within the bounds asserted above.
    unsafe {
        let x: [__m128i; 8] = std::array::from_fn(|row| {
            _mm_mullo_epi16(_mm_loadu_si128(coef.as_ptr().add(row * 8).cast()), _mm_loadu_si128(quant.as_ptr().add(row * 8).cast()))
        });
        let rows = transpose8(islow_pass::<18>(transpose8(islow_pass::<11>(x))));
        let centre = _mm_set1_epi16(128);
        for pair in 0..4 {
            let bytes = _mm_packus_epi16(_mm_adds_epi16(rows[2 * pair], centre), _mm_adds_epi16(rows[2 * pair + 1], centre));
            _mm_storel_epi64(out.as_mut_ptr().add(2 * pair * stride).cast(), bytes);
            _mm_storel_epi64(out.as_mut_ptr().add((2 * pair + 1) * stride).cast(), _mm_unpackhi_epi64(bytes, bytes));
        }
    }
}
