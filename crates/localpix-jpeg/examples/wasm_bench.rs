//! Both decoders as plain WebAssembly exports, for `examples/wasm_bench.mjs` to time in Node;
//! `examples/checksums.rs` prints the same checksums natively, to show that the simd128 and the
//! scalar code give the same pixels:
//!
//! ```sh
//! cargo build --release --target wasm32-unknown-unknown -p localpix-jpeg --example wasm_bench
//! node crates/localpix-jpeg/examples/wasm_bench.mjs FILE.jpg…
//! ```

use std::cell::RefCell;

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Room for `len` input bytes; returns where to write them.
#[unsafe(no_mangle)]
pub extern "C" fn input(len: usize) -> *mut u8 {
    INPUT.with_borrow_mut(|input| {
        input.clear();
        input.resize(len, 0);
        input.as_mut_ptr()
    })
}

/// Decodes the input with localpix-jpeg; returns the number of bytes of pixels (0 on error).
#[unsafe(no_mangle)]
pub extern "C" fn decode_new(reduction: u32) -> u32 {
    let pixels =
        INPUT.with_borrow(|data| localpix_jpeg::decode(data, &localpix_jpeg::Options { eighths: 8 / reduction, ..Default::default() }));
    keep(pixels.map(|image| image.pixels).ok())
}

/// Decodes the input with jpeg-decoder 0.3.2; returns the number of bytes of pixels (0 on error).
#[unsafe(no_mangle)]
pub extern "C" fn decode_old(reduction: u32) -> u32 {
    keep(decode_old_pixels(reduction))
}

/// A checksum of the last decode's pixels (outside the timed calls).
#[unsafe(no_mangle)]
pub extern "C" fn last_checksum() -> u32 {
    OUTPUT.with_borrow(|pixels| checksum(pixels))
}

fn keep(pixels: Option<Vec<u8>>) -> u32 {
    let len = pixels.as_ref().map_or(0, Vec::len) as u32;
    OUTPUT.set(pixels.unwrap_or_default());
    len
}

fn decode_old_pixels(reduction: u32) -> Option<Vec<u8>> {
    INPUT.with_borrow(|data| {
        let mut decoder = jpeg_decoder::Decoder::new(&data[..]);
        if reduction > 1 {
            decoder.read_info().ok()?;
            let info = decoder.info()?;
            let r = reduction as u16;
            decoder.scale(info.width.div_ceil(r), info.height.div_ceil(r)).ok()?;
        }
        decoder.decode().ok()
    })
}

/// FNV-1a over the bytes, never 0 (as in `checksums.rs`).
fn checksum(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, &b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193)).max(1)
}
