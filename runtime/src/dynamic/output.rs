//! An operation's output as JSON, as the AWS CLI prints it: members in model order (for the
//! REST protocols, header and status-code members first, as botocore's parser adds them
//! before the body's), absent members left out, blobs as base64, timestamps as Python's
//! `datetime.isoformat()` (the CLI's `cli_timestamp_format = iso8601`, v2's default).

use crate::response::ResponseMetadata;
use crate::schema::{Kind, Location, Member, Protocol, Shape, JSON_VALUE};
use crate::types::{Body, DateTime, Document, Number};
use crate::value::Value;
use serde_json::{Map, Value as J};

/// How timestamps are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimestampFormat {
    /// `2024-01-02T03:04:05+00:00`, with `.ffffff` microseconds when not zero: Python's
    /// `datetime.isoformat()` of the UTC time, as the AWS CLI's `iso8601` format writes it.
    #[default]
    Iso8601,
    /// Seconds since the epoch, as a JSON number (fractional when not whole).
    Epoch,
}

/// Options of [`Output::to_json`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct JsonOptions {
    pub timestamps: TimestampFormat,
}

impl JsonOptions {
    /// Options with timestamps written as `timestamps`.
    pub fn with_timestamps(timestamps: TimestampFormat) -> JsonOptions {
        JsonOptions { timestamps }
    }
}

/// What an operation returned: its output value, the output shape, and the response's
/// metadata (which [`Output::to_json`] leaves out, as the AWS CLI does).
#[derive(Debug)]
pub struct Output {
    value: Value,
    shape: &'static Shape,
    protocol: Protocol,
    metadata: ResponseMetadata,
}

impl Output {
    pub(super) fn new(
        value: Value,
        shape: &'static Shape,
        protocol: Protocol,
        metadata: ResponseMetadata,
    ) -> Output {
        Output {
            value,
            shape,
            protocol,
            metadata,
        }
    }

    /// The output as JSON. Object keys are inserted in model order, so they print in that
    /// order when serde_json's `preserve_order` feature is on.
    pub fn to_json(&self, options: &JsonOptions) -> J {
        let rest = matches!(self.protocol, Protocol::RestJson | Protocol::RestXml);
        match (&self.value, rest) {
            (Value::Struct(slots), true) => {
                // botocore's REST parsers add header and status-code members, then the body's.
                let members = self.shape.members();
                let located = |i: &usize| {
                    members.get(*i).is_some_and(|m| {
                        matches!(
                            m.location,
                            Location::Header | Location::Headers | Location::StatusCode
                        )
                    })
                };
                let order: Vec<usize> = (0..slots.len())
                    .filter(located)
                    .chain((0..slots.len()).filter(|i| !located(i)))
                    .collect();
                structure(self.shape, slots, order.into_iter(), options)
            }
            (value, _) => to_json(value, self.shape, options),
        }
    }

    /// The response's metadata (request id, HTTP status and headers, retries).
    pub fn metadata(&self) -> &ResponseMetadata {
        &self.metadata
    }

    /// Takes the streaming payload (S3 `GetObject`'s `Body`) out of the output, if it has one.
    /// [`to_json`](Self::to_json) never includes it.
    pub fn take_body(&mut self) -> Option<Body> {
        let Value::Struct(slots) = &mut self.value else {
            return None;
        };
        for slot in slots.iter_mut() {
            if matches!(slot, Some(Value::Body(_))) {
                if let Some(Value::Body(body)) = slot.take() {
                    return Some(body);
                }
            }
        }
        None
    }

    /// The output shape.
    pub fn shape(&self) -> &'static Shape {
        self.shape
    }

    /// The output value as the runtime holds it.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The output value and the response's metadata.
    pub fn into_parts(self) -> (Value, ResponseMetadata) {
        (self.value, self.metadata)
    }
}

fn structure(
    shape: &'static Shape,
    slots: &[Option<Value>],
    order: impl Iterator<Item = usize>,
    options: &JsonOptions,
) -> J {
    let members = shape.members();
    let mut out = Map::new();
    for i in order {
        let (Some(m), Some(Some(v))) = (members.get(i), slots.get(i)) else {
            continue;
        };
        if matches!(
            v,
            Value::Body(_) | Value::EventStream(_) | Value::EventInput(_)
        ) {
            continue;
        }
        out.insert(m.name.to_string(), member(v, m, options));
    }
    J::Object(out)
}

