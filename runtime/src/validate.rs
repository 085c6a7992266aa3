//! Parameter validation before any I/O: every missing required member is named, with its path.

use crate::schema::{Kind, Shape, REQUIRED};
use crate::value::Value;
use std::fmt;

/// Checks `value` against `shape`; returns every problem found, or an empty list.
pub fn validate(shape: &'static Shape, value: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    walk(shape, value, &Path::Root(shape.name), &mut problems, 0);
    problems
}

// Recursive shapes are finite in value but a hostile depth should not blow the stack.
const MAX_DEPTH: usize = 64;

/// Where a value sits in the input, written out only for a problem: formatting the path of
/// every member of every call cost more than the checks themselves.
enum Path<'a> {
    Root(&'static str),
    Member(&'a Path<'a>, &'static str),
    Index(&'a Path<'a>, usize),
    Key(&'a Path<'a>, &'a str),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root(name) => f.write_str(name),
            Path::Member(up, name) => write!(f, "{up}.{name}"),
            Path::Index(up, i) => write!(f, "{up}[{i}]"),
            Path::Key(up, k) => write!(f, "{up}[{k:?}]"),
        }
    }
}

fn walk(
    shape: &'static Shape,
    value: &Value,
    path: &Path<'_>,
    out: &mut Vec<String>,
    depth: usize,
) {
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
                    Some(v) => walk(m.target(), v, &Path::Member(path, m.name), out, depth + 1),
                }
            }
        }
        (Kind::Union(members), Value::Struct(values)) => {
            let set = values.iter().filter(|v| v.is_some()).count();
            if set != 1 {
                out.push(format!(
                    "{path} must have exactly one member set, found {set}"
                ));
            }
            for (m, v) in members.iter().zip(values) {
                if let Some(v) = v {
                    walk(m.target(), v, &Path::Member(path, m.name), out, depth + 1);
                }
            }
        }
        (Kind::List(member), Value::List(items)) => {
            for (i, v) in items.iter().enumerate() {
                walk(member.target(), v, &Path::Index(path, i), out, depth + 1);
            }
        }
        (Kind::Map(_, member), Value::Map(entries)) => {
            for (k, v) in entries {
                walk(member.target(), v, &Path::Key(path, k), out, depth + 1);
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
