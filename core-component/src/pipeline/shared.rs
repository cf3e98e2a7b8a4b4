//! One JPEG encode shared by two engines at once, in two Web Workers that share no memory (WIT
//! `shared-encode`, `quantize-band`).
//!
//! The costly part of a baseline JPEG encode is quantising its blocks (the forward DCT and the
//! trellis), and every block is quantised alone ([`crate::encode::jpeg::bands`]). So the engine
//! that encodes settles the encode as [`Image::encode`] would ([`SharedEncode::begin`]), hands the
//! bottom rows to the other engine as a [`JpegBand`], quantises the top rows while the other
//! quantises the bottom ([`quantize_band`]), and writes the file from both
//! ([`SharedEncode::finish`]): the bytes `Image::encode` gives, byte budget and all. The caller
//! (app/js/worker.js) moves the band and its result between workers.

use std::{borrow::Cow, rc::Rc};

use super::{EncodeOptions, Image, Output, Prepared};
use crate::{
    encode::{ChromaSubsampling, Effort, JpegOptions, Quality, Writer, jpeg::bands},
    error::{Error, Result},
    metadata::OutputMetadata,
    pixels::Pixels,
};

/// Pictures smaller than this are encoded by one engine: handing a band over and back costs about
/// a millisecond, which a smaller picture's encode would not repay.
const MIN_PIXELS: u64 = 1_000_000;

/// The other engine's share of the rows, in percent: a little under half, as its band must also
/// be carried there and back.
const THEIR_SHARE: u32 = 45;

/// Rows of an RGB picture for another engine to quantise ([`quantize_band`]), with the encoder's
/// settings.
#[derive(Clone, Debug, PartialEq)]
pub struct JpegBand {
    pub width: u32,
    pub rows: u32,
    /// 3 bytes a pixel, `width` pixels a row.
    pub pixels: Vec<u8>,
    pub quality: u8,
    pub effort: Effort,
    pub chroma_subsampling: ChromaSubsampling,
}

/// Quantises a band for the engine that began the [`SharedEncode`]: bytes only its `finish` reads.
pub fn quantize_band(band: &JpegBand) -> Result<Vec<u8>> {
    if band.effort == Effort::Smallest {
        return Err(Error::invalid("A band is quantised at the `fast` or `balanced` effort only."));
    }
    let options = JpegOptions { chroma_subsampling: band.chroma_subsampling, progressive: false };
    Ok(bands::quantize(&band.pixels, band.width, band.rows, band.quality, band.effort, &options)?.to_bytes())
}

/// A JPEG encode shared with another engine (see the module's comment). The pixels as the encoder
/// gets them (upright, in the output's colours) are the image's own for an upright picture that
/// keeps its colours, read again at each step rather than copied (a copy of a 1920 × 1080 picture
/// is 6 MB more at the memory's peak); a picture that had to be turned or converted is kept as it
/// came out, not turned or converted again.
pub struct SharedEncode {
    image: Rc<Image>,
    /// The encode as settled, when its pixels are not the image's own.
    changed: Option<Prepared<'static>>,
    options: EncodeOptions,
    quality: u8,
    effort: Effort,
    jpeg: JpegOptions,
    /// The other engine's band starts at this row.
    cut: u32,
    ours: Option<bands::Band>,
}

impl SharedEncode {
    /// The encode of `image` with `options`, to share; `None` when one engine should do it all:
    /// not a baseline JPEG of RGB pixels at a fixed quality, or under a megapixel. (`auto` quality
    /// encodes many times over to search, so it is not shared.)
    pub fn begin(image: Rc<Image>, options: &EncodeOptions) -> Result<Option<SharedEncode>> {
        if matches!(options.encoding.quality, Quality::Auto(_)) || image.pixels.size.pixels() < MIN_PIXELS {
            return Ok(None);
        }
        let prepared = image.prepare_output(Cow::Borrowed(&image.pixels), options)?;
        let Writer::Jpeg { quality, effort, options: jpeg, chroma_table } = prepared.writer else { return Ok(None) };
        if !bands::possible(effort, &jpeg, chroma_table, prepared.pixels.layout) {
            return Ok(None);
        }
        let height = prepared.pixels.size.height;
        let step = bands::step(&jpeg);
        let cut = height * (100 - THEIR_SHARE) / 100 / step * step;
        if cut == 0 || cut >= height {
            return Ok(None);
        }
        let changed = match prepared.pixels {
            Cow::Borrowed(_) => None,
            Cow::Owned(pixels) => Some(Prepared { pixels: Cow::Owned(pixels), ..prepared }),
        };
        Ok(Some(SharedEncode { image, changed, options: *options, quality, effort, jpeg, cut, ours: None }))
    }

