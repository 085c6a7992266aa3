//! Stubbed clients for unit tests: botocore's `Stubber`, on rboto's value tree.
//!
//! A [`Stubber`] attached to a [`Config`](crate::Config) answers every call of the clients made
//! from that config from a queue of canned responses, in order, without resolving an endpoint,
//! looking for credentials, signing or sending anything. The code under test needs no change
//! beyond the config its client is built from.
//!
//! Responses are written as JSON in botocore's parsed form (member names as in the model,
//! timestamps as ISO-8601 strings or epoch seconds, blobs and streaming bodies as strings) and
//! checked against the operation's output shape when they are queued, as botocore validates a
//! stubbed response. A queued response can also say which parameters the call must be made
//! with (`expected_params`), compared member by member with what the code actually sent.
//!
//! ```
//! # fn demo() -> Result<(), rboto::Error> {
//! use rboto::stub::Stubber;
//!
//! let stubber = Stubber::new();
//! // With a generated crate, queue answers by input type:
//! // stubber.add_response::<rboto_sts::GetCallerIdentityInput>(json!({"Account": "1234"}))?;
//! let config = rboto::Config::builder().stubber(stubber.clone()).build();
//! // … run the code under test with clients made from `config`, then:
//! stubber.assert_no_pending_responses()?;
//! assert!(stubber.calls().is_empty());
//! # let _ = config;
//! # Ok(()) }
//! # demo().unwrap();
//! ```
//!
//! Limits: event-stream outputs cannot be stubbed (queuing one is an error), and a streaming
//! output body (S3 `GetObject`'s `Body`) is given as a string or an array of byte values and
//! read back from memory.

use crate::client::OperationInput;
use crate::error::{Error, ErrorKind, RawModeled, ServiceError};
use crate::protocol::json::de::json_type;
use crate::response::ResponseMetadata;
use crate::schema::{
    Kind, Member, Operation, Service, Shape, EVENT_STREAM, JSON_VALUE, SHAPE_SENSITIVE,
};
use crate::types::{Blob, Body, DateTime, Document};
use crate::value::Value;
use serde_json::Value as Json;
use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// A queue of canned responses that answers the calls of every client made from a config it is
/// attached to ([`ConfigBuilder::stubber`](crate::ConfigBuilder::stubber)); botocore's
/// `Stubber`.
///
/// Clones share the queue, so keep one to queue responses and inspect calls while a clone sits
/// in the config. A new stubber is active; [`Stubber::deactivate`] sends calls through the
/// real pipeline again (botocore's stubber answers only between `activate()` and
/// `deactivate()`).
///
/// Stubbed calls still validate their parameters (unless parameter validation is turned off),
/// but resolve no endpoint, sign nothing and so need no region and no credentials: a test can
/// build its config with nothing but the stubber.
///
/// Test-helper checks return [`Error`]s of kind [`ErrorKind::Stub`] instead of panicking, so a
/// library of test helpers can report them; `unwrap()` them in a test.
#[derive(Clone, Default)]
pub struct Stubber {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    /// Deactivated stubbers let calls through; stored inverted so `Default` is active.
    inactive: AtomicBool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Queued>,
    calls: Vec<StubbedCall>,
    next_id: u64,
}

/// One queued answer.
struct Queued {
    id: u64,
    /// The service the operation belongs to, when the input type says (generated ones do).
    service: Option<&'static Service>,
    operation: &'static Operation,
    answer: Answer,
    /// The input in canonical JSON form (converted by the input shape and back).
    expected_params: Option<Json>,
    request_id: Option<String>,
    status: Option<u16>,
    host_id: Option<String>,
    headers: http::HeaderMap,
}

enum Answer {
    Output(Value),
    Error {
        code: String,
        message: String,
        /// The modeled exception's members, and its index among the service's errors.
        modeled: Option<(usize, Value)>,
    },
}

