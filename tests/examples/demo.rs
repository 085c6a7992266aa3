//! The seed's examples against a local moto server: what `cargo xtask demo` runs.
//!
//! boto3's snippets, as rboto spells them. Each step prints what it did; a step whose protocol
//! is not implemented yet says so and the demo goes on.

use rboto::{Config, Credentials};
use rboto_tests::moto::MotoServer;

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
            s3.put_object()
                .bucket("my-bucket")
                .key("hello.txt")
                .body("Hello, world!")
                .send()
                .await?;
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
            let reservation = ec2
                .run_instances()
                .image_id("ami-abc123")
                .instance_type("t2.micro")
                .min_count(1)
                .max_count(1)
                .send()
                .await?;
            let ids: Vec<String> = reservation
                .instances
                .unwrap_or_default()
                .into_iter()
                .filter_map(|i| i.instance_id)
                .collect();
            Ok(format!("launched {ids:?}"))
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
        let tables = ddb.list_tables().send().await?;
        Ok(format!("{:?}", tables.table_names.unwrap_or_default()))
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
    Ok(())
}

async fn step(
    what: &str,
    run: impl std::future::Future<Output = Result<String, Box<dyn std::error::Error>>>,
) {
    match run.await {
        Ok(done) => println!("✓ {what}\n    {done}"),
        Err(e) => println!("✗ {what}\n    {e}"),
    }
}
