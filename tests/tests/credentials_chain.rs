//! The default credential chain against real peers: profile files on disk, a real
//! `credential_process` script, and loopback servers speaking the IMDS and container-credential
//! protocols exactly. Also: errors users can act on, and secrets absent from every Debug,
//! Display and error.

use rboto::config::Env;
use rboto::{Config, ErrorKind};
use rboto_tests::scratch::ScratchDir;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

fn scratch(name: &str) -> ScratchDir {
    ScratchDir::new("rboto-chain", name, &[".aws"]).unwrap()
}

/// An environment with HOME at `home`, IMDS off unless `vars` turn it on.
fn env(home: &Path, vars: &[(&str, &str)]) -> Env {
    let mut m: HashMap<String, String> = HashMap::new();
    m.insert("HOME".into(), home.display().to_string());
    m.insert("AWS_EC2_METADATA_DISABLED".into(), "true".into());
    for (k, v) in vars {
        m.insert((*k).into(), (*v).into());
    }
    Env::from_map(m)
}

fn write(home: &Path, file: &str, text: &str) {
    std::fs::write(home.join(".aws").join(file), text).unwrap();
}

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLETOKEN";

#[tokio::test]
async fn env_wins_then_profile_files() {
    let home = scratch("order");
    write(
        &home,
        "credentials",
        "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = x\n",
    );
    write(&home, "config", "[default]\nregion = eu-west-1\n");
    let c = Config::loader()
        .env(env(
            &home,
            &[
                ("AWS_ACCESS_KEY_ID", "AKIDENV"),
                ("AWS_SECRET_ACCESS_KEY", "y"),
            ],
        ))
        .load()
        .await
        .unwrap();
    let info = c.inspect_credentials().await.unwrap();
    assert_eq!(
        (info.provider, info.access_key_id.as_str()),
        ("env", "AKIDENV")
    );
    assert_eq!(c.region(), Some("eu-west-1"));

    let c = Config::loader().env(env(&home, &[])).load().await.unwrap();
    let info = c.inspect_credentials().await.unwrap();
    assert_eq!(
        (info.provider, info.access_key_id.as_str()),
        ("shared-credentials-file", "AKIDFILE")
    );
    assert!(!info.has_session_token);

    // An explicitly selected profile disables environment credentials (botocore).
    let c = Config::loader()
        .env(env(
            &home,
            &[
                ("AWS_ACCESS_KEY_ID", "AKIDENV"),
                ("AWS_SECRET_ACCESS_KEY", "y"),
            ],
        ))
        .profile("default")
        .load()
        .await
        .unwrap();
    assert_eq!(
        c.inspect_credentials().await.unwrap().access_key_id,
        "AKIDFILE"
    );
}

#[tokio::test]
async fn config_file_keys_and_settings_precedence() {
    let home = scratch("settings");
    write(
        &home,
        "config",
        "[profile dev]\naws_access_key_id = AKIDCFG\naws_secret_access_key = s\nregion = us-west-2\n\
         retry_mode = adaptive\nmax_attempts = 7\nuse_fips_endpoint = true\n\
         s3 =\n  addressing_style = path\nca_bundle = ~/ca.pem\n",
    );
    let c = Config::loader()
        .env(env(
            &home,
            &[("AWS_PROFILE", "dev"), ("AWS_MAX_ATTEMPTS", "3")],
        ))
        .load()
        .await
        .unwrap();
    assert_eq!(c.profile_name(), "dev");
    assert_eq!(
        c.inspect_credentials().await.unwrap().provider,
        "config-file"
    );
    assert_eq!(c.retry_mode(), rboto::config::RetryMode::Adaptive);
    assert_eq!(c.max_attempts(), Some(3)); // env beats profile
    assert!(c.use_fips() && !c.use_dualstack());
    assert_eq!(
        c.s3_addressing_style(),
        rboto::config::S3AddressingStyle::Path
    );
    assert_eq!(c.ca_bundle(), Some(home.join("ca.pem").as_path()));
    let c = c.to_builder().max_attempts(9).use_fips(false).build(); // explicit beats env
    assert_eq!((c.max_attempts(), c.use_fips()), (Some(9), false));
}

