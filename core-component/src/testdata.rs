//! Test files: the small fixtures copied into `tests/fixtures` (always there), and the big photos
//! of `../shared/corpus` (there on our machines, absent in a plain clone: tests that need them say
//! they were skipped).

use std::path::PathBuf;

/// Every file in `tests/fixtures` but the two 12 MP iPhone HEICs, which the component tests compare
/// with libheif (tests/component/heic.test.mjs): decoded by every native test of every fixture,
/// they would add minutes.
pub const FIXTURES: &[&str] = &[
    "adobergb-icc.jpg",
    "alpha-640x360.png",
    "alpha-lossless.webp",
    "alpha-lossy.webp",
    "animated.gif",
    "cmyk.jpg",
    "gray16.png",
    "heic-alpha.heic",
    "heic-grid-gps-orient6.heic",
    "heic-primary-second.heic",
    "iphonexs-two-images.heic",
    "jxl-alpha-lossless.jxl",
    "jxl-animated.jxl",
    "jxl-orientation-5.jxl",
    "jxl-phone-orient6-gps.jxl",
    "jxl-photo.jxl",
    "jxl-rgb16.jxl",
    "one-pixel.png",
    "orientation-1.jpg",
    "orientation-2.jpg",
    "orientation-3.jpg",
    "orientation-4.jpg",
    "orientation-5.jpg",
    "orientation-6.jpg",
    "orientation-7.jpg",
    "orientation-8.jpg",
    "palette.png",
    "phone-orient6-gps.jpg",
    "photo-640x400.jpg",
    "private-all.jpg",
    "private-comment.gif",
    "private-meta.jxl",
    "private-meta.tiff",
    "private-meta.webp",
    "private-text.png",
    "progressive.jpg",
    "small.bmp",
    "small.tiff",
];

pub(crate) fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = project().join("tests/fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The 640×400 photo fixture, decoded as stored: what the encoders' tests encode.
pub fn photo() -> crate::pixels::Pixels {
    let bytes = fixture("photo-640x400.jpg");
    let container = crate::container::read(&bytes).unwrap();
    crate::decode::decode(&bytes, &container, &crate::limits::Limits::default(), None).unwrap().pixels
}

/// A corpus photo, or `None` (with a note on stderr) when the corpus is not beside the project.
/// `LOCALPIX_CORPUS` points elsewhere.
pub fn corpus(name: &str) -> Option<Vec<u8>> {
    let dir = std::env::var_os("LOCALPIX_CORPUS").map(PathBuf::from).unwrap_or_else(|| project().join("../shared/corpus"));
    let path = dir.join(name);
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(_) => {
            let test = std::thread::current().name().unwrap_or("a test").to_owned();
            let line = format!("SKIPPED: {test}: {name} is not in {} (the big-photo corpus is not beside this clone)", dir.display());
            eprintln!("{line}");
            note_skip(&line);
            None
        }
    }
}

/// Appends `line` to the file `LOCALPIX_SKIP_LOG` names: cargo shows a passing test's stderr to
/// no one, so `make test-native` prints this file after the tests, where CI output shows it.
fn note_skip(line: &str) {
    use std::io::Write;
    let Some(log) = std::env::var_os("LOCALPIX_SKIP_LOG") else { return };
    let file = std::fs::OpenOptions::new().create(true).append(true).open(&log);
    if let Err(e) = file.and_then(|mut f| writeln!(f, "{line}")) {
        panic!("cannot note a skipped test in {}: {e}", PathBuf::from(log).display());
    }
}

/// The mean absolute difference per sample of two equal-length buffers.
pub fn mean_abs_diff(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len(), "buffers of different sizes");
    a.iter().zip(b).map(|(x, y)| u64::from(x.abs_diff(*y))).sum::<u64>() as f64 / a.len() as f64
}
