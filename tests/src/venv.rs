//! Python tools the tests run beside rboto (moto's server, the AWS CLI), each pip-installed
//! once into its own virtualenv under `target/` and found there afterwards.
//!
//! Test binaries run in parallel and may all want the same venv first: one installs it under a
//! lock directory while the others wait, and a marker file holding the package list says the
//! install finished (a changed list installs again from scratch).

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// The AWS CLI peer of the command line's side-by-side tests and startup benchmark: awscli v1
/// in a venv of its own (it pins its own botocore, moto's venv pins botocore 1.44.5). `.ci/run`
/// reads this line (keep it on one line).
pub const AWS_CLI_PACKAGES: &str = "awscli==1.46.3";

/// awscli's venv.
pub const AWS_CLI: Venv = Venv {
    what: "awscli",
    dir: "awscli-venv",
    packages: AWS_CLI_PACKAGES,
};

/// Written last into a finished venv, holding its package list.
pub const INSTALLED_MARKER: &str = ".rboto-installed";
const INSTALL_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// A virtualenv `target/<dir>` holding the pip packages `packages` (a space-separated list).
#[derive(Debug, Clone, Copy)]
pub struct Venv {
    /// What it is for, in messages (`moto`, `awscli`).
    pub what: &'static str,
    pub dir: &'static str,
    pub packages: &'static str,
}

impl Venv {
    /// `<workspace>/target/<dir>`.
    pub fn path(&self) -> PathBuf {
        crate::moto::workspace_root().join("target").join(self.dir)
    }

    /// Makes sure the packages are installed, installing them if not; returns the venv.
    pub fn ensure_installed(&self) -> Result<PathBuf, String> {
        let venv = self.path();
        let lock = venv.with_extension("lock");
        let deadline = Instant::now() + INSTALL_TIMEOUT;
        loop {
            if self.is_installed(&venv) {
                return Ok(venv);
            }
            match fs::create_dir(&lock) {
                Ok(()) => {
                    let _ = fs::write(lock.join("pid"), std::process::id().to_string());
                    // Another process may have finished between our check and our lock.
                    let result = if self.is_installed(&venv) {
                        Ok(())
                    } else {
                        self.install(&venv)
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
                    "gave up waiting for another process installing {} (lock {})",
                    self.what,
                    lock.display()
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Makes sure the venv is installed and can `import module`, pip-installing `spec` into it
    /// if not (extras only some tools need, such as the benchmarks' boto3 beside moto); returns
    /// the venv. Not locked: call it from one process at a time.
    pub fn ensure_package(&self, module: &str, spec: &str) -> Result<PathBuf, String> {
        let venv = self.ensure_installed()?;
        let imports = Command::new(venv.join("bin").join("python"))
            .args(["-c", &format!("import {module}")])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !imports {
            let _ = writeln!(
                std::io::stderr(),
                "installing {spec} into {}…",
                venv.display()
            );
            let status = Command::new(venv.join("bin").join("pip"))
                .args(["install", "--quiet", spec])
                .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
                .stdin(Stdio::null())
                .status()
                .map_err(|e| format!("cannot run pip of {}: {e}", venv.display()))?;
            if !status.success() {
                return Err(format!(
                    "pip install {spec} into {}: {status}",
                    venv.display()
                ));
            }
        }
        Ok(venv)
    }

    fn is_installed(&self, venv: &Path) -> bool {
        fs::read_to_string(venv.join(INSTALLED_MARKER))
            .is_ok_and(|text| text.trim() == self.packages)
    }

    fn install(&self, venv: &Path) -> Result<(), String> {
        // Straight to stderr, past the test harness's output capture, so it is seen.
        let _ = writeln!(
            std::io::stderr(),
            "installing {} into target/{} (first use)…",
            self.what,
            self.dir
        );
        if venv.exists() {
            // A partial or outdated install: start over.
            fs::remove_dir_all(venv)
                .map_err(|e| format!("cannot remove {}: {e}", venv.display()))?;
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
                "installing {} failed: `{} {}` exited with {status}; last lines of {}:\n{}",
                self.what,
                program.display(),
                args.join(" "),
                log_path.display(),
                tail.join("\n")
            ))
        };
        let venv_str = venv.to_string_lossy();
        run(Path::new("python3"), &["-m", "venv", &venv_str])?;
        let mut pip_args = vec!["install"];
        pip_args.extend(self.packages.split_whitespace());
        run(&venv.join("bin").join("pip"), &pip_args)?;
        let marker = venv.join(INSTALLED_MARKER);
        fs::write(&marker, format!("{}\n", self.packages))
            .map_err(|e| format!("cannot write {}: {e}", marker.display()))
    }
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
