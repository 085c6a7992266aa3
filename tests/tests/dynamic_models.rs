//! The dynamic client's model reading against the generated crates: for every vendored service,
//! the schema, endpoint rules, paginators and waiters that `rboto::dynamic::Model` reads at run
//! time from `models/<service>/` (gzipped files, `.sdk-extras.json` overlays and all) are the
//! ones the generated crate `sdk/<service>` uses.
//!
//! The schema is compared structurally ([`describe`]); paginators and waiters are compared with
//! the generated `paginators.rs` / `waiters.rs` source, each run-time spec written back as the
//! Rust expression the generator emits for it. Both sides come from one reader
//! (`rboto_model::specs`), so what this guards is everything around it: the checked-in `sdk/`
//! being fresh, the generator writing the specs it reads faithfully (every field, in model
//! order), and the runtime feeding the reader the same documents (gzip, overlays) and the same
//! operation inputs as the generator.

use rboto::__private::schema::LazyService;
use rboto::dynamic::Model;
use rboto::paginator::PaginatorSpec;
use rboto::waiter::{Expected, WaiterSpec};
use rboto_tests::model_files::dynamic_model;
use rboto_tests::moto::workspace_root;
use rboto_tests::schema_dump::describe;
use std::collections::BTreeMap;

/// Every service directory of `models/`, sorted.
fn vendored_services() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(workspace_root().join("models"))
        .expect("models/")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Source text without whitespace (outside and inside literals alike, on both sides) and
/// without the trailing commas the pretty-printer adds to long lists.
fn squash(text: &str) -> String {
    let s: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    s.replace(",)", ")").replace(",]", "]")
}

/// The `pub static NAME: <ty> = <expr>;` items of a generated file, as squashed expressions,
/// with the text that follows each up to the next static (its impl and docs).
fn statics(source: &str, ty: &str) -> Vec<(String, String)> {
    let marker = format!(": {ty} = ");
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(i) = rest.find(&marker) {
        rest = &rest[i + marker.len()..];
        let end = rest.find(";\n").expect("a static ends with `;`");
        let after = rest[end..]
            .find("pub static")
            .map_or(&rest[end..], |j| &rest[end..end + j]);
        out.push((squash(&rest[..end]), after.to_string()));
        rest = &rest[end..];
    }
    out
}

fn quoted(items: &[&str]) -> String {
    let items: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    format!("&[{}]", items.join(","))
}

/// A spec as the generator writes it (`codegen/src/emit_paginators.rs`).
fn paginator_expr(spec: &PaginatorSpec) -> String {
    let mut s = format!(
        "PaginatorSpec::new({},{},{})",
        quoted(spec.input_token),
        quoted(spec.output_token),
        quoted(spec.result_key)
    );
    if let Some(l) = spec.limit_key {
        s += &format!(".limit({l:?})");
    }
    if let Some(m) = spec.more_results {
        s += &format!(".more_results({m:?})");
    }
    if !spec.non_aggregate_keys.is_empty() {
        s += &format!(".non_aggregate({})", quoted(spec.non_aggregate_keys));
    }
    squash(&s)
}

/// A waiter as the generator writes it (`codegen/src/emit_waiters.rs`).
fn waiter_expr(spec: &WaiterSpec) -> String {
    let acceptors: Vec<String> = spec
        .acceptors
        .iter()
        .map(|a| {
            let expected = match a.expected {
                Expected::Str(s) => format!("Str({s:?})"),
                Expected::Bool(b) => format!("Bool({b})"),
                Expected::Int(i) => format!("Int({i})"),
            };
            format!(
                "Acceptor::new({:?},{:?},{:?},{expected})",
                a.state, a.matcher, a.argument
            )
        })
        .collect();
    squash(&format!(
        "WaiterSpec::new({:?},{},{},&[{}])",
        spec.name,
        spec.delay,
        spec.max_attempts,
        acceptors.join(",")
    ))
}

fn generated(service: &str, file: &str) -> String {
    std::fs::read_to_string(
        workspace_root()
            .join("sdk")
            .join(service)
            .join("src")
            .join(file),
    )
    .unwrap_or_default()
}

fn check_paginators(name: &str, model: &Model) -> usize {
    let source = generated(name, "paginators.rs");
    let want: BTreeMap<String, String> = statics(&source, "PaginatorSpec")
        .into_iter()
        .map(|(expr, after)| {
            let op = after
                .split("Pages through `")
                .nth(1)
                .and_then(|t| t.split('`').next())
                .expect("the generated doc names the operation")
                .to_string();
            (op, expr)
        })
        .collect();
    let got: BTreeMap<String, String> = model
        .operation_names()
        .filter_map(|op| Some((op.to_string(), paginator_expr(model.paginator(op)?))))
        .collect();
    assert_eq!(got, want, "{name}: paginators");
    got.len()
}

fn check_waiters(name: &str, model: &Model) -> usize {
    let source = generated(name, "waiters.rs");
    let want: Vec<String> = statics(&source, "WaiterSpec")
        .into_iter()
        .map(|(expr, _)| expr)
        .collect();
    let got: Vec<String> = model
        .waiter_names()
        .map(|w| waiter_expr(model.waiter(w).expect("listed waiter")))
        .collect();
    assert_eq!(got, want, "{name}: waiters");
    got.len()
}

fn rules(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("rule set is JSON")
}

