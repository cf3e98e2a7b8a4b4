//! The staged API ([`Image`]: decode once, resize and encode as often as needed) and the one-call
//! forms built on it ([`process`], [`resize_image`], [`probe`]).
//!
//! An image keeps its pixels as stored and applies the EXIF orientation last, when encoding, so
//! that the turning touches the small result instead of the full decode.

use std::{borrow::Cow, sync::Arc};

use crate::{
    Dimensions, budget,
    color::{self, ProfileAction},
    container::{self, ColorModel, Container},
    decode,
    encode::{Input, OutputFormat, Writer},
    error::{Error, Result},
    format::ImageFormat,
    limits::{CheckLimits, Limits},
    memory,
    metadata::{MetadataBlocks, MetadataPolicy, OutputMetadata, icc},
    orient::{Orientation, Rect, Turn},
    pixels::Pixels,
    remux,
    resize::{self, Filter, ResizeMode, ResizeOptions},
    score, tune,
};

pub use localpix_contract::{DecodeOptions, EncodeOptions, ImageInfo, Options, Output, Quality, QualityScore};

mod halves;
mod shared;

pub use halves::{FirstHalf, Plan as HalvesPlan, SecondHalf, plan_halves};
pub use shared::{JpegBand, SharedEncode, quantize_band};

/// An encode's pixels and writer, settled before the encoder runs ([`Image::prepare_output`]).
struct Prepared<'a> {
    pixels: Cow<'a, Pixels>,
    /// The colour profile the output carries, if any.
    profile: Option<Vec<u8>>,
    writer: Writer,
    /// The file itself, where it may be given back instead of a larger re-encode.
    original: Option<Output>,
}

/// What `probe` reports of a file's headers and metadata.
fn info_of(container: &Container) -> ImageInfo {
    let orientation = container.blocks.orientation();
    ImageInfo {
        format: container.format,
        dimensions: orientation.display(container.stored),
        orientation,
        has_alpha: container.has_alpha,
        bit_depth: container.bit_depth,
        color_model: container.color_model,
        frame_count: container.frame_count,
        progressive: container.progressive,
        lossy: container.lossy,
        color_profile: container.blocks.icc.as_deref().map(icc::describe),
        metadata: container.blocks.fields(),
    }
}

/// Reads a file's headers and metadata without decoding its pixels.
pub fn probe(bytes: &[u8]) -> Result<ImageInfo> {
    Ok(info_of(&container::read(bytes)?))
}

/// The recommended options (see `default-options` in the WIT contract).
pub fn default_options() -> Options {
    Options::default()
}

/// Checks options without an image (WIT `check-options`): the same checks `process` makes, so a
/// caller can refuse a setting before any file is read.
pub fn check_options(options: &Options) -> Result<()> {
    let Limits { max_pixels, max_memory } = options.limits;
    if max_pixels == 0 || max_memory == 0 {
        return Err(Error::invalid("The limits must allow at least one pixel and one byte."));
    }
    // Planning on any image checks the mode's sizes and percentage; a crop can only be checked
    // for having pixels until there is a picture it must lie within.
    resize::plan(1000.0, 1000.0, &ResizeOptions { crop: None, ..options.resize })?;
    resize::check_crop(options.resize.crop)?;
    Writer::for_encoding(&options.encode.encoding, Input { format: ImageFormat::Jpeg, lossy: true, has_alpha: false })?;
    if options.encode.max_bytes == Some(0) {
        return Err(Error::invalid("The largest file size must be above 0 bytes."));
    }
    Ok(())
}

/// What every image derived from one decode shares.
#[derive(Debug)]
struct Source {
    info: ImageInfo,
    blocks: MetadataBlocks,
    /// The file, when it could be given back instead of a larger re-encode: one upright frame of
    /// JPEG, PNG or WebP, RGB or grey.
    original: Option<Vec<u8>>,
    /// What the file's stages need in memory, for the check before encoding.
    job: memory::Job,
}

impl Source {
    fn keepable(container: &Container) -> bool {
        matches!(container.format, ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)
            && container.frame_count == 1
            && container.blocks.orientation() == Orientation::Normal
            && container.color_model != ColorModel::Cmyk
    }
}

