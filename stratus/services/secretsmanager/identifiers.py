"""Secret names and ARNs: what a name may hold, the ARN with its random suffix, and which secret a
SecretId (a name, a complete ARN or a partial ARN) names."""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass

from stratus.core.context import RequestContext
from stratus.core.ids import partition_for_region
from stratus.services.secretsmanager.common import (
    INVALID_NAME,
    NOT_FOUND,
    ResourceNotFoundException,
    Secret,
    ValidationException,
)
from stratus.services.secretsmanager.store import find_by_arn, find_by_name
from stratus.store import Database

_NAME = re.compile(r"[A-Za-z0-9/_+=.@-]+")
_SUFFIX_ALPHABET = string.ascii_letters + string.digits
SUFFIX_LENGTH = 6


def check_name(name: str) -> None:
    """Names hold ASCII letters, digits and /_+=.@- (AWS answers ValidationException otherwise)."""
    if _NAME.fullmatch(name) is None:
        raise ValidationException(INVALID_NAME)


def secret_arn(region: str, account_id: str, name: str, suffix: str | None = None) -> str:
    """The ARN of a secret: its name, a hyphen and six random characters, so that a secret created
    again under the same name never matches a policy written for the old one."""
    if suffix is None:
        suffix = "".join(secrets.choice(_SUFFIX_ALPHABET) for _ in range(SUFFIX_LENGTH))
    return f"arn:{partition_for_region(region)}:secretsmanager:{region}:{account_id}:secret:{name}-{suffix}"


def arn_suffix(arn: str) -> str:
    return arn.rsplit("-", 1)[1]


def arn_in_region(arn: str, region: str) -> str:
    """The same secret ARN in another region (a replica's ARN)."""
    parts = arn.split(":", 6)
    parts[1] = partition_for_region(region)
    parts[3] = region
    return ":".join(parts)


@dataclass(frozen=True, slots=True)
class SecretArn:
    region: str
    account_id: str
    resource: str  # the part after "secret:": a name, with or without the suffix


def parse_secret_arn(text: str) -> SecretArn | None:
    parts = text.split(":", 6)
    if len(parts) != 7 or parts[0] != "arn" or parts[2] != "secretsmanager" or parts[5] != "secret":
        return None
    if not parts[6]:
        return None
    return SecretArn(region=parts[3], account_id=parts[4], resource=parts[6])


def find_secret(db: Database, account_id: str, region: str, secret_id: str) -> Secret | None:
    """The secret a SecretId names in this account and region: a complete ARN, a partial ARN (the
    name without the suffix), or a name. Another account's secret is reached only by its ARN."""
    if secret_id.startswith("arn:"):
        parsed = parse_secret_arn(secret_id)
        if parsed is None or parsed.region != region:
            return None
        found = find_by_arn(db, parsed.account_id, region, secret_id)
        if found is None:
            found = find_by_name(db, parsed.account_id, region, parsed.resource)
        return found
    check_name(secret_id)
    return find_by_name(db, account_id, region, secret_id)


def require_secret(ctx: RequestContext, db: Database, secret_id: str) -> Secret:
    found = find_secret(db, ctx.account_id, ctx.region, secret_id)
    if found is None:
        raise ResourceNotFoundException(NOT_FOUND)
    return found


def secret_for_policy_arn(db: Database, resource_arn: str) -> Secret | None:
    """The secret an IAM resource ARN names: a complete ARN, or `secret:<name>-??????`, the form the
    request-side ARN takes when the request named the secret (AWS's docs match it that way)."""
    parsed = parse_secret_arn(resource_arn)
    if parsed is None:
        return None
    if parsed.resource.endswith("-??????"):
        return find_by_name(db, parsed.account_id, parsed.region, parsed.resource[:-7])
    found = find_by_arn(db, parsed.account_id, parsed.region, resource_arn)
    if found is None:
        found = find_by_name(db, parsed.account_id, parsed.region, parsed.resource)
    return found
