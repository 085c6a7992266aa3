//! The AWS CLI customisations users type every day (awscli's `customizations/`):
//! `ec2 run-instances --count N[:M]` and its network-interface shortcuts
//! (`--associate-public-ip-address`, `--secondary-private-ip-addresses`…), the security-group
//! shortcuts (`--protocol tcp --port 22 --cidr 0.0.0.0/0`), `ec2 create-network-acl-entry
//! --protocol tcp`, `s3api get-object … <outfile>` (a positional file the body is written
//! to), and streaming blob inputs given as a file path (`s3api put-object --body <path>`).

use crate::args::{Arg, ArgKind, Parsed};
use crate::error::CliError;
use crate::schema::{Kind, Operation, STREAMING};
use serde_json::Value;

/// What the customisations of one command need after parsing.
#[derive(Debug, Default)]
pub struct Custom {
    /// Positional arguments the command takes.
    pub positional: usize,
    /// Where the streaming output body goes (`get-object … outfile`).
    pub outfile: Option<String>,
    streaming_output: bool,
    output_member: Option<&'static str>,
    streaming_inputs: Vec<&'static str>,
    count: bool,
    run_instances: bool,
    security_group: bool,
    put_metric_data: bool,
    /// The structure member `--zip-file` fills (`Code` / `Content`).
    zip_file: Option<&'static str>,
    acl_protocol: bool,
    /// The file a streaming input member names (`put-object --body <path>`).
    pub body_path: Option<String>,
}

/// Changes the argument table of `<command> <operation>`.
pub fn adjust(
    command: &str,
    op_cli: &str,
    operation: &'static Operation,
    table: &mut Vec<Arg>,
) -> Custom {
    let mut custom = Custom::default();
    if command == "ec2" && op_cli == "run-instances" {
        for a in table.iter_mut() {
            if a.name == "min-count" || a.name == "max-count" {
                a.required = false;
            }
        }
        table.push(Arg {
            name: "count".into(),
            kind: ArgKind::Custom("count"),
            required: false,
        });
        custom.count = true;
        custom.run_instances = true;
        for (name, kind) in [
            (
                "secondary-private-ip-addresses",
                ArgKind::CustomList("secondary-private-ip-addresses"),
            ),
            (
                "secondary-private-ip-address-count",
                ArgKind::Custom("secondary-private-ip-address-count"),
            ),
            (
                "associate-public-ip-address",
                ArgKind::CustomFlag("associate-public-ip-address"),
            ),
            (
                "no-associate-public-ip-address",
                ArgKind::CustomFlag("no-associate-public-ip-address"),
            ),
        ] {
            table.push(Arg {
                name: name.into(),
                kind,
                required: false,
            });
        }
    }
    if command == "ec2"
        && matches!(
            op_cli,
            "authorize-security-group-ingress"
                | "authorize-security-group-egress"
                | "revoke-security-group-ingress"
                | "revoke-security-group-egress"
        )
    {
        custom.security_group = true;
        for name in ["protocol", "port", "cidr", "source-group", "group-owner"] {
            table.push(Arg {
                name: name.into(),
                kind: ArgKind::Custom(name),
                required: false,
            });
        }
    }
    if command == "cloudwatch" && op_cli == "put-metric-data" {
        custom.put_metric_data = true;
        for a in table.iter_mut() {
            if a.name == "metric-data" {
                a.required = false;
            }
        }
        for name in [
            "metric-name",
            "timestamp",
            "unit",
            "value",
            "dimensions",
            "statistic-values",
            "storage-resolution",
        ] {
            table.push(Arg {
                name: name.into(),
                kind: ArgKind::Custom(name),
                required: false,
            });
        }
    }
    let zip_member = match (command, op_cli) {
        ("lambda", "create-function") => Some(("code", "Code")),
        ("lambda", "publish-layer-version") => Some(("content", "Content")),
        _ => None,
    };
    if let Some((arg, member)) = zip_member {
        custom.zip_file = Some(member);
        for a in table.iter_mut() {
            if a.name == arg {
                a.required = false;
            }
        }
        table.push(Arg {
            name: "zip-file".into(),
            kind: ArgKind::Custom("zip-file"),
            required: false,
        });
    }
    custom.acl_protocol = command == "ec2"
        && matches!(
            op_cli,
            "create-network-acl-entry" | "replace-network-acl-entry"
        );
    // A blob payload output (streaming or not: botocore's `has_streaming_output`, as for
    // `lambda invoke`) is written to a positional file (awscli's StreamingOutputArgument).
    if let Some(m) = operation.output.members().iter().find(|m| {
        m.has(STREAMING)
            || m.target().has(crate::schema::SHAPE_STREAMING)
            || (m.has(crate::schema::PAYLOAD) && matches!(m.target().kind, Kind::Blob))
    }) {
        custom.positional = 1;
        custom.streaming_output = true;
        custom.output_member = Some(m.name);
    }
    custom.streaming_inputs = operation
        .input
        .members()
        .iter()
        .filter(|m| {
            (m.has(STREAMING) || m.target().has(crate::schema::SHAPE_STREAMING))
                && matches!(m.target().kind, Kind::Blob)
        })
        .map(|m| m.name)
        .collect();
    custom
}