    /// The pixels as the encoder gets them: the image's own unless they had to change.
    fn pixels(&self) -> &Pixels {
        self.changed.as_ref().map_or(&self.image.pixels, |changed| &changed.pixels)
    }

    /// The rows for the other engine.
    pub fn band(&self) -> JpegBand {
        let pixels = self.pixels();
        JpegBand {
            width: pixels.size.width,
            rows: pixels.size.height - self.cut,
            pixels: pixels.data[self.cut as usize * pixels.size.width as usize * 3..].to_vec(),
            quality: self.quality,
            effort: self.effort,
            chroma_subsampling: self.jpeg.chroma_subsampling,
        }
    }

    /// Quantises this engine's rows: call it after handing the band over.
    pub fn quantize(&mut self) -> Result<()> {
        if self.ours.is_none() {
            let pixels = self.pixels();
            let rows = &pixels.data[..self.cut as usize * pixels.size.width as usize * 3];
            self.ours = Some(bands::quantize(rows, pixels.size.width, self.cut, self.quality, self.effort, &self.jpeg)?);
        }
        Ok(())
    }

    /// The output [`Image::encode`] gives, from this engine's rows and `theirs` (the other
    /// engine's [`quantize_band`] of [`SharedEncode::band`]); `None`: this engine quantises them
    /// too. Bytes that are not such a band are an error (`invalid-options`).
    pub fn finish(mut self, theirs: Option<&[u8]>) -> Result<Output> {
        self.quantize()?;
        let ours = self.ours.take().expect("quantised above");
        // Settled again for an image whose pixels need no change: as in `begin`, without a copy.
        let prepared = match self.changed.take() {
            Some(changed) => changed,
            None => self.image.prepare_output(Cow::Borrowed(&self.image.pixels), &self.options)?,
        };
        let size = prepared.pixels.size;
        let theirs = match theirs {
            Some(theirs) => bands::Band::from_bytes(theirs, self.quality, self.effort, &self.jpeg)?,
            None => {
                let rows = &prepared.pixels.data[self.cut as usize * size.width as usize * 3..];
                bands::quantize(rows, size.width, size.height - self.cut, self.quality, self.effort, &self.jpeg)?
            }
        };
        let metadata = OutputMetadata::for_policy(self.options.metadata, &self.image.source.blocks, prepared.profile.as_deref(), size);
        let first = bands::encode(size, ours, theirs, self.quality, self.effort, &self.jpeg, &metadata)?;
        self.image.finish_output(prepared, &self.options, Some(first))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        encode::OutputFormat,
        metadata::MetadataPolicy,
        pipeline::{DecodeOptions, default_options},
        resize::{ResizeMode, ResizeOptions},
        testdata::fixture,
    };

    /// A fixture enlarged to `width` wide: a picture of over a megapixel from the small fixtures.
    fn enlarged(name: &str, width: u32) -> Rc<Image> {
        let resize = ResizeOptions { mode: ResizeMode::FitWidth(width), never_upscale: false, ..default_options().resize };
        Rc::new(Image::decode(&fixture(name), &DecodeOptions::default()).and_then(|image| image.resize(&resize)).expect("resizes"))
    }

    /// What two engines give: the band quantised apart, as another engine would.
    fn shared(image: &Rc<Image>, options: &EncodeOptions) -> Option<Output> {
        let mut shared = SharedEncode::begin(Rc::clone(image), options).expect("begins")?;
        let band = shared.band();
        shared.quantize().expect("quantises");
        let theirs = quantize_band(&band).expect("the other engine quantises");
        Some(shared.finish(Some(&theirs)).expect("finishes"))
    }

