//! The stable replay of every cargo-fuzz target in `tests/fuzz/` on its committed seed corpus.
//!
//! Fuzzing needs nightly and runs by hand (`cargo +nightly fuzz run json` in `tests/fuzz`). This
//! runs in `cargo test --workspace`: it compiles the targets' shared code (`tests/fuzz/src/lib.rs`)
//! as the module `rboto_fuzz`, reads each `fuzz_targets/*.rs` to learn which `rboto_fuzz::<entry>`
//! it calls, and calls that entry on every file of `tests/fuzz/corpus/<target>/`, as
//! `cargo fuzz run <target>` would. It fails when a target panics on a seed, has no seeds, or
//! calls something the replay cannot, and when the generated seeds (`cargo xtask fuzz-corpus`)
//! are stale.

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use rboto_tests::scratch::ScratchDir;

// Not all of the targets' module is called from here (its own smoke test runs here too).
#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod rboto_fuzz;

// What `cargo xtask fuzz-corpus` writes, compiled here so the test and the xtask cannot disagree.
#[allow(dead_code)] // `run` is the xtask's
#[path = "../../xtask/src/fuzz_corpus.rs"]
mod fuzz_corpus;

/// A fuzz target's body: the bytes libFuzzer would hand it.
type EntryPoint = fn(&[u8]);

macro_rules! entry_points {
    ($($name:ident),* $(,)?) => {
        &[$((stringify!($name), rboto_fuzz::$name as EntryPoint)),*]
    };
}

/// Every `rboto_fuzz` function a fuzz target may call. A target calling anything else fails the
/// replay until it is added here.
const ENTRY_POINTS: &[(&str, EntryPoint)] = entry_points![
    json,
    query,
    rest_xml,
    rest_json,
    cbor,
    event_stream,
    profile
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn fuzz_dir() -> PathBuf {
    workspace().join("tests").join("fuzz")
}

#[test]
fn every_fuzz_target_survives_every_seed_of_its_corpus() {
    let started = std::time::Instant::now();
    let replay = replay(&fuzz_dir(), ENTRY_POINTS);
    assert!(
        replay.problems.is_empty(),
        "fuzz replay failed:\n{}",
        replay.problems.join("\n")
    );
    assert_eq!(replay.targets.len(), ENTRY_POINTS.len(), "{replay:?}");
    eprintln!(
        "replayed {} seeds of {:?} in {:?}",
        replay.seeds,
        replay.targets,
        started.elapsed()
    );
}

/// The generated seeds are what the suites and the built streams and files give today, and every
/// target has some.
#[test]
fn committed_corpus_is_what_fuzz_corpus_generates() {
    let root = workspace();
    let stale = fuzz_corpus::stale(&root).expect("protocol suites read");
    assert!(
        stale.is_empty(),
        "run `cargo xtask fuzz-corpus`:\n{}",
        stale.join("\n")
    );
    let expected = fuzz_corpus::expected(&root).expect("protocol suites read");
    let corpus = fuzz_corpus::corpus_dir(&root);
    for target in replay(&fuzz_dir(), ENTRY_POINTS).targets {
        let count = expected
            .keys()
            .filter(|p| p.parent() == Some(corpus.join(&target).as_path()))
            .count();
        assert!(count > 0, "no generated seeds for fuzz target {target}");
    }
    assert!(
        (100..=500).contains(&expected.len()),
        "{} generated seeds: keep the corpus modest",
        expected.len()
    );
}

// ---------------------------------------------------------------------------------------------
// The replay
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default)]
struct Replay {
    /// The fuzz targets found, by their cargo-fuzz name.
    targets: Vec<String>,
    seeds: usize,
    problems: Vec<String>,
}

/// Replays every target of the cargo-fuzz package at `fuzz_dir` on its corpus.
fn replay(fuzz_dir: &Path, entry_points: &[(&str, EntryPoint)]) -> Replay {
    let mut out = Replay::default();
    let targets = fuzz_targets(fuzz_dir, &mut out.problems);
    if targets.is_empty() {
        out.problems
            .push(format!("no fuzz targets in {}", fuzz_dir.display()));
    }
    let corpus = fuzz_dir.join("corpus");
    for (name, source) in &targets {
        out.targets.push(name.clone());
        let text = fs::read_to_string(source).unwrap_or_default();
        let Some(entry) = entry_point_called(&text) else {
            out.problems.push(format!(
                "fuzz target {name} is not covered: its body is not one call \
                 `rboto_fuzz::<entry>(data)`"
            ));
            continue;
        };
        let Some(&(_, call)) = entry_points.iter().find(|(n, _)| *n == entry) else {
            out.problems.push(format!(
                "fuzz target {name} is not covered: it calls rboto_fuzz::{entry}, which the \
                 replay does not (add it to ENTRY_POINTS)"
            ));
            continue;
        };
        let seeds = files_in(&corpus.join(name));
        if seeds.is_empty() {
            out.problems
                .push(format!("fuzz target {name} has no seeds in corpus/{name}/"));
        }
        for seed in seeds {
            out.seeds += 1;
            let data = fs::read(&seed).unwrap_or_default();
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| call(&data))) {
                out.problems.push(format!(
                    "fuzz target {name} panicked on {}: {}",
                    seed.display(),
                    rboto_tests::panic_message(&*panic)
                ));
            }
        }
    }
    for dir in fs::read_dir(&corpus).into_iter().flatten().flatten() {
        let dir_name = dir.file_name().to_string_lossy().into_owned();
        if !targets.iter().any(|(name, _)| *name == dir_name) {
            out.problems
                .push(format!("corpus/{dir_name}/ belongs to no fuzz target"));
        }
    }
    out
}

