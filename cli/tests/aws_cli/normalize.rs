//! What may legitimately differ between two runs of the same scenario against a freshly reset
//! moto: values the emulator generates (ids, ARNs with random parts, keys, tokens, timestamps).
//!
//! Each distinct generated value is replaced by a numbered placeholder in order of appearance
//! (`<id1>`, `<id2>`, …), so two outputs still have to agree on where the same value comes back
//! (an instance id in `run-instances` and again in `describe-instances`). Timestamps become a
//! placeholder that keeps their format (`<time.f+00:00>`: fraction present, `+00:00` offset), so
//! the timestamp format is still compared while the clock is not. Everything else is compared
//! byte for byte. The rules are textual and conservative: a value counts as generated when it
//! looks random (a UUID; a run of letters and digits of 12 or more with both; hex of 8 or more
//! after a `prefix-`; base64 of 40 or more), which names typed in the corpus avoid.

/// Normalises one output (stdout, or stderr's error line).
pub fn normalize(text: &str) -> String {
    let mut seen: Vec<String> = Vec::new();
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Only at the start of a word: a match must not begin inside a longer alphanumeric run.
        let at_word_start = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if at_word_start {
            if let Some((len, shape)) = timestamp(&bytes[i..]) {
                out.push_str(&shape);
                i += len;
                continue;
            }
            if let Some((len, shape)) = epoch(&bytes[i..]) {
                out.push_str(&shape);
                i += len;
                continue;
            }
            if let Some(len) = generated(&bytes[i..]) {
                let value = &text[i..i + len];
                let n = match seen.iter().position(|v| v == value) {
                    Some(n) => n + 1,
                    None => {
                        seen.push(value.to_string());
                        seen.len()
                    }
                };
                out.push_str(&format!("<id{n}>"));
                i += len;
                continue;
            }
        }
        // Copy one character (UTF-8 aware).
        let len = utf8_len(bytes[i]);
        out.push_str(&text[i..i + len]);
        i += len;
    }
    out
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

/// `YYYY-MM-DDThh:mm:ss[.f…][Z|±hh:mm]` or `YYYY-MM-DD hh:mm:ss` (as `s3 ls` prints) at the
/// start of `s`: its length and the placeholder keeping its format.
fn timestamp(s: &[u8]) -> Option<(usize, String)> {
    const DATE: &[u8] = b"dddd-dd-dd?dd:dd:dd";
    if s.len() < DATE.len() {
        return None;
    }
    for (c, p) in s.iter().zip(DATE) {
        let ok = match p {
            b'd' => c.is_ascii_digit(),
            b'?' => *c == b'T' || *c == b' ',
            p => c == p,
        };
        if !ok {
            return None;
        }
    }
    let mut len = DATE.len();
    let mut shape = String::from(if s[10] == b'T' { "<time" } else { "<datetime" });
    if s.get(len) == Some(&b'.') && s.get(len + 1).is_some_and(u8::is_ascii_digit) {
        len += 1;
        while s.get(len).is_some_and(u8::is_ascii_digit) {
            len += 1;
        }
        shape.push_str(".f");
    }
    match s.get(len) {
        Some(b'Z') => {
            len += 1;
            shape.push('Z');
        }
        Some(&sign @ (b'+' | b'-'))
            if s.len() >= len + 6
                && s[len + 1..len + 3].iter().all(u8::is_ascii_digit)
                && s[len + 3] == b':'
                && s[len + 4..len + 6].iter().all(u8::is_ascii_digit) =>
        {
            shape.push(sign as char);
            shape.push_str(std::str::from_utf8(&s[len + 1..len + 6]).unwrap_or("?"));
            len += 6;
        }
        _ => {}
    }
    shape.push('>');
    Some((len, shape))
}

/// Epoch seconds (10 digits) or milliseconds (13 digits) of this century's first decades, with
/// an optional fraction: timestamps some services give as numbers or strings (SQS attributes,
/// CloudWatch Logs). The placeholder keeps the number's format.
fn epoch(s: &[u8]) -> Option<(usize, String)> {
    let digits = run_len(s, |c| c.is_ascii_digit());
    if !(digits == 10 || digits == 13) || s[0] != b'1' {
        return None;
    }
    let mut len = digits;
    let mut shape = format!("<epoch{digits}");
    if s.get(len) == Some(&b'.') && s.get(len + 1).is_some_and(u8::is_ascii_digit) {
        len += 1 + run_len(&s[len + 1..], |c| c.is_ascii_digit());
        shape.push_str(".f");
    }
    if s.get(len).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    shape.push('>');
    Some((len, shape))
}

