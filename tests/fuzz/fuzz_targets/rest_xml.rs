//! Fuzzes the rest-xml response parser: see `rboto_fuzz::rest_xml`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rboto_fuzz::rest_xml(data));
