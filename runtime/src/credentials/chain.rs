//! The default credential chain (see the module docs of [`super`]).

use super::profile_chain::{self, BaseProvider, ChainError, ProfileChain};
use super::{container, from_env, imds, login, process, sso, sts, BoxFuture, Credentials};
use super::{MfaTokenProvider, ProvideCredentials};
use crate::config::Config;
use crate::error::{Error, ErrorKind};
use std::sync::OnceLock;

/// botocore's credential chain over a loaded [`Config`] (its environment snapshot and
/// profiles). Resolves on every call; wrap it in [`super::CachingProvider`] (as
/// [`Config::load`] does) to cache.
#[derive(Debug)]
pub struct DefaultChain {
    config: Config,
    /// A profile was named explicitly: environment credentials are not used.
    explicit_profile: bool,
    mfa: Option<MfaTokenProvider>,
    imds: OnceLock<Result<imds::ImdsProvider, String>>,
}

/// What one provider of the chain did.
enum Outcome {
    Found(Credentials),
    /// Nothing there; the reason is reported if no provider answers.
    Skipped(String),
}

impl DefaultChain {
    /// The chain over `config`'s environment and profiles. Any credentials provider already in
    /// `config` is ignored (the chain is what produces one).
    pub fn new(config: &Config, explicit_profile: bool) -> DefaultChain {
        let mut config = config.clone_out_of_line();
        config.credentials = None;
        DefaultChain {
            config,
            explicit_profile,
            mfa: None,
            imds: OnceLock::new(),
        }
    }

    /// Answers `mfa_serial` challenges of assume-role profiles.
    pub fn with_mfa_token_provider(mut self, mfa: MfaTokenProvider) -> Self {
        self.mfa = Some(mfa);
        self
    }

