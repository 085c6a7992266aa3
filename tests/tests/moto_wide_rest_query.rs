//! Services speaking `rest-json`, `rest-xml` and `query`, end to end against moto's server: one
//! real round trip per service — create something, read it back through another operation,
//! check the data.
//!
//! SigV4 verification is on, except where moto cannot check it: REST requests without a body to
//! services other than S3 always fail its verification (`shared/MOTO.md`). Each REST test sends
//! its requests with a body first, verified, and then switches verification off for the
//! bodiless GETs that read the data back (each is marked).

use rboto_tests::moto::take_turn as session;

const ACCOUNT: &str = "123456789012";

// =============================================================================================
// rest-json
// =============================================================================================

// ---------------------------------------------------------------------------------------------
// SES v2
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn sesv2_email_identity_contact_list_and_send() {
    use rboto_sesv2::types::{Body, Content, Destination, EmailContent, Message, Topic};
    let s = session();
    let ses = rboto_sesv2::Client::new(&s.config());
    let identity = ses
        .create_email_identity()
        .email_identity("sender@example.com")
        .send()
        .await
        .expect("create_email_identity");
    assert_eq!(
        identity.identity_type.as_ref().map(|t| t.as_str()),
        Some("EMAIL_ADDRESS")
    );

    ses.create_contact_list()
        .contact_list_name("newsletter")
        .description("monthly news")
        .topics(vec![Topic::default()
            .topic_name("releases")
            .display_name("Releases")
            .default_subscription_status(
                rboto_sesv2::types::SubscriptionStatus::OptIn,
            )])
        .send()
        .await
        .expect("create_contact_list");
    ses.create_contact()
        .contact_list_name("newsletter")
        .email_address("reader@example.com")
        .attributes_data(r#"{"name":"Reader"}"#)
        .send()
        .await
        .expect("create_contact");

    let sent = ses
        .send_email()
        .from_email_address("sender@example.com")
        .destination(Destination::default().to_addresses(vec!["reader@example.com".to_string()]))
        .content(
            EmailContent::default().simple(
                Message::default()
                    .subject(Content::default().data("Release 1.0"))
                    .body(Body::default().text(Content::default().data("It shipped."))),
            ),
        )
        .send()
        .await
        .expect("send_email");
    assert!(!sent.message_id.unwrap_or_default().is_empty());

    // Bodiless GETs from here on: moto cannot verify them.
    s.verification_off();
    let list = ses
        .get_contact_list()
        .contact_list_name("newsletter")
        .send()
        .await
        .expect("get_contact_list");
    assert_eq!(list.contact_list_name.as_deref(), Some("newsletter"));
    assert_eq!(list.description.as_deref(), Some("monthly news"));
    let topics = list.topics.unwrap_or_default();
    assert_eq!(topics.len(), 1);
    assert_eq!(topics[0].topic_name.as_deref(), Some("releases"));
    assert_eq!(topics[0].display_name.as_deref(), Some("Releases"));

    let contact = ses
        .get_contact()
        .contact_list_name("newsletter")
        .email_address("reader@example.com")
        .send()
        .await
        .expect("get_contact");
    assert_eq!(contact.email_address.as_deref(), Some("reader@example.com"));
    assert_eq!(
        contact.attributes_data.as_deref(),
        Some(r#"{"name":"Reader"}"#)
    );

    let identities = ses
        .list_email_identities()
        .send()
        .await
        .expect("list_email_identities")
        .email_identities
        .unwrap_or_default();
    let names: Vec<&str> = identities
        .iter()
        .filter_map(|i| i.identity_name.as_deref())
        .collect();
    assert_eq!(names, ["sender@example.com"]);
}

// ---------------------------------------------------------------------------------------------
// API Gateway (REST APIs)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn apigateway_rest_api_resource_and_method() {
    let s = session();
    let apigw = rboto_apigateway::Client::new(&s.config());
    let api = apigw
        .create_rest_api()
        .name("orders-api")
        .description("rboto test API")
        .send()
        .await
        .expect("create_rest_api");
    let api_id = api.id.clone().expect("api id");
    assert_eq!(api.name.as_deref(), Some("orders-api"));
    let root_id = api.root_resource_id.clone().expect("root resource id");

    let resource = apigw
        .create_resource()
        .rest_api_id(&api_id)
        .parent_id(&root_id)
        .path_part("orders")
        .send()
        .await
        .expect("create_resource");
    let resource_id = resource.id.clone().expect("resource id");
    assert_eq!(resource.path.as_deref(), Some("/orders"));
    assert_eq!(resource.parent_id.as_deref(), Some(root_id.as_str()));

    let method = apigw
        .put_method()
        .rest_api_id(&api_id)
        .resource_id(&resource_id)
        .http_method("GET")
        .authorization_type("NONE")
        .api_key_required(true)
        .send()
        .await
        .expect("put_method");
    assert_eq!(method.http_method.as_deref(), Some("GET"));

    // Bodiless GETs from here on: moto cannot verify them.
    s.verification_off();
    let got = apigw
        .get_rest_api()
        .rest_api_id(&api_id)
        .send()
        .await
        .expect("get_rest_api");
    assert_eq!(got.name.as_deref(), Some("orders-api"));
    assert_eq!(got.description.as_deref(), Some("rboto test API"));

    let mut paths: Vec<(String, String)> = apigw
        .get_resources()
        .rest_api_id(&api_id)
        .send()
        .await
        .expect("get_resources")
        .items
        .unwrap_or_default()
        .into_iter()
        .map(|r| (r.path.unwrap_or_default(), r.id.unwrap_or_default()))
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            ("/".to_string(), root_id),
            ("/orders".to_string(), resource_id.clone())
        ]
    );

    let read = apigw
        .get_method()
        .rest_api_id(&api_id)
        .resource_id(&resource_id)
        .http_method("GET")
        .send()
        .await
        .expect("get_method");
    assert_eq!(read.http_method.as_deref(), Some("GET"));
    assert_eq!(read.authorization_type.as_deref(), Some("NONE"));
    assert_eq!(read.api_key_required, Some(true));
}

