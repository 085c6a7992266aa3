//! botocore `Config` settings parsed once, when the configuration loads: a bad value in a
//! config file or the environment fails the load with an error naming the setting, the value
//! and where it is (file and line, or variable); after that the getters hand back typed
//! values, with code over environment over profile.

use rboto::config::{ChecksumWhen, Env, RetryMode};
use rboto::{Config, ErrorKind};
use rboto_tests::scratch::ScratchDir;
use std::collections::HashMap;
use std::path::PathBuf;

/// An environment whose shared config file holds `config_text` (no credentials file).
fn env_with_config(dir: &ScratchDir, config_text: &str, vars: &[(&str, &str)]) -> Env {
    let config = dir.join("config");
    std::fs::write(&config, config_text).unwrap();
    let mut map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    map.insert("AWS_CONFIG_FILE".into(), config.display().to_string());
    map.insert(
        "AWS_SHARED_CREDENTIALS_FILE".into(),
        dir.join("absent").display().to_string(),
    );
    Env::from_map(map)
}

fn config_path(dir: &ScratchDir) -> PathBuf {
    dir.join("config")
}

#[test]
fn an_invalid_value_in_the_config_file_fails_the_load_naming_file_and_line() {
    let cases = [
        ("retry_mode = sometimes", "sometimes"),
        ("max_attempts = zero", "zero"),
        ("max_attempts = 0", "0"),
        ("use_fips_endpoint = yes", "yes"),
        ("use_dualstack_endpoint = 1", "1"),
        ("request_checksum_calculation = always", "always"),
        ("response_checksum_validation = never", "never"),
        ("tcp_keepalive = maybe", "maybe"),
        ("disable_request_compression = no", "no"),
        ("request_min_compression_size_bytes = 10485761", "10485761"),
        ("sts_regional_endpoints = global", "global"),
        ("account_id_endpoint_mode = always", "always"),
        ("defaults_mode = fast", "fast"),
        ("ignore_configured_endpoint_urls = perhaps", "perhaps"),
    ];
    let dir = ScratchDir::new("rboto-settings", "file-line", &[]).unwrap();
    for (line, value) in cases {
        let text = format!("[default]\nregion = us-west-2\n{line}\n");
        let env = env_with_config(&dir, &text, &[]);
        let err = Config::loader().env(env).load_sync().expect_err(line);
        let shown = err.to_string();
        let key = line.split(' ').next().unwrap();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{shown}");
        let at = format!("{}:3", config_path(&dir).display());
        assert!(shown.contains(&at), "{line}: no {at} in {shown}");
        assert!(shown.contains(&format!("{value:?}")), "{line}: {shown}");
        assert!(shown.contains(key), "{line}: {shown}");
    }
}

#[test]
fn an_invalid_s3_sub_setting_names_the_file_and_the_s3_line() {
    let dir = ScratchDir::new("rboto-settings", "s3-sub", &[]).unwrap();
    for sub in [
        "payload_signing_enabled = perhaps",
        "addressing_style = sideways",
        "us_east_1_regional_endpoint = global",
        "use_accelerate_endpoint = 2",
    ] {
        let text = format!("[default]\nregion = us-west-2\ns3 =\n  {sub}\n");
        let err = Config::loader()
            .env(env_with_config(&dir, &text, &[]))
            .load_sync()
            .expect_err(sub);
        let shown = err.to_string();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{shown}");
        assert!(
            shown.contains(&format!("{}:3", config_path(&dir).display())),
            "{shown}"
        );
        let key = format!("s3.{}", sub.split(' ').next().unwrap());
        assert!(shown.contains(&key), "{sub}: {shown}");
    }
}

#[test]
fn an_invalid_environment_variable_fails_the_load_naming_the_variable() {
    let dir = ScratchDir::new("rboto-settings", "env", &[]).unwrap();
    for (var, value) in [
        ("AWS_RETRY_MODE", "sometimes"),
        ("AWS_MAX_ATTEMPTS", "-1"),
        ("AWS_USE_FIPS_ENDPOINT", "yes"),
        ("AWS_REQUEST_CHECKSUM_CALCULATION", "always"),
        ("BOTOCORE_TCP_KEEPALIVE", "on"),
        ("AWS_DEFAULTS_MODE", "fast"),
        ("AWS_DISABLE_HOST_PREFIX_INJECTION", "yes"),
        ("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", "lots"),
        ("AWS_STS_REGIONAL_ENDPOINTS", "global"),
    ] {
        let env = env_with_config(&dir, "[default]\n", &[(var, value)]);
        let err = Config::loader().env(env).load_sync().expect_err(var);
        let shown = err.to_string();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{shown}");
        assert!(
            shown.contains(&format!("environment variable {var}")),
            "{shown}"
        );
        assert!(shown.contains(&format!("{value:?}")), "{shown}");
    }
    // `from_env` parses the same way.
    let err = Config::from_env(&|k| (k == "AWS_USE_FIPS_ENDPOINT").then(|| "yes".to_string()))
        .expect_err("invalid");
    assert!(err.to_string().contains("AWS_USE_FIPS_ENDPOINT"), "{err}");
}

