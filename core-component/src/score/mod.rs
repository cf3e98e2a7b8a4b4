//! How close an output looks to the pixels it was made from: SSIMULACRA2, the perceptual metric
//! that judges quality here (automatic quality searches on it), and SSIM on luma, the classic.
//!
//! SSIMULACRA2 is our own implementation ([`ssimulacra2`]): the reference algorithm with the
//! rust-av crate's exact arithmetic (scores equal within 1e-6), 13× faster natively and 4× in
//! wasm, because the crate took over a second for one 1920×1080 comparison.
//!
//! Both compare two images of one size; transparent pixels are first laid on white in both, as a
//! page would show them.

mod ssimulacra2;

use localpix_contract::QualityScore;

pub use self::ssimulacra2::Reference;
use crate::pixels::{Layout, Pixels};

/// Scores `candidate` against `reference` (same size). `None` when the image is too small for
/// SSIMULACRA2 (under 8×8) or the sizes differ.
pub fn score(reference: &Pixels, candidate: &Pixels) -> Option<QualityScore> {
    if reference.size != candidate.size {
        return None;
    }
    let (a, b) = (rgb(reference), rgb(candidate));
    Some(QualityScore { ssimulacra2: ssimulacra2(&a, &b, reference)?, ssim: ssim(&a, &b, reference.size.width as usize) })
}

/// The SSIMULACRA2 score alone (what the quality search needs).
pub fn ssimulacra2_of(reference: &Pixels, candidate: &Pixels) -> Option<f32> {
    if reference.size != candidate.size {
        return None;
    }
    ssimulacra2(&rgb(reference), &rgb(candidate), reference)
}

fn ssimulacra2(a: &[[u8; 3]], b: &[[u8; 3]], like: &Pixels) -> Option<f32> {
    let (w, h) = (like.size.width as usize, like.size.height as usize);
    self::ssimulacra2::ssimulacra2(a.as_flattened(), b.as_flattened(), w, h).map(|score| score as f32)
}

/// A reference prepared once, for scoring many candidates against it (the quality search).
pub fn reference(pixels: &Pixels) -> Option<Reference> {
    Reference::new(rgb(pixels).as_flattened(), pixels.size.width as usize, pixels.size.height as usize)
}

/// The SSIMULACRA2 score of `candidate` against a prepared reference of the same size.
pub fn ssimulacra2_against(reference: &Reference, candidate: &Pixels) -> Option<f32> {
    reference.score(rgb(candidate).as_flattened()).map(|score| score as f32)
}

/// Where `candidate` differs from `reference` (same size): each channel's absolute difference times
/// `magnify`, as opaque RGB, black where they are the same.
pub fn difference_map(reference: &Pixels, candidate: &Pixels, magnify: u8) -> Pixels {
    let data = rgb(reference)
        .iter()
        .zip(rgb(candidate))
        .flat_map(|(a, b)| std::array::from_fn::<u8, 3, _>(|c| (u32::from(a[c].abs_diff(b[c])) * u32::from(magnify)).min(255) as u8))
        .collect();
    Pixels::new(Layout::Rgb, reference.size, data)
}

/// Every pixel as opaque 8-bit RGB, transparency laid on white.
fn rgb(pixels: &Pixels) -> Vec<[u8; 3]> {
    let over_white = |v: u8, a: u8| ((u32::from(v) * u32::from(a) + 255 * (255 - u32::from(a)) + 127) / 255) as u8;
    match pixels.layout {
        Layout::Gray => pixels.data.iter().map(|&g| [g; 3]).collect(),
        Layout::GrayAlpha => pixels.data.chunks_exact(2).map(|p| [over_white(p[0], p[1]); 3]).collect(),
        Layout::Rgb => pixels.data.chunks_exact(3).map(|p| [p[0], p[1], p[2]]).collect(),
        Layout::Rgba => pixels.data.chunks_exact(4).map(|p| [p[0], p[1], p[2]].map(|v| over_white(v, p[3]))).collect(),
    }
}

