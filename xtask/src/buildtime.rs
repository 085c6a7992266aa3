//! `cargo xtask buildtime`: a clean `cargo build --release` of the same small program (config
//! load and one call each to S3, DynamoDB and STS) on rboto and on aws-sdk-rust, one after the
//! other on the same machine, with wall time and the compile time cargo spent per crate, after
//! the same build of the HTTP/TLS stack alone (the floor both stand on) and of rboto's
//! third-party crates alone (rboto's floor: what is above it is rboto's own code).
//!
//! The programs live in `xtask/buildtime/`, outside the workspace; aws-sdk-rust is fetched from
//! crates.io on first use and appears nowhere else in the project.

use crate::workspace_root;
use std::process::{Command, ExitCode};
use std::time::Instant;

/// The build under both SDKs' builds: `xtask/buildtime/bare-https`, an HTTPS GET on tokio,
/// hyper and rustls, which shows what the SDK itself adds.
pub const FLOOR: &str = "bare-https";

/// rboto's floor: `xtask/buildtime/rboto-deps`, the third-party crates of `rboto-app` (the
/// runtime's dependencies, same features) built without any rboto code.
const DEPS: &str = "rboto-deps";

/// Issue 8's target for the release build: at most this share of aws-sdk-rust's.
const TARGET: f64 = 0.20;

/// Sums the per-crate durations (seconds) of a `cargo build --timings` HTML report, and names
/// the slowest crates.
fn unit_times(html: &str) -> Option<(f64, CrateTimes)> {
    let start = html.find("const UNIT_DATA = ")? + "const UNIT_DATA = ".len();
    let end = start + html[start..].find("];")? + 1;
    let units: serde_json::Value = serde_json::from_str(&html[start..end]).ok()?;
    let mut crates: Vec<(String, f64)> = units
        .as_array()?
        .iter()
        .filter_map(|u| {
            let name = u.get("name")?.as_str()?;
            let target = u.get("target").and_then(|t| t.as_str()).unwrap_or("");
            let label = if target.trim().is_empty() {
                name.to_string()
            } else {
                format!("{name} ({})", target.trim())
            };
            Some((label, u.get("duration")?.as_f64()?))
        })
        .collect();
    let total = crates.iter().map(|(_, d)| d).sum();
    crates.sort_by(|a, b| b.1.total_cmp(&a.1));
    crates.truncate(8);
    Some((total, crates))
}

/// Crates and their compile seconds.
type CrateTimes = Vec<(String, f64)>;

/// What one clean build took.
pub struct CleanBuild {
    pub wall: f64,
    /// CPU seconds (user + system) of cargo and everything it ran: rustc, build scripts, the
    /// C compiler and the linker.
    pub cpu: f64,
    /// Compile seconds summed over crates, as `--timings` reports them.
    pub summed: f64,
    pub slowest: CrateTimes,
}

/// A clean `cargo build --release --timings` of one program of `xtask/buildtime/`.
pub fn clean_release(app: &str) -> Result<CleanBuild, String> {
    let root = workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let dir = root.join("xtask").join("buildtime").join(app);
    let target = root.join("target").join("buildtime").join(app);
    let _ = std::fs::remove_dir_all(&target);
    println!("== clean release build of {app}");
    let cpu_before = children_cpu_seconds()?;
    let started = Instant::now();
    let status = Command::new(&cargo)
        .args(["build", "--release", "--timings", "--quiet"])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(&dir)
        .status()
        .map_err(|e| format!("building {app}: {e}"))?;
    let wall = started.elapsed().as_secs_f64();
    if !status.success() {
        return Err(format!("building {app}: {status}"));
    }
    let cpu = children_cpu_seconds()? - cpu_before;
    let report = std::fs::read_to_string(target.join("cargo-timings").join("cargo-timing.html"))
        .map_err(|e| format!("{app}: timings report: {e}"))?;
    let (summed, slowest) =
        unit_times(&report).ok_or_else(|| format!("{app}: unreadable timings report"))?;
    Ok(CleanBuild {
        wall,
        cpu,
        summed,
        slowest,
    })
}

/// User + system CPU seconds of this process's finished children and everything they waited
/// for (`cutime` + `cstime` of `/proc/self/stat`, in the kernel's fixed 100 ticks a second).
fn children_cpu_seconds() -> Result<f64, String> {
    let stat = std::fs::read_to_string("/proc/self/stat")
        .map_err(|e| format!("cannot read /proc/self/stat: {e}"))?;
    // Fields after the command name, which is in parentheses and may hold spaces; cutime and
    // cstime are fields 16 and 17 of proc(5), so 13 and 14 counted from the state (field 3).
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let tick = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    match (tick(13), tick(14)) {
        (Some(user), Some(system)) => Ok((user + system) / 100.0),
        _ => Err(format!("unexpected /proc/self/stat: {stat}")),
    }
}

