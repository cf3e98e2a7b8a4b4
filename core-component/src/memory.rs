//! How much memory a job needs at its peak, estimated from the file's header before anything
//! large is allocated, so that a job a device cannot hold is refused with a sentence instead of
//! ending in a trap (WebAssembly memory cannot be given back, and running out of it kills the
//! worker).
//!
//! Each stage's estimate is what it holds at once: the input and the original kept for
//! `keep-smaller-original`, the pixels of earlier stages still alive, and its own working memory.
//! The per-pixel costs of the decoders and encoders were measured as the growth of a fresh
//! instance's WebAssembly memory (`tests/component/memory.test.mjs` keeps them honest: every
//! estimate is above what the job really took, and not far above it).

use crate::{
    Dimensions,
    container::{ColorModel, Container},
    encode::{ChromaSubsampling, Effort, Writer},
    error::{Error, Result},
    format::ImageFormat,
    limits::Limits,
    tune,
};

/// Room for what is not counted: the allocator's rounding and fragmentation, the stack, small
/// buffers (metadata, tables).
const SLACK: f64 = 1.15;
const FIXED: u64 = 4 << 20;

/// Working memory of a JPEG decode per decoded pixel: the colour planes (at most three samples)
/// that become RGB.
const JPEG_PLANES: u64 = 3;
/// A progressive JPEG keeps every coefficient of the stored image until its last scan: two bytes
/// for each of at most three samples per pixel (4:4:4).
const PROGRESSIVE_COEFFICIENTS: u64 = 6;
/// A HEIC decode holds its YCbCr planes (up to 16 bits) beside the RGB it makes.
const HEIC_PLANES: u64 = 6;
/// A JPEG XL decode per sample of each channel, measured on 4–20 megapixel files (the growth,
/// less the file and the 8-bit pixels): lossy (VarDCT) about 7.3 bytes, jxl-oxide's float planes
/// of the frame and of its render; lossless (Modular) about 2.6 at 8 bits and 5.7 at 16, its
/// integer planes.
const JXL_LOSSY_PER_SAMPLE: u64 = 8;
const JXL_LOSSLESS_PER_SAMPLE_PER_BYTE: u64 = 4;
/// SSIMULACRA2 (auto quality, the smallest JPEG's chroma choice, `score`) per output pixel: both
/// images in XYB at every scale and the blurred products. Images under [`tune::WHOLE_BELOW`]
/// pixels are searched on the whole picture, which costs more (about 100 bytes a pixel measured on
/// 640×400, against 37–43 on 2–4 megapixel outputs searched on a sample).
const SCORING: u64 = 44;
const SCORING_WHOLE: u64 = 64;

/// What is known of a job before its pixels are decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    format: ImageFormat,
    color_model: ColorModel,
    bit_depth: u8,
    has_alpha: bool,
    lossy: bool,
    progressive: bool,
    stored: Dimensions,
    /// The file and, when the original may be given back, its copy: held from the decode on.
    held: u64,
    /// The size the pixels are decoded at (smaller than stored for a reduced JPEG decode).
    decoded: Dimensions,
}

impl Job {
    pub fn new(container: &Container, input: usize, keeps_original: bool, decoded: Dimensions) -> Self {
        Self {
            format: container.format,
            color_model: container.color_model,
            bit_depth: container.bit_depth,
            has_alpha: container.has_alpha,
            lossy: container.lossy,
            progressive: container.progressive,
            stored: container.stored,
            held: input as u64 * if keeps_original { 2 } else { 1 },
            decoded,
        }
    }

    /// Bytes per decoded pixel as the engine holds them (8 bits per sample, RGB for colour).
    fn channels(&self) -> u64 {
        let colour = if matches!(self.color_model, ColorModel::Gray) { 1 } else { 3 };
        colour + u64::from(self.has_alpha)
    }

    /// Peak of the decode: the decoded pixels, and what the decoder holds while making them.
    pub fn decoding(&self) -> u64 {
        let pixels = self.decoded.pixels();
        let working = match self.format {
            ImageFormat::Jpeg => {
                let planes = pixels * if self.color_model == ColorModel::Cmyk { 4 + 3 } else { JPEG_PLANES };
                planes + if self.progressive { self.stored.pixels() * PROGRESSIVE_COEFFICIENTS } else { 0 }
            }
            ImageFormat::Heic => pixels * HEIC_PLANES,
            ImageFormat::JpegXl => {
                let depth = u64::from(self.bit_depth.div_ceil(8).max(1));
                let per_sample = if self.lossy { JXL_LOSSY_PER_SAMPLE } else { JXL_LOSSLESS_PER_SAMPLE_PER_BYTE * depth };
                pixels * self.channels() * per_sample
            }
            // The `image` crate's buffer at the file's depth (GIF and palettes as RGBA), then the
            // engine's 8-bit copy; lossy WebP also holds its YCbCr planes.
            _ => {
                let depth = u64::from(self.bit_depth.div_ceil(8).max(1));
                let samples = if self.format == ImageFormat::Gif || self.color_model == ColorModel::Palette { 4 } else { self.channels() };
                pixels * samples * depth + if self.lossy { pixels * 3 / 2 } else { 0 }
            }
        };
        self.held + pixels * self.channels() + working
    }