/// The length of a generated-looking value at the start of `s`, if there is one.
fn generated(s: &[u8]) -> Option<usize> {
    uuid(s)
        .or_else(|| address(s))
        .or_else(|| base64_run(s))
        .or_else(|| prefixed_hex(s))
        .or_else(|| iam_unique_id(s))
        .or_else(|| mixed_alnum(s))
}

fn run_len(s: &[u8], class: impl Fn(u8) -> bool) -> usize {
    s.iter().take_while(|&&c| class(c)).count()
}

/// An IPv4 address (`54.214.155.126`), its EC2 host name form (`ip-54-214-155-126`) or a MAC
/// address (`0e:6f:2b:4a:11:c3`): moto picks public addresses and MACs at random.
fn address(s: &[u8]) -> Option<usize> {
    let groups = |s: &[u8], sep: u8, digits: fn(&u8) -> bool, max: usize, count: usize| {
        let mut at = 0;
        for n in 0..count {
            if n > 0 {
                if s.get(at) != Some(&sep) {
                    return None;
                }
                at += 1;
            }
            let len = s[at..].iter().take_while(|c| digits(c)).count();
            if len == 0 || len > max {
                return None;
            }
            at += len;
        }
        (!s.get(at).is_some_and(u8::is_ascii_alphanumeric)).then_some(at)
    };
    if let Some(rest) = s.strip_prefix(b"ip-") {
        if let Some(len) = groups(rest, b'-', u8::is_ascii_digit, 3, 4) {
            return Some(3 + len);
        }
    }
    groups(s, b'.', u8::is_ascii_digit, 3, 4)
        .or_else(|| groups(s, b':', u8::is_ascii_hexdigit, 2, 6).filter(|&len| len == 17))
}

/// 8-4-4-4-12 hex digits.
fn uuid(s: &[u8]) -> Option<usize> {
    let mut at = 0;
    for (n, group) in [8, 4, 4, 4, 12].into_iter().enumerate() {
        if n > 0 {
            if s.get(at) != Some(&b'-') {
                return None;
            }
            at += 1;
        }
        if run_len(&s[at..], |c| c.is_ascii_hexdigit()) != group {
            return None;
        }
        at += group;
    }
    (!s.get(at).is_some_and(u8::is_ascii_alphanumeric)).then_some(at)
}

/// A run of base64 characters of 40 or more with upper case, lower case and digits: secret keys,
/// session tokens, receipt handles, ciphertexts.
fn base64_run(s: &[u8]) -> Option<usize> {
    let len = run_len(s, |c| {
        c.is_ascii_alphanumeric() || c == b'+' || c == b'/' || c == b'='
    });
    let run = &s[..len];
    let mixed = run.iter().any(u8::is_ascii_uppercase)
        && run.iter().any(u8::is_ascii_lowercase)
        && run.iter().any(u8::is_ascii_digit);
    (len >= 40 && mixed).then_some(len)
}

/// `prefix-hex` with a lower-case prefix and 8 or more hex digits including a digit and a
/// letter: EC2-style ids (`i-0abc…`, `vpc-…`, `sg-…`); the whole `prefix-hex` is the value.
fn prefixed_hex(s: &[u8]) -> Option<usize> {
    let prefix = run_len(s, |c| c.is_ascii_lowercase());
    if prefix == 0 || prefix > 12 || s.get(prefix) != Some(&b'-') {
        return None;
    }
    let rest = &s[prefix + 1..];
    let hex = run_len(rest, |c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c));
    let run = &rest[..hex];
    let ok = hex >= 8
        && run.iter().any(u8::is_ascii_digit)
        && run.iter().any(u8::is_ascii_alphabetic)
        && !rest.get(hex).is_some_and(u8::is_ascii_alphanumeric);
    ok.then_some(prefix + 1 + hex)
}

