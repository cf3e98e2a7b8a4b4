//! The Paeth filter undone with SIMD, a pixel at a time in i16 lanes as libpng's SSE2 code does:
//! each pixel needs the one to its left, so a row's time is the chain of dependent operations
//! from one pixel to the next (5.4 ns a pixel in V8, the png crate's byte-at-a-time code about
//! the same). What does not depend on the left pixel (`b − c`, `pa`) is kept out of that chain,
//! and two rows are undone in one pass, the lower a pixel behind (its pixel above is then the
//! one just made): one chain, two pixels. The same code runs on WebAssembly's simd128 and on
//! x86-64's SSE2, through [`Lanes`].

/// The operations on eight i16 lanes the Paeth steps need. Pixels enter and leave as four bytes
/// (lanes 0–3, or 4–7 for the second row of a pair).
trait Lanes: Copy {
    fn zero() -> Self;
    /// Four bytes at `at` into lanes 0–3 (4–7 zero). SAFETY: the 4 bytes are readable.
    unsafe fn load(at: *const u8) -> Self;
    /// Four bytes at `at` into lanes 4–7 (0–3 zero). SAFETY: the 4 bytes are readable.
    unsafe fn load_high(at: *const u8) -> Self;
    /// Lanes 0–3 as bytes to `at`. SAFETY: the 4 bytes are writable.
    unsafe fn store(self, at: *mut u8);
    /// Lanes 0–2 as bytes to `at`. SAFETY: the 3 bytes are writable.
    unsafe fn store3(self, at: *mut u8);
    /// Lanes 4–7 as bytes to `at`. SAFETY: the 4 bytes are writable.
    unsafe fn store_high(self, at: *mut u8);
    /// Lanes 0–3 of `self`, then lanes 0–3 of `high` in 4–7.
    fn low_then(self, high: Self) -> Self;
    fn or(self, other: Self) -> Self;
    fn add(self, other: Self) -> Self;
    fn sub(self, other: Self) -> Self;
    fn abs(self) -> Self;
    /// All ones where `self` > `other`.
    fn gt(self, other: Self) -> Self;
    /// `if_set` where `mask` is all ones, else `if_clear`.
    fn select(mask: Self, if_set: Self, if_clear: Self) -> Self;
    /// Each lane modulo 256.
    fn wrap(self) -> Self;
}

/// The Paeth prediction for `b` above, `a` left and `c` above-left, given `bc` = b − c and
/// `pa` = |b − c| (made before `a` is known), added to the filtered `x`.
#[inline(always)]
fn unfiltered<L: Lanes>(x: L, a: L, b: L, c: L, bc: L, pa: L) -> L {
    let ac = a.sub(c);
    let pb = ac.abs();
    let pc = ac.add(bc).abs();
    // The specification's order: a when pa is smallest, else b when pb <= pc, else c.
    let not_a = pa.gt(pb).or(pa.gt(pc));
    let b_or_c = L::select(pb.gt(pc), c, b);
    x.add(L::select(not_a, b_or_c, a)).wrap()
}

/// Paeth on one row of `BPP`-byte pixels (3 or 4) from its start: how many pixels it did (all
/// of an RGBA row; all but the last of an RGB row, as it reads four bytes from each pixel's
/// start). Zero where there is no SIMD.
pub fn row<const BPP: usize>(previous: &[u8], current: &mut [u8]) -> usize {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    return row_with::<wasm::V, BPP>(previous, current);
    #[cfg(target_arch = "x86_64")]
    return row_with::<x86::V, BPP>(previous, current);
    #[allow(unreachable_code)]
    0
}

/// Paeth on two RGBA rows (`upper` below `previous`, `lower` below `upper`). False where there is
/// no SIMD, and nothing was done.
pub fn pair(previous: &[u8], upper: &mut [u8], lower: &mut [u8]) -> bool {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    return pair_with::<wasm::V>(previous, upper, lower);
    #[cfg(target_arch = "x86_64")]
    return pair_with::<x86::V>(previous, upper, lower);
    #[allow(unreachable_code)]
    false
}

