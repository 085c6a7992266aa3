//! The moto server harness: a local AWS for rboto's tests and for `cargo xtask demo`.
//!
//! [`MotoServer::start`] runs [moto](https://github.com/getmoto/moto)'s server on a free port of
//! 127.0.0.1 and stops it when dropped; [`shared`] gives each test binary one lazily started
//! server that stops when the process exits. See `shared/MOTO.md` for what moto does and does not
//! emulate.
//!
//! # Install
//! moto lives in a Python venv at `<workspace>/target/moto-venv`, made on first use with
//! `python3 -m venv` and `pip install` of [`PIP_PACKAGES`] (botocore is pinned to the version
//! rboto's models come from, because moto parses requests with botocore's models). Concurrent
//! test processes take turns through a lock directory (`target/moto-venv.lock`, created
//! atomically, holding the installer's pid so a crashed install is detected and redone); a
//! finished install is marked by `target/moto-venv/.rboto-installed`, which holds
//! [`PIP_PACKAGES`], so changing the pins reinstalls. `.ci/run` performs the same install (it
//! reads [`PIP_PACKAGES`] out of this file) before the tests.
//!
//! # Process lifetime
//! The server is not `moto_server` itself but the venv's `python -c` running a few lines
//! (`WRAPPER`) that start a thread blocking on its standard input and then call moto's
//! `moto.server.main` (what `moto_server` runs) in-process. Standard input is a pipe whose only
//! writer is this process: when it closes — [`MotoServer`]'s `Drop`, or this process exiting in
//! any way, even SIGKILL or a panic with `panic = "abort"` — the thread calls `os._exit`, so no
//! moto outlives its test process. `Drop` also waits for the exit and kills the child if it has
//! not gone within 5 s.
//!
//! # Logs
//! moto logs one line per request. Its output goes to a file from the start: first
//! `target/moto-logs/starting-<pid>-<n>.log`, in which the harness looks for
//! ` * Running on http://127.0.0.1:PORT`; then the file is renamed to
//! `target/moto-logs/<PORT>.log` (the server keeps writing to it through its open descriptor).
//!
//! # Control calls
//! The few calls the harness makes itself (readiness, reset, auth setup) are plain HTTP/1.1 over
//! [`TcpStream`]: moto closes every connection after one response, so no client is needed.
//! [`MotoServer::request`] exposes that for tests that need a raw request.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

/// What `pip install` puts into the venv. `.ci/run` reads this line (keep it on one line).
///
/// Besides moto, Flask and the pinned botocore, the few modules some moto services import on
/// their first request (the rest of `moto[server]` — docker, cfn-lint, X-Ray — is not needed);
/// without them those requests are HTTP 500 `ModuleNotFoundError`: `joserfc` (Cognito IdP, API
/// Gateway, and CloudFormation, which imports API Gateway), `jsonpath-ng` (EventBridge
/// PutEvents, Step Functions), `pyparsing` (Glue, CloudFormation), `openapi-spec-validator`
/// (API Gateway v1 and v2), `graphql-core` (AppSync schemas).
pub const PIP_PACKAGES: &str = "moto==5.2.5 flask flask-cors botocore==1.44.5 joserfc jsonpath-ng pyparsing openapi-spec-validator graphql-core";

/// `secret` with its last character changed, for calls that moto must refuse: never the secret
/// itself (a fixed replacement would be, for the one secret in ~60 that ends in it).
pub fn wrong_secret(secret: &str) -> String {
    let mut wrong = secret.to_string();
    let last = wrong.pop();
    wrong.push(if last == Some('x') { 'y' } else { 'x' });
    wrong
}

/// The header that selects moto's per-account state: each 12-digit account id has its own
/// resources, so tests sharing one server can stay apart without [`MotoServer::reset`].
pub const ACCOUNT_ID_HEADER: &str = "x-moto-account-id";

/// The Python run as the server process: a watchdog thread that exits the process as soon as
/// standard input reaches end-of-file (the parent closed it or died), then moto's server main.
///
/// With the single argument `--keep-alive`, moto's WSGI application is served by waitress
/// instead of werkzeug's development server, which closes every connection after one response:
/// waitress keeps HTTP/1.1 connections alive (and drains unread request bodies, which is why
/// werkzeug refuses to). It prints the port in werkzeug's words, so [`MotoServer`] finds it the
/// same way.
const WRAPPER: &str = "\
import os, sys, threading
def _watchdog():
    try:
        sys.stdin.buffer.read()
    finally:
        os._exit(0)
