//! STS calls made by the credential providers: `AssumeRole` and `AssumeRoleWithWebIdentity`.
//!
//! `rboto` cannot depend on the generated `rboto-sts` (it depends on `rboto`), so, as botocore
//! does with its own clients, the providers call STS through the runtime's pipeline
//! ([`ServiceClient::call_dyn`]) with these hand-written statics: the minimal subset of
//! `sdk/sts/src/schema.rs` they need. Member order matters: values are positional.

use super::profile_chain::RoleArn;
use super::Credentials;
use crate::client::ServiceClient;
use crate::config::Config;
use crate::error::{Error, ErrorKind};
use crate::schema::{self as s, prelude as p, Member, Operation, Protocol, Service, Shape};
use crate::types::DateTime;
use crate::value::Value;

static ACCESS_KEY_SECRET_TYPE: Shape =
    Shape::scalar("accessKeySecretType", s::Kind::String).with(s::SHAPE_SENSITIVE);
static CLIENT_TOKEN_TYPE: Shape =
    Shape::scalar("clientTokenType", s::Kind::String).with(s::SHAPE_SENSITIVE);

static CREDENTIALS: Shape = Shape::structure(
    "Credentials",
    &[
        Member::new("AccessKeyId", &p::STRING).with(s::REQUIRED),
        Member::new("SecretAccessKey", &ACCESS_KEY_SECRET_TYPE).with(s::REQUIRED),
        Member::new("SessionToken", &p::STRING).with(s::REQUIRED),
        Member::new("Expiration", &p::TIMESTAMP).with(s::REQUIRED),
    ],
);
static ASSUMED_ROLE_USER: Shape = Shape::structure(
    "AssumedRoleUser",
    &[
        Member::new("AssumedRoleId", &p::STRING).with(s::REQUIRED),
        Member::new("Arn", &p::STRING).with(s::REQUIRED),
    ],
);

static ASSUME_ROLE_REQUEST: Shape = Shape::structure(
    "AssumeRoleRequest",
    &[
        Member::new("RoleArn", &p::STRING).with(s::REQUIRED),
        Member::new("RoleSessionName", &p::STRING).with(s::REQUIRED),
        Member::new("DurationSeconds", &p::INTEGER),
        Member::new("ExternalId", &p::STRING),
        Member::new("SerialNumber", &p::STRING),
        Member::new("TokenCode", &p::STRING),
    ],
);
static ASSUME_ROLE_RESPONSE: Shape = Shape::structure(
    "AssumeRoleResponse",
    &[
        Member::new("Credentials", &CREDENTIALS),
        Member::new("AssumedRoleUser", &ASSUMED_ROLE_USER),
    ],
);
static ASSUME_ROLE_WITH_WEB_IDENTITY_REQUEST: Shape = Shape::structure(
    "AssumeRoleWithWebIdentityRequest",
    &[
        Member::new("RoleArn", &p::STRING).with(s::REQUIRED),
        Member::new("RoleSessionName", &p::STRING).with(s::REQUIRED),
        Member::new("WebIdentityToken", &CLIENT_TOKEN_TYPE).with(s::REQUIRED),
    ],
);
static ASSUME_ROLE_WITH_WEB_IDENTITY_RESPONSE: Shape = Shape::structure(
    "AssumeRoleWithWebIdentityResponse",
    &[
        Member::new("Credentials", &CREDENTIALS),
        Member::new("AssumedRoleUser", &ASSUMED_ROLE_USER),
    ],
);

static SERVICE: Service = Service {
    name: "sts",
    service_id: "STS",
    api_version: "2011-06-15",
    endpoint_prefix: "sts",
    signing_name: "sts",
    protocol: Protocol::Query,
    protocols: &[Protocol::Query],
    xml_namespace: Some("https://sts.amazonaws.com/doc/2011-06-15/"),
    ..Service::BLANK
};
static ASSUME_ROLE: Operation = Operation::new(
    "AssumeRole",
    "POST",
    "/",
    &ASSUME_ROLE_REQUEST,
    &ASSUME_ROLE_RESPONSE,
)
.result_wrapper("AssumeRoleResult");
static ASSUME_ROLE_WITH_WEB_IDENTITY: Operation = Operation::new(
    "AssumeRoleWithWebIdentity",
    "POST",
    "/",
    &ASSUME_ROLE_WITH_WEB_IDENTITY_REQUEST,
    &ASSUME_ROLE_WITH_WEB_IDENTITY_RESPONSE,
)
.with(s::NO_AUTH)
.result_wrapper("AssumeRoleWithWebIdentityResult")
.auth(&["smithy.api#noAuth"]);

/// A client for STS made from the caller's settings: its region (or the global endpoint, as
/// botocore without a region), its configured STS endpoint, its HTTP settings.
fn client(config: &Config, credentials: Option<Credentials>) -> ServiceClient {
    let (region, url) = match config.region() {
        Some(r) => (r.to_string(), format!("https://sts.{r}.amazonaws.com")),
        None => (
            "us-east-1".to_string(),
            "https://sts.amazonaws.com".to_string(),
        ),
    };
    let url = config.endpoint_url_for("STS").unwrap_or(url);
    let mut b = Config::builder()
        .region(region)
        .endpoint_url(url)
        .http(config.http.clone());
    if let Some(c) = credentials {
        b = b.credentials(c);
    }
    ServiceClient::new(&b.build(), &SERVICE)
}

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
    let input = Value::Struct(vec![
        str_value(&role.role_arn),
        str_value(&session),
        role.duration_seconds.map(|d| Value::Int(i64::from(d))),
        role.external_id.as_deref().and_then(str_value),
        role.mfa_serial.as_deref().and_then(str_value),
        token_code.map(Value::Str),
    ]);
    let out = client(config, Some(source))
        .call_dyn(&ASSUME_ROLE, input)
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
    let input = Value::Struct(vec![
        str_value(role_arn),
        str_value(&session),
        str_value(token),
    ]);
    let out = client(config, None)
        .call_dyn(&ASSUME_ROLE_WITH_WEB_IDENTITY, input)
        .await
        .map_err(|e| {
            Error::new(
                e.kind(),
                format!("assume role {role_arn} with web identity failed: {e}"),
            )
        })?;
    credentials_from(
        out,
        "AssumeRoleWithWebIdentity",
        "assume-role-with-web-identity",
    )
}

/// Reads `Credentials` (and the account id from `AssumedRoleUser.Arn`) out of a response.
fn credentials_from(out: Value, op: &str, provider: &'static str) -> Result<Credentials, Error> {
    let bad = |what: &str| {
        Error::new(
            ErrorKind::ResponseParse,
            format!("{op} response has no {what}"),
        )
    };
    let Value::Struct(mut members) = out else {
        return Err(bad("body"));
    };
    let user_arn = match members.get_mut(1).and_then(Option::take) {
        Some(Value::Struct(mut u)) => match u.get_mut(1).and_then(Option::take) {
            Some(Value::Str(arn)) => Some(arn),
            _ => None,
        },
        _ => None,
    };
    let Some(Some(Value::Struct(c))) = members.into_iter().next() else {
        return Err(bad("Credentials"));
    };
    let mut it = c.into_iter();
    let mut next_str = |what: &str| match it.next().flatten() {
        Some(Value::Str(s)) => Ok(s),
        _ => Err(bad(what)),
    };
    let ak = next_str("Credentials.AccessKeyId")?;
    let sk = next_str("Credentials.SecretAccessKey")?;
    let token = next_str("Credentials.SessionToken")?;
    let expiry = match it.next().flatten() {
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