#[tokio::test]
async fn errors_users_can_act_on() {
    let home = scratch("errors");
    // No credentials anywhere: every provider is listed with its reason.
    let c = Config::loader().env(env(&home, &[])).load().await.unwrap();
    let e = c.inspect_credentials().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NoCredentials);
    let msg = e.to_string();
    for p in [
        "env:",
        "profile:",
        "container-role:",
        "iam-role:",
        "AWS_EC2_METADATA_DISABLED",
    ] {
        assert!(msg.contains(p), "{msg}");
    }
    assert_eq!(c.require_region().unwrap_err().kind(), ErrorKind::NoRegion);

    // Profile not found.
    let e = Config::loader()
        .env(env(&home, &[("AWS_PROFILE", "nope")]))
        .load()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidConfig);
    assert!(e.to_string().contains("(nope) could not be found"), "{e}");

    // Malformed file: file and line.
    write(&home, "config", "[default]\nregion = x\n[profile broken\n");
    let e = Config::loader()
        .env(env(&home, &[]))
        .load()
        .await
        .unwrap_err();
    let cfg = home.join(".aws/config").display().to_string();
    assert!(e.to_string().starts_with(&format!("{cfg}:3: ")), "{e}");

    // Invalid value: names the file and key.
    write(&home, "config", "[default]\nmax_attempts = lots\n");
    let e = Config::loader()
        .env(env(&home, &[]))
        .load()
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("key `max_attempts`") && e.to_string().contains(&cfg),
        "{e}"
    );

    // Partial credentials.
    write(&home, "config", "[default]\n");
    write(
        &home,
        "credentials",
        &format!("[default]\naws_secret_access_key = {SECRET}\n"),
    );
    let c = Config::loader().env(env(&home, &[])).load().await.unwrap();
    let e = c.inspect_credentials().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PartialCredentials);
    assert!(!format!("{e} {e:?}").contains(SECRET));
}

#[tokio::test]
async fn secrets_never_displayed() {
    let home = scratch("redact");
    write(
        &home,
        "credentials",
        &format!("[default]\naws_access_key_id = AKIDX\naws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n"),
    );
    let c = Config::loader().env(env(&home, &[])).load().await.unwrap();
    let creds = c
        .credentials_provider()
        .unwrap()
        .provide_credentials()
        .await
        .unwrap();
    let info = c.inspect_credentials().await.unwrap();
    assert!(info.has_session_token);
    let shown = format!(
        "{creds:?} {creds} {info:?} {info} {c:?} {:?} {:?}",
        c.profiles(),
        c.credentials_provider()
    );
    assert!(shown.contains("AKIDX"), "{shown}");
    assert!(!shown.contains(SECRET) && !shown.contains(TOKEN), "{shown}");
}

#[cfg(unix)]
#[tokio::test]
async fn credential_process_runs_a_real_script() {
    use std::os::unix::fs::PermissionsExt;
    let home = scratch("process");
    let script = home.join("creds.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\n[ \"$1\" = \"--role\" ] || { echo \"bad args: $*\" >&2; exit 3; }\n\
         echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"s\", \
         \"SessionToken\": \"t\", \"Expiration\": \"2999-01-01T00:00:00Z\"}'\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    write(
        &home,
        "config",
        &format!(
            "[default]\ncredential_process = {} --role \"my role\"\n",
            script.display()
        ),
    );
    let c = Config::loader().env(env(&home, &[])).load().await.unwrap();
    let info = c.inspect_credentials().await.unwrap();
    assert_eq!(
        (info.provider, info.access_key_id.as_str()),
        ("custom-process", "AKIDPROC")
    );
    assert!(info.has_session_token && info.expiry.is_some());

    write(
        &home,
        "config",
        &format!(
            "[default]\ncredential_process = {} --wrong\n",
            script.display()
        ),
    );
    let c = Config::loader().env(env(&home, &[])).load().await.unwrap();
    let e = c.inspect_credentials().await.unwrap_err();
    assert!(e.to_string().contains("bad args: --wrong"), "{e}");
}

// ---- loopback metadata servers ----

#[derive(Default)]
struct Log(Mutex<Vec<String>>);

struct Request {
    method: String,
    path: String,
    headers: HashMap<String, String>,
}

fn read_request(stream: &mut std::net::TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    if let Some(n) = headers
        .get("content-length")
        .and_then(|n| n.parse::<usize>().ok())
    {
        let mut body = vec![0; n];
        reader.read_exact(&mut body).ok()?;
    }
    Some(Request {
        method,
        path,
        headers,
    })
}