/// How a file is to be decoded, decided from its headers and the options before any pixel is:
/// the smallest size the intended resize needs, and whether the file is kept.
struct Planned {
    container: Container,
    orientation: Orientation,
    /// The smallest stored size the intended resize needs (`decode::decode`'s `min_stored`).
    min_stored: Option<Dimensions>,
    keeps_original: bool,
    job: memory::Job,
}

impl Planned {
    /// Refuses, from the header, a file over the limits before anything large is allocated.
    fn new(container: Container, file_bytes: usize, options: &DecodeOptions) -> Result<Self> {
        let orientation = container.blocks.orientation();
        // The resize's sizes are of the picture after its turn; both sizes here are as stored.
        let (min_stored, output, changes) = match &options.intended_resize {
            Some(resize) => {
                let turned = orientation.then(resize.turn);
                let display = turned.display(container.stored);
                let plan = resize::plan(display.width.into(), display.height.into(), resize)?;
                let changes = !plan.is_identity(display) || resize.turn != Orientation::Normal;
                (Some(turned.display(needed_detail(display, &plan))), Some(turned.display(plan.output)), changes)
            }
            None => (None, None, false),
        };
        // Refused before anything large is allocated: too many pixels, or more memory than allowed.
        options.limits.check(container.stored)?;
        // The file is kept to stand in for an output of the same pixels (`keep-smaller-original`);
        // when the intended resize changes them, no output can be, and the copy would only take
        // memory through every stage (13 MB for a 5120×2880 PNG, beside its 59 MB decode).
        let keeps_original = Source::keepable(&container) && !changes;
        let job = memory::Job::new(&container, file_bytes, keeps_original, decode::decoded_size(&container, min_stored));
        memory::check(&options.limits, job.decoding(), container.stored, "decoding it")?;
        if let Some(output) = output {
            memory::check(&options.limits, job.resizing(output), container.stored, "decoding and resizing it")?;
        }
        Ok(Self { container, orientation, min_stored, keeps_original, job })
    }
}

/// A decoded image.
#[derive(Clone, Debug)]
pub struct Image {
    source: Arc<Source>,
    /// As stored: not yet turned by `orientation`.
    pixels: Pixels,
    orientation: Orientation,
    /// The size (as stored) the image counts as having: the file's, after a decode, even a reduced
    /// one; the pixels', after a resize. Resizes are planned on it, so that a reduced decode gives
    /// exactly the output a full one would, percentages included.
    whole: Dimensions,
    /// Pixels per unit of `whole`: an eighth from 1/8 to 7/8 after a reduced decode, else 1. Exact
    /// (an eighth is exact in binary), where the pixels' size is rounded up (6027 / 2 gives 3014
    /// pixels for 3013.5 units).
    scale: f64,
    limits: Limits,
    /// The filter of the last resize, reused when a byte budget needs a smaller size.
    filter: Filter,
    /// True while the pixels are the whole file's, decoded at full size and never resampled.
    untouched: bool,
}

impl Image {
    /// Decodes a file.
    pub fn decode(bytes: &[u8], options: &DecodeOptions) -> Result<Image> {
        Self::decode_container(bytes, container::read(bytes)?, options)
    }

    fn decode_container(bytes: &[u8], container: Container, options: &DecodeOptions) -> Result<Image> {
        let planned = Planned::new(container, bytes.len(), options)?;
        let decoded = decode::decode(bytes, &planned.container, &options.limits, planned.min_stored)?;
        Ok(Self::from_decoded(bytes, planned, decoded, options))
    }

    /// The image of `decoded`, the pixels of the file `bytes` decoded as `planned`.
    fn from_decoded(bytes: &[u8], planned: Planned, decoded: decode::Decoded, options: &DecodeOptions) -> Image {
        let Planned { container, orientation, keeps_original, job, .. } = planned;
        let info = info_of(&container);
        let original = keeps_original.then(|| bytes.to_vec());
        Image {
            source: Arc::new(Source { info, blocks: container.blocks, original, job }),
            pixels: decoded.pixels,
            orientation,
            whole: container.stored,
            scale: f64::from(decoded.eighths) / 8.0,
            limits: options.limits,
            filter: Filter::default(),
            untouched: decoded.eighths == 8,
        }
    }

    /// What was read from the file.
    pub fn info(&self) -> &ImageInfo {
        &self.source.info
    }

