//! The fuzzers' findings and seeds, run as tests: every input the fuzz targets ever failed on
//! (`tests/fuzz-regressions/`, described in its README) and every seed file (`tests/fixtures/`,
//! the conformance suites of `tests/conformance/`) goes through the targets' own calls
//! (`fuzz/src/cases.rs`). Each must end in a result or a typed error, quickly: a panic here is a
//! trap in the browser, and a slow file a frozen worker.

#[path = "../../fuzz/src/cases.rs"]
mod cases;

use std::{
    panic::{AssertUnwindSafe, catch_unwind},
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

fn project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every file under `dir`, recursively, but the READMEs and licences that describe them.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if !is_description(&path) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn is_description(path: &Path) -> bool {
    let name = path.file_name().unwrap_or_default().to_string_lossy().to_ascii_lowercase();
    ["readme", "license", "licence", "copyright", "copying"].iter().any(|d| name.starts_with(d)) || name.ends_with(".md")
}

/// Runs `call` on the file, turning a panic or a slow answer into a failure message.
fn check(failures: &mut Vec<String>, path: &Path, what: &str, limit: Duration, call: impl FnOnce()) {
    let start = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(call));
    let took = start.elapsed();
    let name = path.strip_prefix(project()).unwrap_or(path).display();
    if let Err(panic) = outcome {
        let message = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
        failures.push(format!("{name}: {what} panicked: {}", message.unwrap_or_default()));
    } else if took > limit {
        failures.push(format!("{name}: {what} took {took:.1?}, over {limit:?}"));
    }
}

/// Every file through every target's call: panics and slow answers, one line each.
fn run_every_target(files: &[PathBuf]) {
    let mut failures = Vec::new();
    let limit = Duration::from_secs(5);
    for path in files {
        let data = std::fs::read(path).unwrap();
        check(&mut failures, path, "probe", limit, || drop(cases::probe(&data)));
        for (set, (name, _)) in cases::option_sets().iter().enumerate() {
            check(&mut failures, path, &format!("process ({name})"), limit, || drop(cases::process(&data, set)));
        }
        check(&mut failures, path, "staged", limit, || drop(cases::staged(&data)));
    }
    assert!(failures.is_empty(), "{} failures over {} files:\n{}", failures.len(), files.len(), failures.join("\n"));
}

#[test]
fn every_fuzz_finding_ends_in_a_result_or_an_error() {
    let files = files_under(&project().join("core-component/tests/fuzz-regressions"));
    assert!(!files.is_empty(), "no saved findings");
    run_every_target(&files);
}

/// The seed corpus, a quick smoke run: probe, process with every option set, the staged API.
#[test]
fn every_seed_file_goes_through_probe_and_process() {
    let mut files = files_under(&project().join("tests/fixtures"));
    files.retain(|p| p.extension().is_none_or(|e| e != "py"));
    files.extend(files_under(&project().join("tests/conformance")));
    assert!(files.len() > 500, "only {} seed files", files.len());
    run_every_target(&files);
}
