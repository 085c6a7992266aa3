//! The seed's credential check: `session = boto3.Session(); creds = session.get_credentials();
//! print(creds.access_key, creds.secret_key, creds.token)` — the secret shown only by its first
//! characters. `cargo run -p rboto-tests --example seed_credentials` (with `AWS_PROFILE` naming
//! a profile that assumes a role, this prints the role's temporary credentials).

#[tokio::main]
async fn main() -> Result<(), rboto::Error> {
    let session = rboto::Config::load().await?;
    println!("{}", describe_credentials(&session).await?);
    Ok(())
}

/// Access key, redacted secret and token of the session's credentials, and where they came from.
pub async fn describe_credentials(session: &rboto::Config) -> Result<String, rboto::Error> {
    let provider = session.credentials_provider().ok_or_else(|| {
        rboto::Error::new(
            rboto::ErrorKind::NoCredentials,
            "Unable to locate credentials",
        )
    })?;
    let creds = provider.provide_credentials().await?;
    Ok(format!(
        "access key {}, secret {}, token {} (from {})",
        creds.access_key_id(),
        redact(creds.secret_access_key()),
        creds.session_token().map_or_else(|| "none".into(), redact),
        creds.provider(),
    ))
}

/// The first four characters of a secret, the rest hidden.
fn redact(secret: &str) -> String {
    let shown: String = secret.chars().take(4).collect();
    format!("{shown}…({} characters)", secret.chars().count())
}
