//! Console-login credentials (botocore's `LoginProvider` and `LoginCredentialFetcher`).
//!
//! `aws login` signs in through the browser and caches the result for the profile's
//! `login_session` in `~/.aws/login/cache/<sha256 hex of the session name>.json` (or
//! `$AWS_LOGIN_CACHE_DIRECTORY`). The cache holds temporary credentials (`accessToken`: key
//! id, secret, session token, account id, `expiresAt`), an OAuth `refreshToken` and
//! `clientId`, and the P-256 key (`dpopKey`, SEC1 PEM) the session is bound to.
//!
//! Credentials with more than five minutes left are used as cached. Otherwise they are
//! refreshed through AWS Sign-In `CreateOAuth2Token` (grant `refresh_token`, unsigned), in the
//! token's `signInRegion` when it names one, with a DPoP proof (RFC 9449, ES256) signed by
//! the cached key; the cache file is then rewritten with the new credentials and refresh token
//! so the next process (and the AWS CLI) uses them.

use super::services::{self, Fields, SIGNIN};
use super::Credentials;
use crate::config::Config;
use crate::error::{Error, ErrorKind, RawModeled};
use crate::profile::{expand_home, Platform};
use crate::types::{DateTime, REDACTED};
use crate::value::Value;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair as _, ECDSA_P256_SHA256_FIXED_SIGNING};
use std::fmt;
use std::path::{Path, PathBuf};

/// botocore's `_REFRESH_THRESHOLD`: cached credentials with this little left are refreshed.
const REFRESH_THRESHOLD_SECS: i64 = 5 * 60;

/// What botocore requires of a cached token before using it.
const REQUIRED_FIELDS: [&str; 4] = ["accessToken", "refreshToken", "dpopKey", "clientId"];

/// The provider name on the credentials (botocore's `METHOD`).
pub const PROVIDER: &str = "login";

/// The directory `aws login` caches sessions in: `$AWS_LOGIN_CACHE_DIRECTORY` (with `$VAR`s
/// and `~` expanded, as botocore does) or `~/.aws/login/cache`.
pub fn cache_dir(config: &Config) -> Result<PathBuf, Error> {
    let env = config.env();
    let dir = env
        .get("AWS_LOGIN_CACHE_DIRECTORY")
        .map(|d| expand_vars(&d, &|k| env.get(k)))
        .unwrap_or_else(|| "~/.aws/login/cache".to_string());
    expand_home(&dir, &|k| env.get(k), Platform::current())
        .map(PathBuf::from)
        .ok_or_else(|| {
            load_error("cannot find the login token cache: no home directory (HOME)".into())
        })
}

/// Python's `os.path.expandvars` on POSIX: `$NAME` and `${NAME}` become the variable's value;
/// unset variables and anything malformed are left as written.
fn expand_vars(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, len) = match after.strip_prefix('{') {
            Some(braced) => match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            },
            None => {
                let end = after.find(|c: char| !is_name(c)).unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        match lookup(name).filter(|_| !name.is_empty()) {
            Some(value) => {
                out.push_str(&value);
                rest = &after[len..];
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The cache file of session `session`: `<cache dir>/<sha256 hex of the name>.json`.
pub fn cache_path(config: &Config, session: &str) -> Result<PathBuf, Error> {
    Ok(cache_dir(config)?.join(format!(
        "{}.json",
        crate::sigv4::sha256_hex(session.as_bytes())
    )))
}

/// botocore's `LoginTokenLoadError`. Users fix these by signing in again, so they are
/// [`ErrorKind::NoCredentials`].
fn load_error(message: String) -> Error {
    Error::new(
        ErrorKind::NoCredentials,
        format!("Error loading login session token: {message}"),
    )
}

/// Credentials for the profile's `login_session`: cached, or refreshed when they have five
/// minutes or less left.
pub async fn credentials(config: &Config, session: &str) -> Result<Credentials, Error> {
    let path = cache_path(config, session)?;
    let text = match super::fs::read_to_string(&path).await {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(load_error(format!(
                "no login session `{session}` is cached ({} does not exist); run `aws login` \
                 to sign in",
                path.display()
            )))
        }
        Err(e) => {
            return Err(load_error(format!(
                "cannot read {} ({e}); run `aws login` to sign in again",
                path.display()
            )))
        }
    };
    let token = CachedToken::parse(&text, &path)?;
    if !needs_refresh(token.expiry, DateTime::now()) {
        return Ok(token.credentials);
    }
    refresh(config, &path, token).await
}

/// botocore refreshes when the time left is at most the threshold (and so also once expired).
pub fn needs_refresh(expiry: DateTime, now: DateTime) -> bool {
    expiry.secs() - now.secs() <= REFRESH_THRESHOLD_SECS
}

/// A parsed cache file: the document as read (rewritten whole on refresh, so fields this
/// crate does not use, like `idToken`, survive) and the credentials in it.
struct CachedToken {
    doc: serde_json::Map<String, serde_json::Value>,
    credentials: Credentials,
    expiry: DateTime,
}

impl fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedToken")
            .field("credentials", &self.credentials)
            .field("doc", &REDACTED)
            .finish()
    }
}

