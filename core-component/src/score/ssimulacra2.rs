//! SSIMULACRA 2 perceptual image-quality metric: a fast re-implementation that
//! keeps the reference algorithm (Cloudinary/libjxl `ssimulacra2.cc`) exactly.
//!
//! Scores are 100 for identical images, ~90 for visually lossless, ~70 for high
//! quality, ~50 for medium quality and can go negative for very poor images.
//!
//! The algorithm is the reference one, step by step: 8-bit sRGB → linear RGB,
//! linear RGB → XYB (libjxl opsin absorbance + cube root, then ssimulacra2's
//! "positive XYB" offsets), 6 scales made by 2×2 box downsampling in *linear*
//! RGB, libjxl's recursive Gaussian (Charalampidis 2016, sigma 1.5, zero
//! padding) for the five blurred statistics per channel, the SSIM map without
//! the luminance denominator, the two edge-difference maps (artifact and
//! detail lost), 1-norm and 4-norm pooling, the 108 weights and the final
//! polynomial and power transform.
//!
//! What is different is only how it is computed: all planes are f32, rows are
//! streamed through the two blur passes (horizontal into a ring buffer of 11
//! rows, vertical IIR state kept per column) so no full-size intermediate
//! image exists, the 15 signals to blur per row are interleaved so that one
//! 4-lane SIMD vector carries four independent IIR filters, and the reference
//! image's pyramid and blurred statistics can be computed once ([`Reference`])
//! and reused for many candidates.
//!
//! SIMD: `core::arch::wasm32` simd128 when compiled with that target feature,
//! otherwise a portable 4-lane fallback written with plain arrays (which LLVM
//! turns into SSE on x86-64). Both perform the same IEEE operations in the same
//! order without fused multiply-adds, so they give bit-identical scores.
//!
//! Depends on `std` only. Written in edition 2021's style, where an `unsafe fn`'s body is one
//! unsafe block (the SIMD helpers are thin wrappers over intrinsics).
#![allow(unsafe_op_in_unsafe_fn)]

use std::ops::{Add, Div, Mul, Sub};

/// Computes the SSIMULACRA 2 score of `candidate` against `reference`.
///
/// Both images are packed 8-bit sRGB RGB (3 bytes per pixel, row-major, no row
/// padding) of `width` × `height` pixels. Returns `None` if a buffer does not
/// hold exactly `width * height * 3` bytes or if the image is smaller than 8×8
/// (like the reference implementation, which refuses such images).
pub fn ssimulacra2(reference: &[u8], candidate: &[u8], width: usize, height: usize) -> Option<f64> {
    check_dims(reference.len(), width, height)?;
    check_dims(candidate.len(), width, height)?;
    Some(dispatch::pairwise(reference, candidate, width, height))
}

/// A reference image prepared once (its XYB pyramid and blurred statistics) so
/// that many candidates can be scored against it cheaply.
///
/// Memory: about 48 bytes per reference pixel (9 f32 per pixel over the
/// 6-scale pyramid), e.g. ~100 MB for 1920×1080.
pub struct Reference {
    width: usize,
    height: usize,
    scales: Vec<RefScale>,
}

struct RefScale {
    w: usize,
    h: usize,
    /// Per pixel: XYB (3), blurred XYB (3), blurred XYB² (3); plus padding.
    data: Vec<f32>,
}

impl Reference {
    /// Prepares `rgb` (packed 8-bit sRGB RGB, `width` × `height`) as a
    /// reference. Returns `None` for a wrong buffer size or an image smaller
    /// than 8×8.
    pub fn new(rgb: &[u8], width: usize, height: usize) -> Option<Self> {
        check_dims(rgb.len(), width, height)?;
        Some(dispatch::reference_new(rgb, width, height))
    }

    /// Scores `candidate_rgb` (same size and layout as the reference) against
    /// this reference. Returns `None` if its size does not match. Gives the
    /// same value as [`ssimulacra2`] within floating-point rounding.
    pub fn score(&self, candidate_rgb: &[u8]) -> Option<f64> {
        check_dims(candidate_rgb.len(), self.width, self.height)?;
        Some(dispatch::reference_score(self, candidate_rgb))
    }

    /// Width of the reference image in pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height of the reference image in pixels.
    pub fn height(&self) -> usize {
        self.height
    }
}

fn check_dims(len: usize, width: usize, height: usize) -> Option<()> {
    if width < 8 || height < 8 {
        return None;
    }
    let expected = width.checked_mul(height)?.checked_mul(3)?;
    (len == expected).then_some(())
}

// ---------------------------------------------------------------------------
// Constants of the reference implementation.

const NUM_SCALES: usize = 6;
const C2: f32 = 0.0009;

/// Radius "N" of libjxl's recursive Gaussian for sigma 1.5:
/// round(3.2795 * 1.5 + 0.2546).
const RADIUS: usize = 5;
/// Horizontally blurred rows kept for the vertical pass (rows n-N-1 .. n+N-1).
const RING: usize = 2 * RADIUS + 1;
/// Zero records before / after a row for the horizontal pass.
const LEFT_PAD: usize = 2 * RADIUS;
const RIGHT_PAD: usize = RADIUS - 1;

/// `n2[k]` and `d1[k]` of libjxl `CreateRecursiveGaussian(1.5)` (eq. 33 of
/// Charalampidis 2016), computed in f64 and rounded to f32 exactly as the
/// reference does; `tests::iir_constants_match_formula` recomputes them.
const IIR_N2: [f32; 3] = [0.055_295_236, -0.058_836_687, 0.012_955_819];
const IIR_D1: [f32; 3] = [-1.902_113_1, -1.175_570_5, -1.224_646_9e-16];

// libjxl opsin_params.h (float arithmetic, as there).
const K_M02: f32 = 0.078;
const K_M00: f32 = 0.30;
const K_M01: f32 = 1.0 - K_M02 - K_M00;
const K_M12: f32 = 0.078;
const K_M10: f32 = 0.23;
const K_M11: f32 = 1.0 - K_M12 - K_M10;
const K_M20: f32 = 0.243_422_69;
const K_M21: f32 = 0.204_767_45;
const K_M22: f32 = 1.0 - K_M20 - K_M21;
const K_B0: f32 = 0.003_793_073_4;
/// -cbrtf(kB0).
const NEG_CBRT_B0: f32 = -0.155_954_2;

const WEIGHT: [f64; 108] = [
    0.0,
    0.000_737_660_670_740_658_6,
    0.0,
    0.0,
    0.000_779_348_168_286_730_9,
    0.0,
    0.0,
    0.000_437_115_573_010_737_9,
    0.0,
    1.104_172_642_665_734_6,
    0.000_662_848_341_292_71,
    0.000_152_316_327_837_187_52,
    0.0,
    0.001_640_643_745_659_975_4,
    0.0,
    1.842_245_552_053_929_8,
    11.441_172_603_757_666,
    0.0,
    0.000_798_910_943_601_516_3,
    0.000_176_816_438_078_653,
    0.0,
    1.878_759_497_954_638_7,
    10.949_069_906_051_42,
    0.0,
    0.000_728_934_699_150_807_2,
    0.967_793_708_062_683_3,
    0.0,
    0.000_140_034_242_854_358_84,
    0.998_176_697_785_496_7,
    0.000_319_497_559_344_350_53,
    0.000_455_099_211_379_206_3,
    0.0,
    0.0,
    0.001_364_876_616_324_339_8,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    7.466_890_328_078_848,
    0.0,
    17.445_833_984_131_262,
    0.000_623_560_163_404_146_6,
    0.0,
    0.0,
    6.683_678_146_179_332,
    0.000_377_244_079_796_112_96,
    1.027_889_937_768_264,
    225.205_153_008_492_74,
    0.0,
    0.0,
    19.213_238_186_143_016,
    0.001_140_152_458_661_836_1,
    0.001_237_755_635_509_985,
    176.393_175_984_506_94,
    0.0,
    0.0,
    24.433_009_998_704_76,
    0.285_208_026_121_177_57,
    0.000_448_543_692_383_340_8,
    0.0,
    0.0,
    0.0,
    34.779_063_444_837_72,
    44.835_625_328_877_896,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.000_868_055_657_329_169_8,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.000_531_319_187_435_874_7,
    0.0,
    0.000_165_338_141_613_791_12,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.000_417_917_180_325_133_6,
    0.001_729_082_823_472_283_3,
    0.0,
    0.002_082_700_584_663_643_7,
    0.0,
    0.0,
    8.826_982_764_996_862,
    23.192_433_439_989_26,
    0.0,
    95.108_049_881_108_6,
    0.986_397_803_440_068_2,
    0.983_438_279_246_535_3,
    0.001_228_640_504_827_849_3,
    171.266_725_589_730_7,
    0.980_785_887_243_537_9,
    0.0,
    0.0,
    0.0,
    0.000_513_006_458_899_067_9,
    0.0,
    0.000_108_540_578_584_115_37,
];

/// Per-scale pooled error sums: for each channel c, `[c*6 + 0..2]` are the
/// SSIM map's sum of d and d^4, `[c*6 + 2..6]` the edge maps' sums of
/// artifact, artifact^4, detail_lost, detail_lost^4.
type ScaleSums = [f64; 18];

/// The reference `Msssim::Score()`.
#[inline(always)]
fn final_score(scales: &[(ScaleSums, usize)]) -> f64 {
    // avg_ssim[c*2+n], avg_edgediff[c*4+n] as in the reference.
    let mut avg = Vec::with_capacity(scales.len());
    for (sums, pixels) in scales {
        let inv = 1.0 / *pixels as f64;
        let mut ssim = [0.0f64; 6];
        let mut edge = [0.0f64; 12];
        for c in 0..3 {
            let s = &sums[c * 6..c * 6 + 6];
            ssim[c * 2] = inv * s[0];
            ssim[c * 2 + 1] = (inv * s[1]).sqrt().sqrt();
            edge[c * 4] = inv * s[2];
            edge[c * 4 + 1] = (inv * s[3]).sqrt().sqrt();
            edge[c * 4 + 2] = inv * s[4];
            edge[c * 4 + 3] = (inv * s[5]).sqrt().sqrt();
        }
        avg.push((ssim, edge));
    }
    let mut ssim = 0.0f64;
    let mut i = 0;
    for c in 0..3 {
        for (avg_ssim, avg_edge) in &avg {
            for n in 0..2 {
                ssim += WEIGHT[i] * avg_ssim[c * 2 + n].abs();
                i += 1;
                ssim += WEIGHT[i] * avg_edge[c * 4 + n].abs();
                i += 1;
                ssim += WEIGHT[i] * avg_edge[c * 4 + n + 2].abs();
                i += 1;
            }
        }
    }
    ssim *= 0.956_238_261_683_484_4;
    ssim = (6.248_496_625_763_138e-5 * ssim * ssim).mul_add(ssim, 2.326_765_642_916_932 * ssim - 0.020_884_521_182_843_837 * ssim * ssim);
    if ssim > 0.0 { 100.0 - 10.0 * ssim.powf(0.627_633_646_783_138_7) } else { 100.0 }
}