pub fn run(args: &[String]) -> Result<ExitCode, String> {
    if !args.is_empty() {
        return Err("usage: cargo xtask buildtime".into());
    }
    let floor = clean_release(FLOOR)?;
    println!(
        "{FLOOR} (tokio + hyper + rustls, no SDK): {:.0} s wall, {:.0} s CPU",
        floor.wall, floor.cpu
    );
    let deps = clean_release(DEPS)?;
    println!(
        "{DEPS} (rboto's third-party crates, no rboto code): {:.0} s wall, {:.0} s CPU",
        deps.wall, deps.cpu
    );
    let mut results = Vec::new();
    for app in ["rboto-app", "aws-app"] {
        let build = clean_release(app)?;
        println!(
            "{app}: {:.0} s wall ({:.0} s above {FLOOR}), {:.0} s CPU, {:.0} s compile time \
             summed over crates",
            build.wall,
            build.wall - floor.wall,
            build.cpu,
            build.summed
        );
        for (name, secs) in &build.slowest {
            println!("    {secs:6.1} s  {name}");
        }
        results.push(build);
    }
    if let [r, a] = &results[..] {
        println!(
            "rboto / aws-sdk-rust: wall {:.2}, CPU {:.2}, compile time {:.2} (target: at most \
             {TARGET:.2})",
            r.wall / a.wall,
            r.cpu / a.cpu,
            r.summed / a.summed
        );
        println!(
            "rboto's own code above {DEPS}: {:.0} s wall, {:.0} s CPU; at {TARGET:.2} of \
             aws-sdk-rust it may add {:.0} s wall, {:.0} s CPU",
            r.wall - deps.wall,
            r.cpu - deps.cpu,
            TARGET * a.wall - deps.wall,
            TARGET * a.cpu - deps.cpu
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CPU of a finished child is counted, and nothing before it.
    #[test]
    fn a_busy_child_adds_its_cpu() {
        let before = children_cpu_seconds().unwrap();
        let status = Command::new("sh")
            .args(["-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done"])
            .status()
            .unwrap();
        assert!(status.success());
        let spent = children_cpu_seconds().unwrap() - before;
        assert!((0.05..30.0).contains(&spent), "{spent} s");
    }

    /// `rboto-deps` lists exactly the runtime's and `rboto-model`'s non-optional dependencies,
    /// each with at least the features the runtime asks for, so its build stays rboto's floor
    /// when a dependency is added, dropped or given a feature.
    #[test]
    fn the_dependency_floor_has_the_runtimes_dependencies() {
        let root = workspace_root();
        let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
        let mut wanted = dependencies(&read("runtime/Cargo.toml"));
        wanted.extend(dependencies(&read("runtime/model/Cargo.toml")));
        wanted.retain(|(name, _)| name != "rboto-model");
        let floor = dependencies(&read("xtask/buildtime/rboto-deps/Cargo.toml"));
        let names = |deps: &[(String, Vec<String>)]| {
            let mut names: Vec<String> = deps.iter().map(|(n, _)| n.clone()).collect();
            names.sort();
            names.dedup();
            names
        };
        assert_eq!(names(&floor), names(&wanted));
        for (name, features) in &wanted {
            let (_, has) = floor.iter().find(|(n, _)| n == name).unwrap();
            for feature in features {
                assert!(has.contains(feature), "rboto-deps: {name} lacks {feature}");
            }
        }
    }

    /// The non-optional entries of a manifest's `[dependencies]`: name and listed features.
    fn dependencies(manifest: &str) -> Vec<(String, Vec<String>)> {
        let section = manifest
            .split("\n[dependencies]\n")
            .nth(1)
            .expect("a [dependencies] section");
        let section = section.split("\n[").next().unwrap_or(section);
        section
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .filter(|line| !line.contains("optional = true"))
            .map(|line| {
                let name = line
                    .split(['=', '.'])
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_string();
                let features = line
                    .split_once("features = [")
                    .and_then(|(_, rest)| rest.split_once(']'))
                    .map(|(list, _)| {
                        list.split(',')
                            .map(|f| f.trim().trim_matches('"').to_string())
                            .filter(|f| !f.is_empty())
                            .collect()
                    })
                    .unwrap_or_default();
                (name, features)
            })
            .collect()
    }
}
