"""What every IAM operation module shares: AWS's IAM errors, unique ids, paging, document encoding."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar
from urllib.parse import quote

from stratus.core.ids import random_upper
from stratus.protocol.errors import ServiceError

T = TypeVar("T")

IAM_DATABASE = "iam"


class NoSuchEntity(ServiceError):
    code = "NoSuchEntity"
    status = 404


class EntityAlreadyExists(ServiceError):
    code = "EntityAlreadyExists"
    status = 409


class LimitExceeded(ServiceError):
    code = "LimitExceeded"
    status = 409


class DeleteConflict(ServiceError):
    code = "DeleteConflict"
    status = 409


class MalformedPolicyDocument(ServiceError):
    code = "MalformedPolicyDocument"
    status = 400


class InvalidInput(ServiceError):
    code = "InvalidInput"
    status = 400


class IamValidationError(ServiceError):
    code = "ValidationError"
    status = 400


class UnmodifiableEntity(ServiceError):
    code = "UnmodifiableEntity"
    status = 400


class PasswordPolicyViolation(ServiceError):
    code = "PasswordPolicyViolation"
    status = 400


class InvalidAuthenticationCode(ServiceError):
    code = "InvalidAuthenticationCode"
    status = 403


# The four-letter prefixes of IAM unique ids (AWS's "Unique identifiers" table).
ID_PREFIXES = {
    "user": "AIDA",
    "role": "AROA",
    "group": "AGPA",
    "policy": "ANPA",
    "instance-profile": "AIPA",
    "access-key": "AKIA",
    "temporary-access-key": "ASIA",
    "server-certificate": "ASCA",
    "public-key": "APKA",
}


def unique_id(kind: str) -> str:
    """A 21-character IAM unique id (`AIDA...`, `AROA...`) or a 20-character access key id."""
    length = 16 if kind in ("access-key", "temporary-access-key") else 17
    return ID_PREFIXES[kind] + random_upper(length)


def encode_document(document: str) -> str:
    """IAM returns policy documents URL-encoded (RFC 3986), as AWS does in every response."""
    return quote(document, safe="-_.~")


def paginate(items: Sequence[T], marker: str | None, max_items: int | None, default: int = 100) -> dict:
    """`{"page": [...], "IsTruncated": bool, "Marker"?: str}` for IAM's Marker/MaxItems paging.

    The marker is the position of the next item, so a stale marker past the end gives an empty
    page rather than an error.
    """
    start = 0
    if marker:
        if not marker.isdigit():
            raise IamValidationError("Invalid Marker.")
        start = int(marker)
    size = max_items or default
    page = list(items[start : start + size])
    result: dict = {"page": page, "IsTruncated": start + size < len(items)}
    if result["IsTruncated"]:
        result["Marker"] = str(start + size)
    return result


_PATH = re.compile(r"/|/[\u0021-\u007E]*/")


def validate_path(path: str | None, field: str = "path") -> str:
    """IAM paths begin and end with `/` (default `/`), at most 512 characters."""
    if path is None:
        return "/"
    if len(path) > 512 or not _PATH.fullmatch(path):
        raise IamValidationError(
            f"The specified value for {field} is invalid. It must begin and end with / and contain only "
            "alphanumeric characters and/or / characters."
        )
    return path
