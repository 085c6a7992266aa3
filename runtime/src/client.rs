//! The fixed request pipeline every operation of every service goes through:
//! validate → serialize → resolve endpoint → sign → send → parse.
//!
//! A generated input's `send()` is generic only long enough to turn the typed input into a
//! [`Value`]; everything else runs in the non-generic [`ServiceClient::call_value`], boxed once,
//! so the pipeline is compiled once and not once per operation in the caller's crate. Only
//! turning the response value into the typed output ([`ResponseFuture`]) is per operation.

use crate::config::Config;
use crate::customizations::s3_redirect::{self, BucketRegions, Redirect};
use crate::error::{Error, ErrorKind, ModeledError, RawModeled, RetryOutcome};
use crate::http::{HttpClient, SharedConnector};
use crate::pipeline::attempt::{self, Failure, Prepared, ResponseInfo};
use crate::pipeline::checksum;
#[cfg(feature = "compression")]
use crate::pipeline::compress;
use crate::pipeline::endpoint::{self, Endpoint};
use crate::pipeline::sign;
use crate::protocol;
use crate::protocol::checksum as request_checksum;
use crate::response::{ResponseFuture, ResponseMetadata};
use crate::retry::{self, RetryConfig, RetryHooks, RetryKind, RetryState, RetryStats};
use crate::schema::{Operation, Protocol, Service};
use crate::value::{IntoValue, Value};
use std::sync::Arc;
use std::time::Duration;

/// `Ok` with `work`'s output, or `Err(limit)` once `limit` (an `Option<Duration>`) has passed
/// first. The work is polled in one place whether or not there is a limit: awaiting it in both
/// arms of a match, one of them inside `tokio::time::timeout`, compiled the whole future twice
/// (the retry loop, and again each attempt). A macro rather than an async fn, so that `work` is
/// built where it is polled: an async fn would hold its argument and the polled copy apart,
/// doubling the space every call in flight takes. `biased` polls the work first, as `timeout`
/// does.
macro_rules! within {
    ($limit:expr, $work:expr) => {{
        let limit: Option<std::time::Duration> = $limit;
        let expired = async move {
            match limit {
                Some(limit) => tokio::time::sleep(limit).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            output = $work => Ok(output),
            () = expired => Err(limit.unwrap_or_default()),
        }
    }};
}

mod presign;
pub use presign::{Presign, PresignedRequest};

/// Implemented by each generated input type: ties it to its operation and result types.
pub trait OperationInput: IntoValue + Sized {
    type Output: crate::Output;
    type Error: ModeledError;
    /// The operation this input is for.
    fn operation() -> &'static Operation;
    /// The service the operation belongs to, when known (generated inputs always say): a
    /// `Stubber` (feature `test-util`) needs it for modeled exceptions before any call.
    #[doc(hidden)]
    fn __service() -> Option<&'static Service> {
        None
    }
    /// The client this input was created by (`client.op()`), if any.
    #[doc(hidden)]
    fn __client(&self) -> Option<&ServiceClient> {
        None
    }
}

/// A service client's shared core: configuration, service metadata and the HTTP client.
/// Generated `Client`s wrap one; inputs created by a client hold a clone to `send` with.
#[derive(Clone)]
pub struct ServiceClient {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    service: &'static Service,
    http: Result<SharedConnector, String>,
    /// Retry settings, quota, rate limiter and clock offset, shared by every call.
    retry: RetryState,
    /// The `User-Agent` header, the same for every call; an error (a configured user agent
    /// that is no header value) fails each call, as client construction cannot fail.
    user_agent: Result<http::HeaderValue, String>,
    /// The endpoint settings (region, FIPS, dual-stack, S3 options...), read once.
    endpoint_settings: Arc<endpoint::ResolvedEndpointConfig>,
    /// S3 buckets' regions learned from redirects.
    bucket_regions: Arc<BucketRegions>,
}

impl std::fmt::Debug for ServiceClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceClient")
            .field("service", &self.inner.service.name)
            .field("region", &self.inner.config.region)
            .finish()
    }
}

