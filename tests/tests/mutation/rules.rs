//! Structure-aware mutators for endpoint rule sets (as JSON values) and their parameters.

use serde_json::{json, Value as Json};

use super::mutate::{mutate, Grammar, Rng};

const FUNCTIONS: &[&str] = &[
    "isSet",
    "not",
    "booleanEquals",
    "stringEquals",
    "getAttr",
    "substring",
    "uriEncode",
    "parseURL",
    "isValidHostLabel",
    "aws.partition",
    "aws.parseArn",
    "aws.isVirtualHostableS3Bucket",
    "coalesce",
    "ite",
    "split",
    "aws.unknownFunction",
    "",
];

/// Strings a rule set may hold: templates (well and badly formed), `getAttr` paths, URLs.
const RULE_STRINGS: &[&str] = &[
    "",
    "{Region}",
    "https://{Region}.{PartitionResult#dnsSuffix}",
    "{PartitionResult#name}",
    "{",
    "}",
    "{{",
    "}}",
    "{}",
    "{#}",
    "{Region#}",
    "{a#b#c#d}",
    "{Undeclared}",
    "{url#authority}{url#path}",
    "{bucketArn#resourceId[1]}",
    "{bucketArn#resourceId[99999999999999999999]}",
    "resourceId[0]",
    "resourceId[18446744073709551615]",
    "resourceId[-1]",
    "[0]",
    "[",
    "]",
    "a.b.c.d.e",
    "..",
    "name",
    "dnsSuffix",
    "supportsFIPS",
    "https://example.com",
    "not a url",
    "arn:aws:s3:::bucket",
    "é{Region}ü",
];

const RULE_TYPES: &[&str] = &["tree", "endpoint", "error", "", "Tree", "rule"];

const PARAM_TYPES: &[&str] = &["string", "boolean", "stringArray", "String", "int", ""];

/// Parameter values: empty, huge, unicode, ARNs with odd colons, IPs, URLs, regions, buckets.
const PARAM_STRINGS: &[&str] = &[
    "",
    " ",
    "us-east-1",
    "us-west-2",
    "aws-global",
    "cn-north-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "us-isob-east-1",
    "eu-isoe-west-1",
    "fips-us-east-1",
    "us-east-1-fips",
    "-",
    "a..b",
    "UPPER",
    "us-east-1\u{301}",
    "日本",
    "ü.example",
    "\u{0}",
    "\u{feff}us-east-1",
    "arn:",
    "arn:::::",
    ":::::::",
    "arn:aws:s3:::",
    "arn:aws:s3:::bucket",
    "arn:aws:s3:us-west-2:123456789012:accesspoint:",
    "arn:aws:s3:us-west-2:123456789012:accesspoint:my:ap:with:colons",
    "arn:aws:s3:us-west-2:123456789012:accesspoint/ap/x/y/z",
    "arn:aws:s3:us-west-2:123456789012:accesspoint::::::",
    "arn:aws:s3-outposts:us-west-2:123456789012:outpost:op-01234567890123456:accesspoint:reports",
    "arn:aws:s3-outposts:us-west-2:123456789012:outpost",
    "arn:aws:s3-object-lambda:us-east-1:123456789012:accesspoint/",
    "arn:aws:s3:us-east-1:123456789012:bucket_name:mybucket",
    "arn:aws:iam::123456789012:role/x",
    "arn:aws-cn:s3:cn-north-1:123456789012:accesspoint:ap",
    "arn:aws:s3::123456789012:accesspoint:mfzwi23gnjvgw.mrap",
    "arn:aws:kms:us-east-1:123456789012:key/",
    "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x",
    "127.0.0.1",
    "192.168.0.1",
    "999.999.999.999",
    "1.2.3.4.5",
    "[::1]",
    "::1",
    "http://",
    "https://",
    "http://127.0.0.1",
    "http://[::1]:8080",
    "http://[fe80::1%25en0]/",
    "https://[::1",
    "https://example.com:99999",
    "https://example.com:-1",
    "https://example.com:",
    "http://user@host/path",
    "http://user@host/path?x=1",
    "https://example.com/a/../../b/./c//",
    "https://example.com/%zz/é",
    "https://example.com#frag",
    "http://a:b@c:1/d;p;q",
    "HTTPS://EXAMPLE.COM",
    "ftp://example.com",
    "https://exa mple.com",
    "https://é.com/",
    "https://{Region}.amazonaws.com",
    "a",
    "ab",
    "my.bucket.with.dots",
    "mybucket--usw2-az1--x-s3",
    "mybucket--use1-az4--xa-s3",
    "bucket--op-s3",
    "-bucket-",
    "bucket_",
    "Bucket",
    "preferred",
    "required",
    "disabled",
];

