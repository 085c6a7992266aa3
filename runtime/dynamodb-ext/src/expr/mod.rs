//! Expression builders, as boto3's `boto3.dynamodb.conditions` (plus projection and update
//! expressions, which boto3 leaves as raw strings).
//!
//! Every attribute name goes through a placeholder (`#n0`, `#n1`, …) and every value through
//! another (`:v0`, …), numbered in the order they are written, as boto3's
//! `ConditionExpressionBuilder` does; document paths are split on `.` and `[n]`, so `a.b[0]`
//! becomes `#n0.#n1[0]`. One [`Expressions`] collects the placeholders of all the expressions
//! of a call (key condition, filter, projection) so they do not collide.

mod condition;
mod projection;
mod update;

pub use condition::{Attr, Comparand, Condition, Key, KeyCondition, Rhs, Size};
pub use projection::Projection;
pub use update::{SetValue, Update};

use crate::error::ItemError;
use rboto_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// A value converted when the condition was written; an error surfaces when it is built.
/// Boxed: an attribute value is large and conditions hold several.
pub(crate) type Val = Result<Box<AttributeValue>, ItemError>;

pub(crate) fn val<T: serde::Serialize + ?Sized>(v: &T) -> Val {
    crate::ser::to_attribute_value(v).map(Box::new)
}

/// Builds expression strings and collects their placeholders.
///
/// ```
/// use rboto_dynamodb_ext::{Attr, Expressions, Key};
/// let mut e = Expressions::new();
/// let key = e.key_condition(Key::new("pk").eq("user#1") & Key::new("sk").begins_with("order#")).unwrap();
/// let filter = e.condition(Attr::new("total").gt(100) & Attr::new("note").not_exists()).unwrap();
/// assert_eq!(key, "(#n0 = :v0 AND begins_with(#n1, :v1))");
/// assert_eq!(filter, "(#n2 > :v2 AND attribute_not_exists(#n3))");
/// assert_eq!(e.names()["#n3"], "note");
/// assert_eq!(e.values()[":v2"].n.as_deref(), Some("100"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Expressions {
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
    name_count: usize,
    value_count: usize,
}

impl Expressions {
    pub fn new() -> Self {
        Self::default()
    }

    /// A `KeyConditionExpression` (Query).
    pub fn key_condition(&mut self, condition: KeyCondition) -> Result<String, ItemError> {
        condition.render(self)
    }

    /// A `ConditionExpression` or `FilterExpression`.
    pub fn condition(&mut self, condition: impl Into<Condition>) -> Result<String, ItemError> {
        condition.into().render(self)
    }

    /// A `ProjectionExpression`.
    pub fn projection(&mut self, projection: &Projection) -> String {
        projection.render(self)
    }

    /// An `UpdateExpression`.
    pub fn update(&mut self, update: Update) -> Result<String, ItemError> {
        update.render(self)
    }

    /// `ExpressionAttributeNames`: placeholder → attribute name.
    pub fn names(&self) -> &HashMap<String, String> {
        &self.names
    }

    /// `ExpressionAttributeValues`: placeholder → value.
    pub fn values(&self) -> &HashMap<String, AttributeValue> {
        &self.values
    }

    /// Both maps. DynamoDB rejects an empty map, so leave out one that is empty (or use
    /// [`WithExpressions::with_expressions`], which does).
    pub fn into_parts(self) -> (HashMap<String, String>, HashMap<String, AttributeValue>) {
        (self.names, self.values)
    }

    /// A document path with a placeholder for each name in it (boto3's `ATTR_NAME_REGEX`:
    /// every run of characters other than `.`, `[` and `]` that is not inside brackets).
    pub(crate) fn path(&mut self, path: &str) -> String {
        let mut out = String::with_capacity(path.len() + 4);
        let mut rest = path;
        while !rest.is_empty() {
            let run = rest.find(['.', '[', ']']).unwrap_or(rest.len());
            if run == 0 {
                out.push_str(&rest[..1]);
                rest = &rest[1..];
                continue;
            }
            let (name, after) = rest.split_at(run);
            // boto3's look-ahead: a run followed by `]` before any `[` is an index, not a name.
            let in_brackets = after.find(['[', ']']).map(|i| &after[i..i + 1]) == Some("]");
            if in_brackets {
                out.push_str(name);
            } else {
                let placeholder = format!("#n{}", self.name_count);
                self.name_count += 1;
                self.names.insert(placeholder.clone(), name.to_string());
                out.push_str(&placeholder);
            }
            rest = after;
        }
        out
    }

    pub(crate) fn value(&mut self, value: &Val) -> Result<String, ItemError> {
        let value = *value.clone()?;
        let placeholder = format!(":v{}", self.value_count);
        self.value_count += 1;
        self.values.insert(placeholder.clone(), value);
        Ok(placeholder)
    }
}

/// Sets `ExpressionAttributeNames` and `ExpressionAttributeValues` of a generated input from
/// an [`Expressions`], leaving out a map that is empty (DynamoDB rejects empty ones).
pub trait WithExpressions {
    fn with_expressions(self, expressions: Expressions) -> Self;
}

macro_rules! with_names_and_values {
    ($($input:ident),*) => {$(
        impl WithExpressions for rboto_dynamodb::input::$input {
            fn with_expressions(mut self, e: Expressions) -> Self {
                if !e.names.is_empty() {
                    self.expression_attribute_names = Some(e.names);
                }
                if !e.values.is_empty() {
                    self.expression_attribute_values = Some(e.values);
                }
                self
            }
        }
    )*};
}
with_names_and_values!(
    QueryInput,
    ScanInput,
    PutItemInput,
    UpdateItemInput,
    DeleteItemInput
);

impl WithExpressions for rboto_dynamodb::input::GetItemInput {
    /// GetItem takes a projection only, so only names apply.
    fn with_expressions(mut self, e: Expressions) -> Self {
        if !e.names.is_empty() {
            self.expression_attribute_names = Some(e.names);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_like_boto3() {
        let mut e = Expressions::new();
        assert_eq!(e.path("a"), "#n0");
        assert_eq!(e.path("a.b[0].c"), "#n1.#n2[0].#n3");
        assert_eq!(e.path("list[1][2]"), "#n4[1][2]");
        assert_eq!(e.path("weird name-with:chars"), "#n5");
        assert_eq!(e.names()["#n2"], "b");
        assert_eq!(e.names()["#n3"], "c");
        assert_eq!(e.names()["#n5"], "weird name-with:chars");
        assert_eq!(e.names().len(), 6);
    }
}
