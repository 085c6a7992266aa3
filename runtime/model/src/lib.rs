//! The one reader of botocore's model documents that rboto's generator (`rboto-codegen`) and
//! its runtime (`rboto`) share.
//!
//! * [`json::Json`]: a JSON tree that keeps object members in document order, with botocore's
//!   `.sdk-extras.json` overlay merge ([`json::Json::merge`]; [`merge::deep_merge`] is the same
//!   rule over `serde_json::Value`, for the generator and the command line's build script).
//! * [`paginator::PaginatorSpec`] and [`waiter::WaiterSpec`]: what a paginator of
//!   `paginators-1.json` and a waiter of `waiters-2.json` say, as plain data with `const`
//!   constructors, so generated crates write them as `static`s and the runtime re-exports them
//!   as `rboto::paginator::PaginatorSpec` and `rboto::waiter::WaiterSpec`.
//! * [`specs`]: reads those documents into specs, against any model that can answer
//!   [`specs::Operations`] (the runtime's schema, the generator's resolved model). The generator
//!   writes the specs it gets here as Rust source and the runtime's dynamic client uses them as
//!   they are, so the two cannot disagree on which paginators and waiters exist or what they say.
//!
//! This crate depends on nothing the runtime does not already compile (serde's traits and
//! serde_json), so the runtime's build is not slowed and the generator stays free of HTTP.

pub mod json;
pub mod merge;
pub mod paginator;
pub mod specs;
pub mod waiter;
