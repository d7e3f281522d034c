"""Message attributes of a publish: AWS's naming and type rules, and their size.

Stored and carried (outbox payloads are JSON) as {name: {"DataType", "StringValue" | "BinaryValue" (base64)}}.
"""

from __future__ import annotations

import base64
import json
import re
from decimal import Decimal, InvalidOperation

from stratus.services.sns.common import InvalidParameterValue

TYPE = re.compile(r"^(String|Number|Binary)(\.[^\s]{1,256})?$")
MAX_ATTRIBUTES = 10  # what an SQS subscriber accepts; SNS itself allows more
NUMBER_LIMIT = Decimal("1e126")


def _check_name(name: str) -> None:
    if len(name.encode()) > 256:
        raise InvalidParameterValue("Length of message attribute name must be less than 256 bytes.")
    for character in name:
        if not (character.isascii() and (character.isalnum() or character in "-_.")):
            raise InvalidParameterValue(
                f"Invalid non-alphanumeric character '#x{ord(character):X}' was found in the message attribute "
                "name. Can only include alphanumeric characters, hyphens, underscores, or dots."
            )
    if name.startswith("."):
        raise InvalidParameterValue("Invalid message attribute name starting with character '.' was found.")
    if name.endswith("."):
        raise InvalidParameterValue("Invalid message attribute name ending with character '.' was found.")
    if ".." in name:
        raise InvalidParameterValue("Message attribute name can not have successive '.' character.")


def _check_number(name: str, value: str) -> None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) >= NUMBER_LIMIT:
        raise InvalidParameterValue(f"Could not cast message attribute '{name}' value to number.")


def _check_string_array(name: str, value: str) -> None:
    try:
        items = json.loads(value)
    except ValueError:
        items = None
    if not isinstance(items, list) or any(isinstance(item, dict | list) for item in items):
        raise InvalidParameterValue(
            f"The message attribute '{name}' with type 'String.Array' has invalid value {value}"
        )


def validate_attributes(given: dict | None) -> dict[str, dict]:
    """The attributes in their stored form, or AWS's ParameterValueInvalid."""
    result: dict[str, dict] = {}
    for name, attribute in (given or {}).items():
        _check_name(name)
        data_type = attribute.get("DataType") or ""
        if not TYPE.match(data_type):
            raise InvalidParameterValue(
                f"The message attribute '{name}' has an invalid message attribute type, the set of supported "
                "type prefixes is Binary, Number, and String."
            )
        string_value, binary_value = attribute.get("StringValue"), attribute.get("BinaryValue")
        wants = "Binary" if data_type.startswith("Binary") else "String"
        wrong = string_value if wants == "Binary" else binary_value
        if wrong is not None and (string_value is None if wants == "String" else binary_value is None):
            raise InvalidParameterValue(
                f"The message attribute '{name}' with type '{data_type}' must use field '{wants}'."
            )
        if data_type.startswith("Binary"):
            if not binary_value:
                raise InvalidParameterValue(
                    f"The message attribute '{name}' must contain non-empty message attribute value for "
                    f"message attribute type '{data_type}'."
                )
            result[name] = {"DataType": data_type, "BinaryValue": base64.b64encode(binary_value).decode()}
            continue
        if string_value is None or string_value == "":
            raise InvalidParameterValue(
                f"The message attribute '{name}' must contain non-empty message attribute value for "
                f"message attribute type '{data_type}'."
            )
        if data_type.startswith("Number"):
            _check_number(name, string_value)
        elif data_type == "String.Array":
            _check_string_array(name, string_value)
        result[name] = {"DataType": data_type, "StringValue": string_value}
    return result


def attributes_size(attributes: dict[str, dict]) -> int:
    """Bytes counted against the message size limit: each name, type and value."""
    total = 0
    for name, attribute in attributes.items():
        total += len(name.encode()) + len(attribute["DataType"].encode())
        if "BinaryValue" in attribute:
            total += len(base64.b64decode(attribute["BinaryValue"]))
        else:
            total += len(attribute["StringValue"].encode())
    return total


def sqs_attributes(attributes: dict[str, dict]) -> dict[str, dict]:
    """The attributes as SQS SendMessage takes them (raw message delivery)."""
    mapped = {}
    for name, attribute in attributes.items():
        if "BinaryValue" in attribute:
            mapped[name] = {
                "DataType": attribute["DataType"],
                "BinaryValue": base64.b64decode(attribute["BinaryValue"]),
            }
        else:
            mapped[name] = {"DataType": attribute["DataType"], "StringValue": attribute["StringValue"]}
    return mapped


def filter_view(attributes: dict[str, dict]) -> dict[str, dict]:
    """The attributes as the filter-policy matcher reads them (binary values as bytes)."""
    view = {}
    for name, attribute in attributes.items():
        view[name] = {
            "DataType": attribute["DataType"],
            "StringValue": attribute.get("StringValue"),
            "BinaryValue": base64.b64decode(attribute["BinaryValue"]) if "BinaryValue" in attribute else None,
        }
    return view
