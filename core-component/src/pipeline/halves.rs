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
    decode::{
        self, Decoded, jpeg,
        png::split::{self, Decoder},
    },
    error::{Error, Result},
    format::ImageFormat,
};
use localpix_contract::DecodeOptions;
use localpix_jpeg::halves::{self, Band, Seam};

/// Photos smaller than this, JPEG or PNG, are decoded whole: the second worker's start (the file
/// handed over, the headers read again, the rows handed back) would eat what it saves.
const MIN_PIXELS: u64 = 8_000_000;

/// Only reduced decodes, where each half keeps at most a 4×4 corner of each brightness block's
/// coefficients until it knows where they go (at full size it would keep all 64: 100 MB for a
/// 24-megapixel photo).
const MAX_EIGHTHS: u32 = 4;

/// Where the halves of a file meet, for a JPEG or a PNG (the WIT's `halves-plan`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// A JPEG: the byte of the file the second half starts at. A PNG: the bit of its pixel data
    /// (the IDAT chunks' bodies one after the other) where a deflate block starts.
    pub second_from: u64,
    /// A JPEG: the first half hands over at the first row of blocks starting at or after this
    /// byte. A PNG: the full-size rows the first half decodes before it takes the second's.
    pub seam_after: u32,
}

impl Plan {
    fn jpeg(self) -> halves::Plan {
        // Files are under 4 GiB: WebAssembly's memory holds them whole.
        halves::Plan { from: self.second_from as usize, seam_after: self.seam_after as usize }
    }

    fn png(self) -> split::Plan {
        split::Plan { bit: self.second_from, rows: self.seam_after }
    }
}

/// Where the halves of `bytes`, decoded for `options`, meet; `None` when decoding it whole is
/// better: not a baseline JPEG of one scan without restart markers decoded at half its size or
/// less, nor a PNG of the common case decoded at half its size (`decode/png/split.rs`), too
/// small, or not decodable at all (the whole decode then says why).
pub fn plan_halves(bytes: &[u8], options: &DecodeOptions) -> Option<Plan> {
    let planned = planned(bytes, options).ok()?;
    if planned.container.format == ImageFormat::Png {
        return split::plan(bytes).map(|plan| Plan { second_from: plan.bit, seam_after: plan.rows });
    }
    let plan = halves::plan(bytes, &jpeg_options(&planned, options)).ok().flatten()?;
    Some(Plan { second_from: plan.from as u64, seam_after: plan.seam_after as u32 })
}

