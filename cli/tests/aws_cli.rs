//! Side by side with the AWS CLI: every scenario of `aws_cli/corpus/` runs with awscli 1.46.3
//! and with `rboto` against the same moto server, reset before each tool's run, and the
//! compared commands must give the same stdout (after [`normalize`] removes what the emulator
//! generates), the same exit code, and for failures the same error line on stderr.
//!
//! The corpus format is described in `aws_cli/corpus.rs`. Environment knobs:
//! - `RBOTO_AWS_CLI_SELF=1` runs awscli in rboto's place: the harness and the corpus checked
//!   against the peer itself (every difference found then is the emulator's randomness, which
//!   `normalize` must cover).
//! - `RBOTO_AWS_CLI_FILTER=a,b` runs only the scenarios whose file name contains `a` or `b`.
//! - `RBOTO_AWS_CLI_TIMES=1` prints each scenario's time per tool.
//!
//! At the end the test prints how many commands were compared and matched, per service, and
//! fails listing every mismatch with the diff of the two outputs.

mod aws_cli {
    pub mod awscli;
    pub mod corpus;
    pub mod normalize;
}

use aws_cli::awscli::{self, Sandbox};
use aws_cli::corpus::{self, Command, Scenario, Step};
use aws_cli::normalize::{error_line, normalize};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// What one command did.
#[derive(Debug, Clone)]
struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

/// One tool's run of one scenario: an outcome per command step, file contents per
/// `compare-file` step (None where the step is of another kind).
struct Run {
    outcomes: Vec<Option<Outcome>>,
    files: Vec<Option<Result<Vec<u8>, String>>>,
}

/// How a tool's commands are run.
enum Runner {
    /// A process per command: rboto, or the real `aws` program.
    Process(PathBuf),
    /// The AWS CLI's commands in one long-lived Python process (`aws_cli/driver.py`).
    Driver(RefCell<Driver>),
}

struct Tool<'a> {
    name: &'static str,
    runner: Runner,
    sandbox: &'a Sandbox,
    endpoint: String,
}

impl Tool<'_> {
    fn run(&self, command: &Command, cwd: &Path, vars: &[(String, String)]) -> Outcome {
        let mut args: Vec<String> = command.args.iter().map(|a| substitute(a, vars)).collect();
        args.extend(["--endpoint-url".to_string(), self.endpoint.clone()]);
        let mut env = self.sandbox.env();
        for (name, value) in &command.env {
            env.retain(|(k, _)| k != name);
            if let Some(value) = value {
                env.push((name.clone(), value.clone()));
            }
        }
        let result = match &self.runner {
            Runner::Driver(driver) => driver.borrow_mut().run(&args, cwd, &env),
            Runner::Process(program) => {
                let mut process = std::process::Command::new(program);
                process
                    .args(&args)
                    .current_dir(cwd)
                    .env_clear()
                    .envs(env)
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped());
                run_with_timeout(process)
            }
        };
        match result {
            Ok(outcome) => outcome,
            Err(e) => Outcome {
                code: -1,
                stdout: String::new(),
                stderr: format!("harness: {} {}: {e}", self.name, command.display()),
            },
        }
    }

    fn run_scenario(&self, scenario: &Scenario) -> Result<Run, String> {
        let cwd = self.sandbox.workdir(self.name)?;
        let mut run = Run {
            outcomes: Vec::new(),
            files: Vec::new(),
        };
        let mut vars: Vec<(String, String)> = Vec::new();
        for step in &scenario.steps {
            let (outcome, file) = match step {
                Step::File { name, contents } => {
                    let path = cwd.join(name);
                    std::fs::write(&path, contents)
                        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                    (None, None)
                }
                Step::Command(command) => {
                    let outcome = self.run(command, &cwd, &vars);
                    if let Some(name) = &command.capture {
                        vars.push((format!("${{{name}}}"), outcome.stdout.trim().to_string()));
                    }
                    (Some(outcome), None)
                }
                Step::CompareFile(name) => {
                    let path = cwd.join(name);
                    let content = std::fs::read(&path).map_err(|e| e.to_string());
                    (None, Some(content))
                }
            };
            run.outcomes.push(outcome);
            run.files.push(file);
        }
        Ok(run)
    }
}

