//! Console-login credentials end to end: a profile with `login_session`, the cache `aws login`
//! writes in `~/.aws/login/cache`, refresh through AWS Sign-In `CreateOAuth2Token` with a DPoP
//! proof when the credentials are near expiry, and where the provider sits in the default chain
//! — against a loopback server speaking Sign-In's rest-json and STS's query APIs.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use rboto::config::Env;
use rboto::credentials::ProvideCredentials as _;
use rboto::{Config, DateTime, ErrorKind};
use rboto_tests::scratch::ScratchDir;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const SESSION: &str = "arn:aws:iam::111122223333:user/alice";
/// SHA-256 of `SESSION`: the AWS CLI names the cache file by it.
const SESSION_FILE: &str = "5778c30d3fe8c123cb2ab0d5a82c81b6fdcedfb868a6625f6f5bf6f05a7f129b.json";

/// A throwaway P-256 key in the SEC1 PEM form `aws login` writes.
const KEY: &str = "-----BEGIN EC PRIVATE KEY-----\n\
MHcCAQEEINuCibrbjtYgtb3LquuQsw7rFfsbxndlbEK1gGHqy891oAoGCCqGSM49\n\
AwEHoUQDQgAEYfjzcAsP1wQtXO6hpuKESi8TT1DNUd/MzWLlfGdXbWQkWuik0Q+h\n\
OpLq3eLNJftiygYfEm0VI1euzjoXBq99MA==\n\
-----END EC PRIVATE KEY-----\n";

const SECRET: &str = "login-secret-value";
const REFRESH: &str = "login-refresh-value";

struct Seen {
    method: String,
    target: String,
    headers: HashMap<String, String>,
    body: String,
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// Serves Sign-In's `/v1/token` (with `deny` as the `AccessDeniedException` error code, if
/// set) and STS `AssumeRole` on `/`.
async fn serve(log: Log, deny: Option<&'static str>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let log = log.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let head_end = loop {
                    let Ok(n) = sock.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let mut lines = head.lines();
                let mut first = lines.next().unwrap_or_default().split(' ');
                let (method, target) = (
                    first.next().unwrap_or_default().to_string(),
                    first.next().unwrap_or_default().to_string(),
                );
                let headers: HashMap<String, String> = lines
                    .filter_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        Some((k.trim().to_ascii_lowercase(), v.trim().to_string()))
                    })
                    .collect();
                let len: usize = headers
                    .get("content-length")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                while buf.len() < head_end + len {
                    let Ok(n) = sock.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                let body = String::from_utf8_lossy(&buf[head_end..]).to_string();
                let (status, extra, reply) = if target.starts_with("/v1/token") {
                    match deny {
                        Some(code) => (
                            "403 Forbidden",
                            "x-amzn-errortype: AccessDeniedException\r\n",
                            format!(r#"{{"error":"{code}","message":"denied"}}"#),
                        ),
                        None => (
                            "200 OK",
                            "",
                            r#"{"accessToken":{"accessKeyId":"ASIAFRESH","secretAccessKey":"fresh-secret","sessionToken":"fresh-session"},"tokenType":"aws_sigv4","expiresIn":900,"refreshToken":"fresh-refresh"}"#
                                .to_string(),
                        ),
                    }
                } else {
                    (
                        "200 OK",
                        "",
                        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
                         <AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId>\
                         <SecretAccessKey>role-secret</SecretAccessKey><SessionToken>role-token\
                         </SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>\
                         </Credentials><AssumedRoleUser><Arn>arn:aws:sts::111122223333:\
                         assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId>\
                         </AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1\
                         </RequestId></ResponseMetadata></AssumeRoleResponse>"
                            .to_string(),
                    )
                };
                log.lock().unwrap().push(Seen {
                    method,
                    target,
                    headers,
                    body,
                });
                let resp = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n{extra}content-length: {}\r\nconnection: close\r\n\r\n{reply}",
                    reply.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}")
}

fn home(name: &str, config: &str) -> ScratchDir {
    let dir = ScratchDir::new("rboto-login", name, &[".aws/login/cache"]).unwrap();
    std::fs::write(dir.join(".aws/config"), config).unwrap();
    dir
}

const DEV: &str =
    "[profile dev]\nlogin_session = arn:aws:iam::111122223333:user/alice\nregion = us-west-2\n";

fn cache_file(home: &Path) -> PathBuf {
    home.join(".aws/login/cache").join(SESSION_FILE)
}