impl CachedToken {
    /// Parses cache file `path`'s `text`. Errors name the file (and the line for bad JSON) but
    /// never quote it: it is full of secrets.
    fn parse(text: &str, path: &Path) -> Result<CachedToken, Error> {
        let file = path.display();
        let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            load_error(format!(
                "{file} is not valid JSON (line {}, column {}: {}); run `aws login` to sign in \
                 again",
                e.line(),
                e.column(),
                json_error_class(&e)
            ))
        })?;
        let serde_json::Value::Object(doc) = doc else {
            return Err(load_error(format!(
                "{file} does not hold a JSON object; run `aws login` to sign in again"
            )));
        };
        let missing: Vec<&str> = REQUIRED_FIELDS
            .into_iter()
            .filter(|k| !doc.contains_key(*k))
            .collect();
        if !missing.is_empty() {
            return Err(load_error(format!(
                "{file} is missing required fields: {}; run `aws login` to sign in again",
                missing.join(", ")
            )));
        }
        let access = doc.get("accessToken").and_then(|v| v.as_object());
        let field = |k: &str| {
            access
                .and_then(|a| a.get(k))
                .and_then(|v| v.as_str())
                .map(str::to_string)
                .ok_or_else(|| {
                    load_error(format!(
                        "{file}: accessToken has no {k}; run `aws login` to sign in again"
                    ))
                })
        };
        let (ak, sk, st) = (
            field("accessKeyId")?,
            field("secretAccessKey")?,
            field("sessionToken")?,
        );
        let expires = field("expiresAt")?;
        let expiry = DateTime::parse_iso8601(&expires).map_err(|e| {
            load_error(format!(
                "{file}: accessToken.expiresAt {expires:?} is not a timestamp ({e})"
            ))
        })?;
        // botocore copies it to the credentials; `aws login` always writes it.
        let account = field("accountId").ok();
        let credentials = Credentials::new(ak, sk, Some(st))
            .with_expiry(Some(expiry))
            .with_account_id(account)
            .with_provider(PROVIDER);
        Ok(CachedToken {
            doc,
            credentials,
            expiry,
        })
    }

    fn string(&self, key: &str) -> Option<String> {
        self.doc.get(key)?.as_str().map(str::to_string)
    }
}