/// The package's fuzz targets (cargo-fuzz name, source file): its `[[bin]]`s, each of which must
/// be a file in `fuzz_targets/`, and every file there must be one of them.
fn fuzz_targets(fuzz_dir: &Path, problems: &mut Vec<String>) -> Vec<(String, PathBuf)> {
    let manifest = fs::read_to_string(fuzz_dir.join("Cargo.toml")).unwrap_or_default();
    let bins = manifest_bins(&manifest);
    let mut targets = Vec::new();
    for (name, path) in &bins {
        match path {
            Some(path) if fuzz_dir.join(path).is_file() => {
                targets.push((name.clone(), fuzz_dir.join(path)));
            }
            _ => problems.push(format!(
                "[[bin]] {name} names no file in fuzz_targets/: {path:?}"
            )),
        }
    }
    for file in files_in(&fuzz_dir.join("fuzz_targets")) {
        if file.extension().is_some_and(|e| e == "rs")
            && !targets.iter().any(|(_, source)| *source == file)
        {
            let file = file.file_name().unwrap_or_default().to_string_lossy();
            problems.push(format!(
                "fuzz target fuzz_targets/{file} is not covered: it is no [[bin]] of Cargo.toml"
            ));
        }
    }
    targets
}

/// `(name, path)` of each `[[bin]]` of a cargo-fuzz manifest (which writes both as plain
/// `key = "value"` lines).
fn manifest_bins(manifest: &str) -> Vec<(String, Option<String>)> {
    let mut bins: Vec<(String, Option<String>)> = Vec::new();
    let mut in_bin = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
            if in_bin {
                bins.push((String::new(), None));
            }
            continue;
        }
        let (Some(bin), Some((key, value))) =
            (bins.last_mut().filter(|_| in_bin), line.split_once('='))
        else {
            continue;
        };
        let value = value.trim().trim_matches('"').to_string();
        match key.trim() {
            "name" => bin.0 = value,
            "path" => bin.1 = Some(value),
            _ => {}
        }
    }
    bins
}

