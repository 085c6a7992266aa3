//! Runner for botocore's endpoint rule-set suites (`tests/functional/endpoint-rules`).
//!
//! Each service directory holds `endpoint-rule-set-1.json` (or `.json.gz`, as in botocore's
//! wheel) and `endpoint-tests-1.json`. Every test case sets parameters by name and expects
//! either an endpoint (URL, headers, properties compared as JSON, `authSchemes` included) or
//! an error message, which must match exactly, as in botocore's
//! `tests/functional/test_endpoint_rulesets.py`.
//!
//! Cases with `operationInputs` also run end to end, through the generated operation of the
//! service ([`ServiceBinding`]): the case's `operationParams` become the operation's input by its
//! input shape, and the runtime binds that input to endpoint parameters (`Bucket`, static,
//! member and `operationContextParams`) exactly as a call does. Each such input takes one of two
//! paths, both counted ([`ServiceCounts`]):
//!
//! - **call**: when a [`rboto::Config`] can express the case's `builtInParams` (the runtime's
//!   own [`rboto::endpoint::config_for`] binds the same builtins), the call goes through
//!   [`rboto::ServiceClient::call_dyn`] with a [`StubConnector`]; the request captured on the
//!   wire must start with the expected URL, carry the expected headers, and be signed for the
//!   expected signing name and region; an expected error must be the call's error, with
//!   nothing sent.
//!   The case's builtins are set as a user sets them: explicit [`rboto::ConfigBuilder`]
//!   settings, and botocore's endpoint settings (`AWS_STS_REGIONAL_ENDPOINTS`,
//!   `AWS_S3_US_EAST_1_REGIONAL_ENDPOINT`, `AWS_S3_USE_ARN_REGION`, …) as the environment the
//!   loader sees.
//! - **bound**: otherwise (builtins no `Config` setting gives: S3 Accelerate, an account ID
//!   from the credentials, or values the runtime adjusts as botocore's client does, such as
//!   FIPS beside a custom endpoint), [`rboto::endpoint::params_for`] binds the input, the
//!   builtins are set as the case gives them (as botocore's own test replaces them), and the
//!   resolved endpoint is compared exactly.
//!
//! Botocore's test turns the operation's host prefix off; rboto has no such setting, so the
//! `WriteGetObjectResponse` cases are known failures ([`KnownFailure`]), each with its detail.
//!
//! A directory given is either a service directory or a tree of them (searched recursively).
//! End-to-end runs need a tokio-free thread: the runner drives calls on its own runtime.

use super::protocol::json_to_value;
use super::{paths, Summary};
use crate::stub::StubConnector;
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rboto::__private::schema::{Operation, Service};
use rboto::config::{Env, S3AddressingStyle};
use rboto::endpoint::{self, EndpointError, ParamValue, Params, ResolvedEndpoint, RuleSet};
use rboto::{Config, Credentials, ServiceClient};
use serde_json::{Map, Value as Json};

const USAGE: &str = "usage: conformance endpoints <dir>...\n\n\
    Each <dir> is a service directory holding endpoint-rule-set-1.json (or \
    endpoint-rule-set-1.json.gz) and endpoint-tests-1.json, or a directory of such directories.";

/// The generated statics a service's `operationInputs` cases run through.
#[derive(Clone, Debug)]
pub struct ServiceBinding {
    /// The suite directory's name (`s3`).
    pub dir: &'static str,
    pub service: &'static Service,
    /// Every operation the suite's cases name (looked up by [`Operation::name`]).
    pub operations: Vec<&'static Operation>,
}

/// An `operationInputs` case that is known to fail, and exactly how. A listed case that passes,
/// or fails with another detail, fails the run.
#[derive(Clone, Debug)]
pub struct KnownFailure {
    pub service: &'static str,
    /// Index of the case in the suite's `testCases`.
    pub case: usize,
    /// The failure detail the runner reports for it, exactly.
    pub detail: &'static str,
}

/// How many cases of one service ran, and by which path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServiceCounts {
    /// Cases whose `params` went straight into the rule set.
    pub params: usize,
    /// `operationInputs` sent as a call with a stub connector.
    pub call: usize,
    /// `operationInputs` bound by `params_for` with the case's builtins.
    pub bound: usize,
    /// `operationInputs` with no [`ServiceBinding`] for their service (not run).
    pub unbound: usize,
    /// `operationInputs` that failed exactly as a [`KnownFailure`] says (counted as passed).
    pub known: usize,
}

