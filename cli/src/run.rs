//! A batch: a queue of files, one engine process per worker thread, and the main thread writing
//! results in the inputs' order (so names, numbered repeats included, do not depend on which
//! worker finished first, and `--jobs 2` writes what `--jobs 1` writes).

use std::{
    collections::BTreeMap,
    io::{IsTerminal, Read, Write},
    process::ExitCode,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
        mpsc,
    },
    thread::JoinHandle,
    time::{Duration, Instant},
};

use localpix_contract as api;

use crate::{
    args::Batch,
    engine::Failure,
    inputs::{self, Source},
    output::{Namer, write_whole},
    report::{self, Done, Outcome, Progress, Summary},
    worker::Worker,
};

/// Exit codes: 1 when any file failed, 2 when the run could not start, 130 when interrupted.
pub const FAILED: u8 = 1;
pub const UNUSABLE: u8 = 2;
const INTERRUPTED: u8 = 130;

pub fn run(batch: Batch) -> ExitCode {
    let options = batch.engine_options();
    if batch.show_options {
        println!("{}", serde_json::to_string_pretty(&options).expect("options serialise"));
        return ExitCode::SUCCESS;
    }
    if batch.inputs.iter().any(|input| input.as_os_str() == "-") {
        return if batch.inputs.len() == 1 { pipe(&batch, &options) } else { unusable("- (stdin) works alone: one image in, one out") };
    }
    let Some(out) = batch.out.clone() else {
        return unusable("where should the results go? Add --out <DIR> (or give - to use stdin and stdout)");
    };
    let sources = match inputs::collect(&batch.inputs, batch.recursive) {
        Ok(sources) if sources.is_empty() => {
            return unusable("no images found (folders give .jpg .png .webp .gif .bmp .tiff files; add --recursive for sub-folders)");
        }
        Ok(sources) => sources,
        Err(message) => return unusable(&message),
    };
    // One engine process started before the others: it compiles the engine into the cache when
    // needed (once, not once per process), and says so when the engine cannot run at all.
    let first = match Worker::start(batch.limits) {
        Ok(worker) => worker,
        Err(e) => return unusable(&format!("the engine could not start: {e}")),
    };
    let interrupted = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        let _ = signal_hook::flag::register(signal, interrupted.clone());
    }

    let started = Instant::now();
    let sources = Arc::new(sources);
    let (results, workers) = spawn_workers(first, &batch, &options, &sources);
    let mut namer = Namer::new(&out, sources.iter().map(|s| s.path.clone()));
    let progress = Progress::new(sources.len() as u64);
    let mut summary = Summary::default();
    let mut waiting = BTreeMap::new();
    let mut next = 0;
    while next < sources.len() {
        if interrupted.load(Ordering::Relaxed) {
            progress.finish();
            eprintln!("localpix: interrupted; {} results written, none partial.", summary.written);
            return ExitCode::from(INTERRUPTED);
        }
        match results.recv_timeout(Duration::from_millis(100)) {
            Ok((index, input_bytes, result)) => {
                waiting.insert(index, (input_bytes, result));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        // Results are named and written in the inputs' order.
        while let Some((input_bytes, result)) = waiting.remove(&next) {
            let source = &sources[next];
            let result = result.and_then(|output| save(&mut namer, source, output, batch.dry_run));
            let outcome = Outcome { name: source.name(), input: source.path.display().to_string(), input_bytes, result };
            summary.add(&outcome);
            progress.report(&outcome, batch.json, batch.dry_run);
            next += 1;
        }
    }
    progress.finish();
    // Each worker ends its engine process as it ends: waited for, so that its CPU time counts in
    // this run's (as `time` shows it), and none is left behind.
    for worker in workers {
        let _ = worker.join();
    }
    summary.print(started.elapsed(), batch.jobs, batch.dry_run);
    if summary.failed > 0 { ExitCode::from(FAILED) } else { ExitCode::SUCCESS }
}

type WorkerResult = (usize, u64, Result<api::Output, Failure>);

/// `--jobs` threads, each with its own engine process (`first` is the first's), taking files from
/// one queue.
fn spawn_workers(
    first: Worker,
    batch: &Batch,
    options: &api::Options,
    sources: &Arc<Vec<Source>>,
) -> (mpsc::Receiver<WorkerResult>, Vec<JoinHandle<()>>) {
    let (send, results) = mpsc::channel();
    let queue = Arc::new(AtomicUsize::new(0));
    let mut first = Some(first);
    let mut workers = Vec::new();
    for _ in 0..batch.jobs.min(sources.len()) {
        let (send, queue, sources, options) = (send.clone(), queue.clone(), sources.clone(), *options);
        let mut worker = first.take().unwrap_or_else(|| Worker::new(batch.limits));
        workers.push(std::thread::spawn(move || {
            loop {
                let index = queue.fetch_add(1, Ordering::Relaxed);
                let Some(source) = sources.get(index) else { break };
                let (input_bytes, result) = match std::fs::read(&source.path) {
                    Ok(input) => (input.len() as u64, worker.process(&input, &options)),
                    Err(e) => (0, Err(Failure::File(format!("cannot read it: {e}")))),
                };
                if send.send((index, input_bytes, result)).is_err() {
                    break;
                }
            }
        }));
    }
    (results, workers)
}

/// Names the result and writes it (unless a dry run).
fn save(namer: &mut Namer, source: &Source, output: api::Output, dry_run: bool) -> Result<Done, Failure> {
    let path = namer.claim(&source.sub_folder, &source.name(), output.format, output.dimensions.width);
    if !dry_run {
        write_whole(&path, &output.bytes).map_err(|e| Failure::File(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(Done::new(Some(path), &output))
}

/// `-`: one image from stdin, its result to stdout, the report on stderr.
fn pipe(batch: &Batch, options: &api::Options) -> ExitCode {
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        return unusable(&format!("cannot read stdin: {e}"));
    }
    if std::io::stdout().is_terminal() && !batch.dry_run {
        return unusable("the result is an image: redirect stdout to a file or a pipe");
    }
    let mut worker = match Worker::start(batch.limits) {
        Ok(worker) => worker,
        Err(e) => return unusable(&format!("the engine could not start: {e}")),
    };
    let result = worker.process(&input, options).and_then(|output| {
        if !batch.dry_run {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(&output.bytes)
                .and_then(|()| stdout.flush())
                .map_err(|e| Failure::File(format!("cannot write stdout: {e}")))?;
        }
        Ok(Done::new(None, &output))
    });
    let outcome = Outcome { name: "-".into(), input: "-".into(), input_bytes: input.len() as u64, result };
    let failed = outcome.result.is_err();
    if batch.json {
        eprintln!("{}", report::json_line(&outcome));
    } else if let Err(failure) = &outcome.result {
        eprintln!("localpix: {}: {}", failure.variant(), failure.message());
    }
    if failed { ExitCode::from(FAILED) } else { ExitCode::SUCCESS }
}

pub fn unusable(message: &str) -> ExitCode {
    eprintln!("localpix: {message}");
    ExitCode::from(UNUSABLE)
}
