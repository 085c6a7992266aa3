//! JMESPath for `--query`, complete (slices, expression references and every function of the
//! specification) and evaluated the way jmespath.py does it, over serde_json values that keep
//! key order — so a query's output lists members as the AWS CLI lists them.
//!
//! The runtime's own `rboto::jmespath` is the subset paginators and waiters need; the crates.io
//! `jmespath` crate stores objects in a `BTreeMap`, which sorts keys and would reorder output.

mod eval;
mod functions;
mod lexer;
mod parser;

use std::fmt;

/// A syntax error in an expression, or an error evaluating it (a function given the wrong
/// type), worded as jmespath.py words them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub message: String,
    pub syntax: bool,
}

impl Error {
    fn syntax(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            syntax: true,
        }
    }
    fn value(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            syntax: false,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// A parsed expression.
#[derive(Debug, Clone)]
pub struct Expression(parser::Node);

impl Expression {
    pub fn parse(text: &str) -> Result<Expression, Error> {
        parser::parse(text).map(Expression)
    }

    /// The expression applied to `data`.
    pub fn search(&self, data: &serde_json::Value) -> Result<serde_json::Value, Error> {
        eval::eval(&self.0, data)
    }
}

#[cfg(test)]
mod tests;
