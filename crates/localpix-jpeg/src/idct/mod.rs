//! Dequantisation and inverse DCT of one block, to 8×8 samples or, for reduced decodes, to 4×4,
//! 2×2 or 1×1 straight from the low-frequency coefficients.
//!
//! The 8×8 transform is libjpeg's accurate integer IDCT (`jpeg_idct_islow`) in the arrangement of
//! libjpeg-turbo's SSE2 version: 16-bit lanes, products summed in pairs into 32 bits. The scalar
//! code below follows that arrangement operation for operation (16-bit wrapping adds, saturation
//! after each pass), so the simd128 path gives identical samples for any input, and for valid
//! data both equal libjpeg's. The reduced transforms are those of jpeg-decoder (Dugad and Ahuja's
//! DCT-domain downscaling: a 4- or 2-point IDCT of the lowest coefficients), in 32-bit lanes.
//!
//! `quant` is the component's quantisation table in natural order; coefficients are as decoded.

mod scaled;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128;
#[cfg(target_arch = "x86_64")]
mod sse2;

/// `FIX(x)` of libjpeg's islow: x scaled by 2^13, rounded.
mod fix {
    pub const F0298: i32 = 2446;
    pub const F0390: i32 = 3196;
    pub const F0541: i32 = 4433;
    pub const F0765: i32 = 6270;
    pub const F0899: i32 = 7373;
    pub const F1175: i32 = 9633;
    pub const F1501: i32 = 12299;
    pub const F1847: i32 = 15137;
    pub const F1961: i32 = 16069;
    pub const F2053: i32 = 16819;
    pub const F2562: i32 = 20995;
    pub const F3072: i32 = 25172;
}

/// jpeg-decoder's 12-bit constants (`stbi_f2f`) for the reduced transforms.
const R0541: i32 = 2217;
const R1847: i32 = -7567;
const R0765: i32 = 3135;

/// Writes the `size`×`size` samples of one block (size 1 to 8) to `out`, rows `stride` apart.
#[inline(always)]
pub(crate) fn idct(size: usize, coef: &[i16; 64], quant: &[u16; 64], out: &mut [u8], stride: usize) {
    match size {
        8 => idct8(coef, quant, out, stride),
        7 => scaled_idct(&scaled::K7, coef, quant, out, stride),
        6 => scaled_idct(&scaled::K6, coef, quant, out, stride),
        5 => scaled_idct(&scaled::K5, coef, quant, out, stride),
        4 => idct4(coef, quant, out, stride),
        3 => scaled_idct(&scaled::K3, coef, quant, out, stride),
        2 => idct2(coef, quant, out, stride),
        _ => out[0] = dc_sample(1, coef[0], quant[0]),
    }
}

/// The one sample value a block with no AC coefficients decodes to at `size`: exactly what
/// [`idct`] gives such a block, for less work.
#[inline]
pub(crate) fn dc_sample(size: usize, dc: i16, q: u16) -> u8 {
    match size {
        8 => {
            let first_pass = (i32::from(dc.wrapping_mul(q as i16)) * 4).clamp(-32768, 32767);
            (((first_pass + 16) >> 5).clamp(-128, 127) + 128) as u8
        }
        4 => {
            let dq = i32::from(dc).wrapping_mul(i32::from(q));
            clamp_u8(dq.wrapping_shl(14).wrapping_add((1 << 16) + (128 << 17)) >> 17)
        }
        3 | 5 | 6 | 7 => scaled::dc_sample(dc, q),
        // libjpeg's 1×1 rounds; jpeg-decoder's truncated.
        _ => clamp_u8(i32::from(dc).wrapping_mul(i32::from(q)).wrapping_add(4 + (128 << 3)) >> 3),
    }
}