// ---------------------------------------------------------------------------------------------
// API Gateway v2 (HTTP APIs)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn apigatewayv2_http_api_and_route() {
    let s = session();
    let apigw = rboto_apigatewayv2::Client::new(&s.config());
    let api = apigw
        .create_api()
        .name("pets")
        .protocol_type(rboto_apigatewayv2::types::ProtocolType::Http)
        .description("pet store")
        .send()
        .await
        .expect("create_api");
    let api_id = api.api_id.clone().expect("api id");
    assert_eq!(api.name.as_deref(), Some("pets"));
    assert_eq!(api.protocol_type.as_ref().map(|p| p.as_str()), Some("HTTP"));
    let endpoint = api.api_endpoint.clone().expect("api endpoint");
    assert!(endpoint.contains(&api_id), "{endpoint}");

    let route = apigw
        .create_route()
        .api_id(&api_id)
        .route_key("GET /pets/{id}")
        .send()
        .await
        .expect("create_route");
    let route_id = route.route_id.clone().expect("route id");
    assert_eq!(route.route_key.as_deref(), Some("GET /pets/{id}"));

    // Bodiless GETs from here on: moto cannot verify them.
    s.verification_off();
    let got = apigw
        .get_api()
        .api_id(&api_id)
        .send()
        .await
        .expect("get_api");
    assert_eq!(got.name.as_deref(), Some("pets"));
    assert_eq!(got.description.as_deref(), Some("pet store"));
    assert_eq!(got.api_endpoint.as_deref(), Some(endpoint.as_str()));

    let routes = apigw
        .get_routes()
        .api_id(&api_id)
        .send()
        .await
        .expect("get_routes")
        .items
        .unwrap_or_default();
    assert_eq!(routes.len(), 1, "{routes:?}");
    assert_eq!(routes[0].route_id.as_deref(), Some(route_id.as_str()));
    assert_eq!(routes[0].route_key.as_deref(), Some("GET /pets/{id}"));
}

// ---------------------------------------------------------------------------------------------
// EKS
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn eks_create_and_describe_cluster() {
    use rboto_eks::types::VpcConfigRequest;
    let s = session();
    let eks = rboto_eks::Client::new(&s.config());
    let role = format!("arn:aws:iam::{ACCOUNT}:role/eks-cluster");
    let created = eks
        .create_cluster()
        .name("prod")
        .version("1.31")
        .role_arn(&role)
        .resources_vpc_config(
            VpcConfigRequest::default()
                .subnet_ids(vec!["subnet-1111".to_string(), "subnet-2222".to_string()]),
        )
        .tags([("team".to_string(), "platform".to_string())])
        .send()
        .await
        .expect("create_cluster")
        .cluster
        .expect("cluster");
    let arn = created.arn.clone().expect("arn");
    assert_eq!(arn, format!("arn:aws:eks:us-east-1:{ACCOUNT}:cluster/prod"));

    // Bodiless GETs from here on: moto cannot verify them.
    s.verification_off();
    let cluster = eks
        .describe_cluster()
        .name("prod")
        .send()
        .await
        .expect("describe_cluster")
        .cluster
        .expect("cluster");
    assert_eq!(cluster.name.as_deref(), Some("prod"));
    assert_eq!(cluster.arn.as_deref(), Some(arn.as_str()));
    assert_eq!(cluster.version.as_deref(), Some("1.31"));
    assert_eq!(cluster.role_arn.as_deref(), Some(role.as_str()));
    assert_eq!(
        cluster
            .resources_vpc_config
            .and_then(|v| v.subnet_ids)
            .unwrap_or_default(),
        ["subnet-1111", "subnet-2222"]
    );
    assert_eq!(
        cluster
            .tags
            .unwrap_or_default()
            .get("team")
            .map(String::as_str),
        Some("platform")
    );

    let names = eks
        .list_clusters()
        .send()
        .await
        .expect("list_clusters")
        .clusters
        .unwrap_or_default();
    assert_eq!(names, ["prod"]);
}