impl ServiceClient {
    pub fn new(config: &Config, service: &'static Service) -> Self {
        // A bad CA bundle must not make client construction fallible (boto3's client() isn't);
        // the error is reported by the first call instead.
        let http = match &config.connector {
            Some(connector) => Ok(connector.clone()),
            None => config
                .default_http
                .get_or_init(|| {
                    HttpClient::new(&config.http)
                        .map(SharedConnector::new)
                        .map_err(|e| e.to_string())
                })
                .clone(),
        };
        let retry = RetryState::new(RetryConfig::resolve(config, service), RetryHooks::default());
        let user_agent = crate::pipeline::user_agent::user_agent(config, retry.config.mode);
        let user_agent = http::HeaderValue::try_from(user_agent).map_err(|_| {
            "the configured user agent (user_agent, user_agent_extra or user_agent_appid) is \
             not a valid HTTP header value"
                .to_string()
        });
        ServiceClient {
            inner: Arc::new(Inner {
                config: config.clone(),
                service,
                http,
                retry,
                user_agent,
                endpoint_settings: Arc::new(endpoint::ResolvedEndpointConfig::of(config, service)),
                bucket_regions: Arc::default(),
            }),
        }
    }

    /// A client like this one (same settings and connection pool) with fresh retry state that
    /// waits and draws jitter through `hooks`: tests observe backoff without waiting.
    pub fn with_retry_hooks(&self, hooks: RetryHooks) -> Self {
        let i = &self.inner;
        ServiceClient {
            inner: Arc::new(Inner {
                config: i.config.clone(),
                service: i.service,
                http: i.http.clone(),
                retry: RetryState::new(i.retry.config, hooks),
                user_agent: i.user_agent.clone(),
                endpoint_settings: i.endpoint_settings.clone(),
                bucket_regions: i.bucket_regions.clone(),
            }),
        }
    }

    /// The resolved retry mode and max attempts.
    pub fn retry_config(&self) -> RetryConfig {
        self.inner.retry.config
    }

    /// Counters of this client's attempts, retries and retry quota.
    pub fn retry_stats(&self) -> RetryStats {
        self.inner.retry.stats()
    }

    /// The clock offset (server − local, milliseconds) learned from clock-skew errors; requests
    /// are signed at `SystemTime::now()` plus this.
    pub fn clock_offset_ms(&self) -> i64 {
        self.inner.retry.skew.offset()
    }

    /// The time to sign the next attempt with: the local clock corrected by the learned skew.
    pub fn signing_time(&self) -> std::time::SystemTime {
        self.inner.retry.skew.now()
    }

    /// In adaptive mode, the client-side send rate (requests/s) once a throttling error has
    /// turned the rate limiter on.
    pub fn adaptive_rate(&self) -> Option<f64> {
        self.inner.retry.adaptive_rate()
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The endpoint settings read when this client was made.
    pub(crate) fn endpoint_settings(&self) -> &endpoint::ResolvedEndpointConfig {
        &self.inner.endpoint_settings
    }

    pub fn service(&self) -> &'static Service {
        self.inner.service
    }

    /// Sends `input` through this client and returns its typed output.
    #[inline]
    pub fn send_input<I: OperationInput>(&self, input: I) -> ResponseFuture<I::Output, I::Error> {
        ResponseFuture::new(
            I::operation(),
            self.start(I::operation(), input.into_value()),
        )
    }

    /// The pipeline for one call, as a boxed future compiled once for every operation.
    pub(crate) fn start(&self, op: &'static Operation, input: Value) -> crate::response::RawFuture {
        let client = self.clone();
        Box::pin(async move { client.call_value(op, input).await })
    }

