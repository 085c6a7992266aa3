//! `cargo xtask conformance protocol FILE...`: botocore's protocol test suites, run through
//! generated code.
//!
//! For each FILE (a list of suites: `metadata`, `shapes`, `cases`, each case's `given` being an
//! operation), every suite becomes a botocore model (`metadata` completed with what the
//! generator needs, `operations` collected from the cases' `given`, and for query output cases
//! the `resultWrapper` botocore's runner adds). [`rboto_codegen::generate`] turns it into a
//! module `src/suite_NN/` of one scratch crate per FILE under `target/conformance/`; the crate's
//! `main.rs` (generated here) embeds each suite's cases and hands them, with monomorphic
//! round-trips through the generated types, to `rboto_tests::conformance::protocol::run_main`,
//! which makes each case a call through the real request pipeline against a capturing stub
//! connector. All crates of a run are built by one `cargo build` into
//! `target/conformance/target`, so builds are shared, then each binary runs and reports one JSON
//! line per case.
//!
//! A suite whose generated code does not compile is reported (its cases fail with the
//! compiler's first error) and the crate is rebuilt without it, so one generator bug does not
//! hide a whole file. Cases on botocore's `protocol-tests-ignore-list.json` are skipped. A case
//! listed in `tests/data/protocol-tests/known-failures.json` fails without failing the run only
//! when it fails with exactly the detail the entry records: a listed case that passes (stale),
//! fails differently (changed), is skipped, or does not exist in a file that was run fails the
//! run, so an entry excuses its one known failure and nothing else.
//!
//! This file is self-contained (std, serde_json, rboto-codegen) so that the test suite can
//! include it with `#[path]` and call [`run_files`] directly.

use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask conformance protocol [--known-failures FILE] FILE...

Runs botocore-format protocol test files (input cases: params -> serialized request; output
cases: raw response -> result or error) through code generated from each file's models.
Skips the cases protocol-tests-ignore-list.json (next to the files' input/ and output/ folders)
lists; known failures (each with the exact failure detail it excuses) come from
tests/data/protocol-tests/known-failures.json unless given.";

/// Where the ignore list and known failures live in the repository.
const DATA_DIR: &str = "tests/data/protocol-tests";
const IGNORE_LIST: &str = "protocol-tests-ignore-list.json";
const KNOWN_FAILURES: &str = "known-failures.json";

/// The workspace root (this file is compiled in `xtask` and in `tests`, both one level down).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// `cargo xtask conformance protocol ...`.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let mut options = Options::default();
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--known-failures" => {
                let path = it.next().ok_or(USAGE)?;
                options.known_failures = Some(PathBuf::from(path));
            }
            "-h" | "--help" => return Err(USAGE.into()),
            s if s.starts_with('-') => return Err(format!("unknown option {s}\n\n{USAGE}")),
            s => files.push(PathBuf::from(s)),
        }
    }
    if files.is_empty() {
        return Err(USAGE.into());
    }
    let report = run_files(&files, &options);
    for line in &report.lines {
        println!("{line}");
    }
    for f in &report.files {
        eprintln!(
            "  {}: {} passed, {} failed, {} skipped",
            f.label, f.passed, f.failed, f.skipped
        );
    }
    println!(
        "{} passed, {} failed, {} skipped",
        report.passed, report.failed, report.skipped
    );
    Ok(if report.unexpected == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Run options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Known failures file; default `tests/data/protocol-tests/known-failures.json`.
    pub known_failures: Option<PathBuf>,
    /// Scratch directory; default `target/conformance`.
    pub scratch: Option<PathBuf>,
}