fn respond(stream: &mut std::net::TcpStream, status: u16, body: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// Serves `handler` on 127.0.0.1 until the process ends; returns the base URL.
fn serve(handler: impl Fn(&Request) -> (u16, String) + Send + 'static, log: Arc<Log>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            if let Some(req) = read_request(&mut stream) {
                log.0
                    .lock()
                    .unwrap()
                    .push(format!("{} {}", req.method, req.path));
                let (status, body) = handler(&req);
                respond(&mut stream, status, &body);
            }
        }
    });
    format!("http://{addr}")
}

fn creds_json(ak: &str, expiration: &str) -> String {
    format!(
        "{{\"Code\": \"Success\", \"AccessKeyId\": \"{ak}\", \"SecretAccessKey\": \"{SECRET}\", \
         \"Token\": \"{TOKEN}\", \"Expiration\": \"{expiration}\", \"Type\": \"AWS-HMAC\"}}"
    )
}

/// IMDS: `v2_required` answers 401 to requests without the token; `v2_available: false`
/// answers 403 to the token PUT (an IMDSv1-only instance).
fn imds(v2_available: bool, v2_required: bool, log: Arc<Log>) -> String {
    const GOOD: &str = "AQAEAtoken==";
    serve(
        move |r| {
            if r.method == "PUT" && r.path == "/latest/api/token" {
                if !v2_available {
                    return (403, String::new());
                }
                return match r.headers.get("x-aws-ec2-metadata-token-ttl-seconds") {
                    Some(ttl) if ttl == "21600" => (200, GOOD.into()),
                    _ => (400, String::new()),
                };
            }
            match r.headers.get("x-aws-ec2-metadata-token") {
                Some(t) if t != GOOD => return (401, String::new()),
                None if v2_required => return (401, String::new()),
                _ => {}
            }
            match (r.method.as_str(), r.path.as_str()) {
                ("GET", "/latest/meta-data/iam/security-credentials/") => {
                    (200, "web-role\n".into())
                }
                ("GET", "/latest/meta-data/iam/security-credentials/web-role") => {
                    (200, creds_json("AKIDIMDS", "2999-01-01T00:00:00Z"))
                }
                _ => (404, String::new()),
            }
        },
        log,
    )
}

#[tokio::test]
async fn imds_v2_token_flow() {
    let home = scratch("imds2");
    let log = Arc::new(Log::default());
    let url = imds(true, true, log.clone());
    let c = Config::loader()
        .env(env(
            &home,
            &[
                ("AWS_EC2_METADATA_DISABLED", "false"),
                ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url),
            ],
        ))
        .load()
        .await
        .unwrap();
    let info = c.inspect_credentials().await.unwrap();
    assert_eq!(
        (info.provider, info.access_key_id.as_str()),
        ("iam-role", "AKIDIMDS")
    );
    assert_eq!(
        *log.0.lock().unwrap(),
        [
            "PUT /latest/api/token",
            "GET /latest/meta-data/iam/security-credentials/",
            "GET /latest/meta-data/iam/security-credentials/web-role"
        ]
    );
    // Cached: no further requests.
    c.inspect_credentials().await.unwrap();
    assert_eq!(log.0.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn imds_v1_fallback_unless_disabled() {
    let home = scratch("imds1");
    let log = Arc::new(Log::default());
    let url = imds(false, false, log.clone());
    let vars = [
        ("AWS_EC2_METADATA_DISABLED", "false"),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", url.as_str()),
    ];
    let c = Config::loader()
        .env(env(&home, &vars))
        .load()
        .await
        .unwrap();
    assert_eq!(
        c.inspect_credentials().await.unwrap().access_key_id,
        "AKIDIMDS"
    );

    let mut with_v1_off = vars.to_vec();
    with_v1_off.push(("AWS_EC2_METADATA_V1_DISABLED", "true"));
    let c = Config::loader()
        .env(env(&home, &with_v1_off))
        .load()
        .await
        .unwrap();
    let e = c.inspect_credentials().await.unwrap_err();
    assert!(e.to_string().contains("IMDSv1 has been disabled"), "{e}");
}

#[tokio::test]
async fn imds_unreachable_is_skipped_quickly() {
    let home = scratch("imds-down");
    // A port nothing listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let c = Config::loader()
        .env(env(
            &home,
            &[
                ("AWS_EC2_METADATA_DISABLED", "false"),
                ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url),
            ],
        ))
        .load()
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let e = c.inspect_credentials().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NoCredentials);
    assert!(e.to_string().contains("iam-role:"), "{e}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[tokio::test]
async fn container_credentials_with_token_file() {
    let home = scratch("ecs");
    let token_file = home.join("token");
    std::fs::write(&token_file, "Bearer pod-identity-token\n").unwrap();
    let log = Arc::new(Log::default());
    let url = serve(
        |r| match (
            r.path.as_str(),
            r.headers.get("authorization").map(String::as_str),
        ) {
            ("/v1/credentials", Some("Bearer pod-identity-token")) => {
                (200, creds_json("AKIDECS", "2999-01-01T00:00:00Z"))
            }
            _ => (401, "{\"message\": \"bad token\"}".into()),
        },
        log.clone(),
    );
    let full = format!("{url}/v1/credentials");
    let c = Config::loader()
        .env(env(
            &home,
            &[
                ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &full),
                (
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                    &token_file.display().to_string(),
                ),
                ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored-when-file-set"),
            ],
        ))
        .load()
        .await
        .unwrap();
    let info = c.inspect_credentials().await.unwrap();
    assert_eq!(
        (info.provider, info.access_key_id.as_str()),
        ("container-role", "AKIDECS")
    );
    assert_eq!(log.0.lock().unwrap().len(), 1);

    // A non-allowed plain-HTTP host is refused before any request.
    let c = Config::loader()
        .env(env(
            &home,
            &[(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "http://example.com/creds",
            )],
        ))
        .load()
        .await
        .unwrap();
    let e = c.inspect_credentials().await.unwrap_err();
    assert!(
        e.to_string().contains("Unsupported host 'example.com'"),
        "{e}"
    );
}

