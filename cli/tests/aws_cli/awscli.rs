//! The AWS CLI peer: awscli 1.46.3 in its own venv, and the configuration both tools run with.
//!
//! # Install
//! `<workspace>/target/awscli-venv`, made on first use with `python3 -m venv` and
//! `pip install` of [`PIP_PACKAGES`], through `rboto_tests::venv`, as moto is installed (a lock
//! directory holding the installer's pid; a marker file holding the package list, so changing
//! the pin reinstalls). It is a venv of its own because awscli pins its own botocore (1.43.x)
//! while moto's venv pins botocore 1.44.5. `.ci/run` performs the same install (it reads
//! the package list out of `tests/src/venv.rs`) before the tests.
//!
//! # Configuration
//! [`Sandbox`] is a temporary directory with an `AWS_CONFIG_FILE` (region `us-east-1`,
//! `cli_timestamp_format = iso8601` as AWS CLI v2's default, a `seed` profile carrying its own
//! fake keys for the seed's `--profile` commands, a `nocreds` profile without any), an empty
//! shared credentials file, and a home directory, so neither tool reads the user's `~/.aws`.
//! The default credentials are fake keys in the environment ([`Sandbox::env`]).

use std::fs;
use std::path::PathBuf;

pub use rboto_tests::venv::AWS_CLI_PACKAGES as PIP_PACKAGES;

/// Makes sure awscli is installed in `target/awscli-venv`, installing it if not; returns the venv.
pub fn ensure_installed() -> Result<PathBuf, String> {
    rboto_tests::venv::AWS_CLI.ensure_installed()
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
