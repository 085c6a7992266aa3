use super::*;
use crate::schema::{prelude, Kind, Member, Operation, Protocol, Service, Shape, StaticParam};

const S3_RULES: &str =
    include_str!("../../../tests/data/endpoint-tests/s3/endpoint-rule-set-1.json");
const DDB_RULES: &str =
    include_str!("../../../tests/data/endpoint-tests/dynamodb/endpoint-rule-set-1.json");

#[test]
fn embedded_partitions_parse() {
    let p = partitions::builtin().unwrap();
    assert_eq!(p.lookup(Some("us-west-2")).name, "aws");
    assert_eq!(p.lookup(Some("cn-north-1")).name, "aws-cn");
    assert_eq!(p.lookup(Some("us-gov-west-1")).name, "aws-us-gov");
    assert_eq!(p.lookup(Some("us-isob-east-1")).name, "aws-iso-b");
    assert_eq!(p.lookup(Some("nowhere")).name, "aws");
    assert_eq!(p.lookup(None).name, "aws");
}

fn s3() -> RuleSet {
    RuleSet::from_json(S3_RULES).unwrap()
}

#[test]
fn s3_virtual_host_and_path_style() {
    let rs = s3();
    let mut p = rs.new_params();
    p.set("Region", "us-west-2");
    p.set("Bucket", "my-bucket");
    let e = rs.resolve(&p).unwrap();
    assert_eq!(e.url, "https://my-bucket.s3.us-west-2.amazonaws.com");
    assert_eq!(e.auth_schemes[0].name, "sigv4");
    assert_eq!(e.auth_schemes[0].signing_name.as_deref(), Some("s3"));
    assert_eq!(
        e.auth_schemes[0].signing_region.as_deref(),
        Some("us-west-2")
    );
    assert!(e.auth_schemes[0].disable_double_encoding);

    // Not DNS compatible: path style.
    p.set("Bucket", "My_Bucket");
    let e = rs.resolve(&p).unwrap();
    assert_eq!(e.url, "https://s3.us-west-2.amazonaws.com/My_Bucket");

    // Custom endpoint on an IP address: path style.
    p.set("Bucket", "my-bucket");
    p.set("Endpoint", "http://127.0.0.1:5000");
    let e = rs.resolve(&p).unwrap();
    assert_eq!(e.url, "http://127.0.0.1:5000/my-bucket");
}

#[test]
fn errors_carry_rule_messages() {
    let rs = s3();
    let mut p = rs.new_params();
    p.set("Region", "a b");
    p.set("Bucket", "my-bucket");
    let err = rs.resolve(&p).unwrap_err();
    assert_eq!(
        err,
        EndpointError::Rule("Invalid region: region was not a valid DNS name.".into())
    );
    assert_eq!(
        err.to_string(),
        "Invalid region: region was not a valid DNS name."
    );

    let ddb = RuleSet::from_json(DDB_RULES).unwrap();
    let p = ddb.new_params();
    assert_eq!(
        ddb.resolve(&p).unwrap_err().to_string(),
        "Invalid Configuration: Missing Region"
    );
    let mut p = ddb.new_params();
    p.set("Region", true);
    assert!(matches!(ddb.resolve(&p), Err(EndpointError::Parameter(_))));
}

#[test]
fn malformed_rule_sets_are_errors() {
    assert!(matches!(
        RuleSet::from_json("{"),
        Err(EndpointError::InvalidRuleSet(_))
    ));
    assert!(matches!(
        RuleSet::from_json("[]"),
        Err(EndpointError::InvalidRuleSet(_))
    ));
    let unknown = r#"{"version":"1.0","parameters":{},"rules":[{"type":"endpoint",
        "conditions":[{"fn":"frobnicate","argv":[]}],"endpoint":{"url":"https://x"}}]}"#;
    let err = RuleSet::from_json(unknown).unwrap_err();
    assert_eq!(err, EndpointError::Unsupported("frobnicate".into()));
    assert!(err.to_string().contains("frobnicate"));
    let bad_arity = r#"{"parameters":{},"rules":[{"type":"error",
        "conditions":[{"fn":"isSet","argv":[]}],"error":"x"}]}"#;
    assert!(matches!(
        RuleSet::from_json(bad_arity),
        Err(EndpointError::InvalidRuleSet(_))
    ));
    let bad_type = r#"{"parameters":{},"rules":[{"type":"weird","conditions":[]}]}"#;
    assert!(RuleSet::from_json(bad_type).is_err());
    // An unset template variable is an evaluation error, not a panic.
    let unset = r#"{"parameters":{"A":{"type":"string"}},"rules":[{"type":"endpoint",
        "conditions":[],"endpoint":{"url":"https://{A}.example.com"}}]}"#;
    let rs = RuleSet::from_json(unset).unwrap();
    assert!(matches!(
        rs.resolve(&rs.new_params()),
        Err(EndpointError::Evaluation(_))
    ));
}

