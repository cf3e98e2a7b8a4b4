//! What sharing a JPEG encode between two engines can save: times the balanced encoder on the
//! resized picture of a workload whole, then in two bands (each band's quantisation, the band
//! carried as bytes, and the file written from both), and prints the medians as one JSON line.
//! `estimate` is what two cores would take: the larger band, the carrying, and the writing;
//! `bandBytes` the second band's size as carried; `inStrips` the whole encode in bands of eight
//! MCU rows, one after another.
//!
//! `jpeg_bands_bench <input> <fit:W:H|width:W> jpeg [runs] [share of rows for the second band, %]`

#[path = "support/workload.rs"]
mod workload;

use std::time::Instant;

use localpix_core::Image;
use mozjpeg_rs::{Encoder, Preset, QuantizedBand};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let share: usize = if args.len() == 5 { args.pop().and_then(|r| r.parse().ok()).expect("share is a number") } else { 50 };
    let runs: usize = if args.len() == 4 { args.pop().and_then(|r| r.parse().ok()).expect("runs is a number") } else { 7 };
    let workload = workload::Workload::from_args(&args).unwrap_or_else(|e| panic!("{e}"));
    let resized = Image::decode(&workload.input, &workload.decode_options())
        .and_then(|i| i.resize(workload.resize()))
        .expect("resize")
        .into_pixels_upright();
    let (width, height) = (resized.size.width, resized.size.height);
    let rgb = &resized.data;
    let encoder = Encoder::new(Preset::BaselineBalanced).quality(localpix_core::encode::jpeg::mozjpeg_quality(workload.quality()));
    let step = encoder.band_rows();
    let cut = (height * (100 - share as u32) / 100) / step * step;
    let row_bytes = width as usize * 3;
    let mut times = [const { Vec::new() }; 6];
    let mut band_bytes = 0;
    for _ in 0..runs {
        let t0 = Instant::now();
        let whole = encoder.encode_rgb(rgb, width, height).expect("encodes");
        let t1 = Instant::now();
        let top = encoder.quantize_rgb_band(&rgb[..cut as usize * row_bytes], width, cut).expect("top");
        let t2 = Instant::now();
        let bottom = encoder.quantize_rgb_band(&rgb[cut as usize * row_bytes..], width, height - cut).expect("bottom");
        let t3 = Instant::now();
        let carried = bottom.to_bytes();
        band_bytes = carried.len();
        let bottom = QuantizedBand::from_bytes(&carried, &encoder).expect("carried");
        let t4 = Instant::now();
        let banded = encoder.encode_bands(width, height, vec![top, bottom]).expect("written");
        let t5 = Instant::now();
        assert_eq!(banded, whole, "the bands give the whole encoder's bytes");
        let t6 = Instant::now();
        let strip = step * 8;
        let mut strips = Vec::new();
        let mut from = 0;
        while from < height {
            let rows = strip.min(height - from);
            strips.push(
                encoder.quantize_rgb_band(&rgb[from as usize * row_bytes..(from + rows) as usize * row_bytes], width, rows).expect("strip"),
            );
            from += rows;
        }
        let in_strips = encoder.encode_bands(width, height, strips).expect("strips");
        times[5].push(t6.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(in_strips, whole);
        for (time, (a, b)) in times.iter_mut().zip([(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5)]) {
            time.push((b - a).as_secs_f64() * 1000.0);
        }
    }
    let [whole, top, bottom, carry, write, strips] = times.map(median);
    println!(
        "{{\"size\":\"{width}x{height}\",\"cut\":{cut},\"whole\":{whole:.2},\"top\":{top:.2},\"bottom\":{bottom:.2},\"carry\":{carry:.2},\"bandBytes\":{band_bytes},\"write\":{write:.2},\"estimate\":{:.2},\"inStrips\":{strips:.2}}}",
        top.max(bottom + carry) + write
    );
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}