fn count_value(text: &str) -> Result<(i64, i64), CliError> {
    let bad = || {
        CliError::param(format!("count parameter should be of form min[:max] (e.g. 1 or 1:10) and have a value greater than zero: {text}"))
    };
    let (min, max) = match text.split_once(':') {
        Some((a, b)) => (
            a.trim().parse().map_err(|_| bad())?,
            b.trim().parse().map_err(|_| bad())?,
        ),
        None => {
            let n: i64 = text.trim().parse().map_err(|_| bad())?;
            (n, n)
        }
    };
    if min < 1 || max < 1 {
        return Err(bad());
    }
    Ok((min, max))
}

/// Applies the customisations to the parsed input.
pub fn apply(custom: &mut Custom, parsed: &mut Parsed) -> Result<(), CliError> {
    if custom.count {
        let given = parsed.custom.iter().find(|(n, _)| *n == "count");
        let (min, max) = match given.and_then(|(_, v)| v.first()) {
            Some(text) => count_value(text)?,
            None => (1, 1),
        };
        if given.is_some() || !parsed.input.contains_key("MinCount") {
            parsed.input.entry("MinCount").or_insert(Value::from(min));
        }
        if given.is_some() || !parsed.input.contains_key("MaxCount") {
            parsed.input.entry("MaxCount").or_insert(Value::from(max));
        }
    }
    if custom.run_instances {
        run_instances_network(parsed)?;
    }
    if custom.security_group {
        security_group_permissions(parsed)?;
    }
    if custom.put_metric_data {
        put_metric_data(parsed)?;
    }
    if let Some(member) = custom.zip_file {
        zip_file(parsed, member)?;
    }
    if custom.acl_protocol {
        if let Some(Value::String(p)) = parsed.input.get_mut("Protocol") {
            let number = match p.as_str() {
                "tcp" => "6",
                "udp" => "17",
                "icmp" => "1",
                "all" => "-1",
                _ => "",
            };
            if !number.is_empty() {
                *p = number.to_string();
            }
        }
    }
    if custom.streaming_output && parsed.skeleton.is_none() {
        {
            let Some(path) = parsed.positional.first() else {
                return Err(CliError::usage(
                    "the following arguments are required: outfile",
                ));
            };
            custom.outfile = Some(path.clone());
        }
    }
    // A streaming blob input is a file path, sent as the streaming body (not base64).
    for member in &custom.streaming_inputs {
        if let Some(Value::String(path)) = parsed.input.remove(*member) {
            if !std::path::Path::new(&path).is_file() {
                return Err(CliError::param(
                    "Error parsing parameter '--body': Blob values must be a path to a file.",
                ));
            }
            custom.body_path = Some(path);
        }
    }
    Ok(())
}