/// Counts for one file.
#[derive(Debug, Clone, Default)]
pub struct FileCounts {
    pub label: String,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

/// The outcome of a run.
#[derive(Debug, Default)]
pub struct Report {
    pub passed: usize,
    /// Including known failures.
    pub failed: usize,
    pub skipped: usize,
    /// Unexpected failures, known failures that failed otherwise (changed) and stale entries of
    /// the known failures: the run fails when non-zero.
    pub unexpected: usize,
    /// `FAIL ...`, `KNOWN ...`, `CHANGED ...` and `STALE ...` lines, in case order.
    pub lines: Vec<String>,
    pub files: Vec<FileCounts>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Input,
    Output,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Pass,
    Skip,
    Fail(String),
}

struct CaseRef {
    suite: usize,
    id: String,
    skip: bool,
    /// Set when the case cannot run (bad case data, generator error, compile error).
    outcome: Option<Outcome>,
}

struct SuiteJob {
    index: usize,
    description: String,
    cases: Vec<Value>,
    client_endpoint: Option<String>,
    /// Why the suite cannot run, if it cannot.
    error: Option<String>,
    generated: Option<Generated>,
}

struct Generated {
    files: BTreeMap<String, Vec<u8>>,
    /// (operation name, input type, has input cases, has output shape)
    ops: Vec<(String, String, bool, bool)>,
    /// Exception type names, in `SERVICE.errors` order.
    errors: Vec<String>,
}

struct FileJob {
    /// `input/json.json`.
    label: String,
    /// Protocol name for the ignore list (the file stem).
    protocol: String,
    crate_dir: String,
    crate_name: String,
    suites: Vec<SuiteJob>,
    cases: Vec<CaseRef>,
    /// Why the whole file cannot run.
    error: Option<String>,
    /// Lines of `main.rs` per included suite, for attributing compile errors.
    main_lines: Vec<(usize, usize, usize)>,
}

/// Runs every case of `files`: generates, builds and runs one crate per file.
pub fn run_files(files: &[PathBuf], options: &Options) -> Report {
    let root = root();
    let scratch = options
        .scratch
        .clone()
        .unwrap_or_else(|| root.join("target/conformance"));
    let known_path = options
        .known_failures
        .clone()
        .unwrap_or_else(|| root.join(DATA_DIR).join(KNOWN_FAILURES));
    let mut report = Report::default();
    let known = match load_known_failures(&known_path) {
        Ok(k) => k,
        Err(e) => {
            report
                .lines
                .push(format!("FAIL {}: {e}", known_path.display()));
            report.failed += 1;
            report.unexpected += 1;
            BTreeMap::new()
        }
    };

    let mut jobs: Vec<FileJob> = Vec::new();
    let mut used_dirs = BTreeSet::new();
    for path in files {
        let mut job = prepare_file(path, &root);
        // Two files may share a label (same folder and name elsewhere): keep crates apart.
        let mut dir = job.crate_dir.clone();
        let mut n = 2;
        while !used_dirs.insert(dir.clone()) {
            dir = format!("{}-{n}", job.crate_dir);
            n += 1;
        }
        job.crate_name = format!("conformance-{dir}");
        job.crate_dir = dir;
        jobs.push(job);
    }

    let started = Instant::now();
    build_all(&mut jobs, &scratch, &root);
    eprintln!(
        "conformance protocol: generated and built in {:.1}s",
        started.elapsed().as_secs_f64()
    );

    for job in &mut jobs {
        run_crate(job, &scratch);
        report_file(job, &known, &mut report);
    }
    report_unmatched(&jobs, &known, &mut report);
    report
}

fn prepare_file(path: &Path, root: &Path) -> FileJob {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parent = path
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let label = if parent.is_empty() {
        name.clone()
    } else {
        format!("{parent}/{name}")
    };
    let protocol = name.trim_end_matches(".json").to_string();
    let crate_dir: String = format!("{parent}-{protocol}")
        .trim_matches('-')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let mut job = FileJob {
        label,
        protocol,
        crate_dir,
        crate_name: String::new(),
        suites: Vec::new(),
        cases: Vec::new(),
        error: None,
        main_lines: Vec::new(),
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            job.error = Some(format!("cannot read {}: {e}", path.display()));
            return job;
        }
    };
    let suites = match serde_json::from_str::<Value>(&text) {
        Ok(Value::Array(s)) => s,
        Ok(_) => {
            job.error = Some("not a list of suites".into());
            return job;
        }
        Err(e) => {
            job.error = Some(format!("invalid JSON: {e}"));
            return job;
        }
    };
    let ignore = load_ignore_list(path, root);
    for (index, suite) in suites.into_iter().enumerate() {
        let description = suite
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let cases = suite
            .get("cases")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut sj = SuiteJob {
            index,
            description: description.clone(),
            client_endpoint: suite
                .get("clientEndpoint")
                .and_then(Value::as_str)
                .map(str::to_string),
            cases: Vec::new(),
            error: None,
            generated: None,
        };
        if suite.get("cases").and_then(Value::as_array).is_none() {
            sj.error = Some("suite has no `cases` list".into());
        }
        for (i, case) in cases.iter().enumerate() {
            let id = case
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| format!("{index}:{i}"));
            let kind = if case.get("params").is_some() {
                Some(Kind::Input)
            } else if case.get("response").is_some() {
                Some(Kind::Output)
            } else {
                None
            };
            let outcome = match kind {
                None => Some(Outcome::Fail(
                    "case has neither `params` nor `response`".into(),
                )),
                Some(_) if !case.get("given").is_some_and(Value::is_object) => {
                    Some(Outcome::Fail("case has no `given` operation".into()))
                }
                _ => None,
            };
            let skip = kind.is_some_and(|k| ignore.ignores(&job.protocol, k, &description, &id));
            job.cases.push(CaseRef {
                suite: index,
                id,
                skip,
                outcome,
            });
        }
        sj.cases = cases;
        if sj.error.is_none() {
            match suite_model(&suite, &sj.cases) {
                Ok(model) => match generate_suite(&model, &sj.cases, &job.label, index) {
                    Ok(g) => sj.generated = Some(g),
                    Err(e) => sj.error = Some(format!("generator: {e}")),
                },
                Err(e) => sj.error = Some(e),
            }
        }
        job.suites.push(sj);
    }
    job
}

