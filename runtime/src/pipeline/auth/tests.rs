use super::*;
use crate::config::Env;
use crate::schema::{prelude, Protocol, Shape};
use std::collections::HashMap;

fn resolve(service: &'static Service, op: &'static Operation) -> Result<Scheme, Error<RawModeled>> {
    super::resolve(&Config::default(), service, op)
}

const fn service(signature_version: &'static str, auth: &'static [&'static str]) -> Service {
    Service {
        name: "svc",
        service_id: "Svc",
        api_version: "2024-01-01",
        endpoint_prefix: "svc",
        signing_name: "svc",
        protocols: &[Protocol::Json],
        signature_version,
        auth,
        ..Service::BLANK
    }
}

static UNIT: &Shape = &prelude::UNIT;
static PLAIN: Operation = Operation::new("Plain", "POST", "/", UNIT, UNIT);
static NO_AUTH_OP: Operation = Operation::new("Open", "POST", "/", UNIT, UNIT).with(NO_AUTH);
static V4A_FIRST: Operation =
    Operation::new("Global", "POST", "/", UNIT, UNIT).auth(&["aws.auth#sigv4a", "aws.auth#sigv4"]);
static V4A_ONLY: Operation =
    Operation::new("MultiRegion", "POST", "/", UNIT, UNIT).auth(&["aws.auth#sigv4a"]);
static BEARER_OP: Operation =
    Operation::new("Token", "POST", "/", UNIT, UNIT).auth(&["smithy.api#httpBearerAuth"]);
static NO_AUTH_LISTED: Operation = Operation::new("Listed", "POST", "/", UNIT, UNIT)
    .auth(&["smithy.api#noAuth", "aws.auth#sigv4"]);
static UNKNOWN: Operation =
    Operation::new("Odd", "POST", "/", UNIT, UNIT).auth(&["example.auth#custom"]);

static V4: Service = service("v4", &[]);
static S3: Service = service("s3", &[]);
static S3V4: Service = service("s3v4", &[]);
static BEARER: Service = service("bearer", &[]);
static V2: Service = service("v2", &[]);
static V4A_SERVICE: Service = service("v4", &["aws.auth#sigv4a"]);
static AUTH_OVER_SIGV: Service = service("v4", &["smithy.api#httpBearerAuth", "aws.auth#sigv4"]);

#[test]
fn signature_versions_map_to_schemes() {
    assert_eq!(resolve(&V4, &PLAIN).unwrap(), Scheme::SigV4);
    assert_eq!(resolve(&S3, &PLAIN).unwrap(), Scheme::SigV4);
    assert_eq!(resolve(&S3V4, &PLAIN).unwrap(), Scheme::SigV4);
    assert_eq!(resolve(&BEARER, &PLAIN).unwrap(), Scheme::Bearer);
    let v2 = resolve(&V2, &PLAIN).unwrap_err();
    assert_eq!(v2.kind(), ErrorKind::Signing);
    assert!(v2.to_string().contains("v2"), "{v2}");
}

#[test]
fn the_service_auth_list_wins_over_signature_version() {
    assert_eq!(resolve(&AUTH_OVER_SIGV, &PLAIN).unwrap(), Scheme::Bearer);
}

#[test]
fn operation_auth_and_authtype_win_over_the_service() {
    assert_eq!(resolve(&BEARER, &NO_AUTH_OP).unwrap(), Scheme::Anonymous);
    assert_eq!(resolve(&V4, &BEARER_OP).unwrap(), Scheme::Bearer);
    assert_eq!(resolve(&V4, &NO_AUTH_LISTED).unwrap(), Scheme::Anonymous);
}

#[test]
fn sigv4a_is_skipped_for_the_next_scheme_or_refused_by_name() {
    assert_eq!(resolve(&V4, &V4A_FIRST).unwrap(), Scheme::SigV4);
    let e = resolve(&V4, &V4A_ONLY).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Signing);
    assert!(e.to_string().contains("svc.MultiRegion"), "{e}");
    assert!(e.to_string().contains("SigV4a"), "{e}");
    let e = resolve(&V4A_SERVICE, &PLAIN).unwrap_err();
    assert!(
        e.to_string().contains("svc.Plain") && e.to_string().contains("SigV4a"),
        "{e}"
    );
}

#[test]
fn unknown_schemes_are_typed_errors() {
    let e = resolve(&V4, &UNKNOWN).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Signing);
    assert!(e.to_string().contains("example.auth#custom"), "{e}");
}

fn with_env(key: &str, value: &str) -> Config {
    // Loaded, as settings are read from the environment at load.
    let env = Env::from_map(HashMap::from([(key.to_string(), value.to_string())]));
    Config {
        resolved: Config::loader()
            .env(env.clone())
            .load_sync()
            .unwrap()
            .resolved,
        env,
        ..Config::default()
    }
}

