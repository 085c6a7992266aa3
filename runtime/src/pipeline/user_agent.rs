//! The `User-Agent` header, built as botocore 1.44's `useragent.py` builds it (`ua/2.1`): SDK,
//! OS, architecture, language, execution environment, retry mode, app id, then the user's
//! extra text — or, when the user replaced it (`user_agent`), that text and the extra only.
//! It is built once per client: nothing in it changes between calls.

use crate::config::Config;
use crate::retry::RetryMode;

/// The header value for clients of `config` retrying in `mode`.
pub(crate) fn user_agent(config: &Config, mode: RetryMode) -> String {
    let extra = config.user_agent_extra();
    if let Some(replaced) = config.user_agent_override() {
        return [Some(replaced), extra]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
    }
    let mut parts = vec![
        format!("rboto/{}", env!("CARGO_PKG_VERSION")),
        "ua/2.1".to_string(),
    ];
    match std::env::consts::OS {
        os @ ("linux" | "macos" | "windows" | "android" | "ios") => parts.push(format!("os/{os}")),
        other => parts.push(format!("os/other md/{}", sanitize(other, false))),
    }
    parts.push(format!(
        "md/arch#{}",
        sanitize(std::env::consts::ARCH, false)
    ));
    parts.push("lang/rust".to_string());
    if let Some(exec_env) = config.env().get("AWS_EXECUTION_ENV") {
        parts.push(format!("exec-env/{}", sanitize(&exec_env, false)));
    }
    parts.push(format!("cfg/retry-mode#{}", mode.as_str()));
    if let Some(app) = config.user_agent_appid() {
        parts.push(format!("app/{}", sanitize(&app, true)));
    }
    parts.extend(extra.map(str::to_string));
    parts.join(" ")
}

/// botocore's `sanitize_user_agent_string_component`: anything a header token may not hold
/// becomes `-`.
fn sanitize(raw: &str, allow_hash: bool) -> String {
    raw.chars()
        .map(|c| {
            let allowed = c.is_ascii_alphanumeric()
                || "!$%&'*+-.^_`|~,".contains(c)
                || (allow_hash && c == '#');
            if allowed {
                c
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(env: &[(&str, &str)]) -> crate::config::ConfigBuilder {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_env(&|k| env.get(k).cloned())
            .unwrap()
            .to_builder()
    }

    #[test]
    fn carries_sdk_os_language_retry_mode_app_and_extra() {
        let ua = user_agent(
            &config(&[("AWS_EXECUTION_ENV", "AWS_Lambda_rust")])
                .user_agent_appid("my app#1")
                .user_agent_extra("extra/1.0")
                .build(),
            RetryMode::Adaptive,
        );
        let expected_start = format!("rboto/{} ua/2.1 os/", env!("CARGO_PKG_VERSION"));
        assert!(ua.starts_with(&expected_start), "{ua}");
        assert!(ua.contains(" md/arch#"), "{ua}");
        assert!(
            ua.ends_with(
                " lang/rust exec-env/AWS_Lambda_rust cfg/retry-mode#adaptive app/my-app#1 extra/1.0"
            ),
            "{ua}"
        );
    }

    #[test]
    fn app_id_comes_from_the_environment_too() {
        let ua = user_agent(
            &config(&[("AWS_SDK_UA_APP_ID", "envapp")]).build(),
            RetryMode::Standard,
        );
        assert!(ua.ends_with(" cfg/retry-mode#standard app/envapp"), "{ua}");
    }

    #[test]
    fn a_replaced_user_agent_keeps_only_the_extra() {
        let ua = user_agent(
            &config(&[("AWS_SDK_UA_APP_ID", "ignored")])
                .user_agent("MyTool/2.0")
                .user_agent_extra("more")
                .build(),
            RetryMode::Standard,
        );
        assert_eq!(ua, "MyTool/2.0 more");
    }
}
