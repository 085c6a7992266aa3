//! The AWS CLI peer: awscli 1.46.3 in its own venv, and the configuration both tools run with.
//!
//! # Install
//! `<workspace>/target/awscli-venv`, made on first use with `python3 -m venv` and
//! `pip install` of [`PIP_PACKAGES`], exactly as `tests/src/moto.rs` installs moto (a lock
//! directory holding the installer's pid; a marker file holding the package list, so changing
//! the pin reinstalls). It is a venv of its own because awscli pins its own botocore (1.43.x)
//! while moto's venv pins botocore 1.44.5. `.ci/run` performs the same install (it reads
//! [`PIP_PACKAGES`] out of this file) before the tests.
//!
//! # Configuration
//! [`Sandbox`] is a temporary directory with an `AWS_CONFIG_FILE` (region `us-east-1`,
//! `cli_timestamp_format = iso8601` as AWS CLI v2's default, a `seed` profile carrying its own
//! fake keys for the seed's `--profile` commands, a `nocreds` profile without any), an empty
//! shared credentials file, and a home directory, so neither tool reads the user's `~/.aws`.
//! The default credentials are fake keys in the environment ([`Sandbox::env`]).

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// What `pip install` puts into the venv. `.ci/run` reads this line (keep it on one line).
pub const PIP_PACKAGES: &str = "awscli==1.46.3";

const INSTALLED_MARKER: &str = ".rboto-installed";
const INSTALL_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// `<workspace>/target/awscli-venv`.
pub fn venv_dir() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.parent().unwrap_or(manifest);
    root.join("target").join("awscli-venv")
}

/// Makes sure awscli is installed in [`venv_dir`], installing it if not; returns the venv.
pub fn ensure_installed() -> Result<PathBuf, String> {
    let venv = venv_dir();
    let lock = venv.with_extension("lock");
    let deadline = Instant::now() + INSTALL_TIMEOUT;
    loop {
        if is_installed(&venv) {
            return Ok(venv);
        }
        match fs::create_dir(&lock) {
            Ok(()) => {
                let _ = fs::write(lock.join("pid"), std::process::id().to_string());
                // Another process may have finished between our check and our lock.
                let result = if is_installed(&venv) {
                    Ok(())
                } else {
                    install(&venv)
                };
                let _ = fs::remove_dir_all(&lock);
                return result.map(|()| venv);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                if lock_is_stale(&lock) {
                    let _ = fs::remove_dir_all(&lock);
                    continue;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let parent = lock.parent().unwrap_or(Path::new("."));
                fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
                continue;
            }
            Err(e) => return Err(format!("cannot create {}: {e}", lock.display())),
        }
        if Instant::now() > deadline {
            return Err(format!(
                "gave up waiting for another process installing awscli (lock {})",
                lock.display()
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn is_installed(venv: &Path) -> bool {
    fs::read_to_string(venv.join(INSTALLED_MARKER)).is_ok_and(|text| text.trim() == PIP_PACKAGES)
}

/// A lock whose installer died: its pid no longer runs, or it never wrote one within a minute.
fn lock_is_stale(lock: &Path) -> bool {
    match fs::read_to_string(lock.join("pid")) {
        Ok(pid) => !Path::new("/proc").join(pid.trim()).exists(),
        Err(_) => fs::metadata(lock)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age > Duration::from_secs(60)),
    }
}

fn install(venv: &Path) -> Result<(), String> {
    // Straight to stderr, past the test harness's output capture, so it is seen.
    let _ = writeln!(
        std::io::stderr(),
        "installing awscli into target/awscli-venv (first use)…"
    );
    if venv.exists() {
        // A partial or outdated install: start over.
        fs::remove_dir_all(venv).map_err(|e| format!("cannot remove {}: {e}", venv.display()))?;
    }
    let log_path = venv.with_extension("install.log");
    let log = File::create(&log_path)
        .map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
    let run = |program: &Path, args: &[&str]| -> Result<(), String> {
        let clone = || {
            log.try_clone()
                .map_err(|e| format!("cannot duplicate {}: {e}", log_path.display()))
        };
        let status = Command::new(program)
            .args(args)
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
            .stdin(Stdio::null())
            .stdout(clone()?)
            .stderr(clone()?)
            .status()
            .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
        if status.success() {
            return Ok(());
        }
        let text = fs::read_to_string(&log_path).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(20).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        Err(format!(
            "installing awscli failed: `{} {}` exited with {status}; last lines of {}:\n{}",
            program.display(),
            args.join(" "),
            log_path.display(),
            tail.join("\n")
        ))
    };
    let venv_str = venv.to_string_lossy();
    run(Path::new("python3"), &["-m", "venv", &venv_str])?;
    let mut pip_args = vec!["install"];
    pip_args.extend(PIP_PACKAGES.split_whitespace());
    run(&venv.join("bin").join("pip"), &pip_args)?;
    let marker = venv.join(INSTALLED_MARKER);
    fs::write(&marker, format!("{PIP_PACKAGES}\n"))
        .map_err(|e| format!("cannot write {}: {e}", marker.display()))
}

/// The fake default credentials, given through the environment.
pub const ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

const CONFIG: &str = "\
[default]
region = us-east-1
cli_timestamp_format = iso8601

[profile seed]
region = us-east-1
cli_timestamp_format = iso8601
aws_access_key_id = AKIAI44QH8DHBEXAMPLE
aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY

[profile nocreds]
region = us-east-1
cli_timestamp_format = iso8601
";

/// A temporary directory holding both tools' configuration and working directories; removed
/// when dropped.
pub struct Sandbox {
    root: PathBuf,
}

impl Sandbox {
    pub fn new() -> Result<Sandbox, String> {
        let root = std::env::temp_dir().join(format!("rboto-aws-cli-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let write = |name: &str, text: &str| {
            let path = root.join(name);
            fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        };
        fs::create_dir_all(root.join("home"))
            .map_err(|e| format!("cannot create {}: {e}", root.display()))?;
        write("config", CONFIG)?;
        write("credentials", "")?;
        Ok(Sandbox { root })
    }

    /// A fresh, empty working directory for one tool's run of one scenario.
    pub fn workdir(&self, name: &str) -> Result<PathBuf, String> {
        let dir = self.root.join("work").join(name);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        Ok(dir)
    }

    /// The whole environment of a command (the test's own is not passed on).
    pub fn env(&self) -> Vec<(String, String)> {
        let path = |name: &str| self.root.join(name).to_string_lossy().into_owned();
        [
            ("PATH", std::env::var("PATH").unwrap_or_default()),
            ("HOME", path("home")),
            ("LC_ALL", "C.UTF-8".into()),
            ("AWS_CONFIG_FILE", path("config")),
            ("AWS_SHARED_CREDENTIALS_FILE", path("credentials")),
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID.into()),
            ("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY.into()),
            // Without credentials, neither tool may wait on an instance metadata service.
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
            ("AWS_PAGER", String::new()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}
