//! Which auth scheme signs an operation, as botocore 1.44 resolves it: the operation's `auth`
//! list, else its `authtype`, else the service's `metadata.auth` list, else its
//! `signatureVersion` (`ClientCreator` and `OperationModel.resolved_auth_type`); then, for
//! Bedrock, a bearer token in the environment switches to bearer auth
//! (`_set_auth_scheme_preference_signer`).

use crate::config::Config;
use crate::credentials::bearer_env_var;
use crate::error::{Error, ErrorKind, RawModeled};
use crate::schema::{Operation, Service, NO_AUTH};

const BEARER: &str = "smithy.api#httpBearerAuth";

/// botocore's `get_bearer_auth_supported_services`: the signing names whose clients switch to
/// a bearer token found in the environment.
const BEARER_FROM_ENV_SERVICES: [&str; 1] = ["bedrock"];

/// A scheme rboto can sign with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scheme {
    /// SigV4 (`v4`, and `s3`/`s3v4`, which botocore's modern path signs as SigV4 too).
    SigV4,
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// No signature and no credentials (`smithy.api#noAuth`, `authtype: none`, and every
    /// operation of an anonymous client).
    Anonymous,
}

/// The scheme for `op` of `service` with `config`.
pub(crate) fn resolve(
    config: &Config,
    service: &'static Service,
    op: &'static Operation,
) -> Result<Scheme, Error<RawModeled>> {
    // UNSIGNED outranks every scheme the model or the environment could ask for (botocore's
    // endpoint resolver answers `none` for it before looking at the rule set's schemes).
    if config.anonymous {
        return Ok(Scheme::Anonymous);
    }
    let modeled = modeled(config, service, op)?;
    Ok(prefer_env_bearer(config, service, modeled))
}

/// The scheme a presigned URL of `op` is signed with: the client's, since botocore's
/// `generate_presigned_url` passes no operation auth type to the signer.
pub(crate) fn resolve_for_presign(
    config: &Config,
    service: &'static Service,
    op: &'static Operation,
) -> Result<Scheme, Error<RawModeled>> {
    if config.anonymous {
        return Ok(Scheme::Anonymous);
    }
    let client = service_level(service, op)?;
    Ok(prefer_env_bearer(config, service, client))
}

/// botocore's `_should_prefer_bearer_auth`; rboto has no in-code signature version or auth
/// preference that could outrank the environment.
fn prefer_env_bearer(config: &Config, service: &'static Service, scheme: Scheme) -> Scheme {
    let token_in_env = || {
        config
            .env
            .get(&bearer_env_var(service.signing_name))
            .is_some()
    };
    if BEARER_FROM_ENV_SERVICES.contains(&service.signing_name)
        && service.auth.contains(&BEARER)
        && token_in_env()
    {
        return Scheme::Bearer;
    }
    scheme
}

/// botocore's `resolve_auth_scheme_preference`: the operation's schemes the user prefers, in
/// the user's order (named without namespace: `sigv4`, `sigv4a`, `httpBearerAuth`, `noAuth`),
/// then the rest in the model's order. Preferred schemes the operation lacks are ignored.
fn by_preference(preference: &[String], auth: &[&'static str]) -> Vec<&'static str> {
    let short = |id: &str| id.rsplit('#').next().unwrap_or(id).to_string();
    let mut ordered: Vec<&'static str> = preference
        .iter()
        .filter_map(|p| auth.iter().copied().find(|id| short(id) == *p))
        .collect();
    for id in auth {
        if !ordered.contains(id) {
            ordered.push(id);
        }
    }
    ordered
}

/// The scheme the model asks for, with the user's `auth_scheme_preference` applied to an
/// operation's `auth` list (as botocore does; not to `authtype` or the service's list).
fn modeled(
    config: &Config,
    service: &'static Service,
    op: &'static Operation,
) -> Result<Scheme, Error<RawModeled>> {
    if !op.auth.is_empty() {
        let preference = config.auth_scheme_preference();
        if preference.is_empty() {
            return from_auth_list(service, op, op.auth);
        }
        return from_auth_list(service, op, &by_preference(&preference, op.auth));
    }
    // `authtype` is only read by the model reader into flags: `none` is NO_AUTH and
    // `v4-unsigned-body` still signs SigV4 (with an unsigned payload).
    if op.has(NO_AUTH) {
        return Ok(Scheme::Anonymous);
    }
    service_level(service, op)
}

/// The service's scheme (botocore's client-level signature version); `op` names errors.
fn service_level(
    service: &'static Service,
    op: &'static Operation,
) -> Result<Scheme, Error<RawModeled>> {
    if !service.auth.is_empty() {
        return from_auth_list(service, op, service.auth);
    }
    match service.signature_version {
        "" | "v4" | "s3" | "s3v4" => Ok(Scheme::SigV4),
        "v2" if crate::customizations::for_service(service.service_id).v2_signs_as_sigv4 => {
            Ok(Scheme::SigV4)
        }
        "bearer" => Ok(Scheme::Bearer),
        "v4a" => Err(sigv4a_only(service, op)),
        other => Err(unsupported(service, op, other)),
    }
}

/// botocore's `resolve_auth_type`: the first scheme of the list this signer supports. Without
/// awscrt botocore cannot sign SigV4a and moves past it, so do we.
fn from_auth_list(
    service: &'static Service,
    op: &'static Operation,
    list: &[&str],
) -> Result<Scheme, Error<RawModeled>> {
    for id in list {
        match *id {
            "smithy.api#noAuth" => return Ok(Scheme::Anonymous),
            "aws.auth#sigv4" => return Ok(Scheme::SigV4),
            BEARER => return Ok(Scheme::Bearer),
            "aws.auth#sigv4a" => {}
            other => return Err(unsupported(service, op, other)),
        }
    }
    if list.contains(&"aws.auth#sigv4a") {
        return Err(sigv4a_only(service, op));
    }
    Err(unsupported(service, op, &list.join(", ")))
}

fn sigv4a_only(service: &'static Service, op: &'static Operation) -> Error<RawModeled> {
    Error::new(
        ErrorKind::Signing,
        format!(
            "{}.{} must be signed with SigV4a (aws.auth#sigv4a), which rboto cannot sign yet",
            service.name, op.name
        ),
    )
}

fn unsupported(service: &'static Service, op: &'static Operation, what: &str) -> Error<RawModeled> {
    Error::new(
        ErrorKind::Signing,
        format!(
            "{}.{}: unsupported signature version or auth scheme {what}",
            service.name, op.name
        ),
    )
}

#[cfg(test)]
mod tests;
