//! Signing one attempt: credentials from the config's provider, SigV4 over the prepared request.

use super::attempt::Prepared;
use super::endpoint::Endpoint;
use crate::config::Config;
use crate::error::{Error, ErrorKind, RawModeled};
use crate::schema::{Operation, NO_AUTH, UNSIGNED_PAYLOAD};
use crate::sigv4;
use crate::types::Body;

/// Adds, for the clock-corrected `time`, the signature headers (and `x-amz-security-token`, `x-amz-content-sha256`) to `headers`.
pub(crate) async fn sign(
    config: &Config,
    op: &'static Operation,
    endpoint: &Endpoint,
    prepared: &Prepared,
    headers: &mut Vec<(String, String)>,
    body: &Body,
    time: std::time::SystemTime,
) -> Result<(), Error<RawModeled>> {
    if op.has(NO_AUTH) {
        return Ok(());
    }
    let signable_body = match body.bytes() {
        Some(b) if !op.has(UNSIGNED_PAYLOAD) => sigv4::SignableBody::Bytes(b),
        _ => sigv4::SignableBody::UnsignedPayload,
    };
    let location = sigv4::SignatureLocation::Headers;
    let out = sign_with(
        config,
        endpoint,
        prepared,
        headers,
        signable_body,
        location,
        time,
    )
    .await?;
    headers.extend(out.headers.into_iter().map(|(k, v)| (k.to_string(), v)));
    Ok(())
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
    let out = sign_with(config, endpoint, prepared, headers, body, location, time).await?;
    Ok(out.query)
}

async fn sign_with(
    config: &Config,
    endpoint: &Endpoint,
    prepared: &Prepared,
    headers: &[(String, String)],
    body: sigv4::SignableBody<'_>,
    location: sigv4::SignatureLocation,
    time: std::time::SystemTime,
) -> Result<sigv4::SigningOutput, Error<RawModeled>> {
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
    let header_refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let signable = sigv4::SignableRequest {
        method: prepared.method,
        uri: &prepared.uri,
        headers: &header_refs,
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
    sigv4::sign(&signable, &params).map_err(|e| {
        Error::new(
            ErrorKind::Signing,
            format!("could not sign the request: {e}"),
        )
    })
}
