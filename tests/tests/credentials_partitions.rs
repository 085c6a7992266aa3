//! The credential providers' own calls (STS `AssumeRole`, `AssumeRoleWithWebIdentity`, SSO
//! `GetRoleCredentials`) resolve their endpoints through the services' endpoint rules, like any
//! client: China's `amazonaws.com.cn`, FIPS and dual-stack hosts, the global STS endpoint
//! without a region. They also go through the caller's connector, so a stub sees them, and
//! every client made from one config shares one connection pool.

use rboto::config::Env;
use rboto::credentials::ProvideCredentials;
use rboto::{Config, Credentials, DefaultChain};
use rboto_tests::loopback::KeepAliveServer;
use rboto_tests::scratch::ScratchDir;
use rboto_tests::stub::{StubConnector, StubResponse};
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

const ASSUME_ROLE_OK: &str =
    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
    <AssumeRoleResult><Credentials><AccessKeyId>ASIATEMP</AccessKeyId>\
    <SecretAccessKey>temp-secret</SecretAccessKey><SessionToken>temp-token</SessionToken>\
    <Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>\
    <AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId>\
    <Arn>arn:aws-cn:sts::123456789012:assumed-role/R/s</Arn></AssumedRoleUser>\
    </AssumeRoleResult></AssumeRoleResponse>";

/// A home whose config has a role profile `r` on static source credentials, plus `extra` lines
/// in the role profile.
fn home(name: &str, extra: &str) -> ScratchDir {
    let dir = ScratchDir::new("rboto-cred-partitions", name, &[".aws"]).unwrap();
    std::fs::write(
        dir.join(".aws").join("config"),
        format!(
            "[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n\n\
             [profile r]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = base\n\
             role_session_name = s\n{extra}\n"
        ),
    )
    .unwrap();
    dir
}

/// The chain for profile `r` in `home`, sending through `stub`.
fn chain(home: &Path, env: &[(&str, &str)], stub: &StubConnector) -> DefaultChain {
    let mut vars = HashMap::from([
        ("HOME".to_string(), home.display().to_string()),
        ("AWS_PROFILE".to_string(), "r".to_string()),
        ("AWS_EC2_METADATA_DISABLED".to_string(), "true".to_string()),
    ]);
    for (k, v) in env {
        vars.insert((*k).to_string(), (*v).to_string());
    }
    let config = Config::loader()
        .env(Env::from_map(vars))
        .load_sync()
        .unwrap()
        .to_builder()
        .connector(stub.clone())
        .build();
    DefaultChain::new(&config, false)
}

/// Where the one `AssumeRole` call went, and which region it was signed for.
async fn assume_role_target(name: &str, extra: &str, env: &[(&str, &str)]) -> (String, String) {
    let home = home(name, extra);
    let stub = StubConnector::new();
    stub.push(StubResponse::new(200, vec![], ASSUME_ROLE_OK));
    let creds = chain(&home, env, &stub)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(creds.access_key_id(), "ASIATEMP");
    let sent = stub.only_request();
    let auth = sent.header("authorization").unwrap().to_string();
    assert!(auth.contains("Credential=AKIDBASE/"), "{auth}");
    let scope = auth.split('/').nth(2).unwrap().to_string();
    (sent.uri.to_string(), scope)
}

#[tokio::test]
async fn assume_role_in_china_goes_to_the_china_partition() {
    let (uri, region) = assume_role_target("cn", "region = cn-north-1", &[]).await;
    assert_eq!(uri, "https://sts.cn-north-1.amazonaws.com.cn/");
    assert_eq!(region, "cn-north-1");
}

#[tokio::test]
async fn assume_role_with_fips_uses_the_fips_endpoint() {
    let (uri, _) = assume_role_target(
        "fips",
        "region = us-gov-west-1\nuse_fips_endpoint = true",
        &[],
    )
    .await;
    assert_eq!(uri, "https://sts.us-gov-west-1.amazonaws.com/");
    let (uri, _) = assume_role_target(
        "fips-env",
        "",
        &[
            ("AWS_REGION", "us-east-2"),
            ("AWS_USE_FIPS_ENDPOINT", "true"),
        ],
    )
    .await;
    assert_eq!(uri, "https://sts-fips.us-east-2.amazonaws.com/");
}

#[tokio::test]
async fn assume_role_with_dual_stack_uses_the_dual_stack_endpoint() {
    let (uri, _) = assume_role_target(
        "dualstack",
        "region = eu-west-1\nuse_dualstack_endpoint = true",
        &[],
    )
    .await;
    assert_eq!(uri, "https://sts.eu-west-1.api.aws/");
}

#[tokio::test]
async fn assume_role_without_a_region_uses_the_global_endpoint() {
    let (uri, region) = assume_role_target("global", "", &[]).await;
    assert_eq!(uri, "https://sts.amazonaws.com/");
    assert_eq!(region, "us-east-1");
}

#[tokio::test]
async fn sso_in_china_goes_to_the_china_portal() {
    let home = ScratchDir::new("rboto-cred-partitions", "sso-cn", &[".aws/sso/cache"]).unwrap();
    std::fs::write(
        home.join(".aws").join("config"),
        "[profile r]\nsso_session = s\nsso_account_id = 123456789012\nsso_role_name = R\n\
         region = cn-north-1\n\n[sso-session s]\nsso_region = cn-north-1\n\
         sso_start_url = https://start.example/\n",
    )
    .unwrap();
    let cache = home
        .join(".aws/sso/cache")
        .join(format!("{}.json", rboto::credentials::sso::sha1_hex(b"s")));
    std::fs::write(
        cache,
        r#"{"accessToken":"sso-token","expiresAt":"2099-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let stub = StubConnector::new();
    stub.push(StubResponse::new(
        200,
        vec![("content-type".into(), "application/json".into())],
        r#"{"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"sso-secret","sessionToken":"sso-session","expiration":4070908800000}}"#,
    ));
    let creds = chain(&home, &[], &stub)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(creds.access_key_id(), "ASIASSO");
    let sent = stub.only_request();
    assert_eq!(
        sent.uri.to_string(),
        "https://portal.sso.cn-north-1.amazonaws.com.cn/federation/credentials?role_name=R&account_id=123456789012"
    );
    assert_eq!(sent.header("x-amz-sso_bearer_token"), Some("sso-token"));
    assert_eq!(sent.header("authorization"), None);
}

#[tokio::test]
async fn clients_of_one_config_share_one_connection_pool() {
    let server = KeepAliveServer::start(
        "text/xml",
        "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account>\
         </GetCallerIdentityResult></GetCallerIdentityResponse>",
        Duration::ZERO,
    )
    .await;
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None))
        .endpoint_url(server.url.clone())
        .build();
    for _ in 0..2 {
        let sts = rboto_sts::Client::new(&config);
        let out = sts.get_caller_identity().send().await.unwrap();
        assert_eq!(out.account.as_deref(), Some("123456789012"));
    }
    assert_eq!(
        server.connections(),
        1,
        "the second client reused the first's connection"
    );
    // A per-client override that leaves HTTP alone shares the pool...
    let overridden = config.to_builder().max_attempts(2).build();
    rboto_sts::Client::new(&overridden)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(server.connections(), 1, "an override reused the pool");
    // ...and one with other HTTP settings gets a pool of its own.
    let other = config
        .to_builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .build();
    rboto_sts::Client::new(&other)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(server.connections(), 2);
}