/// A call a stubbed client made: what the code under test sent. Its `Debug` shows the
/// params with the model's sensitive members redacted.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct StubbedCall {
    /// The service's name (`dynamodb`, `s3`).
    pub service: &'static str,
    /// The operation's name in the model (`GetItem`).
    pub operation: &'static str,
    /// The input as JSON in botocore's form (as `expected_params` is written).
    pub params: Json,
    /// `params` with sensitive members replaced, for `Debug`.
    redacted: Json,
}

impl fmt::Debug for StubbedCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StubbedCall")
            .field("service", &self.service)
            .field("operation", &self.operation)
            .field("params", &self.redacted)
            .finish()
    }
}

/// `json` (of `shape`) with the values of sensitive members and shapes replaced.
fn redact(shape: &'static Shape, json: &Json, sensitive: bool) -> Json {
    if sensitive || shape.has(SHAPE_SENSITIVE) {
        return Json::String(crate::types::REDACTED.to_string());
    }
    match (&shape.kind, json) {
        (Kind::Structure(_) | Kind::Union(_), Json::Object(map)) => Json::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = match shape.members().iter().find(|m| m.name == k.as_str()) {
                        Some(m) => redact(m.target(), v, m.is_sensitive()),
                        None => v.clone(),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        (Kind::List(m), Json::Array(items)) => Json::Array(
            items
                .iter()
                .map(|v| redact(m.target(), v, m.is_sensitive()))
                .collect(),
        ),
        (Kind::Map(_, m), Json::Object(map)) => Json::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), redact(m.target(), v, m.is_sensitive())))
                .collect(),
        ),
        _ => json.clone(),
    }
}

impl fmt::Debug for Stubber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stubber")
            .field("active", &self.is_active())
            .field("pending", &self.pending())
            .finish()
    }
}

/// Stands for any value in [`Stubbed::expect_params`] (botocore's `stub.ANY`): the member must
/// be sent, with whatever value, at any depth: `json!({"TableName": "t", "Key": ANY})`.
pub const ANY: &str = "<rboto::stub::ANY>";

fn stub_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Stub, message)
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::ParamValidation, message)
}

impl Stubber {
    /// An active stubber with nothing queued.
    pub fn new() -> Self {
        Stubber::default()
    }

    /// Answers calls again after [`Stubber::deactivate`].
    pub fn activate(&self) {
        self.shared.inactive.store(false, Ordering::SeqCst);
    }

    /// Lets calls through to the real pipeline (endpoint, credentials, HTTP), queue untouched.
    pub fn deactivate(&self) {
        self.shared.inactive.store(true, Ordering::SeqCst);
    }

    /// Whether calls are answered from the queue.
    pub fn is_active(&self) -> bool {
        !self.shared.inactive.load(Ordering::SeqCst)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves the queue consistent: every change
        // is a single push or pop.
        self.shared
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues a successful response to the next call of `I`'s operation (botocore's
    /// `add_response`). `response` is the output in botocore's parsed form; it may carry a
    /// `ResponseMetadata` object (`RequestId`, `HostId`, `HTTPStatusCode`, `HTTPHeaders`).
    ///
    /// A response that does not fit the output shape is an error of kind
    /// [`ErrorKind::ParamValidation`] naming the member, and nothing is queued.
    pub fn add_response<I: OperationInput>(&self, response: Json) -> Result<Stubbed<'_>, Error> {
        let op = I::operation();
        let mut response = response;
        let meta = match &mut response {
            Json::Object(o) => o.remove("ResponseMetadata"),
            _ => None,
        };
        if op.output.has(EVENT_STREAM)
            || op
                .output
                .members()
                .iter()
                .any(|m| m.target().has(EVENT_STREAM))
        {
            return Err(invalid(format!(
                "{}: event-stream outputs cannot be stubbed",
                op.name
            )));
        }
        let value = from_json(op.output, None, response, "response")
            .map_err(|e| invalid(format!("stubbed {} response: {e}", op.name)))?;
        check_required(op.output, &value, op.name)?;
        let mut queued = self.entry::<I>(Answer::Output(value));
        if let Some(meta) = meta {
            apply_metadata(&mut queued, meta)?;
        }
        Ok(self.push(queued))
    }