/// serde_json's message without the position (reported separately) — it never quotes input.
fn json_error_class(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Exchanges the refresh token for new credentials and rewrites the cache file.
async fn refresh(
    config: &Config,
    path: &Path,
    mut token: CachedToken,
) -> Result<Credentials, Error> {
    let file = path.display();
    let key = DpopKey::from_pem(token.string("dpopKey").as_deref().unwrap_or_default())
        .map_err(|why| load_error(format!("{file}: unable to load the dpopKey: {why}")))?;
    let (Some(client_id), Some(refresh_token)) =
        (token.string("clientId"), token.string("refreshToken"))
    else {
        return Err(load_error(format!(
            "{file}: clientId and refreshToken must be strings"
        )));
    };
    // The region the user signed in to; older caches lack it and use the configured one.
    let region = token
        .string("signInRegion")
        .filter(|r| !r.is_empty())
        .or_else(|| config.region.clone())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::NoRegion,
                format!(
                    "refreshing login credentials needs a region: {file} names no signInRegion \
                     and no region is configured"
                ),
            )
        })?;
    let op = SIGNIN.operation("CreateOAuth2Token");
    let body = services::nested_input(
        op,
        "tokenInput",
        vec![
            ("clientId", Some(Value::Str(client_id))),
            ("refreshToken", Some(Value::Str(refresh_token))),
            ("grantType", Some(Value::Str("refresh_token".into()))),
        ],
    )?;
    let input = services::input(op, vec![("tokenInput", Some(body))])?;
    let client = services::client(config, SIGNIN.get(), Some(&region), None);
    let dpop = |method: &str, url: &str| {
        let proof = key.proof(
            method,
            url,
            DateTime::now().secs(),
            &crate::protocol::token::uuid_v4(),
        )?;
        let proof = http::HeaderValue::try_from(proof).map_err(|_| {
            Error::new(
                ErrorKind::Signing,
                "the DPoP proof is not a valid header value",
            )
        })?;
        let mut headers = http::HeaderMap::with_capacity(1);
        headers.insert(http::HeaderName::from_static("dpop"), proof);
        Ok(headers)
    };
    let out = client
        .call_dyn_with_headers(op, input, &dpop)
        .await
        .map_err(refresh_error)?;
    let invalid = || {
        load_error(
            "unable to refresh the access token: the Sign-In response is invalid. Run `aws \
             login` again; if the issue persists, Sign-In may have a temporary problem"
                .into(),
        )
    };
    let mut output = Fields::of(op.output, out)
        .structure("tokenOutput")
        .ok_or_else(invalid)?;
    let mut access = output.structure("accessToken").ok_or_else(invalid)?;
    let ak = access.string("accessKeyId").ok_or_else(invalid)?;
    let sk = access.string("secretAccessKey").ok_or_else(invalid)?;
    let st = access.string("sessionToken").ok_or_else(invalid)?;
    let expires_in = match output.take("expiresIn") {
        Some(Value::Int(n)) => n,
        _ => return Err(invalid()),
    };
    let new_refresh = output.string("refreshToken").ok_or_else(invalid)?;
    // Whole seconds, as the AWS CLI writes `expiresAt`.
    let expiry = DateTime::from_secs(DateTime::now().secs() + expires_in);
    let account = token.credentials.account_id().map(str::to_string);
    token.doc.insert(
        "accessToken".into(),
        serde_json::json!({
            "accessKeyId": ak,
            "secretAccessKey": sk,
            "sessionToken": st,
            "accountId": account,
            "expiresAt": expiry.to_iso8601(),
        }),
    );
    token.doc.insert(
        "refreshToken".into(),
        serde_json::Value::String(new_refresh),
    );
    save(path, &serde_json::Value::Object(token.doc)).await?;
    Ok(Credentials::new(ak, sk, Some(st))
        .with_expiry(Some(expiry))
        .with_account_id(account)
        .with_provider(PROVIDER))
}

/// botocore's mapping of Sign-In's `AccessDeniedException` `error` codes.
fn refresh_error(e: Error<RawModeled>) -> Error {
    let code = e
        .modeled()
        .filter(|_| e.code() == Some("AccessDeniedException"))
        .and_then(|raw| {
            let shape = SIGNIN.get().errors.get(raw.index)?;
            let i = shape.members().iter().position(|m| m.name == "error")?;
            match &raw.value {
                Value::Struct(slots) => match slots.get(i)? {
                    Some(Value::Str(code)) => Some(code.clone()),
                    _ => None,
                },
                _ => None,
            }
        });
    let message = match code.as_deref() {
        Some("TOKEN_EXPIRED" | "USER_CREDENTIALS_CHANGED") => {
            "Your login session has expired or its credentials have changed: run `aws login` to \
             sign in again"
                .to_string()
        }
        Some("INSUFFICIENT_PERMISSIONS") => "Unable to create or refresh login credentials due \
             to insufficient permissions: you may be missing permission for the \
             'signin:CreateOAuth2Token' action"
            .to_string(),
        _ => {
            let kind = e.kind();
            return Error::new(kind, format!("refreshing the login session failed: {}", e));
        }
    };
    Error::new(ErrorKind::NoCredentials, format!("{message} ({e})"))
}

