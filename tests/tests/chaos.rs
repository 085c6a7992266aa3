//! Chaos: mixed operations through [`ChaosProxy`] in front of a moto server of the run's own,
//! with SigV4 verification on, then a fault-free check of the state moto ends up in.
//!
//! # Exactly once, not just at least once
//! Half the writes are not idempotent: a DynamoDB `UpdateItem` that adds 1 to a counter and
//! appends the operation's tag to a list, an SQS standard-queue `SendMessage` with a unique
//! body, an S3 `PutObject` into a versioned bucket (each application is a new version). Applied
//! twice, each shows it: the counter reads 2, the message arrives twice, the key has two
//! versions. The others are idempotent or deduplicated: `PutItem`, a FIFO `SendMessage` with a
//! deduplication id, and an `UpdateItem` guarded by `attribute_not_exists(pk)`.
//!
//! Any SDK applies a non-idempotent write twice when moto applied an attempt whose answer the
//! client never received (reset, truncated, stalled or corrupted after moto answered) and it
//! retried: that is expected, and counted as "duplicated by retry". What is a bug is a copy no
//! such loss explains. The proxy records, for every request, the call (`amz-sdk-invocation-id`)
//! and attempt it belongs to, the operation tag it carries, and whether moto answered 2xx and
//! whether that answer reached the client intact (`rboto_tests::chaos::WriteAccount`). moto is
//! local and deterministic, so a 2xx answer means applied. Hence for each write the exact
//! number of applications is known, and the final state must show exactly that many (one for a
//! deduplicated kind); more is an unexplained duplicate, fewer a lost write. The record also
//! fails a run whose SDK re-sent after an intact answer, mixed attempts of two calls, or
//! acknowledged a write whose last attempt moto did not answer with success.
//!
//! # Signatures
//! moto verifies every request's signature; the proxy forwards requests byte for byte. A
//! request with a wrong secret is sent before and after the run to prove verification is on,
//! and no other request may be refused: every retry was re-signed correctly.
//!
//! `cargo xtask chaos [--ops N] [--fault-rate R] [--seed S]` runs [`chaos_cli`] with those
//! settings (through `CHAOS_OPS`, `CHAOS_FAULT_RATE`, `CHAOS_SEED`, `CHAOS_CONCURRENCY`).

use rboto::http::HttpSettings;
use rboto::{Config, Credentials};
use rboto_dynamodb::types::AttributeValue;
use rboto_tests::chaos::{tag, Answer, ChaosConfig, ChaosProxy, ChaosStats, Exchange, Fault};
use rboto_tests::chaos::{Sabotage, WriteAccount};
use rboto_tests::moto::MotoServer;
use rboto_tests::rng::Rng;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The client's read timeout; a stall lasts longer.
const READ_TIMEOUT: Duration = Duration::from_secs(2);
const STALL: Duration = Duration::from_secs(3);

const TABLE: &str = "chaos";
const QUEUE: &str = "chaos-standard";
const FIFO_QUEUE: &str = "chaos-dedup.fifo";
const BUCKET: &str = "chaos-bucket";
/// The item, object and message written at setup, so that reads always have something to read.
const SEED_KEY: &str = "seed";

#[derive(Clone, Debug)]
struct Options {
    ops: usize,
    fault_rate: f64,
    seed: u64,
    concurrency: usize,
    faults: Vec<Fault>,
    sabotage: Option<Sabotage>,
}