// ---------------------------------------------------------------------------------------------
// EFS
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn efs_file_system_and_lifecycle_configuration() {
    use rboto_efs::types::{LifecyclePolicy, PerformanceMode, Tag, TransitionToIaRules};
    let s = session();
    let efs = rboto_efs::Client::new(&s.config());
    let created = efs
        .create_file_system()
        .creation_token("rboto-fs")
        .performance_mode(PerformanceMode::GeneralPurpose)
        .encrypted(true)
        .tags(vec![Tag::default().key("Name").value("shared-data")])
        .send()
        .await
        .expect("create_file_system");
    let fs_id = created.file_system_id.clone().expect("file system id");
    assert!(fs_id.starts_with("fs-"), "{fs_id}");
    assert_eq!(created.creation_token.as_deref(), Some("rboto-fs"));
    assert_eq!(created.name.as_deref(), Some("shared-data"));

    let put = efs
        .put_lifecycle_configuration()
        .file_system_id(&fs_id)
        .lifecycle_policies(vec![
            LifecyclePolicy::default().transition_to_ia(TransitionToIaRules::After30Days)
        ])
        .send()
        .await
        .expect("put_lifecycle_configuration");
    assert_eq!(put.lifecycle_policies.unwrap_or_default().len(), 1);

    // Bodiless GETs from here on: moto cannot verify them.
    s.verification_off();
    let systems = efs
        .describe_file_systems()
        .file_system_id(&fs_id)
        .send()
        .await
        .expect("describe_file_systems")
        .file_systems
        .unwrap_or_default();
    assert_eq!(systems.len(), 1, "{systems:?}");
    let fs = &systems[0];
    assert_eq!(fs.file_system_id.as_deref(), Some(fs_id.as_str()));
    assert_eq!(fs.creation_token.as_deref(), Some("rboto-fs"));
    assert_eq!(fs.encrypted, Some(true));
    assert_eq!(fs.performance_mode, Some(PerformanceMode::GeneralPurpose));
    assert_eq!(fs.owner_id.as_deref(), Some(ACCOUNT));

    let policies = efs
        .describe_lifecycle_configuration()
        .file_system_id(&fs_id)
        .send()
        .await
        .expect("describe_lifecycle_configuration")
        .lifecycle_policies
        .unwrap_or_default();
    assert_eq!(policies.len(), 1);
    assert_eq!(
        policies[0].transition_to_ia,
        Some(TransitionToIaRules::After30Days)
    );
}

// ---------------------------------------------------------------------------------------------
// Batch
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn batch_register_and_describe_job_definition() {
    use rboto_batch::types::{ContainerProperties, JobDefinitionType};
    let s = session();
    let batch = rboto_batch::Client::new(&s.config());
    let registered = batch
        .register_job_definition()
        .job_definition_name("nightly-report")
        .type_(JobDefinitionType::Container)
        .container_properties(
            ContainerProperties::default()
                .image("busybox:1.36")
                .vcpus(1)
                .memory(128)
                .command(vec!["echo".to_string(), "hello batch".to_string()]),
        )
        .parameters([("day".to_string(), "today".to_string())])
        .send()
        .await
        .expect("register_job_definition");
    assert_eq!(
        registered.job_definition_name.as_deref(),
        Some("nightly-report")
    );
    assert_eq!(registered.revision, Some(1));
    let arn = registered.job_definition_arn.expect("arn");
    assert_eq!(
        arn,
        format!("arn:aws:batch:us-east-1:{ACCOUNT}:job-definition/nightly-report:1")
    );

    // Batch's reads are POSTs with a body: verified.
    let definitions = batch
        .describe_job_definitions()
        .job_definition_name("nightly-report")
        .send()
        .await
        .expect("describe_job_definitions")
        .job_definitions
        .unwrap_or_default();
    assert_eq!(definitions.len(), 1, "{definitions:?}");
    let def = &definitions[0];
    assert_eq!(def.job_definition_arn.as_deref(), Some(arn.as_str()));
    assert_eq!(def.type_.as_deref(), Some("container"));
    assert_eq!(def.status.as_deref(), Some("ACTIVE"));
    assert_eq!(
        def.parameters
            .as_ref()
            .and_then(|p| p.get("day"))
            .map(String::as_str),
        Some("today")
    );
    let container = def.container_properties.clone().expect("container");
    assert_eq!(container.image.as_deref(), Some("busybox:1.36"));
    assert_eq!(
        container.command.unwrap_or_default(),
        ["echo", "hello batch"]
    );
}

