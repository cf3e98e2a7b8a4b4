//! A large JPEG decoded by two engines at once, in two Web Workers that share no memory: the
//! engine's side of `localpix_jpeg::halves` (which explains how).
//!
//! Both engines get the file and the same options. [`plan_halves`] says whether it pays and where
//! the halves meet; one engine decodes the [`FirstHalf`], the other the [`SecondHalf`]; the first
//! hands its seam to the second, both transform their rows at the same time, and the second's
//! rows, handed back, make with the first's the [`Image`] that [`Image::decode`] would have given,
//! pixel for pixel. The caller (app/js/worker.js) moves the seam and the rows between workers.

use super::{Image, Planned};
use crate::{
    container,
    decode::{self, jpeg},
    error::{Error, Result},
    format::ImageFormat,
};
use localpix_contract::DecodeOptions;
use localpix_jpeg::halves::{self, Band, Plan, Seam};

/// Photos smaller than this are decoded whole: the second worker's start (the file handed over,
/// the headers read again, the rows handed back) would eat what it saves.
const MIN_PIXELS: u64 = 8_000_000;

/// Only reduced decodes, where each half keeps at most a 4×4 corner of each brightness block's
/// coefficients until it knows where they go (at full size it would keep all 64: 100 MB for a
/// 24-megapixel photo).
const MAX_EIGHTHS: u32 = 4;

/// Where the halves of `bytes`, decoded for `options`, meet; `None` when decoding it whole is
/// better: not a baseline JPEG of one scan without restart markers, too small, decoded at more
/// than half its size, or not decodable at all (the whole decode then says why).
pub fn plan_halves(bytes: &[u8], options: &DecodeOptions) -> Option<Plan> {
    let planned = planned(bytes, options).ok()?;
    halves::plan(bytes, &jpeg_options(&planned, options)).ok().flatten()
}

fn planned(bytes: &[u8], options: &DecodeOptions) -> Result<Planned> {
    let container = container::read(bytes)?;
    let planned = Planned::new(container, bytes.len(), options)?;
    let eighths = decode::eighths(&planned.container, planned.min_stored);
    // A decode that keeps the file could give it back unchanged: not one to split.
    let splits = planned.container.format == ImageFormat::Jpeg
        && planned.container.stored.pixels() >= MIN_PIXELS
        && eighths <= MAX_EIGHTHS
        && !planned.keeps_original;
    if splits {
        Ok(planned)
    } else {
        Err(Error::invalid("Only a baseline JPEG of 8 megapixels or more, decoded at half its size or less, is decoded in halves."))
    }
}

fn jpeg_options(planned: &Planned, options: &DecodeOptions) -> localpix_jpeg::Options {
    localpix_jpeg::Options {
        eighths: decode::eighths(&planned.container, planned.min_stored),
        max_memory: u64::from(options.limits.max_memory),
    }
}

fn jpeg_error(planned: &Planned, options: &DecodeOptions) -> impl Fn(localpix_jpeg::Error) -> Error + use<> {
    let container = planned.container.clone();
    let limits = options.limits;
    move |e| jpeg::map_error(e, &container, &limits)
}

/// The top half: decoded from the start of the data to a little past the plan's middle.
pub struct FirstHalf {
    /// Until joined.
    planned: Option<Planned>,
    options: DecodeOptions,
    half: Option<halves::FirstHalf>,
    top: Option<Band>,
}

impl FirstHalf {
    pub fn decode(bytes: &[u8], options: &DecodeOptions, plan: Plan) -> Result<Self> {
        let planned = planned(bytes, options)?;
        let half = halves::FirstHalf::decode(bytes, &jpeg_options(&planned, options), plan).map_err(jpeg_error(&planned, options))?;
        Ok(Self { planned: Some(planned), options: *options, half: Some(half), top: None })
    }

    /// Where the second half takes over; `None` when this half decoded the whole image.
    pub fn seam(&self) -> Option<Seam> {
        self.half.as_ref().and_then(halves::FirstHalf::seam)
    }

    /// Transforms this half's rows (while the other half does its own).
    pub fn finish(&mut self) -> Result<()> {
        if let (Some(half), Some(planned)) = (self.half.take(), &self.planned) {
            self.top = Some(half.finish().map_err(jpeg_error(planned, &self.options))?);
        }
        Ok(())
    }

    /// The image: this half's rows above the second half's `bottom` (its [`SecondHalf::finish`];
    /// empty without a seam).
    pub fn join(&mut self, bottom: Vec<u8>) -> Result<Image> {
        self.finish()?;
        let (Some(top), Some(planned)) = (self.top.take(), self.planned.take()) else {
            return Err(Error::invalid("This half was already joined."));
        };
        let map = jpeg_error(&planned, &self.options);
        let image = if top.first_row + top.image.height == top.full_height {
            top.image
        } else {
            let row_bytes = top.image.width as usize * top.image.format.bytes_per_pixel();
            let height = (bottom.len() / row_bytes.max(1)) as u32;
            let bottom = Band {
                first_row: top.image.height,
                full_height: top.full_height,
                image: localpix_jpeg::Image { width: top.image.width, height, format: top.image.format, pixels: bottom },
            };
            halves::join(top, bottom).map_err(map)?
        };
        let eighths = decode::eighths(&planned.container, planned.min_stored);
        // No file to keep (`planned` refuses a decode that would keep it).
        Ok(Image::from_decoded(&[], planned, jpeg::decoded(image, eighths), &self.options))
    }
}

