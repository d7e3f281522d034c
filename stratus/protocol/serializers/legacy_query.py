"""XML names of services that left the query protocol but are still spoken to in it.

SQS moved to JSON in 2023. Its current model kept `flattened` but dropped the XML element
names and the query error codes that SDKs built from the old query model still expect, so
they are recorded here (from the 2012-11-05 query model and the `awsQueryError` traits).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LegacyXmlNames:
    namespace: str
    # (structure shape, member) -> element name
    members: dict[tuple[str, str], str] = field(default_factory=dict)
    # list shape -> element name of each item
    list_items: dict[str, str] = field(default_factory=dict)
    # map shape -> (key element, value element)
    map_entries: dict[str, tuple[str, str]] = field(default_factory=dict)
    # error shape -> query error code
    error_codes: dict[str, str] = field(default_factory=dict)


_NAME_VALUE = ("Name", "Value")
_SQS_PREFIX = "AWS.SimpleQueueService."

SQS = LegacyXmlNames(
    namespace="http://queue.amazonaws.com/doc/2012-11-05/",
    members={
        ("GetQueueAttributesResult", "Attributes"): "Attribute",
        ("ListQueueTagsResult", "Tags"): "Tag",
        ("Message", "Attributes"): "Attribute",
        ("Message", "MessageAttributes"): "MessageAttribute",
        ("MessageAttributeValue", "StringListValues"): "StringListValue",
        ("MessageAttributeValue", "BinaryListValues"): "BinaryListValue",
    },
    list_items={
        "QueueUrlList": "QueueUrl",
        "MessageList": "Message",
        "StringList": "StringListValue",
        "BinaryList": "BinaryListValue",
        "BatchResultErrorEntryList": "BatchResultErrorEntry",
        "SendMessageBatchResultEntryList": "SendMessageBatchResultEntry",
        "DeleteMessageBatchResultEntryList": "DeleteMessageBatchResultEntry",
        "ChangeMessageVisibilityBatchResultEntryList": "ChangeMessageVisibilityBatchResultEntry",
        "ListMessageMoveTasksResultEntryList": "ListMessageMoveTasksResultEntry",
    },
    map_entries={
        "QueueAttributeMap": _NAME_VALUE,
        "MessageSystemAttributeMap": _NAME_VALUE,
        "MessageBodyAttributeMap": _NAME_VALUE,
        "TagMap": ("Key", "Value"),
    },
    error_codes={
        "BatchEntryIdsNotDistinct": _SQS_PREFIX + "BatchEntryIdsNotDistinct",
        "BatchRequestTooLong": _SQS_PREFIX + "BatchRequestTooLong",
        "EmptyBatchRequest": _SQS_PREFIX + "EmptyBatchRequest",
        "InvalidBatchEntryId": _SQS_PREFIX + "InvalidBatchEntryId",
        "MessageNotInflight": _SQS_PREFIX + "MessageNotInflight",
        "PurgeQueueInProgress": _SQS_PREFIX + "PurgeQueueInProgress",
        "QueueDeletedRecently": _SQS_PREFIX + "QueueDeletedRecently",
        "QueueDoesNotExist": _SQS_PREFIX + "NonExistentQueue",
        "TooManyEntriesInBatchRequest": _SQS_PREFIX + "TooManyEntriesInBatchRequest",
        "UnsupportedOperation": _SQS_PREFIX + "UnsupportedOperation",
        "QueueNameExists": "QueueAlreadyExists",
        "KmsAccessDenied": "KMS.AccessDeniedException",
        "KmsDisabled": "KMS.DisabledException",
        "KmsInvalidKeyUsage": "KMS.InvalidKeyUsageException",
        "KmsInvalidState": "KMS.InvalidStateException",
        "KmsNotFound": "KMS.NotFoundException",
        "KmsOptInRequired": "KMS.OptInRequired",
        "KmsThrottled": "KMS.ThrottlingException",
    },
)

_BY_SERVICE = {"sqs": SQS}


def legacy_names(service_name: str) -> LegacyXmlNames | None:
    return _BY_SERVICE.get(service_name)