/// The botocore model of one suite.
fn suite_model(suite: &Value, cases: &[Value]) -> Result<Value, String> {
    let mut metadata = suite
        .get("metadata")
        .and_then(Value::as_object)
        .cloned()
        .ok_or("suite has no `metadata` object")?;
    let protocol = metadata
        .get("protocol")
        .and_then(Value::as_str)
        .ok_or("metadata has no `protocol`")?
        .to_string();
    let defaults = [
        ("apiVersion", json!("2020-01-01")),
        ("serviceId", json!("Conformance")),
        ("endpointPrefix", json!("conformance")),
        ("signatureVersion", json!("v4")),
        ("protocols", json!([protocol])),
    ];
    for (k, v) in defaults {
        metadata.entry(k).or_insert(v);
    }
    let shapes = suite
        .get("shapes")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut operations = Map::new();
    for case in cases {
        let Some(given) = case.get("given").and_then(Value::as_object) else {
            continue;
        };
        let name = given
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("OperationName")
            .to_string();
        if operations.contains_key(&name) {
            continue;
        }
        let mut op = given.clone();
        op.insert("name".into(), json!(name));
        // botocore's runner: query output shapes with members get `<Op>Result` as wrapper.
        if protocol == "query" && case.get("response").is_some() {
            if let Some(Value::Object(output)) = op.get_mut("output") {
                let has_members = output
                    .get("shape")
                    .and_then(Value::as_str)
                    .and_then(|s| shapes.get(s))
                    .and_then(|s| s.get("members"))
                    .and_then(Value::as_object)
                    .is_some_and(|m| !m.is_empty());
                if has_members && !output.contains_key("resultWrapper") {
                    output.insert("resultWrapper".into(), json!(format!("{name}Result")));
                }
            }
        }
        operations.insert(name, Value::Object(op));
    }
    Ok(json!({
        "version": "2.0",
        "metadata": metadata,
        "shapes": shapes,
        "operations": operations,
    }))
}