const fn signing_as(name: &'static str, auth: &'static [&'static str]) -> Service {
    let mut s = service("v4", auth);
    s.signing_name = name;
    s
}

static BEDROCK: Service = signing_as("bedrock", &["aws.auth#sigv4", "smithy.api#httpBearerAuth"]);
static BEDROCK_AGENT: Service = signing_as("bedrock", &["aws.auth#sigv4"]);
static OTHER: Service = signing_as("other", &["aws.auth#sigv4", "smithy.api#httpBearerAuth"]);

#[test]
fn a_bedrock_token_in_the_environment_switches_bedrock_to_bearer() {
    let env = with_env("AWS_BEARER_TOKEN_BEDROCK", "t");
    assert_eq!(
        super::resolve(&env, &BEDROCK, &PLAIN).unwrap(),
        Scheme::Bearer
    );
    assert_eq!(resolve(&BEDROCK, &PLAIN).unwrap(), Scheme::SigV4);
    // Only where the service offers bearer auth, and only for botocore's list of services.
    assert_eq!(
        super::resolve(&env, &BEDROCK_AGENT, &PLAIN).unwrap(),
        Scheme::SigV4
    );
    let other = with_env("AWS_BEARER_TOKEN_OTHER", "t");
    assert_eq!(
        super::resolve(&other, &OTHER, &PLAIN).unwrap(),
        Scheme::SigV4
    );
}

#[test]
fn importexport_signs_sigv4_despite_its_v2_model() {
    static IMPORTEXPORT: Service = {
        let mut s = service("v2", &[]);
        s.name = "importexport";
        s.service_id = "ImportExport";
        s
    };
    assert_eq!(resolve(&IMPORTEXPORT, &PLAIN).unwrap(), Scheme::SigV4);
}

#[test]
fn presigning_uses_the_service_scheme_not_the_operation_one() {
    let cfg = Config::default();
    assert_eq!(
        resolve_for_presign(&cfg, &V4, &NO_AUTH_OP).unwrap(),
        Scheme::SigV4
    );
    assert_eq!(
        resolve_for_presign(&cfg, &V4, &BEARER_OP).unwrap(),
        Scheme::SigV4
    );
    assert_eq!(
        resolve_for_presign(&cfg, &BEARER, &PLAIN).unwrap(),
        Scheme::Bearer
    );
    let env = with_env("AWS_BEARER_TOKEN_BEDROCK", "t");
    assert_eq!(
        resolve_for_presign(&env, &BEDROCK, &PLAIN).unwrap(),
        Scheme::Bearer
    );
}

/// An anonymous client (botocore's UNSIGNED) signs nothing, whatever the model or the
/// environment asks for.
#[test]
fn anonymous_config_outranks_model_and_environment() {
    let mut config = with_env("AWS_BEARER_TOKEN_BEDROCK", "token");
    config.anonymous = true;
    static BEDROCK: Service =
        signing_as("bedrock", &["smithy.api#httpBearerAuth", "aws.auth#sigv4"]);
    for (service, op) in [(&V4, &PLAIN), (&V4, &V4A_ONLY), (&BEDROCK, &PLAIN)] {
        assert_eq!(
            super::resolve(&config, service, op).unwrap(),
            Scheme::Anonymous
        );
        assert_eq!(
            super::resolve_for_presign(&config, service, op).unwrap(),
            Scheme::Anonymous
        );
    }
}

static TOKEN_OR_V4: Operation = Operation::new("Either", "POST", "/", UNIT, UNIT)
    .auth(&["aws.auth#sigv4", "smithy.api#httpBearerAuth"]);

#[test]
fn auth_scheme_preference_reorders_an_operation_auth_list() {
    let prefer = |pref: &str| {
        let config = with_env("AWS_AUTH_SCHEME_PREFERENCE", pref);
        super::resolve(&config, &V4, &TOKEN_OR_V4).unwrap()
    };
    assert_eq!(resolve(&V4, &TOKEN_OR_V4).unwrap(), Scheme::SigV4);
    assert_eq!(prefer("httpBearerAuth, sigv4"), Scheme::Bearer);
    // Schemes the operation lacks, or rboto cannot sign, are passed over.
    assert_eq!(prefer("sigv4a,\thttpBearerAuth"), Scheme::Bearer);
    assert_eq!(prefer("noAuth"), Scheme::SigV4);
    // Only an operation's `auth` list is reordered, as botocore does.
    assert_eq!(
        super::resolve(
            &with_env("AWS_AUTH_SCHEME_PREFERENCE", "noAuth"),
            &V4,
            &PLAIN
        )
        .unwrap(),
        Scheme::SigV4
    );
    let code = Config::builder()
        .auth_scheme_preference(["httpBearerAuth"])
        .build();
    assert_eq!(
        super::resolve(&code, &V4, &TOKEN_OR_V4).unwrap(),
        Scheme::Bearer
    );
}
