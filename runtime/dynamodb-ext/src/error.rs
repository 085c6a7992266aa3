//! [`ItemError`]: a value that cannot become a DynamoDB attribute, or an attribute that cannot
//! become the requested Rust type, with the path of the member at fault.

use std::fmt;

/// One step of the path to the member an [`ItemError`] is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    /// A map key or struct field.
    Key(String),
    /// A list or set element.
    Index(usize),
}

/// A conversion between Rust values and DynamoDB attribute values failed.
///
/// `Display` names the member: `orders[2].price: number 1e999 is out of DynamoDB's range`.
#[derive(Clone, PartialEq, Eq)]
pub struct ItemError {
    /// Innermost segment first: segments are pushed while the error travels outwards.
    path_rev: Vec<PathSegment>,
    message: String,
}

impl ItemError {
    /// An error about the value being converted, at the root until a container names it.
    pub fn new(message: impl Into<String>) -> Self {
        ItemError {
            path_rev: Vec::new(),
            message: message.into(),
        }
    }

    pub(crate) fn at_key(mut self, key: &str) -> Self {
        self.path_rev.push(PathSegment::Key(key.to_string()));
        self
    }

    pub(crate) fn at_index(mut self, index: usize) -> Self {
        self.path_rev.push(PathSegment::Index(index));
        self
    }

    /// The path from the item's root to the member at fault (empty: the value itself).
    pub fn path(&self) -> Vec<PathSegment> {
        self.path_rev.iter().rev().cloned().collect()
    }

    /// The path written as a document path (`orders[2].price`); empty for the root.
    pub fn path_string(&self) -> String {
        let mut out = String::new();
        for segment in self.path_rev.iter().rev() {
            match segment {
                PathSegment::Key(key) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                PathSegment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }

    /// What went wrong, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ItemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path_string();
        if path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{path}: {}", self.message)
        }
    }
}

// Debug shows the same text as Display: the structure adds nothing a reader needs, and item
// values never appear in messages beyond the offending scalar's type or number text.
impl fmt::Debug for ItemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ItemError({self})")
    }
}

impl std::error::Error for ItemError {}

impl serde::ser::Error for ItemError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ItemError::new(msg.to_string())
    }
}

impl serde::de::Error for ItemError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ItemError::new(msg.to_string())
    }

    // serde's default messages quote the offending value; an attribute's text or bytes may be
    // anything (a token, an address), so only its kind is named.
    fn invalid_type(unexp: serde::de::Unexpected, exp: &dyn serde::de::Expected) -> Self {
        ItemError::new(format!("invalid type: {}, expected {exp}", redacted(unexp)))
    }

    fn invalid_value(unexp: serde::de::Unexpected, exp: &dyn serde::de::Expected) -> Self {
        ItemError::new(format!(
            "invalid value: {}, expected {exp}",
            redacted(unexp)
        ))
    }
}

fn redacted(unexp: serde::de::Unexpected) -> String {
    use serde::de::Unexpected;
    match unexp {
        Unexpected::Str(_) => "a string".to_string(),
        Unexpected::Bytes(_) => "binary".to_string(),
        Unexpected::Char(_) => "a character".to_string(),
        other => other.to_string(),
    }
}

/// A value that cannot be sent is a parameter error, as botocore's serializer raises
/// `ParamValidationError` for a bad attribute value; the message keeps the member path.
impl<E> From<ItemError> for rboto::Error<E> {
    fn from(err: ItemError) -> Self {
        rboto::Error::new(rboto::ErrorKind::ParamValidation, err.to_string())
    }
}
