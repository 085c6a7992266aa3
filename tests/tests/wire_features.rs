//! Three wire features the botocore models use, through a generated crate and the stub
//! connector (fixture `tests/fixtures/wire-features`): `jsonvalue` members as documents, the
//! header- and status-bound members of modeled exceptions, and every auth scheme.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rboto::config::Env;
use rboto::credentials::AuthToken;
use rboto::{Config, Credentials, Document, ErrorKind};
use rboto_tests::stub::{StubConnector, StubResponse};
use rboto_wire_features::{Client, Exception};
use serde_json::json;
use std::collections::HashMap;

fn signed(stub: &StubConnector) -> Config {
    Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None))
        .max_attempts(1)
        .connector(stub.clone())
        .build()
}

/// No credentials, no token, no environment: nothing to sign with at all.
fn anonymous(stub: &StubConnector) -> Config {
    Config::builder()
        .region("us-east-1")
        .max_attempts(1)
        .connector(stub.clone())
        .build()
}

fn ok(stub: &StubConnector) {
    stub.push(StubResponse::new(200, vec![], "{}"));
}

fn doc(v: serde_json::Value) -> Document {
    Document::from_json(v)
}

// --- jsonvalue ---------------------------------------------------------------------------

#[tokio::test]
async fn jsonvalue_members_are_sent_as_base64_json_headers_and_json_strings_in_bodies() {
    let stub = StubConnector::new();
    ok(&stub);
    Client::new(&signed(&stub))
        .put_policy()
        .header_policy(doc(json!({"Version": "2012", "Ids": [1, 2]})))
        .body_policy(doc(json!({"allow": true})))
        .name("n")
        .send()
        .await
        .unwrap();
    let sent = stub.only_request();
    let header = sent.header("x-policy").expect("x-policy sent");
    let decoded = String::from_utf8(STANDARD.decode(header).unwrap()).unwrap();
    // Compact, as botocore's json.dumps(value, separators=(',', ':')).
    let header_json: serde_json::Value = serde_json::from_str(&decoded).unwrap();
    assert_eq!(header_json, json!({"Version": "2012", "Ids": [1, 2]}));
    assert!(!decoded.contains(' '), "{decoded}");
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(
        body,
        json!({"BodyPolicy": "{\"allow\":true}", "Name": "n"}),
        "the body member is a JSON string holding the document"
    );
}