/// The outcome of a run: failures and totals, and per-service counts by path.
#[derive(Debug, Default)]
pub struct Report {
    pub summary: Summary,
    pub services: BTreeMap<String, ServiceCounts>,
}

impl Report {
    /// Totals over every service.
    pub fn totals(&self) -> ServiceCounts {
        let mut t = ServiceCounts::default();
        for c in self.services.values() {
            t.params += c.params;
            t.call += c.call;
            t.bound += c.bound;
            t.unbound += c.unbound;
            t.known += c.known;
        }
        t
    }
}

/// `cargo xtask conformance endpoints <dir>...`: prints one line per failing case and a closing
/// `N passed, N failed` line. The xtask links no generated crate, so `operationInputs` cases
/// are counted as not run (and said so); `cargo test -p rboto-tests --test endpoints` runs them.
pub fn run_cli(args: &[String]) -> Result<ExitCode, String> {
    let report = run(&paths(args, USAGE)?, &[], &[]);
    let t = report.totals();
    if t.unbound > 0 {
        println!(
            "note: {} operationInputs cases not run here (they need the generated crates: \
             cargo test -p rboto-tests --test endpoints)",
            t.unbound
        );
    }
    Ok(report.summary.print())
}

/// Runs every case found under `dirs`: each case's `params`, and each of its
/// `operationInputs` through the binding of its service. A directory that cannot be read or
/// holds no suite counts as one failure, so a run can never pass by finding nothing.
///
/// Must not be called from inside a tokio runtime (calls are driven on the runner's own).
pub fn run(dirs: &[PathBuf], bindings: &[ServiceBinding], known: &[KnownFailure]) -> Report {
    let mut report = Report::default();
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            report.summary.fail(format!("FAIL tokio runtime: {e}"));
            return report;
        }
    };
    let mut seen_known = vec![false; known.len()];
    for dir in dirs {
        let mut services = Vec::new();
        if let Err(e) = discover(dir, &mut services) {
            report.summary.fail(format!("FAIL {}: {e}", dir.display()));
            continue;
        }
        if services.is_empty() {
            report.summary.fail(format!(
                "FAIL {}: no endpoint-tests-1.json found",
                dir.display()
            ));
            continue;
        }
        for service in &services {
            let name = service_name(service);
            let binding = bindings.iter().find(|b| b.dir == name);
            let ctx = Ctx {
                rt: &rt,
                binding,
                known,
            };
            let counts = report.services.entry(name).or_default();
            run_service(service, &ctx, &mut report.summary, counts, &mut seen_known);
        }
    }
    // A listed case that never ran (wrong index, or no operationInputs) excuses nothing.
    for (k, seen) in known.iter().zip(&seen_known) {
        if !seen && report.services.contains_key(k.service) {
            report.summary.fail(format!(
                "FAIL {} #{}: listed as a known failure, but no such operationInputs case ran",
                k.service, k.case
            ));
        }
    }
    report
}

struct Ctx<'a> {
    rt: &'a tokio::runtime::Runtime,
    binding: Option<&'a ServiceBinding>,
    known: &'a [KnownFailure],
}

fn discover(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    if dir.join("endpoint-tests-1.json").is_file() {
        out.push(dir.to_path_buf());
        return Ok(());
    }
    let mut subdirs = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| format!("cannot read directory: {e}"))? {
        let path = entry
            .map_err(|e| format!("cannot read directory: {e}"))?
            .path();
        if path.is_dir() {
            subdirs.push(path);
        }
    }
    subdirs.sort();
    for sub in &subdirs {
        discover(sub, out)?;
    }
    Ok(())
}

/// Reads `endpoint-rule-set-1.json`, or the gzip-compressed copy botocore's wheel ships.
pub fn read_rule_set(dir: &Path) -> Result<String, String> {
    crate::model_files::read(dir, "endpoint-rule-set-1.json")?
        .ok_or_else(|| format!("{}: no endpoint-rule-set-1.json(.gz)", dir.display()))
}

fn service_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string())
}

