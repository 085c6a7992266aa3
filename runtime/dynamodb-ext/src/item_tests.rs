//! Items through serde: exact attribute values written, read back, and the errors on the way.

use crate::{
    from_attribute_value, from_item, to_attribute_value, to_item, Binary, BinarySet, Number,
    NumberSet, StringSet,
};
use rboto::Blob;
use rboto_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

fn s(v: &str) -> AttributeValue {
    AttributeValue::default().s(v)
}
fn n(v: &str) -> AttributeValue {
    AttributeValue::default().n(v)
}
fn m(pairs: Vec<(&str, AttributeValue)>) -> AttributeValue {
    AttributeValue::default().m(pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect::<HashMap<_, _>>())
}
fn null() -> AttributeValue {
    AttributeValue::default().null(true)
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum Status {
    Open,
    Held(String),
    Moved { to: String },
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Line {
    sku: String,
    qty: u16,
    price: f64,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Order {
    id: u64,
    balance: i64,
    exact: Number,
    active: bool,
    note: Option<String>,
    tags: StringSet,
    scores: NumberSet,
    blobs: BinarySet,
    raw: Binary,
    lines: Vec<Line>,
    attrs: BTreeMap<String, i32>,
    status: Status,
    held: Status,
    moved: Status,
    unit: (),
}

fn order() -> Order {
    Order {
        id: u64::MAX,
        balance: -42,
        exact: Number::new("12345678901234567890123456789012345678").unwrap(),
        active: true,
        note: None,
        tags: StringSet::from_iter(["b", "a"]),
        scores: NumberSet::from_iter([3, 1]),
        blobs: BinarySet::from_iter([vec![0u8, 1], vec![255]]),
        raw: Binary(vec![0, 159, 146, 150]),
        lines: vec![Line {
            sku: "x-1".into(),
            qty: 2,
            price: 0.1,
        }],
        attrs: BTreeMap::from([("k".to_string(), 7)]),
        status: Status::Open,
        held: Status::Held("audit".into()),
        moved: Status::Moved { to: "eu".into() },
        unit: (),
    }
}

#[test]
fn an_item_is_written_as_boto3_types_and_read_back() {
    let item = to_item(&order()).unwrap();
    let expected = HashMap::from([
        ("id".to_string(), n("18446744073709551615")),
        ("balance".to_string(), n("-42")),
        (
            "exact".to_string(),
            n("12345678901234567890123456789012345678"),
        ),
        ("active".to_string(), AttributeValue::default().bool(true)),
        ("note".to_string(), null()),
        (
            "tags".to_string(),
            AttributeValue::default().ss(vec!["a".to_string(), "b".to_string()]),
        ),
        (
            "scores".to_string(),
            AttributeValue::default().ns(vec!["1".to_string(), "3".to_string()]),
        ),
        (
            "blobs".to_string(),
            AttributeValue::default().bs(vec![Blob::new(vec![0u8, 1]), Blob::new(vec![255u8])]),
        ),
        (
            "raw".to_string(),
            AttributeValue::default().b(Blob::new(vec![0u8, 159, 146, 150])),
        ),
        (
            "lines".to_string(),
            AttributeValue::default().l(vec![m(vec![
                ("sku", s("x-1")),
                ("qty", n("2")),
                ("price", n("0.1")),
            ])]),
        ),
        ("attrs".to_string(), m(vec![("k", n("7"))])),
        ("status".to_string(), s("Open")),
        ("held".to_string(), m(vec![("Held", s("audit"))])),
        (
            "moved".to_string(),
            m(vec![("Moved", m(vec![("to", s("eu"))]))]),
        ),
        ("unit".to_string(), null()),
    ]);
    assert_eq!(item, expected);
    let back: Order = from_item(item).unwrap();
    assert_eq!(back, order());
}

#[test]
fn errors_name_the_member_path() {
    #[derive(Serialize)]
    struct Outer {
        orders: Vec<Line>,
    }
    let outer = Outer {
        orders: vec![
            Line {
                sku: "a".into(),
                qty: 1,
                price: 1.0,
            },
            Line {
                sku: "b".into(),
                qty: 1,
                price: 2.0,
            },
            Line {
                sku: "c".into(),
                qty: 1,
                price: f64::INFINITY,
            },
        ],
    };
    let err = to_item(&outer).unwrap_err();
    assert_eq!(err.path_string(), "orders[2].price");
    assert_eq!(
        err.to_string(),
        "orders[2].price: inf is not a number DynamoDB can store (Infinity and NaN are not supported)"
    );

    // Reading: an overflow deep inside, and a missing field.
    let item = HashMap::from([(
        "lines".to_string(),
        AttributeValue::default().l(vec![
            m(vec![("sku", s("a")), ("qty", n("1")), ("price", n("1"))]),
            m(vec![
                ("sku", s("b")),
                ("qty", n("70000")),
                ("price", n("1")),
            ]),
        ]),
    )]);
    #[derive(Debug, Deserialize)]
    struct Lines {
        #[allow(dead_code)]
        lines: Vec<Line>,
    }
    let err = from_item::<Lines>(item).unwrap_err();
    assert_eq!(
        err.to_string(),
        "lines[1].qty: number 70000 does not fit in u16 (0 to 65535)"
    );
    let item = HashMap::from([(
        "lines".to_string(),
        AttributeValue::default().l(vec![m(vec![("sku", s("a")), ("qty", n("1"))])]),
    )]);
    assert_eq!(
        from_item::<Lines>(item).unwrap_err().to_string(),
        "lines[0]: missing field `price`"
    );
}

#[test]
fn empty_sets_are_rejected_as_in_boto3() {
    #[derive(Serialize)]
    struct Tagged {
        tags: StringSet,
    }
    let err = to_item(&Tagged {
        tags: StringSet::default(),
    })
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "tags: an empty set cannot be stored: DynamoDB has no empty SS"
    );
    assert!(to_attribute_value(&NumberSet::default()).is_err());
    assert!(to_attribute_value(&BinarySet::default()).is_err());
}

#[test]
fn type_mismatches_name_types_not_contents() {
    #[derive(Debug, Deserialize)]
    struct Secretive {
        #[allow(dead_code)]
        pin: u32,
    }
    let err =
        from_item::<Secretive>(HashMap::from([("pin".to_string(), s("hunter2"))])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "pin: invalid type: a string (S), expected u32"
    );
    assert!(!format!("{err:?}").contains("hunter2"));
    // A set where a list of strings would do is accepted; a string set newtype wants SS.
    let v: Vec<String> =
        from_attribute_value(AttributeValue::default().ss(vec!["x".into()])).unwrap();
    assert_eq!(v, ["x"]);
    let err =
        from_attribute_value::<StringSet>(AttributeValue::default().l(vec![s("x")])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid type: a list (L), expected a string set (SS)"
    );
}

#[test]
fn numbers_read_into_any_width_and_exactly_into_number() {
    assert_eq!(from_attribute_value::<i8>(n("-128")).unwrap(), -128);
    assert_eq!(
        from_attribute_value::<u128>(n("1E+30")).unwrap(),
        10u128.pow(30)
    );
    assert_eq!(from_attribute_value::<f32>(n("0.5")).unwrap(), 0.5);
    assert_eq!(
        from_attribute_value::<Number>(n("3.14159265358979323846264338327950288"))
            .unwrap()
            .as_str(),
        "3.14159265358979323846264338327950288"
    );
    assert_eq!(
        from_attribute_value::<i32>(n("2.5"))
            .unwrap_err()
            .to_string(),
        "number 2.5 has a fraction; i32 holds whole numbers only"
    );
    // u128 beyond 38 digits: DynamoDB could not store it, so writing fails.
    assert!(to_attribute_value(&u128::MAX).is_err());
    assert_eq!(to_attribute_value(&-0.0f64).unwrap(), n("-0.0"));
}

#[test]
fn malformed_attribute_values_are_errors() {
    assert_eq!(
        from_attribute_value::<String>(AttributeValue::default())
            .unwrap_err()
            .to_string(),
        "attribute value has no type set"
    );
    assert_eq!(
        from_attribute_value::<String>(AttributeValue::default().s("a").n("1"))
            .unwrap_err()
            .to_string(),
        "attribute value has 2 types set (S, N); exactly one is allowed"
    );
    assert_eq!(
        to_item(&5).unwrap_err().to_string(),
        "an item must serialize to a map (a struct or map), not N"
    );
}

#[test]
fn vec_u8_reads_from_binary_and_options_from_null() {
    let bytes: Vec<u8> =
        from_attribute_value(AttributeValue::default().b(Blob::new(vec![1u8, 2]))).unwrap();
    assert_eq!(bytes, [1, 2]);
    let none: Option<u8> = from_attribute_value(null()).unwrap();
    assert_eq!(none, None);
    let some: Option<u8> = from_attribute_value(n("9")).unwrap();
    assert_eq!(some, Some(9));
    // A field missing from the item reads as None.
    #[derive(Debug, Deserialize, PartialEq)]
    struct Maybe {
        a: Option<String>,
    }
    assert_eq!(
        from_item::<Maybe>(HashMap::new()).unwrap(),
        Maybe { a: None }
    );
}
