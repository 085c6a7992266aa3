//! AWS Signature Version 4 as a pure function.
//!
//! [`sign`] takes a description of the request ([`SignableRequest`]) and the credentials, scope,
//! time and settings ([`SigningParams`]) and returns what to add to the request
//! ([`SigningOutput`]): headers for header-based auth, or query parameters for presigned URLs.
//! It performs no I/O and never reads the clock; all inputs are explicit.
//!
//! The algorithm follows the AWS specification (canonical request, string to sign, derived
//! signing key) and is checked against the botocore `aws4_testsuite` and the aws-c-auth
//! `aws-signing-test-suite` (see `tests/tests/sigv4.rs`).
//!
//! Headers the signer owns: `authorization` and `x-amz-date` are always produced by the signer,
//! as are `x-amz-security-token` when a session token is given and `x-amz-content-sha256` when
//! [`SigningSettings::payload_checksum_header`] applies. Copies of those headers in
//! [`SignableRequest::headers`] are ignored, so the caller must *replace* (not append) them
//! with the returned values. `user-agent`, `x-amzn-trace-id`, `expect` and `transfer-encoding`
//! are never signed, because intermediaries may change them.

mod canonical;
mod key_cache;

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ring::{digest, hmac};

pub(crate) use canonical::hex_lower;
use canonical::{
    is_valid_header_name, is_valid_header_value, normalize_path, parse_query, push_canonical_path,
    push_hex_lower, push_normalized_value, uri_encode,
};

/// Whether `name` is a header name (an HTTP token) without upper-case letters: the form
/// `http::HeaderName::from_static` takes.
pub(crate) fn is_lower_token(name: &str) -> bool {
    is_valid_header_name(name) && !name.bytes().any(|b| b.is_ascii_uppercase())
}

/// The signing algorithm identifier.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// Payload hash used when the body is not signed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// Longest validity AWS accepts for a presigned request (7 days).
pub const MAX_PRESIGNED_EXPIRY: Duration = Duration::from_secs(604_800);

/// Hex SHA-256 of the empty string, the payload hash of a request without a body.
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Headers that are never part of the signature.
const UNSIGNED_HEADERS: &[&str] = &[
    "authorization",
    "expect",
    "transfer-encoding",
    "user-agent",
    "x-amzn-trace-id",
];

/// Everything needed to sign, besides the request itself.
///
/// `Debug` is implemented by hand and redacts the secret key and the session token.
pub struct SigningParams<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    pub session_token: Option<&'a str>,
    pub region: &'a str,
    /// Signing name of the service (e.g. `s3`, `execute-api`), not necessarily its endpoint prefix.
    pub service: &'a str,
    /// Signing time; the caller reads the clock (or a fixed time in tests).
    pub time: SystemTime,
    pub settings: SigningSettings,
}

impl fmt::Debug for SigningParams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningParams")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.map(|_| "** redacted **"),
            )
            .field("region", &self.region)
            .field("service", &self.service)
            .field("time", &self.time)
            .field("settings", &self.settings)
            .finish()
    }
}

/// Service-dependent knobs. [`Default`] is right for every service except S3 (see [`Self::s3`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigningSettings {
    /// Remove `.`/`..` segments and collapse `//` in the path before signing (false for S3).
    pub normalize_path: bool,
    /// URI-encode the path as sent once more, so each segment ends up encoded twice (false for
    /// S3, whose path segments are encoded once).
    pub double_uri_encode: bool,
    /// Add (and sign) `x-amz-content-sha256` carrying the payload hash (S3). Header-based
    /// signing only; presigned requests never carry it.
    pub payload_checksum_header: bool,
    /// Where the signature goes: headers, or query parameters (presigned URL).
    pub location: SignatureLocation,
    /// Whether `x-amz-security-token` / `X-Amz-Security-Token` is part of the signature (the
    /// normal case). When false it is still returned, but added after signing.
    pub session_token_signed: bool,
}

impl Default for SigningSettings {
    fn default() -> Self {
        Self {
            normalize_path: true,
            double_uri_encode: true,
            payload_checksum_header: false,
            location: SignatureLocation::Headers,
            session_token_signed: true,
        }
    }
}