    /// Peak of resampling the decoded pixels to `output`: source and result, the intermediate of
    /// the two passes, and, with alpha, the premultiplied copy of the source.
    pub fn resizing(&self, output: Dimensions) -> u64 {
        let channels = self.channels();
        let source = self.decoded.pixels() * channels;
        let (width, height) = (u64::from(self.decoded.width), u64::from(self.decoded.height));
        let between = (u64::from(output.width) * height).max(width * u64::from(output.height)) * channels;
        let premultiplied = if self.has_alpha { source } else { 0 };
        self.held + source + premultiplied + between + output.pixels() * channels
    }

    /// Peak of encoding `output` pixels with `writer`, the decoded pixels gone: the resized
    /// pixels, their upright or flattened copy, the encoder's working memory and its file, and
    /// SSIMULACRA2's when `scoring`.
    pub fn encoding(&self, output: Dimensions, writer: Writer, scoring: bool) -> u64 {
        let pixels = output.pixels();
        let colour = self.color_model != ColorModel::Gray;
        let scans = if smallest_jpeg(writer) && colour { pixels.min(tune::WHOLE_BELOW) * SMALLEST_JPEG_SCANS } else { 0 };
        let encoder = pixels * per_pixel(writer, self.has_alpha) + fixed(writer) + scans;
        // A grey JPEG has one plane where colour has three.
        let encoder =
            if self.color_model == ColorModel::Gray && writer.format() == ImageFormat::Jpeg { encoder.div_ceil(3) } else { encoder };
        let scorer = if scoring { pixels * SCORING + pixels.min(tune::WHOLE_BELOW) * SCORING_WHOLE } else { 0 };
        let working = encoder + scorer;
        self.held + 2 * pixels * self.channels() + working
    }
}

/// An encoder's working memory per pixel, its file included, measured on 15–20 megapixel photos.
fn per_pixel(writer: Writer, alpha: bool) -> u64 {
    match writer {
        Writer::Jpeg { effort: Effort::Fast, .. } => 7,
        // Balanced and smallest keep every coefficient for the progressive scans and the
        // optimised tables (measured 12 and 15 at 4:2:0, 24 and 30 at 4:4:4, when the encoder
        // also kept every block's raw DCT output for the DC trellis: 6 bytes a pixel at 4:2:0,
        // 8 at 4:2:2, 12 at 4:4:4, now 8 bytes a block, so those less).
        Writer::Jpeg { effort, options, .. } => {
            let smallest = effort == Effort::Smallest;
            match options.chroma_subsampling {
                ChromaSubsampling::Yuv420 => 8 + 4 * u64::from(smallest),
                ChromaSubsampling::Yuv422 => 12 + 5 * u64::from(smallest),
                ChromaSubsampling::Yuv444 => 14 + 7 * u64::from(smallest),
            }
        }
        Writer::Png { effort: Effort::Smallest, .. } => 11,
        Writer::Png { .. } => 6,
        // libwebp: YCbCr planes and its analysis; transparency adds the lossless alpha plane's
        // encoder (measured 16.7 with alpha).
        Writer::Webp { .. } if alpha => 20,
        Writer::Webp { .. } => 8,
        Writer::WebpLossless => 8,
        // rav1e's frame state, our YCbCr planes and the reconstruction kept for scoring, with
        // [`fixed`]. Beyond the file and two copies of the pixels a fresh instance grew by 3.2 MB
        // on 320×200, 6.4 on 640×400, 15.7 on 1280×720, 30.9 on 1920×1080, 52.4 on 2560×1440 and
        // 120 on 3840×2160 (14.5 bytes a pixel), the same at every effort; a transparent
        // picture's alpha frame, encoded once the colour frame's state is gone, adds about 0.3 a
        // pixel.
        Writer::Avif { .. } => 15,
    }
}