/// Fills a `size`×`size` block of `out` with one value. Each size has its own fixed-length
/// stores: a fill of a run-time length becomes `memory.fill` in WebAssembly, a call into the
/// engine that costs more than the block.
#[inline(always)]
pub(crate) fn fill(size: usize, value: u8, out: &mut [u8], stride: usize) {
    #[inline(always)]
    fn rows<const N: usize>(value: u8, out: &mut [u8], stride: usize) {
        // One bounds check for the whole block.
        let Some(out) = out.get_mut(..(N - 1) * stride + N) else { return };
        for row in 0..N {
            if let Some(row) = out[row * stride..].first_chunk_mut::<N>() {
                *row = [value; N];
            }
        }
    }
    match size {
        8 => rows::<8>(value, out, stride),
        7 => rows::<7>(value, out, stride),
        6 => rows::<6>(value, out, stride),
        5 => rows::<5>(value, out, stride),
        4 => rows::<4>(value, out, stride),
        3 => rows::<3>(value, out, stride),
        2 => rows::<2>(value, out, stride),
        _ => out[0] = value,
    }
}

/// Zeroes a block of coefficients, with vector stores where there are any (a 128-byte memset is
/// a `memory.fill` call in WebAssembly).
#[inline(always)]
pub(crate) fn clear(block: &mut [i16; 64]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    simd128::clear(block);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        *block = [0; 64];
    }
}

#[inline(always)]
fn clamp_u8(x: i32) -> u8 {
    x.clamp(0, 255) as u8
}

#[inline]
fn idct8(coef: &[i16; 64], quant: &[u16; 64], out: &mut [u8], stride: usize) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    simd128::idct8(coef, quant, out, stride);
    #[cfg(target_arch = "x86_64")]
    sse2::idct8(coef, quant, out, stride);
    #[cfg(not(any(all(target_arch = "wasm32", target_feature = "simd128"), target_arch = "x86_64")))]
    idct8_scalar(coef, quant, out, stride);
}

#[inline]
fn idct4(coef: &[i16; 64], quant: &[u16; 64], out: &mut [u8], stride: usize) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    simd128::idct4(coef, quant, out, stride);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    idct4_scalar(coef, quant, out, stride);
}

/// The N×N transforms of `scaled` (N = 3, 5, 6, 7).
#[inline(always)]
fn scaled_idct<const N: usize>(table: &[[i32; N]; N], coef: &[i16; 64], quant: &[u16; 64], out: &mut [u8], stride: usize) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    simd128::idct_scaled(table, coef, quant, out, stride);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    match N {
        3 => scaled::idct3(coef, quant, out, stride),
        _ => scaled::idct(table, coef, quant, out, stride),
    }
}

/// One 8-point pass of the islow IDCT over `x` (dequantised coefficients or first-pass values),
/// as the SIMD code computes it per lane; returns the outputs before descaling.
#[cfg_attr(any(all(target_arch = "wasm32", target_feature = "simd128"), target_arch = "x86_64"), allow(dead_code))] // The SIMD code's reference.
#[inline(always)]
fn islow_1d(x: [i16; 8]) -> [i32; 8] {
    use fix::*;
    // Two 16-bit values times two constants, summed in 32 bits (i32x4_dot_i16x8).
    let dot = |a: i16, b: i16, ca: i32, cb: i32| (i32::from(a) * ca).wrapping_add(i32::from(b) * cb);
    // Even part.
    let tmp3 = dot(x[2], x[6], F0541 + F0765, F0541);
    let tmp2 = dot(x[2], x[6], F0541, F0541 - F1847);
    let tmp0 = i32::from(x[0].wrapping_add(x[4])) << 13;
    let tmp1 = i32::from(x[0].wrapping_sub(x[4])) << 13;
    let (tmp10, tmp13) = (tmp0.wrapping_add(tmp3), tmp0.wrapping_sub(tmp3));
    let (tmp11, tmp12) = (tmp1.wrapping_add(tmp2), tmp1.wrapping_sub(tmp2));
    // Odd part, with libjpeg's z1…z5 folded into pairs of products.
    let (z3, z4) = (x[7].wrapping_add(x[3]), x[5].wrapping_add(x[1]));
    let z3 = dot(z3, z4, F1175 - F1961, F1175);
    let z4 = dot(x[7].wrapping_add(x[3]), x[5].wrapping_add(x[1]), F1175, F1175 - F0390);
    let t0 = dot(x[7], x[1], F0298 - F0899, -F0899).wrapping_add(z3);
    let t3 = dot(x[7], x[1], -F0899, F1501 - F0899).wrapping_add(z4);
    let t1 = dot(x[5], x[3], F2053 - F2562, -F2562).wrapping_add(z4);
    let t2 = dot(x[5], x[3], -F2562, F3072 - F2562).wrapping_add(z3);
    [
        tmp10.wrapping_add(t3),
        tmp11.wrapping_add(t2),
        tmp12.wrapping_add(t1),
        tmp13.wrapping_add(t0),
        tmp13.wrapping_sub(t0),
        tmp12.wrapping_sub(t1),
        tmp11.wrapping_sub(t2),
        tmp10.wrapping_sub(t3),
    ]
}

