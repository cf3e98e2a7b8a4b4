//! From component rows to the output's interleaved pixels: libjpeg's YCbCr → RGB conversion
//! (its fixed-point tables as arithmetic, so results equal djpeg's), and CMYK as ink amounts.

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128;

/// What the components of a frame hold (libjpeg's `jpeg_color_space`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ColorSpace {
    Gray,
    YCbCr,
    Rgb,
    /// Adobe's inverted CMYK (0 is full ink).
    Cmyk,
    /// Adobe's YCbCr-transformed CMY, plus inverted K.
    Ycck,
}

impl ColorSpace {
    /// libjpeg's guess (`default_decompress_parms`): JFIF first, then Adobe's transform flag,
    /// then the component identifiers.
    pub fn guess(component_ids: &[u8], jfif: bool, adobe_transform: Option<u8>) -> Self {
        match component_ids {
            [_] => ColorSpace::Gray,
            [a, b, c] => match (jfif, adobe_transform) {
                (true, _) => ColorSpace::YCbCr,
                (false, Some(0)) => ColorSpace::Rgb,
                (false, Some(_)) => ColorSpace::YCbCr,
                (false, None) if (*a, *b, *c) == (b'R', b'G', b'B') => ColorSpace::Rgb,
                (false, None) => ColorSpace::YCbCr,
            },
            _ => match adobe_transform {
                Some(0) | None => ColorSpace::Cmyk,
                Some(_) => ColorSpace::Ycck,
            },
        }
    }

    /// Bytes per output pixel: grey, RGB, or CMYK ink amounts.
    pub fn output_channels(self) -> usize {
        match self {
            ColorSpace::Gray => 1,
            ColorSpace::YCbCr | ColorSpace::Rgb => 3,
            ColorSpace::Cmyk | ColorSpace::Ycck => 4,
        }
    }
}

/// Fills one output row from one row of each component (already at the output's width).
pub(crate) fn convert_row(space: ColorSpace, rows: &[&[u8]], out: &mut [u8]) {
    match (space, rows) {
        (ColorSpace::Gray, [y, ..]) => out.copy_from_slice(&y[..out.len()]),
        (ColorSpace::YCbCr, [y, cb, cr, ..]) => ycc_to_rgb(y, cb, cr, out),
        (ColorSpace::Rgb, [r, g, b, ..]) => {
            for (((p, &r), &g), &b) in out.chunks_exact_mut(3).zip(*r).zip(*g).zip(*b) {
                p.copy_from_slice(&[r, g, b]);
            }
        }
        (ColorSpace::Cmyk, [c, m, y, k, ..]) => {
            for ((((p, &c), &m), &y), &k) in out.chunks_exact_mut(4).zip(*c).zip(*m).zip(*y).zip(*k) {
                p.copy_from_slice(&[255 - c, 255 - m, 255 - y, 255 - k]);
            }
        }
        (ColorSpace::Ycck, [y, cb, cr, k, ..]) => {
            // libjpeg's ycck_cmyk_convert gives 255 − R, 255 − G, 255 − B and K: ink amounts
            // are R, G, B and 255 − K.
            for ((((p, &y), &cb), &cr), &k) in out.chunks_exact_mut(4).zip(*y).zip(*cb).zip(*cr).zip(*k) {
                let [r, g, b] = ycc_pixel(y, cb, cr);
                p.copy_from_slice(&[r, g, b, 255 - k]);
            }
        }
        _ => unreachable!("the frame has as many component rows as its colour space needs"),
    }
}

/// libjpeg's `ycc_rgb_convert`: FIX(1.40200) = 91881 and so on, in 16-bit fixed point.
#[inline(always)]
fn ycc_pixel(y: u8, cb: u8, cr: u8) -> [u8; 3] {
    let (y, cb, cr) = (i32::from(y), i32::from(cb) - 128, i32::from(cr) - 128);
    let r = y + ((91881 * cr + 32768) >> 16);
    let g = y + ((-22554 * cb - 46802 * cr + 32768) >> 16);
    let b = y + ((116130 * cb + 32768) >> 16);
    [r.clamp(0, 255) as u8, g.clamp(0, 255) as u8, b.clamp(0, 255) as u8]
}

