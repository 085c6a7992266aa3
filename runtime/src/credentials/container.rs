//! Container credentials (botocore's `ContainerProvider` and `ContainerMetadataFetcher`): ECS
//! task roles and EKS Pod Identity.
//!
//! * `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` → `http://169.254.170.2<uri>` (wins);
//! * `AWS_CONTAINER_CREDENTIALS_FULL_URI`: any `https` URL; `http` only to a loopback address
//!   or one of `169.254.170.2`, `169.254.170.23`, `fd00:ec2::23`, `localhost`;
//! * `Authorization` header from the file `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (re-read
//!   on every fetch, EKS rotates it), else `AWS_CONTAINER_AUTHORIZATION_TOKEN`;
//! * 2 s timeout, 3 attempts one second apart, `Accept: application/json`.

use super::{from_json_document, Credentials};
use crate::config::Env;
use crate::error::{Error, ErrorKind};
use crate::http::{Connector, HttpClient, HttpSettings};
use crate::types::Body;
use std::net::IpAddr;
use std::time::Duration;

pub const ECS_HOST: &str = "169.254.170.2";
const ALLOWED_HOSTS: &[&str] = &[ECS_HOST, "169.254.170.23", "fd00:ec2::23", "localhost"];
const TIMEOUT: Duration = Duration::from_secs(2);
const ATTEMPTS: u32 = 3;
const SLEEP: Duration = Duration::from_secs(1);

/// The reason given when neither variable is set.
pub const NOT_CONFIGURED: &str = "No environment variables were set to configure ECS provider \
    (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or AWS_CONTAINER_CREDENTIALS_FULL_URI)";

/// The URL the provider calls, `Ok(None)` when the variables are not set.
pub fn resolve_uri(env: &dyn Fn(&str) -> Option<String>) -> Result<Option<String>, Error> {
    let get = |k: &str| env(k).filter(|v| !v.is_empty());
    if let Some(rel) = get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
        return Ok(Some(format!("http://{ECS_HOST}{rel}")));
    }
    let Some(full) = get("AWS_CONTAINER_CREDENTIALS_FULL_URI") else {
        return Ok(None);
    };
    let invalid = |why: String| {
        Error::new(
            ErrorKind::InvalidConfig,
            format!("AWS_CONTAINER_CREDENTIALS_FULL_URI {full:?}: {why}"),
        )
    };
    let Some((scheme, rest)) = full.split_once("://") else {
        return Err(invalid("URI did not specify a host".into()));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    if host.is_empty() {
        return Err(invalid("URI did not specify a host".into()));
    }
    match scheme {
        "https" => {}
        "http" => {
            let loopback = host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
            if !loopback && !ALLOWED_HOSTS.contains(&host) {
                return Err(invalid(format!(
                    "Unsupported host '{host}'. Can only retrieve metadata from a loopback \
                     address or one of these hosts: {}",
                    ALLOWED_HOSTS.join(", ")
                )));
            }
        }
        other => return Err(invalid(format!("unsupported scheme {other:?}"))),
    }
    Ok(Some(full))
}

/// The `Authorization` header value, if configured.
fn auth_token(env: &Env) -> Result<Option<String>, Error> {
    if let Some(path) = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
        let token = std::fs::read_to_string(&path).map_err(|e| {
            Error::new(
                ErrorKind::InvalidConfig,
                format!("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {path}: cannot read: {e}"),
            )
        })?;
        return Ok(Some(token.trim().to_string()));
    }
    Ok(env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN"))
}

/// Fetches credentials from the container endpoint; `Ok(Err(reason))` when not configured.
pub async fn fetch(env: &Env) -> Result<Result<Credentials, String>, Error> {
    let Some(url) = resolve_uri(&|k| env.get(k))? else {
        return Ok(Err(NOT_CONFIGURED.to_string()));
    };
    let token = auth_token(env)?;
    if token.as_deref().is_some_and(|t| t.contains(['\r', '\n'])) {
        return Err(Error::new(
            ErrorKind::InvalidConfig,
            "the container authorization token contains a newline",
        ));
    }
    let http = HttpClient::new(&HttpSettings {
        connect_timeout: TIMEOUT,
        read_timeout: TIMEOUT,
        ..HttpSettings::default()
    })?;
    let mut last = String::new();
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(SLEEP).await;
        }
        let mut b = http::Request::builder()
            .method("GET")
            .uri(&url)
            .header("accept", "application/json");
        if let Some(t) = &token {
            b = b.header("authorization", t.as_str());
        }
        let req = b.body(Body::empty()).map_err(|e| {
            Error::new(
                ErrorKind::InvalidConfig,
                format!("container credentials URL {url}: {e}"),
            )
        })?;
        // Through the `Connector` trait: its boxed future shares the one compiled copy of
        // `HttpClient::send` with every other caller, rather than compiling it again here.
        let resp = match Connector::send(&http, req).await {
            Ok(r) => r,
            Err(e) => {
                last = format!("{url}: {e}");
                continue;
            }
        };
        let status = resp.status().as_u16();
        let body = match resp.into_body().collect().await {
            Ok(b) => b,
            Err(e) => {
                last = format!("{url}: {e}");
                continue;
            }
        };
        if status != 200 {
            last = format!(
                "Received non 200 response {status} from container metadata: {}",
                String::from_utf8_lossy(&body)
            );
            continue;
        }
        match serde_json::from_slice::<serde_json::Value>(&body) {
            Ok(doc) => {
                return from_json_document(
                    &doc,
                    &format!("container credentials {url}"),
                    "container-role",
                )
                .map(Ok)
            }
            Err(_) => {
                last = "Unable to parse JSON returned from container metadata services".into();
            }
        }
    }
    Err(Error::new(
        ErrorKind::NoCredentials,
        format!("Error retrieving credentials from container metadata after {ATTEMPTS} attempts: {last}"),
    ))
}
