//! End-to-end runs of the `rboto` binary against moto: the process as a user runs it, stdout,
//! stderr and exit code checked. (The side-by-side corpus against the AWS CLI itself is
//! branch clitest's.)

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

fn scratch() -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "rboto-cli-e2e-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// `rboto args…` against the shared moto, with test credentials and no profile files.
fn rboto_with(args: &[&str], creds: bool) -> Output {
    let server = rboto_tests::moto::shared();
    let dir = scratch();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rboto"));
    cmd.args(args)
        .arg("--endpoint-url")
        .arg(server.endpoint())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", &dir)
        .env("AWS_CONFIG_FILE", dir.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_DEFAULT_REGION", "us-east-1");
    if creds {
        cmd.env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testingsecretWXYZ");
    }
    cmd.output().expect("rboto runs")
}

fn rboto(args: &[&str]) -> Output {
    rboto_with(args, true)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn get_caller_identity_prints_cli_json() {
    let out = rboto(&["sts", "get-caller-identity"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "{\n    \"UserId\": \"AKIAIOSFODNN7EXAMPLE\",\n    \"Account\": \"123456789012\",\n    \"Arn\": \"arn:aws:sts::123456789012:user/moto\"\n}\n"
    );
    let q = rboto(&[
        "sts",
        "get-caller-identity",
        "--query",
        "Account",
        "--output",
        "text",
    ]);
    assert_eq!(stdout(&q), "123456789012\n");
}

/// `--debug` writes the runtime's spans and events to stderr, and never the secret key or the
/// request's signature; stdout is the same as without it.
#[test]
fn debug_traces_the_call_on_stderr_without_secrets() {
    let out = rboto(&["--debug", "sts", "get-caller-identity"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("\"Account\": \"123456789012\""));
    let log = stderr(&out);
    assert!(log.contains("rboto.operation"), "{log}");
    assert!(log.contains("rboto.attempt"), "{log}");
    assert!(!log.contains("testingsecretWXYZ"), "{log}");
    assert!(!log.contains("Signature="), "{log}");
}

#[test]
fn s3api_objects_round_trip() {
    let bucket = unique("cli-e2e");
    let dir = scratch();
    let out = rboto(&["s3api", "create-bucket", "--bucket", &bucket]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("{{\n    \"Location\": \"/{bucket}\"\n}}\n")
    );
    for key in ["a.txt", "b.txt", "c/d.txt"] {
        let path = dir.join("body");
        std::fs::write(&path, format!("body of {key}")).unwrap();
        let out = rboto(&[
            "s3api",
            "put-object",
            "--bucket",
            &bucket,
            "--key",
            key,
            "--body",
            path.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stdout(&out).contains("\"ETag\": \"\\\""),
            "{}",
            stdout(&out)
        );
    }
    let list = rboto(&[
        "s3api",
        "list-objects-v2",
        "--bucket",
        &bucket,
        "--query",
        "Contents[].[Key, Size]",
    ]);
    assert_eq!(list.status.code(), Some(0), "{}", stderr(&list));
    assert_eq!(
        stdout(&list),
        "[\n    [\n        \"a.txt\",\n        13\n    ],\n    [\n        \"b.txt\",\n        13\n    ],\n    [\n        \"c/d.txt\",\n        15\n    ]\n]\n"
    );
    let target = dir.join("out");
    let get = rboto(&[
        "s3api",
        "get-object",
        "--bucket",
        &bucket,
        "--key",
        "b.txt",
        target.to_str().unwrap(),
    ]);
    assert_eq!(get.status.code(), Some(0), "{}", stderr(&get));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "body of b.txt");
    assert!(
        stdout(&get).contains("\"ContentLength\": 13,"),
        "{}",
        stdout(&get)
    );
    assert!(!stdout(&get).contains("\"Body\""));
}

#[test]
fn service_error_is_exit_254_with_the_cli_message() {
    let out = rboto(&["s3api", "list-objects", "--bucket", &unique("missing")]);
    assert_eq!(out.status.code(), Some(254));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        "\nAn error occurred (NoSuchBucket) when calling the ListObjects operation: The specified bucket does not exist\n"
    );
}

#[test]
fn bad_command_lines_are_exit_252() {
    let missing = rboto(&["s3api", "list-objects"]);
    assert_eq!(missing.status.code(), Some(252));
    assert!(
        stderr(&missing).contains("the following arguments are required: --bucket"),
        "{}",
        stderr(&missing)
    );
    let unknown = rboto(&["sts", "get-caller-identity", "--bogus", "1"]);
    assert_eq!(unknown.status.code(), Some(252));
    assert!(
        stderr(&unknown).contains("Unknown options: --bogus, 1"),
        "{}",
        stderr(&unknown)
    );
    let op = rboto(&["sts", "no-such-operation"]);
    assert_eq!(op.status.code(), Some(252));
}

#[test]
fn no_credentials_is_exit_253() {
    let out = rboto_with(&["sts", "get-caller-identity"], false);
    assert_eq!(out.status.code(), Some(253), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Unable to locate credentials"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn dynamodb_json_and_shorthand_inputs() {
    let table = unique("cli-e2e");
    let create = rboto(&[
        "dynamodb",
        "create-table",
        "--table-name",
        &table,
        "--attribute-definitions",
        r#"[{"AttributeName": "pk", "AttributeType": "S"}]"#,
        "--key-schema",
        r#"[{"AttributeName": "pk", "KeyType": "HASH"}]"#,
        "--billing-mode",
        "PAY_PER_REQUEST",
        "--query",
        "TableDescription.TableName",
        "--output",
        "text",
    ]);
    assert_eq!(create.status.code(), Some(0), "{}", stderr(&create));
    assert_eq!(stdout(&create), format!("{table}\n"));
    let put = rboto(&[
        "dynamodb",
        "put-item",
        "--table-name",
        &table,
        "--item",
        r#"{"pk": {"S": "k1"}, "n": {"N": "1.5"}, "t": {"S": "é\n"}}"#,
    ]);
    assert_eq!(put.status.code(), Some(0), "{}", stderr(&put));
    assert_eq!(stdout(&put), "");
    let scan = rboto(&["dynamodb", "scan", "--table-name", &table]);
    assert_eq!(scan.status.code(), Some(0), "{}", stderr(&scan));
    let text = stdout(&scan);
    assert!(text.contains("\"S\": \"é\\n\""), "{text}");
    assert!(text.contains("\"Count\": 1,"), "{text}");
}

#[test]
fn generate_cli_skeleton_and_cli_input_json() {
    let skeleton = rboto(&["sts", "assume-role", "--generate-cli-skeleton"]);
    assert_eq!(skeleton.status.code(), Some(0));
    assert!(stdout(&skeleton)
        .starts_with("{\n    \"RoleArn\": \"\",\n    \"RoleSessionName\": \"\",\n"));
    let dir = scratch();
    let input = dir.join("input.json");
    std::fs::write(
        &input,
        r#"{"RoleArn": "arn:aws:iam::123456789012:role/r", "RoleSessionName": "s1"}"#,
    )
    .unwrap();
    let out = rboto(&[
        "sts",
        "assume-role",
        "--cli-input-json",
        &format!("file://{}", input.display()),
        "--query",
        "AssumedRoleUser.Arn",
        "--output",
        "text",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "arn:aws:sts::123456789012:assumed-role/r/s1\n"
    );
}

#[test]
fn configure_list_masks_keys() {
    let out = rboto(&["configure", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("access_key     ****************ting              env"),
        "{text}"
    );
    assert!(
        text.contains("secret_key     ****************WXYZ              env"),
        "{text}"
    );
    assert!(!text.contains("testingsecret"), "{text}");
    assert!(
        text.contains("    region                us-east-1              env    AWS_DEFAULT_REGION"),
        "{text}"
    );
}

#[test]
fn pagination_max_items_and_resume_and_wait() {
    let bucket = unique("cli-pages");
    assert_eq!(
        rboto(&["s3api", "create-bucket", "--bucket", &bucket])
            .status
            .code(),
        Some(0)
    );
    let wait = rboto(&["s3api", "wait", "bucket-exists", "--bucket", &bucket]);
    assert_eq!(wait.status.code(), Some(0), "{}", stderr(&wait));
    assert_eq!(stdout(&wait), "");
    let dir = scratch();
    let path = dir.join("b");
    std::fs::write(&path, "x").unwrap();
    for key in ["k1", "k2", "k3"] {
        let out = rboto(&[
            "s3api",
            "put-object",
            "--bucket",
            &bucket,
            "--key",
            key,
            "--body",
            path.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    // One-item pages: text output is printed page by page, as the CLI does.
    let all = rboto(&[
        "s3api",
        "list-objects-v2",
        "--bucket",
        &bucket,
        "--page-size",
        "1",
        "--query",
        "Contents[].Key",
        "--output",
        "text",
    ]);
    assert_eq!(stdout(&all), "k1\nk2\nk3\n", "{}", stderr(&all));
    // --max-items stops early and says where to resume.
    let first = rboto(&[
        "s3api",
        "list-objects-v2",
        "--bucket",
        &bucket,
        "--max-items",
        "2",
        "--query",
        "[Contents[].Key, NextToken]",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&first.stdout).expect("json");
    assert_eq!(v[0], serde_json::json!(["k1", "k2"]));
    let token = v[1].as_str().expect("a NextToken").to_string();
    let rest = rboto(&[
        "s3api",
        "list-objects-v2",
        "--bucket",
        &bucket,
        "--starting-token",
        &token,
        "--query",
        "Contents[].Key",
    ]);
    assert_eq!(stdout(&rest), "[\n    \"k3\"\n]\n", "{}", stderr(&rest));
    // An input token given by hand turns pagination off (one page, the service's own keys).
    let manual = rboto(&[
        "s3api",
        "list-objects-v2",
        "--bucket",
        &bucket,
        "--max-keys",
        "1",
        "--query",
        "[KeyCount, IsTruncated]",
        "--output",
        "text",
    ]);
    assert_eq!(stdout(&manual), "1\tTrue\n", "{}", stderr(&manual));
}

#[test]
fn ec2_and_ecr_customizations() {
    let login = rboto(&["ecr", "get-login-password"]);
    assert_eq!(login.status.code(), Some(0), "{}", stderr(&login));
    assert_eq!(stdout(&login), "123456789012-auth-token\n");
    let group = rboto(&[
        "ec2",
        "create-security-group",
        "--group-name",
        &unique("sg"),
        "--description",
        "d",
        "--query",
        "GroupId",
        "--output",
        "text",
    ]);
    let group_id = stdout(&group).trim().to_string();
    assert!(group_id.starts_with("sg-"), "{}", stderr(&group));
    let auth = rboto(&[
        "ec2",
        "authorize-security-group-ingress",
        "--group-id",
        &group_id,
        "--protocol",
        "tcp",
        "--port",
        "22-23",
        "--cidr",
        "10.0.0.0/8",
        "--query",
        "Return",
    ]);
    assert_eq!(stdout(&auth), "true\n", "{}", stderr(&auth));
    let perms = rboto(&[
        "ec2",
        "describe-security-groups",
        "--group-ids",
        &group_id,
        "--query",
        "SecurityGroups[0].IpPermissions[0].[IpProtocol, FromPort, ToPort, IpRanges[0].CidrIp]",
        "--output",
        "text",
    ]);
    assert_eq!(
        stdout(&perms),
        "tcp\t22\t23\t10.0.0.0/8\n",
        "{}",
        stderr(&perms)
    );
    let run = rboto(&[
        "ec2",
        "run-instances",
        "--image-id",
        "ami-12c6146b",
        "--count",
        "2",
        "--associate-public-ip-address",
        "--query",
        "length(Instances)",
    ]);
    assert_eq!(stdout(&run), "2\n", "{}", stderr(&run));
}
