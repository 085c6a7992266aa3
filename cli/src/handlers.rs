//! botocore's own handlers (`botocore/handlers.py`) that change what the AWS CLI sends or
//! prints for a few services, applied to the command line's JSON: IAM policy documents
//! decoded (`json_decode_policies`), CloudFormation template bodies parsed
//! (`json_decode_template_body`), and Route 53 ids cut to their last path segment
//! (`fix_route53_ids`).

use crate::dynamic::Model;
use crate::schema::{Kind, Operation, Shape};
use serde_json::Value;

/// The model's name for the shape of `structure`'s `member` (the runtime's schema shares one
/// shape among plain strings, so botocore's shape-name tests read the model document).
fn target_name<'m>(model: &'m Model, structure: &str, member: &str) -> Option<&'m str> {
    model
        .document()
        .get("shapes")
        .get(structure)
        .get("members")
        .get(member)
        .get("shape")
        .as_str()
}

/// Applies botocore's input handlers of the model's service to `input`.
pub fn before_call(model: &Model, operation: &'static Operation, input: &mut Value) {
    if model.service().name != "route53" {
        return;
    }
    let Value::Object(map) = input else { return };
    for m in operation.input.members() {
        let target = target_name(model, operation.input.name, m.name);
        if matches!(target, Some("ResourceId" | "DelegationSetId" | "ChangeId")) {
            if let Some(Value::String(s)) = map.get_mut(m.name) {
                if let Some(last) = s.rsplit('/').next() {
                    *s = last.to_string();
                }
            }
        }
    }
}

/// Applies botocore's output handlers of `service` to an operation's output JSON.
pub fn after_call(model: &Model, operation: &'static Operation, output: &mut Value) {
    match (model.service().name, operation.name) {
        ("iam", _) => decode_policies(model, output, operation.output),
        ("cloudformation", "GetTemplate") => {
            if let Some(Value::String(body)) = output.get("TemplateBody") {
                if let Ok(parsed) = serde_json::from_str::<Value>(body) {
                    output["TemplateBody"] = parsed;
                }
            }
        }
        // botocore's `parse_get_bucket_location` always sets the member: us-east-1's empty
        // element is `None`, which the CLI prints as null.
        ("s3", "GetBucketLocation") => {
            if let Value::Object(map) = output {
                map.entry("LocationConstraint").or_insert(Value::Null);
            }
        }
        _ => {}
    }
}

/// IAM returns policies URL-encoded: `policyDocumentType` strings become JSON.
fn decode_policies(model: &Model, value: &mut Value, shape: &'static Shape) {
    match (&shape.kind, value) {
        (Kind::Structure(members), Value::Object(map)) => {
            for m in members.iter() {
                let Some(v) = map.get_mut(m.name) else {
                    continue;
                };
                let target = m.target();
                let named = target_name(model, shape.name, m.name);
                if matches!(target.kind, Kind::String) && named == Some("policyDocumentType") {
                    if let Value::String(s) = v {
                        if let Ok(doc) = serde_json::from_str::<Value>(&unquote(s)) {
                            *v = doc;
                        }
                    }
                } else {
                    decode_policies(model, v, target);
                }
            }
        }
        (Kind::List(m), Value::Array(items)) => {
            for item in items {
                decode_policies(model, item, m.target());
            }
        }
        _ => {}
    }
}

/// Python's `urllib.parse.unquote`: `%XX` escapes decoded as UTF-8 (invalid bytes replaced).
pub fn unquote(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquote_like_python() {
        assert_eq!(unquote("%7B%22a%22%3A%201%7D"), "{\"a\": 1}");
        assert_eq!(unquote("100%"), "100%");
        assert_eq!(unquote("%e2%82%ac%zz"), "€%zz");
    }

    #[test]
    fn iam_policies_and_route53_ids() {
        let (model, _) = crate::command::load_model("iam").unwrap();
        let op = model.operation("GetRole").unwrap();
        let mut out = serde_json::json!({"Role": {"RoleName": "r",
            "AssumeRolePolicyDocument": "%7B%22Version%22%3A%20%222012-10-17%22%7D"}});
        after_call(&model, op, &mut out);
        assert_eq!(
            out.to_string(),
            r#"{"Role":{"RoleName":"r","AssumeRolePolicyDocument":{"Version":"2012-10-17"}}}"#
        );
        let (model, _) = crate::command::load_model("route53").unwrap();
        let op = model.operation("GetHostedZone").unwrap();
        let mut input = serde_json::json!({"Id": "/hostedzone/Z123"});
        before_call(&model, op, &mut input);
        assert_eq!(input, serde_json::json!({"Id": "Z123"}));
    }
}