/// Writes the refreshed cache as botocore's `JSONFileCache` does: a private temporary file in
/// the same directory, renamed over the old one, so a reader never sees half a file.
async fn save(path: &Path, doc: &serde_json::Value) -> Result<(), Error> {
    let bytes = doc.to_string().into_bytes();
    let written = super::fs::write_with(path.to_path_buf(), write_atomically, bytes).await;
    written.map_err(|e| {
        load_error(format!(
            "the refreshed session could not be saved to {} ({e})",
            path.display()
        ))
    })
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let tmp = path.with_extension(format!("{}.tmp", crate::protocol::token::uuid_v4()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let result = options.open(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The P-256 key a login session is bound to, and its public point for the proof's `jwk`.
struct DpopKey {
    pair: EcdsaKeyPair,
    x: String,
    y: String,
}

impl fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DpopKey")
            .field("x", &self.x)
            .field("y", &self.y)
            .finish_non_exhaustive()
    }
}

impl DpopKey {
    /// Reads the PEM `aws login` writes (`EC PRIVATE KEY`, SEC1 / RFC 5915), or PKCS#8
    /// (`PRIVATE KEY`). The error says what is wrong, never what the key is.
    fn from_pem(pem: &str) -> Result<DpopKey, String> {
        // As botocore does: drop the armour lines and decode what is left.
        let body: String = pem
            .lines()
            .filter(|l| !l.starts_with("-----BEGIN") && !l.starts_with("-----END"))
            .map(str::trim)
            .collect();
        let der = STANDARD
            .decode(body.trim())
            .map_err(|_| "it is not base64 PEM".to_string())?;
        let rng = SystemRandom::new();
        let pair = if pem.contains("BEGIN PRIVATE KEY") {
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der, &rng)
                .map_err(|e| format!("not a P-256 PKCS#8 key ({e})"))?
        } else {
            let (private, public) = sec1_parts(&der)?;
            EcdsaKeyPair::from_private_key_and_public_key(
                &ECDSA_P256_SHA256_FIXED_SIGNING,
                &private,
                public,
                &rng,
            )
            .map_err(|e| format!("not a P-256 key ({e})"))?
        };
        // Uncompressed point: 0x04, then X and Y, 32 bytes each.
        let point = pair.public_key().as_ref();
        if point.len() != 65 || point[0] != 4 {
            return Err("unexpected public key encoding".into());
        }
        Ok(DpopKey {
            x: URL_SAFE_NO_PAD.encode(&point[1..33]),
            y: URL_SAFE_NO_PAD.encode(&point[33..]),
            pair,
        })
    }

    /// A DPoP proof JWT for a `method` request to `url`, issued at `iat` with id `jti`.
    fn proof(&self, method: &str, url: &str, iat: i64, jti: &str) -> Result<String, Error> {
        let header = format!(
            r#"{{"typ":"dpop+jwt","alg":"ES256","jwk":{{"kty":"EC","x":"{}","y":"{}","crv":"P-256"}}}}"#,
            self.x, self.y
        );
        let payload = format!(
            r#"{{"htm":{},"htu":{},"iat":{iat},"jti":{}}}"#,
            serde_json::Value::from(method),
            serde_json::Value::from(url),
            serde_json::Value::from(jti)
        );
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        );
        // The fixed encoding is JWS's ES256 signature: r and s, 32 bytes each.
        let signature = self
            .pair
            .sign(&SystemRandom::new(), signing_input.as_bytes())
            .map_err(|_| {
                Error::new(
                    ErrorKind::Signing,
                    "could not sign the DPoP proof for the login refresh",
                )
            })?;
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.as_ref())
        ))
    }
}

