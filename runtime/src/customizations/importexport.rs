//! Import/Export: its model still says signature version `v2`, which the service no longer
//! takes; botocore's client signs it with SigV4 instead (`_default_signer_to_sigv4`, registered
//! on `choose-signer.importexport`).

use super::Customizations;

pub(super) const CUSTOMIZATIONS: Customizations = Customizations {
    v2_signs_as_sigv4: true,
    ..Customizations::NONE
};