/// 200 callers on four worker threads, released together: one fetch from the container
/// endpoint serves them all.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_callers_share_one_fetch() {
    let home = scratch("concurrent");
    let log = Arc::new(Log::default());
    let url = serve(
        |_| {
            std::thread::sleep(std::time::Duration::from_millis(200));
            (200, creds_json("AKIDC", "2999-01-01T00:00:00Z"))
        },
        log.clone(),
    );
    let c = Config::loader()
        .env(env(
            &home,
            &[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &format!("{url}/c"))],
        ))
        .load()
        .await
        .unwrap();
    const CALLERS: usize = 200;
    let start = Arc::new(tokio::sync::Barrier::new(CALLERS));
    let tasks: Vec<_> = (0..CALLERS)
        .map(|_| {
            let (c, start) = (c.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                c.inspect_credentials().await.unwrap().access_key_id
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), "AKIDC");
    }
    assert_eq!(
        log.0.lock().unwrap().len(),
        1,
        "one fetch for {CALLERS} callers"
    );
}

#[tokio::test]
async fn short_lived_credentials_are_refreshed_not_reused() {
    let home = scratch("refresh");
    let log = Arc::new(Log::default());
    // Expires in 5 minutes: inside botocore's 10-minute mandatory window, so every call must
    // fetch again rather than hand out credentials about to expire.
    let url = serve(
        |_| {
            let exp = rboto::DateTime::from_secs(rboto::DateTime::now().secs() + 300);
            (200, creds_json("AKIDSHORT", &exp.to_iso8601()))
        },
        log.clone(),
    );
    let c = Config::loader()
        .env(env(
            &home,
            &[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &format!("{url}/c"))],
        ))
        .load()
        .await
        .unwrap();
    for _ in 0..3 {
        c.inspect_credentials().await.unwrap();
    }
    assert_eq!(log.0.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn invalid_values_name_file_line_and_key() {
    let home = scratch("bad-value");
    write(
        &home,
        "config",
        "[default]\nregion = eu-west-1\n# retries\nmax_attempts = lots\n",
    );
    let err = Config::loader()
        .env(env(&home, &[]))
        .load()
        .await
        .expect_err("max_attempts is not a number");
    assert_eq!(err.kind(), rboto::ErrorKind::InvalidConfig);
    let shown = err.to_string();
    let file = home.join(".aws").join("config");
    assert!(
        shown.contains(&format!("{}:4", file.display())) && shown.contains("max_attempts"),
        "{shown}"
    );
}
