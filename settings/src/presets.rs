//! Presets for people who do not know what Lanczos3 is: a purpose ("Web", "Email"…) that sets the
//! size, format and quality fields at once. A preset is not a setting of its own: it is read back
//! from the fields, so a link carries it by carrying them, and changing any field it sets makes
//! the settings "Custom". It leaves alone what the person chooses for themselves whatever the
//! purpose: the metadata policy, keeping the original, the largest file size.

use localpix_contract as api;

use crate::{ResizeKind, Settings};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    Web,
    Email,
    Social,
    Archive,
}

impl Preset {
    pub const ALL: [Self; 4] = [Self::Web, Self::Email, Self::Social, Self::Archive];

    /// Its key in the form's `<select>`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Email => "email",
            Self::Social => "social",
            Self::Archive => "archive",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Web => "Web (1920, good quality)",
            Self::Email => "Email (1280, small)",
            Self::Social => "Social (1080 square crop)",
            Self::Archive => "Archive (full size, best quality)",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }

    /// `settings` with this preset's fields set; the rest kept.
    pub fn apply(self, settings: &Settings) -> Settings {
        let defaults = Settings::default();
        let (resize, side, format, quality) = match self {
            // The engine's own defaults: a photo for a web page.
            Self::Web => (ResizeKind::Fit, 1920, api::OutputFormat::SameAsInput, api::Quality::Fixed(80)),
            // Small enough to attach several: JPEG whatever came in (a PNG photo would be huge).
            Self::Email => (ResizeKind::Fit, 1280, api::OutputFormat::Jpeg, api::Quality::Fixed(70)),
            // The square most social sites show, cropped from the middle.
            Self::Social => (ResizeKind::Cover, 1080, api::OutputFormat::Jpeg, api::Quality::Fixed(85)),
            // Every pixel, at a quality the engine measures as looking identical.
            Self::Archive => (
                ResizeKind::Original,
                defaults.width,
                api::OutputFormat::SameAsInput,
                api::Quality::Auto(api::QualityTarget::VisuallyLossless),
            ),
        };
        Settings {
            resize,
            width: side,
            height: side,
            percent: defaults.percent,
            never_upscale: true,
            filter: defaults.filter,
            format,
            quality,
            effort: defaults.effort,
            palette_colors: None,
            ..settings.clone()
        }
    }

    /// The preset the settings are, if any (`None`: "Custom").
    pub fn of(settings: &Settings) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.apply(settings) == *settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_web_preset() {
        assert_eq!(Preset::of(&Settings::default()), Some(Preset::Web));
    }

    #[test]
    fn each_preset_is_read_back_from_its_fields_and_a_link() {
        for preset in Preset::ALL {
            let settings = preset.apply(&Settings::default());
            assert_eq!(Preset::of(&settings), Some(preset), "{preset:?}");
            assert_eq!(Preset::of(&Settings::from_query(&settings.to_query())), Some(preset), "{preset:?} through a link");
            assert_eq!(Preset::from_key(preset.key()), Some(preset));
        }
        let social = Preset::Social.apply(&Settings::default());
        assert_eq!(social.engine_options().resize.mode, api::ResizeMode::Cover(api::Dimensions::new(1080, 1080)));
    }

    #[test]
    fn changing_a_field_it_sets_makes_it_custom_but_privacy_choices_stay() {
        let private = Settings { metadata: api::MetadataPolicy::KeepSafe, keep_smaller_original: false, ..Settings::default() };
        let email = Preset::Email.apply(&private);
        assert_eq!((email.metadata, email.keep_smaller_original), (api::MetadataPolicy::KeepSafe, false));
        assert_eq!(Preset::of(&email), Some(Preset::Email));
        assert_eq!(Preset::of(&Settings { width: 1279, ..email.clone() }), None);
        assert_eq!(Preset::of(&Settings { filter: api::Filter::Mitchell, ..email }), None);
    }
}