// ---------------------------------------------------------------------------------------------
// EventBridge Scheduler
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn scheduler_schedule_in_a_group() {
    use rboto_scheduler::types::{FlexibleTimeWindow, FlexibleTimeWindowMode, Target};
    let s = session();
    let scheduler = rboto_scheduler::Client::new(&s.config());
    let group_arn = scheduler
        .create_schedule_group()
        .name("reports")
        .send()
        .await
        .expect("create_schedule_group")
        .schedule_group_arn
        .expect("group arn");
    assert_eq!(
        group_arn,
        format!("arn:aws:scheduler:us-east-1:{ACCOUNT}:schedule-group/reports")
    );

    let queue = format!("arn:aws:sqs:us-east-1:{ACCOUNT}:report-jobs");
    let role = format!("arn:aws:iam::{ACCOUNT}:role/scheduler");
    let schedule_arn = scheduler
        .create_schedule()
        .name("hourly")
        .group_name("reports")
        .schedule_expression("rate(1 hour)")
        .flexible_time_window(FlexibleTimeWindow::default().mode(FlexibleTimeWindowMode::Off))
        .target(
            Target::default()
                .arn(&queue)
                .role_arn(&role)
                .input(r#"{"report":"sales"}"#),
        )
        .description("hourly sales report")
        .send()
        .await
        .expect("create_schedule")
        .schedule_arn
        .expect("schedule arn");
    assert_eq!(
        schedule_arn,
        format!("arn:aws:scheduler:us-east-1:{ACCOUNT}:schedule/reports/hourly")
    );

    // Bodiless GETs from here on: moto cannot verify them.
    s.verification_off();
    let got = scheduler
        .get_schedule()
        .name("hourly")
        .group_name("reports")
        .send()
        .await
        .expect("get_schedule");
    assert_eq!(got.arn.as_deref(), Some(schedule_arn.as_str()));
    assert_eq!(got.schedule_expression.as_deref(), Some("rate(1 hour)"));
    assert_eq!(got.description.as_deref(), Some("hourly sales report"));
    assert_eq!(got.state.as_ref().map(|s| s.as_str()), Some("ENABLED"));
    let target = got.target.expect("target");
    assert_eq!(target.arn.as_deref(), Some(queue.as_str()));
    assert_eq!(target.role_arn.as_deref(), Some(role.as_str()));
    assert_eq!(target.input.as_deref(), Some(r#"{"report":"sales"}"#));

    let listed = scheduler
        .list_schedules()
        .group_name("reports")
        .send()
        .await
        .expect("list_schedules")
        .schedules
        .unwrap_or_default();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].name.as_deref(), Some("hourly"));
    assert_eq!(listed[0].group_name.as_deref(), Some("reports"));
}

// ---------------------------------------------------------------------------------------------
// AppSync
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn appsync_graphql_api_with_key_and_schema() {
    use rboto_appsync::types::AuthenticationType;
    let s = session();
    let appsync = rboto_appsync::Client::new(&s.config());
    let api = appsync
        .create_graphql_api()
        .name("catalog")
        .authentication_type(AuthenticationType::ApiKey)
        .send()
        .await
        .expect("create_graphql_api")
        .graphql_api
        .expect("api");
    let api_id = api.api_id.clone().expect("api id");
    assert_eq!(api.name.as_deref(), Some("catalog"));
    assert!(
        api.arn.as_deref().unwrap_or_default().starts_with(&format!(
            "arn:aws:appsync:us-east-1:{ACCOUNT}:apis/{api_id}"
        )),
        "{api:?}"
    );

    let key = appsync
        .create_api_key()
        .api_id(&api_id)
        .description("ci key")
        .send()
        .await
        .expect("create_api_key")
        .api_key
        .expect("key");
    let key_id = key.id.clone().expect("key id");

    let schema = "type Query { book(id: ID!): Book }\ntype Book { id: ID! title: String }\n";
    appsync
        .start_schema_creation()
        .api_id(&api_id)
        .definition(schema.as_bytes().to_vec())
        .send()
        .await
        .expect("start_schema_creation");

    // Bodiless GETs from here on: moto cannot verify them.
    s.verification_off();
    let got = appsync
        .get_graphql_api()
        .api_id(&api_id)
        .send()
        .await
        .expect("get_graphql_api")
        .graphql_api
        .expect("api");
    assert_eq!(got.name.as_deref(), Some("catalog"));
    assert_eq!(got.authentication_type, Some(AuthenticationType::ApiKey));

    let keys = appsync
        .list_api_keys()
        .api_id(&api_id)
        .send()
        .await
        .expect("list_api_keys")
        .api_keys
        .unwrap_or_default();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].id.as_deref(), Some(key_id.as_str()));
    assert_eq!(keys[0].description.as_deref(), Some("ci key"));

    let status = appsync
        .get_schema_creation_status()
        .api_id(&api_id)
        .send()
        .await
        .expect("get_schema_creation_status");
    assert_eq!(status.status.as_ref().map(|s| s.as_str()), Some("SUCCESS"));
}

