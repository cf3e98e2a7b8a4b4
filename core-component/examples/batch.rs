//! The native build on a folder's worth of files, one thread, for docs/performance.md's command
//! line figures (the CLI runs the same code as a component in wasmtime):
//! `batch <fit:W:H|width:W> <jpeg|png> <out-dir> <input>...` reads, processes and writes each
//! file, then prints files/s and the bytes written.

#[path = "support/workload.rs"]
mod workload;

use std::{path::Path, time::Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [resize, format, out, inputs @ ..] = &args[..] else {
        panic!("usage: batch <fit:W:H|width:W> <jpeg|png> <out-dir> <input>...");
    };
    std::fs::create_dir_all(out).unwrap_or_else(|e| panic!("{out}: {e}"));
    let started = Instant::now();
    let mut written = 0;
    for input in inputs {
        let workload = workload::Workload::from_args(&[input.clone(), resize.clone(), format.clone()]).unwrap_or_else(|e| panic!("{e}"));
        let result = localpix_core::process(&workload.input, &workload.options).unwrap_or_else(|e| panic!("{input}: {e}"));
        let name = Path::new(input).file_name().expect("a file name");
        std::fs::write(Path::new(out).join(name), &result.bytes).unwrap_or_else(|e| panic!("{out}: {e}"));
        written += result.bytes.len();
    }
    let seconds = started.elapsed().as_secs_f64();
    println!("{} files in {seconds:.2} s: {:.2} files/s, {written} bytes written", inputs.len(), inputs.len() as f64 / seconds);
}
