"""What a message is made of: body and attribute rules, sizes, AWS's MD5 digests, receipt handles,
and what a received message looks like."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import secrets
import struct
from dataclasses import dataclass
from typing import Any

from stratus.protocol.errors import ServiceError
from stratus.services.sqs.common import InvalidParameterValue, MissingParameter

MAX_ATTRIBUTES = 10
MAX_VISIBILITY_TIMEOUT = 43_200  # 12 hours
MAX_DELAY_SECONDS = 900
DEDUPLICATION_WINDOW = 300  # FIFO deduplication interval: 5 minutes

# XML 1.0 characters: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF
_FORBIDDEN_CHARACTER = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ALLOWED_SET = "#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]"
_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_\-.]{1,256}$")
_RESERVED_PREFIXES = ("aws.", "amazon.")
_DATA_TYPE = re.compile(r"^(String|Number|Binary)(\..+)?$", re.DOTALL)
# MessageGroupId / MessageDeduplicationId: alphanumerics and punctuation, 1-128 characters
_FIFO_ID = re.compile(r"^[A-Za-z0-9!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]{1,128}$")
_TRANSPORT_STRING, _TRANSPORT_BINARY = 1, 2
_SYSTEM_ATTRIBUTE_NAMES = (
    "SenderId",
    "SentTimestamp",
    "ApproximateReceiveCount",
    "ApproximateFirstReceiveTimestamp",
    "SequenceNumber",
    "MessageDeduplicationId",
    "MessageGroupId",
    "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
)


class InvalidMessageContents(ServiceError):
    code = "InvalidMessageContents"


class ReceiptHandleIsInvalid(ServiceError):
    code = "ReceiptHandleIsInvalid"


def invalid_value(value: object, parameter: str, reason: str) -> InvalidParameterValue:
    return InvalidParameterValue(f"Value {value} for parameter {parameter} is invalid. Reason: {reason}")


# ---------------------------------------------------------------- body and attributes


def check_characters(text: str, where: str = "message body") -> None:
    bad = _FORBIDDEN_CHARACTER.search(text)
    if bad is not None:
        raise InvalidMessageContents(
            f"Invalid binary character '#x{ord(bad.group()):X}' was found in the {where}, "
            f"the set of allowed characters is {_ALLOWED_SET}."
        )


def check_body(body: str | None) -> None:
    if not body:
        raise MissingParameter("The request must contain the parameter MessageBody.")
    check_characters(body)


def _attribute_error(message: str) -> InvalidParameterValue:
    return InvalidParameterValue(message)


def normalize_attributes(attributes: dict | None, *, system: bool = False) -> dict[str, dict]:
    """Validated attributes as stored: {name: {"DataType", "StringValue" | "BinaryValue" (bytes)}}."""
    if not attributes:
        return {}
    kind = "system" if system else "user"
    if len(attributes) > MAX_ATTRIBUTES:
        raise _attribute_error(
            f"Number of message attributes [{len(attributes)}] exceeds the allowed maximum [{MAX_ATTRIBUTES}]."
        )
    normalized: dict[str, dict] = {}
    for name, value in attributes.items():
        if system and name != "AWSTraceHeader":
            raise invalid_value(
                name, "MessageSystemAttributes", "The only supported system attribute is AWSTraceHeader."
            )
        if not _valid_attribute_name(name):
            raise _attribute_error(f"Message ({kind}) attribute name '{name}' is invalid.")
        data_type = value.get("DataType") or ""
        if not data_type:
            raise _attribute_error(
                f"The message ({kind}) attribute '{name}' must contain a non-empty attribute type."
            )
        if len(data_type) > 256 or not _DATA_TYPE.match(data_type):
            raise _attribute_error(
                f"The type of message ({kind}) attribute '{name}' is invalid. You must use only the following "
                "supported type prefixes: Binary, Number, String."
            )
        if value.get("StringListValues") or value.get("BinaryListValues"):
            raise _attribute_error(f"Message ({kind}) attribute '{name}': list values are not supported.")
        if data_type.startswith("Binary"):
            binary = value.get("BinaryValue")
            if not binary:
                raise _attribute_error(
                    f"The message ({kind}) attribute '{name}' with type 'Binary' must use field 'Binary'."
                )
            normalized[name] = {"DataType": data_type, "BinaryValue": bytes(binary)}
            continue
        text = value.get("StringValue")
        if not text:
            raise _attribute_error(
                f"The message ({kind}) attribute '{name}' must contain a non-empty message attribute value "
                f"for message attribute type '{data_type.split('.')[0]}'."
            )
        check_characters(text, f"message ({kind}) attribute value")
        if data_type.startswith("Number") and not _is_number(text):
            raise _attribute_error(
                f"Can't cast the value of message ({kind}) attribute '{name}' to a number."
            )
        if system and name == "AWSTraceHeader" and data_type != "String":
            raise invalid_value(
                data_type, "AWSTraceHeader", "The AWSTraceHeader attribute must be of type String."
            )
        normalized[name] = {"DataType": data_type, "StringValue": text}
    return normalized


def _valid_attribute_name(name: str) -> bool:
    return (
        bool(_ATTRIBUTE_NAME.match(name))
        and not name.lower().startswith(_RESERVED_PREFIXES)
        and not name.startswith(".")
        and not name.endswith(".")
        and ".." not in name
    )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text.lower() not in ("nan", "inf", "-inf", "+inf", "infinity")


def message_size(body: str, attributes: dict[str, dict]) -> int:
    """Bytes counted against MaximumMessageSize: the body, and each attribute's name, type and value."""
    size = len(body.encode())
    for name, value in attributes.items():
        size += len(name.encode()) + len(value["DataType"].encode())
        size += len(value["BinaryValue"]) if "BinaryValue" in value else len(value["StringValue"].encode())
    return size


