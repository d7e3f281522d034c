"""AddPermission, RemovePermission, GetPolicy: a function's resource-based policy, one per
unqualified function, published version and alias; and the IAM hook that lets the evaluator apply
it (`resource_policy`), so that with STRATUS_IAM=audit|enforce another account, or a service
principal such as sns.amazonaws.com with its source ARN, may invoke a function only as the
statements allow.

Principals are checked for their form, not looked up in IAM.
"""

from __future__ import annotations

import re

from stratus.core.context import RequestContext
from stratus.services.lambda_ import permission_policy, permission_store
from stratus.services.lambda_.common import (
    LATEST,
    InvalidParameterValue,
    PreconditionFailed,
    ResourceConflict,
    ResourceNotFound,
    parse_function_name,
)
from stratus.services.lambda_.function_store import find_function
from stratus.services.lambda_.functions import REVISION_MISMATCH, Resolved, resolve
from stratus.store import Database

NO_LATEST_POLICIES = "We currently do not support adding policies for $LATEST."
POLICY_REVISION_MISMATCH = (
    "The Revision Id provided does not match the latest Revision Id. "
    "Call the GetPolicy API to retrieve the latest Revision Id"
)
NO_POLICY = "The resource you requested does not exist."
NO_POLICY_TO_CHANGE = "No policy is associated with the given resource."
_FUNCTION_ARN = re.compile(
    r"arn:[a-z-]+:lambda:(?P<region>[^:]+):(?P<account>\d{12}):function:(?P<name>[^:]+)(?::(?P<qualifier>[^:]+))?"
)


class PermissionOperations:
    def db(self) -> Database:  # provided by LambdaProvider
        raise NotImplementedError

    def add_permission(self, ctx: RequestContext, req: dict) -> dict:
        permission_policy.check_members(req)
        if _qualifier(req) == LATEST:
            raise InvalidParameterValue(NO_LATEST_POLICIES)
        db = self.db()
        with db.transaction():
            resolved = resolve(ctx, db, req["FunctionName"], req.get("Qualifier"))
            _check_revision(req, resolved, POLICY_REVISION_MISMATCH)
            key = permission_store.policy_key(resolved.qualifier)
            function_id = resolved.latest.function_id
            statements = permission_store.statements_of(db, function_id, key)
            sid = req["StatementId"]
            if any(existing.get("Sid") == sid for existing in statements):
                raise ResourceConflict(
                    f"The statement id ({sid}) provided already exists. "
                    "Please provide a new statement id, or remove the existing statement."
                )
            added = permission_policy.statement(req, _resource_arn(resolved), ctx.partition)
            permission_policy.check_size([*statements, added])
            permission_store.add_statement(db, function_id, key, added)
            permission_store.new_revision(db, resolved)
        return {"Statement": permission_policy.compact(added)}

    def remove_permission(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            resolved = resolve(ctx, db, req["FunctionName"], req.get("Qualifier"))
            key = permission_store.policy_key(resolved.qualifier)
            function_id = resolved.latest.function_id
            statements = permission_store.statements_of(db, function_id, key)
            sid = req["StatementId"]
            if not statements:
                raise ResourceNotFound(NO_POLICY_TO_CHANGE)
            if not any(existing.get("Sid") == sid for existing in statements):
                raise ResourceNotFound(f"Statement {sid} is not found in resource policy.")
            _check_revision(req, resolved, REVISION_MISMATCH)
            permission_store.remove_statement(db, function_id, key, sid)
            permission_store.new_revision(db, resolved)
        return {}

    def get_policy(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        resolved = resolve(ctx, db, req["FunctionName"], req.get("Qualifier"))
        key = permission_store.policy_key(resolved.qualifier)
        statements = permission_store.statements_of(db, resolved.latest.function_id, key)
        if not statements:
            raise ResourceNotFound(NO_POLICY)
        return {
            "Policy": permission_policy.compact(permission_policy.document(statements)),
            "RevisionId": permission_store.revision_of(resolved),
        }

    # ------------------------------------------------------------------ the IAM hook

    def resource_policy(self, ctx: RequestContext | None, resource_arn: str) -> str | None:
        """The policy of the function, version or alias a function ARN names (qualified or not,
        in any account: a cross-account caller names the owner's ARN)."""
        match = _FUNCTION_ARN.fullmatch(resource_arn)
        if match is None:
            return super().resource_policy(ctx, resource_arn)  # type: ignore[misc]
        db = self.db()
        function = find_function(db, match["account"], match["region"], match["name"])
        if function is None:
            return None
        statements = permission_store.statements_of(
            db, function.function_id, permission_store.policy_key(match["qualifier"])
        )
        if not statements:
            return None
        return permission_policy.compact(permission_policy.document(statements))


def _qualifier(req: dict) -> str | None:
    """The qualifier a request names, by its Qualifier or as the FunctionName's suffix."""
    return req.get("Qualifier") or parse_function_name(req["FunctionName"]).qualifier


def _check_revision(req: dict, resolved: Resolved, message: str) -> None:
    if req.get("RevisionId") is not None and req["RevisionId"] != permission_store.revision_of(resolved):
        raise PreconditionFailed(message)


def _resource_arn(resolved: Resolved) -> str:
    """The statement's Resource: the function's ARN, qualified when a version or alias was named."""
    if resolved.qualifier in (None, LATEST):
        return resolved.latest.arn
    return f"{resolved.latest.arn}:{resolved.qualifier}"
