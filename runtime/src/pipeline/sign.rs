//! Signing one attempt with the operation's auth scheme ([`super::auth`]): SigV4 with
//! credentials from the config's provider, a bearer token, or nothing at all.

use super::attempt::Prepared;
use super::auth::{self, Scheme};
use super::endpoint::Endpoint;
use crate::config::Config;
use crate::credentials::{bearer_env_var, profile_chain, sso, AuthToken};
use crate::error::{Error, ErrorKind, RawModeled};
use crate::schema::{Operation, Service, UNSIGNED_PAYLOAD};
use crate::sigv4;
use crate::types::Body;

/// Adds the operation's auth to `headers`: for SigV4, the signature headers for the
/// clock-corrected `time` (and `x-amz-security-token`, `x-amz-content-sha256`). An input event
/// stream's messages are then signed on the request's signature; with no SigV4 they go unsigned.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn sign(
    config: &Config,
    service: &'static Service,
    op: &'static Operation,
    endpoint: &Endpoint,
    prepared: &Prepared,
    headers: &mut http::HeaderMap,
    body: &mut Body,
    time: std::time::SystemTime,
) -> Result<(), Error<RawModeled>> {
    match auth::resolve(config, service, op)? {
        Scheme::Anonymous => return Ok(()),
        Scheme::Bearer => return bearer(config, service, endpoint, headers).await,
        Scheme::SigV4 => {}
    }
    let sign_payload = crate::config::s3_should_sign_payload(crate::config::PayloadSigningInput {
        s3_signer: crate::customizations::s3::uses_s3_signer(service),
        setting: config.s3_payload_signing_enabled(),
        https: endpoint.scheme.eq_ignore_ascii_case("https"),
        checksum_header: prepared.headers.keys().any(|k| {
            // Header names are lower case in a HeaderMap.
            k == "content-md5" || k.as_str().starts_with("x-amz-checksum-")
        }),
        streaming_input: op.input.members().iter().any(|m| m.is_streaming()),
        unsigned_payload_operation: op.has(UNSIGNED_PAYLOAD),
    });
    let read_ahead;
    let signable_body = match (&prepared.payload_hash, body.bytes()) {
        // A trailer-checksummed body is signed as such whatever the setting (botocore asks
        // `_is_streaming_checksum_payload` first); a digest read ahead only when signing.
        (Some(hash), _) if sign_payload || hash.starts_with("STREAMING-") => {
            sigv4::SignableBody::Precomputed(hash)
        }
        (None, Some(b)) if sign_payload => sigv4::SignableBody::Precomputed(
            prepared.body_sha256.get_or_init(|| sigv4::sha256_hex(b)),
        ),
        // A body that can be read again (a file) is hashed ahead, as botocore's `payload()`
        // reads a seekable body and rewinds it.
        (None, None) if sign_payload && !body.is_one_shot() => {
            read_ahead = sha256_ahead(body).await?;
            sigv4::SignableBody::Precomputed(&read_ahead)
        }
        _ => sigv4::SignableBody::UnsignedPayload,
    };
    let location = sigv4::SignatureLocation::Headers;
    let (out, creds) = sign_with(
        config,
        endpoint,
        prepared,
        headers,
        signable_body,
        location,
        time,
    )
    .await?;
    tracing::debug!(
        canonical_request = %crate::trace::CanonicalRequest(&out.canonical_request),
        string_to_sign = %out.string_to_sign,
        "signed (SigV4)"
    );
    if let Some(events) = body.events_mut() {
        events.seed(chunk_signer(&out, &creds, endpoint)?, time);
    }
    for (name, value) in out.headers {
        // The signer's own values (date, token, hash, signature) are header-safe text: a
        // session token is the only one from outside, and the signer refused a bad one.
        let value = http::HeaderValue::try_from(value).map_err(|_| {
            Error::new(
                ErrorKind::Signing,
                format!("the signature header {name} is not a valid header value"),
            )
        })?;
        let mut value = value;
        value.set_sensitive(matches!(name, "authorization" | "x-amz-security-token"));
        headers.insert(http::HeaderName::from_static(name), value);
    }
    Ok(())
}

/// botocore's `BearerAuth.add_auth`: the token replaces any `Authorization` header, and is
/// only ever sent over TLS since it is the credential itself. The token is the explicit one,
/// else the service's environment variable, else the profile's SSO session token (botocore's
/// token provider chain: `SSOTokenProvider`, refreshed through SSO OIDC as credentials are).
async fn bearer(
    config: &Config,
    service: &'static Service,
    endpoint: &Endpoint,
    headers: &mut http::HeaderMap,
) -> Result<(), Error<RawModeled>> {
    let env_var = bearer_env_var(service.signing_name);
    let token = match &config.auth_token {
        Some(t) => t.clone(),
        None => match config.env.get(&env_var) {
            Some(t) => AuthToken::new(t),
            None => match profile_chain::sso_session_config(config).map_err(raw)? {
                Some(sso) => AuthToken::new(sso_token(config, &sso).await.map_err(raw)?),
                None => {
                    return Err(Error::new(
                        ErrorKind::NoCredentials,
                        format!(
                            "Unable to locate authorization token (looked in: explicit config, \
                             environment variable {env_var}, the profile's sso_session)"
                        ),
                    ))
                }
            },
        },
    };
    if !endpoint.scheme.eq_ignore_ascii_case("https") {
        return Err(Error::new(
            ErrorKind::InvalidConfig,
            "Bearer authorization requires an HTTPS endpoint.",
        ));
    }
    let mut value =
        http::HeaderValue::try_from(format!("Bearer {}", token.token())).map_err(|_| {
            Error::new(
                ErrorKind::InvalidConfig,
                "the bearer token is not a valid HTTP header value",
            )
        })?;
    value.set_sensitive(true);
    headers.insert(http::header::AUTHORIZATION, value);
    Ok(())
}

