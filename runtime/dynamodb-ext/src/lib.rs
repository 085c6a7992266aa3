//! # boto3's DynamoDB high-level layer for rboto
//!
//! What `boto3.dynamodb` adds on top of the low-level client, for [`rboto_dynamodb`]:
//!
//! - **Items through serde** ([`to_item`], [`from_item`], [`to_attribute_value`],
//!   [`from_attribute_value`]), as boto3's `TypeSerializer`/`TypeDeserializer`: numbers keep
//!   their exact decimal text ([`Number`] for more than a primitive holds), binary and sets have
//!   newtypes ([`Binary`], [`StringSet`], [`NumberSet`], [`BinarySet`]), `None` is `NULL`, and an
//!   error names the member at fault (`orders[2].price: …`).
//! - **Expressions** ([`Key`], [`Attr`], [`Projection`], [`Update`], collected by
//!   [`Expressions`]), as `boto3.dynamodb.conditions`: every name and value goes through a
//!   placeholder, so reserved words (`name`, `status`, `size`…) need no care.
//! - **A batch writer** ([`BatchWriter`]), as `Table.batch_writer()`.
//!
//! Where this differs from boto3:
//!
//! - Floats are accepted and written as their shortest round-trip text (`0.1` → `"0.1"`);
//!   boto3 refuses `float` and wants `Decimal`, which is [`Number`] here.
//! - The batch writer resends unprocessed requests after an exponential backoff and gives up
//!   after a bounded number of calls in a row ([`BatchWriter::max_attempts`]); boto3 resends at
//!   once, forever. Nothing is sent on drop (Rust has no async drop): call
//!   [`BatchWriter::close`].
//! - Key conditions are their own type, so a filter-only condition (`Attr`, `|`, `!`) cannot be
//!   used as a key condition: boto3 raises `DynamoDBNeedsKeyConditionError` at run time.
//!
//! ```no_run
//! use rboto_dynamodb_ext::{from_item, to_item, Attr, Expressions, Key, WithExpressions};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Order { customer: String, id: u32, total: f64, note: Option<String> }
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let config = rboto::Config::load().await?;
//! let ddb = rboto_dynamodb::Client::new(&config);
//! let order = Order { customer: "c1".into(), id: 7, total: 19.5, note: None };
//! ddb.put_item().table_name("orders").item(to_item(&order)?).send().await?;
//!
//! let mut e = Expressions::new();
//! let out = ddb
//!     .query()
//!     .table_name("orders")
//!     .key_condition_expression(e.key_condition(Key::new("customer").eq("c1"))?)
//!     .filter_expression(e.condition(Attr::new("total").gte(10))?)
//!     .with_expressions(e)
//!     .send()
//!     .await?;
//! for item in out.items.unwrap_or_default() {
//!     let order: Order = from_item(item)?;
//!     println!("{} {}", order.id, order.total);
//! }
//! # Ok(()) }
//! ```

mod batch;
mod de;
mod error;
mod expr;
mod number;
mod ser;
mod sets;
mod value;

#[cfg(test)]
mod item_tests;

pub use batch::{BatchWriter, MAX_BATCH};
pub use de::{from_attribute_value, from_item};
pub use error::{ItemError, PathSegment};
pub use expr::{
    Attr, Comparand, Condition, Expressions, Key, KeyCondition, Projection, Rhs, SetValue, Size,
    Update, WithExpressions,
};
pub use number::{FromNumber, Number};
pub use ser::{to_attribute_value, to_item};
pub use sets::{Binary, BinarySet, NumberSet, StringSet};
