"""Resource-based policies of tables and streams: PutResourcePolicy, GetResourcePolicy,
DeleteResourcePolicy, and the IAM hook (`resource_policy`) that lets the evaluator apply them.

A table's policy also governs its indexes (`.../table/t/index/i` is evaluated against it); a stream
has a policy of its own, kept with its table (both go when the table is deleted). RevisionIds are
the change's time in epoch milliseconds, as DynamoDB's are; a Put of an equivalent document is a
no-op keeping the RevisionId, and a Delete after a real delete answers the deletion's RevisionId.
Changes apply at once: DynamoDB's eventual consistency (reads lagging writes by seconds,
enforcement by minutes) and its 15-second cool-down between policy changes are not imitated.
"""

from __future__ import annotations

from dataclasses import dataclass

from stratus.auth.evaluate import EXPLICIT_DENY, AuthzRequest, LabeledPolicy, evaluate
from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.dynamodb.common import ResourceNotFoundException, ValidationException
from stratus.services.dynamodb.policy_documents import INVALID, canonical, check_policy, shown_document
from stratus.services.dynamodb.table_store import Table, find_table, save_definition
from stratus.store import Database

NO_POLICY = "NO_POLICY"
NOT_FOUND = "Resource-based policy not found for the provided ResourceArn: "
LOCKOUT = "The new resource policy will not allow you to update the resource policy in the future."


class PolicyNotFoundException(ServiceError):
    code = "PolicyNotFoundException"
    status = 400


class AccessDeniedException(ServiceError):
    code = "AccessDeniedException"
    status = 400


@dataclass(frozen=True, slots=True)
class PolicyTarget:
    """The resource a ResourceArn names: a table, or one of its streams (`label`)."""

    arn: str
    table: Table
    label: str | None

    def stored(self) -> dict | None:
        definition = self.table.definition
        if self.label is None:
            return definition.get("ResourcePolicy")
        return (definition.get("StreamPolicies") or {}).get(self.label)

    def with_policy(self, policy: dict | None) -> dict:
        """The table's definition with this resource's policy entry replaced."""
        definition = dict(self.table.definition)
        if self.label is None:
            definition["ResourcePolicy"] = policy
        else:
            policies = dict(definition.get("StreamPolicies") or {})
            policies[self.label] = policy
            definition["StreamPolicies"] = policies
        return definition


def _target(ctx: RequestContext, db: Database, arn: str) -> PolicyTarget:
    """The table or stream `arn` names, checked as DynamoDB checks it."""
    if not arn.startswith("arn:"):
        raise ValidationException(INVALID + f"ARNs must start with 'arn:': {arn}")
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "dynamodb" or not parts[5].startswith("table/"):
        raise ValidationException(INVALID + f"Provided Arn is not a DynamoDB resource arn: {arn}")
    if parts[4] != ctx.account_id:
        raise ValidationException(
            "This action is only supported by accounts that match the resource owner\u2019s account."
        )
    if parts[3] != ctx.region or parts[1] != ctx.partition:
        raise ValidationException(INVALID + f"Invalid resource Arn: {arn}")
    path = parts[5][len("table/") :].split("/")
    if len(path) == 3 and path[1] == "index":
        raise ValidationException(
            INVALID
            + f"Invalid resource arn provided, only table or stream is accepted. Provided resource arn: {arn}"
        )
    if len(path) not in (1, 3) or (len(path) == 3 and path[1] != "stream"):
        raise ValidationException(INVALID + f"Provided Arn is not a DynamoDB resource arn: {arn}")
    table = find_table(db, ctx.account_id, ctx.region, path[0])
    if table is None:
        raise ResourceNotFoundException(f"Requested resource not found: Table: {path[0]} not found")
    label = path[2] if len(path) == 3 else None
    if label is not None and not _has_stream(db, table, label):
        raise ResourceNotFoundException(
            f"Requested resource not found: Stream: {label} not found for Table: {table.name}"
        )
    return PolicyTarget(arn, table, label)


def _has_stream(db: Database, table: Table, label: str) -> bool:
    row = db.query_one("SELECT 1 FROM ddb_streams WHERE table_id = ? AND label = ?", (table.table_id, label))
    return row is not None


def _check_revision(target: PolicyTarget, expected: str | None) -> None:
    if expected is None:
        return
    current = target.stored()
    name = target.table.name
    if expected == NO_POLICY:
        if current is not None:
            raise PolicyNotFoundException(
                NOT_FOUND + f"Requested policy update expecting none to be present for table {name}, "
                f"but a policy exists with revision id {current['RevisionId']}."
            )
        return
    if current is None:
        # the end of this message is guessed (DynamoDB's was seen cut at "has no associated")
        raise PolicyNotFoundException(
            NOT_FOUND + f"Requested update for policy with revision id {expected}, but table {name} "
            "has no associated policy."
        )
    if current["RevisionId"] != expected:
        raise PolicyNotFoundException(
            NOT_FOUND + f"Requested update for policy with revision id {expected}, but the policy "
            f"associated to target table {name} has revision id {current['RevisionId']}."
        )


