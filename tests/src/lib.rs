//! Shared test support for rboto: conformance-suite runners and the moto harness.

pub mod chaos;
pub mod conformance;
pub mod loopback;
pub mod model_files;
pub mod moto;
pub mod rng;
pub mod schema_dump;
pub mod scratch;
pub mod stub;
pub mod venv;

/// The text of a caught panic (`catch_unwind`'s payload): the message of `panic!("…")` and of
/// a formatted `panic!`, or `(no message)`.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}
