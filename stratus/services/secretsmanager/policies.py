"""Resource policies: PutResourcePolicy (with BlockPublicPolicy), GetResourcePolicy,
DeleteResourcePolicy, ValidateResourcePolicy, and the IAM hook that lets the evaluator apply a
secret's policy and tags (DESIGN.md §6). SecretsManagerProvider supplies `db`.

A policy is checked with IAM's grammar (`parse_policy`, IAM's messages). A policy is public when an
Allow statement names every principal ("*", {"AWS": "*"}, or NotPrincipal) and no condition pins
the caller down to a fixed account, organization, ARN, VPC or network (as AWS's Zelkova check treats
`aws:SourceAccount`, `aws:PrincipalOrgID` ... with fixed values).
"""

from __future__ import annotations

import json

from stratus.auth.policy import PolicyError, parse_policy
from stratus.auth.policy_shapes import as_list, statements_of
from stratus.core.context import RequestContext
from stratus.services.secretsmanager.common import (
    MalformedPolicyDocumentException,
    PublicPolicyException,
    now,
)
from stratus.services.secretsmanager.identifiers import require_secret, secret_for_policy_arn
from stratus.services.secretsmanager.replica_sync import mirror
from stratus.services.secretsmanager.store import tag_map, update_secret
from stratus.services.secretsmanager.writes import forbid_deleted, forbid_replica
from stratus.store import Database

PUBLIC_POLICY = (
    "The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad "
    "access to the secret."
)
# Guessed: the check names and wordings ValidateResourcePolicy answers.
BROAD_ACCESS_CHECK = "BLOCK_PUBLIC_POLICY"
SYNTAX_CHECK = "SYNTAX_CHECKS"
LOCKOUT_CHECK = "LOCKOUT_PREVENTION"
BROAD_ACCESS = "The resource policy grants broad access to the secret."
LOCKOUT = "The resource policy denies everyone the permission to change or remove it."
_RESTRICTING_KEYS = frozenset(
    key.lower()
    for key in (
        "aws:SourceAccount",
        "aws:SourceArn",
        "aws:SourceOwner",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:userid",
        "aws:username",
        "aws:SourceIp",
    )
)
_POLICY_ACTIONS = ("secretsmanager:putresourcepolicy", "secretsmanager:deleteresourcepolicy")


def _everyone(principal: object) -> bool:
    return principal == "*" or (isinstance(principal, dict) and "*" in as_list(principal.get("AWS")))


def _pinned(conditions: object) -> bool:
    """Whether a condition block restricts the caller to fixed values (no wildcards, no negation)."""
    if not isinstance(conditions, dict):
        return False
    for operator, block in conditions.items():
        if not isinstance(block, dict) or "Not" in operator or operator.endswith("IfExists"):
            continue
        for key, values in block.items():
            texts = [str(value) for value in as_list(values)]
            if key.lower() in _RESTRICTING_KEYS and texts and not any("*" in t or "?" in t for t in texts):
                if key.lower() == "aws:sourceip" and any(t.endswith("/0") for t in texts):
                    continue
                return True
    return False


def grants_broad_access(document: dict) -> bool:
    for statement in statements_of(document):
        if statement.get("Effect") != "Allow":
            continue
        if "NotPrincipal" in statement:
            return True
        if _everyone(statement.get("Principal")) and not _pinned(statement.get("Condition")):
            return True
    return False


def locks_everyone_out(document: dict) -> bool:
    """A Deny of changing the policy to every principal, without conditions."""
    for statement in statements_of(document):
        if statement.get("Effect") != "Deny" or statement.get("Condition"):
            continue
        if not _everyone(statement.get("Principal")):
            continue
        actions = [str(action).lower() for action in as_list(statement.get("Action"))]
        if any(action in ("*", "secretsmanager:*") or action in _POLICY_ACTIONS for action in actions):
            return True
    return False


def check_policy(text: str) -> dict:
    """The parsed document, or MalformedPolicyDocumentException with IAM's message."""
    try:
        parse_policy(text, "resource")
    except PolicyError as error:
        raise MalformedPolicyDocumentException(error.message) from None
    return json.loads(text)


class PolicyOperations:
    def db(self) -> Database:
        raise NotImplementedError

    def put_resource_policy(self, ctx: RequestContext, req: dict) -> dict:
        document = check_policy(req["ResourcePolicy"])
        if req.get("BlockPublicPolicy") and grants_broad_access(document):
            raise PublicPolicyException(PUBLIC_POLICY)
        db = self.db()
        with db.transaction():
            secret = require_secret(ctx, db, req["SecretId"])
            forbid_deleted(secret)
            forbid_replica(secret)
            update_secret(db, secret.secret_id, policy=req["ResourcePolicy"], last_changed_at=now(ctx))
            mirror(db, secret.secret_id)
        return {"ARN": secret.arn, "Name": secret.name}

    def get_resource_policy(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        secret = require_secret(ctx, db, req["SecretId"])
        out = {"ARN": secret.arn, "Name": secret.name}
        if secret.policy is not None:
            out["ResourcePolicy"] = secret.policy
        return out

    def delete_resource_policy(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            secret = require_secret(ctx, db, req["SecretId"])
            forbid_deleted(secret)
            forbid_replica(secret)
            update_secret(db, secret.secret_id, policy=None, last_changed_at=now(ctx))
            mirror(db, secret.secret_id)
        return {"ARN": secret.arn, "Name": secret.name}

    def validate_resource_policy(self, ctx: RequestContext, req: dict) -> dict:
        if req.get("SecretId") is not None:
            require_secret(ctx, self.db(), req["SecretId"])
        text = req["ResourcePolicy"]
        try:
            document = json.loads(text)
        except ValueError:
            raise MalformedPolicyDocumentException(
                "This resource policy contains invalid JSON."
            ) from None  # guessed
        errors = []
        try:
            parse_policy(text, "resource")
        except PolicyError as error:
            errors.append({"CheckName": SYNTAX_CHECK, "ErrorMessage": error.message})
        if isinstance(document, dict):
            if grants_broad_access(document):
                errors.append({"CheckName": BROAD_ACCESS_CHECK, "ErrorMessage": BROAD_ACCESS})
            if locks_everyone_out(document):
                errors.append({"CheckName": LOCKOUT_CHECK, "ErrorMessage": LOCKOUT})
        return {"PolicyValidationPassed": not errors, "ValidationErrors": errors}

    # -- IAM hook ----------------------------------------------------------------------------

    def canonical_resource_arn(self, ctx: RequestContext, resource_arn: str) -> str:
        """A secret named by name (`secret:<name>-??????`) is judged by its real ARN, as in AWS."""
        if not resource_arn.endswith("-??????"):
            return resource_arn
        secret = secret_for_policy_arn(self.db(), resource_arn)
        return secret.arn if secret is not None else resource_arn

    def resource_policy(self, ctx: RequestContext, resource_arn: str) -> str | None:
        secret = secret_for_policy_arn(self.db(), resource_arn)
        return secret.policy if secret is not None else None

    def resource_tags(self, ctx: RequestContext, resource_arn: str) -> dict[str, str] | None:
        db = self.db()
        secret = secret_for_policy_arn(db, resource_arn)
        return tag_map(db, secret.secret_id) if secret is not None else None
