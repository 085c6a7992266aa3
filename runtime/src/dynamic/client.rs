//! [`Client`]: sends any operation of a [`Model`] by name, pages through it, or waits on it,
//! through the same pipeline, paging loop and waiting loop as the generated clients.

use super::input;
use super::output::{JsonOptions, Output};
use super::Model;
use crate::client::ServiceClient;
use crate::config::Config;
use crate::error::{Error, ErrorKind, RawModeled};
use crate::jmespath::{Expression, Json};
use crate::paginator::{PaginatorSpec, State};
use crate::schema::{Operation, Protocol};
use crate::types::Body;
use crate::value::Value;
use crate::waiter::WaiterError;
use std::sync::Arc;
use std::time::Duration;

/// A client for every operation of one service's [`Model`]. Cheap to clone (clones share
/// connections, credentials and retry state, as a generated client's do).
#[derive(Clone, Debug)]
pub struct Client {
    inner: ServiceClient,
    model: Arc<Model>,
}

impl Client {
    /// A client for `model`'s service with `config` (region, credentials, endpoint...).
    pub fn new(config: &Config, model: Arc<Model>) -> Client {
        Client {
            inner: ServiceClient::new(config, model.service()),
            model,
        }
    }

    /// The model this client sends operations of.
    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    /// The runtime client underneath (for [`ServiceClient::call_value`] and friends).
    pub fn service_client(&self) -> &ServiceClient {
        &self.inner
    }

    /// The operation `name`, or a [`ErrorKind::ParamValidation`] error saying there is none.
    pub fn operation(&self, name: &str) -> Result<&'static Operation, Error> {
        self.model.operation(name).ok_or_else(|| {
            Error::new(
                ErrorKind::ParamValidation,
                format!(
                    "{} has no operation named \"{name}\"",
                    self.model.service().service_id
                ),
            )
        })
    }

    /// `input` as the value of `op`'s input shape, or a parameter-validation error listing
    /// every problem.
    fn input(&self, op: &'static Operation, input: &serde_json::Value) -> Result<Value, Error> {
        let check_required = self.inner.config().parameter_validation();
        input::to_value(op.input, input, check_required, self.model.minimums()).map_err(
            |problems| {
                Error::new(
                    ErrorKind::ParamValidation,
                    format!("Parameter validation failed:\n{}", problems.join("\n")),
                )
                .with_context(op.name, None)
            },
        )
    }

    /// The protocol outputs are parsed with, for [`Output::to_json`]'s member order.
    fn protocol(&self) -> Protocol {
        self.inner
            .protocol()
            .unwrap_or(self.model.service().protocol)
    }

    /// Sends `operation` (`ListBuckets`) with `input` (`{"Bucket": "b"}`; `null` = no members)
    /// and returns its output.
    pub async fn call(&self, operation: &str, input: serde_json::Value) -> Result<Output, Error> {
        let op = self.operation(operation)?;
        let value = self.input(op, &empty_if_null(input))?;
        self.send(op, value).await
    }

    /// [`call`](Self::call) with `body` as the operation's streaming payload member (S3
    /// `PutObject`'s `Body`), which `input` then leaves out.
    pub async fn call_with_body(
        &self,
        operation: &str,
        input: serde_json::Value,
        body: Body,
    ) -> Result<Output, Error> {
        let op = self.operation(operation)?;
        let Some(slot) = op.input.members().iter().position(|m| m.is_streaming()) else {
            return Err(Error::new(
                ErrorKind::ParamValidation,
                format!("{} has no streaming input member", op.name),
            )
            .with_context(op.name, None));
        };
        let mut value = self.input(op, &empty_if_null(input))?;
        if let Value::Struct(slots) = &mut value {
            slots[slot] = Some(Value::Body(body));
        }
        self.send(op, value).await
    }

    async fn send(&self, op: &'static Operation, value: Value) -> Result<Output, Error> {
        let (value, metadata) = self
            .inner
            .call_value(op, value)
            .await
            .map_err(Error::into_typed)?;
        Ok(Output::new(value, op.output, self.protocol(), metadata))
    }

    /// Pages through `operation` with `input`, as botocore's paginator does (a single page
    /// for an operation without a paginator). Set `page_size` / `max_items` /
    /// `starting_token` on the result before the first [`Pages::next_page`].
    pub fn paginate(&self, operation: &str, input: serde_json::Value) -> Pages {
        let op = self.operation(operation);
        let spec = op
            .as_ref()
            .ok()
            .and_then(|op| self.model.paginator(op.name));
        Pages {
            client: self.clone(),
            input: empty_if_null(input),
            state: match (&op, spec) {
                (Ok(op), Some(spec)) => Paging::Paged(Box::new(State::new(spec, op))),
                (Ok(op), None) => Paging::Single(op),
                _ => Paging::Done,
            },
            error: op.err(),
            page_size: None,
            max_items: None,
            starting_token: None,
        }
    }

    /// Waits with the waiter `waiter` (`BucketExists`), polling its operation with `input`
    /// every `delay` (the waiter's own by default) at most `max_attempts` times. Succeeds
    /// with the last output (empty when success was an expected error).
    pub async fn wait(
        &self,
        waiter: &str,
        input: serde_json::Value,
        delay: Option<Duration>,
        max_attempts: Option<u32>,
    ) -> Result<Output, WaiterError> {
        let (Some(spec), Some(op)) = (
            self.model.waiter(waiter),
            self.model.waiter_operation(waiter),
        ) else {
            let e = Error::new(
                ErrorKind::ParamValidation,
                format!(
                    "{} has no waiter named \"{waiter}\"",
                    self.model.service().service_id
                ),
            );
            // A name that is no waiter's is kept for the error's life (errors name waiters
            // by `&'static str`); it is one short string per failed call.
            let name: &'static str = Box::leak(waiter.to_string().into_boxed_str());
            return Err(WaiterError::request_failed(name, e));
        };
        let input = empty_if_null(input);
        // Checked once here; every attempt converts the same JSON again.
        self.input(op, &input)
            .map_err(|e| WaiterError::request_failed(spec.name, e))?;
        let delay = delay.unwrap_or(Duration::from_secs(u64::from(spec.delay)));
        let attempts = max_attempts.unwrap_or(spec.max_attempts);
        let check_required = self.inner.config().parameter_validation();
        let next_input = || {
            input::to_value(op.input, &input, check_required, self.model.minimums())
                .unwrap_or(Value::Struct(Vec::new()))
        };
        let (done, metadata) =
            crate::waiter::poll(&self.inner, op, spec, delay, attempts, next_input).await;
        match done {
            Ok(value) => {
                let value = value.unwrap_or(Value::Struct(Vec::new()));
                Ok(Output::new(value, op.output, self.protocol(), metadata))
            }
            Err(e) => Err(e.into_typed()),
        }
    }
}

