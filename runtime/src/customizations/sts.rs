//! STS: `IDPCommunicationError` (the identity provider could not be reached for
//! `AssumeRoleWithWebIdentity`/`AssumeRoleWithSAML`) is worth retrying, as botocore's
//! `_retry.json` entry for `sts` says.

use super::Customizations;

pub(super) const CUSTOMIZATIONS: Customizations = Customizations {
    retryable_error_codes: &["IDPCommunicationError"],
    ..Customizations::NONE
};
