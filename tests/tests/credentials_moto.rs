//! Assume-role (from a profile chain) and web identity through the default chain, against
//! moto's STS with SigV4 verification on: the source credentials must sign `AssumeRole`
//! correctly, and the temporary credentials it returns must sign the next call.

// Tests take turns on one server through a std mutex held for the whole test; each test runs on
// its own single-threaded runtime, so holding the guard across awaits cannot deadlock.
#![allow(clippy::await_holding_lock)]

use base64::Engine as _;
use rboto::config::Env;
use rboto::encoding::form_pairs;
use rboto::Config;
use rboto_tests::moto::MotoServer;
use rboto_tests::scratch::ScratchDir;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

const POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;

fn server() -> std::sync::MutexGuard<'static, MotoServer> {
    static S: OnceLock<Mutex<MotoServer>> = OnceLock::new();
    S.get_or_init(|| Mutex::new(MotoServer::start().expect("moto starts")))
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

fn home(name: &str) -> ScratchDir {
    ScratchDir::new("rboto-moto-cred", name, &[".aws"]).unwrap()
}

fn env(home: &Path, endpoint: &str, extra: &[(&str, String)]) -> Env {
    let mut m = HashMap::from([
        ("HOME".to_string(), home.display().to_string()),
        ("AWS_EC2_METADATA_DISABLED".to_string(), "true".to_string()),
        ("AWS_ENDPOINT_URL".to_string(), endpoint.to_string()),
        ("AWS_REGION".to_string(), "us-east-1".to_string()),
    ]);
    for (k, v) in extra {
        m.insert((*k).to_string(), v.clone());
    }
    Env::from_map(m)
}

/// Starts moto's request recorder afresh: from here on the server writes every request it
/// receives (headers and body) to its recording.
fn start_recording(s: &MotoServer) {
    for path in [
        "/moto-api/recorder/reset-recording",
        "/moto-api/recorder/start-recording",
    ] {
        let r = s.request("POST", path, &[], b"").expect(path);
        assert_eq!(r.status, 200, "{path}: {}", r.text());
    }
}

/// The form parameters of every recorded `AssumeRole` request, in the order moto received
/// them: what STS was really sent, not what the profile said.
fn recorded_assume_roles(s: &MotoServer) -> Vec<HashMap<String, String>> {
    let r = s
        .request("GET", "/moto-api/recorder/download-recording", &[], b"")
        .expect("download-recording");
    assert_eq!(r.status, 200, "{}", r.text());
    let stop = s
        .request("POST", "/moto-api/recorder/stop-recording", &[], b"")
        .expect("stop-recording");
    assert_eq!(stop.status, 200);
    r.text()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let entry: serde_json::Value = serde_json::from_str(line).expect("a recorded request");
            let body = entry["body"].as_str().unwrap_or_default();
            if entry["body_encoded"].as_bool() == Some(true) {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(body)
                    .expect("base64 body");
                String::from_utf8(bytes).expect("a UTF-8 form body")
            } else {
                body.to_string()
            }
        })
        .map(|body| form_pairs(&body).into_iter().collect::<HashMap<_, _>>())
        .filter(|params| params.get("Action").map(String::as_str) == Some("AssumeRole"))
        .collect()
}

async fn create_role(admin: &Config, name: &str) -> String {
    let iam = rboto_iam::Client::new(admin);
    let role = iam
        .create_role()
        .role_name(name)
        .assume_role_policy_document(TRUST)
        .send()
        .await
        .expect("create_role");
    iam.put_role_policy()
        .role_name(name)
        .policy_name("all")
        .policy_document(POLICY)
        .send()
        .await
        .expect("put_role_policy");
    role.role.expect("role").arn.expect("arn")
}

#[tokio::test]
async fn assume_role_chain_signed_end_to_end() {
    let s = server();
    s.reset().unwrap();
    let (ak, sk) = s.enable_auth().unwrap();
    let endpoint = s.endpoint();
    let admin = Config::builder()
        .region("us-east-1")
        .endpoint_url(&endpoint)
        .credentials(rboto::Credentials::new(&ak, &sk, None))
        .build();
    let arn_a = create_role(&admin, "role-a").await;
    let arn_b = create_role(&admin, "role-b").await;

    let home = home("assume");
    std::fs::write(
        home.join(".aws/credentials"),
        format!("[admin]\naws_access_key_id = {ak}\naws_secret_access_key = {sk}\n"),
    )
    .unwrap();
    std::fs::write(
        home.join(".aws/config"),
        format!(
            "[profile b]\nrole_arn = {arn_b}\nsource_profile = admin\nrole_session_name = sess-b\n\
             [profile a]\nrole_arn = {arn_a}\nsource_profile = b\nexternal_id = ext-1\nduration_seconds = 1800\n"
        ),
    )
    .unwrap();
    let config = Config::loader()
        .env(env(&home, &endpoint, &[("AWS_PROFILE", "a".into())]))
        .load()
        .await
        .unwrap();
    start_recording(&s);
    let info = config
        .inspect_credentials()
        .await
        .expect("assume role chain");
    assert_eq!(info.provider, "assume-role");
    assert!(info.has_session_token && info.expiry.is_some());
    assert_ne!(info.access_key_id, ak);

    // What STS received: b assumed first with admin's keys, then a with b's, each with the
    // settings of its own profile only (botocore's defaults where the profile is silent).
    let sent = recorded_assume_roles(&s);
    assert_eq!(sent.len(), 2, "{sent:?}");
    let (b, a) = (&sent[0], &sent[1]);
    assert_eq!(b.get("RoleArn"), Some(&arn_b));
    assert_eq!(b.get("RoleSessionName").map(String::as_str), Some("sess-b"));
    assert_eq!(b.get("ExternalId"), None, "{b:?}");
    assert_eq!(b.get("DurationSeconds"), None, "{b:?}");
    assert_eq!(a.get("RoleArn"), Some(&arn_a));
    assert_eq!(a.get("ExternalId").map(String::as_str), Some("ext-1"));
    assert_eq!(a.get("DurationSeconds").map(String::as_str), Some("1800"));
    let session = a
        .get("RoleSessionName")
        .expect("a session name is required");
    assert!(session.starts_with("botocore-session-"), "{session}");

    // The temporary credentials sign the next call; moto verifies the signature.
    let who = rboto_sts::Client::new(&config)
        .get_caller_identity()
        .send()
        .await
        .expect("get_caller_identity with assumed credentials");
    let arn = who.arn.unwrap_or_default();
    assert!(arn.contains(":assumed-role/role-a/"), "{arn}");

    // A wrong source secret is rejected by moto's verification, and the error says so.
    std::fs::write(
        home.join(".aws/credentials"),
        format!("[admin]\naws_access_key_id = {ak}\naws_secret_access_key = wrong\n"),
    )
    .unwrap();
    let config = Config::loader()
        .env(env(&home, &endpoint, &[("AWS_PROFILE", "a".into())]))
        .load()
        .await
        .unwrap();
    let e = config.inspect_credentials().await.unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("assume role") && msg.contains("SignatureDoesNotMatch"),
        "{msg}"
    );
    assert!(!msg.contains(&sk));
    s.disable_auth().unwrap();
}

