//! Waiters: botocore's `waiter.py`, driven by `static` [`WaiterSpec`]s generated from each
//! model's `waiters-2.json`.
//!
//! A [`Waiter`] re-sends a bound input every `delay` until an [`Acceptor`] moves it to the
//! success or failure state, or `max_attempts` requests have been made. Acceptors are checked
//! in order and the first match wins:
//!
//! * `path` / `pathAll` / `pathAny`: a JMESPath expression over a successful output equals
//!   the expected value (for all / any elements of a list result, which must be non-empty);
//! * `status`: the HTTP status (an output's is the operation's modeled success status);
//! * `error`: the service error code; `expected: true` means "any service error" and
//!   `expected: false` "no error", as in botocore 1.44.5.
//!
//! A service error no acceptor matches ends the wait at once, as does any non-service error
//! (connection, credentials, validation). Every way of not succeeding is a [`WaiterError`]
//! naming the waiter, with botocore's reason text and the last response.
//!
//! Sleeping uses `tokio::time`, so tests may pause time; `delay` and `max_attempts` can be
//! overridden per call:
//!
//! ```ignore
//! ddb.describe_table().table_name("music").wait_until_table_exists().await?;
//! ddb.describe_table()
//!     .table_name("music")
//!     .wait_until_table_not_exists()
//!     .delay(std::time::Duration::from_secs(2))
//!     .max_attempts(10)
//!     .await?;
//! ```

use crate::__private::unbound;
use crate::client::{OperationInput, ServiceClient};
use crate::error::{Error, ErrorKind, RawModeled, Unmodeled};
use crate::jmespath::{Expression, Json};
use crate::response::{typed_output, ResponseMetadata};
use crate::schema::Operation;
use crate::value::Value;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

/// The spec types live in the model reader the generator shares (`rboto-model`); generated
/// crates name them through these paths.
pub use rboto_model::waiter::{Acceptor, Expected, Matcher, State, WaiterSpec};

/// The JSON an acceptor's `expected` literal is compared with.
trait ExpectedJson {
    fn to_json(self) -> Json;
}

impl ExpectedJson for Expected {
    fn to_json(self) -> Json {
        match self {
            Expected::Str(s) => Json::String(s.to_string()),
            Expected::Bool(b) => Json::Bool(b),
            Expected::Int(i) => Json::Int(i),
        }
    }
}

/// Matching an acceptor against a response needs the runtime (JMESPath, errors, the schema), so
/// it is written here rather than beside the spec types.
trait Matches {
    /// Whether this acceptor matches an attempt's outcome.
    fn matches(
        &self,
        op: &'static Operation,
        outcome: &Result<Value, Error<RawModeled>>,
    ) -> Result<bool, String>;
}

impl Matches for Acceptor {
    fn matches(
        &self,
        op: &'static Operation,
        outcome: &Result<Value, Error<RawModeled>>,
    ) -> Result<bool, String> {
        let service_error = |e: &Error<RawModeled>| e.kind() == ErrorKind::Service;
        Ok(match (self.matcher, outcome) {
            (Matcher::Status, Ok(_)) => self.expected == Expected::Int(i64::from(op.response_code)),
            (Matcher::Status, Err(e)) => match (e.status(), self.expected) {
                (Some(s), Expected::Int(x)) => i64::from(s) == x,
                _ => false,
            },
            (Matcher::Error, Ok(_)) => self.expected == Expected::Bool(false),
            (Matcher::Error, Err(e)) => match self.expected {
                Expected::Bool(any) => any && service_error(e),
                Expected::Str(code) => service_error(e) && e.code() == Some(code),
                Expected::Int(_) => false,
            },
            (_, Err(_)) => false,
            (m, Ok(v)) => {
                let result = Expression::parse(self.argument)
                    .and_then(|x| x.search(v, op.output))
                    .map_err(|e| e.to_string())?;
                let expected = self.expected.to_json();
                match (m, result) {
                    (Matcher::Path, r) => r == expected,
                    (Matcher::PathAll, Json::Array(a)) => {
                        !a.is_empty() && a.iter().all(|x| *x == expected)
                    }
                    (Matcher::PathAny, Json::Array(a)) => a.contains(&expected),
                    _ => false,
                }
            }
        })
    }
}

