//! localpix-jpeg against libjpeg-turbo 2.1.5: the files of `tests/data` (written by its
//! `make.py` with cjpeg, with djpeg's decodes beside them) cover every sampling, baseline and
//! progressive coding, restart intervals, grey, RGB, CMYK, odd and tiny sizes. Full-size decodes
//! must equal djpeg's exactly; those at 1/2, 1/4 and 1/8 use a different IDCT (the low-frequency
//! one of jpeg-decoder, not libjpeg's `jidctred`), so they must only be close; those at 3/8, 5/8,
//! 6/8 and 7/8 the same transform as libjpeg's, so they must be within rounding.
//!
//! With djpeg installed and the corpus beside the project, `corpus_matches_djpeg` does the same
//! for the project's photos (else it says it was skipped).

use std::path::{Path, PathBuf};

use localpix_jpeg::{Error, Image, Options, PixelFormat, decode};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// Every JPEG of tests/data that decodes (all but the arithmetic-coded one).
fn decodable() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(data_dir())
        .expect("tests/data")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "jpg"))
        .filter(|path| path.file_stem().is_some_and(|s| s != "arithmetic"))
        .map(|path| (path.file_stem().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap()))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "tests/data holds {} JPEGs: run make.py", files.len());
    files
}

/// A binary PPM or PGM: width, height, samples.
fn read_pnm(data: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while data[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !data[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&data[start..at]).into_owned());
    }
    (fields[1].parse().unwrap(), fields[2].parse().unwrap(), data[at + 1..].to_vec())
}

/// djpeg's decode of `name` at `scale` (M/D).
fn reference(name: &str, scale: (u32, u32)) -> (u32, u32, Vec<u8>) {
    let path = |kind: &str| data_dir().join(format!("{name}.{}-{}.{kind}", scale.0, scale.1));
    let bytes = std::fs::read(path("ppm")).or_else(|_| std::fs::read(path("pgm"))).expect("reference decode");
    read_pnm(&bytes)
}

/// Our pixels as djpeg writes them: grey and RGB as they are, CMYK as djpeg's `cmyk_to_rgb`
/// renders it (Adobe's inverted values multiplied by black's, rounded).
fn as_djpeg_writes(image: &Image) -> Vec<u8> {
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

/// Largest and mean absolute difference per sample.
fn difference(a: &[u8], b: &[u8]) -> (u8, f64) {
    assert_eq!(a.len(), b.len());
    let max = a.iter().zip(b).map(|(x, y)| x.abs_diff(*y)).max().unwrap_or(0);
    let sum: u64 = a.iter().zip(b).map(|(x, y)| u64::from(x.abs_diff(*y))).sum();
    (max, sum as f64 / a.len().max(1) as f64)
}

fn decode_at(data: &[u8], reduction: u32) -> Image {
    decode(data, &Options { eighths: 8 / reduction, ..Options::default() }).unwrap_or_else(|e| panic!("at 1/{reduction}: {e}"))
}

#[test]
fn full_size_decodes_equal_libjpeg_turbo() {
    for (name, data) in decodable() {
        let image = decode_at(&data, 1);
        let (width, height, samples) = reference(&name, (1, 1));
        assert_eq!((image.width, image.height), (width, height), "{name}");
        let ours = as_djpeg_writes(&image);
        let (max, mean) = difference(&ours, &samples);
        assert!(max == 0, "{name}: differs from djpeg by up to {max} (mean {mean:.3})");
    }
}

#[test]
fn reduced_decodes_are_close_to_libjpeg_turbo() {
    for (name, data) in decodable() {
        for reduction in [2, 4, 8] {
            let image = decode_at(&data, reduction);
            let (width, height, samples) = reference(&name, (1, reduction));
            assert_eq!((image.width, image.height), (width, height), "{name} at 1/{reduction}");
            let (max, mean) = difference(&as_djpeg_writes(&image), &samples);
            eprintln!("{name} at 1/{reduction}: max {max}, mean {mean:.3}");
            // libjpeg's reduced IDCT averages pairs of outputs (a box filter); ours keeps the
            // low frequencies (sharper, and closer to the full decode once resized). They differ
            // most at hard edges, which these pictures have in every block, and in the few
            // pixels of the tiniest: at most 7.2 here; photos come to 0.02 to 2.0
            // (docs/jpeg-decoder.md, and `corpus_matches_djpeg`).
            assert!(mean < 8.0, "{name} at 1/{reduction}: mean difference {mean:.3} from djpeg (max {max})");
        }
    }
}

/// Whether a component has half the luma's samples both ways (4:2:0), from the frame header.
fn has_420_chroma(data: &[u8]) -> bool {
    let sof = data.windows(2).position(|w| w[0] == 0xFF && matches!(w[1], 0xC0..=0xC2)).expect("a frame header");
    let count = usize::from(data[sof + 9]);
    let factors: Vec<u8> = (0..count).map(|c| data[sof + 11 + 3 * c]).collect();
    let max = factors.iter().copied().max().unwrap_or(0x11);
    max == 0x22 && factors.contains(&0x11)
}

#[test]
fn decodes_at_other_eighths_are_within_rounding_of_libjpeg_turbo() {
    for (name, data) in decodable() {
        for eighths in [3, 5, 6, 7] {
            let image = decode(&data, &Options { eighths, ..Options::default() }).unwrap_or_else(|e| panic!("at {eighths}/8: {e}"));
            let (width, height, samples) = reference(&name, (eighths, 8));
            assert_eq!((image.width, image.height), (width, height), "{name} at {eighths}/8");
            let (max, mean) = difference(&as_djpeg_writes(&image), &samples);
            eprintln!("{name} at {eighths}/8: max {max}, mean {mean:.3}");
            if eighths > 4 && has_420_chroma(&data) {
                // 4:2:0 chroma past 4/8: libjpeg makes 10×10 to 14×14 samples of each chroma
                // block with its IDCT; ours makes 5×5 to 7×7 and upsamples them (no transform
                // past 8×8). Both are fair; they part most at these pictures' hard coloured
                // edges (photos: means 0.3 to 0.8, docs/jpeg-decoder.md).
                assert!(mean < 12.0, "{name} at {eighths}/8: mean difference {mean:.3} from djpeg (max {max})");
            } else {
                // The same transform as libjpeg's jidctint (an N-point IDCT of the N×N lowest
                // coefficients) in other fixed point: rounding apart.
                assert!(max <= 3 && mean < 0.15, "{name} at {eighths}/8: differs from djpeg by up to {max} (mean {mean:.3})");
            }
        }
    }
}

#[test]
fn arithmetic_coding_is_refused_as_unsupported() {
    let data = std::fs::read(data_dir().join("arithmetic.jpg")).unwrap();
    assert!(matches!(decode(&data, &Options::default()), Err(Error::Unsupported(_))));
}

/// Every cut of every file: an error or, when the cut only loses what follows the last scan, a
/// whole image; never a panic. A cut inside entropy-coded data is truncation.
#[test]
fn truncated_files_are_errors_never_panics() {
    for (name, data) in decodable() {
        let whole = decode_at(&data, 1);
        for cut in 0..data.len() {
            for reduction in [1, 8] {
                match decode(&data[..cut], &Options { eighths: 8 / reduction, ..Options::default() }) {
                    Ok(image) => {
                        assert!(reduction != 1 || image == whole, "{name} cut to {cut} of {} bytes decodes to something else", data.len())
                    }
                    Err(Error::Truncated | Error::Malformed(_)) => {}
                    Err(e) => panic!("{name} cut to {cut}: {e:?}"),
                }
            }
        }
        let two_thirds = &data[..data.len() * 2 / 3];
        assert_eq!(decode(two_thirds, &Options::default()), Err(Error::Truncated), "{name}");
    }
}

/// Damaged bytes anywhere: an error or some image, never a panic (this test runs in debug builds
/// too, where overflow would panic).
#[test]
fn damaged_files_decode_or_fail_without_panicking() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for (name, data) in decodable() {
        for round in 0..300 {
            let mut damaged = data.clone();
            for _ in 0..1 + next() % 8 {
                let at = (next() % damaged.len() as u64) as usize;
                damaged[at] = next() as u8;
            }
            // Every scale, 3/8, 5/8, 6/8 and 7/8 included.
            let options = Options { eighths: 1 + (round % 8) as u32, max_memory: 64 << 20 };
            if let Ok(image) = decode(&damaged, &options) {
                assert_eq!(image.pixels.len(), (image.width * image.height) as usize * image.format.bytes_per_pixel(), "{name}");
            }
        }
    }
}