fn empty_if_null(input: serde_json::Value) -> serde_json::Value {
    match input {
        serde_json::Value::Null => serde_json::Value::Object(serde_json::Map::new()),
        input => input,
    }
}

enum Paging {
    Paged(Box<State>),
    /// An operation without a paginator: one page.
    Single(&'static Operation),
    Done,
}

/// The pages of an operation (from [`Client::paginate`]).
pub struct Pages {
    client: Client,
    input: serde_json::Value,
    state: Paging,
    /// An error to return as the first page (an unknown operation).
    error: Option<Error>,
    page_size: Option<i64>,
    max_items: Option<usize>,
    starting_token: Option<String>,
}

impl std::fmt::Debug for Pages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("page_size", &self.page_size)
            .field("max_items", &self.max_items)
            .field("starting_token", &self.starting_token)
            .field("resume_token", &self.resume_token())
            .finish_non_exhaustive()
    }
}

impl Pages {
    /// Items per page: sets the operation's limit member (botocore's `PageSize`).
    pub fn page_size(mut self, size: i64) -> Self {
        self.page_size = Some(size);
        if let Paging::Paged(s) = &mut self.state {
            s.page_size = Some(size);
        }
        self
    }

    /// Stops after this many items of the first result key (botocore's `MaxItems`).
    pub fn max_items(mut self, items: usize) -> Self {
        self.max_items = Some(items);
        if let Paging::Paged(s) = &mut self.state {
            s.max_items = Some(items);
        }
        self
    }

    /// Starts where an earlier pagination stopped (botocore's `StartingToken`).
    pub fn starting_token(mut self, token: impl Into<String>) -> Self {
        let token = token.into();
        self.starting_token = Some(token.clone());
        if let Paging::Paged(s) = &mut self.state {
            s.starting_token = Some(token);
        }
        self
    }

