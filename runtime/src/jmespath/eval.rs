//! Evaluation: an [`Ast`] over typed values (converted only where a result needs it) or JSON.

use super::lex::CmpOp;
use super::parse::{Ast, Func, MAX_DEPTH};
use super::{Error, Json};
use crate::schema::{Kind, Shape};
use crate::value::Value;
use std::borrow::Cow;

/// A node during evaluation: typed data not yet converted, JSON, or a projection's results.
#[derive(Clone, Debug)]
pub(super) enum Node<'a> {
    Null,
    Typed(&'a Value, &'static Shape),
    Json(Cow<'a, Json>),
    List(Vec<Node<'a>>),
}

impl<'a> Node<'a> {
    fn owned(j: Json) -> Node<'a> {
        match j {
            Json::Null => Node::Null,
            j => Node::Json(Cow::Owned(j)),
        }
    }

    /// Normalizes typed values that JSON represents differently.
    fn typed(value: &'a Value, shape: &'static Shape) -> Node<'a> {
        match value {
            Value::Document(d) => Node::owned(Json::from_document(d)),
            Value::Body(_) | Value::EventStream(_) | Value::EventInput(_) => Node::Null,
            Value::Struct(_) if !matches!(shape.kind, Kind::Structure(_) | Kind::Union(_)) => {
                Node::Null
            }
            _ => Node::Typed(value, shape),
        }
    }

    fn is_null(&self) -> bool {
        match self {
            Node::Null => true,
            Node::Json(j) => j.is_null(),
            _ => false,
        }
    }

    fn field(&self, name: &str) -> Node<'a> {
        match self {
            Node::Typed(Value::Struct(slots), shape) => shape
                .members()
                .iter()
                .position(|m| m.name == name)
                .and_then(|i| {
                    let m = &shape.members()[i];
                    slots
                        .get(i)
                        .and_then(Option::as_ref)
                        .map(|v| Node::typed(v, m.target()))
                })
                .unwrap_or(Node::Null),
            Node::Typed(Value::Map(entries), shape) => match shape.kind {
                Kind::Map(_, vm) => entries
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| Node::typed(v, vm.target()))
                    .unwrap_or(Node::Null),
                _ => Node::Null,
            },
            Node::Json(Cow::Borrowed(j)) => j.get(name).map_or(Node::Null, |v| {
                if v.is_null() {
                    Node::Null
                } else {
                    Node::Json(Cow::Borrowed(v))
                }
            }),
            Node::Json(Cow::Owned(j)) => j.get(name).cloned().map_or(Node::Null, Node::owned),
            _ => Node::Null,
        }
    }

    /// Elements, if this is an array.
    fn items(&self) -> Option<Vec<Node<'a>>> {
        match self {
            Node::Typed(Value::List(items), shape) => {
                let target = match shape.kind {
                    Kind::List(m) => m.target(),
                    _ => &crate::schema::prelude::DOCUMENT,
                };
                Some(items.iter().map(|v| Node::typed(v, target)).collect())
            }
            Node::Json(Cow::Borrowed(Json::Array(a))) => Some(
                a.iter()
                    .map(|v| {
                        if v.is_null() {
                            Node::Null
                        } else {
                            Node::Json(Cow::Borrowed(v))
                        }
                    })
                    .collect(),
            ),
            Node::Json(Cow::Owned(Json::Array(a))) => {
                Some(a.iter().cloned().map(Node::owned).collect())
            }
            Node::List(items) => Some(items.clone()),
            _ => None,
        }
    }

    /// Values, if this is an object.
    fn values(&self) -> Option<Vec<Node<'a>>> {
        match self {
            Node::Typed(Value::Struct(slots), shape) => Some(
                shape
                    .members()
                    .iter()
                    .zip(slots)
                    .filter_map(|(m, v)| v.as_ref().map(|v| Node::typed(v, m.target())))
                    .collect(),
            ),
            Node::Typed(Value::Map(entries), shape) => match shape.kind {
                Kind::Map(_, vm) => Some(
                    entries
                        .iter()
                        .map(|(_, v)| Node::typed(v, vm.target()))
                        .collect(),
                ),
                _ => None,
            },
            Node::Json(Cow::Borrowed(Json::Object(o))) => Some(
                o.iter()
                    .map(|(_, v)| {
                        if v.is_null() {
                            Node::Null
                        } else {
                            Node::Json(Cow::Borrowed(v))
                        }
                    })
                    .collect(),
            ),
            Node::Json(Cow::Owned(Json::Object(o))) => {
                Some(o.iter().map(|(_, v)| Node::owned(v.clone())).collect())
            }
            _ => None,
        }
    }

    /// The number of characters, elements or members, where `length()` is defined.
    fn length(&self) -> Option<usize> {
        match self {
            Node::Typed(Value::Str(s), _) => Some(s.chars().count()),
            Node::Json(j) => match j.as_ref() {
                Json::String(s) => Some(s.chars().count()),
                Json::Array(a) => Some(a.len()),
                Json::Object(o) => Some(o.len()),
                _ => None,
            },
            Node::List(l) => Some(l.len()),
            Node::Typed(Value::Blob(_) | Value::Timestamp(_), _) => {
                self.clone().into_json().as_str().map(|s| s.chars().count())
            }
            _ => self.items().or_else(|| self.values()).map(|v| v.len()),
        }
    }

    fn is_truthy(&self) -> bool {
        match self {
            Node::Null => false,
            Node::Json(j) => j.is_truthy(),
            Node::List(l) => !l.is_empty(),
            Node::Typed(v, _) => match v {
                Value::Bool(b) => *b,
                Value::Str(s) => !s.is_empty(),
                Value::List(l) => !l.is_empty(),
                Value::Map(m) => !m.is_empty(),
                Value::Struct(s) => s.iter().any(Option::is_some),
                Value::Blob(b) => !b.as_bytes().is_empty(),
                _ => true,
            },
        }
    }

    pub(super) fn into_json(self) -> Json {
        use base64::Engine;
        match self {
            Node::Null => Json::Null,
            Node::Json(j) => j.into_owned(),
            Node::List(items) => Json::Array(items.into_iter().map(Node::into_json).collect()),
            Node::Typed(v, shape) => match v {
                Value::Bool(b) => Json::Bool(*b),
                Value::Int(i) => Json::Int(*i),
                Value::Float(f) => Json::Float(*f),
                Value::Str(s) => Json::String(s.clone()),
                Value::Blob(b) => {
                    Json::String(base64::engine::general_purpose::STANDARD.encode(b.as_bytes()))
                }
                Value::Timestamp(t) => {
                    if t.subsec_nanos() == 0 {
                        Json::Int(t.secs())
                    } else {
                        Json::Float(t.as_secs_f64())
                    }
                }
                Value::Document(d) => Json::from_document(d),
                Value::Body(_) | Value::EventStream(_) | Value::EventInput(_) => Json::Null,
                Value::List(_) => Json::Array(
                    Node::Typed(v, shape)
                        .items()
                        .unwrap_or_default()
                        .into_iter()
                        .map(Node::into_json)
                        .collect(),
                ),
                Value::Map(entries) => {
                    let target = match shape.kind {
                        Kind::Map(_, vm) => vm.target(),
                        _ => &crate::schema::prelude::DOCUMENT,
                    };
                    Json::Object(
                        entries
                            .iter()
                            .map(|(k, v)| (k.clone(), Node::typed(v, target).into_json()))
                            .collect(),
                    )
                }
                Value::Struct(slots) => Json::Object(
                    shape
                        .members()
                        .iter()
                        .zip(slots)
                        .filter_map(|(m, v)| {
                            v.as_ref().map(|v| {
                                (m.name.to_string(), Node::typed(v, m.target()).into_json())
                            })
                        })
                        .collect(),
                ),
            },
        }
    }
}