fn cache_json(expires: &str, region: Option<&str>) -> serde_json::Value {
    let mut doc = serde_json::json!({
        "accessToken": {
            "accessKeyId": "ASIALOGIN",
            "secretAccessKey": SECRET,
            "sessionToken": "login-session-token",
            "accountId": "111122223333",
            "expiresAt": expires,
        },
        "tokenType": "aws_sigv4",
        "clientId": "arn:aws:signin:::devtools/same-device",
        "refreshToken": REFRESH,
        "idToken": "header.payload.signature",
        "dpopKey": KEY,
    });
    if let Some(r) = region {
        doc["signInRegion"] = r.into();
    }
    doc
}

fn write_cache(path: &Path, doc: &serde_json::Value) {
    std::fs::write(path, serde_json::to_string_pretty(doc).unwrap()).unwrap();
}

fn env(home: &Path, endpoint: &str, vars: &[(&str, &str)]) -> Env {
    let mut m: HashMap<String, String> = HashMap::from([
        ("HOME".to_string(), home.display().to_string()),
        ("AWS_PROFILE".to_string(), "dev".to_string()),
        ("AWS_EC2_METADATA_DISABLED".to_string(), "true".to_string()),
        ("AWS_ENDPOINT_URL_SIGNIN".to_string(), endpoint.to_string()),
        ("AWS_ENDPOINT_URL_STS".to_string(), endpoint.to_string()),
    ]);
    for (k, v) in vars {
        m.insert((*k).into(), (*v).into());
    }
    Env::from_map(m)
}

async fn load(env: Env) -> Config {
    Config::loader().env(env).load().await.expect("config")
}

/// An endpoint nothing listens on: a test that must not refresh fails loudly if it tries.
const NOWHERE: &str = "http://127.0.0.1:9";

#[tokio::test]
async fn valid_cache_gives_login_credentials() {
    let home = home("valid", DEV);
    write_cache(
        &cache_file(&home),
        &cache_json("2099-01-01T00:00:00Z", None),
    );
    let config = load(env(&home, NOWHERE, &[])).await;
    assert_eq!(
        rboto::credentials::login::cache_path(&config, SESSION).unwrap(),
        cache_file(&home)
    );
    let creds = config
        .credentials_provider()
        .expect("a provider")
        .provide_credentials()
        .await
        .expect("login credentials");
    assert_eq!(creds.provider(), "login");
    assert_eq!(creds.access_key_id(), "ASIALOGIN");
    assert_eq!(creds.secret_access_key(), SECRET);
    assert_eq!(creds.session_token(), Some("login-session-token"));
    assert_eq!(creds.account_id(), Some("111122223333"));
    assert_eq!(
        creds.expiry().map(|e| e.to_iso8601()).as_deref(),
        Some("2099-01-01T00:00:00Z")
    );
    let shown = format!("{creds:?} {creds}");
    assert!(!shown.contains(SECRET), "{shown}");
}

#[tokio::test]
async fn cache_directory_comes_from_the_environment() {
    let home = home("cachedir", DEV);
    let elsewhere = home.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    write_cache(
        &elsewhere.join(SESSION_FILE),
        &cache_json("2099-01-01T00:00:00Z", None),
    );
    // botocore expands variables in it, so `$HOME/...` works.
    let info = load(env(
        &home,
        NOWHERE,
        &[("AWS_LOGIN_CACHE_DIRECTORY", "$HOME/elsewhere")],
    ))
    .await
    .inspect_credentials()
    .await
    .expect("login credentials");
    assert_eq!(
        (info.provider, info.access_key_id.as_str()),
        ("login", "ASIALOGIN")
    );
}

/// Decodes one base64url JWT part as JSON.
fn jwt_part(part: &str) -> serde_json::Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

