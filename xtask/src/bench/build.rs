//! The build figures of issue 8, for rboto and aws-sdk-rust: a clean release build of the
//! S3 + DynamoDB + STS program (`cargo xtask buildtime`'s; its wall and CPU time), a clean
//! `cargo check` of an EC2 program, and the stripped size of an S3 ListBuckets program in the
//! default release profile and with fat LTO + `opt-level = "z"`. The programs are in
//! `xtask/buildtime/`, each its own workspace, built into `target/buildtime/<program>[-small]`.
//! The same release build and binaries of `bare-https` (the HTTP/TLS stack alone) are the
//! limit of those rows.

use super::drivers::{cargo, Figures};
use crate::buildtime::FLOOR;
use crate::workspace_root;
use std::time::Instant;

/// (rboto's figures, aws-sdk-rust's figures); a step that fails is reported and left out, the
/// others kept.
pub fn figures() -> Result<(Figures, Figures), String> {
    let mut sides = [Figures::new(), Figures::new()];
    // The floor is kept with rboto's figures, where the table looks for a row's limit.
    for (i, app, floor) in [
        (0, FLOOR, ".floor"),
        (0, "rboto-app", ""),
        (1, "aws-app", ""),
    ] {
        match crate::buildtime::clean_release(app) {
            Ok(build) => {
                sides[i].insert(format!("build.release{floor}.s"), build.wall);
                sides[i].insert(format!("build.release_cpu{floor}.s"), build.cpu);
            }
            Err(e) => eprintln!("left out: {e}"),
        }
    }
    for (i, app) in ["rboto-ec2", "aws-ec2"].into_iter().enumerate() {
        println!("== clean cargo check of {app}");
        match build(app, "", &["check"], &[]) {
            Ok(wall) => {
                sides[i].insert("build.check_ec2.s".into(), wall);
            }
            Err(e) => eprintln!("left out: {e}"),
        }
    }
    for (i, app, floor) in [
        (0, FLOOR, ".floor"),
        (0, "rboto-s3-list", ""),
        (1, "aws-s3-list", ""),
    ] {
        for (suffix, key, profile) in [
            ("", "build.bin_default.mib", &[][..]),
            (
                "-small",
                "build.bin_small.mib",
                &[
                    ("CARGO_PROFILE_RELEASE_LTO", "fat"),
                    ("CARGO_PROFILE_RELEASE_OPT_LEVEL", "z"),
                ][..],
            ),
        ] {
            println!("== stripped release build of {app}{suffix}");
            let mut env = vec![("CARGO_PROFILE_RELEASE_STRIP", "symbols")];
            env.extend_from_slice(profile);
            let binary = target(app, suffix).join("release").join(app);
            let size = build(app, suffix, &["build", "--release"], &env).and_then(|_| {
                std::fs::metadata(&binary).map_err(|e| format!("{}: {e}", binary.display()))
            });
            match size {
                Ok(m) => {
                    let key = key.replace(".mib", &format!("{floor}.mib"));
                    sides[i].insert(key, m.len() as f64 / 1024.0 / 1024.0);
                }
                Err(e) => eprintln!("left out: {e}"),
            }
        }
    }
    let [r, a] = sides;
    Ok((r, a))
}

fn target(app: &str, suffix: &str) -> std::path::PathBuf {
    workspace_root()
        .join("target")
        .join("buildtime")
        .join(format!("{app}{suffix}"))
}

/// A clean cargo command in `xtask/buildtime/<app>`; its wall seconds.
fn build(app: &str, suffix: &str, args: &[&str], env: &[(&str, &str)]) -> Result<f64, String> {
    let target = target(app, suffix);
    let _ = std::fs::remove_dir_all(&target);
    let started = Instant::now();
    let status = cargo()
        .args(args)
        .arg("--quiet")
        .envs(env.iter().copied())
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(workspace_root().join("xtask").join("buildtime").join(app))
        .status()
        .map_err(|e| format!("{app}: {e}"))?;
    if !status.success() {
        return Err(format!("{app}: cargo {}: {status}", args.join(" ")));
    }
    Ok(started.elapsed().as_secs_f64())
}
