//! The table: one row per figure, one column per SDK, the limit, the ratios and the target
//! of issue 14 (checked where the run has what it needs), and BENCHMARKS.md around it.

use super::drivers::Figures;
use std::fmt::Write;
use std::process::Command;

/// The request kinds of the drivers, in their order, with the table's label.
pub const KINDS: &[(&str, &str)] = &[
    ("s3put", "S3 PutObject 1 KiB"),
    ("s3get", "S3 GetObject 1 KiB"),
    ("ddbput", "DynamoDB PutItem"),
    ("ddbget", "DynamoDB GetItem"),
    ("ddbquery", "DynamoDB Query, 100 items (json)"),
    ("s3list", "S3 ListObjectsV2, 1,000 keys (rest-xml)"),
    ("ec2desc", "EC2 DescribeInstances, 100 instances (ec2)"),
    ("sqsrecv", "SQS ReceiveMessage, 10 messages (json)"),
    ("snslist", "SNS ListSubscriptions, 100 (query)"),
    (
        "cwcbor",
        "CloudWatch GetMetricData, 500 points (rpc-v2-cbor)",
    ),
];

#[derive(Clone, Copy)]
enum Unit {
    /// Stored in ns, shown in µs.
    Micros,
    /// Instructions.
    Ir,
    MibPerSec,
    Mib,
    /// Stored in KiB, shown in MiB.
    KibAsMib,
    Secs,
    PerSec,
    Count,
}

#[derive(Clone, Copy)]
enum Target {
    None,
    /// rboto ≤ this × aws-sdk-rust.
    Aws(f64),
    /// rboto ≤ a × aws-sdk-rust and ≤ b × boto3.
    AwsBoto3(f64, f64),
    /// rboto ≤ this value (in the row's stored unit).
    Max(f64),
    /// rboto ≥ this fraction of the limit column.
    OfLimit(f64),
    /// rboto ≤ this × the Python column (the AWS CLI, for the command-line rows).
    Python(f64),
}

struct Row {
    label: String,
    key: String,
    unit: Unit,
    /// Key of the limit column's figure (rboto's figures).
    limit: Option<String>,
    target: Target,
}

fn row(label: impl Into<String>, key: impl Into<String>, unit: Unit, target: Target) -> Row {
    Row {
        label: label.into(),
        key: key.into(),
        unit,
        limit: None,
        target,
    }
}

/// The CPU rows of a request kind: the process's CPU per request, with the bare client's (the
/// exchange itself, which every client pays, see `rboto-bench bare`) as its limit, and for the
/// four basic kinds the CPU above that floor, which is what issue 14's target is about.
fn cpu_rows(rows: &mut Vec<Row>, label: &str, prefix: &str, kind: &str, basic: bool) {
    rows.push(Row {
        limit: basic.then(|| format!("{prefix}bare.{kind}.cpu_ns")),
        ..row(
            format!("{label}: client CPU per request (limit: a bare client's)"),
            format!("{prefix}req.{kind}.cpu_ns"),
            Unit::Micros,
            Target::None,
        )
    });
    if basic {
        rows.push(row(
            format!("{label}: client CPU per request above the bare client's"),
            format!("{prefix}req.{kind}.cpu_above_ns"),
            Unit::Micros,
            Target::AwsBoto3(0.5, 0.1),
        ));
    }
}

/// Adds to every column the CPU above the floor (`cpu_rows`): the floor is measured once, by
/// rboto's driver, and is the same exchange for all.
pub fn derive_cpu_above_floor(results: &mut [Figures]) {
    let floors: Vec<(String, f64)> = results
        .first()
        .map(|f| {
            f.iter()
                .filter(|(k, _)| k.contains("bare.") && k.ends_with(".cpu_ns"))
                .map(|(k, v)| (k.clone(), *v))
                .collect()
        })
        .unwrap_or_default();
    for figures in results.iter_mut() {
        for (floor_key, floor) in &floors {
            let key = floor_key.replace("bare.", "req.");
            if let Some(v) = figures.get(&key).copied() {
                let above = key.replace(".cpu_ns", ".cpu_above_ns");
                figures.insert(above, (v - floor).max(0.0));
            }
        }
    }
}

