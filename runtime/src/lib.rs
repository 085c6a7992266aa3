//! # rboto — the runtime of the AWS SDK for Rust that a boto3 user would pick
//!
//! Service crates (`rboto-s3`, `rboto-dynamodb`, …) are generated from botocore's models and
//! contain only typed shapes plus `static` metadata (`schema`). Everything that behaves lives
//! here, once: configuration and credentials, SigV4 signing, the HTTP client, the wire
//! protocols, errors and the request pipeline ([`ServiceClient`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let config = rboto::Config::load().await?;
//! # let _ = config;
//! # Ok(()) }
//! ```

#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;
pub mod blocking;
pub mod client;
pub mod config;
pub mod credentials;
mod customizations;
#[cfg(feature = "dynamic")]
pub mod dynamic;
pub mod encoding;
pub mod endpoint;
pub mod error;
pub mod eventstream;
pub mod http;
pub mod jmespath;
pub mod model;
pub mod paginator;
mod pipeline;
pub mod profile;
pub mod protocol;
mod response;
pub mod retry;
// The schema is public with the dynamic client, whose users read operations and shapes from
// it (a command line's help and argument parsing); without it, only generated crates use it
// (through `__private::schema`).
#[cfg(feature = "dynamic")]
pub mod schema;
#[cfg(not(feature = "dynamic"))]
mod schema;
pub mod sigv4;
#[cfg(feature = "test-util")]
pub mod stub;
mod trace;
pub mod types;
pub mod validate;
mod value;
pub mod waiter;

pub use client::{OperationInput, Presign, PresignedRequest, ServiceClient};
pub use config::{Config, ConfigBuilder};
pub use credentials::Credentials;
pub use credentials::{CachingProvider, CredentialsInfo, DefaultChain};
pub use error::{Error, ErrorKind, ModeledError, RetryOutcome, ServiceError};
pub use protocol::response_checksum::ChecksumMismatch;
pub use response::{Output, ResponseFuture, ResponseMetadata};
pub use schema::Protocol;
pub use types::{Blob, Body, DateTime, Document, EventStream, EventStreamSender};
pub use value::Value;
