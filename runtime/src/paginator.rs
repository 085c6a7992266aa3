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
//!
//! // Stop after 10 tables, save where to go on, and go on later (or in boto3).
//! let mut pages = ddb.list_tables().into_paginator().max_items(10);
//! while let Some(page) = pages.next_page().await { page?; }
//! if let Some(token) = pages.resume_token() {
//!     let rest = ddb.list_tables().into_paginator().starting_token(token).pages().await?;
//! }
//! ```
//!
//! As in botocore: pagination stops when every output token is absent or empty, or when
//! `more_results` evaluates false; a service that returns the same token twice ends with an
//! error ("The same next token was received twice"); `page_size` sets the operation's
//! `limit_key` member; `max_items` stops after that many items of the first result key,
//! truncating the last page and leaving a [`resume_token`](Paginator::resume_token) in
//! botocore's format, which [`starting_token`](Paginator::starting_token) (or boto3's
//! `PaginationConfig={'StartingToken': ...}`) resumes from.
//!
//! Pages, items and [`search`](Paginator::search) results are also
//! [`Stream`](futures_core::Stream)s ([`Paginator::into_stream`], [`Paginator::into_items`]).

mod stream;
mod token;

/// The spec type lives in the model reader the generator shares (`rboto-model`); generated
/// crates name it through this path.
pub use rboto_model::paginator::PaginatorSpec;
pub use stream::{ItemStream, PageStream, SearchStream};

use crate::__private::unbound;
use crate::client::{OperationInput, ServiceClient};
use crate::error::{Error, ErrorKind, RawModeled};
use crate::jmespath::{Expression, Json};
use crate::response::{typed_output, ResponseMetadata};
use crate::schema::{Operation, Shape};
use crate::value::Value;

/// One raw page and the metadata of the response it came in.
pub(crate) type RawPage = Result<(Value, ResponseMetadata), Error<RawModeled>>;

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
            .field("starting_token", &self.state.starting_token)
            .field("resume_token", &self.state.resume_token)
            .field("done", &self.state.done)
            .finish()
    }
}

