//! Condition and key-condition expressions: boto3's `Key`, `Attr` and their conditions,
//! combined with `&`, `|` and `!`.

use super::{val, Expressions, Val};
use crate::error::ItemError;
use serde::Serialize;
use std::ops::{BitAnd, BitOr, Not};

/// A key attribute, for `KeyConditionExpression` (boto3's `Key`). Its conditions are
/// [`KeyCondition`]s, which only combine with `&`, as DynamoDB allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key(String);

/// Any attribute or document path (`a.b[0]`), for condition and filter expressions (boto3's
/// `Attr`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attr(String);

/// `size(path)`, compared with a value (boto3's `Attr(...).size()`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Size(String);

/// A `ConditionExpression` or `FilterExpression`.
#[derive(Clone, Debug)]
pub struct Condition(Node);

/// A `KeyConditionExpression`: comparisons, `BETWEEN` and `begins_with` on [`Key`]s, joined by
/// `AND`. It also serves as a [`Condition`] (`Into`).
#[derive(Clone, Debug)]
pub struct KeyCondition(Node);

#[derive(Clone, Debug)]
enum Operand {
    Path(String),
    Size(String),
}

#[derive(Clone, Debug)]
enum Node {
    /// `{0} op {1}`
    Compare(Operand, &'static str, Rhs),
    /// `{0} BETWEEN {1} AND {2}`
    Between(Operand, Rhs, Rhs),
    /// `name({0}, {1})`: begins_with, contains, attribute_type.
    Function(&'static str, String, Val),
    /// `name({0})`: attribute_exists, attribute_not_exists.
    Test(&'static str, String),
    /// `{0} IN ({1}, {2}, …)`
    In(String, Vec<Val>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
}

impl Node {
    fn render(&self, e: &mut Expressions) -> Result<String, ItemError> {
        Ok(match self {
            Node::Compare(left, op, right) => {
                let left = operand(left, e);
                format!("{left} {op} {}", right.render(e)?)
            }
            Node::Between(left, low, high) => {
                let left = operand(left, e);
                let low = low.render(e)?;
                format!("{left} BETWEEN {low} AND {}", high.render(e)?)
            }
            Node::Function(name, path, v) => {
                let path = e.path(path);
                format!("{name}({path}, {})", e.value(v)?)
            }
            Node::Test(name, path) => format!("{name}({})", e.path(path)),
            Node::In(path, values) => {
                if values.is_empty() {
                    return Err(ItemError::new(format!(
                        "is_in on {path:?} needs at least one value"
                    )));
                }
                let path = e.path(path);
                let values = values
                    .iter()
                    .map(|v| e.value(v))
                    .collect::<Result<Vec<_>, _>>()?;
                format!("{path} IN ({})", values.join(", "))
            }
            Node::And(a, b) => {
                let a = a.render(e)?;
                format!("({a} AND {})", b.render(e)?)
            }
            Node::Or(a, b) => {
                let a = a.render(e)?;
                format!("({a} OR {})", b.render(e)?)
            }
            Node::Not(a) => format!("(NOT {})", a.render(e)?),
        })
    }
}

fn operand(o: &Operand, e: &mut Expressions) -> String {
    match o {
        Operand::Path(p) => e.path(p),
        Operand::Size(p) => format!("size({})", e.path(p)),
    }
}

impl Condition {
    pub(crate) fn render(&self, e: &mut Expressions) -> Result<String, ItemError> {
        self.0.render(e)
    }
}

impl KeyCondition {
    pub(crate) fn render(&self, e: &mut Expressions) -> Result<String, ItemError> {
        self.0.render(e)
    }
}

impl From<KeyCondition> for Condition {
    fn from(k: KeyCondition) -> Self {
        Condition(k.0)
    }
}

impl<C: Into<Condition>> BitAnd<C> for Condition {
    type Output = Condition;
    fn bitand(self, other: C) -> Condition {
        Condition(Node::And(Box::new(self.0), Box::new(other.into().0)))
    }
}

impl<C: Into<Condition>> BitOr<C> for Condition {
    type Output = Condition;
    fn bitor(self, other: C) -> Condition {
        Condition(Node::Or(Box::new(self.0), Box::new(other.into().0)))
    }
}

impl Not for Condition {
    type Output = Condition;
    fn not(self) -> Condition {
        Condition(Node::Not(Box::new(self.0)))
    }
}

impl BitAnd for KeyCondition {
    type Output = KeyCondition;
    fn bitand(self, other: KeyCondition) -> KeyCondition {
        KeyCondition(Node::And(Box::new(self.0), Box::new(other.0)))
    }
}

/// The right-hand side of a comparison: a value, or (for [`Attr`] and [`Size`] conditions)
/// another attribute, as boto3 allows `Attr("a").lt(Attr("b"))`.
pub trait Comparand {
    #[doc(hidden)]
    fn into_rhs(self) -> Rhs;
}

/// A converted [`Comparand`] (opaque).
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct Rhs(RhsKind);

#[derive(Clone, Debug)]
enum RhsKind {
    Value(Val),
    Path(String),
}

impl Rhs {
    fn value<T: Serialize>(v: T) -> Rhs {
        Rhs(RhsKind::Value(val(&v)))
    }

    fn render(&self, e: &mut Expressions) -> Result<String, ItemError> {
        match &self.0 {
            RhsKind::Value(v) => e.value(v),
            RhsKind::Path(p) => Ok(e.path(p)),
        }
    }
}

impl<T: Serialize> Comparand for T {
    fn into_rhs(self) -> Rhs {
        Rhs::value(self)
    }
}

impl Comparand for Attr {
    fn into_rhs(self) -> Rhs {
        Rhs(RhsKind::Path(self.0))
    }
}

/// Comparisons shared by `Key`, `Attr` and `Size`: `$wrap` turns the node into the result
/// type; right-hand sides are `$bound` (values only for key conditions, as DynamoDB requires),
/// converted by `$rhs`.
macro_rules! comparisons {
    ($wrap:ident, $operand:expr, $bound:ident, $rhs:path) => {
        /// `= value`
        pub fn eq<T: $bound>(&self, value: T) -> $wrap {
            self.compare("=", value)
        }
        /// `< value`
        pub fn lt<T: $bound>(&self, value: T) -> $wrap {
            self.compare("<", value)
        }
        /// `<= value`
        pub fn lte<T: $bound>(&self, value: T) -> $wrap {
            self.compare("<=", value)
        }
        /// `> value`
        pub fn gt<T: $bound>(&self, value: T) -> $wrap {
            self.compare(">", value)
        }
        /// `>= value`
        pub fn gte<T: $bound>(&self, value: T) -> $wrap {
            self.compare(">=", value)
        }
        /// `BETWEEN low AND high` (both inclusive).
        pub fn between<L: $bound, H: $bound>(&self, low: L, high: H) -> $wrap {
            $wrap(Node::Between($operand(self), $rhs(low), $rhs(high)))
        }
        fn compare<T: $bound>(&self, op: &'static str, value: T) -> $wrap {
            $wrap(Node::Compare($operand(self), op, $rhs(value)))
        }
    };
}

impl Key {
    /// The key attribute `name` (a top-level attribute).
    pub fn new(name: impl Into<String>) -> Self {
        Key(name.into())
    }

    comparisons!(
        KeyCondition,
        |k: &Key| Operand::Path(k.0.clone()),
        Serialize,
        Rhs::value
    );

    /// `begins_with(key, prefix)` (sort keys of type S or B).
    pub fn begins_with<T: Serialize>(&self, prefix: T) -> KeyCondition {
        KeyCondition(Node::Function("begins_with", self.0.clone(), val(&prefix)))
    }
}

impl Attr {
    /// The attribute or document path `path`: `.` separates map keys, `[n]` indexes lists.
    pub fn new(path: impl Into<String>) -> Self {
        Attr(path.into())
    }

    comparisons!(
        Condition,
        |a: &Attr| Operand::Path(a.0.clone()),
        Comparand,
        Comparand::into_rhs
    );

    /// `<> value`
    pub fn ne<T: Comparand>(&self, value: T) -> Condition {
        self.compare("<>", value)
    }

    /// `begins_with(path, prefix)`
    pub fn begins_with<T: Serialize>(&self, prefix: T) -> Condition {
        Condition(Node::Function("begins_with", self.0.clone(), val(&prefix)))
    }

    /// `contains(path, value)`: a substring of a string, or an element of a set or list.
    pub fn contains<T: Serialize>(&self, value: T) -> Condition {
        Condition(Node::Function("contains", self.0.clone(), val(&value)))
    }

    /// `path IN (v0, v1, …)`; building fails if `values` is empty.
    pub fn is_in<I>(&self, values: I) -> Condition
    where
        I: IntoIterator,
        I::Item: Serialize,
    {
        Condition(Node::In(
            self.0.clone(),
            values.into_iter().map(|v| val(&v)).collect(),
        ))
    }

    /// `attribute_exists(path)`
    pub fn exists(&self) -> Condition {
        Condition(Node::Test("attribute_exists", self.0.clone()))
    }

    /// `attribute_not_exists(path)`
    pub fn not_exists(&self) -> Condition {
        Condition(Node::Test("attribute_not_exists", self.0.clone()))
    }

    /// `attribute_type(path, type)`, `type` one of `S`, `SS`, `N`, `NS`, `B`, `BS`, `BOOL`,
    /// `NULL`, `L`, `M`; another is an error when the condition is built.
    pub fn attribute_type(&self, type_code: &str) -> Condition {
        const TYPES: [&str; 10] = ["S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"];
        let value = if TYPES.contains(&type_code) {
            val(type_code)
        } else {
            Err(ItemError::new(format!(
                "attribute_type on {:?}: {type_code:?} is not a DynamoDB type (one of {})",
                self.0,
                TYPES.join(", ")
            )))
        };
        Condition(Node::Function("attribute_type", self.0.clone(), value))
    }

    /// `size(path)`, to compare: `Attr::new("tags").size().gt(2)`.
    pub fn size(&self) -> Size {
        Size(self.0.clone())
    }
}

impl Size {
    comparisons!(
        Condition,
        |s: &Size| Operand::Size(s.0.clone()),
        Comparand,
        Comparand::into_rhs
    );

    /// `<> value`
    pub fn ne<T: Comparand>(&self, value: T) -> Condition {
        self.compare("<>", value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NumberSet, StringSet};
    use rboto_dynamodb::types::AttributeValue;
    use std::collections::HashMap;

    fn s(v: &str) -> AttributeValue {
        AttributeValue::default().s(v)
    }
    fn n(v: &str) -> AttributeValue {
        AttributeValue::default().n(v)
    }
    fn names(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    // The expected strings are what boto3's ConditionExpressionBuilder produces for the same
    // conditions (its tests/unit/dynamodb/test_conditions.py).
    #[test]
    fn comparisons_match_boto3() {
        let cases: Vec<(Condition, &str)> = vec![
            (Attr::new("myattr").eq("foo"), "#n0 = :v0"),
            (Attr::new("myattr").ne("foo"), "#n0 <> :v0"),
            (Attr::new("myattr").lt("foo"), "#n0 < :v0"),
            (Attr::new("myattr").lte("foo"), "#n0 <= :v0"),
            (Attr::new("myattr").gt("foo"), "#n0 > :v0"),
            (Attr::new("myattr").gte("foo"), "#n0 >= :v0"),
            (
                Attr::new("myattr").begins_with("foo"),
                "begins_with(#n0, :v0)",
            ),
            (Attr::new("myattr").contains("foo"), "contains(#n0, :v0)"),
            (Attr::new("myattr").exists(), "attribute_exists(#n0)"),
            (
                Attr::new("myattr").not_exists(),
                "attribute_not_exists(#n0)",
            ),
            (
                Attr::new("myattr").attribute_type("S"),
                "attribute_type(#n0, :v0)",
            ),
            (Attr::new("myattr").size().eq(5), "size(#n0) = :v0"),
            (
                Attr::new("myattr").between("foo", "foo2"),
                "#n0 BETWEEN :v0 AND :v1",
            ),
            (
                Attr::new("myattr").is_in(["foo", "bar"]),
                "#n0 IN (:v0, :v1)",
            ),
        ];
        for (condition, expected) in cases {
            let mut e = Expressions::new();
            assert_eq!(e.condition(condition).unwrap(), expected);
            assert_eq!(e.names(), &names(&[("#n0", "myattr")]));
        }
    }

    #[test]
    fn and_or_not_nest_like_boto3() {
        let mut e = Expressions::new();
        let c = (Attr::new("a").eq("x") | Attr::new("b").lt(3)) & !Attr::new("c").exists();
        assert_eq!(
            e.condition(c).unwrap(),
            "((#n0 = :v0 OR #n1 < :v1) AND (NOT attribute_exists(#n2)))"
        );
        assert_eq!(
            e.names(),
            &names(&[("#n0", "a"), ("#n1", "b"), ("#n2", "c")])
        );
        assert_eq!(e.values()[":v0"], s("x"));
        assert_eq!(e.values()[":v1"], n("3"));
        assert_eq!(e.values().len(), 2);
    }

    #[test]
    fn an_attribute_compares_with_another_attribute() {
        let mut e = Expressions::new();
        let c = Attr::new("spent").gt(Attr::new("budget.limit"))
            & Attr::new("tags").size().lte(Attr::new("max"));
        assert_eq!(
            e.condition(c).unwrap(),
            "(#n0 > #n1.#n2 AND size(#n3) <= #n4)"
        );
        assert_eq!(
            e.names(),
            &names(&[
                ("#n0", "spent"),
                ("#n1", "budget"),
                ("#n2", "limit"),
                ("#n3", "tags"),
                ("#n4", "max")
            ])
        );
        assert!(e.values().is_empty());
    }

    #[test]
    fn document_paths_get_a_placeholder_per_name() {
        let mut e = Expressions::new();
        assert_eq!(
            e.condition(Attr::new("a.b[0].c").gt(1.5)).unwrap(),
            "#n0.#n1[0].#n2 > :v0"
        );
        assert_eq!(
            e.names(),
            &names(&[("#n0", "a"), ("#n1", "b"), ("#n2", "c")])
        );
        assert_eq!(e.values()[":v0"], n("1.5"));
    }

    #[test]
    fn one_builder_numbers_key_condition_then_filter() {
        let mut e = Expressions::new();
        let key = e
            .key_condition(Key::new("pk").eq("p") & Key::new("sk").between(1, 9))
            .unwrap();
        let filter = e
            .condition(Attr::new("tags").contains("red") | Key::new("sk").eq(5))
            .unwrap();
        assert_eq!(key, "(#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2)");
        assert_eq!(filter, "(contains(#n2, :v3) OR #n3 = :v4)");
        assert_eq!(e.values()[":v2"], n("9"));
        assert_eq!(e.values()[":v3"], s("red"));
    }

    #[test]
    fn set_and_structured_values_become_attribute_values() {
        let mut e = Expressions::new();
        let c = Attr::new("s").eq(StringSet::from_iter(["b", "a"]))
            & Attr::new("n").eq(NumberSet::from_iter([2, 1]));
        e.condition(c).unwrap();
        assert_eq!(
            e.values()[":v0"],
            AttributeValue::default().ss(vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(
            e.values()[":v1"],
            AttributeValue::default().ns(vec!["1".to_string(), "2".to_string()])
        );
    }

    #[test]
    fn bad_values_fail_when_built_with_the_reason() {
        let mut e = Expressions::new();
        let err = e
            .condition(Attr::new("a").eq("x") & Attr::new("b").gt(f64::NAN))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "NaN is not a number DynamoDB can store (Infinity and NaN are not supported)"
        );
        let err = e
            .condition(Attr::new("a").is_in(Vec::<i32>::new()))
            .unwrap_err();
        assert_eq!(err.to_string(), "is_in on \"a\" needs at least one value");
        let err = e
            .condition(Attr::new("a").attribute_type("STRING"))
            .unwrap_err();
        assert!(err
            .to_string()
            .starts_with("attribute_type on \"a\": \"STRING\" is not a DynamoDB type"));
    }
}