/// Endpoint parameters as the conformance cases give them, a JSON value per name.
pub type ParamSet = Vec<(String, Json)>;

/// A string made huge: endpoint evaluation must stay linear in its input.
fn huge_string(rng: &mut Rng) -> String {
    let unit = *rng.pick(&[
        "a",
        "a.",
        "é",
        ":",
        "/",
        "-",
        "%",
        "{Region}",
        "0.",
        "\u{10FFFF}",
    ]);
    unit.repeat(1 + rng.below(100_000 / unit.len()))
}

/// The longest byte-mutated parameter string (a region-shaped one this long once overflowed the
/// stack in the partition lookup's regex matcher).
pub const MAX_MUTATED_PARAM: usize = 100_000;

fn param_string(rng: &mut Rng, seeds: &[ParamSet]) -> Json {
    match rng.below(6) {
        0 => Json::String(huge_string(rng)),
        1 => {
            // A byte-mutated string from another case (lossy UTF-8, as text reaches rboto).
            let case = rng.pick(seeds);
            let strings: Vec<Vec<u8>> = case
                .iter()
                .filter_map(|(_, v)| v.as_str().map(|s| s.as_bytes().to_vec()))
                .collect();
            if strings.is_empty() {
                return Json::String(String::new());
            }
            let bytes = mutate(&strings, &URL_GRAMMAR, rng);
            let mut text = String::from_utf8_lossy(&bytes).into_owned();
            let mut end = text.len().min(MAX_MUTATED_PARAM);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
            Json::String(text)
        }
        _ => Json::String(rng.pick(PARAM_STRINGS).to_string()),
    }
}

/// The separators of URLs, ARNs, host names and S3 Express bucket names.
const URL_GRAMMAR: Grammar = Grammar {
    tokens: &[
        b":",
        b"/",
        b".",
        b"[",
        b"]",
        b"%",
        b"@",
        b"#",
        b"?",
        b"-",
        b"--x-s3",
        b"--op-s3",
        b"arn:",
        b"://",
        b"\xc3\xa9",
    ],
    nests: &[],
    cbor: false,
    lines: false,
};

/// Mutates one case's parameters: values swapped for extreme ones, wrong types, unset,
/// undeclared names, values from other cases.
pub fn mutate_params(
    base: &ParamSet,
    declared: &[(String, &'static str)],
    seeds: &[ParamSet],
    rng: &mut Rng,
) -> ParamSet {
    let mut params = base.clone();
    for _ in 0..1 + rng.below(3) {
        let name = if declared.is_empty() || rng.one_in(20) {
            "Undeclared".to_string()
        } else {
            rng.pick(declared).0.clone()
        };
        let ty = declared
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("string", |(_, t)| t);
        let value = match (rng.below(10), ty) {
            (0, _) => {
                params.retain(|(n, _)| *n != name);
                continue;
            }
            (1, _) => json!(rng.one_in(2)),
            (2, _) => json!([]),
            (3, _) => Json::Array(
                (0..rng.below(2000))
                    .map(|_| json!(rng.pick(PARAM_STRINGS)))
                    .collect(),
            ),
            (4, _) => match rng.below(3) {
                0 => Json::Null,
                1 => json!(7),
                _ => json!({"a": 1}),
            },
            (5, _) => {
                let other = rng.pick(seeds);
                match other.is_empty() {
                    true => continue,
                    false => rng.pick(other).1.clone(),
                }
            }
            (_, "boolean") => json!(rng.one_in(2)),
            (_, "stringArray") => Json::Array(
                (0..1 + rng.below(4))
                    .map(|_| param_string(rng, seeds))
                    .collect(),
            ),
            _ => param_string(rng, seeds),
        };
        match params.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => params.push((name, value)),
        }
    }
    params
}

/// A node of `doc` reached by a random walk from the root.
fn walk<'a>(doc: &'a mut Json, rng: &mut Rng) -> &'a mut Json {
    let mut cur = doc;
    loop {
        let n = match &*cur {
            Json::Array(a) => a.len(),
            Json::Object(o) => o.len(),
            _ => 0,
        };
        if n == 0 || rng.one_in(7) {
            return cur;
        }
        let k = rng.below(n);
        cur = match cur {
            Json::Array(a) => &mut a[k],
            Json::Object(o) => match o.values_mut().nth(k) {
                Some(v) => v,
                None => unreachable!("k < len"),
            },
            _ => unreachable!("containers only"),
        };
    }
}