/// The private scalar (left-padded to 32 bytes) and public point of an RFC 5915
/// `ECPrivateKey`: `SEQUENCE { INTEGER 1, OCTET STRING d, [0] params OPTIONAL,
/// [1] BIT STRING point OPTIONAL }`. ring needs the point, which OpenSSL and the AWS CLI
/// always write.
fn sec1_parts(der: &[u8]) -> Result<(Vec<u8>, &[u8]), String> {
    let bad = || "not an EC private key".to_string();
    let (tag, seq, _) = der_tlv(der).ok_or_else(bad)?;
    if tag != 0x30 {
        return Err(bad());
    }
    let (tag, version, rest) = der_tlv(seq).ok_or_else(bad)?;
    if tag != 0x02 || version != [1] {
        return Err(bad());
    }
    let (tag, d, mut rest) = der_tlv(rest).ok_or_else(bad)?;
    if tag != 0x04 || d.is_empty() || d.len() > 32 {
        return Err(bad());
    }
    let mut private = vec![0u8; 32 - d.len()];
    private.extend_from_slice(d);
    while !rest.is_empty() {
        let (tag, content, next) = der_tlv(rest).ok_or_else(bad)?;
        rest = next;
        if tag == 0xa1 {
            let (tag, bits, _) = der_tlv(content).ok_or_else(bad)?;
            // A BIT STRING's first byte counts unused bits: none in a point.
            return match bits.split_first() {
                Some((0, point)) if tag == 0x03 => Ok((private, point)),
                _ => Err(bad()),
            };
        }
    }
    Err("the key has no public key; run `aws login` to create a new one".into())
}