/// Why a wait ended without success.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaiterErrorKind {
    /// An acceptor moved the waiter to its failure state.
    FailureState,
    /// The service returned an error no acceptor expected.
    UnexpectedError,
    /// `max_attempts` requests were made without success.
    MaxAttempts,
    /// A request failed before reaching the service, or its response could not be read.
    RequestFailed,
}

/// A waiter ended without reaching its success state (botocore's `WaiterError`):
/// `Waiter TableExists failed: Max attempts exceeded`.
pub struct WaiterError<E = Unmodeled> {
    waiter: &'static str,
    kind: WaiterErrorKind,
    reason: String,
    last_response: Option<Json>,
    last_error: Option<Error<E>>,
}

impl<E> WaiterError<E> {
    /// The waiter's name as in the model (`TableExists`).
    pub fn waiter(&self) -> &'static str {
        self.waiter
    }
    pub fn kind(&self) -> WaiterErrorKind {
        self.kind
    }
    /// botocore's reason text.
    pub fn reason(&self) -> &str {
        &self.reason
    }
    /// The last successful response, as JSON (botocore's `last_response`), if the last
    /// attempt succeeded.
    pub fn last_response(&self) -> Option<&Json> {
        self.last_response.as_ref()
    }
    /// The last attempt's error, if it failed.
    pub fn last_error(&self) -> Option<&Error<E>> {
        self.last_error.as_ref()
    }
    pub fn into_last_error(self) -> Option<Error<E>> {
        self.last_error
    }
}

impl<E> WaiterError<E> {
    /// A wait that could not start or whose request failed with `error`.
    pub(crate) fn request_failed(waiter: &'static str, error: Error<E>) -> Self {
        WaiterError {
            waiter,
            kind: WaiterErrorKind::RequestFailed,
            reason: error.message().to_string(),
            last_response: None,
            last_error: Some(error),
        }
    }
}

impl<E> fmt::Display for WaiterError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Waiter {} failed: {}", self.waiter, self.reason)
    }
}

impl<E: fmt::Debug> fmt::Debug for WaiterError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaiterError")
            .field("waiter", &self.waiter)
            .field("kind", &self.kind)
            .field("reason", &self.reason)
            .field(
                "last_response",
                &self.last_response.as_ref().map(ToString::to_string),
            )
            .field("last_error", &self.last_error)
            .finish()
    }
}

impl<E: fmt::Debug> std::error::Error for WaiterError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        None
    }
}

/// A wait in preparation: adjust `delay` / `max_attempts`, then `.await` it (or call
/// [`Waiter::wait`]). Succeeds with the last output, or `None` when success was an error
/// (`TableNotExists` matching `ResourceNotFoundException`).
pub struct Waiter<I> {
    /// `None` for an input built without a client: waiting fails at once.
    client: Option<ServiceClient>,
    input: I,
    spec: &'static WaiterSpec,
    delay: Duration,
    max_attempts: u32,
}

impl<I> fmt::Debug for Waiter<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter")
            .field("waiter", &self.spec.name)
            .field("delay", &self.delay)
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

impl<I: OperationInput + Clone> Waiter<I> {
    pub fn new(client: ServiceClient, input: I, spec: &'static WaiterSpec) -> Self {
        Waiter {
            client: Some(client),
            input,
            spec,
            delay: Duration::from_secs(u64::from(spec.delay)),
            max_attempts: spec.max_attempts,
        }
    }

    /// A waiter polling through the client that created `input`.
    #[doc(hidden)]
    pub fn of_input(input: I, spec: &'static WaiterSpec) -> Self {
        Waiter {
            client: input.__client().cloned(),
            input,
            spec,
            delay: Duration::from_secs(u64::from(spec.delay)),
            max_attempts: spec.max_attempts,
        }
    }

