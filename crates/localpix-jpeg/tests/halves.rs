//! Decoding in halves (`localpix_jpeg::halves`) gives the whole decode's pixels, byte for byte,
//! wherever the halves are made to meet, at every scale, and fails rather than differs on damaged
//! files.

use std::path::{Path, PathBuf};

use localpix_jpeg::{
    Error, Image, Options, decode,
    halves::{self, FirstHalf, Plan, SecondHalf},
};

fn project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every JPEG of the decoder's tests/data and of the project's fixtures.
fn files() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for dir in [Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data"), project().join("tests/fixtures")] {
        for path in std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok().map(|e| e.path())) {
            if path.extension().is_some_and(|e| e == "jpg") && path.file_stem().is_some_and(|s| s != "arithmetic") {
                files.push((path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    assert!(files.len() >= 30, "{} JPEGs", files.len());
    files
}

/// Where the entropy-coded data of the (first) scan starts: after the SOS segment.
fn scan_data_at(data: &[u8]) -> usize {
    let sos = data.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    sos + 2 + usize::from(u16::from_be_bytes([data[sos + 2], data[sos + 3]]))
}

/// What a decode in halves meeting at `plan` gives, and whether the second half was in step at
/// the seam (`None`: the first half decoded everything).
fn in_halves(data: &[u8], options: &Options, plan: Plan) -> Result<(Image, Option<bool>), Error> {
    let first = FirstHalf::decode(data, options, plan)?;
    let second = SecondHalf::decode(data, options, plan)?;
    let Some(seam) = first.seam() else {
        let band = first.finish()?;
        assert_eq!((band.first_row, band.image.height), (0, band.full_height));
        return Ok((band.image, None));
    };
    let in_step = second.in_step(data, &seam);
    let image = halves::join(first.finish()?, second.finish(data, seam)?)?;
    Ok((image, Some(in_step)))
}

#[test]
fn halves_join_to_the_whole_decode_wherever_they_meet() {
    let (mut seams, mut in_step) = (0, 0);
    for (name, data) in files() {
        let options = Options::default();
        if halves::plan(&data, &options).unwrap_or(None).is_none() && !name.starts_with("baseline") && !name.starts_with("orientation") {
            continue;
        }
        let data_at = scan_data_at(&data);
        for eighths in 1..=8 {
            let options = Options { eighths, ..Options::default() };
            let whole = decode(&data, &options).unwrap();
            // The second half started at nine places across the data, the seam looked for at
            // once or a little later.
            for ninth in 0..9 {
                for slack in [0, 40] {
                    let from = data_at + (data.len() - data_at) * ninth / 9;
                    let plan = Plan { from, seam_after: from + slack };
                    let (image, step) = in_halves(&data, &options, plan).unwrap_or_else(|e| panic!("{name} at {eighths}/8, {plan:?}: {e}"));
                    assert!(image == whole, "{name} at {eighths}/8, {plan:?}: the pixels differ from the whole decode's");
                    seams += usize::from(step.is_some());
                    in_step += usize::from(step == Some(true));
                }
            }
        }
    }
    // Most seams found the second half in step (the rest decoded again from the seam).
    assert!(seams > 500 && in_step * 10 > seams * 7, "{in_step} of {seams} seams in step");
}

#[test]
fn a_second_half_that_started_past_the_seam_decodes_again_from_it() {
    let data = std::fs::read(project().join("tests/fixtures/photo-640x400.jpg")).unwrap();
    let data_at = scan_data_at(&data);
    let options = Options { eighths: 3, ..Options::default() };
    // It starts three quarters in; the first half hands over a quarter in.
    let plan = Plan { from: data_at + (data.len() - data_at) * 3 / 4, seam_after: data_at + (data.len() - data_at) / 4 };
    let seam = FirstHalf::decode(&data, &options, plan).unwrap().seam().unwrap();
    assert!(!SecondHalf::decode(&data, &options, plan).unwrap().in_step(&data, &seam));
    let (image, step) = in_halves(&data, &options, plan).unwrap();
    assert_eq!(step, Some(false));
    assert!(image == decode(&data, &options).unwrap());
}

#[test]
fn plans_only_what_halves_apply_to() {
    let read = |name: &str| std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)).unwrap();
    let options = Options::default();
    for name in ["progressive-420.jpg", "restart-mcus-420.jpg", "sequential-separate-scans.jpg"] {
        assert_eq!(halves::plan(&read(name), &options).unwrap(), None, "{name}");
        assert!(
            matches!(FirstHalf::decode(&read(name), &options, Plan { from: 700, seam_after: 700 }), Err(Error::Unsupported(_))),
            "{name}"
        );
    }
    // Too small to be worth it.
    assert_eq!(halves::plan(&read("baseline-420.jpg"), &options).unwrap(), None);
    let photo = std::fs::read(project().join("tests/fixtures/photo-640x400.jpg")).unwrap();
    let plan = halves::plan(&photo, &options).unwrap().unwrap();
    let data_at = scan_data_at(&photo);
    assert_eq!(plan.from, data_at + (photo.len() - data_at) / 2);
    assert!(plan.seam_after > plan.from);
    let (image, step) = in_halves(&photo, &options, plan).unwrap();
    assert_eq!(step, Some(true));
    assert!(image == decode(&photo, &options).unwrap());
}

/// Cut or damaged files: the halves fail, or give what the whole decode gives; never a panic.
#[test]
fn cut_and_damaged_files_give_the_whole_decodes_pixels_or_fail() {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut compared = 0;
    for (name, data) in files().into_iter().filter(|(name, _)| name.starts_with("baseline") || name.starts_with("orientation")) {
        let data_at = scan_data_at(&data);
        let plan = Plan { from: data_at + (data.len() - data_at) / 2, seam_after: data_at + (data.len() - data_at) / 2 + 8 };
        for round in 0..120 {
            let options = Options { eighths: 1 + (round % 8) as u32, max_memory: 64 << 20 };
            let mut damaged = data.clone();
            if round % 3 == 0 {
                damaged.truncate(data_at + (next() as usize) % (data.len() - data_at));
            } else {
                for _ in 0..1 + next() % 4 {
                    let at = data_at + (next() as usize) % (data.len() - data_at);
                    damaged[at] = next() as u8;
                }
            }
            if let (Ok((image, _)), Ok(whole)) = (in_halves(&damaged, &options, plan), decode(&damaged, &options)) {
                assert!(image == whole, "{name}, round {round}: the halves differ from the whole decode");
                compared += 1;
            }
        }
    }
    assert!(compared > 400, "{compared} damaged files decoded both ways");
}

/// The corpus's large photos, where halves are meant to be used (skipped without the corpus).
#[cfg(not(target_os = "wasi"))]
#[test]
fn corpus_photos_decoded_in_halves_are_the_whole_decodes() {
    let corpus = std::env::var_os("LOCALPIX_CORPUS").map(PathBuf::from).unwrap_or_else(|| project().join("../shared/corpus"));
    let Ok(entries) = std::fs::read_dir(&corpus) else {
        eprintln!("skipped: no corpus at {}", corpus.display());
        return;
    };
    let mut checked = 0;
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "jpg")) {
        let data = std::fs::read(&path).unwrap();
        let options = Options { eighths: 3, ..Options::default() };
        let Some(plan) = halves::plan(&data, &options).unwrap() else { continue };
        let (image, step) = in_halves(&data, &options, plan).unwrap();
        assert_eq!(step, Some(true), "{}", path.display());
        assert!(image == decode(&data, &options).unwrap(), "{}", path.display());
        checked += 1;
    }
    eprintln!("{checked} corpus photos decoded in halves");
    assert!(checked >= 6, "{checked} corpus photos in halves");
}
