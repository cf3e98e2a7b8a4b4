//! The pipeline as a user meets it: real files in, outputs decoded back and inspected.

use super::*;
use crate::{
    encode::{ChromaSubsampling, Effort, Encoding, JpegOptions, OutputFormat},
    format::ImageFormat,
    metadata::SensitiveKind,
    pixels::Layout,
    pixels::Rgb,
    testdata::{self, corpus, fixture},
};
use localpix_contract::Rect as CropRect;

/// An output decoded back to upright pixels, to check what a user would see.
fn pixels_of(bytes: &[u8]) -> Pixels {
    Image::decode(bytes, &DecodeOptions::default()).expect("the output decodes").into_pixels_upright()
}

fn options_with(format: OutputFormat, mode: ResizeMode) -> Options {
    let mut options = default_options();
    options.encode.encoding.format = format;
    options.resize.mode = mode;
    options
}

fn lossless() -> Options {
    options_with(OutputFormat::Png, ResizeMode::None)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn all_eight_orientations_come_out_like_orientation_1() {
    let upright = pixels_of(&process(&fixture("orientation-1.jpg"), &lossless()).unwrap().bytes);
    assert_eq!(upright.size, Dimensions::new(160, 100));
    for n in 2..=8 {
        let name = format!("orientation-{n}.jpg");
        let out = process(&fixture(&name), &lossless()).unwrap();
        let pixels = pixels_of(&out.bytes);
        assert_eq!(pixels.size, upright.size, "{name}");
        // JPEG blocks fall differently once turned: small differences, never a wrong turn (~40+).
        let diff = testdata::mean_abs_diff(&pixels.data, &upright.data);
        assert!(diff < 4.0, "{name} differs from orientation 1 by {diff:.1} per sample");
    }
}

/// A turn asked for applies after the file's own orientation, and the resize's sizes are those
/// of the turned picture: the sideways phone photo turned left is a portrait 320 px tall at 200
/// wide, its pixels the upright photo's turned a quarter counter-clockwise.
#[test]
fn a_turn_applies_to_the_upright_picture() {
    let upright = pixels_of(&process(&fixture("phone-orient6-gps.jpg"), &lossless()).unwrap().bytes);
    let mut options = options_with(OutputFormat::Png, ResizeMode::FitWidth(200));
    options.resize.turn = Orientation::Rotate270;
    let out = process(&fixture("phone-orient6-gps.jpg"), &options).unwrap();
    assert_eq!(out.dimensions, Dimensions::new(200, 320));
    let whole = Rect { left: 0.0, top: 0.0, width: 400.0, height: 640.0 };
    let expected = resize::resample(&Orientation::Rotate270.apply(upright.clone()), whole, out.dimensions, Filter::Lanczos3).unwrap();
    let diff = testdata::mean_abs_diff(&pixels_of(&out.bytes).data, &expected.data);
    assert!(diff < 2.0, "not turned left: differs by {diff:.1} per sample");
    // Mirrored, the left column becomes the right one.
    options.resize.turn = Orientation::FlipHorizontal;
    options.resize.mode = ResizeMode::None;
    let mirrored = pixels_of(&process(&fixture("phone-orient6-gps.jpg"), &options).unwrap().bytes);
    let diff = testdata::mean_abs_diff(&mirrored.data, &Orientation::FlipHorizontal.apply(upright).data);
    assert!(diff < 1.0, "not mirrored: differs by {diff:.1} per sample");
}

/// A turned picture is not the file's own: the original never stands in for it.
#[test]
fn a_turned_picture_never_keeps_the_original() {
    let mut options = options_with(OutputFormat::SameAsInput, ResizeMode::None);
    options.encode.keep_smaller_original = true;
    options.encode.encoding.quality = Quality::Fixed(100);
    assert!(process(&fixture("orientation-1.jpg"), &options).unwrap().kept_original, "the untouched file is kept at quality 100");
    options.resize.turn = Orientation::Rotate180;
    let out = process(&fixture("orientation-1.jpg"), &options).unwrap();
    assert!(!out.kept_original);
}

/// The pixels of `crop` in `pixels`, copied row by row: the reference a crop is checked against.
fn cut(pixels: &Pixels, crop: CropRect) -> Pixels {
    let channels = pixels.layout.channels();
    let row = pixels.size.width as usize * channels;
    let data = (crop.top..crop.top + crop.height)
        .flat_map(|y| {
            let start = y as usize * row + crop.left as usize * channels;
            pixels.data[start..start + crop.width as usize * channels].iter().copied()
        })
        .collect();
    Pixels::new(pixels.layout, crop.size(), data)
}

/// A crop keeps exactly its pixels, and the mode's sizes then apply to it: half of a quarter of
/// the photo is 80 pixels wide, made from the quarter alone.
#[test]
fn a_crop_is_cut_before_the_resize() {
    let input = fixture("alpha-640x360.png");
    // Its one translucent pixel (alpha 254) is outside the crops: their PNGs, opaque everywhere,
    // are written without the alpha channel.
    let whole = pixels_of(&input).without_alpha();
    let crop = CropRect::new(100, 50, 200, 120);
    let mut options = lossless();
    options.resize.crop = Some(crop);
    let out = process(&input, &options).unwrap();
    assert_eq!(out.dimensions, Dimensions::new(200, 120));
    assert_eq!(pixels_of(&out.bytes), cut(&whole, crop), "not the crop's pixels");

    options.resize.mode = ResizeMode::FitWidth(100);
    let out = process(&input, &options).unwrap();
    assert_eq!(out.dimensions, Dimensions::new(100, 60));
    let region = Rect { left: 0.0, top: 0.0, width: 200.0, height: 120.0 };
    let expected = resize::resample(&cut(&whole, crop), region, out.dimensions, Filter::Lanczos3).unwrap();
    let diff = testdata::mean_abs_diff(&pixels_of(&out.bytes).data, &expected.data);
    assert!(diff < 0.5, "not the crop resized: differs by {diff:.2} per sample");

    // A cover box takes its middle from the crop, not from the whole picture.
    options.resize.mode = ResizeMode::Cover(Dimensions::new(50, 50));
    let out = process(&input, &options).unwrap();
    assert_eq!(out.dimensions, Dimensions::new(50, 50));
    let square = cut(&whole, CropRect::new(140, 50, 120, 120));
    let expected = resize::resample(&square, Rect { width: 120.0, ..region }, out.dimensions, Filter::Lanczos3).unwrap();
    let diff = testdata::mean_abs_diff(&pixels_of(&out.bytes).data, &expected.data);
    assert!(diff < 0.5, "not the crop's middle: differs by {diff:.2} per sample");
}

/// The crop is in the coordinates of the picture the person sees: the sideways phone photo
/// (EXIF orientation 6) turned left is 400×640, and a crop of it is that picture's pixels.
#[test]
fn a_crop_applies_to_the_upright_turned_picture() {
    let input = fixture("phone-orient6-gps.jpg");
    let upright = pixels_of(&process(&input, &lossless()).unwrap().bytes);
    assert_eq!(upright.size, Dimensions::new(640, 400));
    let turned = Orientation::Rotate270.apply(upright);
    let crop = CropRect::new(50, 400, 300, 200);
    let mut options = lossless();
    options.resize.turn = Orientation::Rotate270;
    options.resize.crop = Some(crop);
    let out = process(&input, &options).unwrap();
    assert_eq!(out.dimensions, Dimensions::new(300, 200));
    let diff = testdata::mean_abs_diff(&pixels_of(&out.bytes).data, &cut(&turned, crop).data);
    assert!(diff < 0.5, "not the turned picture's crop: differs by {diff:.2} per sample");
    // Not the file's own picture: the original never stands in for it.
    options.encode.keep_smaller_original = true;
    options.encode.encoding.format = OutputFormat::SameAsInput;
    options.resize.turn = Orientation::Normal;
    options.resize.crop = Some(CropRect::new(0, 0, 640, 399));
    assert!(!process(&input, &options).unwrap().kept_original);
}

/// A JPEG decoded at a quarter of its size for a small output still gives the crop's pixels: the
/// crop's coordinates are the file's, scaled with the decode.
#[test]
fn a_crop_of_a_reduced_decode_is_the_same_part() {
    let input = fixture("photo-640x400.jpg");
    let whole = pixels_of(&input);
    let crop = CropRect::new(320, 200, 320, 200);
    let mut options = options_with(OutputFormat::Png, ResizeMode::FitWidth(80));
    options.resize.crop = Some(crop);
    let out = process(&input, &options).unwrap();
    assert_eq!(out.dimensions, Dimensions::new(80, 50));
    let region = Rect { left: 0.0, top: 0.0, width: 320.0, height: 200.0 };
    let expected = resize::resample(&cut(&whole, crop), region, out.dimensions, Filter::Lanczos3).unwrap();
    let diff = testdata::mean_abs_diff(&pixels_of(&out.bytes).data, &expected.data);
    assert!(diff < 3.0, "not the bottom-right quarter: differs by {diff:.2} per sample");
}

/// A crop with no pixels, or reaching outside the picture as displayed, is refused with its own
/// error, which says the crop and the picture; `check-options` refuses the empty one at once.
#[test]
fn a_crop_outside_the_picture_is_refused() {
    let input = fixture("photo-640x400.jpg");
    let mut options = default_options();
    for crop in [CropRect::new(600, 0, 100, 100), CropRect::new(0, 0, 0, 10), CropRect::new(0, 300, 10, 101)] {
        options.resize.crop = Some(crop);
        match process(&input, &options) {
            Err(Error::InvalidCrop { crop: refused, picture, message }) => {
                assert_eq!((refused, picture), (crop, Dimensions::new(640, 400)));
                assert!(message.contains(&crop.to_string()), "{message}");
            }
            other => panic!("{crop}: expected invalid-crop, got {other:?}"),
        }
    }
    // Turned a quarter, the picture is 400×640: a crop low down fits.
    options.resize.crop = Some(CropRect::new(0, 500, 100, 100));
    assert!(matches!(process(&input, &options), Err(Error::InvalidCrop { .. })));
    options.resize.turn = Orientation::Rotate90;
    assert_eq!(process(&input, &options).unwrap().dimensions, Dimensions::new(100, 100));
    // Without a picture only an empty crop can be refused.
    assert!(check_options(&options).is_ok());
    options.resize.crop = Some(CropRect::new(5, 5, 10, 0));
    assert!(matches!(check_options(&options), Err(Error::InvalidCrop { .. })));
}

#[test]
fn the_phone_photo_comes_out_upright_and_without_private_data() {
    let out = process(&fixture("phone-orient6-gps.jpg"), &default_options()).unwrap();
    assert_eq!((out.format, out.dimensions), (ImageFormat::Jpeg, Dimensions::new(640, 400)));
    // It is the everyday photo, stored sideways: once upright they look the same.
    let upright = pixels_of(&fixture("photo-640x400.jpg"));
    let diff = testdata::mean_abs_diff(&pixels_of(&out.bytes).data, &upright.data);
    assert!(diff < 6.0, "not upright: differs by {diff:.1} per sample");
    for secret in [&b"SN-0042-PRIVATE"[..], b"Jane Example", b"Exif"] {
        assert!(!contains(&out.bytes, secret), "{} found in the output", String::from_utf8_lossy(secret));
    }
    let info = probe(&out.bytes).unwrap();
    assert_eq!(info.metadata, vec![], "no metadata expected");
    assert_eq!(info.orientation, Orientation::Normal);
}

#[test]
fn keep_safe_keeps_the_camera_but_nothing_private() {
    let mut options = default_options();
    options.encode.metadata = MetadataPolicy::KeepSafe;
    let out = process(&fixture("phone-orient6-gps.jpg"), &options).unwrap();
    let info = probe(&out.bytes).unwrap();
    assert!(info.metadata.iter().any(|f| f.name == "Model"), "{:#?}", info.metadata);
    assert!(info.metadata.iter().all(|f| f.sensitive.is_none()), "{:#?}", info.metadata);
    assert_eq!(info.orientation, Orientation::Normal, "the pixels are upright: no orientation tag");
    assert_eq!(info.dimensions, Dimensions::new(640, 400));
    for secret in [&b"SN-0042-PRIVATE"[..], b"Jane Example"] {
        assert!(!contains(&out.bytes, secret));
    }
}

#[test]
fn probe_lists_the_private_fields_it_finds() {
    let info = probe(&fixture("phone-orient6-gps.jpg")).unwrap();
    assert_eq!(info.dimensions, Dimensions::new(640, 400), "displayed size, after orientation");
    assert_eq!(info.orientation, Orientation::Rotate90);
    let kinds: Vec<SensitiveKind> = info.metadata.iter().filter_map(|f| f.sensitive).collect();
    for kind in [SensitiveKind::Location, SensitiveKind::Device, SensitiveKind::Person, SensitiveKind::HiddenContent] {
        assert!(kinds.contains(&kind), "no {kind:?} field in {:#?}", info.metadata);
    }
}

#[test]
fn alpha_is_kept_in_png_and_webp() {
    // These fixtures have one translucent pixel each (alpha 254): a resize averages it away, and
    // an opaque PNG is written without the channel, so the PNGs are made at full size.
    let full = Dimensions::new(640, 360);
    for (name, format, mode, size) in [
        ("alpha-640x360.png", OutputFormat::Png, ResizeMode::None, full),
        ("alpha-lossless.webp", OutputFormat::WebpLossless, ResizeMode::FitWidth(320), Dimensions::new(320, 180)),
        ("alpha-lossy.webp", OutputFormat::Png, ResizeMode::None, full),
    ] {
        let out = process(&fixture(name), &options_with(format, mode)).unwrap();
        assert_eq!(out.dimensions, size, "{name}");
        assert!(probe(&out.bytes).unwrap().has_alpha, "{name} lost its alpha channel");
    }
    // Real transparency survives the resize (premultiplied, so no dark fringes).
    let out = process(&half_transparent_png(), &options_with(OutputFormat::Png, ResizeMode::FitWidth(32))).unwrap();
    let pixels = pixels_of(&out.bytes);
    let alphas: Vec<u8> = pixels.data.chunks_exact(4).map(|p| p[3]).collect();
    assert!(alphas.contains(&0) && alphas.contains(&255));
    assert!(pixels.data.chunks_exact(4).filter(|p| p[3] > 0).all(|p| p[0] > 240 && p[1] < 15), "red stays red");
    // Lossy WebP keeps the alpha plane losslessly (the PNG's exactly); the colours lose a little.
    let out = process(&half_transparent_png(), &options_with(OutputFormat::Webp, ResizeMode::FitWidth(32))).unwrap();
    assert!(probe(&out.bytes).unwrap().lossy);
    let lossy = pixels_of(&out.bytes);
    assert_eq!(lossy.size, pixels.size);
    let alpha = |p: &Pixels| p.data.chunks_exact(4).map(|p| p[3]).collect::<Vec<u8>>();
    assert_eq!(alpha(&lossy), alphas);
    assert!(lossy.data.chunks_exact(4).filter(|p| p[3] == 255).all(|p| p[0] > 200 && p[1] < 50), "red stays red");
}

#[test]
fn same_as_input_keeps_a_lossy_photo_lossy() {
    let input = fixture("photo-lossy.webp");
    assert!(probe(&input).unwrap().lossy);
    assert!(!probe(&fixture("alpha-lossless.webp")).unwrap().lossy);
    let mut options = options_with(OutputFormat::SameAsInput, ResizeMode::None);
    options.encode.keep_smaller_original = false;
    let out = process(&input, &options).unwrap();
    // Lossy WebP again, never a lossless WebP many times the size of the original.
    assert_eq!(out.format, ImageFormat::WebP);
    assert!(probe(&out.bytes).unwrap().lossy);
    assert!(out.bytes.len() < input.len() * 2, "{} bytes from {}", out.bytes.len(), input.len());
    // With transparency too: lossy colours, the transparency kept.
    let out = process(&fixture("alpha-lossy.webp"), &options).unwrap();
    let info = probe(&out.bytes).unwrap();
    assert_eq!(out.format, ImageFormat::WebP);
    assert!(info.has_alpha && info.lossy);
    // A lossless WebP stays lossless.
    let out = process(&fixture("alpha-lossless.webp"), &options).unwrap();
    assert!(!probe(&out.bytes).unwrap().lossy);
}

#[test]
fn a_larger_result_gives_way_to_the_original_without_its_metadata() {
    // The default options keep the original when re-encoding makes it larger.
    let options = options_with(OutputFormat::SameAsInput, ResizeMode::None);
    assert!(options.encode.keep_smaller_original);
    let mut reencode = options;
    reencode.encode.keep_smaller_original = false;
    for name in ["photo-lossy.webp", "alpha-lossy.webp", "palette.png", "alpha-640x360.png", "gray16.png", "photo-640x400.jpg"] {
        let input = fixture(name);
        let (out, new) = (process(&input, &options).unwrap(), process(&input, &reencode).unwrap());
        // A re-encode larger than the file always gives way; one a little smaller may too, to
        // the original without its metadata when that is smaller still.
        assert!(out.kept_original || new.bytes.len() <= input.len(), "{name}: a larger re-encode was kept");
        if !out.kept_original {
            assert!(out.bytes == new.bytes, "{name}: the re-encode is smaller");
            continue;
        }
        assert!(out.bytes.len() < new.bytes.len(), "{name}");
        assert_eq!((out.format, out.quality, out.score), (probe(&input).unwrap().format, None, None), "{name}");
        assert!(out.bytes.len() <= input.len(), "{name}");
        assert_eq!(pixels_of(&out.bytes).data, pixels_of(&input).data, "{name}");
    }
    assert!(process(&fixture("photo-lossy.webp"), &options).unwrap().kept_original, "the issue's case: a lossy WebP");
    // A JPEG at quality 100 is larger than the camera's: the original, cleaned, is kept.
    let mut best = options_with(OutputFormat::Jpeg, ResizeMode::None);
    best.encode.encoding.quality = Quality::Fixed(100);
    let input = fixture("private-all.jpg");
    let out = process(&input, &best).unwrap();
    assert!(out.kept_original);
    assert!(probe(&out.bytes).unwrap().metadata.iter().all(|f| f.sensitive.is_none()));
    assert_eq!(probe(&out.bytes).unwrap().metadata, vec![], "strip-all keeps nothing");
    // Not when the picture changed (resized), the format asked for differs, or it was turned.
    let smaller = options_with(OutputFormat::SameAsInput, ResizeMode::FitWidth(320));
    assert!(!process(&fixture("photo-lossy.webp"), &smaller).unwrap().kept_original);
    assert!(!process(&fixture("palette.png"), &options_with(OutputFormat::WebpLossless, ResizeMode::None)).unwrap().kept_original);
    assert!(!process(&fixture("orientation-6.jpg"), &best).unwrap().kept_original);
    // Nor beyond the byte budget.
    best.encode.max_bytes = Some(input.len() as u32 / 4);
    assert!(!process(&input, &best).unwrap().kept_original);
}

/// 64×64: the left half opaque red, the right half fully transparent (green underneath).
fn half_transparent_png() -> Vec<u8> {
    let data = (0..64 * 64).flat_map(|i| if i % 64 < 32 { [255, 0, 0, 255] } else { [0, 255, 0, 0] }).collect();
    let pixels = Pixels::new(Layout::Rgba, Dimensions::new(64, 64), data);
    Writer::Png { effort: Effort::Balanced, options: Default::default() }.encode(&pixels, &OutputMetadata::default()).unwrap()
}

#[test]
fn transparent_pixels_are_laid_on_the_background_in_jpeg() {
    let mut options = options_with(OutputFormat::Jpeg, ResizeMode::None);
    options.encode.background = Rgb { r: 255, g: 0, b: 255 };
    let pixels = pixels_of(&process(&half_transparent_png(), &options).unwrap().bytes);
    assert_eq!(pixels.layout, Layout::Rgb);
    let right_middle = &pixels.data[(32 * 64 + 60) * 3..][..3];
    assert!(right_middle[0] > 230 && right_middle[1] < 30 && right_middle[2] > 230, "came out {right_middle:?}, not magenta");
}

#[test]
fn a_colour_profile_is_kept_or_converted_to_srgb() {
    let input = fixture("adobergb-icc.jpg");
    let profile = container::read(&input).unwrap().blocks.icc.unwrap();
    for policy in [MetadataPolicy::KeepColorProfile, MetadataPolicy::KeepSafe] {
        let mut options = lossless();
        options.encode.metadata = policy;
        let out = process(&input, &options).unwrap();
        assert_eq!(container::read(&out.bytes).unwrap().blocks.icc.as_ref(), Some(&profile), "{policy:?}");
        let same = testdata::mean_abs_diff(&pixels_of(&out.bytes).data, &pixels_of(&input).data);
        assert!(same < 1.0, "{policy:?} changed the pixels by {same}");
    }
    // Stripping converts: no profile, and the pixels now mean in sRGB what they meant in AdobeRGB.
    let out = process(&input, &lossless()).unwrap();
    assert_eq!(container::read(&out.bytes).unwrap().blocks.icc, None);
    let mut expected = pixels_of(&input);
    assert!(color::convert_to_srgb(&mut expected, &profile));
    let diff = testdata::mean_abs_diff(&pixels_of(&out.bytes).data, &expected.data);
    assert!(diff < 1.0, "converted pixels differ by {diff}");
    assert!(testdata::mean_abs_diff(&expected.data, &pixels_of(&input).data) > 2.0, "the conversion changed nothing");
}

#[test]
fn every_format_is_read_and_sensible_formats_are_written() {
    let expect = [
        ("photo-640x400.jpg", ImageFormat::Jpeg, Layout::Rgb),
        ("progressive.jpg", ImageFormat::Jpeg, Layout::Rgb),
        ("cmyk.jpg", ImageFormat::Jpeg, Layout::Rgb),
        ("gray16.png", ImageFormat::Png, Layout::Gray),
        ("palette.png", ImageFormat::Png, Layout::Rgb),
        ("alpha-lossy.webp", ImageFormat::WebP, Layout::Rgba),
        ("animated.gif", ImageFormat::Png, Layout::Rgb),
        ("small.bmp", ImageFormat::Png, Layout::Rgb),
        ("small.tiff", ImageFormat::Png, Layout::Rgb),
        ("one-pixel.png", ImageFormat::Png, Layout::Rgb),
    ];
    for (name, format, layout) in expect {
        let out = process(&fixture(name), &default_options()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(out.format, format, "{name}");
        let pixels = pixels_of(&out.bytes);
        assert_eq!((pixels.layout, pixels.size), (layout, out.dimensions), "{name}");
        assert_eq!(out.dimensions, probe(&fixture(name)).unwrap().dimensions, "{name}: no enlarging");
    }
}

#[test]
fn sixteen_bit_input_gives_faithful_8_bit_output() {
    let input = fixture("gray16.png");
    let out = process(&input, &lossless()).unwrap();
    let stored = pixels_of(&out.bytes);
    assert_eq!(probe(&out.bytes).unwrap().bit_depth, 8);
    // Against our own rounding of the 16-bit samples, via the image crate's 16-bit decode.
    let image = image::load_from_memory(&input).unwrap().into_luma16();
    let expected: Vec<u8> = image.as_raw().iter().map(|&v| ((u32::from(v) * 255 + 32767) / 65535) as u8).collect();
    assert_eq!(stored.data, expected);
}

#[test]
fn staged_work_decodes_once_and_makes_several_outputs() {
    let image = Image::decode(&fixture("photo-640x400.jpg"), &DecodeOptions::default()).unwrap();
    let resize = |mode| ResizeOptions { mode, filter: Filter::Lanczos3, never_upscale: true, turn: Default::default(), crop: None };
    let small = image.resize(&resize(ResizeMode::FitWidth(160))).unwrap();
    let square = image.resize(&resize(ResizeMode::Cover(Dimensions::new(100, 100)))).unwrap();
    assert_eq!(small.dimensions(), Dimensions::new(160, 100));
    assert_eq!(square.dimensions(), Dimensions::new(100, 100));
    let jpeg = |quality| EncodeOptions {
        encoding: Encoding { format: OutputFormat::Jpeg, quality: Quality::Fixed(quality), ..Encoding::default() },
        ..EncodeOptions::default()
    };
    let (high, low) = (small.encode(&jpeg(95)).unwrap(), small.encode(&jpeg(30)).unwrap());
    assert!(low.bytes.len() < high.bytes.len() / 2, "q30 {} vs q95 {}", low.bytes.len(), high.bytes.len());
    assert_eq!(image.info().dimensions, Dimensions::new(640, 400));
}

#[test]
fn an_intended_resize_decodes_a_jpeg_smaller_with_the_same_result() {
    let input = fixture("photo-640x400.jpg");
    let target = ResizeOptions {
        mode: ResizeMode::FitWithin(Dimensions::new(200, 200)),
        filter: Filter::Lanczos3,
        never_upscale: true,
        turn: Default::default(),
        crop: None,
    };
    // 200 of 640 wide: 3/8, 240 × 150.
    let (a, b) = reduced_and_whole(&input, &target, Dimensions::new(240, 150));
    let diff = testdata::mean_abs_diff(&a.data, &b.data);
    assert!(diff < 2.0, "the reduced decode differs by {diff:.2} per sample");
    // The measure the 20 MP corpus test uses: this is its twin on a fixture.
    let psnr = psnr(&a, &b);
    eprintln!("fixture: reduced decode PSNR {psnr:.2} dB, mean difference {diff:.3}");
    assert!(psnr > 40.0, "reduced decode PSNR {psnr:.1} dB against the full decode");
}

#[test]
fn a_png_resized_to_a_quarter_decodes_at_half_size_with_nearly_the_same_result() {
    let input = fixture("alpha-640x360.png");
    let mut target = default_options().resize;
    target.mode = ResizeMode::FitWidth(200); // less than a quarter: the resize would reduce 1.6 times
    let (a, b) = reduced_and_whole(&input, &target, Dimensions::new(640, 360));
    assert!(a == b, "decoded whole, so the same pixels");
    for width in [160, 100] {
        target.mode = ResizeMode::FitWidth(width);
        let (a, b) = reduced_and_whole(&input, &target, Dimensions::new(320, 180));
        let psnr = psnr(&a, &b);
        // 53.5 and 56.2 dB when written; patak → 1280, 55.0 dB (a mean difference of 0.19 levels).
        assert!(psnr > 50.0, "to {width}: PSNR {psnr:.1} dB against the full decode");
    }
}

#[test]
fn the_file_is_kept_only_while_it_could_stand_in_for_the_output() {
    let input = fixture("alpha-640x360.png");
    let decoded = |resize: Option<ResizeOptions>| {
        Image::decode(&input, &DecodeOptions { intended_resize: resize, ..DecodeOptions::default() }).unwrap().source
    };
    let mut resize = default_options().resize;
    resize.mode = ResizeMode::FitWidth(320);
    let shrunk = decoded(Some(resize));
    assert!(shrunk.original.is_none(), "a resize to half the width can never give the file back");
    resize.mode = ResizeMode::FitWidth(1280); // never enlarged: the same pixels
    let unchanged = decoded(Some(resize));
    assert_eq!(unchanged.original.as_deref(), Some(&input[..]));
    resize.turn = Orientation::Rotate90;
    assert!(decoded(Some(resize)).original.is_none(), "a turned picture is not the file's own");
    assert!(decoded(None).original.is_some(), "no resize announced: the file may be given back");
    // And the memory check before decoding counts only what is held.
    assert_eq!(unchanged.job.decoding() - shrunk.job.decoding(), input.len() as u64);
}

#[test]
fn percentages_are_of_the_original_even_after_a_reduced_decode() {
    let input = fixture("phone-orient6-gps.jpg");
    for (percent, expected) in [(50.0, Dimensions::new(320, 200)), (10.0, Dimensions::new(64, 40)), (25.0, Dimensions::new(160, 100))] {
        let out = process(&input, &options_with(OutputFormat::Png, ResizeMode::ScalePercent(percent))).unwrap();
        assert_eq!(out.dimensions, expected, "{percent}%");
    }
    // A resize of a resize is a percentage of the first resize.
    let half = ResizeOptions {
        mode: ResizeMode::ScalePercent(50.0),
        filter: Filter::Lanczos3,
        never_upscale: true,
        turn: Default::default(),
        crop: None,
    };
    let image = Image::decode(&input, &DecodeOptions { intended_resize: Some(half), ..DecodeOptions::default() }).unwrap();
    assert_eq!(image.resize(&half).unwrap().resize(&half).unwrap().dimensions(), Dimensions::new(160, 100));
}

#[test]
fn a_byte_budget_lowers_quality_then_size() {
    let input = fixture("photo-640x400.jpg");
    let mut options = options_with(OutputFormat::Jpeg, ResizeMode::None);
    options.encode.max_bytes = Some(30_000);
    let out = process(&input, &options).unwrap();
    assert!(out.bytes.len() <= 30_000);
    assert!(out.quality.unwrap() < 80 && out.quality.unwrap() >= budget::MIN_QUALITY, "{:?}", out.quality);
    assert_eq!(out.dimensions, Dimensions::new(640, 400), "quality alone was enough");
    options.encode.max_bytes = Some(6_000);
    let out = process(&input, &options).unwrap();
    assert!(out.bytes.len() <= 6_000);
    assert!(out.dimensions.width < 640, "the size had to go down too");
    assert_eq!(out.quality, Some(budget::MIN_QUALITY));
    let mut png = options_with(OutputFormat::Png, ResizeMode::None);
    png.encode.max_bytes = Some(50_000);
    let out = process(&input, &png).unwrap();
    assert!(out.bytes.len() <= 50_000 && out.dimensions.width < 640);
}

#[test]
fn lossy_webp_takes_part_in_auto_quality_and_budgets() {
    let input = fixture("photo-640x400.jpg");
    let mut options = options_with(OutputFormat::Webp, ResizeMode::None);
    options.encode.encoding.quality = Quality::Auto(localpix_contract::QualityTarget::High);
    let auto = process(&input, &options).unwrap();
    assert_eq!(auto.format, ImageFormat::WebP);
    assert!(auto.score.unwrap().ssimulacra2 >= 75.0, "{:?}", auto.score);
    let found = auto.quality.unwrap();
    assert!((30..=98).contains(&found), "quality {found}");
    let mut budget = options_with(OutputFormat::Webp, ResizeMode::None);
    let at_80 = process(&input, &budget).unwrap().bytes.len() as u32;
    let max = at_80 * 4 / 5;
    budget.encode.max_bytes = Some(max);
    let out = process(&input, &budget).unwrap();
    assert!(out.bytes.len() as u32 <= max, "{} bytes for {max}", out.bytes.len());
    assert!(out.quality.unwrap() < 80 && out.quality.unwrap() >= budget::MIN_QUALITY, "{:?}", out.quality);
    assert_eq!((out.format, out.dimensions), (ImageFormat::WebP, Dimensions::new(640, 400)));
}

#[test]
fn every_error_kind_says_what_went_wrong() {
    let photo = fixture("photo-640x400.jpg");
    let avif = b"\0\0\0\x18ftypavif\0\0\0\0mif1avif".to_vec();
    let mut over_limit = default_options();
    over_limit.limits.max_pixels = 100_000;
    let mut bad_quality = default_options();
    bad_quality.encode.encoding.quality = Quality::Fixed(0);
    let mut wide_jpeg = options_with(OutputFormat::Jpeg, ResizeMode::Exact(Dimensions::new(70_000, 1)));
    wide_jpeg.resize.never_upscale = false;
    let mut tiny_budget = default_options();
    tiny_budget.encode.max_bytes = Some(200);
    type Case = (&'static str, Vec<u8>, Options, fn(&Error) -> bool);
    let cases: [Case; 7] = [
        ("unsupported", avif, default_options(), |e| matches!(e, Error::UnsupportedFormat(m) if m.contains("AVIF"))),
        ("truncated", photo[..photo.len() / 2].to_vec(), default_options(), |e| matches!(e, Error::MalformedInput(_))),
        ("empty", Vec::new(), default_options(), |e| matches!(e, Error::MalformedInput(m) if m.contains("empty"))),
        (
            "over the limit",
            photo.clone(),
            over_limit,
            |e| matches!(e, Error::TooLarge { dimensions, limit: 100_000, .. } if *dimensions == Dimensions::new(640, 400)),
        ),
        ("quality 0", photo.clone(), bad_quality, |e| matches!(e, Error::InvalidOptions(m) if m.contains("quality"))),
        ("JPEG too wide", fixture("one-pixel.png"), wide_jpeg, |e| matches!(e, Error::EncodingFailed(m) if m.contains("65 535"))),
        (
            "budget",
            photo.clone(),
            tiny_budget,
            |e| matches!(e, Error::BudgetUnreachable { max_bytes: 200, smallest_bytes, .. } if *smallest_bytes > 200),
        ),
    ];
    for (what, input, options, expected) in cases {
        let err = process(&input, &options).expect_err(what);
        assert!(expected(&err), "{what}: {err:?}");
        assert!(err.message().len() > 20, "{what}: the message is for people: {err}");
    }
}

/// A copy of `jpeg` whose frame header claims another size.
fn jpeg_claiming(jpeg: &[u8], width: u16, height: u16) -> Vec<u8> {
    let mut bytes = jpeg.to_vec();
    let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).expect("a baseline frame header");
    bytes[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    bytes
}

#[test]
fn a_file_that_lies_about_its_size_is_refused_or_fails_cleanly() {
    let photo = fixture("photo-640x400.jpg");
    // Far over the limit: refused from the header, before any allocation, with the size it claims.
    let huge = jpeg_claiming(&photo, 60_000, 60_000);
    let err = process(&huge, &default_options()).unwrap_err();
    assert!(matches!(err, Error::TooLarge { dimensions, .. } if dimensions == Dimensions::new(60_000, 60_000)), "{err:?}");
    assert!(matches!(Image::decode(&huge, &DecodeOptions::default()), Err(Error::TooLarge { .. })));
    // Under the limit but bigger than its data: the data ends where the image has barely begun.
    // Like libjpeg, the decoder then gives what it has (the rest grey) at the claimed size;
    // what matters is an answer within the limits, never a panic or a trap.
    let inflated = jpeg_claiming(&photo, 4_000, 3_000);
    assert_eq!(probe(&inflated).unwrap().dimensions, Dimensions::new(4_000, 3_000));
    match process(&inflated, &default_options()) {
        Ok(out) => assert_eq!(out.dimensions, Dimensions::new(1920, 1440)),
        Err(err) => assert!(matches!(err, Error::MalformedInput(_)), "{err:?}"),
    }
}

#[test]
fn random_and_corrupted_bytes_give_errors_never_panics() {
    // A fixed pseudo-random sequence: corrupt every fixture in many places.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let noise: Vec<u8> = (0..5000).map(|_| next() as u8).collect();
    assert!(process(&noise, &default_options()).is_err());
    for name in testdata::FIXTURES {
        let original = fixture(name);
        for _ in 0..6 {
            let mut bytes = original.clone();
            for _ in 0..4 {
                let at = (next() as usize) % bytes.len();
                bytes[at] = next() as u8;
            }
            let _ = process(&bytes, &default_options());
            let _ = probe(&bytes);
        }
    }
}

#[test]
fn resize_image_is_the_simple_form() {
    let out = resize_image(&fixture("phone-orient6-gps.jpg"), Dimensions::new(320, 320)).unwrap();
    let info = probe(&out).unwrap();
    assert_eq!((info.format, info.dimensions), (ImageFormat::Jpeg, Dimensions::new(320, 200)));
    assert!(info.metadata.is_empty());
    let webp = resize_image(&fixture("alpha-lossless.webp"), Dimensions::new(64, 64)).unwrap();
    assert_eq!(probe(&webp).unwrap().format, ImageFormat::WebP);
    assert!(resize_image(b"nope", Dimensions::new(1, 1)).unwrap_err().contains("not an image"));
}

#[test]
fn jpeg_options_are_honoured() {
    let input = fixture("photo-640x400.jpg");
    let mut options = options_with(OutputFormat::Jpeg, ResizeMode::None);
    options.encode.encoding.jpeg = JpegOptions { progressive: true, chroma_subsampling: ChromaSubsampling::Yuv444 };
    let out = process(&input, &options).unwrap();
    assert!(probe(&out.bytes).unwrap().progressive);
    let baseline_420 = process(&input, &options_with(OutputFormat::Jpeg, ResizeMode::None)).unwrap();
    assert!(!probe(&baseline_420.bytes).unwrap().progressive);
    assert!(baseline_420.bytes.len() < out.bytes.len(), "4:2:0 is smaller than 4:4:4");
}

/// `input` decoded for `target` (asserted to come out at `reduced` size) and decoded whole, each
/// then resized to `target`: the two results, upright, for the tests of the reduced decodes.
fn reduced_and_whole(input: &[u8], target: &ResizeOptions, reduced: Dimensions) -> (Pixels, Pixels) {
    let hinted = Image::decode(input, &DecodeOptions { intended_resize: Some(*target), ..DecodeOptions::default() }).unwrap();
    assert_eq!(hinted.dimensions(), reduced, "the size the decode was reduced to");
    let whole = Image::decode(input, &DecodeOptions::default()).unwrap();
    let (a, b) = (hinted.resize(target).unwrap(), whole.resize(target).unwrap());
    assert_eq!(a.dimensions(), b.dimensions());
    (a.into_pixels_upright(), b.into_pixels_upright())
}

/// PSNR of two equal-sized images, in dB.
fn psnr(a: &Pixels, b: &Pixels) -> f64 {
    let mse = a.data.iter().zip(&b.data).map(|(x, y)| (f64::from(*x) - f64::from(*y)).powi(2)).sum::<f64>() / a.data.len() as f64;
    10.0 * (255.0f64.powi(2) / mse).log10()
}

// The big photos of ../shared/corpus: skipped (with a note) in a plain clone. Each has a twin
// on the fixtures just below it, so the property is checked on every commit.

#[test]
fn photo_fixture_to_jpeg_q80_is_small() {
    // The twin of the 20 MP test's size (its reduced decode's twin is
    // `an_intended_resize_decodes_a_jpeg_smaller_with_the_same_result`): a real photo, the
    // default JPEG (q80, 4:2:0, optimised tables).
    let mut options = options_with(OutputFormat::Jpeg, ResizeMode::None);
    options.encode.keep_smaller_original = false; // our encoder's size, not the input's
    let out = process(&fixture("photo-640x400.jpg"), &options).unwrap();
    assert_eq!(out.dimensions, Dimensions::new(640, 400));
    // 63 617 bytes when written (2 bits a pixel: a detailed photo); a regression in the
    // encoder's tables or subsampling costs 10 %.
    assert!(out.bytes.len() <= 66_000, "{} bytes at q80", out.bytes.len());
}

#[test]
fn alpha_fixture_keeps_its_alpha_resized_and_every_sample_unresized() {
    // The twin of the 5120×2880 RGBA test (this fixture is that photo at 640×360), plus
    // exactness: with no resize, PNG in, PNG out gives back every RGBA sample as it was. Only
    // one of its pixels is not opaque (alpha 254), which the resize averages away: the resized
    // PNG, opaque everywhere, is written without the channel (it would hold only 255s).
    let input = fixture("alpha-640x360.png");
    let half = process(&input, &options_with(OutputFormat::Png, ResizeMode::FitWidth(320))).unwrap();
    assert_eq!(half.dimensions, Dimensions::new(320, 180));
    assert!(pixels_of(&half.bytes).layout == Layout::Rgb);
    let mut reencode = lossless();
    reencode.encode.keep_smaller_original = false; // our own PNG, not the input handed back
    let same = pixels_of(&process(&input, &reencode).unwrap().bytes);
    let original = pixels_of(&input);
    assert!(same.layout == Layout::Rgba && original.layout == Layout::Rgba);
    assert!(same.data == original.data, "RGBA samples changed on a lossless round trip");
}

#[test]
fn kleiber_20mp_to_1920_jpeg_is_small_and_matches_a_full_decode() {
    let Some(input) = corpus("kleiber-6028x3391.jpg") else { return };
    let options = options_with(OutputFormat::Jpeg, ResizeMode::FitWithin(Dimensions::new(1920, 1920)));
    let out = process(&input, &options).unwrap();
    assert_eq!(out.dimensions, Dimensions::new(1920, 1080));
    assert!(out.bytes.len() <= 165_000, "{} bytes at q80", out.bytes.len());
    // The reduced decode (3/8 in the DCT domain) against a full decode, both then Lanczos3.
    let (reduced, full) = reduced_and_whole(&input, &options.resize, Dimensions::new(2261, 1272));
    let psnr = psnr(&full, &reduced);
    eprintln!("kleiber: reduced decode PSNR {psnr:.2} dB");
    assert!(psnr > 40.0, "reduced decode PSNR {psnr:.1} dB against the full decode");
}

#[test]
fn patak_rgba_keeps_its_alpha_at_1280() {
    let Some(input) = corpus("patak-5120x2880-rgba.png") else { return };
    let out = process(&input, &options_with(OutputFormat::Png, ResizeMode::FitWidth(1280))).unwrap();
    assert_eq!(out.dimensions, Dimensions::new(1280, 720));
    let pixels = pixels_of(&out.bytes);
    assert!(pixels.layout == Layout::Rgba && !pixels.is_opaque());
}

#[test]
fn every_corpus_file_processes() {
    for name in [
        "adobergb-icc.jpg",
        "adwaita-4096x4096.webp",
        "alpha-lossy.webp",
        "animated.gif",
        "cmyk.jpg",
        "gray16.png",
        "one-pixel.png",
        "painting-6000x4000.jpg",
        "path-2560x1600.jpg",
        "phone-orient6-gps.jpg",
        "progressive.jpg",
        "small.bmp",
        "small.tiff",
        "volna-5120x2880.jpg",
    ] {
        let Some(input) = corpus(name) else { return };
        let out = process(&input, &default_options()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let info = probe(&input).unwrap();
        let d = info.dimensions;
        assert!(out.dimensions.width <= 1920 && out.dimensions.height <= 1920, "{name}");
        assert!(out.dimensions.width == d.width.min(1920) || out.dimensions.height == d.height.min(1920), "{name}: {:?}", out.dimensions);
    }
    let Some(phone) = corpus("phone-orient6-gps.jpg") else { return };
    let out = process(&phone, &options_with(OutputFormat::Jpeg, ResizeMode::None)).unwrap();
    assert_eq!(out.dimensions, Dimensions::new(2560, 1600));
    assert!(probe(&out.bytes).unwrap().metadata.is_empty());
}

/// The privacy fixtures (tests/fixtures/make-private.py): every personal text value in them
/// contains the word PRIVATE.
const PRIVATE_FIXTURES: [&str; 5] =
    ["private-all.jpg", "private-text.png", "private-meta.webp", "private-meta.tiff", "private-comment.gif"];

#[test]
fn probe_flags_every_personal_field_of_the_privacy_fixtures() {
    for name in PRIVATE_FIXTURES {
        let info = probe(&fixture(name)).unwrap();
        let unflagged: Vec<_> = info.metadata.iter().filter(|f| f.value.contains("PRIVATE") && f.sensitive.is_none()).collect();
        assert!(unflagged.is_empty(), "{name}: personal fields not flagged: {unflagged:#?}");
        let flagged = info.metadata.iter().filter(|f| f.value.contains("PRIVATE")).count();
        assert!(flagged >= 2, "{name}: only {flagged} personal fields found in {:#?}", info.metadata);
    }
    let info = probe(&fixture("private-all.jpg")).unwrap();
    let field = |name: &str| info.metadata.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("no {name} in {:#?}", info.metadata));
    assert_eq!(field("GPSLatitude").value, "48° 51′ 29.88″ N");
    assert_eq!(field("GPSLatitude").sensitive, Some(SensitiveKind::Location));
    assert_eq!(field("GPSAltitude").value, "35 m above sea level");
    assert_eq!(field("XPComment").value, "PRIVATE-XPCOMMENT holiday at grandma's");
    assert_eq!(field("UserComment").value, "Call +1 555 0199 PRIVATE-USERCOMMENT");
    assert_eq!(field("MakerNote").sensitive, Some(SensitiveKind::HiddenContent));
    assert_eq!(field("EXIF thumbnail").sensitive, Some(SensitiveKind::HiddenContent));
    assert!(field("MPF image 2").value.contains("extra image"), "{:?}", field("MPF image 2"));
    assert!(field("Data after the image").value.contains("video"));
    assert!(field("C2PA manifest").value.contains("Content Credentials"));
    assert_eq!(field("Model").sensitive, None);
    assert_eq!(field("ExposureTime").sensitive, None);
}

#[test]
fn every_policy_keeps_nothing_personal_and_keep_safe_keeps_the_camera() {
    let camera = ["Make", "Model", "LensModel", "ExposureTime", "FNumber", "PhotographicSensitivity", "DateTimeOriginal"];
    for name in PRIVATE_FIXTURES {
        for format in [OutputFormat::Jpeg, OutputFormat::Png, OutputFormat::Webp, OutputFormat::WebpLossless] {
            for policy in [MetadataPolicy::StripAll, MetadataPolicy::KeepColorProfile, MetadataPolicy::KeepSafe] {
                let mut options = options_with(format, ResizeMode::FitWidth(64));
                options.encode.metadata = policy;
                let out = process(&fixture(name), &options).unwrap();
                let info = probe(&out.bytes).unwrap();
                let context = format!("{name} as {format:?} with {policy:?}");
                assert!(!contains(&out.bytes, b"PRIVATE"), "{context}: personal text in the bytes");
                assert!(info.metadata.iter().all(|f| f.sensitive.is_none()), "{context}: {:#?}", info.metadata);
                let kept: Vec<&str> = info.metadata.iter().map(|f| f.name.as_str()).collect();
                if policy == MetadataPolicy::KeepSafe && name != "private-comment.gif" {
                    for field in camera {
                        assert!(kept.contains(&field), "{context}: {field} not kept, only {kept:?}");
                    }
                    assert!(!kept.contains(&"Software"), "{context}: only camera details are kept");
                } else if policy != MetadataPolicy::KeepSafe {
                    assert_eq!(kept, Vec::<&str>::new(), "{context}");
                }
            }
        }
    }
}

/// An encode keeps AVIF reconstructions (for its own scoring) only while it runs: an engine
/// between jobs holds none.
#[cfg(feature = "avif")]
#[test]
fn an_avif_encode_keeps_no_reconstruction_after_it() {
    let image = Image::decode(&fixture("photo-640x400.jpg"), &DecodeOptions::default()).expect("decodes");
    let mut options = default_options().encode;
    options.encoding.format = OutputFormat::Avif;
    options.score = true;
    let out = image.encode(&options).expect("encodes");
    assert!(out.score.is_some(), "scored");
    assert!(crate::encode::avif_reconstruction(&out.bytes).is_none(), "a reconstruction outlived its encode");
}