impl SigningSettings {
    /// Settings for S3: no path normalization, single encoding, signed `x-amz-content-sha256`.
    pub fn s3() -> Self {
        Self {
            normalize_path: false,
            double_uri_encode: false,
            payload_checksum_header: true,
            ..Self::default()
        }
    }
}

/// Where the signature is placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureLocation {
    /// `authorization` header (plus `x-amz-date`, ...).
    Headers,
    /// Presigned URL: `X-Amz-*` query parameters, valid for `expires_in` (1 s to 7 days, whole
    /// seconds; sub-second parts are dropped).
    QueryParams { expires_in: Duration },
}

/// The request body as far as signing is concerned.
#[derive(Clone, Copy)]
pub enum SignableBody<'a> {
    /// The full body; its SHA-256 is the payload hash.
    Bytes(&'a [u8]),
    /// `UNSIGNED-PAYLOAD`.
    UnsignedPayload,
    /// A payload hash computed elsewhere: a hex SHA-256, or a marker such as
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`. Used verbatim.
    Precomputed(&'a str),
}

impl fmt::Debug for SignableBody<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            Self::UnsignedPayload => f.write_str("UnsignedPayload"),
            Self::Precomputed(s) => f.debug_tuple("Precomputed").field(s).finish(),
        }
    }
}

/// The parts of an HTTP request that are signed.
pub struct SignableRequest<'a> {
    /// HTTP method, as sent (upper case).
    pub method: &'a str,
    /// `path?query`, exactly as it will be sent (origin form; no scheme, authority or fragment).
    pub uri: &'a str,
    /// The request's headers, in order; `host` must be present. Repeated names are combined.
    pub headers: SignableHeaders<'a>,
    pub body: SignableBody<'a>,
}

/// The headers to sign: name/value pairs as text (the conformance suites' form), or the
/// request's own `http::HeaderMap`, read in place so that signing copies no header.
#[derive(Clone, Copy)]
pub enum SignableHeaders<'a> {
    Pairs(&'a [(&'a str, &'a str)]),
    Map(&'a http::HeaderMap),
}

impl<'a> From<&'a [(&'a str, &'a str)]> for SignableHeaders<'a> {
    fn from(pairs: &'a [(&'a str, &'a str)]) -> Self {
        SignableHeaders::Pairs(pairs)
    }
}

impl<'a, const N: usize> From<&'a [(&'a str, &'a str); N]> for SignableHeaders<'a> {
    fn from(pairs: &'a [(&'a str, &'a str); N]) -> Self {
        SignableHeaders::Pairs(pairs)
    }
}

impl<'a> From<&'a http::HeaderMap> for SignableHeaders<'a> {
    fn from(map: &'a http::HeaderMap) -> Self {
        SignableHeaders::Map(map)
    }
}

impl<'a> SignableHeaders<'a> {
    fn len(self) -> usize {
        match self {
            SignableHeaders::Pairs(p) => p.len(),
            SignableHeaders::Map(m) => m.len(),
        }
    }

    /// Each header in order as `(name, value)`; a map value that is not UTF-8 comes back as
    /// `Err(name)` (the signer rejects it as it does a value with control characters).
    fn iter(self) -> HeaderIter<'a> {
        match self {
            SignableHeaders::Pairs(p) => HeaderIter::Pairs(p.iter()),
            SignableHeaders::Map(m) => HeaderIter::Map(m.iter()),
        }
    }
}

enum HeaderIter<'a> {
    Pairs(std::slice::Iter<'a, (&'a str, &'a str)>),
    Map(http::header::Iter<'a, http::HeaderValue>),
}

impl<'a> Iterator for HeaderIter<'a> {
    type Item = (&'a str, Result<&'a str, ()>);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            HeaderIter::Pairs(it) => it.next().map(|&(k, v)| (k, Ok(v))),
            HeaderIter::Map(it) => it.next().map(|(k, v)| {
                (
                    k.as_str(),
                    std::str::from_utf8(v.as_bytes()).map_err(|_| ()),
                )
            }),
        }
    }
}

/// What the caller adds to the request, plus the intermediate values (for debugging and tests).
pub struct SigningOutput {
    /// Headers to set (lower-case names): `x-amz-date`, `x-amz-security-token`,
    /// `x-amz-content-sha256` as applicable, and `authorization`. Empty when presigning.
    pub headers: Vec<(&'static str, String)>,
    /// Query parameters to append, in order, when presigning (empty otherwise). Keys and values
    /// are already URI-encoded: append them verbatim as `&key=value` (`?` if the URI had no query).
    pub query: Vec<(String, String)>,
    pub canonical_request: String,
    pub string_to_sign: String,
    /// Lower-case hex signature.
    pub signature: String,
}

impl fmt::Debug for SigningOutput {
    /// Lists header names and query keys only: the session token appears in the values and in
    /// the canonical request.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<&str> = self.headers.iter().map(|(k, _)| *k).collect();
        let query: Vec<&str> = self.query.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("SigningOutput")
            .field("headers", &headers)
            .field("query", &query)
            .field("string_to_sign", &self.string_to_sign)
            .field("signature", &self.signature)
            .finish_non_exhaustive()
    }
}

/// Why a request could not be signed. Messages never contain credentials or header values.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SigningError {
    /// No `host` header among the request headers.
    MissingHost,
    /// A header name that is not an HTTP token.
    InvalidHeaderName(String),
    /// A header value with control characters (e.g. CR/LF); carries the header name.
    InvalidHeaderValue(String),
    /// The method is not an HTTP token.
    InvalidMethod,
    /// The URI is not in origin form (`/path?query`).
    InvalidUri(&'static str),
    /// The signing time is before 1970 or beyond year 9999.
    InvalidTime,
    /// Presigned expiry outside 1 second to 7 days; carries the requested seconds.
    InvalidExpiry(u64),
    /// Empty or malformed access key id, region or service; carries which one.
    InvalidScope(&'static str),
    /// A precomputed payload hash that is empty or not a valid header value.
    InvalidPayloadHash,
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHost => f.write_str("cannot sign request: no `host` header"),
            Self::InvalidHeaderName(name) => {
                write!(f, "cannot sign request: invalid header name {name:?}")
            }
            Self::InvalidHeaderValue(name) => write!(
                f,
                "cannot sign request: header `{name}` has a value with control characters"
            ),
            Self::InvalidMethod => f.write_str("cannot sign request: invalid HTTP method"),
            Self::InvalidUri(why) => write!(f, "cannot sign request: invalid URI ({why})"),
            Self::InvalidTime => f.write_str("cannot sign request: signing time out of range"),
            Self::InvalidExpiry(secs) => write!(
                f,
                "cannot presign request: expiry of {secs} s is outside 1 s to 7 days"
            ),
            Self::InvalidScope(what) => write!(f, "cannot sign request: invalid {what}"),
            Self::InvalidPayloadHash => {
                f.write_str("cannot sign request: invalid precomputed payload hash")
            }
        }
    }
}

impl std::error::Error for SigningError {}

/// Lower-case hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    if data.is_empty() {
        return EMPTY_SHA256.to_owned();
    }
    hex_lower(sha256(data).as_ref())
}

/// SHA-256 through ring, which uses the CPU's SHA extensions (or its vector code) where
/// present: the SHA-256 of the payload and of the canonical request is most of what signing a
/// request costs once its key is cached.
fn sha256(data: &[u8]) -> digest::Digest {
    digest::digest(&digest::SHA256, data)
}

pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data);
    let mut out = [0; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

/// `YYYYMMDDTHHMMSSZ` for `time`.
pub(crate) fn amz_date(time: SystemTime) -> Result<[u8; 16], SigningError> {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map_err(|_| SigningError::InvalidTime)?
        .as_secs();
    let secs = i64::try_from(secs).map_err(|_| SigningError::InvalidTime)?;
    let dt =
        time::OffsetDateTime::from_unix_timestamp(secs).map_err(|_| SigningError::InvalidTime)?;
    let year = u32::try_from(dt.year()).map_err(|_| SigningError::InvalidTime)?;
    if year > 9999 {
        return Err(SigningError::InvalidTime);
    }
    let mut out = *b"00000000T000000Z";
    let mut put = |at: usize, width: usize, mut value: u32| {
        for i in (at..at + width).rev() {
            out[i] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    put(0, 4, year);
    put(4, 2, u32::from(u8::from(dt.month())));
    put(6, 2, u32::from(dt.day()));
    put(9, 2, u32::from(dt.hour()));
    put(11, 2, u32::from(dt.minute()));
    put(13, 2, u32::from(dt.second()));
    Ok(out)
}

pub(crate) fn check_scope_part(value: &str, what: &'static str) -> Result<(), SigningError> {
    let ok = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'/' && b != b',' && b != b'=');
    if ok {
        Ok(())
    } else {
        Err(SigningError::InvalidScope(what))
    }
}

/// The SigV4 signing key for `date` (`YYYYMMDD`), region and service; shared with the
/// event-stream chunk signer, which signs each message with the key of its own date.
pub(crate) fn signing_key(
    secret_access_key: &str,
    date: &str,
    region: &str,
    service: &str,
) -> [u8; 32] {
    let mut secret = Vec::with_capacity(4 + secret_access_key.len());
    secret.extend_from_slice(b"AWS4");
    secret.extend_from_slice(secret_access_key.as_bytes());
    let k_date = hmac_sha256(&secret, date.as_bytes());
    secret.fill(0);
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    hmac_sha256(&k_service, b"aws4_request")
}

/// Signs `request` with SigV4. See the module documentation for which headers the signer owns.
pub fn sign(
    request: &SignableRequest<'_>,
    params: &SigningParams<'_>,
) -> Result<SigningOutput, SigningError> {
    let settings = &params.settings;
    check_scope_part(params.access_key_id, "access key id")?;
    check_scope_part(params.region, "region")?;
    check_scope_part(params.service, "service")?;
    if request.method.is_empty() || !is_valid_header_name(request.method) {
        return Err(SigningError::InvalidMethod);
    }

    let date_buf = amz_date(params.time)?;
    let amz_date = std::str::from_utf8(&date_buf).expect("ASCII");
    let date = &amz_date[..8];

    let expires_in = match settings.location {
        SignatureLocation::Headers => None,
        SignatureLocation::QueryParams { expires_in } => {
            let secs = expires_in.as_secs();
            if secs == 0 || expires_in > MAX_PRESIGNED_EXPIRY {
                return Err(SigningError::InvalidExpiry(secs));
            }
            Some(secs)
        }
    };
    let presigning = expires_in.is_some();

    let (path, query) = request.uri.split_once('?').unwrap_or((request.uri, ""));
    if request.uri.contains('#') {
        return Err(SigningError::InvalidUri("contains a fragment"));
    }
    if !(path.is_empty() || path.starts_with('/')) {
        return Err(SigningError::InvalidUri("must be `/path?query`"));
    }

    let payload_hash: Cow<'_, str> = match request.body {
        SignableBody::Bytes(bytes) => Cow::Owned(sha256_hex(bytes)),
        SignableBody::UnsignedPayload => Cow::Borrowed(UNSIGNED_PAYLOAD),
        SignableBody::Precomputed(hash) => {
            if hash.is_empty() || !hash.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(SigningError::InvalidPayloadHash);
            }
            Cow::Borrowed(hash)
        }
    };

    let token = params.session_token;
    let token_signed = token.is_some() && settings.session_token_signed;
    let checksum_header = settings.payload_checksum_header && !presigning;

    // Canonical headers: (lower-case name, raw value), stably sorted by name so repeated
    // headers keep their order.
    let mut headers: Vec<(Cow<'_, str>, &str)> = Vec::with_capacity(request.headers.len() + 3);
    let mut has_host = false;
    let mut header_bytes = 0;
    for (name, value) in request.headers.iter() {
        if !is_valid_header_name(name) {
            return Err(SigningError::InvalidHeaderName(name.to_owned()));
        }
        let value = match value {
            Ok(v) if is_valid_header_value(v) => v,
            _ => return Err(SigningError::InvalidHeaderValue(name.to_owned())),
        };
        header_bytes += name.len() + value.len() + 2;
        let lower = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(name.to_ascii_lowercase())
        } else {
            Cow::Borrowed(name)
        };
        let skip = match &*lower {
            "host" => {
                has_host = true;
                false
            }
            "x-amz-date" => true,
            "x-amz-security-token" => token.is_some(),
            "x-amz-content-sha256" => checksum_header,
            other => UNSIGNED_HEADERS.contains(&other),
        };
        if !skip {
            headers.push((lower, value));
        }
    }
    if !has_host {
        return Err(SigningError::MissingHost);
    }
    if !presigning {
        headers.push((Cow::Borrowed("x-amz-date"), amz_date));
        if let (Some(token), true) = (token, token_signed) {
            headers.push((Cow::Borrowed("x-amz-security-token"), token));
        }
    }
    if checksum_header {
        headers.push((Cow::Borrowed("x-amz-content-sha256"), &payload_hash));
    }
    headers.sort_by(|a, b| a.0.cmp(&b.0));

    let mut signed_headers = String::with_capacity(headers.len() * 16);
    for (i, (name, _)) in headers.iter().enumerate() {
        if i > 0 && headers[i - 1].0 == *name {
            continue;
        }
        if !signed_headers.is_empty() {
            signed_headers.push(';');
        }
        signed_headers.push_str(name);
    }

    let mut scope =
        String::with_capacity(date.len() + params.region.len() + params.service.len() + 15);
    for part in [
        date,
        "/",
        params.region,
        "/",
        params.service,
        "/aws4_request",
    ] {
        scope.push_str(part);
    }

    // Presigning parameters, already encoded; also what the caller appends (same order as
    // aws-c-auth and botocore emit them).
    let mut presign_query: Vec<(&'static str, String)> = Vec::new();
    if let Some(expires) = expires_in {
        presign_query.reserve_exact(7);
        presign_query.push(("X-Amz-Algorithm", ALGORITHM.to_owned()));
        let credential = format!("{}/{scope}", params.access_key_id);
        presign_query.push(("X-Amz-Credential", uri_encode(&credential).into_owned()));
        presign_query.push(("X-Amz-Date", amz_date.to_owned()));
        presign_query.push((
            "X-Amz-SignedHeaders",
            uri_encode(&signed_headers).into_owned(),
        ));
        presign_query.push(("X-Amz-Expires", expires.to_string()));
        if let Some(token) = token {
            presign_query.push(("X-Amz-Security-Token", uri_encode(token).into_owned()));
        }
    }

    // Allocated only for a query string or presigning parameters.
    let mut query_params: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::new();
    parse_query(query, &mut query_params);
    for (key, value) in &presign_query {
        if *key == "X-Amz-Security-Token" && !token_signed {
            continue;
        }
        query_params.push((Cow::Borrowed(key), Cow::Borrowed(value)));
    }
    query_params.sort_unstable();

    // Canonical request.
    let path = if settings.normalize_path {
        normalize_path(path)
    } else {
        Cow::Borrowed(path)
    };
    let mut creq = String::with_capacity(
        request.method.len()
            + path.len() * 3
            + query.len() * 2
            + presign_query
                .iter()
                .map(|(_, v)| v.len() + 24)
                .sum::<usize>()
            + header_bytes
            + 160
            + signed_headers.len() * 2,
    );
    creq.push_str(request.method);
    creq.push('\n');
    push_canonical_path(&mut creq, &path, settings.double_uri_encode);
    creq.push('\n');
    for (i, (key, value)) in query_params.iter().enumerate() {
        if i > 0 {
            creq.push('&');
        }
        creq.push_str(key);
        creq.push('=');
        creq.push_str(value);
    }
    creq.push('\n');
    for (i, (name, value)) in headers.iter().enumerate() {
        if i > 0 && headers[i - 1].0 == *name {
            creq.push(',');
        } else {
            if i > 0 {
                creq.push('\n');
            }
            creq.push_str(name);
            creq.push(':');
        }
        push_normalized_value(&mut creq, value);
    }
    if !headers.is_empty() {
        creq.push('\n');
    }
    creq.push('\n');
    creq.push_str(&signed_headers);
    creq.push('\n');
    creq.push_str(&payload_hash);
    drop(query_params);

    // String to sign.
    let creq_hash = sha256(creq.as_bytes());
    let mut sts = String::with_capacity(ALGORITHM.len() + amz_date.len() + scope.len() + 67);
    sts.push_str(ALGORITHM);
    sts.push('\n');
    sts.push_str(amz_date);
    sts.push('\n');
    sts.push_str(&scope);
    sts.push('\n');
    push_hex_lower(&mut sts, creq_hash.as_ref());

    // Signature, with the signing key derived once per secret, date, region and service.
    let signature = {
        let key = key_cache::signing_key(
            params.secret_access_key,
            date,
            params.region,
            params.service,
        );
        hex_lower(hmac::sign(&key, sts.as_bytes()).as_ref())
    };

    let mut out_headers = Vec::new();
    let mut out_query = Vec::new();
    if presigning {
        out_query.reserve_exact(presign_query.len() + 1);
        out_query.extend(presign_query.into_iter().map(|(k, v)| (k.to_owned(), v)));
        out_query.push(("X-Amz-Signature".to_owned(), signature.clone()));
    } else {
        out_headers.reserve_exact(4);
        out_headers.push(("x-amz-date", amz_date.to_owned()));
        if let Some(token) = token {
            out_headers.push(("x-amz-security-token", token.to_owned()));
        }
        if checksum_header {
            out_headers.push(("x-amz-content-sha256", payload_hash.into_owned()));
        }
        let parts = [
            ALGORITHM,
            " Credential=",
            params.access_key_id,
            "/",
            &scope,
            ", SignedHeaders=",
            &signed_headers,
            ", Signature=",
            &signature,
        ];
        let mut authorization = String::with_capacity(parts.iter().map(|p| p.len()).sum());
        for part in parts {
            authorization.push_str(part);
        }
        out_headers.push(("authorization", authorization));
    }

    Ok(SigningOutput {
        headers: out_headers,
        query: out_query,
        canonical_request: creq,
        string_to_sign: sts,
        signature,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const AKID: &str = "AKIDEXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    // 2015-08-30T12:36:00Z
    const TIME_SECS: u64 = 1_440_938_160;
    const HOST: (&str, &str) = ("Host", "example.amazonaws.com");

    fn params(token: Option<&'static str>, settings: SigningSettings) -> SigningParams<'static> {
        SigningParams {
            access_key_id: AKID,
            secret_access_key: SECRET,
            session_token: token,
            region: "us-east-1",
            service: "service",
            time: UNIX_EPOCH + Duration::from_secs(TIME_SECS),
            settings,
        }
    }

    fn get<'a>(uri: &'a str, headers: &'a [(&'a str, &'a str)]) -> SignableRequest<'a> {
        SignableRequest {
            method: "GET",
            uri,
            headers: headers.into(),
            body: SignableBody::Bytes(b""),
        }
    }

    fn header<'a>(out: &'a SigningOutput, name: &str) -> Option<&'a str> {
        out.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn vanilla_header_signing() {
        let out = sign(
            &get("/", &[HOST]),
            &params(None, SigningSettings::default()),
        )
        .unwrap();
        assert_eq!(
            out.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n\
             host;x-amz-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            out.signature,
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
        let names: Vec<&str> = out.headers.iter().map(|(k, _)| *k).collect();
        assert_eq!(names, ["x-amz-date", "authorization"]);
        assert_eq!(header(&out, "x-amz-date"), Some("20150830T123600Z"));
        assert_eq!(
            header(&out, "authorization"),
            Some(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
                 SignedHeaders=host;x-amz-date, \
                 Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
            )
        );
        assert!(out.query.is_empty());
    }

    #[test]
    fn session_token_signed_and_unsigned() {
        let token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
        let out = sign(
            &get("/", &[HOST]),
            &params(Some(token), SigningSettings::default()),
        )
        .unwrap();
        assert!(out
            .canonical_request
            .contains(&format!("\nx-amz-security-token:{token}\n")));
        assert!(out
            .canonical_request
            .contains("\nhost;x-amz-date;x-amz-security-token\n"));
        assert_eq!(
            out.signature,
            "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"
        );
        assert_eq!(header(&out, "x-amz-security-token"), Some(token));

        // Added after signing: returned, but not in the canonical request.
        let settings = SigningSettings {
            session_token_signed: false,
            ..SigningSettings::default()
        };
        let out = sign(&get("/", &[HOST]), &params(Some(token), settings)).unwrap();
        assert!(!out.canonical_request.contains("x-amz-security-token"));
        assert_eq!(header(&out, "x-amz-security-token"), Some(token));
        assert_eq!(
            out.signature,
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );

        // A stale token header from the caller is replaced, not signed twice.
        let headers = [HOST, ("X-Amz-Security-Token", "stale")];
        let out = sign(
            &get("/", &headers),
            &params(Some(token), SigningSettings::default()),
        )
        .unwrap();
        assert!(!out.canonical_request.contains("stale"));
        assert_eq!(
            out.signature,
            "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"
        );
    }

    #[test]
    fn unsigned_and_precomputed_payloads() {
        let settings = SigningSettings::s3();
        let mut request = get("/bucket/key", &[HOST]);
        request.body = SignableBody::UnsignedPayload;
        let out = sign(&request, &params(None, settings)).unwrap();
        assert!(out.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
        assert!(out
            .canonical_request
            .contains("\nx-amz-content-sha256:UNSIGNED-PAYLOAD\n"));
        assert!(out
            .canonical_request
            .contains("\nhost;x-amz-content-sha256;x-amz-date\n"));
        assert_eq!(
            header(&out, "x-amz-content-sha256"),
            Some("UNSIGNED-PAYLOAD")
        );

        // Without the checksum header the hash is still the last line, but no header is added.
        let out = sign(&request, &params(None, SigningSettings::default())).unwrap();
        assert!(out.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
        assert_eq!(header(&out, "x-amz-content-sha256"), None);

        request.body = SignableBody::Precomputed("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
        let out = sign(&request, &params(None, settings)).unwrap();
        assert!(out
            .canonical_request
            .ends_with("\nSTREAMING-AWS4-HMAC-SHA256-PAYLOAD"));

        request.body = SignableBody::Bytes(b"Param1=value1");
        let out = sign(&request, &params(None, settings)).unwrap();
        assert_eq!(
            header(&out, "x-amz-content-sha256"),
            Some("9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e")
        );

        request.body = SignableBody::Precomputed("bad\nhash");
        assert_eq!(
            sign(&request, &params(None, settings)).unwrap_err(),
            SigningError::InvalidPayloadHash
        );
    }

    #[test]
    fn presigned_query() {
        let settings = SigningSettings {
            location: SignatureLocation::QueryParams {
                expires_in: Duration::from_secs(3600),
            },
            ..SigningSettings::default()
        };
        let out = sign(&get("/", &[HOST]), &params(None, settings)).unwrap();
        assert!(out.headers.is_empty());
        assert_eq!(
            out.canonical_request,
            "GET\n/\n\
             X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request\
             &X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host\n\
             host:example.amazonaws.com\n\nhost\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let keys: Vec<&str> = out.query.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "X-Amz-Algorithm",
                "X-Amz-Credential",
                "X-Amz-Date",
                "X-Amz-SignedHeaders",
                "X-Amz-Expires",
                "X-Amz-Signature"
            ]
        );
        assert_eq!(
            out.query.last().unwrap().1,
            "e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d"
        );
        assert_eq!(out.signature, out.query.last().unwrap().1);

        // Presigning with a token (encoded in the output) and an S3-style unsigned payload.
        let token = "tok/en+==";
        let mut request = get("/b/k?x-id=GetObject", &[HOST]);
        request.body = SignableBody::UnsignedPayload;
        let out = sign(
            &request,
            &params(
                Some(token),
                SigningSettings {
                    location: settings.location,
                    ..SigningSettings::s3()
                },
            ),
        )
        .unwrap();
        assert!(out.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
        assert!(out.canonical_request.contains(
            "&X-Amz-Security-Token=tok%2Fen%2B%3D%3D&X-Amz-SignedHeaders=host&x-id=GetObject\n"
        ));
        assert!(out
            .query
            .contains(&("X-Amz-Security-Token".into(), "tok%2Fen%2B%3D%3D".into())));
        assert!(!out.canonical_request.contains("x-amz-content-sha256"));

        for bad in [Duration::ZERO, Duration::from_secs(604_801)] {
            let settings = SigningSettings {
                location: SignatureLocation::QueryParams { expires_in: bad },
                ..SigningSettings::default()
            };
            assert!(matches!(
                sign(&get("/", &[HOST]), &params(None, settings)),
                Err(SigningError::InvalidExpiry(_))
            ));
        }
    }

    #[test]
    fn header_rules() {
        let headers = [
            ("User-Agent", "rboto/0.1"),
            ("My-Header", "  a   b  "),
            ("X-Amzn-Trace-Id", "Root=1"),
            HOST,
            ("my-header", "c"),
            ("Authorization", "old"),
            ("Expect", "100-continue"),
            ("X-Amz-Date", "19700101T000000Z"),
            ("Empty", ""),
        ];
        let out = sign(
            &get("/", &headers),
            &params(None, SigningSettings::default()),
        )
        .unwrap();
        assert_eq!(
            out.canonical_request,
            "GET\n/\n\nempty:\nhost:example.amazonaws.com\nmy-header:a b,c\n\
             x-amz-date:20150830T123600Z\n\nempty;host;my-header;x-amz-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn query_canonicalization() {
        let out = sign(
            &get("/?b=2&a=z&a=Y&c&%E1%88%b4=x+y&d=", &[HOST]),
            &params(None, SigningSettings::default()),
        )
        .unwrap();
        let line = out.canonical_request.lines().nth(2).unwrap();
        assert_eq!(line, "%E1%88%B4=x%20y&a=Y&a=z&b=2&c=&d=");
    }

    #[test]
    fn errors_do_not_leak_secrets() {
        let p = params(Some("SECRET-TOKEN"), SigningSettings::default());
        let dbg = format!("{p:?}");
        assert!(
            !dbg.contains(SECRET) && !dbg.contains("SECRET-TOKEN"),
            "{dbg}"
        );
        assert!(dbg.contains(AKID));

        let err = sign(&get("/", &[]), &p).unwrap_err();
        assert_eq!(err, SigningError::MissingHost);
        let bad_value = [HOST, ("x-secret", "SECRET-TOKEN\r\nx: y")];
        let err = sign(&get("/", &bad_value), &p).unwrap_err();
        assert_eq!(err, SigningError::InvalidHeaderValue("x-secret".into()));
        for err in [
            err,
            sign(&get("/", &[("bad name", "v")]), &p).unwrap_err(),
            sign(&get("http://h/", &[HOST]), &p).unwrap_err(),
            sign(&get("/#frag", &[HOST]), &p).unwrap_err(),
        ] {
            let msg = err.to_string();
            assert!(
                !msg.contains(SECRET) && !msg.contains("SECRET-TOKEN"),
                "{msg}"
            );
        }

        let out = sign(&get("/", &[HOST]), &p).unwrap();
        let dbg = format!("{out:?}");
        assert!(!dbg.contains("SECRET-TOKEN"), "{dbg}");
    }

    #[test]
    fn scope_and_time_validation() {
        let mut p = params(None, SigningSettings::default());
        p.region = "";
        assert_eq!(
            sign(&get("/", &[HOST]), &p).unwrap_err(),
            SigningError::InvalidScope("region")
        );
        let mut p = params(None, SigningSettings::default());
        p.time = UNIX_EPOCH - Duration::from_secs(1);
        assert_eq!(
            sign(&get("/", &[HOST]), &p).unwrap_err(),
            SigningError::InvalidTime
        );
        assert_eq!(
            amz_date(UNIX_EPOCH + Duration::from_secs(951_782_400)).unwrap(),
            *b"20000229T000000Z"
        );
    }

    #[test]
    fn s3_paths_are_not_normalized_or_double_encoded() {
        let out = sign(
            &get("/bucket//a/./b%20c", &[HOST]),
            &params(None, SigningSettings::s3()),
        )
        .unwrap();
        assert_eq!(
            out.canonical_request.lines().nth(1),
            Some("/bucket//a/./b%20c")
        );
        let out = sign(
            &get("/bucket//a/./b%20c", &[HOST]),
            &params(None, SigningSettings::default()),
        )
        .unwrap();
        assert_eq!(
            out.canonical_request.lines().nth(1),
            Some("/bucket/a/b%2520c")
        );
    }

    #[test]
    fn sha256_hex_works() {
        assert_eq!(sha256_hex(b""), EMPTY_SHA256);
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