// ---------------------------------------------------------------------------------------------
// Polly
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn polly_lexicon_and_voices() {
    use rboto_polly::types::LanguageCode;
    let s = session();
    let polly = rboto_polly::Client::new(&s.config());
    let lexicon = r#"<?xml version="1.0" encoding="UTF-8"?>
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="en-US">
  <lexeme><grapheme>W3C</grapheme><alias>World Wide Web Consortium</alias></lexeme>
</lexicon>"#;
    // PUT with a JSON body: verified.
    polly
        .put_lexicon()
        .name("acronyms")
        .content(lexicon)
        .send()
        .await
        .expect("put_lexicon");

    // Bodiless GETs from here on: moto cannot verify them.
    s.verification_off();
    let got = polly
        .get_lexicon()
        .name("acronyms")
        .send()
        .await
        .expect("get_lexicon");
    let content = got.lexicon.and_then(|l| l.content);
    assert_eq!(content.as_deref(), Some(lexicon));
    let attributes = got.lexicon_attributes.expect("attributes");
    assert_eq!(attributes.language_code, Some(LanguageCode::EnUs));
    assert_eq!(attributes.alphabet.as_deref(), Some("ipa"));
    assert_eq!(attributes.lexemes_count, Some(1));

    let lexicons = polly
        .list_lexicons()
        .send()
        .await
        .expect("list_lexicons")
        .lexicons
        .unwrap_or_default();
    assert_eq!(lexicons.len(), 1);
    assert_eq!(lexicons[0].name.as_deref(), Some("acronyms"));

    let voices = polly
        .describe_voices()
        .language_code(LanguageCode::EnGb)
        .send()
        .await
        .expect("describe_voices")
        .voices
        .unwrap_or_default();
    assert!(!voices.is_empty());
    assert!(
        voices
            .iter()
            .all(|v| v.language_code == Some(LanguageCode::EnGb)),
        "{voices:?}"
    );
    assert!(
        voices.iter().any(|v| v.name.as_deref() == Some("Amy")),
        "{voices:?}"
    );
}

// =============================================================================================
// rest-xml
// =============================================================================================

// ---------------------------------------------------------------------------------------------
// CloudFront
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn cloudfront_create_and_get_distribution() {
    use rboto_cloudfront::types::{
        DefaultCacheBehavior, DistributionConfig, Origin, Origins, S3OriginConfig,
        ViewerProtocolPolicy,
    };
    let s = session();
    let cf = rboto_cloudfront::Client::new(&s.config());
    let config = DistributionConfig::default()
        .caller_reference("rboto-dist-1")
        .comment("static site & assets")
        .enabled(true)
        .origins(Origins::default().quantity(1).items(vec![Origin::default()
                .id("site-bucket")
                .domain_name("site-bucket.s3.amazonaws.com")
                .s3_origin_config(S3OriginConfig::default().origin_access_identity(""))]))
        .default_cache_behavior(
            DefaultCacheBehavior::default()
                .target_origin_id("site-bucket")
                .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
                .cache_policy_id("658327ea-f89d-4fab-a63d-7e88639e58f6"),
        );
    let created = cf
        .create_distribution()
        .distribution_config(config)
        .send()
        .await
        .expect("create_distribution");
    let dist = created.distribution.expect("distribution");
    let id = dist.id.clone().expect("id");
    assert_eq!(
        dist.arn.as_deref(),
        Some(format!("arn:aws:cloudfront::{ACCOUNT}:distribution/{id}").as_str())
    );
    let domain = dist.domain_name.clone().expect("domain");
    assert!(domain.ends_with(".cloudfront.net"), "{domain}");
    let location = created.location.expect("Location header");
    assert!(
        location.ends_with(&format!("/distribution/{id}")),
        "{location}"
    );
    let etag = created.e_tag.expect("ETag header");

    // Bodiless GETs from here on: moto cannot verify them.
    s.verification_off();
    let got = cf
        .get_distribution()
        .id(&id)
        .send()
        .await
        .expect("get_distribution");
    assert_eq!(got.e_tag.as_deref(), Some(etag.as_str()));
    let dist = got.distribution.expect("distribution");
    assert_eq!(dist.domain_name.as_deref(), Some(domain.as_str()));
    let config = dist.distribution_config.expect("config");
    assert_eq!(config.caller_reference.as_deref(), Some("rboto-dist-1"));
    assert_eq!(config.comment.as_deref(), Some("static site & assets"));
    assert_eq!(config.enabled, Some(true));
    let origins = config.origins.expect("origins");
    assert_eq!(origins.quantity, Some(1));
    let items = origins.items.unwrap_or_default();
    assert_eq!(items[0].id.as_deref(), Some("site-bucket"));
    assert_eq!(
        items[0].domain_name.as_deref(),
        Some("site-bucket.s3.amazonaws.com")
    );
    let behavior = config.default_cache_behavior.expect("default behavior");
    assert_eq!(
        behavior.viewer_protocol_policy,
        Some(ViewerProtocolPolicy::RedirectToHttps)
    );

    let listed = cf
        .list_distributions()
        .send()
        .await
        .expect("list_distributions")
        .distribution_list
        .expect("list");
    assert_eq!(listed.quantity, Some(1));
    let items = listed.items.unwrap_or_default();
    assert_eq!(items[0].id.as_deref(), Some(id.as_str()));
    assert_eq!(items[0].comment.as_deref(), Some("static site & assets"));
}

// =============================================================================================
// query
// =============================================================================================

