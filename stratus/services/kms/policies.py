"""Key policies: GetKeyPolicy, PutKeyPolicy, ListKeyPolicies, their validation and the lockout
safety check, and the IAM hook that hands a key's policy to the evaluator."""

from __future__ import annotations

from stratus.auth.credentials import Principal
from stratus.core.context import RequestContext
from stratus.services.kms import access
from stratus.services.kms.common import (
    LimitExceededException,
    MalformedPolicyDocumentException,
    NotFoundException,
)
from stratus.services.kms.keyring import KeyRing
from stratus.services.kms.policy_documents import DEFAULT_POLICY_NAME, effective_policy
from stratus.services.kms.store import Key, find_key, save_key

LOCKOUT = "The new key policy will not allow you to update the key policy in the future."
MAX_POLICY_BYTES = 32 * 1024  # the key policy document size quota
TOO_LARGE = "Policy exceeds the maximum size of 32 KB."  # guessed
NO_SUCH_POLICY = "No such policy exists"  # guessed: AWS only documents that "default" is the one name


def validate_policy(document: str) -> None:
    """MalformedPolicyDocumentException unless the document is a policy KMS would store."""
    if len(document.encode()) > MAX_POLICY_BYTES:
        raise LimitExceededException(TOO_LARGE)
    from stratus.auth.policy import MISSING_ACTIONS, MISSING_RESOURCES, PolicyError, parse_policy

    try:
        parse_policy(document, "resource")
    except PolicyError as error:
        if error.message in (MISSING_ACTIONS, MISSING_RESOURCES):
            return  # accepted, the statement is ineffective
        # guessed: the IAM policy grammar's own wording
        raise MalformedPolicyDocumentException(error.message) from None


def check_lockout(ctx: RequestContext, key_arn: str, account_id: str, document: str) -> None:
    """The policy must let the caller call PutKeyPolicy on the key later: directly, or through the
    account's root (whose IAM policies may then allow it)."""
    from stratus.auth.evaluate import AuthzRequest, LabeledPolicy, evaluate
    from stratus.auth.policy import PolicyError, cached_policy

    principal = ctx.principal
    if principal.type == "AWSService" and ctx.request is None:
        principal = Principal.root(principal.account_id)
    request = AuthzRequest(
        action="kms:PutKeyPolicy",
        resource=key_arn,
        principal_arn=principal.arn,
        principal_account=principal.account_id,
        principal_type=principal.type,
        role_arn=principal.role_arn,
        resource_account=account_id,
        context={"kms:CallerAccount": principal.account_id, "aws:CurrentTime": ctx.time},
    )
    try:
        policy = cached_policy(effective_policy(document), "resource")
    except PolicyError:
        raise MalformedPolicyDocumentException(LOCKOUT) from None
    decision = evaluate(request, resource_policy=LabeledPolicy(policy, key_arn, "resource"))
    allowed = [
        s for labeled, s in decision.matched if labeled.source_type == "resource" and s.effect == "Allow"
    ]
    if decision.eval_decision == "explicitDeny" or not allowed:
        raise MalformedPolicyDocumentException(LOCKOUT)


def check_policy_name(req: dict) -> None:
    name = req.get("PolicyName")
    if name is not None and name != DEFAULT_POLICY_NAME:
        raise NotFoundException(NO_SUCH_POLICY)


class PolicyOperations(KeyRing):
    def get_key_policy(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        check_policy_name(req)
        return {"Policy": key.policy, "PolicyName": DEFAULT_POLICY_NAME}

    def put_key_policy(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        check_policy_name(req)
        refuse_aws_managed(ctx, key, "kms:PutKeyPolicy")
        document = req["Policy"]
        validate_policy(document)
        if not req.get("BypassPolicyLockoutSafetyCheck"):
            check_lockout(ctx, key.arn, key.account_id, document)
        db = self.db()
        with db.transaction():
            fresh = find_key(db, key.account_id, key.region, key.key_id)
            if fresh is not None:
                save_key(db, fresh.with_changes(policy=document))
        return {}

    def list_key_policies(self, ctx: RequestContext, req: dict) -> dict:
        self.key(ctx, req["KeyId"], params=req)
        return {"PolicyNames": [DEFAULT_POLICY_NAME], "Truncated": False}

    # IAM hook (services/base.py): the key policy of a key ARN, for the dispatcher's evaluation.
    def resource_policy(self, ctx: RequestContext, resource_arn: str) -> str | None:
        parts = resource_arn.split(":", 5)
        if len(parts) != 6 or parts[2] != "kms" or not parts[5].startswith("key/"):
            return None
        key = find_key(self.db(), parts[4], parts[3], parts[5][4:])
        return effective_policy(key.policy) if key is not None else None

    def resource_tags(self, ctx: RequestContext, resource_arn: str) -> dict[str, str] | None:
        from stratus.services.kms.store import read_tags

        parts = resource_arn.split(":", 5)
        if len(parts) != 6 or parts[2] != "kms" or not parts[5].startswith("key/"):
            return None
        db = self.db()
        key = find_key(db, parts[4], parts[3], parts[5][4:])
        return read_tags(db, key) if key is not None else None


def refuse_aws_managed(ctx: RequestContext, key: Key, action: str) -> None:
    """Nobody may change an AWS managed key: its policy allows reading its metadata only. The
    refusal is AWS's AccessDeniedException whatever the IAM mode, as the key policy is KMS's own."""
    if key.key_manager != "AWS":
        return
    from stratus.auth.denial import access_denied

    who = access.acting_principal(ctx).arn
    raise access_denied(
        "kms",
        f"User: {who} is not authorized to perform: {action} on resource: {key.arn} "
        f"because no resource-based policy allows the {action} action",
    )
