//! The command line: the batch's options are the web app's settings, one option per settings-link
//! key (`--quality`, also spelt `--q` as in a link), with the app's defaults, all taken from
//! `localpix-settings`. `--settings '<query>'` reads a whole link; options given one by one win
//! over it.

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command, builder::PossibleValuesParser, parser::ValueSource, value_parser};
use localpix_contract as api;
use localpix_settings::{Choice, MAX_PERCENT, MAX_SIDE, ResizeKind, Settings, keys, quality_from_key};

/// What the user asked for.
#[derive(Debug)]
pub enum Request {
    Batch(Batch),
    Probe {
        files: Vec<PathBuf>,
        json: bool,
    },
    /// An engine process of this program's own (`crate::worker`), not for people.
    EngineWorker {
        memory_mib: u32,
    },
}

/// `localpix [OPTIONS] <INPUT>... --out <DIR>`.
#[derive(Debug)]
pub struct Batch {
    pub inputs: Vec<PathBuf>,
    pub out: Option<PathBuf>,
    pub recursive: bool,
    pub dry_run: bool,
    pub json: bool,
    pub jobs: usize,
    pub settings: Settings,
    /// Measure each result's quality (SSIMULACRA2), as the app does; automatic quality measures
    /// anyway.
    pub score: bool,
    pub limits: RunLimits,
    pub show_options: bool,
}

/// What one instance of the engine may use for one file.
#[derive(Clone, Copy, Debug)]
pub struct RunLimits {
    pub memory_mib: u32,
    pub timeout_secs: u32,
}

/// One settings-link key as an option: its long name (the key itself when it reads well).
struct SettingOption {
    key: &'static str,
    long: &'static str,
    help: &'static str,
}

/// Every setting, in the link's order; `settings_options_cover_every_key` keeps it complete.
const SETTING_OPTIONS: [SettingOption; 13] = [
    SettingOption { key: keys::RESIZE, long: "mode", help: "How the size is chosen" },
    SettingOption { key: keys::WIDTH, long: "width", help: "Width in pixels (fit, width, cover, exact)" },
    SettingOption { key: keys::HEIGHT, long: "height", help: "Height in pixels (fit, height, cover, exact)" },
    SettingOption { key: keys::PERCENT, long: "percent", help: "Scale in percent (percent)" },
    SettingOption { key: keys::UPSCALE, long: "upscale", help: "Enlarge pictures smaller than the size asked" },
    SettingOption { key: keys::FILTER, long: "filter", help: "Resampling filter" },
    SettingOption { key: keys::FORMAT, long: "format", help: "Output format" },
    SettingOption { key: keys::QUALITY, long: "quality", help: "JPEG quality 1-100, or auto-visually-lossless, auto-high, auto-good" },
    SettingOption { key: keys::EFFORT, long: "effort", help: "How hard the encoder works" },
    SettingOption { key: keys::COLORS, long: "colors", help: "Lossy PNG: at most this many colours (2-256) [default: all]" },
    SettingOption { key: keys::METADATA, long: "metadata", help: "Metadata: what to keep" },
    SettingOption { key: keys::MAX_KB, long: "max-kb", help: "Largest result wanted, in KB (1000 bytes) [default: none]" },
    SettingOption {
        key: keys::KEEP_ORIGINAL,
        long: "keep-original",
        help: "Give back the original picture (without its metadata) when the new file would be larger",
    },
];

/// The keys of a choice, the only values its option accepts.
fn keys_of<T: Choice>() -> PossibleValuesParser {
    PossibleValuesParser::new(T::ALL.iter().map(|c| c.key()))
}

