//! The seed's third example without `async`. `cargo run -p rboto-tests --example
//! seed_dynamodb_blocking`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = rboto::Config::loader().load_sync()?;
    println!("{:?}", table_names(&config)?);
    Ok(())
}

/// The account's table names in this region.
pub fn table_names(config: &rboto::Config) -> Result<Vec<String>, rboto_dynamodb::Error> {
    let dynamodb = rboto_dynamodb::Client::new(config);
    let tables = dynamodb.list_tables().send().wait()?;
    Ok(tables.table_names.unwrap_or_default())
}