threading.Thread(target=_watchdog, daemon=True).start()
if sys.argv[1:] == ['--keep-alive']:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from waitress import create_server
    app = DomainDispatcherApplication(create_backend_app)
    server = create_server(app, host='127.0.0.1', port=0, threads=8)
    os.environ['MOTO_PORT'] = str(server.effective_port)
    print(f' * Running on http://127.0.0.1:{server.effective_port}', flush=True)
    server.run()
else:
    from moto.server import main
    main(sys.argv[1:])
";

/// The Python package [`MotoServer::start_keep_alive`] needs beside moto; not part of
/// [`PIP_PACKAGES`], because only the benchmarks serve moto this way.
pub const KEEP_ALIVE_PACKAGE: (&str, &str) = ("waitress", "waitress==3.0.2");

/// Number of requests moto lets through unchecked after `reset-auth`: exactly the IAM calls of
/// [`MotoServer::enable_auth`] (CreateUser, PutUserPolicy, CreateAccessKey).
const AUTH_SETUP_CALLS: u32 = 3;
/// How often [`MotoServer::enable_auth`] switches verification on before giving up.
const ENABLE_AUTH_TRIES: u32 = 3;

const START_TIMEOUT: Duration = Duration::from_secs(60);
const READY_TIMEOUT: Duration = Duration::from_secs(30);
const STOP_TIMEOUT: Duration = Duration::from_secs(5);
const IO_TIMEOUT: Duration = Duration::from_secs(60);

/// A running moto server, stopped when dropped.
#[derive(Debug)]
pub struct MotoServer {
    child: Child,
    port: u16,
    log: PathBuf,
}