fn generate_suite(
    model: &Value,
    cases: &[Value],
    label: &str,
    index: usize,
) -> Result<Generated, String> {
    // Only operations with input cases need `FromValue` on their input type.
    let input_ops: BTreeSet<&str> = cases
        .iter()
        .filter(|c| c.get("params").is_some())
        .map(|c| {
            c.get("given")
                .and_then(|g| g.get("name"))
                .and_then(Value::as_str)
                .unwrap_or("OperationName")
        })
        .collect();
    let text = serde_json::to_string(model).map_err(|e| e.to_string())?;
    let model = rboto_codegen::Model::from_files(
        "conformance",
        &rboto_codegen::ModelFiles {
            service: &text,
            ..Default::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let settings = rboto_codegen::Settings {
        runtime_path: String::new(),
        model_label: format!("{label} suite {index}"),
        version: "0.0.0".into(),
        all_conversions: true,
    };
    let files = rboto_codegen::generate(&model, &settings).map_err(|e| e.to_string())?;
    let get = |name: &str| {
        files
            .get(&format!("src/{name}"))
            .and_then(|text| std::str::from_utf8(text).ok())
            .ok_or_else(|| format!("generated crate has no src/{name}"))
    };
    let inputs = operation_inputs(get("operations.rs")?);
    let errors = exception_types(get("error.rs")?);
    let mut ops = Vec::new();
    for (name, op) in model.operations().map_err(|e| e.to_string())? {
        let input = inputs
            .get(name)
            .ok_or_else(|| format!("no OperationInput for {name} in operations.rs"))?;
        let has_output = op.get("output").and_then(|o| o.get("shape")).is_some();
        ops.push((
            name.clone(),
            input.clone(),
            input_ops.contains(name.as_str()),
            has_output,
        ));
    }
    let files = files
        .into_iter()
        .filter_map(|(path, text)| {
            // Each crate is a module here, its model beside its sources.
            if path == rboto_codegen::MODEL_FILE {
                return Some((path, text));
            }
            let rel = path.strip_prefix("src/")?;
            let rel = if rel == "lib.rs" { "mod.rs" } else { rel };
            let text = String::from_utf8(text).ok()?;
            let model = rboto_codegen::MODEL_FILE;
            let text = text.replace(
                &format!("include_bytes!(\"../{model}\")"),
                &format!("include_bytes!(\"{model}\")"),
            );
            Some((rel.to_string(), text.into_bytes()))
        })
        .collect();
    Ok(Generated { files, ops, errors })
}

/// Text without any whitespace (enough to find items in prettyplease's output).
fn squeeze(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .flat_map(|l| l.chars())
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Operation name → input type, from `operations.rs`'s
/// `rboto::__operations!(Exception, SERVICE; Input => Output, "Name"; ...)`.
fn operation_inputs(operations: &str) -> HashMap<String, String> {
    let s = squeeze(operations);
    let mut out = HashMap::new();
    let Some(start) = s.find("rboto::__operations!(") else {
        return out;
    };
    for entry in s[start..].split(';').skip(1) {
        let Some((input, rest)) = entry.split_once("=>") else {
            continue;
        };
        if let Some((_, name)) = rest.split_once(",\"") {
            let name: String = name.chars().take_while(|c| *c != '"').collect();
            out.insert(name, input.to_string());
        }
    }
    out
}

/// The exception types of `error.rs`'s `Exception` enum, in order.
fn exception_types(error: &str) -> Vec<String> {
    let s = squeeze(error);
    let Some(start) = s.find("pubenumException{") else {
        return Vec::new();
    };
    let body = &s[start + "pubenumException{".len()..];
    let body = &body[..body.find('}').unwrap_or(body.len())];
    body.split("),")
        .filter_map(|v| {
            let (_, ty) = v.split_once('(')?;
            let ty = ty.trim_end_matches(')').trim_end_matches(',');
            (!ty.is_empty()).then(|| ty.rsplit("::").next().unwrap_or(ty).to_string())
        })
        .collect()
}

/// Rust string literal.
fn lit(s: &str) -> String {
    format!("{s:?}")
}

/// Writes `main.rs` for the suites of `job` that are generated and not excluded.
fn main_rs(job: &mut FileJob) -> String {
    let mut out = String::from(
        "// @generated by cargo xtask conformance protocol — do not edit\n\
         #![allow(warnings)]\n\n",
    );
    let included: Vec<&SuiteJob> = job
        .suites
        .iter()
        .filter(|s| s.error.is_none() && s.generated.is_some())
        .collect();
    for s in &included {
        let _ = writeln!(out, "#[rustfmt::skip]\nmod suite_{:03};", s.index);
    }
    job.main_lines.clear();
    for s in &included {
        let Some(g) = &s.generated else { continue };
        let first = out.lines().count() + 1;
        let m = format!("suite_{:03}", s.index);
        let p = "rboto_tests::conformance::protocol";
        let _ = writeln!(out, "\nmod s_{:03} {{", s.index);
        let _ = writeln!(
            out,
            "    #[allow(unused_imports)]\n    use super::{m}::{{error::*, input::*, output::*, types::*}};"
        );
        let _ = writeln!(out, "    pub static SUITE: {p}::Suite = {p}::Suite {{");
        let _ = writeln!(out, "        file: {},", lit(&job.label));
        let _ = writeln!(out, "        index: {},", s.index);
        let _ = writeln!(out, "        description: {},", lit(&s.description));
        let _ = writeln!(
            out,
            "        service: || super::{m}::schema::SERVICE.get(),"
        );
        let _ = writeln!(out, "        cases: include_str!(\"{m}/cases.json\"),");
        let _ = writeln!(
            out,
            "        client_endpoint: {},",
            match &s.client_endpoint {
                Some(e) => format!("Some({})", lit(e)),
                None => "None".into(),
            }
        );
        let skip: Vec<String> = job
            .cases
            .iter()
            .filter(|c| c.suite == s.index && c.skip)
            .map(|c| lit(&c.id))
            .collect();
        let _ = writeln!(out, "        skip: &[{}],", skip.join(", "));
        let _ = writeln!(out, "        ops: &[");
        for (name, input, has_input_cases, has_output) in &g.ops {
            let output = if *has_output {
                format!("Some({p}::rt::<<{input} as rboto::OperationInput>::Output>)")
            } else {
                "None".into()
            };
            let operation = format!("<{input} as rboto::OperationInput>::operation");
            let input = if *has_input_cases {
                format!("Some({p}::rt::<{input}>)")
            } else {
                "None".into()
            };
            let _ = writeln!(
                out,
                "            {p}::Op {{ name: {}, operation: {operation}, \
                 input: {input}, output: {output} }},",
                lit(name)
            );
        }
        let _ = writeln!(out, "        ],");
        let errors: Vec<String> = g.errors.iter().map(|e| format!("{p}::rt::<{e}>")).collect();
        let _ = writeln!(out, "        errors: &[{}],", errors.join(", "));
        let _ = writeln!(out, "    }};\n}}");
        let last = out.lines().count();
        job.main_lines.push((s.index, first, last));
    }
    let refs: Vec<String> = included
        .iter()
        .map(|s| format!("&s_{:03}::SUITE", s.index))
        .collect();
    let _ = writeln!(
        out,
        "\nfn main() -> std::process::ExitCode {{\n    \
         rboto_tests::conformance::protocol::run_main(&[{}])\n}}",
        refs.join(", ")
    );
    out
}

/// Writes (only what changed, to keep cargo's fingerprints) one crate's files.
fn write_crate(job: &mut FileJob, scratch: &Path, root: &Path) -> Result<(), String> {
    let dir = scratch.join(&job.crate_dir);
    let src = dir.join("src");
    let mut wanted: BTreeSet<PathBuf> = BTreeSet::new();
    let manifest = format!(
        "# @generated by cargo xtask conformance protocol — do not edit\n\
         [package]\nname = {}\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nrboto = {{ path = {} }}\nrboto-tests = {{ path = {} }}\n",
        lit(&job.crate_name),
        lit(&root.join("runtime").to_string_lossy()),
        lit(&root.join("tests").to_string_lossy()),
    );
    write_if_changed(&dir.join("Cargo.toml"), manifest.as_bytes(), &mut wanted)?;
    let main = main_rs(job);
    write_if_changed(&src.join("main.rs"), main.as_bytes(), &mut wanted)?;
    for s in &job.suites {
        let (None, Some(g)) = (&s.error, &s.generated) else {
            continue;
        };
        let sdir = src.join(format!("suite_{:03}", s.index));
        for (rel, text) in &g.files {
            write_if_changed(&sdir.join(rel), text, &mut wanted)?;
        }
        let cases = serde_json::to_string_pretty(&s.cases).map_err(|e| e.to_string())?;
        write_if_changed(&sdir.join("cases.json"), cases.as_bytes(), &mut wanted)?;
    }
    // Remove suites left over from earlier runs.
    remove_unwanted(&src, &wanted);
    Ok(())
}

fn write_if_changed(
    path: &Path,
    text: &[u8],
    wanted: &mut BTreeSet<PathBuf>,
) -> Result<(), String> {
    wanted.insert(path.to_path_buf());
    if std::fs::read(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn remove_unwanted(dir: &Path, wanted: &BTreeSet<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            remove_unwanted(&path, wanted);
            if !wanted.iter().any(|w| w.starts_with(&path)) {
                let _ = std::fs::remove_dir_all(&path);
            }
        } else if !wanted.contains(&path) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Writes every crate and builds them all with one `cargo build`; a suite whose code does not
/// compile is excluded (its cases fail with the error) and the build retried.
fn build_all(jobs: &mut [FileJob], scratch: &Path, root: &Path) {
    let target = scratch.join("target");
    for round in 0..4 {
        let mut members = Vec::new();
        for job in jobs.iter_mut() {
            if job.error.is_some() {
                continue;
            }
            if let Err(e) = write_crate(job, scratch, root) {
                job.error = Some(e);
                continue;
            }
            members.push(job.crate_dir.clone());
        }
        if members.is_empty() {
            return;
        }
        let workspace = format!(
            "# @generated by cargo xtask conformance protocol — do not edit\n\
             [workspace]\nresolver = \"2\"\nmembers = [{}]\n\n\
             [profile.dev]\ndebug = false\nincremental = false\n",
            members
                .iter()
                .map(|m| lit(m))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut sink = BTreeSet::new();
        if let Err(e) =
            write_if_changed(&scratch.join("Cargo.toml"), workspace.as_bytes(), &mut sink)
        {
            for job in jobs.iter_mut() {
                job.error.get_or_insert(e.clone());
            }
            return;
        }
        // Same dependency versions as the workspace.
        let lock = scratch.join("Cargo.lock");
        if !lock.exists() {
            let _ = std::fs::copy(root.join("Cargo.lock"), &lock);
        }
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.arg("build")
            .arg("--manifest-path")
            .arg(scratch.join("Cargo.toml"))
            .arg("--message-format=json")
            .arg("--keep-going")
            .env("CARGO_TARGET_DIR", &target)
            // Not whatever the calling build used (e.g. coverage flags or `cargo test`'s env).
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("CARGO_BUILD_RUSTFLAGS")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Variables cargo sets for the running xtask or test: build scripts that track them
        // (ring tracks CARGO_MANIFEST_DIR) would rebuild whenever the caller changes.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if key.starts_with("CARGO_PKG_")
                || matches!(
                    key.as_ref(),
                    "CARGO_MANIFEST_DIR"
                        | "CARGO_MANIFEST_PATH"
                        | "CARGO_CRATE_NAME"
                        | "CARGO_BIN_NAME"
                        | "CARGO_PRIMARY_PACKAGE"
                        | "CARGO_TARGET_TMPDIR"
                        | "CARGO_RUSTC_CURRENT_DIR"
                        | "OUT_DIR"
                )
            {
                cmd.env_remove(key.as_ref());
            }
        }
        for m in &members {
            cmd.arg("-p").arg(format!("conformance-{m}"));
        }
        let output = match cmd.output() {
            Ok(o) => o,
            Err(e) => {
                for job in jobs.iter_mut() {
                    job.error.get_or_insert(format!("cannot run cargo: {e}"));
                }
                return;
            }
        };
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        // manifest dir → (compiled, errors: (file, line, message))
        let mut built: BTreeSet<String> = BTreeSet::new();
        let mut errors: HashMap<String, Vec<(String, usize, String)>> = HashMap::new();
        for line in stdout.lines() {
            let Ok(msg) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let manifest = msg
                .get("manifest_path")
                .and_then(Value::as_str)
                .unwrap_or("");
            let Some(crate_dir) = Path::new(manifest)
                .parent()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
            else {
                continue;
            };
            match msg.get("reason").and_then(Value::as_str) {
                Some("compiler-artifact")
                    if msg.get("executable").is_some_and(Value::is_string) =>
                {
                    built.insert(crate_dir);
                }
                Some("compiler-message") => {
                    let m = &msg["message"];
                    if m.get("level").and_then(Value::as_str) != Some("error") {
                        continue;
                    }
                    let text = m
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    let span = m
                        .get("spans")
                        .and_then(Value::as_array)
                        .and_then(|s| s.first());
                    let file = span
                        .and_then(|s| s.get("file_name"))
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    let line = span
                        .and_then(|s| s.get("line_start"))
                        .and_then(Value::as_u64)
                        .unwrap_or(0) as usize;
                    errors
                        .entry(crate_dir)
                        .or_default()
                        .push((file, line, text));
                }
                _ => {}
            }
        }
        let mut retry = false;
        for job in jobs.iter_mut() {
            if job.error.is_some() || built.contains(&job.crate_dir) {
                continue;
            }
            let errs = errors.remove(&job.crate_dir).unwrap_or_default();
            // Which suites do the errors point into?
            let mut bad: BTreeMap<usize, String> = BTreeMap::new();
            let mut unattributed = None;
            for (file, line, text) in &errs {
                let suite = file
                    .split("suite_")
                    .nth(1)
                    .and_then(|r| r.get(..3))
                    .and_then(|n| n.parse::<usize>().ok())
                    .or_else(|| {
                        file.ends_with("main.rs")
                            .then(|| {
                                job.main_lines
                                    .iter()
                                    .find(|(_, a, b)| (*a..=*b).contains(line))
                                    .map(|(s, _, _)| *s)
                            })
                            .flatten()
                    });
                match suite {
                    Some(s) => {
                        bad.entry(s)
                            .or_insert_with(|| format!("{text} ({file}:{line})"));
                    }
                    None => {
                        unattributed.get_or_insert_with(|| format!("{text} ({file}:{line})"));
                    }
                }
            }
            if bad.is_empty() || round == 3 {
                let why = unattributed
                    .or_else(|| bad.values().next().cloned())
                    .unwrap_or_else(|| last_lines(&stderr, 15));
                job.error = Some(format!("runner crate does not compile: {why}"));
                continue;
            }
            for (s, why) in bad {
                if let Some(sj) = job.suites.iter_mut().find(|x| x.index == s) {
                    sj.error = Some(format!("generated code does not compile: {why}"));
                }
            }
            retry = true;
        }
        if !retry {
            return;
        }
    }
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Runs one crate's binary and records each case's outcome.
fn run_crate(job: &mut FileJob, scratch: &Path) {
    if let Some(e) = &job.error {
        for c in &mut job.cases {
            c.outcome.get_or_insert(Outcome::Fail(e.clone()));
        }
        return;
    }
    for s in &job.suites {
        if let Some(e) = &s.error {
            for c in job.cases.iter_mut().filter(|c| c.suite == s.index) {
                c.outcome.get_or_insert(if c.skip {
                    Outcome::Skip
                } else {
                    Outcome::Fail(e.clone())
                });
            }
        }
    }
    if !job.cases.iter().any(|c| c.outcome.is_none()) {
        return;
    }
    let exe = scratch.join("target/debug").join(format!(
        "{}{}",
        job.crate_name,
        std::env::consts::EXE_SUFFIX
    ));
    let output = Command::new(&exe).stdin(Stdio::null()).output();
    let (stdout, status) = match output {
        Ok(o) => (
            String::from_utf8_lossy(&o.stdout).into_owned(),
            o.status.to_string(),
        ),
        Err(e) => (String::new(), format!("cannot run {}: {e}", exe.display())),
    };
    let mut results: HashMap<(usize, String), Outcome> = HashMap::new();
    for line in stdout.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let suite = v.get("suite").and_then(Value::as_u64).unwrap_or(u64::MAX) as usize;
        let id = v
            .get("case")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let detail = v.get("detail").and_then(Value::as_str).unwrap_or("");
        let outcome = match v.get("status").and_then(Value::as_str) {
            Some("pass") => Outcome::Pass,
            Some("skip") => Outcome::Skip,
            _ => Outcome::Fail(detail.to_string()),
        };
        results.insert((suite, id), outcome);
    }
    for c in &mut job.cases {
        if c.outcome.is_some() {
            continue;
        }
        c.outcome = Some(results.remove(&(c.suite, c.id.clone())).unwrap_or_else(|| {
            Outcome::Fail(format!("the runner did not report this case ({status})"))
        }));
    }
}

fn report_file(job: &FileJob, known: &KnownFailures, report: &mut Report) {
    let mut counts = FileCounts {
        label: job.label.clone(),
        ..Default::default()
    };
    if job.cases.is_empty() {
        if let Some(e) = &job.error {
            // A file that cannot be read must not pass by holding no cases.
            report.lines.push(format!("FAIL {}: {e}", job.label));
            counts.failed += 1;
            report.unexpected += 1;
        }
    }
    for s in job.suites.iter().filter(|s| s.cases.is_empty()) {
        if let Some(e) = &s.error {
            // A suite that cannot be read must not pass by holding no cases.
            report.lines.push(format!(
                "FAIL {} #{} {:?}: {e}",
                job.label, s.index, s.description
            ));
            counts.failed += 1;
            report.unexpected += 1;
        }
    }
    for c in &job.cases {
        let suite = job.suites.iter().find(|s| s.index == c.suite);
        let description = suite.map(|s| s.description.as_str()).unwrap_or("");
        let where_ = format!("{} #{} {:?} {}", job.label, c.suite, description, c.id);
        let entry = known.get(&(job.label.clone(), description.to_string(), c.id.clone()));
        let not_run = Outcome::Fail("not run".into());
        match (c.outcome.as_ref().unwrap_or(&not_run), entry) {
            (Outcome::Skip, None) => counts.skipped += 1,
            (Outcome::Skip, Some(_)) => {
                counts.skipped += 1;
                report.unexpected += 1;
                report.lines.push(format!(
                    "STALE {where_}: listed in {KNOWN_FAILURES} but skipped by the ignore list; \
                     remove the entry"
                ));
            }
            (Outcome::Pass, None) => counts.passed += 1,
            (Outcome::Pass, Some(_)) => {
                counts.passed += 1;
                report.unexpected += 1;
                report.lines.push(format!(
                    "STALE {where_}: listed in {KNOWN_FAILURES} but passes now; remove the entry"
                ));
            }
            (Outcome::Fail(detail), Some(k)) if *detail == k.detail => {
                counts.failed += 1;
                report.lines.push(format!("KNOWN {where_}: {}", k.reason));
            }
            (Outcome::Fail(detail), Some(k)) => {
                counts.failed += 1;
                report.unexpected += 1;
                report.lines.push(format!(
                    "CHANGED {where_}: fails otherwise than its {KNOWN_FAILURES} entry says\n  \
                     detail:   {detail}\n  expected: {}",
                    k.detail
                ));
            }
            (Outcome::Fail(detail), None) => {
                counts.failed += 1;
                report.unexpected += 1;
                report.lines.push(format!("FAIL {where_}: {detail}"));
            }
        }
    }
    report.passed += counts.passed;
    report.failed += counts.failed;
    report.skipped += counts.skipped;
    report.files.push(counts);
}

/// Entries of the known failures for files of this run that name no case of the run: a renamed
/// or removed case must not leave an entry behind that would excuse a later one.
fn report_unmatched(jobs: &[FileJob], known: &KnownFailures, report: &mut Report) {
    for (file, suite, case) in known.keys() {
        let Some(job) = jobs.iter().find(|j| &j.label == file) else {
            continue; // not part of this run
        };
        let found = job.cases.iter().any(|c| {
            &c.id == case
                && job
                    .suites
                    .iter()
                    .any(|s| s.index == c.suite && &s.description == suite)
        });
        if !found {
            report.unexpected += 1;
            report.lines.push(format!(
                "STALE {file} {suite:?} {case}: listed in {KNOWN_FAILURES} but no such case; \
                 remove the entry"
            ));
        }
    }
}

/// One entry of `known-failures.json`.
#[derive(Debug, Clone)]
struct KnownFailure {
    /// Why the case fails, for people.
    reason: String,
    /// The failure detail the runner reports, exactly: any other failure is unexpected.
    detail: String,
}

/// Keyed by (file label, suite description, case id).
type KnownFailures = BTreeMap<(String, String, String), KnownFailure>;

/// `known-failures.json`: `{"failures": [{"file", "suite", "case", "reason", "detail"}]}`. A
/// missing file means no known failures; an entry listed twice is an error.
fn load_known_failures(path: &Path) -> Result<KnownFailures, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(e.to_string()),
    };
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("invalid JSON: {e}"))?;
    let entries = v
        .get("failures")
        .and_then(Value::as_array)
        .ok_or("expected an object with a `failures` list")?;
    let mut out = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        let field = |k: &str| {
            e.get(k)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("failures[{i}] has no string `{k}`"))
        };
        let key = (field("file")?, field("suite")?, field("case")?);
        let entry = KnownFailure {
            reason: field("reason")?,
            detail: field("detail")?,
        };
        if out.insert(key, entry).is_some() {
            return Err(format!("failures[{i}] lists a case listed before"));
        }
    }
    Ok(out)
}

