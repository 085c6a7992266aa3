//! EC2 instance metadata credentials (botocore's `InstanceMetadataProvider` and
//! `InstanceMetadataFetcher`):
//!
//! 1. `PUT /latest/api/token` with `x-aws-ec2-metadata-token-ttl-seconds: 21600` (IMDSv2);
//!    a 403/404/405 or a timeout means no token, so the calls fall back to IMDSv1 unless
//!    `ec2_metadata_v1_disabled`; a 400 gives up;
//! 2. `GET /latest/meta-data/iam/security-credentials/` (with `x-aws-ec2-metadata-token`)
//!    → the role name;
//! 3. `GET /latest/meta-data/iam/security-credentials/<role>` → the JSON credentials.
//!
//! Each request has botocore's timeout (1 s, `metadata_service_timeout`) and attempts (1,
//! `metadata_service_num_attempts`). `AWS_EC2_METADATA_DISABLED=true` turns the provider off.
//! Static stability: credentials that come back already expired (an instance cut off from the
//! credential service) are used for another 5–10 minutes, with the expiry pushed out, as
//! botocore's `_evaluate_expiration` does; a failed refresh reuses the last credentials the
//! same way.

use super::{from_json_document, Credentials};
use crate::config::ImdsSettings;
use crate::error::{Error, ErrorKind};
use crate::http::{Connector, HttpClient, HttpSettings};
use crate::types::{Body, DateTime};
use std::sync::Mutex;

const TOKEN_TTL: &str = "21600";
const CREDENTIALS_PATH: &str = "/latest/meta-data/iam/security-credentials/";
const AZ_PATH: &str = "/latest/meta-data/placement/availability-zone/";

/// Why IMDS gave nothing (the default chain reports it and moves on).
pub type Skip = String;

/// Fetches role credentials from the instance metadata service.
#[derive(Debug)]
pub struct ImdsProvider {
    settings: ImdsSettings,
    last: Mutex<Option<Credentials>>,
}

struct Resp {
    status: u16,
    body: String,
}

impl ImdsProvider {
    pub fn new(settings: ImdsSettings) -> ImdsProvider {
        ImdsProvider {
            settings,
            last: Mutex::new(None),
        }
    }

    pub fn settings(&self) -> &ImdsSettings {
        &self.settings
    }

    /// `Ok(Err(reason))` when there is nothing to get (disabled, unreachable, no role).
    pub async fn fetch(&self) -> Result<Result<Credentials, Skip>, Error> {
        if self.settings.disabled {
            return Ok(Err("disabled by AWS_EC2_METADATA_DISABLED=true".into()));
        }
        match self.fetch_inner().await {
            Ok(Ok(c)) => {
                let c = stabilize(c);
                *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(c.clone());
                Ok(Ok(c))
            }
            other => {
                let last = self.last.lock().unwrap_or_else(|e| e.into_inner()).clone();
                match last {
                    Some(c) => Ok(Ok(extend(c))),
                    None => other,
                }
            }
        }
    }

    /// The instance's region (botocore's `InstanceMetadataRegionFetcher`: the availability
    /// zone less its last letter), or `None` when the service is disabled, unreachable or
    /// says nothing; for `defaults_mode = auto`. Bounded by the settings' timeout per request.
    pub(crate) async fn region(&self) -> Option<String> {
        if self.settings.disabled {
            return None;
        }
        let http = HttpClient::new(&HttpSettings {
            connect_timeout: self.settings.timeout,
            read_timeout: self.settings.timeout,
            proxies: self.settings.proxies.clone(),
            ..HttpSettings::default()
        })
        .ok()?;
        let ttl = [("x-aws-ec2-metadata-token-ttl-seconds", TOKEN_TTL)];
        let token = match self
            .request(&http, "PUT", &self.settings.token_url(), &ttl)
            .await
        {
            Ok(r) if r.status == 200 && !r.body.is_empty() => Some(r.body),
            _ if self.settings.v1_disabled => return None,
            _ => None,
        };
        let headers: Vec<(&str, &str)> = token
            .as_deref()
            .map(|t| ("x-aws-ec2-metadata-token", t))
            .into_iter()
            .collect();
        let url = format!("{}{AZ_PATH}", self.settings.endpoint);
        for _ in 0..self.settings.attempts {
            if let Ok(r) = self.request(&http, "GET", &url, &headers).await {
                let mut region = r.body.trim().to_string();
                if r.status == 200 && region.pop().is_some() && !region.is_empty() {
                    return Some(region);
                }
            }
        }
        None
    }