    #[test]
    fn two_engines_write_what_one_writes() {
        let jpeg = default_options().encode;
        let mut fast = jpeg;
        fast.encoding.effort = Effort::Fast;
        let mut coloured = jpeg;
        coloured.encoding.jpeg.chroma_subsampling = ChromaSubsampling::Yuv444;
        coloured.metadata = MetadataPolicy::KeepSafe;
        let mut scored = jpeg;
        scored.score = true;
        let mut budget = jpeg;
        budget.max_bytes = Some(60_000);
        let mut from_png = jpeg;
        from_png.encoding.format = OutputFormat::Jpeg;
        let cases = [
            ("photo-640x400.jpg", &jpeg),
            ("photo-640x400.jpg", &fast),
            ("photo-640x400.jpg", &scored),
            // The budget refuses the shared file and lowers the quality, as alone.
            ("photo-640x400.jpg", &budget),
            // Turned by its EXIF orientation, its camera details kept, colour at full resolution.
            ("orientation-6.jpg", &coloured),
            ("phone-orient6-gps.jpg", &coloured),
            // A colour profile converted to sRGB, and kept.
            ("adobergb-icc.jpg", &jpeg),
            ("adobergb-icc.jpg", &coloured),
            ("alpha-640x360.png", &from_png),
        ];
        for (name, options) in cases {
            let image = enlarged(name, 1500);
            let alone = image.encode(options).expect("encodes");
            let two = shared(&image, options).unwrap_or_else(|| panic!("{name} is shared"));
            assert_eq!(two, alone, "{name}, {options:?}");
            // Without the other engine's band this engine quantises it too: the same output.
            let shared = SharedEncode::begin(Rc::clone(&image), options).unwrap().unwrap();
            assert_eq!(shared.finish(None).unwrap(), alone, "{name} alone");
        }
    }

    #[test]
    fn only_a_large_baseline_jpeg_at_a_fixed_quality_is_shared() {
        let image = enlarged("photo-640x400.jpg", 1500);
        let mut options = default_options().encode;
        assert!(SharedEncode::begin(Rc::clone(&image), &options).unwrap().is_some());
        let refused = |change: &dyn Fn(&mut EncodeOptions)| {
            let mut options = default_options().encode;
            change(&mut options);
            SharedEncode::begin(Rc::clone(&image), &options).unwrap().is_none()
        };
        assert!(refused(&|o| o.encoding.effort = Effort::Smallest));
        assert!(refused(&|o| o.encoding.jpeg.progressive = true));
        assert!(refused(&|o| o.encoding.format = OutputFormat::Png));
        assert!(refused(&|o| o.encoding.quality = Quality::Auto(Default::default())));
        // Under a megapixel, and grey.
        assert!(SharedEncode::begin(enlarged("photo-640x400.jpg", 1200), &options).unwrap().is_none());
        options.encoding.format = OutputFormat::Jpeg;
        assert!(SharedEncode::begin(enlarged("gray16.png", 2000), &options).unwrap().is_none());
    }

    #[test]
    fn a_band_that_is_not_the_bands_is_refused() {
        let image = enlarged("photo-640x400.jpg", 1500);
        let options = default_options().encode;
        let begin = || {
            let mut shared = SharedEncode::begin(Rc::clone(&image), &options).unwrap().unwrap();
            shared.quantize().unwrap();
            shared
        };
        let band = begin().band();
        let theirs = quantize_band(&band).unwrap();
        // Cut short, or another band's rows (one block row fewer).
        let error = begin().finish(Some(&theirs[..theirs.len() - 2])).unwrap_err();
        assert!(matches!(error, Error::InvalidOptions(_)), "{error:?}");
        let fewer = JpegBand { rows: band.rows - 16, pixels: band.pixels[..(band.rows as usize - 16) * 1500 * 3].to_vec(), ..band.clone() };
        let error = begin().finish(Some(&quantize_band(&fewer).unwrap())).unwrap_err();
        assert!(matches!(error, Error::InvalidOptions(_)), "{error:?}");
        // Pixels that are not the band's size, and the `smallest` effort, are refused up front.
        assert!(quantize_band(&JpegBand { rows: band.rows + 1, ..band.clone() }).is_err());
        assert!(quantize_band(&JpegBand { effort: Effort::Smallest, ..band }).is_err());
    }
}
