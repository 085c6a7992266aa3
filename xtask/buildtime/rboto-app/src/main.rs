#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = rboto::Config::load().await?;
    let s3 = rboto_s3::Client::new(&config);
    println!("{:?}", s3.list_buckets().send().await?.buckets);
    let ddb = rboto_dynamodb::Client::new(&config);
    println!("{:?}", ddb.list_tables().send().await?.table_names);
    let sts = rboto_sts::Client::new(&config);
    println!("{:?}", sts.get_caller_identity().send().await?.account);
    Ok(())
}
