//! The first real calls, against moto's server with SigV4 verification on: json (DynamoDB,
//! SQS) and query (STS, IAM) protocols end to end, modeled errors, and a wrong secret rejected.

use rboto::ErrorKind;
use rboto_tests::moto::take_turn as session;
use std::collections::HashMap;

#[tokio::test]
async fn dynamodb_table_lifecycle_and_seed_list_tables() {
    use rboto_dynamodb::types::{
        AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
        ScalarAttributeType,
    };
    let s = session();
    let ddb = rboto_dynamodb::Client::new(&s.config());
    let created = ddb
        .create_table()
        .table_name("music")
        .attribute_definitions(vec![AttributeDefinition::default()
            .attribute_name("artist")
            .attribute_type(ScalarAttributeType::S)])
        .key_schema(vec![KeySchemaElement::default()
            .attribute_name("artist")
            .key_type(KeyType::Hash)])
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .expect("create_table");
    let desc = created.table_description.expect("table description");
    assert_eq!(desc.table_name.as_deref(), Some("music"));

    let item = HashMap::from([
        (
            "artist".to_string(),
            AttributeValue::default().s("Nina Simone"),
        ),
        ("plays".to_string(), AttributeValue::default().n("42")),
    ]);
    ddb.put_item()
        .table_name("music")
        .item(item)
        .send()
        .await
        .expect("put_item");

    let got = ddb
        .get_item()
        .table_name("music")
        .key(HashMap::from([(
            "artist".to_string(),
            AttributeValue::default().s("Nina Simone"),
        )]))
        .send()
        .await
        .expect("get_item");
    let item = got.item.expect("item found");
    assert_eq!(item["plays"].n.as_deref(), Some("42"));

    // The seed's example: list_tables()['TableNames'].
    let tables = ddb.list_tables().send().await.expect("list_tables");
    assert_eq!(tables.table_names, Some(vec!["music".to_string()]));
}

#[tokio::test]
async fn dynamodb_modeled_error_is_its_variant() {
    let s = session();
    let ddb = rboto_dynamodb::Client::new(&s.config());
    let err = ddb
        .describe_table()
        .table_name("no-such-table")
        .send()
        .await
        .expect_err("table does not exist");
    assert_eq!(err.kind(), ErrorKind::Service);
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    assert_eq!(err.status(), Some(400));
    assert!(
        matches!(
            err.modeled(),
            Some(rboto_dynamodb::Exception::ResourceNotFoundException(_))
        ),
        "{err:?}"
    );
    let shown = err.to_string();
    assert!(
        shown.starts_with(
            "An error occurred (ResourceNotFoundException) when calling the DescribeTable operation"
        ),
        "{shown}"
    );
}

#[tokio::test]
async fn missing_required_member_fails_before_any_request() {
    let s = session();
    let ddb = rboto_dynamodb::Client::new(&s.config());
    let err = ddb.get_item().send().await.expect_err("validation");
    assert_eq!(err.kind(), ErrorKind::ParamValidation);
    assert!(err.to_string().contains("GetItemInput.TableName"), "{err}");
    assert!(err.to_string().contains("GetItemInput.Key"), "{err}");
}

#[tokio::test]
async fn sts_get_caller_identity_names_the_signing_user() {
    let s = session();
    let sts = rboto_sts::Client::new(&s.config());
    let me = sts
        .get_caller_identity()
        .send()
        .await
        .expect("get_caller_identity");
    let arn = me.arn.expect("arn");
    assert!(
        arn.starts_with("arn:aws:iam::") && arn.contains(":user/rboto-admin"),
        "{arn}"
    );
    assert_eq!(me.account.as_deref().map(str::len), Some(12));
}