    /// The protocol this client speaks: the configured override if the service supports it.
    ///
    /// An override the service does not list is an error, not a silent fallback: the user asked
    /// for something this service cannot speak.
    pub fn protocol(&self) -> Result<Protocol, Error<RawModeled>> {
        let svc = self.inner.service;
        match self.inner.config.protocol {
            None => Ok(svc.protocol),
            Some(p) if svc.protocols.contains(&p) => Ok(p),
            Some(p) => {
                let listed: Vec<&str> = svc.protocols.iter().map(|p| p.as_str()).collect();
                Err(Error::new(
                    ErrorKind::InvalidConfig,
                    format!(
                        "{} does not speak the {} protocol (it speaks: {})",
                        svc.service_id,
                        p.as_str(),
                        listed.join(", ")
                    ),
                ))
            }
        }
    }

    /// The whole pipeline, on untyped values: the output value.
    pub async fn call_dyn(
        &self,
        op: &'static Operation,
        input: Value,
    ) -> Result<Value, Error<RawModeled>> {
        self.call_value(op, input).await.map(|(value, _)| value)
    }

    /// The whole pipeline, on untyped values: the output value and the response's metadata.
    pub async fn call_value(
        &self,
        op: &'static Operation,
        input: Value,
    ) -> Result<(Value, ResponseMetadata), Error<RawModeled>> {
        self.call_value_with(op, input, None).await
    }

    /// [`Self::call_dyn`] with headers computed once from the request's method and full URL,
    /// after serialization and endpoint resolution and before the first attempt (botocore's
    /// `before-call` event), so every retry sends the same ones. The login credential provider
    /// adds its DPoP proof this way.
    pub(crate) async fn call_dyn_with_headers(
        &self,
        op: &'static Operation,
        input: Value,
        headers: &BeforeCall<'_>,
    ) -> Result<Value, Error<RawModeled>> {
        self.call_value_with(op, input, Some(headers))
            .await
            .map(|(value, _)| value)
    }

    async fn call_value_with(
        &self,
        op: &'static Operation,
        input: Value,
        before_call: Option<&BeforeCall<'_>>,
    ) -> Result<(Value, ResponseMetadata), Error<RawModeled>> {
        use tracing::Instrument;
        let span = crate::trace::operation_span(
            self.inner.service.service_id,
            op.name,
            self.inner.config.region(),
        );
        self.call_value_in_span(op, input, before_call)
            .instrument(span)
            .await
    }