    async fn fetch_inner(&self) -> Result<Result<Credentials, Skip>, Error> {
        let http = HttpClient::new(&HttpSettings {
            connect_timeout: self.settings.timeout,
            read_timeout: self.settings.timeout,
            proxies: self.settings.proxies.clone(),
            ..HttpSettings::default()
        })?;
        let base = &self.settings.endpoint;
        let token = match self
            .request(
                &http,
                "PUT",
                &self.settings.token_url(),
                &[("x-aws-ec2-metadata-token-ttl-seconds", TOKEN_TTL)],
            )
            .await
        {
            Ok(r) if r.status == 200 && !r.body.is_empty() => Some(r.body),
            Ok(r) if r.status == 400 => {
                return Ok(Err(format!(
                    "the token request to {base} was rejected (HTTP 400)"
                )))
            }
            Ok(_) => None,
            Err(e) if e.kind() == ErrorKind::ReadTimeout => None,
            Err(e) => return Ok(Err(format!("{base} is not reachable: {e}"))),
        };
        if token.is_none() && self.settings.v1_disabled {
            return Err(Error::new(
                ErrorKind::NoCredentials,
                "Unable to retrieve token for use in IMDSv2 call and IMDSv1 has been disabled \
                 (ec2_metadata_v1_disabled)",
            ));
        }
        let headers: Vec<(&str, &str)> = match &token {
            Some(t) => vec![("x-aws-ec2-metadata-token", t.as_str())],
            None => vec![],
        };
        let get = |path: String| {
            let headers = headers.clone();
            let http = &http;
            async move {
                let url = format!("{base}{path}");
                let mut last = Err(format!("no attempt made to {url}"));
                for _ in 0..self.settings.attempts {
                    match self.request(http, "GET", &url, &headers).await {
                        Ok(r) if r.status == 200 && !r.body.is_empty() => return Ok(r.body),
                        Ok(r) => last = Err(format!("GET {url}: HTTP {}", r.status)),
                        Err(e) => last = Err(format!("GET {url}: {e}")),
                    }
                }
                last
            }
        };
        let role = match get(CREDENTIALS_PATH.to_string()).await {
            Ok(body) => body.lines().next().unwrap_or_default().trim().to_string(),
            Err(why) => return Ok(Err(why)),
        };
        let body = match get(format!("{CREDENTIALS_PATH}{role}")).await {
            Ok(b) => b,
            Err(why) => return Ok(Err(why)),
        };
        let doc: serde_json::Value = match serde_json::from_str(&body) {
            Ok(d) => d,
            Err(_) => return Ok(Err(format!("role {role}: the response is not JSON"))),
        };
        if doc.get("Code").is_some() && doc.get("AccessKeyId").is_none() {
            return Ok(Err(format!(
                "role {role}: {} {}",
                doc["Code"].as_str().unwrap_or_default(),
                doc.get("Message")
                    .and_then(|m| m.as_str())
                    .unwrap_or_default()
            )));
        }
        for k in ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"] {
            if doc.get(k).is_none() {
                return Ok(Err(format!("role {role}: the response has no {k}")));
            }
        }
        from_json_document(&doc, &format!("instance metadata role {role}"), "iam-role").map(Ok)
    }

    async fn request(
        &self,
        http: &HttpClient,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
    ) -> Result<Resp, Error> {
        let mut b = http::Request::builder().method(method).uri(url);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let req = b.body(Body::empty()).map_err(|e| {
            Error::new(
                ErrorKind::InvalidConfig,
                format!("invalid metadata service URL {url}: {e}"),
            )
        })?;
        // Through the `Connector` trait: its boxed future shares the one compiled copy of
        // `HttpClient::send` with every other caller, where the bare future would be compiled
        // again inside this timeout.
        let sending = Connector::send(http, req);
        let resp = tokio::time::timeout(self.settings.timeout * 2, sending)
            .await
            .map_err(|_| Error::new(ErrorKind::ReadTimeout, format!("{url}: timed out")))??;
        let status = resp.status().as_u16();
        let body = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| e.into_error())?;
        Ok(Resp {
            status,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }
}

/// Pushes an expiry that has passed (or is about to) 5–10 minutes into the future.
fn stabilize(c: Credentials) -> Credentials {
    match c.expiry() {
        Some(e) if e.secs() <= DateTime::now().secs() => extend(c),
        _ => c,
    }
}

fn extend(c: Credentials) -> Credentials {
    let now = DateTime::now();
    if c.expiry().is_some_and(|e| e.secs() > now.secs() + 300) {
        return c;
    }
    // 5 minutes plus up to 5 more, varied so a fleet does not refresh in step.
    let jitter = i64::from(now.subsec_nanos() % 300);
    c.with_expiry(Some(DateTime::from_secs(now.secs() + 300 + jitter)))
}
