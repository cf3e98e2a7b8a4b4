//! Every output must decode right in the decoders people use, not only in ours. Each fixture is
//! written in every format and effort (and each metadata policy in turn), then read back by
//! independent Rust decoders: the `image` crate's current release (zune-jpeg for JPEG, png,
//! image-webp) and jpeg-decoder; `tests/component/interop.test.mjs` adds libjpeg-turbo, libpng
//! and libwebp through Pillow. Each must match the pixels that were encoded, within the format's
//! loss. (zune-jpeg 0.5.15, inside `image` 0.25.10, read jpeg-encoder's baseline files as noise:
//! docs/codecs.md.)

use super::{Effort, Encoding, OutputFormat, Quality, Writer};
use crate::{
    container,
    decode::{self},
    limits::Limits,
    metadata::{MetadataPolicy, OutputMetadata},
    pixels::{Layout, Pixels},
    testdata,
};

/// The pixels a fixture's output is made from: decoded, upright, opaque for JPEG.
fn source(name: &str) -> Pixels {
    let bytes = testdata::fixture(name);
    let container = container::read(&bytes).unwrap();
    let pixels = decode::decode(&bytes, &container, &Limits::default(), None).unwrap().pixels;
    let orientation = container.blocks.orientation();
    crate::orient::Turn::apply(orientation, pixels)
}

/// RGB samples of any 8-bit layout, transparency laid on white, for comparing across decoders.
fn rgb(layout: Layout, data: &[u8]) -> Vec<u8> {
    let over = |v: u8, a: u8| ((u32::from(v) * u32::from(a) + 255 * (255 - u32::from(a))) / 255) as u8;
    match layout {
        Layout::Gray => data.iter().flat_map(|&g| [g; 3]).collect(),
        Layout::GrayAlpha => data.chunks_exact(2).flat_map(|p| [over(p[0], p[1]); 3]).collect(),
        Layout::Rgb => data.to_vec(),
        Layout::Rgba => data.chunks_exact(4).flat_map(|p| [over(p[0], p[3]), over(p[1], p[3]), over(p[2], p[3])]).collect(),
    }
}

/// What the `image` crate reads, as RGB.
fn with_image_crate(bytes: &[u8]) -> Vec<u8> {
    let image = image::load_from_memory(bytes).expect("the image crate reads our output");
    rgb(Layout::Rgba, image.to_rgba8().as_raw())
}

/// What jpeg-decoder reads, as RGB.
fn with_jpeg_decoder(bytes: &[u8]) -> Vec<u8> {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    let data = decoder.decode().expect("jpeg-decoder reads our output");
    match decoder.info().expect("a frame").pixel_format {
        jpeg_decoder::PixelFormat::L8 => rgb(Layout::Gray, &data),
        jpeg_decoder::PixelFormat::RGB24 => data,
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn every_output_decodes_right_in_independent_decoders() {
    let policies = [MetadataPolicy::StripAll, MetadataPolicy::KeepColorProfile, MetadataPolicy::KeepSafe];
    let mut checked = 0;
    for (n, name) in testdata::FIXTURES.iter().enumerate() {
        let original = source(name);
        if original.size.width < 8 || original.size.height < 8 {
            continue;
        }
        for format in [OutputFormat::Jpeg, OutputFormat::Png, OutputFormat::WebpLossless] {
            for effort in [Effort::Fast, Effort::Balanced, Effort::Smallest] {
                let encoding = Encoding { format, quality: Quality::Fixed(85), effort, ..Encoding::default() };
                let input = super::Input { format: original_format(name), lossy: false, has_alpha: original.layout.has_alpha() };
                let writer = Writer::for_encoding(&encoding, input).unwrap();
                let pixels = if writer.has_alpha() { original.clone() } else { original.flatten(crate::pixels::Rgb::WHITE) };
                // Every policy appears with every format and effort across the fixtures.
                let policy = policies[(n + checked) % 3];
                let metadata = if policy == MetadataPolicy::StripAll { OutputMetadata::default() } else { keep_some_exif() };
                let bytes = writer.encode(&pixels, &metadata).unwrap();
                let expected = rgb(pixels.layout, &pixels.data);
                let context = format!("{name} as {format:?} at {effort:?} with {policy:?}");
                let mut decoders = vec![("image (zune-jpeg, png, image-webp)", with_image_crate(&bytes))];
                if format == OutputFormat::Jpeg {
                    decoders.push(("jpeg-decoder", with_jpeg_decoder(&bytes)));
                }
                // The reference for a lossy format is the first decoder's reading: the decoders must
                // agree with each other within rounding, and with the encoded pixels within the
                // format's loss (JPEG at 85 loses a few levels on photos, more on dithered GIFs; a
                // misread is 50+).
                let first = decoders[0].1.clone();
                for (decoder, got) in decoders {
                    assert_eq!(got.len(), expected.len(), "{context}: {decoder} read another size");
                    let diff = testdata::mean_abs_diff(&got, &expected);
                    let allowed = if format == OutputFormat::Jpeg { 20.0 } else { 0.0 };
                    assert!(diff <= allowed, "{context}: {decoder} differs from the encoded pixels by {diff:.2} per sample");
                    let between = testdata::mean_abs_diff(&got, &first);
                    assert!(between <= 1.0, "{context}: {decoder} and the image crate disagree by {between:.2} per sample");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 200, "only {checked} outputs checked");
}

fn original_format(name: &str) -> crate::format::ImageFormat {
    crate::format::sniff(&testdata::fixture(name)).unwrap()
}

/// An EXIF block like keep-safe writes, so outputs carry one as they do for users.
fn keep_some_exif() -> OutputMetadata {
    let container = container::read(&testdata::fixture("private-all.jpg")).unwrap();
    OutputMetadata::for_policy(MetadataPolicy::KeepSafe, &container.blocks, None, crate::Dimensions::new(1, 1))
}
