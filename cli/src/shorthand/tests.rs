//! Checked against awscli 1.46.3 on `tests/data/shorthand-cases.json` (see its README).

use super::*;
use rboto::__private::schema::Service;
use std::sync::OnceLock;

fn service() -> &'static Service {
    static SERVICE: OnceLock<&'static Service> = OnceLock::new();
    SERVICE.get_or_init(|| {
        rboto::model::build(
            "shorthand",
            include_str!("../../tests/data/shorthand-model.json"),
            "",
        )
        .unwrap()
    })
}

fn member(name: &str) -> &'static Shape {
    let op = service().operation("Op").unwrap();
    op.input
        .members()
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("no member {name}"))
        .target()
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|s| s.to_string()).collect()
}

/// Chosen cases, then 400 seeded random values (`random-shorthand-cases.json`, mostly
/// malformed: error wording and caret positions).
#[test]
fn matches_awscli_on_every_case() {
    let fixed: Value =
        serde_json::from_str(include_str!("../../tests/data/shorthand-cases.json")).unwrap();
    let random: Value =
        serde_json::from_str(include_str!("../../tests/data/random-shorthand-cases.json")).unwrap();
    let mut checked = 0;
    let cases = fixed.as_array().unwrap().iter();
    for case in cases.chain(random.as_array().unwrap()) {
        let name = case["member"].as_str().unwrap();
        let values: Vec<String> = case["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        let got = parse_argument(member(name), &values);
        let cli_name = format!("--{}", name.to_lowercase());
        match (&case.get("value"), got) {
            (Some(expected), Ok(value)) => {
                assert_eq!(&&value, expected, "{name} {values:?}");
                // Key order too, as the request (and --generate-cli-skeleton) shows it.
                assert_eq!(value.to_string(), expected.to_string(), "{name} {values:?}");
            }
            (Some(expected), Err(e)) => {
                panic!("{name} {values:?}: expected {expected}, got error {e}")
            }
            (None, Ok(value)) => panic!(
                "{name} {values:?}: expected error {}, got {value}",
                case["error"]
            ),
            (None, Err(e)) => {
                assert_eq!(
                    e.for_parameter(&cli_name),
                    case["error"].as_str().unwrap(),
                    "{name} {values:?}"
                );
                let param = case["param_error"].as_bool().unwrap();
                assert_eq!(
                    e.kind() == ShorthandErrorKind::Param,
                    param,
                    "{name} {values:?}"
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 500, "{checked}");
}

#[test]
fn old_list_case_applies_only_to_its_operations() {
    // ELB's `Instances`: a list of `Instance { InstanceId }`.
    let elb = rboto::model::build(
        "elb-mini",
        r#"{"version":"2.0","metadata":{"apiVersion":"2012-06-01","endpointPrefix":"elasticloadbalancing",
        "protocol":"query","serviceId":"Elastic Load Balancing","signatureVersion":"v4","xmlNamespace":"x"},
        "operations":{"Register":{"name":"Register","http":{"method":"POST","requestUri":"/"},"input":{"shape":"In"}}},
        "shapes":{"In":{"type":"structure","members":{"Instances":{"shape":"Instances"}}},
        "Instances":{"type":"list","member":{"shape":"Instance"}},
        "Instance":{"type":"structure","members":{"InstanceId":{"shape":"Id"}}},
        "Id":{"type":"string"}}}"#,
        "",
    )
    .unwrap();
    let instances = elb.operation("Register").unwrap().input.members()[0].target();
    let ctx = ArgumentContext {
        service: "elb",
        operation: "register-instances-with-load-balancer",
        argument: "instances",
    };
    let values = strings(&["i-1", "i-2"]);
    assert_eq!(
        parse_argument_for(instances, &values, Some(ctx)).unwrap(),
        serde_json::json!([{"InstanceId": "i-1"}, {"InstanceId": "i-2"}])
    );
    // Elsewhere, `i-1` is shorthand without `=`.
    let err = parse_argument(instances, &values).unwrap_err();
    assert!(err.message().starts_with("Expected: '='"), "{err}");
}

#[test]
fn a_scalar_takes_exactly_one_value() {
    let err = parse_argument(member("Count"), &strings(&["1", "2"])).unwrap_err();
    assert_eq!(err.kind(), ShorthandErrorKind::Param);
}

#[test]
fn a_streaming_blob_is_a_file_path() {
    let model = r#"{"version":"2.0","metadata":{"apiVersion":"2006-03-01","endpointPrefix":"s3",
        "protocol":"rest-xml","serviceId":"S3","signatureVersion":"s3v4"},
        "operations":{"Put":{"name":"Put","http":{"method":"PUT","requestUri":"/{Key}"},"input":{"shape":"In"}}},
        "shapes":{"In":{"type":"structure","required":["Key"],"members":{
            "Key":{"shape":"K","location":"uri","locationName":"Key"},
            "Body":{"shape":"Body"}},"payload":"Body"},
        "K":{"type":"string"},"Body":{"type":"blob","streaming":true}}}"#;
    let service = rboto::model::build("stream-mini", model, "").unwrap();
    let body = service.operation("Put").unwrap().input.members()[1].target();
    let manifest = format!("{}/Cargo.toml", env!("CARGO_MANIFEST_DIR"));
    assert_eq!(
        parse_argument(body, &strings(&[&manifest])).unwrap(),
        Value::String(manifest.clone())
    );
    let missing = parse_argument(body, &strings(&["/no/such/file"])).unwrap_err();
    assert_eq!(
        missing.for_parameter("--body"),
        "Error parsing parameter '--body': Blob values must be a path to a file."
    );
    // `$VAR` and `~` expand before the check.
    std::env::set_var("RBOTO_SHORTHAND_TEST_DIR", env!("CARGO_MANIFEST_DIR"));
    assert_eq!(
        parse_argument(body, &strings(&["$RBOTO_SHORTHAND_TEST_DIR/Cargo.toml"])).unwrap(),
        Value::String(manifest)
    );
    assert_eq!(expand_path("${NO_SUCH_VAR_X}/a"), "${NO_SUCH_VAR_X}/a");
}
