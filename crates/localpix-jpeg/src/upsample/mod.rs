//! Chroma upsampling, one output row at a time, with libjpeg's filters and edge rules: the
//! "fancy" triangle filters for 2:1 ratios (3/4 of the nearer sample, 1/4 of the farther, with
//! libjpeg's alternating rounding), plain replication for other integer ratios and at 1/8 scale.

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Upsampling {
    /// The component is at the output's resolution.
    None,
    /// 2:1 across (libjpeg's `h2v1_fancy_upsample`).
    H2V1Fancy,
    /// 2:1 down (`h1v2_fancy_upsample`).
    H1V2Fancy,
    /// 2:1 both ways (`h2v2_fancy_upsample`).
    H2V2Fancy,
    /// Each sample repeated `h` times across and `v` times down (`int_upsample`, and libjpeg's
    /// plain 2:1 methods).
    Replicate { h: usize, v: usize },
}

impl Upsampling {
    /// libjpeg's choice (`jinit_upsampler`) for a component `h`×`v` times smaller than the output
    /// and `width` samples wide; `fancy` is false at 1/8 scale.
    pub fn choose(h: usize, v: usize, fancy: bool, width: usize) -> Self {
        match (h, v) {
            (1, 1) => Upsampling::None,
            (2, 1) if fancy && width > 2 => Upsampling::H2V1Fancy,
            (1, 2) if fancy => Upsampling::H1V2Fancy,
            (2, 2) if fancy && width > 2 => Upsampling::H2V2Fancy,
            (h, v) => Upsampling::Replicate { h, v },
        }
    }

    /// The component rows output row `y` is made from: the nearer and, for the vertical
    /// filters, the farther one (the same row at the image's edges). `height` is the
    /// component's row count.
    pub fn source_rows(self, y: usize, height: usize) -> (usize, usize) {
        let last = height - 1;
        match self {
            Upsampling::None | Upsampling::H2V1Fancy => (y.min(last), y.min(last)),
            Upsampling::Replicate { v, .. } => ((y / v).min(last), (y / v).min(last)),
            Upsampling::H1V2Fancy | Upsampling::H2V2Fancy => {
                let near = (y / 2).min(last);
                let far = if y.is_multiple_of(2) { near.saturating_sub(1) } else { (near + 1).min(last) };
                (near, far)
            }
        }
    }

    /// Writes output row `y` (at least `out.len()` samples) from the component rows `near` and
    /// `far` that [`Self::source_rows`] named, each the component's width long.
    pub fn row(self, y: usize, near: &[u8], far: &[u8], out: &mut [u8]) {
        match self {
            Upsampling::None => out.copy_from_slice(&near[..out.len()]),
            Upsampling::H2V1Fancy => h2v1_fancy(near, out),
            Upsampling::H1V2Fancy => {
                // The row above rounds down, the row below up.
                let bias = if y.is_multiple_of(2) { 1 } else { 2 };
                for ((o, &n), &f) in out.iter_mut().zip(near).zip(far) {
                    *o = ((3 * u16::from(n) + u16::from(f) + bias) >> 2) as u8;
                }
            }
            Upsampling::H2V2Fancy => h2v2_fancy(near, far, out),
            Upsampling::Replicate { h, .. } => {
                for (chunk, &sample) in out.chunks_mut(h).zip(near) {
                    chunk.fill(sample);
                }
            }
        }
    }
}

/// `out[2i]` and `out[2i + 1]` from input sample i and its left and right neighbours; the edge
/// samples stand in for missing neighbours, which gives libjpeg's special first and last
/// columns. `out` may be shorter than twice the input (the output's width).
fn h2v1_fancy(input: &[u8], out: &mut [u8]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let start = simd128::h2v1_fancy(input, out);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let start = h2v1_fancy_interior(input, out);
    h2v1_fancy_scalar(input, out, start);
}

/// Samples 1.. of `h2v1_fancy_scalar` as one loop over neighbour triples with no edge cases,
/// which the compiler vectorises. Returns where the edge code must continue.
#[cfg_attr(all(target_arch = "wasm32", target_feature = "simd128"), allow(dead_code))]
fn h2v1_fancy_interior(input: &[u8], out: &mut [u8]) -> usize {
    let inner = input.len().saturating_sub(2).min(out.len().saturating_sub(2) / 2);
    for (triple, pair) in input.windows(3).take(inner).zip(out[2..].chunks_exact_mut(2)) {
        let three = 3 * u16::from(triple[1]);
        pair[0] = ((three + u16::from(triple[0]) + 1) >> 2) as u8;
        pair[1] = ((three + u16::from(triple[2]) + 2) >> 2) as u8;
    }
    inner + 1
}

