#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = aws_config::load_from_env().await;
    let s3 = aws_sdk_s3::Client::new(&config);
    println!("{:?}", s3.list_buckets().send().await?.buckets());
    let ddb = aws_sdk_dynamodb::Client::new(&config);
    println!("{:?}", ddb.list_tables().send().await?.table_names());
    let sts = aws_sdk_sts::Client::new(&config);
    println!("{:?}", sts.get_caller_identity().send().await?.account());
    Ok(())
}
