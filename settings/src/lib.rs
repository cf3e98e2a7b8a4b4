//! The settings people choose once for all their files: their defaults, their form as a URL query
//! (the web app's shared links and what localStorage keeps; the CLI's `--settings`), and the engine
//! options they become. The web app's form and the CLI's options both come from here, so their
//! names and defaults cannot drift apart.
//!
//! Also what both say back to people in the same words: result names ([`naming`]), sizes
//! ([`units`]) and the kinds of private data found ([`privacy`]).
//!
//! Plain Rust with no browser in it, so it is tested natively. The engine's defaults are the
//! contract's (`Options::default()`, what `default-options` returns), never copied here.

pub mod fields;
pub mod notes;
pub mod presets;

use localpix_contract::{self as api, Dimensions, Options};

pub mod naming;
pub mod privacy;
pub mod units;

/// A setting chosen from a fixed list: each choice has a key (in URLs and `<select>`s) and a label
/// (what people read).
pub trait Choice: Copy + PartialEq + 'static {
    const ALL: &'static [Self];

    fn key(self) -> String;

    fn label(self) -> &'static str;

    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.key() == key)
    }
}

/// How the output size is chosen: the app's own list (fit, width, height… are the engine's
/// `resize-mode` cases with their sizes taken from the width, height and percent fields).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResizeKind {
    Fit,
    Width,
    Height,
    Cover,
    Exact,
    Percent,
    Original,
}

impl Choice for ResizeKind {
    const ALL: &'static [Self] = &[Self::Fit, Self::Width, Self::Height, Self::Cover, Self::Exact, Self::Percent, Self::Original];

    fn key(self) -> String {
        match self {
            Self::Fit => "fit",
            Self::Width => "width",
            Self::Height => "height",
            Self::Cover => "cover",
            Self::Exact => "exact",
            Self::Percent => "percent",
            Self::Original => "none",
        }
        .into()
    }

    fn label(self) -> &'static str {
        match self {
            Self::Fit => "Fit within",
            Self::Width => "Width",
            Self::Height => "Height",
            Self::Cover => "Cover (crop)",
            Self::Exact => "Exact size",
            Self::Percent => "Percent",
            Self::Original => "Keep size",
        }
    }
}

/// The engine's own name of a contract value (its WIT name: `catmull-rom`, `webp-lossless`…), which
/// links and `<select>`s use as its key.
fn wit_name(value: impl serde::Serialize) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

/// Choices that are the engine's own enums: keyed by their WIT names, so there is nothing to keep
/// in step. `label` matches every case, so a new case does not compile until it has a label.
macro_rules! engine_choice {
    ($type:ty { $($case:ident => $label:literal,)+ }) => {
        impl Choice for $type {
            const ALL: &'static [Self] = &[$(<$type>::$case),+];

            fn key(self) -> String {
                wit_name(self)
            }

            fn label(self) -> &'static str {
                match self { $(<$type>::$case => $label),+ }
            }
        }
    };
}

engine_choice!(api::Filter {
    Lanczos3 => "Lanczos3 (sharpest)",
    CatmullRom => "Catmull-Rom",
    Mitchell => "Mitchell (smooth)",
    Bilinear => "Bilinear",
    Box => "Box",
    Nearest => "Nearest (pixel art)",
});

engine_choice!(api::OutputFormat {
    SameAsInput => "Same as input",
    Jpeg => "JPEG",
    Png => "PNG",
    Webp => "WebP",
    WebpLossless => "WebP (lossless)",
    Avif => "AVIF (smallest, slow)",
});

engine_choice!(api::MetadataPolicy {
    StripAll => "Remove all (private)",
    KeepColorProfile => "Keep colour profile only",
    KeepSafe => "Keep camera details, remove private ones",
});

engine_choice!(api::Effort {
    Fast => "Fast",
    Balanced => "Balanced",
    Smallest => "Smallest files (slower)",
});

engine_choice!(api::QualityTarget {
    VisuallyLossless => "Auto: looks identical",
    High => "Auto: high",
    Good => "Auto: good",
});

/// The quality in a link: its number (`q=80`) or `auto-` and the target (`q=auto-high`).
pub fn quality_key(quality: api::Quality) -> String {
    match quality {
        api::Quality::Fixed(q) => q.to_string(),
        api::Quality::Auto(target) => format!("auto-{}", target.key()),
    }
}

/// Reads [`quality_key`]'s form; numbers are brought into 1–100.
pub fn quality_from_key(key: &str) -> Option<api::Quality> {
    match key.strip_prefix("auto-") {
        Some(target) => api::QualityTarget::from_key(target).map(api::Quality::Auto),
        None => key.parse::<u32>().ok().map(|q| api::Quality::Fixed(q.clamp(1, 100) as u8)),
    }
}