impl Options {
    fn new(ops: usize, fault_rate: f64, seed: u64) -> Options {
        Options {
            ops,
            fault_rate,
            seed,
            concurrency: 8,
            faults: Vec::new(),
            sabotage: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Op {
    DdbPut,
    DdbGet,
    DdbCount,
    DdbCountOnce,
    SqsSend,
    SqsSendFifo,
    SqsReceive,
    S3Put,
    S3Get,
}

/// What the final state shows for a write moto applied N times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shows {
    /// N: not idempotent.
    Every,
    /// Whether N > 0: idempotent or deduplicated.
    Once,
}

impl Op {
    const ALL: [Op; 9] = [
        Op::DdbPut,
        Op::DdbGet,
        Op::DdbCount,
        Op::DdbCountOnce,
        Op::SqsSend,
        Op::SqsSendFifo,
        Op::SqsReceive,
        Op::S3Put,
        Op::S3Get,
    ];

    /// The write's request action (as [`Exchange::action`] names it) and what the final state
    /// shows of it; `None` for reads.
    fn write(self) -> Option<(&'static str, Shows)> {
        match self {
            Op::DdbPut => Some(("PutItem", Shows::Once)),
            Op::DdbCount => Some(("UpdateItem", Shows::Every)),
            // The condition turns every application after the first into a refusal.
            Op::DdbCountOnce => Some(("UpdateItem", Shows::Every)),
            Op::SqsSend => Some(("SendMessage", Shows::Every)),
            Op::SqsSendFifo => Some(("SendMessage", Shows::Once)),
            Op::S3Put => Some(("PUT", Shows::Every)),
            Op::DdbGet | Op::SqsReceive | Op::S3Get => None,
        }
    }
}

/// Which operation kind runs as operation `i`: a seeded permutation of every kind, repeated, so
/// any run of at least [`Op::ALL`]`.len()` operations plans every kind.
fn plan(ops: usize, seed: u64) -> Vec<Op> {
    let mut kinds = Op::ALL;
    let mut rng = Rng::new(seed);
    for i in (1..kinds.len()).rev() {
        kinds.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
    }
    (0..ops).map(|i| kinds[i % kinds.len()]).collect()
}

/// Why a run's plan or execution does not cover every operation kind.
fn coverage_problems(ops: usize, planned: &[Op], ran: &BTreeMap<Op, usize>) -> Vec<String> {
    let mut problems = Vec::new();
    if ops == 0 {
        problems.push("no operations: --ops must be at least 1".to_string());
    }
    for kind in Op::ALL {
        if !planned.contains(&kind) {
            problems.push(format!(
                "{kind:?} not planned: {ops} operations cannot cover {} kinds",
                Op::ALL.len()
            ));
        } else if ran.get(&kind).copied().unwrap_or(0) == 0 {
            problems.push(format!("{kind:?} was planned but never ran"));
        }
    }
    problems
}

/// How many calls of each kind reached the proxy while the operations ran (`window`): what
/// the operations did, not what they say they did.
fn ran(
    exchanges: &[Exchange],
    window: std::ops::Range<u64>,
    planned: &[Op],
) -> BTreeMap<Op, usize> {
    let mut calls = BTreeSet::new();
    for e in exchanges.iter().filter(|e| window.contains(&e.seq)) {
        let written = e.tag.and_then(|i| planned.get(i)).copied();
        let kind = match e.action.as_str() {
            "GetItem" => Some(Op::DdbGet),
            "ReceiveMessage" => Some(Op::SqsReceive),
            "GET" => Some(Op::S3Get),
            action => written.filter(|op| op.write().is_some_and(|(a, _)| a == action)),
        };
        if let Some(kind) = kind {
            calls.insert((kind, e.invocation.clone()));
        }
    }
    let mut ran = BTreeMap::new();
    for (kind, _) in calls {
        *ran.entry(kind).or_default() += 1;
    }
    ran
}

/// The outcome of a run.
#[derive(Debug, Default)]
struct Report {
    ops: usize,
    planned: BTreeMap<Op, usize>,
    ran: BTreeMap<Op, usize>,
    succeeded: usize,
    gave_up: usize,
    gave_up_by: BTreeMap<String, usize>,
    reads_checked: usize,
    /// Writes the SDK acknowledged, and those found intact and exactly as often as applied.
    writes_acked: usize,
    writes_verified: usize,
    /// Writes the SDK gave up on; of those, how many moto had applied anyway.
    writes_unacked: usize,
    possibly_applied: usize,
    /// Applications beyond the first, each explained by a retry after a lost answer.
    duplicated_by_retry: BTreeMap<Op, usize>,
    /// Repeated applications that an idempotent put, a deduplication id or a condition absorbed.
    absorbed: BTreeMap<Op, usize>,
    /// Copies beyond what the proxy's record explains, and expected applications not found.
    unexpected_duplicates: usize,
    lost: usize,
    retries: u64,
    quota_refused: u64,
    proxy: ChaosStats,
    /// Requests moto refused for their signature during the run (canaries excluded).
    signature_refused: u64,
    /// Requests deliberately signed with a wrong secret, and refused.
    canaries: u64,
    problems: Vec<String>,
}

impl Report {
    fn passed(&self) -> usize {
        // Every operation that behaved (succeeded, or gave up with a retryable error after its
        // retries), and every acknowledged write found intact and applied as often as sent.
        self.succeeded + self.gave_up + self.writes_verified
    }
    fn failed(&self) -> usize {
        self.problems.len()
    }
    fn render(&self, o: &Options) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "chaos: {} operations at {:.0}% faults (seed {}, {} concurrent), SigV4 verified by moto",
            self.ops,
            o.fault_rate * 100.0,
            o.seed,
            o.concurrency
        );
        let kinds: Vec<String> = self
            .planned
            .iter()
            .map(|(k, n)| format!("{k:?} {}/{n}", self.ran.get(k).unwrap_or(&0)))
            .collect();
        let _ = writeln!(s, "  ran/planned: {}", kinds.join(", "));
        let _ = writeln!(
            s,
            "  requests through the proxy: {} ({} reached moto), faults injected: {}",
            self.proxy.requests,
            self.proxy.forwarded,
            self.proxy.total_faults()
        );
        for (f, n) in &self.proxy.faults {
            let _ = writeln!(s, "    {f}: {n}");
        }
        let _ = writeln!(
            s,
            "  retries made: {} (seen by the proxy: {}; refused by the retry quota: {})",
            self.retries, self.proxy.retried_attempts, self.quota_refused
        );
        let _ = writeln!(
            s,
            "  signatures refused by moto: {} (besides the {} deliberate wrong-secret canaries)",
            self.signature_refused, self.canaries
        );
        let _ = writeln!(
            s,
            "  operations: {} succeeded, {} gave up with a retryable error after their retries; reads checked: {}",
            self.succeeded, self.gave_up, self.reads_checked
        );
        for (why, n) in &self.gave_up_by {
            let _ = writeln!(s, "    {why}: {n}");
        }
        let _ = writeln!(
            s,
            "  writes acknowledged: {}, verified (intact, applied exactly as often as moto was asked): {}, lost: {}",
            self.writes_acked, self.writes_verified, self.lost
        );
        let _ = writeln!(
            s,
            "  writes given up on: {}, of which moto had applied: {}",
            self.writes_unacked, self.possibly_applied
        );
        let by_kind = |m: &BTreeMap<Op, usize>| {
            let total: usize = m.values().sum();
            let parts: Vec<String> = m.iter().map(|(k, n)| format!("{k:?} {n}")).collect();
            format!("{total} ({})", parts.join(", "))
        };
        let _ = writeln!(
            s,
            "  duplicated by a retry after a lost answer (expected): {}",
            by_kind(&self.duplicated_by_retry)
        );
        let _ = writeln!(
            s,
            "  repeats absorbed (idempotent put, deduplication id, condition): {}",
            by_kind(&self.absorbed)
        );
        let _ = writeln!(s, "  unexpected duplicates: {}", self.unexpected_duplicates);
        for p in &self.problems {
            let _ = writeln!(s, "  FAILED: {p}");
        }
        let _ = writeln!(s, "{} passed, {} failed", self.passed(), self.failed());
        s
    }
}

/// What a write put, by operation index.
#[derive(Clone, Debug, PartialEq)]
enum Data {
    Item(Vec<u8>, String),
    Counter,
    Message(String),
    Object(Vec<u8>),
}