fn h2v1_fancy_scalar(input: &[u8], out: &mut [u8], start: usize) {
    let n = input.len();
    // Sample 0, then what the SIMD code left (it starts at 1).
    for i in (0..1).chain(start.max(1)..n) {
        let left = u16::from(input[i.saturating_sub(1)]);
        let right = u16::from(input[(i + 1).min(n - 1)]);
        let three = 3 * u16::from(input[i]);
        if let Some(o) = out.get_mut(2 * i) {
            *o = ((three + left + 1) >> 2) as u8;
        }
        if let Some(o) = out.get_mut(2 * i + 1) {
            *o = ((three + right + 2) >> 2) as u8;
        }
    }
}

/// Vertical then horizontal triangle filter: column sums 3·near + far, then 3·this + neighbour.
fn h2v2_fancy(near: &[u8], far: &[u8], out: &mut [u8]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let start = simd128::h2v2_fancy(near, far, out);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let start = 0;
    h2v2_fancy_scalar(near, far, out, start);
}

fn h2v2_fancy_scalar(near: &[u8], far: &[u8], out: &mut [u8], start: usize) {
    let n = near.len().min(far.len());
    let sum = |i: usize| 3 * u16::from(near[i]) + u16::from(far[i]);
    for i in (0..1).chain(start.max(1)..n) {
        let this = 3 * sum(i);
        if let Some(o) = out.get_mut(2 * i) {
            *o = ((this + sum(i.saturating_sub(1)) + 8) >> 4) as u8;
        }
        if let Some(o) = out.get_mut(2 * i + 1) {
            *o = ((this + sum((i + 1).min(n - 1)) + 7) >> 4) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chooses_as_libjpeg_does() {
        assert_eq!(Upsampling::choose(2, 1, true, 100), Upsampling::H2V1Fancy);
        assert_eq!(Upsampling::choose(2, 2, true, 2), Upsampling::Replicate { h: 2, v: 2 });
        assert_eq!(Upsampling::choose(2, 2, false, 100), Upsampling::Replicate { h: 2, v: 2 });
        assert_eq!(Upsampling::choose(1, 2, true, 1), Upsampling::H1V2Fancy);
        assert_eq!(Upsampling::choose(4, 1, true, 100), Upsampling::Replicate { h: 4, v: 1 });
    }

    #[test]
    fn fancy_filters_keep_the_edges_and_blend_inside() {
        let mut out = [0u8; 8];
        h2v1_fancy(&[0, 100, 200, 40], &mut out);
        // First and last samples copied; 3/4 + 1/4 between, rounding as libjpeg.
        assert_eq!(out, [0, 25, 75, 125, 175, 160, 80, 40]);
        let mut out = [0u8; 4];
        h2v2_fancy(&[0, 160], &[160, 0], &mut out);
        // Column sums 160 and 480: (4·160+8)>>4, (3·160+480+7)>>4, (3·480+160+8)>>4, (4·480+7)>>4.
        assert_eq!(out, [40, 60, 100, 120]);
    }

    #[test]
    fn vertical_neighbours_stop_at_the_edges() {
        let f = Upsampling::H2V2Fancy;
        assert_eq!(f.source_rows(0, 5), (0, 0));
        assert_eq!(f.source_rows(1, 5), (0, 1));
        assert_eq!(f.source_rows(2, 5), (1, 0));
        assert_eq!(f.source_rows(9, 5), (4, 4));
        assert_eq!(Upsampling::Replicate { h: 2, v: 2 }.source_rows(3, 5), (1, 1));
    }

    #[test]
    fn long_rows_match_sample_by_sample_filtering() {
        // Long enough for the SIMD paths, with an odd length for their tails.
        let a: Vec<u8> = (0..103u32).map(|i| (i * 97 % 256) as u8).collect();
        let b: Vec<u8> = (0..103u32).map(|i| (i * 31 % 256) as u8).collect();
        let mut fast = vec![0u8; 205];
        let mut slow = vec![0u8; 205];
        h2v1_fancy(&a, &mut fast);
        h2v1_fancy_scalar(&a, &mut slow, 0);
        assert_eq!(fast, slow);
        h2v2_fancy(&a, &b, &mut fast);
        h2v2_fancy_scalar(&a, &b, &mut slow, 0);
        assert_eq!(fast, slow);
    }
}