fn run_service(
    dir: &Path,
    ctx: &Ctx<'_>,
    summary: &mut Summary,
    counts: &mut ServiceCounts,
    seen_known: &mut [bool],
) {
    let service = service_name(dir);
    let tests = fs::read_to_string(dir.join("endpoint-tests-1.json"))
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str::<Json>(&t).map_err(|e| e.to_string()));
    let tests = match tests {
        Ok(t) => t,
        Err(e) => return summary.fail(format!("FAIL {service}: endpoint-tests-1.json: {e}")),
    };
    let cases = tests
        .get("testCases")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    let text = read_rule_set(dir);
    let ruleset = text
        .clone()
        .and_then(|t| RuleSet::from_json(&t).map_err(|e| e.to_string()));
    let ruleset = match ruleset {
        Ok(r) => r,
        Err(e) => {
            // Every case of the service fails, each counted.
            for case in &cases {
                summary.fail(format!("FAIL {service}: {}: rule set: {e}", doc(case)));
            }
            if cases.is_empty() {
                summary.fail(format!("FAIL {service}: rule set: {e}"));
            }
            return;
        }
    };
    summary.suites += 1;
    if let (Some(b), Ok(text)) = (ctx.binding, &text) {
        // End-to-end cases run on the generated crate's copy; it must be the suite's.
        let same = serde_json::from_str::<Json>(text).ok()
            == serde_json::from_str::<Json>(b.service.endpoint_rules).ok();
        if !same {
            summary.fail(format!(
                "FAIL {service}: the generated crate's endpoint rule set differs from the suite's"
            ));
        }
    }
    for (index, case) in cases.iter().enumerate() {
        counts.params += 1;
        match run_case(&ruleset, case) {
            Ok(()) => summary.pass(),
            Err(why) => summary.fail(format!("FAIL {service}: {}: {why}", doc(case))),
        }
        let inputs = case
            .get("operationInputs")
            .and_then(Json::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for input in inputs {
            let Some(binding) = ctx.binding else {
                counts.unbound += 1;
                continue;
            };
            let (path, outcome) = run_input(ctx.rt, binding, case, input);
            match path {
                Route::Call => counts.call += 1,
                Route::Bound => counts.bound += 1,
                Route::NotRun => {}
            }
            let listed = ctx
                .known
                .iter()
                .position(|k| k.service == service && k.case == index);
            let name = format!("{service} #{index} {}", doc(case));
            if let Some(k) = listed {
                seen_known[k] = true;
            }
            match (outcome, listed) {
                (Ok(()), None) => summary.pass(),
                (Err(why), None) => summary.fail(format!("FAIL {name}: {why}")),
                (Ok(()), Some(_)) => {
                    summary.fail(format!("FAIL {name}: listed as a known failure but passed"))
                }
                (Err(why), Some(k)) if why == ctx.known[k].detail => {
                    counts.known += 1;
                    summary.pass();
                }
                (Err(why), Some(k)) => summary.fail(format!(
                    "FAIL {name}: known failure {:?} failed differently: {why}",
                    ctx.known[k].detail
                )),
            }
        }
    }
}

fn doc(case: &Json) -> &str {
    case.get("documentation")
        .and_then(Json::as_str)
        .unwrap_or("(undocumented case)")
}

fn run_case(ruleset: &RuleSet, case: &Json) -> Result<(), String> {
    let mut params = ruleset.new_params();
    if let Some(given) = case.get("params").and_then(Json::as_object) {
        for (name, v) in given {
            if v.is_null() {
                continue;
            }
            let value = ParamValue::from_json(v)
                .ok_or_else(|| format!("unsupported parameter value {name} = {v}"))?;
            params.set(name, value);
        }
    }
    let expect = case.get("expect").ok_or("case without `expect`")?;
    compare_resolved(ruleset.resolve(&params), expect)
}

