#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = aws_config::load_from_env().await;
    let ec2 = aws_sdk_ec2::Client::new(&config);
    println!(
        "{:?}",
        ec2.describe_instances().send().await?.reservations()
    );
    Ok(())
}