fn custom_value<'p>(parsed: &'p Parsed, name: &str) -> Option<&'p Vec<String>> {
    parsed
        .custom
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// awscli's `ec2/runinstances.py`: the scalar network options become the first network
/// interface, which then also takes the subnet, groups and addresses given at the top.
fn run_instances_network(parsed: &mut Parsed) -> Result<(), CliError> {
    let mut fields: Vec<(&str, Value)> = Vec::new();
    if let Some(ips) = custom_value(parsed, "secondary-private-ip-addresses") {
        if !ips.is_empty() {
            let list = ips
                .iter()
                .map(|ip| serde_json::json!({"PrivateIpAddress": ip, "Primary": false}))
                .collect();
            fields.push(("PrivateIpAddresses", Value::Array(list)));
        }
    }
    if let Some(v) = custom_value(parsed, "secondary-private-ip-address-count") {
        let text = v.first().map(String::as_str).unwrap_or("");
        let n: i64 = text.parse().map_err(|_| {
            CliError::usage(format!(
                "argument --secondary-private-ip-address-count: invalid int value: '{text}'"
            ))
        })?;
        if n != 0 {
            fields.push(("SecondaryPrivateIpAddressCount", Value::from(n)));
        }
    }
    if custom_value(parsed, "associate-public-ip-address").is_some() {
        fields.push(("AssociatePublicIpAddress", Value::Bool(true)));
    } else if custom_value(parsed, "no-associate-public-ip-address").is_some() {
        fields.push(("AssociatePublicIpAddress", Value::Bool(false)));
    }
    if fields.is_empty() {
        return Ok(());
    }
    if parsed.input.contains_key("NetworkInterfaces") {
        return Err(CliError::other(
            "Mixing the --network-interfaces option with the simple, scalar options is not supported.",
        ));
    }
    let mut interface = serde_json::Map::new();
    interface.insert("DeviceIndex".into(), Value::from(0));
    for (k, v) in fields {
        interface.insert(k.into(), v);
    }
    let input = &mut parsed.input;
    if let Some(v) = input.remove("SubnetId") {
        interface.insert("SubnetId".into(), v);
    }
    if let Some(v) = input.remove("SecurityGroupIds") {
        interface.insert("Groups".into(), v);
    }
    if let Some(v) = input.remove("PrivateIpAddress") {
        interface.insert(
            "PrivateIpAddresses".into(),
            serde_json::json!([{"PrivateIpAddress": v, "Primary": true}]),
        );
    }
    for (from, to) in [
        ("Ipv6AddressCount", "Ipv6AddressCount"),
        ("Ipv6Addresses", "Ipv6Addresses"),
        ("EnablePrimaryIpv6", "PrimaryIpv6"),
    ] {
        if let Some(v) = input.remove(from) {
            interface.insert(to.into(), v);
        }
    }
    input.insert(
        "NetworkInterfaces".into(),
        Value::Array(vec![Value::Object(interface)]),
    );
    Ok(())
}

/// awscli's `putmetricdata.py`: the scalar options make the first `MetricData` entry.
fn put_metric_data(parsed: &mut Parsed) -> Result<(), CliError> {
    let mut entry = serde_json::Map::new();
    let number = |name: &str, text: &str| -> Result<Value, CliError> {
        text.trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| CliError::other(format!("[<class 'decimal.ConversionSyntax'>] {name}")))
    };
    for (name, values) in &parsed.custom {
        let Some(v) = values.first() else { continue };
        match *name {
            "metric-name" => {
                entry.insert("MetricName".into(), Value::String(v.clone()));
            }
            "unit" => {
                entry.insert("Unit".into(), Value::String(v.clone()));
            }
            "timestamp" => {
                entry.insert("Timestamp".into(), Value::String(v.clone()));
            }
            "value" => {
                entry.insert("Value".into(), number("value", v)?);
            }
            "dimensions" => {
                let mut dims = Vec::new();
                for pair in v.split(',') {
                    let (k, val) = pair.split_once('=').ok_or_else(|| {
                        CliError::other("not enough values to unpack (expected 2, got 1)")
                    })?;
                    dims.push(serde_json::json!({"Name": k, "Value": val}));
                }
                entry.insert("Dimensions".into(), Value::Array(dims));
            }
            "statistic-values" => {
                let mut stats = serde_json::Map::new();
                for pair in v.split(',') {
                    let (k, val) = pair.split_once('=').ok_or_else(|| {
                        CliError::other("not enough values to unpack (expected 2, got 1)")
                    })?;
                    stats.insert(k.to_string(), number(k, val)?);
                }
                entry.insert("StatisticValues".into(), Value::Object(stats));
            }
            "storage-resolution" => {
                let n: i64 = v.trim().parse().map_err(|_| {
                    CliError::other(format!("invalid literal for int() with base 10: '{v}'"))
                })?;
                entry.insert("StorageResolution".into(), Value::from(n));
            }
            _ => {}
        }
    }
    if entry.is_empty() {
        return Ok(());
    }
    if parsed.input.contains_key("MetricData") {
        return Err(CliError::param(
            "The --metric-data option is not compatible with the scalar --metric-name, --timestamp, --unit, --value, --dimensions, --statistic-values, --storage-resolution options.",
        ));
    }
    parsed.input.insert(
        "MetricData".into(),
        Value::Array(vec![Value::Object(entry)]),
    );
    Ok(())
}