fn rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for (kind, label) in [
        ("post", "small POST"),
        ("get", "empty GET"),
        ("presign", "presigned GET"),
    ] {
        rows.push(row(
            format!("SigV4 signing, {label}: median CPU time"),
            format!("sign.{kind}.ns"),
            Unit::Micros,
            Target::Aws(0.5),
        ));
        rows.push(row(
            format!("SigV4 signing, {label}: instructions"),
            format!("sign.{kind}.ir"),
            Unit::Ir,
            Target::Aws(0.5),
        ));
    }
    for (key, label) in [("s3", "S3 GetObject"), ("ddb", "DynamoDB GetItem")] {
        rows.push(row(
            format!("endpoint resolution, {label}: median"),
            format!("endpoint.{key}.ns"),
            Unit::Micros,
            Target::Max(2000.0),
        ));
    }
    for (i, (kind, label)) in KINDS.iter().enumerate() {
        // The four plain requests have issue 14's targets; the payload rows are for reading.
        let target = if i < 4 {
            Target::AwsBoto3(0.5, 0.1)
        } else {
            Target::None
        };
        cpu_rows(
            &mut rows,
            &format!("{label}, local server"),
            "",
            kind,
            i < 4,
        );
        rows.push(row(
            format!("{label}, local server: client instructions per request"),
            format!("req.{kind}.ir"),
            Unit::Ir,
            target,
        ));
    }
    for (kind, label) in &KINDS[..4] {
        cpu_rows(&mut rows, &format!("{label}, moto"), "moto.", kind, true);
        rows.push(row(
            format!("{label}, moto: median wall time per request"),
            format!("moto.req.{kind}.wall_ns"),
            Unit::Micros,
            Target::None,
        ));
    }
    for (dir, what, limit) in [
        ("upload", "upload", "transfer.up.limit_mibs"),
        (
            "download",
            "download into a writer",
            "transfer.down.limit_mibs",
        ),
    ] {
        rows.push(Row {
            limit: Some(limit.into()),
            ..row(
                format!("1 GiB {what} over HTTPS, 8 MiB parts × 10: throughput"),
                format!("transfer.{dir}.mibs"),
                Unit::MibPerSec,
                Target::OfLimit(0.7),
            )
        });
        rows.push(row(
            format!("1 GiB {dir}: peak RSS"),
            format!("transfer.{dir}.rss_mib"),
            Unit::Mib,
            Target::Max(8.0 * 10.0 + 32.0),
        ));
    }
    rows.push(row(
        "1,000 concurrent GetItem, one client: throughput",
        "conc.rps",
        Unit::PerSec,
        Target::None,
    ));
    rows.push(row(
        "1,000 concurrent GetItem: peak RSS",
        "conc.peak_rss_kib",
        Unit::KibAsMib,
        Target::Aws(0.5),
    ));
    rows.push(row(
        "1,000 concurrent GetItem: errors",
        "conc.errors",
        Unit::Count,
        Target::Max(0.0),
    ));
    for (key, what) in [("wall_ns", "median wall time"), ("cpu_ns", "CPU time")] {
        rows.push(row(
            format!("`rboto sts get-caller-identity` against moto, per run: {what} (boto3 column: the AWS CLI)"),
            format!("cli.{key}"),
            Unit::Micros,
            Target::Python(0.1),
        ));
    }
    rows.push(Row {
        limit: Some("build.release.floor.s".into()),
        ..row(
            "clean release build, S3 + DynamoDB + STS program: wall (limit: the HTTPS stack alone)",
            "build.release.s",
            Unit::Secs,
            Target::Aws(0.2),
        )
    });
    rows.push(Row {
        limit: Some("build.release_cpu.floor.s".into()),
        ..row(
            "clean release build, S3 + DynamoDB + STS program: CPU, user + system (limit: the \
             HTTPS stack alone)",
            "build.release_cpu.s",
            Unit::Secs,
            Target::Aws(0.2),
        )
    });
    rows.push(row(
        "clean `cargo check` of an EC2 program: wall",
        "build.check_ec2.s",
        Unit::Secs,
        Target::None,
    ));
    rows.push(Row {
        limit: Some("build.bin_default.floor.mib".into()),
        ..row(
            "stripped S3 ListBuckets binary, default release profile (limit: the HTTPS stack alone)",
            "build.bin_default.mib",
            Unit::Mib,
            Target::Aws(1.0 / 3.0),
        )
    });
    rows.push(Row {
        limit: Some("build.bin_small.floor.mib".into()),
        ..row(
            "stripped S3 ListBuckets binary, fat LTO + opt-level \"z\" (limit: the HTTPS stack alone)",
            "build.bin_small.mib",
            Unit::Mib,
            Target::Aws(1.0 / 3.0),
        )
    });
    rows
}