/// SSIM (Wang et al. 2004) on BT.601 luma, with the usual 11×11 Gaussian window (σ = 1.5), averaged
/// over the image.
fn ssim(a: &[[u8; 3]], b: &[[u8; 3]], width: usize) -> f32 {
    let luma = |p: &[u8; 3]| 0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2]);
    let x: Vec<f32> = a.iter().map(luma).collect();
    let y: Vec<f32> = b.iter().map(luma).collect();
    let height = x.len() / width.max(1);
    let product = |p: &[f32], q: &[f32]| p.iter().zip(q).map(|(u, v)| u * v).collect::<Vec<f32>>();
    let [mx, my, xx, yy, xy] =
        [x.clone(), y.clone(), product(&x, &x), product(&y, &y), product(&x, &y)].map(|v| gaussian(&v, width, height));
    let (c1, c2) = ((0.01f32 * 255.0).powi(2), (0.03f32 * 255.0).powi(2));
    let total: f64 = (0..x.len())
        .map(|i| {
            let (mx, my) = (mx[i], my[i]);
            let (vx, vy, cov) = (xx[i] - mx * mx, yy[i] - my * my, xy[i] - mx * my);
            f64::from(((2.0 * mx * my + c1) * (2.0 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2)))
        })
        .sum();
    (total / x.len().max(1) as f64) as f32
}

/// An 11-tap Gaussian blur (σ = 1.5), separable, edges clamped.
fn gaussian(values: &[f32], width: usize, height: usize) -> Vec<f32> {
    let weights: [f32; 11] = std::array::from_fn(|i| (-((i as f32 - 5.0).powi(2)) / (2.0 * 1.5 * 1.5)).exp());
    let sum: f32 = weights.iter().sum();
    let weights = weights.map(|w| w / sum);
    let pass = |input: &[f32], along_rows: bool| -> Vec<f32> {
        (0..width * height)
            .map(|i| {
                let (px, py) = (i % width, i / width);
                weights
                    .iter()
                    .enumerate()
                    .map(|(k, w)| {
                        let offset = k as isize - 5;
                        let at = if along_rows {
                            py * width + (px as isize + offset).clamp(0, width as isize - 1) as usize
                        } else {
                            (py as isize + offset).clamp(0, height as isize - 1) as usize * width + px
                        };
                        w * input[at]
                    })
                    .sum()
            })
            .collect()
    };
    pass(&pass(values, true), false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dimensions;

    fn noise(seed: u32, size: Dimensions) -> Pixels {
        let mut state = seed;
        let data = (0..size.pixels() * 3)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 24) as u8
            })
            .collect();
        Pixels::new(Layout::Rgb, size, data)
    }

    #[test]
    fn identical_images_score_perfectly_and_different_ones_do_not() {
        let size = Dimensions::new(64, 48);
        let a = noise(1, size);
        let same = score(&a, &a).unwrap();
        assert!(same.ssimulacra2 > 99.0 && same.ssim > 0.999, "{same:?}");
        let other = score(&a, &noise(2, size)).unwrap();
        assert!(other.ssimulacra2 < 30.0 && other.ssim < 0.2, "{other:?}");
    }

    #[test]
    fn the_difference_map_is_black_where_nothing_changed() {
        let size = Dimensions::new(16, 8);
        let a = noise(3, size);
        let same = difference_map(&a, &a, 8);
        assert!(same.data.iter().all(|&v| v == 0));
        let mut b = a.clone();
        b.data[0] = b.data[0].wrapping_add(3);
        let map = difference_map(&a, &b, 10);
        assert_eq!(map.data[0], 30);
        assert!(map.data[1..].iter().all(|&v| v == 0));
    }

    #[test]
    fn too_small_or_mismatched_gives_no_score() {
        assert_eq!(score(&noise(1, Dimensions::new(4, 4)), &noise(1, Dimensions::new(4, 4))), None);
        assert_eq!(score(&noise(1, Dimensions::new(16, 16)), &noise(1, Dimensions::new(16, 8))), None);
    }
}