/// An IAM unique id or access key id: a known 4-letter prefix (`AKIA`, `ASIA`, `AROA`, …) and 16
/// upper-case letters or digits; moto's may have no digit at all.
fn iam_unique_id(s: &[u8]) -> Option<usize> {
    const PREFIXES: [&[u8]; 8] = [
        b"AKIA", b"ASIA", b"AROA", b"AIDA", b"ANPA", b"AGPA", b"AIPA", b"ANVA",
    ];
    let len = run_len(s, |c| c.is_ascii_uppercase() || c.is_ascii_digit());
    (len == 20 && PREFIXES.iter().any(|p| s.starts_with(p))).then_some(len)
}

/// A run of letters and digits of 12 or more with at least one of each: access key ids, zone
/// ids, random suffixes, hashes.
fn mixed_alnum(s: &[u8]) -> Option<usize> {
    let len = run_len(s, |c| c.is_ascii_alphanumeric());
    let run = &s[..len];
    let ok =
        len >= 12 && run.iter().any(u8::is_ascii_digit) && run.iter().any(u8::is_ascii_alphabetic);
    ok.then_some(len)
}

/// The line of stderr that says what went wrong: the argument parser's `aws: error: …` line
/// when there is one; after a usage block (`usage: …`, whose first line AWS CLI v1 prefixes with
/// a note about v2), its last line (`Unknown options: …`); else the first non-empty line.
pub fn error_line(stderr: &str) -> String {
    let lines = || stderr.lines().map(str::trim_end).filter(|l| !l.is_empty());
    let usage = lines().any(|l| l.starts_with("usage:"));
    lines()
        .find(|l| l.starts_with("aws: error:") || l.starts_with("rboto: error:"))
        .or_else(|| if usage { lines().next_back() } else { None })
        .or_else(|| lines().next())
        .unwrap_or("")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_generated_values_in_order_and_keeps_the_rest() {
        let text = "i-0123456789abcdef0 r-5ab2bc3d i-0123456789abcdef0 ami-abc123 \
                    AKIAIOSFODNN7EXAMPLE 3f1c2b9e-0a1b-4c5d-8e9f-0123456789ab 123456789012";
        assert_eq!(
            normalize(text),
            "<id1> <id2> <id1> ami-abc123 <id3> <id4> 123456789012"
        );
        assert_eq!(
            normalize("\"t\": \"2026-12-05T02:10:00.123456+00:00\", 2026-12-05 02:10:00 x"),
            "\"t\": \"<time.f+00:00>\", <datetime> x"
        );
        assert_eq!(normalize("2026-12-05T02:10:00Z"), "<timeZ>");
        let token = "FQoGZXIvYXdzEBYaDHqa0AP1NL7IHWbFpCKoAa/XkT5rJoS1y+/bzm0I8iUUWNhcMmUgz24";
        assert_eq!(normalize(&format!("{token} tail")), "<id1> tail");
        assert_eq!(
            normalize("54.214.155.126 ip-54-214-155-126.ec2 0e:6f:2b:4a:11:c3 10.0.0.0/16"),
            "<id1> <id2>.ec2 <id3> <id4>/16"
        );
        assert_eq!(
            normalize("[1796438406.506598, 1700000000000, 12345678901]"),
            "[<epoch10.f>, <epoch13>, 12345678901]"
        );
        assert_eq!(normalize("ASIARZPUZDIKCKGSFOAY:x"), "<id1>:x");
        // Plain words and names are left alone.
        assert_eq!(
            normalize("my-bucket hello.txt us-east-1"),
            "my-bucket hello.txt us-east-1"
        );
    }

    #[test]
    fn finds_the_error_line() {
        let usage = "usage: aws [options]\nTo see help text\n\n  aws help\n\naws: error: argument operation: Invalid choice\n";
        assert_eq!(
            error_line(usage),
            "aws: error: argument operation: Invalid choice"
        );
        assert_eq!(
            error_line("\nAn error occurred (NoSuchBucket) when calling\n"),
            "An error occurred (NoSuchBucket) when calling"
        );
        let unknown = "usage: Note: AWS CLI version 2…\n\nusage: aws [options]\n  aws help\n\nUnknown options: --x, 1\n";
        assert_eq!(error_line(unknown), "Unknown options: --x, 1");
    }
}