#[tokio::test]
async fn jsonvalue_members_come_back_as_documents_from_headers_and_bodies() {
    let stub = StubConnector::new();
    let header = STANDARD.encode(r#"{"a":[1,"x"]}"#);
    stub.push(StubResponse::new(
        200,
        vec![("x-policy".into(), header)],
        r#"{"BodyPolicy":"{\"b\": {\"c\": null}}","Name":"plain"}"#,
    ));
    let out = Client::new(&signed(&stub))
        .put_policy()
        .send()
        .await
        .unwrap();
    assert_eq!(out.header_policy.unwrap().to_json(), json!({"a": [1, "x"]}));
    assert_eq!(
        out.body_policy.unwrap().to_json(),
        json!({"b": {"c": null}})
    );
    assert_eq!(out.name.as_deref(), Some("plain"));
}

/// The kitchen-sink fixture's `Policy` is a jsonvalue member of a `json` protocol body.
#[tokio::test]
async fn jsonvalue_members_round_trip_through_the_json_protocol() {
    let stub = StubConnector::new();
    stub.push(StubResponse::new(
        200,
        vec![],
        r#"{"Name":"n","Policy":"[1, {\"k\": false}]"}"#,
    ));
    let out = rboto_kitchen_sink::Client::new(&signed(&stub))
        .put_everything()
        .name("n")
        .policy(doc(json!({"Statement": [{"Effect": "Allow"}]})))
        .send()
        .await
        .unwrap();
    assert_eq!(out.policy.unwrap().to_json(), json!([1, {"k": false}]));
    let body: serde_json::Value = serde_json::from_slice(&stub.only_request().body).unwrap();
    assert_eq!(
        body["Policy"],
        json!(r#"{"Statement":[{"Effect":"Allow"}]}"#)
    );
}

async fn parse_failure(headers: Vec<(String, String)>, body: &str) -> String {
    let stub = StubConnector::new();
    stub.push(StubResponse::new(200, headers, body.to_string()));
    let err = Client::new(&signed(&stub))
        .put_policy()
        .send()
        .await
        .expect_err("malformed jsonvalue");
    assert_eq!(err.kind(), ErrorKind::ResponseParse, "{err}");
    err.to_string()
}

#[tokio::test]
async fn malformed_jsonvalue_responses_are_parse_errors() {
    let not_base64 = parse_failure(vec![("x-policy".into(), "%%%".into())], "{}").await;
    assert!(
        not_base64.to_string().contains("HeaderPolicy"),
        "{not_base64}"
    );
    let not_json = STANDARD.encode("{not json");
    let bad_header = parse_failure(vec![("x-policy".into(), not_json)], "{}").await;
    assert!(
        bad_header.to_string().contains("HeaderPolicy"),
        "{bad_header}"
    );
    let bad_body = parse_failure(vec![], r#"{"BodyPolicy":"{\"open\": "}"#).await;
    assert!(bad_body.to_string().contains("BodyPolicy"), "{bad_body}");
}

// --- modeled exceptions ------------------------------------------------------------------

#[tokio::test]
async fn modeled_exceptions_fill_header_status_and_jsonvalue_members() {
    let stub = StubConnector::new();
    stub.push(StubResponse::new(
        429,
        vec![
            ("x-amzn-errortype".into(), "Throttled".into()),
            ("retry-after".into(), "7".into()),
            ("x-details".into(), STANDARD.encode(r#"{"quota":"calls"}"#)),
        ],
        r#"{"message":"slow down"}"#,
    ));
    let err = Client::new(&signed(&stub))
        .put_policy()
        .send()
        .await
        .expect_err("throttled");
    let Some(Exception::Throttled(e)) = err.modeled() else {
        panic!("not the modeled exception: {err:?}");
    };
    assert_eq!(e.retry_after_seconds, Some(7));
    assert_eq!(e.status, Some(429));
    assert_eq!(e.message.as_deref(), Some("slow down"));
    assert_eq!(
        e.details.as_ref().map(Document::to_json),
        Some(json!({"quota": "calls"}))
    );
}

// --- auth schemes ------------------------------------------------------------------------

#[tokio::test]
async fn sigv4_operations_are_signed_and_need_credentials() {
    let stub = StubConnector::new();
    ok(&stub);
    ok(&stub);
    Client::new(&signed(&stub)).plain().send().await.unwrap();
    Client::new(&signed(&stub))
        .prefer_sig_v4a()
        .send()
        .await
        .unwrap();
    for sent in stub.requests() {
        let auth = sent.header("authorization").unwrap();
        assert!(
            auth.starts_with("AWS4-HMAC-SHA256 Credential=AKID/"),
            "{auth}"
        );
        assert!(sent.header("x-amz-date").is_some());
    }
    let err = Client::new(&anonymous(&stub))
        .plain()
        .send()
        .await
        .expect_err("no credentials");
    assert_eq!(err.kind(), ErrorKind::NoCredentials, "{err}");
    assert_eq!(stub.requests().len(), 2, "nothing sent without credentials");
}

#[tokio::test]
async fn unsigned_operations_work_with_no_credentials_anywhere() {
    let stub = StubConnector::new();
    ok(&stub);
    Client::new(&anonymous(&stub))
        .anonymous()
        .send()
        .await
        .unwrap();
    let sent = stub.only_request();
    assert_eq!(sent.header("authorization"), None);
    assert_eq!(sent.header("x-amz-date"), None);
    assert_eq!(sent.header("x-amz-security-token"), None);
}

#[tokio::test]
async fn bearer_operations_send_the_explicit_token() {
    let stub = StubConnector::new();
    ok(&stub);
    let config = signed(&stub)
        .to_builder()
        .auth_token(AuthToken::new("tok-explicit"))
        .build();
    // Before sending: afterwards the stub connector inside the config shows what it captured.
    let shown = format!("{config:?}");
    assert!(!shown.contains("tok-explicit"), "{shown}");
    assert!(shown.contains("AuthToken"), "{shown}");
    Client::new(&config).with_bearer().send().await.unwrap();
    let sent = stub.only_request();
    assert_eq!(sent.header("authorization"), Some("Bearer tok-explicit"));
    assert_eq!(sent.header("x-amz-date"), None, "no SigV4 beside the token");
}

#[tokio::test]
async fn bearer_tokens_come_from_the_service_scoped_environment_variable() {
    let stub = StubConnector::new();
    ok(&stub);
    let env = Env::from_map(HashMap::from([(
        "AWS_BEARER_TOKEN_WIREFEATURES".to_string(),
        "tok-env".to_string(),
    )]));
    let config = Config::loader()
        .env(env)
        .load_sync()
        .unwrap()
        .to_builder()
        .region("us-east-1")
        .connector(stub.clone())
        .build();
    Client::new(&config).with_bearer().send().await.unwrap();
    assert_eq!(
        stub.only_request().header("authorization"),
        Some("Bearer tok-env")
    );

    let err = Client::new(&anonymous(&stub))
        .with_bearer()
        .send()
        .await
        .expect_err("no token");
    assert_eq!(err.kind(), ErrorKind::NoCredentials, "{err}");
    assert!(
        err.to_string().contains("AWS_BEARER_TOKEN_WIREFEATURES"),
        "{err}"
    );
}

#[tokio::test]
async fn bearer_tokens_are_never_sent_in_clear_text() {
    let stub = StubConnector::new();
    let config = signed(&stub)
        .to_builder()
        .endpoint_url("http://localhost:8080")
        .auth_token(AuthToken::new("tok"))
        .build();
    let err = Client::new(&config)
        .with_bearer()
        .send()
        .await
        .expect_err("http");
    assert!(err.to_string().contains("HTTPS"), "{err}");
    assert!(stub.requests().is_empty());
}

/// A real model's unsigned operation: STS AssumeRoleWithWebIdentity (`auth: [noAuth]`).
#[tokio::test]
async fn sts_assume_role_with_web_identity_needs_no_credentials() {
    let stub = StubConnector::new();
    stub.push(StubResponse::new(
        200,
        vec![],
        "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <AssumeRoleWithWebIdentityResult><Provider>idp</Provider>\
         </AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
    ));
    let out = rboto_sts::Client::new(&anonymous(&stub))
        .assume_role_with_web_identity()
        .role_arn("arn:aws:iam::123456789012:role/r")
        .role_session_name("s")
        .web_identity_token("jwt")
        .send()
        .await
        .unwrap();
    assert_eq!(out.provider.as_deref(), Some("idp"));
    assert_eq!(stub.only_request().header("authorization"), None);
}

#[tokio::test]
async fn sigv4a_only_operations_fail_with_a_named_error() {
    let stub = StubConnector::new();
    let err = Client::new(&signed(&stub))
        .multi_region()
        .send()
        .await
        .expect_err("SigV4a");
    assert_eq!(err.kind(), ErrorKind::Signing, "{err}");
    let text = err.to_string();
    assert!(
        text.contains("MultiRegion") && text.contains("SigV4a"),
        "{text}"
    );
    assert!(stub.requests().is_empty());
}

/// The model reader keeps `metadata.auth` in preference order: STS lists SigV4 before SigV4a,
/// which is why its signed operations (see `stub_connector.rs`) are SigV4.
#[test]
fn service_auth_lists_are_read_from_the_model() {
    let sts = rboto_sts::schema::SERVICE.get();
    assert_eq!(sts.auth, ["aws.auth#sigv4", "aws.auth#sigv4a"]);
    let fixture = rboto_wire_features::schema::SERVICE.get();
    assert_eq!(fixture.auth, ["aws.auth#sigv4"]);
    let op = fixture.operation("PreferSigV4a").unwrap();
    assert_eq!(op.auth, ["aws.auth#sigv4a", "aws.auth#sigv4"]);
}

/// botocore presigns with the client's signature version, whatever the operation's auth says:
/// an unsigned, bearer or SigV4a-only operation of a SigV4 service still gets a SigV4 query
/// signature.
#[tokio::test]
async fn presigning_follows_the_service_scheme() {
    let stub = StubConnector::new();
    let client = Client::new(&signed(&stub));
    let presign = rboto::Presign::expires_in(std::time::Duration::from_secs(60));
    let urls = [
        client.presign(client.anonymous(), &presign).await.unwrap(),
        client
            .presign(client.with_bearer(), &presign)
            .await
            .unwrap(),
        client
            .presign(client.multi_region(), &presign)
            .await
            .unwrap(),
    ];
    for url in urls.iter().map(|p| p.url()) {
        assert!(url.contains("X-Amz-Signature="), "{url}");
        assert!(url.contains("X-Amz-Credential=AKID%2F"), "{url}");
    }
}