impl<I> Paginator<I> {
    /// Where to resume from, in botocore's token format, once `max_items` has stopped
    /// pagination before the service's last page (boto3's `resume_token`, and the `NextToken`
    /// of `build_full_result()`); `None` before that, or when nothing was left.
    ///
    /// Pass it to [`starting_token`](Self::starting_token) here, or to boto3 as
    /// `PaginationConfig={'StartingToken': token}`.
    pub fn resume_token(&self) -> Option<&str> {
        self.state.resume_token.as_deref()
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
    /// (botocore's `MaxItems`); [`resume_token`](Self::resume_token) then says where to go on.
    pub fn max_items(mut self, items: usize) -> Self {
        self.state.max_items = Some(items);
        self
    }

    /// Starts where an earlier pagination stopped (botocore's `StartingToken`): a
    /// [`resume_token`](Self::resume_token) from rboto or boto3, or a service's own next token
    /// for the first input token. The first page skips the items of it that were already
    /// returned. A token that cannot be read is an [`ErrorKind::ParamValidation`] error on the
    /// first page.
    pub fn starting_token(mut self, token: impl Into<String>) -> Self {
        self.state.starting_token = Some(token.into());
        self
    }

    /// The next page, or `None` when pagination is over. After an error, `None` follows.
    pub async fn next_page(&mut self) -> Option<Result<I::Output, Error<I::Error>>> {
        let op = self.state.op;
        Some(match self.next_raw_page().await? {
            Ok((value, metadata)) => typed_output(op, value, metadata),
            Err(e) => Err(e.into_typed()),
        })
    }

    /// The next page as the runtime holds it.
    async fn next_raw_page(&mut self) -> Option<RawPage> {
        if self.state.done {
            return None;
        }
        let Some(client) = &self.client else {
            self.state.done = true;
            return Some(Err(unbound(self.state.op)));
        };
        let input = self.input.clone().into_value();
        self.state.next_raw(client, input).await
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
    /// first page, as an object keyed by the result key expressions; and `NextToken`, the
    /// [`resume_token`](Self::resume_token), when `max_items` stopped early.
    pub async fn collect_results(mut self) -> Result<Json, Error<I::Error>> {
        let mut results: Vec<(String, Json)> = Vec::new();
        let mut non_aggregate: Option<Vec<(String, Json)>> = None;
        let output = self.state.op.output;
        let spec = self.state.spec;
        while let Some(page) = self.next_raw_page().await {
            let page = page.map_err(Error::into_typed)?.0;
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
        if let Some(token) = self.state.resume_token.take() {
            results.push(("NextToken".into(), Json::String(token)));
        }
        Ok(Json::Object(results))
    }
}

/// `existing + new` the way botocore's `build_full_result` combines pages.
pub(crate) fn combine(existing: &mut Json, new: Json) {
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
    /// The first request: the input as the caller built it, with the starting token if any.
    First,
    /// Send with these tokens (one per input token; `None` = member unset).
    Tokens(Vec<Option<Json>>),
    /// Pagination is over with this error (raised when the next page is asked for, as
    /// botocore's generator does).
    Fail(Error<RawModeled>),
}

/// The non-generic part of a paginator: the whole paging loop on untyped values, shared by
/// typed paginators and the dynamic client's pages.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) spec: &'static PaginatorSpec,
    pub(crate) op: &'static Operation,
    pub(crate) page_size: Option<i64>,
    pub(crate) max_items: Option<usize>,
    pub(crate) starting_token: Option<String>,
    next: Next,
    /// The tokens the last request was sent with, when they came from a page (botocore's
    /// `previous_next_token`: a starting token does not count).
    previous: Option<Vec<Option<Json>>>,
    /// The tokens the current request was sent with, starting token included (botocore's
    /// `next_token` at the time a page is truncated).
    current: Vec<Option<Json>>,
    /// Items of the primary result key to drop from the first page: those a starting token
    /// says were already returned.
    starting_truncation: usize,
    pub(crate) resume_token: Option<String>,
    total_items: usize,
    pub(crate) done: bool,
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

/// The member names of a result key that is a plain path (`Contents`, `A.B`); botocore's
/// `set_value_from_jmespath` can only write to those too.
fn plain_path(expression: &str) -> Option<Vec<String>> {
    let e = Expression::parse(expression).ok()?;
    let path = e.as_path()?;
    Some(path.into_iter().map(str::to_string).collect())
}

/// The slot at `path` (member names from the root of `value`, a structure of `shape`), or
/// `None` when a structure on the way is absent.
fn slot_at<'v>(
    value: &'v mut Value,
    shape: &'static Shape,
    path: &[String],
) -> Option<&'v mut Option<Value>> {
    let (name, rest) = path.split_first()?;
    let (i, target) = slot(shape, name)?;
    let Value::Struct(slots) = value else {
        return None;
    };
    if slots.len() <= i {
        slots.resize_with(shape.members().len().max(i + 1), || None);
    }
    if rest.is_empty() {
        return Some(&mut slots[i]);
    }
    slot_at(slots[i].as_mut()?, target, rest)
}

/// Python's `len()` of a result key's value, as botocore counts items for `MaxItems`.
fn py_len(j: &Json) -> usize {
    match j {
        Json::Array(a) => a.len(),
        Json::String(s) => s.chars().count(),
        Json::Object(o) => o.len(),
        _ => 0,
    }
}

impl State {
    pub(crate) fn new(spec: &'static PaginatorSpec, op: &'static Operation) -> State {
        State {
            spec,
            op,
            page_size: None,
            max_items: None,
            starting_token: None,
            next: Next::First,
            previous: None,
            current: Vec::new(),
            starting_truncation: 0,
            resume_token: None,
            total_items: 0,
            done: false,
        }
    }

    fn fail(&mut self, error: Error<RawModeled>) -> Option<RawPage> {
        self.done = true;
        Some(Err(error))
    }

    fn fail_with(&mut self, message: String) -> Option<RawPage> {
        let e = pagination_error(self.op, message);
        self.fail(e)
    }

    /// botocore's `_inject_token_into_kwargs`: unset tokens, and the text `None` that old
    /// tokens wrote for them, clear the member.
    fn inject(&self, input: &mut Value, tokens: &[Option<Json>]) -> Result<(), String> {
        for (name, token) in self.spec.input_token.iter().zip(tokens) {
            let token = token.as_ref().filter(|t| t.as_str() != Some("None"));
            set_member(input, self.op.input, name, token)?;
        }
        Ok(())
    }

    fn encode_token(&self, tokens: &[Option<Json>], truncation: Option<usize>) -> String {
        token::encode(self.spec, self.op.input, tokens, truncation)
    }

