//! The seed's examples against a local moto server: what `cargo xtask demo` runs.
//!
//! boto3's snippets, as rboto spells them. Each step prints what it did (✓) or why it failed
//! (✗); the demo goes on after a failure and exits non-zero at the end if any step failed.

use rboto::{Config, Credentials};
use rboto_tests::moto::MotoServer;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

// The seed's snippets as runnable examples (`cargo run -p rboto-tests --example seed_s3`); the
// demo runs the same code against the emulator.
#[path = "seed_credentials.rs"]
#[allow(dead_code)]
mod seed_credentials;
#[path = "seed_credentials_blocking.rs"]
#[allow(dead_code)]
mod seed_credentials_blocking;
#[path = "seed_dynamodb.rs"]
#[allow(dead_code)]
mod seed_dynamodb;
#[path = "seed_dynamodb_blocking.rs"]
#[allow(dead_code)]
mod seed_dynamodb_blocking;
#[path = "seed_ec2.rs"]
#[allow(dead_code)]
mod seed_ec2;
#[path = "seed_ec2_blocking.rs"]
#[allow(dead_code)]
mod seed_ec2_blocking;
#[path = "seed_s3.rs"]
#[allow(dead_code)]
mod seed_s3;
#[path = "seed_s3_blocking.rs"]
#[allow(dead_code)]
mod seed_s3_blocking;

