//! AVIF: the picture as one AV1 key frame (rav1e, in Rust, without its assembly or threads) in an
//! AVIF container (avif-serialize), transparency as a second, monochrome AV1 image.
//!
//! ravif, the usual wrapper of the two, writes only 4:4:4 colour; the engine writes 4:2:0 by
//! default, so it drives rav1e itself, with ravif's quality scale and still-image settings.

#[cfg(not(feature = "avif"))]
use super::{ChromaSubsampling, Effort};
#[cfg(not(feature = "avif"))]
use crate::{
    error::{Codec, Error, Result},
    metadata::OutputMetadata,
    pixels::Pixels,
};

/// This build leaves rav1e out (cargo feature `avif`): the full engine writes AVIF.
#[cfg(not(feature = "avif"))]
pub fn encode(_: &Pixels, _: u8, _: Effort, _: ChromaSubsampling, _: &OutputMetadata) -> Result<Vec<u8>> {
    Err(Error::not_built(Codec::AvifOutput))
}

#[cfg(feature = "avif")]
pub use av1::{encode, reconstruction};

/// Drops the kept reconstructions when it goes: a job holds one for its length, so an engine
/// between jobs holds none (see `RECONSTRUCTED`).
pub struct ReconstructionsKept;

impl Drop for ReconstructionsKept {
    fn drop(&mut self) {
        #[cfg(feature = "avif")]
        av1::forget();
    }
}

/// Without rav1e there is no AVIF of ours to give back.
#[cfg(not(feature = "avif"))]
pub fn reconstruction(_: &[u8]) -> Option<Pixels> {
    None
}

#[cfg(feature = "avif")]
mod av1 {
    use std::{cell::RefCell, collections::VecDeque};

    use avif_serialize::{Aviffy, constants};
    use rav1e::{
        color::{
            ChromaSamplePosition, ChromaSampling, ColorDescription, ColorPrimaries, MatrixCoefficients, PixelRange, TransferCharacteristics,
        },
        config::{EncoderConfig, SpeedSettings},
        prelude::{Config, Context, EncoderStatus, Frame, SceneDetectionSpeed, Tune},
    };

    use super::super::{ChromaSubsampling, Effort};
    use crate::{
        Dimensions,
        error::{Error, Result},
        metadata::OutputMetadata,
        pixels::{Layout, Pixels},
    };

    /// AV1 frames of a still picture are at most 65 536 pixels a side (16-bit sizes).
    const MAX_SIDE: u32 = 65_536;

    /// rav1e's speed preset (0 slowest to 10 fastest) for each effort, measured on a 1920×1080
    /// photo at quality 70 (docs/codecs.md, "AVIF effort"): 8 writes what 6 and 7 write, within
    /// 0.4% and 0.1 SSIMULACRA2, in half 6's time; 10 is twice as fast for 10% more bytes; 4 saves
    /// 1.2% more for three times 8's time (and 3 nothing more for twice 4's).
    pub(super) fn speed(effort: Effort) -> u8 {
        match effort {
            Effort::Fast => 10,
            Effort::Balanced => 8,
            Effort::Smallest => 4,
        }
    }

    /// ravif's mapping of quality 1–100 to AV1's quantizer index (0 best to 255): steeper above
    /// 82, where the eye still sees the steps.
    pub(super) fn quantizer(quality: u8) -> u8 {
        let q = f32::from(quality) / 100.0;
        let x = if q >= 0.82 {
            (1.0 - q) * 2.6
        } else if q > 0.25 {
            q.mul_add(-0.5, 1.0 - 0.125)
        } else {
            1.0 - q
        };
        (x * 255.0).round() as u8
    }

    /// An AVIF file of `pixels` at `quality` (1–100), with the metadata's EXIF. Colour is
    /// full-range BT.601 YCbCr, sRGB, subsampled per `chroma`; alpha is stored at a higher quality
    /// than colour (ravif's default: halfway from the colour's quality to 100), as its edges show.
    pub fn encode(pixels: &Pixels, quality: u8, effort: Effort, chroma: ChromaSubsampling, metadata: &OutputMetadata) -> Result<Vec<u8>> {
        encode_at_speed(pixels, quality, speed(effort), chroma, metadata)
    }

