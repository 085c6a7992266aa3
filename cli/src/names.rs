//! Names as the AWS CLI spells them: service commands (botocore service names, with the CLI's
//! three renames), and operations and parameters through botocore's `xform_name(name, '-')`
//! plus awscli's argument renames (`customizations/argrename.py`).

/// awscli's `rename_command` customisations: (botocore name, command name).
const SERVICE_RENAMES: [(&str, &str); 3] = [
    ("s3", "s3api"),
    ("codedeploy", "deploy"),
    ("config", "configservice"),
];

/// The botocore service name behind a CLI command name (`s3api` → `s3`); `None` for a name the
/// CLI renamed away (`s3` is the high-level command, `codedeploy` is `deploy`).
pub fn service_for_command(command: &str) -> Option<&str> {
    if let Some((service, _)) = SERVICE_RENAMES.iter().find(|(_, c)| *c == command) {
        return Some(service);
    }
    if SERVICE_RENAMES.iter().any(|(s, _)| *s == command) {
        return None;
    }
    Some(command)
}

/// The CLI command name of a botocore service.
pub fn command_for_service(service: &str) -> &str {
    SERVICE_RENAMES
        .iter()
        .find(|(s, _)| *s == service)
        .map_or(service, |(_, c)| c)
}

/// botocore's pre-filled `xform_name` cache for `-`: names its regexes would split wrongly.
const XFORM_SPECIAL: &[(&str, &str)] = &include!("xform_special.in");

/// botocore's `xform_name(name, '-')`: `ListObjectsV2` → `list-objects-v2`,
/// `DBInstanceIdentifier` → `db-instance-identifier`, `TagARNs` → `tag-arns`.
pub fn xform_name(name: &str) -> String {
    if name.contains('-') {
        return name.to_string();
    }
    if let Some((_, v)) = XFORM_SPECIAL.iter().find(|(k, _)| *k == name) {
        return (*v).to_string();
    }
    let chars: Vec<char> = name.chars().collect();
    // `[A-Z]{2,}s$`: a pluralised acronym at the end becomes its own lower-case word.
    let mut tail = String::new();
    let mut head = chars.clone();
    if chars.last() == Some(&'s') {
        let upper = chars[..chars.len() - 1]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_uppercase())
            .count();
        if upper >= 2 {
            let start = chars.len() - 1 - upper;
            head = chars[..start].to_vec();
            tail = format!(
                "-{}",
                chars[start..].iter().collect::<String>().to_lowercase()
            );
        }
    }
    let s1 = first_cap(&head);
    let s2 = end_cap(&s1);
    let mut out: String = s2.into_iter().collect::<String>().to_lowercase();
    out.push_str(&tail);
    out
}