/// `arg` with every `${NAME}` captured so far replaced by its value.
fn substitute(arg: &str, vars: &[(String, String)]) -> String {
    vars.iter().fold(arg.to_string(), |arg, (name, value)| {
        arg.replace(name, value)
    })
}

/// Runs a process to its end, reading both pipes, killing it after [`COMMAND_TIMEOUT`].
fn run_with_timeout(mut process: std::process::Command) -> Result<Outcome, String> {
    let mut child = process.spawn().map_err(|e| e.to_string())?;
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = reader(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = reader(child.stderr.take().map(|p| Box::new(p) as _));
    let deadline = Instant::now() + COMMAND_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = stdout.join().unwrap_or_default();
    let mut stderr = stderr.join().unwrap_or_default();
    let code = match status {
        // A signal is no exit code: 128 + signal as a shell reports it.
        Some(status) => status.code().unwrap_or_else(|| {
            use std::os::unix::process::ExitStatusExt;
            128 + status.signal().unwrap_or(0)
        }),
        None => {
            stderr.push_str(&format!("\nharness: killed after {COMMAND_TIMEOUT:?}"));
            -1
        }
    };
    Ok(Outcome {
        code,
        stdout,
        stderr,
    })
}

/// The AWS CLI in one Python process, restarted if a command hangs.
struct Driver {
    python: PathBuf,
    script: PathBuf,
    env: Vec<(String, String)>,
    process: Option<(Child, ChildStdin, Receiver<String>)>,
}

impl Driver {
    fn new(venv: &Path, env: Vec<(String, String)>) -> Driver {
        Driver {
            python: venv.join("bin").join("python"),
            script: Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/aws_cli/driver.py"),
            env,
            process: None,
        }
    }

    fn run(
        &mut self,
        args: &[String],
        cwd: &Path,
        env: &[(String, String)],
    ) -> Result<Outcome, String> {
        if self.process.is_none() {
            let mut child = std::process::Command::new(&self.python)
                .arg(&self.script)
                .env_clear()
                .envs(self.env.iter().cloned())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .map_err(|e| format!("cannot run {}: {e}", self.python.display()))?;
            let stdin = child.stdin.take().ok_or("no stdin")?;
            let stdout = child.stdout.take().ok_or("no stdout")?;
            let (send, receive) = mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if send.send(line).is_err() {
                        break;
                    }
                }
            });
            self.process = Some((child, stdin, receive));
        }
        let Some((child, stdin, responses)) = self.process.as_mut() else {
            unreachable!("started above");
        };
        let env: serde_json::Map<String, serde_json::Value> = env
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().into()))
            .collect();
        let request = serde_json::json!({"args": args, "cwd": cwd, "env": env});
        let sent = writeln!(stdin, "{request}").and_then(|()| stdin.flush());
        let response = match sent {
            Ok(()) => responses
                .recv_timeout(COMMAND_TIMEOUT)
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        let response = match response {
            Ok(line) => line,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                self.process = None;
                return Err(format!("the awscli driver did not answer: {e}"));
            }
        };
        let value: serde_json::Value = serde_json::from_str(&response)
            .map_err(|e| format!("driver said {response:?}: {e}"))?;
        let text = |key: &str| value[key].as_str().unwrap_or_default().to_string();
        Ok(Outcome {
            code: value["code"].as_i64().unwrap_or(-1) as i32,
            stdout: text("stdout"),
            stderr: text("stderr"),
        })
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some((mut child, stdin, _)) = self.process.take() {
            // End of input ends the driver's loop.
            drop(stdin);
            let _ = child.wait();
        }
    }
}

/// Per service command: commands compared and matched.
#[derive(Default)]
struct Tally {
    compared: usize,
    matched: usize,
    moto_unsupported: usize,
}