pub(super) fn eval<'a>(ast: &Ast, cur: &Node<'a>, depth: usize) -> Result<Node<'a>, Error> {
    if depth > MAX_DEPTH * 4 {
        return Err(Error::new("expression nested too deeply"));
    }
    let d = depth + 1;
    Ok(match ast {
        Ast::Identity => cur.clone(),
        Ast::Field(name) => cur.field(name),
        Ast::Index(i) => match cur.items() {
            Some(mut items) => {
                let len = items.len() as i64;
                let idx = if *i < 0 { len + i } else { *i };
                if (0..len).contains(&idx) {
                    items.swap_remove(idx as usize)
                } else {
                    Node::Null
                }
            }
            None => Node::Null,
        },
        Ast::Sub(l, r) | Ast::Pipe(l, r) => {
            let left = eval(l, cur, d)?;
            if left.is_null() {
                Node::Null
            } else {
                eval(r, &left, d)?
            }
        }
        Ast::Projection(l, r) => match eval(l, cur, d)?.items() {
            Some(items) => project(items, r, d)?,
            None => Node::Null,
        },
        Ast::ValueProjection(l, r) => match eval(l, cur, d)?.values() {
            Some(values) => project(values, r, d)?,
            None => Node::Null,
        },
        Ast::Filter(l, cond, r) => match eval(l, cur, d)?.items() {
            Some(items) => {
                let mut kept = Vec::new();
                for item in items {
                    if eval(cond, &item, d)?.is_truthy() {
                        kept.push(item);
                    }
                }
                project(kept, r, d)?
            }
            None => Node::Null,
        },
        Ast::Flatten(e) => match eval(e, cur, d)?.items() {
            Some(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item.items() {
                        Some(inner) => out.extend(inner),
                        None => out.push(item),
                    }
                }
                Node::List(out)
            }
            None => Node::Null,
        },
        Ast::Or(l, r) => {
            let left = eval(l, cur, d)?;
            if left.is_truthy() {
                left
            } else {
                eval(r, cur, d)?
            }
        }
        Ast::And(l, r) => {
            let left = eval(l, cur, d)?;
            if left.is_truthy() {
                eval(r, cur, d)?
            } else {
                left
            }
        }
        Ast::Not(e) => Node::owned(Json::Bool(!eval(e, cur, d)?.is_truthy())),
        Ast::Cmp(op, l, r) => {
            let a = eval(l, cur, d)?.into_json();
            let b = eval(r, cur, d)?.into_json();
            let ord = match (&a, &b) {
                (Json::Int(x), Json::Int(y)) => Some(x.cmp(y)),
                _ => match (a.as_f64(), b.as_f64()) {
                    (Some(x), Some(y)) => x.partial_cmp(&y),
                    _ => None,
                },
            };
            let ordered =
                |f: fn(std::cmp::Ordering) -> bool| ord.map_or(Json::Null, |o| Json::Bool(f(o)));
            Node::owned(match op {
                CmpOp::Eq => Json::Bool(a == b),
                CmpOp::Ne => Json::Bool(a != b),
                CmpOp::Lt => ordered(|o| o.is_lt()),
                CmpOp::Le => ordered(|o| o.is_le()),
                CmpOp::Gt => ordered(|o| o.is_gt()),
                CmpOp::Ge => ordered(|o| o.is_ge()),
            })
        }
        Ast::Literal(j) => Node::owned(j.clone()),
        Ast::MultiList(items) => {
            if cur.is_null() {
                Node::Null
            } else {
                let mut out = Vec::new();
                for e in items {
                    out.push(eval(e, cur, d)?);
                }
                Node::List(out)
            }
        }
        Ast::MultiHash(items) => {
            if cur.is_null() {
                Node::Null
            } else {
                let mut out = Vec::new();
                for (k, e) in items {
                    out.push((k.clone(), eval(e, cur, d)?.into_json()));
                }
                Node::owned(Json::Object(out))
            }
        }
        Ast::Function(f, args) => {
            let mut vals = Vec::with_capacity(args.len());
            for a in args {
                vals.push(eval(a, cur, d)?);
            }
            call(*f, vals)?
        }
    })
}