    /// Queues a service error as the answer to the next call of `I`'s operation (botocore's
    /// `add_client_error`): HTTP status 400 unless [`Stubbed::http_status`] says otherwise.
    ///
    /// The call fails exactly as if the service had answered with this error: kind
    /// [`ErrorKind::Service`], this `code()` and message, and the typed modeled exception when
    /// `code` is one of the service's (its message member set to `message`; more members
    /// through [`Stubbed::modeled_fields`]).
    pub fn add_client_error<I: OperationInput>(
        &self,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Stubbed<'_> {
        let (code, message) = (code.into(), message.into());
        let modeled = I::__service()
            .and_then(|svc| crate::pipeline::attempt::find_modeled(svc, &code))
            .map(|(index, shape)| {
                let mut value = Value::Struct(shape.members().iter().map(|_| None).collect());
                set_message(shape, &mut value, &message);
                (index, value)
            });
        let queued = self.entry::<I>(Answer::Error {
            code,
            message,
            modeled,
        });
        self.push(queued)
    }

    fn entry<I: OperationInput>(&self, answer: Answer) -> Queued {
        Queued {
            id: 0,
            service: I::__service(),
            operation: I::operation(),
            answer,
            expected_params: None,
            request_id: None,
            status: None,
            host_id: None,
            headers: http::HeaderMap::new(),
        }
    }

    fn push(&self, mut queued: Queued) -> Stubbed<'_> {
        let mut state = self.state();
        state.next_id += 1;
        queued.id = state.next_id;
        let id = queued.id;
        state.queue.push_back(queued);
        Stubbed { stubber: self, id }
    }

    /// Fails when queued responses remain unused (botocore's `assert_no_pending_responses`);
    /// the error names them in order.
    pub fn assert_no_pending_responses(&self) -> Result<(), Error> {
        let pending = self.pending();
        if pending.is_empty() {
            return Ok(());
        }
        Err(stub_error(format!(
            "{} stubbed responses remaining in the queue: {}",
            pending.len(),
            pending.join(", ")
        )))
    }

    /// The operations of the responses still queued, next first.
    pub fn pending(&self) -> Vec<&'static str> {
        self.state()
            .queue
            .iter()
            .map(|q| q.operation.name)
            .collect()
    }

    /// Every call that reached this stubber, in order, answered or not.
    pub fn calls(&self) -> Vec<StubbedCall> {
        self.state().calls.clone()
    }

    /// Answers one call: the next queued response, if it is for this operation and its
    /// expected parameters match.
    pub(crate) fn respond(
        &self,
        service: &'static Service,
        op: &'static Operation,
        input: Value,
    ) -> Result<(Value, ResponseMetadata), Error<RawModeled>> {
        let params = to_json(op.input, &input);
        let mut state = self.state();
        state.calls.push(StubbedCall {
            service: service.name,
            operation: op.name,
            redacted: redact(op.input, &params, false),
            params: params.clone(),
        });
        let next = state.queue.front().ok_or_else(|| {
            raw(stub_error(format!(
                "unexpected call to {}: no stubbed response is queued (the call was not \
                 stubbed, or was made more times than stubbed)",
                op.name
            )))
        })?;
        let same_service = next.service.is_none_or(|s| s.name == service.name);
        if next.operation.name != op.name || !same_service {
            return Err(raw(stub_error(format!(
                "operation mismatch: {} was called, but the next stubbed response is for {}",
                qualified(Some(service), op),
                qualified(next.service, next.operation),
            ))));
        }
        if let Some(expected) = &next.expected_params {
            // Only the first difference is shown: whole inputs could print sensitive members.
            if let Some(diff) = diff(op.input, false, "params", expected, &params) {
                return Err(raw(stub_error(format!(
                    "{} was called with unexpected parameters: {diff}",
                    op.name
                ))));
            }
        }
        let Some(next) = state.queue.pop_front() else {
            return Err(raw(stub_error("the stubbed response queue changed")));
        };
        drop(state);
        let metadata = |default: u16| ResponseMetadata {
            request_id: next.request_id.clone(),
            host_id: next.host_id.clone(),
            http_status_code: next.status.unwrap_or(default),
            http_headers: next.headers.clone(),
            retry_attempts: 0,
        };
        match next.answer {
            Answer::Output(value) => Ok((value, metadata(200))),
            Answer::Error {
                code,
                message,
                modeled,
            } => Err(Error::service(ServiceError {
                code,
                message: Some(message),
                request_id: next.request_id,
                status: next.status.unwrap_or(400),
                modeled: modeled.map(|(index, value)| RawModeled { index, value }),
            })),
        }
    }
}

