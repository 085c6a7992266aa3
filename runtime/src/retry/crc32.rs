//! DynamoDB's response checksum: DynamoDB sends `x-amz-crc32`, the CRC32 of the response body
//! as a decimal number. A mismatch means the body was damaged in transit; botocore retries it
//! (`special.RetryDDBChecksumError`). rboto also refuses to return a damaged body when the
//! attempts run out: the call fails with a response-parse error instead.

use crate::schema::Service;

pub const HEADER: &str = "x-amz-crc32";

/// Whether `service` is DynamoDB and `body` does not match the `x-amz-crc32` header. A missing
/// header is not a mismatch; an unparseable one is.
pub fn dynamodb_mismatch(service: &Service, headers: &http::HeaderMap, body: &[u8]) -> bool {
    if service.name != "dynamodb" {
        return false;
    }
    let Some(value) = headers.get(HEADER) else {
        return false;
    };
    let expected = value
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse::<u32>().ok());
    expected != Some(crc32fast::hash(body))
}

#[cfg(test)]
mod tests {

    #[test]
    fn crc32_is_the_decimal_ieee_checksum() {
        // CRC32 of `{}` as DynamoDB sends it for an empty PutItem output.
        assert_eq!(crc32fast::hash(b"{}"), 2745614147);
    }
}
