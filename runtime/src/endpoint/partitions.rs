//! `partitions.json` (botocore 1.44.5's copy, embedded) and `aws.partition`.

use super::regex::Regex;
use std::collections::HashSet;
use std::sync::OnceLock;

/// What `aws.partition` returns: a partition's `outputs`, with `name` set to its id.
#[derive(Debug)]
pub(crate) struct PartitionOutputs {
    pub(crate) name: String,
    pub(crate) dns_suffix: Option<String>,
    pub(crate) dual_stack_dns_suffix: Option<String>,
    pub(crate) supports_fips: Option<bool>,
    pub(crate) supports_dual_stack: Option<bool>,
    pub(crate) implicit_global_region: Option<String>,
    /// Every output, for attributes without a field above.
    pub(crate) all: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug)]
pub(crate) struct Partition {
    regex: Option<Regex>,
    regions: HashSet<String>,
    pub(crate) outputs: PartitionOutputs,
}

#[derive(Debug)]
pub(crate) struct Partitions {
    list: Vec<Partition>,
}

impl Partitions {
    pub(crate) fn parse(text: &str) -> Result<Partitions, String> {
        let doc: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("partitions.json: {e}"))?;
        let list = doc
            .get("partitions")
            .and_then(|p| p.as_array())
            .ok_or("partitions.json: no `partitions` list")?;
        let mut out = Vec::with_capacity(list.len());
        for p in list {
            let id = p
                .get("id")
                .and_then(|v| v.as_str())
                .ok_or("partitions.json: partition without `id`")?;
            let regex = match p.get("regionRegex").and_then(|v| v.as_str()) {
                Some(r) => Some(Regex::new(r).map_err(|e| format!("regionRegex of {id}: {e}"))?),
                None => None,
            };
            let regions = p
                .get("regions")
                .and_then(|v| v.as_object())
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            let mut all = p
                .get("outputs")
                .and_then(|v| v.as_object())
                .cloned()
                .unwrap_or_default();
            all.insert("name".into(), serde_json::Value::String(id.to_owned()));
            let s = |k: &str| all.get(k).and_then(|v| v.as_str()).map(str::to_owned);
            let b = |k: &str| all.get(k).and_then(|v| v.as_bool());
            let outputs = PartitionOutputs {
                name: id.to_owned(),
                dns_suffix: s("dnsSuffix"),
                dual_stack_dns_suffix: s("dualStackDnsSuffix"),
                supports_fips: b("supportsFIPS"),
                supports_dual_stack: b("supportsDualStack"),
                implicit_global_region: s("implicitGlobalRegion"),
                all,
            };
            out.push(Partition {
                regex,
                regions,
                outputs,
            });
        }
        if out.is_empty() {
            return Err("partitions.json: no partitions".into());
        }
        Ok(Partitions { list: out })
    }

    /// botocore's `aws_partition`: the first partition listing `region` or matching its regex;
    /// the first partition (`aws`) when none does or `region` is unset.
    pub(crate) fn lookup(&self, region: Option<&str>) -> &PartitionOutputs {
        if let Some(region) = region {
            for p in &self.list {
                if p.regions.contains(region)
                    || p.regex.as_ref().is_some_and(|r| r.is_match(region))
                {
                    return &p.outputs;
                }
            }
        }
        &self.list[0].outputs
    }
}

/// The embedded partition table, parsed on first use (a unit test proves it parses).
pub(crate) fn builtin() -> Result<&'static Partitions, String> {
    static P: OnceLock<Result<Partitions, String>> = OnceLock::new();
    P.get_or_init(|| Partitions::parse(include_str!("partitions.json")))
        .as_ref()
        .map_err(Clone::clone)
}
