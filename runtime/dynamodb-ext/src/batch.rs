//! A batch writer for one table, as boto3's `Table.batch_writer()`: puts and deletes are
//! buffered and sent 25 at a time through `BatchWriteItem`; requests DynamoDB returns as
//! `UnprocessedItems` are sent again, after an exponential backoff, up to a bound.
//!
//! Rust has no async drop, so nothing is sent when a writer goes out of scope: call
//! [`BatchWriter::close`] (or [`BatchWriter::flush`]) at the end. A writer dropped with
//! requests still buffered prints a warning naming the table and the count to standard error
//! (never the items): where boto3's `with` block flushes on exit, those requests are lost.
//! A panic in progress skips the warning.

use crate::error::ItemError;
use rboto::ErrorKind;
use rboto_dynamodb::types::{AttributeValue, DeleteRequest, PutRequest, WriteRequest};
use rboto_dynamodb::{Client, Error};
use serde::Serialize;
use std::collections::{HashMap, VecDeque};
use std::time::Duration;

/// DynamoDB's limit on requests in one `BatchWriteItem` call.
pub const MAX_BATCH: usize = 25;
const DEFAULT_MAX_ATTEMPTS: u32 = 10;
const DEFAULT_BASE_DELAY: Duration = Duration::from_millis(50);
/// botocore's cap on a retry delay.
const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(20);

/// Buffers writes to one table and sends them in batches. See the [module docs](self).
///
/// ```no_run
/// # async fn example(client: rboto_dynamodb::Client) -> Result<(), rboto_dynamodb::Error> {
/// use rboto_dynamodb_ext::BatchWriter;
/// #[derive(serde::Serialize)]
/// struct Song { artist: String, title: String, plays: u64 }
///
/// let mut batch = BatchWriter::new(&client, "music").overwrite_by_pkeys(["artist", "title"]);
/// for plays in 0..100 {
///     batch.put(&Song { artist: "Nina".into(), title: format!("t{plays}"), plays }).await?;
/// }
/// batch.close().await?; // sends what is still buffered
/// # Ok(()) }
/// ```
#[must_use = "buffered writes are sent only by flush().await or close().await"]
pub struct BatchWriter {
    client: Client,
    table: String,
    buffer: VecDeque<WriteRequest>,
    flush_amount: usize,
    overwrite_by_pkeys: Vec<String>,
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    /// Consecutive calls that returned unprocessed requests.
    unprocessed_rounds: u32,
}

impl std::fmt::Debug for BatchWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchWriter")
            .field("table", &self.table)
            .field("buffered", &self.buffer.len())
            .field("overwrite_by_pkeys", &self.overwrite_by_pkeys)
            .finish_non_exhaustive()
    }
}

impl BatchWriter {
    /// A writer to `table` through `client`, sending 25 requests per call.
    pub fn new(client: &Client, table: impl Into<String>) -> Self {
        BatchWriter {
            client: client.clone(),
            table: table.into(),
            buffer: VecDeque::new(),
            flush_amount: MAX_BATCH,
            overwrite_by_pkeys: Vec::new(),
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            base_delay: DEFAULT_BASE_DELAY,
            max_delay: DEFAULT_MAX_DELAY,
            unprocessed_rounds: 0,
        }
    }

    /// Keeps only the last buffered request for each combination of these key attributes
    /// (boto3's `overwrite_by_pkeys`), since DynamoDB rejects a batch that writes one key
    /// twice. Name the partition key and the sort key, if any.
    pub fn overwrite_by_pkeys<I>(mut self, keys: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.overwrite_by_pkeys = keys.into_iter().map(Into::into).collect();
        self
    }

    /// Requests per call, 1 to 25 (boto3's `flush_amount`); values outside are clamped.
    pub fn flush_amount(mut self, amount: usize) -> Self {
        self.flush_amount = amount.clamp(1, MAX_BATCH);
        self
    }

