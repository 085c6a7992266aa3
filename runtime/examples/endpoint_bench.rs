//! Endpoint-resolution benchmark (not a timed test): S3 GetObject and DynamoDB GetItem.
//!
//! ```sh
//! cargo run --release -p rboto --example endpoint_bench
//! ```
//!
//! For each operation: one warm-up resolution (which compiles the rule set), then 200,000
//! resolutions in 20 batches; prints the median nanoseconds per resolution over the batches,
//! both for `params_for` + `resolve` (what the pipeline does per request) and for `resolve`
//! alone. The statics below mirror what the generated crates emit for the two operations.

use std::hint::black_box;
use std::time::Instant;

use rboto::__private::schema::{prelude, Member, Operation, Protocol, Service, Shape};
use rboto::endpoint::{self, EndpointConfig};
use rboto::Value;

const BATCHES: usize = 20;
const TOTAL: usize = 200_000;

static GET_OBJECT_REQUEST: Shape = Shape::structure(
    "GetObjectRequest",
    &[
        Member::new("Bucket", &prelude::STRING).ctx("Bucket"),
        Member::new("Key", &prelude::STRING).ctx("Key"),
    ],
);
static GET_OBJECT: Operation = Operation::new(
    "GetObject",
    "GET",
    "/{Bucket}/{Key+}",
    &GET_OBJECT_REQUEST,
    &prelude::UNIT,
);
static S3: Service = service(
    "s3",
    "S3",
    include_str!("../../tests/data/endpoint-tests/s3/endpoint-rule-set-1.json"),
);

static GET_ITEM_INPUT: Shape = Shape::structure(
    "GetItemInput",
    &[Member::new("TableName", &prelude::STRING).ctx("ResourceArn")],
);
static GET_ITEM: Operation =
    Operation::new("GetItem", "POST", "/", &GET_ITEM_INPUT, &prelude::UNIT);
static DYNAMODB: Service = service(
    "dynamodb",
    "DynamoDB",
    include_str!("../../tests/data/endpoint-tests/dynamodb/endpoint-rule-set-1.json"),
);

const fn service(name: &'static str, id: &'static str, rules: &'static str) -> Service {
    Service {
        name,
        service_id: id,
        endpoint_prefix: name,
        signing_name: name,
        protocols: &[Protocol::Json],
        endpoint_rules: rules,
        ..Service::BLANK
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
}

fn bench(
    label: &str,
    service: &'static Service,
    op: &'static Operation,
    input: &Value,
) -> Result<(), endpoint::EndpointError> {
    let cfg = EndpointConfig {
        region: Some("us-west-2".into()),
        ..Default::default()
    };
    // Warm-up: compiles and caches the rule set.
    let rules = endpoint::ruleset_for(service)?;
    let resolved = rules.resolve(&endpoint::params_for(rules, service, op, &cfg, input)?)?;
    println!("{label}: {}", resolved.url);

    let per_batch = TOTAL / BATCHES;
    let mut full = Vec::with_capacity(BATCHES);
    let mut resolve_only = Vec::with_capacity(BATCHES);
    let params = endpoint::params_for(rules, service, op, &cfg, input)?;
    for _ in 0..BATCHES {
        let start = Instant::now();
        for _ in 0..per_batch {
            let rules = endpoint::ruleset_for(black_box(service))?;
            let params = endpoint::params_for(rules, service, op, black_box(&cfg), input)?;
            black_box(rules.resolve(&params)?);
        }
        full.push(start.elapsed().as_nanos() as f64 / per_batch as f64);

        let start = Instant::now();
        for _ in 0..per_batch {
            black_box(rules.resolve(black_box(&params))?);
        }
        resolve_only.push(start.elapsed().as_nanos() as f64 / per_batch as f64);
    }
    println!(
        "{label}: median {:.0} ns per resolution (ruleset_for + params_for + resolve), \
         {:.0} ns (resolve only); {TOTAL} resolutions each in {BATCHES} batches",
        median(full),
        median(resolve_only)
    );
    Ok(())
}

fn main() -> Result<(), endpoint::EndpointError> {
    let s3_input = Value::Struct(vec![
        Some(Value::Str("my-bucket".into())),
        Some(Value::Str("photos/2024/cat.jpg".into())),
    ]);
    bench("S3 GetObject", &S3, &GET_OBJECT, &s3_input)?;
    let ddb_input = Value::Struct(vec![Some(Value::Str("my-table".into()))]);
    bench("DynamoDB GetItem", &DYNAMODB, &GET_ITEM, &ddb_input)?;
    Ok(())
}