    /// [`encode`] at any rav1e speed preset (0–10); the speed table of docs/codecs.md measures them.
    pub(super) fn encode_at_speed(
        pixels: &Pixels,
        quality: u8,
        speed: u8,
        chroma: ChromaSubsampling,
        metadata: &OutputMetadata,
    ) -> Result<Vec<u8>> {
        let (width, height) = (pixels.size.width, pixels.size.height);
        if width > MAX_SIDE || height > MAX_SIDE {
            return Err(Error::encoding(format!(
                "An AVIF image cannot be {}: its sides are limited to 65 536 pixels. Choose a smaller size.",
                pixels.size
            )));
        }
        let sampling = match chroma {
            ChromaSubsampling::Yuv420 => ChromaSampling::Cs420,
            ChromaSubsampling::Yuv422 => ChromaSampling::Cs422,
            ChromaSubsampling::Yuv444 => ChromaSampling::Cs444,
        };
        let planes = Planes::of(pixels, sampling);
        let (color, color_frame) = encode_frame(
            &frame_config(width, height, quantizer(quality), speed, sampling, true),
            &[(&planes.y, planes.width), (&planes.cb, planes.chroma_width), (&planes.cr, planes.chroma_width)],
        )?;
        let (alpha, alpha_frame) = match &planes.alpha {
            Some(alpha) => {
                let alpha_quality = (quality / 2 + 50).min(100);
                let (bytes, frame) = encode_frame(
                    &frame_config(width, height, quantizer(alpha_quality), speed, ChromaSampling::Cs400, false),
                    &[(alpha, planes.width)],
                )?;
                (Some(bytes), Some(frame))
            }
            None => (None, None),
        };

        let mut avif = Aviffy::new();
        avif.set_matrix_coefficients(constants::MatrixCoefficients::Bt601)
            .set_transfer_characteristics(constants::TransferCharacteristics::Srgb)
            .set_color_primaries(constants::ColorPrimaries::Bt709)
            .set_full_color_range(true)
            .set_chroma_subsampling(match sampling {
                ChromaSampling::Cs420 => (true, true),
                ChromaSampling::Cs422 => (true, false),
                _ => (false, false),
            });
        if let Some(exif) = &metadata.exif {
            avif.set_exif(exif.clone());
        }
        let file = avif.to_vec(&color, alpha.as_deref(), width, height, 8);
        remember(&file, to_rgb(pixels.size, sampling, &color_frame, alpha_frame.as_deref()));
        Ok(file)
    }

    /// How many recent outputs keep their reconstruction: the quality search scores each candidate
    /// right after writing it, and the pipeline may then score the one it keeps, written a step
    /// or two before.
    const REMEMBERED: usize = 2;

    thread_local! {
        /// The last outputs with the pixels a decoder shows for them. The engine has no AV1
        /// decoder, but rav1e hands back its reconstruction of each frame, which is what an AV1
        /// decoder must show (the standard fixes its output exactly, but for the colour conversion
        /// below); automatic quality and `score` measure AVIF on it.
        static RECONSTRUCTED: RefCell<VecDeque<(Vec<u8>, Pixels)>> = const { RefCell::new(VecDeque::new()) };
    }

    fn remember(file: &[u8], pixels: Pixels) {
        RECONSTRUCTED.with_borrow_mut(|kept| {
            if kept.len() == REMEMBERED {
                kept.pop_front();
            }
            kept.push_back((file.to_vec(), pixels));
        });
    }

    pub(super) fn forget() {
        RECONSTRUCTED.with_borrow_mut(VecDeque::clear);
    }

