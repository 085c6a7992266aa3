//! [`PaginatorSpec`]s and [`WaiterSpec`]s from `paginators-1.json` / `waiters-2.json` read at
//! run time: the specs the generator emits as statics (`codegen/src/emit_paginators.rs`,
//! `emit_waiters.rs`), with the same rules for what is left out, leaked to live as long.

use crate::model::json::Json;
use crate::paginator::PaginatorSpec;
use crate::schema::{Operation, Service, EVENT_STREAM};
use crate::waiter::{Acceptor, Expected, Matcher, State, WaiterSpec};

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

fn leak_str(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

/// `input_token` and friends: a string or a list of strings.
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

/// Whether an operation's input streams (a streaming payload or an event stream), which the
/// generator does not page or wait on (such an input cannot be re-sent).
fn streaming_input(op: &Operation) -> bool {
    op.input
        .members()
        .iter()
        .any(|m| m.is_streaming() || m.target().has(EVENT_STREAM))
}

/// The paginators of `doc` that can be driven, sorted by operation name.
pub(super) fn paginators(
    service: &'static Service,
    doc: &Json,
) -> Vec<(&'static str, &'static PaginatorSpec)> {
    let mut out = Vec::new();
    for (name, json) in doc.get("pagination").members() {
        let Some(op) = service.operation(name) else {
            continue;
        };
        let members: Vec<&str> = op.input.members().iter().map(|m| m.name).collect();
        let inputs = strings(json.get("input_token"));
        let outputs = strings(json.get("output_token"));
        let limit = json.get("limit_key").as_str();
        let usable = !streaming_input(op)
            && !inputs.is_empty()
            && inputs.len() == outputs.len()
            && inputs.iter().all(|t| members.contains(t))
            && limit.is_none_or(|l| members.contains(&l));
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
        out.push((op.name, leak(spec)));
    }
    out.sort_by(|a, b| a.0.cmp(b.0));
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
        Json::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Expected::Int(*n as i64),
        _ => return None,
    };
    Some(Acceptor::new(state, matcher, argument, expected))
}

/// The waiters of `doc` that can be driven, in model order, with the operation each polls.
pub(super) fn waiters(
    service: &'static Service,
    doc: &Json,
) -> Vec<(&'static WaiterSpec, &'static Operation)> {
    let mut out = Vec::new();
    for (name, json) in doc.get("waiters").members() {
        let Some(op) = json
            .get("operation")
            .as_str()
            .and_then(|o| service.operation(o))
        else {
            continue;
        };
        if streaming_input(op) {
            continue;
        }
        let number = |key: &str| json.get(key).as_u64().and_then(|n| u32::try_from(n).ok());
        let (Some(delay), Some(attempts)) = (number("delay"), number("maxAttempts")) else {
            continue;
        };
        let Some(acceptors) = json
            .get("acceptors")
            .items()
            .iter()
            .map(acceptor)
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        if !matches!(json.get("acceptors"), Json::Array(_)) {
            continue;
        }
        let acceptors: &'static [Acceptor] = Box::leak(acceptors.into_boxed_slice());
        let spec = WaiterSpec::new(leak_str(name), delay, attempts, acceptors);
        out.push((leak(spec), op));
    }
    out
}
