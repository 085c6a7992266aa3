//! rboto runtime