#[test]
fn aws_cli_side_by_side() {
    let started = Instant::now();
    let corpus_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/aws_cli/corpus");
    let mut scenarios = corpus::load(&corpus_dir).unwrap_or_else(|e| panic!("{e}"));
    if let Ok(filter) = std::env::var("RBOTO_AWS_CLI_FILTER") {
        scenarios.retain(|s| filter.split(',').any(|f| s.name.contains(f)));
    }
    let venv = awscli::ensure_installed().unwrap_or_else(|e| panic!("{e}"));
    let self_check = std::env::var("RBOTO_AWS_CLI_SELF").is_ok_and(|v| v == "1");
    let rboto = if self_check {
        venv.join("bin").join("aws")
    } else {
        PathBuf::from(env!("CARGO_BIN_EXE_rboto"))
    };
    let server = rboto_tests::moto::MotoServer::start().unwrap_or_else(|e| panic!("{e}"));
    let sandbox = Sandbox::new().unwrap_or_else(|e| panic!("{e}"));
    let peer = Tool {
        name: "awscli",
        runner: Runner::Driver(RefCell::new(Driver::new(&venv, sandbox.env()))),
        sandbox: &sandbox,
        endpoint: server.endpoint(),
    };
    let candidate = Tool {
        name: if self_check { "aws-program" } else { "rboto" },
        runner: Runner::Process(rboto),
        sandbox: &sandbox,
        endpoint: server.endpoint(),
    };

    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut failures: Vec<String> = Vec::new();
    let mut peer_time = Duration::ZERO;
    let mut candidate_time = Duration::ZERO;
    for scenario in &scenarios {
        let timed = |tool: &Tool, total: &mut Duration| {
            server.reset().unwrap_or_else(|e| panic!("{e}"));
            let start = Instant::now();
            let run = tool
                .run_scenario(scenario)
                .unwrap_or_else(|e| panic!("{}: {e}", scenario.name));
            *total += start.elapsed();
            run
        };
        let (before_peer, before_candidate) = (peer_time, candidate_time);
        let expected = timed(&peer, &mut peer_time);
        let actual = timed(&candidate, &mut candidate_time);
        if std::env::var_os("RBOTO_AWS_CLI_TIMES").is_some() {
            let _ = writeln!(
                std::io::stderr(),
                "{}: awscli {:.1} s, {} {:.1} s",
                scenario.name,
                (peer_time - before_peer).as_secs_f64(),
                candidate.name,
                (candidate_time - before_candidate).as_secs_f64()
            );
        }
        compare(
            scenario,
            &expected,
            &actual,
            candidate.name,
            &mut tallies,
            &mut failures,
        );
    }

    let mut report = String::new();
    let (mut compared, mut matched) = (0, 0);
    report.push_str(&format!(
        "\nAWS CLI side by side ({} vs awscli {}): {} scenarios\n{:<16} {:>8} {:>8} {:>12}\n",
        candidate.name,
        awscli::PIP_PACKAGES,
        scenarios.len(),
        "service",
        "compared",
        "matched",
        "moto-unsupp."
    ));
    for (service, tally) in &tallies {
        compared += tally.compared;
        matched += tally.matched;
        report.push_str(&format!(
            "{service:<16} {:>8} {:>8} {:>12}\n",
            tally.compared, tally.matched, tally.moto_unsupported
        ));
    }
    report.push_str(&format!(
        "{:<16} {compared:>8} {matched:>8}   ({} services; awscli {:.1} s, {} {:.1} s, total {:.1} s)\n",
        "total",
        tallies.len(),
        peer_time.as_secs_f64(),
        candidate.name,
        candidate_time.as_secs_f64(),
        started.elapsed().as_secs_f64(),
    ));
    // Past the test harness's capture: the counts are the figure this test exists for.
    let _ = std::io::stderr().write_all(report.as_bytes());
    assert!(
        failures.is_empty(),
        "{} of {compared} compared commands differ (or the corpus is wrong):\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Compares one scenario's two runs, counting and recording mismatches.
fn compare(
    scenario: &Scenario,
    expected: &Run,
    actual: &Run,
    candidate: &str,
    tallies: &mut BTreeMap<String, Tally>,
    failures: &mut Vec<String>,
) {
    for (index, step) in scenario.steps.iter().enumerate() {
        let at = |line: usize| format!("{}:{line}", scenario.name);
        match step {
            Step::Command(command) => {
                let (Some(peer), Some(other)) =
                    (&expected.outcomes[index], &actual.outcomes[index])
                else {
                    continue;
                };
                let at = at(command.line);
                if peer.code != command.exit {
                    failures.push(format!(
                        "{at}: corpus: awscli exited {} where the corpus expects {}: {}\n{}{}",
                        peer.code,
                        command.exit,
                        command.display(),
                        indent(&peer.stdout),
                        indent(&peer.stderr)
                    ));
                }
                if !command.compared {
                    if other.code != 0 {
                        failures.push(format!(
                            "{at}: setup failed under {candidate} (exit {}): {}\n{}",
                            other.code,
                            command.display(),
                            indent(&other.stderr)
                        ));
                    }
                    continue;
                }
                let tally = tallies.entry(command.service().to_string()).or_default();
                tally.compared += 1;
                if command.moto_unsupported {
                    tally.moto_unsupported += 1;
                }
                let problems = differences(command, peer, other, candidate);
                if problems.is_empty() {
                    tally.matched += 1;
                } else {
                    failures.push(format!(
                        "{at}: {} {}\n{}",
                        candidate,
                        command.display(),
                        problems.join("\n")
                    ));
                }
            }
            Step::CompareFile(name) => {
                if let (Some(a), Some(b)) = (&expected.files[index], &actual.files[index]) {
                    if a != b {
                        failures.push(format!(
                            "{}: file {name} differs: awscli {:?}, {candidate} {:?}",
                            scenario.name,
                            a.as_ref().map(|b| String::from_utf8_lossy(b).into_owned()),
                            b.as_ref().map(|b| String::from_utf8_lossy(b).into_owned()),
                        ));
                    }
                }
            }
            Step::File { .. } => {}
        }
    }
}

/// What differs between the peer's and the candidate's outcome of one compared command.
fn differences(command: &Command, peer: &Outcome, other: &Outcome, candidate: &str) -> Vec<String> {
    let mut problems = Vec::new();
    // Compared with itself, the peer keeps its own (v1) exit codes.
    let want_code = match command.rboto_exit {
        Some(code) if candidate == "rboto" => code,
        _ => peer.code,
    };
    if other.code != want_code {
        problems.push(format!(
            "  exit code: awscli {}, {candidate} {} (expected {want_code})",
            peer.code, other.code
        ));
    }
    let (a, b) = (normalize(&peer.stdout), normalize(&other.stdout));
    if a != b {
        problems.push(format!(
            "  stdout differs (- awscli, + {candidate}, normalised):\n{}",
            diff(&a, &b)
        ));
    }
    if peer.code != 0 || other.code != 0 {
        // The candidate's program name stands where the CLI says `aws`.
        let theirs = error_line(&other.stderr).replacen("rboto: ", "aws: ", 1);
        let (a, b) = (normalize(&error_line(&peer.stderr)), normalize(&theirs));
        if a != b {
            problems.push(format!(
                "  stderr error line differs:\n  - {a}\n  + {b}\n  full {candidate} stderr:\n{}",
                indent(&other.stderr)
            ));
        }
    }
    problems
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    | {l}\n")).collect()
}

/// A line diff (longest common subsequence; the outputs are small), `-` peer, `+` candidate.
fn diff(a: &str, b: &str) -> String {
    let a: Vec<&str> = a.lines().collect();
    let b: Vec<&str> = b.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push_str(&format!("    {}\n", a[i]));
            (i, j) = (i + 1, j + 1);
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("  + {}\n", b[j]));
            j += 1;
        } else {
            out.push_str(&format!("  - {}\n", a[i]));
            i += 1;
        }
    }
    out
}
