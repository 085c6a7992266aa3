//! The AWS CLI's global options, taken from anywhere on the command line (the CLI's main
//! parser reads them before the service command's), and the [`rboto::Config`] they make.

use crate::error::CliError;
use crate::output::{OutputFormat, OutputSettings};
use std::time::Duration;

/// Global options as given.
#[derive(Clone, Debug, Default)]
pub struct Globals {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub output: Option<OutputFormat>,
    pub query: Option<String>,
    pub no_paginate: bool,
    pub no_verify_ssl: bool,
    pub ca_bundle: Option<String>,
    pub read_timeout: Option<Duration>,
    pub connect_timeout: Option<Duration>,
    pub no_sign_request: bool,
    pub debug: bool,
    pub version: bool,
    pub color: Option<String>,
}

const VALUED: [&str; 10] = [
    "--profile",
    "--region",
    "--endpoint-url",
    "--output",
    "--query",
    "--ca-bundle",
    "--cli-read-timeout",
    "--cli-connect-timeout",
    "--color",
    "--cli-binary-format",
];

fn timeout(name: &str, v: &str) -> Result<Duration, CliError> {
    let secs: f64 = v
        .parse()
        .map_err(|_| CliError::usage(format!("argument {name}: invalid int value: '{v}'")))?;
    // 0 means "no timeout" for the CLI; a very long one here.
    if secs <= 0.0 {
        return Ok(Duration::from_secs(u32::MAX as u64));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Splits global options out of `args`; returns them and the rest, in order.
pub fn split(args: &[String]) -> Result<(Globals, Vec<String>), CliError> {
    let mut g = Globals::default();
    let mut rest = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        if VALUED.contains(&name) {
            let value = match inline {
                Some(v) => v,
                None => {
                    i += 1;
                    args.get(i).cloned().ok_or_else(|| {
                        CliError::usage(format!("argument {name}: expected one argument"))
                    })?
                }
            };
            match name {
                "--profile" => g.profile = Some(value),
                "--region" => g.region = Some(value),
                "--endpoint-url" => g.endpoint_url = Some(value),
                "--output" => g.output = Some(OutputFormat::parse(&value)?),
                "--query" => {
                    crate::output::parse_query(&value)?;
                    g.query = Some(value)
                }
                "--ca-bundle" => g.ca_bundle = Some(value),
                "--cli-read-timeout" => g.read_timeout = Some(timeout(name, &value)?),
                "--cli-connect-timeout" => g.connect_timeout = Some(timeout(name, &value)?),
                "--color" => g.color = Some(value),
                // v2's only behaviour (base64 blobs) is rboto's; the option is accepted.
                _ => {}
            }
        } else {
            match arg.as_str() {
                "--no-paginate" => g.no_paginate = true,
                "--no-verify-ssl" => g.no_verify_ssl = true,
                "--no-sign-request" => g.no_sign_request = true,
                "--debug" => g.debug = true,
                "--version" => g.version = true,
                _ => rest.push(arg.clone()),
            }
        }
        i += 1;
    }
    Ok((g, rest))
}

impl Globals {
    /// The configuration for this command: the profile files and environment as boto3 reads
    /// them, with the command line's options on top.
    pub async fn config(&self) -> Result<rboto::Config, CliError> {
        let mut loader = rboto::Config::loader();
        if let Some(p) = &self.profile {
            loader = loader.profile(p.clone());
        }
        let config = loader.load().await.map_err(|e| {
            if e.message().contains("profile") && self.profile.is_some() {
                CliError::config(format!(
                    "The config profile ({}) could not be found",
                    self.profile.as_deref().unwrap_or_default()
                ))
            } else {
                CliError::config(e.to_string())
            }
        })?;
        let mut b = config.to_builder();
        if let Some(r) = &self.region {
            b = b.region(r.clone());
        }
        if let Some(u) = &self.endpoint_url {
            b = b.endpoint_url(u.clone());
        }
        if self.no_sign_request {
            b = b.anonymous(true);
        }
        let mut http = config.http().clone();
        let mut http_changed = false;
        if self.no_verify_ssl {
            http.verify_tls = false;
            http_changed = true;
        }
        if let Some(ca) = &self.ca_bundle {
            http.ca_bundle = Some(ca.into());
            http_changed = true;
        }
        if let Some(t) = self.read_timeout {
            http.read_timeout = t;
            http_changed = true;
        }
        if let Some(t) = self.connect_timeout {
            http.connect_timeout = t;
            http_changed = true;
        }
        if http_changed {
            b = b.http(http);
        }
        Ok(b.build())
    }

    /// `--output` (else the profile's `output`, else JSON) and `--query`.
    pub fn output_settings(&self, config: Option<&rboto::Config>) -> OutputSettings {
        let from_profile = || {
            let env = std::env::var("AWS_DEFAULT_OUTPUT").ok();
            let value = env.or_else(|| {
                config
                    .and_then(|c| c.profile())
                    .and_then(|p| p.get_nonempty("output"))
                    .map(str::to_string)
            })?;
            OutputFormat::parse(&value).ok()
        };
        OutputSettings {
            format: self.output.or_else(from_profile).unwrap_or_default(),
            query: self.query.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn globals_anywhere() {
        let (g, rest) = split(&s(&[
            "--region",
            "eu-west-1",
            "s3api",
            "list-objects",
            "--bucket",
            "b",
            "--output=text",
            "--no-paginate",
            "--query",
            "Contents[].Key",
            "--debug",
        ]))
        .unwrap();
        assert_eq!(g.region.as_deref(), Some("eu-west-1"));
        assert_eq!(g.output, Some(OutputFormat::Text));
        assert!(g.no_paginate && g.debug);
        assert_eq!(g.query.as_deref(), Some("Contents[].Key"));
        assert_eq!(rest, s(&["s3api", "list-objects", "--bucket", "b"]));
    }

    #[test]
    fn bad_globals() {
        assert_eq!(split(&s(&["--output", "yaml2"])).unwrap_err().code, 252);
        assert_eq!(split(&s(&["--region"])).unwrap_err().code, 252);
        assert_eq!(
            split(&s(&["--cli-read-timeout", "x"])).unwrap_err().code,
            252
        );
    }
}
