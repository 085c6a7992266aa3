//! The seed's first example, `s3.put_object(Body='Hello, world!', Bucket='my-bucket',
//! Key='hello.txt')`, with the configuration boto3 would find (environment, `~/.aws`).
//! `cargo xtask demo` runs [`put_hello`] against moto; on its own:
//! `cargo run -p rboto-tests --example seed_s3`.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = rboto::Config::load().await?;
    Ok(put_hello(&config).await?)
}

/// Puts `hello.txt` into `my-bucket`.
pub async fn put_hello(config: &rboto::Config) -> Result<(), rboto_s3::Error> {
    let s3 = rboto_s3::Client::new(config);
    s3.put_object()
        .body("Hello, world!")
        .bucket("my-bucket")
        .key("hello.txt")
        .send()
        .await?;
    Ok(())
}
