//! Reads `paginators-1.json` and `waiters-2.json` into [`PaginatorSpec`]s and [`WaiterSpec`]s:
//! the one place that decides which paginators and waiters rboto can drive and what they say.
//! The generator writes what it returns as `static`s; the runtime's dynamic client uses it as
//! is.
//!
//! Left out, in both: a paginator or waiter of an operation the model lacks, or whose input
//! streams (a streaming payload or an event stream cannot be re-sent); a paginator whose
//! input tokens are missing, do not pair with its output tokens, or name (as does its
//! `limit_key`) a member the input lacks; a waiter whose delay or attempt count is not a
//! `u32`, or with an acceptor whose state, matcher or expected value the runtime lacks.
//!
//! Specs hold `&'static` strings (generated code writes them as literals), so the strings read
//! here are leaked: a few kilobytes per service, read once.

use crate::json::Json;
use crate::paginator::PaginatorSpec;
use crate::waiter::{Acceptor, Expected, Matcher, State, WaiterSpec};

/// What the reader needs to know of a service model: its operations' inputs. The runtime's
/// schema and the generator's resolved model both answer it.
pub trait Operations {
    /// The input of `operation`, or `None` when the model has no such operation.
    fn input(&self, operation: &str) -> Option<Input<'_>>;
}

/// An operation's input, as far as paginators and waiters care.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Input<'a> {
    /// The input structure's member names (none when the operation takes no input).
    pub members: Vec<&'a str>,
    /// Whether a member streams (a streaming payload or an event stream).
    pub streams: bool,
}

/// A paginator rboto can drive.
#[derive(Debug)]
pub struct Paginator<'d> {
    /// The operation it pages (its key in `paginators-1.json`).
    pub operation: &'d str,
    pub spec: PaginatorSpec,
}

/// A waiter rboto can drive.
#[derive(Debug)]
pub struct Waiter<'d> {
    /// The operation it polls.
    pub operation: &'d str,
    /// The waiter's `description`, if the model gives one.
    pub description: Option<&'d str>,
    /// The spec; its `name` is the waiter's key in `waiters-2.json`.
    pub spec: WaiterSpec,
}

fn leak_str(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

/// `input_token` and friends: a string or a list of strings (other items are skipped).
fn strings(v: &Json) -> &'static [&'static str] {
    let list: Vec<&'static str> = match v {
        Json::String(s) => vec![leak_str(s)],
        Json::Array(items) => items
            .iter()
            .filter_map(Json::as_str)
            .map(leak_str)
            .collect(),
        _ => Vec::new(),
    };
    Box::leak(list.into_boxed_slice())
}

/// The paginators of `doc` (a `paginators-1.json` document, overlays merged) that can be
/// driven, in document order.
pub fn paginators<'d>(model: &impl Operations, doc: &'d Json) -> Vec<Paginator<'d>> {
    let mut out = Vec::new();
    for (name, json) in doc.get("pagination").members() {
        let Some(input) = model.input(name) else {
            continue;
        };
        let (inputs, outputs) = (
            strings(json.get("input_token")),
            strings(json.get("output_token")),
        );
        let limit = json.get("limit_key").as_str();
        let usable = !input.streams
            && !inputs.is_empty()
            && inputs.len() == outputs.len()
            && inputs.iter().all(|t| input.members.contains(t))
            && limit.is_none_or(|l| input.members.contains(&l));
        if !usable {
            continue;
        }
        let mut spec = PaginatorSpec::new(inputs, outputs, strings(json.get("result_key")));
        if let Some(l) = limit {
            spec = spec.limit(leak_str(l));
        }
        if let Some(m) = json.get("more_results").as_str() {
            spec = spec.more_results(leak_str(m));
        }
        spec = spec.non_aggregate(strings(json.get("non_aggregate_keys")));
        out.push(Paginator {
            operation: name,
            spec,
        });
    }
    out
}

/// One acceptor, or `None` when the model uses something the runtime lacks.
fn acceptor(json: &Json) -> Option<Acceptor> {
    let state = match json.get("state").as_str()? {
        "success" => State::Success,
        "failure" => State::Failure,
        "retry" => State::Retry,
        _ => return None,
    };
    let matcher = match json.get("matcher").as_str()? {
        "path" => Matcher::Path,
        "pathAll" => Matcher::PathAll,
        "pathAny" => Matcher::PathAny,
        "status" => Matcher::Status,
        "error" => Matcher::Error,
        _ => return None,
    };
    let argument = leak_str(json.get("argument").as_str().unwrap_or_default());
    let expected = match json.get("expected") {
        Json::String(s) => Expected::Str(leak_str(s)),
        Json::Bool(b) => Expected::Bool(*b),
        // Integral and exactly representable (numbers are read as f64).
        Json::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Expected::Int(*n as i64),
        _ => return None,
    };
    Some(Acceptor::new(state, matcher, argument, expected))
}

