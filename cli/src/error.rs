//! The command line's errors and the AWS CLI v2 exit codes they map to.

use std::fmt;

/// Exit codes of AWS CLI v2 (v1 uses 255 for all but usage errors, and 2 for those).
pub mod exit {
    /// Bad command line or parameter validation.
    pub const USAGE: i32 = 252;
    /// Configuration or credentials.
    pub const CONFIG: i32 = 253;
    /// The service returned an error.
    pub const SERVICE: i32 = 254;
    /// Anything else.
    pub const OTHER: i32 = 255;
    /// Ctrl-C (128 + SIGINT).
    pub const INTERRUPTED: i32 = 130;
}

/// An error that ends the command: what to print on stderr and the exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    pub code: i32,
    pub message: String,
    /// Printed after the usage lines, as argparse reports a bad command line.
    pub usage: bool,
}

impl CliError {
    /// A bad command line (argparse's `aws: error: …`).
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            code: exit::USAGE,
            message: message.into(),
            usage: true,
        }
    }

    /// Parameter validation or a bad value (printed as the message alone).
    pub fn param(message: impl Into<String>) -> CliError {
        CliError {
            code: exit::USAGE,
            message: message.into(),
            usage: false,
        }
    }

    pub fn config(message: impl Into<String>) -> CliError {
        CliError {
            code: exit::CONFIG,
            message: message.into(),
            usage: false,
        }
    }

    pub fn other(message: impl Into<String>) -> CliError {
        CliError {
            code: exit::OTHER,
            message: message.into(),
            usage: false,
        }
    }

    /// The text for stderr, as the AWS CLI writes it.
    pub fn stderr_text(&self) -> String {
        if self.usage && self.message.starts_with("Unknown options:") {
            // awscli writes the usage then the message alone for these.
            format!(
                "\nusage: rboto [options] <command> <subcommand> [<subcommand> ...] [parameters]\n\
                 To see help text, you can run:\n\n  rboto help\n  rboto <command> help\n  \
                 rboto <command> <subcommand> help\n\n{}\n",
                self.message
            )
        } else if self.usage {
            format!(
                "\nusage: rboto [options] <command> <subcommand> [<subcommand> ...] [parameters]\n\
                 To see help text, you can run:\n\n  rboto help\n  rboto <command> help\n  \
                 rboto <command> <subcommand> help\n\nrboto: error: {}\n",
                self.message
            )
        } else if self.message.starts_with("You must specify a region")
            || self.message.starts_with("Unable to locate credentials")
        {
            // The CLI's `_show_error`: these two have no blank line before them.
            format!("{}\n", self.message)
        } else {
            format!("\n{}\n", self.message)
        }
    }

    /// Maps a runtime error from a call of `operation` as the AWS CLI reports it.
    pub fn from_call<E>(err: &rboto::Error<E>, operation: &str) -> CliError {
        use rboto::ErrorKind as K;
        match err.kind() {
            K::Service => {
                let code = err.code().unwrap_or("Unknown");
                let message = err
                    .service_error()
                    .and_then(|s| s.message.clone())
                    .unwrap_or_else(|| "Unknown".to_string());
                // botocore's ClientError names the retries when they ran out.
                let retries = err
                    .retry_outcome()
                    .filter(|r| r.max_attempts_reached)
                    .map(|r| format!(" (reached max retries: {})", r.retries))
                    .unwrap_or_default();
                CliError {
                    code: exit::SERVICE,
                    message: format!(
                        "An error occurred ({code}) when calling the {operation} operation{retries}: {message}"
                    ),
                    usage: false,
                }
            }
            K::NoCredentials => CliError::config(
                "Unable to locate credentials. You can configure credentials by running \"aws configure\".",
            ),
            K::NoRegion => CliError::config(
                "You must specify a region. You can also configure your region by running \"aws configure\".",
            ),
            K::PartialCredentials | K::InvalidConfig => CliError::config(err.message().to_string()),
            // The dynamic client's reports carry botocore's heading already; the runtime's
            // own checks (a header value, a host label) do not.
            K::ParamValidation if err.message().starts_with("Parameter validation failed:") => {
                CliError::param(err.message().to_string())
            }
            K::ParamValidation => CliError::param(format!(
                "Parameter validation failed:\n{}",
                err.message()
            )),
            _ => CliError::other(err.to_string()),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_error_text() {
        let err: rboto::Error = rboto::Error::service(rboto::ServiceError {
            code: "NoSuchBucket".into(),
            message: Some("The specified bucket does not exist".into()),
            request_id: None,
            status: 404,
            modeled: None,
        });
        let cli = CliError::from_call(&err, "ListObjects");
        assert_eq!(cli.code, exit::SERVICE);
        assert_eq!(
            cli.stderr_text(),
            "\nAn error occurred (NoSuchBucket) when calling the ListObjects operation: The specified bucket does not exist\n"
        );
    }

    #[test]
    fn kinds_map_to_v2_codes() {
        let e: rboto::Error = rboto::Error::new(rboto::ErrorKind::NoCredentials, "none");
        assert_eq!(CliError::from_call(&e, "X").code, exit::CONFIG);
        let e: rboto::Error = rboto::Error::new(rboto::ErrorKind::ParamValidation, "bad");
        assert_eq!(CliError::from_call(&e, "X").code, exit::USAGE);
        let e: rboto::Error = rboto::Error::new(rboto::ErrorKind::Connection, "down");
        assert_eq!(CliError::from_call(&e, "X").code, exit::OTHER);
        assert!(CliError::usage("x")
            .stderr_text()
            .contains("rboto: error: x"));
    }
}
