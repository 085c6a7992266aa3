//! `UpdateExpression`: SET, REMOVE, ADD and DELETE actions (boto3 has no builder for these;
//! the syntax is DynamoDB's).

use super::{val, Expressions, Val};
use crate::error::ItemError;
use serde::Serialize;

/// An `UpdateExpression`, rendered as `SET a = :v, … REMOVE … ADD … DELETE …` with the actions
/// of each clause in the order they were added.
///
/// ```
/// use rboto_dynamodb_ext::{Expressions, SetValue, StringSet, Update};
/// let update = Update::new()
///     .set("name", "Ada")
///     .set_expr("visits", SetValue::if_not_exists("visits", 0).plus(SetValue::value(1)))
///     .remove("draft")
///     .add("score", 5)
///     .delete("tags", StringSet::from_iter(["old"]));
/// let mut e = Expressions::new();
/// assert_eq!(
///     e.update(update).unwrap(),
///     "SET #n0 = :v0, #n1 = if_not_exists(#n2, :v1) + :v2 REMOVE #n3 ADD #n4 :v3 DELETE #n5 :v4"
/// );
/// ```
#[derive(Clone, Debug, Default)]
pub struct Update {
    set: Vec<(String, SetValue)>,
    remove: Vec<String>,
    add: Vec<(String, Val)>,
    delete: Vec<(String, Val)>,
}

/// The right-hand side of a SET action: a value, another path, `if_not_exists`, `list_append`,
/// or two of those joined by `+` or `-`.
#[derive(Clone, Debug)]
pub struct SetValue(Operand);

#[derive(Clone, Debug)]
enum Operand {
    Value(Val),
    Path(String),
    IfNotExists(String, Val),
    ListAppend(Box<Operand>, Box<Operand>),
    Arithmetic(Box<Operand>, &'static str, Box<Operand>),
}

impl SetValue {
    /// A value (`:vN`).
    pub fn value<T: Serialize>(value: T) -> Self {
        SetValue(Operand::Value(val(&value)))
    }

    /// Another attribute's value.
    pub fn path(path: impl Into<String>) -> Self {
        SetValue(Operand::Path(path.into()))
    }

    /// `if_not_exists(path, value)`: the attribute if present, else `value`.
    pub fn if_not_exists<T: Serialize>(path: impl Into<String>, value: T) -> Self {
        SetValue(Operand::IfNotExists(path.into(), val(&value)))
    }

    /// `list_append(first, second)`: the two lists joined.
    pub fn list_append(first: SetValue, second: SetValue) -> Self {
        SetValue(Operand::ListAppend(Box::new(first.0), Box::new(second.0)))
    }

    /// `self + other` (numbers).
    pub fn plus(self, other: SetValue) -> Self {
        SetValue(Operand::Arithmetic(
            Box::new(self.0),
            "+",
            Box::new(other.0),
        ))
    }

    /// `self - other` (numbers).
    pub fn minus(self, other: SetValue) -> Self {
        SetValue(Operand::Arithmetic(
            Box::new(self.0),
            "-",
            Box::new(other.0),
        ))
    }
}

impl Operand {
    fn render(&self, e: &mut Expressions) -> Result<String, ItemError> {
        Ok(match self {
            Operand::Value(v) => e.value(v)?,
            Operand::Path(p) => e.path(p),
            Operand::IfNotExists(p, v) => {
                let p = e.path(p);
                format!("if_not_exists({p}, {})", e.value(v)?)
            }
            Operand::ListAppend(a, b) => {
                let a = a.render(e)?;
                format!("list_append({a}, {})", b.render(e)?)
            }
            Operand::Arithmetic(a, op, b) => {
                let a = a.render(e)?;
                format!("{a} {op} {}", b.render(e)?)
            }
        })
    }
}

impl Update {
    pub fn new() -> Self {
        Self::default()
    }

