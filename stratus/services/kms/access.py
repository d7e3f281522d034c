"""Who may use a key: KMS's own authorization, on top of the IAM engine.

KMS differs from other services: the key policy must allow, either by naming the caller (or its
role, or "*") or by naming the caller's account root, which delegates to the account's IAM
policies (the default key policy does exactly that). IAM policies alone never open a key, not even
to the account's root user: that is why a key policy without the account's root locks everyone else
out, and why PutKeyPolicy has a lockout safety check. Grants allow on their own.

The evaluator (stratus/auth/evaluate.py) already treats a same-account resource policy that names
the account root as delegating to identity policies (an "account" grant is not a direct grant, so
identity policies must allow). What it does not know is that for KMS the key policy is required:
so this module asks it for a decision on the key ARN with the key policy, then also requires that
some Allow statement of the key policy matched. Decisions are recorded on the request like the
dispatcher's own (audit mode: all; enforce mode: denials) and deny with AWS's AccessDeniedException.
"""

from __future__ import annotations

from stratus.auth.credentials import Principal
from stratus.core.context import RequestContext
from stratus.services.kms.grant_store import grant_allows, grants_of
from stratus.services.kms.policy_documents import effective_policy
from stratus.services.kms.store import Key, aliases_in
from stratus.store import Database


def iam_enabled(ctx: RequestContext) -> bool:
    return ctx.runtime.auth.mode != "off"


def via_service(ctx: RequestContext) -> str | None:
    """kms:ViaService of a call another Stratus service makes on a caller's behalf."""
    if ctx.request is not None:
        return None
    if ctx.principal.type == "AWSService":
        service = ctx.principal.arn.split(".", 1)[0]
    elif ctx.source_arn and ctx.source_arn.count(":") >= 5:
        service = ctx.source_arn.split(":")[2]
    else:
        return None
    return f"{service}.{ctx.region}.amazonaws.com"


def condition_keys(ctx: RequestContext, db: Database, key: Key, params: dict | None) -> dict[str, object]:
    keys: dict[str, object] = {
        "kms:CallerAccount": ctx.principal.account_id,
        "kms:KeySpec": key.key_spec,
        "kms:KeyUsage": key.key_usage,
        "kms:KeyOrigin": key.origin,
        "kms:KeyManager": key.key_manager,
        "kms:MultiRegion": "true" if key.multi_region else "false",
        "kms:ResourceAliases": [
            alias.name for alias in aliases_in(db, key.account_id, key.region, key.key_id)
        ],
    }
    if key.multi_region:
        keys["kms:MultiRegionKeyType"] = "REPLICA" if key.is_replica else "PRIMARY"
    service = via_service(ctx)
    if service is not None:
        keys["kms:ViaService"] = service
    if params:
        from stratus.auth.actions import request_condition_keys

        keys.update(request_condition_keys("kms", ctx.operation, params))
    return keys


def acting_principal(ctx: RequestContext) -> Principal:
    """A service calling KMS inside Stratus acts for the account that called it (AWS services call
    KMS with their caller's identity and kms:ViaService): it is judged as that account."""
    if ctx.principal.type == "AWSService" and ctx.request is None:
        return Principal.root(ctx.principal.account_id)
    return ctx.principal


def authorize(
    ctx: RequestContext,
    db: Database,
    key: Key,
    action: str,
    params: dict | None = None,
    *,
    encryption_context: dict[str, str] | None = None,
) -> None:
    """Allow `action` on the key, or raise AccessDeniedException (IAM enforce mode); no cost when
    STRATUS_IAM is off."""
    auth = ctx.runtime.auth
    if auth.mode == "off":
        return
    operation = action.split(":", 1)[1]
    principal = acting_principal(ctx)
    from stratus.auth.evaluate import Decision, denial_message

    request, decision = auth.decide(
        ctx,
        action,
        key.arn,
        resource_account=key.account_id,
        context=condition_keys(ctx, db, key, params),
        resource_policy=effective_policy(key.policy),
        principal=principal,
    )
    # A grant allows on its own, but never against an explicit Deny (AWS: "provided explicitly and
    # never denied").
    if decision.eval_decision != "explicitDeny":
        for grant in grants_of(db, key):
            if grant_allows(grant, principal, operation, encryption_context, ctx.source_arn):
                if auth.mode == "audit":
                    ctx.authorization.append(
                        _record(principal.arn, action, key.arn, "allowed", f"grant:{grant.grant_id}")
                    )
                return
    key_policy_allows = any(
        labeled.source_type == "resource" and statement.effect == "Allow"
        for labeled, statement in decision.matched
    )
    if decision.allowed and not key_policy_allows:
        decision = Decision(
            False,
            "implicitDeny",
            "no_key_policy_allow",
            "resource-based",
            decision.matched,
            decision.missing_context_values,
        )
    if auth.mode == "audit" or not decision.allowed:
        ctx.authorization.append(
            _record(request.principal_arn, action, key.arn, decision.eval_decision, _statement(decision))
        )
    if not decision.allowed and auth.mode == "enforce":
        from stratus.auth.denial import access_denied

        raise access_denied("kms", denial_message(request, decision))


def _record(principal: str, action: str, resource: str, decision: str, statement: str | None) -> dict:
    return {
        "principal": principal,
        "action": action,
        "resource": resource,
        "decision": decision,
        "statement": statement,
    }


def _statement(decision) -> str | None:
    for labeled, statement in decision.matched:
        if statement.effect == "Deny" or decision.allowed:
            return f"{labeled.source_type}:{labeled.source_id}#{statement.sid or statement.index}"
    return None
