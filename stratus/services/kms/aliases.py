"""Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases. `alias/aws/` names are AWS's own:
predefined for the AWS managed keys (listed without a target until first used) and reserved."""

from __future__ import annotations

import re

from stratus.core.context import RequestContext
from stratus.services.kms import access
from stratus.services.kms.common import (
    AlreadyExistsException,
    NotAuthorizedException,
    ValidationException,
    alias_arn,
    alias_not_found,
    as_datetime,
    now,
)
from stratus.services.kms.keyring import KeyRing
from stratus.services.kms.paging import page
from stratus.services.kms.policies import refuse_aws_managed
from stratus.services.kms.policy_documents import AWS_MANAGED_PREFIX, AWS_MANAGED_SERVICES
from stratus.services.kms.specs import HMAC_SPECS, SYMMETRIC_DEFAULT
from stratus.services.kms.states import require_not_pending_deletion
from stratus.services.kms.store import Key, aliases_in, delete_alias, find_alias, put_alias

PREFIX = "alias/"
NO_PREFIX = (
    'Alias must start with the prefix "alias/". Please see '
    "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"
)
_PATTERN = "^[a-zA-Z0-9:/_-]+$"
_VALID = re.compile(r"[a-zA-Z0-9/_-]+")
ALIAS_TARGET = "Aliases must refer to keys. Not aliases"  # moto's record of AWS's wording
DIFFERENT_TYPE = (  # guessed
    "The new target key {new} is not the same type, or does not have the same key usage, as the current "
    "target key {current}."
)


def check_alias_name(name: str) -> None:
    if not name.startswith(PREFIX):
        raise ValidationException(NO_PREFIX)
    if re.fullmatch(_PATTERN[1:-1], name) is None:
        raise ValidationException(
            f"1 validation error detected: Value '{name}' at 'aliasName' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {_PATTERN}"
        )
    if _VALID.fullmatch(name) is None or name == PREFIX:
        raise ValidationException(f"{name} contains invalid characters for an alias")  # moto's record


def refuse_reserved(name: str) -> None:
    if name.startswith(AWS_MANAGED_PREFIX):
        raise NotAuthorizedException("")


def check_target_is_key(target: str) -> None:
    if target.startswith(PREFIX) or ":alias/" in target:
        raise ValidationException(ALIAS_TARGET)


def key_kind(key: Key) -> tuple[str, str]:
    kind = (
        "symmetric"
        if key.key_spec == SYMMETRIC_DEFAULT
        else "hmac"
        if key.key_spec in HMAC_SPECS
        else "asymmetric"
    )
    return kind, key.key_usage


class AliasOperations(KeyRing):
    def create_alias(self, ctx: RequestContext, req: dict) -> dict:
        name, target = req["AliasName"], req["TargetKeyId"]
        check_alias_name(name)
        refuse_reserved(name)
        check_target_is_key(target)
        key = self.key(ctx, target, params=req)
        refuse_aws_managed(ctx, key, "kms:CreateAlias")
        require_not_pending_deletion(key)
        db = self.db()
        with db.transaction():
            if find_alias(db, ctx.account_id, ctx.region, name) is not None:
                raise AlreadyExistsException(
                    f"An alias with the name {alias_arn(ctx.region, ctx.account_id, name)} already exists"
                )
            put_alias(db, ctx.account_id, ctx.region, name, key.key_id, now(ctx))
        return {}

    def update_alias(self, ctx: RequestContext, req: dict) -> dict:
        name, target = req["AliasName"], req["TargetKeyId"]
        check_alias_name(name)
        refuse_reserved(name)
        check_target_is_key(target)
        db = self.db()
        alias = find_alias(db, ctx.account_id, ctx.region, name)
        if alias is None:
            raise alias_not_found(alias_arn(ctx.region, ctx.account_id, name))
        new_key = self.key(ctx, target, params=req)
        refuse_aws_managed(ctx, new_key, "kms:UpdateAlias")
        require_not_pending_deletion(new_key)
        current, _ = self.find(ctx, alias.target_key_id, operation="UpdateAlias")
        access.authorize(ctx, db, current, "kms:UpdateAlias", req)
        if key_kind(current) != key_kind(new_key):
            raise ValidationException(DIFFERENT_TYPE.format(new=new_key.key_id, current=current.key_id))
        with db.transaction():
            put_alias(db, ctx.account_id, ctx.region, name, new_key.key_id, now(ctx))
        return {}

    def delete_alias(self, ctx: RequestContext, req: dict) -> dict:
        name = req["AliasName"]
        if not name.startswith(PREFIX):
            raise ValidationException(NO_PREFIX)
        refuse_reserved(name)
        db = self.db()
        alias = find_alias(db, ctx.account_id, ctx.region, name)
        if alias is None:
            raise alias_not_found(alias_arn(ctx.region, ctx.account_id, name))
        self.key(ctx, alias.target_key_id, params=req)
        with db.transaction():
            delete_alias(db, ctx.account_id, ctx.region, name)
        return {}

    def list_aliases(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        target = None
        if req.get("KeyId"):
            target, _ = self.find(ctx, req["KeyId"])
        entries: dict[str, dict] = {}
        for alias in aliases_in(db, ctx.account_id, ctx.region, target.key_id if target else None):
            entries[alias.name] = {
                "AliasName": alias.name,
                "AliasArn": alias_arn(ctx.region, ctx.account_id, alias.name),
                "TargetKeyId": alias.target_key_id,
                "CreationDate": as_datetime(alias.created),
                "LastUpdatedDate": as_datetime(alias.updated),
            }
        if target is None:
            # Predefined aliases of AWS managed keys not used yet: listed, with no target.
            for service in AWS_MANAGED_SERVICES:
                name = f"{AWS_MANAGED_PREFIX}{service}"
                entries.setdefault(
                    name, {"AliasName": name, "AliasArn": alias_arn(ctx.region, ctx.account_id, name)}
                )
        ordered = [entries[name] for name in sorted(entries)]
        chosen, more = page(ordered, req, lambda entry: entry["AliasName"], default=50, maximum=100)
        return {"Aliases": chosen, **more}
