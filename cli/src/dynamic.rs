//! TEMPORARY stand-in for `rboto::dynamic` (branch `dyn`), with the contract's names and
//! signatures, built on what the runtime already has (`model::build`, `ServiceClient`), so the
//! command line runs end to end before that branch lands. Replaced by
//! `pub use rboto::dynamic::*;` when `dyn` is merged. Known gaps: waiters are not run,
//! `max_items` / `starting_token` are ignored, paginators follow the first token only.

use crate::schema::{Kind, Operation, Service, Shape};
use rboto::__private::Value;
use rboto::paginator::PaginatorSpec;
use rboto::waiter::WaiterSpec;
use rboto::{Config, ResponseMetadata, ServiceClient};
use std::sync::Arc;
use std::time::Duration;

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

fn leak_list(v: &serde_json::Value) -> &'static [&'static str] {
    let items: Vec<&'static str> = match v {
        serde_json::Value::String(s) => vec![leak(s)],
        serde_json::Value::Array(a) => a.iter().filter_map(|x| x.as_str()).map(leak).collect(),
        _ => Vec::new(),
    };
    Box::leak(items.into_boxed_slice())
}

/// One service's schema, paginators and waiter names.
pub struct Model {
    service: &'static Service,
    paginators: Vec<(String, &'static PaginatorSpec)>,
    waiters: Vec<String>,
}

impl Model {
    /// Each document is the bytes of the botocore file, gzip-compressed or not.
    pub fn from_documents(
        service_name: &str,
        service: &[u8],
        endpoint_rules: Option<&[u8]>,
        paginators: Option<&[u8]>,
        waiters: Option<&[u8]>,
    ) -> Result<Model, rboto::model::ModelError> {
        let text = |b: &[u8]| {
            crate::models::inflate(b)
                .ok()
                .and_then(|v| String::from_utf8(v).ok())
                .ok_or_else(|| rboto::model::ModelError(format!("{service_name}: bad document")))
        };
        let service_text = text(service)?;
        let rules = match endpoint_rules {
            Some(r) => leak(&text(r)?),
            None => "",
        };
        let svc = rboto::model::build(leak(service_name), &service_text, rules)?;
        let mut specs = Vec::new();
        if let Some(p) = paginators {
            let doc: serde_json::Value = serde_json::from_str(&text(p)?)
                .map_err(|e| rboto::model::ModelError(e.to_string()))?;
            if let Some(map) = doc.get("pagination").and_then(|m| m.as_object()) {
                for (op, p) in map {
                    let mut spec = PaginatorSpec::new(
                        leak_list(&p["input_token"]),
                        leak_list(&p["output_token"]),
                        leak_list(&p["result_key"]),
                    );
                    if let Some(l) = p.get("limit_key").and_then(|l| l.as_str()) {
                        spec = spec.limit(leak(l));
                    }
                    if let Some(m) = p.get("more_results").and_then(|l| l.as_str()) {
                        spec = spec.more_results(leak(m));
                    }
                    if let Some(n) = p.get("non_aggregate_keys") {
                        spec = spec.non_aggregate(leak_list(n));
                    }
                    specs.push((op.clone(), &*Box::leak(Box::new(spec))));
                }
            }
        }
        let mut waiter_names = Vec::new();
        if let Some(w) = waiters {
            let doc: serde_json::Value = serde_json::from_str(&text(w)?)
                .map_err(|e| rboto::model::ModelError(e.to_string()))?;
            if let Some(map) = doc.get("waiters").and_then(|m| m.as_object()) {
                waiter_names = map.keys().cloned().collect();
            }
        }
        Ok(Model {
            service: svc,
            paginators: specs,
            waiters: waiter_names,
        })
    }

    pub fn service(&self) -> &'static Service {
        self.service
    }

