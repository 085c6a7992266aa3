//! Fuzzes the event-stream decoder and event parsers: see `rboto_fuzz::event_stream`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rboto_fuzz::event_stream(data));