// ---------------------------------------------------------------------------------------------
// CloudFormation (its stack creates a real SQS queue in moto)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn cloudformation_stack_creates_a_queue() {
    use rboto_cloudformation::types::{Parameter, StackStatus, Tag};
    let s = session();
    let cfn = rboto_cloudformation::Client::new(&s.config());
    let template = r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {"QueueName": {"Type": "String"}},
  "Resources": {"Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "QueueName"}}}},
  "Outputs": {"JobsArn": {"Value": {"Fn::GetAtt": ["Jobs", "Arn"]}}}
}"#;
    let stack_id = cfn
        .create_stack()
        .stack_name("jobs")
        .template_body(template)
        .parameters(vec![Parameter::default()
            .parameter_key("QueueName")
            .parameter_value("rboto-jobs")])
        .tags(vec![Tag::default().key("env").value("test")])
        .send()
        .await
        .expect("create_stack")
        .stack_id
        .expect("stack id");
    assert!(
        stack_id.starts_with(&format!(
            "arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/jobs/"
        )),
        "{stack_id}"
    );

    let stacks = cfn
        .describe_stacks()
        .stack_name("jobs")
        .send()
        .await
        .expect("describe_stacks")
        .stacks
        .unwrap_or_default();
    assert_eq!(stacks.len(), 1);
    let stack = &stacks[0];
    assert_eq!(stack.stack_id.as_deref(), Some(stack_id.as_str()));
    assert_eq!(stack.stack_status, Some(StackStatus::CreateComplete));
    let params = stack.parameters.clone().unwrap_or_default();
    assert_eq!(params[0].parameter_key.as_deref(), Some("QueueName"));
    assert_eq!(params[0].parameter_value.as_deref(), Some("rboto-jobs"));
    let outputs = stack.outputs.clone().unwrap_or_default();
    assert_eq!(outputs.len(), 1);
    assert_eq!(outputs[0].output_key.as_deref(), Some("JobsArn"));
    let queue_arn = format!("arn:aws:sqs:us-east-1:{ACCOUNT}:rboto-jobs");
    assert_eq!(outputs[0].output_value.as_deref(), Some(queue_arn.as_str()));

    let resources = cfn
        .list_stack_resources()
        .stack_name("jobs")
        .send()
        .await
        .expect("list_stack_resources")
        .stack_resource_summaries
        .unwrap_or_default();
    assert_eq!(resources.len(), 1);
    assert_eq!(resources[0].logical_resource_id.as_deref(), Some("Jobs"));
    assert_eq!(
        resources[0].resource_type.as_deref(),
        Some("AWS::SQS::Queue")
    );

    let body = cfn
        .get_template()
        .stack_name("jobs")
        .send()
        .await
        .expect("get_template")
        .template_body
        .expect("template body");
    assert_eq!(body, template);

    // The queue exists in SQS.
    let sqs = rboto_sqs::Client::new(&s.config());
    let url = sqs
        .get_queue_url()
        .queue_name("rboto-jobs")
        .send()
        .await
        .expect("get_queue_url")
        .queue_url
        .expect("url");
    assert!(url.ends_with("/rboto-jobs"), "{url}");
}

