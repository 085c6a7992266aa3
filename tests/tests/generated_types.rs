//! What generated types promise users, checked on the kitchen-sink fixture (every shape kind,
//! trait and naming collision): setters, redaction, forward-compatible enums and unions,
//! renamed collisions, per-operation inputs, exceptions and the static metadata.

use rboto::__private::schema::{self, Kind, Location};
use rboto::__private::{FromValue, IntoValue};
use rboto::Value;
use rboto_kitchen_sink::input::{
    PutEverythingInput as Everything, Shared1Input, Shared2Input, TypeInput,
};
use rboto_kitchen_sink::types::{Choice, InstanceType, ResultShape};
use rboto_kitchen_sink::Exception;

#[test]
fn sensitive_members_are_redacted_in_debug() {
    let e = Everything::default()
        .name("visible-name")
        .secret("hunter2")
        .password("pa55word")
        .choice(Choice::Secret("s3cr3t".into()));
    let shown = format!("{e:?}");
    assert!(shown.contains("visible-name"), "{shown}");
    for secret in ["hunter2", "pa55word", "s3cr3t"] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    assert!(shown.contains(rboto::types::REDACTED));
    assert_eq!(format!("{:?}", Choice::Text("ok".into())), "Text(\"ok\")");
}

#[test]
fn enums_are_forward_compatible() {
    assert_eq!(InstanceType::from("t2.micro"), InstanceType::T2Micro);
    assert_eq!(InstanceType::T2Micro.as_str(), "t2.micro");
    // Values differing only by case stay distinct, and the real value "unknown" keeps its own
    // variant instead of the catch-all.
    assert_ne!(InstanceType::from("ab"), InstanceType::from("AB"));
    assert_eq!(InstanceType::from("unknown"), InstanceType::UnknownValue);
    let future = InstanceType::from("z99.mega");
    // Only the SDK makes an `Unknown`, from a value that has no variant.
    assert!(
        matches!(&future, InstanceType::Unknown(v) if v.as_str() == "z99.mega"),
        "{future:?}"
    );
    assert_ne!(future, InstanceType::T2Micro);
    assert_eq!(future.as_str(), "z99.mega");
    assert_eq!(InstanceType::VALUES.len(), 9);
    for v in InstanceType::VALUES {
        assert_eq!(InstanceType::from(*v).as_str(), *v);
    }
    assert_eq!(
        InstanceType::from_value(Value::Str("t2.micro".into())),
        Ok(InstanceType::T2Micro)
    );
}

#[test]
fn values_round_trip_through_the_protocol_tree() {
    let original = Everything::default()
        .name("n")
        .type_(InstanceType::AwsKms)
        .self_(-3)
        .send_(7)
        .default_(42)
        .match_(1 << 40)
        .float(1.5)
        .flag(true)
        .data("bytes")
        .when(rboto::DateTime::from_secs(1_700_000_000))
        .choice(Choice::Number(5))
        .tags([("k".to_string(), "v".to_string())])
        .items(vec!["a".to_string(), "b".to_string()])
        .nested(
            ResultShape::default()
                .inner(ResultShape::default().peers(vec![ResultShape::default()])),
        );
    let value = original.clone().into_value();
    let back = Everything::from_value(value).expect("round trip");
    // Inputs have no `PartialEq`; nothing here is sensitive, so `Debug` shows every member.
    assert_eq!(format!("{back:?}"), format!("{original:?}"));
    // Absent stays distinguishable from empty.
    assert_eq!(back.secret, None);
    let empty = Everything::default().items(Vec::<String>::new());
    assert_eq!(
        Everything::from_value(empty.clone().into_value())
            .unwrap()
            .items,
        Some(vec![])
    );
}

#[test]
fn unions_keep_unknown_members_apart() {
    // The model's member named `Unknown` does not collide with the catch-all.
    let v = Choice::UnknownMember(ResultShape::default()).into_value();
    assert!(matches!(
        Choice::from_value(v),
        Ok(Choice::UnknownMember(_))
    ));
    let none_set = Value::Struct(vec![None, None, None, None]);
    assert_eq!(Choice::from_value(none_set), Ok(Choice::Unknown));
}