pub(super) fn project<'a>(
    items: Vec<Node<'a>>,
    rhs: &Ast,
    depth: usize,
) -> Result<Node<'a>, Error> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let v = eval(rhs, &item, depth)?;
        if !v.is_null() {
            out.push(v);
        }
    }
    Ok(Node::List(out))
}

pub(super) fn type_error<T>(func: &str, arg: &Json) -> Result<T, Error> {
    Err(Error::new(format!(
        "invalid type for {func}(): got {} {arg}",
        arg.type_name()
    )))
}

pub(super) fn call(f: Func, mut args: Vec<Node<'_>>) -> Result<Node<'_>, Error> {
    let first = args.first().cloned().unwrap_or(Node::Null);
    Ok(Node::owned(match f {
        Func::Length => match first.length() {
            Some(n) => Json::Int(n as i64),
            None => return type_error("length", &first.into_json()),
        },
        Func::Contains => {
            let needle = args.pop().unwrap_or(Node::Null).into_json();
            match first.into_json() {
                Json::Array(a) => Json::Bool(a.contains(&needle)),
                Json::String(s) => match needle {
                    Json::String(n) => Json::Bool(s.contains(&n)),
                    _ => Json::Bool(false),
                },
                other => return type_error("contains", &other),
            }
        }
        Func::StartsWith | Func::EndsWith => {
            let name = if f == Func::StartsWith {
                "starts_with"
            } else {
                "ends_with"
            };
            let other = args.pop().unwrap_or(Node::Null).into_json();
            match (first.into_json(), other) {
                (Json::String(s), Json::String(p)) => Json::Bool(if f == Func::StartsWith {
                    s.starts_with(&p)
                } else {
                    s.ends_with(&p)
                }),
                (a, _) => return type_error(name, &a),
            }
        }
        Func::NotNull => {
            return Ok(args
                .into_iter()
                .find(|a| !a.is_null())
                .unwrap_or(Node::Null))
        }
        Func::Type => Json::String(first.into_json().type_name().to_string()),
        Func::Keys | Func::Values => match first.into_json() {
            Json::Object(o) if f == Func::Keys => {
                Json::Array(o.into_iter().map(|(k, _)| Json::String(k)).collect())
            }
            Json::Object(o) => Json::Array(o.into_iter().map(|(_, v)| v).collect()),
            other => return type_error("keys/values", &other),
        },
        Func::ToString => match first.into_json() {
            Json::String(s) => Json::String(s),
            other => Json::String(other.to_string()),
        },
        Func::ToNumber => match first.into_json() {
            j @ (Json::Int(_) | Json::Float(_)) => j,
            Json::String(s) => match s.parse::<i64>() {
                Ok(i) => Json::Int(i),
                Err(_) => s.parse::<f64>().map(Json::Float).unwrap_or(Json::Null),
            },
            _ => Json::Null,
        },
        Func::Abs => match first.into_json() {
            Json::Int(i) => Json::Int(i.saturating_abs()),
            Json::Float(x) => Json::Float(x.abs()),
            other => return type_error("abs", &other),
        },
        Func::Max | Func::Min | Func::Sum => match first.into_json() {
            Json::Array(a) => {
                if f == Func::Sum {
                    let mut total = Json::Int(0);
                    for v in &a {
                        total = match (&total, v) {
                            (Json::Int(x), Json::Int(y)) => match x.checked_add(*y) {
                                Some(s) => Json::Int(s),
                                None => Json::Float(*x as f64 + *y as f64),
                            },
                            (t, v) => match (t.as_f64(), v.as_f64()) {
                                (Some(x), Some(y)) => Json::Float(x + y),
                                _ => return type_error("sum", v),
                            },
                        };
                    }
                    total
                } else {
                    let mut best: Option<Json> = None;
                    for v in a {
                        let better = match (&best, &v) {
                            (None, Json::Int(_) | Json::Float(_) | Json::String(_)) => true,
                            (Some(Json::String(b)), Json::String(s)) => (s < b) == (f == Func::Min),
                            (Some(b), _) => match (b.as_f64(), v.as_f64()) {
                                (Some(b), Some(x)) => (x < b) == (f == Func::Min),
                                _ => return type_error("max/min", &v),
                            },
                            (None, _) => return type_error("max/min", &v),
                        };
                        if better {
                            best = Some(v);
                        }
                    }
                    best.unwrap_or(Json::Null)
                }
            }
            other => return type_error("max/min/sum", &other),
        },
    }))
}