    /// botocore's `_handle_first_request`: drops the primary result key's items that were
    /// returned before the starting token was saved, and empties the other result keys
    /// (whose values were returned whole with that page), numbers excepted.
    fn skip_returned(&self, page: &mut Value, truncation: usize) {
        let out_shape = self.op.output;
        for (i, key) in self.spec.result_key.iter().enumerate() {
            let Some(path) = plain_path(key) else {
                continue;
            };
            let Some(slot) = slot_at(page, out_shape, &path) else {
                continue;
            };
            match (i, &mut *slot) {
                (0, Some(Value::List(items))) => {
                    items.drain(..truncation.min(items.len()));
                }
                (0, Some(Value::Str(s))) => *s = s.chars().skip(truncation).collect(),
                (_, Some(Value::List(items))) if i > 0 => items.clear(),
                (_, Some(Value::Str(s))) if i > 0 => s.clear(),
                // Python's bool is an int, so botocore keeps it with the numbers.
                (_, Some(Value::Int(_) | Value::Float(_) | Value::Bool(_))) if i > 0 => {}
                _ => *slot = None,
            }
        }
    }

    /// Keeps the first `keep` items of the primary result key.
    fn truncate(&self, page: &mut Value, keep: usize) {
        let Some(path) = self.spec.result_key.first().and_then(|k| plain_path(k)) else {
            return;
        };
        match slot_at(page, self.op.output, &path) {
            Some(Some(Value::List(items))) => items.truncate(keep),
            Some(Some(Value::Str(s))) => *s = s.chars().take(keep).collect(),
            _ => {}
        }
    }

