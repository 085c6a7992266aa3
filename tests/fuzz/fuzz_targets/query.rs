//! Fuzzes the query response parser: see `rboto_fuzz::query`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rboto_fuzz::query(data));