// ---------------------------------------------------------------------------------------------
// Elastic Load Balancing v2 (on a VPC made through EC2)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn elbv2_load_balancer_target_group_and_listener() {
    use rboto_elbv2::types::{Action, ActionTypeEnum, ProtocolEnum};
    let s = session();
    let ec2 = rboto_ec2::Client::new(&s.config());
    let vpc_id = ec2
        .create_vpc()
        .cidr_block("10.20.0.0/16")
        .send()
        .await
        .expect("create_vpc")
        .vpc
        .and_then(|v| v.vpc_id)
        .expect("vpc id");
    let mut subnets = Vec::new();
    for (cidr, zone) in [
        ("10.20.1.0/24", "us-east-1a"),
        ("10.20.2.0/24", "us-east-1b"),
    ] {
        let subnet = ec2
            .create_subnet()
            .vpc_id(&vpc_id)
            .cidr_block(cidr)
            .availability_zone(zone)
            .send()
            .await
            .expect("create_subnet")
            .subnet
            .and_then(|s| s.subnet_id)
            .expect("subnet id");
        subnets.push(subnet);
    }

    let elb = rboto_elbv2::Client::new(&s.config());
    let lb = elb
        .create_load_balancer()
        .name("web-alb")
        .subnets(subnets.clone())
        .send()
        .await
        .expect("create_load_balancer")
        .load_balancers
        .unwrap_or_default()
        .pop()
        .expect("load balancer");
    let lb_arn = lb.load_balancer_arn.clone().expect("lb arn");
    assert!(
        lb_arn.starts_with(&format!(
            "arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/app/web-alb/"
        )),
        "{lb_arn}"
    );
    assert_eq!(lb.vpc_id.as_deref(), Some(vpc_id.as_str()));

    let tg_arn = elb
        .create_target_group()
        .name("web-targets")
        .protocol(ProtocolEnum::Http)
        .port(8080)
        .vpc_id(&vpc_id)
        .health_check_path("/healthz")
        .send()
        .await
        .expect("create_target_group")
        .target_groups
        .unwrap_or_default()
        .pop()
        .and_then(|t| t.target_group_arn)
        .expect("target group arn");

    let listener_arn = elb
        .create_listener()
        .load_balancer_arn(&lb_arn)
        .protocol(ProtocolEnum::Http)
        .port(80)
        .default_actions(vec![Action::default()
            .type_(ActionTypeEnum::Forward)
            .target_group_arn(&tg_arn)])
        .send()
        .await
        .expect("create_listener")
        .listeners
        .unwrap_or_default()
        .pop()
        .and_then(|l| l.listener_arn)
        .expect("listener arn");

    let described = elb
        .describe_load_balancers()
        .names(vec!["web-alb".to_string()])
        .send()
        .await
        .expect("describe_load_balancers")
        .load_balancers
        .unwrap_or_default();
    assert_eq!(described.len(), 1);
    assert_eq!(
        described[0].load_balancer_arn.as_deref(),
        Some(lb_arn.as_str())
    );
    let mut zones: Vec<String> = described[0]
        .availability_zones
        .clone()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|z| z.zone_name)
        .collect();
    zones.sort();
    assert_eq!(zones, ["us-east-1a", "us-east-1b"]);

    let groups = elb
        .describe_target_groups()
        .names(vec!["web-targets".to_string()])
        .send()
        .await
        .expect("describe_target_groups")
        .target_groups
        .unwrap_or_default();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].target_group_arn.as_deref(), Some(tg_arn.as_str()));
    assert_eq!(groups[0].port, Some(8080));
    assert_eq!(groups[0].vpc_id.as_deref(), Some(vpc_id.as_str()));
    assert_eq!(groups[0].health_check_path.as_deref(), Some("/healthz"));
    assert_eq!(
        groups[0].load_balancer_arns.clone().unwrap_or_default(),
        std::slice::from_ref(&lb_arn)
    );

    let listeners = elb
        .describe_listeners()
        .load_balancer_arn(&lb_arn)
        .send()
        .await
        .expect("describe_listeners")
        .listeners
        .unwrap_or_default();
    assert_eq!(listeners.len(), 1);
    assert_eq!(
        listeners[0].listener_arn.as_deref(),
        Some(listener_arn.as_str())
    );
    assert_eq!(listeners[0].port, Some(80));
    let actions = listeners[0].default_actions.clone().unwrap_or_default();
    assert_eq!(actions[0].type_, Some(ActionTypeEnum::Forward));
    assert_eq!(
        actions[0].target_group_arn.as_deref(),
        Some(tg_arn.as_str())
    );
}

// ---------------------------------------------------------------------------------------------
// Classic Elastic Load Balancing
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn elb_classic_load_balancer_and_health_check() {
    use rboto_elb::types::{HealthCheck, Listener};
    let s = session();
    let elb = rboto_elb::Client::new(&s.config());
    let dns = elb
        .create_load_balancer()
        .load_balancer_name("legacy-web")
        .listeners(vec![Listener::default()
            .protocol("HTTP")
            .load_balancer_port(80)
            .instance_protocol("HTTP")
            .instance_port(8080)])
        .availability_zones(vec!["us-east-1a".to_string()])
        .send()
        .await
        .expect("create_load_balancer")
        .dns_name
        .expect("dns name");
    assert!(
        dns.starts_with("legacy-web") && dns.ends_with(".us-east-1.elb.amazonaws.com"),
        "{dns}"
    );

    let check = elb
        .configure_health_check()
        .load_balancer_name("legacy-web")
        .health_check(
            HealthCheck::default()
                .target("HTTP:8080/ping")
                .interval(30)
                .timeout(5)
                .unhealthy_threshold(2)
                .healthy_threshold(3),
        )
        .send()
        .await
        .expect("configure_health_check")
        .health_check
        .expect("health check");
    assert_eq!(check.target.as_deref(), Some("HTTP:8080/ping"));

    let described = elb
        .describe_load_balancers()
        .load_balancer_names(vec!["legacy-web".to_string()])
        .send()
        .await
        .expect("describe_load_balancers")
        .load_balancer_descriptions
        .unwrap_or_default();
    assert_eq!(described.len(), 1);
    let lb = &described[0];
    assert_eq!(lb.load_balancer_name.as_deref(), Some("legacy-web"));
    assert_eq!(lb.dns_name.as_deref(), Some(dns.as_str()));
    assert_eq!(
        lb.availability_zones.clone().unwrap_or_default(),
        ["us-east-1a"]
    );
    let listener = lb
        .listener_descriptions
        .clone()
        .unwrap_or_default()
        .pop()
        .and_then(|d| d.listener)
        .expect("listener");
    assert_eq!(listener.load_balancer_port, Some(80));
    assert_eq!(listener.instance_port, Some(8080));
    let health = lb.health_check.clone().expect("health check");
    assert_eq!(health.target.as_deref(), Some("HTTP:8080/ping"));
    assert_eq!(health.interval, Some(30));
    assert_eq!(health.healthy_threshold, Some(3));
}