#[allow(dead_code)]
fn row_with<L: Lanes, const BPP: usize>(previous: &[u8], current: &mut [u8]) -> usize {
    const { assert!(BPP == 3 || BPP == 4) };
    let len = current.len().min(previous.len());
    let pixels = if BPP == 4 { len / 4 } else { (len / 3).saturating_sub(1) };
    let (above, here) = (previous.as_ptr(), current.as_mut_ptr());
    let (mut a, mut c) = (L::zero(), L::zero());
    for p in 0..pixels {
        // SAFETY: 4·p + 4 <= len for RGBA; for RGB p + 1 < len / 3, so 3·p + 4 <= len: the four
        // bytes read from each row are inside it. RGB stores three.
        unsafe {
            let b = L::load(above.add(p * BPP));
            let x = L::load(here.add(p * BPP));
            let bc = b.sub(c);
            a = unfiltered(x, a, b, c, bc, bc.abs());
            c = b;
            if BPP == 4 { a.store(here.add(p * 4)) } else { a.store3(here.add(p * 3)) }
        }
    }
    pixels
}

#[allow(dead_code)]
fn pair_with<L: Lanes>(previous: &[u8], upper: &mut [u8], lower: &mut [u8]) -> bool {
    let width = upper.len() / 4;
    assert!(previous.len() >= width * 4 && lower.len() >= width * 4);
    if width == 0 {
        return true;
    }
    // `a` is [upper k − 1, lower k − 2] and `c` [previous k − 1, upper k − 2]: the left and
    // upper-left pixels of step k's two (zeros before a row's start, as PNG has it).
    let (mut a, mut c) = (L::zero(), L::zero());
    let (above, up, low) = (previous.as_ptr(), upper.as_mut_ptr(), lower.as_mut_ptr());
    /// Step k: the upper row's pixel k when UPPER, the lower row's k − 1 when LOWER.
    /// SAFETY: k < width when UPPER, 1 <= k <= width when LOWER (each row has 4·width bytes).
    #[inline(always)]
    unsafe fn step<L: Lanes, const UPPER: bool, const LOWER: bool>(k: usize, a: &mut L, c: &mut L, rows: (*const u8, *mut u8, *mut u8)) {
        let (above, up, low) = rows;
        unsafe {
            let b_upper = if UPPER { L::load(above.add(4 * k)) } else { L::zero() };
            let x_upper = if UPPER { L::load(up.add(4 * k)) } else { L::zero() };
            let x = if LOWER { x_upper.or(L::load_high(low.add(4 * k - 4))) } else { x_upper };
            // The lower row's pixel above is the upper row's last result, `a`'s low half.
            let b = b_upper.low_then(*a);
            let bc = b.sub(*c);
            *a = unfiltered(x, *a, b, *c, bc, bc.abs());
            *c = b;
            if UPPER {
                a.store(up.add(4 * k));
            }
            if LOWER {
                a.store_high(low.add(4 * k - 4));
            }
        }
    }
    let rows = (above, up, low);
    // SAFETY: each k is as `step` needs.
    unsafe {
        step::<L, true, false>(0, &mut a, &mut c, rows);
        for k in 1..width {
            step::<L, true, true>(k, &mut a, &mut c, rows);
        }
        step::<L, false, true>(width, &mut a, &mut c, rows);
    }
    true
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod wasm {
    use core::arch::wasm32::*;

    #[derive(Clone, Copy)]
    pub struct V(v128);

    impl super::Lanes for V {
        fn zero() -> Self {
            V(i16x8_splat(0))
        }
        unsafe fn load(at: *const u8) -> Self {
            V(u16x8_extend_low_u8x16(unsafe { v128_load32_zero(at.cast()) }))
        }
        unsafe fn load_high(at: *const u8) -> Self {
            V(u16x8_extend_low_u8x16(unsafe { v128_load32_lane::<1>(i16x8_splat(0), at.cast()) }))
        }
        unsafe fn store(self, at: *mut u8) {
            unsafe { v128_store32_lane::<0>(u8x16_narrow_i16x8(self.0, self.0), at.cast()) }
        }
        unsafe fn store3(self, at: *mut u8) {
            let bytes = u8x16_narrow_i16x8(self.0, self.0);
            unsafe {
                v128_store16_lane::<0>(bytes, at.cast());
                v128_store8_lane::<2>(bytes, at.add(2));
            }
        }
        unsafe fn store_high(self, at: *mut u8) {
            unsafe { v128_store32_lane::<1>(u8x16_narrow_i16x8(self.0, self.0), at.cast()) }
        }
        fn low_then(self, high: Self) -> Self {
            V(i64x2_shuffle::<0, 2>(self.0, high.0))
        }
        fn or(self, other: Self) -> Self {
            V(v128_or(self.0, other.0))
        }
        fn add(self, other: Self) -> Self {
            V(i16x8_add(self.0, other.0))
        }
        fn sub(self, other: Self) -> Self {
            V(i16x8_sub(self.0, other.0))
        }
        fn abs(self) -> Self {
            V(i16x8_abs(self.0))
        }
        fn gt(self, other: Self) -> Self {
            V(i16x8_gt(self.0, other.0))
        }
        fn select(mask: Self, if_set: Self, if_clear: Self) -> Self {
            V(v128_bitselect(if_set.0, if_clear.0, mask.0))
        }
        fn wrap(self) -> Self {
            V(v128_and(self.0, i16x8_splat(0xff)))
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use core::arch::x86_64::*;

    /// SSE2 only (every x86-64 has it): no `abs`, so max(v, −v).
    #[derive(Clone, Copy)]
    pub struct V(__m128i);

    // SAFETY (every intrinsic below): SSE2 is part of x86-64.
    impl super::Lanes for V {
        fn zero() -> Self {
            V(unsafe { _mm_setzero_si128() })
        }
        unsafe fn load(at: *const u8) -> Self {
            unsafe { V(_mm_unpacklo_epi8(_mm_cvtsi32_si128(at.cast::<i32>().read_unaligned()), _mm_setzero_si128())) }
        }
        unsafe fn load_high(at: *const u8) -> Self {
            unsafe { V(_mm_slli_si128::<8>(Self::load(at).0)) }
        }
        unsafe fn store(self, at: *mut u8) {
            unsafe { at.cast::<i32>().write_unaligned(_mm_cvtsi128_si32(_mm_packus_epi16(self.0, self.0))) }
        }
        unsafe fn store3(self, at: *mut u8) {
            let bytes = unsafe { _mm_cvtsi128_si32(_mm_packus_epi16(self.0, self.0)) }.to_le_bytes();
            unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), at, 3) }
        }
        unsafe fn store_high(self, at: *mut u8) {
            unsafe { V(_mm_srli_si128::<8>(self.0)).store(at) }
        }
        fn low_then(self, high: Self) -> Self {
            V(unsafe { _mm_unpacklo_epi64(self.0, high.0) })
        }
        fn or(self, other: Self) -> Self {
            V(unsafe { _mm_or_si128(self.0, other.0) })
        }
        fn add(self, other: Self) -> Self {
            V(unsafe { _mm_add_epi16(self.0, other.0) })
        }
        fn sub(self, other: Self) -> Self {
            V(unsafe { _mm_sub_epi16(self.0, other.0) })
        }
        fn abs(self) -> Self {
            V(unsafe { _mm_max_epi16(self.0, _mm_sub_epi16(_mm_setzero_si128(), self.0)) })
        }
        fn gt(self, other: Self) -> Self {
            V(unsafe { _mm_cmpgt_epi16(self.0, other.0) })
        }
        fn select(mask: Self, if_set: Self, if_clear: Self) -> Self {
            V(unsafe { _mm_or_si128(_mm_and_si128(mask.0, if_set.0), _mm_andnot_si128(mask.0, if_clear.0)) })
        }
        fn wrap(self) -> Self {
            V(unsafe { _mm_and_si128(self.0, _mm_set1_epi16(0xff)) })
        }
    }
}
