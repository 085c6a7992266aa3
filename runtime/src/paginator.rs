//! Paginators: botocore's `paginate.py`, driven by `static` [`PaginatorSpec`]s generated from
//! each model's `paginators-1.json`.
//!
//! A [`Paginator`] holds a bound input (one whose client is attached) and re-sends it once per
//! page with the input token members set from the previous page's output tokens. Tokens are
//! read from the output [`Value`] with [`crate::jmespath`] and written back by member name →
//! slot through the input's schema, so one non-generic loop serves every operation:
//!
//! ```ignore
//! let mut pages = ddb.list_tables().limit(3).into_paginator();
//! while let Some(page) = pages.next_page().await {
//!     println!("{:?}", page?.table_names);
//! }
//! let all = ddb.list_tables().into_paginator().page_size(100).collect_results().await?;
//! ```
//!
//! As in botocore: pagination stops when every output token is absent or empty, or when
//! `more_results` evaluates false; a service that returns the same token twice ends with an
//! error ("The same next token was received twice"); `page_size` sets the operation's
//! `limit_key` member; `max_items` stops after that many items of the first result key,
//! truncating the last page.

use crate::__private::unbound;
use crate::client::{OperationInput, ServiceClient};
use crate::error::{Error, ErrorKind, RawModeled};
use crate::jmespath::{Expression, Json};
use crate::response::{typed_output, ResponseMetadata};
use crate::schema::{Operation, Shape};
use crate::value::Value;

/// One raw page and the metadata of the response it came in.
type RawPage = Result<(Value, ResponseMetadata), Error<RawModeled>>;

/// One paginator of `paginators-1.json`. `output_token`, `more_results`, `result_key` and
/// `non_aggregate_keys` are JMESPath expressions over the output; `input_token` and
/// `limit_key` are input member names.
#[derive(Debug)]
pub struct PaginatorSpec {
    pub input_token: &'static [&'static str],
    pub output_token: &'static [&'static str],
    pub limit_key: Option<&'static str>,
    pub more_results: Option<&'static str>,
    pub result_key: &'static [&'static str],
    pub non_aggregate_keys: &'static [&'static str],
}

impl PaginatorSpec {
    /// A spec with the required keys; see the builder methods for the optional ones.
    pub const fn new(
        input_token: &'static [&'static str],
        output_token: &'static [&'static str],
        result_key: &'static [&'static str],
    ) -> PaginatorSpec {
        PaginatorSpec {
            input_token,
            output_token,
            limit_key: None,
            more_results: None,
            result_key,
            non_aggregate_keys: &[],
        }
    }
    pub const fn limit(mut self, key: &'static str) -> PaginatorSpec {
        self.limit_key = Some(key);
        self
    }
    pub const fn more_results(mut self, expression: &'static str) -> PaginatorSpec {
        self.more_results = Some(expression);
        self
    }
    pub const fn non_aggregate(mut self, keys: &'static [&'static str]) -> PaginatorSpec {
        self.non_aggregate_keys = keys;
        self
    }
}

/// Pages through an operation. Create one with the generated `into_paginator()` on a bound
/// input (`client.list_tables().into_paginator()`).
pub struct Paginator<I> {
    /// `None` for an input built without a client: the first page is that error.
    client: Option<ServiceClient>,
    input: I,
    state: State,
}

impl<I> std::fmt::Debug for Paginator<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("operation", &self.state.op.name)
            .field("page_size", &self.state.page_size)
            .field("max_items", &self.state.max_items)
            .field("done", &self.state.done)
            .finish()
    }
}

impl<I: OperationInput + Clone> Paginator<I> {
    /// A paginator sending `input` (with its members as set) through `client`.
    pub fn new(client: ServiceClient, input: I, spec: &'static PaginatorSpec) -> Self {
        Paginator {
            client: Some(client),
            input,
            state: State::new(spec, I::operation()),
        }
    }

    /// A paginator sending `input` through the client that created it.
    #[doc(hidden)]
    pub fn of_input(input: I, spec: &'static PaginatorSpec) -> Self {
        Paginator {
            client: input.__client().cloned(),
            input,
            state: State::new(spec, I::operation()),
        }
    }

