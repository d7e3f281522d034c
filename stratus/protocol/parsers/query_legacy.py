"""Wire names of the query protocol that botocore's current models no longer carry.

SQS moved its model to the json protocol and dropped the query-only traits, but older SDKs (and
anything hand-rolled on the query API) still send `Attribute.1.Name=VisibilityTimeout`,
`AttributeName.1=All`, `SendMessageBatchRequestEntry.1.Id=...`. These are the names the SQS query
model used; the parser tries them before the names derived from the current model.
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.model import Shape


@dataclass(frozen=True, slots=True)
class LegacyName:
    name: str
    key_name: str | None = None
    value_name: str | None = None


_SQS: dict[str, LegacyName] = {
    "Attributes": LegacyName("Attribute", "Name", "Value"),
    "MessageAttributes": LegacyName("MessageAttribute", "Name", "Value"),
    "MessageSystemAttributes": LegacyName("MessageSystemAttribute", "Name", "Value"),
    "tags": LegacyName("Tag", "Key", "Value"),
    "Tags": LegacyName("Tag", "Key", "Value"),
    "AttributeNames": LegacyName("AttributeName"),
    "MessageAttributeNames": LegacyName("MessageAttributeName"),
    "MessageSystemAttributeNames": LegacyName("MessageSystemAttributeName"),
    "StringListValues": LegacyName("StringListValue"),
    "BinaryListValues": LegacyName("BinaryListValue"),
    "TagKeys": LegacyName("TagKey"),
    "AWSAccountIds": LegacyName("AWSAccountId"),
    "Actions": LegacyName("ActionName"),
}

_BY_SERVICE = {"sqs": _SQS}


def legacy_query_names(service_name: str, member, shape: Shape) -> LegacyName | None:
    """The legacy query wire name of a flattened list/map member, if the service had one."""
    table = _BY_SERVICE.get(service_name)
    if table is None or member.type not in ("list", "map"):
        return None
    legacy = table.get(member.name)
    if legacy is None and member.name == "Entries" and member.type == "list":
        # batch entries were named after the entry shape: SendMessageBatchRequestEntry.1.Id
        return LegacyName(shape.member.name)
    return legacy
