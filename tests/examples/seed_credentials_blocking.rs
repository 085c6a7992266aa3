//! The seed's credential check without `async`. `cargo run -p rboto-tests --example
//! seed_credentials_blocking`.

fn main() -> Result<(), rboto::Error> {
    let session = rboto::Config::loader().load_sync()?;
    println!("{}", describe_credentials(&session)?);
    Ok(())
}

/// Access key, redacted secret and token of the session's credentials, and where they came from.
pub fn describe_credentials(session: &rboto::Config) -> Result<String, rboto::Error> {
    let provider = session.credentials_provider().ok_or_else(|| {
        rboto::Error::new(
            rboto::ErrorKind::NoCredentials,
            "Unable to locate credentials",
        )
    })?;
    let creds = rboto::blocking::block_on(provider.provide_credentials())??;
    let token = creds.session_token().map_or_else(|| "none".into(), redact);
    Ok(format!(
        "access key {}, secret {}, token {token} (from {})",
        creds.access_key_id(),
        redact(creds.secret_access_key()),
        creds.provider(),
    ))
}

/// The first four characters of a secret, the rest hidden.
fn redact(secret: &str) -> String {
    let shown: String = secret.chars().take(4).collect();
    format!("{shown}…({} characters)", secret.chars().count())
}
