//! Runs one target on its mutated inputs: each call under `catch_unwind`, the whole run on a
//! worker thread watched for a hang, outcomes counted, every panic described with the input
//! that caused it (escaped and shortened, and written whole to a file for the corpus).

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Once};
use std::time::{Duration, Instant};

use super::mutate::Rng;

/// An input the harness can show in a failure message and save for the corpus.
pub trait Input: Send + 'static {
    /// A readable, bounded rendering.
    fn show(&self) -> String;
    /// The whole input, as a corpus file holds it.
    fn bytes(&self) -> Vec<u8>;
}

impl Input for Vec<u8> {
    fn show(&self) -> String {
        escape(self, 600)
    }

    fn bytes(&self) -> Vec<u8> {
        self.clone()
    }
}

/// `b"…"` with non-printable bytes escaped; long inputs keep their head and tail.
pub fn escape(bytes: &[u8], max: usize) -> String {
    let esc = |b: &[u8]| -> String {
        b.iter()
            .flat_map(|&c| std::ascii::escape_default(c))
            .map(char::from)
            .collect()
    };
    if bytes.len() <= max {
        return format!("b\"{}\" ({} bytes)", esc(bytes), bytes.len());
    }
    let head = max * 3 / 4;
    let tail = max - head;
    format!(
        "b\"{}\"…[{} bytes left out]…b\"{}\" ({} bytes)",
        esc(&bytes[..head]),
        bytes.len() - head - tail,
        esc(&bytes[bytes.len() - tail..]),
        bytes.len()
    )
}

/// One target: how its inputs are made and what a call does with one.
pub struct Target<I> {
    pub name: &'static str,
    pub seed: u64,
    pub inputs: usize,
    /// Builds input `index` from its own generator ([`Rng::for_input`]).
    pub generate: Box<dyn Fn(&mut Rng) -> I + Send + Sync>,
    /// Feeds one input to the code under test; the label names the outcome (`ok`, `error`, …).
    pub call: Box<dyn Fn(&I) -> &'static str + Send + Sync>,
}

impl<I: Input> Target<I> {
    /// Input `index`, rebuilt.
    pub fn input(&self, index: usize) -> I {
        (self.generate)(&mut Rng::for_input(self.seed, index))
    }
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Report {
    pub target: &'static str,
    pub inputs: usize,
    /// Outcomes by label.
    pub outcomes: BTreeMap<&'static str, usize>,
    /// Unexpected panics, described (at most a few; `panics` counts them all).
    pub failures: Vec<String>,
    pub panics: usize,
    pub slowest: Duration,
    pub slowest_index: usize,
    pub elapsed: Duration,
}

impl Report {
    pub fn count(&self, label: &str) -> usize {
        self.outcomes.get(label).copied().unwrap_or(0)
    }

    pub fn summary(&self) -> String {
        let outcomes: Vec<String> = self
            .outcomes
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        format!(
            "{}: {} inputs ({}) in {:.2?}; slowest input #{} took {:.2?}",
            self.target,
            self.inputs,
            outcomes.join(", "),
            self.elapsed,
            self.slowest_index,
            self.slowest
        )
    }
}

thread_local! {
    /// Set on a worker thread: panics there are recorded instead of printed.
    static CAPTURE: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// One process-wide hook that records panics on worker threads (the message with its location)
/// and leaves every other thread's panics to the previous hook.
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CAPTURE.with(Cell::get) {
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(info.to_string()));
            } else {
                previous(info);
            }
        }));
    });
}

/// The stack the worker runs on: tokio's default worker stack, where a client parses its
/// responses; a parser without a depth limit overflows it on deep nesting (and aborts the test
/// binary: that cannot be caught, and is a bug to report).
const WORKER_STACK: usize = 2 << 20;

/// An input taking longer than this hangs (the slowest take well under a second).
const HANG_AFTER: Duration = Duration::from_secs(30);

/// Calls `f` under `catch_unwind`; the panic message (with its location) when it panicked.
pub fn caught<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    install_hook();
    CAPTURE.with(|c| c.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CAPTURE.with(|c| c.set(false));
    result.map_err(|_| {
        LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .unwrap_or_else(|| "(no message)".into())
    })
}

/// Runs every input of `target` on a worker thread; fails (panics) when an input hangs.
pub fn run<I: Input>(target: Target<I>) -> Report {
    run_within(target, HANG_AFTER)
}

