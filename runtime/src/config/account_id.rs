//! The `AWS::Auth::AccountId` endpoint builtin: the account of the credentials a call is
//! signed with, which the rule sets of services such as DynamoDB put in the host
//! (`{account}.ddb.{region}.amazonaws.com`) unless `account_id_endpoint_mode` is `disabled`.
//! botocore reads it from the credentials lazily, only for a rule set that asks for it.

use super::Config;
use crate::error::{Error, RawModeled};
use crate::pipeline::auth::{self, Scheme};
use crate::schema::{Operation, Service};

/// The account id for `op`'s endpoint: `None` when the mode is `disabled`, the call is not
/// SigV4-signed, the rule set has no `AWS::Auth::AccountId` parameter, or the credentials
/// do not name an account. Resolving it resolves (and caches) the credentials early; a
/// failure there is the call's failure, as it would be when signing.
pub(crate) async fn endpoint_account_id(
    config: &Config,
    service: &'static Service,
    op: &'static Operation,
) -> Result<Option<String>, Error<RawModeled>> {
    if config.account_id_endpoint_mode() == "disabled" {
        return Ok(None);
    }
    let Some(provider) = config.credentials.as_ref() else {
        return Ok(None);
    };
    let Ok(rules) = crate::endpoint::ruleset_for(service) else {
        return Ok(None);
    };
    let wanted = rules
        .params
        .iter()
        .any(|p| p.builtin.as_deref() == Some("AWS::Auth::AccountId"));
    if !wanted || auth::resolve(config, service, op)? != Scheme::SigV4 {
        return Ok(None);
    }
    let credentials = provider
        .provide_credentials()
        .await
        .map_err(|e| e.map_modeled(|n| match n {}))?;
    Ok(credentials.account_id().map(str::to_string))
}
