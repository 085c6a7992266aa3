//! AWS's smithy-rpc-v2-cbor protocol suites through [`crate::protocol::suite_support`],
//! comparing the way botocore's `test_protocols.py` does: request bodies are decoded and
//! compared as data (map order and integer widths don't matter), response bodies are base64 in
//! the suites. The same real bodies then feed a bounded no-panic fuzz of the decoder.

use super::de::{is_int_type, read_float_item};
use super::{parse_error, parse_error_shape, parse_output, Response};
use crate::protocol::suite_support::{fixture, load, response_parts, run, Fixture, SuiteFile};
use crate::schema::Protocol;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use minicbor::data::Type;
use minicbor::Decoder;
use std::panic::{catch_unwind, AssertUnwindSafe};

// ---------------------------------------------------------------------------------------------
// CBOR bodies as data (botocore decodes both bodies with its parser before comparing)
// ---------------------------------------------------------------------------------------------

/// A generic CBOR data item, compared the way Python compares what botocore's decoder returns.
#[derive(Debug)]
enum Item {
    Int(i128),
    Float(f64),
    Bytes(Vec<u8>),
    Text(String),
    Array(Vec<Item>),
    /// Null values dropped, as botocore's decoder does.
    Map(Vec<(Item, Item)>),
    Bool(bool),
    Null,
    Tag(u64, Box<Item>),
}

impl PartialEq for Item {
    fn eq(&self, other: &Item) -> bool {
        use Item::*;
        match (self, other) {
            (Int(a), Int(b)) => a == b,
            (Float(a), Float(b)) => a == b || (a.is_nan() && b.is_nan()),
            (Int(a), Float(b)) | (Float(b), Int(a)) => *a as f64 == *b,
            (Bytes(a), Bytes(b)) => a == b,
            (Text(a), Text(b)) => a == b,
            (Array(a), Array(b)) => a == b,
            (Map(a), Map(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.iter().any(|(k2, v2)| k == k2 && v == v2))
            }
            (Bool(a), Bool(b)) => a == b,
            (Null, Null) => true,
            (Tag(a, x), Tag(b, y)) => a == b && x == y,
            _ => false,
        }
    }
}

fn decode_item(d: &mut Decoder<'_>) -> Result<Item, String> {
    let e = |e: minicbor::decode::Error| e.to_string();
    Ok(match d.datatype().map_err(e)? {
        Type::Bool => Item::Bool(d.bool().map_err(e)?),
        Type::Null | Type::Undefined => {
            d.skip().map_err(e)?;
            Item::Null
        }
        t if is_int_type(t) => Item::Int(i128::from(d.int().map_err(e)?)),
        t @ (Type::F16 | Type::F32 | Type::F64) => {
            Item::Float(read_float_item(d, t).map_err(|f| f.msg)?)
        }
        Type::Bytes | Type::BytesIndef => {
            let mut v = Vec::new();
            for c in d.bytes_iter().map_err(e)? {
                v.extend_from_slice(c.map_err(e)?);
            }
            Item::Bytes(v)
        }
        Type::String | Type::StringIndef => {
            let mut s = String::new();
            for c in d.str_iter().map_err(e)? {
                s.push_str(c.map_err(e)?);
            }
            Item::Text(s)
        }
        Type::Array | Type::ArrayIndef => {
            let len = d.array().map_err(e)?;
            let mut items = Vec::new();
            loop {
                match len {
                    Some(n) if items.len() as u64 == n => break,
                    None if d.datatype().map_err(e)? == Type::Break => {
                        d.skip().map_err(e)?;
                        break;
                    }
                    _ => items.push(decode_item(d)?),
                }
            }
            Item::Array(items)
        }
        Type::Map | Type::MapIndef => {
            let len = d.map().map_err(e)?;
            let mut entries = Vec::new();
            let mut read = 0u64;
            loop {
                match len {
                    Some(n) if read == n => break,
                    None if d.datatype().map_err(e)? == Type::Break => {
                        d.skip().map_err(e)?;
                        break;
                    }
                    _ => {
                        let k = decode_item(d)?;
                        let v = decode_item(d)?;
                        if !matches!(v, Item::Null) {
                            entries.push((k, v));
                        }
                        read += 1;
                    }
                }
            }
            Item::Map(entries)
        }
        Type::Tag => {
            let t = d.tag().map_err(e)?.as_u64();
            Item::Tag(t, Box::new(decode_item(d)?))
        }
        other => return Err(format!("unexpected {other}")),
    })
}

fn decode_body(bytes: &[u8]) -> Result<Item, String> {
    decode_item(&mut Decoder::new(bytes))
}