// ---------------------------------------------------------------------------------------------
// RDS
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn rds_create_and_describe_db_instance() {
    use rboto_rds::types::Tag;
    let s = session();
    let rds = rboto_rds::Client::new(&s.config());
    let created = rds
        .create_db_instance()
        .db_instance_identifier("orders-db")
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .master_username("admin")
        .master_user_password("s3cret-Passw0rd")
        .allocated_storage(20)
        .db_name("orders")
        .tags(vec![Tag::default().key("env").value("test")])
        .send()
        .await
        .expect("create_db_instance")
        .db_instance
        .expect("db instance");
    let arn = created.db_instance_arn.clone().expect("arn");
    assert_eq!(arn, format!("arn:aws:rds:us-east-1:{ACCOUNT}:db:orders-db"));

    let instances = rds
        .describe_db_instances()
        .db_instance_identifier("orders-db")
        .send()
        .await
        .expect("describe_db_instances")
        .db_instances
        .unwrap_or_default();
    assert_eq!(instances.len(), 1);
    let db = &instances[0];
    assert_eq!(db.db_instance_arn.as_deref(), Some(arn.as_str()));
    assert_eq!(db.engine.as_deref(), Some("postgres"));
    assert_eq!(db.db_instance_class.as_deref(), Some("db.t3.micro"));
    assert_eq!(db.master_username.as_deref(), Some("admin"));
    assert_eq!(db.db_name.as_deref(), Some("orders"));
    assert_eq!(db.allocated_storage, Some(20));
    assert_eq!(db.db_instance_status.as_deref(), Some("available"));
    let endpoint = db.endpoint.clone().expect("endpoint");
    assert_eq!(endpoint.port, Some(5432));
    assert!(
        endpoint
            .address
            .as_deref()
            .unwrap_or_default()
            .starts_with("orders-db."),
        "{endpoint:?}"
    );
    let tags = db.tag_list.clone().unwrap_or_default();
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].key.as_deref(), Some("env"));
    assert_eq!(tags[0].value.as_deref(), Some("test"));

    let err = rds
        .describe_db_instances()
        .db_instance_identifier("missing-db")
        .send()
        .await
        .expect_err("no such instance");
    assert_eq!(err.code(), Some("DBInstanceNotFound"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Redshift
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn redshift_create_and_describe_cluster() {
    let s = session();
    let redshift = rboto_redshift::Client::new(&s.config());
    let created = redshift
        .create_cluster()
        .cluster_identifier("warehouse")
        .node_type("ra3.xlplus")
        .cluster_type("single-node")
        .master_username("analyst")
        .master_user_password("Warehouse-Passw0rd")
        .db_name("facts")
        .send()
        .await
        .expect("create_cluster")
        .cluster
        .expect("cluster");
    assert_eq!(created.cluster_identifier.as_deref(), Some("warehouse"));

    let clusters = redshift
        .describe_clusters()
        .cluster_identifier("warehouse")
        .send()
        .await
        .expect("describe_clusters")
        .clusters
        .unwrap_or_default();
    assert_eq!(clusters.len(), 1);
    let c = &clusters[0];
    assert_eq!(c.node_type.as_deref(), Some("ra3.xlplus"));
    assert_eq!(c.master_username.as_deref(), Some("analyst"));
    assert_eq!(c.db_name.as_deref(), Some("facts"));
    assert_eq!(c.number_of_nodes, Some(1));
    let endpoint = c.endpoint.clone().expect("endpoint");
    assert_eq!(endpoint.port, Some(5439));
    assert!(
        endpoint
            .address
            .as_deref()
            .unwrap_or_default()
            .starts_with("warehouse."),
        "{endpoint:?}"
    );

    let err = redshift
        .describe_clusters()
        .cluster_identifier("missing")
        .send()
        .await
        .expect_err("no such cluster");
    assert_eq!(err.code(), Some("ClusterNotFound"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// SES (v1)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn ses_verify_identity_and_send_email() {
    use rboto_ses::types::{Body, Content, Destination, Message};
    let s = session();
    let ses = rboto_ses::Client::new(&s.config());
    ses.verify_email_identity()
        .email_address("alerts@example.com")
        .send()
        .await
        .expect("verify_email_identity");
    let identities = ses
        .list_identities()
        .send()
        .await
        .expect("list_identities")
        .identities
        .unwrap_or_default();
    assert_eq!(identities, ["alerts@example.com"]);

    let sent = ses
        .send_email()
        .source("alerts@example.com")
        .destination(Destination::default().to_addresses(vec!["oncall@example.com".to_string()]))
        .message(
            Message::default()
                .subject(Content::default().data("Disk at 95%"))
                .body(Body::default().text(Content::default().data("Please look & fix <soon>."))),
        )
        .send()
        .await
        .expect("send_email");
    assert!(!sent.message_id.unwrap_or_default().is_empty());

    let quota = ses.get_send_quota().send().await.expect("get_send_quota");
    assert_eq!(quota.sent_last24_hours, Some(1.0));

    let err = ses
        .send_email()
        .source("unverified@example.com")
        .destination(Destination::default().to_addresses(vec!["x@example.com".to_string()]))
        .message(
            Message::default()
                .subject(Content::default().data("s"))
                .body(Body::default().text(Content::default().data("b"))),
        )
        .send()
        .await
        .expect_err("unverified sender");
    assert_eq!(err.code(), Some("MessageRejected"), "{err}");
}
