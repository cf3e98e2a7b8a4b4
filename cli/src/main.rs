//! `localpix`: the web app's image engine on the command line. See `localpix --help` and the
//! README; the engine is the WebAssembly component the app ships, run in wasmtime ([`engine`]) in
//! child processes of this program ([`worker`]).

mod args;
mod convert;
mod engine;
mod inputs;
mod output;
mod probe;
mod report;
mod run;
mod worker;

use std::process::ExitCode;

fn main() -> ExitCode {
    match args::parse() {
        args::Request::Batch(batch) => run::run(batch),
        args::Request::Probe { files, json } => probe::run(&files, json),
        args::Request::EngineWorker { memory_mib } => worker::serve(memory_mib),
    }
}
