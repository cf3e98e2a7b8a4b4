//! The crop editor's geometry, in plain Rust (tested natively): a frame over the picture in its
//! own pixels (as displayed, after its EXIF orientation and the row's turn), the aspect presets,
//! and how dragging, a key press or a preset changes the frame. The dialog
//! (`components/crop.rs`) only turns pointer and key events into these calls.

use localpix_contract::{Dimensions, Rect};

/// The shapes a crop can be held to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aspect {
    Free,
    Square,
    FourThree,
    SixteenNine,
    ThreeTwo,
}

impl Aspect {
    pub const ALL: [Aspect; 5] = [Aspect::Free, Aspect::Square, Aspect::FourThree, Aspect::SixteenNine, Aspect::ThreeTwo];

    /// The name on its button (landscape; the dialog's "Portrait" swaps it).
    pub fn label(self) -> &'static str {
        match self {
            Aspect::Free => "Free",
            Aspect::Square => "1:1",
            Aspect::FourThree => "4:3",
            Aspect::SixteenNine => "16:9",
            Aspect::ThreeTwo => "3:2",
        }
    }

    /// Width over height, upright (`portrait`) or lying; `None` when free.
    pub fn ratio(self, portrait: bool) -> Option<f64> {
        let (w, h) = match self {
            Aspect::Free => return None,
            Aspect::Square => (1.0, 1.0),
            Aspect::FourThree => (4.0, 3.0),
            Aspect::SixteenNine => (16.0, 9.0),
            Aspect::ThreeTwo => (3.0, 2.0),
        };
        Some(if portrait { h / w } else { w / h })
    }
}

/// A corner of the frame, which dragging moves while the opposite one stays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corner {
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
}

impl Corner {
    pub const ALL: [Corner; 4] = [Corner::TopLeft, Corner::TopRight, Corner::BottomLeft, Corner::BottomRight];

    /// Its name, for its handle's label and class.
    pub fn name(self) -> &'static str {
        match self {
            Corner::TopLeft => "top left",
            Corner::TopRight => "top right",
            Corner::BottomLeft => "bottom left",
            Corner::BottomRight => "bottom right",
        }
    }

    fn right(self) -> bool {
        matches!(self, Corner::TopRight | Corner::BottomRight)
    }

    fn bottom(self) -> bool {
        matches!(self, Corner::BottomLeft | Corner::BottomRight)
    }
}

/// The smallest side a frame can be dragged to, in the picture's pixels.
const MIN_SIDE: f64 = 1.0;

/// The crop being chosen, in the picture's pixels; fractional while dragging, whole once applied.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub picture: Dimensions,
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

impl Frame {
    /// The frame over a crop already chosen, or over the whole picture.
    pub fn new(picture: Dimensions, crop: Option<Rect>) -> Self {
        let crop = crop.filter(|c| c.fits_in(picture)).unwrap_or(Rect::whole(picture));
        Self { picture, left: crop.left.into(), top: crop.top.into(), width: crop.width.into(), height: crop.height.into() }
    }

    fn picture_width(&self) -> f64 {
        self.picture.width.into()
    }

    fn picture_height(&self) -> f64 {
        self.picture.height.into()
    }

    /// A key press's move: a hundredth of the picture's longer side, a tenth with Shift.
    pub fn step(&self, large: bool) -> f64 {
        let side = self.picture_width().max(self.picture_height());
        (side / if large { 10.0 } else { 100.0 }).round().max(1.0)
    }

    /// The largest frame of `ratio` within the picture, centred where this one is (as far as
    /// the picture allows); the same frame when the ratio is free.
    pub fn shaped(self, ratio: Option<f64>) -> Self {
        let Some(ratio) = ratio else { return self };
        let width = self.picture_width().min(self.picture_height() * ratio);
        let height = width / ratio;
        let (cx, cy) = (self.left + self.width / 2.0, self.top + self.height / 2.0);
        Self { left: cx - width / 2.0, top: cy - height / 2.0, width, height, ..self }.moved(0.0, 0.0)
    }

    /// Moved by `dx`, `dy`, staying within the picture.
    pub fn moved(self, dx: f64, dy: f64) -> Self {
        Self {
            left: (self.left + dx).clamp(0.0, self.picture_width() - self.width),
            top: (self.top + dy).clamp(0.0, self.picture_height() - self.height),
            ..self
        }
    }