#[derive(Default)]
struct Ledger {
    written: BTreeMap<usize, (Op, Data)>,
    /// Acknowledged `DdbPut` and `S3Put` operations, for reads to pick from.
    items_acked: Vec<usize>,
    objects_acked: Vec<usize>,
}

/// What the final state holds for one operation's tag.
#[derive(Debug, Default)]
struct Found {
    count: usize,
    /// Differences from what was written.
    wrong: Vec<String>,
}

struct Clients {
    ddb: rboto_dynamodb::Client,
    sqs: rboto_sqs::Client,
    s3: rboto_s3::Client,
    queue: String,
    fifo: String,
}

/// `n` random bytes.
fn bytes(rng: &mut Rng, n: usize) -> Vec<u8> {
    (0..n).map(|_| rng.next_u64() as u8).collect()
}

/// `n` characters: Unicode and XML/JSON-special ones, all valid in SQS bodies.
fn text(rng: &mut Rng, n: usize) -> String {
    const ALPHABET: &[&str] = &[
        "a", "Z", "7", " ", "<", ">", "&", "\"", "'", "\\", "é", "✓", "日本", "🙂", "\t", "\n",
    ];
    (0..n).map(|_| *rng.pick(ALPHABET)).collect()
}

/// One of `from`, if any.
fn pick(rng: &mut Rng, from: &[usize]) -> Option<usize> {
    (!from.is_empty()).then(|| *rng.pick(from))
}

/// The configuration of the clients under chaos: a short read timeout, so stalls are retried.
fn config(endpoint: &str, key: &(String, String)) -> Config {
    config_with(endpoint, key, READ_TIMEOUT)
}

/// For setup, canaries and the final check, which run without faults: a read timeout no
/// slow moto on a loaded machine reaches, since a timed-out `CreateTable` retried would fail
/// with `ResourceInUseException`.
fn patient_config(endpoint: &str, key: &(String, String)) -> Config {
    config_with(endpoint, key, Duration::from_secs(60))
}

fn config_with(endpoint: &str, key: &(String, String), read_timeout: Duration) -> Config {
    Config::builder()
        .region("us-east-1")
        .endpoint_url(endpoint)
        .credentials(Credentials::new(&key.0, &key.1, None))
        .http(HttpSettings {
            connect_timeout: Duration::from_secs(2),
            read_timeout,
            attempt_timeout: Some(read_timeout * 5),
            operation_timeout: Some(read_timeout * 20),
            ..HttpSettings::default()
        })
        .build()
}

fn av_s(s: &str) -> AttributeValue {
    AttributeValue::default().s(s)
}

async fn setup(config: &Config) -> Result<Clients, String> {
    use rboto_dynamodb::types::{
        AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    };
    use rboto_s3::types::{BucketVersioningStatus, VersioningConfiguration};
    let ddb = rboto_dynamodb::Client::new(config);
    ddb.create_table()
        .table_name(TABLE)
        .attribute_definitions(vec![AttributeDefinition::default()
            .attribute_name("pk")
            .attribute_type(ScalarAttributeType::S)])
        .key_schema(vec![KeySchemaElement::default()
            .attribute_name("pk")
            .key_type(KeyType::Hash)])
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .map_err(|e| format!("CreateTable: {e}"))?;
    ddb.put_item()
        .table_name(TABLE)
        .item(HashMap::from([("pk".to_string(), av_s(SEED_KEY))]))
        .send()
        .await
        .map_err(|e| format!("PutItem {SEED_KEY}: {e}"))?;
    let sqs = rboto_sqs::Client::new(config);
    let queue = sqs
        .create_queue()
        .queue_name(QUEUE)
        .send()
        .await
        .map_err(|e| format!("CreateQueue: {e}"))?
        .queue_url
        .ok_or("CreateQueue: no url")?;
    let fifo = sqs
        .create_queue()
        .queue_name(FIFO_QUEUE)
        .attributes(HashMap::from([(
            "FifoQueue".to_string(),
            "true".to_string(),
        )]))
        .send()
        .await
        .map_err(|e| format!("CreateQueue (FIFO): {e}"))?
        .queue_url
        .ok_or("CreateQueue (FIFO): no url")?;
    let s3 = rboto_s3::Client::new(config);
    s3.create_bucket()
        .bucket(BUCKET)
        .send()
        .await
        .map_err(|e| format!("CreateBucket: {e}"))?;
    s3.put_bucket_versioning()
        .bucket(BUCKET)
        .versioning_configuration(
            VersioningConfiguration::default().status(BucketVersioningStatus::Enabled),
        )
        .send()
        .await
        .map_err(|e| format!("PutBucketVersioning: {e}"))?;
    s3.put_object()
        .bucket(BUCKET)
        .key(SEED_KEY)
        .body(SEED_KEY.as_bytes())
        .send()
        .await
        .map_err(|e| format!("PutObject {SEED_KEY}: {e}"))?;
    Ok(Clients {
        ddb,
        sqs,
        s3,
        queue,
        fifo,
    })
}

impl Clients {
    fn new(config: &Config, queue: &str, fifo: &str) -> Clients {
        Clients {
            ddb: rboto_dynamodb::Client::new(config),
            sqs: rboto_sqs::Client::new(config),
            s3: rboto_s3::Client::new(config),
            queue: queue.to_string(),
            fifo: fifo.to_string(),
        }
    }
}

#[derive(Debug)]
enum Outcome {
    Ok,
    GaveUp(String),
    /// A conditional write refused because an earlier attempt of the same call was applied.
    Refused,
    Wrong(String),
}

/// Sorts an SDK error: retryable after retries is giving up correctly; anything else is wrong.
fn judge<E: std::fmt::Debug>(what: &str, e: rboto::Error<E>) -> Outcome {
    if e.is_retryable() {
        Outcome::GaveUp(format!("{what}: {:?}", e.kind()))
    } else {
        // One line, and short: moto's auth errors come as a whole XML document.
        let e: String = e.to_string().replace('\n', " ").chars().take(240).collect();
        Outcome::Wrong(format!("{what}: non-retryable error: {e}"))
    }
}