/// Rounds away `shift` bits and saturates to 16 bits (i16x8_narrow_i32x4).
#[cfg_attr(any(all(target_arch = "wasm32", target_feature = "simd128"), target_arch = "x86_64"), allow(dead_code))] // The SIMD code's reference.
#[inline(always)]
fn descale(x: i32, shift: u32) -> i16 {
    (x.wrapping_add(1 << (shift - 1)) >> shift).clamp(-32768, 32767) as i16
}

#[cfg_attr(any(all(target_arch = "wasm32", target_feature = "simd128"), target_arch = "x86_64"), allow(dead_code))] // The SIMD code's reference.
pub(crate) fn idct8_scalar(coef: &[i16; 64], quant: &[u16; 64], out: &mut [u8], stride: usize) {
    // Pass 1: columns, into a workspace scaled up by 2^2 (PASS1_BITS).
    let mut work = [[0i16; 8]; 8];
    for col in 0..8 {
        let x: [i16; 8] = std::array::from_fn(|row| coef[row * 8 + col].wrapping_mul(quant[row * 8 + col] as i16));
        let y = islow_1d(x);
        for row in 0..8 {
            work[row][col] = descale(y[row], 11);
        }
    }
    // Pass 2: rows, removing the 2^2, the 2^13 of the constants and the 8 of the transform.
    for (row, samples) in work.iter().zip(out.chunks_mut(stride)) {
        let y = islow_1d(*row);
        for (sample, value) in samples[..8].iter_mut().zip(y) {
            *sample = (i32::from(descale(value, 18)).clamp(-128, 127) + 128) as u8;
        }
    }
}

#[cfg_attr(all(target_arch = "wasm32", target_feature = "simd128"), allow(dead_code))] // The reference for simd128.
pub(crate) fn idct4_scalar(coef: &[i16; 64], quant: &[u16; 64], out: &mut [u8], stride: usize) {
    let dq = |i: usize| i32::from(coef[i]).wrapping_mul(i32::from(quant[i]));
    let mut temp = [0i32; 16];
    for i in 0..4 {
        let (s0, s1, s2, s3) = (dq(i), dq(i + 8), dq(i + 16), dq(i + 24));
        let x0 = s0.wrapping_add(s2) << 2;
        let x2 = s0.wrapping_sub(s2) << 2;
        let p1 = s1.wrapping_add(s3).wrapping_mul(R0541);
        let t0 = p1.wrapping_add(s3.wrapping_mul(R1847)).wrapping_add(512) >> 10;
        let t2 = p1.wrapping_add(s1.wrapping_mul(R0765)).wrapping_add(512) >> 10;
        temp[i] = x0.wrapping_add(t2);
        temp[i + 12] = x0.wrapping_sub(t2);
        temp[i + 4] = x2.wrapping_add(t0);
        temp[i + 8] = x2.wrapping_sub(t0);
    }
    for (i, samples) in out.chunks_mut(stride).take(4).enumerate() {
        let (s0, s1, s2, s3) = (temp[i * 4], temp[i * 4 + 1], temp[i * 4 + 2], temp[i * 4 + 3]);
        let bias = (1 << 16) + (128 << 17);
        let x0 = (s0.wrapping_add(s2) << 12).wrapping_add(bias);
        let x2 = (s0.wrapping_sub(s2) << 12).wrapping_add(bias);
        let p1 = s1.wrapping_add(s3).wrapping_mul(R0541);
        let t0 = p1.wrapping_add(s3.wrapping_mul(R1847));
        let t2 = p1.wrapping_add(s1.wrapping_mul(R0765));
        samples[0] = clamp_u8(x0.wrapping_add(t2) >> 17);
        samples[3] = clamp_u8(x0.wrapping_sub(t2) >> 17);
        samples[1] = clamp_u8(x2.wrapping_add(t0) >> 17);
        samples[2] = clamp_u8(x2.wrapping_sub(t0) >> 17);
    }
}