/// Compares a rule-set result with a case's `expect`, exactly: URL, properties and headers.
fn compare_resolved(
    result: Result<ResolvedEndpoint, EndpointError>,
    expect: &Json,
) -> Result<(), String> {
    if let Some(expected) = expect.get("error") {
        let expected = expected.as_str().unwrap_or_default();
        return match result {
            Err(e) if e.message() == expected => Ok(()),
            Err(e) => Err(format!(
                "expected error {expected:?}, got error {:?}",
                e.message()
            )),
            Ok(ep) => Err(format!(
                "expected error {expected:?}, got endpoint {}",
                ep.url
            )),
        };
    }
    let expected = expect
        .get("endpoint")
        .ok_or("`expect` has neither `endpoint` nor `error`")?;
    let ep = result.map_err(|e: EndpointError| format!("unexpected error {:?}", e.message()))?;
    let url = expected
        .get("url")
        .and_then(Json::as_str)
        .unwrap_or_default();
    if ep.url != url {
        return Err(format!("url: expected {url:?}, got {:?}", ep.url));
    }
    let empty = Json::Object(Default::default());
    let want_props = expected.get("properties").unwrap_or(&empty);
    let got_props = Json::Object((*ep.properties).clone());
    if &got_props != want_props {
        return Err(format!(
            "properties: expected {want_props}, got {got_props}"
        ));
    }
    let want_headers = expected.get("headers").unwrap_or(&empty);
    let got_headers = Json::Object(
        ep.headers
            .iter()
            .map(|(k, v)| (k.clone(), Json::from(v.clone())))
            .collect(),
    );
    if &got_headers != want_headers {
        return Err(format!(
            "headers: expected {want_headers}, got {got_headers}"
        ));
    }
    Ok(())
}

/// Which way an `operationInputs` entry ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Route {
    Call,
    Bound,
    /// It failed before either (unknown operation, bad params or builtins).
    NotRun,
}

/// A builtin without a rule-set default that the runtime always binds, and the value an unset
/// one means. S3's rule set tests `UseArnRegion` only as `isSet` and `booleanEquals(.., false)`
/// (checked by the endpoints test), so unset behaves as `true`, botocore's client default.
const UNSET_MEANS: &[(&str, bool)] = &[("AWS::S3::UseArnRegion", true)];

fn run_input(
    rt: &tokio::runtime::Runtime,
    binding: &ServiceBinding,
    case: &Json,
    input: &Json,
) -> (Route, Result<(), String>) {
    let prepared = (|| {
        let name = input
            .get("operationName")
            .and_then(Json::as_str)
            .ok_or("operationInputs entry without operationName")?;
        let op = binding
            .operations
            .iter()
            .copied()
            .find(|o| o.name == name)
            .ok_or_else(|| format!("operation {name} is not bound for this service"))?;
        let empty = Json::Object(Map::new());
        let params = input.get("operationParams").unwrap_or(&empty);
        let value = json_to_value(op.input, params).map_err(|e| format!("operationParams: {e}"))?;
        let builtins = input
            .get("builtInParams")
            .and_then(Json::as_object)
            .cloned()
            .unwrap_or_default();
        let expect = case.get("expect").ok_or("case without `expect`")?;
        let rules = endpoint::ruleset_for(binding.service).map_err(|e| e.to_string())?;
        Ok::<_, String>((op, value, builtins, expect, rules))
    })();
    let (op, value, builtins, expect, rules) = match prepared {
        Ok(p) => p,
        Err(e) => return (Route::NotRun, Err(e)),
    };
    let literal = match literal_builtins(rules, &builtins) {
        Ok(l) => l,
        Err(e) => return (Route::NotRun, Err(e)),
    };
    let stub = StubConnector::new();
    let from_config = config_from_builtins(&builtins, &stub).and_then(|config| {
        let cfg = endpoint::config_for(&config, binding.service).map_err(|e| e.to_string())?;
        Ok((config, cfg))
    });
    let (config, from_config) = match from_config {
        Ok(c) => c,
        Err(e) => return (Route::NotRun, Err(e)),
    };
    let bound = match endpoint::params_for(rules, binding.service, op, &from_config, &value) {
        Ok(p) => p,
        Err(e) => return (Route::NotRun, Err(format!("params_for: {}", e.message()))),
    };
    if expressible(rules, &bound, &literal) {
        let client = ServiceClient::new(&config, binding.service);
        let result = rt.block_on(client.call_dyn(op, value));
        let outcome = check_call(result.map(|_| ()), &stub, expect);
        (Route::Call, outcome)
    } else {
        // The input's bindings come from the runtime; the builtins replace whatever it bound
        // for them, as in botocore's test (which overwrites the builtins dict).
        let mut params = rules.new_params();
        for (p, lit) in rules.parameters().iter().zip(&literal) {
            let v = if p.builtin.is_some() {
                lit.clone()
            } else {
                bound.get(&p.name).cloned()
            };
            if let Some(v) = v {
                params.set(&p.name, v);
            }
        }
        (
            Route::Bound,
            compare_resolved(rules.resolve(&params), expect),
        )
    }
}