/// awscli's `awslambda.py`: `--zip-file` is the `ZipFile` of `--code` (`--content`).
fn zip_file(parsed: &mut Parsed, member: &str) -> Result<(), CliError> {
    use base64::Engine;
    let Some(value) = custom_value(parsed, "zip-file")
        .and_then(|v| v.first())
        .cloned()
    else {
        return Ok(());
    };
    let bytes = match value.strip_prefix("fileb://") {
        Some(path) => std::fs::read(path).map_err(|e| {
            CliError::param(format!(
                "Error parsing parameter '--zip-file': Unable to load paramfile {value}: {e}"
            ))
        })?,
        None => {
            return Err(CliError::param(format!(
                "Error parsing parameter '--zip-file': ZipFile contents must be a file path given with fileb:// ({value})"
            )))
        }
    };
    let encoded = Value::String(base64::engine::general_purpose::STANDARD.encode(bytes));
    match parsed.input.get_mut(member) {
        Some(Value::Object(code)) => {
            code.insert("ZipFile".into(), encoded);
        }
        _ => {
            let mut code = serde_json::Map::new();
            code.insert("ZipFile".into(), encoded);
            parsed.input.insert(member.to_string(), Value::Object(code));
        }
    }
    Ok(())
}

/// awscli's `ec2/secgroupsimplify.py`: `--protocol --port --cidr --source-group
/// --group-owner` make one `IpPermissions` entry.
fn security_group_permissions(parsed: &mut Parsed) -> Result<(), CliError> {
    let get = |name: &str| {
        custom_value(parsed, name)
            .and_then(|v| v.first().cloned())
            .filter(|v| !v.is_empty())
    };
    let (protocol, port, cidr, group, owner) = (
        get("protocol"),
        get("port"),
        get("cidr"),
        get("source-group"),
        get("group-owner"),
    );
    let given = [&protocol, &port, &cidr, &group, &owner];
    if given.iter().all(|v| v.is_none()) {
        return Ok(());
    }
    if parsed.input.contains_key("IpPermissions") {
        let names = ["protocol", "port", "cidr", "source-group", "group-owner"];
        let first = names
            .iter()
            .zip(given)
            .find(|(_, v)| v.is_some())
            .map_or("protocol", |(n, _)| n);
        return Err(CliError::other(format!(
            "The --{first} option is not compatible with the --ip-permissions option "
        )));
    }
    let mut perm = serde_json::Map::new();
    if let Some(p) = protocol {
        let value = match p.parse::<i64>() {
            Ok(n) if !(0..=255).contains(&n) && n != -1 => {
                return Err(CliError::other(
                    "protocol numbers must be in the range 0-255 or -1 to specify all protocols",
                ))
            }
            Ok(_) => p,
            Err(_) => match p.as_str() {
                "tcp" | "udp" | "icmp" => p,
                "all" => "-1".to_string(),
                _ => {
                    return Err(CliError::other(
                        "protocol parameter should be one of: tcp|udp|icmp|all or any valid protocol number.",
                    ))
                }
            },
        };
        perm.insert("IpProtocol".into(), Value::String(value));
    }
    if let Some(port) = port {
        let bad = || {
            CliError::other("port parameter should be of the form <from[-to]> (e.g. 22 or 22-25)")
        };
        let (from, to) = if port == "-1" || port == "all" {
            ("-1".to_string(), "-1".to_string())
        } else if let Some((a, b)) = port.split_once('-') {
            (a.to_string(), b.to_string())
        } else {
            (port.clone(), port.clone())
        };
        let from: i64 = from.trim().parse().map_err(|_| bad())?;
        let to: i64 = to.trim().parse().map_err(|_| bad())?;
        perm.insert("FromPort".into(), Value::from(from));
        perm.insert("ToPort".into(), Value::from(to));
    }
    if let Some(cidr) = cidr {
        perm.insert("IpRanges".into(), serde_json::json!([{"CidrIp": cidr}]));
    }
    let mut pair = serde_json::Map::new();
    if let Some(g) = group {
        let key = if g.starts_with("sg-") {
            "GroupId"
        } else {
            "GroupName"
        };
        pair.insert(key.into(), Value::String(g));
    }
    if let Some(o) = owner {
        pair.insert("UserId".into(), Value::String(o));
    }
    if !pair.is_empty() {
        perm.insert(
            "UserIdGroupPairs".into(),
            Value::Array(vec![Value::Object(pair)]),
        );
    }
    parsed.input.insert(
        "IpPermissions".into(),
        Value::Array(vec![Value::Object(perm)]),
    );
    Ok(())
}

