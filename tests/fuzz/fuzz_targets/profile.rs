//! Fuzzes the shared config file parser: see `rboto_fuzz::profile`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rboto_fuzz::profile(data));
