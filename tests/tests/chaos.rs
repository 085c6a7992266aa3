//! Chaos: mixed operations through [`ChaosProxy`] in front of moto, then a fault-free check
//! that every acknowledged write is present and byte-exact, nothing is stored twice, every read
//! was right, and nothing panicked or hung.
//!
//! `cargo xtask chaos [--ops N] [--fault-rate R] [--seed S]` runs [`chaos_cli`] with those
//! settings (through `CHAOS_OPS`, `CHAOS_FAULT_RATE`, `CHAOS_SEED`).

use rboto::http::HttpSettings;
use rboto::{Config, Credentials};
use rboto_tests::chaos::{ChaosConfig, ChaosProxy, ChaosStats, Fault};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Debug)]
struct Options {
    ops: usize,
    fault_rate: f64,
    seed: u64,
    concurrency: usize,
    faults: Vec<Fault>,
}

/// The outcome of a run.
#[derive(Debug, Default)]
struct Report {
    ops: usize,
    succeeded: usize,
    gave_up: usize,
    gave_up_by: BTreeMap<String, usize>,
    writes_acked: usize,
    writes_verified: usize,
    lost: usize,
    duplicated: usize,
    reads_checked: usize,
    problems: Vec<String>,
    retries: u64,
    quota_refused: u64,
    proxy: ChaosStats,
    s3_note: Option<String>,
}

impl Report {
    fn passed(&self) -> usize {
        // Every operation that behaved (succeeded, or gave up with a retryable error after its
        // retries), and every acknowledged write found intact.
        self.succeeded + self.gave_up + self.writes_verified
    }
    fn failed(&self) -> usize {
        self.problems.len()
    }
    fn render(&self, o: &Options) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "chaos: {} operations at {:.0}% faults (seed {}, {} concurrent)",
            self.ops,
            o.fault_rate * 100.0,
            o.seed,
            o.concurrency
        );
        if let Some(note) = &self.s3_note {
            let _ = writeln!(s, "  note: {note}");
        }
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
            "  retries made: {} (refused by the retry quota: {})",
            self.retries, self.quota_refused
        );
        let _ = writeln!(
            s,
            "  operations: {} succeeded, {} gave up with a retryable error after their retries",
            self.succeeded, self.gave_up
        );
        for (why, n) in &self.gave_up_by {
            let _ = writeln!(s, "    {why}: {n}");
        }
        let _ = writeln!(
            s,
            "  writes acknowledged: {}, verified byte-exact: {}, lost: {}, duplicated: {}",
            self.writes_acked, self.writes_verified, self.lost, self.duplicated
        );
        let _ = writeln!(s, "  reads checked: {}", self.reads_checked);
        for p in &self.problems {
            let _ = writeln!(s, "  FAILED: {p}");
        }
        let _ = writeln!(s, "{} passed, {} failed", self.passed(), self.failed());
        s
    }
}

/// Everything written, by id: acknowledged, or attempted without acknowledgement (which may
/// or may not have been stored).
#[derive(Default)]
struct Ledger {
    ddb: HashMap<String, (Vec<u8>, String)>,
    ddb_acked: Vec<String>,
    sqs: HashMap<String, String>,
    sqs_acked: Vec<String>,
    s3: HashMap<String, Vec<u8>>,
    s3_acked: Vec<String>,
}

struct Clients {
    ddb: rboto_dynamodb::Client,
    sqs: rboto_sqs::Client,
    s3: Option<rboto_s3::Client>,
    queue_url: String,
    table: String,
    bucket: String,
}

/// Deterministic per-op generator.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
    fn text(&mut self, n: usize) -> String {
        // Unicode and XML/JSON-special characters, all valid in SQS bodies.
        const ALPHABET: &[&str] = &[
            "a", "Z", "7", " ", "<", ">", "&", "\"", "'", "\\", "é", "✓", "日本", "🙂", "\t", "\n",
        ];
        (0..n)
            .map(|_| ALPHABET[(self.next() % ALPHABET.len() as u64) as usize])
            .collect()
    }
}

