//! Long-polling operations of services with no other customisation (botocore's
//! `retries.standard` list; SQS's `ReceiveMessage` is in [`super::sqs`]).

use super::Customizations;

pub(super) const SFN: Customizations = Customizations {
    long_polling: &["GetActivityTask"],
    ..Customizations::NONE
};

pub(super) const SWF: Customizations = Customizations {
    long_polling: &["PollForActivityTask", "PollForDecisionTask"],
    ..Customizations::NONE
};

pub(super) const KINESIS: Customizations = Customizations {
    long_polling: &["ReceiveQueueRecords", "ReceiveDeadLetterQueueRecords"],
    ..Customizations::NONE
};