/// What a metadata policy keeps and removes, exactly (the WIT `metadata-policy` says the same).
pub fn metadata_description(policy: api::MetadataPolicy) -> &'static str {
    match policy {
        api::MetadataPolicy::StripAll => {
            "Removes all metadata. Colours in another colour space (e.g. Adobe RGB) are converted to sRGB so they stay right."
        }
        api::MetadataPolicy::KeepColorProfile => "Keeps only the colour profile; removes everything else.",
        api::MetadataPolicy::KeepSafe => {
            "Keeps the colour profile and only these camera details: make and model, lens, exposure settings \
             (shutter, aperture, ISO, focal length, flash…) and the date taken. Removes GPS and places, names, \
             serial numbers, captions, comments and keywords, thumbnails, maker notes and everything else."
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
    pub filter: api::Filter,
    pub format: api::OutputFormat,
    /// The quality of lossy formats: a number, or automatic to a target.
    pub quality: api::Quality,
    /// How hard the encoder works.
    pub effort: api::Effort,
    /// Lossy PNG: at most this many colours.
    pub palette_colors: Option<u16>,
    pub metadata: api::MetadataPolicy,
    /// The largest output wanted, in kilobytes (1000 bytes).
    pub max_kb: Option<u32>,
    /// Give back the original (without its metadata) when the new file would be larger.
    pub keep_smaller_original: bool,
    /// How results are named (`naming::result_name`): `None` keeps each original's name.
    pub names: Option<String>,
    /// Several widths at once (a web page's `srcset`): each file then gives one result per width,
    /// fit to that width, in place of the size above. Ascending, no repeats; empty: one result.
    pub widths: Vec<u32>,
}

impl Default for Settings {
    /// The engine's recommended options (`Options::default()`), as settings.
    fn default() -> Self {
        let engine = Options::default();
        let api::ResizeMode::FitWithin(size) = engine.resize.mode else { unreachable!("the engine's default fits within a box") };
        Self {
            resize: ResizeKind::Fit,
            width: size.width,
            height: size.height,
            percent: 50,
            never_upscale: engine.resize.never_upscale,
            filter: engine.resize.filter,
            format: engine.encode.encoding.format,
            quality: engine.encode.encoding.quality,
            effort: engine.encode.encoding.effort,
            palette_colors: engine.encode.encoding.png.palette_colors,
            metadata: engine.encode.metadata,
            max_kb: engine.encode.max_bytes.map(|bytes| bytes / 1000),
            keep_smaller_original: engine.encode.keep_smaller_original,
            names: None,
            widths: Vec::new(),
        }
    }
}

/// Sides up to the largest JPEG; anything bigger is a typing slip.
pub const MAX_SIDE: u32 = 65_535;
pub const MAX_PERCENT: u32 = 1000;

/// The settings link's query keys, one per setting, in the order links write them. static/embed.js
/// maps its attributes to the same keys (app/js/protocol.js `SETTINGS`; the browser tests check
/// the two agree).
pub mod keys {
    pub const RESIZE: &str = "resize";
    pub const WIDTH: &str = "w";
    pub const HEIGHT: &str = "h";
    pub const PERCENT: &str = "pct";
    pub const UPSCALE: &str = "upscale";
    pub const FILTER: &str = "filter";
    pub const FORMAT: &str = "format";
    pub const QUALITY: &str = "q";
    pub const EFFORT: &str = "effort";
    pub const COLORS: &str = "colors";
    pub const METADATA: &str = "meta";
    pub const MAX_KB: &str = "maxkb";
    pub const KEEP_ORIGINAL: &str = "keeporig";

    /// What the results are, the keys the CLI and the widget share.
    pub const ALL: [&str; 13] =
        [RESIZE, WIDTH, HEIGHT, PERCENT, UPSCALE, FILTER, FORMAT, QUALITY, EFFORT, COLORS, METADATA, MAX_KB, KEEP_ORIGINAL];

    /// The web app's file-name template (`Settings::names`); the CLI names its files its own way
    /// (`naming::output_name`, numbered rather than replacing).
    pub const NAMES: &str = "names";

    /// The web app's several widths (`Settings::widths`, `widths=640,1280,1920`); the CLI makes one
    /// size per file.
    pub const WIDTHS: &str = "widths";

    /// Every key a settings link may hold.
    pub const LINK: [&str; 15] =
        [RESIZE, WIDTH, HEIGHT, PERCENT, UPSCALE, FILTER, FORMAT, QUALITY, EFFORT, COLORS, METADATA, MAX_KB, KEEP_ORIGINAL, NAMES, WIDTHS];
}

impl Settings {
    /// The query string (without `?`) holding every setting.
    pub fn to_query(&self) -> String {
        let values = [
            self.resize.key(),
            self.width.to_string(),
            self.height.to_string(),
            self.percent.to_string(),
            if self.never_upscale { "no" } else { "yes" }.to_string(),
            self.filter.key(),
            self.format.key(),
            quality_key(self.quality),
            self.effort.key(),
            self.palette_colors.map(|c| c.to_string()).unwrap_or_default(),
            self.metadata.key(),
            self.max_kb.map(|kb| kb.to_string()).unwrap_or_default(),
            if self.keep_smaller_original { "yes" } else { "no" }.to_string(),
            self.names.as_deref().map(encode_component).unwrap_or_default(),
            self.widths.iter().map(u32::to_string).collect::<Vec<_>>().join(","),
        ];
        keys::LINK
            .iter()
            .zip(values)
            .filter(|(_, value)| !value.is_empty())
            .map(|(key, value)| format!("{key}={value}"))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Reads a query string (with or without `?`). Missing or senseless values keep their
    /// default, and numbers are brought into range, so any link gives a working batch.
    pub fn from_query(query: &str) -> Self {
        let mut settings = Self::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let number = || value.parse::<u32>().ok();
            match key {
                keys::RESIZE => settings.resize = ResizeKind::from_key(value).unwrap_or(settings.resize),
                keys::WIDTH => settings.width = number().map_or(settings.width, |n| n.clamp(1, MAX_SIDE)),
                keys::HEIGHT => settings.height = number().map_or(settings.height, |n| n.clamp(1, MAX_SIDE)),
                keys::PERCENT => settings.percent = number().map_or(settings.percent, |n| n.clamp(1, MAX_PERCENT)),
                keys::UPSCALE => settings.never_upscale = value != "yes",
                keys::FILTER => settings.filter = api::Filter::from_key(value).unwrap_or(settings.filter),
                keys::FORMAT => settings.format = api::OutputFormat::from_key(value).unwrap_or(settings.format),
                keys::QUALITY => settings.quality = quality_from_key(value).unwrap_or(settings.quality),
                keys::EFFORT => settings.effort = api::Effort::from_key(value).unwrap_or(settings.effort),
                keys::COLORS => settings.palette_colors = number().filter(|n| (2..=256).contains(n)).map(|n| n as u16),
                keys::METADATA => settings.metadata = api::MetadataPolicy::from_key(value).unwrap_or(settings.metadata),
                keys::MAX_KB => settings.max_kb = number().filter(|&n| n > 0),
                keys::KEEP_ORIGINAL => settings.keep_smaller_original = value != "no",
                keys::NAMES => settings.names = fields::check_name_template(&decode_component(value)).ok().flatten(),
                keys::WIDTHS => settings.widths = fields::check_widths(&decode_component(value)).unwrap_or_default(),
                _ => {}
            }
        }
        settings
    }

    /// True when the query holds any setting (a shared link), as opposed to none (a plain visit).
    pub fn query_has_settings(query: &str) -> bool {
        query.trim_start_matches('?').split('&').any(|pair| {
            let key = pair.split_once('=').map_or(pair, |(k, _)| k);
            keys::LINK.contains(&key)
        })
    }

    /// The engine's options (WIT `options`): the engine's own defaults with these settings applied.
    pub fn engine_options(&self) -> Options {
        let mut options = Options::default();
        let size = Dimensions::new(self.width, self.height);
        options.resize.mode = match self.resize {
            // Several widths: the largest is the job's own resize (what the decoder may shrink to
            // at most, what Compare shows); the worker makes the others from the same decode.
            _ if !self.widths.is_empty() => api::ResizeMode::FitWidth(self.widths[self.widths.len() - 1]),
            ResizeKind::Fit => api::ResizeMode::FitWithin(size),
            ResizeKind::Width => api::ResizeMode::FitWidth(self.width),
            ResizeKind::Height => api::ResizeMode::FitHeight(self.height),
            ResizeKind::Cover => api::ResizeMode::Cover(size),
            ResizeKind::Exact => api::ResizeMode::Exact(size),
            ResizeKind::Percent => api::ResizeMode::ScalePercent(self.percent as f32),
            ResizeKind::Original => api::ResizeMode::None,
        };
        options.resize.filter = self.filter;
        options.resize.never_upscale = self.never_upscale;
        options.encode.encoding.format = self.format;
        options.encode.encoding.quality = self.quality;
        options.encode.encoding.effort = self.effort;
        options.encode.encoding.png.palette_colors = self.palette_colors;
        // Automatic quality measures anyway; a fixed one is measured too, so each row can say
        // what its quality looks like.
        options.encode.score = true;
        options.encode.metadata = self.metadata;
        options.encode.max_bytes = self.max_kb.map(|kb| kb.saturating_mul(1000));
        options.encode.keep_smaller_original = self.keep_smaller_original;
        options
    }

    /// The settings in one line, for the collapsed form on small screens: "Fit within 1920×1920 ·
    /// Same as input · quality 80 · Remove all (private)".
    pub fn summary(&self) -> String {
        let size = match self.resize {
            ResizeKind::Fit => format!("Fit within {}×{}", self.width, self.height),
            ResizeKind::Width => format!("Width {} px", self.width),
            ResizeKind::Height => format!("Height {} px", self.height),
            ResizeKind::Cover => format!("Cover {}×{}", self.width, self.height),
            ResizeKind::Exact => format!("Exactly {}×{}", self.width, self.height),
            ResizeKind::Percent => format!("{} %", self.percent),
            ResizeKind::Original => "Same size".into(),
        };
        let size = if self.widths.is_empty() { size } else { format!("Widths {} px", fields::widths_text(&self.widths)) };
        let quality = match self.quality {
            api::Quality::Fixed(q) => format!("quality {q}"),
            api::Quality::Auto(target) => target.label().replace("Auto: ", "auto quality, "),
        };
        let mut parts = vec![size, self.format.label().to_string(), quality, self.metadata.label().to_string()];
        parts.extend(self.max_kb.map(|kb| format!("at most {kb} KB")));
        parts.join(" · ")
    }

    /// The file-name template in use: the person's own, or for several widths, which need the
    /// width in their names to differ, `{name}-{width}w`; a template of theirs without `{width}`
    /// gets `-{width}w` after it then.
    pub fn name_template(&self) -> Option<String> {
        match (&self.names, self.widths.is_empty()) {
            (names, true) => names.clone(),
            (Some(names), false) if names.contains("{width}") => Some(names.clone()),
            (Some(names), false) => Some(format!("{names}-{{width}}w")),
            (None, false) => Some("{name}-{width}w".into()),
        }
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

/// A query value with everything but unreserved characters percent-encoded (a template holds
/// braces and spaces).
fn encode_component(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// The reverse of [`encode_component`], also reading `+` as a space, as forms write it.
fn decode_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or(""), 16) {
                Ok(b) => {
                    out.push(b);
                    i += 3;
                    continue;
                }
                Err(_) => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_engines_a_web_photo() {
        let s = Settings::default();
        assert_eq!((s.resize, s.width, s.height, s.quality), (ResizeKind::Fit, 1920, 1920, api::Quality::Fixed(80)));
        assert_eq!(
            (s.metadata, s.format, s.filter),
            (api::MetadataPolicy::StripAll, api::OutputFormat::SameAsInput, api::Filter::Lanczos3)
        );
        assert!(s.never_upscale);
        let engine = Options { encode: api::EncodeOptions { score: true, ..Options::default().encode }, ..Options::default() };
        assert_eq!(s.engine_options(), engine, "the default settings ask for the engine's defaults, measured");
    }

    #[test]
    fn every_setting_survives_the_query() {
        let s = Settings {
            resize: ResizeKind::Cover,
            width: 800,
            height: 600,
            percent: 25,
            never_upscale: false,
            filter: api::Filter::Mitchell,
            format: api::OutputFormat::WebpLossless,
            quality: api::Quality::Auto(api::QualityTarget::Good),
            effort: api::Effort::Smallest,
            palette_colors: Some(64),
            metadata: api::MetadataPolicy::KeepSafe,
            max_kb: Some(250),
            keep_smaller_original: false,
            names: Some("{name} – {width}×{height} #{n}".into()),
            widths: vec![640, 1280, 1920],
        };
        assert_eq!(Settings::from_query(&s.to_query()), s);
        assert!(s.to_query().ends_with("&widths=640,1280,1920"), "{}", s.to_query());
        assert_eq!(Settings::from_query("widths=1280%2C640").widths, [640, 1280]);
        assert_eq!(Settings::from_query("widths=640,zero").widths, Vec::<u32>::new(), "widths the form refuses are not used");
        assert!(Settings::query_has_settings("?widths=640"));
        assert!(s.to_query().contains("&names=%7Bname%7D%20%E2%80%93%20%7Bwidth%7D%C3%97%7Bheight%7D%20%23%7Bn%7D&"), "{}", s.to_query());
        assert_eq!(Settings::from_query("names=%7Bname%7D+small").names.as_deref(), Some("{name} small"));
        assert_eq!(Settings::from_query("names=%7Bsize%7D").names, None, "a template the form refuses is not used");
        assert_eq!(Settings::from_query(&Settings::default().to_query()), Settings::default());
        assert!(s.to_query().contains("filter=mitchell&format=webp-lossless"), "{}", s.to_query());
    }

    #[test]
    fn engine_choices_are_keyed_by_their_wit_names() {
        assert_eq!(api::Filter::CatmullRom.key(), "catmull-rom");
        assert_eq!(api::OutputFormat::from_key("webp-lossless"), Some(api::OutputFormat::WebpLossless));
        assert_eq!(api::OutputFormat::from_key("webp"), Some(api::OutputFormat::Webp));
        let lossy_webp = Settings { format: api::OutputFormat::Webp, ..Settings::default() };
        assert!(lossy_webp.to_query().contains("format=webp&"), "{}", lossy_webp.to_query());
        assert_eq!(Settings::from_query(&lossy_webp.to_query()), lossy_webp);
        let avif = Settings { format: api::OutputFormat::Avif, ..Settings::default() };
        assert!(avif.to_query().contains("format=avif&"), "{}", avif.to_query());
        assert_eq!(Settings::from_query(&avif.to_query()), avif);
        assert_eq!(avif.engine_options().encode.encoding.format, api::OutputFormat::Avif);
        assert_eq!(api::MetadataPolicy::ALL.len(), 3);
    }

    #[test]
    fn nonsense_in_a_link_falls_back_to_sense() {
        let s = Settings::from_query("?resize=spiral&w=0&h=99999999&q=300&meta=&maxkb=0&junk");
        assert_eq!(s.resize, ResizeKind::Fit);
        assert_eq!((s.width, s.height, s.quality, s.max_kb), (1, MAX_SIDE, api::Quality::Fixed(100), None));
        assert_eq!(Settings::from_query("q=auto-visually-lossless").quality, api::Quality::Auto(api::QualityTarget::VisuallyLossless));
        assert_eq!(Settings::from_query("q=auto-best").quality, Settings::default().quality);
        assert!(Settings::query_has_settings("?q=50"));
        assert!(!Settings::query_has_settings("?utm_source=x"));
    }

    #[test]
    fn the_summary_says_each_main_setting() {
        assert_eq!(Settings::default().summary(), "Fit within 1920×1920 · Same as input · quality 80 · Remove all (private)");
        let s = Settings {
            resize: ResizeKind::Width,
            width: 640,
            quality: api::Quality::Auto(api::QualityTarget::High),
            max_kb: Some(200),
            ..Settings::default()
        };
        assert_eq!(s.summary(), "Width 640 px · Same as input · auto quality, high · Remove all (private) · at most 200 KB");
        let several = Settings { widths: vec![640, 1280], ..Settings::default() };
        assert!(several.summary().starts_with("Widths 640, 1280 px · "), "{}", several.summary());
    }

    #[test]
    fn several_widths_resize_to_the_largest_and_name_each_by_its_width() {
        let mut s = Settings { widths: vec![640, 1280, 1920], resize: ResizeKind::Cover, ..Settings::default() };
        assert_eq!(s.engine_options().resize.mode, api::ResizeMode::FitWidth(1920));
        assert_eq!(s.name_template().as_deref(), Some("{name}-{width}w"));
        s.names = Some("trip-{n}".into());
        assert_eq!(s.name_template().as_deref(), Some("trip-{n}-{width}w"), "each width needs its own name");
        s.names = Some("{width}/{name}".replace('/', "_"));
        assert_eq!(s.name_template().as_deref(), Some("{width}_{name}"));
        s.widths.clear();
        assert_eq!(s.name_template().as_deref(), Some("{width}_{name}"));
        assert_eq!(Settings::default().name_template(), None);
    }

    #[test]
    fn engine_options_are_the_settings() {
        let mut s = Settings { resize: ResizeKind::Width, width: 1280, max_kb: Some(200), ..Settings::default() };
        let o = s.engine_options();
        assert_eq!(o.resize.mode, api::ResizeMode::FitWidth(1280));
        assert_eq!(o.encode.max_bytes, Some(200_000));
        assert_eq!(o.encode.encoding.quality, api::Quality::Fixed(80));
        assert_eq!(o.limits, api::Limits::default());
        s.resize = ResizeKind::Original;
        s.max_kb = None;
        let o = s.engine_options();
        assert_eq!(o.resize.mode, api::ResizeMode::None);
        assert_eq!(o.encode.max_bytes, None);
    }
}
