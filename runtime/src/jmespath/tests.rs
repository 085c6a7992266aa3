use super::*;
use crate::schema::{prelude, Member};

static NAMES: Shape = Shape::list("Names", &NAME_ITEM);
static NAME_ITEM: Member = Member::item(&prelude::STRING);
static STATE: Shape = Shape::structure(
    "State",
    &[
        Member::new("Name", &prelude::STRING),
        Member::new("Code", &prelude::INTEGER),
    ],
);
static INSTANCE: Shape = Shape::structure(
    "Instance",
    &[
        Member::new("Id", &prelude::STRING),
        Member::new("State", &STATE),
        Member::new("Tags", &NAMES),
    ],
);
static INSTANCE_ITEM: Member = Member::item(&INSTANCE);
static INSTANCES: Shape = Shape::list("Instances", &INSTANCE_ITEM);
static RESERVATION: Shape =
    Shape::structure("Reservation", &[Member::new("Instances", &INSTANCES)]);
static RES_ITEM: Member = Member::item(&RESERVATION);
static RESERVATIONS: Shape = Shape::list("Reservations", &RES_ITEM);
static MAP_KEY: Member = Member::item(&prelude::STRING);
static MAP_VAL: Member = Member::item(&STATE);
static ATTRS: Shape = Shape::map("Attrs", &MAP_KEY, &MAP_VAL);
static OUTPUT: Shape = Shape::structure(
    "Output",
    &[
        Member::new("Reservations", &RESERVATIONS),
        Member::new("NextToken", &prelude::STRING),
        Member::new("Status", &prelude::STRING),
        Member::new("Attrs", &ATTRS),
        Member::new("Count", &prelude::INTEGER),
        Member::new("Truncated", &prelude::BOOLEAN),
        Member::new("Empty", &NAMES),
    ],
);

fn s(x: &str) -> Value {
    Value::Str(x.into())
}
fn instance(id: &str, state: &str, code: i64) -> Value {
    Value::Struct(vec![
        Some(s(id)),
        Some(Value::Struct(vec![Some(s(state)), Some(Value::Int(code))])),
        Some(Value::List(vec![s("a"), s("b")])),
    ])
}
fn output() -> Value {
    Value::Struct(vec![
        Some(Value::List(vec![
            Value::Struct(vec![Some(Value::List(vec![
                instance("i-1", "running", 16),
                instance("i-2", "pending", 0),
            ]))]),
            Value::Struct(vec![Some(Value::List(vec![instance(
                "i-3", "running", 16,
            )]))]),
        ])),
        Some(s("tok")),
        Some(s("ACTIVE")),
        Some(Value::Map(vec![(
            "Ver".into(),
            Value::Struct(vec![Some(s("Success")), None]),
        )])),
        Some(Value::Int(3)),
        Some(Value::Bool(false)),
        Some(Value::List(vec![])),
    ])
}
fn q(expr: &str) -> Json {
    search(expr, &output(), &OUTPUT).unwrap_or_else(|e| panic!("{expr}: {e}"))
}
fn j(text: &str) -> Json {
    Json::parse(text).unwrap()
}