/// The case's builtin values, one slot per rule-set parameter (`None` for non-builtins and
/// builtins the case leaves unset). A builtin the rule set does not declare is an error.
fn literal_builtins(
    rules: &RuleSet,
    builtins: &Map<String, Json>,
) -> Result<Vec<Option<ParamValue>>, String> {
    for name in builtins.keys() {
        if !rules
            .parameters()
            .iter()
            .any(|p| p.builtin.as_deref() == Some(name.as_str()))
        {
            return Err(format!("builtInParams: the rule set has no builtin {name}"));
        }
    }
    rules
        .parameters()
        .iter()
        .map(
            |p| match p.builtin.as_deref().and_then(|b| builtins.get(b)) {
                None | Some(Json::Null) => Ok(None),
                Some(v) => ParamValue::from_json(v)
                    .map(Some)
                    .ok_or_else(|| format!("builtInParams: unsupported value {v}")),
            },
        )
        .collect()
}

/// Whether the builtins the runtime binds from the case's `Config` are the case's own, an unset
/// one standing for its rule-set default (or its [`UNSET_MEANS`] value).
fn expressible(rules: &RuleSet, bound: &Params<'_>, literal: &[Option<ParamValue>]) -> bool {
    rules
        .parameters()
        .iter()
        .zip(literal)
        .filter(|(p, _)| p.builtin.is_some())
        .all(|(p, lit)| {
            let effective = |v: Option<&ParamValue>| -> Option<ParamValue> {
                v.cloned().or_else(|| p.default.clone()).or_else(|| {
                    UNSET_MEANS
                        .iter()
                        .find(|(b, _)| p.builtin.as_deref() == Some(b))
                        .map(|(_, v)| ParamValue::Bool(*v))
                })
            };
            effective(bound.get(&p.name)) == effective(lit.as_ref())
        })
}

