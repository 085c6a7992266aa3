//! Building and running the three drivers, the local server and the callgrind runs.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};

/// Figures by key (`sign.post.ns`, `req.s3put.ir`, …).
pub type Figures = BTreeMap<String, f64>;

/// boto3 matching the botocore the moto venv pins (boto3 and botocore share version numbers).
const BOTO3: &str = "boto3==1.44.5";

/// A cargo command without the variables `cargo run` set for the xtask itself
/// (`CARGO_PKG_NAME=xtask`, …): build scripts that watch them (ring's does) would otherwise
/// rerun, and everything above them be rebuilt, whenever the bench is started through
/// `cargo xtask` rather than from a shell.
pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO_PKG_")
            || key.starts_with("CARGO_MANIFEST_")
            || [
                "CARGO_CRATE_NAME",
                "CARGO_BIN_NAME",
                "CARGO_PRIMARY_PACKAGE",
                "OUT_DIR",
            ]
            .contains(&key.as_ref())
        {
            cmd.env_remove(key.as_ref());
        }
    }
    cmd
}

/// The workspace's target directory (`CARGO_TARGET_DIR` when set).
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

fn check(status: std::io::Result<std::process::ExitStatus>, what: &str) -> Result<(), String> {
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("{what}: {s}")),
        Err(e) => Err(format!("{what}: {e}")),
    }
}

/// Keeps the drivers from reading the user's AWS configuration: each is given its endpoint,
/// region and credentials explicitly.
fn isolate(cmd: &mut Command) -> &mut Command {
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
}

pub struct Driver {
    pub name: &'static str,
    program: PathBuf,
    prefix: Vec<String>,
}

impl Driver {
    pub fn rboto(root: &Path) -> Result<Self, String> {
        println!("building rboto-bench (release)…");
        check(
            cargo()
                .args(["build", "--quiet", "--release", "-p", "rboto-bench"])
                .current_dir(root)
                .status(),
            "building rboto-bench",
        )?;
        Ok(Driver {
            name: "rboto",
            program: target_dir(root).join("release").join("rboto-bench"),
            prefix: Vec::new(),
        })
    }

    pub fn aws(root: &Path) -> Result<Self, String> {
        println!("building aws-bench (release, pinned aws-sdk-rust; slow the first time)…");
        let target = target_dir(root).join("bench").join("aws-bench");
        check(
            cargo()
                .args(["build", "--quiet", "--release", "--locked"])
                .current_dir(root.join("xtask").join("bench").join("aws-bench"))
                .env("CARGO_TARGET_DIR", &target)
                .status(),
            "building aws-bench",
        )?;
        Ok(Driver {
            name: "aws-sdk-rust",
            program: target.join("release").join("aws-bench"),
            prefix: Vec::new(),
        })
    }

    pub fn boto3() -> Result<Self, String> {
        let venv = rboto_tests::moto::VENV.ensure_package("boto3", BOTO3)?;
        let python = venv.join("bin").join("python");
        // The venv's `bin/python` is a link to the interpreter itself (never a wrapper script
        // such as pyenv's shims), so valgrind can start it.
        let script = crate::workspace_root()
            .join("xtask")
            .join("bench")
            .join("boto3_bench.py");
        Ok(Driver {
            name: "boto3",
            program: python,
            prefix: vec![script.to_string_lossy().into_owned()],
        })
    }

    /// A peer that could not be built or installed: an empty column.
    pub fn missing() -> Self {
        Driver {
            name: "missing",
            program: PathBuf::new(),
            prefix: Vec::new(),
        }
    }

    pub fn is_missing(&self) -> bool {
        self.name == "missing"
    }

    pub fn is_python(&self) -> bool {
        !self.prefix.is_empty()
    }

    fn command(&self, program: &Path, pre: &[&str], args: &[&str]) -> Command {
        let mut cmd = Command::new(program);
        cmd.args(pre).args(&self.prefix).args(args);
        isolate(&mut cmd);
        cmd
    }

    /// Runs the driver; its `RESULT` lines.
    pub fn run(&self, args: &[&str]) -> Result<Figures, String> {
        let out = self
            .command(&self.program, &[], args)
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("{} {}: {e}", self.name, args.join(" ")))?;
        if !out.status.success() {
            return Err(format!("{} {}: {}", self.name, args.join(" "), out.status));
        }
        Ok(parse_results(&String::from_utf8_lossy(&out.stdout)))
    }

    /// Runs the driver under callgrind; `<phase>.ir` for each phase (in the order the driver
    /// runs them), divided by the operations each phase did.
    pub fn callgrind(&self, args: &[&str], phases: &[&str], per: usize) -> Result<Figures, String> {
        let dir = target_dir(&crate::workspace_root())
            .join("bench")
            .join(format!("callgrind-{}", self.name));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let out_file = format!("--callgrind-out-file={}", dir.join("cg.out").display());
        let program = self.program.to_string_lossy().into_owned();
        let pre = [
            "--tool=callgrind",
            "--dump-before=getppid",
            &out_file,
            program.as_str(),
        ];
        let status = self
            .command(Path::new("valgrind"), &pre, args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        check(
            status,
            &format!("valgrind {} {}", self.name, args.join(" ")),
        )?;
        let mut figures = Figures::new();
        for (i, phase) in phases.iter().enumerate() {
            // Dump 1 is everything before the first phase; phase i is dump i + 2.
            let path = dir.join(format!("cg.out.{}", i + 2));
            let text = std::fs::read_to_string(&path).map_err(|e| {
                format!("{}: {e} (did the driver mark its phases?)", path.display())
            })?;
            let total: f64 = text
                .lines()
                .find_map(|l| l.strip_prefix("summary:"))
                .and_then(|v| v.trim().parse().ok())
                .ok_or_else(|| format!("{}: no summary line", path.display()))?;
            figures.insert(format!("{phase}.ir"), total / per as f64);
        }
        Ok(figures)
    }

    /// Endpoint resolution: rboto's is runtime/examples/endpoint_bench.rs; boto3 has none
    /// comparable (botocore caches each resolution by its parameters).
    pub fn endpoint(&self) -> Result<Figures, String> {
        match self.name {
            "rboto" => {
                let out = cargo()
                    .args(["run", "--quiet", "--release", "-p", "rboto"])
                    .args(["--example", "endpoint_bench"])
                    .current_dir(crate::workspace_root())
                    .stderr(Stdio::inherit())
                    .output()
                    .map_err(|e| format!("endpoint_bench: {e}"))?;
                let text = String::from_utf8_lossy(&out.stdout);
                let mut f = Figures::new();
                for (label, key) in [("S3 GetObject", "s3"), ("DynamoDB GetItem", "ddb")] {
                    let ns = text
                        .lines()
                        .find_map(|l| l.strip_prefix(&format!("{label}: median ")))
                        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
                        .ok_or_else(|| format!("endpoint_bench printed no median for {label}"))?;
                    f.insert(format!("endpoint.{key}.ns"), ns);
                }
                Ok(f)
            }
            "aws-sdk-rust" => self.run(&["endpoint", "200000"]),
            _ => Ok(Figures::new()),
        }
    }
}

