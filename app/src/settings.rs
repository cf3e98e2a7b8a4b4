//! The batch settings: what a user chooses once for all files, their defaults, their form as a URL
//! query (shared links, and what localStorage keeps), and the engine options they become.
//!
//! Plain Rust with no browser in it, so it is tested natively.

use serde_json::{Value, json};

/// A setting chosen from a fixed list: each choice has a key (in URLs and `<select>`s) and a label
/// (what people read).
pub trait Choice: Copy + PartialEq + 'static {
    const ALL: &'static [Self];

    fn key(self) -> &'static str;

    fn label(self) -> &'static str;

    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.key() == key)
    }
}

/// Defines a settings enum and its [`Choice`] table.
macro_rules! choice {
    ($(#[$doc:meta])* $name:ident { $($case:ident => $key:literal, $label:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name { $($case),+ }

        impl Choice for $name {
            const ALL: &'static [$name] = &[$($name::$case),+];

            fn key(self) -> &'static str {
                match self { $($name::$case => $key),+ }
            }

            fn label(self) -> &'static str {
                match self { $($name::$case => $label),+ }
            }
        }
    };
}

choice! {
    /// How the output size is chosen.
    ResizeKind {
        Fit => "fit", "Fit within";
        Width => "width", "Width";
        Height => "height", "Height";
        Cover => "cover", "Cover (crop)";
        Exact => "exact", "Exact size";
        Percent => "percent", "Percent";
        Original => "none", "Keep size";
    }
}

choice! {
    /// The resampling filter.
    Filter {
        Lanczos3 => "lanczos3", "Lanczos3 (sharpest)";
        CatmullRom => "catmull-rom", "Catmull-Rom";
        Mitchell => "mitchell", "Mitchell (smooth)";
        Bilinear => "bilinear", "Bilinear";
        Box => "box", "Box";
        Nearest => "nearest", "Nearest (pixel art)";
    }
}

choice! {
    /// The output format.
    Format {
        Same => "same-as-input", "Same as input";
        Jpeg => "jpeg", "JPEG";
        Png => "png", "PNG";
        Webp => "webp-lossless", "WebP (lossless)";
    }
}

choice! {
    /// Which metadata the output keeps.
    Metadata {
        StripAll => "strip-all", "Remove all (private)";
        KeepColorProfile => "keep-color-profile", "Keep colour profile only";
        KeepSafe => "keep-safe", "Keep camera details, remove private ones";
    }
}

impl Metadata {
    /// What the policy keeps and removes, exactly (the WIT `metadata-policy` says the same).
    pub fn description(self) -> &'static str {
        match self {
            Metadata::StripAll => {
                "Removes all metadata. Colours in another colour space (e.g. Adobe RGB) are converted to sRGB so they stay right."
            }
            Metadata::KeepColorProfile => "Keeps only the colour profile; removes everything else.",
            Metadata::KeepSafe => {
                "Keeps the colour profile and only these camera details: make and model, lens, exposure settings \
                 (shutter, aperture, ISO, focal length, flash…) and the date taken. Removes GPS and places, names, \
                 serial numbers, captions, comments and keywords, thumbnails, maker notes and everything else."
            }
        }
    }
}

/// Everything the user sets for the batch.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub resize: ResizeKind,
    /// Used by fit, width, cover and exact.
    pub width: u32,
    /// Used by fit, height, cover and exact.
    pub height: u32,
    /// Used by percent.
    pub percent: u32,
    pub never_upscale: bool,
    pub filter: Filter,
    pub format: Format,
    /// JPEG quality, 1–100.
    pub quality: u8,
    pub metadata: Metadata,
    /// The largest output wanted, in kilobytes (1000 bytes).
    pub max_kb: Option<u32>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            resize: ResizeKind::Fit,
            width: 1920,
            height: 1920,
            percent: 50,
            never_upscale: true,
            filter: Filter::Lanczos3,
            format: Format::Same,
            quality: 80,
            metadata: Metadata::StripAll,
            max_kb: None,
        }
    }
}

/// Sides up to the largest JPEG; anything bigger is a typing slip.
pub const MAX_SIDE: u32 = 65_535;
pub const MAX_PERCENT: u32 = 1000;

impl Settings {
    /// The query string (without `?`) holding every setting.
    pub fn to_query(&self) -> String {
        let mut query = format!(
            "resize={}&w={}&h={}&pct={}&upscale={}&filter={}&format={}&q={}&meta={}",
            self.resize.key(),
            self.width,
            self.height,
            self.percent,
            if self.never_upscale { "no" } else { "yes" },
            self.filter.key(),
            self.format.key(),
            self.quality,
            self.metadata.key(),
        );
        if let Some(kb) = self.max_kb {
            query.push_str(&format!("&maxkb={kb}"));
        }
        query
    }

