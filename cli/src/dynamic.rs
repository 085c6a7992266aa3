//! The runtime's dynamic client (`rboto::dynamic`, cargo feature `dynamic`): models read at
//! run time, any operation sent by name with JSON input.

pub use rboto::dynamic::*;