#[tokio::test]
async fn expiring_cache_is_refreshed_with_a_dpop_proof_and_rewritten() {
    let log: Log = Arc::default();
    let endpoint = serve(log.clone(), None).await;
    let home = home("refresh", DEV);
    let soon = DateTime::from_secs(DateTime::now().secs() + 120).to_iso8601();
    write_cache(&cache_file(&home), &cache_json(&soon, Some("eu-west-1")));
    let before = DateTime::now().secs();
    let creds = load(env(&home, &endpoint, &[]))
        .await
        .credentials_provider()
        .unwrap()
        .provide_credentials()
        .await
        .expect("refreshed login credentials");
    assert_eq!(creds.provider(), "login");
    assert_eq!(creds.access_key_id(), "ASIAFRESH");
    assert_eq!(creds.secret_access_key(), "fresh-secret");
    assert_eq!(creds.session_token(), Some("fresh-session"));
    assert_eq!(creds.account_id(), Some("111122223333"));
    let expiry = creds.expiry().unwrap().secs();
    assert!(
        (before + 900..=DateTime::now().secs() + 900).contains(&expiry),
        "{expiry}"
    );

    let log = log.lock().unwrap();
    assert_eq!(log.len(), 1, "one CreateOAuth2Token call");
    let req = &log[0];
    assert_eq!(
        (req.method.as_str(), req.target.as_str()),
        ("POST", "/v1/token")
    );
    let sent: serde_json::Value = serde_json::from_str(&req.body).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({
            "clientId": "arn:aws:signin:::devtools/same-device",
            "grantType": "refresh_token",
            "refreshToken": REFRESH,
        })
    );
    // Sign-In's token endpoint is unsigned: the DPoP proof is the only proof of possession.
    assert!(
        !req.headers.contains_key("authorization"),
        "{:?}",
        req.headers
    );
    let proof = req.headers.get("dpop").expect("a DPoP header");
    let parts: Vec<&str> = proof.split('.').collect();
    assert_eq!(parts.len(), 3, "{proof}");
    let (header, payload) = (jwt_part(parts[0]), jwt_part(parts[1]));
    assert_eq!(header["typ"], "dpop+jwt");
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["jwk"]["kty"], "EC");
    assert_eq!(header["jwk"]["crv"], "P-256");
    assert_eq!(payload["htm"], "POST");
    assert_eq!(payload["htu"], format!("{endpoint}/v1/token"));
    let iat = payload["iat"].as_i64().unwrap();
    assert!(
        (before - 5..=DateTime::now().secs() + 5).contains(&iat),
        "{iat}"
    );
    assert!(!payload["jti"].as_str().unwrap_or_default().is_empty());
    // The jwk is the cached key's public point (the last 64 bytes of its SEC1 DER, after
    // 0x04) and the signature verifies under it.
    let der = STANDARD
        .decode(
            KEY.lines()
                .filter(|l| !l.starts_with("-----"))
                .collect::<String>(),
        )
        .unwrap();
    let xy = &der[der.len() - 64..];
    assert_eq!(header["jwk"]["x"], URL_SAFE_NO_PAD.encode(&xy[..32]));
    assert_eq!(header["jwk"]["y"], URL_SAFE_NO_PAD.encode(&xy[32..]));
    let mut point = vec![4u8];
    point.extend_from_slice(xy);
    ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, point)
        .verify(
            format!("{}.{}", parts[0], parts[1]).as_bytes(),
            &URL_SAFE_NO_PAD.decode(parts[2]).unwrap(),
        )
        .expect("the proof is signed by the cached key");

    // The cache is rewritten for the next process: new credentials and refresh token, the
    // rest (account, key, client, id token, region) kept.
    let cached: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cache_file(&home)).unwrap()).unwrap();
    let at = &cached["accessToken"];
    assert_eq!(at["accessKeyId"], "ASIAFRESH");
    assert_eq!(at["secretAccessKey"], "fresh-secret");
    assert_eq!(at["sessionToken"], "fresh-session");
    assert_eq!(at["accountId"], "111122223333");
    assert_eq!(
        at["expiresAt"],
        rboto::DateTime::from_secs(expiry).to_iso8601()
    );
    assert_eq!(cached["refreshToken"], "fresh-refresh");
    assert_eq!(cached["dpopKey"], KEY);
    assert_eq!(cached["clientId"], "arn:aws:signin:::devtools/same-device");
    assert_eq!(cached["idToken"], "header.payload.signature");
    assert_eq!(cached["signInRegion"], "eu-west-1");
    let leftovers: Vec<_> = std::fs::read_dir(home.join(".aws/login/cache"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left: {leftovers:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(cache_file(&home))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the cache stays private: {mode:o}");
    }
}

#[tokio::test]
async fn expired_session_that_sign_in_refuses_says_to_log_in() {
    let log: Log = Arc::default();
    let endpoint = serve(log.clone(), Some("TOKEN_EXPIRED")).await;
    let home = home("denied", DEV);
    write_cache(
        &cache_file(&home),
        &cache_json("2020-01-01T00:00:00Z", None),
    );
    let err = load(env(&home, &endpoint, &[]))
        .await
        .inspect_credentials()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoCredentials, "{err}");
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("aws login"), "{shown}");
    assert!(
        !shown.contains(SECRET) && !shown.contains(REFRESH),
        "{shown}"
    );
    assert_eq!(log.lock().unwrap().len(), 1);
    // A refused refresh leaves the cache alone.
    let cached: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cache_file(&home)).unwrap()).unwrap();
    assert_eq!(cached["refreshToken"], REFRESH);

    let endpoint = serve(Arc::default(), Some("INSUFFICIENT_PERMISSIONS")).await;
    let err = load(env(&home, &endpoint, &[]))
        .await
        .inspect_credentials()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("signin:CreateOAuth2Token"),
        "{err}"
    );
}