/// How many steps failed: the demo exits non-zero if any did.
static FAILED: AtomicUsize = AtomicUsize::new(0);

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    eprintln!("starting a local AWS emulator (moto)…");
    let moto = MotoServer::start()?;
    println!("moto is listening on {}", moto.endpoint());
    // What `boto3.client('s3')` finds in the environment, made explicit for the emulator.
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(moto.endpoint())
        .credentials(Credentials::new("AKIDEXAMPLE", "demo-secret", None))
        .build();

    step(
        "s3.put_object(Body='Hello, world!', Bucket='my-bucket', Key='hello.txt')",
        async {
            let s3 = rboto_s3::Client::new(&config);
            s3.create_bucket().bucket("my-bucket").send().await?;
            // The example file's own code, async and then blocking (on a plain thread: a
            // blocking call inside this async main would be refused).
            seed_s3::put_hello(&config).await?;
            blocking(|| seed_s3_blocking::put_hello(&config))?;
            let got = s3
                .get_object()
                .bucket("my-bucket")
                .key("hello.txt")
                .send()
                .await?;
            let body = got.body.unwrap_or_default().collect().await?;
            Ok(format!(
                "stored and read back {:?}",
                String::from_utf8_lossy(&body)
            ))
        },
    )
    .await;

    // botocore requires MinCount too (the seed's call alone fails parameter validation).
    step(
        "ec2.run_instances(ImageId='ami-abc123', InstanceType='t2.micro', MaxCount=1, MinCount=1)",
        async {
            let ec2 = rboto_ec2::Client::new(&config);
            blocking(|| seed_ec2_blocking::run_instance(&config))?;
            let reservation = seed_ec2::run_instance(&config).await?;
            let id = reservation
                .instances
                .unwrap_or_default()
                .into_iter()
                .find_map(|i| i.instance_id)
                .ok_or("no instance in the reservation")?;
            // ec2.get_waiter('instance_running').wait(InstanceIds=[id]), then describe it.
            ec2.describe_instances()
                .instance_ids(vec![id.clone()])
                .wait_until_instance_running()
                .delay(Duration::from_millis(200))
                .await?;
            let described = ec2
                .describe_instances()
                .instance_ids(vec![id.clone()])
                .send()
                .await?;
            let instance = described
                .reservations
                .unwrap_or_default()
                .into_iter()
                .flat_map(|r| r.instances.unwrap_or_default())
                .next()
                .ok_or("the instance is not described")?;
            Ok(format!(
                "launched {id}: {} {}, state {}",
                instance.image_id.unwrap_or_default(),
                instance
                    .instance_type
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                instance
                    .state
                    .and_then(|s| s.name)
                    .map(|n| n.as_str().to_string())
                    .unwrap_or_default(),
            ))
        },
    )
    .await;

    step("dynamodb.list_tables()['TableNames']", async {
        let ddb = rboto_dynamodb::Client::new(&config);
        use rboto_dynamodb::types::{AttributeDefinition, KeySchemaElement};
        ddb.create_table()
            .table_name("seed-table")
            .attribute_definitions(vec![AttributeDefinition::default()
                .attribute_name("id")
                .attribute_type("S")])
            .key_schema(vec![KeySchemaElement::default()
                .attribute_name("id")
                .key_type("HASH")])
            .billing_mode("PAY_PER_REQUEST")
            .send()
            .await?;
        let tables = seed_dynamodb::table_names(&config).await?;
        let again = blocking(|| seed_dynamodb_blocking::table_names(&config))?;
        if again != tables {
            return Err(format!("blocking form listed {again:?}, async {tables:?}").into());
        }
        Ok(format!("{tables:?}"))
    })
    .await;

    step("sts.get_caller_identity()", async {
        let sts = rboto_sts::Client::new(&config);
        let me = sts.get_caller_identity().send().await?;
        Ok(format!(
            "account {} as {}",
            me.account.unwrap_or_default(),
            me.arn.unwrap_or_default()
        ))
    })
    .await;

    step(
        "boto3.Session(profile_name='demo-role').get_credentials()  # role_arn + source_profile",
        async {
            let home = rboto_tests::scratch::ScratchDir::new("rboto-demo", "profile", &[".aws"])?;
            std::fs::write(
                home.join(".aws/credentials"),
                "[base]\naws_access_key_id = AKIDBASEDEMO\naws_secret_access_key = base-secret\n",
            )?;
            std::fs::write(
                home.join(".aws/config"),
                "[profile demo-role]\nrole_arn = arn:aws:iam::123456789012:role/demo\n\
                 source_profile = base\nrole_session_name = demo-session\n",
            )?;
            let env = rboto::config::Env::from_map(HashMap::from([
                ("HOME".to_string(), home.display().to_string()),
                ("AWS_PROFILE".to_string(), "demo-role".to_string()),
                ("AWS_REGION".to_string(), "us-east-1".to_string()),
                ("AWS_ENDPOINT_URL".to_string(), moto.endpoint()),
                ("AWS_EC2_METADATA_DISABLED".to_string(), "true".to_string()),
            ]));
            let session = Config::loader().env(env).load().await?;
            let described = seed_credentials::describe_credentials(&session).await?;
            let again = blocking(|| seed_credentials_blocking::describe_credentials(&session))?;
            // Cached credentials: both forms see the same role session.
            if again != described {
                return Err(format!("blocking form found {again}, async {described}").into());
            }
            Ok(described)
        },
    )
    .await;

    step(
        "sts.assume_role(RoleArn='arn:aws:iam::123456789012:role/demo', RoleSessionName='demo-session')",
        async {
            let sts = rboto_sts::Client::new(&config);
            let out = sts
                .assume_role()
                .role_arn("arn:aws:iam::123456789012:role/demo")
                .role_session_name("demo-session")
                .send()
                .await?;
            let user = out.assumed_role_user.ok_or("no AssumedRoleUser")?;
            let creds = out.credentials.ok_or("no Credentials")?;
            Ok(format!(
                "assumed {} with key {} until {}",
                user.arn.unwrap_or_default(),
                creds.access_key_id.unwrap_or_default(),
                creds
                    .expiration
                    .map(|t| t.to_string())
                    .unwrap_or_default()
            ))
        },
    )
    .await;

    step(
        "s3.generate_presigned_url('get_object', Params={'Bucket': 'my-bucket', 'Key': 'hello.txt'})",
        async {
            let s3 = rboto_s3::Client::new(&config);
            let presigned = s3
                .presign(
                    s3.get_object().bucket("my-bucket").key("hello.txt"),
                    &rboto::Presign::expires_in(Duration::from_secs(3600)),
                )
                .await?;
            // Fetched with no SDK at all: a plain HTTP/1.1 GET of the URL.
            let (status, body) = plain_get(presigned.url())?;
            if status != 200 {
                return Err(format!("GET of the presigned URL: HTTP {status}: {body}").into());
            }
            Ok(format!("GET {} → {status} {body:?}", presigned.url()))
        },
    )
    .await;

    step(
        "s3.upload_file('big.bin', 'my-bucket', 'big.bin', Callback=progress); download_file(...)",
        async {
            let dir = rboto_tests::scratch::ScratchDir::new("rboto-demo", "transfer", &[])?;
            let (up, down) = (dir.join("big.bin"), dir.join("big.back"));
            // 64 MiB of deterministic bytes that differ from part to part.
            let data: Vec<u8> = (0..64u32 << 20)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
                .collect();
            std::fs::write(&up, &data)?;
            let tm = rboto_s3_transfer::TransferManager::new(rboto_s3::Client::new(&config));
            let uploaded = tm
                .upload_file(&up, "my-bucket", "big.bin")
                .on_progress(progress_bar)
                .await?;
            tm.download_file("my-bucket", "big.bin", &down)
                .on_progress(progress_bar)
                .await?;
            if std::fs::read(&down)? != data {
                return Err("the downloaded file differs from the uploaded one".into());
            }
            Ok(format!(
                "64 MiB up in {} parts (ETag {}), down again, byte for byte the same",
                uploaded.parts.unwrap_or(1),
                uploaded.e_tag.unwrap_or_default()
            ))
        },
    )
    .await;

    step(
        "table.put_item(Item={...}); table.query(KeyConditionExpression=Key('customer').eq('c-1'))",
        async {
            use rboto_dynamodb::types::{AttributeDefinition, KeySchemaElement};
            use rboto_dynamodb_ext::{from_item, to_item, Attr, Expressions, Key, WithExpressions};
            let ddb = rboto_dynamodb::Client::new(&config);
            ddb.create_table()
                .table_name("orders")
                .attribute_definitions(vec![
                    AttributeDefinition::default()
                        .attribute_name("customer")
                        .attribute_type("S"),
                    AttributeDefinition::default()
                        .attribute_name("id")
                        .attribute_type("N"),
                ])
                .key_schema(vec![
                    KeySchemaElement::default()
                        .attribute_name("customer")
                        .key_type("HASH"),
                    KeySchemaElement::default()
                        .attribute_name("id")
                        .key_type("RANGE"),
                ])
                .billing_mode("PAY_PER_REQUEST")
                .send()
                .await?;
            let orders = [
                Order {
                    customer: "c-1".into(),
                    id: 1,
                    total: 12.5,
                    items: vec!["tea".into()],
                    note: None,
                },
                Order {
                    customer: "c-1".into(),
                    id: 2,
                    total: 99.0,
                    items: vec!["kettle".into(), "cups".into()],
                    note: Some("gift".into()),
                },
                Order {
                    customer: "c-2".into(),
                    id: 3,
                    total: 5.0,
                    items: vec![],
                    note: None,
                },
            ];
            for order in &orders {
                ddb.put_item()
                    .table_name("orders")
                    .item(to_item(order)?)
                    .send()
                    .await?;
            }
            let mut e = Expressions::new();
            let found = ddb
                .query()
                .table_name("orders")
                .key_condition_expression(e.key_condition(Key::new("customer").eq("c-1"))?)
                .filter_expression(e.condition(Attr::new("total").gt(50))?)
                .with_expressions(e)
                .send()
                .await?;
            let got: Vec<Order> = found
                .items
                .unwrap_or_default()
                .into_iter()
                .map(from_item)
                .collect::<Result<_, _>>()?;
            if got != orders[1..2] {
                return Err(format!("query found {got:?}").into());
            }
            Ok(format!(
                "3 orders written as structs; c-1's over 50 read back: {got:?}"
            ))
        },
    )
    .await;

    let failed = FAILED.load(Ordering::SeqCst);
    if failed > 0 {
        return Err(format!("{failed} step(s) failed").into());
    }
    Ok(())
}