/// The SSO session's token, boxed behind a declared type: refreshing it is itself a call
/// through this pipeline, and the compiler needs the recursion cut at a named future.
fn sso_token<'a>(
    config: &'a Config,
    sso: &'a profile_chain::SsoConfig,
) -> crate::http::BoxFuture<'a, Result<String, Error>> {
    Box::pin(sso::access_token(config, sso))
}

/// A runtime error as the pipeline's (no modeled exception can be one).
fn raw(e: Error) -> Error<RawModeled> {
    e.map_modeled(|never| match never {})
}

/// The `X-Amz-*` query parameters (already encoded) that presign `prepared` (its headers
/// included) for `expires_in` from `time`. S3 signs `UNSIGNED-PAYLOAD`, as botocore's
/// `S3SigV4QueryAuth` does; other services the (empty) body.
pub(crate) async fn presign(
    config: &Config,
    endpoint: &Endpoint,
    prepared: &Prepared,
    time: std::time::SystemTime,
    expires_in: std::time::Duration,
) -> Result<Vec<(String, String)>, Error<RawModeled>> {
    let headers = &prepared.headers;
    let body = if endpoint.disable_double_encoding {
        sigv4::SignableBody::UnsignedPayload
    } else {
        sigv4::SignableBody::Bytes(b"")
    };
    let location = sigv4::SignatureLocation::QueryParams { expires_in };
    let (out, _) = sign_with(config, endpoint, prepared, headers, body, location, time).await?;
    Ok(out.query)
}

async fn sign_with(
    config: &Config,
    endpoint: &Endpoint,
    prepared: &Prepared,
    headers: &http::HeaderMap,
    body: sigv4::SignableBody<'_>,
    location: sigv4::SignatureLocation,
    time: std::time::SystemTime,
) -> Result<(sigv4::SigningOutput, crate::Credentials), Error<RawModeled>> {
    let provider = config.credentials.as_ref().ok_or_else(|| {
        Error::new(
            ErrorKind::NoCredentials,
            "Unable to locate credentials (looked in: explicit config, environment \
             variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)",
        )
    })?;
    let creds = provider
        .provide_credentials()
        .await
        .map_err(|e| e.map_modeled(|n| match n {}))?;
    let s3_style = endpoint.disable_double_encoding;
    let signable = sigv4::SignableRequest {
        method: prepared.method.as_str(),
        uri: &prepared.uri,
        headers: headers.into(),
        body,
    };
    let params = sigv4::SigningParams {
        access_key_id: creds.access_key_id(),
        secret_access_key: creds.secret_access_key(),
        session_token: creds.session_token(),
        region: &endpoint.signing_region,
        service: &endpoint.signing_name,
        time,
        settings: sigv4::SigningSettings {
            normalize_path: !s3_style,
            double_uri_encode: !s3_style,
            payload_checksum_header: s3_style,
            location,
            session_token_signed: true,
        },
    };
    let out = sigv4::sign(&signable, &params).map_err(|e| {
        Error::new(
            ErrorKind::Signing,
            format!("could not sign the request: {e}"),
        )
    })?;
    Ok((out, creds))
}

/// The signer of an input event stream's messages, seeded with the request's own signature.
fn chunk_signer(
    out: &sigv4::SigningOutput,
    creds: &crate::Credentials,
    endpoint: &Endpoint,
) -> Result<crate::eventstream::ChunkSigner, Error<RawModeled>> {
    let seed = out
        .headers
        .iter()
        .find(|(k, _)| *k == "authorization")
        .and_then(|(_, v)| v.rsplit_once("Signature="))
        .map(|(_, sig)| sig);
    crate::eventstream::ChunkSigner::new(
        creds.secret_access_key(),
        &endpoint.signing_region,
        &endpoint.signing_name,
        seed.unwrap_or_default(),
    )
    .map_err(|e| {
        Error::new(
            ErrorKind::Signing,
            format!("could not sign the input event stream: {e}"),
        )
    })
}

/// The hex SHA-256 of a re-readable body, read from a fresh copy of it.
async fn sha256_ahead(body: &Body) -> Result<String, Error<RawModeled>> {
    let mut copy = body.try_clone().ok_or_else(|| {
        Error::new(
            ErrorKind::ParamValidation,
            "could not read the request body to sign it: it can no longer be opened",
        )
    })?;
    let mut hasher = ring::digest::Context::new(&ring::digest::SHA256);
    while let Some(chunk) = copy.next_chunk().await {
        hasher.update(&chunk.map_err(|e| e.into_error().map_modeled(|n| match n {}))?);
    }
    Ok(sigv4::hex_lower(hasher.finish().as_ref()))
}
