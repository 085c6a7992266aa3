#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = aws_config::load_from_env().await;
    let s3 = aws_sdk_s3::Client::new(&config);
    println!("{:?}", s3.list_buckets().send().await?.buckets());
    Ok(())
}
