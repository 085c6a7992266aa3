//! The seed's second example without `async`. `cargo run -p rboto-tests --example
//! seed_ec2_blocking`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = rboto::Config::loader().load_sync()?;
    let instance = run_instance(&config)?;
    println!("{instance:?}");
    Ok(())
}

/// Launches one t2.micro and returns its reservation.
pub fn run_instance(
    config: &rboto::Config,
) -> Result<rboto_ec2::output::RunInstancesOutput, rboto_ec2::Error> {
    let ec2 = rboto_ec2::Client::new(config);
    ec2.run_instances()
        .image_id("ami-abc123")
        .instance_type("t2.micro")
        .max_count(1)
        .min_count(1)
        .send()
        .wait()
}