fn idct2(coef: &[i16; 64], quant: &[u16; 64], out: &mut [u8], stride: usize) {
    let dq = |i: usize| i32::from(coef[i]).wrapping_mul(i32::from(quant[i]));
    let (x0, x2) = (dq(0).wrapping_add(dq(8)), dq(0).wrapping_sub(dq(8)));
    let (x1, x3) = (dq(1).wrapping_add(dq(9)), dq(1).wrapping_sub(dq(9)));
    let bias = 4 + (128 << 3);
    let (x0, x2) = (x0.wrapping_add(bias), x2.wrapping_add(bias));
    out[0] = clamp_u8(x0.wrapping_add(x1) >> 3);
    out[1] = clamp_u8(x0.wrapping_sub(x1) >> 3);
    out[stride] = clamp_u8(x2.wrapping_add(x3) >> 3);
    out[stride + 1] = clamp_u8(x2.wrapping_sub(x3) >> 3);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small deterministic generator (xorshift) for test data.
    pub(crate) struct Noise(u64);

    impl Noise {
        pub fn new(seed: u64) -> Self {
            Self(seed | 1)
        }
        pub fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        /// A value in `-range..=range`.
        pub fn signed(&mut self, range: i32) -> i32 {
            (self.next() % (2 * range as u64 + 1)) as i32 - range
        }
    }

    /// Coefficients like a photo's: large at low frequencies, mostly zero higher up.
    fn photo_block(noise: &mut Noise) -> ([i16; 64], [u16; 64]) {
        let mut coef = [0i16; 64];
        let quant: [u16; 64] = std::array::from_fn(|i| 2 + (i as u16 % 8 + i as u16 / 8) * 3);
        for (i, c) in coef.iter_mut().enumerate() {
            let (u, v) = (i % 8, i / 8);
            let range = 600 / (1 + (u + v) as i32 * 3) / i32::from(quant[i]);
            if noise.next().is_multiple_of(3) || i == 0 {
                *c = noise.signed(range.max(1)) as i16;
            }
        }
        (coef, quant)
    }

    /// The IDCT in floating point, T.81 A.3.3, at size×size from the lowest coefficients scaled
    /// as Dugad and Ahuja do (the 8-point normalisation, so values stay in sample units).
    fn reference(size: usize, coef: &[i16; 64], quant: &[u16; 64]) -> Vec<f64> {
        let n = size as f64;
        let c = |k: usize| if k == 0 { (0.5f64).sqrt() } else { 1.0 };
        let mut out = vec![0.0; size * size];
        for y in 0..size {
            for x in 0..size {
                let mut sum = 0.0;
                for v in 0..size {
                    for u in 0..size {
                        let f = f64::from(coef[v * 8 + u]) * f64::from(quant[v * 8 + u]);
                        let cos = |p: usize, k: usize| ((2 * p + 1) as f64 * k as f64 * std::f64::consts::PI / (2.0 * n)).cos();
                        sum += c(u) * c(v) * f * cos(x, u) * cos(y, v);
                    }
                }
                // 2/N × the N-point scaling, then the 8-point normalisation (÷ 8/N in energy).
                out[y * size + x] = (sum * 2.0 / n * n / 8.0 + 128.0).clamp(0.0, 255.0);
            }
        }
        out
    }

    fn decode(size: usize, coef: &[i16; 64], quant: &[u16; 64]) -> Vec<u8> {
        let mut out = vec![0u8; 8 * 8];
        idct(size, coef, quant, &mut out, 8);
        out.chunks(8).take(size).flat_map(|row| row[..size].to_vec()).collect()
    }

    #[test]
    fn every_size_is_within_rounding_of_the_exact_transform() {
        let mut noise = Noise::new(7);
        for size in [8, 7, 6, 5, 4, 3, 2, 1] {
            let mut worst = 0.0f64;
            for _ in 0..2000 {
                let (coef, quant) = photo_block(&mut noise);
                let got = decode(size, &coef, &quant);
                let want = reference(size, &coef, &quant);
                for (g, w) in got.iter().zip(&want) {
                    worst = worst.max((f64::from(*g) - w).abs());
                }
            }
            assert!(worst <= 1.5, "size {size}: off by up to {worst}");
        }
    }

    #[test]
    fn blocks_without_ac_fill_with_the_transforms_own_value() {
        let mut noise = Noise::new(3);
        for size in [8, 7, 6, 5, 4, 3, 2, 1] {
            for _ in 0..5000 {
                let mut coef = [0i16; 64];
                // Include absurd values: damaged data must not tell the two apart either.
                let range = if noise.next().is_multiple_of(4) { 32767 } else { 300 };
                coef[0] = noise.signed(range) as i16;
                let q: u16 = if noise.next().is_multiple_of(8) { noise.next() as u16 } else { 1 + (noise.next() % 60) as u16 };
                let mut quant = [1u16; 64];
                quant[0] = q;
                let full = decode(size, &coef, &quant);
                let value = dc_sample(size, coef[0], q);
                assert!(full.iter().all(|&s| s == value), "size {size}, dc {} q {q}: {full:?} vs {value}", coef[0]);
            }
        }
    }

    /// Runs only where simd128 is compiled in (the WebAssembly test build).
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[test]
    fn simd128_gives_the_scalar_samples_for_any_input() {
        let mut noise = Noise::new(11);
        for round in 0..20_000 {
            let (mut coef, mut quant) = photo_block(&mut noise);
            if round % 4 == 0 {
                // Damaged data: any values at all.
                coef = std::array::from_fn(|_| noise.next() as i16);
                quant = std::array::from_fn(|_| noise.next() as u16);
            }
            type Idct = fn(&[i16; 64], &[u16; 64], &mut [u8], usize);
            let pairs: [(usize, Idct, Idct); 6] = [
                (8, simd128::idct8, idct8_scalar),
                (7, |c, q, o, s| simd128::idct_scaled(&scaled::K7, c, q, o, s), |c, q, o, s| scaled::idct(&scaled::K7, c, q, o, s)),
                (6, |c, q, o, s| simd128::idct_scaled(&scaled::K6, c, q, o, s), |c, q, o, s| scaled::idct(&scaled::K6, c, q, o, s)),
                (5, |c, q, o, s| simd128::idct_scaled(&scaled::K5, c, q, o, s), |c, q, o, s| scaled::idct(&scaled::K5, c, q, o, s)),
                (4, simd128::idct4, idct4_scalar),
                (3, |c, q, o, s| simd128::idct_scaled(&scaled::K3, c, q, o, s), scaled::idct3),
            ];
            for (size, simd, scalar) in pairs {
                // The same bytes around the block too: neither writes past its N×N.
                let (mut a, mut b) = ([0xA5u8; 64], [0xA5u8; 64]);
                simd(&coef, &quant, &mut a, 8);
                scalar(&coef, &quant, &mut b, 8);
                assert_eq!(a, b, "size {size}, round {round}");
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn sse2_gives_the_scalar_samples_for_any_input() {
        let mut noise = Noise::new(13);
        for round in 0..20_000 {
            let (mut coef, mut quant) = photo_block(&mut noise);
            if round % 4 == 0 {
                coef = std::array::from_fn(|_| noise.next() as i16);
                quant = std::array::from_fn(|_| noise.next() as u16);
            }
            let (mut a, mut b) = ([0u8; 64], [0u8; 64]);
            sse2::idct8(&coef, &quant, &mut a, 8);
            idct8_scalar(&coef, &quant, &mut b, 8);
            assert_eq!(a, b, "round {round}");
        }
    }

    #[test]
    fn a_flat_block_decodes_to_its_mean() {
        let mut coef = [0i16; 64];
        let quant = [1u16; 64];
        // DC = 8 × (mean − 128).
        coef[0] = 8 * (200 - 128);
        for size in [8, 7, 6, 5, 4, 3, 2, 1] {
            assert!(decode(size, &coef, &quant).iter().all(|&s| s == 200), "size {size}");
        }
    }
}