    /// Resolves credentials: the first provider that has them answers. A provider that finds
    /// broken configuration (partial keys, a missing source profile, a failing
    /// `credential_process`) stops the chain with that error, as in botocore.
    pub async fn resolve(&self) -> Result<Credentials, Error> {
        let mut tried: Vec<(&'static str, String)> = Vec::new();
        let steps: [&'static str; 4] = ["env", "profile", "container-role", "iam-role"];
        for step in steps {
            let outcome = match step {
                "env" => self.env(),
                "profile" => self.profile().await,
                "container-role" => container::fetch(&self.config.env)
                    .await
                    .map(|r| r.map_or_else(Outcome::Skipped, Outcome::Found)),
                _ => self.imds().await,
            }?;
            match outcome {
                Outcome::Found(c) => return Ok(c),
                Outcome::Skipped(why) => tried.push((step, why)),
            }
        }
        let lines: Vec<String> = tried
            .iter()
            .map(|(name, why)| format!("  {name}: {why}"))
            .collect();
        Err(Error::new(
            ErrorKind::NoCredentials,
            format!(
                "Unable to locate credentials. Providers tried, in order:\n{}",
                lines.join("\n")
            ),
        ))
    }

    fn env(&self) -> Result<Outcome, Error> {
        if self.explicit_profile {
            return Ok(Outcome::Skipped(format!(
                "not used because profile `{}` was selected explicitly",
                self.config.profile_name()
            )));
        }
        let env = &self.config.env;
        Ok(match from_env(&|k| env.get(k))? {
            Some(c) => Outcome::Found(c),
            None => {
                Outcome::Skipped("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set".into())
            }
        })
    }

    /// Providers 2–8, all driven by the selected profile (and web identity by the environment).
    async fn profile(&self) -> Result<Outcome, Error> {
        let name = self.config.profile_name().to_string();
        let chain = profile_chain::resolve(self.config.profiles(), &name);
        let env = &self.config.env;
        let env_web_identity = env.get("AWS_WEB_IDENTITY_TOKEN_FILE");
        match chain {
            Ok(chain) if !chain.roles.is_empty() => self.run_chain(chain).await.map(Outcome::Found),
            // Web identity from the environment comes after assume-role from the profile.
            _ if env_web_identity.is_some() => {
                let profile = self.config.profile();
                let role_arn = env
                    .get("AWS_ROLE_ARN")
                    .or_else(|| {
                        profile
                            .and_then(|p| p.get_nonempty("role_arn"))
                            .map(Into::into)
                    })
                    .ok_or_else(|| {
                        Error::new(
                            ErrorKind::InvalidConfig,
                            "AWS_WEB_IDENTITY_TOKEN_FILE is set but no role: set AWS_ROLE_ARN \
                             (or role_arn in the profile)",
                        )
                    })?;
                let session = env.get("AWS_ROLE_SESSION_NAME").or_else(|| {
                    profile
                        .and_then(|p| p.get_nonempty("role_session_name"))
                        .map(Into::into)
                });
                let file = env_web_identity.unwrap_or_default();
                self.web_identity(&role_arn, &file, session.as_deref())
                    .await
                    .map(Outcome::Found)
            }
            Ok(chain) => self.run_chain(chain).await.map(Outcome::Found),
            Err(e) if e.is_skip() => Ok(Outcome::Skipped(format!(
                "assume-role, assume-role-with-web-identity, sso, shared-credentials-file, \
                 login, custom-process, config-file: {}{}",
                e.message(),
                self.files_note()
            ))),
            Err(e) => Err(chain_error(e, &self.files_note())),
        }
    }

    fn files_note(&self) -> String {
        let files: Vec<String> = self
            .config
            .profiles()
            .sources
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        if files.is_empty() {
            " (no config files: no home directory)".into()
        } else {
            format!(" (in {})", files.join(", "))
        }
    }

    /// Runs a resolved profile chain: the base provider, then each role in turn.
    pub async fn run_chain(&self, chain: ProfileChain) -> Result<Credentials, Error> {
        let mut creds = match &chain.base {
            BaseProvider::AccessKey {
                access_key_id,
                secret_access_key,
                session_token,
                account_id,
                from_credentials_file,
                ..
            } => Credentials::new(
                access_key_id.clone(),
                secret_access_key.clone(),
                session_token.clone(),
            )
            .with_account_id(account_id.clone())
            .with_provider(if *from_credentials_file {
                "shared-credentials-file"
            } else {
                "config-file"
            }),
            BaseProvider::NamedSource(source) => self.named_source(source).await?,
            BaseProvider::WebIdentityToken {
                role_arn,
                web_identity_token_file,
                role_session_name,
            } => {
                self.web_identity(
                    role_arn,
                    web_identity_token_file,
                    role_session_name.as_deref(),
                )
                .await?
            }
            BaseProvider::Sso(cfg) => sso::get_role_credentials(&self.config, cfg).await?,
            BaseProvider::Login { session } => login::credentials(&self.config, session).await?,
            BaseProvider::Process { command } => {
                process::run(command, self.config.profile_name()).await?
            }
        };
        for role in &chain.roles {
            let code = match (&role.mfa_serial, &self.mfa) {
                (Some(serial), Some(mfa)) => Some((mfa.0)(serial)?),
                (Some(serial), None) => {
                    return Err(Error::new(
                        ErrorKind::InvalidConfig,
                        format!(
                            "profile `{}` requires an MFA token for {serial} (mfa_serial), but no \
                             MFA token provider is configured",
                            role.profile
                        ),
                    ))
                }
                _ => None,
            };
            creds = sts::assume_role(&self.config, creds, role, code).await?;
        }
        Ok(creds)
    }

    async fn named_source(&self, source: &str) -> Result<Credentials, Error> {
        let none = |why: String| {
            Error::new(
                ErrorKind::NoCredentials,
                format!("credential_source {source}: {why}"),
            )
        };
        match source {
            "Environment" => {
                let env = &self.config.env;
                from_env(&|k| env.get(k))?.ok_or_else(|| {
                    none("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set".into())
                })
            }
            "EcsContainer" => container::fetch(&self.config.env).await?.map_err(none),
            _ => self.imds_provider()?.fetch().await?.map_err(none),
        }
    }

    async fn web_identity(
        &self,
        role_arn: &str,
        token_file: &str,
        session: Option<&str>,
    ) -> Result<Credentials, Error> {
        let token = super::fs::read_to_string(std::path::Path::new(token_file))
            .await
            .map_err(|e| {
                Error::new(
                    ErrorKind::InvalidConfig,
                    format!("web identity token file {token_file}: cannot read: {e}"),
                )
            })?;
        sts::assume_role_with_web_identity(&self.config, role_arn, token.trim(), session).await
    }

    fn imds_provider(&self) -> Result<&imds::ImdsProvider, Error> {
        self.imds
            .get_or_init(|| {
                self.config
                    .imds_settings()
                    .map(imds::ImdsProvider::new)
                    .map_err(|e| e.message().to_string())
            })
            .as_ref()
            .map_err(|m| Error::new(ErrorKind::InvalidConfig, m.clone()))
    }

    async fn imds(&self) -> Result<Outcome, Error> {
        let p = self.imds_provider()?;
        let endpoint = p.settings().endpoint.clone();
        Ok(match p.fetch().await? {
            Ok(c) => Outcome::Found(c),
            Err(why) => Outcome::Skipped(format!("{why} (instance metadata at {endpoint})")),
        })
    }
}

fn chain_error(e: ChainError, files: &str) -> Error {
    let kind = match e {
        ChainError::Partial(_) => ErrorKind::PartialCredentials,
        _ => ErrorKind::InvalidConfig,
    };
    Error::new(kind, format!("{}{files}", e.message()))
}

impl ProvideCredentials for DefaultChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(self.resolve())
    }
}