/// The output JSON of a call, with a blob payload written to the `outfile` the command was
/// given (`get-object … outfile`, `lambda invoke … outfile`) and left out of the JSON.
pub async fn finish_output(
    out: &mut crate::dynamic::Output,
    custom: &Custom,
    options: &crate::dynamic::JsonOptions,
) -> Result<Value, CliError> {
    use tokio::io::AsyncWriteExt;
    let Some(path) = &custom.outfile else {
        return Ok(out.to_json(options));
    };
    let io = |e: std::io::Error| CliError::other(format!("{path}: {e}"));
    let mut file = tokio::fs::File::create(path).await.map_err(io)?;
    if let Some(mut body) = out.take_body() {
        while let Some(chunk) = body.next_chunk().await {
            let chunk = chunk.map_err(|e| CliError::other(e.to_string()))?;
            file.write_all(&chunk).await.map_err(io)?;
        }
        file.flush().await.map_err(io)?;
        return Ok(out.to_json(options));
    }
    // A payload the runtime read whole: its base64 text in the JSON.
    let mut json = out.to_json(options);
    if let (Some(member), Value::Object(map)) = (custom.output_member, &mut json) {
        if let Some(Value::String(text)) = map.remove(member) {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|e| CliError::other(format!("{member}: {e}")))?;
            file.write_all(&bytes).await.map_err(io)?;
        }
    }
    file.flush().await.map_err(io)?;
    Ok(json)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed_with(custom: &[(&'static str, &[&str])]) -> Parsed {
        let mut p = Parsed::default();
        for (n, v) in custom {
            p.custom
                .push((n, v.iter().map(|s| s.to_string()).collect()));
        }
        p
    }

    #[test]
    fn security_group_shortcuts() {
        let mut p = parsed_with(&[
            ("protocol", &["tcp"]),
            ("port", &["22-25"]),
            ("cidr", &["10.0.0.0/8"]),
            ("source-group", &["sg-1"]),
        ]);
        security_group_permissions(&mut p).unwrap();
        assert_eq!(
            Value::Object(p.input).to_string(),
            r#"{"IpPermissions":[{"IpProtocol":"tcp","FromPort":22,"ToPort":25,"IpRanges":[{"CidrIp":"10.0.0.0/8"}],"UserIdGroupPairs":[{"GroupId":"sg-1"}]}]}"#
        );
        let mut bad = parsed_with(&[("protocol", &["300"])]);
        assert_eq!(security_group_permissions(&mut bad).unwrap_err().code, 255);
        let mut all = parsed_with(&[("protocol", &["all"]), ("port", &["all"])]);
        security_group_permissions(&mut all).unwrap();
        assert_eq!(
            Value::Object(all.input).to_string(),
            r#"{"IpPermissions":[{"IpProtocol":"-1","FromPort":-1,"ToPort":-1}]}"#
        );
    }

    #[test]
    fn run_instances_network_shortcuts() {
        let mut p = parsed_with(&[("associate-public-ip-address", &[])]);
        p.input.insert("SubnetId".into(), Value::from("subnet-1"));
        p.input
            .insert("SecurityGroupIds".into(), serde_json::json!(["sg-1"]));
        run_instances_network(&mut p).unwrap();
        assert_eq!(
            Value::Object(p.input).to_string(),
            r#"{"NetworkInterfaces":[{"DeviceIndex":0,"AssociatePublicIpAddress":true,"SubnetId":"subnet-1","Groups":["sg-1"]}]}"#
        );
        let mut none = parsed_with(&[]);
        none.input
            .insert("SubnetId".into(), Value::from("subnet-1"));
        run_instances_network(&mut none).unwrap();
        assert_eq!(
            Value::Object(none.input).to_string(),
            r#"{"SubnetId":"subnet-1"}"#
        );
    }

    #[test]
    fn put_metric_data_scalars() {
        let mut p = parsed_with(&[
            ("metric-name", &["Hits"]),
            ("value", &["3"]),
            ("unit", &["Count"]),
            ("dimensions", &["Page=home,Site=a"]),
        ]);
        put_metric_data(&mut p).unwrap();
        assert_eq!(
            Value::Object(p.input).to_string(),
            r#"{"MetricData":[{"MetricName":"Hits","Value":3.0,"Unit":"Count","Dimensions":[{"Name":"Page","Value":"home"},{"Name":"Site","Value":"a"}]}]}"#
        );
    }

    #[test]
    fn count_forms() {
        assert_eq!(count_value("3").unwrap(), (3, 3));
        assert_eq!(count_value("1:5").unwrap(), (1, 5));
        assert_eq!(count_value("0").unwrap_err().code, 252);
        assert!(count_value("x").is_err());
    }
}