    /// Sends the next request; `None` when pagination is over.
    pub(crate) async fn next_raw(
        &mut self,
        client: &ServiceClient,
        mut input: Value,
    ) -> Option<RawPage> {
        if self.done {
            return None;
        }
        let spec = self.spec;
        let in_shape = self.op.input;
        if let Some(size) = self.page_size {
            let Some(limit) = spec.limit_key else {
                return self.fail_with(
                    "PageSize parameter is not supported for the pagination interface for \
                     this operation."
                        .into(),
                );
            };
            if let Err(e) = set_member(&mut input, in_shape, limit, Some(&Json::Int(size))) {
                return self.fail_with(e);
            }
        }
        let first = matches!(self.next, Next::First);
        match std::mem::replace(&mut self.next, Next::First) {
            Next::First => {
                self.current = vec![None; spec.input_token.len()];
                if let Some(token) = &self.starting_token {
                    let start = match token::decode(token, spec) {
                        Ok(start) => start,
                        Err(message) => {
                            let e = Error::new(ErrorKind::ParamValidation, message)
                                .with_context(self.op.name, None);
                            return self.fail(e);
                        }
                    };
                    if let Err(e) = self.inject(&mut input, &start.tokens) {
                        return self.fail_with(e);
                    }
                    self.current = start.tokens;
                    self.starting_truncation = start.truncation;
                }
            }
            Next::Fail(e) => return self.fail(e),
            Next::Tokens(tokens) => {
                if let Err(e) = self.inject(&mut input, &tokens) {
                    return self.fail_with(e);
                }
                self.previous = Some(tokens.clone());
                self.current = tokens;
                // Only the first page holds items returned before the starting token.
                self.starting_truncation = 0;
            }
        }

        let (mut page, metadata) = match client.call_value(self.op, input).await {
            Ok(v) => v,
            Err(e) => return self.fail(e),
        };
        if first && self.starting_token.is_some() {
            self.skip_returned(&mut page, self.starting_truncation);
        }
        let out_shape = self.op.output;
        let search = |expr: &str, page: &Value| {
            Expression::parse(expr)
                .and_then(|e| e.search(page, out_shape))
                .map_err(|e| e.to_string())
        };

        // max_items: count the primary result key, truncating past the limit.
        if let (Some(max), Some(primary)) = (self.max_items, spec.result_key.first()) {
            let count = match search(primary, &page) {
                Ok(j) => py_len(&j),
                Err(e) => return self.fail_with(e),
            };
            if self.total_items + count > max {
                let keep = max.saturating_sub(self.total_items);
                self.truncate(&mut page, keep);
                let resume =
                    self.encode_token(&self.current, Some(keep + self.starting_truncation));
                self.resume_token = Some(resume);
                self.done = true;
                return Some(Ok((page, metadata)));
            }
            self.total_items += count;
        }

        // The next tokens.
        let more = match spec.more_results {
            Some(expr) => match search(expr, &page) {
                Ok(j) => py_truthy(&j),
                Err(e) => return self.fail_with(e),
            },
            None => true,
        };
        let mut tokens = Vec::with_capacity(spec.output_token.len());
        if more {
            for expr in spec.output_token {
                match search(expr, &page) {
                    Ok(j) if py_truthy(&j) => tokens.push(Some(j)),
                    Ok(_) => tokens.push(None),
                    Err(e) => return self.fail_with(e),
                }
            }
        }
        if tokens.iter().all(Option::is_none) {
            self.done = true;
        } else if self.max_items == Some(self.total_items) {
            // On a page boundary: the next page's tokens are where to resume.
            self.resume_token = Some(self.encode_token(&tokens, None));
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
            self.next = Next::Fail(pagination_error(
                self.op,
                format!(
                    "The same next token was received twice: {{{}}}",
                    shown.join(", ")
                ),
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
    use futures_core::Stream as _;
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
        // As build_full_result(): where to go on is the second page's request plus one item.
        let expected = r#"{"Things":["a","b","c"],
            "NextToken":"eyJOZXh0VG9rZW4iOiAidDEiLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ=="}"#;
        assert_eq!(all, Json::parse(expected).unwrap());
    }

    /// boto3's resume token for "nothing sent yet, two items of that page returned".
    const BOTO3_SKIP_TWO: &str = "eyJOZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAyfQ==";

    #[tokio::test]
    async fn max_items_mid_page_leaves_boto3_resume_token() {
        let (url, _) = serve(vec![r#"{"Things":["a","b","c"],"NextToken":"t1"}"#]);
        let mut p = Paginator::new(client(&url), Input::default(), &SPEC).max_items(2);
        assert_eq!(p.resume_token(), None);
        assert_eq!(p.next_page().await.unwrap().unwrap().things, ["a", "b"]);
        assert!(p.next_page().await.is_none());
        assert_eq!(p.resume_token(), Some(BOTO3_SKIP_TWO));
    }

    #[tokio::test]
    async fn starting_token_skips_returned_items_then_follows_tokens() {
        let (url, seen) = serve(vec![
            r#"{"Things":["a","b","c"],"NextToken":"t1"}"#,
            r#"{"Things":["d"]}"#,
        ]);
        let p =
            Paginator::new(client(&url), Input::default(), &SPEC).starting_token(BOTO3_SKIP_TWO);
        let pages = p.pages().await.unwrap();
        let things: Vec<_> = pages.iter().map(|p| p.things.clone()).collect();
        assert_eq!(things, [vec!["c"], vec!["d"]]);
        let seen = seen.lock().unwrap();
        assert_eq!(seen[0], "{}");
        assert_eq!(seen[1], r#"{"NextToken":"t1"}"#);
    }

    #[tokio::test]
    async fn resuming_mid_page_again_counts_from_the_page_start() {
        // Resumed one item into a page and stopped after two more: the next resume skips three.
        let start = token::encode(&SPEC, &IN, &[Some(Json::from("t1"))], Some(1));
        let (url, seen) = serve(vec![r#"{"Things":["a","b","c","d"],"NextToken":"t2"}"#]);
        let mut p = Paginator::new(client(&url), Input::default(), &SPEC)
            .starting_token(start)
            .max_items(2);
        assert_eq!(p.next_page().await.unwrap().unwrap().things, ["b", "c"]);
        assert!(p.next_page().await.is_none());
        assert_eq!(seen.lock().unwrap()[0], r#"{"NextToken":"t1"}"#);
        let expected = token::encode(&SPEC, &IN, &[Some(Json::from("t1"))], Some(3));
        assert_eq!(p.resume_token(), Some(expected.as_str()));
    }

    #[tokio::test]
    async fn max_items_on_a_page_boundary_resumes_at_the_next_page() {
        let (url, _) = serve(vec![r#"{"Things":["a","b"],"NextToken":"t1"}"#]);
        let p = Paginator::new(client(&url), Input::default(), &SPEC).max_items(2);
        let all = p.collect_results().await.unwrap();
        // base64 of Python's json.dumps({"NextToken": "t1"}).
        let token = "eyJOZXh0VG9rZW4iOiAidDEifQ==";
        assert_eq!(all.get("NextToken"), Some(&Json::from(token)));
        assert_eq!(
            all.get("Things"),
            Some(&Json::parse(r#"["a","b"]"#).unwrap())
        );

        let (url, seen) = serve(vec![r#"{"Things":["c"]}"#]);
        let p = Paginator::new(client(&url), Input::default(), &SPEC).starting_token(token);
        let all = p.collect_results().await.unwrap();
        assert_eq!(all, Json::parse(r#"{"Things":["c"]}"#).unwrap());
        assert_eq!(seen.lock().unwrap()[0], r#"{"NextToken":"t1"}"#);
    }

    #[tokio::test]
    async fn a_raw_service_token_starts_there() {
        let (url, seen) = serve(vec![r#"{"Things":["z"]}"#]);
        let p = Paginator::new(client(&url), Input::default(), &SPEC).starting_token("svc:42");
        assert_eq!(p.pages().await.unwrap()[0].things, ["z"]);
        assert_eq!(seen.lock().unwrap()[0], r#"{"NextToken":"svc:42"}"#);
    }

    #[tokio::test]
    async fn a_bad_starting_token_fails_before_sending() {
        let token = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            r#"{"Unknown": "x"}"#,
        );
        let mut p = Paginator::new(client("http://127.0.0.1:9"), Input::default(), &SPEC)
            .starting_token(token);
        let err = p.next_page().await.unwrap().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ParamValidation);
        assert!(err.to_string().contains("Bad starting token"), "{err}");
        assert!(p.next_page().await.is_none());
    }

    async fn collect<S: futures_core::Stream + Unpin>(mut s: S) -> Vec<S::Item> {
        let mut out = Vec::new();
        while let Some(item) =
            std::future::poll_fn(|cx| std::pin::Pin::new(&mut s).poll_next(cx)).await
        {
            out.push(item);
        }
        out
    }

    const THREE_PAGES: [&str; 3] = [
        r#"{"Things":["a","b"],"NextToken":"t1"}"#,
        r#"{"NextToken":"t2"}"#,
        r#"{"Things":["c"]}"#,
    ];

    #[tokio::test]
    async fn pages_stream() {
        let (url, _) = serve(THREE_PAGES.to_vec());
        let stream = Paginator::new(client(&url), Input::default(), &SPEC).into_stream();
        let pages = collect(stream).await;
        let things: Vec<Vec<String>> = pages.into_iter().map(|p| p.unwrap().things).collect();
        assert_eq!(things, [vec!["a", "b"], vec![], vec!["c"]]);
    }

    #[tokio::test]
    async fn items_stream_is_typed_and_counts_for_max_items() {
        let (url, _) = serve(THREE_PAGES.to_vec());
        let p = Paginator::new(client(&url), Input::default(), &SPEC);
        let items: Vec<String> = collect(p.into_items::<String>())
            .await
            .into_iter()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(items, ["a", "b", "c"]);

        let (url, _) = serve(THREE_PAGES.to_vec());
        let p = Paginator::new(client(&url), Input::default(), &SPEC).max_items(1);
        let mut stream = p.into_items::<String>();
        let first = std::future::poll_fn(|cx| std::pin::Pin::new(&mut stream).poll_next(cx));
        assert_eq!(first.await.unwrap().unwrap(), "a");
        assert!(collect(&mut stream).await.is_empty());
        assert_eq!(
            stream.resume_token(),
            Some("eyJOZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==")
        );

        // Items of the wrong type are an error that ends the stream.
        let (url, _) = serve(THREE_PAGES.to_vec());
        let p = Paginator::new(client(&url), Input::default(), &SPEC);
        let items = collect(p.into_items::<bool>()).await;
        assert_eq!(items.len(), 1);
        assert_eq!(
            items[0].as_ref().unwrap_err().kind(),
            ErrorKind::ResponseParse
        );
    }

    #[tokio::test]
    async fn search_flattens_and_skips_nulls() {
        let (url, _) = serve(THREE_PAGES.to_vec());
        let p = Paginator::new(client(&url), Input::default(), &SPEC);
        let found: Vec<Json> = collect(p.search("Things"))
            .await
            .into_iter()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(found, ["a", "b", "c"].map(Json::from));

        let (url, _) = serve(THREE_PAGES.to_vec());
        let p = Paginator::new(client(&url), Input::default(), &SPEC);
        let found: Vec<Json> = collect(p.search("NextToken"))
            .await
            .into_iter()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(found, ["t1", "t2"].map(Json::from));

        let p = Paginator::new(client("http://127.0.0.1:9"), Input::default(), &SPEC);
        let found = collect(p.search("Things[")).await;
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].as_ref().unwrap_err().kind(),
            ErrorKind::ParamValidation
        );
    }
}