#[test]
fn every_vendored_service_reads_as_its_generated_crate() {
    let (mut services, mut paginators, mut waiters) = (0, 0, 0);
    for name in vendored_services() {
        let crate_dir = workspace_root().join("sdk").join(&name);
        let packed = |file: &str| -> &'static [u8] {
            let bytes = std::fs::read(crate_dir.join(file))
                .unwrap_or_else(|e| panic!("{name}: every vendored service has a crate: {e}"));
            Box::leak(bytes.into_boxed_slice())
        };
        let (embedded, embedded_rules) = (
            packed(rboto_codegen::MODEL_FILE),
            packed(rboto_codegen::RULES_FILE),
        );
        let model = dynamic_model(&name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let leaked: &'static str = Box::leak(name.clone().into_boxed_str());
        // What the generated crate's first client reads: its packed model and rule set.
        let lazy = Box::leak(Box::new(LazyService::new(leaked, embedded, embedded_rules)));
        let generated = lazy.get();
        assert_eq!(generated.name, name, "{name}: the packed model reads");
        let (a, b) = (describe(model.service()), describe(generated));
        for (key, want) in &b {
            assert_eq!(a.get(key), Some(want), "{name}: {key}");
        }
        assert_eq!(a.len(), b.len(), "{name}: same shapes");
        assert_eq!(
            rules(model.service().endpoint_rules),
            rules(generated.endpoint_rules),
            "{name}: endpoint rules"
        );
        paginators += check_paginators(&name, &model);
        waiters += check_waiters(&name, &model);
        services += 1;
    }
    assert!(services >= 400, "only {services} services in models/");
    // Guards that the comparison saw the specs at all (3,449 paginators, 410 waiters today).
    assert!(paginators > 3000, "{paginators} paginators");
    assert!(waiters > 350, "{waiters} waiters");
}

#[test]
fn documents_may_be_gzipped_or_not_and_broken_ones_are_errors() {
    let dir = workspace_root().join("models").join("sts");
    let gz = std::fs::read(dir.join("service-2.json.gz")).expect("gzipped model");
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut plain).unwrap();
    let a = Model::from_documents("sts", &gz, None, None, None).expect("gzipped");
    let b = Model::from_documents("sts", &plain, None, None, None).expect("plain");
    assert_eq!(describe(a.service()), describe(b.service()));
    assert!(a.operation("GetCallerIdentity").is_some());
    assert!(a.operation_names().any(|n| n == "AssumeRole"));
    assert!(a.paginator("GetCallerIdentity").is_none());
    assert!(a
        .operation_documentation("AssumeRole")
        .is_some_and(|d| d.contains("temporary security credentials")));

    for (bytes, what) in [
        (&b"{"[..], "service-2.json"),
        (&[0x1f, 0x8b, 0, 1][..], "cannot decompress"),
        (&[0xff, 0xfe][..], "not UTF-8"),
    ] {
        let err = Model::from_documents("broken", bytes, None, None, None).unwrap_err();
        assert!(err.to_string().contains(what), "{err}");
        assert!(err.to_string().contains("broken"), "{err}");
    }
    let err = Model::from_documents("sts", &plain, None, Some(b"[1,"), None).unwrap_err();
    assert!(err.to_string().contains("paginators-1.json"), "{err}");
}

/// The source comparison above stands for the compiled statics: a few of them, compared as
/// values (their `Debug`), agree with the run-time specs too.
#[test]
fn compiled_statics_equal_the_run_time_specs() {
    let s3 = dynamic_model("s3").unwrap();
    let ddb = dynamic_model("dynamodb").unwrap();
    let ec2 = dynamic_model("ec2").unwrap();
    let same = |a: &dyn std::fmt::Debug, b: &dyn std::fmt::Debug| {
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    };
    same(
        &rboto_s3::paginators::LIST_OBJECTS_V2,
        s3.paginator("ListObjectsV2").unwrap(),
    );
    same(
        &rboto_s3::paginators::LIST_BUCKETS,
        s3.paginator("ListBuckets").unwrap(),
    );
    same(
        &rboto_s3::waiters::BUCKET_EXISTS,
        s3.waiter("BucketExists").unwrap(),
    );
    same(
        &rboto_s3::waiters::OBJECT_NOT_EXISTS,
        s3.waiter("ObjectNotExists").unwrap(),
    );
    same(
        &rboto_dynamodb::waiters::TABLE_EXISTS,
        ddb.waiter("TableExists").unwrap(),
    );
    same(
        &rboto_dynamodb::paginators::LIST_TABLES,
        ddb.paginator("ListTables").unwrap(),
    );
    same(
        &rboto_ec2::waiters::INSTANCE_EXISTS,
        ec2.waiter("InstanceExists").unwrap(),
    );
    assert_eq!(
        s3.waiter_operation("BucketExists").unwrap().name,
        "HeadBucket"
    );
}

/// An `.sdk-extras.json` without a `merge` member changes nothing (botocore's loader merges
/// only when there is one), for the service model and the paginators alike, as in the
/// generator.
#[test]
fn an_overlay_without_merge_changes_nothing() {
    let dir = workspace_root().join("models").join("dynamodb");
    let service = rboto_tests::model_files::raw(&dir, "service-2.json").expect("model");
    let pages = rboto_tests::model_files::raw(&dir, "paginators-1.json").expect("paginators");
    let plain = rboto::dynamic::Documents {
        service: &service,
        paginators: Some(&pages),
        ..Default::default()
    };
    let overlaid = rboto::dynamic::Documents {
        service_extras: Some(br#"{"version": 1.0}"#),
        paginators_extras: Some(br#"{"version": 1.0}"#),
        ..plain
    };
    let a = Model::from_parts("dynamodb", &plain).expect("plain");
    let b = Model::from_parts("dynamodb", &overlaid).expect("overlay without merge");
    assert_eq!(describe(a.service()), describe(b.service()));
    let scans = |m: &Model| m.paginator("Scan").map(paginator_expr);
    assert!(scans(&a).is_some());
    assert_eq!(scans(&a), scans(&b));
}
