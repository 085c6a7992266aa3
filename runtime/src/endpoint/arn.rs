//! `aws.parseArn`, as botocore's `ArnParser` + `aws_parse_arn`.

/// A parsed ARN; `resourceId` is the resource split on `:` and `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Arn {
    pub(crate) partition: String,
    pub(crate) service: String,
    pub(crate) region: String,
    pub(crate) account_id: String,
    pub(crate) resource_id: Vec<String>,
}

/// `None` unless `value` is `arn:partition:service:region:account:resource` with partition,
/// service and resource non-empty.
pub(crate) fn parse(value: &str) -> Option<Arn> {
    if !value.starts_with("arn:") {
        return None;
    }
    let mut parts = value.splitn(6, ':');
    let _arn = parts.next()?;
    let partition = parts.next()?;
    let service = parts.next()?;
    let region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?;
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    Some(Arn {
        partition: partition.to_owned(),
        service: service.to_owned(),
        region: region.to_owned(),
        account_id: account.to_owned(),
        resource_id: resource.split([':', '/']).map(str::to_owned).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn arns() {
        let a = parse("arn:aws:s3:us-west-2:123456789012:accesspoint/myendpoint").unwrap();
        assert_eq!(a.partition, "aws");
        assert_eq!(a.region, "us-west-2");
        assert_eq!(a.account_id, "123456789012");
        assert_eq!(a.resource_id, ["accesspoint", "myendpoint"]);
        let a = parse("arn:aws:s3-outposts:us-west-2:1:outpost:op-01:accesspoint:ap").unwrap();
        assert_eq!(a.resource_id, ["outpost", "op-01", "accesspoint", "ap"]);
        assert!(parse("arn:aws:s3:::").is_none());
        assert!(parse("arn:aws:s3").is_none());
        assert!(parse("xarn:aws:s3:a:b:c").is_none());
        assert_eq!(
            parse("arn:aws:s3:::bucket").unwrap().resource_id,
            ["bucket"]
        );
    }
}