#[test]
fn identifiers_and_subexpressions() {
    assert_eq!(q("Status"), j(r#""ACTIVE""#));
    assert_eq!(q("\"Status\""), j(r#""ACTIVE""#));
    assert_eq!(q("Missing"), Json::Null);
    assert_eq!(q("Status.Foo"), Json::Null);
    assert_eq!(
        q("Reservations[0].Instances[1].State.Name"),
        j(r#""pending""#)
    );
    assert_eq!(q("Attrs.Ver.Name"), j(r#""Success""#));
    assert_eq!(q("Attrs.Ver"), j(r#"{"Name":"Success"}"#));
    assert_eq!(q("@.Count"), j("3"));
}

#[test]
fn indexes() {
    assert_eq!(q("Reservations[-1].Instances[0].Id"), j(r#""i-3""#));
    assert_eq!(q("Reservations[5]"), Json::Null);
    assert_eq!(q("Reservations[-3]"), Json::Null);
    assert_eq!(q("Status[0]"), Json::Null);
}

#[test]
fn projections() {
    assert_eq!(
        q("Reservations[].Instances[].State.Name"),
        j(r#"["running","pending","running"]"#)
    );
    assert_eq!(
        q("Reservations[*].Instances[*].Id"),
        j(r#"[["i-1","i-2"],["i-3"]]"#)
    );
    assert_eq!(q("Reservations[].Instances[].Id | [1]"), j(r#""i-2""#));
    assert_eq!(q("Reservations[].Instances[].Nope"), j("[]"));
    assert_eq!(q("Attrs.*.Name"), j(r#"["Success"]"#));
    assert_eq!(q("Status[*]"), Json::Null);
    assert_eq!(q("Reservations[0].Instances[0].Tags[]"), j(r#"["a","b"]"#));
    assert_eq!(q("[Status, Count]"), j(r#"["ACTIVE",3]"#));
    assert_eq!(q("{s: Status, c: Count}"), j(r#"{"c":3,"s":"ACTIVE"}"#));
}

#[test]
fn filters_and_logic() {
    assert_eq!(
        q("Reservations[].Instances[?State.Name == 'running'].Id"),
        j(r#"[["i-1"],["i-3"]]"#)
    );
    assert_eq!(
        q("Reservations[].Instances[] | [?State.Code > `0`].Id"),
        j(r#"["i-1","i-3"]"#)
    );
    assert_eq!(q("NextToken || Status"), j(r#""tok""#));
    assert_eq!(q("Missing || Status"), j(r#""ACTIVE""#));
    assert_eq!(q("Empty || `\"x\"`"), j(r#""x""#));
    assert_eq!(q("Status && Count"), j("3"));
    assert_eq!(q("Truncated && Count"), j("false"));
    assert_eq!(q("!Truncated"), j("true"));
    assert_eq!(q("!(Count == `3` && Status != 'ACTIVE')"), j("true"));
    assert_eq!(q("Status != 'DELETING' && Status != 'STOPPING'"), j("true"));
}

#[test]
fn comparisons_and_literals() {
    assert_eq!(q("Count == `3`"), j("true"));
    assert_eq!(q("Count == `3.0`"), j("true"));
    assert_eq!(q("Count < `4`"), j("true"));
    assert_eq!(q("Count <= `3`"), j("true"));
    assert_eq!(q("Count > `3`"), j("false"));
    assert_eq!(q("Count >= `3`"), j("true"));
    assert_eq!(q("Status < `3`"), Json::Null);
    assert_eq!(q("`{\"a\": [1, true, null]}`"), j(r#"{"a":[1,true,null]}"#));
    assert_eq!(q("'it\\'s'"), j(r#""it's""#));
    assert_eq!(q("`foo`"), j(r#""foo""#));
    assert_eq!(
        q("Attrs == `{\"Ver\": {\"Name\": \"Success\"}}`"),
        j("true")
    );
}

#[test]
fn functions() {
    assert_eq!(q("length(Reservations[].Instances[])"), j("3"));
    assert_eq!(q("length(Status)"), j("6"));
    assert_eq!(q("length(Attrs)"), j("1"));
    assert_eq!(q("length(Empty) == `0`"), j("true"));
    assert_eq!(
        q("contains(Reservations[].Instances[].Id, 'i-2')"),
        j("true")
    );
    assert_eq!(q("contains(Status, 'TIV')"), j("true"));
    assert_eq!(q("starts_with(Status, 'AC')"), j("true"));
    assert_eq!(q("not_null(Missing, Count)"), j("3"));
    assert_eq!(q("max(Reservations[].Instances[].State.Code)"), j("16"));
    assert_eq!(q("sum(Reservations[].Instances[].State.Code)"), j("32"));
    assert_eq!(q("keys(Attrs)"), j(r#"["Ver"]"#));
    assert_eq!(q("type(Count)"), j(r#""number""#));
    assert!(search("length(Count)", &output(), &OUTPUT).is_err());
    assert_eq!(
        q("length(Reservations) > `0` && length(Reservations[?!(length(Instances) == `1` && Instances[0].Id == 'i-9')]) == length(Reservations)"),
        j("true")
    );
}

#[test]
fn parse_errors_are_errors() {
    for bad in [
        "", "a.", "a[", "a[0", "[?a", "a ==", "foo(", "nope(a)", "length()", "a[1:2]", "&a",
        "'open", "`open", "\"open", "a = b", "a..b", "((((((", "a[?]", "#", "-",
    ] {
        assert!(Expression::parse(bad).is_err(), "{bad:?} should not parse");
    }
    let deep = format!("{}a{}", "(".repeat(500), ")".repeat(500));
    assert!(Expression::parse(&deep).is_err());
    let deep = "!".repeat(5000);
    assert!(Expression::parse(&deep).is_err());
}

#[test]
fn json_round_trips_to_values() {
    let v = Json::from_value(&output(), &OUTPUT);
    let back = v.to_value(&OUTPUT).unwrap();
    assert_eq!(Json::from_value(&back, &OUTPUT), v);
    assert_eq!(
        Json::Int(10)
            .to_value(&prelude::STRING)
            .unwrap()
            .type_name(),
        "string"
    );
    assert!(Json::Null.to_value(&prelude::STRING).is_err());
    assert!(Json::Bool(true).to_value(&prelude::INTEGER).is_err());
    assert_eq!(v.get("Status"), Some(&j(r#""ACTIVE""#)));
    assert_eq!(
        j(r#"{"a":"x\"y","b":[1,2.5,null]}"#).to_string(),
        r#"{"a":"x\"y","b":[1,2.5,null]}"#
    );
}

#[test]
fn search_json_and_paths() {
    let data = j(r#"{"a":{"b":[{"c":1},{"c":2}]}}"#);
    let e = Expression::parse("a.b[].c").unwrap();
    assert_eq!(e.search_json(&data).unwrap(), j("[1,2]"));
    assert_eq!(
        Expression::parse("a.b.c").unwrap().as_path(),
        Some(vec!["a", "b", "c"])
    );
    assert_eq!(e.as_path(), None);
}

/// Every expression in the vendored models' paginators and waiters parses; with
/// `RBOTO_BOTOCORE_DATA` (botocore's `data/` folder) set, every service's newest version too.
#[test]
fn parses_every_model_expression() {
    use std::path::{Path, PathBuf};
    fn collect(v: &serde_json::Value, out: &mut Vec<String>) {
        let strs = |x: Option<&serde_json::Value>, out: &mut Vec<String>| match x {
            Some(serde_json::Value::String(s)) => out.push(s.clone()),
            Some(serde_json::Value::Array(a)) => {
                out.extend(a.iter().filter_map(|s| s.as_str().map(str::to_string)))
            }
            _ => {}
        };
        for p in v
            .get("pagination")
            .and_then(|p| p.as_object())
            .into_iter()
            .flatten()
        {
            for k in [
                "output_token",
                "result_key",
                "more_results",
                "non_aggregate_keys",
            ] {
                strs(p.1.get(k), out);
            }
        }
        for w in v
            .get("waiters")
            .and_then(|p| p.as_object())
            .into_iter()
            .flatten()
        {
            for a in
                w.1.get("acceptors")
                    .and_then(|a| a.as_array())
                    .into_iter()
                    .flatten()
            {
                strs(a.get("argument"), out);
            }
        }
    }
    let mut dirs: Vec<PathBuf> = Vec::new();
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models");
    for e in std::fs::read_dir(&models).into_iter().flatten().flatten() {
        dirs.push(e.path());
    }
    if let Ok(data) = std::env::var("RBOTO_BOTOCORE_DATA") {
        for e in std::fs::read_dir(data).expect("botocore data").flatten() {
            let mut versions: Vec<PathBuf> = std::fs::read_dir(e.path())
                .into_iter()
                .flatten()
                .flatten()
                .map(|v| v.path())
                .filter(|p| p.is_dir())
                .collect();
            versions.sort();
            dirs.extend(versions.pop());
        }
    }
    let mut exprs = Vec::new();
    for d in &dirs {
        for f in ["paginators-1.json", "waiters-2.json"] {
            if let Ok(text) = std::fs::read_to_string(d.join(f)) {
                collect(
                    &serde_json::from_str(&text).expect("model JSON"),
                    &mut exprs,
                );
            }
        }
    }
    exprs.sort();
    exprs.dedup();
    let failed: Vec<String> = exprs
        .iter()
        .filter_map(|e| Expression::parse(e).err().map(|err| format!("{e}: {err}")))
        .collect();
    eprintln!(
        "{} distinct expressions from {} model folders, {} parse",
        exprs.len(),
        dirs.len(),
        exprs.len() - failed.len()
    );
    assert!(failed.is_empty(), "{failed:#?}");
    // Evaluating never panics, whatever the data.
    for e in &exprs {
        let e = Expression::parse(e).unwrap();
        let _ = e.search(&output(), &OUTPUT);
        let _ = e.search_json(&Json::Null);
        let _ = e.search_json(&j(r#"{"a":[1,{"b":null}],"Status":"x"}"#));
    }
}
