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
use super::services::{self, Fields, SSO, SSO_OIDC};
use super::Credentials;
use crate::config::Config;
use crate::error::{Error, ErrorKind};
use crate::profile::{expand_home, Platform};
use crate::types::DateTime;
use crate::value::Value;
use std::path::PathBuf;

/// botocore's token refresh window (`_REFRESH_WINDOW`, 15 minutes).
const REFRESH_WINDOW_SECS: i64 = 15 * 60;

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
    let text = super::fs::read_to_string(&path).await.map_err(|e| {
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
        let op = SSO_OIDC.operation("CreateToken");
        let input = services::input(
            op,
            vec![
                ("clientId", field(&doc, "clientId").map(Value::Str)),
                ("clientSecret", field(&doc, "clientSecret").map(Value::Str)),
                ("grantType", Some(Value::Str("refresh_token".into()))),
                ("refreshToken", field(&doc, "refreshToken").map(Value::Str)),
            ],
        )?;
        let oidc = services::client(config, SSO_OIDC.get(), Some(&cfg.sso_region), None);
        if let Ok(out) = oidc.call_dyn(op, input).await {
            let mut out = Fields::of(op.output, out);
            let new_token = out.string("accessToken");
            let expires_in = match out.take("expiresIn") {
                Some(Value::Int(n)) => n,
                _ => 0,
            };
            let new_refresh = out.string("refreshToken");
            if let Some(t) = new_token {
                let at = DateTime::from_secs(DateTime::now().secs() + expires_in);
                doc["accessToken"] = serde_json::Value::String(t.clone());
                doc["expiresAt"] = serde_json::Value::String(at.to_iso8601());
                if let Some(r) = new_refresh {
                    doc["refreshToken"] = serde_json::Value::String(r);
                }
                // A cache that cannot be written only costs a refresh next time.
                let bytes = doc.to_string().into_bytes();
                let _ = super::fs::write_with(path, |p, b| std::fs::write(p, b), bytes).await;
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
    let op = SSO.operation("GetRoleCredentials");
    let input = services::input(
        op,
        vec![
            ("roleName", Some(Value::Str(role.clone()))),
            ("accountId", Some(Value::Str(account.clone()))),
            ("accessToken", Some(Value::Str(token))),
        ],
    )?;
    let out = services::client(config, SSO.get(), Some(&cfg.sso_region), None)
        .call_dyn(op, input)
        .await
        .map_err(|e| {
            Error::new(
                e.kind(),
                format!("SSO GetRoleCredentials for {account}/{role} failed: {e}"),
            )
        })?;
    let bad = |what: &str| {
        Error::new(
            ErrorKind::ResponseParse,
            format!("GetRoleCredentials response has no {what}"),
        )
    };
    let mut c = Fields::of(op.output, out)
        .structure("roleCredentials")
        .ok_or_else(|| bad("roleCredentials"))?;
    let mut s = |name: &str| c.string(name).ok_or_else(|| bad(name));
    let (ak, sk, st) = (s("accessKeyId")?, s("secretAccessKey")?, s("sessionToken")?);
    let exp = match c.take("expiration") {
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
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, data);
    crate::sigv4::hex_lower(digest.as_ref())
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
