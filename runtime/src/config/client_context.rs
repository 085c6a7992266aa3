//! botocore's `Config(client_context_params={...})`: values for a service's
//! `clientContextParams`, named in snake_case as botocore's `xform_name` names them
//! (`ForcePathStyle` → `force_path_style`).

use super::Config;
use crate::endpoint::ParamValue;
use crate::error::{Error, ErrorKind};
use crate::schema::Service;

/// botocore's `xform_name` for a rule-set parameter name: `_` before each word, a run of
/// capitals being one word (`DisableS3ExpressSessionAuth` → `disable_s3_express_session_auth`).
pub(crate) fn xform_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The config's `client_context_params` for `service`, by rule-set parameter name. A name the
/// service does not declare, or a value of the wrong type, is an error naming it: botocore
/// drops such a name silently, which hides a typo.
pub(crate) fn bind_client_context_params(
    config: &Config,
    service: &'static Service,
) -> Result<Vec<(String, ParamValue)>, Error> {
    let mut out = Vec::new();
    for (name, value) in config.client_context_params() {
        let Some(&(param, is_bool)) = service
            .client_context_params
            .iter()
            .find(|(p, _)| xform_name(p) == *name)
        else {
            let known: Vec<String> = service
                .client_context_params
                .iter()
                .map(|(p, _)| xform_name(p))
                .collect();
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                format!(
                    "client_context_params: `{name}` is not a client context parameter of {} \
                     (its parameters: {})",
                    service.service_id,
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ),
            ));
        };
        if is_bool != matches!(value, ParamValue::Bool(_)) {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                format!(
                    "client_context_params: `{name}` of {} takes a {}",
                    service.service_id,
                    if is_bool { "boolean" } else { "string" }
                ),
            ));
        }
        out.push((param.to_string(), value.clone()));
    }
    // botocore's `s3_disable_express_session_auth` (profile, `AWS_S3_DISABLE_EXPRESS_SESSION_AUTH`)
    // feeds the same rule-set parameter when code did not set it.
    if let Some(on) = config.resolved.s3_disable_express_session_auth {
        let declared = service
            .client_context_params
            .iter()
            .any(|(p, _)| *p == "DisableS3ExpressSessionAuth");
        if declared && !out.iter().any(|(p, _)| p == "DisableS3ExpressSessionAuth") {
            out.push(("DisableS3ExpressSessionAuth".into(), ParamValue::Bool(on)));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{bind_client_context_params, xform_name};
    use crate::config::{Config, Env};
    use crate::endpoint::ParamValue;
    use crate::schema::Service;
    use std::collections::HashMap;

    static S3_LIKE: Service = Service {
        client_context_params: &[
            ("ForcePathStyle", true),
            ("DisableS3ExpressSessionAuth", true),
        ],
        ..Service::BLANK
    };

    fn loaded(vars: &[(&str, &str)]) -> Config {
        let mut map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        map.insert("AWS_CONFIG_FILE".into(), "/nonexistent/config".into());
        map.insert(
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            "/nonexistent/creds".into(),
        );
        Config::loader()
            .env(Env::from_map(map))
            .load_sync()
            .unwrap()
    }

    #[test]
    fn s3_disable_express_session_auth_from_the_environment_reaches_the_rules() {
        let bound = bind_client_context_params(
            &loaded(&[("AWS_S3_DISABLE_EXPRESS_SESSION_AUTH", "true")]),
            &S3_LIKE,
        )
        .unwrap();
        assert_eq!(
            bound,
            [(
                "DisableS3ExpressSessionAuth".to_string(),
                ParamValue::Bool(true)
            )]
        );
        assert!(bind_client_context_params(&loaded(&[]), &S3_LIKE)
            .unwrap()
            .is_empty());
        // Code wins over the environment.
        let code = loaded(&[("AWS_S3_DISABLE_EXPRESS_SESSION_AUTH", "true")])
            .to_builder()
            .client_context_params([("disable_s3_express_session_auth", false)])
            .build();
        assert_eq!(
            bind_client_context_params(&code, &S3_LIKE).unwrap(),
            [(
                "DisableS3ExpressSessionAuth".to_string(),
                ParamValue::Bool(false)
            )]
        );
        // A service whose rules do not declare it gets nothing.
        static OTHER: Service = Service::BLANK;
        let env = loaded(&[("AWS_S3_DISABLE_EXPRESS_SESSION_AUTH", "true")]);
        assert!(bind_client_context_params(&env, &OTHER).unwrap().is_empty());
    }

    #[test]
    fn names_are_botocores_snake_case() {
        assert_eq!(xform_name("ForcePathStyle"), "force_path_style");
        assert_eq!(
            xform_name("DisableMultiRegionAccessPoints"),
            "disable_multi_region_access_points"
        );
        assert_eq!(
            xform_name("DisableS3ExpressSessionAuth"),
            "disable_s3_express_session_auth"
        );
        assert_eq!(xform_name("Accelerate"), "accelerate");
        assert_eq!(xform_name("SDKEndpoint"), "sdk_endpoint");
    }
}
