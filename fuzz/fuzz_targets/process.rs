#![no_main]
//! `process` on any bytes, with one of the option sets of `cases::option_sets`, chosen by the
//! input's length so the file's own bytes stay as they are (a seed file is a valid image).
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = localpix_fuzz::process(data, data.len());
});