#[test]
fn a_header_bigger_than_the_memory_limit_is_refused_before_decoding() {
    let (_, mut data) = decodable().into_iter().find(|(name, _)| name == "baseline-420").unwrap();
    // The frame header's height and width fields: 65535 × 65535.
    let sof = data.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    data[sof + 5..sof + 9].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
    let result = decode(&data, &Options { eighths: 8, max_memory: 256 << 20 });
    assert!(matches!(result, Err(Error::TooLarge { limit, .. }) if limit == 256 << 20), "{result:?}");
}

/// The project's photos against djpeg, when both are there.
#[cfg(not(target_os = "wasi"))]
#[test]
fn corpus_matches_djpeg() {
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let corpus = std::env::var_os("LOCALPIX_CORPUS").map(PathBuf::from).unwrap_or_else(|| project.join("../shared/corpus"));
    let mut files: Vec<PathBuf> = [corpus, project.join("tests/fixtures")]
        .iter()
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flatten()
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "jpg"))
        .collect();
    files.sort();
    if files.is_empty() || std::process::Command::new("djpeg").arg("-version").output().is_err() {
        eprintln!("SKIPPED: djpeg (libjpeg-turbo-progs) or the JPEG files are missing");
        return;
    }
    for path in files {
        let data = std::fs::read(&path).unwrap();
        // Whole, half (the reduced decodes' commonest) and 3/8 (the engine's choice for a 20 MP
        // photo to 1920).
        for eighths in [8, 4, 3] {
            let output = std::process::Command::new("djpeg")
                .args(["-scale", &format!("{eighths}/8"), "-pnm"])
                .arg(&path)
                .output()
                .expect("djpeg runs");
            let (width, height, samples) = read_pnm(&output.stdout);
            let image = decode(&data, &Options { eighths, ..Options::default() }).unwrap_or_else(|e| panic!("at {eighths}/8: {e}"));
            assert_eq!((image.width, image.height), (width, height), "{}", path.display());
            let (max, mean) = difference(&as_djpeg_writes(&image), &samples);
            eprintln!("{} at {eighths}/8: max {max}, mean {mean:.4}", path.display());
            match eighths {
                8 => assert!(max == 0, "{}: differs from djpeg by up to {max}", path.display()),
                4 => assert!(mean < 2.5, "{} at 4/8: mean difference {mean:.3}", path.display()),
                _ => assert!(max <= 3 && mean < 0.15, "{} at {eighths}/8: max {max}, mean {mean:.3}", path.display()),
            }
        }
    }
}