    /// The pixels of `file`, one of the last AVIF outputs of this engine, as a decoder shows them.
    pub fn reconstruction(file: &[u8]) -> Option<Pixels> {
        RECONSTRUCTED.with_borrow(|kept| kept.iter().find(|(bytes, _)| bytes == file).map(|(_, pixels)| pixels.clone()))
    }

    /// The reconstructed YCbCr (and alpha) frames as RGB(A): BT.601 full range, each chroma sample
    /// spread over the pixels it covers (libavif may interpolate instead: a level or so apart).
    fn to_rgb(size: Dimensions, sampling: ChromaSampling, color: &Frame<u8>, alpha: Option<&Frame<u8>>) -> Pixels {
        let (width, height) = (size.width as usize, size.height as usize);
        let (sx, sy) = match sampling {
            ChromaSampling::Cs420 => (2, 2),
            ChromaSampling::Cs422 => (2, 1),
            _ => (1, 1),
        };
        let plane = |frame: &Frame<u8>, i: usize| {
            let plane = &frame.planes[i];
            (plane.data_origin().to_vec(), plane.cfg.stride)
        };
        let ((y, ys), (cb, cs), (cr, _)) = (plane(color, 0), plane(color, 1), plane(color, 2));
        let alpha = alpha.map(|frame| plane(frame, 0));
        let channels = if alpha.is_some() { 4 } else { 3 };
        let mut data = Vec::with_capacity(width * height * channels);
        for row in 0..height {
            for col in 0..width {
                let l = f32::from(y[row * ys + col]);
                let at = row / sy * cs + col / sx;
                let (b, r) = (f32::from(cb[at]) - 128.0, f32::from(cr[at]) - 128.0);
                let g = l - (KB * 2.0 * (1.0 - KB) * b + KR * 2.0 * (1.0 - KR) * r) / (1.0 - KR - KB);
                for v in [l + 2.0 * (1.0 - KR) * r, g, l + 2.0 * (1.0 - KB) * b] {
                    data.push(v.round().clamp(0.0, 255.0) as u8);
                }
                if let Some((a, stride)) = &alpha {
                    data.push(a[row * stride + col]);
                }
            }
        }
        Pixels::new(if channels == 4 { Layout::Rgba } else { Layout::Rgb }, size, data)
    }

    /// The planes rav1e reads: luma and chroma (subsampled by averaging) and alpha.
    struct Planes {
        width: usize,
        chroma_width: usize,
        y: Vec<u8>,
        cb: Vec<u8>,
        cr: Vec<u8>,
        alpha: Option<Vec<u8>>,
    }

    impl Planes {
        fn of(pixels: &Pixels, sampling: ChromaSampling) -> Planes {
            let (width, height) = (pixels.size.width as usize, pixels.size.height as usize);
            let channels = pixels.layout.channels();
            let rgb = |i: usize| -> [f32; 3] {
                let p = &pixels.data[i * channels..];
                match pixels.layout {
                    Layout::Gray | Layout::GrayAlpha => [f32::from(p[0]); 3],
                    Layout::Rgb | Layout::Rgba => [f32::from(p[0]), f32::from(p[1]), f32::from(p[2])],
                }
            };
            let (sx, sy) = match sampling {
                ChromaSampling::Cs420 => (2, 2),
                ChromaSampling::Cs422 => (2, 1),
                _ => (1, 1),
            };
            let (chroma_width, chroma_height) = (width.div_ceil(sx), height.div_ceil(sy));
            let mut y = Vec::with_capacity(width * height);
            for i in 0..width * height {
                y.push(luma(rgb(i)).round() as u8);
            }
            let mut cb = Vec::with_capacity(chroma_width * chroma_height);
            let mut cr = Vec::with_capacity(chroma_width * chroma_height);
            for cy in 0..chroma_height {
                for cx in 0..chroma_width {
                    // The average colour of the block (fewer pixels at odd right and bottom edges).
                    let (mut sum, mut n) = ([0.0f32; 3], 0.0f32);
                    for py in cy * sy..((cy + 1) * sy).min(height) {
                        for px in cx * sx..((cx + 1) * sx).min(width) {
                            let c = rgb(py * width + px);
                            sum = [sum[0] + c[0], sum[1] + c[1], sum[2] + c[2]];
                            n += 1.0;
                        }
                    }
                    let [r, g, b] = sum.map(|s| s / n);
                    let l = luma([r, g, b]);
                    cb.push(((b - l) / (2.0 * (1.0 - KB)) + 128.0).round().clamp(0.0, 255.0) as u8);
                    cr.push(((r - l) / (2.0 * (1.0 - KR)) + 128.0).round().clamp(0.0, 255.0) as u8);
                }
            }
            let alpha = pixels.layout.has_alpha().then(|| pixels.data.chunks_exact(channels).map(|p| p[channels - 1]).collect());
            Planes { width, chroma_width, y, cb, cr, alpha }
        }
    }

