//! botocore's `merge_dicts` over `serde_json::Value`, for the tools that rewrite model
//! documents before anything reads them: the generator (service models) and the command line's
//! build script (the documents it embeds). The runtime merges its own tree with
//! [`Json::merge`](crate::json::Json::merge), the same rule.

use serde_json::Value;

/// Deep-merges `overlay` into `base` the way botocore's loader applies `*.sdk-extras.json`:
/// objects merge key by key (existing keys keep their place, new ones go last when
/// `serde_json`'s `preserve_order` is on), anything else replaces.
pub fn deep_merge(base: &mut Value, overlay: &Value) {
    match (base, overlay) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => {
                        deep_merge(existing, v)
                    }
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::deep_merge;
    use serde_json::json;

    #[test]
    fn objects_merge_and_everything_else_replaces() {
        let mut base = json!({"a": {"x": 1, "y": [1]}, "b": "keep", "c": {"z": 1}});
        deep_merge(
            &mut base,
            &json!({"a": {"y": [2], "w": true}, "c": 5, "d": null}),
        );
        assert_eq!(
            base,
            json!({"a": {"x": 1, "y": [2], "w": true}, "b": "keep", "c": 5, "d": null})
        );
        let mut scalar = json!(1);
        deep_merge(&mut scalar, &json!({"k": 2}));
        assert_eq!(scalar, json!({"k": 2}));
    }
}