fn config(endpoint: &str) -> Config {
    Config::builder()
        .region("us-east-1")
        .endpoint_url(endpoint)
        .credentials(Credentials::new("AKIDCHAOS", "chaos-secret", None))
        .http(HttpSettings {
            connect_timeout: Duration::from_secs(2),
            read_timeout: Duration::from_millis(800),
            attempt_timeout: Some(Duration::from_secs(10)),
            operation_timeout: Some(Duration::from_secs(30)),
            ..HttpSettings::default()
        })
        .build()
}

async fn setup(endpoint: &str, tag: &str) -> Result<Clients, String> {
    use rboto_dynamodb::types::{
        AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    };
    let config = config(endpoint);
    let ddb = rboto_dynamodb::Client::new(&config);
    let table = format!("chaos-{tag}");
    ddb.create_table()
        .table_name(&table)
        .attribute_definitions(vec![AttributeDefinition::default()
            .attribute_name("pk")
            .attribute_type(ScalarAttributeType::S)])
        .key_schema(vec![KeySchemaElement::default()
            .attribute_name("pk")
            .key_type(KeyType::Hash)])
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .map_err(|e| format!("create_table: {e}"))?;
    let sqs = rboto_sqs::Client::new(&config);
    let queue_url = sqs
        .create_queue()
        .queue_name(format!("chaos-{tag}.fifo"))
        .attributes(HashMap::from([(
            "FifoQueue".to_string(),
            "true".to_string(),
        )]))
        .send()
        .await
        .map_err(|e| format!("create_queue: {e}"))?
        .queue_url
        .ok_or("create_queue: no url")?;
    let bucket = format!("chaos-{tag}");
    let s3 = rboto_s3::Client::new(&config);
    let s3_ok = async {
        s3.create_bucket()
            .bucket(&bucket)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        s3.put_object()
            .bucket(&bucket)
            .key("probe")
            .body(b"probe".as_slice())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let got = s3
            .get_object()
            .bucket(&bucket)
            .key("probe")
            .send()
            .await
            .map_err(|e| e.to_string())?;
        match read_body(got.body).await {
            Ok(b) if b == b"probe" => Ok(()),
            other => Err(format!("GetObject returned {other:?}")),
        }
    }
    .await;
    Ok(Clients {
        ddb,
        sqs,
        s3: s3_ok.as_ref().ok().map(|_| s3),
        queue_url,
        table,
        bucket: match s3_ok {
            Ok(()) => bucket,
            Err(e) => format!("!S3 skipped: rboto-s3 does not work end to end yet ({e})"),
        },
    })
}

#[derive(Clone, Copy, Debug)]
enum Op {
    DdbPut,
    DdbGet,
    SqsSend,
    SqsReceive,
    S3Put,
    S3Get,
}

enum Outcome {
    Ok,
    GaveUp(String),
    Wrong(String),
}

/// Sorts an SDK error: retryable after retries is giving up correctly; anything else is wrong.
fn judge<E: std::fmt::Debug>(what: &str, e: rboto::Error<E>) -> Outcome {
    if e.is_retryable() {
        Outcome::GaveUp(format!("{what}: {:?}", e.kind()))
    } else {
        Outcome::Wrong(format!("{what}: non-retryable error: {e}"))
    }
}

