//! Runner for the SigV4 conformance suites, in either of their two layouts:
//!
//! * botocore's `aws4_testsuite`: `<case>/<case>.req` (raw request) with the expected
//!   `.creq` (canonical request), `.sts` (string to sign) and `.authz` (authorization header).
//!   Credentials, region, service and time are fixed by the suite; as in botocore's
//!   `tests/unit/auth/test_sigv4.py`, a session token is used exactly when the expected
//!   canonical request signs `x-amz-security-token`.
//! * aws-c-auth's `aws-signing-test-suite/v4`: `<case>/context.json` (credentials, region,
//!   service, timestamp, `normalize`, `sign_body`, `omit_session_token`, expiry) and
//!   `request.txt`, with expectations for the header form (`header-*.txt`) and the presigned
//!   query form (`query-*.txt`). Each form present counts as one case.
//!
//! Every directory given is either a case or a tree of cases (searched recursively).

use super::{paths, Summary};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rboto::sigv4::{
    self, SignableBody, SignableRequest, SignatureLocation, SigningOutput, SigningParams,
    SigningSettings,
};

const USAGE: &str = "usage: conformance sigv4 <dir>...\n\n\
    Each <dir> is a SigV4 test case or a directory of cases, in the botocore aws4_testsuite \
    layout (<case>/<case>.req, .creq, .sts, .authz) or the aws-c-auth layout \
    (<case>/context.json, request.txt, header-*.txt, query-*.txt).";

/// `cargo xtask conformance sigv4 <dir>...`: prints one line per failing case and a closing
/// `N passed, N failed` line.
pub fn run_cli(args: &[String]) -> Result<ExitCode, String> {
    Ok(run(&paths(args, USAGE)?).print())
}

/// Runs every case found under `dirs`. A directory that cannot be read or holds no case counts
/// as one failure, so a run can never pass by finding nothing.
pub fn run(dirs: &[PathBuf]) -> Summary {
    let mut summary = Summary::default();
    for dir in dirs {
        let mut cases = Vec::new();
        if let Err(e) = discover(dir, &mut cases) {
            summary.fail(format!("FAIL {}: {e}", dir.display()));
            continue;
        }
        if cases.is_empty() {
            summary.fail(format!("FAIL {}: no SigV4 test cases found", dir.display()));
            continue;
        }
        for case in &cases {
            match case {
                Case::Botocore { dir, name } => run_botocore(dir, name, &mut summary),
                Case::AwsCAuth { dir } => run_aws_c_auth(dir, &mut summary),
            }
        }
    }
    summary
}

enum Case {
    /// `dir/name.req` and its sibling expectation files.
    Botocore { dir: PathBuf, name: String },
    /// `dir/context.json`, `dir/request.txt`, ...
    AwsCAuth { dir: PathBuf },
}

fn discover(dir: &Path, cases: &mut Vec<Case>) -> Result<(), String> {
    if dir.join("context.json").is_file() && dir.join("request.txt").is_file() {
        cases.push(Case::AwsCAuth {
            dir: dir.to_path_buf(),
        });
        return Ok(());
    }
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read directory: {e}"))?;
    let mut files = Vec::new();
    let mut subdirs = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read directory: {e}"))?
            .path();
        if path.is_dir() {
            subdirs.push(path);
        } else {
            files.push(path);
        }
    }
    files.sort();
    subdirs.sort();
    let mut found_req = false;
    for file in &files {
        if file.extension().is_some_and(|e| e == "req") {
            if let Some(stem) = file.file_stem().and_then(|s| s.to_str()) {
                found_req = true;
                cases.push(Case::Botocore {
                    dir: dir.to_path_buf(),
                    name: stem.to_owned(),
                });
            }
        }
    }
    if !found_req {
        for sub in &subdirs {
            discover(sub, cases)?;
        }
    }
    Ok(())
}