    /// The operation's paginator, if it has one.
    pub fn spec(&self) -> Option<&'static PaginatorSpec> {
        match &self.state {
            Paging::Paged(s) => Some(s.spec),
            _ => None,
        }
    }

    /// Where to resume from once `max_items` stopped early, in botocore's token format.
    pub fn resume_token(&self) -> Option<&str> {
        match &self.state {
            Paging::Paged(s) => s.resume_token.as_deref(),
            _ => None,
        }
    }

    /// The next page, or `None` when there are no more. After an error, `None` follows.
    pub async fn next_page(&mut self) -> Option<Result<Output, Error>> {
        if let Some(e) = self.error.take() {
            self.state = Paging::Done;
            return Some(Err(e));
        }
        let protocol = self.client.protocol();
        let (op, result) = match std::mem::replace(&mut self.state, Paging::Done) {
            Paging::Done => return None,
            Paging::Single(op) => {
                let result = match self.client.input(op, &self.input) {
                    Ok(value) => self.client.inner.call_value(op, value).await,
                    Err(e) => return Some(Err(e)),
                };
                (op, result)
            }
            Paging::Paged(mut state) => {
                let op = state.op;
                let value = match self.client.input(op, &self.input) {
                    Ok(value) => value,
                    Err(e) => return Some(Err(e)),
                };
                let result = state.next_raw(&self.client.inner, value).await;
                self.state = Paging::Paged(state);
                (op, result?)
            }
        };
        Some(
            result
                .map(|(value, metadata)| Output::new(value, op.output, protocol, metadata))
                .map_err(Error::<RawModeled>::into_typed),
        )
    }

    /// botocore's `build_full_result()` over the pages' JSON (as the AWS CLI prints a paginated
    /// operation): each result key's values over all pages combined (lists concatenated,
    /// numbers summed, strings joined), then the first page's non-aggregate keys, then
    /// `NextToken` when `max_items` stopped early. An operation without a paginator gives its
    /// one page.
    pub async fn collect_json(mut self, options: &JsonOptions) -> Result<serde_json::Value, Error> {
        let Some(spec) = self.spec() else {
            return match self.next_page().await {
                Some(page) => page.map(|p| p.to_json(options)),
                None => Ok(serde_json::Value::Object(serde_json::Map::new())),
            };
        };
        let mut complete: Vec<(String, Json)> = Vec::new();
        let mut non_aggregate: Option<Json> = None;
        let eval = |expr: &str, data: &Json| -> Result<Json, Error> {
            Expression::parse(expr)
                .and_then(|e| e.search_json(data))
                .map_err(|e| Error::new(ErrorKind::ResponseParse, e.to_string()))
        };
        while let Some(page) = self.next_page().await {
            let page = Json::from_serde(&page?.to_json(options));
            if non_aggregate.is_none() {
                let mut part = Json::Object(Vec::new());
                for key in spec.non_aggregate_keys {
                    set_path(&mut part, key, eval(key, &page)?);
                }
                non_aggregate = Some(part);
            }
            let mut whole = Json::Object(std::mem::take(&mut complete));
            for key in spec.result_key {
                let value = eval(key, &page)?;
                if value.is_null() {
                    continue;
                }
                let existing = eval(key, &whole)?;
                if existing.is_null() {
                    set_path(&mut whole, key, value);
                } else {
                    let mut combined = existing;
                    crate::paginator::combine(&mut combined, value);
                    set_path(&mut whole, key, combined);
                }
            }
            if let Json::Object(members) = whole {
                complete = members;
            }
        }
        let mut whole = Json::Object(complete);
        if let Some(part) = non_aggregate {
            merge(&mut whole, part);
        }
        if let (Json::Object(members), Some(token)) = (&mut whole, self.resume_token()) {
            members.push(("NextToken".to_string(), Json::String(token.to_string())));
        }
        Ok(whole.to_serde())
    }
}

/// botocore's `set_value_from_jmespath`: sets the dotted path `expression` in `target`,
/// making objects on the way.
fn set_path(target: &mut Json, expression: &str, value: Json) {
    let mut current = target;
    let mut keys = expression.split('.').peekable();
    while let Some(key) = keys.next() {
        let Json::Object(members) = current else {
            return;
        };
        let i = match members.iter().position(|(k, _)| k == key) {
            Some(i) => i,
            None => {
                members.push((key.to_string(), Json::Object(Vec::new())));
                members.len() - 1
            }
        };
        if keys.peek().is_none() {
            members[i].1 = value;
            return;
        }
        current = &mut members[i].1;
    }
}

/// botocore's `merge_dicts`: objects merged member by member, anything else replaced.
fn merge(base: &mut Json, extra: Json) {
    match (base, extra) {
        (Json::Object(b), Json::Object(e)) => {
            for (k, v) in e {
                match b.iter_mut().find(|(key, _)| *key == k) {
                    Some((_, existing)) if matches!(v, Json::Object(_)) => merge(existing, v),
                    Some((_, existing)) => *existing = v,
                    None => b.push((k, v)),
                }
            }
        }
        (base, extra) => *base = extra,
    }
}