    /// Time between attempts (botocore's `WaiterConfig.Delay`).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Requests to make at most (botocore's `WaiterConfig.MaxAttempts`); at least one is made.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// Waits.
    pub async fn wait(self) -> Result<Option<I::Output>, WaiterError<I::Error>> {
        let Waiter {
            client,
            input,
            spec,
            delay,
            max_attempts,
        } = self;
        let op = I::operation();
        let Some(client) = client else {
            return Err(WaiterError::request_failed(
                spec.name,
                unbound(op).into_typed(),
            ));
        };
        let next_input = move || input.clone().into_value();
        let (done, metadata) = poll(&client, op, spec, delay, max_attempts, next_input).await;
        match done {
            Ok(None) => Ok(None),
            Ok(Some(v)) => typed_output(op, v, metadata)
                .map(Some)
                .map_err(|e| WaiterError {
                    waiter: spec.name,
                    kind: WaiterErrorKind::RequestFailed,
                    reason: e.message().to_string(),
                    last_response: None,
                    last_error: Some(e),
                }),
            Err(e) => Err(e.into_typed()),
        }
    }
}

impl<I> IntoFuture for Waiter<I>
where
    I: OperationInput + Clone + Send + 'static,
    I::Output: Send,
    I::Error: Send,
{
    type Output = Result<Option<I::Output>, WaiterError<I::Error>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.wait())
    }
}

pub(crate) type WaiterErrorRaw = WaiterError<RawModeled>;

impl WaiterErrorRaw {
    /// The error with its last service error typed as `E`.
    pub(crate) fn into_typed<E: crate::error::ModeledError>(self) -> WaiterError<E> {
        WaiterError {
            waiter: self.waiter,
            kind: self.kind,
            reason: self.reason,
            last_response: self.last_response,
            last_error: self.last_error.map(Error::into_typed),
        }
    }
}

/// The waiting loop on untyped values, shared by typed waiters and the dynamic client:
/// sends `next_input()` every `delay` until an acceptor decides. Returns the outcome
/// (`Ok(None)` when success was an error) and the last response's metadata. Generic only in
/// how the next input is made (the typed waiter's `wait` is generic in its input anyway); the
/// decisions are made by the non-generic [`Run`].
pub(crate) async fn poll<F: FnMut() -> Value>(
    client: &ServiceClient,
    op: &'static Operation,
    spec: &'static WaiterSpec,
    delay: Duration,
    max_attempts: u32,
    mut next_input: F,
) -> (Result<Option<Value>, WaiterErrorRaw>, ResponseMetadata) {
    let mut metadata = ResponseMetadata::default();
    let mut run = Run {
        op,
        spec,
        max_attempts,
        attempts: 0,
        last_matched: None,
    };
    loop {
        let outcome = client
            .call_value(op, next_input())
            .await
            .map(|(value, meta)| {
                metadata = meta;
                value
            });
        match run.step(outcome) {
            Some(done) => return (done, metadata),
            None => tokio::time::sleep(delay).await,
        }
    }
}

/// The waiting loop's state and decisions, on untyped values (compiled once, not per waiter).
struct Run {
    op: &'static Operation,
    spec: &'static WaiterSpec,
    max_attempts: u32,
    attempts: u32,
    last_matched: Option<&'static Acceptor>,
}

impl Run {
    fn fail(
        &self,
        kind: WaiterErrorKind,
        reason: String,
        last: Result<Value, Error<RawModeled>>,
    ) -> Option<Result<Option<Value>, WaiterErrorRaw>> {
        let (last_response, last_error) = match last {
            Ok(v) => (Some(Json::from_value(&v, self.op.output)), None),
            Err(e) => (None, Some(e)),
        };
        Some(Err(WaiterError {
            waiter: self.spec.name,
            kind,
            reason,
            last_response,
            last_error,
        }))
    }