    /// BT.601's weights of red and blue in luma.
    const KR: f32 = 0.299;
    const KB: f32 = 0.114;

    fn luma([r, g, b]: [f32; 3]) -> f32 {
        KR * r + (1.0 - KR - KB) * g + KB * b
    }

    fn frame_config(width: u32, height: u32, quantizer: u8, speed: u8, sampling: ChromaSampling, color: bool) -> Config {
        // A still picture: none of the settings for motion or scene changes matter.
        let mut speed_settings = SpeedSettings::from_preset(speed);
        speed_settings.multiref = false;
        speed_settings.rdo_lookahead_frames = 1;
        speed_settings.scene_detection_mode = SceneDetectionSpeed::None;
        speed_settings.motion.include_near_mvs = false;
        Config::new().with_encoder_config(EncoderConfig {
            width: width as usize,
            height: height as usize,
            bit_depth: 8,
            chroma_sampling: sampling,
            chroma_sample_position: ChromaSamplePosition::Unknown,
            pixel_range: PixelRange::Full,
            color_description: color.then_some(ColorDescription {
                transfer_characteristics: TransferCharacteristics::SRGB,
                color_primaries: ColorPrimaries::BT709,
                matrix_coefficients: MatrixCoefficients::BT601,
            }),
            quantizer: quantizer.into(),
            min_quantizer: quantizer,
            still_picture: true,
            tune: Tune::Psychovisual,
            speed_settings,
            ..EncoderConfig::default()
        })
    }

    /// One AV1 key frame of `planes` (each with its row length), as rav1e writes it, and rav1e's
    /// reconstruction of it.
    fn encode_frame(config: &Config, planes: &[(&Vec<u8>, usize)]) -> Result<(Vec<u8>, std::sync::Arc<Frame<u8>>)> {
        let failed = |e: &dyn std::fmt::Display| Error::encoding(format!("AVIF encoding failed: {e}."));
        let mut context: Context<u8> = config.new_context().map_err(|e| failed(&e))?;
        let mut frame = context.new_frame();
        for (plane, (data, stride)) in frame.planes.iter_mut().zip(planes) {
            plane.copy_from_raw_u8(data, *stride, 1);
        }
        context.send_frame(frame).map_err(|e| failed(&e))?;
        context.flush();
        let (mut out, mut reconstructed) = (Vec::new(), None);
        loop {
            match context.receive_packet() {
                Ok(mut packet) => {
                    out.append(&mut packet.data);
                    reconstructed = packet.rec.or(reconstructed);
                }
                Err(EncoderStatus::Encoded) => {}
                Err(EncoderStatus::LimitReached) => break,
                Err(e) => return Err(failed(&e)),
            }
        }
        let reconstructed = reconstructed.ok_or_else(|| Error::encoding("AVIF encoding failed: rav1e gave no picture back."))?;
        Ok((out, reconstructed))
    }
}