/// A response just queued: refine it with the expected parameters and response metadata.
pub struct Stubbed<'a> {
    stubber: &'a Stubber,
    id: u64,
}

impl fmt::Debug for Stubbed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stubbed").field("id", &self.id).finish()
    }
}

impl Stubbed<'_> {
    fn with<T>(&self, f: impl FnOnce(&mut Queued) -> Result<T, Error>) -> Result<T, Error> {
        let mut state = self.stubber.state();
        let queued = state
            .queue
            .iter_mut()
            .find(|q| q.id == self.id)
            .ok_or_else(|| stub_error("this stubbed response was already used by a call"))?;
        f(queued)
    }

    /// The call must be made with exactly these parameters (botocore's `expected_params`), in
    /// the input's JSON form: every member the code sets, and no other. A mismatch fails the
    /// call with an error of kind [`ErrorKind::Stub`] naming the first member that differs,
    /// and leaves the response queued.
    ///
    /// [`ANY`] in place of a value accepts whatever the code sent there, as long as it sent
    /// something. Parameters that do not fit the input shape are an error here, naming the
    /// member.
    pub fn expect_params(self, params: Json) -> Result<Self, Error> {
        self.with(|q| {
            let op = q.operation;
            // Canonical form, so `"2024-03-01T12:00:00Z"` and `1709294400` compare as the
            // service would see them.
            let canonical = canonical(op.input, None, params, "params", 0)
                .map_err(|e| invalid(format!("expected {} parameters: {e}", op.name)))?;
            q.expected_params = Some(canonical);
            Ok(())
        })?;
        Ok(self)
    }

    /// The request id the response or error carries.
    pub fn request_id(self, id: impl Into<String>) -> Self {
        let id = id.into();
        self.set(|q| q.request_id = Some(id))
    }

    /// The HTTP status code: 200 for a response and 400 for an error unless set.
    pub fn http_status(self, status: u16) -> Self {
        self.set(|q| q.status = Some(status))
    }

    /// Members of the modeled exception beyond its message (botocore's `modeled_fields`), in
    /// JSON form; an error when the code is not one of the service's modeled exceptions or
    /// the fields do not fit its shape.
    pub fn modeled_fields(self, fields: Json) -> Result<Self, Error> {
        self.with(|q| {
            let (service, op) = (q.service, q.operation);
            let Answer::Error {
                code,
                message,
                modeled,
            } = &mut q.answer
            else {
                return Err(invalid(
                    "modeled fields belong to a client error, not a response",
                ));
            };
            let Some((index, value)) = modeled else {
                return Err(invalid(format!(
                    "{code} is not a modeled exception of {}",
                    qualified(service, op)
                )));
            };
            let shape = service
                .and_then(|s| s.errors.get(*index))
                .ok_or_else(|| invalid(format!("{code}: no exception shape")))?;
            let mut fields = from_json(shape, None, fields, "modeled_fields")
                .map_err(|e| invalid(format!("{code} modeled fields: {e}")))?;
            set_message(shape, &mut fields, message);
            *value = fields;
            Ok(())
        })?;
        Ok(self)
    }

    fn set(self, f: impl FnOnce(&mut Queued)) -> Self {
        // The handle is only out of date once a call used the response, when there is
        // nothing left to refine.
        let _ = self.with(|q| {
            f(q);
            Ok(())
        });
        self
    }
}

