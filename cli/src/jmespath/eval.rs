//! jmespath.py's `TreeInterpreter` over serde_json values.

use super::functions;
use super::lexer::Tok;
use super::parser::Node;
use super::Error;
use serde_json::{Map, Value};
use std::cmp::Ordering;

/// JMESPath truthiness: false, null, empty strings, arrays and objects are false.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Number(_) => true,
    }
}

/// Deep equality with numbers compared by value (`1 == 1.0`), booleans never equal numbers.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

fn compare(op: &Tok, a: &Value, b: &Value) -> Value {
    match op {
        Tok::Eq => Value::Bool(equal(a, b)),
        Tok::Ne => Value::Bool(!equal(a, b)),
        _ => {
            let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) else {
                return Value::Null;
            };
            let ord = x.partial_cmp(&y);
            Value::Bool(match op {
                Tok::Lt => ord == Some(Ordering::Less),
                Tok::Le => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
                Tok::Gt => ord == Some(Ordering::Greater),
                _ => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
            })
        }
    }
}

/// Python's `slice(start, stop, step).indices(len)`: the indexes a slice takes.
pub fn slice_indexes(
    len: usize,
    start: Option<i64>,
    stop: Option<i64>,
    step: Option<i64>,
) -> Vec<usize> {
    let len = len as i64;
    let step = step.unwrap_or(1);
    let (lower, upper) = if step > 0 { (0, len) } else { (-1, len - 1) };
    let bound = |v: Option<i64>, default: i64| match v {
        None => default,
        Some(v) => {
            let v = if v < 0 { v + len } else { v };
            v.clamp(lower, upper)
        }
    };
    let (start, stop) = if step > 0 {
        (bound(start, lower), bound(stop, upper))
    } else {
        (bound(start, upper), bound(stop, lower))
    };
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        if (0..len).contains(&i) {
            out.push(i as usize);
        }
        i += step;
    }
    out
}

pub fn eval(node: &Node, data: &Value) -> Result<Value, Error> {
    Ok(match node {
        Node::Current => data.clone(),
        Node::Literal(v) => v.clone(),
        Node::Field(name) => match data {
            Value::Object(o) => o.get(name).cloned().unwrap_or(Value::Null),
            _ => Value::Null,
        },
        Node::Sub(l, r) | Node::IndexExpr(l, r) => {
            let left = eval(l, data)?;
            eval(r, &left)?
        }
        Node::Pipe(l, r) => {
            let left = eval(l, data)?;
            eval(r, &left)?
        }
        Node::Index(i) => match data {
            Value::Array(a) => {
                let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                if idx < 0 {
                    Value::Null
                } else {
                    a.get(idx as usize).cloned().unwrap_or(Value::Null)
                }
            }
            _ => Value::Null,
        },
        Node::Slice(start, stop, step) => match data {
            Value::Array(a) => {
                if *step == Some(0) {
                    return Err(Error::value("Invalid slice, step cannot be 0"));
                }
                Value::Array(
                    slice_indexes(a.len(), *start, *stop, *step)
                        .into_iter()
                        .map(|i| a[i].clone())
                        .collect(),
                )
            }
            _ => Value::Null,
        },
        Node::Projection(l, r) => match eval(l, data)? {
            Value::Array(items) => {
                let mut out = Vec::new();
                for item in &items {
                    let v = eval(r, item)?;
                    if !v.is_null() {
                        out.push(v);
                    }
                }
                Value::Array(out)
            }
            _ => Value::Null,
        },
        Node::ValueProjection(l, r) => match eval(l, data)? {
            Value::Object(map) => {
                let mut out = Vec::new();
                for item in map.values() {
                    let v = eval(r, item)?;
                    if !v.is_null() {
                        out.push(v);
                    }
                }
                Value::Array(out)
            }
            _ => Value::Null,
        },
        Node::FilterProjection(l, r, cond) => match eval(l, data)? {
            Value::Array(items) => {
                let mut out = Vec::new();
                for item in &items {
                    if truthy(&eval(cond, item)?) {
                        let v = eval(r, item)?;
                        if !v.is_null() {
                            out.push(v);
                        }
                    }
                }
                Value::Array(out)
            }
            _ => Value::Null,
        },
        Node::Flatten(inner) => match eval(inner, data)? {
            Value::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Value::Array(sub) => out.extend(sub),
                        other => out.push(other),
                    }
                }
                Value::Array(out)
            }
            _ => Value::Null,
        },
        Node::Or(l, r) => {
            let left = eval(l, data)?;
            if truthy(&left) {
                left
            } else {
                eval(r, data)?
            }
        }
        Node::And(l, r) => {
            let left = eval(l, data)?;
            if !truthy(&left) {
                left
            } else {
                eval(r, data)?
            }
        }
        Node::Not(inner) => Value::Bool(!truthy(&eval(inner, data)?)),
        Node::Compare(op, l, r) => compare(op, &eval(l, data)?, &eval(r, data)?),
        Node::MultiList(items) => {
            if data.is_null() {
                return Ok(Value::Null);
            }
            Value::Array(
                items
                    .iter()
                    .map(|n| eval(n, data))
                    .collect::<Result<_, _>>()?,
            )
        }
        Node::MultiHash(pairs) => {
            if data.is_null() {
                return Ok(Value::Null);
            }
            let mut map = Map::new();
            for (k, n) in pairs {
                map.insert(k.clone(), eval(n, data)?);
            }
            Value::Object(map)
        }
        Node::Function(name, args) => functions::call(name, args, data)?,
        // An expression reference alone evaluates to nothing; functions take it unevaluated.
        Node::ExpRef(_) => Value::Null,
    })
}