/// [`run`], with the time after which an input hangs.
pub fn run_within<I: Input>(mut target: Target<I>, hang_after: Duration) -> Report {
    install_hook();
    // Longer or different runs by hand: RBOTO_MUTATION_SCALE=10 RBOTO_MUTATION_SEED=1 cargo test …
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    if let Some(scale) = env("RBOTO_MUTATION_SCALE") {
        target.inputs = target.inputs.saturating_mul(scale as usize);
    }
    if let Some(seed) = env("RBOTO_MUTATION_SEED") {
        target.seed ^= seed;
    }
    let target = Arc::new(target);
    let current = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel();
    let worker = {
        let (target, current) = (target.clone(), current.clone());
        std::thread::Builder::new()
            .name(format!("mutation-{}", target.name))
            .stack_size(WORKER_STACK)
            .spawn(move || {
                let _ = tx.send(work(&target, &current));
            })
            .expect("worker thread starts")
    };
    // The worker counts inputs in `current`; one that stays the same too long is a hang.
    let (mut seen, mut since) = (usize::MAX, Instant::now());
    loop {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(report) => {
                let _ = worker.join();
                return report;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => panic!(
                "{}: the worker thread died (input #{}); see its output above",
                target.name,
                current.load(Ordering::SeqCst)
            ),
        }
        let index = current.load(Ordering::SeqCst);
        if index != seen {
            (seen, since) = (index, Instant::now());
        } else if since.elapsed() > hang_after {
            // The worker is left running; the test binary ends it when it exits.
            let input = target.input(index);
            panic!(
                "{}: input #{index} (seed {:#x}) did not finish within {hang_after:?}: a hang\n\
                 input: {}\nwhole input written to {}",
                target.name,
                target.seed,
                input.show(),
                save(target.name, index, &input.bytes())
            );
        }
    }
}

const MAX_DESCRIBED: usize = 5;

fn work<I: Input>(target: &Target<I>, current: &AtomicUsize) -> Report {
    let started = Instant::now();
    let mut report = Report {
        target: target.name,
        inputs: target.inputs,
        ..Report::default()
    };
    for index in 0..target.inputs {
        current.store(index, Ordering::SeqCst);
        let input = target.input(index);
        let t = Instant::now();
        let outcome = caught(|| (target.call)(&input));
        let took = t.elapsed();
        if took > report.slowest {
            report.slowest = took;
            report.slowest_index = index;
        }
        match outcome {
            Ok(label) => *report.outcomes.entry(label).or_default() += 1,
            Err(message) => {
                report.panics += 1;
                if report.failures.len() < MAX_DESCRIBED {
                    report.failures.push(format!(
                        "{} panicked on input #{index} (seed {:#x}): {message}\n  input: {}\n  \
                         whole input written to {}",
                        target.name,
                        target.seed,
                        input.show(),
                        save(target.name, index, &input.bytes())
                    ));
                }
            }
        }
    }
    report.elapsed = started.elapsed();
    report
}

/// Writes a failing input where it can be copied into a corpus; returns the path.
fn save(target: &str, index: usize, bytes: &[u8]) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mutation-failures");
    let path = dir.join(format!("{target}-{index}"));
    match std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&path, bytes)) {
        Ok(()) => path.display().to_string(),
        Err(e) => format!("(not written: {e})"),
    }
}

/// Fails unless the run had no unexpected panic and produced at least `min_share` (a fraction)
/// of every `labels` outcome: a mutator whose inputs all fail (or all pass) tests nothing.
pub fn check(report: &Report, labels: &[&str], min_share: f64) {
    eprintln!("{}", report.summary());
    let mut text = String::new();
    for failure in &report.failures {
        let _ = writeln!(text, "{failure}");
    }
    assert!(
        report.panics == 0,
        "{} unexpected panic(s) in {} (once fixed, keep each input: in the corpus for a byte \
         parser, as a test otherwise):\n{text}{}",
        report.panics,
        report.target,
        report.summary()
    );
    for label in labels {
        let share = report.count(label) as f64 / report.inputs.max(1) as f64;
        assert!(
            share >= min_share,
            "{}: only {:.1}% of the inputs gave `{label}` (want {:.1}%): the mutation does not \
             exercise the parser\n{}",
            report.target,
            share * 100.0,
            min_share * 100.0,
            report.summary()
        );
    }
}