fn raw(e: Error) -> Error<RawModeled> {
    e.map_modeled(|n| match n {})
}

fn qualified(service: Option<&'static Service>, op: &'static Operation) -> String {
    match service {
        Some(s) => format!("{}.{}", s.name, op.name),
        None => op.name.to_string(),
    }
}

/// Sets the exception's `message`/`Message` member, unless given, so the typed exception
/// carries the message as a parsed one would.
fn set_message(shape: &'static Shape, value: &mut Value, message: &str) {
    let Value::Struct(slots) = value else { return };
    let found = shape.members().iter().position(|m| {
        m.name.eq_ignore_ascii_case("message") && matches!(m.target().kind, Kind::String)
    });
    if let Some(slot) = found.and_then(|i| slots.get_mut(i)) {
        if slot.is_none() && !message.is_empty() {
            *slot = Some(Value::Str(message.to_string()));
        }
    }
}

/// botocore's response validation also requires the output's required members.
fn check_required(shape: &'static Shape, value: &Value, op: &str) -> Result<(), Error> {
    let problems = crate::validate::validate(shape, value);
    if problems.is_empty() {
        return Ok(());
    }
    Err(invalid(format!(
        "stubbed {op} response: {}",
        problems.join("; ")
    )))
}

/// Reads botocore's `ResponseMetadata` keys into the queued response.
fn apply_metadata(q: &mut Queued, meta: Json) -> Result<(), Error> {
    let Json::Object(meta) = meta else {
        return Err(invalid("ResponseMetadata must be an object"));
    };
    for (key, v) in meta {
        let bad = || invalid(format!("ResponseMetadata.{key}: unexpected value {v}"));
        match key.as_str() {
            "RequestId" => q.request_id = Some(v.as_str().ok_or_else(bad)?.to_string()),
            "HostId" => q.host_id = Some(v.as_str().ok_or_else(bad)?.to_string()),
            "HTTPStatusCode" => {
                let status = v.as_u64().and_then(|s| u16::try_from(s).ok());
                q.status = Some(status.ok_or_else(bad)?);
            }
            "HTTPHeaders" => {
                let Json::Object(headers) = &v else {
                    return Err(bad());
                };
                for (name, value) in headers {
                    let name = http::HeaderName::try_from(name.as_str()).map_err(|_| bad())?;
                    let value = value
                        .as_str()
                        .and_then(|s| http::HeaderValue::try_from(s).ok())
                        .ok_or_else(bad)?;
                    q.headers.append(name, value);
                }
            }
            // Retries do not happen to stubbed calls.
            "RetryAttempts" => {}
            _ => {
                return Err(invalid(format!(
                    "unknown key in ResponseMetadata: {key:?}, must be one of: RequestId, \
                     HostId, HTTPStatusCode, HTTPHeaders, RetryAttempts"
                )))
            }
        }
    }
    Ok(())
}

// Recursive shapes are finite in JSON but a hostile depth should not blow the stack.
const MAX_DEPTH: usize = 64;

fn join(path: &str, name: &str) -> String {
    format!("{path}.{name}")
}

fn is_document(shape: &'static Shape, member: Option<&'static Member>) -> bool {
    member.is_some_and(|m| m.has(JSON_VALUE))
        || matches!(shape.kind, Kind::Document)
        || shape.has(crate::schema::DOCUMENT)
}

fn unknown(path: &str, key: &str, members: &[Member]) -> String {
    let names: Vec<&str> = members.iter().map(|m| m.name).collect();
    format!(
        "Unknown parameter in {path}: {key:?}, must be one of: {}",
        names.join(", ")
    )
}

