//! JMESPath's built-in functions, with jmespath.py's type rules and error wording.

use super::eval::eval;
use super::parser::Node;
use super::Error;
use serde_json::{Map, Number, Value};

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn invalid_type(func: &str, v: &Value, expected: &str) -> Error {
    Error::value(format!(
        "In function {func}(), invalid type for value: {}, expected one of: {expected}, received: \"{}\"",
        compact(v, true),
        type_name(v)
    ))
}

fn arity(func: &str, args: &[Node], n: usize) -> Result<(), Error> {
    if args.len() != n {
        return Err(Error::value(format!(
            "Expected {n} argument{} for function {func}(), received {}",
            if n == 1 { "" } else { "s" },
            args.len()
        )));
    }
    Ok(())
}

/// Python's `json.dumps(v, separators=(',', ':'))` (`ensure_ascii` as given).
pub fn compact(v: &Value, ensure_ascii: bool) -> String {
    let mut out = String::new();
    write_compact(v, ensure_ascii, &mut out);
    out
}

fn write_compact(v: &Value, ascii: bool, out: &mut String) {
    match v {
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_compact(x, ascii, out);
            }
            out.push(']');
        }
        Value::Object(o) => {
            out.push('{');
            for (i, (k, x)) in o.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(k, ascii, out);
                out.push(':');
                write_compact(x, ascii, out);
            }
            out.push('}');
        }
        Value::String(s) => write_str(s, ascii, out),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => out.push_str(&i.to_string()),
            (_, Some(u), _) => out.push_str(&u.to_string()),
            (_, _, Some(f)) => out.push_str(&crate::output::json::python_float_repr(f)),
            _ => out.push_str("null"),
        },
        other => out.push_str(&other.to_string()),
    }
}

fn write_str(s: &str, ascii: bool, out: &mut String) {
    crate::output::json::write_python_string(s, ascii, out);
}

fn num_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

fn float(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// Sort key of a `sort`/`sort_by`/`max`… item: all numbers or all strings.
#[derive(PartialEq, PartialOrd)]
enum Key {
    Num(f64),
    Str(String),
}

fn key_of(func: &str, v: &Value, want_str: Option<bool>) -> Result<Key, Error> {
    match (v, want_str) {
        (Value::Number(n), None | Some(false)) => Ok(Key::Num(n.as_f64().unwrap_or(0.0))),
        (Value::String(s), None | Some(true)) => Ok(Key::Str(s.clone())),
        _ => Err(invalid_type(func, v, "['number', 'string']")),
    }
}

fn keys_of(func: &str, items: &[Value]) -> Result<Vec<Key>, Error> {
    let want = items.first().map(|v| v.is_string());
    items.iter().map(|v| key_of(func, v, want)).collect()
}

fn array_arg(func: &str, v: Value) -> Result<Vec<Value>, Error> {
    match v {
        Value::Array(a) => Ok(a),
        other => Err(invalid_type(func, &other, "['array']")),
    }
}

fn expref<'n>(func: &str, node: &'n Node) -> Result<&'n Node, Error> {
    match node {
        Node::ExpRef(inner) => Ok(inner),
        _ => Err(Error::value(format!(
            "In function {func}(), invalid type for value: None, expected one of: ['expref'], received: \"null\""
        ))),
    }
}

fn by_keys(func: &str, items: &[Value], expr: &Node) -> Result<Vec<Key>, Error> {
    let mut keys = Vec::with_capacity(items.len());
    let mut want = None;
    for item in items {
        let k = eval(expr, item)?;
        if want.is_none() {
            want = Some(k.is_string());
        }
        keys.push(key_of(func, &k, want)?);
    }
    Ok(keys)
}

fn cmp(a: &Key, b: &Key) -> std::cmp::Ordering {
    a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal)
}

