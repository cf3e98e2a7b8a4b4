#![no_main]
//! `probe` on any bytes: headers and metadata of every format, never the pixels.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = localpix_fuzz::probe(data);
});