/// Expected parameters in canonical JSON form: each value through the input shape and back,
/// except [`ANY`], which stays to match anything.
fn canonical(
    shape: &'static Shape,
    member: Option<&'static Member>,
    json: Json,
    path: &str,
    depth: usize,
) -> Result<Json, String> {
    if json.as_str() == Some(ANY) {
        return Ok(json);
    }
    if depth > MAX_DEPTH {
        return Err(format!("{path}: nested too deeply"));
    }
    match (&shape.kind, json) {
        (Kind::Structure(members) | Kind::Union(members), Json::Object(map))
            if !is_document(shape, member) =>
        {
            let mut out = serde_json::Map::new();
            for (key, j) in map {
                let Some(m) = members.iter().find(|m| m.name == key) else {
                    return Err(unknown(path, &key, members));
                };
                if !j.is_null() {
                    let c = canonical(m.target(), Some(m), j, &join(path, m.name), depth + 1)?;
                    out.insert(key, c);
                }
            }
            Ok(Json::Object(out))
        }
        (Kind::List(m), Json::Array(items)) if !is_document(shape, member) => items
            .into_iter()
            .enumerate()
            .map(|(i, j)| canonical(m.target(), Some(m), j, &format!("{path}[{i}]"), depth + 1))
            .collect::<Result<_, _>>()
            .map(Json::Array),
        (Kind::Map(_, vm), Json::Object(map)) if !is_document(shape, member) => map
            .into_iter()
            .map(|(k, j)| {
                let c = canonical(vm.target(), Some(vm), j, &join(path, &k), depth + 1)?;
                Ok((k, c))
            })
            .collect::<Result<_, String>>()
            .map(Json::Object),
        (_, j) => from_json_at(shape, member, j, path, depth).map(|v| to_json(shape, &v)),
    }
}

/// JSON in botocore's form to a value of `shape`, with botocore's validation wording (the
/// member path, the value and the types that would do) when it does not fit.
pub(crate) fn from_json(
    shape: &'static Shape,
    member: Option<&'static Member>,
    json: Json,
    path: &str,
) -> Result<Value, String> {
    from_json_at(shape, member, json, path, 0)
}

