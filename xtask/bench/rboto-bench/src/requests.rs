//! Client workloads: one client per service, sequential requests on a current-thread runtime
//! (the client's own CPU only: the server is another process), and many requests in flight at
//! once on one client.

use crate::payloads::OBJECT_SIZE;
use rboto::config::S3AddressingStyle;
use rboto::{Config, Credentials, DateTime};
use rboto_cloudwatch::types::{Metric, MetricDataQuery, MetricStat};
use rboto_dynamodb::types::AttributeValue;
use std::collections::HashMap;
use std::time::Instant;

/// The kinds of `req`, in table order. `basic` is the first four (the ones moto serves too).
pub const KINDS: &[&str] = &[
    "s3put", "s3get", "ddbput", "ddbget", "ddbquery", "s3list", "ec2desc", "sqsrecv", "snslist",
    "cwcbor",
];
const BASIC: usize = 4;
/// The four plain requests (the ones moto serves too).
pub const BASIC_KINDS: &[&str] = KINDS.split_at(BASIC).0;
const WARM_UP: usize = 3;

pub struct Clients {
    s3: rboto_s3::Client,
    ddb: rboto_dynamodb::Client,
    ec2: rboto_ec2::Client,
    sqs: rboto_sqs::Client,
    sns: rboto_sns::Client,
    cw: rboto_cloudwatch::Client,
    queue_url: String,
}

impl Clients {
    pub fn new(url: &str) -> Self {
        let config = Config::builder()
            .region("us-east-1")
            .credentials(Credentials::new("AKIDBENCH", "bench-secret", None))
            .endpoint_url(url)
            .s3_addressing_style(S3AddressingStyle::Path)
            .build();
        Clients {
            s3: rboto_s3::Client::new(&config),
            ddb: rboto_dynamodb::Client::new(&config),
            ec2: rboto_ec2::Client::new(&config),
            sqs: rboto_sqs::Client::new(&config),
            sns: rboto_sns::Client::new(&config),
            // botocore (and so rboto) speak JSON to CloudWatch, the first protocol of its
            // model they support; CBOR is asked for, so that one workload reads CBOR.
            cw: rboto_cloudwatch::Client::new(
                &config
                    .to_builder()
                    .protocol(rboto::Protocol::SmithyRpcV2Cbor)
                    .build(),
            ),
            queue_url: format!("{url}/123456789012/bench"),
        }
    }

    /// One request of a kind; checks the response holds something, so a figure is never that
    /// of a failed request.
    pub async fn one(&self, kind: &str) -> Result<(), String> {
        match self.count(kind).await? {
            0 => Err(format!("{kind}: empty response")),
            _ => Ok(()),
        }
    }

    /// One request of a kind: how many entries (items, keys, instances, values, bytes) the
    /// parsed response holds.
    pub async fn count(&self, kind: &str) -> Result<usize, String> {
        Ok(match kind {
            "s3put" => {
                self.s3
                    .put_object()
                    .bucket("bench")
                    .key("obj")
                    .body(vec![b'x'; OBJECT_SIZE])
                    .send()
                    .await
                    .map_err(|e| format!("{kind}: {e}"))?;
                OBJECT_SIZE
            }
            "s3get" => {
                let out = self
                    .s3
                    .get_object()
                    .bucket("bench")
                    .key("obj")
                    .send()
                    .await
                    .map_err(|e| format!("{kind}: {e}"))?;
                let body = out.body.ok_or("s3get: no body")?;
                body.collect()
                    .await
                    .map_err(|e| format!("{kind}: {e}"))?
                    .len()
            }
            "ddbput" => {
                self.ddb
                    .put_item()
                    .table_name("bench")
                    .item(item())
                    .send()
                    .await
                    .map_err(|e| format!("{kind}: {e}"))?;
                1
            }
            "ddbget" => {
                let out = self
                    .ddb
                    .get_item()
                    .table_name("bench")
                    .key(key())
                    .send()
                    .await
                    .map_err(|e| format!("{kind}: {e}"))?;
                out.item.map_or(0, |_| 1)
            }
            "ddbquery" => {
                let out = self
                    .ddb
                    .query()
                    .table_name("bench")
                    .key_condition_expression("pk = :pk")
                    .expression_attribute_values(HashMap::from([(
                        ":pk".to_string(),
                        AttributeValue::default().s("user#000001"),
                    )]))
                    .send()
                    .await
                    .map_err(|e| format!("{kind}: {e}"))?;
                out.items.map_or(0, |i| i.len())
            }
            "s3list" => {
                let out = self
                    .s3
                    .list_objects_v2()
                    .bucket("bench")
                    .send()
                    .await
                    .map_err(|e| format!("{kind}: {e}"))?;
                out.contents.map_or(0, |c| c.len())
            }
            "ec2desc" => {
                let out = self
                    .ec2
                    .describe_instances()
                    .send()
                    .await
                    .map_err(|e| format!("{kind}: {e}"))?;
                out.reservations
                    .unwrap_or_default()
                    .iter()
                    .map(|r| r.instances.as_ref().map_or(0, Vec::len))
                    .sum()
            }
            "sqsrecv" => {
                let out = self
                    .sqs
                    .receive_message()
                    .queue_url(&self.queue_url)
                    .max_number_of_messages(10)
                    .send()
                    .await
                    .map_err(|e| format!("{kind}: {e}"))?;
                out.messages.map_or(0, |m| m.len())
            }
            "snslist" => {
                let out = self
                    .sns
                    .list_subscriptions()
                    .send()
                    .await
                    .map_err(|e| format!("{kind}: {e}"))?;
                out.subscriptions.map_or(0, |s| s.len())
            }
            "cwcbor" => {
                let query = MetricDataQuery::default().id("m0").metric_stat(
                    MetricStat::default()
                        .metric(
                            Metric::default()
                                .namespace("AWS/EC2")
                                .metric_name("CPUUtilization"),
                        )
                        .period(60)
                        .stat("Average"),
                );
                let out = self
                    .cw
                    .get_metric_data()
                    .metric_data_queries(vec![query])
                    .start_time(DateTime::from_secs(1_714_564_800))
                    .end_time(DateTime::from_secs(1_714_570_800))
                    .send()
                    .await
                    .map_err(|e| format!("{kind}: {e}"))?;
                out.metric_data_results
                    .unwrap_or_default()
                    .iter()
                    .map(|r| r.values.as_ref().map_or(0, Vec::len))
                    .sum()
            }
            _ => return Err(format!("unknown request kind {kind}")),
        })
    }
}