/// The option for one setting, with the app's default and the values it accepts.
fn setting_arg(option: &SettingOption, defaults: &[(String, String)]) -> Arg {
    let mut arg = Arg::new(option.key)
        .long(option.long)
        .help(option.help)
        .value_name("VALUE")
        .help_heading("Settings (the web app's, same names in a settings link)");
    if option.long != option.key {
        arg = arg.visible_alias(option.key);
    }
    if let Some((_, value)) = defaults.iter().find(|(key, _)| key == option.key) {
        arg = arg.default_value(value.clone());
    }
    match option.key {
        keys::RESIZE => arg.value_parser(keys_of::<ResizeKind>()),
        keys::WIDTH | keys::HEIGHT => arg.value_parser(value_parser!(u32).range(1..=i64::from(MAX_SIDE))),
        keys::PERCENT => arg.value_parser(value_parser!(u32).range(1..=i64::from(MAX_PERCENT))),
        keys::UPSCALE | keys::KEEP_ORIGINAL => arg.value_parser(["yes", "no"]),
        keys::FILTER => arg.value_parser(keys_of::<api::Filter>()),
        keys::FORMAT => arg.value_parser(keys_of::<api::OutputFormat>()),
        keys::QUALITY => arg.value_parser(parse_quality),
        keys::EFFORT => arg.value_parser(keys_of::<api::Effort>()),
        keys::COLORS => arg.value_parser(value_parser!(u32).range(2..=256)),
        keys::METADATA => arg.value_parser(keys_of::<api::MetadataPolicy>()),
        keys::MAX_KB => arg.value_parser(value_parser!(u32).range(1..)),
        _ => unreachable!("SETTING_OPTIONS lists only settings keys"),
    }
}

/// Quality as a link writes it, refused rather than clamped when out of range: a typing slip on
/// the command line should stop the run, not quietly change it.
fn parse_quality(value: &str) -> Result<String, String> {
    let in_range = value.parse::<u32>().ok().is_none_or(|q| (1..=100).contains(&q));
    match quality_from_key(value) {
        Some(_) if in_range => Ok(value.to_string()),
        _ => Err("a number from 1 to 100, or auto-visually-lossless, auto-high, auto-good".into()),
    }
}

/// The command line's definition.
pub fn command() -> Command {
    let defaults: Vec<(String, String)> = Settings::default()
        .to_query()
        .split('&')
        .filter_map(|pair| pair.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
        .collect();
    let probe = Command::new("probe")
        .about("What each file holds, including the private metadata found (the app's privacy panel)")
        .arg(Arg::new("files").value_name("FILE").num_args(1..).required(true).value_parser(value_parser!(PathBuf)))
        .arg(Arg::new("json").long("json").action(ArgAction::SetTrue).help("One JSON object per file, one per line"));
    let engine_worker = Command::new(crate::worker::COMMAND).hide(true).arg(memory_arg());
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut command = Command::new("localpix")
        .version(env!("CARGO_PKG_VERSION"))
        .about(
            "Resizes, re-encodes and cleans images with the localpix web app's own engine (the same WebAssembly \
             component), run here in wasmtime. The engine is given no file, network or clock access.",
        )
        .subcommand_negates_reqs(true)
        .args_conflicts_with_subcommands(true)
        .subcommand(probe)
        .subcommand(engine_worker)
        .arg(
            Arg::new("inputs")
                .value_name("INPUT")
                .num_args(1..)
                .required(true)
                .value_parser(value_parser!(PathBuf))
                .help("Files, folders, or - to read one image on stdin and write the result to stdout"),
        )
        .arg(
            Arg::new("out")
                .long("out")
                .short('o')
                .value_name("DIR")
                .value_parser(value_parser!(PathBuf))
                .help("Folder for the results (created if missing)"),
        )
        .arg(
            Arg::new("recursive")
                .long("recursive")
                .short('r')
                .action(ArgAction::SetTrue)
                .help("Also the images in sub-folders (kept in the same sub-folders under --out)"),
        )
        .arg(
            Arg::new("dry-run")
                .long("dry-run")
                .short('n')
                .action(ArgAction::SetTrue)
                .help("Process everything, write nothing: list what would be written"),
        )
        .arg(
            Arg::new("json")
                .long("json")
                .action(ArgAction::SetTrue)
                .help("One JSON object per file, one per line, on stdout (stderr with -)"),
        )
        .arg(
            Arg::new("jobs")
                .long("jobs")
                .short('j')
                .value_name("N")
                .value_parser(value_parser!(u32).range(1..=256))
                .default_value(jobs.to_string())
                .help("Files processed at once, one engine instance each"),
        )
        .arg(
            Arg::new("settings")
                .long("settings")
                .value_name("QUERY")
                .help("A settings link copied from the web app (or its query): its settings, then the options given here"),
        )
        .arg(
            Arg::new("score")
                .long("score")
                .action(ArgAction::SetTrue)
                .help("Measure each result against the resized image (SSIMULACRA2), as the app shows it"),
        )
        .arg(memory_arg())
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .value_name("SECONDS")
                .value_parser(value_parser!(u32))
                .default_value("120")
                .help("Time limit per file; 0 for none"),
        )
        .arg(
            Arg::new("show-options")
                .long("show-options")
                .action(ArgAction::SetTrue)
                .help("Print the engine options these settings give (JSON, as the WIT `options`) and stop"),
        );
    for option in &SETTING_OPTIONS {
        command = command.arg(setting_arg(option, &defaults));
    }
    command
}