    /// With `corner` moved by `dx`, `dy` and the opposite corner kept: held to `ratio` when one
    /// is chosen (the axis moved more decides the size), within the picture, never turned
    /// inside out.
    pub fn dragged(self, corner: Corner, dx: f64, dy: f64, ratio: Option<f64>) -> Self {
        let (pw, ph) = (self.picture_width(), self.picture_height());
        // The fixed corner, and the most room the frame has from it towards the moved one.
        let anchor_x = if corner.right() { self.left } else { self.left + self.width };
        let anchor_y = if corner.bottom() { self.top } else { self.top + self.height };
        let room_x = if corner.right() { pw - anchor_x } else { anchor_x };
        let room_y = if corner.bottom() { ph - anchor_y } else { anchor_y };
        let grow_x = if corner.right() { dx } else { -dx };
        let grow_y = if corner.bottom() { dy } else { -dy };
        let mut width = (self.width + grow_x).clamp(MIN_SIDE, room_x.max(MIN_SIDE));
        let mut height = (self.height + grow_y).clamp(MIN_SIDE, room_y.max(MIN_SIDE));
        if let Some(ratio) = ratio {
            if grow_x.abs() >= grow_y.abs() * ratio {
                height = width / ratio;
            } else {
                width = height * ratio;
            }
            // Too big for the room on one side: the largest of the ratio that fits.
            let fit = (room_x / width).min(room_y / height).min(1.0);
            (width, height) = (width * fit, height * fit);
            if width < MIN_SIDE || height < MIN_SIDE {
                let grow = (MIN_SIDE / width).max(MIN_SIDE / height);
                (width, height) = (width * grow, height * grow);
            }
        }
        let left = if corner.right() { anchor_x } else { anchor_x - width };
        let top = if corner.bottom() { anchor_y } else { anchor_y - height };
        Self { left, top, width, height, ..self }
    }

    /// The crop in whole pixels, within the picture.
    pub fn rect(&self) -> Rect {
        let (pw, ph) = (self.picture.width, self.picture.height);
        let left = (self.left.round().max(0.0) as u32).min(pw.saturating_sub(1));
        let top = (self.top.round().max(0.0) as u32).min(ph.saturating_sub(1));
        let width = (self.width.round().max(1.0) as u32).min(pw - left);
        let height = (self.height.round().max(1.0) as u32).min(ph - top);
        Rect::new(left, top, width, height)
    }

    /// True when it covers the whole picture: no crop at all.
    pub fn is_whole(&self) -> bool {
        self.rect() == Rect::whole(self.picture)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PHOTO: Dimensions = Dimensions::new(640, 400);

    fn whole() -> Frame {
        Frame::new(PHOTO, None)
    }

    #[test]
    fn presets_give_the_largest_frame_of_their_shape() {
        assert_eq!(whole().shaped(Aspect::Square.ratio(false)).rect(), Rect::new(120, 0, 400, 400));
        assert_eq!(whole().shaped(Aspect::SixteenNine.ratio(false)).rect(), Rect::new(0, 20, 640, 360));
        assert_eq!(whole().shaped(Aspect::ThreeTwo.ratio(true)).rect(), Rect::new(187, 0, 267, 400));
        assert_eq!(whole().shaped(Aspect::FourThree.ratio(false)).rect(), Rect::new(53, 0, 533, 400));
        assert_eq!(whole().shaped(Aspect::Free.ratio(false)), whole());
        assert!(whole().is_whole());
    }

    #[test]
    fn moving_stays_within_the_picture() {
        let square = whole().shaped(Some(1.0));
        assert_eq!(square.moved(-1000.0, 0.0).rect(), Rect::new(0, 0, 400, 400));
        assert_eq!(square.moved(64.0, 5.0).rect(), Rect::new(184, 0, 400, 400));
        assert_eq!(square.moved(1000.0, 0.0).rect(), Rect::new(240, 0, 400, 400));
        assert_eq!(square.step(false), 6.0);
        assert_eq!(square.step(true), 64.0);
    }

    #[test]
    fn dragging_a_corner_keeps_the_opposite_one() {
        let free = whole().dragged(Corner::BottomRight, -140.0, -100.0, None);
        assert_eq!(free.rect(), Rect::new(0, 0, 500, 300));
        let free = free.dragged(Corner::TopLeft, 50.0, 20.0, None);
        assert_eq!(free.rect(), Rect::new(50, 20, 450, 280));
        // Never inside out, never outside.
        assert_eq!(free.dragged(Corner::TopLeft, 2000.0, 2000.0, None).rect(), Rect::new(499, 299, 1, 1));
        assert_eq!(free.dragged(Corner::BottomRight, 2000.0, 2000.0, None).rect(), Rect::new(50, 20, 590, 380));
    }

    #[test]
    fn dragging_holds_the_ratio_either_way() {
        let square = whole().shaped(Some(1.0));
        // Shrunk by a sideways key press, grown by a downward one: still square.
        let smaller = square.dragged(Corner::BottomRight, -40.0, 0.0, Some(1.0));
        assert_eq!(smaller.rect(), Rect::new(120, 0, 360, 360));
        let taller = smaller.dragged(Corner::BottomRight, 0.0, 20.0, Some(1.0));
        assert_eq!(taller.rect(), Rect::new(120, 0, 380, 380));
        // Past the picture's edge: the largest square that fits from the fixed corner.
        assert_eq!(taller.dragged(Corner::BottomRight, 500.0, 0.0, Some(1.0)).rect(), Rect::new(120, 0, 400, 400));
        let wide = whole().shaped(Some(16.0 / 9.0)).dragged(Corner::TopLeft, 64.0, 0.0, Some(16.0 / 9.0));
        assert_eq!(wide.rect(), Rect::new(64, 56, 576, 324));
    }

    #[test]
    fn a_crop_already_chosen_is_where_the_frame_starts() {
        let crop = Rect::new(10, 20, 30, 40);
        assert_eq!(Frame::new(PHOTO, Some(crop)).rect(), crop);
        // One from before a change of picture that no longer fits is dropped.
        assert!(Frame::new(Dimensions::new(20, 20), Some(crop)).is_whole());
    }
}