def _revision(ctx: RequestContext, table: Table) -> str:
    """A new RevisionId: the time in epoch milliseconds, later than any this table gave."""
    latest = max(
        [int(p["RevisionId"]) for p in _all_policies(table.definition)]
        + [int(table.definition.get("ResourcePolicyTombstone") or 0)]
    )
    return str(max(int(ctx.time.timestamp() * 1000), latest + 1))


def _all_policies(definition: dict) -> list[dict]:
    found = [definition["ResourcePolicy"]] if definition.get("ResourcePolicy") else []
    return found + [p for p in (definition.get("StreamPolicies") or {}).values() if p]


def create_time_policy(ctx: RequestContext, text: str) -> dict:
    """The definition entry for CreateTable's ResourcePolicy, checked as PutResourcePolicy checks it
    (for TableOperations.create_table: `definition["ResourcePolicy"] = create_time_policy(...)`)."""
    document, _ = check_policy(text, stream=False)
    return {"Policy": canonical(document, ctx.partition), "RevisionId": str(int(ctx.time.timestamp() * 1000))}


class ResourcePolicyOperations:
    def db(self) -> Database:  # supplied by DynamoDbProvider
        raise NotImplementedError

    def put_resource_policy(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        target = _target(ctx, db, req["ResourceArn"])
        document, policy = check_policy(req["Policy"], stream=target.label is not None)
        _check_revision(target, req.get("ExpectedRevisionId"))
        if not req.get("ConfirmRemoveSelfResourceAccess") and _locks_out(ctx, target.arn, policy):
            raise AccessDeniedException(LOCKOUT)
        text = canonical(document, ctx.partition)
        current = target.stored()
        if current is not None and current["Policy"] == text:
            return {"RevisionId": current["RevisionId"]}
        revision = _revision(ctx, target.table)
        with db.transaction():
            save_definition(db, target.table, target.with_policy({"Policy": text, "RevisionId": revision}))
        return {"RevisionId": revision}

    def get_resource_policy(self, ctx: RequestContext, req: dict) -> dict:
        target = _target(ctx, self.db(), req["ResourceArn"])
        current = target.stored()
        if current is None:
            raise PolicyNotFoundException(NOT_FOUND + target.arn)
        return {"Policy": shown_document(current["Policy"]), "RevisionId": current["RevisionId"]}

    def delete_resource_policy(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        target = _target(ctx, db, req["ResourceArn"])
        expected = req.get("ExpectedRevisionId")
        if expected == NO_POLICY:
            expected = None
        _check_revision(target, expected)
        current = target.stored()
        if current is None:
            tombstone = (
                target.table.definition.get("ResourcePolicyTombstone") if target.label is None else None
            )
            return {"RevisionId": tombstone} if tombstone else {}
        definition = target.with_policy(None)
        if target.label is None:
            definition["ResourcePolicyTombstone"] = _revision(ctx, target.table)
        with db.transaction():
            save_definition(db, target.table, definition)
        return {"RevisionId": current["RevisionId"]}

    # ------------------------------------------------------------------ the IAM hook

    def resource_policy(self, ctx: RequestContext, resource_arn: str) -> str | None:
        """The policy the evaluator applies to a table (its indexes included) or stream ARN."""
        return policy_for(self.db(), resource_arn)


def _locks_out(ctx: RequestContext, arn: str, policy) -> bool:
    """Whether the new policy explicitly denies the caller dynamodb:PutResourcePolicy on `arn`."""
    principal = ctx.principal
    request = AuthzRequest(
        action="dynamodb:PutResourcePolicy",
        resource=arn,
        principal_arn=principal.arn,
        principal_account=principal.account_id,
        principal_type=principal.type,
        role_arn=principal.role_arn,
        resource_account=ctx.account_id,
    )
    decision = evaluate(request, resource_policy=LabeledPolicy(policy, arn, "resource"))
    return decision.eval_decision == EXPLICIT_DENY


def policy_for(db: Database, resource_arn: str) -> str | None:
    """The resource policy of a table (its indexes included) or stream ARN, if any (the IAM hook
    of both DynamoDB providers: tables and the streams API)."""
    parts = resource_arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "dynamodb" or not parts[5].startswith("table/"):
        return None
    path = parts[5][len("table/") :].split("/")
    table = find_table(db, parts[4], parts[3], path[0])
    if table is None:
        return None
    if len(path) >= 3 and path[1] == "stream":
        stored = (table.definition.get("StreamPolicies") or {}).get(path[2])
    else:
        stored = table.definition.get("ResourcePolicy")
    return shown_document(stored["Policy"]) if stored else None