/// One structure-aware mutation of a rule set: values swapped, keys dropped, function names and
/// argument counts changed, templates and paths bent, parameters retyped, rules nested deep.
pub fn mutate_rule_set(doc: &mut Json, rng: &mut Rng) {
    let op = rng.below(12);
    if op == 9 {
        return mutate_parameter(doc, rng);
    }
    let donor = walk(doc, rng).clone();
    let node = walk(doc, rng);
    match op {
        0 => *node = donor,
        1 => match node {
            Json::Object(o) if !o.is_empty() => {
                let key = o
                    .keys()
                    .nth(rng.below(o.len()))
                    .cloned()
                    .unwrap_or_default();
                o.remove(&key);
            }
            Json::Array(a) if !a.is_empty() => {
                a.remove(rng.below(a.len()));
            }
            other => *other = Json::Null,
        },
        2 => {
            if let Some(f) = node.get_mut("fn") {
                *f = json!(rng.pick(FUNCTIONS));
            } else {
                *node = json!({"fn": rng.pick(FUNCTIONS), "argv": [donor]});
            }
        }
        3 => match node.get_mut("argv").and_then(Json::as_array_mut) {
            Some(argv) if !argv.is_empty() && rng.one_in(2) => {
                argv.remove(rng.below(argv.len()));
            }
            Some(argv) => argv.push(donor),
            None => *node = json!([donor, donor]),
        },
        4 => {
            *node = match rng.below(8) {
                0 => Json::Null,
                1 => json!(-1),
                2 => json!(i64::MAX),
                3 => json!(u64::MAX),
                4 => json!(1.5),
                5 => json!(!node.as_bool().unwrap_or(false)),
                _ => json!(rng.pick(RULE_STRINGS)),
            }
        }
        5 => match node.get_mut("type") {
            Some(t) => *t = json!(rng.pick(RULE_TYPES)),
            None => *node = json!({"ref": rng.pick(&["Region", "Bucket", "Nope", ""])}),
        },
        6 => {
            // Deep nesting, within what JSON text can carry (serde_json stops at 128 levels).
            let depth = *rng.pick(&[1, 2, 5, 20, 31, 32, 33, 40, 63, 64, 65, 100, 200]);
            let wrap = rng.below(3);
            for _ in 0..depth {
                let inner = std::mem::take(node);
                *node = match wrap {
                    0 => json!({"fn": "not", "argv": [inner]}),
                    1 => json!({"type": "tree", "conditions": [], "rules": [inner]}),
                    _ => json!([inner]),
                };
            }
        }
        7 => match node.as_object_mut() {
            Some(o) => {
                let name = rng.pick(&["Region", "PartitionResult", "url", "x", ""]);
                o.insert("assign".into(), json!(name));
            }
            None => *node = json!({"fn": "aws.partition", "argv": [donor], "assign": "x"}),
        },
        8 => {
            let path = rng.pick(RULE_STRINGS);
            *node = json!({"fn": "getAttr", "argv": [donor, path]});
        }
        10 => {
            let f = rng.pick(&["substring", "split", "coalesce", "ite"]);
            let n = rng.below(5);
            let argv: Vec<Json> = (0..n)
                .map(|_| match rng.below(4) {
                    0 => donor.clone(),
                    1 => json!(rng.pick(&[-1i64, 0, 1, 3, 63, i64::MAX, i64::MIN])),
                    2 => json!(rng.one_in(2)),
                    _ => json!({"ref": "Region"}),
                })
                .collect();
            *node = json!({"fn": f, "argv": argv});
        }
        _ => {
            if let Json::String(s) = node {
                let extra = *rng.pick(RULE_STRINGS);
                s.push_str(extra);
            } else {
                *node = json!(rng.pick(RULE_STRINGS));
            }
        }
    }
}

/// Retypes a declared parameter, gives it a default of another type, or flips `required`.
fn mutate_parameter(doc: &mut Json, rng: &mut Rng) {
    let Some(params) = doc.get_mut("parameters").and_then(Json::as_object_mut) else {
        return;
    };
    let n = params.len();
    let Some(p) = params
        .values_mut()
        .nth(rng.below(n))
        .and_then(Json::as_object_mut)
    else {
        return;
    };
    let key = *rng.pick(&["type", "default", "required", "builtIn"]);
    let value = match key {
        "type" => json!(rng.pick(PARAM_TYPES)),
        "default" => rng
            .pick(&[json!(true), json!("x"), json!(["a"]), json!(1), json!(null)])
            .clone(),
        "required" => json!(rng.one_in(2)),
        _ => json!(rng.pick(&["AWS::Region", "SDK::Endpoint", "AWS::Nope"])),
    };
    p.insert(key.to_string(), value);
}