/// One DER element: its tag, contents and what follows it.
fn der_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 2 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A throwaway P-256 key (`openssl ecparam -name prime256v1 -genkey -noout`).
    pub(super) const TEST_KEY: &str = "-----BEGIN EC PRIVATE KEY-----\n\
MHcCAQEEINuCibrbjtYgtb3LquuQsw7rFfsbxndlbEK1gGHqy891oAoGCCqGSM49\n\
AwEHoUQDQgAEYfjzcAsP1wQtXO6hpuKESi8TT1DNUd/MzWLlfGdXbWQkWuik0Q+h\n\
OpLq3eLNJftiygYfEm0VI1euzjoXBq99MA==\n\
-----END EC PRIVATE KEY-----\n";

    fn cache_json(expires: &str) -> String {
        serde_json::json!({
            "accessToken": {
                "accessKeyId": "ASIALOGIN",
                "secretAccessKey": "login-secret",
                "sessionToken": "login-session-token",
                "accountId": "111122223333",
                "expiresAt": expires,
            },
            "tokenType": "aws_sigv4",
            "clientId": "arn:aws:signin:::devtools/same-device",
            "refreshToken": "login-refresh",
            "idToken": "x.y.z",
            "dpopKey": TEST_KEY,
        })
        .to_string()
    }

    #[test]
    fn cache_is_named_by_sha256_of_the_session() {
        assert_eq!(
            crate::sigv4::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn cache_directory_variables_expand_like_python() {
        let env = |k: &str| match k {
            "XDG" => Some("/x".to_string()),
            "U" => Some("u".to_string()),
            _ => None,
        };
        assert_eq!(expand_vars("$XDG/aws/${U}/c", &env), "/x/aws/u/c");
        assert_eq!(
            expand_vars("$NOPE/${NOPE}/$/${XDG", &env),
            "$NOPE/${NOPE}/$/${XDG"
        );
        assert_eq!(expand_vars("a$XDG$U", &env), "a/xu");
    }

    #[test]
    fn parses_a_cached_token() {
        let t =
            CachedToken::parse(&cache_json("2099-01-01T00:00:00Z"), Path::new("/c.json")).unwrap();
        let c = &t.credentials;
        assert_eq!(c.access_key_id(), "ASIALOGIN");
        assert_eq!(c.secret_access_key(), "login-secret");
        assert_eq!(c.session_token(), Some("login-session-token"));
        assert_eq!(c.account_id(), Some("111122223333"));
        assert_eq!(c.provider(), "login");
        assert_eq!(
            c.expiry().map(|e| e.to_iso8601()).as_deref(),
            Some("2099-01-01T00:00:00Z")
        );
        let shown = format!("{t:?}");
        assert!(
            !shown.contains("login-secret") && !shown.contains("login-refresh"),
            "{shown}"
        );
    }

    #[test]
    fn broken_json_names_file_and_line_without_quoting_it() {
        let text = "{\n  \"refreshToken\": \"very-secret\",\n  oops\n}";
        let e = CachedToken::parse(text, Path::new("/cache/abc.json")).unwrap_err();
        let shown = e.to_string();
        assert_eq!(e.kind(), ErrorKind::NoCredentials);
        assert!(
            shown.contains("/cache/abc.json") && shown.contains("line 3"),
            "{shown}"
        );
        assert!(shown.contains("aws login"), "{shown}");
        assert!(!shown.contains("very-secret"), "{shown}");
    }

    #[test]
    fn missing_required_fields_are_listed() {
        let e = CachedToken::parse(r#"{"accessToken":{},"clientId":"c"}"#, Path::new("/c.json"))
            .unwrap_err();
        let shown = e.to_string();
        assert!(shown.contains("refreshToken, dpopKey"), "{shown}");
        let e = CachedToken::parse(
            r#"{"accessToken":{"accessKeyId":"a"},"clientId":"c","refreshToken":"r","dpopKey":"k"}"#,
            Path::new("/c.json"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("secretAccessKey"), "{e}");
        let e = CachedToken::parse("[1]", Path::new("/c.json")).unwrap_err();
        assert!(e.to_string().contains("JSON object"), "{e}");
    }

    #[test]
    fn refreshes_at_five_minutes_left_or_less() {
        let now = DateTime::from_secs(1_000_000);
        let at = |left: i64| DateTime::from_secs(1_000_000 + left);
        assert!(!needs_refresh(at(301), now));
        assert!(needs_refresh(at(300), now));
        assert!(needs_refresh(at(0), now));
        assert!(needs_refresh(at(-3600), now));
    }

    #[test]
    fn dpop_proof_is_an_es256_jwt_over_method_and_url() {
        let key = DpopKey::from_pem(TEST_KEY).unwrap();
        let jwt = key
            .proof(
                "POST",
                "https://us-east-1.signin.aws.amazon.com/v1/token",
                1700000000,
                "id-1",
            )
            .unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let decode = |s: &str| URL_SAFE_NO_PAD.decode(s).unwrap();
        let header: serde_json::Value = serde_json::from_slice(&decode(parts[0])).unwrap();
        let payload: serde_json::Value = serde_json::from_slice(&decode(parts[1])).unwrap();
        assert_eq!(header["typ"], "dpop+jwt");
        assert_eq!(header["alg"], "ES256");
        assert_eq!(header["jwk"]["crv"], "P-256");
        assert_eq!(payload["htm"], "POST");
        assert_eq!(
            payload["htu"],
            "https://us-east-1.signin.aws.amazon.com/v1/token"
        );
        assert_eq!(payload["iat"], 1700000000);
        assert_eq!(payload["jti"], "id-1");
        // The signature verifies under the public key the header carries.
        let mut point = vec![4u8];
        point.extend(decode(header["jwk"]["x"].as_str().unwrap()));
        point.extend(decode(header["jwk"]["y"].as_str().unwrap()));
        let signing_input = format!("{}.{}", parts[0], parts[1]);
        ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, point)
            .verify(signing_input.as_bytes(), &decode(parts[2]))
            .expect("valid ES256 signature");
    }

    #[test]
    fn bad_keys_are_rejected_without_echoing_them() {
        for pem in [
            "not base64 !!!",
            "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----",
        ] {
            let e = DpopKey::from_pem(pem).unwrap_err();
            assert!(!e.contains("AAAA") && !e.contains("!!!"), "{e}");
        }
        // The same key without its optional public point.
        let der = STANDARD
            .decode(
                TEST_KEY
                    .lines()
                    .filter(|l| !l.starts_with("-----"))
                    .collect::<String>(),
            )
            .unwrap();
        let (d, _) = sec1_parts(&der).unwrap();
        let mut bare = vec![0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20];
        bare.extend(&d);
        assert!(sec1_parts(&bare).unwrap_err().contains("no public key"));
    }
}