fn planned(bytes: &[u8], options: &DecodeOptions) -> Result<Planned> {
    let container = container::read(bytes)?;
    let planned = Planned::new(container, bytes.len(), options)?;
    let stored = planned.container.stored;
    // A decode that keeps the file could give it back unchanged: not one to split.
    let splits = !planned.keeps_original
        && match planned.container.format {
            ImageFormat::Jpeg => stored.pixels() >= MIN_PIXELS && decode::eighths(&planned.container, planned.min_stored) <= MAX_EIGHTHS,
            ImageFormat::Png => stored.pixels() >= MIN_PIXELS && planned.min_stored.is_some_and(|min| decode::png_halves(stored, min)),
            _ => false,
        };
    if splits {
        Ok(planned)
    } else {
        Err(Error::invalid(
            "Only a baseline JPEG decoded at half its size or less, or a PNG decoded at half its size, of 8 megapixels or more, is decoded in halves.",
        ))
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

/// The top half: decoded from the start to a little past the plan's middle.
pub struct FirstHalf {
    /// Until joined.
    planned: Option<Planned>,
    options: DecodeOptions,
    part: First,
}

/// (The halves' decoders are large structures, boxed: an enum takes its largest variant's room.)
enum First {
    Jpeg {
        half: Option<Box<halves::FirstHalf>>,
        top: Option<Band>,
    },
    /// The file, for the rows between this half's and the second's, and the decode that goes on.
    Png {
        bytes: Vec<u8>,
        decoder: Option<Box<Decoder>>,
    },
}

impl FirstHalf {
    pub fn decode(bytes: Vec<u8>, options: &DecodeOptions, plan: Plan) -> Result<Self> {
        let planned = planned(&bytes, options)?;
        let part = if planned.container.format == ImageFormat::Png {
            // A stream this path cannot read is decoded whole at `join`, which says what is wrong.
            let decoder = split::first(&bytes, plan.png()).map(Box::new);
            First::Png { bytes, decoder }
        } else {
            let half =
                halves::FirstHalf::decode(&bytes, &jpeg_options(&planned, options), plan.jpeg()).map_err(jpeg_error(&planned, options))?;
            First::Jpeg { half: Some(Box::new(half)), top: None }
        };
        Ok(Self { planned: Some(planned), options: *options, part })
    }

    /// Where the second half takes over; `None` when this half decoded the whole image. For a
    /// PNG only the row counts: the full-size rows this half decoded (the second needs none of
    /// it: it starts at a row that owes nothing to the one above).
    pub fn seam(&self) -> Option<Seam> {
        match &self.part {
            First::Jpeg { half, .. } => half.as_deref().and_then(halves::FirstHalf::seam),
            First::Png { decoder, .. } => decoder.as_ref().map(|d| Seam { row: d.rows() as u32, bit: 0, predictions: [0; 4] }),
        }
    }

    /// Transforms this half's rows (while the other half does its own); a PNG's are done.
    pub fn finish(&mut self) -> Result<()> {
        if let (First::Jpeg { half, top }, Some(planned)) = (&mut self.part, &self.planned)
            && let Some(half) = half.take()
        {
            *top = Some(half.finish().map_err(jpeg_error(planned, &self.options))?);
        }
        Ok(())
    }

    /// The image: this half's rows above the second half's `bottom` (its [`SecondHalf::finish`];
    /// empty without a seam, or when the second half of a PNG had none).
    pub fn join(&mut self, bottom: Vec<u8>) -> Result<Image> {
        self.finish()?;
        let Some(planned) = self.planned.take() else {
            return Err(Error::invalid("This half was already joined."));
        };
        let options = self.options;
        match &mut self.part {
            First::Png { bytes, decoder } => {
                let second = if bottom.is_empty() {
                    None
                } else {
                    Some(split::Second::from_bytes(bottom).ok_or_else(|| Error::invalid("These are not a second half's rows."))?)
                };
                match decoder.take().and_then(|decoder| split::join(*decoder, bytes, second)) {
                    Some(pixels) => Ok(Image::from_decoded(&[], planned, Decoded { pixels, eighths: 4 }, &options)),
                    // Damaged, or rows that do not fit: the whole decode reads it, or says why.
                    None => Image::decode(bytes, &options),
                }
            }
            First::Jpeg { top, .. } => {
                let Some(top) = top.take() else { return Err(Error::invalid("This half was already joined.")) };
                let map = jpeg_error(&planned, &options);
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
                Ok(Image::from_decoded(&[], planned, jpeg::decoded(image, eighths), &options))
            }
        }
    }
}

/// The bottom half: decoded from the plan's middle to the end, kept until the seam comes.
pub struct SecondHalf {
    part: Second,
}

enum Second {
    Jpeg {
        input: Vec<u8>,
        planned: Box<Planned>,
        options: DecodeOptions,
        half: Option<Box<halves::SecondHalf>>,
    },
    /// A PNG's rows, as carried (empty when this half could not take any); None once finished.
    Png {
        rows: Option<Vec<u8>>,
    },
}

impl SecondHalf {
    pub fn decode(input: Vec<u8>, options: &DecodeOptions, plan: Plan) -> Result<Self> {
        let planned = planned(&input, options)?;
        let part = if planned.container.format == ImageFormat::Png {
            // The file goes as soon as it can: the rows are all this half keeps.
            Second::Png { rows: Some(split::second(input, plan.png()).map(split::Second::into_bytes).unwrap_or_default()) }
        } else {
            let half =
                halves::SecondHalf::decode(&input, &jpeg_options(&planned, options), plan.jpeg()).map_err(jpeg_error(&planned, options))?;
            Second::Jpeg { input, planned: Box::new(planned), options: *options, half: Some(Box::new(half)) }
        };
        Ok(Self { part })
    }

    /// This half's rows: for a JPEG from the row after the seam's, the pixels row after row; for
    /// a PNG whichever rows it decoded, in the engine's own layout (the seam says nothing it
    /// needs). For [`FirstHalf::join`].
    pub fn finish(&mut self, seam: Seam) -> Result<Vec<u8>> {
        let finished = || Error::invalid("This half was already finished.");
        match &mut self.part {
            Second::Png { rows } => rows.take().ok_or_else(finished),
            Second::Jpeg { input, planned, options, half } => {
                let half = half.take().ok_or_else(finished)?;
                let band = half.finish(input, seam).map_err(jpeg_error(planned, options))?;
                Ok(band.image.pixels)
            }
        }
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
        let mut first = FirstHalf::decode(bytes.to_vec(), options, plan).unwrap();
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
            FirstHalf::decode(fixture("photo-640x400.jpg"), &intending(ResizeMode::FitWidth(100)), plan),
            Err(Error::InvalidOptions(_))
        ));
    }

    #[test]
    fn a_large_png_decoded_in_halves_is_the_image_a_whole_decode_gives() {
        let Some(bytes) = corpus("patak-5120x2880-rgba.png") else { return };
        let options = intending(ResizeMode::FitWidth(1280));
        assert_same(&in_halves(&bytes, &options), &Image::decode(&bytes, &options).unwrap(), "patak");
        // Decoded at more than half its size: whole.
        assert!(plan_halves(&bytes, &intending(ResizeMode::FitWidth(2561))).is_none());
        // Without the second half's rows, or with rows that are not its, the first decodes alone.
        let plan = plan_halves(&bytes, &options).unwrap();
        let whole = Image::decode(&bytes, &options).unwrap();
        for bottom in [Vec::new(), b"\0\0\0\0\0\0\0\0LPH1".to_vec()] {
            let mut first = FirstHalf::decode(bytes.clone(), &options, plan).unwrap();
            assert!(first.seam().is_some());
            assert!(first.join(bottom).unwrap().pixels == whole.pixels);
        }
        let mut first = FirstHalf::decode(bytes.clone(), &options, plan).unwrap();
        assert!(matches!(first.join(b"not rows".to_vec()), Err(Error::InvalidOptions(_))));
    }

    #[test]
    fn small_pngs_are_not_split() {
        assert!(plan_halves(&fixture("alpha-640x360.png"), &intending(ResizeMode::FitWidth(100))).is_none());
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
