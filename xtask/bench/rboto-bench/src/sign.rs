//! SigV4 signing through the public `rboto::sigv4` API: a small DynamoDB POST, an empty S3 GET
//! and an S3 presigned GET, each signed from scratch (payload hash included), as a request is.

use rboto::sigv4::{
    sign, SignableBody, SignableRequest, SignatureLocation, SigningParams, SigningSettings,
};
use std::hint::black_box;
use std::time::{Duration, SystemTime};

const BODY: &[u8] = br#"{"TableName":"bench","Key":{"pk":{"S":"user#000001"}}}"#;

fn signer(kind: &str) -> Result<impl FnMut(), String> {
    let (method, uri, service, settings, body) = match kind {
        "post" => (
            "POST",
            "/",
            "dynamodb",
            SigningSettings::default(),
            SignableBody::Bytes(BODY),
        ),
        "get" => (
            "GET",
            "/photos/2024/cat.jpg",
            "s3",
            SigningSettings::s3(),
            SignableBody::Bytes(b""),
        ),
        "presign" => (
            "GET",
            "/photos/2024/cat.jpg",
            "s3",
            SigningSettings {
                location: SignatureLocation::QueryParams {
                    expires_in: Duration::from_secs(3600),
                },
                ..SigningSettings::s3()
            },
            SignableBody::UnsignedPayload,
        ),
        _ => return Err(format!("unknown signing kind {kind}")),
    };
    let host = if service == "s3" {
        "bench.s3.us-east-1.amazonaws.com"
    } else {
        "dynamodb.us-east-1.amazonaws.com"
    }
    .to_string();
    let headers: Vec<(&'static str, String)> = if method == "POST" {
        vec![
            ("host", host),
            ("content-type", "application/x-amz-json-1.0".into()),
            ("x-amz-target", "DynamoDB_20120810.GetItem".into()),
            ("content-length", BODY.len().to_string()),
        ]
    } else {
        vec![("host", host)]
    };
    Ok(move || {
        let pairs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let request = SignableRequest {
            method,
            uri,
            headers: pairs.as_slice().into(),
            body,
        };
        let params = SigningParams {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            session_token: None,
            region: "us-east-1",
            service,
            time: SystemTime::now(),
            settings,
        };
        black_box(sign(black_box(&request), &params).expect("signing a valid request"));
    })
}

pub fn run(n: usize, which: &str) -> Result<(), String> {
    for kind in ["post", "get", "presign"] {
        if which == kind || which == "all" {
            let f = signer(kind)?;
            crate::mark();
            let ns = crate::batched(n, f);
            crate::result(&format!("sign.{kind}.ns"), ns);
        }
    }
    crate::mark();
    Ok(())
}
