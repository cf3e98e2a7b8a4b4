//! Writes what the native build makes of a workload, for the Node tests to compare the
//! WebAssembly component against: `reference <input> <fit:W:H|width:W> <jpeg|png> <output>`.

#[path = "support/workload.rs"]
mod workload;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (output, rest) = args.split_last().expect("usage: reference <input> <resize> <format> <output>");
    let workload = workload::Workload::from_args(rest).unwrap_or_else(|e| panic!("{e}"));
    let result = localpix_core::process(&workload.input, &workload.options).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(output, result.bytes).unwrap_or_else(|e| panic!("{output}: {e}"));
}