/// botocore's `protocol-tests-ignore-list.json`.
#[derive(Default)]
struct IgnoreList(Value);

impl IgnoreList {
    /// botocore's `_should_ignore_test`.
    fn ignores(&self, protocol: &str, kind: Kind, suite: &str, case: &str) -> bool {
        let kind = match kind {
            Kind::Input => "input",
            Kind::Output => "output",
        };
        let listed = |v: &Value, key: &str, name: &str| {
            v.get(key)
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(name)))
        };
        let general = &self.0["general"][kind];
        let specific = &self.0["protocols"][protocol][kind];
        [general, specific]
            .iter()
            .any(|v| listed(v, "suites", suite) || listed(v, "cases", case))
    }
}

/// The ignore list next to the file's `input/`/`output/` folder, else the repository's copy.
fn load_ignore_list(file: &Path, root: &Path) -> IgnoreList {
    let beside = file
        .parent()
        .and_then(Path::parent)
        .map(|p| p.join(IGNORE_LIST));
    for path in beside
        .into_iter()
        .chain([root.join(DATA_DIR).join(IGNORE_LIST)])
    {
        if let Ok(text) = std::fs::read_to_string(&path) {
            if let Ok(v) = serde_json::from_str(&text) {
                return IgnoreList(v);
            }
        }
    }
    IgnoreList::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One file with one suite whose cases ended as given.
    fn job(outcomes: &[(&str, Outcome)]) -> FileJob {
        FileJob {
            label: "input/x.json".into(),
            protocol: "x".into(),
            crate_dir: "input-x".into(),
            crate_name: "conformance-input-x".into(),
            suites: vec![SuiteJob {
                index: 0,
                description: "S".into(),
                cases: vec![json!({}); outcomes.len()],
                client_endpoint: None,
                error: None,
                generated: None,
            }],
            cases: outcomes
                .iter()
                .map(|(id, o)| CaseRef {
                    suite: 0,
                    id: id.to_string(),
                    skip: *o == Outcome::Skip,
                    outcome: Some(o.clone()),
                })
                .collect(),
            error: None,
            main_lines: Vec::new(),
        }
    }

    fn known(entries: &[(&str, &str)]) -> KnownFailures {
        entries
            .iter()
            .map(|(case, detail)| {
                (
                    ("input/x.json".into(), "S".into(), case.to_string()),
                    KnownFailure {
                        reason: "why".into(),
                        detail: detail.to_string(),
                    },
                )
            })
            .collect()
    }

    fn report(outcomes: &[(&str, Outcome)], entries: &[(&str, &str)]) -> Report {
        let jobs = [job(outcomes)];
        let known = known(entries);
        let mut report = Report::default();
        report_file(&jobs[0], &known, &mut report);
        report_unmatched(&jobs, &known, &mut report);
        report
    }

    fn fail(detail: &str) -> Outcome {
        Outcome::Fail(detail.into())
    }

    #[test]
    fn a_known_failure_excuses_only_its_exact_detail() {
        let r = report(&[("A", fail("body differs"))], &[("A", "body differs")]);
        assert_eq!((r.unexpected, r.failed), (0, 1), "{:?}", r.lines);
        assert!(r.lines[0].starts_with("KNOWN "), "{:?}", r.lines);

        let r = report(&[("A", fail("header missing"))], &[("A", "body differs")]);
        assert_eq!(r.unexpected, 1);
        assert!(r.lines[0].starts_with("CHANGED "), "{:?}", r.lines);
        assert!(r.lines[0].contains("header missing"), "{:?}", r.lines);
    }

    #[test]
    fn entries_that_excuse_nothing_fail_the_run() {
        let r = report(&[("A", Outcome::Pass)], &[("A", "body differs")]);
        assert_eq!(r.unexpected, 1, "{:?}", r.lines);
        assert!(r.lines[0].contains("passes now"), "{:?}", r.lines);

        let r = report(&[("A", Outcome::Skip)], &[("A", "body differs")]);
        assert_eq!(r.unexpected, 1, "{:?}", r.lines);

        let r = report(&[("A", Outcome::Pass)], &[("Gone", "body differs")]);
        assert_eq!(r.unexpected, 1, "{:?}", r.lines);
        assert!(r.lines[0].contains("no such case"), "{:?}", r.lines);

        let r = report(&[("A", fail("x"))], &[]);
        assert_eq!(r.unexpected, 1, "{:?}", r.lines);
    }

    #[test]
    fn known_failures_need_a_detail() {
        let dir = std::env::temp_dir().join(format!("known-failures-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("k.json");
        let entry = json!({"file": "f", "suite": "s", "case": "c", "reason": "r"});
        std::fs::write(&path, json!({"failures": [entry]}).to_string()).unwrap();
        let err = load_known_failures(&path).unwrap_err();
        assert!(err.contains("`detail`"), "{err}");
        let mut entry = entry;
        entry["detail"] = json!("d");
        std::fs::write(&path, json!({"failures": [entry.clone()]}).to_string()).unwrap();
        assert_eq!(load_known_failures(&path).unwrap().len(), 1);
        std::fs::write(
            &path,
            json!({"failures": [entry.clone(), entry]}).to_string(),
        )
        .unwrap();
        assert!(load_known_failures(&path).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