    /// How many calls in a row may return unprocessed requests before the writer gives up with
    /// an error (default 10). At least 1.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff before resending unprocessed requests: a random delay up to
    /// `min(base × 2^(n-1), max)` after the n-th call in a row that left some (defaults 50 ms
    /// and 20 s).
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max;
        self
    }

    /// Requests buffered and not yet accepted by DynamoDB.
    pub fn pending(&self) -> usize {
        self.buffer.len()
    }

    /// Empties the buffer without sending, returning what was in it (after an error that
    /// retrying will not fix, such as a malformed item).
    pub fn discard(&mut self) -> Vec<WriteRequest> {
        self.unprocessed_rounds = 0;
        self.buffer.drain(..).collect()
    }

    /// Buffers a put of `item`, sending a batch once enough are buffered. An error comes from
    /// that send (see [`flush`](BatchWriter::flush)); the request itself stays buffered.
    pub async fn put_item(&mut self, item: HashMap<String, AttributeValue>) -> Result<(), Error> {
        let request = WriteRequest::default().put_request(PutRequest::default().item(item));
        self.add(request).await
    }

    /// Buffers a put of `item` serialized with [`crate::to_item`].
    pub async fn put<T: Serialize + ?Sized>(&mut self, item: &T) -> Result<(), Error> {
        let item = crate::to_item(item)?;
        self.put_item(item).await
    }

    /// Buffers a delete of the item with this key; errors as for
    /// [`put_item`](BatchWriter::put_item).
    pub async fn delete_item(&mut self, key: HashMap<String, AttributeValue>) -> Result<(), Error> {
        let request = WriteRequest::default().delete_request(DeleteRequest::default().key(key));
        self.add(request).await
    }

    /// Buffers a delete of the item whose key `key` serializes to.
    pub async fn delete<K: Serialize + ?Sized>(&mut self, key: &K) -> Result<(), Error> {
        let key = crate::to_item(key)?;
        self.delete_item(key).await
    }

    /// Sends everything buffered, resending unprocessed requests with backoff. On error the
    /// requests not yet accepted stay buffered: flush again to retry, or [`discard`] them.
    ///
    /// [`discard`]: BatchWriter::discard
    pub async fn flush(&mut self) -> Result<(), Error> {
        while !self.buffer.is_empty() {
            self.send_batch().await?;
        }
        Ok(())
    }

    /// Flushes and ends the writer (boto3 leaving the `with` block).
    pub async fn close(mut self) -> Result<(), Error> {
        self.flush().await
    }

    async fn add(&mut self, request: WriteRequest) -> Result<(), Error> {
        if !self.overwrite_by_pkeys.is_empty() {
            let pkeys = &self.overwrite_by_pkeys;
            let key = key_of(pkeys, &request)?;
            // Keys of buffered requests were checked when they were added, so `ok()` only
            // skips requests DynamoDB handed back, which it would not return without them.
            self.buffer
                .retain(|queued| key_of(pkeys, queued).ok().as_ref() != Some(&key));
        }
        self.buffer.push_back(request);
        if self.buffer.len() >= self.flush_amount {
            self.send_batch().await?;
        }
        Ok(())
    }

    /// Sends up to `flush_amount` requests from the front of the buffer; unprocessed ones go
    /// back to the front.
    async fn send_batch(&mut self) -> Result<(), Error> {
        if self.unprocessed_rounds > 0 {
            tokio::time::sleep(self.delay(self.unprocessed_rounds)).await;
        }
        let count = self.flush_amount.min(self.buffer.len());
        let batch: Vec<WriteRequest> = self.buffer.iter().take(count).cloned().collect();
        let result = self
            .client
            .batch_write_item()
            .request_items(HashMap::from([(self.table.clone(), batch)]))
            .send()
            .await;
        // Only now, after a response, are the sent requests out of the buffer: a failed call
        // leaves them for the next flush.
        let output = result?;
        self.buffer.drain(..count);
        let unprocessed = output
            .unprocessed_items
            .and_then(|mut tables| tables.remove(&self.table))
            .unwrap_or_default();
        if unprocessed.is_empty() {
            self.unprocessed_rounds = 0;
            return Ok(());
        }
        let left = unprocessed.len();
        for request in unprocessed.into_iter().rev() {
            self.buffer.push_front(request);
        }
        self.unprocessed_rounds += 1;
        if self.unprocessed_rounds >= self.max_attempts {
            let rounds = self.unprocessed_rounds;
            self.unprocessed_rounds = 0;
            return Err(Error::new(
                ErrorKind::Service,
                format!(
                    "BatchWriteItem on table {:?} returned unprocessed items {rounds} times in a \
                     row ({left} of {count} in the last call); {} requests stay buffered — \
                     flush again to retry",
                    self.table,
                    self.buffer.len()
                ),
            )
            .with_context("BatchWriteItem", None)
            .with_retry(true, true));
        }
        Ok(())
    }

    fn delay(&self, round: u32) -> Duration {
        let exp = 2f64.powi(round.saturating_sub(1).min(30) as i32);
        let cap = (self.base_delay.as_secs_f64() * exp).min(self.max_delay.as_secs_f64());
        Duration::from_secs_f64(fastrand::f64() * cap)
    }
}

impl Drop for BatchWriter {
    fn drop(&mut self) {
        if !self.buffer.is_empty() && !std::thread::panicking() {
            eprintln!(
                "rboto-dynamodb-ext: BatchWriter for table {:?} dropped with {} unsent requests; \
                 call flush().await or close().await before it goes out of scope",
                self.table,
                self.buffer.len()
            );
        }
    }
}

/// The values of the `overwrite_by_pkeys` attributes of a request's item or key.
fn key_of(pkeys: &[String], request: &WriteRequest) -> Result<Vec<AttributeValue>, ItemError> {
    let (kind, attributes) = match (&request.put_request, &request.delete_request) {
        (Some(put), _) => ("put", put.item.as_ref()),
        (None, Some(delete)) => ("delete", delete.key.as_ref()),
        (None, None) => ("empty", None),
    };
    pkeys
        .iter()
        .map(|name| {
            attributes
                .and_then(|a| a.get(name))
                .cloned()
                .ok_or_else(|| {
                    ItemError::new(format!(
                        "overwrite_by_pkeys names {name:?}, which this {kind} request lacks"
                    ))
                })
        })
        .collect()
}
