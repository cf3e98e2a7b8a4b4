//! `localpix probe`: what each file holds, and the private metadata in it, in the words of the
//! web app's privacy panel (`localpix_settings::privacy`).

use std::{path::PathBuf, process::ExitCode};

use localpix_contract as api;
use localpix_settings::{
    privacy::{counted, kind_label, kinds_found},
    units,
};
use serde_json::json;

use crate::{
    args::RunLimits,
    engine::Failure,
    run::{FAILED, unusable},
    worker::Worker,
};

/// Probing reads headers only; these limits are far above what it needs.
const LIMITS: RunLimits = RunLimits { memory_mib: 512, timeout_secs: 30 };

pub fn run(files: &[PathBuf], json: bool) -> ExitCode {
    let mut worker = match Worker::start(LIMITS) {
        Ok(worker) => worker,
        Err(e) => return unusable(&format!("the engine could not start: {e}")),
    };
    let mut failed = false;
    for path in files {
        let read = std::fs::read(path).map_err(|e| Failure::File(format!("cannot read it: {e}")));
        let input_bytes = read.as_ref().map_or(0, |bytes| bytes.len() as u64);
        let result = read.and_then(|bytes| worker.probe(&bytes));
        failed |= result.is_err();
        let name = path.display().to_string();
        if json {
            println!("{}", json_line(&name, input_bytes, &result));
        } else {
            match &result {
                Ok(info) => print!("{}", text(&name, input_bytes, info)),
                Err(failure) => eprintln!("{name}: {}: {}", failure.variant(), failure.message()),
            }
        }
    }
    if failed { ExitCode::from(FAILED) } else { ExitCode::SUCCESS }
}

/// The `--json` form: the WIT `image-info` as jco gives it, plus the kinds of private data found.
fn json_line(name: &str, input_bytes: u64, result: &Result<api::ImageInfo, Failure>) -> String {
    match result {
        Ok(info) => json!({ "name": name, "bytes": input_bytes, "info": info, "private": kinds_found(info) }),
        Err(failure) => {
            json!({ "name": name, "bytes": input_bytes, "error": { "variant": failure.variant(), "message": failure.message() } })
        }
    }
    .to_string()
}

/// The report for people: what the picture is, then what it says about who took it where.
fn text(name: &str, input_bytes: u64, info: &api::ImageInfo) -> String {
    let mut traits = vec![format!("{}-bit {:?}", info.bit_depth, info.color_model)];
    traits.extend(info.has_alpha.then(|| "transparency".to_string()));
    traits.extend(info.progressive.then(|| "progressive".to_string()));
    traits.push(if info.lossy { "lossy" } else { "lossless" }.to_string());
    traits.extend((info.frame_count > 1).then(|| format!("{} frames", info.frame_count)));
    traits.extend((info.orientation != api::Orientation::Normal).then(|| format!("stored {:?} (EXIF orientation)", info.orientation)));
    let mut report = format!(
        "{name}: {} {}×{}, {}, {}\n",
        info.format.name(),
        info.dimensions.width,
        info.dimensions.height,
        units::bytes(input_bytes),
        traits.join(", ")
    );
    if let Some(profile) = &info.color_profile {
        let described = profile.description.as_deref().unwrap_or("unnamed");
        report += &format!("  colour profile: {described}{}\n", if profile.is_srgb { " (sRGB)" } else { "" });
    }
    let private: Vec<_> = info.sensitive().collect();
    let harmless = info.metadata.len() - private.len();
    if private.is_empty() {
        report += &format!("  private data: none found ({})\n", counted(harmless, "harmless "));
    } else {
        let kinds: Vec<_> = kinds_found(info).into_iter().map(kind_label).collect();
        report += &format!(
            "  private data: {} — {}; and {}\n",
            counted(private.len(), "private "),
            kinds.join(", "),
            counted(harmless, "harmless ")
        );
        for field in private {
            report += &format!("    {:?} {}: {}\n", field.group, field.name, field.value);
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_names_each_private_field_and_its_kind() {
        let field = |group, name: &str, sensitive| api::MetadataField { group, name: name.into(), value: "v".into(), sensitive };
        let info = api::ImageInfo {
            format: api::ImageFormat::Jpeg,
            dimensions: api::Dimensions::new(4032, 3024),
            orientation: api::Orientation::Rotate90,
            has_alpha: false,
            bit_depth: 8,
            color_model: api::ColorModel::Rgb,
            frame_count: 1,
            progressive: false,
            lossy: true,
            color_profile: None,
            metadata: vec![
                field(api::MetadataGroup::Gps, "GPSLatitude", Some(api::SensitiveKind::Location)),
                field(api::MetadataGroup::Exif, "Make", None),
            ],
        };
        let report = text("phone.jpg", 2_500_000, &info);
        assert!(report.starts_with("phone.jpg: JPEG 4032×3024, 2.5 MB, 8-bit Rgb, lossy, stored Rotate90"), "{report}");
        assert!(report.contains("1 private field — location (GPS, places); and 1 harmless field"), "{report}");
        assert!(report.contains("Gps GPSLatitude: v"), "{report}");
        let line: serde_json::Value = serde_json::from_str(&json_line("phone.jpg", 1, &Ok(info))).unwrap();
        assert_eq!(line["private"], json!(["location"]));
        assert_eq!(line["info"]["dimensions"]["width"], 4032);
    }
}