/// A response read by [`MotoServer::request`].
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    /// Header names as sent, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The first header of that name, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl MotoServer {
    /// Installs moto on first use (see the module docs), starts a server on a free port of
    /// 127.0.0.1 and returns once it answers `GET /moto-api/data.json`.
    pub fn start() -> Result<MotoServer, String> {
        Self::serve(&["-H", "127.0.0.1", "-p", "0"])
    }

    /// Like [`MotoServer::start`], but served with HTTP/1.1 keep-alive, the way AWS serves
    /// clients: what the benchmarks measure against. Needs [`KEEP_ALIVE_PACKAGE`] installed
    /// in the venv ([`VENV`]`.ensure_package`). Unlike werkzeug, waitress drops request headers
    /// whose names contain an underscore (S3 metadata such as `x-amz-meta-a_b`), and it logs
    /// no line per request.
    pub fn start_keep_alive() -> Result<MotoServer, String> {
        Self::serve(&["--keep-alive"])
    }

    fn serve(args: &[&str]) -> Result<MotoServer, String> {
        let venv = ensure_installed()?;
        let logs = logs_dir();
        fs::create_dir_all(&logs).map_err(|e| format!("cannot create {}: {e}", logs.display()))?;
        static STARTED: AtomicU32 = AtomicU32::new(0);
        let n = STARTED.fetch_add(1, Ordering::Relaxed);
        let boot_log = logs.join(format!("starting-{}-{n}.log", std::process::id()));
        let out = File::create(&boot_log)
            .map_err(|e| format!("cannot create {}: {e}", boot_log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("cannot duplicate {}: {e}", boot_log.display()))?;
        let python = venv.join("bin").join("python");
        let child = Command::new(&python)
            .arg("-c")
            .arg(WRAPPER)
            .args(args)
            .current_dir(&logs)
            .env("PYTHONUNBUFFERED", "1")
            // Verification must start off whatever the caller's environment says.
            .env_remove("INITIAL_NO_AUTH_ACTION_COUNT")
            .stdin(Stdio::piped())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
        // From here on, Drop stops the child whatever goes wrong.
        let mut server = MotoServer {
            child,
            port: 0,
            log: boot_log,
        };
        server.port = server.wait_for_port()?;
        let log = logs.join(format!("{}.log", server.port));
        fs::rename(&server.log, &log).map_err(|e| {
            format!(
                "cannot rename {} to {}: {e}",
                server.log.display(),
                log.display()
            )
        })?;
        server.log = log;
        server.wait_until_ready()?;
        Ok(server)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's process id (one process: moto runs inside it).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The file the server logs to (one line per request).
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// Deletes all state of all accounts (`POST /moto-api/reset`). That includes the IAM user
    /// and key of [`MotoServer::enable_auth`], while verification stays on: call `enable_auth`
    /// again after a reset of a server with verification on.
    pub fn reset(&self) -> Result<(), String> {
        let response = self.request("POST", "/moto-api/reset", &[], b"")?;
        expect_ok("POST /moto-api/reset", &response)
    }

    /// Switches SigV4 verification on and returns an access key (id, secret) allowed to do
    /// everything in the default account 123456789012.
    ///
    /// Order, measured against moto 5.2.5: `POST /moto-api/reset-auth` with the text body `N`
    /// sets the number of free requests to N and restarts the count at 0. Every request that
    /// reaches a service counts (control calls under `/moto-api/` do not); a request is checked
    /// once N requests have gone through unchecked. So: reset-auth with N = 3, then exactly
    /// three IAM query calls — CreateUser, PutUserPolicy (allow `*` on `*`), CreateAccessKey —
    /// and the fourth service request is the first to be verified. They are sent unsigned but
    /// with an `Authorization` header whose credential scope names `iam`, which is how moto
    /// routes a query-protocol POST to the server root.
    ///
    /// The setting is global to the server: any other client sending requests in the window
    /// would steal free calls, so use a server of your own ([`MotoServer::start`]), not
    /// [`shared`]. With verification on, moto 5.2.5 answers a request without `Authorization`
    /// with a bare HTTP 500 page (it takes such a POST for S3), an unknown key (such as the
    /// routing-only header above) with 403 `InvalidClientTokenId`, a wrong signature with 403
    /// `SignatureDoesNotMatch` (EC2: 401 `AuthFailure`); see `shared/MOTO.md` for its gaps.
    ///
    /// Before returning, a request signed with a wrong secret must be refused: rarely (about
    /// once in fifteen fresh servers, cause unknown) moto 5.2.5 served the first request after
    /// the free window unchecked, and switching verification on again has always taken.
    pub fn enable_auth(&self) -> Result<(String, String), String> {
        let mut last = String::new();
        for _ in 0..ENABLE_AUTH_TRIES {
            match self.create_admin_key() {
                Ok(key) => match self.check_verification_on(&key.0) {
                    Ok(()) => return Ok(key),
                    Err(e) => last = e,
                },
                Err(e) => {
                    last = e;
                    break;
                }
            }
        }
        // Leave the server usable rather than locked with no key.
        let _ = self.disable_auth();
        Err(last)
    }

    /// Sends STS `GetCallerIdentity` signed for `access_key_id` with a wrong secret; Ok when
    /// moto refuses it for its signature, i.e. SigV4 verification is on.
    pub fn check_verification_on(&self, access_key_id: &str) -> Result<(), String> {
        use rboto::sigv4::{sign, SignableBody, SignableRequest, SigningParams};
        let body = b"Action=GetCallerIdentity&Version=2011-06-15";
        let host = format!("127.0.0.1:{}", self.port);
        let content_type = "application/x-www-form-urlencoded; charset=utf-8";
        let unsigned = [("host", host.as_str()), ("content-type", content_type)];
        let signed = sign(
            &SignableRequest {
                method: "POST",
                uri: "/",
                headers: (&unsigned).into(),
                body: SignableBody::Bytes(body),
            },
            &SigningParams {
                access_key_id,
                secret_access_key: "not-the-secret",
                session_token: None,
                region: "us-east-1",
                service: "sts",
                time: SystemTime::now(),
                settings: Default::default(),
            },
        )
        .map_err(|e| format!("cannot sign the verification canary: {e}"))?;
        let mut headers = vec![("Content-Type", content_type)];
        headers.extend(signed.headers.iter().map(|(k, v)| (*k, v.as_str())));
        let response = self.request("POST", "/", &headers, body)?;
        if response.status == 403 && response.text().contains("SignatureDoesNotMatch") {
            Ok(())
        } else {
            Err(format!(
                "moto served a request signed with a wrong secret after switching SigV4 \
                 verification on: HTTP {} {}",
                response.status,
                response.text()
            ))
        }
    }

    /// Switches SigV4 verification off again (`reset-auth` with `inf`).
    pub fn disable_auth(&self) -> Result<(), String> {
        self.reset_auth("inf")
    }

    fn create_admin_key(&self) -> Result<(String, String), String> {
        static USERS: AtomicU32 = AtomicU32::new(0);
        let user = format!("rboto-admin-{}", USERS.fetch_add(1, Ordering::Relaxed));
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        self.reset_auth(&AUTH_SETUP_CALLS.to_string())?;
        let calls: [&[(&str, &str)]; AUTH_SETUP_CALLS as usize] = [
            &[("Action", "CreateUser"), ("UserName", &user)],
            &[
                ("Action", "PutUserPolicy"),
                ("UserName", &user),
                ("PolicyName", "allow-all"),
                ("PolicyDocument", policy),
            ],
            &[("Action", "CreateAccessKey"), ("UserName", &user)],
        ];
        let mut last = String::new();
        for params in calls {
            last = self.iam_call(params)?;
        }
        let id = xml_text(&last, "AccessKeyId");
        let secret = xml_text(&last, "SecretAccessKey");
        match (id, secret) {
            (Some(id), Some(secret)) => Ok((id.to_string(), secret.to_string())),
            _ => Err(format!(
                "moto's CreateAccessKey response lacks AccessKeyId or SecretAccessKey: {last}"
            )),
        }
    }

    fn reset_auth(&self, count: &str) -> Result<(), String> {
        // A form-encoded body gives HTTP 500: moto parses the raw body as a float.
        let response = self.request(
            "POST",
            "/moto-api/reset-auth",
            &[("Content-Type", "text/plain")],
            count.as_bytes(),
        )?;
        expect_ok(&format!("POST /moto-api/reset-auth {count}"), &response)
    }

    /// One IAM query-protocol call, unsigned; returns the XML body.
    fn iam_call(&self, params: &[(&str, &str)]) -> Result<String, String> {
        let mut body = String::from("Version=2010-05-08");
        for (key, value) in params {
            body.push('&');
            body.push_str(&form_encode(key));
            body.push('=');
            body.push_str(&form_encode(value));
        }
        let headers = [
            (
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ),
            ("Authorization", &routing_authorization("iam")),
        ];
        let response = self.request("POST", "/", &headers, body.as_bytes())?;
        let action = params.first().map_or("?", |(_, action)| action);
        expect_ok(&format!("IAM {action}"), &response)?;
        Ok(response.text())
    }

    /// Sends one HTTP/1.1 request to the server and reads the whole response. `path` includes
    /// any query string; `Host`, `Content-Length` and `Connection: close` are added.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<RawResponse, String> {
        http_request(self.port, method, path, headers, body)
            .map_err(|e| format!("{method} {}{path}: {e}", self.endpoint()))
    }

    /// Watches the boot log for the line with the port.
    fn wait_for_port(&mut self) -> Result<u16, String> {
        const MARKER: &str = "Running on http://127.0.0.1:";
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let text = fs::read_to_string(&self.log).unwrap_or_default();
            if let Some(at) = text.find(MARKER) {
                let digits: String = text[at + MARKER.len()..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                // The line may still be half written: wait for the end of the number.
                let complete = text[at + MARKER.len() + digits.len()..]
                    .chars()
                    .next()
                    .is_some();
                if complete {
                    return digits
                        .parse()
                        .map_err(|_| format!("cannot read moto's port from: {text}"));
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "moto server exited ({status}) before listening; its output ({}):\n{text}",
                    self.log.display()
                ));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "moto server printed no port within {START_TIMEOUT:?}; its output ({}):\n{text}",
                    self.log.display()
                ));
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    fn wait_until_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let last = match self.request("GET", "/moto-api/data.json", &[], b"") {
                Ok(response) if response.status == 200 => return Ok(()),
                Ok(response) => format!("HTTP {}", response.status),
                Err(e) => e,
            };
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "moto server exited ({status}); see {}",
                    self.log.display()
                ));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "moto server not ready within {READY_TIMEOUT:?} (last: {last}); see {}",
                    self.log.display()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        // Closing stdin makes the wrapper's watchdog exit the process at once.
        drop(self.child.stdin.take());
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            match self.child.try_wait() {
                Ok(Some(_)) | Err(_) => return,
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One server for the whole test binary, started on first use. Statics are never dropped: the
/// server stops when the process exits, because its standard-input pipe closes then (see the
/// module docs). Panics if the server cannot start, with the reason.
///
/// Tests sharing it run concurrently: keep them apart with [`account_id_header`] rather than
/// [`MotoServer::reset`], and never call [`MotoServer::enable_auth`] on it.
pub fn shared() -> &'static MotoServer {
    static SHARED: OnceLock<Result<MotoServer, String>> = OnceLock::new();
    match SHARED.get_or_init(MotoServer::start) {
        Ok(server) => server,
        Err(e) => panic!("cannot start the shared moto server: {e}"),
    }
}

