use std::collections::BTreeMap;

/// An untyped JSON-like value (`document` shapes).
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Document {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Document>),
    Object(BTreeMap<String, Document>),
}

/// A document number, keeping integers exact.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    PosInt(u64),
    NegInt(i64),
    Float(f64),
}

impl Document {
    /// Converts from a parsed JSON value.
    pub fn from_json(v: serde_json::Value) -> Document {
        match v {
            serde_json::Value::Null => Document::Null,
            serde_json::Value::Bool(b) => Document::Bool(b),
            serde_json::Value::Number(n) => Document::Number(if let Some(u) = n.as_u64() {
                Number::PosInt(u)
            } else if let Some(i) = n.as_i64() {
                Number::NegInt(i)
            } else {
                Number::Float(n.as_f64().unwrap_or(f64::NAN))
            }),
            serde_json::Value::String(s) => Document::String(s),
            serde_json::Value::Array(a) => {
                Document::Array(a.into_iter().map(Document::from_json).collect())
            }
            serde_json::Value::Object(o) => Document::Object(
                o.into_iter()
                    .map(|(k, v)| (k, Document::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// Converts to a JSON value (non-finite floats become null, as JSON has no spelling for them).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Document::Null => serde_json::Value::Null,
            Document::Bool(b) => serde_json::Value::Bool(*b),
            Document::Number(Number::PosInt(u)) => (*u).into(),
            Document::Number(Number::NegInt(i)) => (*i).into(),
            Document::Number(Number::Float(f)) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Document::String(s) => serde_json::Value::String(s.clone()),
            Document::Array(a) => {
                serde_json::Value::Array(a.iter().map(Document::to_json).collect())
            }
            Document::Object(o) => {
                serde_json::Value::Object(o.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
        }
    }
}
