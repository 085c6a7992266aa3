//! SSO credentials (botocore's `SSOProvider` and `tokens.SSOTokenProvider`).
//!
//! The access token comes from the cache the AWS CLI's `aws sso login` writes:
//! `~/.aws/sso/cache/<sha1>.json`, where the hash is of the `sso_session` name (or, for legacy
//! profiles, of `sso_start_url`). A session token that is expired or within botocore's
//! 15-minute refresh window is refreshed through SSO-OIDC `CreateToken` (grant
//! `refresh_token`) when the cache holds a `refreshToken`, `clientId` and `clientSecret`, and
//! the cache file is rewritten. `GetRoleCredentials` then exchanges the token for role
//! credentials.

use super::profile_chain::SsoConfig;
use super::Credentials;
use crate::client::ServiceClient;
use crate::config::Config;
use crate::error::{Error, ErrorKind};
use crate::profile::{expand_home, Platform};
use crate::schema::{
    self as s, prelude as p, Location, Member, Operation, Protocol, Service, Shape,
};
use crate::types::DateTime;
use crate::value::Value;
use std::path::PathBuf;

static SENSITIVE_STRING: Shape =
    Shape::scalar("SensitiveString", s::Kind::String).with(s::SHAPE_SENSITIVE);

static GET_ROLE_CREDENTIALS_REQUEST: Shape = Shape::structure(
    "GetRoleCredentialsRequest",
    &[
        Member::new("roleName", &p::STRING)
            .at(Location::Querystring, "role_name")
            .with(s::REQUIRED),
        Member::new("accountId", &p::STRING)
            .at(Location::Querystring, "account_id")
            .with(s::REQUIRED),
        Member::new("accessToken", &SENSITIVE_STRING)
            .at(Location::Header, "x-amz-sso_bearer_token")
            .with(s::REQUIRED),
    ],
);
static ROLE_CREDENTIALS: Shape = Shape::structure(
    "RoleCredentials",
    &[
        Member::new("accessKeyId", &p::STRING),
        Member::new("secretAccessKey", &SENSITIVE_STRING),
        Member::new("sessionToken", &SENSITIVE_STRING),
        Member::new("expiration", &p::LONG),
    ],
);
static GET_ROLE_CREDENTIALS_RESPONSE: Shape = Shape::structure(
    "GetRoleCredentialsResponse",
    &[Member::new("roleCredentials", &ROLE_CREDENTIALS)],
);
static SSO_SERVICE: Service = Service {
    name: "sso",
    service_id: "SSO",
    api_version: "2019-06-10",
    endpoint_prefix: "portal.sso",
    signing_name: "awsssoportal",
    protocol: Protocol::RestJson,
    protocols: &[Protocol::RestJson],
    json_version: Some("1.1"),
    ..Service::BLANK
};
static GET_ROLE_CREDENTIALS: Operation = Operation::new(
    "GetRoleCredentials",
    "GET",
    "/federation/credentials",
    &GET_ROLE_CREDENTIALS_REQUEST,
    &GET_ROLE_CREDENTIALS_RESPONSE,
)
.with(s::NO_AUTH)
.auth(&["smithy.api#noAuth"]);

static CREATE_TOKEN_REQUEST: Shape = Shape::structure(
    "CreateTokenRequest",
    &[
        Member::new("clientId", &p::STRING).with(s::REQUIRED),
        Member::new("clientSecret", &SENSITIVE_STRING).with(s::REQUIRED),
        Member::new("grantType", &p::STRING).with(s::REQUIRED),
        Member::new("refreshToken", &SENSITIVE_STRING),
    ],
);
static CREATE_TOKEN_RESPONSE: Shape = Shape::structure(
    "CreateTokenResponse",
    &[
        Member::new("accessToken", &SENSITIVE_STRING),
        Member::new("tokenType", &p::STRING),
        Member::new("expiresIn", &p::INTEGER),
        Member::new("refreshToken", &SENSITIVE_STRING),
    ],
);
static OIDC_SERVICE: Service = Service {
    name: "sso-oidc",
    service_id: "SSO OIDC",
    api_version: "2019-06-10",
    endpoint_prefix: "oidc",
    signing_name: "sso-oauth",
    protocol: Protocol::RestJson,
    protocols: &[Protocol::RestJson],
    json_version: Some("1.1"),
    ..Service::BLANK
};
static CREATE_TOKEN: Operation = Operation::new(
    "CreateToken",
    "POST",
    "/token",
    &CREATE_TOKEN_REQUEST,
    &CREATE_TOKEN_RESPONSE,
)
.with(s::NO_AUTH)
.auth(&["smithy.api#noAuth"]);

