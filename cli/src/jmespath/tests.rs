//! Cases from the JMESPath specification's compliance suite and jmespath.py's behaviour.

use super::Expression;
use serde_json::{json, Value};

fn q(expr: &str, data: &Value) -> Value {
    Expression::parse(expr)
        .unwrap_or_else(|e| panic!("{expr}: {e}"))
        .search(data)
        .unwrap_or_else(|e| panic!("{expr}: {e}"))
}

#[test]
fn basics_and_projections() {
    let d =
        json!({"foo": {"bar": [{"a": 1, "b": 2}, {"a": 3}, {"c": 4}]}, "n": [0, 1, 2, 3, 4, 5]});
    assert_eq!(q("foo.bar[0].a", &d), json!(1));
    assert_eq!(q("foo.bar[-1]", &d), json!({"c": 4}));
    assert_eq!(q("foo.bar[*].a", &d), json!([1, 3]));
    assert_eq!(q("foo.bar[].a", &d), json!([1, 3]));
    assert_eq!(q("foo.*.a", &d), json!([]));
    assert_eq!(q("foo.bar[?a > `1`].a", &d), json!([3]));
    assert_eq!(q("foo.bar[?a == `1`] | [0].b", &d), json!(2));
    assert_eq!(q("n[1:3]", &d), json!([1, 2]));
    assert_eq!(q("n[::-2]", &d), json!([5, 3, 1]));
    assert_eq!(q("n[-2:]", &d), json!([4, 5]));
    assert_eq!(q("n[:10:4]", &d), json!([0, 4]));
    assert_eq!(q("missing.x", &d), Value::Null);
    assert_eq!(q("foo.bar[0].[a, b]", &d), json!([1, 2]));
    assert_eq!(q("`[[1, 2], [3]]`[]", &d), json!([1, 2, 3]));
    assert_eq!(q("n[?@ > `3`]", &d), json!([4, 5]));
    assert_eq!(q("'raw' || foo", &d), json!("raw"));
    assert_eq!(q("!foo", &d), json!(false));
    assert_eq!(q("foo && n[0]", &d), json!(0));
    assert_eq!(q("\"foo\".\"bar\"[1].a", &d), json!(3));
}

#[test]
fn multiselect_hash_keeps_expression_order() {
    let d = json!({"b": 1, "a": 2});
    let v = q("{z: b, a: a}", &d);
    assert_eq!(v.to_string(), r#"{"z":1,"a":2}"#);
    // object projections keep the data's order
    assert_eq!(q("*", &d), json!([1, 2]));
    assert_eq!(
        q("merge(@, `{\"a\": 3, \"c\": 4}`)", &d).to_string(),
        r#"{"b":1,"a":3,"c":4}"#
    );
}

#[test]
fn functions() {
    let d = json!({
        "people": [{"name": "b", "age": 30}, {"name": "a", "age": 20}, {"name": "c", "age": 40}],
        "s": "hello", "nums": [1, 2.5, 3]
    });
    assert_eq!(
        q("sort_by(people, &age)[].name", &d),
        json!(["a", "b", "c"])
    );
    assert_eq!(q("max_by(people, &age).name", &d), json!("c"));
    assert_eq!(q("min_by(people, &name).age", &d), json!(20));
    assert_eq!(q("sort(people[].name)", &d), json!(["a", "b", "c"]));
    assert_eq!(q("join(', ', people[].name)", &d), json!("b, a, c"));
    assert_eq!(q("length(s)", &d), json!(5));
    assert_eq!(q("reverse(s)", &d), json!("olleh"));
    assert_eq!(q("sum(nums)", &d), json!(6.5));
    assert_eq!(q("sum(people[].age)", &d), json!(90));
    assert_eq!(q("avg(people[].age)", &d), json!(30.0));
    assert_eq!(q("map(&name, people)", &d), json!(["b", "a", "c"]));
    assert_eq!(q("contains(people[].name, 'a')", &d), json!(true));
    assert_eq!(q("starts_with(s, 'he')", &d), json!(true));
    assert_eq!(q("to_string(nums)", &d), json!("[1,2.5,3]"));
    assert_eq!(q("to_number('12')", &d), json!(12));
    assert_eq!(q("ceil(`1.2`)", &d), json!(2));
    assert_eq!(q("floor(`1.8`)", &d), json!(1));
    assert_eq!(q("not_null(missing, s)", &d), json!("hello"));
    assert_eq!(q("type(people)", &d), json!("array"));
    assert_eq!(q("keys(people[0])", &d), json!(["name", "age"]));
    assert_eq!(q("to_array(s)", &d), json!(["hello"]));
    assert_eq!(q("length(people[?age > `25`])", &d), json!(2));
}

#[test]
fn errors() {
    assert!(Expression::parse("foo[").is_err());
    assert!(Expression::parse("foo.").is_err());
    assert!(Expression::parse("\"foo\"(bar)").is_err());
    assert!(Expression::parse("a[1:2:3:4]").is_err());
    let e = Expression::parse("length(`1`)")
        .unwrap()
        .search(&json!({}))
        .unwrap_err();
    assert_eq!(
        e.message,
        "In function length(), invalid type for value: 1, expected one of: ['string', 'array', 'object'], received: \"number\""
    );
    assert!(Expression::parse("nope(@)")
        .unwrap()
        .search(&json!({}))
        .is_err());
}

/// Expressions a user types with `--query`, evaluated by jmespath.py (the AWS CLI's) on the
/// same data: results must match, key order included.
#[test]
fn matches_jmespath_py() {
    let file: Value = serde_json::from_str(include_str!("py_cases.json")).unwrap();
    let data = &file["data"];
    let mut checked = 0;
    for case in file["cases"].as_array().unwrap() {
        let expr = case[0].as_str().unwrap();
        let got = q(expr, data);
        assert_eq!(got.to_string(), case[1].to_string(), "{expr}");
        checked += 1;
    }
    assert_eq!(checked, 30);
}
