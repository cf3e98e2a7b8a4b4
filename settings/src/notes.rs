//! What a result's row says about how it came out, when that differs from what the person asked
//! for: a kept original, a format other than the input's, what a size limit cost, dropped frames.
//! Nothing changes silently.

use localpix_contract::{
    Dimensions, HDR_GAIN_MAP_FIELD, ImageFormat, ImageInfo, MetadataGroup, Orientation, Output, OutputFormat, Quality,
};

use crate::Settings;

/// The sizes of the original and of the result, in bytes.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    pub input: u64,
    pub output: u64,
}

/// What a row's own turn does to its picture, in words: `None` when it has none. The eight
/// orientations are each a quarter turn (or none) followed by an optional left-right mirror.
pub fn turn_description(turn: Orientation) -> Option<&'static str> {
    Some(match turn {
        Orientation::Normal => return None,
        Orientation::Rotate90 => "Turned 90° right",
        Orientation::Rotate180 => "Turned 180°",
        Orientation::Rotate270 => "Turned 90° left",
        Orientation::FlipHorizontal => "Mirrored left to right",
        Orientation::FlipVertical => "Mirrored top to bottom",
        Orientation::Transpose => "Turned 90° right, mirrored left to right",
        Orientation::Transverse => "Turned 90° right, mirrored top to bottom",
    })
}

/// The notes for one result, most important first. `resized` is the size the resize gave, before
/// any byte budget. (`output.bytes` may be empty: the app keeps the bytes in a Blob.)
pub fn notes(settings: &Settings, info: &ImageInfo, resized: Dimensions, output: &Output, sizes: Sizes) -> Vec<String> {
    let mut notes = Vec::new();
    if output.kept_original {
        notes.push(format!("The original's own picture, without its metadata: a new {} would have been larger.", output.format.name()));
    } else if settings.format == OutputFormat::SameAsInput && output.format != info.format {
        notes.push(format_change(info, output.format));
    }
    if let Some(kb) = settings.max_kb {
        let limit = format!("{kb} KB");
        if output.dimensions != resized {
            notes.push(format!(
                "Made {} instead of {} to fit within {limit}{}.",
                output.dimensions,
                resized,
                output.quality.map(|q| format!(", at quality {q}")).unwrap_or_default()
            ));
        } else if let (Quality::Fixed(asked), Some(used)) = (settings.quality, output.quality)
            && used < asked
        {
            notes.push(format!("Quality lowered from {asked} to {used} to fit within {limit}."));
        }
    }
    if !output.kept_original && sizes.output > sizes.input && sizes.input > 0 {
        // Only reached when the original could not serve (resized, another format asked for…).
        notes.push("Larger than the original.".into());
    }
    if info.frame_count > 1 {
        notes.push(match info.format {
            // The one a HEIF file names primary, which need not be the first.
            ImageFormat::Heic => format!("Only its main picture is kept, of the {} in the file.", info.frame_count),
            ImageFormat::Tiff => format!("Only the first of its {} pages is kept.", info.frame_count),
            _ => format!("Only the first of its {} frames is kept.", info.frame_count),
        });
    }
    if info.metadata.iter().any(|f| f.group == MetadataGroup::ExtraData && f.name == HDR_GAIN_MAP_FIELD) {
        notes.push("Standard range only: its HDR gain map (brighter highlights on HDR screens) is not kept.".into());
    }
    notes
}

/// Said when some of several widths were not made: the original is narrower and is never enlarged.
pub fn skipped_widths(skipped: &[u32]) -> Option<String> {
    let (last, rest) = skipped.split_last()?;
    let list = if rest.is_empty() {
        last.to_string()
    } else {
        format!("{} and {last}", rest.iter().map(u32::to_string).collect::<Vec<_>>().join(", "))
    };
    Some(format!("Not made {list} px wide: the original is narrower (Never enlarge)."))
}

fn format_change(info: &ImageInfo, written: ImageFormat) -> String {
    match (info.format, written) {
        (ImageFormat::WebP, ImageFormat::Jpeg) if info.lossy => {
            "JPEG: a lossy WebP stays lossy (a lossless WebP would be many times larger).".into()
        }
        (input, written) if info.lossy => {
            format!("{}: localpix does not write {}; a lossy photo stays lossy.", written.name(), input.name())
        }
        (input, written) => format!("{}: localpix does not write {}; {} keeps every pixel.", written.name(), input.name(), written.name()),
    }
}

#[cfg(test)]
mod tests {
    use localpix_contract::{ColorModel, MetadataField};

    use super::*;

    fn info(format: ImageFormat, lossy: bool, frames: u32) -> ImageInfo {
        ImageInfo {
            format,
            dimensions: Dimensions::new(640, 400),
            orientation: Default::default(),
            has_alpha: false,
            bit_depth: 8,
            color_model: ColorModel::Rgb,
            frame_count: frames,
            progressive: false,
            lossy,
            color_profile: None,
            metadata: vec![],
        }
    }

    fn output(format: ImageFormat, size: Dimensions, quality: Option<u8>, kept_original: bool) -> Output {
        Output { bytes: vec![], format, dimensions: size, quality, score: None, kept_original }
    }

    fn sizes(input: u64, output: u64) -> Sizes {
        Sizes { input, output }
    }