/// `RESULT <key> <value>` lines.
pub fn parse_results(stdout: &str) -> Figures {
    stdout
        .lines()
        .filter_map(|l| {
            let mut it = l.strip_prefix("RESULT ")?.split_whitespace();
            Some((it.next()?.to_string(), it.next()?.parse().ok()?))
        })
        .collect()
}

/// The local keep-alive server (`rboto-bench serve`), stopped when dropped.
pub struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    port: u16,
}

impl Server {
    pub fn start(rboto: &Driver) -> Result<Self, String> {
        let mut child = Command::new(&rboto.program)
            .arg("serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting the local server: {e}"))?;
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            let _ = BufReader::new(out).read_line(&mut line);
        }
        let port = line
            .trim()
            .strip_prefix("port ")
            .and_then(|p| p.parse().ok());
        let stdin = child.stdin.take();
        match port {
            Some(port) => Ok(Server { child, stdin, port }),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                Err(format!("the local server said {line:?}, not its port"))
            }
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// The 1 GiB managed transfers (runtime/s3-transfer/examples/transfer_bench.rs), with the
/// loopback limit it measures beside them.
pub fn transfers(root: &Path) -> Result<Figures, String> {
    let out = cargo()
        .args(["run", "--quiet", "--release", "-p", "rboto-s3-transfer"])
        .args(["--example", "transfer_bench"])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("transfer_bench: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    if !out.status.success() {
        eprintln!(
            "transfer_bench exited with {} (a bound was exceeded)",
            out.status
        );
    }
    Ok(parse_transfers(&text))
}

/// The figures in transfer_bench's report.
fn parse_transfers(text: &str) -> Figures {
    let mut f = Figures::new();
    let number_before = |line: &str, unit: &str| -> Option<f64> {
        let head = &line[..line.find(unit)?];
        head.split_whitespace().last()?.parse().ok()
    };
    for line in text.lines() {
        let t = line.trim_start();
        for dir in ["upload", "download"] {
            if let Some(rest) = t.strip_prefix(&format!("{dir}:")) {
                if let Some(v) = number_before(rest, "MiB/s") {
                    f.insert(format!("transfer.{dir}.mibs"), v);
                }
                if let Some(i) = rest.find("peak RSS") {
                    if let Some(v) = rest[i + 8..]
                        .split_whitespace()
                        .next()
                        .and_then(|v| v.parse().ok())
                    {
                        f.insert(format!("transfer.{dir}.rss_mib"), v);
                    }
                }
            }
        }
        if let Some(i) = t.find("up ") {
            if t.starts_with("loopback limit") {
                let rest = &t[i..];
                let mut it = rest.split([' ', ',']).filter(|s| !s.is_empty());
                while let Some(w) = it.next() {
                    if w == "up" || w == "down" {
                        if let Some(v) = it.next().and_then(|v| v.parse().ok()) {
                            f.insert(format!("transfer.{w}.limit_mibs"), v);
                        }
                    }
                }
            }
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_lines_are_read_and_other_lines_ignored() {
        let f =
            parse_results("warming up\nRESULT sign.post.ns 1234.5\nRESULT bad\nRESULT x.y nan?\n");
        assert_eq!(f.len(), 1);
        assert_eq!(f["sign.post.ns"], 1234.5);
    }

    #[test]
    fn transfer_report_figures() {
        let report = "1 GiB, 8 MiB parts x 10 at once; bound = part size x concurrency + 32 MiB = 112 MiB
  upload:   612.3 MiB/s  peak RSS   95.2 MiB (before the transfer   5.1 MiB)  progress reports    128  PASS
download:   540.0 MiB/s  peak RSS   88.0 MiB (before the transfer   5.0 MiB)  progress reports    128  PASS
loopback limit (bare HTTP/1.1 client, 10 connections, no SDK, no file): up 900.5 MiB/s, down 1001.0 MiB/s
";
        let f = parse_transfers(report);
        assert_eq!(f["transfer.upload.mibs"], 612.3);
        assert_eq!(f["transfer.upload.rss_mib"], 95.2);
        assert_eq!(f["transfer.download.mibs"], 540.0);
        assert_eq!(f["transfer.download.rss_mib"], 88.0);
        assert_eq!(f["transfer.up.limit_mibs"], 900.5);
        assert_eq!(f["transfer.down.limit_mibs"], 1001.0);
    }
}
