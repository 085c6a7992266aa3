//! Fuzzes the rest-json response parser: see `rboto_fuzz::rest_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rboto_fuzz::rest_json(data));
