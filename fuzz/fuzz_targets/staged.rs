#![no_main]
//! The staged API: decode with an intended resize, resize, encode, difference.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = localpix_fuzz::staged(data);
});
