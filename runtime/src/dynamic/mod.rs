//! A client for any operation of any service, from botocore's model files read at run time
//! (feature `dynamic`): what a command line such as the AWS CLI needs, without compiling a
//! service crate per service.
//!
//! [`Model`] reads a service's `service-2.json` (and optionally its endpoint rule set,
//! `paginators-1.json`, `waiters-2.json` and their `.sdk-extras.json` overlays) with the same
//! readers the generated crates use ([`crate::model`] for the schema, `rboto_model::specs` for
//! the paginators and waiters the generator writes as statics), so a dynamic call goes through the same
//! endpoint rules, signing, retries, protocols, validation and errors as a generated client.
//! [`Client`] sends an operation by name with a `serde_json::Value` input and returns an
//! [`Output`] that renders as the AWS CLI prints it.
//!
//! ```no_run
//! # async fn demo(service_json: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
//! use rboto::dynamic::{Client, JsonOptions, Model};
//! let model = Model::from_documents("sts", service_json, None, None, None)?;
//! let config = rboto::Config::load().await?;
//! let client = Client::new(&config, std::sync::Arc::new(model));
//! let out = client.call("GetCallerIdentity", serde_json::json!({})).await?;
//! println!("{}", out.to_json(&JsonOptions::default()));
//! # Ok(()) }
//! ```
//!
//! Input JSON names members as the model spells them (`{"Bucket": "b"}`); blobs are base64
//! text (AWS CLI v2's `cli_binary_format=base64`), timestamps ISO 8601 text or epoch seconds.
//! A member of the wrong type, or one the shape does not have, is an
//! [`ErrorKind::ParamValidation`](crate::ErrorKind::ParamValidation) error naming the member's
//! path (`Tags[0].Key`), as botocore's parameter validation reports it.

mod client;
mod input;
mod output;
mod specs;

pub use client::{Client, Pages};
pub use output::isoformat;
pub use output::{JsonOptions, Output, TimestampFormat};

use crate::model::json::Json;
use crate::model::ModelError;
use crate::paginator::PaginatorSpec;
use crate::schema::{Operation, Service};
use crate::waiter::WaiterSpec;

/// The bytes of one service's botocore model files, each gzip-compressed or not (a gzip
/// stream is recognised by its magic bytes `1f 8b`). Only `service` is required.
#[derive(Clone, Copy, Debug, Default)]
pub struct Documents<'a> {
    /// `service-2.json`.
    pub service: &'a [u8],
    /// `service-2.sdk-extras.json`, merged into the service model as botocore's loader does.
    pub service_extras: Option<&'a [u8]>,
    /// `endpoint-rule-set-1.json`.
    pub endpoint_rules: Option<&'a [u8]>,
    /// `paginators-1.json`.
    pub paginators: Option<&'a [u8]>,
    /// `paginators-1.sdk-extras.json`.
    pub paginators_extras: Option<&'a [u8]>,
    /// `waiters-2.json`.
    pub waiters: Option<&'a [u8]>,
}

/// One service read from its model files: its schema, paginators and waiters, and the model
/// document itself (for its documentation). Everything it hands out lives for the rest of the
/// program, as a generated crate's statics do.
pub struct Model {
    service: &'static Service,
    document: &'static Json,
    /// By operation name, sorted.
    paginators: Vec<(&'static str, &'static PaginatorSpec)>,
    /// In model order, with the operation each polls.
    waiters: Vec<(&'static WaiterSpec, &'static Operation)>,
    /// Each shape's `min` (length or value): the runtime schema does not carry it, botocore's
    /// parameter validation checks it.
    minimums: input::Minimums,
}

/// The service and how much it holds (the schema itself is large and may be recursive).
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("service", &self.service.name)
            .field("operations", &self.service.operations.len())
            .field("paginators", &self.paginators.len())
            .field("waiters", &self.waiters.len())
            .finish()
    }
}

impl Model {
    /// Reads a service's model files; `service_name` is botocore's (`s3`, `sso-oidc`).
    pub fn from_documents(
        service_name: &str,
        service: &[u8],
        endpoint_rules: Option<&[u8]>,
        paginators: Option<&[u8]>,
        waiters: Option<&[u8]>,
    ) -> Result<Model, ModelError> {
        Model::from_parts(
            service_name,
            &Documents {
                service,
                endpoint_rules,
                paginators,
                waiters,
                ..Documents::default()
            },
        )
    }

