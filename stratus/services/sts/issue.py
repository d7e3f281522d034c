"""What every credential-issuing STS operation shares: input rules, session policies and tags,
MFA codes, and writing the session."""

from __future__ import annotations

import json
import re
import zlib
from typing import TYPE_CHECKING

from stratus.protocol.errors import ServiceError
from stratus.services.sts import sessions
from stratus.services.sts.sessions import Session

__all__ = ["Session"]

if TYPE_CHECKING:
    from stratus.core.context import RequestContext
    from stratus.store import Database

_NAME_PATTERN = re.compile(r"[\w+=,.@-]*")
MAX_SESSION_TAGS = 50
MAX_SESSION_POLICY_ARNS = 10
# AWS packs session policies and tags into a binary form with a fixed budget; PackedPolicySize is
# the percentage of it used. We measure the compressed size against a budget of the same order.
PACKED_POLICY_BUDGET = 2048


class StsValidationError(ServiceError):
    code = "ValidationError"
    status = 400


class MalformedPolicyDocument(ServiceError):
    code = "MalformedPolicyDocument"
    status = 400


class PackedPolicyTooLarge(ServiceError):
    code = "PackedPolicyTooLarge"
    status = 400


class StsAccessDenied(ServiceError):
    code = "AccessDenied"
    status = 403


def check_name(value: str, member: str) -> None:
    if not _NAME_PATTERN.fullmatch(value):
        raise StsValidationError(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
            r"Member must satisfy regular expression pattern: [\w+=,.@-]*"
        )


def check_duration(seconds: int, maximum: int, message: str) -> None:
    if seconds > maximum:
        raise StsValidationError(message)


def session_policies(ctx: RequestContext, req: dict) -> tuple[str, ...]:
    """The documents of `Policy` and `PolicyArns`, validated; they narrow the session's permissions."""
    from stratus.auth.policy import PolicyError, parse_policy

    documents = []
    inline = req.get("Policy")
    if inline is not None:
        try:
            parse_policy(inline, "session")
        except PolicyError as error:
            raise MalformedPolicyDocument(error.message) from None
        documents.append(inline)
    arns = [item.get("arn", "") for item in req.get("PolicyArns") or []]
    if len(arns) > MAX_SESSION_POLICY_ARNS:
        raise StsValidationError(
            f"1 validation error detected: Value at 'policyArns' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_SESSION_POLICY_ARNS}"
        )
    for arn in arns:
        document = _managed_policy_document(ctx, arn)
        if document is None:
            raise StsValidationError(f"Policy {arn} does not exist or is not attachable.")
        documents.append(document)
    return tuple(documents)


def _managed_policy_document(ctx: RequestContext, arn: str) -> str | None:
    from stratus.services.iam.directory import IamDirectory
    from stratus.services.iam.store import MIGRATIONS

    parts = arn.split(":")
    account_id = parts[4] if len(parts) > 5 and parts[4] not in ("", "aws") else ctx.account_id
    return IamDirectory(ctx.runtime.state.database("iam", MIGRATIONS)).managed_policy_document(
        account_id, arn
    )


def session_tags(req: dict, inherited: Session | None) -> tuple[dict[str, str], tuple[str, ...]]:
    """(tags, transitive tag keys) of a new session: the request's plus the caller's transitive
    tags when a role session assumes another role (role chaining)."""
    tags: dict[str, str] = {}
    seen: set[str] = set()
    for tag in req.get("Tags") or []:
        key = tag["Key"]
        if key.lower() in seen:
            raise StsValidationError(
                "Duplicate tag keys found. Please note that Tag keys are case insensitive."
            )
        seen.add(key.lower())
        tags[key] = tag["Value"]
    if len(tags) > MAX_SESSION_TAGS:
        raise StsValidationError(
            "1 validation error detected: Value at 'tags' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_SESSION_TAGS}"
        )
    transitive = list(req.get("TransitiveTagKeys") or [])
    for key in transitive:
        if key.lower() not in seen:
            raise StsValidationError(
                "The specified transitive tag key must be included in the requested tags."
            )
    if inherited is not None:
        for key in inherited.transitive_tag_keys:
            if key.lower() in seen:
                raise StsAccessDenied(
                    "Cannot override transitive tags: the session already carries a tag with key " + key
                )
            tags[key] = inherited.session_tags.get(key, "")
            transitive.append(key)
    return tags, tuple(transitive)


def packed_policy_size(policies: tuple[str, ...], tags: dict[str, str]) -> int | None:
    if not policies and not tags:
        return None
    packed = zlib.compress(json.dumps([policies, tags], separators=(",", ":")).encode())
    percent = -(-len(packed) * 100 // PACKED_POLICY_BUDGET)
    if percent > 100:
        raise PackedPolicyTooLarge(
            f"Packed size of consumed session policies and session tags exceeds the limit by {percent - 100}%."
        )
    return percent


def check_mfa(ctx: RequestContext, req: dict, account_id: str) -> float | None:
    """The emulated time the MFA code was checked at, or None when no MFA was given."""
    serial, code = req.get("SerialNumber"), req.get("TokenCode")
    if not serial and not code:
        return None
    if not serial or not code:
        raise StsValidationError("SerialNumber and TokenCode must be given together.")
    from stratus.services.iam.account_store import accept_mfa_code
    from stratus.services.iam.store import MIGRATIONS

    db = ctx.runtime.state.database("iam", MIGRATIONS)
    if not accept_mfa_code(db, account_id, serial, code, ctx.time):
        raise StsAccessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code. ")
    return ctx.time.timestamp()


def sts_database(ctx: RequestContext) -> Database:
    return ctx.runtime.state.database(sessions.STS_DATABASE, sessions.MIGRATIONS)


def issue(ctx: RequestContext, duration: int, **fields: object) -> Session:
    """Create and store a session lasting `duration` seconds from now (emulated time)."""
    access_key_id, secret, token = sessions.new_credentials()
    now = ctx.time.timestamp()
    fields.setdefault("session_tags", {})
    session = Session(
        access_key_id=access_key_id,
        secret_access_key=secret,
        session_token=token,
        issued_at=now,
        expires_at=now + duration,
        **fields,  # type: ignore[arg-type]
    )
    db = sts_database(ctx)
    sessions.prune_expired(db, now)
    sessions.save(db, session)
    return session


def credentials_output(session: Session) -> dict:
    from datetime import UTC, datetime

    return {
        "AccessKeyId": session.access_key_id,
        "SecretAccessKey": session.secret_access_key,
        "SessionToken": session.session_token,
        "Expiration": datetime.fromtimestamp(session.expires_at, tz=UTC),
    }