/// Calls function `name` with unevaluated `args` on `data`.
pub fn call(name: &str, args: &[Node], data: &Value) -> Result<Value, Error> {
    let arg = |i: usize| eval(&args[i], data);
    Ok(match name {
        "abs" => {
            arity(name, args, 1)?;
            match arg(0)? {
                Value::Number(n) => match n.as_i64() {
                    Some(i) => Value::from(i.abs()),
                    None => float(n.as_f64().unwrap_or(0.0).abs()),
                },
                other => return Err(invalid_type(name, &other, "['number']")),
            }
        }
        "avg" => {
            arity(name, args, 1)?;
            let items = array_arg(name, arg(0)?)?;
            if items.is_empty() {
                return Ok(Value::Null);
            }
            let mut sum = 0.0;
            for v in &items {
                sum += num_f64(v).ok_or_else(|| invalid_type(name, v, "['array-number']"))?;
            }
            float(sum / items.len() as f64)
        }
        "ceil" | "floor" => {
            arity(name, args, 1)?;
            let v = arg(0)?;
            let f = num_f64(&v).ok_or_else(|| invalid_type(name, &v, "['number']"))?;
            let r = if name == "ceil" { f.ceil() } else { f.floor() };
            Value::from(r as i64)
        }
        "contains" => {
            arity(name, args, 2)?;
            let (subject, search) = (arg(0)?, arg(1)?);
            match subject {
                Value::Array(a) => Value::Bool(a.iter().any(|x| super::eval::equal(x, &search))),
                Value::String(s) => Value::Bool(search.as_str().is_some_and(|t| s.contains(t))),
                other => return Err(invalid_type(name, &other, "['array', 'string']")),
            }
        }
        "ends_with" | "starts_with" => {
            arity(name, args, 2)?;
            let (s, t) = (arg(0)?, arg(1)?);
            let (Value::String(s), Value::String(t)) = (&s, &t) else {
                let bad = if s.is_string() { &t } else { &s };
                return Err(invalid_type(name, bad, "['string']"));
            };
            Value::Bool(if name == "ends_with" {
                s.ends_with(t.as_str())
            } else {
                s.starts_with(t.as_str())
            })
        }
        "join" => {
            arity(name, args, 2)?;
            let glue = arg(0)?;
            let Value::String(glue) = glue else {
                return Err(invalid_type(name, &glue, "['string']"));
            };
            let items = array_arg(name, arg(1)?)?;
            let mut parts = Vec::new();
            for v in &items {
                parts.push(
                    v.as_str()
                        .ok_or_else(|| invalid_type(name, v, "['array-string']"))?
                        .to_string(),
                );
            }
            Value::String(parts.join(&glue))
        }
        "keys" | "values" => {
            arity(name, args, 1)?;
            match arg(0)? {
                Value::Object(o) if name == "keys" => {
                    Value::Array(o.keys().map(|k| Value::String(k.clone())).collect())
                }
                Value::Object(o) => Value::Array(o.values().cloned().collect()),
                other => return Err(invalid_type(name, &other, "['object']")),
            }
        }
        "length" => {
            arity(name, args, 1)?;
            match arg(0)? {
                Value::String(s) => Value::from(s.chars().count()),
                Value::Array(a) => Value::from(a.len()),
                Value::Object(o) => Value::from(o.len()),
                other => return Err(invalid_type(name, &other, "['string', 'array', 'object']")),
            }
        }
        "map" => {
            arity(name, args, 2)?;
            let expr = expref(name, &args[0])?;
            let items = array_arg(name, arg(1)?)?;
            Value::Array(
                items
                    .iter()
                    .map(|x| eval(expr, x))
                    .collect::<Result<_, _>>()?,
            )
        }
        "max" | "min" => {
            arity(name, args, 1)?;
            let items = array_arg(name, arg(0)?)?;
            if items.is_empty() {
                return Ok(Value::Null);
            }
            let keys = keys_of(name, &items)?;
            let mut best = 0;
            for i in 1..items.len() {
                let o = cmp(&keys[i], &keys[best]);
                if (name == "max" && o.is_gt()) || (name == "min" && o.is_lt()) {
                    best = i;
                }
            }
            items[best].clone()
        }
        "max_by" | "min_by" => {
            arity(name, args, 2)?;
            let items = array_arg(name, arg(0)?)?;
            let expr = expref(name, &args[1])?;
            if items.is_empty() {
                return Ok(Value::Null);
            }
            let keys = by_keys(name, &items, expr)?;
            let mut best = 0;
            for i in 1..items.len() {
                let o = cmp(&keys[i], &keys[best]);
                if (name == "max_by" && o.is_gt()) || (name == "min_by" && o.is_lt()) {
                    best = i;
                }
            }
            items[best].clone()
        }
        "merge" => {
            let mut out = Map::new();
            for i in 0..args.len() {
                match arg(i)? {
                    Value::Object(o) => out.extend(o),
                    other => return Err(invalid_type(name, &other, "['object']")),
                }
            }
            Value::Object(out)
        }
        "not_null" => {
            if args.is_empty() {
                return Err(Error::value(
                    "Expected at least 1 argument for function not_null(), received 0",
                ));
            }
            for i in 0..args.len() {
                let v = arg(i)?;
                if !v.is_null() {
                    return Ok(v);
                }
            }
            Value::Null
        }
        "reverse" => {
            arity(name, args, 1)?;
            match arg(0)? {
                Value::String(s) => Value::String(s.chars().rev().collect()),
                Value::Array(mut a) => {
                    a.reverse();
                    Value::Array(a)
                }
                other => return Err(invalid_type(name, &other, "['string', 'array']")),
            }
        }
        "sort" => {
            arity(name, args, 1)?;
            let items = array_arg(name, arg(0)?)?;
            let keys = keys_of(name, &items)?;
            let mut idx: Vec<usize> = (0..items.len()).collect();
            idx.sort_by(|a, b| cmp(&keys[*a], &keys[*b]));
            Value::Array(idx.into_iter().map(|i| items[i].clone()).collect())
        }
        "sort_by" => {
            arity(name, args, 2)?;
            let items = array_arg(name, arg(0)?)?;
            let expr = expref(name, &args[1])?;
            let keys = by_keys(name, &items, expr)?;
            let mut idx: Vec<usize> = (0..items.len()).collect();
            idx.sort_by(|a, b| cmp(&keys[*a], &keys[*b]));
            Value::Array(idx.into_iter().map(|i| items[i].clone()).collect())
        }
        "sum" => {
            arity(name, args, 1)?;
            let items = array_arg(name, arg(0)?)?;
            let mut int_sum: i64 = 0;
            let mut f_sum = 0.0;
            let mut all_int = true;
            for v in &items {
                let Value::Number(n) = v else {
                    return Err(invalid_type(name, v, "['array-number']"));
                };
                match n.as_i64() {
                    Some(i) if all_int => int_sum = int_sum.saturating_add(i),
                    _ => {
                        all_int = false;
                    }
                }
                f_sum += n.as_f64().unwrap_or(0.0);
            }
            if all_int {
                Value::from(int_sum)
            } else {
                float(f_sum)
            }
        }
        "to_array" => {
            arity(name, args, 1)?;
            match arg(0)? {
                Value::Array(a) => Value::Array(a),
                other => Value::Array(vec![other]),
            }
        }
        "to_string" => {
            arity(name, args, 1)?;
            match arg(0)? {
                Value::String(s) => Value::String(s),
                other => Value::String(compact(&other, true)),
            }
        }
        "to_number" => {
            arity(name, args, 1)?;
            match arg(0)? {
                Value::Number(n) => Value::Number(n),
                Value::String(s) => {
                    if let Ok(i) = s.trim().parse::<i64>() {
                        Value::from(i)
                    } else if let Ok(f) = s.trim().parse::<f64>() {
                        float(f)
                    } else {
                        Value::Null
                    }
                }
                _ => Value::Null,
            }
        }
        "type" => {
            arity(name, args, 1)?;
            Value::String(type_name(&arg(0)?).into())
        }
        _ => return Err(Error::value(format!("Unknown function: {name}()"))),
    })
}
