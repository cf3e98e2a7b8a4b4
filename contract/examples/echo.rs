//! The contract's serde form, for `tests/component/contract.test.mjs`, which holds it against the
//! real component in Node:
//!
//!   echo defaults            prints `Options::default()`
//!   echo samples             prints options covering every case of every option
//!   echo <type> < in.json    reads JSON as jco gave it (`options`, `image-info`, `error`) and
//!                            prints it back as the app would send it
//!
//! JSON stands in for the JavaScript values serde-wasm-bindgen makes in the app: the same serde
//! attributes decide both.

use std::io::Read;

use localpix_contract::{
    ChromaSubsampling, Dimensions, Effort, Error, Filter, ImageInfo, Limits, MetadataPolicy, Options, Orientation, OutputFormat, Quality,
    QualityTarget, Rect, ResizeMode, Rgb,
};
use serde::{Serialize, de::DeserializeOwned};

fn main() {
    let kind = std::env::args().nth(1).unwrap_or_default();
    let printed = match kind.as_str() {
        "defaults" => json(&Options::default()),
        "samples" => json(&samples()),
        "options" => echo::<Options>(),
        "image-info" => echo::<Vec<ImageInfo>>(),
        "error" => echo::<Vec<Error>>(),
        other => {
            eprintln!("usage: echo defaults | samples | options | image-info | error (not {other:?})");
            std::process::exit(2);
        }
    };
    println!("{printed}");
}

fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("plain data serialises")
}

fn echo<T: Serialize + DeserializeOwned>() -> String {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).expect("stdin");
    let value: T = serde_json::from_str(&input).unwrap_or_else(|e| {
        eprintln!("the contract cannot read what the component gave: {e}\n{input}");
        std::process::exit(1);
    });
    json(&value)
}

/// The defaults with one thing changed at a time, so that every case of every option appears.
/// The matches below stop compiling when the contract gains a case, until it is added here.
fn samples() -> Vec<Options> {
    let base = Options::default();
    let mut samples = vec![base];
    let box_ = Dimensions::new(640, 480);
    for mode in [
        ResizeMode::None,
        ResizeMode::FitWithin(box_),
        ResizeMode::FitWidth(800),
        ResizeMode::FitHeight(600),
        ResizeMode::Cover(box_),
        ResizeMode::Exact(box_),
        ResizeMode::ScalePercent(37.5),
    ] {
        match mode {
            ResizeMode::None
            | ResizeMode::FitWithin(_)
            | ResizeMode::FitWidth(_)
            | ResizeMode::FitHeight(_)
            | ResizeMode::Cover(_)
            | ResizeMode::Exact(_)
            | ResizeMode::ScalePercent(_) => {}
        }
        samples.push(Options { resize: localpix_contract::ResizeOptions { mode, never_upscale: false, ..base.resize }, ..base });
    }
    for filter in [Filter::Nearest, Filter::Box, Filter::Bilinear, Filter::CatmullRom, Filter::Mitchell, Filter::Lanczos3] {
        match filter {
            Filter::Nearest | Filter::Box | Filter::Bilinear | Filter::CatmullRom | Filter::Mitchell | Filter::Lanczos3 => {}
        }
        let mut o = base;
        o.resize.filter = filter;
        samples.push(o);
    }
    for format in [
        OutputFormat::SameAsInput,
        OutputFormat::Jpeg,
        OutputFormat::Png,
        OutputFormat::Webp,
        OutputFormat::WebpLossless,
        OutputFormat::Avif,
    ] {
        match format {
            OutputFormat::SameAsInput
            | OutputFormat::Jpeg
            | OutputFormat::Png
            | OutputFormat::Webp
            | OutputFormat::WebpLossless
            | OutputFormat::Avif => {}
        }
        let mut o = base;
        o.encode.encoding.format = format;
        samples.push(o);
    }
    for chroma in [ChromaSubsampling::Yuv444, ChromaSubsampling::Yuv422, ChromaSubsampling::Yuv420] {
        match chroma {
            ChromaSubsampling::Yuv444 | ChromaSubsampling::Yuv422 | ChromaSubsampling::Yuv420 => {}
        }
        let mut o = base;
        o.encode.encoding.jpeg.chroma_subsampling = chroma;
        o.encode.encoding.jpeg.progressive = chroma == ChromaSubsampling::Yuv444;
        samples.push(o);
    }
    for effort in [Effort::Fast, Effort::Balanced, Effort::Smallest] {
        match effort {
            Effort::Fast | Effort::Balanced | Effort::Smallest => {}
        }
        let mut o = base;
        o.encode.encoding.effort = effort;
        samples.push(o);
    }
    for quality in [
        Quality::Fixed(55),
        Quality::Auto(QualityTarget::VisuallyLossless),
        Quality::Auto(QualityTarget::High),
        Quality::Auto(QualityTarget::Good),
    ] {
        match quality {
            Quality::Fixed(_) | Quality::Auto(QualityTarget::VisuallyLossless | QualityTarget::High | QualityTarget::Good) => {}
        }
        let mut o = base;
        o.encode.encoding.quality = quality;
        samples.push(o);
    }
    for policy in [MetadataPolicy::StripAll, MetadataPolicy::KeepColorProfile, MetadataPolicy::KeepSafe] {
        match policy {
            MetadataPolicy::StripAll | MetadataPolicy::KeepColorProfile | MetadataPolicy::KeepSafe => {}
        }
        let mut o = base;
        o.encode.metadata = policy;
        samples.push(o);
    }
    let mut o = base;
    o.encode.background = Rgb { r: 12, g: 34, b: 56 };
    o.encode.max_bytes = Some(250_000);
    o.encode.score = true;
    o.encode.encoding.png.palette_colors = Some(64);
    o.limits = Limits { max_pixels: 12_345_678, max_memory: 87_654_321 };
    samples.push(o);
    let mut o = base;
    o.resize.turn = Orientation::Transverse;
    o.resize.crop = Some(Rect::new(12, 34, 5600, 78));
    samples.push(o);
    samples
}