#[tokio::test]
async fn broken_cache_names_the_file_and_line() {
    let home = home("broken", DEV);
    std::fs::write(
        cache_file(&home),
        format!("{{\n  \"refreshToken\": \"{REFRESH}\",\n  \"accessToken\": \n}}\n"),
    )
    .unwrap();
    let err = load(env(&home, NOWHERE, &[]))
        .await
        .inspect_credentials()
        .await
        .unwrap_err();
    let shown = err.to_string();
    assert_eq!(err.kind(), ErrorKind::NoCredentials, "{shown}");
    assert!(shown.contains(SESSION_FILE), "{shown}");
    assert!(shown.contains("line 4"), "{shown}");
    assert!(shown.contains("aws login"), "{shown}");
    assert!(!shown.contains(REFRESH), "{shown}");
}

#[tokio::test]
async fn missing_cache_says_to_log_in() {
    let home = home("missing", DEV);
    let err = load(env(&home, NOWHERE, &[]))
        .await
        .inspect_credentials()
        .await
        .unwrap_err();
    let shown = err.to_string();
    assert_eq!(err.kind(), ErrorKind::NoCredentials, "{shown}");
    assert!(
        shown.contains(SESSION) && shown.contains("aws login"),
        "{shown}"
    );
}

/// Loads profile `dev` from `config` (and `credentials`) with a valid login cache and returns
/// who answered.
async fn who_answers(
    name: &str,
    config: &str,
    credentials: &str,
    vars: &[(&str, &str)],
) -> (String, String) {
    let home = home(name, config);
    std::fs::write(home.join(".aws/credentials"), credentials).unwrap();
    write_cache(
        &cache_file(&home),
        &cache_json("2099-01-01T00:00:00Z", None),
    );
    let info = load(env(&home, NOWHERE, vars))
        .await
        .inspect_credentials()
        .await
        .expect("credentials");
    (info.provider.to_string(), info.access_key_id)
}

#[tokio::test]
async fn precedence_against_env_and_other_profile_keys() {
    let pair = |p: &str, k: &str| (p.to_string(), k.to_string());
    // Environment credentials come first when no profile is named in code.
    assert_eq!(
        who_answers(
            "env",
            DEV,
            "",
            &[
                ("AWS_ACCESS_KEY_ID", "AKIDENV"),
                ("AWS_SECRET_ACCESS_KEY", "e")
            ],
        )
        .await,
        pair("env", "AKIDENV")
    );
    // The credentials file's keys come before login_session...
    assert_eq!(
        who_answers(
            "credfile",
            DEV,
            "[dev]\naws_access_key_id = AKIDFILE\naws_secret_access_key = f\n",
            &[],
        )
        .await,
        pair("shared-credentials-file", "AKIDFILE")
    );
    // ...the config file's keys and credential_process after it.
    let config_keys = format!(
        "{DEV}aws_access_key_id = AKIDCONFIG\naws_secret_access_key = c\n\
         credential_process = /nonexistent/never-run\n"
    );
    assert_eq!(
        who_answers("configfile", &config_keys, "", &[]).await,
        pair("login", "ASIALOGIN")
    );
}

#[tokio::test]
async fn role_arn_wins_and_login_can_be_a_source_profile() {
    let log: Log = Arc::default();
    let endpoint = serve(log.clone(), None).await;
    // `dev` names a role and a login session of its own (never cached): the role wins, and its
    // source profile's login credentials sign AssumeRole.
    let home = home(
        "role",
        "[profile dev]\nrole_arn = arn:aws:iam::111122223333:role/r\nsource_profile = web\n\
         login_session = other\nregion = us-west-2\n\
         [profile web]\nlogin_session = arn:aws:iam::111122223333:user/alice\n",
    );
    write_cache(
        &cache_file(&home),
        &cache_json("2099-01-01T00:00:00Z", None),
    );
    let info = load(env(&home, &endpoint, &[]))
        .await
        .inspect_credentials()
        .await
        .expect("role credentials");
    assert_eq!(
        (info.provider, info.access_key_id.as_str()),
        ("assume-role", "ASIAROLE")
    );
    let log = log.lock().unwrap();
    assert_eq!(log.len(), 1);
    assert!(log[0].body.contains("Action=AssumeRole"), "{}", log[0].body);
    let auth = log[0]
        .headers
        .get("authorization")
        .cloned()
        .unwrap_or_default();
    assert!(auth.contains("Credential=ASIALOGIN/"), "{auth}");
}

#[tokio::test]
async fn the_chain_reports_that_it_looked_for_login_session() {
    let home = home("none", "[profile dev]\nregion = us-west-2\n");
    let err = load(env(&home, NOWHERE, &[]))
        .await
        .inspect_credentials()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoCredentials);
    assert!(err.to_string().contains(", login,"), "{err}");
}
