//! `jsonvalue` members: rboto types them as [`Document`] while every protocol carries them as
//! JSON text (botocore's `is_json_value_header` `json.dumps`/`json.loads` in headers, a JSON
//! string in a body). Converting the value tree once around the protocols keeps each protocol
//! seeing the plain string its wire format expects.

use super::{ParseError, SerializeError};
use crate::schema::{Kind, Member, Shape, JSON_VALUE};
use crate::types::Document;
use crate::value::Value;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Turns every `jsonvalue` member's document in `value` (of `shape`) into compact JSON text,
/// as `json.dumps(value, separators=(',', ':'))`.
pub(crate) fn to_text(shape: &'static Shape, value: &mut Value) -> Result<(), SerializeError> {
    if !holds_json_value(shape) {
        return Ok(());
    }
    walk(shape, value, &mut |m, v| {
        if let Value::Document(d) = v {
            let text = serde_json::to_string(&d.to_json())
                .map_err(|e| SerializeError(format!("{}: {e}", m.name)))?;
            *v = Value::Str(text);
        }
        Ok(())
    })
}

/// Parses every `jsonvalue` member's JSON text in `value` (of `shape`) into a document.
pub(crate) fn to_documents(shape: &'static Shape, value: &mut Value) -> Result<(), ParseError> {
    if !holds_json_value(shape) {
        return Ok(());
    }
    walk(shape, value, &mut |m, v| {
        if let Value::Str(text) = v {
            // The text itself is left out of the error: such members carry session attributes.
            let json = serde_json::from_str(text).map_err(|e| {
                ParseError(format!(
                    "{}: the jsonvalue member is not valid JSON: {e}",
                    m.name
                ))
            })?;
            *v = Value::Document(Document::from_json(json));
        }
        Ok(())
    })
}

/// Whether a `jsonvalue` member is reachable from `shape`. Almost no shape has one, and walking
/// the whole value tree to find none was a measurable share of reading a large response (a
/// tenth of a DynamoDB Query of 100 items), so the answer is worked out once per top-level
/// shape (shapes are `'static`: the address identifies one) and remembered.
fn holds_json_value(shape: &'static Shape) -> bool {
    static KNOWN: Mutex<BTreeMap<usize, bool>> = Mutex::new(BTreeMap::new());
    let key = std::ptr::from_ref(shape) as usize;
    // A poisoned lock only means another thread panicked mid-insert; the map is still sound.
    if let Some(&known) = KNOWN.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return known;
    }
    let holds = reaches_json_value(shape, &mut Vec::new());
    KNOWN
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, holds);
    holds
}

/// Depth-first search of the shape graph; `seen` stops the recursion on recursive shapes.
fn reaches_json_value(shape: &'static Shape, seen: &mut Vec<*const Shape>) -> bool {
    let ptr = std::ptr::from_ref(shape);
    if seen.contains(&ptr) {
        return false;
    }
    seen.push(ptr);
    let mut member = |m: &'static Member| m.has(JSON_VALUE) || reaches_json_value(m.target(), seen);
    match &shape.kind {
        Kind::Structure(members) | Kind::Union(members) => members.iter().any(member),
        Kind::List(item) => member(item),
        Kind::Map(_, val) => member(val),
        _ => false,
    }
}

/// Calls `f` on each `jsonvalue` member value reachable in `value`; the tree is finite even when
/// the shapes are recursive, so this always ends.
fn walk<E>(
    shape: &'static Shape,
    value: &mut Value,
    f: &mut impl FnMut(&Member, &mut Value) -> Result<(), E>,
) -> Result<(), E> {
    let mut visit = |m: &'static Member, v: &mut Value| {
        if m.has(JSON_VALUE) {
            f(m, v)
        } else {
            walk(m.target(), v, f)
        }
    };
    match (&shape.kind, value) {
        (Kind::Structure(members) | Kind::Union(members), Value::Struct(slots)) => {
            for (m, slot) in members.iter().zip(slots.iter_mut()) {
                if let Some(v) = slot {
                    visit(m, v)?;
                }
            }
        }
        (Kind::List(item), Value::List(items)) => {
            for v in items {
                visit(item, v)?;
            }
        }
        (Kind::Map(_, val), Value::Map(entries)) => {
            for (_, v) in entries {
                visit(val, v)?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests;