#[tokio::test]
async fn wrong_secret_is_rejected_and_right_one_passes() {
    let s = session();
    let bad = rboto_sts::Client::new(&s.config_with_secret("not-the-secret"));
    let err = bad
        .get_caller_identity()
        .send()
        .await
        .expect_err("bad signature");
    assert_eq!(err.kind(), ErrorKind::Service);
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"), "{err}");
    assert_eq!(err.status(), Some(403));

    let bad_ddb = rboto_dynamodb::Client::new(&s.config_with_secret("not-the-secret"));
    let err = bad_ddb
        .list_tables()
        .send()
        .await
        .expect_err("bad signature");
    assert_eq!(err.status(), Some(403), "{err}");

    let good = rboto_sts::Client::new(&s.config());
    good.get_caller_identity()
        .send()
        .await
        .expect("right secret passes");
}

#[tokio::test]
async fn sqs_send_and_receive() {
    let s = session();
    let sqs = rboto_sqs::Client::new(&s.config());
    let q = sqs
        .create_queue()
        .queue_name("jobs")
        .send()
        .await
        .expect("create_queue");
    let url = q.queue_url.expect("queue url");
    assert!(url.ends_with("/jobs"), "{url}");
    let sent = sqs
        .send_message()
        .queue_url(&url)
        .message_body("hello, world")
        .send()
        .await
        .expect("send_message");
    assert!(sent.message_id.is_some());
    let got = sqs
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(1)
        .send()
        .await
        .expect("receive_message");
    let messages = got.messages.expect("messages");
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].body.as_deref(), Some("hello, world"));
    assert_eq!(messages[0].message_id, sent.message_id);
}

#[tokio::test]
async fn iam_create_and_list_users() {
    let s = session();
    let iam = rboto_iam::Client::new(&s.config());
    let created = iam
        .create_user()
        .user_name("alice")
        .send()
        .await
        .expect("create_user");
    assert_eq!(
        created.user.expect("user").user_name.as_deref(),
        Some("alice")
    );
    let users = iam.list_users().send().await.expect("list_users");
    let names: Vec<String> = users
        .users
        .unwrap_or_default()
        .into_iter()
        .filter_map(|u| u.user_name)
        .collect();
    assert!(names.contains(&"alice".to_string()), "{names:?}");
}

/// The harness's proof that verification is on: a wrong secret is refused only once
/// `enable_auth` has switched it on, and no longer after `disable_auth`.
#[test]
fn the_verification_check_tells_on_from_off() {
    let server = rboto_tests::moto::MotoServer::start().expect("moto starts");
    assert!(server.check_verification_on("AKIDEXAMPLE").is_err());
    let (key, _) = server.enable_auth().expect("verification on");
    server
        .check_verification_on(&key)
        .expect("a wrong secret is refused");
    server.disable_auth().unwrap();
    let served = server.check_verification_on(&key).unwrap_err();
    assert!(served.contains("HTTP 200"), "{served}");
}

/// The benchmarks' moto (`cargo xtask bench`) keeps connections alive: two requests on one
/// connection are both answered by moto, where `moto_server` closes after the first.
#[test]
fn the_keep_alive_server_answers_twice_on_one_connection() {
    use std::io::{Read, Write};
    let (module, spec) = rboto_tests::moto::KEEP_ALIVE_PACKAGE;
    rboto_tests::moto::VENV
        .ensure_package(module, spec)
        .expect("waitress installs");
    let server = rboto_tests::moto::MotoServer::start_keep_alive().expect("moto starts");
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    let request = format!(
        "GET /moto-api/data.json HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
        server.port()
    );
    for n in 1..=2 {
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = Vec::new();
        let mut buf = [0u8; 4096];
        // moto answers `{}`-like JSON with a Content-Length; read until the head and body are in.
        let body = loop {
            let read = stream.read(&mut buf).unwrap();
            assert!(read > 0, "request {n}: the server closed the connection");
            response.extend_from_slice(&buf[..read]);
            let text = String::from_utf8_lossy(&response).into_owned();
            let Some((head, body)) = text.split_once("\r\n\r\n") else {
                continue;
            };
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .expect("a Content-Length");
            if body.len() >= length {
                assert!(head.starts_with("HTTP/1.1 200"), "request {n}: {head}");
                assert!(
                    !head.to_ascii_lowercase().contains("connection: close"),
                    "{head}"
                );
                break body.to_string();
            }
        };
        assert!(body.starts_with('{'), "request {n}: {body}");
    }
}