/// A header `(x-moto-account-id, <12 digits>)` naming an account no other call of this process
/// has been given. Requests carrying it see only that account's resources.
pub fn account_id_header() -> (&'static str, String) {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed) % 1_000_000;
    let pid = std::process::id() % 1_000_000;
    // A leading 9 keeps it apart from moto's default account 123456789012.
    (ACCOUNT_ID_HEADER, format!("9{pid:05}{n:06}"))
}

/// The workspace root (this crate's parent folder).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// `<workspace>/target/moto-venv`.
pub fn venv_dir() -> PathBuf {
    VENV.path()
}

fn logs_dir() -> PathBuf {
    workspace_root().join("target").join("moto-logs")
}

/// moto's venv.
pub const VENV: crate::venv::Venv = crate::venv::Venv {
    what: "moto",
    dir: "moto-venv",
    packages: PIP_PACKAGES,
};

/// Makes sure moto is installed in [`venv_dir`], installing it if not; returns the venv.
pub fn ensure_installed() -> Result<PathBuf, String> {
    VENV.ensure_installed()
}

fn expect_ok(what: &str, response: &RawResponse) -> Result<(), String> {
    if response.status == 200 {
        Ok(())
    } else {
        Err(format!(
            "{what}: HTTP {}: {}",
            response.status,
            response.text()
        ))
    }
}

