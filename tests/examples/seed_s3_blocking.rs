//! The seed's first example without `async`: `.wait()` instead of `.await`.
//! `cargo run -p rboto-tests --example seed_s3_blocking`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = rboto::Config::loader().load_sync()?;
    Ok(put_hello(&config)?)
}

/// Puts `hello.txt` into `my-bucket`.
pub fn put_hello(config: &rboto::Config) -> Result<(), rboto_s3::Error> {
    let s3 = rboto_s3::Client::new(config);
    s3.put_object()
        .body("Hello, world!")
        .bucket("my-bucket")
        .key("hello.txt")
        .send()
        .wait()?;
    Ok(())
}
