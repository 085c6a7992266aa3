//! The seed's second example, `ec2.run_instances(ImageId='ami-abc123', InstanceType='t2.micro',
//! MaxCount=1)`, plus the `MinCount` botocore's model requires (without it the call fails
//! parameter validation, naming the member). `cargo run -p rboto-tests --example seed_ec2`.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = rboto::Config::load().await?;
    let instance = run_instance(&config).await?;
    println!("{instance:?}");
    Ok(())
}

/// Launches one t2.micro and returns its reservation.
pub async fn run_instance(
    config: &rboto::Config,
) -> Result<rboto_ec2::output::RunInstancesOutput, rboto_ec2::Error> {
    let ec2 = rboto_ec2::Client::new(config);
    ec2.run_instances()
        .image_id("ami-abc123")
        .instance_type("t2.micro")
        .max_count(1)
        .min_count(1)
        .send()
        .await
}