/// A client configuration with the builtins a [`Config`] can express, set as a user would:
/// explicit settings, and botocore's endpoint settings as environment variables (the loader
/// sees only these, and no config file); the stub connector captures what the call sends.
fn config_from_builtins(
    builtins: &Map<String, Json>,
    stub: &StubConnector,
) -> Result<Config, String> {
    let text = |k: &str| builtins.get(k).and_then(Json::as_str);
    let flag = |k: &str| builtins.get(k).and_then(Json::as_bool);
    let legacy = |on: Option<bool>| {
        if on == Some(true) {
            "legacy"
        } else {
            "regional"
        }
    };
    let nowhere = std::env::temp_dir().join("rboto-endpoint-tests-no-such-file");
    let mut env: HashMap<String, String> = [
        ("AWS_CONFIG_FILE", nowhere.display().to_string()),
        ("AWS_SHARED_CREDENTIALS_FILE", nowhere.display().to_string()),
        (
            "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT",
            legacy(flag("AWS::S3::UseGlobalEndpoint")).into(),
        ),
        (
            "AWS_STS_REGIONAL_ENDPOINTS",
            legacy(flag("AWS::STS::UseGlobalEndpoint")).into(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let mut set = |var: &str, v: Option<String>| {
        if let Some(v) = v {
            env.insert(var.to_string(), v);
        }
    };
    set(
        "AWS_S3_USE_ARN_REGION",
        flag("AWS::S3::UseArnRegion").map(|b| b.to_string()),
    );
    set(
        "AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS",
        flag("AWS::S3::DisableMultiRegionAccessPoints").map(|b| b.to_string()),
    );
    set(
        "AWS_ACCOUNT_ID_ENDPOINT_MODE",
        text("AWS::Auth::AccountIdEndpointMode").map(str::to_owned),
    );
    let loaded = Config::loader()
        .env(Env::from_map(env))
        .load_sync()
        .map_err(|e| format!("loading the case's configuration: {e}"))?;
    let creds = Credentials::new("AKID", "SECRET", None)
        .with_account_id(text("AWS::Auth::AccountId").map(str::to_owned));
    let mut b = loaded
        .to_builder()
        .credentials(creds)
        .connector(stub.clone())
        .max_attempts(1)
        .ignore_configured_endpoint_urls(true)
        .use_fips(flag("AWS::UseFIPS").unwrap_or(false))
        .use_dualstack(flag("AWS::UseDualStack").unwrap_or(false))
        .s3_addressing_style(if flag("AWS::S3::ForcePathStyle") == Some(true) {
            S3AddressingStyle::Path
        } else {
            S3AddressingStyle::Virtual
        });
    if let Some(region) = text("AWS::Region") {
        b = b.region(region);
    }
    if let Some(url) = text("SDK::Endpoint") {
        b = b.endpoint_url(url);
    }
    Ok(b.build())
}

/// Compares a call's outcome and the request it put on the wire with a case's `expect`.
fn check_call(
    result: Result<(), rboto::Error<rboto::error::RawModeled>>,
    stub: &StubConnector,
    expect: &Json,
) -> Result<(), String> {
    let requests = stub.requests();
    if let Some(expected) = expect.get("error") {
        let expected = expected.as_str().unwrap_or_default();
        return match result {
            Err(e) if e.message() == expected && requests.is_empty() => Ok(()),
            Err(e) if e.message() == expected => Err(format!(
                "expected error {expected:?} before any request, but {} were sent",
                requests.len()
            )),
            Err(e) => Err(format!(
                "expected error {expected:?}, the call failed with {:?}",
                e.message()
            )),
            Ok(()) => Err(format!(
                "expected error {expected:?}, the call succeeded (sent {})",
                requests
                    .first()
                    .map(|r| r.uri.to_string())
                    .unwrap_or_default()
            )),
        };
    }
    let expected = expect
        .get("endpoint")
        .ok_or("`expect` has neither `endpoint` nor `error`")?;
    let Some(sent) = requests.first() else {
        let why = match result {
            Err(e) => format!("{:?}", e.message()),
            Ok(()) => "no error".into(),
        };
        return Err(format!("no request was sent ({why})"));
    };
    let url = expected
        .get("url")
        .and_then(Json::as_str)
        .unwrap_or_default();
    let got = sent.uri.to_string();
    // The operation's request URI follows the endpoint's URL.
    let follows = got.strip_prefix(url).is_some_and(|rest| {
        url.ends_with('/') || rest.is_empty() || rest.starts_with('/') || rest.starts_with('?')
    });
    if !follows {
        return Err(format!("url: expected {url:?} + request URI, sent {got:?}"));
    }
    for (name, values) in expected
        .get("headers")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
    {
        let want: Vec<&str> = values
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .collect();
        let sent_values: Vec<&str> = sent
            .headers
            .get_all(name.as_str())
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if sent_values != want {
            return Err(format!(
                "header {name}: expected {want:?}, sent {sent_values:?}"
            ));
        }
    }
    // rboto signs SigV4 only: like botocore without awscrt, it signs with the first scheme it
    // can (a SigV4a entry gives way to the SigV4 one after it; an endpoint with SigV4a alone
    // fails before sending, above).
    let scheme = expected
        .pointer("/properties/authSchemes")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .find(|s| s.get("name").and_then(Json::as_str) != Some("sigv4a"))
        .and_then(Json::as_object);
    if let Some(scheme) = scheme {
        check_signature(scheme, sent)?;
    }
    Ok(())
}

/// The request must be signed as the endpoint's SigV4 auth scheme says: the credential scope
/// names its signing region and name.
fn check_signature(
    scheme: &Map<String, Json>,
    sent: &crate::stub::CapturedRequest,
) -> Result<(), String> {
    let auth = sent.header("authorization").unwrap_or_default();
    let algorithm = auth.split(' ').next().unwrap_or_default();
    // Credential=AKID/date/region/name/aws4_request: the date is left out of any message, so
    // a known failure's detail does not change from day to day.
    let scope: Vec<&str> = auth
        .split("Credential=")
        .nth(1)
        .and_then(|c| c.split([',', ' ']).next())
        .unwrap_or_default()
        .split('/')
        .collect();
    let s = |k: &str| scheme.get(k).and_then(Json::as_str);
    let (region, name) = match scope.as_slice() {
        [_, _, region, name, "aws4_request"] => (*region, *name),
        _ => {
            return Err(format!(
                "no SigV4 credential scope in Authorization ({algorithm})"
            ))
        }
    };
    if let Some(want) = s("signingRegion") {
        if region != want {
            return Err(format!(
                "signing region: expected {want:?}, signed for {region:?}"
            ));
        }
    }
    if let Some(want) = s("signingName") {
        if name != want {
            return Err(format!(
                "signing name: expected {want:?}, signed for {name:?}"
            ));
        }
    }
    Ok(())
}
