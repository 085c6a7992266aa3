//! `cargo xtask sweep DATA_DIR [SERVICE...]`: generates every service of a botocore data
//! directory into a scratch workspace under `target/sweep/` and `cargo check`s them all, so a
//! generator change is proven on all 439 models, not just the 16 vendored ones.

use crate::import_models::read_service;
use crate::regenerate::load_model;
use crate::workspace_root;
use rboto_codegen::{generate, Settings};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let Some((data_dir, only)) = args.split_first() else {
        return Err("usage: cargo xtask sweep <botocore data dir> [service...]".into());
    };
    let started = Instant::now();
    let data_dir = PathBuf::from(data_dir);
    let mut services: Vec<String> = fs::read_dir(&data_dir)
        .map_err(|e| format!("{}: {e}", data_dir.display()))?
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| only.is_empty() || only.contains(n))
        .collect();
    services.sort();

    let root = workspace_root();
    let ws = root.join("target").join("sweep");
    let sdk = ws.join("sdk");
    if sdk.exists() {
        fs::remove_dir_all(&sdk).map_err(|e| format!("{}: {e}", sdk.display()))?;
    }
    let mut failed: Vec<(String, String)> = Vec::new();
    let mut members = Vec::new();
    for svc in &services {
        match generate_one(&data_dir, svc, &sdk.join(svc), &root) {
            Ok(()) => members.push(format!("\"sdk/{svc}\"")),
            Err(e) => failed.push((svc.clone(), format!("generation: {e}"))),
        }
    }
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[profile.dev]\ndebug = false\n",
        members.join(", ")
    );
    write(&ws.join("Cargo.toml"), manifest.as_bytes())?;
    println!(
        "generated {} services in {:.1} s; checking…",
        members.len(),
        started.elapsed().as_secs_f64()
    );

    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "check",
            "--workspace",
            "--keep-going",
            "--message-format",
            "short",
        ])
        .current_dir(&ws)
        .env("CARGO_TARGET_DIR", ws.join("target"))
        .output()
        .map_err(|e| format!("running cargo check: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    for svc in &services {
        let krate = rboto_codegen::crate_name(svc);
        let marker = format!("could not compile `{krate}`");
        if stderr.contains(&marker) {
            let path = format!("sdk/{svc}/");
            let first: Vec<&str> = stderr
                .lines()
                .filter(|l| l.contains(&path) && l.contains("error"))
                .take(3)
                .collect();
            failed.push((svc.clone(), first.join("\n    ")));
        }
    }
    for (svc, why) in &failed {
        println!("FAIL {svc}: {why}");
    }
    // A failure outside the generated crates (the runtime itself) means nothing was checked.
    let unexplained = !output.status.success() && failed.is_empty();
    if unexplained || stderr.contains("could not compile `rboto`") {
        let tail: Vec<&str> = stderr
            .lines()
            .filter(|l| l.contains("error"))
            .take(5)
            .collect();
        println!("FAIL (runtime or workspace): {}", tail.join("\n    "));
        failed = services
            .iter()
            .map(|s| (s.clone(), String::new()))
            .collect();
    }
    println!("wall time {:.0} s", started.elapsed().as_secs_f64());
    let failed_services = failed.len();
    println!(
        "{} passed, {} failed",
        services.len().saturating_sub(failed_services),
        failed_services
    );
    Ok(if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn generate_one(data_dir: &Path, svc: &str, out: &Path, root: &Path) -> Result<(), String> {
    let (info, _) = read_service(data_dir, svc)?;
    let model = load_model(&data_dir.join(svc).join(&info.api_version), svc)?;
    let settings = Settings {
        runtime_path: root.join("runtime").display().to_string(),
        model_label: format!("botocore {svc} {}", info.api_version),
        ..Settings::default()
    };
    for (path, body) in generate(&model, &settings).map_err(|e| e.to_string())? {
        write(&out.join(path), &body)?;
    }
    Ok(())
}

fn write(path: &Path, text: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}