fn ycc_to_rgb(y: &[u8], cb: &[u8], cr: &[u8], out: &mut [u8]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let done = simd128::ycc_to_rgb(y, cb, cr, out);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let done = ycc_to_rgb_in_runs(y, cb, cr, out);
    for (((p, &y), &cb), &cr) in out.chunks_exact_mut(3).zip(y).zip(cb).zip(cr).skip(done) {
        p.copy_from_slice(&ycc_pixel(y, cb, cr));
    }
}

/// The scalar conversion 16 pixels at a time, channels apart and then interleaved: a shape the
/// compiler vectorises (pixel by pixel it does not). Returns how many pixels it converted.
#[cfg_attr(all(target_arch = "wasm32", target_feature = "simd128"), allow(dead_code))]
fn ycc_to_rgb_in_runs(y: &[u8], cb: &[u8], cr: &[u8], out: &mut [u8]) -> usize {
    const RUN: usize = 16;
    let n = y.len().min(cb.len()).min(cr.len()).min(out.len() / 3);
    let mut done = 0;
    while done + RUN <= n {
        let (Some(y), Some(cb), Some(cr)) =
            (y[done..].first_chunk::<RUN>(), cb[done..].first_chunk::<RUN>(), cr[done..].first_chunk::<RUN>())
        else {
            break;
        };
        let Some(out) = out[3 * done..].first_chunk_mut::<{ 3 * RUN }>() else { break };
        let mut channels = [[0u8; RUN]; 3];
        for i in 0..RUN {
            let [r, g, b] = ycc_pixel(y[i], cb[i], cr[i]);
            channels[0][i] = r;
            channels[1][i] = g;
            channels[2][i] = b;
        }
        for i in 0..RUN {
            out[3 * i] = channels[0][i];
            out[3 * i + 1] = channels[1][i];
            out[3 * i + 2] = channels[2][i];
        }
        done += RUN;
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_the_colour_space_as_libjpeg_does() {
        assert_eq!(ColorSpace::guess(&[1, 2, 3], false, None), ColorSpace::YCbCr);
        assert_eq!(ColorSpace::guess(b"RGB", false, None), ColorSpace::Rgb);
        assert_eq!(ColorSpace::guess(b"RGB", true, None), ColorSpace::YCbCr);
        assert_eq!(ColorSpace::guess(&[1, 2, 3], false, Some(0)), ColorSpace::Rgb);
        assert_eq!(ColorSpace::guess(&[1, 2, 3, 4], false, None), ColorSpace::Cmyk);
        assert_eq!(ColorSpace::guess(&[1, 2, 3, 4], false, Some(2)), ColorSpace::Ycck);
        assert_eq!(ColorSpace::guess(&[7], false, Some(1)), ColorSpace::Gray);
    }

    #[test]
    fn converts_known_colours() {
        assert_eq!(ycc_pixel(128, 128, 128), [128, 128, 128]);
        // Pure red through the JFIF forward transform: Y 76, Cb 85, Cr 255.
        assert_eq!(ycc_pixel(76, 85, 255), [254, 0, 0]);
        assert_eq!(ycc_pixel(255, 0, 255), [255, 208, 28]);
    }

    #[test]
    fn long_rows_convert_as_single_pixels() {
        let n = 100;
        let y: Vec<u8> = (0..n).map(|i| (i * 37 % 256) as u8).collect();
        let cb: Vec<u8> = (0..n).map(|i| (i * 91 % 256) as u8).collect();
        let cr: Vec<u8> = (0..n).map(|i| (255 - i * 53 % 256) as u8).collect();
        let mut out = vec![0u8; n * 3];
        ycc_to_rgb(&y, &cb, &cr, &mut out);
        for i in 0..n {
            assert_eq!(out[i * 3..i * 3 + 3], ycc_pixel(y[i], cb[i], cr[i]), "pixel {i}");
        }
    }

    #[test]
    fn cmyk_becomes_ink_amounts() {
        let mut out = [0u8; 4];
        convert_row(ColorSpace::Cmyk, &[&[255], &[0], &[100], &[200]], &mut out);
        assert_eq!(out, [0, 255, 155, 55]);
    }
}
