//! Typed headers and their wire form: name length (u8), name (UTF-8), type byte, value.

use bytes::{BufMut, Bytes};

use super::EventStreamError;

/// A header value, one variant per wire type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HeaderValue {
    /// Types 0 (`true`) and 1 (`false`); no value bytes follow the type.
    Bool(bool),
    /// Type 2: a signed byte.
    Byte(i8),
    /// Type 3: a big-endian `i16`.
    Short(i16),
    /// Type 4: a big-endian `i32`.
    Integer(i32),
    /// Type 5: a big-endian `i64`.
    Long(i64),
    /// Type 6: bytes with a `u16` length prefix.
    ByteArray(Bytes),
    /// Type 7: UTF-8 with a `u16` length prefix.
    String(String),
    /// Type 8: milliseconds since the Unix epoch, big-endian `i64`.
    Timestamp(i64),
    /// Type 9: the 16 bytes of a UUID.
    Uuid([u8; 16]),
}

impl HeaderValue {
    /// The wire type byte.
    pub fn type_byte(&self) -> u8 {
        match self {
            Self::Bool(true) => 0,
            Self::Bool(false) => 1,
            Self::Byte(_) => 2,
            Self::Short(_) => 3,
            Self::Integer(_) => 4,
            Self::Long(_) => 5,
            Self::ByteArray(_) => 6,
            Self::String(_) => 7,
            Self::Timestamp(_) => 8,
            Self::Uuid(_) => 9,
        }
    }

    /// The string, when this is a [`HeaderValue::String`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// Bytes after the type byte.
    fn value_len(&self) -> usize {
        match self {
            Self::Bool(_) => 0,
            Self::Byte(_) => 1,
            Self::Short(_) => 2,
            Self::Integer(_) => 4,
            Self::Long(_) | Self::Timestamp(_) => 8,
            Self::ByteArray(b) => 2 + b.len(),
            Self::String(s) => 2 + s.len(),
            Self::Uuid(_) => 16,
        }
    }
}

/// One header: a name (1 to 255 bytes of UTF-8) and a typed value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Header {
    /// The header name, e.g. `:event-type`.
    pub name: String,
    /// The typed value.
    pub value: HeaderValue,
}

impl Header {
    /// A header named `name` carrying `value`.
    pub fn new(name: impl Into<String>, value: HeaderValue) -> Self {
        Self {
            name: name.into(),
            value,
        }
    }

    /// Bytes this header takes on the wire, after checking it can be written at all.
    pub(crate) fn encoded_len(&self) -> Result<usize, EventStreamError> {
        if self.name.is_empty() {
            return Err(EventStreamError::InvalidHeader("empty header name"));
        }
        if self.name.len() > usize::from(u8::MAX) {
            return Err(EventStreamError::InvalidHeader(
                "header name longer than 255 bytes",
            ));
        }
        let variable = match &self.value {
            HeaderValue::ByteArray(b) => b.len(),
            HeaderValue::String(s) => s.len(),
            _ => 0,
        };
        if variable > usize::from(u16::MAX) {
            return Err(EventStreamError::InvalidHeader(
                "header value longer than 65535 bytes",
            ));
        }
        Ok(1 + self.name.len() + 1 + self.value.value_len())
    }

    /// Appends the wire form. The caller has checked [`Self::encoded_len`], so the casts below
    /// cannot truncate.
    pub(crate) fn write(&self, out: &mut impl BufMut) {
        out.put_u8(self.name.len() as u8);
        out.put_slice(self.name.as_bytes());
        out.put_u8(self.value.type_byte());
        match &self.value {
            HeaderValue::Bool(_) => {}
            HeaderValue::Byte(v) => out.put_i8(*v),
            HeaderValue::Short(v) => out.put_i16(*v),
            HeaderValue::Integer(v) => out.put_i32(*v),
            HeaderValue::Long(v) | HeaderValue::Timestamp(v) => out.put_i64(*v),
            HeaderValue::ByteArray(b) => {
                out.put_u16(b.len() as u16);
                out.put_slice(b);
            }
            HeaderValue::String(s) => {
                out.put_u16(s.len() as u16);
                out.put_slice(s.as_bytes());
            }
            HeaderValue::Uuid(u) => out.put_slice(u),
        }
    }
}

/// Reads headers out of a header block; byte-array values share the block's buffer.
pub(crate) fn decode_headers(block: Bytes) -> Result<Vec<Header>, EventStreamError> {
    let mut reader = Reader { block, at: 0 };
    let mut headers = Vec::new();
    while reader.at < reader.block.len() {
        headers.push(reader.header()?);
    }
    Ok(headers)
}

struct Reader {
    block: Bytes,
    at: usize,
}

impl Reader {
    /// The next `n` bytes; running past the block is a length error, never a panic.
    fn take(&mut self, n: usize) -> Result<&[u8], EventStreamError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&end| end <= self.block.len())
            .ok_or(EventStreamError::LengthsInconsistent(
                "a header runs past the end of the header block",
            ))?;
        let start = std::mem::replace(&mut self.at, end);
        Ok(&self.block[start..end])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], EventStreamError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn header(&mut self) -> Result<Header, EventStreamError> {
        let [name_len] = self.array()?;
        if name_len == 0 {
            return Err(EventStreamError::InvalidHeader("empty header name"));
        }
        let name_bytes = self.take(usize::from(name_len))?;
        let name = match std::str::from_utf8(name_bytes) {
            Ok(name) => name.to_owned(),
            Err(_) => return Err(EventStreamError::InvalidHeader("header name is not UTF-8")),
        };
        let [type_byte] = self.array()?;
        let value = match type_byte {
            0 => HeaderValue::Bool(true),
            1 => HeaderValue::Bool(false),
            2 => HeaderValue::Byte(i8::from_be_bytes(self.array()?)),
            3 => HeaderValue::Short(i16::from_be_bytes(self.array()?)),
            4 => HeaderValue::Integer(i32::from_be_bytes(self.array()?)),
            5 => HeaderValue::Long(i64::from_be_bytes(self.array()?)),
            6 => {
                let len = usize::from(u16::from_be_bytes(self.array()?));
                self.take(len)?;
                HeaderValue::ByteArray(self.block.slice(self.at - len..self.at))
            }
            7 => {
                let len = usize::from(u16::from_be_bytes(self.array()?));
                match std::str::from_utf8(self.take(len)?) {
                    Ok(s) => HeaderValue::String(s.to_owned()),
                    Err(_) => {
                        return Err(EventStreamError::InvalidHeader(
                            "string header value is not UTF-8",
                        ))
                    }
                }
            }
            8 => HeaderValue::Timestamp(i64::from_be_bytes(self.array()?)),
            9 => HeaderValue::Uuid(self.array()?),
            _ => return Err(EventStreamError::UnknownHeaderType { name, type_byte }),
        };
        Ok(Header { name, value })
    }
}