async fn run_op(
    c: &Clients,
    ledger: &Mutex<Ledger>,
    op: Op,
    i: usize,
    seed: u64,
) -> (Outcome, bool) {
    use rboto_dynamodb::types::AttributeValue;
    let mut rng = Rng(seed ^ (i as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    match op {
        Op::DdbPut => {
            let pk = format!("item-{i}");
            let payload = {
                let n = 1 + (rng.next() % 700) as usize;
                rng.bytes(n)
            };
            let text = {
                let n = 1 + (rng.next() % 40) as usize;
                rng.text(n)
            };
            ledger
                .lock()
                .unwrap()
                .ddb
                .insert(pk.clone(), (payload.clone(), text.clone()));
            let item = HashMap::from([
                ("pk".to_string(), AttributeValue::default().s(&pk)),
                ("payload".to_string(), AttributeValue::default().b(payload)),
                ("text".to_string(), AttributeValue::default().s(text)),
            ]);
            match c
                .ddb
                .put_item()
                .table_name(&c.table)
                .item(item)
                .send()
                .await
            {
                Ok(_) => {
                    ledger.lock().unwrap().ddb_acked.push(pk);
                    (Outcome::Ok, false)
                }
                Err(e) => (judge("DynamoDB PutItem", e), false),
            }
        }
        Op::DdbGet => {
            let pick = {
                let l = ledger.lock().unwrap();
                (!l.ddb_acked.is_empty()).then(|| {
                    let pk = l.ddb_acked[(rng.next() % l.ddb_acked.len() as u64) as usize].clone();
                    let want = l.ddb[&pk].clone();
                    (pk, want)
                })
            };
            let Some((pk, (payload, text))) = pick else {
                return (Outcome::Ok, false);
            };
            let key = HashMap::from([("pk".to_string(), AttributeValue::default().s(&pk))]);
            match c
                .ddb
                .get_item()
                .table_name(&c.table)
                .key(key)
                .consistent_read(true)
                .send()
                .await
            {
                Ok(out) => {
                    let item = out.item.unwrap_or_default();
                    let got_payload = item
                        .get("payload")
                        .and_then(|v| v.b.as_ref())
                        .map(|b| b.as_bytes().to_vec());
                    let got_text = item.get("text").and_then(|v| v.s.clone());
                    if got_payload.as_deref() == Some(&payload[..])
                        && got_text.as_deref() == Some(&text[..])
                    {
                        (Outcome::Ok, true)
                    } else {
                        (
                            Outcome::Wrong(format!("GetItem {pk}: wrong or missing item")),
                            true,
                        )
                    }
                }
                Err(e) => (judge("DynamoDB GetItem", e), false),
            }
        }
        Op::SqsSend => {
            let id = format!("d{i}");
            let body = format!("{id}|{}", {
                let n = 1 + (rng.next() % 60) as usize;
                rng.text(n)
            });
            ledger.lock().unwrap().sqs.insert(id.clone(), body.clone());
            let r = c
                .sqs
                .send_message()
                .queue_url(&c.queue_url)
                .message_body(&body)
                .message_group_id(format!("g{}", i % 4))
                .message_deduplication_id(&id)
                .send()
                .await;
            match r {
                Ok(_) => {
                    ledger.lock().unwrap().sqs_acked.push(id);
                    (Outcome::Ok, false)
                }
                Err(e) => (judge("SQS SendMessage", e), false),
            }
        }
        Op::SqsReceive => {
            // Visibility 0: a receive whose response is lost does not hide the message.
            let r = c
                .sqs
                .receive_message()
                .queue_url(&c.queue_url)
                .max_number_of_messages(10)
                .visibility_timeout(0)
                .send()
                .await;
            match r {
                Ok(out) => {
                    let l = ledger.lock().unwrap();
                    for m in out.messages.unwrap_or_default() {
                        let body = m.body.unwrap_or_default();
                        let id = body.split('|').next().unwrap_or_default();
                        if l.sqs.get(id) != Some(&body) {
                            return (
                                Outcome::Wrong(format!("ReceiveMessage: unexpected body {body:?}")),
                                true,
                            );
                        }
                    }
                    (Outcome::Ok, true)
                }
                Err(e) => (judge("SQS ReceiveMessage", e), false),
            }
        }
        Op::S3Put => {
            let Some(s3) = &c.s3 else {
                return (Outcome::Ok, false);
            };
            let key = format!("obj-{i}");
            let data = {
                let n = (rng.next() % 3000) as usize;
                rng.bytes(n)
            };
            ledger.lock().unwrap().s3.insert(key.clone(), data.clone());
            match s3
                .put_object()
                .bucket(&c.bucket)
                .key(&key)
                .body(data)
                .send()
                .await
            {
                Ok(_) => {
                    ledger.lock().unwrap().s3_acked.push(key);
                    (Outcome::Ok, false)
                }
                Err(e) => (judge("S3 PutObject", e), false),
            }
        }
        Op::S3Get => {
            let Some(s3) = &c.s3 else {
                return (Outcome::Ok, false);
            };
            let pick = {
                let l = ledger.lock().unwrap();
                (!l.s3_acked.is_empty()).then(|| {
                    let k = l.s3_acked[(rng.next() % l.s3_acked.len() as u64) as usize].clone();
                    let want = l.s3[&k].clone();
                    (k, want)
                })
            };
            let Some((key, want)) = pick else {
                return (Outcome::Ok, false);
            };
            match s3.get_object().bucket(&c.bucket).key(&key).send().await {
                Ok(out) => match read_body(out.body).await {
                    Ok(got) if got == want => (Outcome::Ok, true),
                    Ok(_) => (Outcome::Wrong(format!("GetObject {key}: wrong body")), true),
                    // The streamed body is read after the call returned: not retried by the SDK
                    // (as in botocore); a transport error here is the caller's to retry.
                    Err(e) => (judge("S3 GetObject body", e), false),
                },
                Err(e) => (judge("S3 GetObject", e), false),
            }
        }
    }
}

async fn verify(c: &Clients, ledger: &Ledger, report: &mut Report) {
    use rboto_dynamodb::types::AttributeValue;
    // DynamoDB: every acknowledged item intact; nothing that was never written.
    let mut items: HashMap<String, HashMap<String, AttributeValue>> = HashMap::new();
    let mut start: Option<HashMap<String, AttributeValue>> = None;
    loop {
        let mut scan = c.ddb.scan().table_name(&c.table).consistent_read(true);
        if let Some(k) = start.take() {
            scan = scan.exclusive_start_key(k);
        }
        match scan.send().await {
            Ok(out) => {
                for item in out.items.unwrap_or_default() {
                    let pk = item.get("pk").and_then(|v| v.s.clone()).unwrap_or_default();
                    if items.insert(pk.clone(), item).is_some() {
                        report.duplicated += 1;
                        report
                            .problems
                            .push(format!("DynamoDB item {pk} scanned twice"));
                    }
                }
                match out.last_evaluated_key {
                    Some(k) if !k.is_empty() => start = Some(k),
                    _ => break,
                }
            }
            Err(e) => {
                report
                    .problems
                    .push(format!("verification scan failed: {e}"));
                return;
            }
        }
    }
    for pk in items.keys() {
        if !ledger.ddb.contains_key(pk) {
            report
                .problems
                .push(format!("DynamoDB item {pk} was never written"));
        }
    }
    for pk in &ledger.ddb_acked {
        report.writes_acked += 1;
        let (payload, text) = &ledger.ddb[pk];
        match items.get(pk) {
            None => {
                report.lost += 1;
                report
                    .problems
                    .push(format!("acknowledged DynamoDB item {pk} lost"));
            }
            Some(item) => {
                let ok = item
                    .get("payload")
                    .and_then(|v| v.b.as_ref())
                    .map(|b| b.as_bytes())
                    == Some(&payload[..])
                    && item.get("text").and_then(|v| v.s.as_deref()) == Some(text.as_str());
                if ok {
                    report.writes_verified += 1;
                } else {
                    report
                        .problems
                        .push(format!("DynamoDB item {pk} differs from what was written"));
                }
            }
        }
    }
    // SQS: drain the queue, deleting as we go (FIFO groups unblock on delete).
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut empty = 0;
    while empty < 3 {
        let out = match c
            .sqs
            .receive_message()
            .queue_url(&c.queue_url)
            .max_number_of_messages(10)
            .visibility_timeout(60)
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) => {
                report
                    .problems
                    .push(format!("verification receive failed: {e}"));
                return;
            }
        };
        let messages = out.messages.unwrap_or_default();
        if messages.is_empty() {
            empty += 1;
            continue;
        }
        empty = 0;
        for m in messages {
            let body = m.body.clone().unwrap_or_default();
            let id = body.split('|').next().unwrap_or_default().to_string();
            if ledger.sqs.get(&id) != Some(&body) {
                report
                    .problems
                    .push(format!("SQS message {body:?} was never sent"));
            }
            *seen.entry(id).or_default() += 1;
            if let Some(h) = m.receipt_handle {
                let _ = c
                    .sqs
                    .delete_message()
                    .queue_url(&c.queue_url)
                    .receipt_handle(h)
                    .send()
                    .await;
            }
        }
    }
    for (id, n) in &seen {
        if *n > 1 {
            report.duplicated += 1;
            report
                .problems
                .push(format!("SQS message {id} stored {n} times"));
        }
    }
    for id in &ledger.sqs_acked {
        report.writes_acked += 1;
        if seen.contains_key(id) {
            report.writes_verified += 1;
        } else {
            report.lost += 1;
            report
                .problems
                .push(format!("acknowledged SQS message {id} lost"));
        }
    }
    // S3: every acknowledged object byte-exact.
    if let Some(s3) = &c.s3 {
        for key in &ledger.s3_acked {
            report.writes_acked += 1;
            match s3.get_object().bucket(&c.bucket).key(key).send().await {
                Ok(out) => match read_body(out.body).await {
                    Ok(got) if got == ledger.s3[key] => report.writes_verified += 1,
                    Ok(_) => report
                        .problems
                        .push(format!("S3 object {key} differs from what was written")),
                    Err(e) => report
                        .problems
                        .push(format!("S3 object {key}: reading: {e}")),
                },
                Err(e) => {
                    report.lost += 1;
                    report
                        .problems
                        .push(format!("acknowledged S3 object {key}: {e}"));
                }
            }
        }
    }
}

