//! Starting and resume tokens in botocore's format, so that a token saved by rboto resumes in
//! boto3 and the other way round.
//!
//! botocore's `TokenEncoder` writes the input tokens as a JSON object (input token name →
//! service token, `null` when unset), adds `boto_truncate_amount` when `MaxItems` stopped in
//! the middle of a page, lists the paths of any bytes values (sent base64-encoded) under
//! `boto_encoded_keys`, and base64-encodes the `json.dumps` text. A token that does not decode
//! that way is read with the pre-1.0 `___`-separated format, which also lets a raw service
//! token be used as the first input token.

use super::PaginatorSpec;
use crate::jmespath::Json;
use crate::schema::{Kind, Shape};
use base64::Engine;

/// A starting token, read: one value per input token (`None`: unset) and how many items of
/// the first page's primary result key were already returned.
#[derive(Debug, PartialEq)]
pub(super) struct Start {
    pub tokens: Vec<Option<Json>>,
    pub truncation: usize,
}

const TRUNCATE: &str = "boto_truncate_amount";
const ENCODED: &str = "boto_encoded_keys";

/// botocore's `TokenEncoder.encode` of `{input token: value, ...}` plus the truncation, if any.
/// `input` is the operation's input shape, whose blob members botocore would have held as
/// bytes.
pub(super) fn encode(
    spec: &PaginatorSpec,
    input: &'static Shape,
    tokens: &[Option<Json>],
    truncation: Option<usize>,
) -> String {
    let mut object: Vec<(String, Json)> = Vec::new();
    let mut encoded: Vec<Json> = Vec::new();
    for (name, token) in spec.input_token.iter().zip(tokens) {
        let value = token.clone().unwrap_or_default();
        if let Some(member) = input.members().iter().find(|m| m.name == *name) {
            let mut path = vec![Json::from(*name)];
            blob_paths(&value, member.target(), &mut path, &mut encoded);
        }
        object.push((name.to_string(), value));
    }
    if let Some(amount) = truncation {
        object.push((TRUNCATE.into(), Json::Int(amount as i64)));
    }
    // botocore only adds the key when `json.dumps` failed on bytes.
    if !encoded.is_empty() {
        object.push((ENCODED.into(), Json::Array(encoded)));
    }
    let mut text = String::new();
    py_dumps(&Json::Object(object), &mut text);
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// The paths (keys and list indexes) of the blob values in `value`, which rboto holds as
/// base64 text already and botocore as bytes it had to encode.
fn blob_paths(value: &Json, shape: &'static Shape, path: &mut Vec<Json>, out: &mut Vec<Json>) {
    match (&shape.kind, value) {
        (Kind::Blob, Json::String(_)) => out.push(Json::Array(path.clone())),
        (Kind::Structure(members) | Kind::Union(members), Json::Object(entries)) => {
            for (key, v) in entries {
                if let Some(m) = members.iter().find(|m| m.name == key) {
                    path.push(Json::from(key.as_str()));
                    blob_paths(v, m.target(), path, out);
                    path.pop();
                }
            }
        }
        (Kind::Map(_, vm), Json::Object(entries)) => {
            for (key, v) in entries {
                path.push(Json::from(key.as_str()));
                blob_paths(v, vm.target(), path, out);
                path.pop();
            }
        }
        (Kind::List(m), Json::Array(items)) => {
            for (i, v) in items.iter().enumerate() {
                path.push(Json::Int(i as i64));
                blob_paths(v, m.target(), path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Python's `json.dumps` with its defaults (`", "` and `": "` separators, non-ASCII escaped),
/// so that a token is byte for byte the one boto3 would have written.
fn py_dumps(j: &Json, out: &mut String) {
    match j {
        Json::Null => out.push_str("null"),
        Json::Bool(true) => out.push_str("true"),
        Json::Bool(false) => out.push_str("false"),
        Json::Int(i) => out.push_str(&i.to_string()),
        Json::Float(f) if f.is_nan() => out.push_str("NaN"),
        Json::Float(f) if f.is_infinite() => {
            out.push_str(if *f > 0.0 { "Infinity" } else { "-Infinity" })
        }
        Json::Float(f) => {
            // Rust's `{:?}` is Python's `repr` for floats except for the exponent's sign.
            let text = format!("{f:?}");
            match text.split_once('e') {
                Some((mantissa, exp)) if !exp.starts_with('-') => {
                    out.push_str(&format!("{mantissa}e+{exp}"))
                }
                _ => out.push_str(&text),
            }
        }
        Json::String(s) => py_string(s, out),
        Json::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                py_dumps(v, out);
            }
            out.push(']');
        }
        Json::Object(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                py_string(k, out);
                out.push_str(": ");
                py_dumps(v, out);
            }
            out.push('}');
        }
    }
}

fn py_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

/// botocore's `_parse_starting_token`: the `TokenDecoder` format, else the deprecated one.
/// An error is botocore's "Bad starting token".
pub(super) fn decode(token: &str, spec: &PaginatorSpec) -> Result<Start, String> {
    let bad = || format!("Bad starting token: {token}");
    let Some(Json::Object(entries)) = decode_json(token) else {
        return deprecated(token, spec);
    };
    let mut start = Start {
        tokens: vec![None; spec.input_token.len()],
        truncation: 0,
    };
    for (key, value) in entries {
        match key.as_str() {
            TRUNCATE => match value {
                Json::Int(n) if n >= 0 => start.truncation = n as usize,
                _ => return Err(bad()),
            },
            // The values it lists are base64 text, which is how rboto holds blobs anyway.
            ENCODED => {}
            name => {
                let i = spec
                    .input_token
                    .iter()
                    .position(|t| *t == name)
                    .ok_or_else(bad)?;
                start.tokens[i] = (!value.is_null()).then_some(value);
            }
        }
    }
    Ok(start)
}

/// Python's lenient `base64.b64decode` (characters outside the alphabet are skipped), UTF-8,
/// then JSON; `None` where Python would raise `ValueError` or `TypeError`.
fn decode_json(token: &str) -> Option<Json> {
    let filtered: String = token
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        .collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(filtered)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    Json::parse(&text).ok()
}

/// botocore's `_parse_starting_token_deprecated`: `token1___token2___index`, where `None`
/// stands for an unset token; anything else is the first input token as the service gave it.
fn deprecated(token: &str, spec: &PaginatorSpec) -> Result<Start, String> {
    let n = spec.input_token.len();
    let mut parts: Vec<&str> = token.split("___").collect();
    let mut truncation = 0;
    if parts.len() == n + 1 {
        match parts.last().map(|p| p.trim().parse::<i64>()) {
            Some(Ok(i)) if i >= 0 => {
                truncation = i as usize;
                parts.pop();
            }
            Some(Ok(_)) => return Err(format!("Bad starting token: {token}")),
            _ => parts = vec![token],
        }
    }
    if parts.len() > n {
        return Err(format!("Bad starting token: {token}"));
    }
    let mut tokens: Vec<Option<Json>> = parts
        .into_iter()
        .map(|p| (p != "None").then(|| Json::from(p)))
        .collect();
    tokens.resize(n, None);
    Ok(Start { tokens, truncation })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{prelude, Member};

    static ONE: PaginatorSpec = PaginatorSpec::new(&["NextToken"], &["NextToken"], &["Things"]);
    static TWO: PaginatorSpec =
        PaginatorSpec::new(&["Marker", "SubMarker"], &["Next", "NextSub"], &["Things"]);
    static KEY_VALUE_SHAPE: Shape = Shape::structure("Key", &[Member::new("B", &prelude::BLOB)]);
    static KEY: Member = Member::item(&KEY_VALUE_SHAPE);
    static KEYS: Shape = Shape::list("Keys", &KEY);
    static IN: Shape = Shape::structure(
        "In",
        &[
            Member::new("NextToken", &prelude::STRING),
            Member::new("Marker", &KEYS),
            Member::new("SubMarker", &prelude::INTEGER),
        ],
    );

    fn b64(text: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(text)
    }

    #[test]
    fn encodes_like_json_dumps_then_base64() {
        let token = encode(&ONE, &IN, &[Some(Json::from("abc"))], None);
        assert_eq!(token, b64(r#"{"NextToken": "abc"}"#));
        // The value boto3 writes for max_items stopping after two items of the first page.
        let token = encode(&ONE, &IN, &[None], Some(2));
        assert_eq!(
            token,
            "eyJOZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAyfQ=="
        );
        let token = encode(&ONE, &IN, &[Some(Json::from("é\"\n😀"))], None);
        assert_eq!(token, b64(r#"{"NextToken": "\u00e9\"\n\ud83d\ude00"}"#));
    }

    #[test]
    fn blob_paths_are_listed_as_botocore_lists_its_bytes() {
        let marker = Json::parse(r#"[{"B":"AAE="}]"#).unwrap();
        let token = encode(&TWO, &IN, &[Some(marker), Some(Json::Int(4))], Some(1));
        assert_eq!(
            token,
            b64(concat!(
                r#"{"Marker": [{"B": "AAE="}], "SubMarker": 4, "boto_truncate_amount": 1, "#,
                r#""boto_encoded_keys": [["Marker", 0, "B"]]}"#
            ))
        );
        let start = decode(&token, &TWO).unwrap();
        assert_eq!(start.truncation, 1);
        assert_eq!(start.tokens[1], Some(Json::Int(4)));
        assert_eq!(
            start.tokens[0],
            Some(Json::parse(r#"[{"B":"AAE="}]"#).unwrap())
        );
    }

    #[test]
    fn decodes_what_it_encodes_and_boto3_tokens() {
        let token = encode(&TWO, &IN, &[Some(Json::from("m")), None], Some(3));
        let start = decode(&token, &TWO).unwrap();
        assert_eq!(
            start,
            Start {
                tokens: vec![Some(Json::from("m")), None],
                truncation: 3
            }
        );
        // boto3: paginate(PaginationConfig={'MaxItems': 1}).build_full_result()['NextToken']
        // after a page boundary, for a service token "t1".
        let start = decode("eyJOZXh0VG9rZW4iOiAidDEifQ==", &ONE).unwrap();
        assert_eq!(start.tokens, [Some(Json::from("t1"))]);
        assert_eq!(start.truncation, 0);
    }

    #[test]
    fn falls_back_to_the_deprecated_format_and_raw_service_tokens() {
        let start = decode("svc-token/with==odd chars", &ONE).unwrap();
        assert_eq!(
            start.tokens,
            [Some(Json::from("svc-token/with==odd chars"))]
        );
        let start = decode("abc___5", &ONE).unwrap();
        assert_eq!(start.tokens, [Some(Json::from("abc"))]);
        assert_eq!(start.truncation, 5);
        let start = decode("None___x", &TWO).unwrap();
        assert_eq!(start.tokens, [None, Some(Json::from("x"))]);
        let start = decode("a___b___c___d", &TWO);
        assert!(start.unwrap_err().starts_with("Bad starting token"));
    }

    #[test]
    fn unknown_keys_and_odd_truncations_are_bad_tokens() {
        let err = decode(&b64(r#"{"Other": "x"}"#), &ONE).unwrap_err();
        assert!(err.starts_with("Bad starting token"), "{err}");
        let err = decode(
            &b64(r#"{"NextToken": "x", "boto_truncate_amount": "2"}"#),
            &ONE,
        );
        assert!(err.is_err());
    }
}