fn from_json_at(
    shape: &'static Shape,
    member: Option<&'static Member>,
    json: Json,
    path: &str,
    depth: usize,
) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err(format!("{path}: nested too deeply"));
    }
    let wrong = |valid: &str, j: &Json| {
        format!(
            "Invalid type for parameter {path}, value: {j}, type: {}, valid types: {valid}",
            json_type(j)
        )
    };
    if is_document(shape, member) {
        return Ok(Value::Document(Document::from_json(json)));
    }
    if shape.has(EVENT_STREAM) {
        return Err(format!("{path}: event streams cannot be stubbed"));
    }
    let streaming = member.is_some_and(|m| m.is_streaming());
    Ok(match (&shape.kind, json) {
        (Kind::Structure(members) | Kind::Union(members), Json::Object(map)) => {
            let mut slots: Vec<Option<Value>> = members.iter().map(|_| None).collect();
            for (key, j) in map {
                let Some(i) = members.iter().position(|m| m.name == key) else {
                    return Err(unknown(path, &key, members));
                };
                if j.is_null() {
                    continue;
                }
                let m = &members[i];
                slots[i] = Some(from_json_at(
                    m.target(),
                    Some(m),
                    j,
                    &join(path, m.name),
                    depth + 1,
                )?);
            }
            if matches!(shape.kind, Kind::Union(_)) {
                let set = slots.iter().filter(|s| s.is_some()).count();
                if set != 1 {
                    return Err(format!(
                        "Invalid number of parameters set for tagged union structure {path}. \
                         Can only set one of the following keys: {}",
                        members
                            .iter()
                            .map(|m| m.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
            Value::Struct(slots)
        }
        (Kind::List(m), Json::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, j) in items.into_iter().enumerate() {
                out.push(from_json_at(
                    m.target(),
                    Some(m),
                    j,
                    &format!("{path}[{i}]"),
                    depth + 1,
                )?);
            }
            Value::List(out)
        }
        (Kind::Map(_, vm), Json::Object(map)) => {
            let mut out = Vec::with_capacity(map.len());
            for (k, j) in map {
                let v = from_json_at(vm.target(), Some(vm), j, &join(path, &k), depth + 1)?;
                out.push((k, v));
            }
            Value::Map(out)
        }
        (Kind::String, Json::String(s)) => Value::Str(s),
        (Kind::Boolean, Json::Bool(b)) => Value::Bool(b),
        (
            Kind::Byte | Kind::Short | Kind::Integer | Kind::Long | Kind::BigInteger,
            Json::Number(n),
        ) => {
            let (min, max) = match shape.kind {
                Kind::Byte => (i64::from(i8::MIN), i64::from(i8::MAX)),
                Kind::Short => (i64::from(i16::MIN), i64::from(i16::MAX)),
                Kind::Integer => (i64::from(i32::MIN), i64::from(i32::MAX)),
                _ => (i64::MIN, i64::MAX),
            };
            match n.as_i64() {
                Some(i) if (min..=max).contains(&i) => Value::Int(i),
                // Out of range would otherwise only fail when the typed output is built.
                Some(_) => return Err(format!("{path}: {n} is out of range for {}", shape.name)),
                None => return Err(wrong("integer", &Json::Number(n))),
            }
        }
        (Kind::Float | Kind::Double | Kind::BigDecimal, Json::Number(n)) => {
            Value::Float(n.as_f64().unwrap_or(f64::NAN))
        }
        (Kind::Blob, j) => {
            let bytes: Vec<u8> = match j {
                Json::String(s) => s.into_bytes(),
                Json::Array(items) => items
                    .iter()
                    .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                    .collect::<Option<_>>()
                    .ok_or_else(|| wrong("string, array of bytes", &Json::Array(items)))?,
                other => return Err(wrong("string, array of bytes", &other)),
            };
            if streaming {
                Value::Body(Body::from(bytes))
            } else {
                Value::Blob(Blob::from(bytes))
            }
        }
        (Kind::Timestamp, Json::Number(n)) => match n.as_i64() {
            Some(i) => Value::Timestamp(DateTime::from_secs(i)),
            None => Value::Timestamp(DateTime::from_secs_f64(n.as_f64().unwrap_or(0.0))),
        },
        (Kind::Timestamp, Json::String(s)) => match DateTime::parse_any(&s) {
            Ok(t) => Value::Timestamp(t),
            Err(_) => return Err(wrong("ISO-8601 string, epoch seconds", &Json::String(s))),
        },
        (kind, j) => {
            let valid = match kind {
                Kind::Structure(_) | Kind::Union(_) | Kind::Map(..) => "object",
                Kind::List(_) => "array",
                Kind::String => "string",
                Kind::Boolean => "boolean",
                Kind::Timestamp => "ISO-8601 string, epoch seconds",
                _ => "number",
            };
            return Err(wrong(valid, &j));
        }
    })
}

/// A value of `shape` in botocore's JSON form: the inverse of [`from_json`], with timestamps
/// as ISO-8601 strings and blobs as strings when they are UTF-8 (else arrays of bytes).
pub(crate) fn to_json(shape: &'static Shape, value: &Value) -> Json {
    let bytes = |b: &[u8]| match std::str::from_utf8(b) {
        Ok(s) => Json::String(s.to_string()),
        Err(_) => Json::Array(b.iter().map(|&b| Json::from(b)).collect()),
    };
    match value {
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(Json::Number)
            .unwrap_or_else(|| Json::String(f.to_string())),
        Value::Str(s) => Json::String(s.clone()),
        Value::Blob(b) => bytes(b.as_bytes()),
        Value::Timestamp(t) => Json::String(t.to_iso8601()),
        Value::Document(d) => d.to_json(),
        Value::Body(body) => match body.bytes() {
            Some(b) => bytes(b),
            // A stream (a file, say) is not read just to be recorded.
            None => Json::String("<stream>".into()),
        },
        Value::EventStream(_) | Value::EventInput(_) => Json::Null,
        Value::List(items) => {
            let m = match shape.kind {
                Kind::List(m) => Some(m),
                _ => None,
            };
            let target = m.map_or(&crate::schema::prelude::DOCUMENT, |m| m.target());
            Json::Array(items.iter().map(|v| to_json(target, v)).collect())
        }
        Value::Map(entries) => {
            let m = match shape.kind {
                Kind::Map(_, m) => Some(m),
                _ => None,
            };
            let target = m.map_or(&crate::schema::prelude::DOCUMENT, |m| m.target());
            Json::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), to_json(target, v)))
                    .collect(),
            )
        }
        Value::Struct(slots) => Json::Object(
            shape
                .members()
                .iter()
                .zip(slots)
                .filter_map(|(m, v)| {
                    v.as_ref()
                        .map(|v| (m.name.to_string(), to_json(m.target(), v)))
                })
                .collect(),
        ),
    }
}