/// An encoder's working memory whatever the picture's size: rav1e's tables and contexts (2.2 MB
/// of the growth above on 320×200 is not 15 bytes a pixel).
fn fixed(writer: Writer) -> u64 {
    match writer {
        Writer::Avif { .. } => 3 << 20,
        _ => 0,
    }
}

/// The smallest JPEG's scan search costs more per pixel on small images (19.6 MB measured on
/// 640×400, 76 bytes a pixel, against 30 on 20 megapixels): counted on up to a quarter megapixel,
/// for colour (a grey picture's search measured no such cost).
const SMALLEST_JPEG_SCANS: u64 = 60;

fn smallest_jpeg(writer: Writer) -> bool {
    matches!(writer, Writer::Jpeg { effort: Effort::Smallest, .. })
}

/// Whether `writer` scores its candidates on a picture of `channels` (the smallest JPEG of a colour
/// picture picks its chroma resolution so, `tune::chroma_for_smallest`, unless it keeps all).
pub fn scores(writer: Writer, channels: usize) -> bool {
    matches!(writer, Writer::Jpeg { options, .. } if smallest_jpeg(writer)
        && channels >= 3 && options.chroma_subsampling != ChromaSubsampling::Yuv444)
}

/// With the slack for what is not counted.
fn with_slack(bytes: u64) -> u64 {
    (bytes as f64 * SLACK) as u64 + FIXED
}

/// Refuses a stage that needs more than `limits.max_memory`: `doing` says what (e.g. "decoding
/// and resizing it"), for the message.
pub fn check(limits: &Limits, needed: u64, dimensions: Dimensions, doing: &str) -> Result<()> {
    let needed = with_slack(needed);
    if needed <= u64::from(limits.max_memory) {
        return Ok(());
    }
    Err(Error::TooLarge {
        dimensions,
        limit: limits.max_memory,
        message: format!(
            "The image is {dimensions}: {doing} needs about {} MB of memory, over the limit of {} MB.",
            needed.div_ceil(1 << 20),
            limits.max_memory >> 20
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        container,
        encode::{ChromaTable, JpegOptions},
        testdata,
    };

    fn job(container: &Container, input: usize) -> Job {
        Job::new(container, input, true, container.stored)
    }

    #[test]
    fn the_stages_grow_with_what_they_hold() {
        let bytes = testdata::fixture("photo-640x400.jpg");
        let container = container::read(&bytes).unwrap();
        let job = job(&container, bytes.len());
        let pixels = 640 * 400;
        // The decoded RGB and the decoder's planes, beside the file and its copy.
        assert_eq!(job.decoding(), 2 * bytes.len() as u64 + pixels * 3 + pixels * 3);
        assert!(job.resizing(Dimensions::new(320, 200)) < job.resizing(Dimensions::new(1280, 800)));
        let jpeg = |chroma_subsampling, effort| Writer::Jpeg {
            quality: 80,
            effort,
            options: JpegOptions { chroma_subsampling, progressive: true },
            chroma_table: ChromaTable::Standard,
        };
        let output = Dimensions::new(640, 400);
        let fast = job.encoding(output, jpeg(ChromaSubsampling::Yuv420, Effort::Fast), false);
        let balanced = job.encoding(output, jpeg(ChromaSubsampling::Yuv420, Effort::Balanced), false);
        let full_colour = job.encoding(output, jpeg(ChromaSubsampling::Yuv444, Effort::Balanced), false);
        let scored = job.encoding(output, jpeg(ChromaSubsampling::Yuv420, Effort::Balanced), true);
        assert!(fast < balanced && balanced < full_colour && balanced < scored);
    }

    #[test]
    fn a_progressive_jpeg_counts_its_coefficients() {
        let bytes = testdata::fixture("progressive.jpg");
        let container = container::read(&bytes).unwrap();
        assert!(container.progressive);
        let baseline = Container { progressive: false, ..container::read(&bytes).unwrap() };
        assert_eq!(job(&container, 0).decoding() - job(&baseline, 0).decoding(), container.stored.pixels() * PROGRESSIVE_COEFFICIENTS);
    }

    #[test]
    fn over_the_limit_is_refused_with_what_it_needs() {
        let limits = Limits { max_memory: 100 << 20, ..Limits::default() };
        let size = Dimensions::new(6000, 6000);
        assert!(check(&limits, 50 << 20, size, "decoding it").is_ok());
        let Err(Error::TooLarge { dimensions, limit, message }) = check(&limits, 150 << 20, size, "decoding it") else {
            panic!("not refused")
        };
        assert_eq!((dimensions, limit), (size, 100 << 20));
        assert_eq!(message, "The image is 6000×6000: decoding it needs about 177 MB of memory, over the limit of 100 MB.");
    }
}