async fn run(o: &Options) -> Report {
    let server = tokio::task::spawn_blocking(rboto_tests::moto::shared)
        .await
        .expect("moto");
    let upstream: std::net::SocketAddr = format!("127.0.0.1:{}", server.port()).parse().unwrap();
    let (_, account) = rboto_tests::moto::account_id_header();
    let proxy = ChaosProxy::start(
        upstream,
        ChaosConfig {
            fault_rate: 0.0,
            seed: o.seed,
            stall: Duration::from_millis(1500),
            faults: o.faults.clone(),
            upstream_headers: vec![(
                rboto_tests::moto::ACCOUNT_ID_HEADER.to_string(),
                account.clone(),
            )],
        },
    )
    .await
    .expect("proxy starts");
    let mut report = Report {
        ops: o.ops,
        ..Report::default()
    };
    let clients = match setup(&proxy.endpoint(), &account).await {
        Ok(c) => Arc::new(c),
        Err(e) => {
            report.problems.push(format!("setup failed: {e}"));
            return report;
        }
    };
    if clients.s3.is_none() {
        report.s3_note = Some(clients.bucket.trim_start_matches('!').to_string());
    }
    let kinds: Vec<Op> = if clients.s3.is_some() {
        vec![
            Op::DdbPut,
            Op::DdbGet,
            Op::SqsSend,
            Op::SqsReceive,
            Op::S3Put,
            Op::S3Get,
        ]
    } else {
        vec![Op::DdbPut, Op::DdbGet, Op::SqsSend, Op::SqsReceive]
    };
    let base = {
        let s = (
            clients.ddb.service_client().retry_stats(),
            clients.sqs.service_client().retry_stats(),
        );
        s.0.retries + s.1.retries
    };
    proxy.set_fault_rate(o.fault_rate);
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let results = Arc::new(Mutex::new(Vec::new()));
    let mut workers = Vec::new();
    for _ in 0..o.concurrency.max(1) {
        let (clients, ledger, next, results, kinds) = (
            clients.clone(),
            ledger.clone(),
            next.clone(),
            results.clone(),
            kinds.clone(),
        );
        let (ops, seed) = (o.ops, o.seed);
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= ops {
                    return;
                }
                let op = kinds[(Rng(seed ^ i as u64).next() % kinds.len() as u64) as usize];
                let c = clients.clone();
                let l = ledger.clone();
                // Each operation in its own task: a panic is caught, and bounded in time.
                let task = tokio::spawn(async move { run_op(&c, &l, op, i, seed).await });
                let r = match tokio::time::timeout(Duration::from_secs(90), task).await {
                    Ok(Ok(r)) => r,
                    Ok(Err(e)) => (
                        Outcome::Wrong(format!("op {i} ({op:?}) panicked: {e}")),
                        false,
                    ),
                    Err(_) => (
                        Outcome::Wrong(format!("op {i} ({op:?}) hung for 90 s")),
                        false,
                    ),
                };
                results.lock().unwrap().push(r);
            }
        }));
    }
    for w in workers {
        let _ = w.await;
    }
    proxy.set_fault_rate(0.0);
    report.proxy = proxy.stats();
    for (outcome, read) in results.lock().unwrap().drain(..) {
        if read {
            report.reads_checked += 1;
        }
        match outcome {
            Outcome::Ok => report.succeeded += 1,
            Outcome::GaveUp(why) => {
                report.gave_up += 1;
                *report.gave_up_by.entry(why).or_default() += 1;
            }
            Outcome::Wrong(why) => report.problems.push(why),
        }
    }
    let mut stats = vec![
        clients.ddb.service_client().retry_stats(),
        clients.sqs.service_client().retry_stats(),
    ];
    if let Some(s3) = &clients.s3 {
        stats.push(s3.service_client().retry_stats());
    }
    report.retries = stats.iter().map(|s| s.retries).sum::<u64>() - base;
    report.quota_refused = stats.iter().map(|s| s.quota_refused).sum();
    let ledger = std::mem::take(&mut *ledger.lock().unwrap());
    verify(&clients, &ledger, &mut report).await;
    report
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
async fn chaos_at_20_percent_loses_and_doubles_nothing() {
    let o = Options {
        ops: 300,
        fault_rate: 0.2,
        seed: 20,
        concurrency: 8,
        faults: Vec::new(),
    };
    let report = run(&o).await;
    println!("{}", report.render(&o));
    assert_eq!(report.failed(), 0, "{}", report.render(&o));
    assert_eq!((report.lost, report.duplicated), (0, 0));
    assert!(report.proxy.total_faults() > 30, "faults were injected");
    assert!(report.retries > 30, "and retried");
    assert!(report.writes_verified > 50);
    // Every kind of fault happened at least once.
    for f in Fault::ALL {
        assert!(
            report.proxy.faults.get(&f).copied().unwrap_or(0) > 0,
            "{f} never injected"
        );
    }
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
            upstream_headers: Vec::new(),
        },
    )
    .await
    .unwrap();
    let ddb = rboto_dynamodb::Client::new(&config(&proxy.endpoint()));
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
        ops: env_or("CHAOS_OPS", 300),
        fault_rate: env_or("CHAOS_FAULT_RATE", 0.2),
        seed: env_or("CHAOS_SEED", 1),
        concurrency: env_or("CHAOS_CONCURRENCY", 8),
        faults: Vec::new(),
    };
    let report = run(&o).await;
    println!("{}", report.render(&o));
    assert_eq!(report.failed(), 0);
}