fn http_request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<RawResponse, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(IO_TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(IO_TIMEOUT)))
        .map_err(|e| e.to_string())?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body))
        .map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Result<RawResponse, String> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("incomplete response: no end of headers")?;
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_string(), value.trim().to_string()))
        .collect();
    let mut response = RawResponse {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    };
    let chunked = response
        .header("Transfer-Encoding")
        .is_some_and(|te| te.eq_ignore_ascii_case("chunked"));
    if chunked {
        response.body = dechunk(&response.body)?;
    } else if let Some(len) = response
        .header("Content-Length")
        .and_then(|len| len.parse::<usize>().ok())
    {
        response.body.truncate(len);
    }
    Ok(response)
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("bad chunked body")?;
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        let chunk = data.get(..size).ok_or("truncated chunk")?;
        body.extend_from_slice(chunk);
        data = data.get(size + 2..).ok_or("truncated chunk")?;
    }
}

/// An `Authorization` header that signs nothing but names `service` in its credential scope.
/// moto's server routes a POST to `/` by that scope alone (without one, it is taken for S3);
/// while verification is off it checks nothing else.
fn routing_authorization(service: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20150830/us-east-1/{service}/aws4_request, \
         SignedHeaders=host, Signature=0"
    )
}

/// `application/x-www-form-urlencoded` encoding of one key or value.
fn form_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The text of the first `<tag>…</tag>` in `xml`.
fn xml_text<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let len = xml[start..].find(&format!("</{tag}>"))?;
    Some(&xml[start..start + len])
}

/// A test's turn on its test binary's moto server: the server was reset, SigV4 verification is
/// on, and [`Turn::key`] belongs to an allow-all IAM user. Tests in one binary take turns (the
/// guard), so each starts from a clean server; a test that failed does not block the others.
pub struct Turn {
    guard: std::sync::MutexGuard<'static, MotoServer>,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// Access key id and secret that moto's verification accepts.
    pub key: (String, String),
}

/// Waits for this binary's moto server (started on first use), resets it and turns SigV4
/// verification on.
pub fn take_turn() -> Turn {
    static SERVER: OnceLock<Mutex<MotoServer>> = OnceLock::new();
    let server =
        SERVER.get_or_init(|| Mutex::new(MotoServer::start().expect("moto server starts")));
    let guard = server.lock().unwrap_or_else(|e| e.into_inner());
    guard.reset().expect("reset moto");
    let key = guard.enable_auth().expect("turn SigV4 verification on");
    Turn {
        endpoint: guard.endpoint(),
        key,
        guard,
    }
}