    /// Items per page: sets the operation's limit member (botocore's `PageSize`).
    pub fn page_size(mut self, size: i64) -> Self {
        self.state.page_size = Some(size);
        self
    }

    /// Stops after this many items of the first result key, truncating the last page
    /// (botocore's `MaxItems`).
    pub fn max_items(mut self, items: usize) -> Self {
        self.state.max_items = Some(items);
        self
    }

    /// The next page, or `None` when pagination is over. After an error, `None` follows.
    pub async fn next_page(&mut self) -> Option<Result<I::Output, Error<I::Error>>> {
        if self.state.done {
            return None;
        }
        let op = self.state.op;
        let Some(client) = &self.client else {
            self.state.done = true;
            return Some(Err(unbound(op).into_typed()));
        };
        let input = self.input.clone().into_value();
        Some(match self.state.next_raw(client, input).await? {
            Ok((value, metadata)) => typed_output(op, value, metadata),
            Err(e) => Err(e.into_typed()),
        })
    }

    /// Every page, typed.
    pub async fn pages(mut self) -> Result<Vec<I::Output>, Error<I::Error>> {
        let mut out = Vec::new();
        while let Some(page) = self.next_page().await {
            out.push(page?);
        }
        Ok(out)
    }

    /// botocore's `build_full_result()`: every result key's values over all pages combined
    /// (lists concatenated, numbers summed, strings joined), plus the non-aggregate keys of the
    /// first page, as an object keyed by the result key expressions.
    pub async fn collect_results(mut self) -> Result<Json, Error<I::Error>> {
        let mut results: Vec<(String, Json)> = Vec::new();
        let mut non_aggregate: Option<Vec<(String, Json)>> = None;
        let output = self.state.op.output;
        let spec = self.state.spec;
        loop {
            if self.state.done {
                break;
            }
            let Some(client) = &self.client else {
                return Err(unbound(self.state.op).into_typed());
            };
            let input = self.input.clone().into_value();
            let page = match self.state.next_raw(client, input).await {
                None => break,
                Some(Err(e)) => return Err(e.into_typed()),
                Some(Ok((v, _))) => v,
            };
            let eval = |expr: &str| -> Result<Json, Error<I::Error>> {
                Expression::parse(expr)
                    .and_then(|e| e.search(&page, output))
                    .map_err(|e| pagination_error(self.state.op, e.to_string()).into_typed())
            };
            if non_aggregate.is_none() {
                let mut keys = Vec::new();
                for k in spec.non_aggregate_keys {
                    keys.push((k.to_string(), eval(k)?));
                }
                non_aggregate = Some(keys);
            }
            for key in spec.result_key {
                let value = eval(key)?;
                if value.is_null() {
                    continue;
                }
                match results.iter_mut().find(|(k, _)| k == key) {
                    None => results.push((key.to_string(), value)),
                    Some((_, existing)) => combine(existing, value),
                }
            }
        }
        results.extend(non_aggregate.unwrap_or_default());
        Ok(Json::Object(results))
    }
}

/// `existing + new` the way botocore's `build_full_result` combines pages.
fn combine(existing: &mut Json, new: Json) {
    match (existing, new) {
        (Json::Array(a), Json::Array(b)) => a.extend(b),
        (Json::Int(a), Json::Int(b)) => *a = a.saturating_add(b),
        (e @ (Json::Int(_) | Json::Float(_)), n @ (Json::Int(_) | Json::Float(_))) => {
            *e = Json::Float(e.as_f64().unwrap_or_default() + n.as_f64().unwrap_or_default())
        }
        (Json::String(a), Json::String(b)) => a.push_str(&b),
        _ => {}
    }
}

fn pagination_error(op: &'static Operation, message: impl Into<String>) -> Error<RawModeled> {
    Error::new(ErrorKind::ResponseParse, message).with_context(op.name, None)
}

/// What happens on the next request.
#[derive(Debug)]
enum Next {
    /// The first request: the input as the caller built it.
    First,
    /// Send with these tokens (one per input token; `None` = member unset).
    Tokens(Vec<Option<Json>>),
    /// Pagination is over with this error (raised when the next page is asked for, as
    /// botocore's generator does).
    Fail(String),
}