// ---------------------------------------------------------------------------
// 4-lane SIMD abstraction.

/// Four f32 lanes. Every implementation performs exactly the same IEEE
/// operations (no FMA), so results are bit-identical between them.
trait V4: Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Div<Output = Self> {
    fn splat(v: f32) -> Self;
    /// Unaligned load of 4 floats.
    ///
    /// # Safety
    /// `p..p+4` must be readable.
    unsafe fn load(p: *const f32) -> Self;
    /// Unaligned store of 4 floats.
    ///
    /// # Safety
    /// `p..p+4` must be writable.
    unsafe fn store(self, p: *mut f32);
    /// Fused multiply-add `self * b + c` with a single rounding.
    fn fma(self, b: Self, c: Self) -> Self;
    /// Lane-wise `if self > o { self } else { o }`.
    fn max(self, o: Self) -> Self;
    fn abs(self) -> Self;
    /// libjxl `CubeRootAndAdd` initial guess of x^(-1/3) from the exponent
    /// bits: `x == 0 ? 0 : 0x54800000 - (bits(x) >> 23) * 0x2AAAAA`.
    fn inv_cbrt_seed(self) -> Self;
    /// One Newton step for cbrt(x) from the estimate `self`, in f64:
    /// `y - (y^3 - x) / (3 y^2)`, rounded to f32.
    fn cbrt_newton_f64(self, x: Self) -> Self;
    /// 4×4 transpose.
    fn transpose(a: Self, b: Self, c: Self, d: Self) -> [Self; 4];
    /// `([a0, a2, b0, b2], [a1, a3, b1, b3])`.
    fn deinterleave(a: Self, b: Self) -> (Self, Self);
    fn to_array(self) -> [f32; 4];
}

/// Portable fallback (also the oracle the SIMD backends are tested against).
#[derive(Clone, Copy)]
#[repr(C, align(16))]
#[cfg_attr(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")), allow(dead_code))]
struct Scalar4([f32; 4]);

macro_rules! scalar_binop {
    ($tr:ident, $f:ident, $op:tt) => {
        impl $tr for Scalar4 {
            type Output = Self;
            #[inline(always)]
            fn $f(self, o: Self) -> Self {
                let (a, b) = (self.0, o.0);
                Scalar4([a[0] $op b[0], a[1] $op b[1], a[2] $op b[2], a[3] $op b[3]])
            }
        }
    };
}
scalar_binop!(Add, add, +);
scalar_binop!(Sub, sub, -);
scalar_binop!(Mul, mul, *);
scalar_binop!(Div, div, /);

