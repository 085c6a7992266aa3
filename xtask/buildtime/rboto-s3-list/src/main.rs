#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = rboto::Config::load().await?;
    let s3 = rboto_s3::Client::new(&config);
    println!("{:?}", s3.list_buckets().send().await?.buckets);
    Ok(())
}
