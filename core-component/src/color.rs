//! Keeping colours right: pixels described by an ICC profile either keep the profile in the
//! output, or are converted to sRGB (what browsers assume without one) when the profile goes.

use moxcms::{Layout as CmsLayout, TransformOptions};

use crate::{
    metadata::icc::{ColorProfile, ProfileColorSpace},
    pixels::{Layout, Pixels},
};

/// What the output does about the source's profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileAction {
    /// No profile, or one the output cannot use (a CMYK profile once the pixels are RGB): drop it.
    Drop,
    /// Embed the profile unchanged, with the pixels unchanged.
    Keep,
    /// Convert the pixels to sRGB and drop the profile.
    ConvertToSrgb,
}

/// Decides what to do with `profile` when `keep` says whether the policy keeps profiles.
pub fn action(profile: Option<&ColorProfile>, pixels: Layout, keep: bool) -> ProfileAction {
    let Some(profile) = profile else { return ProfileAction::Drop };
    let rgb_pixels = matches!(pixels, Layout::Rgb | Layout::Rgba);
    match profile.color_space {
        ProfileColorSpace::Rgb if rgb_pixels && !keep && !profile.is_srgb => ProfileAction::ConvertToSrgb,
        ProfileColorSpace::Rgb if rgb_pixels && !keep => ProfileAction::Drop, // already sRGB
        ProfileColorSpace::Rgb if rgb_pixels => ProfileAction::Keep,
        // Grey tones under a grey profile: nothing private, and they would shift without it.
        ProfileColorSpace::Gray if !rgb_pixels => ProfileAction::Keep,
        _ => ProfileAction::Drop,
    }
}

/// Converts RGB(A) pixels from `profile` to sRGB in place. `false` when the profile cannot be
/// used (damaged, or of a kind the colour engine does not handle): the caller then keeps it.
pub fn convert_to_srgb(pixels: &mut Pixels, profile: &[u8]) -> bool {
    let layout = match pixels.layout {
        Layout::Rgb => CmsLayout::Rgb,
        Layout::Rgba => CmsLayout::Rgba,
        _ => return false,
    };
    let Ok(source) = moxcms::ColorProfile::new_from_slice(profile) else { return false };
    let Ok(transform) = source.create_transform_8bit(layout, &moxcms::ColorProfile::new_srgb(), layout, TransformOptions::default()) else {
        return false;
    };
    let mut out = vec![0u8; pixels.data.len()];
    if transform.transform(&pixels.data, &mut out).is_err() {
        return false;
    }
    pixels.data = out;
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Dimensions, container, testdata};

    #[test]
    fn adobe_rgb_green_becomes_a_more_saturated_srgb_green() {
        let blocks = container::read(&testdata::fixture("adobergb-icc.jpg")).unwrap().blocks;
        let profile = blocks.icc.unwrap();
        // A mid green in AdobeRGB is outside what the same numbers mean in sRGB: converted, its
        // red drops and its green stays high.
        let mut pixels = Pixels::new(Layout::Rgb, Dimensions::new(1, 1), vec![64, 160, 64]);
        assert!(convert_to_srgb(&mut pixels, &profile));
        let [r, g, b] = pixels.data[..] else { unreachable!() };
        assert!(r < 50 && g > 150 && b < 64, "converted to {r},{g},{b}");
    }

    #[test]
    fn a_damaged_profile_is_reported_not_applied() {
        let mut pixels = Pixels::new(Layout::Rgb, Dimensions::new(1, 1), vec![1, 2, 3]);
        assert!(!convert_to_srgb(&mut pixels, b"not a profile"));
        assert_eq!(pixels.data, [1, 2, 3]);
    }

    #[test]
    fn decides_per_policy_and_profile() {
        let info = |color_space, is_srgb| ColorProfile { description: None, color_space, is_srgb, size: 1 };
        let wide = info(ProfileColorSpace::Rgb, false);
        assert_eq!(action(Some(&wide), Layout::Rgb, false), ProfileAction::ConvertToSrgb);
        assert_eq!(action(Some(&wide), Layout::Rgb, true), ProfileAction::Keep);
        assert_eq!(action(Some(&info(ProfileColorSpace::Rgb, true)), Layout::Rgb, false), ProfileAction::Drop);
        assert_eq!(action(Some(&info(ProfileColorSpace::Cmyk, false)), Layout::Rgb, true), ProfileAction::Drop);
        assert_eq!(action(Some(&info(ProfileColorSpace::Gray, false)), Layout::Gray, false), ProfileAction::Keep);
        assert_eq!(action(None, Layout::Rgb, true), ProfileAction::Drop);
    }
}
