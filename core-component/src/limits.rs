//! Bounds that keep a hostile or huge file from exhausting memory, checked from the header
//! before any large allocation.

use crate::{
    Dimensions,
    error::{Error, Result},
};

pub use localpix_contract::Limits;

/// What the engine does with [`Limits`]: a value, not a hidden check, that callers see and choose.
pub trait CheckLimits {
    /// Refuses `stored` when it is over the pixel limit. (What a job needs in memory is checked
    /// against the memory limit by [`crate::memory`], which knows the stages.)
    fn check(&self, stored: Dimensions) -> Result<()>;

    /// The same bounds for the `image` crate's decoders, which enforce them while decoding.
    fn for_image_crate(&self) -> image::Limits;
}

impl CheckLimits for Limits {
    fn check(&self, stored: Dimensions) -> Result<()> {
        if stored.width == 0 || stored.height == 0 {
            return Err(Error::malformed(format!("The image claims to be {stored} pixels; it is damaged.")));
        }
        if stored.pixels() > u64::from(self.max_pixels) {
            return Err(Error::TooLarge {
                dimensions: stored,
                limit: self.max_pixels,
                message: format!(
                    "The image is {stored} ({:.1} megapixels), over the limit of {:.1} megapixels.",
                    stored.pixels() as f64 / 1e6,
                    f64::from(self.max_pixels) / 1e6
                ),
            });
        }
        Ok(())
    }

    fn for_image_crate(&self) -> image::Limits {
        let mut limits = image::Limits::default();
        // Sides can be long (a panorama) as long as the area is within the pixel limit.
        limits.max_image_width = Some(self.max_pixels);
        limits.max_image_height = Some(self.max_pixels);
        limits.max_alloc = Some(u64::from(self.max_memory));
        limits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_over_the_pixel_limit_with_the_size() {
        let limits = Limits { max_pixels: 1_000_000, ..Limits::default() };
        let err = limits.check(Dimensions::new(2000, 1000)).unwrap_err();
        let Error::TooLarge { dimensions, limit, message } = err else { panic!("{err:?}") };
        assert_eq!((dimensions, limit), (Dimensions::new(2000, 1000), 1_000_000));
        assert!(message.contains("2000×1000"), "{message}");
        assert!(limits.check(Dimensions::new(1000, 1000)).is_ok());
    }

    #[test]
    fn zero_sides_are_damage() {
        assert!(matches!(Limits::default().check(Dimensions::new(0, 10)), Err(Error::MalformedInput(_))));
    }
}
