use bytes::Bytes;

/// Binary data (`blob` shapes). Cheap to clone.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Blob(Bytes);

impl Blob {
    pub fn new(data: impl Into<Bytes>) -> Self {
        Blob(data.into())
    }
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
    pub fn into_inner(self) -> Bytes {
        self.0
    }
}

impl std::fmt::Debug for Blob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Blob({} bytes)", self.0.len())
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Blob {
    fn from(v: Vec<u8>) -> Self {
        Blob(v.into())
    }
}
impl From<&[u8]> for Blob {
    fn from(v: &[u8]) -> Self {
        Blob(Bytes::copy_from_slice(v))
    }
}
impl From<&str> for Blob {
    fn from(v: &str) -> Self {
        Blob(Bytes::copy_from_slice(v.as_bytes()))
    }
}
impl From<String> for Blob {
    fn from(v: String) -> Self {
        Blob(v.into())
    }
}
impl From<Bytes> for Blob {
    fn from(v: Bytes) -> Self {
        Blob(v)
    }
}