/// The value of member `m`. botocore parses a `jsonvalue` member's JSON only in a header; in
/// a body the AWS CLI prints it as the JSON text it is (here written compactly again).
fn member(value: &Value, m: &'static Member, options: &JsonOptions) -> J {
    match value {
        Value::Document(d) if m.has(JSON_VALUE) && m.location == Location::Body => {
            J::String(document(d).to_string())
        }
        v => to_json(v, m.target(), options),
    }
}

/// `value` (of `shape`) as JSON.
pub(super) fn to_json(value: &Value, shape: &'static Shape, options: &JsonOptions) -> J {
    match value {
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => float(*f),
        Value::Str(s) => J::String(s.clone()),
        Value::Blob(b) => {
            use base64::Engine as _;
            J::String(base64::engine::general_purpose::STANDARD.encode(b.as_bytes()))
        }
        Value::Timestamp(t) => match options.timestamps {
            TimestampFormat::Iso8601 => J::String(isoformat(t)),
            TimestampFormat::Epoch if t.subsec_nanos() == 0 => J::from(t.secs()),
            TimestampFormat::Epoch => float(t.as_secs_f64()),
        },
        Value::List(items) => match shape.kind {
            Kind::List(m) => J::Array(items.iter().map(|v| member(v, m, options)).collect()),
            _ => J::Array(items.iter().map(|v| to_json(v, shape, options)).collect()),
        },
        Value::Map(entries) => J::Object(
            entries
                .iter()
                .map(|(k, v)| {
                    let v = match shape.kind {
                        Kind::Map(_, m) => member(v, m, options),
                        _ => to_json(v, shape, options),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Struct(slots) => structure(shape, slots, 0..slots.len(), options),
        Value::Document(d) => document(d),
        Value::Body(_) | Value::EventStream(_) | Value::EventInput(_) => J::Null,
    }
}

fn float(f: f64) -> J {
    serde_json::Number::from_f64(f).map_or(J::Null, J::Number)
}

fn document(d: &Document) -> J {
    match d {
        Document::Null => J::Null,
        Document::Bool(b) => J::Bool(*b),
        Document::Number(Number::PosInt(u)) => J::from(*u),
        Document::Number(Number::NegInt(i)) => J::from(*i),
        Document::Number(Number::Float(f)) => float(*f),
        Document::String(s) => J::String(s.clone()),
        Document::Array(items) => J::Array(items.iter().map(document).collect()),
        Document::Object(members) => J::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), document(v)))
                .collect(),
        ),
    }
}

/// Python's `datetime.isoformat()` of `t` in UTC: `2024-01-02T03:04:05+00:00`, with
/// microseconds (rounded, as Python's `fromtimestamp` rounds) only when not zero.
pub fn isoformat(t: &DateTime) -> String {
    let mut secs = t.secs();
    let mut micros = (t.subsec_nanos() + 500) / 1000;
    if micros == 1_000_000 {
        secs += 1;
        micros = 0;
    }
    let Ok(dt) = time::OffsetDateTime::from_unix_timestamp(secs) else {
        return secs.to_string();
    };
    let frac = if micros == 0 {
        String::new()
    } else {
        format!(".{micros:06}")
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{frac}+00:00",
        dt.year(),
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isoformat_is_pythons() {
        // datetime.datetime.fromtimestamp(1704164645, tz=utc).isoformat()
        assert_eq!(
            isoformat(&DateTime::from_secs(1_704_164_645)),
            "2024-01-02T03:04:05+00:00"
        );
        // fromtimestamp(1704164645.5) → '.500000'
        assert_eq!(
            isoformat(&DateTime::from_secs_and_nanos(1_704_164_645, 500_000_000)),
            "2024-01-02T03:04:05.500000+00:00"
        );
        // Sub-microsecond parts round, and may carry into the second.
        assert_eq!(
            isoformat(&DateTime::from_secs_and_nanos(1_704_164_645, 999_999_700)),
            "2024-01-02T03:04:06+00:00"
        );
        assert_eq!(
            isoformat(&DateTime::from_secs(0)),
            "1970-01-01T00:00:00+00:00"
        );
    }
}