/// The non-generic part of a paginator.
#[derive(Debug)]
struct State {
    spec: &'static PaginatorSpec,
    op: &'static Operation,
    page_size: Option<i64>,
    max_items: Option<usize>,
    next: Next,
    /// The tokens the last request was sent with.
    previous: Option<Vec<Option<Json>>>,
    total_items: usize,
    done: bool,
}

/// Python truthiness, which botocore applies to tokens (`if next_token:`).
fn py_truthy(j: &Json) -> bool {
    match j {
        Json::Int(i) => *i != 0,
        Json::Float(f) => *f != 0.0,
        j => j.is_truthy(),
    }
}

/// The slot of input member `name`.
fn slot(shape: &'static Shape, name: &str) -> Option<(usize, &'static Shape)> {
    shape
        .members()
        .iter()
        .position(|m| m.name == name)
        .map(|i| (i, shape.members()[i].target()))
}

fn set_member(
    input: &mut Value,
    shape: &'static Shape,
    name: &str,
    v: Option<&Json>,
) -> Result<(), String> {
    let (i, target) = slot(shape, name)
        .ok_or_else(|| format!("paginator member {name} is not a member of {}", shape.name))?;
    let Value::Struct(slots) = input else {
        return Err(format!("{} is not a structure", shape.name));
    };
    if slots.len() <= i {
        slots.resize_with(shape.members().len().max(i + 1), || None);
    }
    slots[i] = match v {
        Some(j) => Some(j.to_value(target).map_err(|e| format!("{name}: {e}"))?),
        None => None,
    };
    Ok(())
}

/// Truncates the list at `path` (member names from the output root) to `keep` items.
fn truncate_at(value: &mut Value, shape: &'static Shape, path: &[&str], keep: usize) {
    match path.split_first() {
        None => {
            if let Value::List(items) = value {
                items.truncate(keep);
            }
        }
        Some((name, rest)) => {
            if let (Value::Struct(slots), Some((i, target))) = (value, slot(shape, name)) {
                if let Some(Some(v)) = slots.get_mut(i) {
                    truncate_at(v, target, rest, keep);
                }
            }
        }
    }
}

impl State {
    fn new(spec: &'static PaginatorSpec, op: &'static Operation) -> State {
        State {
            spec,
            op,
            page_size: None,
            max_items: None,
            next: Next::First,
            previous: None,
            total_items: 0,
            done: false,
        }
    }

    fn fail(&mut self, message: String) -> Option<RawPage> {
        self.done = true;
        Some(Err(pagination_error(self.op, message)))
    }

