//! The seed's third example: `tables = dynamodb.list_tables(); print(tables['TableNames'])`.
//! `cargo run -p rboto-tests --example seed_dynamodb`.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = rboto::Config::load().await?;
    println!("{:?}", table_names(&config).await?);
    Ok(())
}

/// The account's table names in this region.
pub async fn table_names(config: &rboto::Config) -> Result<Vec<String>, rboto_dynamodb::Error> {
    let dynamodb = rboto_dynamodb::Client::new(config);
    let tables = dynamodb.list_tables().send().await?;
    Ok(tables.table_names.unwrap_or_default())
}
