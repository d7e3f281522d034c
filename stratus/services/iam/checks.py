"""Input checks IAM makes beyond what the model's lengths and enums catch: name patterns, tags,
policy documents and their size quotas, permissions boundary ARNs."""

from __future__ import annotations

import re

from stratus.auth.policy import PolicyError, parse_policy
from stratus.services.iam.common import (
    IamValidationError,
    InvalidInput,
    LimitExceeded,
    MalformedPolicyDocument,
)

NAME_PATTERN = r"[\w+=,.@-]+"
_NAME = re.compile(NAME_PATTERN)
_TAG_TEXT = re.compile(r"[\w\s.:/=+\-@]*")
_POLICY_ARN = re.compile(r"arn:aws[\w-]*:iam::(\d{12}|aws):policy(/[\u0021-\u007e]*)?/[\w+=,.@-]+")
_WHITESPACE = re.compile(r"\s+")

MAX_TAGS = 50
# IAM's size quotas, counted in characters without white space (IAM and AWS STS quotas).
MANAGED_POLICY_SIZE = 6144
TRUST_POLICY_SIZE = 2048
INLINE_POLICY_SIZE = {"user": 2048, "group": 5120, "role": 10240}


def check_name(value: str, member: str) -> str:
    """IAM names: letters, digits and `_+=,.@-` (the model's pattern, which the parser leaves to us)."""
    if not _NAME.fullmatch(value):
        raise IamValidationError(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {NAME_PATTERN}"
        )
    return value


def path_matches(path: str, prefix: str | None) -> bool:
    return not prefix or path.startswith(prefix)


# -- tags -------------------------------------------------------------------------------------


def check_tags(tags: list[dict] | None) -> list[tuple[str, str]]:
    """Tags as (key, value) pairs in the order given, checked as IAM checks them."""
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for tag in tags or []:
        key, value = tag["Key"], tag.get("Value", "")
        if not _TAG_TEXT.fullmatch(key) or not _TAG_TEXT.fullmatch(value):
            raise IamValidationError(
                "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must satisfy "
                "regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+"
            )
        if key.lower().startswith("aws:"):
            raise InvalidInput("User-defined tags cannot begin with the reserved prefix aws:")
        if key.lower() in seen:
            raise InvalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        seen.add(key.lower())
        pairs.append((key, value))
    if len(pairs) > MAX_TAGS:
        raise LimitExceeded("The number of tags has reached the maximum limit.")
    return pairs


def check_tag_keys(keys: list[str]) -> list[str]:
    for key in keys:
        if key.lower().startswith("aws:"):
            raise InvalidInput("User-defined tags cannot begin with the reserved prefix aws:")
    return keys


# -- policy documents -------------------------------------------------------------------------


def policy_size(document: str) -> int:
    """The length IAM counts against its quotas: white space is not counted."""
    return len(_WHITESPACE.sub("", document))


def check_document(document: str, kind: str = "identity") -> str:
    """Raise MalformedPolicyDocument unless `document` is a valid policy of `kind`
    ("identity" for permission policies, "trust" for a role's AssumeRolePolicyDocument)."""
    try:
        parse_policy(document, kind)  # type: ignore[arg-type]
    except PolicyError as error:
        raise MalformedPolicyDocument(error.message) from None
    return document


def check_managed_policy_document(document: str) -> str:
    check_document(document)
    if policy_size(document) > MANAGED_POLICY_SIZE:
        raise LimitExceeded(f"Cannot exceed quota for PolicySize: {MANAGED_POLICY_SIZE}")
    return document


def check_trust_policy(document: str) -> str:
    check_document(document, "trust")
    if policy_size(document) > TRUST_POLICY_SIZE:
        raise LimitExceeded(f"Cannot exceed quota for ACLSizePerRole: {TRUST_POLICY_SIZE}")
    return document


def check_inline_total(kind: str, entity_name: str, total_size: int) -> None:
    """The inline policies of one user, group or role share one size quota."""
    limit = INLINE_POLICY_SIZE[kind]
    if total_size > limit:
        raise LimitExceeded(f"Maximum policy size of {limit} bytes exceeded for {kind} {entity_name}")


def check_policy_arn(arn: str) -> str:
    if not _POLICY_ARN.fullmatch(arn):
        raise InvalidInput(f"ARN {arn} is not valid.")
    return arn
