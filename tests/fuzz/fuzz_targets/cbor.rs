//! Fuzzes the cbor response parser: see `rboto_fuzz::cbor`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rboto_fuzz::cbor(data));