#[test]
fn scopes_are_per_rule_and_smithy_extras_work() {
    let text = r#"{"parameters":{"A":{"type":"string","required":true,"default":"x--y--z"}},
      "rules":[
        {"type":"tree","conditions":[{"fn":"split","argv":[{"ref":"A"},"--",0],"assign":"parts"},
                                     {"fn":"stringEquals","argv":[{"fn":"getAttr","argv":[{"ref":"parts"},"[2]"]},"nope"]}],
         "rules":[{"type":"error","conditions":[],"error":"unreachable"}]},
        {"type":"endpoint","conditions":[
            {"fn":"split","argv":[{"ref":"A"},"--",2],"assign":"parts"},
            {"fn":"coalesce","argv":[{"ref":"Unset"},{"fn":"getAttr","argv":[{"ref":"parts"},"[1]"]}],"assign":"second"},
            {"fn":"ite","argv":[{"fn":"isSet","argv":[{"ref":"Unset"}]},"a","b"],"assign":"which"}],
         "endpoint":{"url":"https://{second}.{which}.example.com","headers":{"h":["{which}"]},
                     "properties":{"p":[{"k":"{second}"}],"lit":1}}}]}"#;
    let rs = RuleSet::from_json(text).unwrap();
    let e = rs.resolve(&rs.new_params()).unwrap();
    assert_eq!(e.url, "https://y--z.b.example.com");
    assert_eq!(e.headers, vec![("h".to_string(), vec!["b".to_string()])]);
    assert_eq!(
        serde_json::Value::Object((*e.properties).clone()),
        serde_json::json!({"p":[{"k":"y--z"}],"lit":1})
    );
}

#[test]
fn region_validation() {
    assert!(validate_region("us-east-1").is_ok());
    let err = validate_region("us-east-1.evil.example").unwrap_err();
    assert!(matches!(err, EndpointError::InvalidRegion(_)));
    assert!(err.to_string().contains("us-east-1.evil.example"));
    assert!(validate_region("").is_err());
    assert_eq!(
        check_config(&EndpointConfig::default()),
        Err(EndpointError::NoRegion)
    );
    let cfg = EndpointConfig {
        endpoint_url: Some("http://localhost:5000".into()),
        ..Default::default()
    };
    assert!(check_config(&cfg).is_ok());
}

static BUCKET: Member = Member::new("Bucket", &prelude::STRING).ctx("Bucket");
static KEY: Member = Member::new("Key", &prelude::STRING).ctx("Key");
static INPUT: Shape = Shape::structure("GetObjectRequest", &[]);
static GET_INPUT: Shape = Shape {
    name: "GetObjectRequest",
    kind: Kind::Structure(&[
        Member::new("Bucket", &prelude::STRING).ctx("Bucket"),
        Member::new("Key", &prelude::STRING).ctx("Key"),
    ]),
    flags: crate::schema::ShapeFlags::NONE,
    timestamp_format: None,
    xml_namespace: None,
    location_name: None,
    error: None,
};
static GET_OBJECT: Operation = Operation::new(
    "GetObject",
    "GET",
    "/{Bucket}/{Key+}",
    &GET_INPUT,
    &prelude::UNIT,
);
static LIST_BUCKETS: Operation = Operation::new("ListBuckets", "GET", "/", &INPUT, &prelude::UNIT)
    .static_params(&[("UseS3ExpressControlEndpoint", StaticParam::Bool(true))]);
static S3_SERVICE: Service = Service {
    name: "s3",
    service_id: "S3",
    api_version: "2006-03-01",
    endpoint_prefix: "s3",
    signing_name: "s3",
    protocol: Protocol::RestXml,
    protocols: &[Protocol::RestXml],
    signature_version: "s3",
    endpoint_rules: S3_RULES,
    ..Service::BLANK
};

