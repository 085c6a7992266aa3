//! [`WaiterSpec`]: one waiter of `waiters-2.json` as data, with its [`Acceptor`]s. The polling
//! loop that uses it is `rboto::waiter::Waiter`.

use std::fmt;

/// The state an acceptor moves the waiter to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Success,
    Failure,
    Retry,
}

/// How an acceptor matches a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Matcher {
    Path,
    PathAll,
    PathAny,
    Status,
    Error,
}

/// An acceptor's `expected` literal.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Expected {
    Str(&'static str),
    Bool(bool),
    Int(i64),
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Str(s) => f.write_str(s),
            Expected::Bool(b) => write!(f, "{b}"),
            Expected::Int(i) => write!(f, "{i}"),
        }
    }
}

/// One acceptor of a waiter.
#[derive(Debug)]
pub struct Acceptor {
    pub state: State,
    pub matcher: Matcher,
    /// The JMESPath expression of path matchers; empty otherwise.
    pub argument: &'static str,
    pub expected: Expected,
}

impl Acceptor {
    pub const fn new(
        state: State,
        matcher: Matcher,
        argument: &'static str,
        expected: Expected,
    ) -> Acceptor {
        Acceptor {
            state,
            matcher,
            argument,
            expected,
        }
    }

    /// botocore's `AcceptorConfig.explanation`.
    pub fn explanation(&self) -> String {
        let (arg, exp) = (self.argument, self.expected);
        match self.matcher {
            Matcher::Path => {
                format!("For expression \"{arg}\" we matched expected path: \"{exp}\"")
            }
            Matcher::PathAll => {
                format!("For expression \"{arg}\" all members matched expected path: \"{exp}\"")
            }
            Matcher::PathAny => format!(
                "For expression \"{arg}\" we matched expected path: \"{exp}\" at least once"
            ),
            Matcher::Status => format!("Matched expected HTTP status code: {exp}"),
            Matcher::Error => format!("Matched expected service error code: {exp}"),
        }
    }
}

/// One waiter of `waiters-2.json`.
#[derive(Debug)]
pub struct WaiterSpec {
    /// The waiter's name (`TableExists`).
    pub name: &'static str,
    /// Seconds between attempts.
    pub delay: u32,
    pub max_attempts: u32,
    pub acceptors: &'static [Acceptor],
}

impl WaiterSpec {
    pub const fn new(
        name: &'static str,
        delay: u32,
        max_attempts: u32,
        acceptors: &'static [Acceptor],
    ) -> WaiterSpec {
        WaiterSpec {
            name,
            delay,
            max_attempts,
            acceptors,
        }
    }
}