    async fn call_value_in_span(
        &self,
        op: &'static Operation,
        input: Value,
        before_call: Option<&BeforeCall<'_>>,
    ) -> Result<(Value, ResponseMetadata), Error<RawModeled>> {
        let svc = self.inner.service;
        if std::ptr::eq(op, &crate::schema::MISSING_OPERATION) {
            // Only a generated crate whose embedded model did not read gets here.
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "this service's embedded model could not be read, so it has no operations",
            ));
        }
        let config = &self.inner.config;
        #[cfg(feature = "test-util")]
        if let Some(stubber) = config.stubber.as_ref().filter(|s| s.is_active()) {
            // botocore's stubber answers after validation and before anything needs a region,
            // credentials or a connection.
            return self
                .validate(op, &input)
                .and_then(|()| stubber.respond(svc, op, input))
                .map_err(|e| e.with_context(op.name, None));
        }
        let account_id = crate::config::endpoint_account_id(config, svc, op)
            .await
            .map_err(|e| e.with_context(op.name, None))?;
        let redirect = Redirect::start(svc, op, &input, &self.inner.bucket_regions);
        let endpoint = endpoint::resolve(
            config,
            &self.inner.endpoint_settings,
            svc,
            op,
            &input,
            account_id,
            redirect.as_ref().and_then(|r| r.cached_region()).as_deref(),
        )
        .map_err(|e| e.with_context(op.name, None))?;
        tracing::debug!(
            endpoint = %format_args!("{}://{}{}", endpoint.scheme, endpoint.authority, endpoint.base_path),
            signing_region = %endpoint.signing_region,
            "endpoint resolved"
        );
        let ctx = |e: Error<RawModeled>| e.with_context(op.name, Some(&endpoint.authority));
        let (protocol, mut req) = self.serialize(op, input).map_err(ctx)?;
        #[cfg(feature = "compression")]
        compress::maybe_compress(config, op, &mut req);
        checksum::settle(op, &endpoint.scheme, &mut req)
            .await
            .map_err(ctx)?;
        let http = self.inner.http.as_ref().map_err(|e| {
            ctx(Error::new(
                ErrorKind::InvalidConfig,
                format!("HTTP client: {e}"),
            ))
        })?;
        let user_agent = self
            .inner
            .user_agent
            .as_ref()
            .map_err(|e| ctx(Error::new(ErrorKind::InvalidConfig, e.clone())))?;
        let mut prepared = Prepared::new(
            req,
            &endpoint,
            Some(user_agent),
            config.inject_host_prefix(),
        )
        .map_err(ctx)?;
        prepared.redirect = redirect;
        if let Some(hook) = before_call {
            let extra = hook(prepared.method.as_str(), &prepared.url)
                .map_err(|e| ctx(e.map_modeled(|n| match n {})))?;
            for (name, value) in extra {
                if let Some(name) = name {
                    prepared.headers.append(name, value);
                }
            }
        }
        let attempts = within!(
            config.http.operation_timeout,
            self.attempts(op, protocol, http, &endpoint, &mut prepared)
        );
        let result = match attempts {
            Ok(result) => result,
            Err(limit) => Err(Error::new(
                ErrorKind::Timeout,
                format!(
                    "the operation did not complete within its {} ms operation timeout",
                    limit.as_millis()
                ),
            )
            .with_retry(false, false)),
        };
        result.map_err(ctx)
    }

    /// Checks `input` against the operation's required members and constraints (before any
    /// I/O), unless parameter validation is off.
    fn validate(&self, op: &'static Operation, input: &Value) -> Result<(), Error<RawModeled>> {
        let problems = if self.inner.config.parameter_validation() {
            crate::validate::validate(op.input, input)
        } else {
            Vec::new()
        };
        if !problems.is_empty() {
            return Err(Error::new(
                ErrorKind::ParamValidation,
                format!("Parameter validation failed:\n{}", problems.join("\n")),
            ));
        }
        Ok(())
    }

    /// Validates `input`, then serializes it in this client's protocol.
    fn serialize(
        &self,
        op: &'static Operation,
        input: Value,
    ) -> Result<(Protocol, protocol::Request), Error<RawModeled>> {
        self.validate(op, &input)?;
        let protocol = self.protocol()?;
        let config = &self.inner.config;
        let checksums = request_checksum::ChecksumPolicy {
            request: config.request_checksum_calculation(),
            response: config.response_checksum_validation(),
        };
        let req = protocol::serialize_with(protocol, self.inner.service, op, input, checksums)
            .map_err(|e| {
                Error::new(
                    ErrorKind::ParamValidation,
                    format!("invalid parameters: {e}"),
                )
            })?;
        Ok((protocol, req))
    }

    /// The attempt loop: attempt, classify a failure, and retry it while attempts, a
    /// replayable body and the retry quota allow (see [`crate::retry`]).
    async fn attempts(
        &self,
        op: &'static Operation,
        protocol: Protocol,
        http: &SharedConnector,
        endpoint: &Endpoint,
        prepared: &mut Prepared,
    ) -> Result<(Value, ResponseMetadata), Error<RawModeled>> {
        let svc = self.inner.service;
        let state = &self.inner.retry;
        let cfg = state.config;
        let http_settings = &self.inner.config.http;
        let invocation_id = retry::invocation_id();
        let mut last_acquired: Option<u32> = None;
        let mut ttl: Option<String> = None;
        state.record_call();
        let mut attempt: u32 = 1;
        loop {
            let redirected = prepared
                .redirect
                .as_ref()
                .and_then(|r| r.endpoint().cloned());
            let endpoint = redirected.as_ref().unwrap_or(endpoint);
            state.before_attempt().await;
            let sdk_request = retry::sdk_request_header(ttl.as_deref(), attempt, cfg.max_attempts);
            let span = crate::trace::attempt_span(attempt);
            let started = std::time::Instant::now();
            let one = within!(
                http_settings.attempt_timeout,
                tracing::Instrument::instrument(
                    self.attempt(
                        op,
                        protocol,
                        http,
                        endpoint,
                        prepared,
                        &invocation_id,
                        sdk_request,
                    ),
                    span.clone(),
                )
            );
            let outcome = match one {
                Ok(r) => r,
                Err(limit) => Err(Failure::from(
                    Error::new(
                        ErrorKind::Timeout,
                        format!(
                            "attempt {attempt} did not complete within its {} ms attempt timeout",
                            limit.as_millis()
                        ),
                    )
                    .with_retry(true, false),
                )),
            };
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            let Failure { error, response } = match outcome {
                Ok((value, info)) => {
                    state.after_attempt(false);
                    if cfg.mode != retry::RetryMode::Legacy {
                        state.quota.release_after_success(last_acquired);
                    }
                    let metadata = info.metadata(attempt);
                    span.record("status", metadata.http_status_code);
                    if let Some(id) = &metadata.request_id {
                        span.record("request_id", id.as_str());
                    }
                    return Ok((value, metadata));
                }
                Err(f) => f,
            };
            if let Some(status) = error.status() {
                span.record("status", status);
            }
            if let Some(id) = error.request_id() {
                span.record("request_id", id);
            }
            let info = response.unwrap_or_default();
            // An S3 bucket in another region: sent there at once, without backoff or retry quota.
            // Boxed: a rare path whose state would otherwise add 3 KiB to every call's future
            // (each call in flight holds one).
            if Box::pin(s3_redirect::follow(
                self, op, protocol, http, endpoint, &error, &info, prepared,
            ))
            .await?
            {
                attempt += 1;
                continue;
            }
            let skew_corrected = error
                .code()
                .is_some_and(|c| retry::classify::CLOCK_SKEW_ERROR_CODES.contains(&c))
                && match (&info.date, info.received_at) {
                    (Some(date), Some(at)) => state.skew.observe(date, at),
                    _ => false,
                };
            if skew_corrected {
                state.record_skew_correction();
            }
            let verdict = retry::classify(&retry::Attempt {
                service: svc,
                operation: op,
                error: &error,
                crc32_mismatch: info.crc32_mismatch,
                clock_skew_corrected: skew_corrected,
            });
            state.after_attempt(verdict.is_throttling());
            let error = error.with_retry(verdict.is_retryable(), verdict.is_throttling());
            let outcome = |reason: String, max_attempts_reached| RetryOutcome {
                reason,
                retries: attempt - 1,
                max_attempts_reached,
            };
            let decided = |decision: &str| {
                span.record("retry", decision);
            };
            let Some(kind) = verdict.kind else {
                decided(&format!("no: {}", verdict.reason));
                return Err(error.with_retry_outcome(outcome(verdict.reason, false)));
            };
            if attempt >= cfg.max_attempts {
                decided("no: max attempts reached");
                return Err(error.with_retry_outcome(outcome(verdict.reason, true)));
            }
            if !prepared.replayable() {
                decided("no: the one-shot body was already sent");
                return Err(not_replayable(error));
            }
            let throttling = kind == RetryKind::Throttling;
            let delay = if kind == RetryKind::ClockSkew {
                Duration::ZERO
            } else {
                retry::standard::delay(
                    cfg.mode,
                    svc.service_id,
                    attempt,
                    throttling,
                    info.retry_after.as_deref(),
                    (state.hooks.jitter)(),
                )
            };
            if cfg.mode != retry::RetryMode::Legacy {
                match state.quota.acquire(throttling) {
                    Some(cost) => last_acquired = Some(cost),
                    None => {
                        state.record_quota_refused();
                        if retry::is_long_polling(svc.service_id, op.name) {
                            state.hooks.sleep.sleep(delay).await;
                        }
                        let reason = format!("retry quota exhausted ({})", verdict.reason);
                        decided("no: retry quota exhausted");
                        return Err(error.with_retry_outcome(outcome(reason, false)));
                    }
                }
            }
            if let (Some(date), Some(at)) = (&info.date, info.received_at) {
                ttl = retry::ttl(date, at, http_settings.read_timeout);
            }
            decided("retry");
            tracing::debug!(
                delay_ms = delay.as_millis() as u64,
                reason = %verdict.reason,
                "retrying"
            );
            state.hooks.sleep.sleep(delay).await;
            state.record_retry();
            attempt += 1;
        }
    }

    /// One attempt: sign, send, parse.
    #[allow(clippy::too_many_arguments)]
    async fn attempt(
        &self,
        op: &'static Operation,
        protocol: Protocol,
        http: &SharedConnector,
        endpoint: &Endpoint,
        prepared: &mut Prepared,
        invocation_id: &str,
        sdk_request: String,
    ) -> Result<(Value, ResponseInfo), Failure> {
        let svc = self.inner.service;
        let mut body = prepared.take_body().ok_or_else(|| {
            Error::new(
                ErrorKind::ParamValidation,
                "the request body was a stream that has already been sent",
            )
        })?;
        // Room for the headers added from here on (SDK headers, signature, date, token,
        // payload hash) up front: a clone has no spare capacity, and growing it took a
        // reallocation of the whole entry table on every attempt.
        let mut headers = http::HeaderMap::with_capacity(prepared.headers.len() + 8);
        for (name, value) in &prepared.headers {
            headers.append(name, value.clone());
        }
        headers.insert(INVOCATION_ID, sdk_header(invocation_id.to_string())?);
        headers.insert(SDK_REQUEST, sdk_header(sdk_request)?);
        sign::sign(
            &self.inner.config,
            svc,
            op,
            endpoint,
            prepared,
            &mut headers,
            &mut body,
            self.signing_time(),
        )
        .await?;
        let events_failure = body.events_mut().map(|e| e.failure());
        // Signature and token headers are marked sensitive: their Debug is `Sensitive`.
        tracing::debug!(method = %prepared.method, url = %prepared.url, headers = ?headers, "sending request");
        let request = attempt::http_request(prepared, headers, body)?;
        let response = http
            .send(request)
            .await
            .map_err(|e| attempt::events_failed(&events_failure, e.map_modeled(|n| match n {})))?;
        tracing::debug!(
            status = response.status().as_u16(),
            headers = ?response.headers(),
            "response received"
        );
        // Responses are checked when the request asked for it (botocore: the validation mode
        // member is ENABLED, which `when_supported` sets for the caller).
        let validate = request_checksum::validation_mode_header(op).is_some_and(|mode| {
            prepared
                .headers
                .get_all(mode)
                .iter()
                .any(|v| v.as_bytes().eq_ignore_ascii_case(b"ENABLED"))
        });
        let parsed = attempt::parse(svc, op, protocol, response, validate).await;
        attempt::watch_events(parsed, events_failure)
    }
}