/// botocore's token refresh window (`_REFRESH_WINDOW`, 15 minutes).
const REFRESH_WINDOW_SECS: i64 = 15 * 60;

fn client(
    config: &Config,
    service: &'static Service,
    service_id: &str,
    host: String,
    region: &str,
) -> ServiceClient {
    let url = config
        .endpoint_url_for(service_id)
        .unwrap_or_else(|| format!("https://{host}"));
    let cfg = Config::builder()
        .region(region)
        .endpoint_url(url)
        .http(config.http.clone())
        .build();
    ServiceClient::new(&cfg, service)
}

/// The cache file for a session name or start URL: `~/.aws/sso/cache/<sha1 hex>.json`.
pub fn cache_path(config: &Config, key: &str) -> Result<PathBuf, Error> {
    let env = config.env();
    let dir =
        expand_home("~/.aws/sso/cache", &|k| env.get(k), Platform::current()).ok_or_else(|| {
            Error::new(
                ErrorKind::NoCredentials,
                "SSO: cannot find the token cache: no home directory (HOME)",
            )
        })?;
    Ok(PathBuf::from(dir).join(format!("{}.json", sha1_hex(key.as_bytes()))))
}

fn no_token(what: &str) -> Error {
    Error::new(
        ErrorKind::NoCredentials,
        format!("Error loading SSO Token: {what}; run `aws sso login` to refresh it"),
    )
}

/// Reads (and refreshes when needed) the SSO access token for `cfg`.
pub async fn access_token(config: &Config, cfg: &SsoConfig) -> Result<String, Error> {
    let key = cfg.sso_session.as_deref().unwrap_or(&cfg.sso_start_url);
    let path = cache_path(config, key)?;
    let text = tokio::fs::read_to_string(&path).await.map_err(|e| {
        no_token(&format!(
            "token cache {} cannot be read ({e})",
            path.display()
        ))
    })?;
    let mut doc: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| no_token(&format!("token cache {} is not JSON ({e})", path.display())))?;
    let field =
        |d: &serde_json::Value, k: &str| d.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let token = field(&doc, "accessToken")
        .ok_or_else(|| no_token("the cached token has no accessToken"))?;
    let expires = field(&doc, "expiresAt")
        .and_then(|e| DateTime::parse_iso8601(&e).ok())
        .ok_or_else(|| no_token("the cached token has no valid expiresAt"))?;
    let left = expires.secs() - DateTime::now().secs();
    if left > REFRESH_WINDOW_SECS {
        return Ok(token);
    }
    // Legacy profiles cannot refresh.
    let refreshable = cfg.sso_session.is_some()
        && ["refreshToken", "clientId", "clientSecret"]
            .iter()
            .all(|k| field(&doc, k).is_some());
    if refreshable {
        let input = Value::Struct(vec![
            field(&doc, "clientId").map(Value::Str),
            field(&doc, "clientSecret").map(Value::Str),
            Some(Value::Str("refresh_token".into())),
            field(&doc, "refreshToken").map(Value::Str),
        ]);
        let oidc = client(
            config,
            &OIDC_SERVICE,
            "SSO OIDC",
            format!("oidc.{}.amazonaws.com", cfg.sso_region),
            &cfg.sso_region,
        );
        if let Ok(Value::Struct(out)) = oidc.call_dyn(&CREATE_TOKEN, input).await {
            let mut it = out.into_iter();
            let new_token = match it.next().flatten() {
                Some(Value::Str(s)) => Some(s),
                _ => None,
            };
            let _type = it.next();
            let expires_in = match it.next().flatten() {
                Some(Value::Int(n)) => n,
                _ => 0,
            };
            let new_refresh = match it.next().flatten() {
                Some(Value::Str(s)) => Some(s),
                _ => None,
            };
            if let Some(t) = new_token {
                let at = DateTime::from_secs(DateTime::now().secs() + expires_in);
                doc["accessToken"] = serde_json::Value::String(t.clone());
                doc["expiresAt"] = serde_json::Value::String(at.to_iso8601());
                if let Some(r) = new_refresh {
                    doc["refreshToken"] = serde_json::Value::String(r);
                }
                // A cache that cannot be written only costs a refresh next time.
                let _ = tokio::fs::write(&path, doc.to_string()).await;
                return Ok(t);
            }
        }
    }
    if left > 0 {
        return Ok(token);
    }
    Err(no_token(&format!(
        "the SSO session {} has expired",
        cfg.sso_session.as_deref().unwrap_or(&cfg.sso_start_url)
    )))
}

