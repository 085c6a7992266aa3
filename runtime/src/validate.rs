//! Parameter validation before any I/O: every missing required member is named, with its path.

use crate::schema::{Kind, Shape, REQUIRED};
use crate::value::Value;

/// Checks `value` against `shape`; returns every problem found, or an empty list.
pub fn validate(shape: &'static Shape, value: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    walk(shape, value, shape.name, &mut problems, 0);
    problems
}

// Recursive shapes are finite in value but a hostile depth should not blow the stack.
const MAX_DEPTH: usize = 64;

fn walk(shape: &'static Shape, value: &Value, path: &str, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match (&shape.kind, value) {
        (Kind::Structure(members), Value::Struct(values)) => {
            for (i, m) in members.iter().enumerate() {
                match values.get(i).and_then(Option::as_ref) {
                    None if m.has(REQUIRED) => {
                        out.push(format!("missing required parameter {path}.{}", m.name))
                    }
                    None => {}
                    Some(v) => walk(m.target(), v, &format!("{path}.{}", m.name), out, depth + 1),
                }
            }
        }
        (Kind::Union(members), Value::Struct(values)) => {
            let set: Vec<usize> = (0..values.len()).filter(|&i| values[i].is_some()).collect();
            if set.len() != 1 {
                out.push(format!(
                    "{path} must have exactly one member set, found {}",
                    set.len()
                ));
            }
            for i in set {
                if let (Some(m), Some(Some(v))) = (members.get(i), values.get(i)) {
                    walk(m.target(), v, &format!("{path}.{}", m.name), out, depth + 1);
                }
            }
        }
        (Kind::List(member), Value::List(items)) => {
            for (i, v) in items.iter().enumerate() {
                walk(member.target(), v, &format!("{path}[{i}]"), out, depth + 1);
            }
        }
        (Kind::Map(_, member), Value::Map(entries)) => {
            for (k, v) in entries {
                walk(
                    member.target(),
                    v,
                    &format!("{path}[{k:?}]"),
                    out,
                    depth + 1,
                );
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Kind, Member};

    static STR: Shape = Shape::scalar("S", Kind::String);
    static INNER: Shape = Shape::structure("Inner", &[Member::new("Name", &STR).with(REQUIRED)]);
    static LIST: Shape = Shape::list("L", &Member::item(&INNER));
    static OUTER: Shape = Shape::structure(
        "Outer",
        &[
            Member::new("Bucket", &STR).with(REQUIRED),
            Member::new("Items", &LIST),
        ],
    );

    #[test]
    fn names_every_missing_member_with_its_path() {
        let v = Value::Struct(vec![
            None,
            Some(Value::List(vec![Value::Struct(vec![None])])),
        ]);
        assert_eq!(
            validate(&OUTER, &v),
            vec![
                "missing required parameter Outer.Bucket".to_string(),
                "missing required parameter Outer.Items[0].Name".to_string()
            ]
        );
    }
}
