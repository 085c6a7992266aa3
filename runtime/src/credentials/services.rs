//! The services the credential providers call — STS, SSO, SSO OIDC and Sign-In — on the schemas and
//! endpoint rules of their generated crates.
//!
//! `rboto` cannot depend on `rboto-sts` (which depends on `rboto`), so it embeds the same packed
//! `model.json.lz4` and `endpoint-rule-set.json.lz4` those crates embed and reads them with the
//! same model reader. A provider's call therefore resolves its endpoint like any generated client:
//! `sts.cn-north-1.amazonaws.com.cn` in China, `sts-fips.…` with FIPS, dual-stack hosts, and
//! the caller's configured endpoint URLs (`AWS_ENDPOINT_URL_STS`, `[services]` sections).
//!
//! Values are positional; [`input`] and [`Fields`] name members instead, so a model that adds a
//! member cannot shift what a provider reads or sends.

use super::Credentials;
use crate::client::ServiceClient;
use crate::config::Config;
use crate::error::{Error, ErrorKind};
use crate::schema::{LazyService, Operation, Service, Shape};
use crate::value::Value;
use std::sync::Arc;

pub(crate) static STS: LazyService = LazyService::new(
    "sts",
    include_bytes!("../../../sdk/sts/model.json.lz4"),
    include_bytes!("../../../sdk/sts/endpoint-rule-set.json.lz4"),
);
pub(crate) static SSO: LazyService = LazyService::new(
    "sso",
    include_bytes!("../../../sdk/sso/model.json.lz4"),
    include_bytes!("../../../sdk/sso/endpoint-rule-set.json.lz4"),
);
pub(crate) static SIGNIN: LazyService = LazyService::new(
    "signin",
    include_bytes!("../../../sdk/signin/model.json.lz4"),
    include_bytes!("../../../sdk/signin/endpoint-rule-set.json.lz4"),
);
pub(crate) static SSO_OIDC: LazyService = LazyService::new(
    "sso-oidc",
    include_bytes!("../../../sdk/sso-oidc/model.json.lz4"),
    include_bytes!("../../../sdk/sso-oidc/endpoint-rule-set.json.lz4"),
);

/// A client for `service` with the caller's settings — FIPS, dual-stack, configured endpoint
/// URLs, HTTP settings and connector, retries — in `region`, signing with `credentials` (none
/// for the unsigned operations). Without a region, botocore's STS client uses the global
/// endpoint, which the rules name `aws-global`.
pub(crate) fn client(
    config: &Config,
    service: &'static Service,
    region: Option<&str>,
    credentials: Option<Credentials>,
) -> ServiceClient {
    let mut cfg = config.clone_out_of_line();
    cfg.region = Some(region.unwrap_or("aws-global").to_string());
    cfg.credentials = credentials.map(|c| Arc::new(c) as _);
    // A protocol or bearer token chosen for the caller's own service means nothing here.
    cfg.protocol = None;
    cfg.auth_token = None;
    ServiceClient::new(&cfg, service)
}

/// `op`'s input structure with the named members set; every name must be a member of it.
pub(crate) fn input(op: &Operation, members: Vec<(&str, Option<Value>)>) -> Result<Value, Error> {
    structure(op, op.input, members)
}

/// Member `name` of `op`'s input, itself a structure, with the named members set (for inputs
/// whose members are nested structures, like Sign-In's `tokenInput`).
pub(crate) fn nested_input(
    op: &Operation,
    name: &str,
    members: Vec<(&str, Option<Value>)>,
) -> Result<Value, Error> {
    let shape = index(op.input, name)
        .map(|i| op.input.members()[i].target())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidConfig,
                format!(
                    "{}: the {} model has no member {name}",
                    op.name, op.input.name
                ),
            )
        })?;
    structure(op, shape, members)
}

fn structure(
    op: &Operation,
    shape: &Shape,
    members: Vec<(&str, Option<Value>)>,
) -> Result<Value, Error> {
    let mut slots: Vec<Option<Value>> = shape.members().iter().map(|_| None).collect();
    for (name, value) in members {
        let i = index(shape, name).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidConfig,
                format!("{}: the {} model has no member {name}", op.name, shape.name),
            )
        })?;
        slots[i] = value;
    }
    Ok(Value::Struct(slots))
}

fn index(shape: &Shape, name: &str) -> Option<usize> {
    shape.members().iter().position(|m| m.name == name)
}

/// A response structure's members, taken out by name.
pub(crate) struct Fields {
    shape: &'static Shape,
    slots: Vec<Option<Value>>,
}

impl Fields {
    /// The members of `value`, a structure of `shape`; anything else has none.
    pub(crate) fn of(shape: &'static Shape, value: Value) -> Fields {
        let slots = match value {
            Value::Struct(slots) => slots,
            _ => Vec::new(),
        };
        Fields { shape, slots }
    }

    /// Member `name`, if the response set it.
    pub(crate) fn take(&mut self, name: &str) -> Option<Value> {
        self.slots.get_mut(index(self.shape, name)?)?.take()
    }

    /// Member `name` as text.
    pub(crate) fn string(&mut self, name: &str) -> Option<String> {
        match self.take(name)? {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Nested structure `name`.
    pub(crate) fn structure(&mut self, name: &str) -> Option<Fields> {
        let i = index(self.shape, name)?;
        let shape = self.shape.members()[i].target();
        let value = self.slots.get_mut(i)?.take()?;
        Some(Fields::of(shape, value))
    }
}