/// The waiters of `doc` (a `waiters-2.json` document) that can be driven, in document order.
pub fn waiters<'d>(model: &impl Operations, doc: &'d Json) -> Vec<Waiter<'d>> {
    let mut out = Vec::new();
    for (name, json) in doc.get("waiters").members() {
        let Some(operation) = json.get("operation").as_str() else {
            continue;
        };
        match model.input(operation) {
            Some(input) if !input.streams => {}
            _ => continue,
        }
        let number = |key: &str| json.get(key).as_u64().and_then(|n| u32::try_from(n).ok());
        let (Some(delay), Some(attempts)) = (number("delay"), number("maxAttempts")) else {
            continue;
        };
        let Json::Array(items) = json.get("acceptors") else {
            continue;
        };
        let Some(acceptors) = items.iter().map(acceptor).collect::<Option<Vec<_>>>() else {
            continue;
        };
        let acceptors: &'static [Acceptor] = Box::leak(acceptors.into_boxed_slice());
        out.push(Waiter {
            operation,
            description: json.get("description").as_str(),
            spec: WaiterSpec::new(leak_str(name), delay, attempts, acceptors),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model of two operations: `List` (members `Token`, `Max`) and `Upload`, whose input
    /// streams.
    struct Two;

    impl Operations for Two {
        fn input(&self, operation: &str) -> Option<Input<'_>> {
            match operation {
                "List" => Some(Input {
                    members: vec!["Token", "Max"],
                    streams: false,
                }),
                "Upload" => Some(Input {
                    members: vec!["Token"],
                    streams: true,
                }),
                _ => None,
            }
        }
    }

    fn doc(text: &str) -> Json {
        Json::parse(text).unwrap()
    }

    #[test]
    fn paginators_keep_only_what_can_be_driven() {
        let d = doc(r#"{"pagination": {
                "List": {"input_token": "Token", "output_token": "Next", "limit_key": "Max",
                         "result_key": ["Items", "More"], "more_results": "Truncated",
                         "non_aggregate_keys": ["Owner"]},
                "Upload": {"input_token": "Token", "output_token": "Next", "result_key": "X"},
                "Missing": {"input_token": "Token", "output_token": "Next", "result_key": "X"}
            }}"#);
        let got = paginators(&Two, &d);
        assert_eq!(got.len(), 1, "{got:?}");
        let p = &got[0];
        assert_eq!(p.operation, "List");
        assert_eq!(p.spec.input_token, ["Token"]);
        assert_eq!(p.spec.output_token, ["Next"]);
        assert_eq!(p.spec.result_key, ["Items", "More"]);
        assert_eq!(p.spec.limit_key, Some("Max"));
        assert_eq!(p.spec.more_results, Some("Truncated"));
        assert_eq!(p.spec.non_aggregate_keys, ["Owner"]);

        for bad in [
            r#"{"input_token": "Nope", "output_token": "Next"}"#,
            r#"{"input_token": ["Token"], "output_token": ["A", "B"]}"#,
            r#"{"input_token": "Token", "output_token": "Next", "limit_key": "Nope"}"#,
            r#"{"output_token": "Next"}"#,
        ] {
            let d = doc(&format!(r#"{{"pagination": {{"List": {bad}}}}}"#));
            assert!(paginators(&Two, &d).is_empty(), "{bad}");
        }
        assert!(paginators(&Two, &doc("[1]")).is_empty());
    }

    #[test]
    fn waiters_keep_only_what_can_be_driven() {
        let d = doc(r#"{"version": 2, "waiters": {
                "Ready": {"operation": "List", "delay": 5, "maxAttempts": 20,
                          "description": "Waits until ready.",
                          "acceptors": [
                    {"state": "success", "matcher": "path", "argument": "S", "expected": "OK"},
                    {"state": "retry", "matcher": "status", "expected": 404},
                    {"state": "failure", "matcher": "error", "expected": true}]},
                "Streams": {"operation": "Upload", "delay": 5, "maxAttempts": 2, "acceptors": []},
                "NoOp": {"operation": "Gone", "delay": 5, "maxAttempts": 2, "acceptors": []},
                "BadState": {"operation": "List", "delay": 5, "maxAttempts": 2, "acceptors": [
                    {"state": "maybe", "matcher": "status", "expected": 200}]},
                "BadDelay": {"operation": "List", "delay": 0.5, "maxAttempts": 2, "acceptors": []},
                "FloatExpected": {"operation": "List", "delay": 1, "maxAttempts": 2, "acceptors": [
                    {"state": "success", "matcher": "path", "argument": "N", "expected": 1.5}]},
                "NoAcceptors": {"operation": "List", "delay": 1, "maxAttempts": 2}
            }}"#);
        let got = waiters(&Two, &d);
        assert_eq!(got.len(), 1, "{got:?}");
        let w = &got[0];
        assert_eq!(
            (w.operation, w.description),
            ("List", Some("Waits until ready."))
        );
        assert_eq!(
            (w.spec.name, w.spec.delay, w.spec.max_attempts),
            ("Ready", 5, 20)
        );
        let a = w.spec.acceptors;
        assert_eq!(a.len(), 3);
        assert_eq!(
            (a[0].state, a[0].matcher, a[0].argument, a[0].expected),
            (State::Success, Matcher::Path, "S", Expected::Str("OK"))
        );
        assert_eq!(
            (a[1].state, a[1].matcher, a[1].argument, a[1].expected),
            (State::Retry, Matcher::Status, "", Expected::Int(404))
        );
        assert_eq!(
            (a[2].state, a[2].matcher, a[2].expected),
            (State::Failure, Matcher::Error, Expected::Bool(true))
        );
    }
}