/// The bottom half: decoded from the plan's middle to the end, kept until the seam comes.
pub struct SecondHalf {
    input: Vec<u8>,
    planned: Planned,
    options: DecodeOptions,
    half: Option<halves::SecondHalf>,
}

impl SecondHalf {
    pub fn decode(input: Vec<u8>, options: &DecodeOptions, plan: Plan) -> Result<Self> {
        let planned = planned(&input, options)?;
        let half = halves::SecondHalf::decode(&input, &jpeg_options(&planned, options), plan).map_err(jpeg_error(&planned, options))?;
        Ok(Self { input, planned, options: *options, half: Some(half) })
    }

    /// This half's rows, from the row after the seam's: the pixels, row after row, for
    /// [`FirstHalf::join`].
    pub fn finish(&mut self, seam: Seam) -> Result<Vec<u8>> {
        let Some(half) = self.half.take() else { return Err(Error::invalid("This half was already finished.")) };
        let band = half.finish(&self.input, seam).map_err(jpeg_error(&self.planned, &self.options))?;
        Ok(band.image.pixels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        Dimensions,
        encode::{Effort, Encoding, OutputFormat},
        resize::{Filter, ResizeMode, ResizeOptions},
        testdata::{corpus, fixture},
    };
    use localpix_contract::{EncodeOptions, Quality};

    fn resize(mode: ResizeMode) -> ResizeOptions {
        ResizeOptions { mode, filter: Filter::Lanczos3, never_upscale: false, turn: Default::default(), crop: None }
    }

    fn intending(mode: ResizeMode) -> DecodeOptions {
        DecodeOptions { intended_resize: Some(resize(mode)), ..DecodeOptions::default() }
    }

    /// A 3840×2400 baseline JPEG (9.2 megapixels): the photo fixture enlarged, with its EXIF
    /// orientation, as a phone would write it.
    fn large_jpeg() -> Vec<u8> {
        let photo = Image::decode(&fixture("photo-640x400.jpg"), &DecodeOptions::default()).unwrap();
        let large = photo.resize(&resize(ResizeMode::FitWidth(3840))).unwrap();
        let options = EncodeOptions {
            encoding: Encoding { format: OutputFormat::Jpeg, quality: Quality::Fixed(90), effort: Effort::Fast, ..Encoding::default() },
            ..EncodeOptions::default()
        };
        large.encode(&options).unwrap().bytes
    }

    /// `bytes` decoded in halves as two workers would, each half with its own copy of the file.
    fn in_halves(bytes: &[u8], options: &DecodeOptions) -> Image {
        let plan = plan_halves(bytes, options).expect("a plan");
        let mut first = FirstHalf::decode(bytes, options, plan).unwrap();
        let mut second = SecondHalf::decode(bytes.to_vec(), options, plan).unwrap();
        let seam = first.seam().expect("a seam");
        first.finish().unwrap();
        first.join(second.finish(seam).unwrap()).unwrap()
    }

    fn assert_same(halves: &Image, whole: &Image, what: &str) {
        assert_eq!(halves.dimensions(), whole.dimensions(), "{what}");
        assert_eq!(halves.info(), whole.info(), "{what}");
        assert!(halves.pixels == whole.pixels, "{what}: the pixels differ");
        // And so does everything after: the resize and the encode.
        let fit = resize(ResizeMode::FitWithin(Dimensions::new(640, 640)));
        let encode = EncodeOptions::default();
        let (a, b) = (halves.resize(&fit).unwrap().encode(&encode).unwrap(), whole.resize(&fit).unwrap().encode(&encode).unwrap());
        assert!(a.bytes == b.bytes, "{what}: the outputs differ");
    }

    #[test]
    fn a_large_jpeg_decoded_in_halves_is_the_image_a_whole_decode_gives() {
        let bytes = large_jpeg();
        // 3/8, 2/8 and 1/8 of 3840 wide.
        for width in [1440, 960, 400] {
            let options = intending(ResizeMode::FitWidth(width));
            assert_same(&in_halves(&bytes, &options), &Image::decode(&bytes, &options).unwrap(), &format!("fit width {width}"));
        }
    }

    #[test]
    fn only_large_baseline_jpegs_decoded_at_half_size_or_less_are_split() {
        let large = large_jpeg();
        assert!(plan_halves(&large, &intending(ResizeMode::FitWidth(1920))).is_some());
        // Decoded at more than half its size, or whole.
        assert!(plan_halves(&large, &intending(ResizeMode::FitWidth(1921))).is_none());
        assert!(plan_halves(&large, &DecodeOptions::default()).is_none());
        // Too small, progressive, not a JPEG.
        for name in ["photo-640x400.jpg", "progressive.jpg", "alpha-640x360.png"] {
            assert!(plan_halves(&fixture(name), &intending(ResizeMode::FitWidth(100))).is_none(), "{name}");
        }
        // A plan given for a file it does not apply to is refused.
        let plan = plan_halves(&large, &intending(ResizeMode::FitWidth(1920))).unwrap();
        assert!(matches!(
            FirstHalf::decode(&fixture("photo-640x400.jpg"), &intending(ResizeMode::FitWidth(100)), plan),
            Err(Error::InvalidOptions(_))
        ));
    }

    #[test]
    fn corpus_photos_decoded_in_halves_are_the_whole_decodes() {
        for name in ["kleiber-6028x3391.jpg", "painting-6000x4000.jpg"] {
            let Some(bytes) = corpus(name) else { continue };
            let options = intending(ResizeMode::FitWithin(Dimensions::new(1920, 1920)));
            assert_same(&in_halves(&bytes, &options), &Image::decode(&bytes, &options).unwrap(), name);
        }
    }
}