    /// The size of the pixels held, as displayed.
    pub fn dimensions(&self) -> Dimensions {
        self.orientation.display(self.pixels.size)
    }

    /// A resized copy.
    pub fn resize(&self, options: &ResizeOptions) -> Result<Image> {
        // A turn joins the orientation, so it is planned in displayed coordinates like the file's
        // own and, like it, touches only the resized pixels, when encoding.
        let orientation = self.orientation.then(options.turn);
        let display = orientation.display(self.whole);
        let plan = resize::plan(display.width.into(), display.height.into(), options)?;
        if plan.output.pixels() > u64::from(self.limits.max_pixels) {
            return Err(Error::TooLarge {
                dimensions: plan.output,
                limit: self.limits.max_pixels,
                message: format!(
                    "The requested size {} ({:.1} megapixels) is over the limit of {:.1} megapixels.",
                    plan.output,
                    plan.output.pixels() as f64 / 1e6,
                    f64::from(self.limits.max_pixels) / 1e6
                ),
            });
        }
        let source = orientation.to_stored(plan.source, self.whole.width.into(), self.whole.height.into());
        let source = Rect {
            left: source.left * self.scale,
            top: source.top * self.scale,
            width: source.width * self.scale,
            height: source.height * self.scale,
        };
        let output = orientation.display(plan.output);
        let whole = Rect { left: 0.0, top: 0.0, width: self.pixels.size.width.into(), height: self.pixels.size.height.into() };
        let unchanged = output == self.pixels.size && source == whole;
        let pixels = if unchanged { self.pixels.clone() } else { resize::resample(&self.pixels, source, output, options.filter)? };
        Ok(Image {
            source: Arc::clone(&self.source),
            pixels,
            whole: output,
            scale: 1.0,
            orientation,
            filter: options.filter,
            // A turned picture is not the file's own: the original cannot stand in for it.
            untouched: self.untouched && unchanged && options.turn == Orientation::Normal,
            ..*self
        })
    }

    /// The pixels turned upright (for tests and benchmarks that look at them).
    pub fn into_pixels_upright(self) -> Pixels {
        self.orientation.apply(self.pixels)
    }

    /// Encodes; the image stays usable. Its pixels are read where they are, copied only when they
    /// must change first (turned upright, converted to sRGB, flattened): a copy of a resized photo
    /// is 8–10 MB, which every file of the app's pool paid until 2026-11-26.
    pub fn encode(&self, options: &EncodeOptions) -> Result<Output> {
        self.output_of(Cow::Borrowed(&self.pixels), options)
    }

    /// Encodes, consuming the image so its pixels need no copy even when they change.
    pub fn into_output(mut self, options: &EncodeOptions) -> Result<Output> {
        let layout = self.pixels.layout;
        let pixels = std::mem::replace(&mut self.pixels, Pixels::new(layout, Dimensions::new(0, 0), Vec::new()));
        self.output_of(Cow::Owned(pixels), options)
    }

    /// Encodes `pixels` (this image's, borrowed or taken). With `auto` quality the quality is
    /// searched first ([`tune`]); a byte budget then lowers it further if it must.
    fn output_of(&self, pixels: Cow<'_, Pixels>, options: &EncodeOptions) -> Result<Output> {
        let prepared = self.prepare_output(pixels, options)?;
        self.finish_output(prepared, options, None)
    }

