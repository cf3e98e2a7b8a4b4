//! What a run tells people: a progress bar with files/s and an ETA on a terminal, a line per
//! result, the reason of each failure, a summary table at the end; or, with `--json`, one JSON
//! object per file for programs.

use std::{path::PathBuf, time::Duration};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use localpix_contract as api;
use localpix_settings::units;
use serde_json::json;

use crate::engine::Failure;

/// A result made (and written, unless a dry run).
#[derive(Debug)]
pub struct Done {
    /// `None` for stdout.
    pub path: Option<PathBuf>,
    pub format: api::ImageFormat,
    pub dimensions: api::Dimensions,
    pub bytes: u64,
    pub quality: Option<u8>,
    pub score: Option<api::QualityScore>,
    /// The input's own picture, re-wrapped without its metadata: re-encoding made a larger file.
    pub kept_original: bool,
}

impl Done {
    pub fn new(path: Option<PathBuf>, output: &api::Output) -> Self {
        Self {
            path,
            format: output.format,
            dimensions: output.dimensions,
            bytes: output.bytes.len() as u64,
            quality: output.quality,
            score: output.score,
            kept_original: output.kept_original,
        }
    }
}

/// One file's fate.
pub struct Outcome {
    pub name: String,
    pub input: String,
    pub input_bytes: u64,
    pub result: Result<Done, Failure>,
}

/// The `--json` form of an outcome: one line.
pub fn json_line(outcome: &Outcome) -> String {
    let mut line = json!({ "name": outcome.name, "input": outcome.input, "inputBytes": outcome.input_bytes });
    match &outcome.result {
        Ok(done) => {
            line["result"] = json!(done.path.as_ref().map_or_else(|| "-".into(), |p| p.display().to_string()));
            line["format"] = json!(done.format);
            line["dimensions"] = json!(done.dimensions);
            line["bytes"] = json!(done.bytes);
            line["quality"] = json!(done.quality);
            line["keptOriginal"] = json!(done.kept_original);
            if let Some(score) = done.score {
                line["score"] = json!(score);
            }
        }
        Err(failure) => line["error"] = json!({ "variant": failure.variant(), "message": failure.message() }),
    }
    line.to_string()
}

/// The progress bar (drawn only on a terminal) and the lines printed beside it.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// With `--json` too: stdout is then for programs, but a person may still watch stderr.
    pub fn new(files: u64) -> Self {
        let bar = ProgressBar::with_draw_target(Some(files), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} files  {rate}  ETA {eta}  {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .with_key("rate", |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.1} files/s", state.per_sec());
                }),
        );
        Self { bar }
    }

    /// Reports one file: a line on stdout for a result, on stderr for a failure.
    pub fn report(&self, outcome: &Outcome, json: bool, dry_run: bool) {
        let line = if json {
            Ok(json_line(outcome))
        } else {
            match &outcome.result {
                Ok(done) => Ok(format!(
                    "{}{}  {}×{}  {} ({}{})  ← {}",
                    if dry_run { "would write " } else { "" },
                    done.path.as_ref().map_or_else(|| "-".into(), |p| p.display().to_string()),
                    done.dimensions.width,
                    done.dimensions.height,
                    units::bytes(done.bytes),
                    units::saving(outcome.input_bytes, done.bytes),
                    if done.kept_original { ", the original's picture: re-encoding made it larger" } else { "" },
                    outcome.input
                )),
                Err(failure) => Err(format!("{}: {}: {}", outcome.input, failure.variant(), failure.message())),
            }
        };
        self.bar.suspend(|| match &line {
            Ok(line) => println!("{line}"),
            Err(line) => eprintln!("{line}"),
        });
        self.bar.set_message(outcome.name.clone());
        self.bar.inc(1);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// The totals of a run, for the table at its end.
#[derive(Default)]
pub struct Summary {
    pub written: u64,
    pub failed: u64,
    input_bytes: u64,
    output_bytes: u64,
    failures: Vec<String>,
}

impl Summary {
    pub fn add(&mut self, outcome: &Outcome) {
        match &outcome.result {
            Ok(done) => {
                self.written += 1;
                self.input_bytes += outcome.input_bytes;
                self.output_bytes += done.bytes;
            }
            Err(failure) => {
                self.failed += 1;
                self.failures.push(format!("  {}  {}", outcome.input, failure.message()));
            }
        }
    }

    /// The table, on stderr (stdout holds the results' list or JSON).
    pub fn print(&self, elapsed: Duration, jobs: usize, dry_run: bool) {
        let seconds = elapsed.as_secs_f64();
        let files = self.written + self.failed;
        eprintln!();
        eprintln!("  {:<12}{:>7}  {:>9}  {:>9}  change", "", "files", "before", "after");
        eprintln!(
            "  {:<12}{:>7}  {:>9}  {:>9}  {}",
            if dry_run { "would write" } else { "written" },
            self.written,
            units::bytes(self.input_bytes),
            units::bytes(self.output_bytes),
            units::saving(self.input_bytes, self.output_bytes)
        );
        eprintln!("  {:<12}{:>7}", "failed", self.failed);
        eprintln!("  {:<12}{:>7}  {:.1} s, {:.2} files/s with {} jobs", "time", "", seconds, files as f64 / seconds.max(1e-9), jobs);
        if !self.failures.is_empty() {
            eprintln!("\nFailed:");
            for failure in &self.failures {
                eprintln!("{failure}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_say_the_result_or_the_error_variant() {
        let output = api::Output {
            bytes: vec![0; 1234],
            format: api::ImageFormat::Jpeg,
            dimensions: api::Dimensions::new(1920, 1080),
            quality: Some(80),
            score: None,
            kept_original: false,
        };
        let done = Outcome {
            name: "k.jpg".into(),
            input: "in/k.jpg".into(),
            input_bytes: 9000,
            result: Ok(Done::new(Some("o/k-1920w.jpg".into()), &output)),
        };
        let line: serde_json::Value = serde_json::from_str(&json_line(&done)).unwrap();
        assert_eq!(line["result"], "o/k-1920w.jpg");
        assert_eq!(
            (line["bytes"].as_u64(), line["dimensions"]["width"].as_u64(), line["format"].as_str()),
            (Some(1234), Some(1920), Some("jpeg"))
        );
        let failed = Outcome { result: Err(Failure::Engine(api::Error::malformed("cut short"))), ..done };
        let line: serde_json::Value = serde_json::from_str(&json_line(&failed)).unwrap();
        assert_eq!(line["error"], json!({ "variant": "malformed-input", "message": "cut short" }));
        assert!(line.get("result").is_none());
    }
}
