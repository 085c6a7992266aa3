//! The request workloads of rboto-bench's requests.rs, on aws-sdk-rust: the same operations,
//! inputs and checks, on a current-thread runtime.

use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;
use aws_sdk_cloudwatch::types::{Metric, MetricDataQuery, MetricStat};
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_s3::primitives::ByteStream;
use std::time::Instant;

const KINDS: &[&str] = &[
    "s3put", "s3get", "ddbput", "ddbget", "ddbquery", "s3list", "ec2desc", "sqsrecv", "snslist",
    "cwcbor",
];
const BASIC: usize = 4;
const WARM_UP: usize = 3;
const OBJECT_SIZE: usize = 1024;

struct Clients {
    s3: aws_sdk_s3::Client,
    ddb: aws_sdk_dynamodb::Client,
    ec2: aws_sdk_ec2::Client,
    sqs: aws_sdk_sqs::Client,
    sns: aws_sdk_sns::Client,
    cw: aws_sdk_cloudwatch::Client,
    queue_url: String,
}

impl Clients {
    async fn new(url: &str) -> Self {
        let config = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new(
                "AKIDBENCH",
                "bench-secret",
                None,
                None,
                "bench",
            ))
            .endpoint_url(url)
            .load()
            .await;
        let s3 = aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build();
        Clients {
            s3: aws_sdk_s3::Client::from_conf(s3),
            ddb: aws_sdk_dynamodb::Client::new(&config),
            ec2: aws_sdk_ec2::Client::new(&config),
            sqs: aws_sdk_sqs::Client::new(&config),
            sns: aws_sdk_sns::Client::new(&config),
            cw: aws_sdk_cloudwatch::Client::new(&config),
            queue_url: format!("{url}/123456789012/bench"),
        }
    }

    async fn one(&self, kind: &str) -> Result<(), String> {
        let got = match kind {
            "s3put" => {
                self.s3
                    .put_object()
                    .bucket("bench")
                    .key("obj")
                    .body(ByteStream::from(vec![b'x'; OBJECT_SIZE]))
                    .send()
                    .await
                    .map_err(|e| format!("{kind}: {e:?}"))?;
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
                    .map_err(|e| format!("{kind}: {e:?}"))?;
                let body = out
                    .body
                    .collect()
                    .await
                    .map_err(|e| format!("{kind}: {e}"))?;
                body.into_bytes().len()
            }
            "ddbput" => {
                self.ddb
                    .put_item()
                    .table_name("bench")
                    .item("pk", AttributeValue::S("user#000001".into()))
                    .item("status", AttributeValue::S("SHIPPED".into()))
                    .item("amount", AttributeValue::N("123.45".into()))
                    .send()
                    .await
                    .map_err(|e| format!("{kind}: {e:?}"))?;
                1
            }
            "ddbget" => {
                let out = self
                    .ddb
                    .get_item()
                    .table_name("bench")
                    .key("pk", AttributeValue::S("user#000001".into()))
                    .send()
                    .await
                    .map_err(|e| format!("{kind}: {e:?}"))?;
                out.item.map_or(0, |_| 1)
            }
            "ddbquery" => {
                let out = self
                    .ddb
                    .query()
                    .table_name("bench")
                    .key_condition_expression("pk = :pk")
                    .expression_attribute_values(":pk", AttributeValue::S("user#000001".into()))
                    .send()
                    .await
                    .map_err(|e| format!("{kind}: {e:?}"))?;
                out.items().len()
            }
            "s3list" => {
                let out = self
                    .s3
                    .list_objects_v2()
                    .bucket("bench")
                    .send()
                    .await
                    .map_err(|e| format!("{kind}: {e:?}"))?;
                out.contents().len()
            }
            "ec2desc" => {
                let out = self
                    .ec2
                    .describe_instances()
                    .send()
                    .await
                    .map_err(|e| format!("{kind}: {e:?}"))?;
                out.reservations().iter().map(|r| r.instances().len()).sum()
            }
            "sqsrecv" => {
                let out = self
                    .sqs
                    .receive_message()
                    .queue_url(&self.queue_url)
                    .max_number_of_messages(10)
                    .send()
                    .await
                    .map_err(|e| format!("{kind}: {e:?}"))?;
                out.messages().len()
            }
            "snslist" => {
                let out = self
                    .sns
                    .list_subscriptions()
                    .send()
                    .await
                    .map_err(|e| format!("{kind}: {e:?}"))?;
                out.subscriptions().len()
            }
            "cwcbor" => {
                let stat = MetricStat::builder()
                    .metric(
                        Metric::builder()
                            .namespace("AWS/EC2")
                            .metric_name("CPUUtilization")
                            .build(),
                    )
                    .period(60)
                    .stat("Average")
                    .build();
                let query = MetricDataQuery::builder()
                    .id("m0")
                    .metric_stat(stat)
                    .build();
                let out = self
                    .cw
                    .get_metric_data()
                    .metric_data_queries(query)
                    .start_time(aws_sdk_cloudwatch::primitives::DateTime::from_secs(
                        1_714_564_800,
                    ))
                    .end_time(aws_sdk_cloudwatch::primitives::DateTime::from_secs(
                        1_714_570_800,
                    ))
                    .send()
                    .await
                    .map_err(|e| format!("{kind}: {e:?}"))?;
                out.metric_data_results()
                    .iter()
                    .map(|r| r.values().len())
                    .sum()
            }
            _ => return Err(format!("unknown request kind {kind}")),
        };
        if got == 0 {
            return Err(format!("{kind}: empty response"));
        }
        Ok(())
    }
}

fn current_thread() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))
}

pub fn run(url: &str, n: usize, which: &str, set: &str) -> Result<(), String> {
    let kinds = if set == "basic" {
        &KINDS[..BASIC]
    } else {
        KINDS
    };
    current_thread()?.block_on(async {
        let c = Clients::new(url).await;
        for kind in kinds {
            for _ in 0..WARM_UP {
                c.one(kind).await?;
            }
        }
        for kind in kinds.iter().filter(|k| which == "all" || which == **k) {
            crate::mark();
            let (mut wall, mut cpu) = (Vec::with_capacity(n), Vec::with_capacity(n));
            for _ in 0..n {
                let (start, cpu_start) = (Instant::now(), crate::cpu_ns());
                c.one(kind).await?;
                cpu.push((crate::cpu_ns() - cpu_start) as f64);
                wall.push(start.elapsed().as_nanos() as f64);
            }
            if n > 0 {
                crate::result(&format!("req.{kind}.wall_ns"), crate::median(wall));
                crate::result(&format!("req.{kind}.cpu_ns"), crate::median(cpu));
            }
        }
        crate::mark();
        Ok(())
    })
}

pub fn concurrent(url: &str, n: usize) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    rt.block_on(async {
        let c = std::sync::Arc::new(Clients::new(url).await);
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
