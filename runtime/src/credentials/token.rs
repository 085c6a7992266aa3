//! Bearer tokens for services whose auth is `smithy.api#httpBearerAuth` (botocore's
//! `FrozenAuthToken`).

use crate::types::REDACTED;
use std::fmt;

/// A bearer token, sent as `Authorization: Bearer <token>`. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthToken(String);

impl AuthToken {
    pub fn new(token: impl Into<String>) -> Self {
        AuthToken(token.into())
    }

    /// The token itself, for the `Authorization` header.
    pub fn token(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AuthToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AuthToken").field(&REDACTED).finish()
    }
}

/// botocore's `_get_bearer_env_var_name`: `AWS_BEARER_TOKEN_` and the signing name upper-cased,
/// `-` and spaces turned into `_`.
pub(crate) fn env_var_name(signing_name: &str) -> String {
    let name: String = signing_name
        .chars()
        .map(|c| if c == '-' || c == ' ' { '_' } else { c })
        .collect();
    format!("AWS_BEARER_TOKEN_{}", name.to_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_token() {
        let shown = format!("{:?}", AuthToken::new("tok-secret-123"));
        assert!(!shown.contains("tok-secret-123"), "{shown}");
    }

    #[test]
    fn env_var_names_follow_botocore() {
        assert_eq!(env_var_name("bedrock"), "AWS_BEARER_TOKEN_BEDROCK");
        assert_eq!(
            env_var_name("code-catalyst x"),
            "AWS_BEARER_TOKEN_CODE_CATALYST_X"
        );
    }
}