    /// `SET path = value`
    pub fn set<T: Serialize>(self, path: impl Into<String>, value: T) -> Self {
        self.set_expr(path, SetValue::value(value))
    }

    /// `SET path = <expression>`
    pub fn set_expr(mut self, path: impl Into<String>, value: SetValue) -> Self {
        self.set.push((path.into(), value));
        self
    }

    /// `REMOVE path`
    pub fn remove(mut self, path: impl Into<String>) -> Self {
        self.remove.push(path.into());
        self
    }

    /// `ADD path value`: adds to a number, or adds elements to a set.
    pub fn add<T: Serialize>(mut self, path: impl Into<String>, value: T) -> Self {
        self.add.push((path.into(), val(&value)));
        self
    }

    /// `DELETE path value`: removes elements from a set.
    pub fn delete<T: Serialize>(mut self, path: impl Into<String>, value: T) -> Self {
        self.delete.push((path.into(), val(&value)));
        self
    }

    pub(crate) fn render(&self, e: &mut Expressions) -> Result<String, ItemError> {
        let mut clauses = Vec::new();
        if !self.set.is_empty() {
            let actions = self
                .set
                .iter()
                .map(|(path, value)| {
                    let path = e.path(path);
                    Ok(format!("{path} = {}", value.0.render(e)?))
                })
                .collect::<Result<Vec<_>, ItemError>>()?;
            clauses.push(format!("SET {}", actions.join(", ")));
        }
        if !self.remove.is_empty() {
            let paths: Vec<String> = self.remove.iter().map(|p| e.path(p)).collect();
            clauses.push(format!("REMOVE {}", paths.join(", ")));
        }
        for (keyword, actions) in [("ADD", &self.add), ("DELETE", &self.delete)] {
            if actions.is_empty() {
                continue;
            }
            let actions = actions
                .iter()
                .map(|(path, value)| {
                    let path = e.path(path);
                    Ok(format!("{path} {}", e.value(value)?))
                })
                .collect::<Result<Vec<_>, ItemError>>()?;
            clauses.push(format!("{keyword} {}", actions.join(", ")));
        }
        if clauses.is_empty() {
            return Err(ItemError::new(
                "an update expression needs at least one action",
            ));
        }
        Ok(clauses.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rboto_dynamodb::types::AttributeValue;

    #[test]
    fn clauses_in_dynamodb_order_with_placeholders_in_writing_order() {
        let mut e = Expressions::new();
        let u = Update::new()
            .delete("tags", crate::StringSet::from_iter(["x"]))
            .add("n", 1)
            .remove("a.b[2]")
            .set("c", "v")
            .set_expr(
                "list",
                SetValue::list_append(SetValue::path("list"), SetValue::value(vec![7])),
            )
            .set_expr("m", SetValue::path("m").minus(SetValue::value(2)))
            .remove("z");
        assert_eq!(
            e.update(u).unwrap(),
            "SET #n0 = :v0, #n1 = list_append(#n2, :v1), #n3 = #n4 - :v2 \
             REMOVE #n5.#n6[2], #n7 ADD #n8 :v3 DELETE #n9 :v4"
        );
        assert_eq!(e.names()["#n2"], "list");
        assert_eq!(e.names()["#n6"], "b");
        assert_eq!(
            e.values()[":v1"],
            AttributeValue::default().l(vec![AttributeValue::default().n("7")])
        );
        assert_eq!(
            e.values()[":v4"],
            AttributeValue::default().ss(vec!["x".to_string()])
        );
    }

    #[test]
    fn empty_update_and_bad_values_are_errors() {
        let mut e = Expressions::new();
        assert_eq!(
            e.update(Update::new()).unwrap_err().to_string(),
            "an update expression needs at least one action"
        );
        let err = e
            .update(Update::new().add("tags", crate::StringSet::default()))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "an empty set cannot be stored: DynamoDB has no empty SS"
        );
    }
}
