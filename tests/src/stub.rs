//! A [`Connector`] for tests: it records every request exactly as the pipeline would put it on
//! the wire and answers from a script, so a test sees what a real call sends and feeds
//! responses in where real ones enter.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use rboto::http::{BoxFuture, Connector};
use rboto::{Body, Error};

/// A request as it left the pipeline: signed, with every header and the whole body.
#[derive(Clone, Debug)]
pub struct CapturedRequest {
    pub method: String,
    pub uri: http::Uri,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
}

impl CapturedRequest {
    /// The first value of header `name` (any case), as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A scripted response.
#[derive(Clone, Debug)]
pub struct StubResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Sizes of the pieces the body arrives in (the rest in one last piece); empty: whole.
    pub chunk_sizes: Vec<usize>,
}

impl StubResponse {
    pub fn new(status: u16, headers: Vec<(String, String)>, body: impl Into<Vec<u8>>) -> Self {
        StubResponse {
            status,
            headers,
            body: body.into(),
            chunk_sizes: Vec::new(),
        }
    }

    /// The body delivered in pieces of these sizes (cycled until it is all sent), as a server
    /// streaming its answer splits it wherever it likes.
    pub fn in_chunks(mut self, sizes: &[usize]) -> Self {
        self.chunk_sizes = sizes.to_vec();
        self
    }

    fn body(&self) -> Body {
        if self.chunk_sizes.is_empty() || self.chunk_sizes.contains(&0) {
            return Body::from(self.body.clone());
        }
        let mut chunks = Vec::new();
        let mut rest = &self.body[..];
        for size in self.chunk_sizes.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (chunk, tail) = rest.split_at((*size).min(rest.len()));
            chunks.push(chunk.to_vec());
            rest = tail;
        }
        Body::from_chunks(chunks)
    }
}

#[derive(Debug, Default)]
struct State {
    requests: Vec<CapturedRequest>,
    script: VecDeque<StubResponse>,
    fallback: Option<StubResponse>,
    /// Requests are answered but not kept ([`StubConnector::without_record`]).
    forget: bool,
}

/// Records requests; answers each with the next scripted response, then with the fallback
/// (`200` with an empty body unless set). Clones share their record and script.
#[derive(Clone, Debug, Default)]
pub struct StubConnector {
    state: Arc<Mutex<State>>,
}

impl StubConnector {
    pub fn new() -> Self {
        Self::default()
    }

    /// Answers the next request not yet answered by an earlier script entry with `response`.
    pub fn push(&self, response: StubResponse) -> &Self {
        self.state.lock().unwrap().script.push_back(response);
        self
    }

    /// What every request gets once the script is used up.
    pub fn fallback(&self, response: StubResponse) -> &Self {
        self.state.lock().unwrap().fallback = Some(response);
        self
    }

    /// A stub that answers the same way but keeps no record of the requests, for runs of
    /// millions of calls (the mutation test's), where the record would grow without bound.
    pub fn without_record() -> Self {
        let stub = Self::default();
        stub.state.lock().unwrap().forget = true;
        stub
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<CapturedRequest> {
        self.state.lock().unwrap().requests.clone()
    }

    /// The one request received; panics (naming how many there were) otherwise.
    pub fn only_request(&self) -> CapturedRequest {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "expected exactly one request");
        requests.into_iter().next().unwrap()
    }
}

impl Connector for StubConnector {
    fn send(
        &self,
        request: http::Request<Body>,
    ) -> BoxFuture<'_, Result<http::Response<Body>, Error>> {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let body = body.collect().await.map_err(|e| e.into_error())?;
            let response = {
                let mut state = self.state.lock().unwrap();
                if !state.forget {
                    state.requests.push(CapturedRequest {
                        method: parts.method.to_string(),
                        uri: parts.uri,
                        headers: parts.headers,
                        body: body.to_vec(),
                    });
                }
                state
                    .script
                    .pop_front()
                    .or_else(|| state.fallback.clone())
                    .unwrap_or_else(|| StubResponse::new(200, Vec::new(), Vec::new()))
            };
            let mut builder = http::Response::builder().status(response.status);
            for (name, value) in &response.headers {
                builder = builder.header(name, value);
            }
            Ok(builder
                .body(response.body())
                .expect("a scripted response is a valid HTTP response"))
        })
    }
}
