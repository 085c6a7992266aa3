//! The event-stream target: frames of S3, Lambda, Kinesis and CloudWatch Logs streams (the
//! `event_stream` fuzz target's corpus), mutated, fed to the incremental decoder in pieces and
//! each decoded message read as its service's event, then typed
//! (`rboto_fuzz::event_stream_outcome`). Half the inputs get their lengths' CRCs recomputed after
//! mutation, so the mutations also reach the header and payload parsers behind the CRC checks.

use super::harness::Target;
use super::mutate::{self, Grammar, Rng};
use crate::rboto_fuzz::event_stream_outcome;

/// Inputs per run.
pub const INPUTS: usize = 20_000;

pub const EVENT_STREAM_GRAMMAR: Grammar = Grammar {
    tokens: &[
        b":message-type",
        b":event-type",
        b":exception-type",
        b":error-code",
        b":content-type",
        b"\x07\x00\x05event",
        b"\x07\x00\x09exception",
        b"\x07\x00\x05error",
        b"\x00\x00\x00\x10",
        b"\xff\xff\xff\xff",
        b"\x00\x00\x00\x00",
        b"\x00\x01\x00\x00",
        b"\x06\xff\xff",
        b"\x0a",
        b"\x08",
        b"\"",
        b"{}",
        b"null",
        b"<Stats>",
        b"</Stats>",
        b"\xc3\x28",
    ],
    nests: &[(b"{\"a\":", b"}"), (b"<Stats>", b"</Stats>"), (b"[", b"]")],
    cbor: false,
    lines: false,
};

pub fn target(seeds: Vec<Vec<u8>>) -> Target<Vec<u8>> {
    Target {
        name: "event_stream",
        seed: 0x6576_656e,
        inputs: INPUTS,
        generate: Box::new(move |rng: &mut Rng| {
            let mut data = mutate::mutate(&seeds, &EVENT_STREAM_GRAMMAR, rng);
            // The selector is the seed's service; the mutator picks the chunking and whether
            // the CRCs are repaired.
            if let Some(first) = data.first_mut() {
                *first = (*first & 3) | ((rng.next_u64() as u8) & !3);
            }
            data
        }),
        call: Box::new(|data: &Vec<u8>| event_stream_outcome(data)),
    }
}