/// `re.sub('(.)([A-Z][a-z]+)', r'\1-\2', s)`: a dash before each capitalised word that follows
/// any character. Matches do not overlap, as in Python.
fn first_cap(s: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(s.len() + 8);
    let mut i = 0;
    while i < s.len() {
        // A match needs one char, then [A-Z], then at least one [a-z].
        if i + 2 < s.len()
            && s[i + 1].is_ascii_uppercase()
            && s.get(i + 2).is_some_and(|c| c.is_ascii_lowercase())
        {
            let mut end = i + 2;
            while end < s.len() && s[end].is_ascii_lowercase() {
                end += 1;
            }
            out.push(s[i]);
            out.push('-');
            out.extend_from_slice(&s[i + 1..end]);
            i = end;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

/// `re.sub('([a-z0-9])([A-Z])', r'\1-\2', s)`.
fn end_cap(s: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(s.len() + 8);
    let mut i = 0;
    while i < s.len() {
        if i + 1 < s.len()
            && (s[i].is_ascii_lowercase() || s[i].is_ascii_digit())
            && s[i + 1].is_ascii_uppercase()
        {
            out.push(s[i]);
            out.push('-');
            out.push(s[i + 1]);
            i += 2;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

/// awscli's `ARGUMENT_RENAMES`: (`service.operation.argument`, new name); `*` matches any.
const ARGUMENT_RENAMES: &[(&str, &str)] = &include!("arg_renames.in");

/// The CLI name of a parameter after awscli's renames (`ec2 create-image --no-no-reboot` is
/// `--reboot`). `command` is the CLI service command (renames are keyed by it, except `deploy`,
/// keyed by its event name).
pub fn rename_argument(command: &str, operation: &str, argument: &str) -> Option<&'static str> {
    ARGUMENT_RENAMES.iter().find_map(|(key, new)| {
        let a = key.rsplit('.').next()?;
        (key_matches(key, command, operation) && a == argument).then_some(*new)
    })
}

/// Whether a `service.operation.argument` key applies to `<command> <operation>`.
fn key_matches(key: &str, command: &str, operation: &str) -> bool {
    let mut parts = key.splitn(3, '.');
    let (Some(s), Some(o)) = (parts.next(), parts.next()) else {
        return false;
    };
    (s == "*" || s == command) && (o == "*" || o == operation)
}

/// awscli's `HIDDEN_ALIASES`: (`service.operation.argument`, undocumented alias).
const HIDDEN_ALIASES: &[(&str, &str)] = &include!("hidden_aliases.in");

/// The argument an undocumented alias stands for (`iam enable-mfa-device
/// --authentication-code-1` is `--authentication-code1`).
pub fn alias_target(command: &str, operation: &str, alias: &str) -> Option<&'static str> {
    HIDDEN_ALIASES.iter().find_map(|(key, a)| {
        (key_matches(key, command, operation) && *a == alias)
            .then(|| key.rsplit('.').next().unwrap_or(key))
    })
}

/// awscli's `customizations/removals.py`: (command, operation) pairs the CLI does not offer.
const REMOVED_COMMANDS: &[(&str, &str)] = &include!("removed_commands.in");

/// Whether the CLI removed `<command> <operation>` (event-stream operations it cannot run).
pub fn is_removed(command: &str, operation: &str) -> bool {
    REMOVED_COMMANDS
        .iter()
        .any(|(c, o)| *c == command && *o == operation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xform_matches_botocore() {
        for (input, want) in [
            ("ListBuckets", "list-buckets"),
            ("ListObjectsV2", "list-objects-v2"),
            ("DBInstanceIdentifier", "db-instance-identifier"),
            ("GetCallerIdentity", "get-caller-identity"),
            ("TagARNs", "tag-arns"),
            ("ListWebACLs", "list-web-acls"),
            ("SSECustomerKeyMD5", "sse-customer-key-md5"),
            ("MaxItems", "max-items"),
            ("CreateCachediSCSIVolume", "create-cached-iscsi-volume"),
            ("Ec2TagFilters", "ec2-tag-filters"),
            ("InstanceIds", "instance-ids"),
            ("IPv6Address", "i-pv6-address"),
            ("S3Key", "s3-key"),
            ("MinCount", "min-count"),
            ("already-dashed", "already-dashed"),
            ("Bucket", "bucket"),
            ("ARNs", "-arns"),
            ("VPCs", "-vpcs"),
            ("KMSKeyId", "kms-key-id"),
            ("AWSAccountIds", "aws-account-ids"),
            ("GetIPs", "get-ips"),
            ("DescribeDBClusters", "describe-db-clusters"),
            ("HTTPCode", "http-code"),
            ("ContentMD5", "content-md5"),
        ] {
            assert_eq!(xform_name(input), want, "{input}");
        }
    }

    #[test]
    fn service_commands() {
        assert_eq!(service_for_command("s3api"), Some("s3"));
        assert_eq!(service_for_command("configservice"), Some("config"));
        assert_eq!(service_for_command("deploy"), Some("codedeploy"));
        assert_eq!(service_for_command("codedeploy"), None);
        assert_eq!(service_for_command("sts"), Some("sts"));
        assert_eq!(command_for_service("s3"), "s3api");
    }

    #[test]
    fn aliases_and_removals() {
        assert_eq!(
            alias_target("iam", "enable-mfa-device", "authentication-code-1"),
            Some("authentication-code1")
        );
        assert_eq!(
            alias_target("mgn", "anything", "source-server-i-ds"),
            Some("source-server-ids")
        );
        assert_eq!(alias_target("iam", "enable-mfa-device", "nope"), None);
        assert!(is_removed("kinesis", "subscribe-to-shard"));
        assert!(!is_removed("kinesis", "put-record"));
    }

    #[test]
    fn argument_renames() {
        assert_eq!(
            rename_argument("ec2", "create-image", "no-no-reboot"),
            Some("reboot")
        );
        assert_eq!(
            rename_argument("ec2", "authorize-x", "no-egress"),
            Some("ingress")
        );
        assert_eq!(
            rename_argument("sns", "subscribe", "endpoint"),
            Some("notification-endpoint")
        );
        assert_eq!(rename_argument("sns", "publish", "endpoint"), None);
    }
}