/// The `rboto_fuzz` function a target's source calls: the whole body of its one
/// `fuzz_target!` must be `rboto_fuzz::<entry>(data)`, so the replay calls exactly that.
fn entry_point_called(source: &str) -> Option<String> {
    let code: String = source
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .flat_map(str::chars)
        .filter(|c| !c.is_whitespace())
        .collect();
    const HEAD: &str = "libfuzzer_sys::fuzz_target!(|data:&[u8]|rboto_fuzz::";
    if code.matches("fuzz_target!").count() != 1 {
        return None;
    }
    let rest = code.split_once(HEAD)?.1;
    let entry = rest.strip_suffix("(data));")?;
    let is_ident =
        !entry.is_empty() && entry.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    is_ident.then(|| entry.to_string())
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

// ---------------------------------------------------------------------------------------------
// The replay's own failures, on made-up fuzz packages
// ---------------------------------------------------------------------------------------------

fn fine(_: &[u8]) {}

fn panics_on_boom(data: &[u8]) {
    assert_ne!(data, b"boom", "a parser bug");
}

const FAKE_ENTRY_POINTS: &[(&str, EntryPoint)] = &[("fine", fine), ("picky", panics_on_boom)];

/// A cargo-fuzz package with `bins` (name, entry called), `extra_sources` in fuzz_targets/ that
/// are no `[[bin]]`, and `seeds` (target, file, bytes).
fn fake_package(
    test: &str,
    bins: &[(&str, &str)],
    extra_sources: &[&str],
    seeds: &[(&str, &str, &[u8])],
) -> ScratchDir {
    let dir = ScratchDir::new("rboto-fuzz-replay", test, &["fuzz_targets", "corpus"]).unwrap();
    let mut manifest =
        "[package]\nname = \"fake-fuzz\"\n\n[dependencies]\nlibfuzzer-sys = \"0.4\"\n".to_string();
    for (name, entry) in bins {
        manifest.push_str(&format!(
            "\n[[bin]]\nname = \"{name}\"\npath = \"fuzz_targets/{name}.rs\"\ntest = false\n"
        ));
        let source = format!(
            "//! Fuzzes {name}: see `rboto_fuzz::{entry}`.\n#![no_main]\n\n\
             libfuzzer_sys::fuzz_target!(|data: &[u8]| rboto_fuzz::{entry}(data));\n"
        );
        fs::write(dir.join("fuzz_targets").join(format!("{name}.rs")), source).unwrap();
    }
    fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    for name in extra_sources {
        let source = "libfuzzer_sys::fuzz_target!(|data: &[u8]| rboto_fuzz::fine(data));\n";
        fs::write(dir.join("fuzz_targets").join(format!("{name}.rs")), source).unwrap();
    }
    for (target, file, bytes) in seeds {
        fs::create_dir_all(dir.join("corpus").join(target)).unwrap();
        fs::write(dir.join("corpus").join(target).join(file), bytes).unwrap();
    }
    dir
}

#[test]
fn replay_passes_a_package_whose_targets_all_survive_their_seeds() {
    let dir = fake_package(
        "ok",
        &[("a", "fine"), ("b", "picky")],
        &[],
        &[("a", "s1", b"x"), ("b", "s1", b"y"), ("b", "s2", b"")],
    );
    let replay = replay(&dir, FAKE_ENTRY_POINTS);
    assert!(replay.problems.is_empty(), "{replay:?}");
    assert_eq!(replay.targets, ["a", "b"]);
    assert_eq!(replay.seeds, 3);
}

#[test]
fn replay_fails_when_a_target_panics_on_a_seed() {
    let dir = fake_package(
        "panic",
        &[("a", "picky")],
        &[],
        &[("a", "good", b"fine"), ("a", "crash-1", b"boom")],
    );
    let replay = replay(&dir, FAKE_ENTRY_POINTS);
    assert_eq!(replay.problems.len(), 1, "{replay:?}");
    let problem = &replay.problems[0];
    assert!(
        problem.starts_with("fuzz target a panicked on ")
            && problem.contains("crash-1")
            && problem.contains("a parser bug"),
        "{problem}"
    );
}

#[test]
fn replay_fails_when_a_target_has_no_seeds() {
    let dir = fake_package(
        "seedless",
        &[("a", "fine"), ("b", "fine")],
        &[],
        &[("a", "s", b"x")],
    );
    let replay = replay(&dir, FAKE_ENTRY_POINTS);
    assert_eq!(
        replay.problems,
        ["fuzz target b has no seeds in corpus/b/"],
        "{replay:?}"
    );
    fs::create_dir_all(dir.join("corpus").join("b")).unwrap();
    assert_eq!(
        replay_problems(&dir).len(),
        1,
        "an empty directory is no seeds"
    );
}

#[test]
fn replay_fails_when_a_target_is_not_covered() {
    // A target calling an entry point the replay does not know.
    let dir = fake_package(
        "unknown-entry",
        &[("a", "fine"), ("b", "smithy")],
        &[],
        &[("a", "s", b"x"), ("b", "s", b"x")],
    );
    let problems = replay_problems(&dir);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("fuzz target b is not covered: it calls rboto_fuzz::smithy"));

    // A file in fuzz_targets/ that is no [[bin]].
    let dir = fake_package("unlisted", &[("a", "fine")], &["c"], &[("a", "s", b"x")]);
    let problems = replay_problems(&dir);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("c.rs is not covered"), "{problems:?}");

    // A body that does more than call an entry point.
    let dir = fake_package("body", &[("a", "fine")], &[], &[("a", "s", b"x")]);
    fs::write(
        dir.join("fuzz_targets").join("a.rs"),
        "libfuzzer_sys::fuzz_target!(|data: &[u8]| { rboto_fuzz::fine(data); other(data) });",
    )
    .unwrap();
    let problems = replay_problems(&dir);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("its body is not one call"),
        "{problems:?}"
    );

    // A [[bin]] without its file, a corpus of no target, and no targets at all.
    let dir = fake_package("empty", &[], &[], &[("gone", "s", b"x")]);
    let mut manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    manifest.push_str("\n[[bin]]\nname = \"gone\"\npath = \"fuzz_targets/gone.rs\"\n");
    fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    let problems = replay_problems(&dir);
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(
        problems[0].starts_with("[[bin]] gone names no file"),
        "{problems:?}"
    );
    assert!(problems[1].starts_with("no fuzz targets"), "{problems:?}");
    assert_eq!(problems[2], "corpus/gone/ belongs to no fuzz target");
}

fn replay_problems(dir: &Path) -> Vec<String> {
    replay(dir, FAKE_ENTRY_POINTS).problems
}

#[test]
fn entry_point_is_read_from_the_target_source() {
    let real = fs::read_to_string(fuzz_dir().join("fuzz_targets").join("rest_xml.rs")).unwrap();
    assert_eq!(entry_point_called(&real).as_deref(), Some("rest_xml"));
    let spaced = "libfuzzer_sys::fuzz_target!(\n    |data: &[u8]| rboto_fuzz::json(data)\n);";
    assert_eq!(entry_point_called(spaced).as_deref(), Some("json"));
    let other = "libfuzzer_sys::fuzz_target!(|data: &[u8]| other::json(data));";
    assert_eq!(entry_point_called(other), None);
    let twice = format!("{spaced}\n{spaced}");
    assert_eq!(entry_point_called(&twice), None);
}
