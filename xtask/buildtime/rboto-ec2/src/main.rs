#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = rboto::Config::load().await?;
    let ec2 = rboto_ec2::Client::new(&config);
    println!("{:?}", ec2.describe_instances().send().await?.reservations);
    Ok(())
}