impl Turn {
    pub fn server(&self) -> &MotoServer {
        &self.guard
    }

    /// A config for the emulator with this turn's credentials, to add settings to.
    pub fn builder(&self) -> rboto::ConfigBuilder {
        self.builder_with_secret(&self.key.1)
    }

    pub fn config(&self) -> rboto::Config {
        self.builder().build()
    }

    /// A config signing with `secret` instead of the right one.
    pub fn config_with_secret(&self, secret: &str) -> rboto::Config {
        self.builder_with_secret(secret).build()
    }

    fn builder_with_secret(&self, secret: &str) -> rboto::ConfigBuilder {
        rboto::Config::builder()
            .region("us-east-1")
            .endpoint_url(&self.endpoint)
            .credentials(rboto::Credentials::new(&self.key.0, secret, None))
    }

    /// Switches moto's SigV4 verification off for the rest of this turn (for the requests
    /// moto cannot verify; see shared/MOTO.md). The next turn switches it on again.
    pub fn verification_off(&self) {
        self.guard
            .disable_auth()
            .expect("turn SigV4 verification off");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: (&str, &str) = (
        "Content-Type",
        "application/x-www-form-urlencoded; charset=utf-8",
    );
    const GET_CALLER_IDENTITY: &[u8] = b"Action=GetCallerIdentity&Version=2011-06-15";

    /// A wrong secret differs from the secret whatever its last character (a chaos run once
    /// failed because moto's random secret ended in the fixed replacement).
    #[test]
    fn a_wrong_secret_is_never_the_secret() {
        for secret in ["abcx", "abcy", "abc", "x"] {
            let wrong = wrong_secret(secret);
            assert_ne!(wrong, secret);
            assert_eq!(wrong.len(), secret.len());
            assert_eq!(wrong[..wrong.len() - 1], secret[..secret.len() - 1]);
        }
    }

    /// A well-formed SigV4 `Authorization` header for STS with a wrong signature.
    fn forged_sts_authorization(access_key: &str) -> String {
        format!(
            "AWS4-HMAC-SHA256 Credential={access_key}/20150830/us-east-1/sts/aws4_request, \
             SignedHeaders=host;x-amz-date, Signature={}",
            "0".repeat(64)
        )
    }

    /// Calls STS GetCallerIdentity signed by botocore (from the moto venv) with this key.
    fn botocore_caller_arn(server: &MotoServer, id: &str, secret: &str) -> Result<String, String> {
        let script = "import sys, boto3\n\
            c = boto3.client('sts', endpoint_url=sys.argv[1], region_name='us-east-1',\n    \
                aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])\n\
            print(c.get_caller_identity()['Arn'])";
        let output = Command::new(venv_dir().join("bin").join("python"))
            .args(["-c", script, &server.endpoint(), id, secret])
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_SESSION_TOKEN")
            .output()
            .map_err(|e| e.to_string())?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    }

    #[test]
    fn enable_auth_refuses_unsigned_and_forged_requests_and_accepts_its_key() {
        let server = MotoServer::start().unwrap();
        let sts = |headers: &[(&str, &str)]| {
            server
                .request("POST", "/", headers, GET_CALLER_IDENTITY)
                .unwrap()
        };
        let routing = routing_authorization("sts");
        let unsigned_sts = [FORM, ("Authorization", routing.as_str())];

        // Verification off: an unsigned request is served.
        let before = sts(&unsigned_sts);
        assert_eq!(before.status, 200, "{}", before.text());
        assert!(before.text().contains("GetCallerIdentityResult"));

        let (id, secret) = server.enable_auth().unwrap();
        assert!(id.starts_with("AKIA") && id.len() == 20, "{id}");
        assert_eq!(secret.len(), 40);

        // The same unsigned request (its header only names the service) is refused:
        // moto does not know the key.
        let refused = sts(&unsigned_sts);
        assert_eq!(refused.status, 403, "{}", refused.text());
        assert!(refused.text().contains("InvalidClientTokenId"));

        // With no Authorization header at all, moto 5.2.5 takes the request for S3 and answers
        // a bare HTTP 500 page, not an AWS error.
        let bare = sts(&[FORM]);
        assert_eq!(bare.status, 500, "{}", bare.text());

        // The right key with a wrong signature.
        let forged = forged_sts_authorization(&id);
        let forged = sts(&[
            FORM,
            ("X-Amz-Date", "20150830T123600Z"),
            ("Authorization", &forged),
        ]);
        assert_eq!(forged.status, 403, "{}", forged.text());
        assert!(forged.text().contains("SignatureDoesNotMatch"));

        // Properly signed with the returned key (by botocore): allowed, as the new user.
        let arn = botocore_caller_arn(&server, &id, &secret).unwrap();
        assert!(
            arn.starts_with("arn:aws:iam::123456789012:user/rboto-admin-"),
            "{arn}"
        );
        let refused = botocore_caller_arn(&server, &id, &wrong_secret(&secret)).unwrap_err();
        assert!(refused.contains("SignatureDoesNotMatch"), "{refused}");

        // Off again: unsigned requests are served.
        server.disable_auth().unwrap();
        assert_eq!(sts(&unsigned_sts).status, 200);
    }

    #[test]
    fn reset_deletes_state() {
        let server = MotoServer::start().unwrap();
        let routing = routing_authorization("sqs");
        let sqs = |body: &[u8]| {
            server
                .request("POST", "/", &[FORM, ("Authorization", &routing)], body)
                .unwrap()
        };
        let list = b"Action=ListQueues&Version=2012-11-05";
        let created = sqs(b"Action=CreateQueue&Version=2012-11-05&QueueName=reset-me");
        assert_eq!(created.status, 200, "{}", created.text());
        assert!(sqs(list).text().contains("reset-me"));
        server.reset().unwrap();
        let after = sqs(list);
        assert_eq!(after.status, 200, "{}", after.text());
        assert!(!after.text().contains("reset-me"), "{}", after.text());
    }

    #[test]
    fn shared_server_keeps_accounts_apart() {
        let server = shared();
        assert!(std::ptr::eq(server, shared()));
        let (name, account_a) = account_id_header();
        let (_, account_b) = account_id_header();
        assert_ne!(account_a, account_b);
        assert_eq!(account_a.len(), 12);
        let routing = routing_authorization("sqs");
        let sqs = |account: &str, body: &[u8]| {
            let headers = [FORM, ("Authorization", routing.as_str()), (name, account)];
            server.request("POST", "/", &headers, body).unwrap()
        };
        let created = sqs(
            &account_a,
            b"Action=CreateQueue&Version=2012-11-05&QueueName=only-in-a",
        );
        assert_eq!(created.status, 200, "{}", created.text());
        assert!(created.text().contains(&account_a), "{}", created.text());
        let list = b"Action=ListQueues&Version=2012-11-05";
        assert!(sqs(&account_a, list).text().contains("only-in-a"));
        assert!(!sqs(&account_b, list).text().contains("only-in-a"));
    }

    #[test]
    fn drop_stops_the_server_and_so_does_a_closed_stdin() {
        let server = MotoServer::start().unwrap();
        let port = server.port();
        assert!(server.log_path().ends_with(format!("{port}.log")));
        drop(server);
        assert!(TcpStream::connect(("127.0.0.1", port)).is_err());

        // What happens when the test process dies: the pipe closes and the watchdog exits,
        // cleanly (status 0), long before Drop's kill would.
        let mut server = MotoServer::start().unwrap();
        drop(server.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        let status = loop {
            if let Some(status) = server.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "moto outlived its stdin");
            std::thread::sleep(Duration::from_millis(10));
        };
        assert!(status.success(), "{status}");
    }

    #[test]
    fn parses_responses_and_encodes_forms() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        let response = parse_response(raw).unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(response.body, b"abcde");
        let raw = b"HTTP/1.1 404 NOT FOUND\r\ncontent-length: 2\r\n\r\nhi";
        let response = parse_response(raw).unwrap();
        assert_eq!((response.status, response.text().as_str()), (404, "hi"));
        assert_eq!(response.header("Content-Length"), Some("2"));
        assert!(parse_response(b"HTTP/1.1 200 OK\r\n").is_err());
        assert_eq!(form_encode("a b/{\"*\"}"), "a%20b%2F%7B%22%2A%22%7D");
        assert_eq!(xml_text("<A><Id>x</Id></A>", "Id"), Some("x"));
        assert_eq!(xml_text("<A></A>", "Id"), None);
    }
}