#[test]
fn params_from_every_source() {
    let _ = (&BUCKET, &KEY);
    let rs = ruleset_for(&S3_SERVICE).unwrap();
    assert!(std::ptr::eq(rs, ruleset_for(&S3_SERVICE).unwrap()));
    let input = crate::Value::Struct(vec![
        Some(crate::Value::Str("my-bucket".into())),
        Some(crate::Value::Str("a/b.txt".into())),
    ]);
    let cfg = EndpointConfig {
        region: Some("us-west-2".into()),
        client_context_params: vec![("DisableS3ExpressSessionAuth".into(), true.into())],
        ..Default::default()
    };
    let p = params_for(rs, &S3_SERVICE, &GET_OBJECT, &cfg, &input).unwrap();
    assert_eq!(
        p.get("Bucket"),
        Some(&ParamValue::String("my-bucket".into()))
    );
    assert_eq!(p.get("Key"), Some(&ParamValue::String("a/b.txt".into())));
    assert_eq!(
        p.get("Region"),
        Some(&ParamValue::String("us-west-2".into()))
    );
    assert_eq!(p.get("ForcePathStyle"), Some(&ParamValue::Bool(false)));
    assert_eq!(
        p.get("DisableS3ExpressSessionAuth"),
        Some(&ParamValue::Bool(true))
    );
    let e = rs.resolve(&p).unwrap();
    assert_eq!(e.url, "https://my-bucket.s3.us-west-2.amazonaws.com");

    // A custom endpoint defaults to path style (botocore), and disables FIPS.
    let cfg = EndpointConfig {
        region: Some("us-east-1".into()),
        endpoint_url: Some("http://localhost:5000".into()),
        use_fips: true,
        ..Default::default()
    };
    let p = params_for(rs, &S3_SERVICE, &GET_OBJECT, &cfg, &input).unwrap();
    assert_eq!(p.get("UseFIPS"), Some(&ParamValue::Bool(false)));
    assert_eq!(
        rs.resolve(&p).unwrap().url,
        "http://localhost:5000/my-bucket"
    );

    let p = params_for(
        rs,
        &S3_SERVICE,
        &LIST_BUCKETS,
        &cfg,
        &crate::Value::Struct(vec![]),
    )
    .unwrap();
    assert_eq!(
        p.get("UseS3ExpressControlEndpoint"),
        Some(&ParamValue::Bool(true))
    );
}

static ITEMS_LIST: Shape = Shape::list("TransactItems", &TRANSACT_ITEM_MEMBER);
static TRANSACT_ITEM_MEMBER: Member = Member::item(&TRANSACT_ITEM);
static TRANSACT_ITEM: Shape = Shape::structure(
    "TransactItem",
    &[
        Member::new("ConditionCheck", &TABLE_REF),
        Member::new("Put", &TABLE_REF),
    ],
);
static TABLE_REF: Shape = Shape::structure("Ref", &[Member::new("TableName", &prelude::STRING)]);
static REQUEST_ITEMS: Shape = Shape::map("RequestItems", &MAP_KEY, &MAP_VALUE);
static MAP_KEY: Member = Member::item(&prelude::STRING);
static MAP_VALUE: Member = Member::item(&prelude::STRING);
static TX_INPUT: Shape = Shape::structure(
    "TxInput",
    &[
        Member::new("TransactItems", &ITEMS_LIST),
        Member::new("RequestItems", &REQUEST_ITEMS),
    ],
);
static TX_OP: crate::schema::Operation =
    crate::schema::Operation::new("Tx", "POST", "/", &TX_INPUT, &prelude::UNIT);

