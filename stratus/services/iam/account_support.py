"""What the account-level IAM operation modules share: the provider hooks they call, user lookups,
and tags kept as a JSON list on the entity's row (MFA devices, OIDC/SAML providers, certificates)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from stratus.services.iam.common import InvalidInput, LimitExceeded, NoSuchEntity, paginate

if TYPE_CHECKING:
    from stratus.core.context import RequestContext
    from stratus.store.sqlite import Database

MAX_TAGS = 50


class AccountMixin:
    """Base of the account-level operation mixins; `IamProvider` supplies these two methods."""

    if TYPE_CHECKING:

        def db(self) -> Database: ...

        def changed(self) -> None: ...


def require_user(db: Database, account_id: str, user_name: str) -> dict[str, Any]:
    """The user (see `store.get_user`) or AWS's NoSuchEntity."""
    from stratus.services.iam.store import get_user  # written alongside; imported late on purpose

    user = get_user(db, account_id, user_name)
    if user is None:
        raise NoSuchEntity(f"The user with name {user_name} cannot be found.")
    return user


def user_shape(user: dict[str, Any]) -> dict[str, Any]:
    """A `User` structure as IAM returns it inside other answers (e.g. ListVirtualMFADevices)."""
    shape = {
        "Path": user["path"],
        "UserName": user["user_name"],
        "UserId": user["user_id"],
        "Arn": user["arn"],
        "CreateDate": user["create_date"],
    }
    if user.get("password_last_used"):
        shape["PasswordLastUsed"] = user["password_last_used"]
    return shape


def caller_user_name(ctx: RequestContext) -> str | None:
    """The IAM user making the call (from `arn:aws:iam::ACCT:user/path/name`), else None."""
    principal = ctx.principal
    if principal.type != "IAMUser" or ":user/" not in principal.arn:
        return None
    return getattr(principal, "name", None) or principal.arn.rsplit("/", 1)[-1]


def user_name_or_caller(ctx: RequestContext, req: dict) -> str | None:
    """Operations whose UserName defaults to the calling IAM user (None: the root user)."""
    return req.get("UserName") or caller_user_name(ctx)


# ---------------------------------------------------------------- tags on JSON columns


def _check_no_duplicates(keys: list[str]) -> None:
    lowered = [key.lower() for key in keys]
    if len(set(lowered)) != len(lowered):
        raise InvalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")


def merged_tags(existing: list[dict[str, str]], new: list[dict[str, str]] | None) -> list[dict[str, str]]:
    """`existing` with `new` added or overwriting (keys compare case-insensitively, as in IAM)."""
    new = new or []
    _check_no_duplicates([tag["Key"] for tag in new])
    result = list(existing)
    for tag in new:
        for index, old in enumerate(result):
            if old["Key"].lower() == tag["Key"].lower():
                result[index] = {"Key": tag["Key"], "Value": tag.get("Value", "")}
                break
        else:
            result.append({"Key": tag["Key"], "Value": tag.get("Value", "")})
    if len(result) > MAX_TAGS:
        raise LimitExceeded("The number of tags has reached the maximum limit.")
    return result


def without_tags(existing: list[dict[str, str]], keys: list[str]) -> list[dict[str, str]]:
    drop = {key.lower() for key in keys}
    return [tag for tag in existing if tag["Key"].lower() not in drop]


def tags_json(tags: list[dict[str, str]]) -> str:
    return json.dumps(tags)


def tag_page(tags: list[dict[str, str]], req: dict) -> dict[str, Any]:
    """A List*Tags answer: Tags, IsTruncated and Marker."""
    paged = paginate(tags, req.get("Marker"), req.get("MaxItems"))
    return {"Tags": paged.pop("page"), **paged}


def list_page(key: str, items: list[Any], req: dict) -> dict[str, Any]:
    """A paged List* answer with the items under `key`."""
    paged = paginate(items, req.get("Marker"), req.get("MaxItems"))
    return {key: paged.pop("page"), **paged}