    /// Reads a query string (with or without `?`). Missing or senseless values keep their
    /// default, and numbers are brought into range, so any link gives a working batch.
    pub fn from_query(query: &str) -> Self {
        let mut settings = Self::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let number = || value.parse::<u32>().ok();
            match key {
                "resize" => settings.resize = ResizeKind::from_key(value).unwrap_or(settings.resize),
                "w" => settings.width = number().map_or(settings.width, |n| n.clamp(1, MAX_SIDE)),
                "h" => settings.height = number().map_or(settings.height, |n| n.clamp(1, MAX_SIDE)),
                "pct" => settings.percent = number().map_or(settings.percent, |n| n.clamp(1, MAX_PERCENT)),
                "upscale" => settings.never_upscale = value != "yes",
                "filter" => settings.filter = Filter::from_key(value).unwrap_or(settings.filter),
                "format" => settings.format = Format::from_key(value).unwrap_or(settings.format),
                "q" => settings.quality = number().map_or(settings.quality, |n| n.clamp(1, 100) as u8),
                "meta" => settings.metadata = Metadata::from_key(value).unwrap_or(settings.metadata),
                "maxkb" => settings.max_kb = number().filter(|&n| n > 0),
                _ => {}
            }
        }
        settings
    }

    /// True when the query holds any setting (a shared link), as opposed to none (a plain visit).
    pub fn query_has_settings(query: &str) -> bool {
        query.trim_start_matches('?').split('&').any(|pair| {
            let key = pair.split_once('=').map_or(pair, |(k, _)| k);
            matches!(key, "resize" | "w" | "h" | "pct" | "upscale" | "filter" | "format" | "q" | "meta" | "maxkb")
        })
    }

    /// The engine's `options` record (WIT `options`), as the jco module takes it.
    pub fn engine_options(&self) -> Value {
        let size = json!({ "width": self.width, "height": self.height });
        let mode = match self.resize {
            ResizeKind::Fit => json!({ "tag": "fit-within", "val": size }),
            ResizeKind::Width => json!({ "tag": "fit-width", "val": self.width }),
            ResizeKind::Height => json!({ "tag": "fit-height", "val": self.height }),
            ResizeKind::Cover => json!({ "tag": "cover", "val": size }),
            ResizeKind::Exact => json!({ "tag": "exact", "val": size }),
            ResizeKind::Percent => json!({ "tag": "scale-percent", "val": self.percent }),
            ResizeKind::Original => json!({ "tag": "none" }),
        };
        json!({
            "limits": { "maxPixels": 100_000_000, "maxMemory": 1u32 << 30 },
            "resize": { "mode": mode, "filter": self.filter.key(), "neverUpscale": self.never_upscale },
            "encode": {
                "encoding": {
                    "format": self.format.key(),
                    "jpeg": { "quality": self.quality, "progressive": false, "chromaSubsampling": "yuv420" },
                    "png": { "effort": "balanced" },
                },
                "metadata": self.metadata.key(),
                "background": { "r": 255, "g": 255, "b": 255 },
                "maxBytes": self.max_kb.map(|kb| kb.saturating_mul(1000)),
            },
        })
    }

    /// Whether the width field applies to the chosen resize (the form shows only what applies).
    pub fn uses_width(&self) -> bool {
        matches!(self.resize, ResizeKind::Fit | ResizeKind::Width | ResizeKind::Cover | ResizeKind::Exact)
    }

    /// Whether the height field applies to the chosen resize.
    pub fn uses_height(&self) -> bool {
        matches!(self.resize, ResizeKind::Fit | ResizeKind::Height | ResizeKind::Cover | ResizeKind::Exact)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_a_web_photo() {
        let s = Settings::default();
        assert_eq!((s.resize, s.width, s.height, s.quality, s.metadata), (ResizeKind::Fit, 1920, 1920, 80, Metadata::StripAll));
        assert!(s.never_upscale);
    }

    #[test]
    fn every_setting_survives_the_query() {
        let s = Settings {
            resize: ResizeKind::Cover,
            width: 800,
            height: 600,
            percent: 25,
            never_upscale: false,
            filter: Filter::Mitchell,
            format: Format::Webp,
            quality: 65,
            metadata: Metadata::KeepSafe,
            max_kb: Some(250),
        };
        assert_eq!(Settings::from_query(&s.to_query()), s);
        assert_eq!(Settings::from_query(&Settings::default().to_query()), Settings::default());
    }

    #[test]
    fn nonsense_in_a_link_falls_back_to_sense() {
        let s = Settings::from_query("?resize=spiral&w=0&h=99999999&q=300&meta=&maxkb=0&junk");
        assert_eq!(s.resize, ResizeKind::Fit);
        assert_eq!((s.width, s.height, s.quality, s.max_kb), (1, MAX_SIDE, 100, None));
        assert!(Settings::query_has_settings("?q=50"));
        assert!(!Settings::query_has_settings("?utm_source=x"));
    }

    #[test]
    fn engine_options_have_the_wit_shape() {
        let mut s = Settings { resize: ResizeKind::Width, width: 1280, max_kb: Some(200), ..Settings::default() };
        let o = s.engine_options();
        assert_eq!(o["resize"]["mode"], json!({ "tag": "fit-width", "val": 1280 }));
        assert_eq!(o["encode"]["maxBytes"], json!(200_000));
        assert_eq!(o["encode"]["encoding"]["jpeg"]["quality"], json!(80));
        s.resize = ResizeKind::Original;
        s.max_kb = None;
        let o = s.engine_options();
        assert_eq!(o["resize"]["mode"], json!({ "tag": "none" }));
        assert_eq!(o["encode"]["maxBytes"], Value::Null);
    }
}