#[test]
fn operation_context_params() {
    use crate::Value as V;
    let s = |x: &str| Some(V::Str(x.into()));
    let item = |c: Option<V>, p: Option<V>| {
        V::Struct(vec![
            c.map(|t| V::Struct(vec![Some(t)])),
            p.map(|t| V::Struct(vec![Some(t)])),
        ])
    };
    let input = V::Struct(vec![
        Some(V::List(vec![
            item(s("t1"), None),
            item(None, s("t2")),
            item(s("t3"), s("t4")),
        ])),
        Some(V::Map(vec![
            ("a".into(), V::Str("x".into())),
            ("b".into(), V::Str("y".into())),
        ])),
    ]);
    let run = |path: &str| params::operation_context_param(&TX_OP, path, &input).unwrap();
    let list = |v: &[&str]| {
        Some(ParamValue::StringArray(
            v.iter().map(|s| s.to_string()).collect(),
        ))
    };
    assert_eq!(
        run("TransactItems[*].[ConditionCheck.TableName, Put.TableName][]"),
        list(&["t1", "t2", "t3", "t4"])
    );
    assert_eq!(run("TransactItems[*].Put.TableName"), list(&["t2", "t4"]));
    assert_eq!(run("keys(RequestItems)"), list(&["a", "b"]));
    assert_eq!(
        run("TransactItems[0].ConditionCheck.TableName"),
        Some(ParamValue::String("t1".into()))
    );
    assert_eq!(run("Missing.Thing"), None);
}

/// A configuration that sees only `vars` and, when given, a config file with `profile`.
fn config_with(vars: &[(&str, &str)], profile: Option<&str>) -> crate::Config {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let file = std::env::temp_dir().join(format!(
        "rboto-endpoint-settings-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    if let Some(text) = profile {
        std::fs::write(&file, text).unwrap();
    }
    let mut env: std::collections::HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    env.insert("AWS_CONFIG_FILE".into(), file.display().to_string());
    env.insert(
        "AWS_SHARED_CREDENTIALS_FILE".into(),
        file.with_extension("absent").display().to_string(),
    );
    let config = crate::Config::loader()
        .env(crate::config::Env::from_map(env))
        .load_sync()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    config
}

#[test]
fn endpoint_settings_come_from_the_environment_then_the_profile() {
    let cfg = super::config_for(&config_with(&[], None), &S3_SERVICE).unwrap();
    assert_eq!(cfg.use_arn_region, None);
    assert_eq!(cfg.s3_use_global_endpoint, None);
    assert!(!cfg.sts_use_global_endpoint && !cfg.disable_multi_region_access_points);
    assert_eq!(cfg.account_id_endpoint_mode.as_deref(), Some("preferred"));

    let vars = [
        ("AWS_STS_REGIONAL_ENDPOINTS", "legacy"),
        ("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "regional"),
        ("AWS_S3_USE_ARN_REGION", "false"),
        ("AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS", "TRUE"),
        ("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled"),
    ];
    let cfg = super::config_for(&config_with(&vars, None), &S3_SERVICE).unwrap();
    assert!(cfg.sts_use_global_endpoint && cfg.disable_multi_region_access_points);
    assert_eq!(cfg.s3_use_global_endpoint, Some(false));
    assert_eq!(cfg.use_arn_region, Some(false));
    assert_eq!(cfg.account_id_endpoint_mode.as_deref(), Some("disabled"));

    let profile = "[default]\nsts_regional_endpoints = legacy\ns3_use_arn_region = false\n\
                   account_id_endpoint_mode = required\ns3 =\n  us_east_1_regional_endpoint = legacy\n";
    let cfg = super::config_for(&config_with(&[], Some(profile)), &S3_SERVICE).unwrap();
    assert!(cfg.sts_use_global_endpoint);
    assert_eq!(cfg.s3_use_global_endpoint, Some(true));
    assert_eq!(cfg.use_arn_region, Some(false));
    assert_eq!(cfg.account_id_endpoint_mode.as_deref(), Some("required"));
    // The environment wins over the profile.
    let env = [("AWS_STS_REGIONAL_ENDPOINTS", "regional")];
    let cfg = super::config_for(&config_with(&env, Some(profile)), &S3_SERVICE).unwrap();
    assert!(!cfg.sts_use_global_endpoint);
}

#[test]
fn invalid_endpoint_settings_are_config_errors() {
    for (var, value) in [
        ("AWS_STS_REGIONAL_ENDPOINTS", "global"),
        ("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "yes"),
        ("AWS_S3_USE_ARN_REGION", "1"),
        ("AWS_ACCOUNT_ID_ENDPOINT_MODE", "always"),
    ] {
        // Settings are parsed when the config is loaded.
        let env = std::collections::HashMap::from([(var.to_string(), value.to_string())]);
        let err = crate::Config::loader()
            .env(crate::config::Env::from_map(env))
            .load_sync()
            .expect_err(var);
        assert_eq!(err.kind(), crate::ErrorKind::InvalidConfig, "{err}");
        assert!(err.to_string().contains(var), "{err}");
    }
}