    /// What an encode settles before its encoder runs: the pixels as they will be written
    /// (upright, in the output's colours), the writer, and the file itself where it may stand in.
    fn prepare_output<'a>(&self, pixels: Cow<'a, Pixels>, options: &EncodeOptions) -> Result<Prepared<'a>> {
        let writer = Writer::for_encoding(&options.encoding, Input::of(&self.source.info))?;
        let original = self.original_output(&pixels, options, writer);
        let upright = match self.orientation {
            Orientation::Normal => pixels,
            turned => Cow::Owned(turned.apply(pixels.into_owned())),
        };
        let scoring =
            options.score || matches!(options.encoding.quality, Quality::Auto(_)) || memory::scores(writer, upright.layout.channels());
        let needed = self.source.job.encoding(upright.size, writer, scoring);
        memory::check(&self.limits, needed, upright.size, "encoding it at that size")?;
        let (pixels, profile) = output_colors(upright, &self.source, options, writer);
        let writer = tune::chroma_for_smallest(&pixels, writer)?;
        Ok(Prepared { pixels, profile, writer, original })
    }

    /// The output of a prepared encode; `first`, when given, is what `prepared.writer` writes of
    /// `prepared.pixels` (made elsewhere: a shared encode), which a byte budget may still refuse.
    fn finish_output(&self, prepared: Prepared<'_>, options: &EncodeOptions, first: Option<Vec<u8>>) -> Result<Output> {
        // The AVIF reconstructions the scoring keeps go with this encode, alone or shared.
        let _reconstructions = crate::encode::ReconstructionsKept;
        let Prepared { pixels, profile, writer, original } = prepared;
        let metadata_for = |size: Dimensions| OutputMetadata::for_policy(options.metadata, &self.source.blocks, profile.as_deref(), size);
        let tuned = match (options.encoding.quality, writer.palette_colors()) {
            (Quality::Auto(target), Some(most)) => {
                Some(tune::tune_palette(&pixels, most, writer, &metadata_for(pixels.size), target.score())?)
            }
            (Quality::Auto(target), None) if writer.quality().is_some() => {
                Some(tune::tune(&pixels, writer, &metadata_for(pixels.size), target.score())?)
            }
            _ => None,
        };
        let within_budget = |bytes: &[u8]| options.max_bytes.is_none_or(|max| bytes.len() <= max as usize);
        let (fitted, score) = match tuned {
            Some(tuned) if within_budget(&tuned.bytes) => {
                (budget::Fitted { bytes: tuned.bytes, dimensions: pixels.size, writer: tuned.writer }, Some(tuned.score))
            }
            tuned => {
                let (writer, first) = match tuned {
                    Some(t) => (t.writer, None),
                    None => (writer, first),
                };
                let fitted = budget::encode_within(&pixels, writer, metadata_for, options.max_bytes, self.filter, first)?;
                let measure = options.score || matches!(options.encoding.quality, Quality::Auto(_));
                let score = if measure { measure_output(&pixels, &fitted, self.filter)? } else { None };
                (fitted, score)
            }
        };
        if let Some(original) = original.filter(|o| o.bytes.len() < fitted.bytes.len() && within_budget(&o.bytes)) {
            return Ok(original);
        }
        Ok(Output {
            bytes: fitted.bytes,
            format: fitted.writer.format(),
            dimensions: fitted.dimensions,
            quality: fitted.writer.quality(),
            score,
            kept_original: false,
        })
    }

    /// The input's own picture re-wrapped with the policy's metadata, when `keep-smaller-original`
    /// asks for it and the picture is the input's: same pixels and colours, and its format is the
    /// one asked for (or "same as input").
    fn original_output(&self, pixels: &Pixels, options: &EncodeOptions, writer: Writer) -> Option<Output> {
        let original = self.source.original.as_deref().filter(|_| options.keep_smaller_original && self.untouched)?;
        let info = &self.source.info;
        if writer.format() != info.format && options.encoding.format != OutputFormat::SameAsInput {
            return None;
        }
        let keep_profile = options.metadata != MetadataPolicy::StripAll && writer.embeds_profile();
        let profile = match color::action(info.color_profile.as_ref(), pixels.layout, keep_profile) {
            // The new file's colours would be converted: the original's are not the same.
            ProfileAction::ConvertToSrgb => return None,
            ProfileAction::Keep => true,
            ProfileAction::Drop => false,
        };
        let metadata = OutputMetadata::for_policy(options.metadata, &self.source.blocks, None, pixels.size);
        let kept = remux::Kept { exif: metadata.exif.as_deref(), profile };
        Some(Output {
            bytes: remux::rebuild(original, info.format, pixels.size, kept)?,
            format: info.format,
            dimensions: pixels.size,
            quality: None,
            score: None,
            kept_original: true,
        })
    }
}

