//! Runners for AWS's data-only conformance suites. Each runner prints one line per failing case
//! and ends with `N passed, N failed`, so xtask and the test suite share one implementation.

pub mod assume_role;
pub mod configured_endpoints;
pub mod endpoints;
pub mod profile;
pub mod protocol;
pub mod sigv4;