fn memory_arg() -> Arg {
    Arg::new("memory")
        .long("memory")
        .value_name("MIB")
        .value_parser(value_parser!(u32).range(16..=4096))
        .default_value("2048")
        .help("Memory limit of each engine instance, in MiB")
}

/// The settings: the app's defaults, then `--settings`, then each setting option given.
fn settings(matches: &ArgMatches) -> Settings {
    let mut query: Vec<String> = matches.get_one::<String>("settings").map(|link| link_query(link).to_string()).into_iter().collect();
    for option in &SETTING_OPTIONS {
        if matches.value_source(option.key) != Some(ValueSource::CommandLine) {
            continue;
        }
        let value = match option.key {
            keys::WIDTH | keys::HEIGHT | keys::PERCENT | keys::COLORS | keys::MAX_KB => {
                matches.get_one::<u32>(option.key).map(u32::to_string)
            }
            _ => matches.get_one::<String>(option.key).cloned(),
        };
        query.extend(value.map(|value| format!("{}={value}", option.key)));
    }
    Settings::from_query(&query.join("&"))
}

/// The query of a settings link: a whole address, or the query alone.
fn link_query(link: &str) -> &str {
    let query = link.split_once('?').map_or(link, |(_, query)| query);
    query.split('#').next().unwrap_or(query)
}

/// Reads the command line (exits with clap's message on a mistake).
pub fn parse() -> Request {
    request(command().get_matches())
}

fn request(matches: ArgMatches) -> Request {
    if let Some(worker) = matches.subcommand_matches(crate::worker::COMMAND) {
        return Request::EngineWorker { memory_mib: *worker.get_one::<u32>("memory").expect("has a default") };
    }
    if let Some(probe) = matches.subcommand_matches("probe") {
        return Request::Probe {
            files: probe.get_many::<PathBuf>("files").into_iter().flatten().cloned().collect(),
            json: probe.get_flag("json"),
        };
    }
    Request::Batch(Batch {
        inputs: matches.get_many::<PathBuf>("inputs").into_iter().flatten().cloned().collect(),
        out: matches.get_one::<PathBuf>("out").cloned(),
        recursive: matches.get_flag("recursive"),
        dry_run: matches.get_flag("dry-run"),
        json: matches.get_flag("json"),
        jobs: *matches.get_one::<u32>("jobs").expect("has a default") as usize,
        settings: settings(&matches),
        score: matches.get_flag("score"),
        limits: RunLimits {
            memory_mib: *matches.get_one::<u32>("memory").expect("has a default"),
            timeout_secs: *matches.get_one::<u32>("timeout").expect("has a default"),
        },
        show_options: matches.get_flag("show-options"),
    })
}