/// The first place `received` differs from `expected`, with its path; the values of sensitive
/// members (and everything under them) are not shown.
fn diff(
    shape: &'static Shape,
    sensitive: bool,
    path: &str,
    expected: &Json,
    received: &Json,
) -> Option<String> {
    let sensitive = sensitive || shape.has(SHAPE_SENSITIVE);
    let show = |j: &Json| {
        if sensitive {
            "<sensitive>".to_string()
        } else {
            j.to_string()
        }
    };
    // The shape a nested key or item has, if the shape says.
    let child = |key: Option<&str>| -> (&'static Shape, bool) {
        let member = match (&shape.kind, key) {
            (Kind::Structure(ms) | Kind::Union(ms), Some(k)) => ms.iter().find(|m| m.name == k),
            (Kind::Map(_, m), Some(_)) | (Kind::List(m), None) => Some(*m),
            _ => None,
        };
        match member {
            Some(m) => (m.target(), sensitive || m.is_sensitive()),
            None => (&crate::schema::prelude::DOCUMENT, sensitive),
        }
    };
    match (expected, received) {
        (Json::String(any), _) if any == ANY => None,
        (Json::Object(e), Json::Object(r)) => {
            for (k, ev) in e {
                let (shape, sensitive) = child(Some(k));
                let shown = |j: &Json| {
                    if sensitive {
                        "<sensitive>".into()
                    } else {
                        j.to_string()
                    }
                };
                match r.get(k) {
                    None => {
                        return Some(format!(
                            "{} expected {}, but it was not sent",
                            join(path, k),
                            shown(ev)
                        ))
                    }
                    Some(rv) => {
                        if let Some(d) = diff(shape, sensitive, &join(path, k), ev, rv) {
                            return Some(d);
                        }
                    }
                }
            }
            r.iter().find(|(k, _)| !e.contains_key(*k)).map(|(k, rv)| {
                let (_, sensitive) = child(Some(k));
                let shown = if sensitive {
                    "<sensitive>".into()
                } else {
                    rv.to_string()
                };
                format!("{} was sent as {shown}, but not expected", join(path, k))
            })
        }
        (Json::Array(e), Json::Array(r)) if e.len() == r.len() => {
            let (shape, sensitive) = child(None);
            e.iter()
                .zip(r)
                .enumerate()
                .find_map(|(i, (ev, rv))| diff(shape, sensitive, &format!("{path}[{i}]"), ev, rv))
        }
        _ if expected == received => None,
        _ => Some(format!(
            "{path} expected {}, received {}",
            show(expected),
            show(received)
        )),
    }
}
