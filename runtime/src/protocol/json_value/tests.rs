use super::*;
use crate::schema::{prelude as p, Member, Shape};

static POLICY_LIST: Shape = Shape::list("Policies", &LIST_ITEM);
static LIST_ITEM: Member = Member::new("member", &p::STRING).with(JSON_VALUE);
static INPUT: Shape = Shape::structure(
    "Input",
    &[
        Member::new("Policy", &p::STRING).with(JSON_VALUE),
        Member::new("Name", &p::STRING),
        Member::new("Policies", &POLICY_LIST),
    ],
);

fn doc(text: &str) -> Value {
    Value::Document(Document::from_json(serde_json::from_str(text).unwrap()))
}

#[test]
fn documents_become_compact_json_text_and_back() {
    let mut v = Value::Struct(vec![
        Some(doc(r#"{"a": [1, true, null], "b": "x"}"#)),
        Some(Value::Str("{not json}".into())),
        Some(Value::List(vec![doc("[1]"), doc(r#""s""#)])),
    ]);
    to_text(&INPUT, &mut v).unwrap();
    let Value::Struct(slots) = &v else { panic!() };
    assert!(matches!(&slots[0], Some(Value::Str(s)) if s == r#"{"a":[1,true,null],"b":"x"}"#));
    // A plain string member is never touched, JSON-looking or not.
    assert!(matches!(&slots[1], Some(Value::Str(s)) if s == "{not json}"));
    assert!(
        matches!(&slots[2], Some(Value::List(l)) if matches!(&l[1], Value::Str(s) if s == r#""s""#))
    );

    to_documents(&INPUT, &mut v).unwrap();
    let Value::Struct(slots) = &v else { panic!() };
    let Some(Value::Document(d)) = &slots[0] else {
        panic!("{slots:?}")
    };
    assert_eq!(
        d.to_json(),
        serde_json::json!({"a": [1, true, null], "b": "x"})
    );
    assert!(matches!(&slots[1], Some(Value::Str(s)) if s == "{not json}"));
}

#[test]
fn invalid_json_text_is_a_parse_error_naming_the_member() {
    let mut v = Value::Struct(vec![Some(Value::Str("{\"secret\": ".into())), None, None]);
    let e = to_documents(&INPUT, &mut v).unwrap_err();
    assert!(
        e.0.contains("Policy") && e.0.contains("not valid JSON"),
        "{e}"
    );
    assert!(!e.0.contains("secret"), "{e}");
}

#[test]
fn only_shapes_reaching_a_jsonvalue_member_are_walked() {
    static PLAIN: Shape = Shape::structure("Plain", &[Member::new("Name", &p::STRING)]);
    static OUTER: Shape = Shape::structure("Outer", &[Member::new("Inner", &INPUT)]);
    assert!(holds_json_value(&INPUT));
    assert!(holds_json_value(&OUTER));
    assert!(holds_json_value(&POLICY_LIST));
    assert!(!holds_json_value(&PLAIN));
    // Asked again: the remembered answer.
    assert!(!holds_json_value(&PLAIN));
}
