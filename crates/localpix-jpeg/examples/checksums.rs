//! Checksums of this decoder's pixels at each reduction, natively: `checksums FILE.jpg…`. The
//! WebAssembly build prints the same ones through `wasm_bench.mjs` when its simd128 paths give
//! the same pixels as the scalar code.

fn main() {
    for path in std::env::args().skip(1) {
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let sums: Vec<String> = [1, 2, 4, 8]
            .iter()
            .map(|&reduction| {
                match localpix_jpeg::decode(&data, &localpix_jpeg::Options { eighths: 8 / reduction, ..Default::default() }) {
                    Ok(image) => format!("1/{reduction} {:08x}", checksum(&image.pixels)),
                    Err(e) => format!("1/{reduction} error: {e}"),
                }
            })
            .collect();
        println!("{path}: {}", sums.join(", "));
    }
}

/// FNV-1a over the bytes, never 0.
fn checksum(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, &b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193)).max(1)
}
