//! SSO credentials end to end: a profile with an `sso_session`, the token cache in
//! `~/.aws/sso/cache`, refresh through SSO-OIDC `CreateToken` when the token is near expiry,
//! and `GetRoleCredentials` — against a small loopback server speaking both services'
//! rest-json APIs.

use rboto::config::Env;
use rboto::Config;
use rboto_tests::scratch::ScratchDir;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the fake server saw: (method, path and query, bearer token header, body).
type Seen = Arc<Mutex<Vec<(String, String, Option<String>, String)>>>;

async fn serve(seen: Seen) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let seen = seen.clone();
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
                let header = |name: &str| {
                    head.lines().find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
                    })
                };
                let len: usize = header("content-length")
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
                let mut first = head.lines().next().unwrap_or_default().split(' ');
                let (method, target) = (
                    first.next().unwrap_or_default(),
                    first.next().unwrap_or_default(),
                );
                seen.lock().unwrap().push((
                    method.to_string(),
                    target.to_string(),
                    header("x-amz-sso_bearer_token"),
                    body,
                ));
                let reply = if target.starts_with("/token") {
                    r#"{"accessToken":"fresh-token","tokenType":"Bearer","expiresIn":28800,"refreshToken":"fresh-refresh"}"#
                } else if target.starts_with("/federation/credentials") {
                    r#"{"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"sso-secret","sessionToken":"sso-session-token","expiration":4102444800000}}"#
                } else {
                    "{}"
                };
                let resp = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
                    reply.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}")
}

fn home(name: &str) -> ScratchDir {
    let dir = ScratchDir::new("rboto-sso", name, &[".aws/sso/cache"]).unwrap();
    std::fs::write(
        dir.join(".aws/config"),
        "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\nregion = us-west-2\n\
         [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
    )
    .unwrap();
    dir
}

fn cache_file(home: &Path) -> PathBuf {
    // The AWS CLI names the cache by the SHA-1 of the session name.
    home.join(".aws/sso/cache").join(format!(
        "{}.json",
        rboto::credentials::sso::sha1_hex(b"corp")
    ))
}

async fn load(home: &Path, endpoint: &str) -> Config {
    let env = Env::from_map(HashMap::from([
        ("HOME".to_string(), home.display().to_string()),
        ("AWS_PROFILE".to_string(), "dev".to_string()),
        ("AWS_EC2_METADATA_DISABLED".to_string(), "true".to_string()),
        ("AWS_ENDPOINT_URL_SSO".to_string(), endpoint.to_string()),
        (
            "AWS_ENDPOINT_URL_SSO_OIDC".to_string(),
            endpoint.to_string(),
        ),
    ]));
    Config::loader().env(env).load().await.expect("config")
}

#[tokio::test]
async fn cached_token_buys_role_credentials() {
    let seen: Seen = Arc::default();
    let endpoint = serve(seen.clone()).await;
    let home = home("cached");
    std::fs::write(
        cache_file(&home),
        r#"{"startUrl":"https://corp.awsapps.com/start","region":"us-east-1","accessToken":"cached-token","expiresAt":"2099-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let info = load(&home, &endpoint)
        .await
        .inspect_credentials()
        .await
        .expect("sso credentials");
    assert_eq!(info.provider, "sso");
    assert_eq!(info.access_key_id, "ASIASSO");
    assert!(info.has_session_token);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let (method, target, bearer, _) = &seen[0];
    assert_eq!(method, "GET");
    assert!(target.starts_with("/federation/credentials?"), "{target}");
    assert!(
        target.contains("role_name=Admin") && target.contains("account_id=111122223333"),
        "{target}"
    );
    assert_eq!(bearer.as_deref(), Some("cached-token"));
}

#[tokio::test]
async fn expiring_token_is_refreshed_through_sso_oidc_and_cached() {
    let seen: Seen = Arc::default();
    let endpoint = serve(seen.clone()).await;
    let home = home("refresh");
    let soon = rboto::DateTime::from_secs(rboto::DateTime::now().secs() + 60).to_iso8601();
    std::fs::write(
        cache_file(&home),
        format!(
            r#"{{"startUrl":"https://corp.awsapps.com/start","region":"us-east-1","accessToken":"old-token","expiresAt":"{soon}","refreshToken":"old-refresh","clientId":"cid","clientSecret":"csecret","registrationExpiresAt":"2099-01-01T00:00:00Z"}}"#
        ),
    )
    .unwrap();
    let info = load(&home, &endpoint)
        .await
        .inspect_credentials()
        .await
        .expect("sso credentials");
    assert_eq!(info.access_key_id, "ASIASSO");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    let (method, target, _, body) = &seen[0];
    assert_eq!((method.as_str(), target.as_str()), ("POST", "/token"));
    let sent: serde_json::Value = serde_json::from_str(body).expect("CreateToken body is JSON");
    assert_eq!(sent["grantType"], "refresh_token");
    assert_eq!(sent["refreshToken"], "old-refresh");
    assert_eq!(sent["clientId"], "cid");
    assert_eq!(seen[1].2.as_deref(), Some("fresh-token"));
    // The refreshed token is written back for the next process, as the AWS CLI does.
    let cached: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cache_file(&home)).unwrap()).unwrap();
    assert_eq!(cached["accessToken"], "fresh-token");
    assert_eq!(cached["refreshToken"], "fresh-refresh");
}

#[tokio::test]
async fn missing_cache_says_to_log_in() {
    let home = home("missing");
    let err = load(&home, "http://127.0.0.1:9")
        .await
        .inspect_credentials()
        .await
        .unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains("sso login"), "{shown}");
}

/// Bearer-auth services take the profile's SSO session token when no token is given in code
/// or the environment (botocore's `SSOTokenProvider`); expiring ones are refreshed first.
#[tokio::test]
async fn bearer_operations_use_the_sso_session_token() {
    use rboto_tests::stub::{StubConnector, StubResponse};
    let home = home("bearer");
    std::fs::write(
        cache_file(&home),
        r#"{"accessToken":"sso-bearer","expiresAt":"2099-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let stub = StubConnector::new();
    stub.fallback(StubResponse::new(
        200,
        vec![("content-type".into(), "application/json".into())],
        "{}",
    ));
    let config = load(&home, "http://127.0.0.1:9")
        .await
        .to_builder()
        .connector(stub.clone())
        .build();
    rboto_wire_features::Client::new(&config)
        .with_bearer()
        .send()
        .await
        .unwrap();
    assert_eq!(
        stub.only_request().header("authorization"),
        Some("Bearer sso-bearer")
    );

    // Without an sso_session, the error says where it looked.
    let bare = home_without_sso("bearer-none");
    let env = Env::from_map(HashMap::from([
        ("HOME".to_string(), bare.display().to_string()),
        ("AWS_EC2_METADATA_DISABLED".to_string(), "true".to_string()),
    ]));
    let config = Config::loader()
        .env(env)
        .load()
        .await
        .unwrap()
        .to_builder()
        .region("us-east-1")
        .connector(stub.clone())
        .build();
    let err = rboto_wire_features::Client::new(&config)
        .with_bearer()
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("sso_session"), "{err}");
}

fn home_without_sso(name: &str) -> ScratchDir {
    let dir = ScratchDir::new("rboto-sso", name, &[".aws"]).unwrap();
    std::fs::write(dir.join(".aws/config"), "[default]\nregion = us-east-1\n").unwrap();
    dir
}
