"""From a request's KeyId to a key: key ids, key ARNs, alias names and alias ARNs, each where AWS
accepts it, with AWS's NotFoundException wording for each way of missing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stratus.core.context import RequestContext
from stratus.services.kms.common import (
    NotFoundException,
    alias_arn,
    alias_not_found,
    invalid_key_id,
    key_arn,
    key_not_found,
)
from stratus.services.kms.store import Key, find_alias, find_key

_KEY_ID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-f]{32}"
)

# Operations whose KeyId may name an alias (their API reference lists "Alias name" and "Alias ARN").
ALIAS_OPERATIONS = frozenset(
    {
        "DescribeKey",
        "Encrypt",
        "Decrypt",
        "ReEncrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
        "GenerateMac",
        "VerifyMac",
        "Sign",
        "Verify",
        "GetPublicKey",
        "DeriveSharedSecret",
    }
)
# Operations that take a key of another account when given its ARN ("Cross-account use: Yes").
CROSS_ACCOUNT_OPERATIONS = ALIAS_OPERATIONS | {
    "CreateGrant",
    "GetKeyRotationStatus",
    "ListGrants",
    "RetireGrant",
    "RevokeGrant",
}


@dataclass(frozen=True, slots=True)
class KeyRef:
    """A parsed KeyId: where to look (account, region) and what for (a key id or an alias name)."""

    account_id: str
    region: str
    key_id: str | None = None
    alias_name: str | None = None
    given: str = ""

    @property
    def arn(self) -> str:
        from stratus.core.ids import partition_for_region

        if self.alias_name is not None:
            return alias_arn(self.region, self.account_id, self.alias_name)
        return key_arn(partition_for_region(self.region), self.region, self.account_id, self.key_id or "")


def is_key_id(value: str) -> bool:
    return _KEY_ID.fullmatch(value) is not None


def parse(ctx: RequestContext, value: str, operation: str | None = None) -> KeyRef:
    """What a KeyId names, for `operation` (default: the request's)."""
    operation = operation or ctx.operation
    allow_alias = operation in ALIAS_OPERATIONS
    if value.startswith("arn:"):
        parts = value.split(":", 5)
        if len(parts) != 6 or parts[2] != "kms":
            raise invalid_key_id(value)  # guessed: AWS words a malformed ARN like a bad key id
        region, account_id, resource = parts[3], parts[4], parts[5]
        if region != ctx.region:
            raise NotFoundException(f"Invalid arn {region}")
        if account_id != ctx.account_id and operation not in CROSS_ACCOUNT_OPERATIONS:
            raise key_not_found(value)  # guessed: the key is not visible from this account
        if resource.startswith("key/"):
            key_id = resource[4:]
            if not is_key_id(key_id):
                raise invalid_key_id(key_id)
            return KeyRef(account_id, region, key_id=key_id, given=value)
        if resource.startswith("alias/") and allow_alias:
            return KeyRef(account_id, region, alias_name=resource, given=value)
        raise invalid_key_id(value)
    if value.startswith("alias/"):
        if not allow_alias:
            raise invalid_key_id(value)  # guessed
        return KeyRef(ctx.account_id, ctx.region, alias_name=value, given=value)
    if not is_key_id(value):
        raise invalid_key_id(value)
    return KeyRef(ctx.account_id, ctx.region, key_id=value, given=value)


def lookup(db, ref: KeyRef) -> tuple[Key | None, str | None]:
    """The key a reference names (None when missing), and the alias name it went through."""
    if ref.alias_name is not None:
        alias = find_alias(db, ref.account_id, ref.region, ref.alias_name)
        if alias is None:
            return None, ref.alias_name
        return find_key(db, ref.account_id, ref.region, alias.target_key_id), ref.alias_name
    return find_key(db, ref.account_id, ref.region, ref.key_id or ""), None


def missing(ref: KeyRef) -> NotFoundException:
    if ref.alias_name is not None:
        return alias_not_found(ref.arn)
    return key_not_found(ref.arn)