/// botocore compares decoded data when it sent a body, bytes otherwise.
fn cbor_body(got: &[u8], want: &str) -> Result<(), String> {
    let want = STANDARD
        .decode(want)
        .map_err(|e| format!("expected body: {e}"))?;
    if got.is_empty() || want.is_empty() {
        if got != want.as_slice() {
            return Err(format!("body {got:02x?} != {want:02x?}"));
        }
        return Ok(());
    }
    let have = decode_body(got).map_err(|e| format!("our body: {e}"))?;
    let want = decode_body(&want).map_err(|e| format!("expected body: {e}"))?;
    if have != want {
        return Err(format!("body {have:?} != {want:?}"));
    }
    Ok(())
}

fn check(path: &'static str, ignore_key: &'static str, min_passed: usize) {
    run(SuiteFile {
        path,
        protocol: Protocol::SmithyRpcV2Cbor,
        ignore_key,
        min_passed,
        body_check: cbor_body,
        base64_bodies: true,
    });
}

#[test]
fn protocol_suite_input_smithy_rpc_v2_cbor() {
    check("input/smithy-rpc-v2-cbor.json", "smithy-rpc-v2-cbor", 15);
}

#[test]
fn protocol_suite_input_smithy_rpc_v2_cbor_query_compatible() {
    check(
        "input/smithy-rpc-v2-cbor-query-compatible.json",
        "smithy-rpc-v2-cbor-query-compatible",
        1,
    );
}

#[test]
fn protocol_suite_input_smithy_rpc_v2_cbor_non_query_compatible() {
    check(
        "input/smithy-rpc-v2-cbor-non-query-compatible.json",
        "smithy-rpc-v2-cbor-non-query-compatible",
        1,
    );
}

#[test]
fn protocol_suite_output_smithy_rpc_v2_cbor() {
    check("output/smithy-rpc-v2-cbor.json", "smithy-rpc-v2-cbor", 33);
}

#[test]
fn protocol_suite_output_smithy_rpc_v2_cbor_query_compatible() {
    check(
        "output/smithy-rpc-v2-cbor-query-compatible.json",
        "smithy-rpc-v2-cbor-query-compatible",
        2,
    );
}

// ---------------------------------------------------------------------------------------------
// Bounded fuzzing: truncated and corrupted real bodies never panic
// ---------------------------------------------------------------------------------------------

/// A tiny deterministic generator (SplitMix64): reproducible without a dependency.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Feeds `body` to every response entry point of the protocol; only a panic is a failure.
fn exercise(fx: &Fixture, headers: &http::HeaderMap, body: &[u8]) {
    for status in [200u16, 400] {
        let resp = Response {
            status,
            headers,
            body,
        };
        let _ = parse_output(fx.service, fx.op, &resp, None);
        let _ = parse_error(fx.service, fx.op, &resp);
        for shape in fx.service.errors {
            let _ = parse_error_shape(fx.service, shape, &resp);
        }
    }
}

#[test]
fn truncated_and_corrupted_bodies_never_panic() {
    let suites = load("output/smithy-rpc-v2-cbor.json");
    let mut rng = SplitMix(0x5eed_cb0e);
    let mut runs = 0usize;
    for suite in suites.as_array().expect("list of suites") {
        for case in suite["cases"].as_array().into_iter().flatten() {
            let id = case["id"].as_str().unwrap_or("?");
            let fx = fixture(Protocol::SmithyRpcV2Cbor, suite, None, case);
            let (_, headers, body) = response_parts(case, true);
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let mut n = 0usize;
                // Every prefix (truncation at each byte).
                for end in 0..body.len() {
                    exercise(&fx, &headers, &body[..end]);
                    n += 1;
                }
                if body.is_empty() {
                    return n;
                }
                // Deterministic corruption: single-byte flips, random bytes, and a few with
                // several changes at once.
                for round in 0..300 {
                    let mut bad = body.clone();
                    let changes = 1 + (round % 3);
                    for _ in 0..changes {
                        let i = (rng.next() % bad.len() as u64) as usize;
                        let r = rng.next();
                        bad[i] = if r % 2 == 0 {
                            bad[i] ^ (1 << (r % 8))
                        } else {
                            (r >> 8) as u8
                        };
                    }
                    exercise(&fx, &headers, &bad);
                    n += 1;
                }
                n
            }));
            match outcome {
                Ok(n) => runs += n,
                Err(_) => panic!("{id}: a corrupted or truncated body panicked"),
            }
        }
    }
    assert!(runs > 5_000, "only {runs} bodies were tried");
}