#[tokio::test]
async fn mfa_serial_asks_the_token_provider() {
    let s = server();
    s.reset().unwrap();
    let (ak, sk) = s.enable_auth().unwrap();
    let endpoint = s.endpoint();
    let admin = Config::builder()
        .region("us-east-1")
        .endpoint_url(&endpoint)
        .credentials(rboto::Credentials::new(&ak, &sk, None))
        .build();
    let arn = create_role(&admin, "role-mfa").await;
    let home = home("mfa");
    std::fs::write(
        home.join(".aws/credentials"),
        format!("[admin]\naws_access_key_id = {ak}\naws_secret_access_key = {sk}\n"),
    )
    .unwrap();
    std::fs::write(
        home.join(".aws/config"),
        format!(
            "[profile m]\nrole_arn = {arn}\nsource_profile = admin\n\
             mfa_serial = arn:aws:iam::123456789012:mfa/alice\n"
        ),
    )
    .unwrap();
    let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = asked.clone();
    let mfa = rboto::credentials::MfaTokenProvider(std::sync::Arc::new(move |serial: &str| {
        seen.lock().unwrap().push(serial.to_string());
        Ok("123456".to_string())
    }));
    let config = Config::loader()
        .env(env(&home, &endpoint, &[("AWS_PROFILE", "m".into())]))
        .mfa_token_provider(mfa)
        .load()
        .await
        .unwrap();
    start_recording(&s);
    let info = config
        .inspect_credentials()
        .await
        .expect("assume role with MFA");
    assert_eq!(info.provider, "assume-role");
    assert_eq!(
        *asked.lock().unwrap(),
        ["arn:aws:iam::123456789012:mfa/alice".to_string()]
    );
    // STS received the serial and the code the provider gave.
    let sent = recorded_assume_roles(&s);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].get("RoleArn"), Some(&arn));
    assert_eq!(
        sent[0].get("SerialNumber").map(String::as_str),
        Some("arn:aws:iam::123456789012:mfa/alice")
    );
    assert_eq!(sent[0].get("TokenCode").map(String::as_str), Some("123456"));
    s.disable_auth().unwrap();
}

#[tokio::test]
async fn web_identity_from_env() {
    let s = server();
    s.reset().unwrap();
    let (ak, sk) = s.enable_auth().unwrap();
    let endpoint = s.endpoint();
    let admin = Config::builder()
        .region("us-east-1")
        .endpoint_url(&endpoint)
        .credentials(rboto::Credentials::new(&ak, &sk, None))
        .build();
    let arn = create_role(&admin, "web-role").await;
    let home = home("web");
    let token = home.join("token.jwt");
    std::fs::write(&token, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig\n").unwrap();
    let config = Config::loader()
        .env(env(
            &home,
            &endpoint,
            &[
                ("AWS_WEB_IDENTITY_TOKEN_FILE", token.display().to_string()),
                ("AWS_ROLE_ARN", arn.clone()),
                ("AWS_ROLE_SESSION_NAME", "web-session".into()),
            ],
        ))
        .load()
        .await
        .unwrap();
    // AssumeRoleWithWebIdentity is an unsigned call; moto 5.2.5 demands a signature on every
    // call once verification is on, so it is made with verification off...
    s.disable_auth().unwrap();
    let info = config.inspect_credentials().await.expect("web identity");
    assert_eq!(info.provider, "assume-role-with-web-identity");
    assert!(info.has_session_token);
    // ...and the credentials it returned are then verified by moto on a signed call.
    s.enable_auth().unwrap();
    let who = rboto_sts::Client::new(&config)
        .get_caller_identity()
        .send()
        .await
        .expect("signed with web-identity credentials");
    assert!(who
        .arn
        .unwrap_or_default()
        .contains(":assumed-role/web-role/web-session"));
    s.disable_auth().unwrap();
}