/// Computes extra headers from a request's method and full URL (see
/// [`ServiceClient::call_dyn_with_headers`]).
pub(crate) type BeforeCall<'a> =
    dyn Fn(&str, &str) -> Result<http::HeaderMap, Error> + Send + Sync + 'a;

const INVOCATION_ID: http::HeaderName = http::HeaderName::from_static("amz-sdk-invocation-id");
const SDK_REQUEST: http::HeaderName = http::HeaderName::from_static("amz-sdk-request");

/// An SDK header's value (an invocation id, `attempt=1; max=3`): always header-safe text.
fn sdk_header(value: String) -> Result<http::HeaderValue, Error<RawModeled>> {
    http::HeaderValue::try_from(value).map_err(|e| {
        Error::new(
            ErrorKind::ParamValidation,
            format!("invalid SDK header value: {e}"),
        )
    })
}

/// A retryable failure that cannot be retried because the body was a one-shot stream.
fn not_replayable(error: Error<RawModeled>) -> Error<RawModeled> {
    if error.kind() == ErrorKind::Service {
        return error; // the service's own message says what happened
    }
    let (kind, retryable, throttling) = (error.kind(), error.is_retryable(), error.is_throttling());
    let message = format!(
        "{}; not retried: the request body was a one-shot stream that has already been sent",
        error.message()
    );
    Error::new(kind, message)
        .with_source(error)
        .with_retry(retryable, throttling)
}