    const SIZE: Dimensions = Dimensions { width: 640, height: 400 };

    #[test]
    fn skipped_widths_are_listed() {
        assert_eq!(skipped_widths(&[]), None);
        assert_eq!(skipped_widths(&[1920]).as_deref(), Some("Not made 1920 px wide: the original is narrower (Never enlarge)."));
        assert_eq!(
            skipped_widths(&[1280, 1920, 2560]).as_deref(),
            Some("Not made 1280, 1920 and 2560 px wide: the original is narrower (Never enlarge).")
        );
    }

    #[test]
    fn a_plain_result_needs_no_note() {
        let out = output(ImageFormat::Jpeg, SIZE, Some(80), false);
        assert_eq!(notes(&Settings::default(), &info(ImageFormat::Jpeg, true, 1), SIZE, &out, sizes(200, 100)), Vec::<String>::new());
    }

    #[test]
    fn each_change_is_said() {
        let settings = Settings::default();
        let kept = output(ImageFormat::WebP, SIZE, None, true);
        assert!(
            notes(&settings, &info(ImageFormat::WebP, true, 1), SIZE, &kept, sizes(63, 50))[0].starts_with("The original's own picture")
        );
        let jpeg = output(ImageFormat::Jpeg, SIZE, Some(80), false);
        assert!(notes(&settings, &info(ImageFormat::WebP, true, 1), SIZE, &jpeg, sizes(63, 50))[0].contains("lossy WebP stays lossy"));
        let png = output(ImageFormat::Png, SIZE, None, false);
        assert_eq!(
            notes(&settings, &info(ImageFormat::Gif, false, 8), SIZE, &png, sizes(63, 50)),
            ["PNG: localpix does not write GIF; PNG keeps every pixel.", "Only the first of its 8 frames is kept."]
        );
        let from_heic = output(ImageFormat::Jpeg, SIZE, Some(80), false);
        assert_eq!(
            notes(&settings, &info(ImageFormat::Heic, true, 1), SIZE, &from_heic, sizes(63, 50)),
            ["JPEG: localpix does not write HEIC; a lossy photo stays lossy."]
        );
        // A phone's HEIC with a second picture and an HDR gain map, as the engine reports them.
        let mut phone = info(ImageFormat::Heic, true, 2);
        phone.metadata.push(MetadataField {
            group: MetadataGroup::ExtraData,
            name: HDR_GAIN_MAP_FIELD.into(),
            value: "an HDR gain map (apple), 2016×1512: not kept".into(),
            sensitive: None,
        });
        assert_eq!(
            notes(&settings, &phone, SIZE, &from_heic, sizes(63, 50))[1..],
            [
                "Only its main picture is kept, of the 2 in the file.",
                "Standard range only: its HDR gain map (brighter highlights on HDR screens) is not kept."
            ]
        );
        // An animated JPEG XL (lossless, so a PNG) keeps its first frame, as a GIF does.
        assert_eq!(
            notes(&settings, &info(ImageFormat::JpegXl, false, 2), SIZE, &png, sizes(63, 50)),
            ["PNG: localpix does not write JPEG XL; PNG keeps every pixel.", "Only the first of its 2 frames is kept."]
        );
        let bigger = output(ImageFormat::Png, SIZE, None, false);
        let asked_png = Settings { format: OutputFormat::Png, ..settings.clone() };
        assert_eq!(notes(&asked_png, &info(ImageFormat::Jpeg, true, 1), SIZE, &bigger, sizes(100, 500)), ["Larger than the original."]);
    }

    #[test]
    fn what_a_size_limit_cost_is_said() {
        let settings = Settings { max_kb: Some(100), ..Settings::default() };
        let jpeg = info(ImageFormat::Jpeg, true, 1);
        let lowered = output(ImageFormat::Jpeg, SIZE, Some(52), false);
        assert_eq!(
            notes(&settings, &jpeg, SIZE, &lowered, sizes(500_000, 99_000)),
            ["Quality lowered from 80 to 52 to fit within 100 KB."]
        );
        let shrunk = output(ImageFormat::Jpeg, Dimensions::new(329, 185), Some(40), false);
        let asked = Dimensions::new(1920, 1080);
        assert_eq!(
            notes(&settings, &jpeg, asked, &shrunk, sizes(500_000, 99_000)),
            ["Made 329×185 instead of 1920×1080 to fit within 100 KB, at quality 40."]
        );
    }

    #[test]
    fn a_turn_is_said_as_the_buttons_that_make_it() {
        use Orientation::*;
        let right = Rotate90;
        assert_eq!(turn_description(Normal), None);
        assert_eq!(turn_description(Normal.then(right).then(right)), Some("Turned 180°"));
        assert_eq!(turn_description(Normal.then(right).then(right).then(right)), Some("Turned 90° left"));
        assert_eq!(turn_description(right.then(FlipHorizontal)), Some("Turned 90° right, mirrored left to right"));
        assert_eq!(turn_description(right.then(FlipVertical)), Some("Turned 90° right, mirrored top to bottom"));
        // Two mirrors across each other are a half turn.
        assert_eq!(turn_description(FlipHorizontal.then(FlipVertical)), Some("Turned 180°"));
    }
}
