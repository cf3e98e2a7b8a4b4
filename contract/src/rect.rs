//! A rectangle of whole pixels (WIT `rect`): the crop a person chose, in the coordinates of the
//! picture as displayed (after its EXIF orientation and the turn asked for).

use serde::{Deserialize, Serialize};

use crate::{Dimensions, Orientation};

/// A rectangle of whole pixels, from the picture's top-left corner (WIT `rect`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rect {
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
}

impl Rect {
    pub const fn new(left: u32, top: u32, width: u32, height: u32) -> Self {
        Self { left, top, width, height }
    }

    /// The whole of a picture of this size.
    pub const fn whole(picture: Dimensions) -> Self {
        Self::new(0, 0, picture.width, picture.height)
    }

    /// Its size.
    pub const fn size(self) -> Dimensions {
        Dimensions::new(self.width, self.height)
    }

    /// True when it has pixels and every one of them lies within a picture of size `picture`.
    pub fn fits_in(self, picture: Dimensions) -> bool {
        let right = u64::from(self.left) + u64::from(self.width);
        let bottom = u64::from(self.top) + u64::from(self.height);
        self.width > 0 && self.height > 0 && right <= picture.width.into() && bottom <= picture.height.into()
    }

    /// The same pixels once the picture (of size `picture`, before the turn) is turned further by
    /// `by`: a crop follows its picture when the person rotates or mirrors it.
    pub fn turned(self, picture: Dimensions, by: Orientation) -> Self {
        let turned = by.display(picture);
        // Corners as doubled coordinates from the picture's centre, so that halves stay whole.
        let centred = |x: u32, extent: u32| 2 * i64::from(x) - i64::from(extent);
        let corners = [
            (centred(self.left, picture.width), centred(self.top, picture.height)),
            (centred(self.left + self.width, picture.width), centred(self.top + self.height, picture.height)),
        ];
        // `by.matrix()` maps the turned picture's coordinates to the picture's: its transpose
        // (the inverse of a symmetry) maps back.
        let m = by.matrix();
        let [a, b] =
            corners.map(|(x, y)| (i64::from(m[0][0]) * x + i64::from(m[1][0]) * y, i64::from(m[0][1]) * x + i64::from(m[1][1]) * y));
        let uncentred = |v: i64, extent: u32| ((v + i64::from(extent)) / 2) as u32;
        let (left, right) = (a.0.min(b.0), a.0.max(b.0));
        let (top, bottom) = (a.1.min(b.1), a.1.max(b.1));
        let left = uncentred(left, turned.width);
        let top = uncentred(top, turned.height);
        Self::new(left, top, uncentred(right, turned.width) - left, uncentred(bottom, turned.height) - top)
    }
}

impl std::fmt::Display for Rect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}×{} at ({}, {})", self.width, self.height, self.left, self.top)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PICTURE: Dimensions = Dimensions::new(600, 400);
    const CROP: Rect = Rect::new(10, 20, 100, 50);

    #[test]
    fn fits_only_with_pixels_and_inside() {
        assert!(CROP.fits_in(PICTURE));
        assert!(Rect::whole(PICTURE).fits_in(PICTURE));
        assert!(!Rect::new(0, 0, 0, 5).fits_in(PICTURE));
        assert!(!Rect::new(501, 0, 100, 5).fits_in(PICTURE));
        assert!(!Rect::new(0, 390, 5, 11).fits_in(PICTURE));
        assert!(!Rect::new(u32::MAX, 0, u32::MAX, 1).fits_in(PICTURE));
    }

    #[test]
    fn follows_its_picture_when_turned() {
        // A quarter clockwise: the top-left corner goes to the top right.
        assert_eq!(CROP.turned(PICTURE, Orientation::Rotate90), Rect::new(400 - 20 - 50, 10, 50, 100));
        assert_eq!(CROP.turned(PICTURE, Orientation::Rotate270), Rect::new(20, 600 - 10 - 100, 50, 100));
        assert_eq!(CROP.turned(PICTURE, Orientation::FlipHorizontal), Rect::new(600 - 10 - 100, 20, 100, 50));
        assert_eq!(CROP.turned(PICTURE, Orientation::FlipVertical), Rect::new(10, 400 - 20 - 50, 100, 50));
        assert_eq!(CROP.turned(PICTURE, Orientation::Normal), CROP);
        // Every turn and its way back give the crop back, and it stays within the turned picture.
        for by in Orientation::ALL {
            let turned = CROP.turned(PICTURE, by);
            assert!(turned.fits_in(by.display(PICTURE)), "{by:?}");
            let back = Orientation::ALL.into_iter().find(|o| by.then(*o) == Orientation::Normal).unwrap();
            assert_eq!(turned.turned(by.display(PICTURE), back), CROP, "{by:?}");
        }
    }
}
