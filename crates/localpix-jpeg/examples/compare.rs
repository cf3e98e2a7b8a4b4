//! Compares this decoder with libjpeg-turbo's `djpeg` on JPEG files, at each scale in eighths:
//! `compare FILE.jpg… [--eighths 8,4,2,1] [--jpeg-decoder]`. Prints, per file and scale,
//! the largest and mean difference per sample and the share of samples that differ. CMYK files
//! are compared as the RGB djpeg writes for them (each ink multiplied by black's, rounded).
//! `--jpeg-decoder` compares jpeg-decoder 0.3.2 (the decoder this one replaced) instead (at 8, 4, 2
//! and 1 eighths: it has no others).

use std::process::Command;

use localpix_jpeg::{Options, PixelFormat, decode};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut scales = vec![8, 4, 2, 1];
    if let Some(at) = args.iter().position(|a| a == "--eighths") {
        scales = args[at + 1].split(',').map(|r| r.parse().expect("a number of eighths")).collect();
        args.drain(at..at + 2);
    }
    let previous = args.iter().position(|a| a == "--jpeg-decoder").map(|at| args.remove(at)).is_some();
    println!("| file | scale | size | max | mean | differing |");
    println!("|---|---|---|--:|--:|--:|");
    for path in &args {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let name = path.rsplit('/').next().unwrap_or(path);
        for &eighths in &scales {
            let decoded =
                if previous { jpeg_decoder_0_3(&data, 8 / eighths) } else { decode(&data, &Options { eighths, ..Options::default() }) };
            let ours = match decoded {
                Ok(image) => image,
                Err(e) => {
                    println!("| {name} | {eighths}/8 | error: {e} | | | |");
                    continue;
                }
            };
            let Some((width, height, reference)) = djpeg(path, eighths) else {
                println!("| {name} | {eighths}/8 | djpeg failed | | | |");
                continue;
            };
            assert_eq!((ours.width, ours.height), (width, height), "{name} at {eighths}/8");
            let samples = as_djpeg_writes(&ours);
            let (max, mean, differing) = difference(&samples, &reference);
            println!(
                "| {name} | {eighths}/8 | {width}×{height} | {max} | {mean:.4} | {:.3}% |",
                differing as f64 * 100.0 / samples.len() as f64
            );
        }
    }
}

/// jpeg-decoder 0.3.2's decode, in this crate's terms.
fn jpeg_decoder_0_3(data: &[u8], reduction: u32) -> Result<localpix_jpeg::Image, localpix_jpeg::Error> {
    let failed = |e: jpeg_decoder::Error| localpix_jpeg::Error::Malformed(e.to_string());
    let mut decoder = jpeg_decoder::Decoder::new(data);
    decoder.read_info().map_err(failed)?;
    let info = decoder.info().ok_or_else(|| localpix_jpeg::Error::Malformed("no frame".into()))?;
    if reduction > 1 {
        let r = reduction as u16;
        decoder.scale(info.width.div_ceil(r), info.height.div_ceil(r)).map_err(failed)?;
    }
    let pixels = decoder.decode().map_err(failed)?;
    let info = decoder.info().ok_or_else(|| localpix_jpeg::Error::Malformed("no frame".into()))?;
    let format = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => PixelFormat::L8,
        jpeg_decoder::PixelFormat::RGB24 => PixelFormat::Rgb24,
        jpeg_decoder::PixelFormat::CMYK32 => PixelFormat::Cmyk32,
        jpeg_decoder::PixelFormat::L16 => return Err(localpix_jpeg::Error::Unsupported("16-bit".into())),
    };
    Ok(localpix_jpeg::Image { width: info.width.into(), height: info.height.into(), format, pixels })
}

/// djpeg's decode at `eighths`/8 as (width, height, samples), grey or RGB.
fn djpeg(path: &str, eighths: u32) -> Option<(u32, u32, Vec<u8>)> {
    let output = Command::new("djpeg").args(["-scale", &format!("{eighths}/8"), "-pnm", path]).output().ok()?;
    if !output.status.success() {
        return None;
    }
    parse_pnm(&output.stdout)
}

fn parse_pnm(data: &[u8]) -> Option<(u32, u32, Vec<u8>)> {
    // "P5\nW H\n255\n" or "P6\n…": four whitespace-separated fields, then the samples.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while data.get(at)?.is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !data.get(at)?.is_ascii_whitespace() {
            at += 1;
        }
        fields.push(std::str::from_utf8(&data[start..at]).ok()?.to_string());
    }
    let (width, height) = (fields[1].parse().ok()?, fields[2].parse().ok()?);
    Some((width, height, data[at + 1..].to_vec()))
}

/// Our output in djpeg's PNM terms: CMYK ink amounts become djpeg's RGB (`cmyk_to_rgb`).
fn as_djpeg_writes(image: &localpix_jpeg::Image) -> Vec<u8> {
    match image.format {
        PixelFormat::L8 | PixelFormat::Rgb24 => image.pixels.clone(),
        PixelFormat::Cmyk32 => image
            .pixels
            .chunks_exact(4)
            .flat_map(|p| {
                let k = f64::from(255 - p[3]);
                [0, 1, 2].map(|i| (f64::from(255 - p[i]) * k / 255.0 + 0.5) as u8)
            })
            .collect(),
    }
}

fn difference(a: &[u8], b: &[u8]) -> (u8, f64, usize) {
    assert_eq!(a.len(), b.len());
    let mut max = 0;
    let mut sum = 0u64;
    let mut differing = 0;
    for (&x, &y) in a.iter().zip(b) {
        let d = x.abs_diff(y);
        max = max.max(d);
        sum += u64::from(d);
        differing += usize::from(d != 0);
    }
    (max, sum as f64 / a.len() as f64, differing)
}
