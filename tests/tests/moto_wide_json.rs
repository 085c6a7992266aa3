//! Services speaking the `json` protocol, end to end against moto's server: one real round trip
//! per service — create something, read it back through another operation, check the data.
//!
//! SigV4 verification is on for every request here (all are POSTs with a body, which moto
//! verifies). Transcribe and Cloud Map list smithy-rpc-v2-cbor first, which moto lacks; rboto,
//! like botocore, picks `json` for them.

use rboto::ErrorKind;
use rboto_tests::moto::take_turn as session;

const ACCOUNT: &str = "123456789012";

/// Milliseconds since the Unix epoch, now.
fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis() as i64
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

// ---------------------------------------------------------------------------------------------
// CloudWatch Logs
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn logs_put_and_get_log_events() {
    let s = session();
    let logs = rboto_logs::Client::new(&s.config());
    logs.create_log_group()
        .log_group_name("/rboto/app")
        .tags([("team".to_string(), "sdk".to_string())])
        .send()
        .await
        .expect("create_log_group");
    logs.put_retention_policy()
        .log_group_name("/rboto/app")
        .retention_in_days(14)
        .send()
        .await
        .expect("put_retention_policy");
    logs.create_log_stream()
        .log_group_name("/rboto/app")
        .log_stream_name("web-1")
        .send()
        .await
        .expect("create_log_stream");

    let t0 = now_millis();
    let put = logs
        .put_log_events()
        .log_group_name("/rboto/app")
        .log_stream_name("web-1")
        .log_events(vec![
            rboto_logs::types::InputLogEvent::default()
                .timestamp(t0)
                .message("GET /health 200"),
            rboto_logs::types::InputLogEvent::default()
                .timestamp(t0 + 1)
                .message("POST /orders 201 ünïcode ✓"),
        ])
        .send()
        .await
        .expect("put_log_events");
    assert!(put.next_sequence_token.is_some(), "{put:?}");

    let got = logs
        .get_log_events()
        .log_group_name("/rboto/app")
        .log_stream_name("web-1")
        .start_from_head(true)
        .send()
        .await
        .expect("get_log_events");
    let events = got.events.unwrap_or_default();
    let seen: Vec<(Option<i64>, Option<&str>)> = events
        .iter()
        .map(|e| (e.timestamp, e.message.as_deref()))
        .collect();
    assert_eq!(
        seen,
        [
            (Some(t0), Some("GET /health 200")),
            (Some(t0 + 1), Some("POST /orders 201 ünïcode ✓")),
        ]
    );

    let groups = logs
        .describe_log_groups()
        .log_group_name_prefix("/rboto/")
        .send()
        .await
        .expect("describe_log_groups")
        .log_groups
        .unwrap_or_default();
    assert_eq!(groups.len(), 1, "{groups:?}");
    assert_eq!(groups[0].log_group_name.as_deref(), Some("/rboto/app"));
    assert_eq!(groups[0].retention_in_days, Some(14));
    let arn = groups[0].arn.as_deref().unwrap_or_default();
    assert!(
        arn.starts_with(&format!(
            "arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/rboto/app"
        )),
        "{arn}"
    );

    let err = logs
        .get_log_events()
        .log_group_name("/rboto/app")
        .log_stream_name("missing")
        .send()
        .await
        .expect_err("no such stream");
    assert_eq!(err.kind(), ErrorKind::Service, "{err:?}");
    assert_eq!(err.code(), Some("ResourceNotFoundException"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// ECS
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn ecs_cluster_and_task_definition() {
    use rboto_ecs::types::{ContainerDefinition, KeyValuePair, PortMapping};
    let s = session();
    let ecs = rboto_ecs::Client::new(&s.config());
    let cluster = ecs
        .create_cluster()
        .cluster_name("rboto-cluster")
        .send()
        .await
        .expect("create_cluster")
        .cluster
        .expect("cluster");
    let cluster_arn = cluster.cluster_arn.clone().expect("cluster arn");
    assert_eq!(
        cluster_arn,
        format!("arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/rboto-cluster")
    );

    let registered = ecs
        .register_task_definition()
        .family("web")
        .container_definitions(vec![ContainerDefinition::default()
            .name("nginx")
            .image("nginx:1.27")
            .cpu(128)
            .memory(256)
            .essential(true)
            .port_mappings(vec![PortMapping::default()
                .container_port(80)
                .host_port(8080)])
            .environment(vec![KeyValuePair::default().name("MODE").value("test")])])
        .send()
        .await
        .expect("register_task_definition")
        .task_definition
        .expect("task definition");
    assert_eq!(registered.revision, Some(1));

    let described = ecs
        .describe_task_definition()
        .task_definition("web:1")
        .send()
        .await
        .expect("describe_task_definition")
        .task_definition
        .expect("task definition");
    assert_eq!(described.family.as_deref(), Some("web"));
    assert_eq!(
        described.task_definition_arn,
        registered.task_definition_arn
    );
    let containers = described.container_definitions.unwrap_or_default();
    assert_eq!(containers.len(), 1);
    let c = &containers[0];
    assert_eq!(c.name.as_deref(), Some("nginx"));
    assert_eq!(c.image.as_deref(), Some("nginx:1.27"));
    assert_eq!(c.memory, Some(256));
    let ports = c.port_mappings.clone().unwrap_or_default();
    assert_eq!(ports[0].container_port, Some(80));
    assert_eq!(ports[0].host_port, Some(8080));
    let env = c.environment.clone().unwrap_or_default();
    assert_eq!(env[0].name.as_deref(), Some("MODE"));
    assert_eq!(env[0].value.as_deref(), Some("test"));

    let clusters = ecs
        .describe_clusters()
        .clusters(vec!["rboto-cluster".to_string()])
        .send()
        .await
        .expect("describe_clusters")
        .clusters
        .unwrap_or_default();
    assert_eq!(clusters.len(), 1);
    assert_eq!(
        clusters[0].cluster_arn.as_deref(),
        Some(cluster_arn.as_str())
    );
    assert_eq!(clusters[0].status.as_deref(), Some("ACTIVE"));
}

// ---------------------------------------------------------------------------------------------
// ECR
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn ecr_repository_and_image_manifest() {
    let s = session();
    let ecr = rboto_ecr::Client::new(&s.config());
    let repo = ecr
        .create_repository()
        .repository_name("team/app")
        .image_tag_mutability(rboto_ecr::types::ImageTagMutability::Immutable)
        .send()
        .await
        .expect("create_repository")
        .repository
        .expect("repository");
    let uri = repo.repository_uri.clone().expect("uri");
    assert!(
        uri.starts_with(&format!("{ACCOUNT}.dkr.ecr.us-east-1.")) && uri.ends_with("/team/app"),
        "{uri}"
    );

    let manifest = r#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7023,"digest":"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7"},"layers":[]}"#;
    let pushed = ecr
        .put_image()
        .repository_name("team/app")
        .image_manifest(manifest)
        .image_tag("v1")
        .send()
        .await
        .expect("put_image")
        .image
        .expect("image");
    let digest = pushed
        .image_id
        .as_ref()
        .and_then(|id| id.image_digest.clone())
        .expect("digest");
    assert!(digest.starts_with("sha256:"), "{digest}");

    let ids = ecr
        .list_images()
        .repository_name("team/app")
        .send()
        .await
        .expect("list_images")
        .image_ids
        .unwrap_or_default();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(ids[0].image_tag.as_deref(), Some("v1"));
    assert_eq!(ids[0].image_digest.as_deref(), Some(digest.as_str()));

    let repos = ecr
        .describe_repositories()
        .repository_names(vec!["team/app".to_string()])
        .send()
        .await
        .expect("describe_repositories")
        .repositories
        .unwrap_or_default();
    assert_eq!(repos.len(), 1);
    assert_eq!(repos[0].repository_uri.as_deref(), Some(uri.as_str()));
    assert_eq!(
        repos[0].image_tag_mutability.as_ref().map(|m| m.as_str()),
        Some("IMMUTABLE")
    );

    ecr.delete_repository()
        .repository_name("team/app")
        .force(true)
        .send()
        .await
        .expect("delete_repository");
    let err = ecr
        .describe_repositories()
        .repository_names(vec!["team/app".to_string()])
        .send()
        .await
        .expect_err("deleted");
    assert_eq!(err.code(), Some("RepositoryNotFoundException"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Kinesis
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn kinesis_put_and_get_records() {
    use rboto_kinesis::types::ShardIteratorType;
    let s = session();
    let kinesis = rboto_kinesis::Client::new(&s.config());
    kinesis
        .create_stream()
        .stream_name("clicks")
        .shard_count(1)
        .send()
        .await
        .expect("create_stream");
    let summary = kinesis
        .describe_stream_summary()
        .stream_name("clicks")
        .send()
        .await
        .expect("describe_stream_summary")
        .stream_description_summary
        .expect("summary");
    assert_eq!(summary.stream_name.as_deref(), Some("clicks"));
    assert_eq!(summary.open_shard_count, Some(1));
    assert_eq!(
        summary.stream_arn.as_deref(),
        Some(format!("arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/clicks").as_str())
    );

    // Bytes that are not UTF-8 travel base64-encoded in the JSON body.
    let payloads: [Vec<u8>; 2] = [b"{\"page\":\"/\"}".to_vec(), vec![0, 159, 255, 10, 200]];
    let mut shard = None;
    for (i, data) in payloads.iter().enumerate() {
        let put = kinesis
            .put_record()
            .stream_name("clicks")
            .partition_key(format!("user-{i}"))
            .data(data.clone())
            .send()
            .await
            .expect("put_record");
        assert!(put.sequence_number.is_some());
        shard = put.shard_id;
    }
    let shard = shard.expect("shard id");

    let iterator = kinesis
        .get_shard_iterator()
        .stream_name("clicks")
        .shard_id(&shard)
        .shard_iterator_type(ShardIteratorType::TrimHorizon)
        .send()
        .await
        .expect("get_shard_iterator")
        .shard_iterator
        .expect("iterator");
    let records = kinesis
        .get_records()
        .shard_iterator(iterator)
        .send()
        .await
        .expect("get_records")
        .records
        .unwrap_or_default();
    assert_eq!(records.len(), 2, "{records:?}");
    for (i, (record, data)) in records.iter().zip(&payloads).enumerate() {
        assert_eq!(record.data.as_ref().map(|d| d.as_bytes()), Some(&data[..]));
        assert_eq!(
            record.partition_key.as_deref(),
            Some(format!("user-{i}").as_str())
        );
    }
}

// ---------------------------------------------------------------------------------------------
// EventBridge
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn eventbridge_rule_with_a_target_on_a_custom_bus() {
    use rboto_events::types::{PutEventsRequestEntry, RuleState, Target};
    let s = session();
    let events = rboto_events::Client::new(&s.config());
    let bus_arn = events
        .create_event_bus()
        .name("orders")
        .send()
        .await
        .expect("create_event_bus")
        .event_bus_arn
        .expect("bus arn");
    assert_eq!(
        bus_arn,
        format!("arn:aws:events:us-east-1:{ACCOUNT}:event-bus/orders")
    );

    let pattern = r#"{"source":["shop.orders"],"detail-type":["OrderPlaced"]}"#;
    let rule_arn = events
        .put_rule()
        .name("placed")
        .event_bus_name("orders")
        .event_pattern(pattern)
        .state(RuleState::Enabled)
        .description("orders that were placed")
        .send()
        .await
        .expect("put_rule")
        .rule_arn
        .expect("rule arn");
    assert!(rule_arn.ends_with(":rule/orders/placed"), "{rule_arn}");

    // The target is a real queue: moto delivers matching events to it.
    let sqs = rboto_sqs::Client::new(&s.config());
    let queue_url = sqs
        .create_queue()
        .queue_name("order-events")
        .send()
        .await
        .expect("create_queue")
        .queue_url
        .expect("queue url");
    let queue_arn = format!("arn:aws:sqs:us-east-1:{ACCOUNT}:order-events");
    let put_targets = events
        .put_targets()
        .rule("placed")
        .event_bus_name("orders")
        .targets(vec![Target::default().id("queue").arn(&queue_arn)])
        .send()
        .await
        .expect("put_targets");
    assert_eq!(put_targets.failed_entry_count, Some(0));

    let rule = events
        .describe_rule()
        .name("placed")
        .event_bus_name("orders")
        .send()
        .await
        .expect("describe_rule");
    assert_eq!(rule.arn.as_deref(), Some(rule_arn.as_str()));
    assert_eq!(rule.state, Some(RuleState::Enabled));
    assert_eq!(rule.description.as_deref(), Some("orders that were placed"));
    assert_eq!(
        json(rule.event_pattern.as_deref().unwrap_or("")),
        json(pattern)
    );

    let targets = events
        .list_targets_by_rule()
        .rule("placed")
        .event_bus_name("orders")
        .send()
        .await
        .expect("list_targets_by_rule")
        .targets
        .unwrap_or_default();
    assert_eq!(targets.len(), 1, "{targets:?}");
    assert_eq!(targets[0].id.as_deref(), Some("queue"));
    assert_eq!(targets[0].arn.as_deref(), Some(queue_arn.as_str()));

    let sent = events
        .put_events()
        .entries(vec![
            PutEventsRequestEntry::default()
                .event_bus_name("orders")
                .source("shop.orders")
                .detail_type("OrderPlaced")
                .detail(r#"{"id":42,"total":"9.99"}"#),
            // Does not match the rule's pattern: not delivered.
            PutEventsRequestEntry::default()
                .event_bus_name("orders")
                .source("shop.orders")
                .detail_type("OrderCancelled")
                .detail(r#"{"id":43}"#),
        ])
        .send()
        .await
        .expect("put_events");
    assert_eq!(sent.failed_entry_count, Some(0));
    let entries = sent.entries.unwrap_or_default();
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e.event_id.is_some()), "{entries:?}");

    // The queue holds the matching event only, in EventBridge's envelope.
    let messages = sqs
        .receive_message()
        .queue_url(&queue_url)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("receive_message")
        .messages
        .unwrap_or_default();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let event = json(messages[0].body.as_deref().unwrap_or(""));
    assert_eq!(event["source"], "shop.orders");
    assert_eq!(event["detail-type"], "OrderPlaced");
    assert_eq!(event["detail"], json(r#"{"id":42,"total":"9.99"}"#));
    assert_eq!(
        event["id"].as_str(),
        entries[0].event_id.as_deref(),
        "{event}"
    );
}

// ---------------------------------------------------------------------------------------------
// Step Functions
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn stepfunctions_state_machine_and_execution() {
    let s = session();
    let sfn = rboto_stepfunctions::Client::new(&s.config());
    let definition =
        r#"{"StartAt":"Hello","States":{"Hello":{"Type":"Pass","Result":"world","End":true}}}"#;
    let role = format!("arn:aws:iam::{ACCOUNT}:role/sfn-role");
    let created = sfn
        .create_state_machine()
        .name("hello")
        .definition(definition)
        .role_arn(&role)
        .send()
        .await
        .expect("create_state_machine");
    let machine_arn = created.state_machine_arn.expect("arn");
    assert_eq!(
        machine_arn,
        format!("arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:hello")
    );

    let described = sfn
        .describe_state_machine()
        .state_machine_arn(&machine_arn)
        .send()
        .await
        .expect("describe_state_machine");
    assert_eq!(described.name.as_deref(), Some("hello"));
    assert_eq!(described.definition.as_deref(), Some(definition));
    assert_eq!(described.role_arn.as_deref(), Some(role.as_str()));
    assert_eq!(
        described.status.as_ref().map(|s| s.as_str()),
        Some("ACTIVE")
    );

    let input = r#"{"who":"rboto"}"#;
    let execution_arn = sfn
        .start_execution()
        .state_machine_arn(&machine_arn)
        .name("run-1")
        .input(input)
        .send()
        .await
        .expect("start_execution")
        .execution_arn
        .expect("execution arn");
    assert_eq!(
        execution_arn,
        format!("arn:aws:states:us-east-1:{ACCOUNT}:execution:hello:run-1")
    );
    let execution = sfn
        .describe_execution()
        .execution_arn(&execution_arn)
        .send()
        .await
        .expect("describe_execution");
    assert_eq!(execution.name.as_deref(), Some("run-1"));
    assert_eq!(
        execution.state_machine_arn.as_deref(),
        Some(machine_arn.as_str())
    );
    assert_eq!(execution.input.as_deref(), Some(input));
    assert!(execution.start_date.is_some());

    let executions = sfn
        .list_executions()
        .state_machine_arn(&machine_arn)
        .send()
        .await
        .expect("list_executions")
        .executions
        .unwrap_or_default();
    assert_eq!(executions.len(), 1);
    assert_eq!(
        executions[0].execution_arn.as_deref(),
        Some(execution_arn.as_str())
    );
}

// ---------------------------------------------------------------------------------------------
// Athena
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn athena_work_group_and_query_execution() {
    use rboto_athena::types::{QueryExecutionContext, ResultConfiguration, WorkGroupConfiguration};
    let s = session();
    let athena = rboto_athena::Client::new(&s.config());
    athena
        .create_work_group()
        .name("analysts")
        .description("rboto analysts")
        .configuration(WorkGroupConfiguration::default().result_configuration(
            ResultConfiguration::default().output_location("s3://athena-results/analysts/"),
        ))
        .send()
        .await
        .expect("create_work_group");
    let group = athena
        .get_work_group()
        .work_group("analysts")
        .send()
        .await
        .expect("get_work_group")
        .work_group
        .expect("work group");
    assert_eq!(group.name.as_deref(), Some("analysts"));
    assert_eq!(group.description.as_deref(), Some("rboto analysts"));
    assert_eq!(
        group
            .configuration
            .and_then(|c| c.result_configuration)
            .and_then(|r| r.output_location)
            .as_deref(),
        Some("s3://athena-results/analysts/")
    );

    let query = "SELECT id, total FROM orders WHERE total > 10";
    let id = athena
        .start_query_execution()
        .query_string(query)
        .work_group("analysts")
        .query_execution_context(QueryExecutionContext::default().database("sales"))
        .send()
        .await
        .expect("start_query_execution")
        .query_execution_id
        .expect("query id");
    let execution = athena
        .get_query_execution()
        .query_execution_id(&id)
        .send()
        .await
        .expect("get_query_execution")
        .query_execution
        .expect("query execution");
    assert_eq!(execution.query_execution_id.as_deref(), Some(id.as_str()));
    assert_eq!(execution.query.as_deref(), Some(query));
    assert_eq!(execution.work_group.as_deref(), Some("analysts"));
    assert_eq!(
        execution
            .query_execution_context
            .and_then(|c| c.database)
            .as_deref(),
        Some("sales")
    );
    let state = execution.status.and_then(|s| s.state);
    assert_eq!(state.as_ref().map(|s| s.as_str()), Some("SUCCEEDED"));
}

// ---------------------------------------------------------------------------------------------
// Glue
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn glue_database_and_table() {
    use rboto_glue::types::{Column, DatabaseInput, StorageDescriptor, TableInput};
    let s = session();
    let glue = rboto_glue::Client::new(&s.config());
    glue.create_database()
        .database_input(
            DatabaseInput::default()
                .name("sales")
                .description("sales data"),
        )
        .send()
        .await
        .expect("create_database");
    glue.create_table()
        .database_name("sales")
        .table_input(
            TableInput::default()
                .name("orders")
                .table_type("EXTERNAL_TABLE")
                .parameters([("classification".to_string(), "parquet".to_string())])
                .storage_descriptor(
                    StorageDescriptor::default()
                        .location("s3://lake/sales/orders/")
                        .columns(vec![
                            Column::default().name("id").type_("bigint"),
                            Column::default()
                                .name("total")
                                .type_("decimal(10,2)")
                                .comment("in euros"),
                        ]),
                )
                .partition_keys(vec![Column::default().name("day").type_("date")]),
        )
        .send()
        .await
        .expect("create_table");

    let table = glue
        .get_table()
        .database_name("sales")
        .name("orders")
        .send()
        .await
        .expect("get_table")
        .table
        .expect("table");
    assert_eq!(table.name.as_deref(), Some("orders"));
    assert_eq!(table.database_name.as_deref(), Some("sales"));
    assert_eq!(table.table_type.as_deref(), Some("EXTERNAL_TABLE"));
    assert_eq!(
        table
            .parameters
            .as_ref()
            .and_then(|p| p.get("classification"))
            .map(String::as_str),
        Some("parquet")
    );
    let sd = table.storage_descriptor.expect("storage descriptor");
    assert_eq!(sd.location.as_deref(), Some("s3://lake/sales/orders/"));
    let columns: Vec<(Option<String>, Option<String>, Option<String>)> = sd
        .columns
        .unwrap_or_default()
        .into_iter()
        .map(|c| (c.name, c.type_, c.comment))
        .collect();
    assert_eq!(
        columns,
        [
            (Some("id".into()), Some("bigint".into()), None),
            (
                Some("total".into()),
                Some("decimal(10,2)".into()),
                Some("in euros".into())
            ),
        ]
    );
    let partitions = table.partition_keys.unwrap_or_default();
    assert_eq!(partitions.len(), 1);
    assert_eq!(partitions[0].name.as_deref(), Some("day"));

    let databases = glue
        .get_databases()
        .send()
        .await
        .expect("get_databases")
        .database_list
        .unwrap_or_default();
    let sales = databases
        .iter()
        .find(|d| d.name.as_deref() == Some("sales"))
        .unwrap_or_else(|| panic!("no sales database: {databases:?}"));
    assert_eq!(sales.description.as_deref(), Some("sales data"));

    glue.delete_table()
        .database_name("sales")
        .name("orders")
        .send()
        .await
        .expect("delete_table");
    let err = glue
        .get_table()
        .database_name("sales")
        .name("orders")
        .send()
        .await
        .expect_err("deleted");
    assert_eq!(err.code(), Some("EntityNotFoundException"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Firehose (delivering into moto's S3)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn firehose_delivers_a_record_to_s3() {
    use rboto_firehose::types::{DeliveryStreamType, ExtendedS3DestinationConfiguration, Record};
    let s = session();
    let config = s.config();
    let s3 = rboto_s3::Client::new(&config);
    s3.create_bucket()
        .bucket("firehose-sink")
        .send()
        .await
        .expect("create_bucket");

    let firehose = rboto_firehose::Client::new(&config);
    let arn = firehose
        .create_delivery_stream()
        .delivery_stream_name("clickstream")
        .delivery_stream_type(DeliveryStreamType::DirectPut)
        .extended_s3_destination_configuration(
            ExtendedS3DestinationConfiguration::default()
                .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/firehose"))
                .bucket_arn("arn:aws:s3:::firehose-sink")
                .prefix("clicks/"),
        )
        .send()
        .await
        .expect("create_delivery_stream")
        .delivery_stream_arn
        .expect("arn");
    assert_eq!(
        arn,
        format!("arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/clickstream")
    );

    let description = firehose
        .describe_delivery_stream()
        .delivery_stream_name("clickstream")
        .send()
        .await
        .expect("describe_delivery_stream")
        .delivery_stream_description
        .expect("description");
    assert_eq!(
        description.delivery_stream_arn.as_deref(),
        Some(arn.as_str())
    );
    assert_eq!(
        description
            .delivery_stream_status
            .as_ref()
            .map(|s| s.as_str()),
        Some("ACTIVE")
    );
    let destinations = description.destinations.unwrap_or_default();
    assert_eq!(destinations.len(), 1);
    let s3_destination = destinations[0]
        .extended_s3_destination_description
        .as_ref()
        .expect("extended s3 destination");
    assert_eq!(
        s3_destination.bucket_arn.as_deref(),
        Some("arn:aws:s3:::firehose-sink")
    );
    assert_eq!(s3_destination.prefix.as_deref(), Some("clicks/"));

    let record = b"{\"click\":1}\n".to_vec();
    let put = firehose
        .put_record()
        .delivery_stream_name("clickstream")
        .record(Record::default().data(record.clone()))
        .send()
        .await
        .expect("put_record");
    assert!(put.record_id.is_some());

    // moto delivers at once: one object under the prefix holding the record.
    let objects = s3
        .list_objects_v2()
        .bucket("firehose-sink")
        .prefix("clicks/")
        .send()
        .await
        .expect("list_objects_v2")
        .contents
        .unwrap_or_default();
    assert_eq!(objects.len(), 1, "{objects:?}");
    let key = objects[0].key.clone().expect("key");
    let body = s3
        .get_object()
        .bucket("firehose-sink")
        .key(&key)
        .send()
        .await
        .expect("get_object")
        .body
        .expect("streaming body")
        .collect()
        .await
        .expect("object body");
    assert_eq!(&body[..], &record[..]);
}

// ---------------------------------------------------------------------------------------------
// ACM
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn acm_request_and_describe_certificate() {
    use rboto_acm::types::{Tag, ValidationMethod};
    let s = session();
    let acm = rboto_acm::Client::new(&s.config());
    let arn = acm
        .request_certificate()
        .domain_name("rboto.example.com")
        .subject_alternative_names(vec![
            "rboto.example.com".to_string(),
            "www.rboto.example.com".to_string(),
        ])
        .validation_method(ValidationMethod::Dns)
        .send()
        .await
        .expect("request_certificate")
        .certificate_arn
        .expect("arn");
    assert!(
        arn.starts_with(&format!("arn:aws:acm:us-east-1:{ACCOUNT}:certificate/")),
        "{arn}"
    );

    acm.add_tags_to_certificate()
        .certificate_arn(&arn)
        .tags(vec![Tag::default().key("env").value("test")])
        .send()
        .await
        .expect("add_tags_to_certificate");

    let cert = acm
        .describe_certificate()
        .certificate_arn(&arn)
        .send()
        .await
        .expect("describe_certificate")
        .certificate
        .expect("certificate");
    assert_eq!(cert.certificate_arn.as_deref(), Some(arn.as_str()));
    assert_eq!(cert.domain_name.as_deref(), Some("rboto.example.com"));
    // moto keeps the names in a set: their order varies.
    let mut names = cert.subject_alternative_names.unwrap_or_default();
    names.sort();
    assert_eq!(names, ["rboto.example.com", "www.rboto.example.com"]);
    assert_eq!(
        cert.type_.as_ref().map(|t| t.as_str()),
        Some("AMAZON_ISSUED")
    );

    let tags = acm
        .list_tags_for_certificate()
        .certificate_arn(&arn)
        .send()
        .await
        .expect("list_tags_for_certificate")
        .tags
        .unwrap_or_default();
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].key.as_deref(), Some("env"));
    assert_eq!(tags[0].value.as_deref(), Some("test"));

    let listed = acm
        .list_certificates()
        .send()
        .await
        .expect("list_certificates")
        .certificate_summary_list
        .unwrap_or_default();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].certificate_arn.as_deref(), Some(arn.as_str()));
    assert_eq!(listed[0].domain_name.as_deref(), Some("rboto.example.com"));
}

// ---------------------------------------------------------------------------------------------
// Cognito user pools
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn cognito_user_pool_client_and_user() {
    use rboto_cognito_idp::types::AttributeType;
    let s = session();
    let idp = rboto_cognito_idp::Client::new(&s.config());
    let pool = idp
        .create_user_pool()
        .pool_name("customers")
        .send()
        .await
        .expect("create_user_pool")
        .user_pool
        .expect("user pool");
    let pool_id = pool.id.clone().expect("pool id");
    assert!(pool_id.starts_with("us-east-1_"), "{pool_id}");
    assert_eq!(pool.name.as_deref(), Some("customers"));

    let app = idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("web")
        .send()
        .await
        .expect("create_user_pool_client")
        .user_pool_client
        .expect("client");
    assert_eq!(app.client_name.as_deref(), Some("web"));
    assert_eq!(app.user_pool_id.as_deref(), Some(pool_id.as_str()));
    assert!(app.client_id.is_some());

    idp.admin_create_user()
        .user_pool_id(&pool_id)
        .username("ada")
        .user_attributes(vec![AttributeType::default()
            .name("email")
            .value("ada@example.com")])
        .temporary_password("Temp-Passw0rd!")
        .send()
        .await
        .expect("admin_create_user");

    let user = idp
        .admin_get_user()
        .user_pool_id(&pool_id)
        .username("ada")
        .send()
        .await
        .expect("admin_get_user");
    assert_eq!(user.username.as_deref(), Some("ada"));
    assert_eq!(user.enabled, Some(true));
    assert_eq!(
        user.user_status.as_ref().map(|s| s.as_str()),
        Some("FORCE_CHANGE_PASSWORD")
    );
    let email = user
        .user_attributes
        .unwrap_or_default()
        .into_iter()
        .find(|a| a.name.as_deref() == Some("email"))
        .and_then(|a| a.value);
    assert_eq!(email.as_deref(), Some("ada@example.com"));

    let described = idp
        .describe_user_pool()
        .user_pool_id(&pool_id)
        .send()
        .await
        .expect("describe_user_pool")
        .user_pool
        .expect("user pool");
    assert_eq!(described.name.as_deref(), Some("customers"));
    assert_eq!(described.estimated_number_of_users, Some(1));

    let err = idp
        .admin_get_user()
        .user_pool_id(&pool_id)
        .username("nobody")
        .send()
        .await
        .expect_err("no such user");
    assert_eq!(err.code(), Some("UserNotFoundException"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Organizations
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn organizations_create_account_and_list_it() {
    use rboto_organizations::types::OrganizationFeatureSet;
    let s = session();
    let orgs = rboto_organizations::Client::new(&s.config());
    let org = orgs
        .create_organization()
        .feature_set(OrganizationFeatureSet::All)
        .send()
        .await
        .expect("create_organization")
        .organization
        .expect("organization");
    let org_id = org.id.clone().expect("org id");
    assert!(org_id.starts_with("o-"), "{org_id}");
    assert_eq!(org.master_account_id.as_deref(), Some(ACCOUNT));

    let status = orgs
        .create_account()
        .email("dev@example.com")
        .account_name("dev")
        .send()
        .await
        .expect("create_account")
        .create_account_status
        .expect("status");
    assert_eq!(status.account_name.as_deref(), Some("dev"));
    assert_eq!(status.state.as_ref().map(|s| s.as_str()), Some("SUCCEEDED"));
    let new_id = status.account_id.expect("account id");
    assert_eq!(new_id.len(), 12, "{new_id}");

    let accounts = orgs
        .list_accounts()
        .send()
        .await
        .expect("list_accounts")
        .accounts
        .unwrap_or_default();
    let dev = accounts
        .iter()
        .find(|a| a.id.as_deref() == Some(new_id.as_str()))
        .unwrap_or_else(|| panic!("{new_id} not listed: {accounts:?}"));
    assert_eq!(dev.name.as_deref(), Some("dev"));
    assert_eq!(dev.email.as_deref(), Some("dev@example.com"));
    assert!(
        dev.arn
            .as_deref()
            .unwrap_or_default()
            .ends_with(&format!("/{org_id}/{new_id}")),
        "{dev:?}"
    );

    let described = orgs
        .describe_organization()
        .send()
        .await
        .expect("describe_organization")
        .organization
        .expect("organization");
    assert_eq!(described.id.as_deref(), Some(org_id.as_str()));
    assert_eq!(described.feature_set, Some(OrganizationFeatureSet::All));
}

// ---------------------------------------------------------------------------------------------
// Timestream Write
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn timestream_write_records_into_a_table() {
    use rboto_timestream_write::types::{Dimension, MeasureValueType, Record, RetentionProperties};
    let s = session();
    let ts = rboto_timestream_write::Client::new(&s.config());
    let db = ts
        .create_database()
        .database_name("metrics")
        .send()
        .await
        .expect("create_database")
        .database
        .expect("database");
    assert_eq!(db.database_name.as_deref(), Some("metrics"));
    assert_eq!(
        db.arn.as_deref(),
        Some(format!("arn:aws:timestream:us-east-1:{ACCOUNT}:database/metrics").as_str())
    );

    ts.create_table()
        .database_name("metrics")
        .table_name("cpu")
        .retention_properties(
            RetentionProperties::default()
                .memory_store_retention_period_in_hours(24)
                .magnetic_store_retention_period_in_days(7),
        )
        .send()
        .await
        .expect("create_table");

    let now = now_millis().to_string();
    let written = ts
        .write_records()
        .database_name("metrics")
        .table_name("cpu")
        .records(vec![
            Record::default()
                .dimensions(vec![Dimension::default().name("host").value("web-1")])
                .measure_name("utilisation")
                .measure_value("13.5")
                .measure_value_type(MeasureValueType::Double)
                .time(&now),
            Record::default()
                .dimensions(vec![Dimension::default().name("host").value("web-2")])
                .measure_name("utilisation")
                .measure_value("71.25")
                .measure_value_type(MeasureValueType::Double)
                .time(&now),
        ])
        .send()
        .await
        .expect("write_records");
    let ingested = written.records_ingested.expect("records ingested");
    assert_eq!(ingested.total, Some(2));

    let table = ts
        .describe_table()
        .database_name("metrics")
        .table_name("cpu")
        .send()
        .await
        .expect("describe_table")
        .table
        .expect("table");
    assert_eq!(table.table_name.as_deref(), Some("cpu"));
    assert_eq!(table.database_name.as_deref(), Some("metrics"));
    let retention = table.retention_properties.expect("retention");
    assert_eq!(retention.memory_store_retention_period_in_hours, Some(24));
    assert_eq!(retention.magnetic_store_retention_period_in_days, Some(7));
}

// ---------------------------------------------------------------------------------------------
// Transcribe (json; the model lists smithy-rpc-v2-cbor first)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn transcribe_start_and_get_a_job() {
    use rboto_transcribe::types::{LanguageCode, Media, MediaFormat};
    let s = session();
    let transcribe = rboto_transcribe::Client::new(&s.config());
    let started = transcribe
        .start_transcription_job()
        .transcription_job_name("interview-1")
        .language_code(LanguageCode::EnUs)
        .media_format(MediaFormat::Mp3)
        .media(Media::default().media_file_uri("s3://recordings/interview-1.mp3"))
        .send()
        .await
        .expect("start_transcription_job")
        .transcription_job
        .expect("job");
    assert_eq!(
        started.transcription_job_name.as_deref(),
        Some("interview-1")
    );

    let job = transcribe
        .get_transcription_job()
        .transcription_job_name("interview-1")
        .send()
        .await
        .expect("get_transcription_job")
        .transcription_job
        .expect("job");
    assert_eq!(job.transcription_job_name.as_deref(), Some("interview-1"));
    assert_eq!(job.language_code, Some(LanguageCode::EnUs));
    assert_eq!(job.media_format, Some(MediaFormat::Mp3));
    assert_eq!(
        job.media.and_then(|m| m.media_file_uri).as_deref(),
        Some("s3://recordings/interview-1.mp3")
    );

    let jobs = transcribe
        .list_transcription_jobs()
        .send()
        .await
        .expect("list_transcription_jobs")
        .transcription_job_summaries
        .unwrap_or_default();
    assert_eq!(jobs.len(), 1);
    assert_eq!(
        jobs[0].transcription_job_name.as_deref(),
        Some("interview-1")
    );

    let err = transcribe
        .get_transcription_job()
        .transcription_job_name("missing")
        .send()
        .await
        .expect_err("no such job");
    assert_eq!(err.code(), Some("BadRequestException"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Cloud Map (json; the model lists smithy-rpc-v2-cbor first)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn servicediscovery_namespace_service_and_instance() {
    let s = session();
    let sd = rboto_servicediscovery::Client::new(&s.config());
    let operation_id = sd
        .create_http_namespace()
        .name("internal")
        .description("rboto services")
        .send()
        .await
        .expect("create_http_namespace")
        .operation_id
        .expect("operation id");
    let operation = sd
        .get_operation()
        .operation_id(&operation_id)
        .send()
        .await
        .expect("get_operation")
        .operation
        .expect("operation");
    assert_eq!(
        operation.status.as_ref().map(|s| s.as_str()),
        Some("SUCCESS")
    );
    let namespace_id = operation
        .targets
        .unwrap_or_default()
        .get("NAMESPACE")
        .cloned()
        .expect("namespace target");

    let namespace = sd
        .get_namespace()
        .id(&namespace_id)
        .send()
        .await
        .expect("get_namespace")
        .namespace
        .expect("namespace");
    assert_eq!(namespace.name.as_deref(), Some("internal"));
    assert_eq!(namespace.description.as_deref(), Some("rboto services"));
    assert_eq!(namespace.type_.as_ref().map(|t| t.as_str()), Some("HTTP"));

    let service_id = sd
        .create_service()
        .name("billing")
        .namespace_id(&namespace_id)
        .send()
        .await
        .expect("create_service")
        .service
        .and_then(|s| s.id)
        .expect("service id");
    sd.register_instance()
        .service_id(&service_id)
        .instance_id("billing-1")
        .attributes([
            ("AWS_INSTANCE_IPV4".to_string(), "10.0.0.7".to_string()),
            ("version".to_string(), "2".to_string()),
        ])
        .send()
        .await
        .expect("register_instance");

    let instances = sd
        .list_instances()
        .service_id(&service_id)
        .send()
        .await
        .expect("list_instances")
        .instances
        .unwrap_or_default();
    assert_eq!(instances.len(), 1, "{instances:?}");
    assert_eq!(instances[0].id.as_deref(), Some("billing-1"));
    let attributes = instances[0].attributes.clone().unwrap_or_default();
    assert_eq!(
        attributes.get("AWS_INSTANCE_IPV4").map(String::as_str),
        Some("10.0.0.7")
    );
    assert_eq!(attributes.get("version").map(String::as_str), Some("2"));
}