/// Exchanges the SSO token for the profile's role credentials.
pub async fn get_role_credentials(config: &Config, cfg: &SsoConfig) -> Result<Credentials, Error> {
    let (Some(account), Some(role)) = (&cfg.sso_account_id, &cfg.sso_role_name) else {
        return Err(Error::new(
            ErrorKind::InvalidConfig,
            "the profile's SSO configuration has no sso_account_id / sso_role_name: it can \
             provide SSO tokens but not credentials",
        ));
    };
    let token = access_token(config, cfg).await?;
    let sso = client(
        config,
        &SSO_SERVICE,
        "SSO",
        format!("portal.sso.{}.amazonaws.com", cfg.sso_region),
        &cfg.sso_region,
    );
    let input = Value::Struct(vec![
        Some(Value::Str(role.clone())),
        Some(Value::Str(account.clone())),
        Some(Value::Str(token)),
    ]);
    let out = sso
        .call_dyn(&GET_ROLE_CREDENTIALS, input)
        .await
        .map_err(|e| {
            Error::new(
                e.kind(),
                format!("SSO GetRoleCredentials for {account}/{role} failed: {e}"),
            )
        })?;
    let bad = || {
        Error::new(
            ErrorKind::ResponseParse,
            "GetRoleCredentials response has no roleCredentials",
        )
    };
    let Value::Struct(mut m) = out else {
        return Err(bad());
    };
    let Some(Some(Value::Struct(c))) = m.get_mut(0).map(Option::take) else {
        return Err(bad());
    };
    let mut it = c.into_iter();
    let mut s = || match it.next().flatten() {
        Some(Value::Str(s)) => Ok(s),
        _ => Err(bad()),
    };
    let (ak, sk, st) = (s()?, s()?, s()?);
    let exp = match it.next().flatten() {
        Some(Value::Int(ms)) => Some(DateTime::from_secs(ms / 1000)),
        _ => None,
    };
    Ok(Credentials::new(ak, sk, Some(st))
        .with_expiry(exp)
        .with_account_id(Some(account.clone()))
        .with_provider("sso"))
}

/// SHA-1 hex (for the cache file name only: the AWS CLI's choice, not a security use).
pub fn sha1_hex(data: &[u8]) -> String {
    use sha1::{Digest, Sha1};
    Sha1::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sha1_matches_known_values() {
        assert_eq!(
            super::sha1_hex(b""),
            "da39a3ee5e6b4b0d3255bfef95601890afd80709"
        );
        assert_eq!(
            super::sha1_hex(b"abc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }
}
