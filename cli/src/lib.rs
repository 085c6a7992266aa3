//! The `rboto` command line (this file is the `clifmt` branch's stand-in: the `cli` branch
//! owns the crate root and declares these modules).

/// Output formats.
pub mod output {
    pub mod table;
    pub mod text;
}
pub mod s3;
pub mod shorthand;
