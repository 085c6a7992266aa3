//! Shared test support for rboto: conformance-suite runners and the moto harness.

pub mod chaos;
pub mod conformance;
pub mod moto;
pub mod scratch;
pub mod stub;
