//! `cargo xtask bench [--peers] [--write]`: rboto's performance figures in one table, and with
//! `--peers` the same workloads on aws-sdk-rust and boto3 beside them, measured in the same run.
//!
//! The workloads are driver programs with one command line (`xtask/bench/`): rboto-bench (a
//! workspace member, which also serves the fast local keep-alive server), aws-bench (its own
//! cargo workspace with pinned aws-sdk-rust versions and a kept Cargo.lock, built into
//! `target/bench/aws-bench`, never a dependency of rboto) and boto3_bench.py (run by the
//! python of the venv beside moto, where boto3 is installed to match its pinned botocore).
//! Each driver prints `RESULT <key> <value>` lines; [`table`] lays them out.
//!
//! Times are medians (per request, or per batch of signatures); CPU time is the client
//! process's own (`CLOCK_PROCESS_CPUTIME_ID`, the server being another process), and the
//! timed request rounds keep servers on one CPU and clients on another ([`affinity`]).
//! Instruction counts come from one callgrind run per driver and workload group: the drivers call
//! `getppid` between phases and callgrind dumps its counters before each call
//! (`--dump-before=getppid`), so each phase's instructions are counted alone, without
//! start-up or warm-up. perf's hardware counters are not used: they are not available in the
//! containers this runs in.

mod affinity;
mod build;
mod cli_startup;
mod drivers;
mod table;

use crate::workspace_root;
use drivers::{Driver, Figures, Server};
use std::collections::BTreeMap;
use std::process::ExitCode;

/// How many operations each measurement takes, per driver kind (Rust drivers are ~20× faster
/// than boto3, and callgrind ~50× slower than native).
struct Counts {
    sign: usize,
    sign_ir: usize,
    req: usize,
    req_ir: usize,
    moto: usize,
}

const RUST: Counts = Counts {
    sign: 100_000,
    sign_ir: 1_000,
    req: 200,
    req_ir: 20,
    moto: 50,
};
// Instruction counts barely vary from one request to the next, so a few suffice; boto3 under
// callgrind is the slowest part of a run.
const PYTHON: Counts = Counts {
    sign: 5_000,
    sign_ir: 50,
    req: 30,
    req_ir: 3,
    moto: 30,
};
const CONCURRENT: usize = 1_000;
/// Rounds of the timed requests; see [`in_rounds`].
const ROUNDS: usize = 5;

/// Timed requests (`req` of the kinds in `set`, `per_run` of each, and rboto's bare client as
/// their floor with `bare`) against the server at `url`, as [`ROUNDS`] rounds of every driver
/// in turn: the machine is shared, and one run per driver minutes apart let a slow spell land
/// on one column alone (the same rboto
/// code measured 80 µs of GetObject CPU on moto in one run and 129 µs in the next, and 54 µs of
/// GetItem CPU on the local server in one run and 74 µs in another, with the same instruction
/// count). Each figure is the median of its rounds; one column per driver, keys prefixed with
/// `prefix`.
fn in_rounds(
    drivers: &[Driver],
    url: &str,
    set: &str,
    per_run: fn(&Counts) -> usize,
    prefix: &str,
) -> Vec<Figures> {
    let mut rounds: Vec<Vec<Figures>> = vec![Vec::new(); drivers.len()];
    for round in 1..=ROUNDS {
        println!("== requests to {url} ({set}), round {round} of {ROUNDS}");
        for (i, d) in drivers.iter().enumerate() {
            if d.is_missing() {
                continue;
            }
            let n = per_run(if d.is_python() { &PYTHON } else { &RUST }).to_string();
            let mut runs = vec![("requests", vec!["req", url, &n, "all", set])];
            if d.name == "rboto" {
                runs.push(("the bare client's floor", vec!["bare", url, &n, "all"]));
            }
            for (what, args) in runs {
                match d.run(&args) {
                    Ok(figures) => rounds[i].push(figures),
                    Err(e) => eprintln!("{}: {what} (round {round}) left out: {e}", d.name),
                }
            }
        }
    }
    rounds
        .iter()
        .map(|runs| {
            let mut all: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
            for (k, v) in runs.iter().flatten() {
                all.entry(k).or_default().push(*v);
            }
            all.into_iter()
                .map(|(k, mut values)| {
                    values.sort_by(f64::total_cmp);
                    (format!("{prefix}{k}"), values[values.len() / 2])
                })
                .collect()
        })
        .collect()
}

pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let mut peers = false;
    let mut write = false;
    let mut skip_build = false;
    for a in args {
        match a.as_str() {
            "--peers" => peers = true,
            "--write" => write = true,
            // For working on the benches: the build figures take most of a --peers run.
            "--skip-build-figures" => skip_build = true,
            _ => {
                return Err(
                    "usage: cargo xtask bench [--peers] [--write] [--skip-build-figures]".into(),
                )
            }
        }
    }
    let root = workspace_root();
    let mut drivers = vec![Driver::rboto(&root)?];
    if peers {
        // Columns stay in order (rboto, aws-sdk-rust, boto3): a peer that cannot be built or
        // installed still gets its (empty) column.
        for peer in [Driver::aws(&root), Driver::boto3()] {
            match peer {
                Ok(d) => drivers.push(d),
                Err(e) => {
                    eprintln!("peer left out: {e}");
                    drivers.push(Driver::missing());
                }
            }
        }
    }

    let server = Server::start(&drivers[0])?;
    let local = server.url();
    println!("local keep-alive server at {local}");
    // Served with keep-alive, as AWS serves clients and as issue 14's figures were measured:
    // werkzeug's one connection per request would make every request pay for a connection.
    let (module, spec) = rboto_tests::moto::KEEP_ALIVE_PACKAGE;
    let moto = match rboto_tests::moto::VENV
        .ensure_package(module, spec)
        .and_then(|_| rboto_tests::moto::MotoServer::start_keep_alive())
    {
        Ok(m) => {
            let url = m.endpoint();
            match drivers[0].run(&["setup", &url]) {
                Ok(_) => Some((m, url)),
                Err(e) => {
                    eprintln!("moto figures left out: setup failed: {e}");
                    None
                }
            }
        }
        Err(e) => {
            eprintln!("moto figures left out: {e}");
            None
        }
    };

    let mut results: Vec<Figures> = Vec::new();
    for d in &drivers {
        if d.is_missing() {
            results.push(Figures::new());
            continue;
        }
        println!("== {}", d.name);
        let c = if d.is_python() { &PYTHON } else { &RUST };
        let mut f = Figures::new();
        // A failed workload leaves its rows empty ("—") rather than losing the whole run.
        let mut take = |what: &str, got: Result<Figures, String>| match got {
            Ok(figures) => f.extend(figures),
            Err(e) => eprintln!("{}: {what} left out: {e}", d.name),
        };
        let n = |v: usize| v.to_string();
        take("signing", d.run(&["sign", &n(c.sign), "all"]));
        take(
            "signing instructions",
            d.callgrind(
                &["sign", &n(c.sign_ir), "all"],
                &["sign.post", "sign.get", "sign.presign"],
                c.sign_ir,
            ),
        );
        take("endpoint resolution", d.endpoint());
        let phases: Vec<String> = table::KINDS
            .iter()
            .map(|(k, _)| format!("req.{k}"))
            .collect();
        let phases: Vec<&str> = phases.iter().map(String::as_str).collect();
        take(
            "request instructions",
            d.callgrind(
                &["req", &local, &n(c.req_ir), "all", "all"],
                &phases,
                c.req_ir,
            ),
        );
        take(
            "concurrency",
            d.run(&["concurrent", &local, &n(CONCURRENT)]),
        );
        if d.name == "rboto" {
            take("transfers", drivers::transfers(&root));
        }
        results.push(f);
    }
    let mut servers = vec![server.pid()];
    servers.extend(moto.iter().map(|(m, _)| m.pid()));
    let apart = match affinity::Apart::pin(&servers) {
        Ok(pinned) => {
            println!(
                "== timed rounds: servers on CPU {}, clients on CPU {}",
                pinned.server_cpu(),
                pinned.client_cpu()
            );
            Some(pinned)
        }
        Err(e) => {
            eprintln!("timed rounds left to the scheduler: {e}");
            None
        }
    };
    for (column, figures) in
        results
            .iter_mut()
            .zip(in_rounds(&drivers, &local, "all", |c| c.req, ""))
    {
        column.extend(figures);
    }
    if let Some((_, url)) = &moto {
        for (column, figures) in
            results
                .iter_mut()
                .zip(in_rounds(&drivers, url, "basic", |c| c.moto, "moto."))
        {
            column.extend(figures);
        }
    }
    drop(apart);
    if peers {
        match &moto {
            Some((_, url)) => match cli_startup::figures(&root, url) {
                Ok((r, aws_cli)) => {
                    results[0].extend(r);
                    results[2].extend(aws_cli);
                }
                Err(e) => eprintln!("command-line startup figures left out: {e}"),
            },
            None => eprintln!("command-line startup figures left out: no moto"),
        }
    }
    drop(moto);
    drop(server);

    if peers && !skip_build {
        match build::figures() {
            Ok((r, a)) => {
                results[0].extend(r);
                results[1].extend(a);
            }
            Err(e) => eprintln!("build figures left out: {e}"),
        }
    }

    table::derive_cpu_above_floor(&mut results);
    let rendered = table::render(&results);
    println!("\n{rendered}");
    if write {
        let command = format!(
            "cargo xtask bench{}",
            args.iter().map(|a| format!(" {a}")).collect::<String>()
        );
        let doc = table::document(&rendered, &command);
        std::fs::write(root.join("BENCHMARKS.md"), doc)
            .map_err(|e| format!("writing BENCHMARKS.md: {e}"))?;
        println!("wrote BENCHMARKS.md");
    }
    Ok(ExitCode::SUCCESS)
}