    /// Sends the next request; `None` when pagination is over.
    async fn next_raw(&mut self, client: &ServiceClient, mut input: Value) -> Option<RawPage> {
        if self.done {
            return None;
        }
        let spec = self.spec;
        let in_shape = self.op.input;
        if let Some(size) = self.page_size {
            let Some(limit) = spec.limit_key else {
                return self.fail(
                    "PageSize parameter is not supported for the pagination interface for \
                     this operation."
                        .into(),
                );
            };
            if let Err(e) = set_member(&mut input, in_shape, limit, Some(&Json::Int(size))) {
                return self.fail(e);
            }
        }
        match std::mem::replace(&mut self.next, Next::First) {
            Next::First => {}
            Next::Fail(message) => return self.fail(message),
            Next::Tokens(tokens) => {
                for (name, token) in spec.input_token.iter().zip(&tokens) {
                    if let Err(e) = set_member(&mut input, in_shape, name, token.as_ref()) {
                        return self.fail(e);
                    }
                }
                self.previous = Some(tokens);
            }
        }

        let (mut page, metadata) = match client.call_value(self.op, input).await {
            Ok(v) => v,
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        };
        let out_shape = self.op.output;
        let search = |expr: &str, page: &Value| {
            Expression::parse(expr)
                .and_then(|e| e.search(page, out_shape))
                .map_err(|e| e.to_string())
        };

        // max_items: count the primary result key, truncating past the limit.
        if let (Some(max), Some(primary)) = (self.max_items, spec.result_key.first()) {
            let count = match search(primary, &page) {
                Ok(Json::Array(a)) => a.len(),
                Ok(_) => 0,
                Err(e) => return self.fail(e),
            };
            if self.total_items + count > max {
                let keep = max.saturating_sub(self.total_items);
                if let Some(path) = Expression::parse(primary).ok().and_then(|e| {
                    e.as_path()
                        .map(|p| p.into_iter().map(str::to_string).collect::<Vec<_>>())
                }) {
                    let path: Vec<&str> = path.iter().map(String::as_str).collect();
                    truncate_at(&mut page, out_shape, &path, keep);
                }
                self.done = true;
                return Some(Ok((page, metadata)));
            }
            self.total_items += count;
        }

        // The next tokens.
        let more = match spec.more_results {
            Some(expr) => match search(expr, &page) {
                Ok(j) => py_truthy(&j),
                Err(e) => return self.fail(e),
            },
            None => true,
        };
        let mut tokens = Vec::with_capacity(spec.output_token.len());
        if more {
            for expr in spec.output_token {
                match search(expr, &page) {
                    Ok(j) if py_truthy(&j) => tokens.push(Some(j)),
                    Ok(_) => tokens.push(None),
                    Err(e) => return self.fail(e),
                }
            }
        }
        if tokens.iter().all(Option::is_none) || self.max_items == Some(self.total_items) {
            self.done = true;
        } else if self.previous.as_ref() == Some(&tokens) {
            let shown: Vec<String> = spec
                .input_token
                .iter()
                .zip(&tokens)
                .map(|(k, v)| match v {
                    Some(v) => format!("{k:?}: {v}"),
                    None => format!("{k:?}: null"),
                })
                .collect();
            self.next = Next::Fail(format!(
                "The same next token was received twice: {{{}}}",
                shown.join(", ")
            ));
        } else {
            self.next = Next::Tokens(tokens);
        }
        Some(Ok((page, metadata)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{prelude, Member};
    use std::io::{Read, Write};
    use std::sync::{Arc, Mutex};

    static IN: Shape = Shape::structure(
        "ListThingsInput",
        &[
            Member::new("Filter", &prelude::STRING),
            Member::new("NextToken", &prelude::STRING),
            Member::new("Limit", &prelude::INTEGER),
        ],
    );
    static ITEM: Member = Member::item(&prelude::STRING);
    static THINGS: Shape = Shape::list("Things", &ITEM);
    static OUT: Shape = Shape::structure(
        "ListThingsOutput",
        &[
            Member::new("Things", &THINGS),
            Member::new("NextToken", &prelude::STRING),
            Member::new("HasMore", &prelude::BOOLEAN),
        ],
    );
    static OP: Operation = Operation::new("ListThings", "POST", "/", &IN, &OUT);
    static SERVICE: crate::schema::Service = crate::schema::Service {
        name: "things",
        service_id: "Things",
        api_version: "2020-01-01",
        endpoint_prefix: "things",
        signing_name: "things",
        protocol: crate::schema::Protocol::Json,
        protocols: &[crate::schema::Protocol::Json],
        json_version: Some("1.0"),
        target_prefix: Some("Things"),
        ..crate::schema::Service::BLANK
    };
    static SPEC: PaginatorSpec =
        PaginatorSpec::new(&["NextToken"], &["NextToken"], &["Things"]).limit("Limit");
    static SPEC_MORE: PaginatorSpec =
        PaginatorSpec::new(&["NextToken"], &["NextToken"], &["Things"]).more_results("HasMore");

    #[derive(Clone, Default)]
    struct Input {
        filter: Option<String>,
    }
    impl crate::value::IntoValue for Input {
        fn into_value(self) -> Value {
            Value::Struct(vec![self.filter.map(Value::Str), None, None])
        }
    }
    #[derive(Debug)]
    struct Output {
        things: Vec<String>,
        next: Option<String>,
    }
    impl crate::value::FromValue for Output {
        fn from_value(v: Value) -> Result<Self, crate::value::ConvertError> {
            let mut m = crate::value::Members::of(v, "Out")?;
            let out = Output {
                things: m.next().unwrap_or_default(),
                next: m.next(),
            };
            m.finish(out)
        }
    }
    impl crate::Output for Output {
        fn __set_response_metadata(&mut self, _: crate::ResponseMetadata) {}
    }
    impl OperationInput for Input {
        type Output = Output;
        type Error = RawModeled;
        fn operation() -> &'static Operation {
            &OP
        }
    }

    /// A one-thread HTTP server answering JSON bodies in turn, recording request bodies.
    fn serve(responses: Vec<&'static str>) -> (String, Arc<Mutex<Vec<String>>>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for body in responses {
                let Ok((mut s, _)) = listener.accept() else {
                    return;
                };
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let n = s.read(&mut chunk).unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(i) = text.find("\r\n\r\n") {
                        let len = text[..i]
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if buf.len() >= i + 4 + len {
                            log.lock().unwrap().push(text[i + 4..].to_string());
                            break;
                        }
                    }
                }
                let _ = write!(
                    s,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        (format!("http://{addr}"), seen)
    }

    fn client(endpoint: &str) -> ServiceClient {
        let config = crate::Config::builder()
            .region("us-east-1")
            .endpoint_url(endpoint)
            .credentials(crate::Credentials::new("AKID", "SECRET", None))
            .build();
        ServiceClient::new(&config, &SERVICE)
    }

    #[tokio::test]
    async fn pages_until_the_token_is_absent_and_sets_the_limit() {
        let (url, seen) = serve(vec![
            r#"{"Things":["a","b"],"NextToken":"t1"}"#,
            r#"{"Things":["c"],"NextToken":""}"#,
        ]);
        let input = Input {
            filter: Some("x".into()),
        };
        let mut p = Paginator::new(client(&url), input, &SPEC).page_size(2);
        let first = p.next_page().await.unwrap().unwrap();
        assert_eq!(first.things, ["a", "b"]);
        assert_eq!(first.next.as_deref(), Some("t1"));
        let second = p.next_page().await.unwrap().unwrap();
        assert_eq!(second.things, ["c"]);
        assert!(p.next_page().await.is_none());
        let seen = seen.lock().unwrap();
        assert_eq!(seen[0], r#"{"Filter":"x","Limit":2}"#);
        assert_eq!(seen[1], r#"{"Filter":"x","NextToken":"t1","Limit":2}"#);
    }

    #[tokio::test]
    async fn repeated_token_is_an_error() {
        let (url, _) = serve(vec![
            r#"{"Things":["a"],"NextToken":"same"}"#,
            r#"{"Things":["b"],"NextToken":"same"}"#,
        ]);
        let mut p = Paginator::new(client(&url), Input::default(), &SPEC);
        assert!(p.next_page().await.unwrap().is_ok());
        assert!(p.next_page().await.unwrap().is_ok());
        let err = p.next_page().await.unwrap().unwrap_err();
        assert!(
            err.to_string()
                .contains(r#"The same next token was received twice: {"NextToken": "same"}"#),
            "{err}"
        );
        assert!(p.next_page().await.is_none());
    }

    #[tokio::test]
    async fn more_results_false_stops() {
        let (url, seen) = serve(vec![r#"{"Things":["a"],"NextToken":"t1","HasMore":false}"#]);
        let mut p = Paginator::new(client(&url), Input::default(), &SPEC_MORE);
        assert!(p.next_page().await.unwrap().is_ok());
        assert!(p.next_page().await.is_none());
        assert_eq!(seen.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn page_size_without_limit_key_is_an_error() {
        let mut p =
            Paginator::new(client("http://127.0.0.1:9"), Input::default(), &SPEC_MORE).page_size(5);
        let err = p.next_page().await.unwrap().unwrap_err();
        assert!(err.to_string().contains("PageSize"), "{err}");
    }

    #[tokio::test]
    async fn max_items_truncates_and_results_combine() {
        let (url, _) = serve(vec![
            r#"{"Things":["a","b"],"NextToken":"t1"}"#,
            r#"{"Things":["c","d"],"NextToken":"t2"}"#,
        ]);
        let p = Paginator::new(client(&url), Input::default(), &SPEC).max_items(3);
        let all = p.collect_results().await.unwrap();
        assert_eq!(all, Json::parse(r#"{"Things":["a","b","c"]}"#).unwrap());
    }
}