    /// Judges one attempt: `None` = sleep and try again.
    fn step(
        &mut self,
        outcome: Result<Value, Error<RawModeled>>,
    ) -> Option<Result<Option<Value>, WaiterErrorRaw>> {
        self.attempts += 1;
        if let Err(e) = &outcome {
            if e.kind() != ErrorKind::Service {
                let reason = e.to_string();
                return self.fail(WaiterErrorKind::RequestFailed, reason, outcome);
            }
        }
        let mut matched = None;
        for acceptor in self.spec.acceptors {
            match acceptor.matches(self.op, &outcome) {
                Ok(true) => {
                    matched = Some(acceptor);
                    break;
                }
                Ok(false) => {}
                Err(e) => {
                    let reason = format!("invalid acceptor: {e}");
                    return self.fail(WaiterErrorKind::RequestFailed, reason, outcome);
                }
            }
        }
        match (matched, &outcome) {
            (Some(a), _) => self.last_matched = Some(a),
            (None, Err(e)) => {
                let reason = format!(
                    "An error occurred ({}): {}",
                    e.code().unwrap_or("Unknown"),
                    e.service_error()
                        .and_then(|s| s.message.as_deref())
                        .unwrap_or("Unknown")
                );
                return self.fail(WaiterErrorKind::UnexpectedError, reason, outcome);
            }
            (None, Ok(_)) => {}
        }
        match matched.map(|a| (a.state, a)) {
            Some((State::Success, _)) => return Some(Ok(outcome.ok())),
            Some((State::Failure, a)) => {
                let reason = format!(
                    "Waiter encountered a terminal failure state: {}",
                    a.explanation()
                );
                return self.fail(WaiterErrorKind::FailureState, reason, outcome);
            }
            _ => {}
        }
        if self.attempts >= self.max_attempts {
            let reason = match self.last_matched {
                None => "Max attempts exceeded".to_string(),
                Some(a) => format!(
                    "Max attempts exceeded. Previously accepted state: {}",
                    a.explanation()
                ),
            };
            return self.fail(WaiterErrorKind::MaxAttempts, reason, outcome);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ServiceError;
    use crate::schema::{prelude, Member, Shape};

    static STATUS_OUT: Shape = Shape::structure(
        "Out",
        &[
            Member::new("Status", &prelude::STRING),
            Member::new("Items", &ITEMS),
        ],
    );
    static ITEM: Member = Member::item(&prelude::STRING);
    static ITEMS: Shape = Shape::list("Items", &ITEM);
    static OP: Operation = Operation::new("Describe", "POST", "/", &prelude::UNIT, &STATUS_OUT);

    fn out(status: &str, items: &[&str]) -> Result<Value, Error<RawModeled>> {
        Ok(Value::Struct(vec![
            Some(Value::Str(status.into())),
            Some(Value::List(
                items.iter().map(|s| Value::Str(s.to_string())).collect(),
            )),
        ]))
    }
    fn err(code: &str, status: u16) -> Result<Value, Error<RawModeled>> {
        Err(Error::service(ServiceError {
            code: code.into(),
            message: Some("nope".into()),
            request_id: None,
            status,
            modeled: None,
        }))
    }
    fn m(matcher: Matcher, arg: &'static str, expected: Expected) -> Acceptor {
        Acceptor::new(State::Success, matcher, arg, expected)
    }

    #[test]
    fn matchers_follow_botocore() {
        use Expected::*;
        use Matcher::*;
        let path = m(Path, "Status", Str("ACTIVE"));
        assert!(path.matches(&OP, &out("ACTIVE", &[])).unwrap());
        assert!(!path.matches(&OP, &out("CREATING", &[])).unwrap());
        assert!(!path.matches(&OP, &err("ACTIVE", 400)).unwrap());
        let all = m(PathAll, "Items", Str("ok"));
        assert!(all.matches(&OP, &out("", &["ok", "ok"])).unwrap());
        assert!(!all.matches(&OP, &out("", &["ok", "no"])).unwrap());
        assert!(!all.matches(&OP, &out("", &[])).unwrap());
        let any = m(PathAny, "Items", Str("no"));
        assert!(any.matches(&OP, &out("", &["ok", "no"])).unwrap());
        assert!(!any.matches(&OP, &out("", &[])).unwrap());
        let bool_path = m(Path, "length(Items) == `0`", Bool(true));
        assert!(bool_path.matches(&OP, &out("", &[])).unwrap());
        let status = m(Status, "", Int(404));
        assert!(status.matches(&OP, &err("NotFound", 404)).unwrap());
        assert!(!status.matches(&OP, &out("", &[])).unwrap());
        assert!(m(Status, "", Int(200)).matches(&OP, &out("", &[])).unwrap());
        let code = m(Error, "", Str("ResourceNotFoundException"));
        assert!(code
            .matches(&OP, &err("ResourceNotFoundException", 400))
            .unwrap());
        assert!(!code.matches(&OP, &err("Other", 400)).unwrap());
        assert!(!code.matches(&OP, &out("", &[])).unwrap());
        let any_error = m(Error, "", Bool(true));
        assert!(any_error.matches(&OP, &err("X", 500)).unwrap());
        assert!(!any_error.matches(&OP, &out("", &[])).unwrap());
        let no_error = m(Error, "", Bool(false));
        assert!(no_error.matches(&OP, &out("", &[])).unwrap());
        assert!(!no_error.matches(&OP, &err("X", 500)).unwrap());
        assert!(m(Path, "Status ==", Str(""))
            .matches(&OP, &out("", &[]))
            .is_err());
    }

    static RETRY_THEN_OK: WaiterSpec = WaiterSpec::new(
        "ThingReady",
        5,
        3,
        &[
            Acceptor::new(
                State::Success,
                Matcher::Path,
                "Status",
                Expected::Str("READY"),
            ),
            Acceptor::new(
                State::Failure,
                Matcher::Path,
                "Status",
                Expected::Str("BROKEN"),
            ),
            Acceptor::new(State::Retry, Matcher::Error, "", Expected::Str("NotYet")),
        ],
    );

    fn run() -> Run {
        Run {
            op: &OP,
            spec: &RETRY_THEN_OK,
            max_attempts: 3,
            attempts: 0,
            last_matched: None,
        }
    }

    #[test]
    fn loop_decisions() {
        let mut r = run();
        assert!(r.step(out("CREATING", &[])).is_none());
        assert!(r.step(err("NotYet", 400)).is_none());
        assert!(matches!(r.step(out("READY", &[])), Some(Ok(Some(_)))));

        let mut r = run();
        let e = r.step(out("BROKEN", &[])).unwrap().unwrap_err();
        assert_eq!(e.kind(), WaiterErrorKind::FailureState);
        assert_eq!(
            e.to_string(),
            "Waiter ThingReady failed: Waiter encountered a terminal failure state: \
             For expression \"Status\" we matched expected path: \"BROKEN\""
        );
        assert_eq!(
            e.last_response().and_then(|j| j.get("Status")),
            Some(&Json::from("BROKEN"))
        );

        let mut r = run();
        let e = r.step(err("Boom", 500)).unwrap().unwrap_err();
        assert_eq!(e.kind(), WaiterErrorKind::UnexpectedError);
        assert_eq!(e.reason(), "An error occurred (Boom): nope");
        assert_eq!(e.last_error().and_then(|e| e.code()), Some("Boom"));

        let mut r = run();
        assert!(r.step(err("NotYet", 400)).is_none());
        assert!(r.step(out("CREATING", &[])).is_none());
        let e = r.step(out("CREATING", &[])).unwrap().unwrap_err();
        assert_eq!(e.kind(), WaiterErrorKind::MaxAttempts);
        assert_eq!(
            e.reason(),
            "Max attempts exceeded. Previously accepted state: \
             Matched expected service error code: NotYet"
        );

        let mut r = run();
        let e = r
            .step(Err(Error::new(ErrorKind::Connection, "refused")))
            .unwrap()
            .unwrap_err();
        assert_eq!(e.kind(), WaiterErrorKind::RequestFailed);
    }

    #[test]
    fn explanations_read_like_botocore() {
        let a = Acceptor::new(
            State::Failure,
            Matcher::Path,
            "Table.TableStatus",
            Expected::Str("DELETING"),
        );
        assert_eq!(
            a.explanation(),
            "For expression \"Table.TableStatus\" we matched expected path: \"DELETING\""
        );
        let e: WaiterError = WaiterError {
            waiter: "TableExists",
            kind: WaiterErrorKind::MaxAttempts,
            reason: "Max attempts exceeded".into(),
            last_response: None,
            last_error: None,
        };
        assert_eq!(
            e.to_string(),
            "Waiter TableExists failed: Max attempts exceeded"
        );
    }
}
