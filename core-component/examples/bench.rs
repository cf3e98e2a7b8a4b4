//! The native side of `make bench`: times each stage of a workload (decode, resize, encode) and
//! prints the medians as one JSON line, which `tests/bench/bench.mjs` sets beside the component's.
//!
//! `bench <input> <fit:W:H|width:W> <jpeg|png> [runs]`

#[path = "support/workload.rs"]
mod workload;

use std::time::Instant;

use localpix_core::{Image, pipeline::DecodeOptions};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let runs: usize = if args.len() == 4 { args.pop().and_then(|r| r.parse().ok()).expect("runs is a number") } else { 7 };
    let workload = workload::Workload::from_args(&args).unwrap_or_else(|e| panic!("{e}"));
    // As in `process`, the decoder knows the resize, so a JPEG may decode reduced.
    let decode_options: DecodeOptions = workload.decode_options();
    let mut stages = [Vec::new(), Vec::new(), Vec::new()];
    let mut bytes = 0;
    // Outside the timed runs: the same resized pixels through the image crate's encoder.
    let image_crate_bytes = workload.is_jpeg().then(|| {
        let resized = Image::decode(&workload.input, &decode_options).and_then(|i| i.resize(workload.resize())).expect("resize");
        image_crate_jpeg(resized.into_pixels_upright(), workload.quality())
    });
    for _ in 0..runs {
        let t0 = Instant::now();
        let image = Image::decode(&workload.input, &decode_options).expect("decode");
        let t1 = Instant::now();
        let resized = image.resize(workload.resize()).expect("resize");
        let t2 = Instant::now();
        let output = resized.into_output(workload.encode()).expect("encode");
        let t3 = Instant::now();
        bytes = output.bytes.len();
        for (stage, (a, b)) in stages.iter_mut().zip([(t0, t1), (t1, t2), (t2, t3)]) {
            stage.push((b - a).as_secs_f64() * 1000.0);
        }
    }
    let [decode, resize, encode] = stages.map(median);
    let image_crate = image_crate_bytes.map_or("null".to_string(), |b| b.to_string());
    println!(
        "{{\"decode\":{decode:.2},\"resize\":{resize:.2},\"encode\":{encode:.2},\"total\":{:.2},\"bytes\":{bytes},\"imageCrateBytes\":{image_crate}}}",
        decode + resize + encode
    );
}

/// The size the `image` crate's own JpegEncoder gives the same pixels (4:4:4, standard tables):
/// what our encoder choice (jpeg-encoder, 4:2:0, optimised tables) is measured against.
fn image_crate_jpeg(pixels: localpix_core::pixels::Pixels, quality: u8) -> usize {
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    let color = image::ExtendedColorType::Rgb8;
    image::ImageEncoder::write_image(encoder, &pixels.data, pixels.size.width, pixels.size.height, color).expect("encodes");
    out.len()
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}