#[cfg(all(test, feature = "avif"))]
mod tests {
    use super::av1::{encode, encode_at_speed, quantizer, reconstruction, speed};
    use crate::{
        Dimensions, container, decode,
        encode::{ChromaSubsampling, Effort},
        limits::Limits,
        metadata::OutputMetadata,
        pixels::{Layout, Pixels},
        testdata,
    };

    fn avif(pixels: &Pixels, quality: u8, chroma: ChromaSubsampling) -> Vec<u8> {
        encode(pixels, quality, Effort::Fast, chroma, &OutputMetadata::default()).unwrap()
    }

    /// The payload of the first box named `name` (boxes are found by their name, which is enough
    /// in the small files tested here; tests/component/avif.test.mjs decodes them with libavif).
    fn find_box<'a>(file: &'a [u8], name: &[u8; 4]) -> Option<&'a [u8]> {
        let at = file.windows(4).position(|w| w == name)?;
        let size = u32::from_be_bytes(file[at - 4..at].try_into().unwrap()) as usize;
        Some(&file[at + 4..at - 4 + size])
    }

    /// The sides of the first image (`ispe`) and its chroma subsampling (`av1C`: x, y).
    fn header(file: &[u8]) -> (Dimensions, (bool, bool)) {
        let ispe = find_box(file, b"ispe").unwrap();
        let side = |at: usize| u32::from_be_bytes(ispe[at..at + 4].try_into().unwrap());
        let av1c = find_box(file, b"av1C").unwrap();
        (Dimensions::new(side(4), side(8)), (av1c[2] & 0x08 != 0, av1c[2] & 0x04 != 0))
    }

    const ALPHA_URN: &[u8] = b"urn:mpeg:mpegB:cicp:systems:auxiliary:alpha";

    #[test]
    fn quality_maps_to_ravifs_quantizers_best_at_100() {
        assert_eq!(quantizer(100), 0);
        assert_eq!(quantizer(1), 252);
        assert!((1..100).all(|q| quantizer(q) > quantizer(q + 1)), "falls as quality rises");
        assert!(speed(Effort::Fast) > speed(Effort::Balanced) && speed(Effort::Balanced) > speed(Effort::Smallest));
    }

    #[test]
    fn a_photo_is_one_av1_image_at_420_by_default() {
        let pixels = testdata::photo();
        let bytes = avif(&pixels, 70, ChromaSubsampling::default());
        assert_eq!(&bytes[4..12], b"ftypavif");
        assert_eq!(header(&bytes), (pixels.size, (true, true)));
        assert!(!bytes.windows(ALPHA_URN.len()).any(|w| w == ALPHA_URN), "no alpha plane");
        assert!(bytes.len() < pixels.data.len() / 20, "{} bytes", bytes.len());
    }

    #[test]
    fn chroma_subsampling_444_keeps_colour_detail_at_more_bytes() {
        let pixels = testdata::photo();
        let full = avif(&pixels, 70, ChromaSubsampling::Yuv444);
        let half = avif(&pixels, 70, ChromaSubsampling::Yuv420);
        assert_eq!(header(&full).1, (false, false));
        assert_eq!(header(&avif(&pixels, 70, ChromaSubsampling::Yuv422)).1, (true, false));
        assert!(full.len() > half.len(), "4:4:4 {} bytes, 4:2:0 {}", full.len(), half.len());
    }

    #[test]
    fn higher_quality_costs_more_bytes() {
        let pixels = testdata::photo();
        let sizes: Vec<usize> = [30, 60, 90].into_iter().map(|q| avif(&pixels, q, ChromaSubsampling::Yuv420).len()).collect();
        assert!(sizes.windows(2).all(|w| w[0] < w[1]), "bytes {sizes:?}");
    }

    #[test]
    fn transparency_is_a_second_image_and_odd_sides_work() {
        let size = Dimensions::new(33, 17);
        let data = (0..size.pixels() as usize).flat_map(|i| [200, 40, (i % 256) as u8, (i * 7 % 256) as u8]).collect();
        let pixels = Pixels::new(Layout::Rgba, size, data);
        let bytes = avif(&pixels, 80, ChromaSubsampling::Yuv420);
        assert_eq!(header(&bytes).0, size);
        assert!(bytes.windows(ALPHA_URN.len()).any(|w| w == ALPHA_URN), "an alpha plane");
    }

    #[test]
    fn the_reconstruction_of_the_last_outputs_is_close_to_the_source() {
        let pixels = testdata::photo();
        let low = avif(&pixels, 30, ChromaSubsampling::Yuv420);
        let high = avif(&pixels, 90, ChromaSubsampling::Yuv420);
        let (coarse, fine) = (reconstruction(&low).unwrap(), reconstruction(&high).unwrap());
        assert_eq!((fine.size, fine.layout), (pixels.size, Layout::Rgb));
        let (far, near) = (testdata::mean_abs_diff(&coarse.data, &pixels.data), testdata::mean_abs_diff(&fine.data, &pixels.data));
        assert!(near < 2.5 && near < far, "q90 {near:.2} levels away, q30 {far:.2}");
        avif(&pixels, 50, ChromaSubsampling::Yuv420);
        avif(&pixels, 60, ChromaSubsampling::Yuv420);
        assert!(reconstruction(&high).is_none(), "only the last two are kept");
        drop(crate::encode::ReconstructionsKept);
        assert!(reconstruction(&avif(&pixels, 40, ChromaSubsampling::Yuv420)).is_some());
    }

    #[test]
    fn exif_is_kept_when_the_policy_kept_it() {
        let pixels = testdata::photo();
        let exif = b"MM\0\x2a\0\0\0\x08\0\0".to_vec();
        let metadata = OutputMetadata { exif: Some(exif.clone()), ..OutputMetadata::default() };
        let bytes = encode(&pixels, 50, Effort::Fast, ChromaSubsampling::Yuv420, &metadata).unwrap();
        assert!(find_box(&bytes, b"iinf").is_some_and(|b| b.windows(4).any(|w| w == b"Exif")), "an Exif item");
        assert!(bytes.windows(exif.len()).any(|w| w == exif), "its TIFF data");
    }

    /// The speed table of docs/codecs.md ("AVIF effort"): every rav1e speed on a 1920×1080 photo
    /// (kleiber from the corpus), natively; the files land in target/bench/avif-speeds/ for
    /// tests/bench/score.py. `cargo test -p localpix-core avif_speed_table -- --ignored --nocapture`
    #[test]
    #[ignore = "a measurement, minutes long; needs the corpus"]
    fn avif_speed_table() {
        let Some(bytes) = testdata::corpus("kleiber-6028x3391.jpg") else { return };
        let container = container::read(&bytes).unwrap();
        let photo = decode::decode(&bytes, &container, &Limits::default(), None).unwrap().pixels;
        let (w, h) = (f64::from(photo.size.width), f64::from(photo.size.height));
        let band = w * 1080.0 / 1920.0;
        let source = crate::orient::Rect { left: 0.0, top: (h - band) / 2.0, width: w, height: band };
        let pixels = crate::resize::resample(&photo, source, Dimensions::new(1920, 1080), crate::resize::Filter::Lanczos3).unwrap();
        let dir = testdata::project().join("target/bench/avif-speeds");
        std::fs::create_dir_all(&dir).unwrap();
        crate::encode::Writer::Png { effort: Effort::Fast, options: Default::default() }
            .encode(&pixels, &OutputMetadata::default())
            .map(|png| std::fs::write(dir.join("reference.png"), png))
            .unwrap()
            .unwrap();
        for speed in 3..=10 {
            let start = std::time::Instant::now();
            let avif = encode_at_speed(&pixels, 70, speed, ChromaSubsampling::Yuv420, &OutputMetadata::default()).unwrap();
            println!("speed {speed}: {} bytes, {:.2} s", avif.len(), start.elapsed().as_secs_f64());
            std::fs::write(dir.join(format!("speed-{speed:02}.avif")), avif).unwrap();
        }
    }
}
