//! The 2×2 means of opaque RGBA with SIMD, four squares (eight pixels of each row) at a time: the
//! half-size decode's folding (`half.rs`) took 16% of patak's whole job in WebAssembly a square
//! at a time. Each row's bytes are widened to 16 bits, the rows added, the two pixels of each
//! square added (the even and odd pixels' halves of the 64-bit lanes), rounded and narrowed: the
//! scalar `(sum + 2) / 4` exactly. The same steps on WebAssembly's simd128 and x86-64's SSE2.

/// The four means of the squares of `top` and `bottom` (four RGBA pixel pairs of two rows), when
/// all eight pixels are opaque or `alpha` is false; `None` otherwise, or where there is no SIMD
/// (the caller then takes each square as it comes).
#[inline(always)]
pub fn four_squares(top: &[u8; 32], bottom: &[u8; 32], alpha: bool) -> Option<[u8; 16]> {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    return wasm::four_squares(top, bottom, alpha);
    #[cfg(target_arch = "x86_64")]
    return x86::four_squares(top, bottom, alpha);
    #[allow(unreachable_code)]
    {
        let _ = (top, bottom, alpha);
        None
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod wasm {
    use core::arch::wasm32::*;

    #[inline(always)]
    pub fn four_squares(top: &[u8; 32], bottom: &[u8; 32], alpha: bool) -> Option<[u8; 16]> {
        // SAFETY: each array has 32 bytes, read as two unaligned 16-byte loads.
        let [t0, t1, b0, b1] = unsafe {
            let (t, b) = (top.as_ptr().cast::<v128>(), bottom.as_ptr().cast::<v128>());
            [v128_load(t), v128_load(t.add(1)), v128_load(b), v128_load(b.add(1))]
        };
        // Alpha is each pixel's high byte: all opaque when every 32-bit lane, its colour bits set, is all ones.
        let all = v128_and(v128_and(t0, t1), v128_and(b0, b1));
        if alpha && !u32x4_all_true(i32x4_eq(v128_or(all, u32x4_splat(0x00ff_ffff)), u32x4_splat(u32::MAX))) {
            return None;
        }
        let means = |t: v128, b: v128| {
            let low = i16x8_add(u16x8_extend_low_u8x16(t), u16x8_extend_low_u8x16(b)); // pixels 0, 1
            let high = i16x8_add(u16x8_extend_high_u8x16(t), u16x8_extend_high_u8x16(b)); // pixels 2, 3
            let sums = i16x8_add(i64x2_shuffle::<0, 2>(low, high), i64x2_shuffle::<1, 3>(low, high));
            u16x8_shr(i16x8_add(sums, i16x8_splat(2)), 2)
        };
        let mut out = [0u8; 16];
        // SAFETY: 16 bytes written to a 16-byte array.
        unsafe { v128_store(out.as_mut_ptr().cast(), u8x16_narrow_i16x8(means(t0, b0), means(t1, b1))) };
        Some(out)
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use core::arch::x86_64::*;

    #[inline(always)]
    pub fn four_squares(top: &[u8; 32], bottom: &[u8; 32], alpha: bool) -> Option<[u8; 16]> {
        // SAFETY: SSE2 is part of x86-64; each array has 32 bytes, read as two unaligned loads.
        unsafe {
            let (t, b) = (top.as_ptr().cast::<__m128i>(), bottom.as_ptr().cast::<__m128i>());
            let [t0, t1, b0, b1] = [_mm_loadu_si128(t), _mm_loadu_si128(t.add(1)), _mm_loadu_si128(b), _mm_loadu_si128(b.add(1))];
            // Alpha is each pixel's high byte: all opaque when every 32-bit lane, its colour bits set, is all ones.
            let all = _mm_and_si128(_mm_and_si128(t0, t1), _mm_and_si128(b0, b1));
            let opaque = _mm_cmpeq_epi32(_mm_or_si128(all, _mm_set1_epi32(0x00ff_ffff)), _mm_set1_epi32(-1));
            if alpha && _mm_movemask_epi8(opaque) != 0xffff {
                return None;
            }
            let zero = _mm_setzero_si128();
            let means = |t: __m128i, b: __m128i| {
                let low = _mm_add_epi16(_mm_unpacklo_epi8(t, zero), _mm_unpacklo_epi8(b, zero)); // pixels 0, 1
                let high = _mm_add_epi16(_mm_unpackhi_epi8(t, zero), _mm_unpackhi_epi8(b, zero)); // pixels 2, 3
                let sums = _mm_add_epi16(_mm_unpacklo_epi64(low, high), _mm_unpackhi_epi64(low, high));
                _mm_srli_epi16::<2>(_mm_add_epi16(sums, _mm_set1_epi16(2)))
            };
            let mut out = [0u8; 16];
            _mm_storeu_si128(out.as_mut_ptr().cast(), _mm_packus_epi16(means(t0, b0), means(t1, b1)));
            Some(out)
        }
    }
}
