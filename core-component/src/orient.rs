//! EXIF orientation: how stored pixels are turned to show the picture upright.
//!
//! The pipeline resizes first and orients last, so the turning touches the small image; crops
//! planned in displayed coordinates are mapped back to stored ones with [`Orientation::to_stored`].

use crate::pixels::Pixels;

pub use localpix_contract::Orientation;

/// A rectangle in pixel coordinates, fractional so that crops stay exact at any scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

/// What the engine does with an [`Orientation`]: map crops, turn pixels.
pub trait Turn {
    /// Maps a rectangle in displayed coordinates to stored coordinates, for a stored image of
    /// `stored_width` × `stored_height` (in the same units as the rectangle).
    fn to_stored(self, r: Rect, stored_width: f64, stored_height: f64) -> Rect;

    /// The pixels turned upright.
    fn apply(self, pixels: Pixels) -> Pixels;
}

impl Turn for Orientation {
    fn to_stored(self, r: Rect, stored_width: f64, stored_height: f64) -> Rect {
        use Orientation::*;
        let (w, h) = (stored_width, stored_height);
        let (left, top, width, height) = match self {
            Normal => (r.left, r.top, r.width, r.height),
            FlipHorizontal => (w - r.left - r.width, r.top, r.width, r.height),
            Rotate180 => (w - r.left - r.width, h - r.top - r.height, r.width, r.height),
            FlipVertical => (r.left, h - r.top - r.height, r.width, r.height),
            Transpose => (r.top, r.left, r.height, r.width),
            Rotate90 => (r.top, h - r.left - r.width, r.height, r.width),
            Transverse => (w - r.top - r.height, h - r.left - r.width, r.height, r.width),
            Rotate270 => (w - r.top - r.height, r.left, r.height, r.width),
        };
        Rect { left, top, width, height }
    }

    fn apply(self, pixels: Pixels) -> Pixels {
        if self == Orientation::Normal {
            return pixels;
        }
        let data = match pixels.layout.channels() {
            1 => remap::<1>(self, &pixels),
            2 => remap::<2>(self, &pixels),
            3 => remap::<3>(self, &pixels),
            _ => remap::<4>(self, &pixels),
        };
        Pixels::new(pixels.layout, self.display(pixels.size), data)
    }
}

/// Builds the displayed image row by row, reading each pixel from where it is stored.
fn remap<const N: usize>(orientation: Orientation, pixels: &Pixels) -> Vec<u8> {
    use Orientation::*;
    let (w, h) = (pixels.size.width as usize, pixels.size.height as usize);
    let out_size = orientation.display(pixels.size);
    let (ow, oh) = (out_size.width as usize, out_size.height as usize);
    let src = &pixels.data;
    let mut out = Vec::with_capacity(src.len());
    for y in 0..oh {
        for x in 0..ow {
            let (sx, sy) = match orientation {
                Normal => (x, y),
                FlipHorizontal => (w - 1 - x, y),
                Rotate180 => (w - 1 - x, h - 1 - y),
                FlipVertical => (x, h - 1 - y),
                Transpose => (y, x),
                Rotate90 => (y, h - 1 - x),
                Transverse => (w - 1 - y, h - 1 - x),
                Rotate270 => (w - 1 - y, x),
            };
            let at = (sy * w + sx) * N;
            out.extend_from_slice(&src[at..at + N]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dimensions;
    use crate::pixels::Layout;

    const ALL: [Orientation; 8] = Orientation::ALL;

    /// A 3×2 image whose pixel values are their stored index.
    fn numbered() -> Pixels {
        Pixels::new(Layout::Gray, Dimensions::new(3, 2), vec![0, 1, 2, 3, 4, 5])
    }

    #[test]
    fn rotate90_turns_clockwise() {
        // Stored:  0 1 2     Turned clockwise:  3 0
        //          3 4 5                        4 1
        //                                       5 2
        let out = Orientation::Rotate90.apply(numbered());
        assert_eq!(out.size, Dimensions::new(2, 3));
        assert_eq!(out.data, [3, 0, 4, 1, 5, 2]);
    }

    #[test]
    fn every_orientation_puts_the_right_pixel_in_each_corner() {
        // The displayed top-left corner of each orientation, per the EXIF specification.
        let top_left = [0, 2, 5, 3, 0, 3, 5, 2];
        for (orientation, expected) in ALL.into_iter().zip(top_left) {
            assert_eq!(orientation.apply(numbered()).data[0], expected, "{orientation:?}");
        }
    }

    /// A crop mapped to stored coordinates and cut there must hold the same pixels as the crop
    /// cut from the oriented image.
    #[test]
    fn crops_map_to_the_same_pixels() {
        let stored = Pixels::new(Layout::Gray, Dimensions::new(4, 3), (0..12).collect());
        let display_crop = Rect { left: 1.0, top: 0.0, width: 2.0, height: 1.0 };
        for orientation in ALL {
            let upright = orientation.apply(stored.clone());
            let uw = upright.size.width as usize;
            let expected: Vec<u8> = (1..3).map(|x| upright.data[x]).collect();
            let r = orientation.to_stored(display_crop, 4.0, 3.0);
            let mut cut = Vec::new();
            for y in r.top as usize..(r.top + r.height) as usize {
                for x in r.left as usize..(r.left + r.width) as usize {
                    cut.push(stored.data[y * 4 + x]);
                }
            }
            let cut_size = Dimensions::new(r.width as u32, r.height as u32);
            let cut_upright = orientation.apply(Pixels::new(Layout::Gray, cut_size, cut));
            assert_eq!(cut_upright.data, expected, "{orientation:?} (upright width {uw})");
        }
    }

    /// A turn asked for on top of a file's orientation: turning by `a.then(b)` shows what turning
    /// by `a` and then by `b` shows, for all 64 pairs.
    #[test]
    fn a_turn_after_an_orientation_is_one_orientation() {
        for a in ALL {
            for b in ALL {
                let twice = b.apply(a.apply(numbered()));
                let once = a.then(b).apply(numbered());
                assert_eq!((once.size, once.data), (twice.size, twice.data), "{a:?} then {b:?}");
            }
        }
        assert_eq!(Orientation::Rotate90.then(Orientation::Rotate90), Orientation::Rotate180);
        assert_eq!(Orientation::Rotate90.then(Orientation::Rotate270), Orientation::Normal);
        assert_eq!(Orientation::Normal.then(Orientation::FlipHorizontal), Orientation::FlipHorizontal);
    }
}
