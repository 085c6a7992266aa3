//! A schema as comparable text: two [`Service`]s built from models are structurally equal when
//! their descriptions are (shapes refer to each other, possibly in cycles, so they are compared
//! by name and content rather than by a derived `PartialEq`).

use rboto::__private::schema::{Kind, Member, Service, Shape};
use std::collections::BTreeMap;
use std::fmt::Write as _;

fn member(out: &mut String, m: &Member) {
    let _ = write!(
        out,
        "[{} -> {} {:?} {:?} {:?} {:?} {:?} {:?} {:?}]",
        m.name,
        m.target().name,
        m.location,
        m.location_name,
        m.flags,
        m.query_name,
        m.xml_namespace.map(|n| (n.prefix, n.uri)),
        m.timestamp_format,
        m.context_param,
    );
}

/// Every shape reachable from the service, by name, as text: two schemas are the same when
/// their descriptions are equal.
pub fn describe(svc: &Service) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut todo: Vec<&Shape> = svc.errors.to_vec();
    let mut head = String::new();
    let _ = write!(
        head,
        "{} {} {} {} {} {:?} {:?} {:?} {:?} {:?} {} {} {:?} {:?}",
        svc.name,
        svc.service_id,
        svc.api_version,
        svc.endpoint_prefix,
        svc.signing_name,
        svc.protocol,
        svc.protocols,
        svc.json_version,
        svc.target_prefix,
        svc.xml_namespace,
        svc.query_compatible,
        svc.signature_version,
        svc.client_context_params,
        svc.auth,
    );
    out.insert(" service".to_string(), head);
    for op in svc.operations {
        let mut s = String::new();
        let _ = write!(
            s,
            "{} {} {} {} in={} out={} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            op.method,
            op.request_uri,
            op.response_code,
            op.result_wrapper.unwrap_or("-"),
            op.input.name,
            op.output.name,
            op.errors,
            op.flags,
            op.host_prefix,
            op.auth,
            op.http_checksum,
            op.static_context_params,
            op.operation_context_params,
            op.request_compression,
            svc.operation(op.name).map(|o| o.name),
        );
        out.insert(format!(" op {}", op.name), s);
        todo.push(op.input);
        todo.push(op.output);
    }
    while let Some(shape) = todo.pop() {
        let key = format!("shape {}", shape.name);
        if out.contains_key(&key) {
            continue;
        }
        let mut s = format!(
            "{:?} {:?} {:?} {:?} {:?} ",
            shape.flags,
            shape.timestamp_format,
            shape.xml_namespace.map(|n| (n.prefix, n.uri)),
            shape.location_name,
            shape.error,
        );
        let members: Vec<&Member> = match &shape.kind {
            Kind::Structure(m) | Kind::Union(m) => m.iter().collect(),
            Kind::List(m) => vec![*m],
            Kind::Map(k, v) => vec![*k, *v],
            other => {
                let _ = write!(s, "{other:?}");
                Vec::new()
            }
        };
        let _ = write!(
            s,
            "{}",
            match &shape.kind {
                Kind::Structure(_) => "structure",
                Kind::Union(_) => "union",
                Kind::List(_) => "list",
                Kind::Map(..) => "map",
                _ => "",
            }
        );
        for m in members {
            member(&mut s, m);
            todo.push(m.target());
        }
        out.insert(key, s);
    }
    out
}