    pub fn operation(&self, name: &str) -> Option<&'static Operation> {
        self.service.operations.iter().find(|o| o.name == name)
    }

    pub fn operation_names(&self) -> impl Iterator<Item = &'static str> {
        self.service.operations.iter().map(|o| o.name)
    }

    pub fn paginator(&self, operation: &str) -> Option<&'static PaginatorSpec> {
        self.paginators
            .iter()
            .find(|(n, _)| n == operation)
            .map(|(_, s)| *s)
    }

    pub fn waiter_names(&self) -> impl Iterator<Item = &str> {
        self.waiters.iter().map(String::as_str)
    }

    pub fn waiter(&self, _name: &str) -> Option<&'static WaiterSpec> {
        None
    }
}

/// How timestamps are written in output JSON.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimestampFormat {
    #[default]
    Iso8601,
    Epoch,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct JsonOptions {
    pub timestamps: TimestampFormat,
}

/// An operation's output.
pub struct Output {
    value: Value,
    shape: &'static Shape,
    metadata: ResponseMetadata,
}

impl Output {
    pub fn to_json(&self, options: &JsonOptions) -> serde_json::Value {
        to_json(&self.value, self.shape, options)
    }

    pub fn metadata(&self) -> &ResponseMetadata {
        &self.metadata
    }

    pub fn take_body(&mut self) -> Option<rboto::Body> {
        let Kind::Structure(members) = &self.shape.kind else {
            return None;
        };
        let Value::Struct(slots) = &mut self.value else {
            return None;
        };
        for (m, slot) in members.iter().zip(slots.iter_mut()) {
            if m.is_streaming() {
                if let Some(Value::Body(_)) = slot {
                    if let Some(Value::Body(b)) = slot.take() {
                        return Some(b);
                    }
                }
            }
        }
        None
    }
}

fn iso(t: &rboto::DateTime) -> String {
    // Python's datetime.isoformat() on a UTC datetime.
    let base = t.to_iso8601();
    let date_time = &base[..19.min(base.len())];
    let micros = t.subsec_nanos() / 1000;
    if micros == 0 {
        format!("{date_time}+00:00")
    } else {
        format!("{date_time}.{micros:06}+00:00")
    }
}

fn to_json(value: &Value, shape: &'static Shape, options: &JsonOptions) -> serde_json::Value {
    use serde_json::Value as J;
    match (value, &shape.kind) {
        (Value::Struct(slots), Kind::Structure(members) | Kind::Union(members)) => {
            let mut map = serde_json::Map::new();
            for (m, slot) in members.iter().zip(slots) {
                if let Some(v) = slot {
                    if matches!(v, Value::Body(_) | Value::EventStream(_)) {
                        continue;
                    }
                    map.insert(m.name.to_string(), to_json(v, m.target(), options));
                }
            }
            J::Object(map)
        }
        (Value::List(items), Kind::List(m)) => J::Array(
            items
                .iter()
                .map(|v| to_json(v, m.target(), options))
                .collect(),
        ),
        (Value::Map(entries), Kind::Map(_, v)) => J::Object(
            entries
                .iter()
                .map(|(k, x)| (k.clone(), to_json(x, v.target(), options)))
                .collect(),
        ),
        (Value::Bool(b), _) => J::Bool(*b),
        (Value::Int(i), _) => J::from(*i),
        (Value::Float(f), _) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        (Value::Str(s), _) => J::String(s.clone()),
        (Value::Blob(b), _) => {
            use base64::Engine;
            J::String(base64::engine::general_purpose::STANDARD.encode(b.as_bytes()))
        }
        (Value::Timestamp(t), _) => match options.timestamps {
            TimestampFormat::Iso8601 => J::String(iso(t)),
            TimestampFormat::Epoch => {
                serde_json::Number::from_f64(t.as_secs_f64()).map_or(J::Null, J::Number)
            }
        },
        (Value::Document(d), _) => crate::output::from_jmes(&rboto::jmespath::Json::from_value(
            &Value::Document(d.clone()),
            &DOC_SHAPE,
        )),
        _ => J::Null,
    }
}