#[test]
fn typed_values_with_code_over_environment_over_profile() {
    let dir = ScratchDir::new("rboto-settings", "precedence", &[]).unwrap();
    let profile = "[default]\nretry_mode = legacy\nmax_attempts = 7\nuse_fips_endpoint = true\n\
                   request_checksum_calculation = when_required\ntcp_keepalive = true\n\
                   disable_request_compression = true\nrequest_min_compression_size_bytes = 99\n";
    let from_profile = Config::loader()
        .env(env_with_config(&dir, profile, &[]))
        .load_sync()
        .unwrap();
    assert_eq!(from_profile.retry_mode(), RetryMode::Legacy);
    assert_eq!(from_profile.max_attempts(), Some(7));
    assert!(from_profile.use_fips());
    assert_eq!(
        from_profile.request_checksum_calculation(),
        ChecksumWhen::WhenRequired
    );
    assert!(from_profile.http().tcp_keepalive);
    assert!(from_profile.disable_request_compression());
    assert_eq!(from_profile.request_min_compression_size_bytes(), 99);

    let vars = [
        ("AWS_RETRY_MODE", "adaptive"),
        ("AWS_MAX_ATTEMPTS", "3"),
        ("AWS_USE_FIPS_ENDPOINT", "FALSE"),
        ("AWS_REQUEST_CHECKSUM_CALCULATION", "WHEN_SUPPORTED"),
        ("BOTOCORE_TCP_KEEPALIVE", "false"),
    ];
    let from_env = Config::loader()
        .env(env_with_config(&dir, profile, &vars))
        .load_sync()
        .unwrap();
    assert_eq!(from_env.retry_mode(), RetryMode::Adaptive);
    assert_eq!(from_env.max_attempts(), Some(3));
    assert!(!from_env.use_fips());
    assert_eq!(
        from_env.request_checksum_calculation(),
        ChecksumWhen::WhenSupported
    );
    assert!(!from_env.http().tcp_keepalive);

    let from_code = from_env
        .to_builder()
        .retry_mode(RetryMode::Standard)
        .max_attempts(1)
        .use_fips(true)
        .request_checksum_calculation(ChecksumWhen::WhenRequired)
        .build();
    assert_eq!(from_code.retry_mode(), RetryMode::Standard);
    assert_eq!(from_code.max_attempts(), Some(1));
    assert!(from_code.use_fips());
    assert_eq!(
        from_code.request_checksum_calculation(),
        ChecksumWhen::WhenRequired
    );
}

#[test]
fn settings_rboto_cannot_honour_fail_the_load_naming_them() {
    let dir = ScratchDir::new("rboto-settings", "unsupported", &[]).unwrap();
    // In the profile: named with the file and line.
    for (line, key) in [
        (
            "endpoint_discovery_enabled = true",
            "endpoint_discovery_enabled",
        ),
        ("sigv4a_signing_region_set = *", "sigv4a_signing_region_set"),
        ("csm_enabled = true", "csm_enabled"),
    ] {
        let text = format!("[default]\nregion = us-west-2\n{line}\n");
        let env = env_with_config(&dir, &text, &[]);
        let err = Config::loader().env(env).load_sync().expect_err(line);
        let shown = err.to_string();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{shown}");
        assert!(shown.contains(key), "{shown}");
        let at = format!("{}:3", config_path(&dir).display());
        assert!(shown.contains(&at), "{line}: no {at} in {shown}");
    }
    // In the environment: named by the variable, through both ways of loading.
    for (var, value) in [
        ("AWS_ENDPOINT_DISCOVERY_ENABLED", "true"),
        ("AWS_SIGV4A_SIGNING_REGION_SET", "us-east-1,us-west-2"),
        ("AWS_CSM_ENABLED", "true"),
        ("AWS_DATA_PATH", "/opt/models"),
    ] {
        let env = env_with_config(&dir, "[default]\n", &[(var, value)]);
        let err = Config::loader().env(env).load_sync().expect_err(var);
        assert!(err.to_string().contains(var), "{err}");
        let err = Config::from_env(&|k| (k == var).then(|| value.to_string())).expect_err(var);
        assert!(err.to_string().contains(var), "{err}");
    }
    // Asking for botocore's own default is fine.
    for (var, value) in [
        ("AWS_ENDPOINT_DISCOVERY_ENABLED", "auto"),
        ("AWS_ENDPOINT_DISCOVERY_ENABLED", "false"),
        ("AWS_CSM_ENABLED", "false"),
    ] {
        let env = env_with_config(&dir, "[default]\n", &[(var, value)]);
        Config::loader().env(env).load_sync().expect(var);
    }
}
