//! botocore's service model, read tolerantly from JSON.
//!
//! The model is kept as `serde_json::Value` (with `preserve_order`, so member order — which XML
//! element order depends on — is the model's) behind small typed accessors: the generator never
//! fails on an unknown key, and fails with a message naming the shape on a missing one.

use rboto_model::json::Json as Tree;
use serde_json::{Map, Value};

/// A service model plus its paginators and waiters, with `sdk-extras` overlays merged.
///
/// Paginators and waiters are kept as the runtime's order-keeping tree ([`Tree`]): they are read
/// by `rboto_model::specs`, the reader the runtime's dynamic client uses too.
#[derive(Debug, Clone)]
pub struct Model {
    /// botocore's service name (the `models/` folder name): `s3`, `sso-oidc`.
    pub service_name: String,
    pub service: Value,
    pub paginators: Option<Tree>,
    pub waiters: Option<Tree>,
    /// `endpoint-rule-set-1.json`, if the service has one.
    pub endpoint_rules: Option<Value>,
}

/// A model error: what is missing or malformed, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError(pub String);

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ModelError {}

fn parse(what: &str, text: &str) -> Result<Value, ModelError> {
    serde_json::from_str(text).map_err(|e| ModelError(format!("{what}: invalid JSON: {e}")))
}

/// botocore's `merge_dicts`, shared with the command line's build script.
pub use rboto_model::merge::deep_merge;

fn parse_tree(what: &str, text: &str) -> Result<Tree, ModelError> {
    Tree::parse(text).map_err(|e| ModelError(format!("{what}: invalid JSON: {e}")))
}

fn apply_extras(base: &mut Value, extras: Option<&str>, what: &str) -> Result<(), ModelError> {
    if let Some(text) = extras {
        let extras = parse(what, text)?;
        if let Some(merge) = extras.get("merge") {
            deep_merge(base, merge);
        }
    }
    Ok(())
}

/// The texts of one service's model files, as found in `models/<service>/`.
#[derive(Debug, Default, Clone)]
pub struct ModelFiles<'a> {
    pub service: &'a str,
    pub service_extras: Option<&'a str>,
    pub paginators: Option<&'a str>,
    pub paginators_extras: Option<&'a str>,
    pub waiters: Option<&'a str>,
    pub endpoint_rules: Option<&'a str>,
}

impl Model {
    /// Parses a service's model files and merges the overlays.
    pub fn from_files(service_name: &str, files: &ModelFiles<'_>) -> Result<Model, ModelError> {
        let mut service = parse(&format!("{service_name}/service-2.json"), files.service)?;
        apply_extras(
            &mut service,
            files.service_extras,
            "service-2.sdk-extras.json",
        )?;
        let paginators = match files.paginators {
            Some(text) => {
                let mut p = parse_tree("paginators-1.json", text)?;
                if let Some(extras) = files.paginators_extras {
                    let extras = parse_tree("paginators-1.sdk-extras.json", extras)?;
                    let merge = extras.get("merge");
                    if !merge.is_null() {
                        p.merge(merge);
                    }
                }
                Some(p)
            }
            None => None,
        };
        let waiters = files
            .waiters
            .map(|t| parse_tree("waiters-2.json", t))
            .transpose()?;
        let endpoint_rules = files
            .endpoint_rules
            .map(|t| parse("endpoint-rule-set-1.json", t))
            .transpose()?;
        let model = Model {
            service_name: service_name.to_string(),
            service,
            paginators,
            waiters,
            endpoint_rules,
        };
        model.shapes()?;
        model.operations()?;
        Ok(model)
    }

    pub fn metadata(&self) -> &Map<String, Value> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        self.service
            .get("metadata")
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
    }

    pub fn meta_str(&self, key: &str) -> Option<&str> {
        self.metadata().get(key).and_then(Value::as_str)
    }

    pub fn shapes(&self) -> Result<&Map<String, Value>, ModelError> {
        self.service
            .get("shapes")
            .and_then(Value::as_object)
            .ok_or_else(|| {
                ModelError(format!(
                    "{}: model has no `shapes` object",
                    self.service_name
                ))
            })
    }

    pub fn operations(&self) -> Result<&Map<String, Value>, ModelError> {
        self.service
            .get("operations")
            .and_then(Value::as_object)
            .ok_or_else(|| {
                ModelError(format!(
                    "{}: model has no `operations` object",
                    self.service_name
                ))
            })
    }

    pub fn shape(&self, name: &str) -> Result<&Value, ModelError> {
        self.shapes()?
            .get(name)
            .ok_or_else(|| ModelError(format!("{}: unknown shape `{name}`", self.service_name)))
    }
}

/// Small accessors over JSON objects.
pub trait Json {
    fn str_at(&self, key: &str) -> Option<&str>;
    fn bool_at(&self, key: &str) -> bool;
    fn obj_at(&self, key: &str) -> Option<&Map<String, Value>>;
}

impl Json for Value {
    fn str_at(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }
    fn bool_at(&self, key: &str) -> bool {
        self.get(key).and_then(Value::as_bool).unwrap_or(false)
    }
    fn obj_at(&self, key: &str) -> Option<&Map<String, Value>> {
        self.get(key).and_then(Value::as_object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extras_deep_merge_like_botocore() {
        let files = ModelFiles {
            service: r#"{"metadata":{"protocol":"json","serviceId":"A"},"shapes":{"S":{"type":"string"}},"operations":{}}"#,
            service_extras: Some(
                r#"{"version":1.0,"merge":{"metadata":{"serviceId":"B"},"shapes":{"T":{"type":"timestamp"}}}}"#,
            ),
            ..ModelFiles::default()
        };
        let m = Model::from_files("x", &files).unwrap();
        assert_eq!(m.meta_str("serviceId"), Some("B"));
        assert_eq!(m.meta_str("protocol"), Some("json"));
        assert!(m.shapes().unwrap().contains_key("S"));
        assert!(m.shapes().unwrap().contains_key("T"));
    }

    #[test]
    fn broken_models_are_errors_not_panics() {
        let bad = ModelFiles {
            service: "{",
            ..ModelFiles::default()
        };
        assert!(Model::from_files("x", &bad).is_err());
        let no_shapes = ModelFiles {
            service: "{}",
            ..ModelFiles::default()
        };
        assert!(Model::from_files("x", &no_shapes)
            .unwrap_err()
            .0
            .contains("shapes"));
    }
}