static DOC_SHAPE: Shape = Shape::scalar("Document", Kind::Document);

/// Sends operations of one service by name.
#[derive(Clone)]
pub struct Client {
    inner: ServiceClient,
    model: Arc<Model>,
}

pub type CallError = rboto::Error<rboto::error::RawModeled>;

impl Client {
    pub fn new(config: &Config, model: Arc<Model>) -> Client {
        Client {
            inner: ServiceClient::new(config, model.service),
            model,
        }
    }

    fn input_value(op: &'static Operation, input: &serde_json::Value) -> Result<Value, CallError> {
        let json = rboto::jmespath::Json::parse(&input.to_string())
            .map_err(|e| rboto::Error::new(rboto::ErrorKind::ParamValidation, e.message))?;
        json.to_value(op.input)
            .map_err(|e| rboto::Error::new(rboto::ErrorKind::ParamValidation, e.to_string()))
    }

    pub async fn call(
        &self,
        operation: &str,
        input: serde_json::Value,
    ) -> Result<Output, CallError> {
        let op = self.model.operation(operation).ok_or_else(|| {
            rboto::Error::new(
                rboto::ErrorKind::ParamValidation,
                format!("unknown operation {operation}"),
            )
        })?;
        let value = Self::input_value(op, &input)?;
        let (value, metadata) = self.inner.call_value(op, value).await?;
        Ok(Output {
            value,
            shape: op.output,
            metadata,
        })
    }

    pub fn paginate(&self, operation: &str, input: serde_json::Value) -> Pages {
        Pages {
            client: self.clone(),
            operation: operation.to_string(),
            input,
            spec: self.model.paginator(operation),
            done: false,
            page_size: None,
        }
    }

    pub async fn wait(
        &self,
        waiter: &str,
        _input: serde_json::Value,
        _delay: Option<Duration>,
        _max_attempts: Option<u32>,
    ) -> Result<Output, CallError> {
        Err(rboto::Error::new(
            rboto::ErrorKind::InvalidConfig,
            format!("waiter {waiter}: waiters need the dynamic client of branch dyn"),
        ))
    }
}

/// Pages of a paginated operation.
pub struct Pages {
    client: Client,
    operation: String,
    input: serde_json::Value,
    spec: Option<&'static PaginatorSpec>,
    done: bool,
    page_size: Option<i64>,
}

impl Pages {
    pub fn page_size(mut self, size: i64) -> Self {
        self.page_size = Some(size);
        self
    }
    pub fn max_items(self, _items: usize) -> Self {
        self
    }
    pub fn starting_token(self, _token: impl Into<String>) -> Self {
        self
    }
    pub fn resume_token(&self) -> Option<&str> {
        None
    }

    pub async fn next_page(&mut self) -> Option<Result<Output, CallError>> {
        if self.done {
            return None;
        }
        let mut input = self.input.clone();
        if let (Some(size), Some(spec)) = (self.page_size, self.spec) {
            if let (Some(key), Some(obj)) = (spec.limit_key, input.as_object_mut()) {
                obj.insert(key.to_string(), size.into());
            }
        }
        let result = self.client.call(&self.operation, input).await;
        match &result {
            Ok(out) => {
                let json = out.to_json(&JsonOptions::default());
                let next = self.spec.and_then(|s| {
                    let path = s.output_token.first()?;
                    let mut cur = &json;
                    for part in path.split('.') {
                        cur = cur.get(part)?;
                    }
                    (!cur.is_null() && cur != "").then(|| cur.clone())
                });
                match (next, self.spec.and_then(|s| s.input_token.first())) {
                    (Some(token), Some(key)) if self.input.get(*key) != Some(&token) => {
                        if let Some(obj) = self.input.as_object_mut() {
                            obj.insert(key.to_string(), token);
                        }
                    }
                    _ => self.done = true,
                }
            }
            Err(_) => self.done = true,
        }
        Some(result)
    }
}