def check_size(size: int, maximum: int) -> None:
    if size > maximum:
        raise InvalidParameterValue(
            f"One or more parameters are invalid. Reason: Message must be shorter than {maximum} bytes."
        )


def check_fifo_id(value: str, parameter: str) -> None:
    if not _FIFO_ID.match(value):
        raise invalid_value(
            value,
            parameter,
            f"{parameter} can only include alphanumeric and punctuation characters. 1 to 128 in length.",
        )


# ---------------------------------------------------------------- digests


def md5_of_body(body: str) -> str:
    return hashlib.md5(body.encode(), usedforsecurity=False).hexdigest()


def md5_of_attributes(attributes: dict[str, dict]) -> str | None:
    """AWS's digest: per name in sorted order, length-prefixed name, type, a transport byte, value."""
    if not attributes:
        return None
    digest = hashlib.md5(usedforsecurity=False)
    for name in sorted(attributes):
        value = attributes[name]
        digest.update(_length_prefixed(name.encode()))
        digest.update(_length_prefixed(value["DataType"].encode()))
        if "BinaryValue" in value:
            digest.update(bytes([_TRANSPORT_BINARY]) + _length_prefixed(value["BinaryValue"]))
        else:
            digest.update(bytes([_TRANSPORT_STRING]) + _length_prefixed(value["StringValue"].encode()))
    return digest.hexdigest()


