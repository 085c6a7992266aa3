//! Identifier naming for generated code.
//!
//! Every identifier the generator emits is derived here from a botocore name,
//! so the rules live in one place and are the same for every service:
//!
//! * Words are split with heck's rules (so `S3KeyFilter`, `SSEKMSKeyId`,
//!   `ListObjectsV2` split the way heck splits them). Any character that is not
//!   an ASCII letter or digit is a word separator: botocore names are ASCII in
//!   practice, and ASCII-only output cannot trip `non_ascii_idents` or
//!   confusable-character lints.
//! * CamelCase joins words by capitalising each; when a word ending in a digit
//!   is followed by one starting with a digit an `_` is kept between them, so
//!   `"1.0"` and `"10"` do not collapse into the same name (`V1_0` vs `V10`).
//! * A name that would start with a digit gets a prefix: `Shape` for types,
//!   `SHAPE_` for statics, `V` for enum variants, `n_` for fields and functions.
//! * A name with no letters or digits at all gets a fixed fallback (`Shape`,
//!   `SHAPE`, `value`, `operation`); enum values are spelled out instead
//!   (`"*"` → `Star`, `""` → `Empty`) because they must stay distinct.
//! * Type names that shadow std/prelude items or crate-root items the generated
//!   code refers to unqualified get the suffix `Shape` (`Error` → `ErrorShape`).
//! * Field and function names that are Rust keywords (any edition, including
//!   reserved ones) or that collide with inherent methods generated on input
//!   structs get a trailing `_` (`type` → `type_`, `send` → `send_`). Raw
//!   identifiers are never used because `r#self`/`r#crate`/`r#super` are invalid.
//! * Enum variants never come out as `Unknown` (the generated catch-all) or
//!   `Self`; those get the suffix `Value`.
//! * Collisions inside one scope (struct fields, enum variants, crate types) are
//!   resolved by [`dedupe`]: first occurrence keeps its name, later ones get the
//!   smallest free numeric suffix `2`, `3`, … (`_2` if the name ends in a digit).

use std::collections::HashSet;

use heck::ToSnakeCase;

/// Names that generated code uses unqualified (prelude, common std items and
/// the items the generator itself emits at the crate root); a shape type with
/// one of these names would shadow it and break the generated code.
const RESERVED_TYPE_NAMES: &[&str] = &[
    // Prelude types, variants and traits.
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Box",
    "Vec",
    "String",
    "ToString",
    "ToOwned",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "AsRef",
    "AsMut",
    "Default",
    "Debug",
    "Display",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Hash",
    "Iterator",
    "IntoIterator",
    "Extend",
    "FromIterator",
    "Future",
    // Std items commonly imported by generated code.
    "HashMap",
    "Cow",
    "Error",
    "Formatter",
    // Keyword-like names.
    "Self",
    "Type",
    // Items the generator emits at the crate root.
    "Client",
    "Exception",
];

/// Rust keywords of every edition (strict, reserved and 2018+/2024 ones),
/// lowercase only because the snake_case helpers can never produce `Self`.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Inherent methods the generator puts on input structs; a field accessor with
/// the same name would not compile.
const RESERVED_METHOD_NAMES: &[&str] = &[
    "send",
    "into_paginator",
    "presigned",
    "new",
    "default",
    "clone",
];

