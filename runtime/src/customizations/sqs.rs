//! SQS: `ReceiveMessage` long-polls (botocore's `retries.standard` long-polling list), so a
//! refused retry still waits its backoff.

use super::Customizations;

pub(super) const CUSTOMIZATIONS: Customizations = Customizations {
    long_polling: &["ReceiveMessage"],
    ..Customizations::NONE
};