impl V4 for Scalar4 {
    #[inline(always)]
    fn splat(v: f32) -> Self {
        Scalar4([v; 4])
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        Scalar4(std::ptr::read_unaligned(p as *const [f32; 4]))
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        std::ptr::write_unaligned(p as *mut [f32; 4], self.0)
    }
    #[inline(always)]
    fn fma(self, b: Self, c: Self) -> Self {
        let (a, b, c) = (self.0, b.0, c.0);
        let f = |i: usize| ((a[i] as f64) * (b[i] as f64) + c[i] as f64) as f32;
        Scalar4([f(0), f(1), f(2), f(3)])
    }
    #[inline(always)]
    fn max(self, o: Self) -> Self {
        let (a, b) = (self.0, o.0);
        let m = |x: f32, y: f32| if x > y { x } else { y };
        Scalar4([m(a[0], b[0]), m(a[1], b[1]), m(a[2], b[2]), m(a[3], b[3])])
    }
    #[inline(always)]
    fn abs(self) -> Self {
        let a = self.0;
        let f = |x: f32| f32::from_bits(x.to_bits() & 0x7fff_ffff);
        Scalar4([f(a[0]), f(a[1]), f(a[2]), f(a[3])])
    }
    #[inline(always)]
    fn inv_cbrt_seed(self) -> Self {
        let f = |x: f32| {
            let m1 = x.to_bits() as i32;
            let m2 = if m1 == 0 { 0 } else { 0x5480_0000i32.wrapping_sub((m1 >> 23).wrapping_mul(0x002A_AAAA)) };
            f32::from_bits(m2 as u32)
        };
        let a = self.0;
        Scalar4([f(a[0]), f(a[1]), f(a[2]), f(a[3])])
    }
    #[inline(always)]
    fn cbrt_newton_f64(self, x: Self) -> Self {
        let (y, x) = (self.0, x.0);
        let f = |i: usize| {
            let (y, x) = (y[i] as f64, x[i] as f64);
            let y2 = y * y;
            (y - (y2 * y - x) / (3.0 * y2)) as f32
        };
        Scalar4([f(0), f(1), f(2), f(3)])
    }
    #[inline(always)]
    fn transpose(a: Self, b: Self, c: Self, d: Self) -> [Self; 4] {
        let (a, b, c, d) = (a.0, b.0, c.0, d.0);
        [
            Scalar4([a[0], b[0], c[0], d[0]]),
            Scalar4([a[1], b[1], c[1], d[1]]),
            Scalar4([a[2], b[2], c[2], d[2]]),
            Scalar4([a[3], b[3], c[3], d[3]]),
        ]
    }
    #[inline(always)]
    fn deinterleave(a: Self, b: Self) -> (Self, Self) {
        let (a, b) = (a.0, b.0);
        (Scalar4([a[0], a[2], b[0], b[2]]), Scalar4([a[1], a[3], b[1], b[3]]))
    }
    #[inline(always)]
    fn to_array(self) -> [f32; 4] {
        self.0
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod wasm_simd {
    use super::V4;
    use core::arch::wasm32::*;
    use std::ops::{Add, Div, Mul, Sub};

    #[derive(Clone, Copy)]
    pub(super) struct Wasm4(v128);

    #[inline(always)]
    fn promote_lo(v: v128) -> v128 {
        f64x2_promote_low_f32x4(v)
    }
    #[inline(always)]
    fn promote_hi(v: v128) -> v128 {
        f64x2_promote_low_f32x4(i32x4_shuffle::<2, 3, 2, 3>(v, v))
    }
    #[inline(always)]
    fn demote_pair(lo: v128, hi: v128) -> v128 {
        i32x4_shuffle::<0, 1, 4, 5>(f32x4_demote_f64x2_zero(lo), f32x4_demote_f64x2_zero(hi))
    }

    impl Add for Wasm4 {
        type Output = Self;
        #[inline(always)]
        fn add(self, o: Self) -> Self {
            Wasm4(f32x4_add(self.0, o.0))
        }
    }
    impl Sub for Wasm4 {
        type Output = Self;
        #[inline(always)]
        fn sub(self, o: Self) -> Self {
            Wasm4(f32x4_sub(self.0, o.0))
        }
    }
    impl Mul for Wasm4 {
        type Output = Self;
        #[inline(always)]
        fn mul(self, o: Self) -> Self {
            Wasm4(f32x4_mul(self.0, o.0))
        }
    }
    impl Div for Wasm4 {
        type Output = Self;
        #[inline(always)]
        fn div(self, o: Self) -> Self {
            Wasm4(f32x4_div(self.0, o.0))
        }
    }

    impl V4 for Wasm4 {
        #[inline(always)]
        fn splat(v: f32) -> Self {
            Wasm4(f32x4_splat(v))
        }
        #[inline(always)]
        unsafe fn load(p: *const f32) -> Self {
            Wasm4(v128_load(p as *const v128))
        }
        #[inline(always)]
        unsafe fn store(self, p: *mut f32) {
            v128_store(p as *mut v128, self.0)
        }
        #[inline(always)]
        fn fma(self, b: Self, c: Self) -> Self {
            // Exact product and sum in f64, one rounding to f32 (identical to
            // a fused multiply-add except in vanishingly rare double-rounding
            // ties).
            let lo = f64x2_add(f64x2_mul(promote_lo(self.0), promote_lo(b.0)), promote_lo(c.0));
            let hi = f64x2_add(f64x2_mul(promote_hi(self.0), promote_hi(b.0)), promote_hi(c.0));
            Wasm4(demote_pair(lo, hi))
        }
        #[inline(always)]
        fn max(self, o: Self) -> Self {
            // pmax(a, b) = a < b ? b : a; we want a > b ? a : b == pmax(b, a).
            Wasm4(f32x4_pmax(o.0, self.0))
        }
        #[inline(always)]
        fn abs(self) -> Self {
            Wasm4(f32x4_abs(self.0))
        }
        #[inline(always)]
        fn inv_cbrt_seed(self) -> Self {
            let m1 = self.0;
            let m2 = i32x4_sub(i32x4_splat(0x5480_0000), i32x4_mul(i32x4_shr(m1, 23), i32x4_splat(0x002A_AAAA)));
            let is_zero = i32x4_eq(m1, i32x4_splat(0));
            Wasm4(v128_andnot(m2, is_zero))
        }
        #[inline(always)]
        fn cbrt_newton_f64(self, x: Self) -> Self {
            let step = |y: v128, x: v128| {
                let y2 = f64x2_mul(y, y);
                f64x2_sub(y, f64x2_div(f64x2_sub(f64x2_mul(y2, y), x), f64x2_mul(f64x2_splat(3.0), y2)))
            };
            let lo = step(promote_lo(self.0), promote_lo(x.0));
            let hi = step(promote_hi(self.0), promote_hi(x.0));
            Wasm4(demote_pair(lo, hi))
        }
        #[inline(always)]
        fn transpose(a: Self, b: Self, c: Self, d: Self) -> [Self; 4] {
            let t0 = i32x4_shuffle::<0, 4, 1, 5>(a.0, b.0);
            let t1 = i32x4_shuffle::<2, 6, 3, 7>(a.0, b.0);
            let t2 = i32x4_shuffle::<0, 4, 1, 5>(c.0, d.0);
            let t3 = i32x4_shuffle::<2, 6, 3, 7>(c.0, d.0);
            [
                Wasm4(i32x4_shuffle::<0, 1, 4, 5>(t0, t2)),
                Wasm4(i32x4_shuffle::<2, 3, 6, 7>(t0, t2)),
                Wasm4(i32x4_shuffle::<0, 1, 4, 5>(t1, t3)),
                Wasm4(i32x4_shuffle::<2, 3, 6, 7>(t1, t3)),
            ]
        }
        #[inline(always)]
        fn deinterleave(a: Self, b: Self) -> (Self, Self) {
            (Wasm4(i32x4_shuffle::<0, 2, 4, 6>(a.0, b.0)), Wasm4(i32x4_shuffle::<1, 3, 5, 7>(a.0, b.0)))
        }
        #[inline(always)]
        fn to_array(self) -> [f32; 4] {
            [
                f32x4_extract_lane::<0>(self.0),
                f32x4_extract_lane::<1>(self.0),
                f32x4_extract_lane::<2>(self.0),
                f32x4_extract_lane::<3>(self.0),
            ]
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    //! SSE2 (x86-64 baseline) backend with the same IEEE operations as
    //! `Scalar4`; fused multiply-adds are computed exactly in f64 unless the
    //! build enables the `fma` target feature.
    use super::V4;
    use std::arch::x86_64::*;
    use std::ops::{Add, Div, Mul, Sub};

    /// `HW_FMA`: use the FMA instruction (only valid inside functions
    /// compiled with the `fma` target feature, see `dispatch`).
    #[derive(Clone, Copy)]
    pub(super) struct Sse4<const HW_FMA: bool>(__m128);

    macro_rules! binop {
        ($tr:ident, $f:ident, $intr:ident) => {
            impl<const F: bool> $tr for Sse4<F> {
                type Output = Self;
                #[inline(always)]
                fn $f(self, o: Self) -> Self {
                    // SAFETY: SSE2 is part of the x86-64 baseline.
                    Sse4(unsafe { $intr(self.0, o.0) })
                }
            }
        };
    }
    binop!(Add, add, _mm_add_ps);
    binop!(Sub, sub, _mm_sub_ps);
    binop!(Mul, mul, _mm_mul_ps);
    binop!(Div, div, _mm_div_ps);

    #[inline(always)]
    unsafe fn lo_pd(v: __m128) -> __m128d {
        _mm_cvtps_pd(v)
    }
    #[inline(always)]
    unsafe fn hi_pd(v: __m128) -> __m128d {
        _mm_cvtps_pd(_mm_movehl_ps(v, v))
    }
    #[inline(always)]
    unsafe fn pair_ps(lo: __m128d, hi: __m128d) -> __m128 {
        _mm_movelh_ps(_mm_cvtpd_ps(lo), _mm_cvtpd_ps(hi))
    }

    // SAFETY (all methods): SSE2 is part of the x86-64 baseline; loads and
    // stores are unaligned and their ranges are the caller's contract.
    impl<const F: bool> V4 for Sse4<F> {
        #[inline(always)]
        fn splat(v: f32) -> Self {
            Sse4(unsafe { _mm_set1_ps(v) })
        }
        #[inline(always)]
        unsafe fn load(p: *const f32) -> Self {
            Sse4(_mm_loadu_ps(p))
        }
        #[inline(always)]
        unsafe fn store(self, p: *mut f32) {
            _mm_storeu_ps(p, self.0)
        }
        #[inline(always)]
        fn fma(self, b: Self, c: Self) -> Self {
            if F || cfg!(target_feature = "fma") {
                // SAFETY: F is only set on paths where the CPU has FMA.
                return Sse4(unsafe { _mm_fmadd_ps(self.0, b.0, c.0) });
            }
            unsafe {
                let lo = _mm_add_pd(_mm_mul_pd(lo_pd(self.0), lo_pd(b.0)), lo_pd(c.0));
                let hi = _mm_add_pd(_mm_mul_pd(hi_pd(self.0), hi_pd(b.0)), hi_pd(c.0));
                Sse4(pair_ps(lo, hi))
            }
        }
        #[inline(always)]
        fn max(self, o: Self) -> Self {
            Sse4(unsafe { _mm_max_ps(self.0, o.0) })
        }
        #[inline(always)]
        fn abs(self) -> Self {
            Sse4(unsafe { _mm_and_ps(self.0, _mm_castsi128_ps(_mm_set1_epi32(0x7fff_ffff))) })
        }
        #[inline(always)]
        fn inv_cbrt_seed(self) -> Self {
            unsafe {
                let m1 = _mm_castps_si128(self.0);
                let e = _mm_srai_epi32(m1, 23);
                let k = _mm_set1_epi32(0x002A_AAAA);
                // 32-bit lane products via two 32x32->64 multiplies.
                let even = _mm_mul_epu32(e, k);
                let odd = _mm_mul_epu32(_mm_srli_epi64(e, 32), k);
                let prod = _mm_unpacklo_epi32(_mm_shuffle_epi32(even, 0b00_00_10_00), _mm_shuffle_epi32(odd, 0b00_00_10_00));
                let m2 = _mm_sub_epi32(_mm_set1_epi32(0x5480_0000), prod);
                let is_zero = _mm_cmpeq_epi32(m1, _mm_setzero_si128());
                Sse4(_mm_castsi128_ps(_mm_andnot_si128(is_zero, m2)))
            }
        }
        #[inline(always)]
        fn cbrt_newton_f64(self, x: Self) -> Self {
            unsafe {
                let step = |y: __m128d, x: __m128d| {
                    let y2 = _mm_mul_pd(y, y);
                    _mm_sub_pd(y, _mm_div_pd(_mm_sub_pd(_mm_mul_pd(y2, y), x), _mm_mul_pd(_mm_set1_pd(3.0), y2)))
                };
                let lo = step(lo_pd(self.0), lo_pd(x.0));
                let hi = step(hi_pd(self.0), hi_pd(x.0));
                Sse4(pair_ps(lo, hi))
            }
        }
        #[inline(always)]
        fn transpose(a: Self, b: Self, c: Self, d: Self) -> [Self; 4] {
            unsafe {
                let t0 = _mm_unpacklo_ps(a.0, b.0);
                let t1 = _mm_unpacklo_ps(c.0, d.0);
                let t2 = _mm_unpackhi_ps(a.0, b.0);
                let t3 = _mm_unpackhi_ps(c.0, d.0);
                [Sse4(_mm_movelh_ps(t0, t1)), Sse4(_mm_movehl_ps(t1, t0)), Sse4(_mm_movelh_ps(t2, t3)), Sse4(_mm_movehl_ps(t3, t2))]
            }
        }
        #[inline(always)]
        fn deinterleave(a: Self, b: Self) -> (Self, Self) {
            unsafe { (Sse4(_mm_shuffle_ps(a.0, b.0, 0b10_00_10_00)), Sse4(_mm_shuffle_ps(a.0, b.0, 0b11_01_11_01))) }
        }
        #[inline(always)]
        fn to_array(self) -> [f32; 4] {
            let mut a = [0.0f32; 4];
            unsafe { _mm_storeu_ps(a.as_mut_ptr(), self.0) };
            a
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
type Native = wasm_simd::Wasm4;
#[cfg(target_arch = "x86_64")]
type Native = sse2::Sse4<false>;

/// Entry points: on x86-64 builds without the `fma` target feature, use the
/// FMA instruction when the CPU has it (same results, ~2x faster blur).
mod dispatch {
    use super::*;

    #[cfg(all(target_arch = "x86_64", not(target_feature = "fma")))]
    fn has_fma() -> bool {
        std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(all(target_arch = "x86_64", not(target_feature = "fma")))]
    #[target_feature(enable = "fma")]
    unsafe fn pairwise_fma(a: &[u8], b: &[u8], w: usize, h: usize) -> f64 {
        super::pairwise::<sse2::Sse4<true>>(a, b, w, h)
    }
    #[cfg(all(target_arch = "x86_64", not(target_feature = "fma")))]
    #[target_feature(enable = "fma")]
    unsafe fn reference_new_fma(a: &[u8], w: usize, h: usize) -> Reference {
        super::reference_new::<sse2::Sse4<true>>(a, w, h)
    }
    #[cfg(all(target_arch = "x86_64", not(target_feature = "fma")))]
    #[target_feature(enable = "fma")]
    unsafe fn reference_score_fma(r: &Reference, b: &[u8]) -> f64 {
        super::reference_score::<sse2::Sse4<true>>(r, b)
    }

    pub(super) fn pairwise(a: &[u8], b: &[u8], w: usize, h: usize) -> f64 {
        #[cfg(all(target_arch = "x86_64", not(target_feature = "fma")))]
        if has_fma() {
            // SAFETY: the CPU supports FMA.
            return unsafe { pairwise_fma(a, b, w, h) };
        }
        super::pairwise::<Native>(a, b, w, h)
    }
    pub(super) fn reference_new(a: &[u8], w: usize, h: usize) -> Reference {
        #[cfg(all(target_arch = "x86_64", not(target_feature = "fma")))]
        if has_fma() {
            // SAFETY: the CPU supports FMA.
            return unsafe { reference_new_fma(a, w, h) };
        }
        super::reference_new::<Native>(a, w, h)
    }
    pub(super) fn reference_score(r: &Reference, b: &[u8]) -> f64 {
        #[cfg(all(target_arch = "x86_64", not(target_feature = "fma")))]
        if has_fma() {
            // SAFETY: the CPU supports FMA.
            return unsafe { reference_score_fma(r, b) };
        }
        super::reference_score::<Native>(r, b)
    }
}
#[cfg(not(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128"))))]
type Native = Scalar4;

// ---------------------------------------------------------------------------
// Colour conversion.

/// 8-bit sRGB → linear RGB, as f32 bit patterns: exactly the values the
/// `ssimulacra2` crate 0.5.1 uses (yuvxyb 0.4's sRGB EOTF with its default
/// `fastmath` powf; within 2.4e-4 relative of IEC 61966-2-1). Using the same
/// table keeps scores equal to the crate's; `tests::srgb_table_is_srgb`
/// checks it against the exact curve.
const SRGB_TO_LINEAR_BITS: [u32; 256] = [
    0x00000000, 0x399f22b4, 0x3a1f22b4, 0x3a6eb40e, 0x3a9f22b4, 0x3ac6eb61, 0x3aeeb40e, 0x3b0b3e5d, 0x3b1f22b4, 0x3b33070b, 0x3b46eb61,
    0x3b5b5ea4, 0x3b70ffea, 0x3b83e92e, 0x3b8fed93, 0x3b9c8f9e, 0x3ba9d1bd, 0x3bb7af68, 0x3bc63c1e, 0x3bd56c4a, 0x3be54349, 0x3bf5c49d,
    0x3c03790a, 0x3c0c66d6, 0x3c15acaf, 0x3c1f4b84, 0x3c294452, 0x3c3397ff, 0x3c3e42cc, 0x3c49513d, 0x3c54bc40, 0x3c608518, 0x3c6cacea,
    0x3c7934a5, 0x3c830e97, 0x3c89b3ba, 0x3c908a1a, 0x3c979221, 0x3c9ecc2b, 0x3ca6389f, 0x3cadd7e0, 0x3cb5a2bf, 0x3cbdab8b, 0x3cc5e774,
    0x3cce5713, 0x3cd6fb16, 0x3cdfd3e8, 0x3ce8e21b, 0x3cf22610, 0x3cfba043, 0x3d02a868, 0x3d079c00, 0x3d0caaf0, 0x3d11d525, 0x3d171c28,
    0x3d1c7eff, 0x3d21fe1b, 0x3d2799a5, 0x3d2d51bd, 0x3d33268c, 0x3d3911f9, 0x3d3f2292, 0x3d454fe7, 0x3d4b9a32, 0x3d5201b9, 0x3d5886b2,
    0x3d5f2958, 0x3d65e9d8, 0x3d6cc861, 0x3d73c522, 0x3d7ae045, 0x3d810cfd, 0x3d84b930, 0x3d8874d4, 0x3d8c3ff5, 0x3d901aab, 0x3d940508,
    0x3d97ff1d, 0x3d9c08fa, 0x3da022b2, 0x3da44c54, 0x3da885f3, 0x3daccfa0, 0x3db12968, 0x3db58bbe, 0x3dba07a5, 0x3dbe9385, 0x3dc32f86,
    0x3dc7dbbc, 0x3dcc983d, 0x3dd1652a, 0x3dd64296, 0x3ddb30a0, 0x3de02f53, 0x3de53ec6, 0x3dea5f0b, 0x3def9049, 0x3df4d277, 0x3dfa25bf,
    0x3dff8a1d, 0x3e027fdb, 0x3e05434a, 0x3e080f68, 0x3e0ae432, 0x3e0dc1c6, 0x3e10a817, 0x3e13972f, 0x3e168f2c, 0x3e198ffe, 0x3e1c99b4,
    0x3e1fac5a, 0x3e22c7e8, 0x3e25ec6b, 0x3e2919f8, 0x3e2c5080, 0x3e2f9014, 0x3e32d898, 0x3e3622d0, 0x3e397ea8, 0x3e3ce36c, 0x3e4050dc,
    0x3e43c83a, 0x3e474865, 0x3e4ad1bf, 0x3e4e6444, 0x3e520012, 0x3e55a51d, 0x3e595383, 0x3e5d0b3b, 0x3e60cc55, 0x3e6496df, 0x3e686ad8,
    0x3e6c484e, 0x3e702f44, 0x3e741fc2, 0x3e7819d7, 0x3e7c1d80, 0x3e801567, 0x3e8220de, 0x3e84312c, 0x3e864658, 0x3e88605f, 0x3e8a7f49,
    0x3e8ca316, 0x3e8ecbcb, 0x3e90f96c, 0x3e932bfa, 0x3e95637c, 0x3e979fef, 0x3e99e15c, 0x3e9c27c6, 0x3e9e732c, 0x3ea0c397, 0x3ea31903,
    0x3ea57376, 0x3ea7d2f7, 0x3eaa3784, 0x3eaca124, 0x3eaf0fd8, 0x3eb183a0, 0x3eb3fc86, 0x3eb67345, 0x3eb8f75d, 0x3ebb807a, 0x3ebe0ea4,
    0x3ec0a1e4, 0x3ec33a3a, 0x3ec5d7af, 0x3ec87a41, 0x3ecb21fc, 0x3ecdcee3, 0x3ed080f8, 0x3ed33840, 0x3ed5f4bf, 0x3ed8b679, 0x3edb7d71,
    0x3ede49ac, 0x3ee11b2f, 0x3ee3f1f7, 0x3ee6ce0d, 0x3ee9af74, 0x3eec962e, 0x3eef8245, 0x3ef273ab, 0x3ef56a72, 0x3ef8669b, 0x3efb6824,
    0x3efe6f18, 0x3f00bdb6, 0x3f024696, 0x3f03d231, 0x3f056081, 0x3f06f191, 0x3f088555, 0x3f0a1bd8, 0x3f0bb518, 0x3f0d5119, 0x3f0eefd9,
    0x3f10915b, 0x3f1235a0, 0x3f13dcb2, 0x3f158683, 0x3f17331c, 0x3f18e27d, 0x3f1a94ac, 0x3f1c49a4, 0x3f1e0169, 0x3f1fbc01, 0x3f217962,
    0x3f233997, 0x3f24fc9e, 0x3f26c27e, 0x3f288b29, 0x3f2a56b4, 0x3f2c2516, 0x3f2df653, 0x3f2fca61, 0x3f31a155, 0x3f337b25, 0x3f355015,
    0x3f373068, 0x3f391386, 0x3f3af980, 0x3f3ce24e, 0x3f3ecdf6, 0x3f40bc76, 0x3f42adda, 0x3f44a21a, 0x3f46993a, 0x3f48933c, 0x3f4a9023,
    0x3f4c8ff8, 0x3f4e92b2, 0x3f509855, 0x3f52a0ea, 0x3f54ac64, 0x3f56bace, 0x3f58cc2e, 0x3f5ae083, 0x3f5cf7d0, 0x3f5f11fc, 0x3f612f2d,
    0x3f634f50, 0x3f65726e, 0x3f679881, 0x3f69c181, 0x3f6bed8a, 0x3f6e1c83, 0x3f704e73, 0x3f72835e, 0x3f74bb43, 0x3f76f613, 0x3f7933fc,
    0x3f7b74bc, 0x3f7db861, 0x3f7fffff,
];

fn srgb_to_linear_lut() -> [f32; 256] {
    SRGB_TO_LINEAR_BITS.map(f32::from_bits)
}

/// Correctly rounded cbrt(x) for x >= 0 (as the crate's cbrtf, which
/// rounds a 47-bit-accurate result): libjxl's division-free Newton
/// iterations on x^(-1/3) in f32 give ~1 ulp, one Newton step in f64 then
/// gives ~1e-14 relative before the final rounding.
#[inline(always)]
fn cube_root<S: V4>(x: S) -> S {
    let k1_3 = S::splat(1.0 / 3.0);
    let k4_3 = S::splat(4.0 / 3.0);
    let x_3 = k1_3 * x;
    let mut r = x.inv_cbrt_seed();
    for _ in 0..3 {
        let r2 = r * r;
        r = k4_3 * r - x_3 * (r2 * r2);
    }
    let r2 = r * r;
    r = k1_3 * (r - x * (r2 * r2)) + r;
    (r * r * x).cbrt_newton_f64(x)
}

/// Linear RGB rows → positive XYB rows (libjxl ToXYB + ssimulacra2
/// MakePositiveXYB). Processes `n` pixels, `n` a multiple of 4.
#[inline(always)]
fn xyb_row<S: V4>(rgb: [&[f32]; 3], out: [&mut [f32]; 3], n: usize) {
    let [r, g, b] = rgb;
    let [ox, oy, ob] = out;
    assert!(n.is_multiple_of(4) && r.len() >= n && g.len() >= n && b.len() >= n);
    assert!(ox.len() >= n && oy.len() >= n && ob.len() >= n);
    let m = [
        S::splat(K_M00),
        S::splat(K_M01),
        S::splat(K_M02),
        S::splat(K_M10),
        S::splat(K_M11),
        S::splat(K_M12),
        S::splat(K_M20),
        S::splat(K_M21),
        S::splat(K_M22),
    ];
    let bias = S::splat(K_B0);
    let neg_cbrt_bias = S::splat(NEG_CBRT_B0);
    let zero = S::splat(0.0);
    let half = S::splat(0.5);
    let mut i = 0;
    while i < n {
        // SAFETY: i + 4 <= n <= len of every row (asserted above).
        unsafe {
            let vr = S::load(r.as_ptr().add(i));
            let vg = S::load(g.as_ptr().add(i));
            let vb = S::load(b.as_ptr().add(i));
            // Opsin absorbance as fused multiply-adds (libjxl MulAdd, crate mul_add).
            let mixed0 = m[0].fma(vr, m[1].fma(vg, m[2].fma(vb, bias))).max(zero);
            let mixed1 = m[3].fma(vr, m[4].fma(vg, m[5].fma(vb, bias))).max(zero);
            let mixed2 = m[6].fma(vr, m[7].fma(vg, m[8].fma(vb, bias))).max(zero);
            let c0 = cube_root(mixed0) + neg_cbrt_bias;
            let c1 = cube_root(mixed1) + neg_cbrt_bias;
            let c2 = cube_root(mixed2) + neg_cbrt_bias;
            let x = half * (c0 - c1);
            let y = half * (c0 + c1);
            // MakePositiveXYB: B = (B - Y) + 0.55; X = X * 14 + 0.42; Y += 0.01.
            let pb = (c2 - y) + S::splat(0.55);
            let px = x.fma(S::splat(14.0), S::splat(0.42));
            let py = y + S::splat(0.01);
            px.store(ox.as_mut_ptr().add(i));
            py.store(oy.as_mut_ptr().add(i));
            pb.store(ob.as_mut_ptr().add(i));
        }
        i += 4;
    }
}

// ---------------------------------------------------------------------------
// Linear RGB rows and pyramid levels.

/// Planar linear RGB image of one pyramid level.
struct Planes {
    w: usize,
    h: usize,
    c: [Vec<f32>; 3],
}

impl Planes {
    fn new(w: usize, h: usize) -> Self {
        Planes { w, h, c: [vec![0.0; w * h], vec![0.0; w * h], vec![0.0; w * h]] }
    }
    fn reshape(&mut self, w: usize, h: usize) {
        self.w = w;
        self.h = h;
        for p in &mut self.c {
            p.resize(w * h, 0.0);
        }
    }
}

#[derive(Clone, Copy)]
enum Src<'a> {
    Srgb8(&'a [u8]),
    Linear(&'a Planes),
}

/// Two planar linear-RGB rows (current and previous, by row parity) of one
/// image, padded to a multiple of 4 pixels, plus its XYB row.
struct RowCache {
    w: usize,
    lin: [[Vec<f32>; 3]; 2],
    xyb: [Vec<f32>; 3],
}

impl RowCache {
    fn new(w: usize) -> Self {
        let wp = w.div_ceil(4) * 4;
        let row = || vec![0.0f32; wp];
        RowCache { w, lin: [[row(), row(), row()], [row(), row(), row()]], xyb: [row(), row(), row()] }
    }

    fn padded(&self) -> usize {
        self.xyb[0].len()
    }

    /// Loads row `y` of `src` into slot `y & 1` and converts it to XYB.
    #[inline(always)]
    fn load<S: V4>(&mut self, src: Src, y: usize, lut: &[f32; 256]) {
        let w = self.w;
        let slot = &mut self.lin[y & 1];
        match src {
            Src::Srgb8(px) => {
                let row = &px[y * w * 3..(y + 1) * w * 3];
                let [r, g, b] = slot;
                for (((p, r), g), b) in row.chunks_exact(3).zip(r.iter_mut()).zip(g.iter_mut()).zip(b.iter_mut()) {
                    *r = lut[p[0] as usize];
                    *g = lut[p[1] as usize];
                    *b = lut[p[2] as usize];
                }
            }
            Src::Linear(p) => {
                for (dst, src) in slot.iter_mut().zip(&p.c) {
                    dst[..w].copy_from_slice(&src[y * w..(y + 1) * w]);
                }
            }
        }
        let n = self.padded();
        let [r, g, b] = &self.lin[y & 1];
        let [x, yy, bb] = &mut self.xyb;
        xyb_row::<S>([&r[..], &g[..], &b[..]], [&mut x[..], &mut yy[..], &mut bb[..]], n);
    }

    /// Writes row `oy` of the 2× downsampled next level from the rows in the
    /// cache: rows (2oy, 2oy+1), or (2oy, 2oy) at an odd bottom edge.
    #[inline(always)]
    fn downsample_into<S: V4>(&self, y_top: usize, y_bot: usize, next: &mut Planes, oy: usize) {
        let w = self.w;
        let ow = next.w;
        let quarter = S::splat(0.25);
        for c in 0..3 {
            let r0 = &self.lin[y_top & 1][c];
            let r1 = &self.lin[y_bot & 1][c];
            let out = &mut next.c[c][oy * ow..(oy + 1) * ow];
            // Pixel pairs (2ox, 2ox+1) fully inside the row: 4 outputs at a time.
            let full = w / 2;
            let mut ox = 0;
            while ox + 4 <= full {
                // SAFETY: 2*ox + 8 <= 2*full <= w <= row length; ox + 4 <= ow.
                unsafe {
                    let (e0, o0) = S::deinterleave(S::load(r0.as_ptr().add(2 * ox)), S::load(r0.as_ptr().add(2 * ox + 4)));
                    let (e1, o1) = S::deinterleave(S::load(r1.as_ptr().add(2 * ox)), S::load(r1.as_ptr().add(2 * ox + 4)));
                    // Reference order: ((p00 + p01) + p10) + p11, then * 1/4.
                    (((e0 + o0) + e1 + o1) * quarter).store(out.as_mut_ptr().add(ox));
                }
                ox += 4;
            }
            while ox < ow {
                let x0 = 2 * ox;
                let x1 = (2 * ox + 1).min(w - 1);
                out[ox] = (((r0[x0] + r0[x1]) + r1[x0]) + r1[x1]) * 0.25;
                ox += 1;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Streaming recursive Gaussian over interleaved records.

/// Blurs rows of `lanes` interleaved independent signals (one record of
/// `lanes` floats per pixel) with libjxl's recursive Gaussian, streaming:
/// rows go in one at a time and come out RADIUS-1 rows later.
struct BlurStream {
    w: usize,
    lanes: usize,
    /// Ring of RADIUS input rows, each with LEFT_PAD/RIGHT_PAD zero records.
    input: Vec<f32>,
    /// Ring of RING horizontally blurred rows.
    hrows: Vec<f32>,
    /// Vertical IIR state: outputs of the three filters at rows n-1 (`prev`)
    /// and n-2 (`prev2`), each `3 * w * lanes`.
    prev: Vec<f32>,
    prev2: Vec<f32>,
    zero: Vec<f32>,
    out: Vec<f32>,
}

impl BlurStream {
    fn new(w: usize, lanes: usize) -> Self {
        let row = w * lanes;
        let padded = (LEFT_PAD + w + RIGHT_PAD) * lanes;
        BlurStream {
            w,
            lanes,
            input: vec![0.0; padded * RADIUS],
            hrows: vec![0.0; row * RING],
            prev: vec![0.0; 3 * row],
            prev2: vec![0.0; 3 * row],
            zero: vec![0.0; row],
            out: vec![0.0; row],
        }
    }

    fn padded_len(&self) -> usize {
        (LEFT_PAD + self.w + RIGHT_PAD) * self.lanes
    }

    /// Input records of row `y` (w * lanes floats) to be filled by the caller.
    fn input_row_mut(&mut self, y: usize) -> &mut [f32] {
        let p = self.padded_len();
        let start = (y % RADIUS) * p + LEFT_PAD * self.lanes;
        &mut self.input[start..start + self.w * self.lanes]
    }

    /// Input records of row `y`, valid until row y + RADIUS is written.
    fn input_row(&self, y: usize) -> &[f32] {
        let p = self.padded_len();
        let start = (y % RADIUS) * p + LEFT_PAD * self.lanes;
        &self.input[start..start + self.w * self.lanes]
    }

    /// Blurs input row `y` horizontally into the ring.
    #[inline(always)]
    fn horizontal<S: V4>(&mut self, y: usize) {
        let p = self.padded_len();
        let row = self.w * self.lanes;
        let inp = &self.input[(y % RADIUS) * p..(y % RADIUS + 1) * p];
        let out = &mut self.hrows[(y % RING) * row..(y % RING + 1) * row];
        horizontal_row::<S>(inp, out, self.w, self.lanes);
    }

    /// Runs the vertical filter step that consumes horizontally blurred row
    /// `y` (rows >= h are zero) and returns the blurred output row
    /// `n = y + 1 - RADIUS` if n >= 0.
    #[inline(always)]
    fn vertical<S: V4>(&mut self, y: usize, h: usize) -> Option<&[f32]> {
        let row = self.w * self.lanes;
        let bottom = if y < h { &self.hrows[(y % RING) * row..(y % RING + 1) * row] } else { &self.zero[..] };
        let top = if y >= 2 * RADIUS {
            let t = y - 2 * RADIUS;
            &self.hrows[(t % RING) * row..(t % RING + 1) * row]
        } else {
            &self.zero[..]
        };
        let emit = y + 1 >= RADIUS;
        vertical_row::<S>(top, bottom, &self.prev, &mut self.prev2, &mut self.out, emit);
        std::mem::swap(&mut self.prev, &mut self.prev2);
        if emit { Some(&self.out) } else { None }
    }
}

/// One row of libjxl's horizontal recursive Gaussian (`FastGaussian1D`, in
/// its scalar form) applied to each of the `lanes` interleaved signals.
/// `inp` is the padded row (LEFT_PAD zero records, w records, RIGHT_PAD zero
/// records); outputs start at pixel 0 after RADIUS-1 warm-up steps.
#[inline(always)]
fn horizontal_row<S: V4>(inp: &[f32], out: &mut [f32], w: usize, lanes: usize) {
    assert!(lanes.is_multiple_of(4));
    assert!(inp.len() >= (LEFT_PAD + w + RIGHT_PAD) * lanes && out.len() >= w * lanes);
    let n2 = [S::splat(IIR_N2[0]), S::splat(IIR_N2[1]), S::splat(IIR_N2[2])];
    let neg_d1 = [S::splat(-IIR_D1[0]), S::splat(-IIR_D1[1]), S::splat(-IIR_D1[2])];
    let zero = S::splat(0.0);
    let ip = inp.as_ptr();
    let op = out.as_mut_ptr();
    for v in (0..lanes).step_by(4) {
        let mut prev = [zero; 3];
        let mut prev2 = [zero; 3];
        // Output n uses inputs n-N-1 and n+N-1, i.e. padded records
        // n_pad and n_pad+2N with n_pad = n+N-1; n runs from -N+1 (warm-up,
        // n_pad = 0) to w-1.
        let mut step = |n_pad: usize| -> S {
            // SAFETY: n_pad + 2N <= w + 3N - 2 < LEFT_PAD + w + RIGHT_PAD.
            let sum = unsafe { S::load(ip.add(n_pad * lanes + v)) + S::load(ip.add((n_pad + 2 * RADIUS) * lanes + v)) };
            let mut o = [zero; 3];
            for k in 0..3 {
                // out = n2*sum; out -= prev2; out = fma(-d1, prev, out).
                o[k] = neg_d1[k].fma(prev[k], n2[k] * sum - prev2[k]);
                prev2[k] = prev[k];
                prev[k] = o[k];
            }
            (o[0] + o[1]) + o[2]
        };
        for n_pad in 0..RADIUS - 1 {
            step(n_pad);
        }
        for n in 0..w {
            let o = step(n + RADIUS - 1);
            // SAFETY: n < w, v + 4 <= lanes.
            unsafe { o.store(op.add(n * lanes + v)) };
        }
    }
}

/// One step of libjxl's vertical recursive Gaussian for a whole row.
#[inline(always)]
fn vertical_row<S: V4>(top: &[f32], bottom: &[f32], prev: &[f32], prev2: &mut [f32], out: &mut [f32], emit: bool) {
    let zero = S::splat(0.0);
    let len = out.len();
    assert!(len.is_multiple_of(4) && top.len() >= len && bottom.len() >= len);
    assert!(prev.len() >= 3 * len && prev2.len() >= 3 * len);
    let n2 = [S::splat(IIR_N2[0]), S::splat(IIR_N2[1]), S::splat(IIR_N2[2])];
    let d1 = [S::splat(IIR_D1[0]), S::splat(IIR_D1[1]), S::splat(IIR_D1[2])];
    let (tp, bp, pp, qp, op) = (top.as_ptr(), bottom.as_ptr(), prev.as_ptr(), prev2.as_mut_ptr(), out.as_mut_ptr());
    let mut i = 0;
    while i < len {
        // SAFETY: i + 4 <= len and all buffers are at least len (state 3*len).
        unsafe {
            let sum = S::load(tp.add(i)) + S::load(bp.add(i));
            let mut o = [sum; 3];
            for k in 0..3 {
                let a = S::load(pp.add(k * len + i));
                let b = S::load(qp.add(k * len + i));
                // out = fma(sum, n2, -fma(prev, d1, prev2)).
                o[k] = sum.fma(n2[k], zero - a.fma(d1[k], b));
                o[k].store(qp.add(k * len + i));
            }
            if emit {
                ((o[0] + o[1]) + o[2]).store(op.add(i));
            }
        }
        i += 4;
    }
}

// ---------------------------------------------------------------------------
// Error maps.

/// Where the 7 inputs of one row of the error maps are: base pointer and
/// record stride (floats) of each 3-channel vector.
#[derive(Clone, Copy)]
struct MapInputs {
    mu1: (*const f32, usize),
    mu2: (*const f32, usize),
    s11: (*const f32, usize),
    s22: (*const f32, usize),
    s12: (*const f32, usize),
    img1: (*const f32, usize),
    img2: (*const f32, usize),
}

/// Accumulates one row of the SSIM and edge-difference maps into `sums`.
/// Each pixel is one vector of its three channels (lane 3 is ignored).
///
/// # Safety
/// For every x < w, 4 floats must be readable at `ptr + x * stride` of each
/// input.
#[inline(always)]
unsafe fn error_maps_row<S: V4>(w: usize, m: MapInputs, sums: &mut ScaleSums) {
    let zero = S::splat(0.0);
    let one = S::splat(1.0);
    let two = S::splat(2.0);
    let c2 = S::splat(C2);
    let mut x = 0;
    while x < w {
        // f32 partial sums over blocks of at most 64 pixels, then f64.
        let end = (x + 64).min(w);
        let mut acc = [zero; 6];
        while x < end {
            let ld = |(p, s): (*const f32, usize)| S::load(p.add(x * s));
            let mu1 = ld(m.mu1);
            let mu2 = ld(m.mu2);
            let mu11 = mu1 * mu1;
            let mu22 = mu2 * mu2;
            let mu12 = mu1 * mu2;
            let diff = mu1 - mu2;
            let num_m = diff.fma(zero - diff, one);
            let num_s = two.fma(ld(m.s12) - mu12, c2);
            let denom_s = (ld(m.s11) - mu11) + (ld(m.s22) - mu22) + c2;
            let d = (one - (num_m * num_s) / denom_s).max(zero);
            let d2 = d * d;
            acc[0] = acc[0] + d;
            acc[1] = acc[1] + d2 * d2;
            // (1 + |e2|) / (1 + |e1|) - 1, computed without cancellation.
            let e1 = (ld(m.img1) - mu1).abs();
            let e2 = (ld(m.img2) - mu2).abs();
            let d1 = (e2 - e1) / (one + e1);
            let artifact = d1.max(zero);
            let detail_lost = (zero - d1).max(zero);
            let a2 = artifact * artifact;
            let l2 = detail_lost * detail_lost;
            acc[2] = acc[2] + artifact;
            acc[3] = acc[3] + a2 * a2;
            acc[4] = acc[4] + detail_lost;
            acc[5] = acc[5] + l2 * l2;
            x += 1;
        }
        for (k, a) in acc.iter().enumerate() {
            let a = a.to_array();
            for c in 0..3 {
                sums[c * 6 + k] += a[c] as f64;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Record packing: SoA XYB rows → interleaved per-pixel records.

/// Writes, for each pixel x < w, the `NV` vectors produced by `make` from
/// the 4-pixel SoA group into `dst[x * NV * 4..]`.
#[inline(always)]
fn pack_records<S: V4, const NV: usize>(dst: &mut [f32], w: usize, mut make: impl FnMut(usize) -> [[S; 4]; NV]) {
    let lanes = NV * 4;
    assert!(dst.len() >= w * lanes);
    let mut x = 0;
    while x < w {
        let groups = make(x);
        let mut per_pixel = [[S::splat(0.0); NV]; 4];
        for (j, g) in groups.iter().enumerate() {
            let t = S::transpose(g[0], g[1], g[2], g[3]);
            for p in 0..4 {
                per_pixel[p][j] = t[p];
            }
        }
        let count = (w - x).min(4);
        for (p, vecs) in per_pixel.iter().enumerate().take(count) {
            for (j, v) in vecs.iter().enumerate() {
                // SAFETY: (x + p) < w, so the record lies inside dst.
                unsafe { v.store(dst.as_mut_ptr().add((x + p) * lanes + j * 4)) };
            }
        }
        x += 4;
    }
}

#[inline(always)]
unsafe fn ld<S: V4>(row: &[f32], x: usize) -> S {
    debug_assert!(x + 4 <= row.len());
    S::load(row.as_ptr().add(x))
}

// ---------------------------------------------------------------------------
// Drivers.

fn scale_dims(w: usize, h: usize) -> (usize, usize) {
    (w.div_ceil(2), h.div_ceil(2))
}

/// Whether the reference computes a next scale after one of size w×h.
fn has_next(scale: usize, w: usize, h: usize) -> bool {
    scale + 1 < NUM_SCALES && w >= 8 && h >= 8
}

/// Both images, record layout (16 lanes):
/// `[X1 Y1 B1 | X2 Y2 B2 | X1² Y1² B1² | X2² Y2² B2² | X1X2 Y1Y2 B1B2 | 0]`;
/// blurred, the same positions hold mu1, mu2, sigma11, sigma22, sigma12.
#[inline(always)]
fn pairwise<S: V4>(img1: &[u8], img2: &[u8], width: usize, height: usize) -> f64 {
    final_score(&pairwise_sums::<S>(img1, img2, width, height))
}

#[inline(always)]
fn pairwise_sums<S: V4>(img1: &[u8], img2: &[u8], width: usize, height: usize) -> Vec<(ScaleSums, usize)> {
    const LANES: usize = 16;
    let lut = srgb_to_linear_lut();
    let (w1, h1) = scale_dims(width, height);
    let mut next = [Planes::new(w1, h1), Planes::new(w1, h1)];
    let mut cur = [Planes::new(0, 0), Planes::new(0, 0)];
    let (mut w, mut h) = (width, height);
    let mut results = Vec::new();
    for scale in 0..NUM_SCALES {
        let go_on = has_next(scale, w, h);
        let (nw, nh) = scale_dims(w, h);
        if go_on {
            next[0].reshape(nw, nh);
            next[1].reshape(nw, nh);
        }
        let src = if scale == 0 { [Src::Srgb8(img1), Src::Srgb8(img2)] } else { [Src::Linear(&cur[0]), Src::Linear(&cur[1])] };
        let mut rc = [RowCache::new(w), RowCache::new(w)];
        let mut blur = BlurStream::new(w, LANES);
        let mut sums = [0.0f64; 18];
        for y in 0..h + RADIUS - 1 {
            if y < h {
                for i in 0..2 {
                    rc[i].load::<S>(src[i], y, &lut);
                    if go_on && (y & 1 == 1 || y + 1 == h) {
                        let top = y & !1;
                        rc[i].downsample_into::<S>(top, y, &mut next[i], y / 2);
                    }
                }
                let [a, b] = &rc;
                let z = S::splat(0.0);
                pack_records::<S, 4>(blur.input_row_mut(y), w, |x| unsafe {
                    let (x1, y1, b1) = (ld::<S>(&a.xyb[0], x), ld::<S>(&a.xyb[1], x), ld::<S>(&a.xyb[2], x));
                    let (x2, y2, b2) = (ld::<S>(&b.xyb[0], x), ld::<S>(&b.xyb[1], x), ld::<S>(&b.xyb[2], x));
                    [[x1, y1, b1, x2], [y2, b2, x1 * x1, y1 * y1], [b1 * b1, x2 * x2, y2 * y2, b2 * b2], [x1 * x2, y1 * y2, b1 * b2, z]]
                });
                blur.horizontal::<S>(y);
            }
            if y + 1 >= RADIUS {
                let n = y + 1 - RADIUS;
                let p = blur.input_row(n).as_ptr();
                // The blurred row borrows `blur` immutably; `p` stays valid
                // because input rows are only rewritten by input_row_mut.
                if let Some(b) = blur.vertical::<S>(y, h) {
                    let bp = b.as_ptr();
                    let m = MapInputs {
                        mu1: (bp, LANES),
                        mu2: (bp.wrapping_add(3), LANES),
                        s11: (bp.wrapping_add(6), LANES),
                        s22: (bp.wrapping_add(9), LANES),
                        s12: (bp.wrapping_add(12), LANES),
                        img1: (p, LANES),
                        img2: (p.wrapping_add(3), LANES),
                    };
                    // SAFETY: records are 16 floats, the largest offset read is 12 + 4.
                    unsafe { error_maps_row::<S>(w, m, &mut sums) };
                }
            } else {
                blur.vertical::<S>(y, h);
            }
        }
        results.push((sums, w * h));
        if !go_on {
            break;
        }
        std::mem::swap(&mut cur, &mut next);
        w = nw;
        h = nh;
    }
    results
}

/// Reference-only pass. Blur record layout (8 lanes):
/// `[X1 Y1 B1 0 | X1² Y1² B1² 0]`. Stored per pixel: `[X1 Y1 B1 | mu1 | s11]`.
#[inline(always)]
fn reference_new<S: V4>(rgb: &[u8], width: usize, height: usize) -> Reference {
    const LANES: usize = 8;
    const REC: usize = 9;
    let lut = srgb_to_linear_lut();
    let (w1, h1) = scale_dims(width, height);
    let mut next = Planes::new(w1, h1);
    let mut cur = Planes::new(0, 0);
    let (mut w, mut h) = (width, height);
    let mut scales = Vec::new();
    for scale in 0..NUM_SCALES {
        let go_on = has_next(scale, w, h);
        let (nw, nh) = scale_dims(w, h);
        if go_on {
            next.reshape(nw, nh);
        }
        let src = if scale == 0 { Src::Srgb8(rgb) } else { Src::Linear(&cur) };
        let mut rc = RowCache::new(w);
        let mut blur = BlurStream::new(w, LANES);
        // +4 so the last pixel's unaligned 4-float loads/stores stay inside.
        let mut data = vec![0.0f32; w * h * REC + 4];
        for y in 0..h + RADIUS - 1 {
            if y < h {
                rc.load::<S>(src, y, &lut);
                if go_on && (y & 1 == 1 || y + 1 == h) {
                    rc.downsample_into::<S>(y & !1, y, &mut next, y / 2);
                }
                let z = S::splat(0.0);
                pack_records::<S, 2>(blur.input_row_mut(y), w, |x| unsafe {
                    let (x1, y1, b1) = (ld::<S>(&rc.xyb[0], x), ld::<S>(&rc.xyb[1], x), ld::<S>(&rc.xyb[2], x));
                    [[x1, y1, b1, z], [x1 * x1, y1 * y1, b1 * b1, z]]
                });
                blur.horizontal::<S>(y);
            }
            if y + 1 >= RADIUS {
                let n = y + 1 - RADIUS;
                let p = blur.input_row(n).as_ptr();
                if let Some(b) = blur.vertical::<S>(y, h) {
                    let dst = &mut data[n * w * REC..];
                    let dp = dst.as_mut_ptr();
                    for x in 0..w {
                        // SAFETY: records in input/blurred rows are 8 floats;
                        // dst has (w - x) * 9 + 4 floats from pixel x. Stores go
                        // in increasing address order, so the spill-over lanes
                        // are overwritten by the next pixel.
                        unsafe {
                            S::load(p.add(x * LANES)).store(dp.add(x * REC));
                            S::load(b.as_ptr().add(x * LANES)).store(dp.add(x * REC + 3));
                            S::load(b.as_ptr().add(x * LANES + 4)).store(dp.add(x * REC + 6));
                        }
                    }
                }
            } else {
                blur.vertical::<S>(y, h);
            }
        }
        scales.push(RefScale { w, h, data });
        if !go_on {
            break;
        }
        std::mem::swap(&mut cur, &mut next);
        w = nw;
        h = nh;
    }
    Reference { width, height, scales }
}

/// Candidate pass against a prepared reference. Blur record layout (12
/// lanes): `[X2 Y2 B2 0 | X2² Y2² B2² 0 | X1X2 Y1Y2 B1B2 0]`.
#[inline(always)]
fn reference_score<S: V4>(r: &Reference, rgb: &[u8]) -> f64 {
    const LANES: usize = 12;
    const REC: usize = 9;
    let lut = srgb_to_linear_lut();
    let (w1, h1) = scale_dims(r.width, r.height);
    let mut next = Planes::new(w1, h1);
    let mut cur = Planes::new(0, 0);
    let mut results = Vec::new();
    for (scale, rs) in r.scales.iter().enumerate() {
        let (w, h) = (rs.w, rs.h);
        let go_on = scale + 1 < r.scales.len();
        let (nw, nh) = scale_dims(w, h);
        if go_on {
            next.reshape(nw, nh);
        }
        let src = if scale == 0 { Src::Srgb8(rgb) } else { Src::Linear(&cur) };
        let mut rc = RowCache::new(w);
        let mut blur = BlurStream::new(w, LANES);
        let mut sums = [0.0f64; 18];
        for y in 0..h + RADIUS - 1 {
            if y < h {
                rc.load::<S>(src, y, &lut);
                if go_on && (y & 1 == 1 || y + 1 == h) {
                    rc.downsample_into::<S>(y & !1, y, &mut next, y / 2);
                }
                let z = S::splat(0.0);
                let refrow = &rs.data[y * w * REC..];
                pack_records::<S, 3>(blur.input_row_mut(y), w, |x| unsafe {
                    let (x2, y2, b2) = (ld::<S>(&rc.xyb[0], x), ld::<S>(&rc.xyb[1], x), ld::<S>(&rc.xyb[2], x));
                    // Products with the reference need its XYB per pixel;
                    // build them in SoA form from the stored records.
                    let mut r1 = [[0.0f32; 4]; 3];
                    for p in 0..4 {
                        let idx = (x + p).min(w - 1) * REC;
                        for (c, lane) in r1.iter_mut().enumerate() {
                            lane[p] = refrow[idx + c];
                        }
                    }
                    let x1 = S::load(r1[0].as_ptr());
                    let y1 = S::load(r1[1].as_ptr());
                    let b1 = S::load(r1[2].as_ptr());
                    [[x2, y2, b2, z], [x2 * x2, y2 * y2, b2 * b2, z], [x1 * x2, y1 * y2, b1 * b2, z]]
                });
                blur.horizontal::<S>(y);
            }
            if y + 1 >= RADIUS {
                let n = y + 1 - RADIUS;
                let p = blur.input_row(n).as_ptr();
                if let Some(b) = blur.vertical::<S>(y, h) {
                    let bp = b.as_ptr();
                    let rp = rs.data[n * w * REC..].as_ptr();
                    let m = MapInputs {
                        mu1: (rp.wrapping_add(3), REC),
                        mu2: (bp, LANES),
                        s11: (rp.wrapping_add(6), REC),
                        s22: (bp.wrapping_add(4), LANES),
                        s12: (bp.wrapping_add(8), LANES),
                        img1: (rp, REC),
                        img2: (p, LANES),
                    };
                    // SAFETY: blurred/input records are 12 floats (max offset
                    // 8 + 4); reference records are 9 floats with 4 floats of
                    // padding after the last one (max offset 6 + 4 = 10).
                    unsafe { error_maps_row::<S>(w, m, &mut sums) };
                }
            } else {
                blur.vertical::<S>(y, h);
            }
        }
        results.push((sums, w * h));
        if !go_on {
            break;
        }
        std::mem::swap(&mut cur, &mut next);
    }
    final_score(&results)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A direct, unoptimised port of the reference (whole planes, scalar,
    /// f64 map sums), with the crate's rounding (fused multiply-adds).
    mod naive {
        use super::super::*;

        pub type Img = [Vec<f32>; 3];

        fn fma(a: f32, b: f32, c: f32) -> f32 {
            a.mul_add(b, c)
        }

        pub fn to_linear(px: &[u8]) -> Img {
            let lut = srgb_to_linear_lut();
            let n = px.len() / 3;
            let mut out = [vec![0.0; n], vec![0.0; n], vec![0.0; n]];
            for i in 0..n {
                for c in 0..3 {
                    out[c][i] = lut[px[i * 3 + c] as usize];
                }
            }
            out
        }

        pub fn to_xyb(lin: &Img) -> Img {
            let n = lin[0].len();
            let mut out = [vec![0.0; n], vec![0.0; n], vec![0.0; n]];
            let m = [K_M00, K_M01, K_M02, K_M10, K_M11, K_M12, K_M20, K_M21, K_M22];
            let cbrt = |v: f32| (v as f64).cbrt() as f32;
            for i in 0..n {
                let (r, g, b) = (lin[0][i], lin[1][i], lin[2][i]);
                let mut c = [0.0f32; 3];
                for k in 0..3 {
                    let mixed = fma(m[3 * k], r, fma(m[3 * k + 1], g, fma(m[3 * k + 2], b, K_B0))).max(0.0);
                    c[k] = cbrt(mixed) - cbrt(K_B0);
                }
                let x = 0.5 * (c[0] - c[1]);
                let y = 0.5 * (c[0] + c[1]);
                out[2][i] = (c[2] - y) + 0.55;
                out[0][i] = fma(x, 14.0, 0.42);
                out[1][i] = y + 0.01;
            }
            out
        }

        pub fn downsample(img: &Img, w: usize, h: usize) -> (Img, usize, usize) {
            let (ow, oh) = (w.div_ceil(2), h.div_ceil(2));
            let mut out = [vec![0.0; ow * oh], vec![0.0; ow * oh], vec![0.0; ow * oh]];
            for c in 0..3 {
                for oy in 0..oh {
                    for ox in 0..ow {
                        let mut sum = 0.0f32;
                        for iy in 0..2 {
                            for ix in 0..2 {
                                let x = (ox * 2 + ix).min(w - 1);
                                let y = (oy * 2 + iy).min(h - 1);
                                sum += img[c][y * w + x];
                            }
                        }
                        out[c][oy * ow + ox] = sum * 0.25;
                    }
                }
            }
            (out, ow, oh)
        }

        /// libjxl's recursive Gaussian: horizontal then vertical, zero padding.
        pub fn blur(p: &[f32], w: usize, h: usize) -> Vec<f32> {
            let n = RADIUS as isize;
            let mut tmp = vec![0.0f32; w * h];
            for y in 0..h {
                let row = &p[y * w..(y + 1) * w];
                let (mut prev, mut prev2) = ([0.0f32; 3], [0.0f32; 3]);
                for i in (-n + 1)..w as isize {
                    let l = i - n - 1;
                    let r = i + n - 1;
                    let lv = if l >= 0 { row[l as usize] } else { 0.0 };
                    let rv = if r < w as isize { row[r as usize] } else { 0.0 };
                    let sum = lv + rv;
                    let mut o = [0.0f32; 3];
                    for k in 0..3 {
                        o[k] = fma(-IIR_D1[k], prev[k], IIR_N2[k] * sum - prev2[k]);
                        prev2[k] = prev[k];
                        prev[k] = o[k];
                    }
                    if i >= 0 {
                        tmp[y * w + i as usize] = o[0] + o[1] + o[2];
                    }
                }
            }
            let mut out = vec![0.0f32; w * h];
            for x in 0..w {
                let (mut prev, mut prev2) = ([0.0f32; 3], [0.0f32; 3]);
                for i in (-n + 1)..h as isize {
                    let t = i - n - 1;
                    let b = i + n - 1;
                    let tv = if t >= 0 { tmp[t as usize * w + x] } else { 0.0 };
                    let bv = if b < h as isize { tmp[b as usize * w + x] } else { 0.0 };
                    let sum = tv + bv;
                    let mut o = [0.0f32; 3];
                    for k in 0..3 {
                        o[k] = fma(sum, IIR_N2[k], -fma(prev[k], IIR_D1[k], prev2[k]));
                        prev2[k] = prev[k];
                        prev[k] = o[k];
                    }
                    if i >= 0 {
                        out[i as usize * w + x] = o[0] + o[1] + o[2];
                    }
                }
            }
            out
        }

        pub fn scale_sums(i1: &Img, i2: &Img, w: usize, h: usize) -> ScaleSums {
            let mut sums = [0.0f64; 18];
            for c in 0..3 {
                let sq1: Vec<f32> = i1[c].iter().map(|v| v * v).collect();
                let sq2: Vec<f32> = i2[c].iter().map(|v| v * v).collect();
                let x12: Vec<f32> = i1[c].iter().zip(&i2[c]).map(|(a, b)| a * b).collect();
                let s11 = blur(&sq1, w, h);
                let s22 = blur(&sq2, w, h);
                let s12 = blur(&x12, w, h);
                let mu1 = blur(&i1[c], w, h);
                let mu2 = blur(&i2[c], w, h);
                for i in 0..w * h {
                    let (m1, m2) = (mu1[i], mu2[i]);
                    let diff = m1 - m2;
                    let num_m = fma(diff, -diff, 1.0);
                    let num_s = fma(2.0, s12[i] - m1 * m2, C2);
                    let denom_s = (s11[i] - m1 * m1) + (s22[i] - m2 * m2) + C2;
                    let d = (1.0 - ((num_m * num_s) / denom_s) as f64).max(0.0);
                    sums[c * 6] += d;
                    sums[c * 6 + 1] += d.powi(4);
                    let d1 = (1.0 + (i2[c][i] - m2).abs() as f64) / (1.0 + (i1[c][i] - m1).abs() as f64) - 1.0;
                    let a = d1.max(0.0);
                    let l = (-d1).max(0.0);
                    sums[c * 6 + 2] += a;
                    sums[c * 6 + 3] += a.powi(4);
                    sums[c * 6 + 4] += l;
                    sums[c * 6 + 5] += l.powi(4);
                }
            }
            sums
        }

        pub fn score(a: &[u8], b: &[u8], w: usize, h: usize) -> f64 {
            let (mut l1, mut l2) = (to_linear(a), to_linear(b));
            let (mut w, mut h) = (w, h);
            let mut out = Vec::new();
            for scale in 0..NUM_SCALES {
                if w < 8 || h < 8 {
                    break;
                }
                if scale > 0 {
                    let (d1, nw, nh) = downsample(&l1, w, h);
                    let (d2, _, _) = downsample(&l2, w, h);
                    l1 = d1;
                    l2 = d2;
                    w = nw;
                    h = nh;
                }
                out.push((scale_sums(&to_xyb(&l1), &to_xyb(&l2), w, h), w * h));
            }
            final_score(&out)
        }
    }

    // -----------------------------------------------------------------------
    // Deterministic test images (the same generator is in
    // examples/common/mod.rs, which computed the crate's scores below).

    struct Rng(u64);
    impl Rng {
        fn unit(&mut self) -> f32 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (self.0 >> 40) as f32 / (1u64 << 24) as f32
        }
    }

    /// Smooth gradients, a texture and mild noise.
    fn photo(w: usize, h: usize, seed: u64) -> Vec<u8> {
        let mut rng = Rng(seed);
        let mut px = vec![0u8; w * h * 3];
        for y in 0..h {
            for x in 0..w {
                let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
                let base = [
                    120.0 + 100.0 * (fx * 6.0 + fy * 2.0).sin(),
                    110.0 + 90.0 * (fy * 5.0 - fx * 3.0).cos(),
                    100.0 + 80.0 * ((fx + fy) * 9.0).sin() * (fx * 3.0).cos(),
                ];
                let tex = if (x / 7 + y / 5) % 3 == 0 { 25.0 } else { 0.0 };
                for c in 0..3 {
                    let v = base[c] + tex + 10.0 * (rng.unit() - 0.5);
                    px[(y * w + x) * 3 + c] = v.clamp(0.0, 255.0) as u8;
                }
            }
        }
        px
    }

    /// Blocky, noisy version of an image (JPEG-like damage).
    fn distort(px: &[u8], w: usize, h: usize, strength: f32, seed: u64) -> Vec<u8> {
        let mut rng = Rng(seed);
        let mut out = px.to_vec();
        for y in 0..h {
            for x in 0..w {
                for c in 0..3 {
                    let block = px[((y / 8 * 8) * w + x / 8 * 8) * 3 + c] as f32;
                    let v = px[(y * w + x) * 3 + c] as f32;
                    let q = v * (1.0 - strength) + block * strength + strength * 20.0 * (rng.unit() - 0.5);
                    out[(y * w + x) * 3 + c] = q.clamp(0.0, 255.0).round() as u8;
                }
            }
        }
        out
    }

    /// (width, height, distortion strength, score of the `ssimulacra2`
    /// crate 0.5.1 for `photo(w, h, 1)` vs `distort(.., strength, 2)`),
    /// printed by `cargo run --release --example crate_constants`.
    const CRATE_SCORES: [(usize, usize, f32, f64); 5] = [
        (8, 8, 0.3, 80.82697568454527),
        (9, 13, 0.3, 82.86518979084323),
        (64, 48, 0.05, 85.12105223111188),
        (150, 97, 0.2, 73.30570570336187),
        (301, 203, 0.02, 94.08312635037854),
    ];

    #[test]
    fn known_pairs_match_crate_0_5_1() {
        for (w, h, strength, expected) in CRATE_SCORES {
            let a = photo(w, h, 1);
            let b = distort(&a, w, h, strength, 2);
            let got = ssimulacra2(&a, &b, w, h).unwrap();
            assert!((got - expected).abs() < 1e-4, "{w}x{h} s={strength}: {got} vs crate {expected}");
            let r = Reference::new(&a, w, h).unwrap();
            let got_r = r.score(&b).unwrap();
            assert!((got_r - expected).abs() < 1e-4, "Reference {w}x{h}: {got_r} vs crate {expected}");
        }
    }

    #[test]
    fn matches_naive_port_of_reference() {
        for (w, h) in [(8, 8), (9, 13), (64, 48), (131, 77)] {
            let a = photo(w, h, 5);
            let b = distort(&a, w, h, 0.2, 6);
            let fast = ssimulacra2(&a, &b, w, h).unwrap();
            let slow = naive::score(&a, &b, w, h);
            assert!((fast - slow).abs() < 1e-4, "{w}x{h}: fast {fast} naive {slow}");
        }
    }

    #[test]
    fn identical_images_score_100() {
        for (w, h) in [(8, 8), (33, 17), (100, 64)] {
            let a = photo(w, h, 3);
            assert_eq!(ssimulacra2(&a, &a, w, h), Some(100.0));
            assert_eq!(Reference::new(&a, w, h).unwrap().score(&a), Some(100.0));
        }
    }

    #[test]
    fn worse_distortion_scores_lower() {
        let (w, h) = (96, 64);
        let a = photo(w, h, 1);
        let s: Vec<f64> = [0.05, 0.2, 0.5].iter().map(|&k| ssimulacra2(&a, &distort(&a, w, h, k, 2), w, h).unwrap()).collect();
        assert!(s[0] > s[1] && s[1] > s[2], "{s:?}");
    }

    #[test]
    fn bad_sizes_give_none() {
        let a = photo(16, 16, 1);
        assert_eq!(ssimulacra2(&a, &a[..a.len() - 3], 16, 16), None);
        assert_eq!(ssimulacra2(&a, &a, 16, 15), None);
        assert_eq!(ssimulacra2(&a, &a, 15, 16), None);
        let small = photo(7, 8, 1);
        assert_eq!(ssimulacra2(&small, &small, 7, 8), None);
        let small = photo(8, 7, 1);
        assert_eq!(ssimulacra2(&small, &small, 8, 7), None);
        assert!(Reference::new(&small, 8, 7).is_none());
        let r = Reference::new(&a, 16, 16).unwrap();
        assert_eq!(r.score(&a[..a.len() - 1]), None);
        assert_eq!(ssimulacra2(&[], &[], usize::MAX, 8), None);
    }

    #[test]
    fn reference_api_agrees_with_pairwise() {
        let (w, h) = (123, 45);
        let a = photo(w, h, 11);
        let r = Reference::new(&a, w, h).unwrap();
        for k in [0.05f32, 0.3] {
            let b = distort(&a, w, h, k, 12);
            let p = ssimulacra2(&a, &b, w, h).unwrap();
            let q = r.score(&b).unwrap();
            assert!((p - q).abs() < 1e-9, "{p} vs {q}");
        }
    }

    #[test]
    fn scalar_and_simd_paths_agree() {
        // Native is SSE2 on x86-64 and simd128 on wasm32 (both without
        // hardware FMA here, so the results are bit-identical; with FMA
        // hardware only vanishingly rare double-rounding ties could differ).
        for (w, h) in [(9, 13), (70, 41)] {
            let a = photo(w, h, 21);
            let b = distort(&a, w, h, 0.15, 22);
            let s = pairwise::<Scalar4>(&a, &b, w, h);
            let v = pairwise::<Native>(&a, &b, w, h);
            let d = dispatch::pairwise(&a, &b, w, h);
            assert_eq!(s.to_bits(), v.to_bits(), "{w}x{h}: scalar {s} simd {v}");
            assert!((s - d).abs() < 1e-9, "{w}x{h}: scalar {s} dispatched {d}");
            let rs = reference_score::<Scalar4>(&reference_new::<Scalar4>(&a, w, h), &b);
            let rv = reference_score::<Native>(&reference_new::<Native>(&a, w, h), &b);
            assert_eq!(rs.to_bits(), rv.to_bits());
        }
    }

    #[test]
    fn cube_root_is_correctly_rounded() {
        // The range XYB needs (opsin bias .. 1 + bias) plus some margin.
        let mut x = 0.003f32;
        let mut mismatches = 0usize;
        let mut n = 0usize;
        while x < 1.1 {
            let v = [x, f32::from_bits(x.to_bits() + 1), f32::from_bits(x.to_bits() + 2), f32::from_bits(x.to_bits() + 3)];
            // SAFETY: v has 4 floats.
            let got = cube_root(unsafe { Scalar4::load(v.as_ptr()) }).to_array();
            for (g, x) in got.iter().zip(v) {
                let exact = (x as f64).cbrt() as f32;
                if *g != exact {
                    mismatches += 1;
                }
                n += 1;
            }
            x = f32::from_bits(x.to_bits() + 997);
        }
        assert!(mismatches * 100_000 < n, "{mismatches} of {n} not correctly rounded");
    }

    #[test]
    fn srgb_table_is_srgb() {
        for (i, v) in srgb_to_linear_lut().iter().enumerate() {
            let e = i as f64 / 255.0;
            let exact = if e <= 0.04045 { e / 12.92 } else { ((e + 0.055) / 1.055).powf(2.4) };
            assert!((*v as f64 - exact).abs() <= 2.4e-4 * exact, "{i}: {v} vs {exact}");
        }
    }

    #[test]
    fn iir_constants_match_formula() {
        // libjxl CreateRecursiveGaussian(1.5), in f64.
        let sigma = 1.5f64;
        let radius = (3.2795 * sigma + 0.2546).round();
        assert_eq!(radius as usize, RADIUS);
        let pi_div_2r = std::f64::consts::PI / (2.0 * radius);
        let omega = [pi_div_2r, 3.0 * pi_div_2r, 5.0 * pi_div_2r];
        let p = [1.0 / (0.5 * omega[0]).tan(), -1.0 / (0.5 * omega[1]).tan(), 1.0 / (0.5 * omega[2]).tan()];
        let r = [p[0] * p[0] / omega[0].sin(), -p[1] * p[1] / omega[1].sin(), p[2] * p[2] / omega[2].sin()];
        let rho: Vec<f64> = omega.iter().map(|w| (-0.5 * sigma * sigma * w * w).exp() / radius).collect();
        let d13 = p[0] * r[1] - r[0] * p[1];
        let d35 = p[1] * r[2] - r[1] * p[2];
        let d51 = p[2] * r[0] - r[2] * p[0];
        let (z15, z35) = (d35 / d13, d51 / d13);
        let a = [p[0], p[1], p[2], r[0], r[1], r[2], z15, z35, 1.0];
        let det = a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
        let inv = [
            (a[4] * a[8] - a[5] * a[7]) / det,
            (a[2] * a[7] - a[1] * a[8]) / det,
            (a[1] * a[5] - a[2] * a[4]) / det,
            (a[5] * a[6] - a[3] * a[8]) / det,
            (a[0] * a[8] - a[2] * a[6]) / det,
            (a[2] * a[3] - a[0] * a[5]) / det,
            (a[3] * a[7] - a[4] * a[6]) / det,
            (a[1] * a[6] - a[0] * a[7]) / det,
            (a[0] * a[4] - a[1] * a[3]) / det,
        ];
        let gamma = [1.0, radius * radius - sigma * sigma, z15 * rho[0] + z35 * rho[1] + rho[2]];
        for k in 0..3 {
            let beta = inv[3 * k] * gamma[0] + inv[3 * k + 1] * gamma[1] + inv[3 * k + 2] * gamma[2];
            let n2 = -beta * (omega[k] * (radius + 1.0)).cos();
            let d1 = -2.0 * omega[k].cos();
            assert_eq!(n2 as f32, IIR_N2[k], "n2[{k}]");
            assert_eq!(d1 as f32, IIR_D1[k], "d1[{k}]");
        }
        assert_eq!(-((K_B0 as f64).cbrt() as f32), NEG_CBRT_B0);
    }
}
