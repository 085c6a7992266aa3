//! Fuzzes the json response parser: see `rboto_fuzz::json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rboto_fuzz::json(data));