fn show(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Micros if v < 10_000.0 => format!("{:.2} µs", v / 1000.0),
        Unit::Micros => format!("{:.0} µs", v / 1000.0),
        Unit::Ir if v >= 1e6 => format!("{:.2}M", v / 1e6),
        Unit::Ir => format!("{:.0}k", v / 1e3),
        Unit::MibPerSec => format!("{v:.0} MiB/s"),
        Unit::Mib => format!("{v:.1} MiB"),
        Unit::KibAsMib => format!("{:.1} MiB", v / 1024.0),
        Unit::Secs => format!("{v:.0} s"),
        Unit::PerSec => format!("{v:.0}/s"),
        Unit::Count => format!("{v:.0}"),
    }
}

fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    }
}

fn target_text(
    row: &Row,
    r: Option<f64>,
    ra: Option<f64>,
    rb: Option<f64>,
    limit: Option<f64>,
) -> String {
    let mark = |ok: Option<bool>| match ok {
        Some(true) => " ✓",
        Some(false) => " ✗",
        None => "",
    };
    match row.target {
        Target::None => String::new(),
        Target::Aws(x) => format!("≤ {x:.2}× aws{}", mark(ra.map(|v| v <= x))),
        Target::AwsBoto3(x, y) => {
            let ok = match (ra, rb) {
                (Some(a), Some(b)) => Some(a <= x && b <= y),
                (Some(a), None) => (a > x).then_some(false),
                (None, Some(b)) => (b > y).then_some(false),
                _ => None,
            };
            format!("≤ {x:.1}× aws, ≤ {y:.1}× boto3{}", mark(ok))
        }
        Target::Max(m) => format!("≤ {}{}", show(row.unit, m), mark(r.map(|v| v <= m))),
        Target::Python(y) => format!("≤ {y:.2}× AWS CLI{}", mark(rb.map(|v| v <= y))),
        Target::OfLimit(f) => format!(
            "≥ {:.0} % of limit{}",
            f * 100.0,
            mark(ratio(r, limit).map(|v| v >= f))
        ),
    }
}

/// The table as Markdown: columns rboto, aws-sdk-rust, boto3, limit, ratios, target.
pub fn render(results: &[Figures]) -> String {
    let get = |i: usize, key: &str| results.get(i).and_then(|f| f.get(key)).copied();
    let cell = |unit: Unit, v: Option<f64>| v.map_or("—".to_string(), |v| show(unit, v));
    let ratio_cell = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.2}×"));
    let mut out = String::from(
        "| figure | rboto | aws-sdk-rust | boto3 | limit | rboto / aws-sdk-rust | rboto / boto3 | target |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n",
    );
    for row in rows() {
        let (r, a, b) = (get(0, &row.key), get(1, &row.key), get(2, &row.key));
        if r.is_none() && a.is_none() && b.is_none() {
            continue;
        }
        let limit = row.limit.as_deref().and_then(|k| get(0, k));
        let (ra, rb) = (ratio(r, a), ratio(r, b));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            row.label,
            cell(row.unit, r),
            cell(row.unit, a),
            cell(row.unit, b),
            cell(row.unit, limit),
            ratio_cell(ra),
            ratio_cell(rb),
            target_text(&row, r, ra, rb, limit),
        );
    }
    out
}

