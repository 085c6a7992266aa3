//! Runners for AWS's data-only conformance suites. Each runner prints one line per failing case
//! and ends with `N passed, N failed`, so xtask and the test suite share one implementation.

pub mod sigv4;