impl Image {
    /// A picture of where `encoded` (an output of [`Image::encode`] with `options`) differs from
    /// this image: the difference per channel times `magnify`, as a PNG of the output's size.
    pub fn difference(&self, encoded: &[u8], options: &EncodeOptions, magnify: u8) -> Result<Output> {
        if magnify == 0 {
            return Err(Error::invalid("The difference must be magnified at least once (1 to 255)."));
        }
        let writer = Writer::for_encoding(&options.encoding, Input::of(&self.source.info))?;
        let upright = self.orientation.apply(self.pixels.clone());
        let made_from = output_colors(Cow::Owned(upright), &self.source, options, writer).0.into_owned();
        let container = container::read(encoded)?;
        let output = decode::decode(encoded, &container, &self.limits, None)?.pixels;
        let reference = if output.size == made_from.size {
            made_from
        } else {
            let whole = Rect { left: 0.0, top: 0.0, width: made_from.size.width.into(), height: made_from.size.height.into() };
            resize::resample(&made_from, whole, output.size, self.filter)?
        };
        let map = score::difference_map(&reference, &output, magnify);
        let png = Writer::Png { effort: crate::encode::Effort::Fast, options: Default::default() };
        let bytes = png.encode(&map, &OutputMetadata::default())?;
        Ok(Output { bytes, format: ImageFormat::Png, dimensions: map.size, quality: None, score: None, kept_original: false })
    }
}

/// Scores an output against the pixels it was made from, resampled first when a byte budget made
/// it smaller.
fn measure_output(pixels: &Pixels, fitted: &budget::Fitted, filter: Filter) -> Result<Option<QualityScore>> {
    if fitted.dimensions == pixels.size {
        return Ok(tune::score_of(pixels, &fitted.bytes));
    }
    let whole = Rect { left: 0.0, top: 0.0, width: pixels.size.width.into(), height: pixels.size.height.into() };
    let smaller = resize::resample(pixels, whole, fitted.dimensions, filter)?;
    Ok(tune::score_of(&smaller, &fitted.bytes))
}

/// Makes the pixels right for the writer: converted to sRGB or keeping their profile per the
/// policy, and laid on the background for formats without alpha. Returns them with the profile to
/// embed.
fn output_colors<'a>(
    mut pixels: Cow<'a, Pixels>,
    source: &Source,
    options: &EncodeOptions,
    writer: Writer,
) -> (Cow<'a, Pixels>, Option<Vec<u8>>) {
    let keep_profile = options.metadata != MetadataPolicy::StripAll;
    let icc = source.blocks.icc.as_ref();
    let profile = match color::action(source.info.color_profile.as_ref(), pixels.layout, keep_profile) {
        ProfileAction::Drop => None,
        ProfileAction::Keep => icc.cloned(),
        // A profile the colour engine cannot use is kept, so the colours still show right.
        ProfileAction::ConvertToSrgb => icc.filter(|icc| !color::convert_to_srgb(pixels.to_mut(), icc)).cloned(),
    };
    if pixels.layout.has_alpha() && !writer.has_alpha() {
        pixels = Cow::Owned(pixels.flatten(options.background));
    }
    (pixels, profile)
}

/// The smallest size the whole image (`display`, as displayed) may be decoded at for the resize
/// `plan` to take from it at least the detail its output needs.
fn needed_detail(display: Dimensions, plan: &resize::Plan) -> Dimensions {
    Dimensions::new(
        (f64::from(plan.output.width) * f64::from(display.width) / plan.source.width).ceil() as u32,
        (f64::from(plan.output.height) * f64::from(display.height) / plan.source.height).ceil() as u32,
    )
}

/// Decodes, resizes and encodes in one call, decoding a JPEG at a reduced scale when the output
/// is at most half its size.
pub fn process(bytes: &[u8], options: &Options) -> Result<Output> {
    let decode_options = DecodeOptions { limits: options.limits, intended_resize: Some(options.resize) };
    let image = Image::decode(bytes, &decode_options)?;
    let resized = image.resize(&options.resize)?;
    // The decode is not needed to encode: its memory goes back before the encoder takes its own.
    drop(image);
    resized.into_output(&options.encode)
}

/// The simple form: fit within `target` without enlarging, Lanczos3, the input's format where
/// possible, no metadata. The error is its message.
pub fn resize_image(bytes: &[u8], target: Dimensions) -> Result<Vec<u8>, String> {
    let mut options = default_options();
    options.resize.mode = ResizeMode::FitWithin(target);
    process(bytes, &options).map(|output| output.bytes).map_err(|e| e.message().to_string())
}

#[cfg(test)]
mod tests;