fn first_line(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")?
                .split_once(':')
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem_kib: u64 = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0);
    format!(
        "{cpu}, {cores} cores available, {:.0} GiB RAM; {}; {}",
        mem_kib as f64 / 1024.0 / 1024.0,
        first_line("uname", &["-sr"]),
        first_line("rustc", &["-V"]),
    )
}

/// BENCHMARKS.md: the table, the machine, the date and the command.
pub fn document(table: &str, command: &str) -> String {
    format!(
        "# Benchmarks\n\n\
         Produced by `{command}` on {date}.\n\n\
         Machine: {machine}.\n\n\
         {table}\n\
         How to read it:\n\n\
         - Every column was measured in the same run, on the same machine, against the same \
           servers. The machine is shared and noisy: compare the ratios, and prefer the \
           instruction counts, which barely move between runs, to the times.\n\
         - Times are medians: per request for requests, per batch of signatures or \
           resolutions otherwise (CPU time for signatures, wall time for endpoint resolution, as runtime/examples/endpoint_bench.rs measures it). Client CPU is the client process's own CPU time (the server \
           is another process); requests are sequential, on a current-thread runtime for the \
           Rust SDKs.\n\
         - Instructions are counted by callgrind (`valgrind --tool=callgrind`), per operation, \
           with start-up and warm-up left out: each driver calls `getppid` between phases and \
           callgrind dumps its counters there (`--dump-before=getppid`). Hardware counters \
           (`perf`) are not available in the containers this runs in.\n\
         - The local server is `rboto-bench serve`: HTTP/1.1 keep-alive, canned responses \
           built in code (xtask/bench/rboto-bench/src/payloads.rs), in its own process. The \
           payload rows are a whole request each, so they include the request's own cost.\n\
         - moto is served for these rows with HTTP/1.1 keep-alive, as AWS serves clients: \
           moto's WSGI application under waitress (`MotoServer::start_keep_alive` in \
           tests/src/moto.rs), where `moto_server`'s werkzeug would close every connection \
           after one response.\n\
         - aws-sdk-rust versions are pinned in xtask/bench/aws-bench/Cargo.toml (with its \
           Cargo.lock); boto3 is the version matching the botocore moto's venv pins.\n\
         - The limit of a client CPU row is the same request sent by a bare HTTP/1.1 client \
           (`rboto-bench bare`: a tokio socket and request bytes signed once) on the same \
           runtime: the exchange itself, which no client avoids. The rows \"above the bare \
           client's\" take it out of every column and carry the target. The timed request rows \
           (local server and moto) run with the servers on one CPU and every driver and the \
           bare client on the other (xtask/src/bench/affinity.rs): left to the scheduler, a \
           client and its loopback server sometimes share a core and sometimes do not, and \
           the same request costs about three times the client CPU in the second case. They \
           are measured in five rounds of \
           every driver in turn (and the bare client), each figure the median of its rounds, \
           so that a slow spell of the shared machine does not land on one column alone.\n\
         - The limit of a transfer is the same loopback sink, over TLS as well, driven by a \
           bare HTTP/1.1 client on as many connections, sending generated bytes or discarding \
           what it receives (runtime/s3-transfer/examples/transfer_bench.rs). On loopback the \
           sink's reads also run the sender's pending transmits, so a sender faster than the \
           sink slows it: the bare upload can come out below rboto's.\n\
         - The limit of a build row is the same build of `xtask/buildtime/bare-https`: an HTTPS \
           GET on tokio, hyper's pooled client and rustls with ring, the stack under both Rust \
           SDKs here, with no SDK code. What a row shows above it is the SDK's own cost.\n",
        date = first_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        machine = machine(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(pairs: &[(&str, f64)]) -> Figures {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn rows_show_ratios_and_whether_targets_hold() {
        let rboto = figures(&[("req.s3put.ir", 200_000.0), ("sign.post.ns", 5_000.0)]);
        let aws = figures(&[("req.s3put.ir", 500_000.0), ("sign.post.ns", 7_500.0)]);
        let boto3 = figures(&[("req.s3put.ir", 4_000_000.0)]);
        let table = render(&[rboto, aws, boto3]);
        let line = |prefix: &str| {
            table
                .lines()
                .find(|l| l.starts_with(prefix))
                .unwrap_or_else(|| panic!("no row {prefix} in\n{table}"))
                .to_string()
        };
        let put = line("| S3 PutObject 1 KiB, local server: client instructions");
        assert!(put.contains("| 200k | 500k | 4.00M |"), "{put}");
        assert!(put.contains("| 0.40× | 0.05× |"), "{put}");
        assert!(put.ends_with("✓ |"), "{put}");
        let sign = line("| SigV4 signing, small POST: median CPU time");
        assert!(sign.contains("| 5.00 µs | 7.50 µs | — |"), "{sign}");
        assert!(sign.contains("0.67×"), "{sign}");
        assert!(sign.ends_with("✗ |"), "{sign}");
        // Rows nobody measured are left out.
        assert!(!table.contains("GetMetricData"), "{table}");
    }

    #[test]
    fn cpu_above_the_floor_is_derived_for_every_column_from_rbotos_floor() {
        let mut results = vec![
            figures(&[
                ("req.ddbget.cpu_ns", 140_000.0),
                ("bare.ddbget.cpu_ns", 110_000.0),
                ("moto.req.ddbget.cpu_ns", 250_000.0),
                ("moto.bare.ddbget.cpu_ns", 200_000.0),
                ("bare.ddbget.wall_ns", 1.0),
            ]),
            figures(&[
                ("req.ddbget.cpu_ns", 170_000.0),
                ("moto.req.ddbget.cpu_ns", 300_000.0),
            ]),
            figures(&[("req.ddbget.cpu_ns", 100_000.0)]),
        ];
        derive_cpu_above_floor(&mut results);
        assert_eq!(results[0]["req.ddbget.cpu_above_ns"], 30_000.0);
        assert_eq!(results[0]["moto.req.ddbget.cpu_above_ns"], 50_000.0);
        assert_eq!(results[1]["req.ddbget.cpu_above_ns"], 60_000.0);
        assert_eq!(results[1]["moto.req.ddbget.cpu_above_ns"], 100_000.0);
        // Never below zero, and nothing derived from a wall-time floor.
        assert_eq!(results[2]["req.ddbget.cpu_above_ns"], 0.0);
        assert!(!results[0].contains_key("req.ddbget.wall_above_ns"));
        let table = render(&results);
        let raw = table
            .lines()
            .find(|l| {
                l.starts_with("| DynamoDB GetItem, local server: client CPU per request (limit")
            })
            .expect("raw row");
        assert!(raw.contains("| 110 µs |"), "{raw}");
        let above = table
            .lines()
            .find(|l| {
                l.starts_with("| DynamoDB GetItem, local server: client CPU per request above")
            })
            .expect("row above the floor");
        assert!(above.contains("| 30 µs | 60 µs |"), "{above}");
        assert!(above.contains("| 0.50× |"), "{above}");
    }

    #[test]
    fn build_rows_show_the_https_stack_alone_as_their_limit() {
        let rboto = figures(&[
            ("build.release.s", 72.0),
            ("build.release.floor.s", 41.0),
            ("build.bin_small.mib", 3.5),
            ("build.bin_small.floor.mib", 1.8),
        ]);
        let aws = figures(&[("build.release.s", 350.0), ("build.bin_small.mib", 6.8)]);
        let table = render(&[rboto, aws]);
        let build = table
            .lines()
            .find(|l| l.starts_with("| clean release build"))
            .expect("build row");
        assert!(
            build.contains("| 72 s | 350 s | — | 41 s | 0.21× |"),
            "{build}"
        );
        assert!(build.ends_with("✗ |"), "{build}");
        let small = table
            .lines()
            .find(|l| l.starts_with("| stripped S3 ListBuckets binary, fat LTO"))
            .expect("binary row");
        assert!(
            small.contains("| 3.5 MiB | 6.8 MiB | — | 1.8 MiB |"),
            "{small}"
        );
    }
}
