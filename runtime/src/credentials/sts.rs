//! STS calls made by the credential providers: `AssumeRole` and `AssumeRoleWithWebIdentity`,
//! on STS's own schema and endpoint rules (`credentials::services`).

use super::profile_chain::RoleArn;
use super::services::{self, Fields, STS};
use super::Credentials;
use crate::config::Config;
use crate::error::{Error, ErrorKind};
use crate::types::DateTime;
use crate::value::Value;

/// botocore's default session name: `botocore-session-<unix time>`.
pub fn default_session_name() -> String {
    format!("botocore-session-{}", DateTime::now().secs())
}

fn str_value(s: &str) -> Option<Value> {
    Some(Value::Str(s.to_string()))
}

/// Calls `AssumeRole` for `role` with `source` credentials. `token_code` answers `mfa_serial`.
pub async fn assume_role(
    config: &Config,
    source: Credentials,
    role: &RoleArn,
    token_code: Option<String>,
) -> Result<Credentials, Error> {
    let session = role
        .role_session_name
        .clone()
        .unwrap_or_else(default_session_name);
    let op = STS.operation("AssumeRole");
    let input = services::input(
        op,
        vec![
            ("RoleArn", str_value(&role.role_arn)),
            ("RoleSessionName", str_value(&session)),
            (
                "DurationSeconds",
                role.duration_seconds.map(|d| Value::Int(i64::from(d))),
            ),
            (
                "ExternalId",
                role.external_id.as_deref().and_then(str_value),
            ),
            (
                "SerialNumber",
                role.mfa_serial.as_deref().and_then(str_value),
            ),
            ("TokenCode", token_code.map(Value::Str)),
        ],
    )?;
    let out = services::client(config, STS.get(), config.region(), Some(source))
        .call_dyn(op, input)
        .await
        .map_err(|e| {
            Error::new(
                e.kind(),
                format!(
                    "assume role {} (profile `{}`) failed: {e}",
                    role.role_arn, role.profile
                ),
            )
        })?;
    let out = Fields::of(op.output, out);
    credentials_from(out, "AssumeRole", "assume-role")
}

/// Calls `AssumeRoleWithWebIdentity` (unsigned) with the token read from a file.
pub async fn assume_role_with_web_identity(
    config: &Config,
    role_arn: &str,
    token: &str,
    session_name: Option<&str>,
) -> Result<Credentials, Error> {
    let session = session_name
        .map(str::to_string)
        .unwrap_or_else(default_session_name);
    let op = STS.operation("AssumeRoleWithWebIdentity");
    let input = services::input(
        op,
        vec![
            ("RoleArn", str_value(role_arn)),
            ("RoleSessionName", str_value(&session)),
            ("WebIdentityToken", str_value(token)),
        ],
    )?;
    let out = services::client(config, STS.get(), config.region(), None)
        .call_dyn(op, input)
        .await
        .map_err(|e| {
            Error::new(
                e.kind(),
                format!("assume role {role_arn} with web identity failed: {e}"),
            )
        })?;
    let out = Fields::of(op.output, out);
    credentials_from(
        out,
        "AssumeRoleWithWebIdentity",
        "assume-role-with-web-identity",
    )
}

/// Reads `Credentials` (and the account id from `AssumedRoleUser.Arn`) out of a response.
fn credentials_from(
    mut out: Fields,
    op: &str,
    provider: &'static str,
) -> Result<Credentials, Error> {
    let bad = |what: &str| {
        Error::new(
            ErrorKind::ResponseParse,
            format!("{op} response has no {what}"),
        )
    };
    let user_arn = out
        .structure("AssumedRoleUser")
        .and_then(|mut u| u.string("Arn"));
    let mut c = out
        .structure("Credentials")
        .ok_or_else(|| bad("Credentials"))?;
    let ak = c
        .string("AccessKeyId")
        .ok_or_else(|| bad("Credentials.AccessKeyId"))?;
    let sk = c
        .string("SecretAccessKey")
        .ok_or_else(|| bad("Credentials.SecretAccessKey"))?;
    let token = c
        .string("SessionToken")
        .ok_or_else(|| bad("Credentials.SessionToken"))?;
    let expiry = match c.take("Expiration") {
        Some(Value::Timestamp(t)) => t,
        Some(Value::Str(s)) => {
            DateTime::parse_any(&s).map_err(|_| bad("Credentials.Expiration"))?
        }
        _ => return Err(bad("Credentials.Expiration")),
    };
    // arn:aws:sts::123456789012:assumed-role/...
    let account = user_arn.and_then(|a| a.split(':').nth(4).map(str::to_string));
    Ok(Credentials::new(ak, sk, Some(token))
        .with_expiry(Some(expiry))
        .with_account_id(account.filter(|a| !a.is_empty()))
        .with_provider(provider))
}