impl Batch {
    /// The engine options for every file: the settings' (as the app makes them), measured only
    /// when asked or when automatic quality needs it.
    pub fn engine_options(&self) -> api::Options {
        let mut options = self.settings.engine_options();
        options.encode.score = self.score || matches!(options.encode.encoding.quality, api::Quality::Auto(_));
        options
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(args: &[&str]) -> Batch {
        let line = ["localpix"].iter().chain(args).copied();
        match request(command().try_get_matches_from(line).expect("parses")) {
            Request::Batch(batch) => batch,
            _ => panic!("not a batch"),
        }
    }

    #[test]
    fn defaults_are_the_web_apps() {
        assert_eq!(batch(&["a.jpg", "--out", "o"]).settings, Settings::default());
        // And help shows those defaults: each option's default is the app's value for its key.
        let command = command();
        for (key, value) in Settings::default().to_query().split('&').filter_map(|p| p.split_once('=')) {
            let arg = command.get_arguments().find(|a| a.get_id() == key).expect("an option per key");
            assert_eq!(arg.get_default_values(), [value], "--{}", arg.get_long().unwrap_or_default());
        }
    }

    #[test]
    fn settings_options_cover_every_key() {
        let ours: Vec<&str> = SETTING_OPTIONS.iter().map(|o| o.key).collect();
        assert_eq!(ours, keys::ALL);
    }

    #[test]
    fn options_read_as_in_the_issue_and_as_in_a_link() {
        let b = batch(&[
            "in",
            "--out",
            "o",
            "--mode",
            "fit",
            "--width",
            "1280",
            "--format",
            "jpeg",
            "--q",
            "70",
            "--metadata",
            "keep-safe",
            "--max-kb",
            "300",
            "--filter",
            "mitchell",
        ]);
        let expected = Settings {
            width: 1280,
            format: api::OutputFormat::Jpeg,
            quality: api::Quality::Fixed(70),
            metadata: api::MetadataPolicy::KeepSafe,
            max_kb: Some(300),
            filter: api::Filter::Mitchell,
            ..Settings::default()
        };
        assert_eq!(b.settings, expected);
        assert_eq!(
            batch(&[
                "in",
                "--out",
                "o",
                "--w",
                "1280",
                "--format",
                "jpeg",
                "--meta",
                "keep-safe",
                "--maxkb",
                "300",
                "--quality",
                "70",
                "--filter",
                "mitchell"
            ])
            .settings,
            expected
        );
    }

    #[test]
    fn a_settings_link_then_options_given_one_by_one() {
        let link = "https://example.org/localpix/?resize=width&w=800&q=auto-high&meta=keep-color-profile&keeporig=no#top";
        let b = batch(&["in", "--out", "o", "--settings", link, "--metadata", "keep-safe"]);
        assert_eq!((b.settings.resize, b.settings.width), (ResizeKind::Width, 800));
        assert_eq!(b.settings.quality, api::Quality::Auto(api::QualityTarget::High));
        assert_eq!(b.settings.metadata, api::MetadataPolicy::KeepSafe, "the option wins over the link");
        assert!(!b.settings.keep_smaller_original && !b.engine_options().encode.keep_smaller_original);
        assert!(b.engine_options().encode.score, "automatic quality measures");
        assert!(!batch(&["in", "--out", "o"]).engine_options().encode.score, "a fixed quality is not measured unless asked");
    }

    #[test]
    fn slips_are_refused_not_clamped() {
        for args in [["--quality", "101"], ["--width", "0"], ["--format", "gif"], ["--mode", "spiral"]] {
            let line = ["localpix", "in", "--out", "o"].into_iter().chain(args);
            assert!(command().try_get_matches_from(line).is_err(), "{args:?}");
        }
    }
}