    /// Reads a service's model files, overlays included.
    pub fn from_parts(service_name: &str, docs: &Documents<'_>) -> Result<Model, ModelError> {
        let name: &'static str = Box::leak(service_name.to_string().into_boxed_str());
        let mut document = parse(name, "service-2.json", docs.service)?;
        if let Some(extras) = docs.service_extras {
            let extras = parse(name, "service-2.sdk-extras.json", extras)?;
            merge_extras(&mut document, &extras);
        }
        let rules: &'static str = match docs.endpoint_rules {
            Some(bytes) => Box::leak(text(name, "endpoint-rule-set-1.json", bytes)?.into()),
            None => "",
        };
        let document: &'static Json = Box::leak(Box::new(document));
        let service = crate::model::build_leaked(name, document, rules)?;
        let paginators = match docs.paginators {
            Some(bytes) => {
                let mut p = parse(name, "paginators-1.json", bytes)?;
                if let Some(extras) = docs.paginators_extras {
                    let extras = parse(name, "paginators-1.sdk-extras.json", extras)?;
                    merge_extras(&mut p, &extras);
                }
                specs::paginators(service, &p)
            }
            None => Vec::new(),
        };
        let waiters = match docs.waiters {
            Some(bytes) => specs::waiters(service, &parse(name, "waiters-2.json", bytes)?),
            None => Vec::new(),
        };
        Ok(Model {
            service,
            document,
            paginators,
            waiters,
            minimums: input::Minimums::of(document),
        })
    }

    pub(crate) fn minimums(&self) -> &input::Minimums {
        &self.minimums
    }

    /// The service's schema.
    pub fn service(&self) -> &'static Service {
        self.service
    }

    /// The operation `name` as the model spells it (`ListBuckets`).
    pub fn operation(&self, name: &str) -> Option<&'static Operation> {
        self.service.operation(name)
    }

    /// Every operation's name, sorted.
    pub fn operation_names(&self) -> impl Iterator<Item = &'static str> {
        self.service.operations.iter().map(|op| op.name)
    }

    /// The paginator of `operation`, if it has one rboto can drive.
    pub fn paginator(&self, operation: &str) -> Option<&'static PaginatorSpec> {
        let i = self
            .paginators
            .binary_search_by(|(op, _)| (*op).cmp(operation))
            .ok()?;
        Some(self.paginators[i].1)
    }

    /// Every waiter's name (`BucketExists`), in model order.
    pub fn waiter_names(&self) -> impl Iterator<Item = &str> {
        self.waiters.iter().map(|(w, _)| w.name)
    }

    /// The waiter `name` (`BucketExists`).
    pub fn waiter(&self, name: &str) -> Option<&'static WaiterSpec> {
        self.waiter_entry(name).map(|(w, _)| w)
    }

    /// The operation the waiter `name` polls.
    pub fn waiter_operation(&self, name: &str) -> Option<&'static Operation> {
        self.waiter_entry(name).map(|(_, op)| op)
    }

    fn waiter_entry(&self, name: &str) -> Option<(&'static WaiterSpec, &'static Operation)> {
        self.waiters.iter().find(|(w, _)| w.name == name).copied()
    }

    /// The model document as read (overlays merged), for what the schema leaves out, such as
    /// documentation.
    pub fn document(&self) -> &'static Json {
        self.document
    }

    /// The service's documentation (HTML, as in the model), if any.
    pub fn documentation(&self) -> Option<&'static str> {
        self.document.get("documentation").as_str()
    }

    /// An operation's documentation (HTML).
    pub fn operation_documentation(&self, operation: &str) -> Option<&'static str> {
        let doc: &'static Json = self.document;
        doc.get("operations")
            .get(operation)
            .get("documentation")
            .as_str()
    }

    /// A member's documentation (HTML): the member's own, else its target shape's.
    pub fn member_documentation(&self, shape: &str, member: &str) -> Option<&'static str> {
        let doc: &'static Json = self.document;
        let shapes = doc.get("shapes");
        let m = shapes.get(shape).get("members").get(member);
        m.get("documentation").as_str().or_else(|| {
            let target = m.get("shape").as_str()?;
            shapes.get(target).get("documentation").as_str()
        })
    }
}

/// A document's bytes as text, gunzipped when they are a gzip stream.
fn text(service: &str, file: &str, bytes: &[u8]) -> Result<String, ModelError> {
    let error = |e: String| ModelError(format!("{service}: {file}: {e}"));
    if bytes.starts_with(&[0x1f, 0x8b]) {
        use std::io::Read as _;
        let mut out = String::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut out)
            .map_err(|e| error(format!("cannot decompress: {e}")))?;
        Ok(out)
    } else {
        String::from_utf8(bytes.to_vec()).map_err(|e| error(format!("not UTF-8: {e}")))
    }
}

/// Applies a `.sdk-extras.json` overlay as botocore's loader does: its `merge` member, when it
/// has one (an overlay without one changes nothing; it does not blank the document).
fn merge_extras(document: &mut Json, extras: &Json) {
    let merge = extras.get("merge");
    if !merge.is_null() {
        document.merge(merge);
    }
}

fn parse(service: &str, file: &str, bytes: &[u8]) -> Result<Json, ModelError> {
    Json::parse(&text(service, file, bytes)?)
        .map_err(|e| ModelError(format!("{service}: {file}: {e}")))
}
