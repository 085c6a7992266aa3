//! The seam between the request pipeline and the wire: a [`Connector`] takes one signed
//! `http::Request` and returns the response head with its body unread.
//!
//! [`super::HttpClient`] (hyper over rustls) is the connector every client uses unless its
//! [`crate::Config`] names another one. Tests put a capturing stub here to see exactly what a
//! call would send — after validation, endpoint resolution, serialization, compression and
//! signing — and to answer with recorded responses that enter where a real one does.

use crate::error::Error;
use crate::types::Body;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed future, as a [`Connector`] returns it.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Sends one HTTP request. The request is complete: absolute URI, every header the pipeline
/// adds (signature, `Content-Length`, SDK headers) and the body as it goes on the wire.
///
/// A failure should be an [`Error`] of the transport kinds (connection, timeout, TLS) so the
/// retry classifier treats it like a real network failure.
pub trait Connector: Send + Sync + fmt::Debug + 'static {
    fn send(
        &self,
        request: http::Request<Body>,
    ) -> BoxFuture<'_, Result<http::Response<Body>, Error>>;
}

/// A [`Connector`] shared by every client made from one [`crate::Config`]. Cheap to clone.
#[derive(Clone, Debug)]
pub struct SharedConnector(Arc<dyn Connector>);

impl SharedConnector {
    pub fn new(connector: impl Connector) -> Self {
        SharedConnector(Arc::new(connector))
    }

    pub fn send(
        &self,
        request: http::Request<Body>,
    ) -> BoxFuture<'_, Result<http::Response<Body>, Error>> {
        self.0.send(request)
    }
}

impl Connector for super::HttpClient {
    fn send(
        &self,
        request: http::Request<Body>,
    ) -> BoxFuture<'_, Result<http::Response<Body>, Error>> {
        Box::pin(super::HttpClient::send(self, request))
    }
}