fn key() -> HashMap<String, AttributeValue> {
    HashMap::from([("pk".to_string(), AttributeValue::default().s("user#000001"))])
}

fn item() -> HashMap<String, AttributeValue> {
    let mut item = key();
    item.insert("status".into(), AttributeValue::default().s("SHIPPED"));
    item.insert("amount".into(), AttributeValue::default().n("123.45"));
    item
}

pub fn current_thread() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))
}

/// Creates the bucket and the table the requests use (moto starts empty).
pub fn setup(url: &str) -> Result<(), String> {
    current_thread()?.block_on(async {
        let c = Clients::new(url);
        c.s3.create_bucket()
            .bucket("bench")
            .send()
            .await
            .map_err(|e| format!("CreateBucket: {e}"))?;
        c.ddb
            .create_table()
            .table_name("bench")
            .key_schema(vec![rboto_dynamodb::types::KeySchemaElement::default()
                .attribute_name("pk")
                .key_type("HASH")])
            .attribute_definitions(vec![rboto_dynamodb::types::AttributeDefinition::default()
                .attribute_name("pk")
                .attribute_type("S")])
            .billing_mode("PAY_PER_REQUEST")
            .send()
            .await
            .map_err(|e| format!("CreateTable: {e}"))?;
        // GetItem must find an item, and GetObject an object.
        c.one("ddbput").await?;
        c.one("s3put").await
    })
}

pub fn run(url: &str, n: usize, which: &str, set: &str) -> Result<(), String> {
    let kinds = if set == "basic" {
        &KINDS[..BASIC]
    } else {
        KINDS
    };
    current_thread()?.block_on(async {
        let c = Clients::new(url);
        for kind in kinds {
            for _ in 0..WARM_UP {
                c.one(kind).await?;
            }
        }
        for kind in kinds.iter().filter(|k| which == "all" || which == **k) {
            crate::mark();
            crate::time_each(&format!("req.{kind}"), n, async || c.one(kind).await).await?;
        }
        crate::mark();
        Ok(())
    })
}

/// `n` GetItem requests at once on one client (multi-thread runtime): throughput, errors and
/// the process's peak RSS.
pub fn concurrent(url: &str, n: usize) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    rt.block_on(async {
        let c = std::sync::Arc::new(Clients::new(url));
        c.one("ddbget").await?;
        let start = Instant::now();
        let tasks: Vec<_> = (0..n)
            .map(|_| {
                let c = c.clone();
                tokio::spawn(async move { c.one("ddbget").await })
            })
            .collect();
        let mut errors = 0;
        for t in tasks {
            if !matches!(t.await, Ok(Ok(()))) {
                errors += 1;
            }
        }
        let secs = start.elapsed().as_secs_f64();
        crate::result("conc.rps", n as f64 / secs);
        crate::result("conc.errors", errors as f64);
        crate::result("conc.peak_rss_kib", crate::peak_rss_kib() as f64);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every workload against the local server, in process: each response parses into what
    /// the server built, so no figure is ever that of an error or of an empty parse.
    #[test]
    fn every_kind_parses_the_whole_canned_response() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        std::thread::spawn(move || {
            let rt = current_thread().expect("server runtime");
            rt.block_on(async {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                crate::server::serve(listener).await;
            });
        });
        let expected = [
            ("s3put", OBJECT_SIZE),
            ("s3get", OBJECT_SIZE),
            ("ddbput", 1),
            ("ddbget", 1),
            ("ddbquery", 100),
            ("s3list", 1000),
            ("ec2desc", 100),
            ("sqsrecv", 10),
            ("snslist", 100),
            ("cwcbor", 500),
        ];
        assert_eq!(expected.len(), KINDS.len());
        current_thread().expect("runtime").block_on(async {
            let c = Clients::new(&format!("http://127.0.0.1:{port}"));
            for (kind, want) in expected {
                assert_eq!(c.count(kind).await, Ok(want), "{kind}");
            }
            assert!(c.count("nope").await.is_err());
        });
    }
}
