//! The endpoint rule-set engine's targets: every service's rule set (plain or `.json.gz`) with
//! its conformance cases' parameters as seeds, mutated rule sets compiled from JSON text, and
//! the services' own rule sets resolved with mutated parameters.

use std::fs;
use std::path::Path;

use rboto::endpoint::{EndpointError, ParamValue, ResolvedEndpoint, RuleSet};
use rboto_tests::conformance::endpoints::read_rule_set;
use serde_json::{json, Value as Json};

use super::grammars::JSON_GRAMMAR;
use super::harness::{escape, Input, Target};
use super::mutate::{self, Rng};
use super::rules::{self, ParamSet};

/// Rule sets larger than this (S3's, DynamoDB's, STS's, …) are mutated in slices: a
/// subtree of their rules under all their parameters, so that each input compiles quickly.
const SLICE_ABOVE: usize = 20_000;

/// One service's rule set and its conformance cases' parameters.
struct Source {
    name: String,
    doc: Json,
    /// `(name, type)` of every declared parameter.
    declared: Vec<(String, &'static str)>,
    cases: Vec<ParamSet>,
}

/// Every service directory under `root` (`tests/data/endpoint-tests`).
fn sources(root: &Path) -> Vec<Source> {
    let mut dirs: Vec<_> = fs::read_dir(root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut out = Vec::new();
    for dir in dirs {
        let text = read_rule_set(&dir).expect("rule set readable");
        let doc: Json = serde_json::from_str(&text).expect("rule set is JSON");
        let declared = doc["parameters"]
            .as_object()
            .expect("parameters")
            .iter()
            .map(|(name, spec)| {
                let ty = match spec["type"].as_str().unwrap_or("") {
                    "boolean" | "Boolean" => "boolean",
                    "stringArray" | "StringArray" => "stringArray",
                    _ => "string",
                };
                (name.clone(), ty)
            })
            .collect();
        let tests: Json = serde_json::from_slice(
            &fs::read(dir.join("endpoint-tests-1.json")).expect("endpoint tests readable"),
        )
        .expect("endpoint tests are JSON");
        let cases = tests["testCases"]
            .as_array()
            .expect("testCases")
            .iter()
            .filter_map(|c| c["params"].as_object())
            .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .collect();
        out.push(Source {
            name: dir
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
            doc,
            declared,
            cases,
        });
    }
    assert!(out.len() >= 10, "{} endpoint rule sets", out.len());
    out
}

/// Resolves with parameters set as the conformance runner sets them; values of no parameter
/// type are left unset (`ParamValue::from_json` gives `None`).
pub fn resolve(rs: &RuleSet, params: &ParamSet) -> Result<ResolvedEndpoint, EndpointError> {
    let mut p = rs.new_params();
    for (name, value) in params {
        if let Some(v) = ParamValue::from_json(value) {
            p.set(name, v);
        }
    }
    rs.resolve(&p)
}

fn params_object(p: &ParamSet) -> Json {
    Json::Object(p.iter().cloned().collect())
}

/// A mutated rule set (as JSON text) and the parameters it is resolved with.
pub struct RuleSetInput {
    service: String,
    text: String,
    params: Vec<ParamSet>,
}

impl Input for RuleSetInput {
    fn show(&self) -> String {
        let params = Json::Array(self.params.iter().map(params_object).collect()).to_string();
        format!(
            "rule set mutated from {}'s: {}\n  params: {}",
            self.service,
            escape(self.text.as_bytes(), 1200),
            escape(params.as_bytes(), 600)
        )
    }

    fn bytes(&self) -> Vec<u8> {
        let params: Vec<Json> = self.params.iter().map(params_object).collect();
        let doc = json!({"service": self.service, "ruleSet": self.text, "params": params});
        serde_json::to_vec_pretty(&doc).unwrap_or_default()
    }
}

/// Rule sets small enough to mutate whole, and slices of the big ones: every rule up to two
/// levels down, alone under the full parameter list.
fn rule_set_seeds(sources: &[Source]) -> Vec<(usize, Json)> {
    let mut seeds = Vec::new();
    for (i, s) in sources.iter().enumerate() {
        if s.doc.to_string().len() <= SLICE_ABOVE {
            seeds.push((i, s.doc.clone()));
            continue;
        }
        let mut rules: Vec<&Json> = Vec::new();
        for top in s.doc["rules"].as_array().into_iter().flatten() {
            rules.push(top);
            rules.extend(top["rules"].as_array().into_iter().flatten());
        }
        for rule in rules
            .into_iter()
            .filter(|r| r.to_string().len() < SLICE_ABOVE)
        {
            let mut slice = s.doc.clone();
            slice["rules"] = Json::Array(vec![rule.clone()]);
            seeds.push((i, slice));
        }
    }
    seeds
}

/// Structure-aware mutations of the rule sets (a fifth of them also mutated as bytes),
/// compiled with `RuleSet::from_json` and resolved with 1 to 3 parameter sets.
pub fn rule_set_target(root: &Path, inputs: usize) -> Target<RuleSetInput> {
    let sources = sources(root);
    let seeds = rule_set_seeds(&sources);
    Target {
        name: "endpoint-rule-set",
        seed: 0x7275_6c65,
        inputs,
        generate: Box::new(move |rng: &mut Rng| {
            let (i, doc) = rng.pick(&seeds);
            let source = &sources[*i];
            let mut doc = doc.clone();
            for _ in 0..1 + rng.below(3) {
                rules::mutate_rule_set(&mut doc, rng);
            }
            let mut text = doc.to_string();
            if rng.one_in(5) && text.len() < mutate::MAX_LEN {
                let bytes = mutate::mutate(&[text.into_bytes()], &JSON_GRAMMAR, rng);
                text = String::from_utf8_lossy(&bytes).into_owned();
            }
            let params = (0..1 + rng.below(3))
                .map(|_| {
                    let case = rng.pick(&source.cases);
                    match rng.one_in(2) {
                        true => case.clone(),
                        false => rules::mutate_params(case, &source.declared, &source.cases, rng),
                    }
                })
                .collect();
            RuleSetInput {
                service: source.name.clone(),
                text,
                params,
            }
        }),
        call: Box::new(
            |input: &RuleSetInput| match RuleSet::from_json(&input.text) {
                Err(_) => "invalid",
                Ok(rs) => match input
                    .params
                    .iter()
                    .filter(|p| resolve(&rs, p).is_ok())
                    .count()
                {
                    0 => "compiled, no endpoint",
                    _ => "compiled, resolved",
                },
            },
        ),
    }
}

/// One service's own rule set resolved with mutated parameters.
pub struct ParamsInput {
    source: usize,
    name: String,
    params: ParamSet,
}

impl Input for ParamsInput {
    fn show(&self) -> String {
        let params = params_object(&self.params).to_string();
        format!(
            "{} rule set, params {}",
            self.name,
            escape(params.as_bytes(), 1200)
        )
    }

    fn bytes(&self) -> Vec<u8> {
        let doc = json!({"service": self.name, "params": params_object(&self.params)});
        serde_json::to_vec_pretty(&doc).unwrap_or_default()
    }
}

/// Every service's rule set, compiled once, resolved with mutated conformance parameters.
pub fn params_target(root: &Path, inputs: usize) -> Target<ParamsInput> {
    let sources = sources(root);
    let compiled: Vec<RuleSet> = sources
        .iter()
        .map(|s| RuleSet::from_value(&s.doc).expect("rule set compiles"))
        .collect();
    Target {
        name: "endpoint-params",
        seed: 0x7061_7261,
        inputs,
        generate: Box::new(move |rng: &mut Rng| {
            let source = rng.below(sources.len());
            let s = &sources[source];
            let case = rng.pick(&s.cases);
            ParamsInput {
                source,
                name: s.name.clone(),
                params: rules::mutate_params(case, &s.declared, &s.cases, rng),
            }
        }),
        call: Box::new(move |input: &ParamsInput| {
            match resolve(&compiled[input.source], &input.params) {
                Ok(_) => "resolved",
                Err(EndpointError::Rule(_)) => "error rule",
                Err(_) => "rejected",
            }
        }),
    }
}