/// Splits `s` into lowercase ASCII words using heck's boundaries.
fn words(s: &str) -> Vec<String> {
    let ascii: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    ascii
        .to_snake_case()
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn starts_with_digit(s: &str) -> bool {
    s.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

fn ends_with_digit(s: &str) -> bool {
    s.as_bytes().last().is_some_and(u8::is_ascii_digit)
}

fn camel(words: &[String]) -> String {
    let mut out = String::new();
    for w in words {
        if ends_with_digit(&out) && starts_with_digit(w) {
            out.push('_');
        }
        let mut chars = w.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

fn snake_like(s: &str) -> String {
    let mut out = words(s).join("_");
    if out.is_empty() {
        return out;
    }
    if starts_with_digit(&out) {
        out.insert_str(0, "n_");
    }
    if KEYWORDS.contains(&out.as_str()) || RESERVED_METHOD_NAMES.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Rust type name for a botocore shape: `s3KeyFilter` → `S3KeyFilter`,
/// `DBInstance` → `DbInstance`, `Error` → `ErrorShape`, `2Foo` → `Shape2Foo`.
pub fn type_name(shape_name: &str) -> String {
    let mut name = camel(&words(shape_name));
    if name.is_empty() {
        return "Shape".to_owned();
    }
    if starts_with_digit(&name) {
        name.insert_str(0, "Shape");
    }
    if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
        name.push_str("Shape");
    }
    name
}

/// [`type_name`] for every shape of a crate, made unique with [`dedupe`].
pub fn type_names(shape_names: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = shape_names.iter().map(|s| type_name(s)).collect();
    dedupe(&mut names);
    names
}

/// Field/accessor name for a structure member: `BucketName` → `bucket_name`,
/// `ETag` → `e_tag`, `Type` → `type_`, `Send` → `send_`, `3DES` → `n_3des`.
pub fn member_name(member: &str) -> String {
    let name = snake_like(member);
    if name.is_empty() {
        "value".to_owned()
    } else {
        name
    }
}

/// [`member_name`] for all members of one structure, made unique with [`dedupe`].
pub fn member_names(members: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = members.iter().map(|m| member_name(m)).collect();
    dedupe(&mut names);
    names
}

/// Client method name for an operation: `PutObject` → `put_object`,
/// `ListObjectsV2` → `list_objects_v2`. Same rules as [`member_name`].
pub fn operation_fn_name(op: &str) -> String {
    let name = snake_like(op);
    if name.is_empty() {
        "operation".to_owned()
    } else {
        name
    }
}

/// SCREAMING_SNAKE name for a `static` item: `S3KeyFilter` → `S3_KEY_FILTER`.
pub fn static_name(shape_name: &str) -> String {
    let mut name = words(shape_name).join("_").to_ascii_uppercase();
    if name.is_empty() {
        return "SHAPE".to_owned();
    }
    if starts_with_digit(&name) {
        name.insert_str(0, "SHAPE_");
    }
    name
}

/// Spelling for values made only of punctuation, so `"*"` and `"+"` stay
/// distinct and readable instead of collapsing to one fallback.
fn symbol_word(c: char) -> Option<&'static str> {
    Some(match c {
        '*' => "Star",
        '+' => "Plus",
        '-' => "Minus",
        '.' => "Dot",
        '/' => "Slash",
        '\\' => "Backslash",
        ':' => "Colon",
        ';' => "Semicolon",
        ',' => "Comma",
        '_' => "Underscore",
        '=' => "Eq",
        '<' => "Lt",
        '>' => "Gt",
        '!' => "Bang",
        '?' => "Question",
        '@' => "At",
        '#' => "Hash",
        '$' => "Dollar",
        '%' => "Percent",
        '&' => "Amp",
        '|' => "Pipe",
        '~' => "Tilde",
        '^' => "Caret",
        '\'' => "Quote",
        '"' => "DoubleQuote",
        '`' => "Backtick",
        '(' => "LParen",
        ')' => "RParen",
        '[' => "LBracket",
        ']' => "RBracket",
        '{' => "LBrace",
        '}' => "RBrace",
        ' ' => "Space",
        _ => return None,
    })
}

/// Variant name for one string-enum value: `"t2.micro"` → `T2Micro`,
/// `"STANDARD_IA"` → `StandardIa`, `"aws:kms"` → `AwsKms`, `"*"` → `Star`,
/// `""` → `Empty`, `"1.0"` → `V1_0`, `"unknown"` → `UnknownValue`.
/// Different values can map to the same name; use [`enum_variants`] for a set.
pub fn enum_variant(value: &str) -> String {
    let mut name = camel(&words(value));
    if name.is_empty() {
        if value.is_empty() {
            return "Empty".to_owned();
        }
        for c in value.chars() {
            match symbol_word(c) {
                Some(w) => name.push_str(w),
                None => name.push_str(&format!("U{:X}", u32::from(c))),
            }
        }
        return name;
    }
    if starts_with_digit(&name) {
        name.insert(0, 'V');
    }
    if name == "Unknown" || name == "Self" {
        name.push_str("Value");
    }
    name
}

/// [`enum_variant`] for all values of one enum, made unique with [`dedupe`]
/// (`["ab", "AB"]` → `["Ab", "Ab2"]`).
pub fn enum_variants(values: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = values.iter().map(|v| enum_variant(v)).collect();
    dedupe(&mut names);
    names
}

/// Makes names unique in place: the first occurrence keeps its name, each later
/// duplicate gets the smallest numeric suffix (from 2) not used by any other
/// name in the slice. A name ending in a digit gets `_` before the suffix so
/// `V1` + 2 reads `V1_2`, not `V12`. Appending digits keeps valid identifiers
/// valid and can never produce a keyword or a reserved name.
pub fn dedupe(names: &mut [String]) {
    let mut taken: HashSet<String> = names.iter().cloned().collect();
    let mut seen: HashSet<String> = HashSet::with_capacity(names.len());
    for name in names.iter_mut() {
        if seen.insert(name.clone()) {
            continue;
        }
        let sep = if ends_with_digit(name) { "_" } else { "" };
        let mut n = 2u64;
        let candidate = loop {
            let candidate = format!("{name}{sep}{n}");
            if !taken.contains(&candidate) {
                break candidate;
            }
            n += 1;
        };
        taken.insert(candidate.clone());
        seen.insert(candidate.clone());
        *name = candidate;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_ident(s: &str) -> bool {
        syn::parse_str::<syn::Ident>(s).is_ok()
    }

    #[test]
    fn type_name_rules() {
        assert_eq!(type_name("S3KeyFilter"), "S3KeyFilter");
        assert_eq!(type_name("DBInstance"), "DbInstance");
        assert_eq!(type_name("ListObjectsV2Output"), "ListObjectsV2Output");
        assert_eq!(type_name("IPv6Address"), "IPv6Address");
        assert_eq!(type_name("bucketName"), "BucketName");
        assert_eq!(type_name("Error"), "ErrorShape");
        assert_eq!(type_name("error"), "ErrorShape");
        assert_eq!(type_name("Type"), "TypeShape");
        assert_eq!(type_name("Client"), "ClientShape");
        assert_eq!(type_name("Exception"), "ExceptionShape");
        assert_eq!(type_name("HashMap"), "HashMapShape");
        assert_eq!(type_name("2Foo"), "Shape2foo");
        assert_eq!(type_name(""), "Shape");
        for n in RESERVED_TYPE_NAMES {
            assert_ne!(&type_name(n), n);
        }
        assert_eq!(
            type_names(&["Error", "ErrorShape", "Foo", "foo"]),
            ["ErrorShape", "ErrorShape2", "Foo", "Foo2"]
        );
    }

    #[test]
    fn member_name_rules() {
        assert_eq!(member_name("BucketName"), "bucket_name");
        assert_eq!(member_name("SSEKMSKeyId"), "ssekms_key_id");
        assert_eq!(member_name("ETag"), "e_tag");
        assert_eq!(member_name("Type"), "type_");
        assert_eq!(member_name("Self"), "self_");
        assert_eq!(member_name("async"), "async_");
        assert_eq!(member_name("Gen"), "gen_");
        assert_eq!(member_name("Union"), "union");
        assert_eq!(member_name("Send"), "send_");
        assert_eq!(member_name("New"), "new_");
        assert_eq!(member_name("IntoPaginator"), "into_paginator_");
        assert_eq!(member_name("3DES"), "n_3des");
        assert_eq!(member_name(""), "value");
        assert_eq!(member_name("x-amz-meta"), "x_amz_meta");
        assert_eq!(
            member_names(&["Foo", "foo", "foo_2", "Type", "type"]),
            ["foo", "foo2", "foo_2", "type_", "type_2"]
        );
    }

    #[test]
    fn operation_and_static_names() {
        assert_eq!(operation_fn_name("PutObject"), "put_object");
        assert_eq!(operation_fn_name("ListObjectsV2"), "list_objects_v2");
        assert_eq!(
            operation_fn_name("GetBucketAccelerateConfiguration"),
            "get_bucket_accelerate_configuration"
        );
        assert_eq!(operation_fn_name(""), "operation");
        assert_eq!(static_name("S3KeyFilter"), "S3_KEY_FILTER");
        assert_eq!(static_name("ListObjectsV2Output"), "LIST_OBJECTS_V2_OUTPUT");
        assert_eq!(static_name("2Foo"), "SHAPE_2FOO");
        assert_eq!(static_name(""), "SHAPE");
    }

    #[test]
    fn enum_variant_names() {
        assert_eq!(enum_variant("t2.micro"), "T2Micro");
        assert_eq!(enum_variant("STANDARD_IA"), "StandardIa");
        assert_eq!(enum_variant("aws:kms"), "AwsKms");
        assert_eq!(enum_variant("application/json"), "ApplicationJson");
        assert_eq!(enum_variant("m5.2xlarge"), "M5_2xlarge");
        assert_eq!(enum_variant("1.0"), "V1_0");
        assert_eq!(enum_variant("10"), "V10");
        assert_eq!(enum_variant("*"), "Star");
        assert_eq!(enum_variant("**"), "StarStar");
        assert_eq!(enum_variant(""), "Empty");
        assert_eq!(enum_variant("\u{e9}"), "UE9");
        assert_eq!(enum_variant("unknown"), "UnknownValue");
        assert_eq!(enum_variant("UNKNOWN"), "UnknownValue");
        assert_eq!(enum_variant("self"), "SelfValue");
        assert_eq!(
            enum_variants(&["ab", "AB", "a-b", "Ab2", "", "Empty", "1.0", "1-0"]),
            ["Ab", "Ab3", "AB", "Ab2", "Empty", "Empty2", "V1_0", "V1_0_2"]
        );
        let v = enum_variants(&["unknown", "Unknown", "UnknownValue"]);
        assert!(!v.iter().any(|n| n == "Unknown" || n == "Self"));
        let set: HashSet<_> = v.iter().collect();
        assert_eq!(set.len(), v.len());
    }

    #[test]
    fn dedupe_is_stable_and_unique() {
        let mut names: Vec<String> = ["a", "a", "a2", "a", "b1", "b1"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        dedupe(&mut names);
        assert_eq!(names, ["a", "a3", "a2", "a4", "b1", "b1_2"]);
    }

    /// Deterministic pseudo-random strings mixing the characters that tend to
    /// break identifier conversion.
    fn fuzz_inputs() -> Vec<String> {
        let mut inputs: Vec<String> = [
            "",
            " ",
            "_",
            "__",
            "-",
            "0",
            "1",
            "007",
            "9lives",
            "日本語",
            "é",
            "ÉTÉ",
            "ß",
            "ǅ",
            "\u{0}",
            "\t\n",
            "a b",
            "a-b",
            "a--b",
            "-a-",
            "self",
            "Self",
            "SELF",
            "super",
            "crate",
            "r#type",
            "type",
            "_type",
            "Type_",
            "Unknown",
            "unknown",
            "Option",
            "None",
            "\u{200b}",
            "½",
            "²",
            "Ⅻ",
            "٣",
            "a\u{301}",
            "👍",
            "fooBAR9baz",
            "A1B2C3",
            "1.2.3",
            "..",
            "*/",
            "//",
            "\\",
            "\"",
            "'",
            "aws:kms",
            "UPPER_CASE_1",
            "send",
            "clone",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let alphabet: Vec<char> = "aZ09_- .:/*é日Ⅻ²\u{301}\u{0}SsEelfTtypeU".chars().collect();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..2000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 9) as usize;
            let mut s = String::new();
            let mut x = state;
            for _ in 0..len {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let idx = ((x >> 33) as usize) % alphabet.len();
                s.push(alphabet.get(idx).copied().unwrap_or('a'));
            }
            inputs.push(s);
        }
        inputs
    }

    #[test]
    fn fuzz_every_output_is_an_identifier() {
        for input in fuzz_inputs() {
            for (kind, out) in [
                ("type", type_name(&input)),
                ("member", member_name(&input)),
                ("op", operation_fn_name(&input)),
                ("static", static_name(&input)),
                ("variant", enum_variant(&input)),
            ] {
                assert!(is_ident(&out), "{kind} {input:?} -> {out:?}");
                assert!(out.is_ascii(), "{kind} {input:?} -> {out:?}");
                assert!(!out.contains("__"), "{kind} {input:?} -> {out:?}");
            }
            let v = enum_variant(&input);
            assert!(v != "Unknown" && v != "Self", "{input:?} -> {v:?}");
            assert!(!RESERVED_TYPE_NAMES.contains(&type_name(&input).as_str()));
        }
        let inputs = fuzz_inputs();
        let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
        for names in [enum_variants(&refs), member_names(&refs), type_names(&refs)] {
            let set: HashSet<&String> = names.iter().collect();
            assert_eq!(set.len(), names.len());
            assert!(names.iter().all(|n| is_ident(n)));
        }
    }
}
