//! The stages of the request pipeline that [`crate::ServiceClient::call_dyn`] runs in order:
//! resolve the endpoint, prepare the HTTP request once, then per attempt sign, send and
//! parse. Each stage is a module so it can change without touching the others.

pub(crate) mod attempt;
pub(crate) mod auth;
pub(crate) mod checksum;
// Without the feature, bodies go uncompressed: botocore's behaviour with compression disabled,
// which every service accepts.
#[cfg(feature = "compression")]
pub(crate) mod compress;
pub(crate) mod endpoint;
pub(crate) mod sign;
pub(crate) mod user_agent;
