//! rboto's benchmark driver for `cargo xtask bench`, and the fast local server all drivers are
//! measured against. The aws-sdk-rust driver (`../aws-bench`) and the boto3 one
//! (`../boto3_bench.py`) take the same command line and print the same `RESULT <key> <value>`
//! lines, which the xtask gathers into one table:
//!
//! ```text
//! serve                          the local server: prints `port N`, serves until stdin closes
//! setup <url>                    creates the bucket and table the requests use (for moto)
//! sign <n> <post|get|presign|all>       SigV4 signing, median ns per signature
//! req <url> <n> <kind|all> <basic|all>  n requests of each kind after a warm-up of every kind
//!                                       in the set: median wall and CPU ns per request
//! concurrent <url> <n>           n GetItem requests in flight at once on one client
//! bare <url> <n> <kind|all>      the four basic requests by a bare HTTP/1.1 client: the floor
//! ```
//!
//! Instruction counts come from running `sign` and `req` under callgrind twice, with n = 0 and
//! with n > 0 (the xtask does that): the difference over n is the cost of one operation, with
//! start-up and warm-up cancelled out.

mod bare;
mod payloads;
mod requests;
mod server;
mod sign;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    let n = || {
        arg(2)
            .parse::<usize>()
            .map_err(|_| "n must be a number".to_string())
    };
    let result = match arg(0) {
        "serve" => server::run(),
        "setup" => requests::setup(arg(1)),
        "sign" => arg(1)
            .parse::<usize>()
            .map_err(|_| "n must be a number".to_string())
            .and_then(|n| sign::run(n, arg(2))),
        "req" => n().and_then(|n| requests::run(arg(1), n, arg(3), arg(4))),
        "concurrent" => n().and_then(|n| requests::concurrent(arg(1), n)),
        "bare" => n().and_then(|n| bare::run(arg(1), n, arg(3))),
        _ => Err(
            "usage: rboto-bench serve | setup URL | sign N KIND | req URL N KIND SET | \
                  concurrent URL N | bare URL N KIND"
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rboto-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// This process's CPU time (all threads, user + system) in nanoseconds.
pub fn cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own; the clock id is a constant.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// The median of a set of samples (0 when empty).
pub fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len().is_multiple_of(2) {
        (v[m - 1] + v[m]) / 2.0
    } else {
        v[m]
    }
}

/// Times `n` calls of `f` in 10 batches; returns the median CPU nanoseconds per call (CPU
/// time, not wall time: the machines this runs on are shared, and a descheduled batch would
/// count time the code did not spend).
pub fn batched(n: usize, f: impl FnMut()) -> f64 {
    batched_by(n, f, cpu_ns)
}

fn batched_by(n: usize, mut f: impl FnMut(), clock: fn() -> u64) -> f64 {
    const BATCHES: usize = 10;
    let per = n / BATCHES;
    if per == 0 {
        (0..n).for_each(|_| f());
        return 0.0;
    }
    let mut samples = Vec::with_capacity(BATCHES);
    for _ in 0..BATCHES {
        let start = clock();
        (0..per).for_each(|_| f());
        samples.push((clock() - start) as f64 / per as f64);
    }
    median(samples)
}

/// `VmHWM` (peak resident set) of this process, in KiB.
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// A boundary between measured phases: `cargo xtask bench` runs drivers under callgrind with
/// `--dump-before=getppid`, so each call starts a new counter dump and the instructions of each
/// phase are counted alone (getppid is called nowhere else on these paths).
pub fn mark() {
    std::hint::black_box(std::os::unix::process::parent_id());
}

/// Times `n` sequential calls of `one` and prints the medians per call as `<key>.wall_ns` and
/// `<key>.cpu_ns` (nothing when `n` is 0, the callgrind baseline run).
pub async fn time_each(
    key: &str,
    n: usize,
    mut one: impl AsyncFnMut() -> Result<(), String>,
) -> Result<(), String> {
    let (mut wall, mut cpu) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        let (start, cpu_start) = (std::time::Instant::now(), cpu_ns());
        one().await?;
        cpu.push((cpu_ns() - cpu_start) as f64);
        wall.push(start.elapsed().as_nanos() as f64);
    }
    if n > 0 {
        result(&format!("{key}.wall_ns"), median(wall));
        result(&format!("{key}.cpu_ns"), median(cpu));
    }
    Ok(())
}

/// One figure for the xtask.
pub fn result(key: &str, value: f64) {
    println!("RESULT {key} {value:.1}");
}