/// How a case is named in `FAIL` lines: its directory, or `dir/name` for a flat layout.
fn botocore_label(dir: &Path, name: &str) -> String {
    if dir.file_name().is_some_and(|d| d == name) {
        dir.display().to_string()
    } else {
        dir.join(name).display().to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing

/// A raw HTTP/1.1 request as the suites write it (the URI may contain spaces and UTF-8).
struct RawRequest {
    method: String,
    uri: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn parse_request(raw: &[u8]) -> Result<RawRequest, String> {
    // The head ends at the first empty line; the body (if any) follows it verbatim.
    let mut head_end = raw.len();
    let mut body_start = raw.len();
    let mut pos = 0;
    while pos < raw.len() {
        let line_end = raw[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(raw.len(), |i| pos + i);
        let line = &raw[pos..line_end];
        if line.is_empty() || line == b"\r" {
            head_end = pos;
            body_start = (line_end + 1).min(raw.len());
            break;
        }
        pos = line_end + 1;
    }
    let head = std::str::from_utf8(&raw[..head_end.min(raw.len())])
        .map_err(|_| "request head is not UTF-8".to_string())?;
    let mut lines = head.lines().map(|l| l.strip_suffix('\r').unwrap_or(l));

    let request_line = lines.next().ok_or("empty request")?;
    let (method, rest) = request_line
        .split_once(' ')
        .ok_or("malformed request line")?;
    let (uri, version) = rest.rsplit_once(' ').ok_or("malformed request line")?;
    if !version.to_ascii_uppercase().starts_with("HTTP/") {
        return Err(format!("malformed request line {request_line:?}"));
    }

    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            // obs-fold: a continuation of the previous header's value.
            let (_, value) = headers
                .last_mut()
                .ok_or("continuation line before any header")?;
            value.push(' ');
            value.push_str(line.trim());
        } else {
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| format!("malformed header line {line:?}"))?;
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    Ok(RawRequest {
        method: method.to_owned(),
        uri: uri.to_owned(),
        headers,
        body: raw[body_start..].to_vec(),
    })
}

/// Reads an expectation file: CRs dropped (botocore does the same), trailing newline ignored.
fn read_expected(path: &Path) -> Result<String, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", file_name(path)))?;
    let mut text = text.replace('\r', "");
    while text.ends_with('\n') {
        text.pop();
    }
    Ok(text)
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Seconds since the epoch for `YYYY-MM-DDTHH:MM:SSZ` or `YYYYMMDDTHHMMSSZ`.
fn parse_timestamp(s: &str) -> Result<SystemTime, String> {
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    let ok_shape = s.ends_with('Z') && s.contains('T') && digits.len() == 14;
    if !ok_shape {
        return Err(format!("unsupported timestamp {s:?}"));
    }
    let n = |r: std::ops::Range<usize>| digits[r].parse::<i64>().unwrap_or(0);
    let (y, m, d) = (n(0..4), n(4..6), n(6..8));
    let (hh, mm, ss) = (n(8..10), n(10..12), n(12..14));
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return Err(format!("invalid timestamp {s:?}"));
    }
    // Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar, counting years
    // from March so that the leap day falls at the end of the counted year.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let year_of_era = y.rem_euclid(400);
    let month_from_march = (m + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + d - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    let secs = days * 86_400 + hh * 3600 + mm * 60 + ss;
    let secs = u64::try_from(secs).map_err(|_| format!("timestamp before 1970: {s:?}"))?;
    Ok(UNIX_EPOCH + Duration::from_secs(secs))
}

// ---------------------------------------------------------------------------------------------
// Checking

/// Collects the differences of one case+form.
#[derive(Default)]
struct Diffs(Vec<String>);

impl Diffs {
    fn check(&mut self, what: &str, expected: &str, actual: &str) {
        if expected != actual {
            self.0
                .push(format!("{what}: expected {expected:?}, got {actual:?}"));
        }
    }

    fn note(&mut self, message: String) {
        self.0.push(message);
    }

    fn report(self, summary: &mut Summary, label: &str, form: &str) {
        if self.0.is_empty() {
            summary.pass();
        } else {
            summary.fail(format!("FAIL {label} [{form}]: {}", self.0.join("; ")));
        }
    }
}

fn authorization(out: &SigningOutput) -> &str {
    out.headers
        .iter()
        .find(|(k, _)| *k == "authorization")
        .map_or("", |(_, v)| v.as_str())
}

// ---------------------------------------------------------------------------------------------
// botocore aws4_testsuite

const SUITE_ACCESS_KEY: &str = "AKIDEXAMPLE";
const SUITE_SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SUITE_REGION: &str = "us-east-1";
const SUITE_SERVICE: &str = "service";
const SUITE_TIME: &str = "20150830T123600Z";

fn run_botocore(dir: &Path, name: &str, summary: &mut Summary) {
    let label = botocore_label(dir, name);
    let mut diffs = Diffs::default();
    if let Err(e) = check_botocore(dir, name, &mut diffs) {
        diffs.note(e);
    }
    diffs.report(summary, &label, "header");
}

fn check_botocore(dir: &Path, name: &str, diffs: &mut Diffs) -> Result<(), String> {
    let file = |ext: &str| dir.join(format!("{name}.{ext}"));
    let raw = fs::read(file("req")).map_err(|e| format!("cannot read {name}.req: {e}"))?;
    let request = parse_request(&raw)?;
    let creq = read_expected(&file("creq"))?;
    let sts = read_expected(&file("sts"))?;
    let authz = read_expected(&file("authz"))?;

    // Like botocore's runner: the credentials carry a token exactly when the expected
    // canonical request signs one.
    let token = creq
        .lines()
        .find_map(|l| l.strip_prefix("x-amz-security-token:"));
    let params = SigningParams {
        access_key_id: SUITE_ACCESS_KEY,
        secret_access_key: SUITE_SECRET_KEY,
        session_token: token,
        region: SUITE_REGION,
        service: SUITE_SERVICE,
        time: parse_timestamp(SUITE_TIME)?,
        settings: SigningSettings::default(),
    };
    let out = sign_raw(&request, &params)?;
    diffs.check("canonical request", &creq, &out.canonical_request);
    diffs.check("string to sign", &sts, &out.string_to_sign);
    diffs.check("authorization", &authz, authorization(&out));
    let expected_signature = authz.rsplit_once("Signature=").map_or("", |(_, s)| s);
    diffs.check("signature", expected_signature, &out.signature);
    Ok(())
}

fn sign_raw(request: &RawRequest, params: &SigningParams<'_>) -> Result<SigningOutput, String> {
    let headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let signable = SignableRequest {
        method: &request.method,
        uri: &request.uri,
        headers: headers.as_slice().into(),
        body: SignableBody::Bytes(&request.body),
    };
    sigv4::sign(&signable, params).map_err(|e| format!("signing failed: {e}"))
}

// ---------------------------------------------------------------------------------------------
// aws-c-auth aws-signing-test-suite

struct Context {
    access_key_id: String,
    secret_access_key: String,
    token: Option<String>,
    region: String,
    service: String,
    time: SystemTime,
    normalize: bool,
    sign_body: bool,
    omit_session_token: bool,
    expires_in: u64,
}

fn read_context(path: &Path) -> Result<Context, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read context.json: {e}"))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("invalid context.json: {e}"))?;
    let string = |v: &serde_json::Value, key: &str| -> Result<String, String> {
        v.get(key)
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("context.json: missing string `{key}`"))
    };
    let flag = |key: &str, default: bool| -> Result<bool, String> {
        match json.get(key) {
            None => Ok(default),
            Some(v) => v
                .as_bool()
                .ok_or_else(|| format!("context.json: `{key}` is not a boolean")),
        }
    };
    let credentials = json
        .get("credentials")
        .ok_or("context.json: missing `credentials`")?;
    Ok(Context {
        access_key_id: string(credentials, "access_key_id")?,
        secret_access_key: string(credentials, "secret_access_key")?,
        token: credentials
            .get("token")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
        region: string(&json, "region")?,
        service: string(&json, "service")?,
        time: parse_timestamp(&string(&json, "timestamp")?)?,
        normalize: flag("normalize", true)?,
        sign_body: flag("sign_body", false)?,
        omit_session_token: flag("omit_session_token", false)?,
        expires_in: match json.get("expiration_in_seconds") {
            None => 3600,
            Some(v) => v
                .as_u64()
                .ok_or("context.json: `expiration_in_seconds` is not an integer")?,
        },
    })
}

fn run_aws_c_auth(dir: &Path, summary: &mut Summary) {
    let label = dir.display().to_string();
    let setup = read_context(&dir.join("context.json")).and_then(|ctx| {
        let raw = fs::read(dir.join("request.txt"))
            .map_err(|e| format!("cannot read request.txt: {e}"))?;
        Ok((ctx, parse_request(&raw)?))
    });
    let (ctx, request) = match setup {
        Ok(s) => s,
        Err(e) => {
            summary.fail(format!("FAIL {label}: {e}"));
            return;
        }
    };
    let mut forms = 0;
    for form in ["header", "query"] {
        if !dir.join(format!("{form}-canonical-request.txt")).is_file() {
            continue;
        }
        forms += 1;
        let mut diffs = Diffs::default();
        if let Err(e) = check_aws_c_auth(dir, form, &ctx, &request, &mut diffs) {
            diffs.note(e);
        }
        diffs.report(summary, &label, form);
    }
    if forms == 0 {
        summary.fail(format!(
            "FAIL {label}: neither header-* nor query-* expectations found"
        ));
    }
}

fn check_aws_c_auth(
    dir: &Path,
    form: &str,
    ctx: &Context,
    request: &RawRequest,
    diffs: &mut Diffs,
) -> Result<(), String> {
    let expected = |what: &str| read_expected(&dir.join(format!("{form}-{what}.txt")));
    let location = if form == "query" {
        SignatureLocation::QueryParams {
            expires_in: Duration::from_secs(ctx.expires_in),
        }
    } else {
        SignatureLocation::Headers
    };
    let params = SigningParams {
        access_key_id: &ctx.access_key_id,
        secret_access_key: &ctx.secret_access_key,
        session_token: ctx.token.as_deref(),
        region: &ctx.region,
        service: &ctx.service,
        time: ctx.time,
        settings: SigningSettings {
            normalize_path: ctx.normalize,
            double_uri_encode: true,
            payload_checksum_header: ctx.sign_body,
            location,
            session_token_signed: !ctx.omit_session_token,
        },
    };
    let out = sign_raw(request, &params)?;
    diffs.check(
        "canonical request",
        &expected("canonical-request")?,
        &out.canonical_request,
    );
    diffs.check(
        "string to sign",
        &expected("string-to-sign")?,
        &out.string_to_sign,
    );
    diffs.check("signature", &expected("signature")?, &out.signature);

    let signed_path = dir.join(format!("{form}-signed-request.txt"));
    if signed_path.is_file() {
        let raw = fs::read(&signed_path).map_err(|e| format!("cannot read signed request: {e}"))?;
        let signed = parse_request(&raw)?;
        if form == "query" {
            check_presigned_uri(request, &signed, &out, diffs);
        } else {
            check_added_headers(request, &signed, &out, diffs);
        }
    }
    Ok(())
}

/// The signed request's URI must be the original one plus exactly our query parameters.
fn check_presigned_uri(
    request: &RawRequest,
    signed: &RawRequest,
    out: &SigningOutput,
    diffs: &mut Diffs,
) {
    let mut uri = request.uri.clone();
    for (i, (key, value)) in out.query.iter().enumerate() {
        let sep = if i > 0 || uri.contains('?') { '&' } else { '?' };
        let _ = write!(uri, "{sep}{key}={value}");
    }
    diffs.check("presigned URI", &signed.uri, &uri);
}

/// The headers the signed request has beyond the original must be exactly the ones we return,
/// with the same values.
fn check_added_headers(
    request: &RawRequest,
    signed: &RawRequest,
    out: &SigningOutput,
    diffs: &mut Diffs,
) {
    let original = |name: &str| {
        request
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(name))
    };
    let mut expected: Vec<(String, &str)> = signed
        .headers
        .iter()
        .filter(|(k, _)| !original(k))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str()))
        .collect();
    let mut actual: Vec<(String, &str)> = out
        .headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.as_str()))
        .collect();
    expected.sort();
    actual.sort();
    if expected != actual {
        diffs.note(format!(
            "added headers: expected {expected:?}, got {actual:?}"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        let t = |s| {
            parse_timestamp(s)
                .unwrap()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs()
        };
        assert_eq!(t("2015-08-30T12:36:00Z"), 1_440_938_160);
        assert_eq!(t("20150830T123600Z"), 1_440_938_160);
        assert_eq!(t("1970-01-01T00:00:00Z"), 0);
        assert_eq!(t("2000-03-01T00:00:00Z"), 951_868_800);
        assert!(parse_timestamp("2015-08-30").is_err());
    }

    #[test]
    fn request_parsing() {
        let r = parse_request(
            b"GET /example space/?a=b HTTP/1.1\r\nHost:h\r\nX: v1\r\n   v2\r\n\r\nbody\n",
        )
        .unwrap();
        assert_eq!(r.method, "GET");
        assert_eq!(r.uri, "/example space/?a=b");
        assert_eq!(
            r.headers,
            [("Host".into(), "h".into()), ("X".into(), "v1 v2".into())]
        );
        assert_eq!(r.body, b"body\n");
        let r = parse_request(b"POST / HTTP/1.1\nHost:h").unwrap();
        assert!(r.body.is_empty());
        assert!(parse_request(b"GET /\n").is_err());
    }
}
