//! The pieces of error parsing that botocore shares between its parsers, so the JSON, CBOR and
//! REST parsers read them the same way: the generic 5xx answer of a proxy or load balancer
//! (`ResponseParser._is_generic_error_response`), the `__type` code's namespace and URI
//! (`BaseJSONParser`/`RestJSONParser` strip both), and the `x-amzn-query-error` header of
//! query-compatible services (`_do_query_compatible_error_parse`).

use super::{ErrorParts, Response};

/// A 5xx with an empty or HTML body: not the service answering.
pub(crate) fn is_generic_error(response: &Response<'_>) -> bool {
    let trimmed = response.body.trim_ascii();
    response.status >= 500 && (trimmed.is_empty() || trimmed.starts_with(b"<html>"))
}

/// The reason phrase of a status, as botocore's `http.client.responses`.
pub(crate) fn reason(status: u16) -> Option<String> {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(str::to_string)
}

/// An error named by its HTTP status alone (code `503`, message `Service Unavailable`).
pub(crate) fn from_status(status: u16, request_id: Option<String>) -> ErrorParts {
    ErrorParts {
        code: status.to_string(),
        message: reason(status),
        request_id,
        fault: None,
    }
}

/// The `x-amzn-requestid` header the JSON-based protocols return.
pub(crate) fn amzn_request_id(response: &Response<'_>) -> Option<String> {
    response.header("x-amzn-requestid").map(str::to_string)
}

/// `aws.protocoltests.restjson#FooError:http://...` → `FooError`.
pub(crate) fn strip_error_code(code: &str) -> &str {
    let code = code.split_once(':').map_or(code, |(c, _)| c);
    code.rsplit_once('#').map_or(code, |(_, c)| c)
}

/// `x-amzn-query-error: Code;Sender` replaces the code and sets the fault; anything but two
/// fields with a non-empty code leaves both alone.
pub(crate) fn apply_query_error(
    response: &Response<'_>,
    code: &mut String,
    fault: &mut Option<String>,
) {
    let Some(q) = response.header("x-amzn-query-error") else {
        return;
    };
    let mut parts = q.split(';');
    if let (Some(first), Some(kind), None) = (parts.next(), parts.next(), parts.next()) {
        if !first.is_empty() {
            *code = first.to_string();
            *fault = Some(kind.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_lose_namespace_and_uri() {
        assert_eq!(strip_error_code("ns.a#Foo:http://x/y"), "Foo");
        assert_eq!(strip_error_code("Foo:http://x"), "Foo");
        assert_eq!(strip_error_code("ns#Foo"), "Foo");
        assert_eq!(strip_error_code("Foo"), "Foo");
    }
}