def _length_prefixed(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def content_deduplication_id(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


# ---------------------------------------------------------------- storage form of attributes


def attributes_to_json(attributes: dict[str, dict]) -> dict[str, dict]:
    stored = {}
    for name, value in attributes.items():
        if "BinaryValue" in value:
            encoded = base64.b64encode(value["BinaryValue"]).decode()
            stored[name] = {"DataType": value["DataType"], "BinaryValue": encoded}
        else:
            stored[name] = dict(value)
    return stored


def attributes_from_json(stored: dict[str, dict]) -> dict[str, dict]:
    attributes = {}
    for name, value in stored.items():
        if "BinaryValue" in value:
            attributes[name] = {
                "DataType": value["DataType"],
                "BinaryValue": base64.b64decode(value["BinaryValue"]),
            }
        else:
            attributes[name] = dict(value)
    return attributes


def select_attributes(attributes: dict[str, dict], requested: list[str] | None) -> dict[str, dict]:
    """The attributes MessageAttributeNames asks for: `All`, `.*`, `prefix.*` or exact names."""
    if not requested or not attributes:
        return {}
    if "All" in requested or ".*" in requested:
        return attributes
    prefixes = tuple(name[:-1] for name in requested if name.endswith(".*"))
    exact = set(requested)
    return {
        name: value
        for name, value in attributes.items()
        if name in exact or (prefixes and name.startswith(prefixes))
    }


# ---------------------------------------------------------------- receipt handles


@dataclass(frozen=True, slots=True)
class ReceiptHandle:
    queue_id: int
    message_id: str
    nonce: str


def new_nonce() -> str:
    return secrets.token_hex(8)


def encode_receipt_handle(queue_id: int, message_id: str, nonce: str) -> str:
    # The random tail makes every handle unguessable, as AWS's are.
    raw = f"stratus-sqs:{queue_id}:{message_id}:{nonce}:{secrets.token_hex(24)}"
    return base64.b64encode(raw.encode()).decode()


def decode_receipt_handle(handle: str | None) -> ReceiptHandle:
    """The parts of a handle this server issued, or AWS's ReceiptHandleIsInvalid."""
    try:
        raw = base64.b64decode(handle or "", validate=True).decode()
        prefix, queue_id, message_id, nonce, _padding = raw.split(":", 4)
        if prefix != "stratus-sqs" or not message_id or not nonce:
            raise ValueError(raw)
        return ReceiptHandle(int(queue_id), message_id, nonce)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ReceiptHandleIsInvalid(
            f'The input receipt handle "{handle}" is not a valid receipt handle.'
        ) from None


# ---------------------------------------------------------------- as received


def _ms(seconds: float) -> str:
    return str(int(seconds * 1000))


def received_message(
    queue_id: int, row: dict, system_names: set[str], attribute_names: list[str] | None
) -> dict:
    """A claimed message row as ReceiveMessage returns it, with the attributes asked for."""
    message: dict[str, Any] = {
        "MessageId": row["message_id"],
        "ReceiptHandle": encode_receipt_handle(queue_id, row["message_id"], row["receipt_nonce"]),
        "MD5OfBody": row["md5_body"],
        "Body": row["body"],
    }
    if system_names:
        attributes = _system_attributes(row)
        wanted = _SYSTEM_ATTRIBUTE_NAMES if "All" in system_names else system_names
        selected = {name: attributes[name] for name in wanted if name in attributes}
        if selected:
            message["Attributes"] = selected
    stored = json.loads(row["message_attributes"]) if row["message_attributes"] else {}
    chosen = select_attributes(attributes_from_json(stored), attribute_names)
    if chosen:
        message["MessageAttributes"] = chosen
        message["MD5OfMessageAttributes"] = md5_of_attributes(chosen)
    return message


def _system_attributes(row: dict) -> dict[str, str]:
    attributes = {
        "SenderId": row["sender_id"],
        "SentTimestamp": _ms(row["sent_at"]),
        "ApproximateReceiveCount": str(row["receive_count"]),
        "ApproximateFirstReceiveTimestamp": _ms(row["first_received_at"]),
    }
    optional = {
        "MessageGroupId": row["group_id"],
        "MessageDeduplicationId": row["dedup_id"],
        "SequenceNumber": row["sequence_number"],
        "DeadLetterQueueSourceArn": row["dead_letter_source_arn"],
    }
    attributes.update({name: value for name, value in optional.items() if value})
    if row["system_attributes"]:
        trace = json.loads(row["system_attributes"]).get("AWSTraceHeader")
        if trace:
            attributes["AWSTraceHeader"] = trace["StringValue"]
    return attributes
