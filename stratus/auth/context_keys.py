"""The global condition keys (`aws:*`) AWS fills from the request and the calling principal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stratus.auth.evaluate import PRINCIPAL_TYPE_VALUES

if TYPE_CHECKING:
    from stratus.auth.credentials import Principal
    from stratus.core.context import RequestContext


def global_condition_keys(
    ctx: RequestContext, principal: Principal, tags: dict[str, str]
) -> dict[str, object]:
    now = ctx.time
    keys: dict[str, object] = {
        "aws:CurrentTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(now.timestamp())),
        "aws:RequestedRegion": ctx.region,
    }
    if ctx.request is not None:  # a call made by a Stratus service has no transport or address
        keys["aws:SecureTransport"] = "true" if ctx.secure_transport else "false"
        if ctx.source_ip:
            keys["aws:SourceIp"] = ctx.source_ip
    if principal.type == "AWSService":
        keys["aws:PrincipalIsAWSService"] = "true"
        keys["aws:PrincipalServiceName"] = principal.arn
    elif principal.type != "Anonymous":
        keys["aws:PrincipalIsAWSService"] = "false"
        # For a role session aws:PrincipalArn is the role's ARN, not the session's.
        keys["aws:PrincipalArn"] = principal.role_arn or principal.arn
        keys["aws:PrincipalAccount"] = principal.account_id
        keys["aws:userid"] = principal.user_id
        if principal.type == "IAMUser" and principal.name:
            keys["aws:username"] = principal.name
        for key, value in tags.items():
            keys[f"aws:PrincipalTag/{key}"] = value
    if principal.type in PRINCIPAL_TYPE_VALUES:
        keys["aws:PrincipalType"] = PRINCIPAL_TYPE_VALUES[principal.type]
    credential = ctx.credential
    if credential is not None and credential.session is not None:
        session = credential.session
        # Present only for temporary credentials: long-term keys leave the key absent (AWS's rule,
        # hence the documented `BoolIfExists` idiom).
        keys["aws:MultiFactorAuthPresent"] = "true" if session.mfa_authenticated else "false"
        if session.mfa_authenticated and session.mfa_authenticated_at is not None:
            keys["aws:MultiFactorAuthAge"] = str(int(now.timestamp() - session.mfa_authenticated_at))
        keys["aws:TokenIssueTime"] = _iso(session.issued_at)
        if session.source_identity:
            keys["aws:SourceIdentity"] = session.source_identity
    if ctx.source_arn:
        keys["aws:SourceArn"] = ctx.source_arn
        parts = ctx.source_arn.split(":")
        if len(parts) > 4 and parts[4]:
            keys["aws:SourceAccount"] = parts[4]
    return keys


def _iso(epoch: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