#[test]
fn collisions_and_shared_inputs_get_their_own_names() {
    // `Type` is a keyword operation; `Option`, `Result` and `Error` shapes are renamed.
    let _: TypeInput = TypeInput::default();
    let _: rboto_kitchen_sink::types::ResultShape = ResultShape::default();
    let _: rboto_kitchen_sink::error::OptionShape =
        rboto_kitchen_sink::error::OptionShape::default();
    // One input shape used by two operations becomes two input types.
    let a = Shared1Input::default().value("x");
    let b = Shared2Input::default().value("x");
    assert_eq!(a.value, b.value);
    assert_eq!(
        <Shared1Input as rboto::OperationInput>::operation().name,
        "Shared1"
    );
    assert_eq!(
        <Shared2Input as rboto::OperationInput>::operation().name,
        "Shared2"
    );
}

#[test]
fn exceptions_carry_codes_and_traits() {
    let svc = rboto_kitchen_sink::schema::SERVICE.get();
    let names: Vec<&str> = svc.errors.iter().map(|s| s.name).collect();
    assert_eq!(names, ["Error", "ThrottledException", "Option"]);
    let throttled = svc.errors[1];
    assert!(throttled.has(schema::THROTTLING) && throttled.has(schema::RETRYABLE));
    assert_eq!(
        throttled.error.map(|e| (e.code, e.status)),
        Some(("Throttled", 429))
    );
    assert!(svc.errors[0].has(schema::SENDER_FAULT));
    let e = <Exception as rboto::ModeledError>::from_modeled(
        1,
        Value::Struct(vec![Some(Value::Str("slow".into()))]),
    )
    .expect("modeled");
    assert_eq!(e.code(), "Throttled");
    match e {
        Exception::ThrottledException(t) => assert_eq!(t.message.as_deref(), Some("slow")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn static_metadata_carries_every_trait() {
    let op = rboto_kitchen_sink::schema::SERVICE.operation("PutEverything");
    assert_eq!(op.host_prefix, Some("{Name}-data."));
    assert!(op.has(schema::REQUEST_CHECKSUM_REQUIRED));
    assert_eq!(op.auth, ["aws.auth#sigv4"]);
    assert_eq!(op.errors, [0, 1, 2]);
    assert_eq!(op.static_context_params.len(), 2);
    assert!(rboto_kitchen_sink::schema::SERVICE
        .operation("Type")
        .has(schema::NO_AUTH));
    assert!(rboto_kitchen_sink::schema::SERVICE
        .operation("Shared1")
        .has(schema::OP_DEPRECATED));
    assert!(rboto_kitchen_sink::schema::SERVICE
        .operation("Shared2")
        .has(schema::UNSIGNED_PAYLOAD));

    let members = op.input.members();
    let get = |n: &str| {
        members
            .iter()
            .find(|m| m.name == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    let name = get("Name");
    assert!(name.has(schema::REQUIRED) && name.has(schema::HOST_LABEL));
    assert_eq!(name.context_param, Some("Bucket"));
    assert!(get("Password").is_sensitive() && get("Secret").is_sensitive());
    assert!(get("Token").has(schema::IDEMPOTENCY_TOKEN));
    assert!(get("Policy").has(schema::JSON_VALUE));
    assert!(get("Flag").has(schema::DEPRECATED));
    assert_eq!(
        get("When").timestamp_format(),
        Some(schema::TimestampFormat::Iso8601)
    );
    assert_eq!(
        get("WhenEpoch").timestamp_format(),
        Some(schema::TimestampFormat::UnixTimestamp)
    );
    let items = get("Items");
    assert!(items.has(schema::FLATTENED));
    assert_eq!(items.location_name, Some("Item"));
    let q = get("QueryNamed");
    assert_eq!(q.query_name, Some("QN"));
    assert!(q.has(schema::XML_ATTRIBUTE));
    assert_eq!(
        q.xml_namespace.map(|n| (n.prefix, n.uri)),
        Some((Some("ex"), "https://example.com/ns"))
    );
    assert_eq!(q.location, Location::Body);
    assert!(matches!(get("Choice").target().kind, Kind::Union(m) if m.len() == 4));
    assert!(
        matches!(get("Doc").target().kind, Kind::Document)
            || get("Doc").target().has(schema::DOCUMENT)
    );
    assert!(
        matches!(get("Tags").target().kind, Kind::Map(k, v) if k.location_name == Some("K") && v.location_name == Some("V"))
    );
    assert!(get("Tags").target().has(schema::SHAPE_FLATTENED));
    // Recursive structures are expressed through statics that point at each other.
    let nested = get("Nested").target();
    assert!(std::ptr::eq(nested.members()[0].target(), nested));
}
