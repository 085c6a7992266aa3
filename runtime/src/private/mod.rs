//! What generated service crates need from the runtime, and nothing users should call.
//!
//! Everything here may change in any release without notice: generated crates are regenerated
//! with the runtime they are built against. Users reach the same features through the service
//! crates' clients and the runtime's documented API.

pub(crate) mod blocking;
mod macros;

/// The static schema generated crates describe their shapes and operations with.
pub mod schema {
    pub use crate::schema::*;
}
pub use crate::value::{enum_as_str, enum_clone, enum_debug, enum_from_wire, IntEnum, Value};
pub use crate::value::{
    opt, opt_boxed, union, ConvertError, FromValue, IntoValue, Members, StringEnum,
};

use crate::client::{OperationInput, ServiceClient};
use crate::error::{Error, ErrorKind, RawModeled};
use crate::response::{ResponseFuture, ResponseMetadata};
use crate::schema::Operation;
use crate::types::UnknownValue;
use std::fmt;

/// The client an input was created by (`client.put_object()`), or none for an input built on
/// its own (`PutObjectInput::default()`). Not part of the input's value: always equal.
#[derive(Clone, Default)]
pub struct Bound(Option<ServiceClient>);

impl Bound {
    pub fn to(client: &ServiceClient) -> Self {
        Bound(Some(client.clone()))
    }
    pub fn client(&self) -> Option<&ServiceClient> {
        self.0.as_ref()
    }
}

impl PartialEq for Bound {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl fmt::Debug for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "Bound" } else { "Unbound" })
    }
}

/// An output's [`ResponseMetadata`], kept out of its typed fields. Not part of the output's
/// value: always equal, so outputs compare by what the service said.
#[derive(Clone, Default)]
pub struct Meta(Option<Box<ResponseMetadata>>);

impl Meta {
    pub fn get(&self) -> &ResponseMetadata {
        self.0
            .as_deref()
            .unwrap_or_else(|| ResponseMetadata::empty())
    }
    pub fn set(&mut self, metadata: ResponseMetadata) {
        self.0 = Some(Box::new(metadata));
    }
}

impl PartialEq for Meta {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Outputs derive `Debug` (the cheapest impl to compile), so the metadata shows there: as its
/// request id only, which is what a log line needs (aws-sdk-rust shows `_request_id` alike).
impl fmt::Debug for Meta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseMetadata")
            .field("request_id", &self.get().request_id)
            .finish_non_exhaustive()
    }
}

/// `input.send()`: through the client the input was created by.
#[inline]
pub fn send<I: OperationInput>(input: I) -> ResponseFuture<I::Output, I::Error> {
    let client = input.__client().cloned();
    let op = I::operation();
    ResponseFuture::new(op, start(client, op, input.into_value()))
}

/// The pipeline for `input` through `client`, or the error for an input without one. Not
/// generic, so the code behind every operation's `send()` is compiled once.
fn start(
    client: Option<crate::ServiceClient>,
    op: &'static Operation,
    input: crate::Value,
) -> crate::response::RawFuture {
    match client {
        Some(client) => client.start(op, input),
        None => Box::pin(std::future::ready(Err(unbound(op)))),
    }
}

/// The error for an input that has no client to go through.
pub(crate) fn unbound(op: &'static Operation) -> Error<RawModeled> {
    Error::new(
        ErrorKind::InvalidConfig,
        format!(
            "this {} input was built on its own, so it has no client to send it: use \
             `client.send(input)`, or build it with the client's method",
            op.name
        ),
    )
    .with_context(op.name, None)
}

/// What `StringEnum::from_index` gives for an index past the enum's values (which the runtime
/// never asks for): an unknown, empty value rather than a panic.
pub fn unknown_index(_index: usize) -> UnknownValue {
    UnknownValue::new(String::new())
}

/// A sensitive structure's `Debug`.
pub fn debug_redacted(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    write!(f, "{name}({:?})", crate::types::REDACTED)
}