/// A DynamoDB item as a plain Rust struct (boto3 would use a dict).
#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Order {
    customer: String,
    id: u32,
    total: f64,
    items: Vec<String>,
    note: Option<String>,
}

/// A one-line progress bar on stderr, redrawn in place when the percentage moves.
fn progress_bar(p: rboto_s3_transfer::Progress) {
    static SHOWN: AtomicU64 = AtomicU64::new(u64::MAX);
    let total = p.total.unwrap_or(0).max(1);
    let percent = p.bytes_done * 100 / total;
    if SHOWN.swap(percent, Ordering::SeqCst) == percent {
        return;
    }
    if !std::io::stderr().is_terminal() {
        // A log gets a line per quarter instead of a redrawn bar.
        if percent.is_multiple_of(25) {
            eprintln!("    {percent:>3}% of {} MiB", total >> 20);
        }
        return;
    }
    let filled = (percent * 30 / 100) as usize;
    eprint!(
        "\r    [{}{}] {percent:>3}% of {} MiB",
        "#".repeat(filled),
        " ".repeat(30 - filled.min(30)),
        total >> 20
    );
    if percent == 100 {
        eprintln!();
    }
}

/// Runs a blocking example function on a plain thread, as synchronous code would.
fn blocking<T: Send, E: std::error::Error + Send + 'static>(
    f: impl FnOnce() -> Result<T, E> + Send,
) -> Result<T, Box<dyn std::error::Error>> {
    std::thread::scope(|s| s.spawn(f).join())
        .map_err(|_| "the blocking example panicked")?
        .map_err(|e| Box::new(e) as Box<dyn std::error::Error>)
}

/// GETs an `http://` URL with a bare HTTP/1.1 request: status and body text.
fn plain_get(url: &str) -> Result<(u16, String), Box<dyn std::error::Error>> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").ok_or("not an http:// URL")?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = std::net::TcpStream::connect(authority)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("no HTTP status line")?;
    let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    Ok((status, body.to_string()))
}

async fn step(
    what: &str,
    run: impl std::future::Future<Output = Result<String, Box<dyn std::error::Error>>>,
) {
    match run.await {
        Ok(done) => println!("✓ {what}\n    {done}"),
        Err(e) => {
            FAILED.fetch_add(1, Ordering::SeqCst);
            println!("✗ {what}\n    {e}");
        }
    }
}