/// What one operation did: its outcome, and whether it checked something it read.
struct Done {
    i: usize,
    outcome: Outcome,
    read: bool,
}

async fn run_op(c: &Clients, ledger: &Mutex<Ledger>, op: Op, i: usize, seed: u64) -> Done {
    let mut rng = Rng::new(seed ^ (i as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let t = tag(i);
    let write = |data: Data| {
        ledger.lock().unwrap().written.insert(i, (op, data));
    };
    let (outcome, read) = match op {
        Op::DdbPut => {
            let payload = {
                let n = 1 + (rng.next_u64() % 700) as usize;
                bytes(&mut rng, n)
            };
            let text = {
                let n = 1 + (rng.next_u64() % 40) as usize;
                text(&mut rng, n)
            };
            write(Data::Item(payload.clone(), text.clone()));
            let item = HashMap::from([
                ("pk".to_string(), av_s(&t)),
                ("payload".to_string(), AttributeValue::default().b(payload)),
                ("text".to_string(), av_s(&text)),
            ]);
            match c.ddb.put_item().table_name(TABLE).item(item).send().await {
                Ok(_) => {
                    ledger.lock().unwrap().items_acked.push(i);
                    (Outcome::Ok, false)
                }
                Err(e) => (judge("DynamoDB PutItem", e), false),
            }
        }
        Op::DdbGet => {
            let (pk, want) = {
                let l = ledger.lock().unwrap();
                match pick(&mut rng, &l.items_acked) {
                    Some(j) => (tag(j), Some(l.written[&j].1.clone())),
                    None => (SEED_KEY.to_string(), None),
                }
            };
            let key = HashMap::from([("pk".to_string(), av_s(&pk))]);
            let got = c
                .ddb
                .get_item()
                .table_name(TABLE)
                .key(key)
                .consistent_read(true)
                .send()
                .await;
            match got {
                Ok(out) => {
                    let item = out.item.unwrap_or_default();
                    let found = match want {
                        Some(Data::Item(..)) => item_data(&item),
                        _ => item.contains_key("pk").then_some(Data::Counter),
                    };
                    let expected = want.or(Some(Data::Counter));
                    if found == expected {
                        (Outcome::Ok, true)
                    } else {
                        let why = format!("GetItem {pk}: wrong or missing item");
                        (Outcome::Wrong(why), true)
                    }
                }
                Err(e) => (judge("DynamoDB GetItem", e), false),
            }
        }
        Op::DdbCount | Op::DdbCountOnce => {
            write(Data::Counter);
            let mut update = c
                .ddb
                .update_item()
                .table_name(TABLE)
                .key(HashMap::from([("pk".to_string(), av_s(&t))]))
                .update_expression(
                    "ADD #n :one SET #log = list_append(if_not_exists(#log, :empty), :me)",
                )
                .expression_attribute_names(HashMap::from([
                    ("#n".to_string(), "n".to_string()),
                    ("#log".to_string(), "log".to_string()),
                ]))
                .expression_attribute_values(HashMap::from([
                    (":one".to_string(), AttributeValue::default().n("1")),
                    (
                        ":empty".to_string(),
                        AttributeValue::default().l(Vec::new()),
                    ),
                    (
                        ":me".to_string(),
                        AttributeValue::default().l(vec![av_s(&t)]),
                    ),
                ]))
                .return_values(rboto_dynamodb::types::ReturnValue::UpdatedNew);
            if op == Op::DdbCountOnce {
                update = update.condition_expression("attribute_not_exists(pk)");
            }
            match update.send().await {
                Ok(_) => (Outcome::Ok, false),
                Err(e)
                    if op == Op::DdbCountOnce
                        && e.code() == Some("ConditionalCheckFailedException") =>
                {
                    (Outcome::Refused, false)
                }
                Err(e) => (judge("DynamoDB UpdateItem", e), false),
            }
        }
        Op::SqsSend | Op::SqsSendFifo => {
            let body = format!("{t}|{}", {
                let n = 1 + (rng.next_u64() % 60) as usize;
                text(&mut rng, n)
            });
            write(Data::Message(body.clone()));
            let send = c.sqs.send_message().message_body(&body);
            let send = if op == Op::SqsSendFifo {
                send.queue_url(&c.fifo)
                    .message_group_id(format!("g{}", i % 4))
                    .message_deduplication_id(&t)
            } else {
                send.queue_url(&c.queue)
            };
            match send.send().await {
                Ok(_) => (Outcome::Ok, false),
                Err(e) => (judge("SQS SendMessage", e), false),
            }
        }
        Op::SqsReceive => {
            let queue = if rng.next_u64().is_multiple_of(2) {
                &c.queue
            } else {
                &c.fifo
            };
            // Visibility 0: a receive whose answer is lost does not hide the message.
            let r = c
                .sqs
                .receive_message()
                .queue_url(queue)
                .max_number_of_messages(10)
                .visibility_timeout(0)
                .send()
                .await;
            match r {
                Ok(out) => {
                    let l = ledger.lock().unwrap();
                    let unknown = out.messages.unwrap_or_default().into_iter().find_map(|m| {
                        let body = m.body.unwrap_or_default();
                        let known = tag_of(&body)
                            .and_then(|j| l.written.get(&j))
                            .is_some_and(|(_, d)| *d == Data::Message(body.clone()));
                        (!known).then_some(body)
                    });
                    match unknown {
                        None => (Outcome::Ok, true),
                        Some(body) => (
                            Outcome::Wrong(format!("ReceiveMessage: unexpected body {body:?}")),
                            true,
                        ),
                    }
                }
                Err(e) => (judge("SQS ReceiveMessage", e), false),
            }
        }
        Op::S3Put => {
            let data = {
                let n = (rng.next_u64() % 3000) as usize;
                bytes(&mut rng, n)
            };
            write(Data::Object(data.clone()));
            match c
                .s3
                .put_object()
                .bucket(BUCKET)
                .key(&t)
                .body(data)
                .send()
                .await
            {
                Ok(_) => {
                    ledger.lock().unwrap().objects_acked.push(i);
                    (Outcome::Ok, false)
                }
                Err(e) => (judge("S3 PutObject", e), false),
            }
        }
        Op::S3Get => {
            let (key, want) = {
                let l = ledger.lock().unwrap();
                match pick(&mut rng, &l.objects_acked) {
                    Some(j) => (tag(j), l.written[&j].1.clone()),
                    None => (
                        SEED_KEY.to_string(),
                        Data::Object(SEED_KEY.as_bytes().to_vec()),
                    ),
                }
            };
            match c.s3.get_object().bucket(BUCKET).key(&key).send().await {
                Ok(out) => match read_body(out.body).await {
                    Ok(got) if Data::Object(got.clone()) == want => (Outcome::Ok, true),
                    Ok(_) => (Outcome::Wrong(format!("GetObject {key}: wrong body")), true),
                    // The streamed body is read after the call returned: not retried by the SDK
                    // (as in botocore); a transport error here is the caller's to retry.
                    Err(e) => (judge("S3 GetObject body", e), false),
                },
                Err(e) => (judge("S3 GetObject", e), false),
            }
        }
    };
    Done { i, outcome, read }
}

/// The index of the operation whose tag starts `text`.
fn tag_of(text: &str) -> Option<usize> {
    let rest = text.strip_prefix(rboto_tests::chaos::TAG_PREFIX)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let n = digits.parse().ok()?;
    (tag(n).len() == text.len() || text[tag(n).len()..].starts_with('|')).then_some(n)
}

fn item_data(item: &HashMap<String, AttributeValue>) -> Option<Data> {
    let payload = item.get("payload")?.b.as_ref()?.as_bytes().to_vec();
    let text = item.get("text")?.s.clone()?;
    Some(Data::Item(payload, text))
}

/// Reads what moto holds for every tag: DynamoDB items (a put item counts once; a counter by
/// its `n`, checked against its log), SQS messages of both queues (drained), S3 versions.
async fn final_state(c: &Clients, ledger: &Ledger) -> Result<BTreeMap<usize, Found>, String> {
    let mut found: BTreeMap<usize, Found> = BTreeMap::new();
    let mut start: Option<HashMap<String, AttributeValue>> = None;
    loop {
        let mut scan = c.ddb.scan().table_name(TABLE).consistent_read(true);
        if let Some(k) = start.take() {
            scan = scan.exclusive_start_key(k);
        }
        let out = scan.send().await.map_err(|e| format!("Scan: {e}"))?;
        for item in out.items.unwrap_or_default() {
            let pk = item.get("pk").and_then(|v| v.s.clone()).unwrap_or_default();
            if pk == SEED_KEY {
                continue;
            }
            let Some(i) = tag_of(&pk) else {
                return Err(format!("DynamoDB item {pk:?} was never written"));
            };
            let f = found.entry(i).or_default();
            match ledger.written.get(&i) {
                Some((_, Data::Counter)) => {
                    let n = item.get("n").and_then(|v| v.n.as_deref()).unwrap_or("0");
                    let log = item
                        .get("log")
                        .and_then(|v| v.l.clone())
                        .unwrap_or_default();
                    f.count += n.parse::<usize>().unwrap_or(0);
                    let entries: Vec<_> = log.iter().map(|v| v.s.as_deref()).collect();
                    if entries.len() != f.count || entries.iter().any(|e| *e != Some(&pk)) {
                        f.wrong.push(format!("counter {n} but log {entries:?}"));
                    }
                }
                Some((_, want)) => {
                    f.count += 1;
                    if item_data(&item).as_ref() != Some(want) {
                        f.wrong.push("item differs from what was written".into());
                    }
                }
                None => f.wrong.push("item was never written".into()),
            }
        }
        match out.last_evaluated_key {
            Some(k) if !k.is_empty() => start = Some(k),
            _ => break,
        }
    }
    for queue in [&c.queue, &c.fifo] {
        // Deleting as we go: FIFO groups unblock on delete.
        let mut empty = 0;
        while empty < 3 {
            let out = c
                .sqs
                .receive_message()
                .queue_url(queue)
                .max_number_of_messages(10)
                .visibility_timeout(60)
                .send()
                .await
                .map_err(|e| format!("ReceiveMessage: {e}"))?;
            let messages = out.messages.unwrap_or_default();
            empty = if messages.is_empty() { empty + 1 } else { 0 };
            for m in messages {
                let body = m.body.clone().unwrap_or_default();
                let Some(i) = tag_of(&body) else {
                    return Err(format!("SQS message {body:?} was never sent"));
                };
                let f = found.entry(i).or_default();
                f.count += 1;
                if ledger.written.get(&i).map(|(_, d)| d) != Some(&Data::Message(body.clone())) {
                    f.wrong
                        .push(format!("message {body:?} differs from what was sent"));
                }
                if let Some(h) = m.receipt_handle {
                    c.sqs
                        .delete_message()
                        .queue_url(queue)
                        .receipt_handle(h)
                        .send()
                        .await
                        .map_err(|e| format!("DeleteMessage: {e}"))?;
                }
            }
        }
    }
    let mut markers: (Option<String>, Option<String>) = (None, None);
    loop {
        let mut list = c.s3.list_object_versions().bucket(BUCKET);
        if let Some(k) = markers.0.take() {
            list = list.key_marker(k);
        }
        if let Some(v) = markers.1.take() {
            list = list.version_id_marker(v);
        }
        let out = list
            .send()
            .await
            .map_err(|e| format!("ListObjectVersions: {e}"))?;
        for v in out.versions.unwrap_or_default() {
            let key = v.key.unwrap_or_default();
            if key == SEED_KEY {
                continue;
            }
            let Some(i) = tag_of(&key) else {
                return Err(format!("S3 object {key:?} was never written"));
            };
            found.entry(i).or_default().count += 1;
        }
        if out.is_truncated != Some(true) {
            break;
        }
        markers = (out.next_key_marker, out.next_version_id_marker);
    }
    for (&i, (_, data)) in &ledger.written {
        let Data::Object(want) = data else { continue };
        if found.get(&i).map_or(0, |f| f.count) == 0 {
            continue;
        }
        let key = tag(i);
        let out = c.s3.get_object().bucket(BUCKET).key(&key).send().await;
        let body = match out {
            Ok(out) => read_body(out.body).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        let f = found.entry(i).or_default();
        match body {
            Ok(got) if got == *want => {}
            Ok(_) => f.wrong.push("object differs from what was written".into()),
            Err(e) => f.wrong.push(format!("reading the object: {e}")),
        }
    }
    Ok(found)
}

/// Compares each write's final state with the proxy's record of it, and its SDK outcome with
/// what moto last said to the client.
fn verify(
    ledger: &Ledger,
    outcomes: &BTreeMap<usize, &Outcome>,
    exchanges: &[Exchange],
    found: &BTreeMap<usize, Found>,
    report: &mut Report,
) {
    let mut by_write: BTreeMap<(usize, &str), Vec<&Exchange>> = BTreeMap::new();
    for e in exchanges {
        if let Some(i) = e.tag {
            by_write.entry((i, e.action.as_str())).or_default().push(e);
        }
    }
    for (&i, (op, _)) in &ledger.written {
        let Some((action, shows)) = op.write() else {
            continue;
        };
        let attempts = by_write.remove(&(i, action)).unwrap_or_default();
        let account = WriteAccount::of(&attempts, READ_TIMEOUT);
        let what = format!("{op:?} {}", tag(i));
        for why in &account.unexplained {
            report.problems.push(format!("{what}: {why}"));
        }
        let expected = match shows {
            Shows::Every => account.applied,
            Shows::Once => account.applied.min(1),
        };
        let f = found.get(&i);
        let observed = f.map_or(0, |f| f.count);
        for why in f.map(|f| f.wrong.as_slice()).unwrap_or_default() {
            report.problems.push(format!("{what}: {why}"));
        }
        if observed > expected {
            report.unexpected_duplicates += observed - expected;
            report.problems.push(format!(
                "{what}: stored {observed} times, but moto was asked successfully only {} times",
                account.applied
            ));
        } else if observed < expected {
            report.lost += expected - observed;
            report.problems.push(format!(
                "{what}: stored {observed} times, but moto applied it {} times",
                account.applied
            ));
        }
        let duplicated = account.duplicated_by_retry();
        if duplicated > 0 {
            let into = match shows {
                Shows::Every if *op != Op::DdbCountOnce => &mut report.duplicated_by_retry,
                _ => &mut report.absorbed,
            };
            *into.entry(*op).or_default() += duplicated;
        }
        match outcomes.get(&i) {
            Some(Outcome::Ok) => {
                report.writes_acked += 1;
                if !account.acknowledged_by_moto() {
                    report.problems.push(format!(
                        "{what}: acknowledged, but moto's last answer to it was {:?}",
                        account.last
                    ));
                } else if observed == expected && f.is_none_or(|f| f.wrong.is_empty()) {
                    report.writes_verified += 1;
                }
            }
            Some(Outcome::Refused) => {
                // Correct only when moto applied an earlier attempt whose answer was lost.
                let explained = account.applied == 1
                    && account.applied_unseen == 1
                    && account.last == Some(Answer::Delivered { status: 400 });
                if explained {
                    *report.absorbed.entry(*op).or_default() += 1;
                } else {
                    report.problems.push(format!(
                        "{what}: refused by its condition though no earlier attempt was applied unseen ({account:?})"
                    ));
                }
            }
            Some(Outcome::GaveUp(_)) => {
                report.writes_unacked += 1;
                report.possibly_applied += usize::from(account.applied > 0);
            }
            Some(Outcome::Wrong(_)) | None => {}
        }
    }
    for ((i, action), attempts) in by_write {
        let is_read = matches!(
            action,
            "GetItem" | "GET" | "ReceiveMessage" | "DeleteMessage"
        );
        if !is_read && !attempts.is_empty() {
            report.problems.push(format!(
                "{action} requests carry {} but no such write was made",
                tag(i)
            ));
        }
    }
}

/// A call signed with a wrong secret, which moto must refuse.
async fn canary(endpoint: &str, key: &(String, String), s3: bool) -> Result<(), String> {
    let wrong = (key.0.clone(), rboto_tests::moto::wrong_secret(&key.1));
    let config = patient_config(endpoint, &wrong);
    let answer = if s3 {
        let r = rboto_s3::Client::new(&config).list_buckets().send().await;
        r.map(|_| ()).map_err(|e| (e.status(), e.to_string()))
    } else {
        let r = rboto_dynamodb::Client::new(&config)
            .list_tables()
            .send()
            .await;
        r.map(|_| ()).map_err(|e| (e.status(), e.to_string()))
    };
    match answer {
        Err((Some(403), _)) => Ok(()),
        Ok(()) => {
            Err("a request signed with a wrong secret was served: SigV4 verification is off".into())
        }
        Err((_, e)) => Err(format!(
            "a request signed with a wrong secret was not refused for its signature: {e}"
        )),
    }
}

async fn run(o: &Options) -> Report {
    let planned = plan(o.ops, o.seed);
    let mut report = Report {
        ops: o.ops,
        ..Report::default()
    };
    for op in &planned {
        *report.planned.entry(*op).or_default() += 1;
    }
    // Before running: only the plan can be wrong (as if every planned operation ran).
    report.problems = coverage_problems(o.ops, &planned, &report.planned);
    if !report.problems.is_empty() {
        return report;
    }
    // A server of the run's own: verification is global to a server.
    let started = tokio::task::spawn_blocking(MotoServer::start).await;
    let server = match started {
        Ok(Ok(s)) => Arc::new(s),
        Ok(Err(e)) => {
            report.problems.push(format!("moto: {e}"));
            return report;
        }
        Err(e) => {
            report.problems.push(format!("moto: {e}"));
            return report;
        }
    };
    let upstream: std::net::SocketAddr = format!("127.0.0.1:{}", server.port()).parse().unwrap();
    let proxy = ChaosProxy::start(
        upstream,
        ChaosConfig {
            fault_rate: 0.0,
            seed: o.seed,
            stall: STALL,
            faults: o.faults.clone(),
            sabotage: o.sabotage.clone(),
        },
    )
    .await
    .expect("proxy starts");
    let key = match verification_on(&server, &proxy.endpoint(), &mut report).await {
        Ok(key) => key,
        Err(e) => {
            report.problems.push(e);
            return report;
        }
    };
    run_with(o, &proxy, &key, planned, &mut report).await;
    report.proxy = proxy.stats();
    report.signature_refused = report
        .proxy
        .signature_refused
        .saturating_sub(report.canaries);
    if report.signature_refused > 0 {
        report.problems.push(format!(
            "moto refused the signature of {} requests",
            report.signature_refused
        ));
    }
    let _ = tokio::task::spawn_blocking(move || drop(server)).await;
    report
}

async fn run_with(
    o: &Options,
    proxy: &ChaosProxy,
    key: &(String, String),
    planned: Vec<Op>,
    report: &mut Report,
) {
    let endpoint = proxy.endpoint();
    let (checker, clients) = match setup(&patient_config(&endpoint, key)).await {
        Ok(c) => {
            let chaos = Clients::new(&config(&endpoint, key), &c.queue, &c.fifo);
            (c, Arc::new(chaos))
        }
        Err(e) => {
            report.problems.push(format!("setup failed: {e}"));
            return;
        }
    };
    let retry_stats = |c: &Clients| {
        [
            c.ddb.service_client().retry_stats(),
            c.sqs.service_client().retry_stats(),
            c.s3.service_client().retry_stats(),
        ]
    };
    let window_start = proxy.stats().requests;
    proxy.set_fault_rate(o.fault_rate);
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let planned = Arc::new(planned);
    let mut workers = Vec::new();
    for _ in 0..o.concurrency.max(1) {
        let (clients, ledger, next, planned) = (
            clients.clone(),
            ledger.clone(),
            next.clone(),
            planned.clone(),
        );
        let seed = o.seed;
        workers.push(tokio::spawn(async move {
            let mut done = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(&op) = planned.get(i) else {
                    return done;
                };
                let c = clients.clone();
                let l = ledger.clone();
                // Each operation in its own task: a panic is caught, and bounded in time.
                let task = tokio::spawn(async move { run_op(&c, &l, op, i, seed).await });
                let wrong = |why: String| Done {
                    i,
                    outcome: Outcome::Wrong(why),
                    read: false,
                };
                done.push(
                    match tokio::time::timeout(Duration::from_secs(90), task).await {
                        Ok(Ok(d)) => d,
                        Ok(Err(e)) => wrong(format!("op {i} ({op:?}) panicked: {e}")),
                        Err(_) => wrong(format!("op {i} ({op:?}) hung for 90 s")),
                    },
                );
            }
        }));
    }
    let mut results = Vec::new();
    for w in workers {
        match w.await {
            Ok(done) => results.extend(done),
            Err(e) => report.problems.push(format!("a worker failed: {e}")),
        }
    }
    proxy.set_fault_rate(0.0);
    let window = window_start..proxy.stats().requests;
    if results.len() != o.ops {
        report.problems.push(format!(
            "{} of {} operations reported back",
            results.len(),
            o.ops
        ));
    }
    let stats = retry_stats(&clients);
    report.retries = stats.iter().map(|s| s.retries).sum::<u64>();
    report.quota_refused = stats.iter().map(|s| s.quota_refused).sum();
    let mut outcomes = BTreeMap::new();
    for d in &results {
        report.reads_checked += usize::from(d.read);
        match &d.outcome {
            Outcome::Ok | Outcome::Refused => report.succeeded += 1,
            Outcome::GaveUp(why) => {
                report.gave_up += 1;
                *report.gave_up_by.entry(why.clone()).or_default() += 1;
            }
            Outcome::Wrong(why) => report.problems.push(why.clone()),
        }
        outcomes.insert(d.i, &d.outcome);
    }
    let ledger = std::mem::take(&mut *ledger.lock().unwrap());
    let found = final_state(&checker, &ledger).await;
    // Read after the final state, by when every answer of the run has been recorded.
    let exchanges = proxy.exchanges();
    report.ran = ran(&exchanges, window, &planned);
    report
        .problems
        .extend(coverage_problems(o.ops, &planned, &report.ran));
    match found {
        Ok(found) => verify(&ledger, &outcomes, &exchanges, &found, report),
        Err(e) => report
            .problems
            .push(format!("reading the final state: {e}")),
    }
    match canary(&endpoint, key, true).await {
        Ok(()) => report.canaries += 1,
        Err(e) => report.problems.push(e),
    }
}

/// Switches moto's SigV4 verification on (`enable_auth` proves it on at moto itself) and
/// proves it again through the proxy with a canary; returns the key.
async fn verification_on(
    server: &Arc<MotoServer>,
    endpoint: &str,
    report: &mut Report,
) -> Result<(String, String), String> {
    let s = server.clone();
    let key = tokio::task::spawn_blocking(move || s.enable_auth())
        .await
        .map_err(|e| format!("moto: {e}"))??;
    canary(endpoint, &key, false).await?;
    report.canaries += 1;
    Ok(key)
}

/// The whole of a streamed body.
async fn read_body(body: Option<rboto::Body>) -> Result<Vec<u8>, rboto::Error> {
    match body {
        None => Ok(Vec::new()),
        Some(b) => b
            .collect()
            .await
            .map(|b| b.to_vec())
            .map_err(|e| e.into_error()),
    }
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_at_20_percent_applies_every_write_as_often_as_moto_was_asked() {
    let o = Options::new(180, 0.2, 20);
    let report = run(&o).await;
    let text = report.render(&o);
    println!("{text}");
    assert_eq!(report.failed(), 0, "{text}");
    assert_eq!((report.lost, report.unexpected_duplicates), (0, 0));
    assert!(report.proxy.total_faults() > 20, "faults were injected");
    assert!(report.proxy.retried_attempts > 20, "and retried, re-signed");
    assert!(report.writes_verified > 40);
    // Every kind of fault happened at least once.
    for f in Fault::ALL {
        assert!(
            report.proxy.faults.get(&f).copied().unwrap_or(0) > 0,
            "{f} never injected\n{text}"
        );
    }
}

/// The harness's own check: a write moto applied once more than any request explains (the
/// proxy sends each `SendMessage` twice and records it once) fails the run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_no_retry_explains_fails_the_run() {
    let o = Options {
        sabotage: Some(Sabotage::ForwardTwice("SendMessage".into())),
        ..Options::new(18, 0.0, 3)
    };
    let report = run(&o).await;
    let text = report.render(&o);
    println!("{text}");
    // Two standard-queue sends, each stored twice; the FIFO queue deduplicates its two.
    assert_eq!(report.unexpected_duplicates, 2, "{text}");
    assert_eq!(report.failed(), 2, "{text}");
    assert!(text.contains("stored 2 times, but moto was asked successfully only 1 times"));
}

/// The harness's own check: retries that carry their first attempt's signature (as from an SDK
/// that does not re-sign) are refused by moto, and that fails the run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_not_re_signed_fail_the_run() {
    let o = Options {
        faults: vec![Fault::Status500, Fault::Status503],
        sabotage: Some(Sabotage::ReuseFirstSignature),
        ..Options::new(18, 0.5, 4)
    };
    let report = run(&o).await;
    let text = report.render(&o);
    println!("{text}");
    assert!(report.signature_refused > 0, "{text}");
    assert!(report.failed() > 0, "{text}");
    assert!(text.contains("moto refused the signature of"), "{text}");
}

#[test]
fn every_planned_kind_must_run_and_zero_operations_fail() {
    let planned = plan(9, 1);
    assert_eq!(
        planned.iter().collect::<BTreeSet<_>>().len(),
        Op::ALL.len(),
        "nine operations plan every kind"
    );
    let mut ran: BTreeMap<Op, usize> = Op::ALL.iter().map(|k| (*k, 1)).collect();
    assert!(coverage_problems(9, &planned, &ran).is_empty());
    ran.remove(&Op::S3Put);
    assert_eq!(
        coverage_problems(9, &planned, &ran),
        ["S3Put was planned but never ran"]
    );
    assert_eq!(coverage_problems(8, &plan(8, 1), &ran).len(), 2);
    let none = coverage_problems(0, &plan(0, 1), &BTreeMap::new());
    assert_eq!(none.len(), 1 + Op::ALL.len());
    assert!(none[0].starts_with("no operations"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_100_percent_faults_the_retry_quota_stops_retrying() {
    // Fast faults only (no stalls), one call at a time, DynamoDB (4 attempts a call).
    let server = tokio::task::spawn_blocking(rboto_tests::moto::shared)
        .await
        .expect("moto");
    let upstream = format!("127.0.0.1:{}", server.port()).parse().unwrap();
    let proxy = ChaosProxy::start(
        upstream,
        ChaosConfig {
            fault_rate: 1.0,
            seed: 100,
            stall: Duration::from_secs(1),
            faults: vec![
                Fault::Status500,
                Fault::Status503,
                Fault::ResetBefore,
                Fault::ResetAfter,
                Fault::Truncate,
            ],
            sabotage: None,
        },
    )
    .await
    .unwrap();
    let key = ("AKIDCHAOS".to_string(), "chaos-secret".to_string());
    let ddb = rboto_dynamodb::Client::new(&config(&proxy.endpoint(), &key));
    let mut calls = 0;
    while ddb.service_client().retry_stats().quota_refused == 0 {
        let err = ddb.list_tables().send().await.unwrap_err();
        assert!(err.is_retryable(), "{err}");
        calls += 1;
        assert!(calls < 100, "the quota never ran out");
    }
    let stats = ddb.service_client().retry_stats();
    // 500 tokens at 14 a retry: 35 retries, then the quota refuses.
    assert_eq!(stats.retries, 35);
    assert!(stats.quota_available < 14);
    // Now every call is a single attempt: the failing service is not hammered.
    let before = proxy.stats().requests;
    for _ in 0..10 {
        assert!(ddb.list_tables().send().await.is_err());
    }
    assert_eq!(proxy.stats().requests - before, 10);
    assert_eq!(ddb.service_client().retry_stats().retries, 35);
    println!(
        "100% faults: {calls} calls made {} retries before the quota stopped them; then 10 calls, 10 requests",
        stats.retries
    );
}

/// What `cargo xtask chaos` runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by `cargo xtask chaos`"]
async fn chaos_cli() {
    let o = Options {
        concurrency: env_or("CHAOS_CONCURRENCY", 8),
        ..Options::new(
            env_or("CHAOS_OPS", 300),
            env_or("CHAOS_FAULT_RATE", 0.2),
            env_or("CHAOS_SEED", 1),
        )
    };
    let report = run(&o).await;
    println!("{}", report.render(&o));
    assert_eq!(report.failed(), 0);
}
