"""SimulatePrincipalPolicy, SimulateCustomPolicy and GetContextKeysFor*: answered by the same
evaluator (auth/evaluate.py) that enforces requests, so a simulation and a real call agree."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from stratus.services.iam.common import (
    IamValidationError,
    InvalidInput,
    MalformedPolicyDocument,
    NoSuchEntity,
    paginate,
)

if TYPE_CHECKING:
    from stratus.auth.evaluate import LabeledPolicy
    from stratus.core.context import RequestContext

_SOURCE_ARN = re.compile(r"arn:aws[a-z-]*:iam::(\d{12}):(user|group|role)/(?:[\x21-\x7e]*/)?([\w+=,.@-]+)")
_VARIABLE = re.compile(r"\$\{([^}]+)\}")
_LIST_TYPES = frozenset({"stringList", "numericList", "booleanList", "dateList", "ipList", "binaryList"})


def _parse(document: str, kind: str, member: str) -> LabeledPolicy:
    from stratus.auth.evaluate import LabeledPolicy
    from stratus.auth.policy import PolicyError, cached_policy

    try:
        return LabeledPolicy(
            cached_policy(document, kind), member, "none" if kind != "resource" else "resource"
        )
    except PolicyError as error:
        raise MalformedPolicyDocument(error.message) from None


def _context(entries: list[dict] | None) -> dict[str, object]:
    context: dict[str, object] = {}
    for entry in entries or []:
        values = list(entry.get("ContextKeyValues") or [])
        context[entry["ContextKeyName"]] = (
            values if entry.get("ContextKeyType") in _LIST_TYPES else (values[0] if values else "")
        )
    return context


def _statement_keys(policies: list[LabeledPolicy]) -> list[str]:
    names: dict[str, str] = {}
    for labeled in policies:
        for statement in labeled.policy.statements:
            for condition in statement.conditions:
                names.setdefault(condition.key.lower(), condition.key)
        for variable in _VARIABLE.findall(labeled.policy.document):
            name = variable.split(",", 1)[0].strip()
            if name not in ("*", "?", "$"):
                names.setdefault(name.lower(), name)
    return sorted(names.values(), key=str.lower)


class SimulationOperations:
    """Mixin for IamProvider: uses `self.db()`."""

    def simulate_principal_policy(self, ctx: RequestContext, req: dict) -> dict:
        from stratus.services.iam.directory import IamDirectory

        source = req["PolicySourceArn"]
        match = _SOURCE_ARN.fullmatch(source)
        if match is None:
            raise InvalidInput(f"Invalid ARN: {source}")
        account_id, kind, name = match.groups()
        directory = IamDirectory(self.db())  # type: ignore[attr-defined]
        record = {"user": directory.user, "role": directory.role, "group": getattr(directory, "group", None)}[
            kind
        ]
        entity = record(account_id, name) if record else None
        if entity is None:
            raise NoSuchEntity(f"The {kind} with name {name} cannot be found.")
        sources = (
            directory.user_policies(account_id, name)
            if kind == "user"
            else directory.role_policies(account_id, name)
            if kind == "role"
            else directory.group_policies(account_id, name)
        )
        identity = [_labeled_source(s) for s in sources]
        identity += [
            _parse(d, "identity", f"PolicyInputList.{i + 1}")
            for i, d in enumerate(req.get("PolicyInputList") or [])
        ]
        boundary = None
        boundaries = req.get("PermissionsBoundaryPolicyInputList") or []
        if boundaries:
            boundary = _parse(boundaries[0], "boundary", "PermissionsBoundaryPolicyInputList.1")
        elif getattr(entity, "boundary_arn", None):
            document = directory.managed_policy_document(account_id, entity.boundary_arn)
            if document is not None:
                boundary = _parse(document, "boundary", entity.boundary_arn)
        principal_type = {"user": "IAMUser", "role": "AssumedRole", "group": "IAMUser"}[kind]
        caller = req.get("CallerArn") or (source if kind != "group" else None)
        if kind == "group" and req.get("ResourcePolicy") and not caller:
            raise InvalidInput(
                "Invalid input: CallerArn is required when simulating a group with a resource policy."
            )
        tags = dict(getattr(entity, "tags", None) or {})
        return self._simulate(
            ctx, req, identity, boundary, caller or source, principal_type, account_id, source, tags
        )

    def simulate_custom_policy(self, ctx: RequestContext, req: dict) -> dict:
        identity = [
            _parse(d, "identity", f"PolicyInputList.{i + 1}") for i, d in enumerate(req["PolicyInputList"])
        ]
        boundaries = req.get("PermissionsBoundaryPolicyInputList") or []
        boundary = (
            _parse(boundaries[0], "boundary", "PermissionsBoundaryPolicyInputList.1") if boundaries else None
        )
        caller = req.get("CallerArn") or f"arn:aws:iam::{ctx.account_id}:user/SimulatedUser"
        account_id = caller.split(":")[4] or ctx.account_id
        return self._simulate(ctx, req, identity, boundary, caller, "IAMUser", account_id, None, {})

    def _simulate(
        self, ctx, req, identity, boundary, caller, principal_type, account_id, role_arn, tags
    ) -> dict:
        from stratus.auth.evaluate import AuthzRequest, evaluate

        resource_policy = None
        if req.get("ResourcePolicy"):
            resource_policy = _parse(req["ResourcePolicy"], "resource", "ResourcePolicy")
        owner = req.get("ResourceOwner")
        resource_account = owner.split(":")[4] if owner and owner.count(":") >= 4 else None
        context = _context(req.get("ContextEntries"))
        for key, value in tags.items():
            context.setdefault(f"aws:PrincipalTag/{key}", value)
        results = []
        for action in req["ActionNames"]:
            if ":" not in action:
                raise IamValidationError(f"Actions must be prefaced by a vendor: {action}")
            for resource in req.get("ResourceArns") or ["*"]:
                request = AuthzRequest(
                    action=action,
                    resource=resource,
                    principal_arn=caller,
                    principal_account=account_id,
                    principal_type=principal_type,
                    role_arn=role_arn if principal_type == "AssumedRole" else None,
                    resource_account=resource_account,
                    context=context,
                )
                decision = evaluate(
                    request, identity=identity, resource_policy=resource_policy, boundary=boundary
                )
                results.append(_result(action, resource, decision, boundary))
        page = paginate(results, req.get("Marker"), req.get("MaxItems"))
        output = {"EvaluationResults": page["page"], "IsTruncated": page["IsTruncated"]}
        if "Marker" in page:
            output["Marker"] = page["Marker"]
        return output

    def get_context_keys_for_custom_policy(self, ctx: RequestContext, req: dict) -> dict:
        policies = [
            _parse(d, "identity", f"PolicyInputList.{i + 1}") for i, d in enumerate(req["PolicyInputList"])
        ]
        return {"ContextKeyNames": _statement_keys(policies)}

    def get_context_keys_for_principal_policy(self, ctx: RequestContext, req: dict) -> dict:
        from stratus.services.iam.directory import IamDirectory

        match = _SOURCE_ARN.fullmatch(req["PolicySourceArn"])
        if match is None:
            raise InvalidInput(f"Invalid ARN: {req['PolicySourceArn']}")
        account_id, kind, name = match.groups()
        directory = IamDirectory(self.db())  # type: ignore[attr-defined]
        fetch = {
            "user": directory.user_policies,
            "role": directory.role_policies,
            "group": directory.group_policies,
        }
        policies = [_labeled_source(s) for s in fetch[kind](account_id, name)]
        policies += [
            _parse(d, "identity", f"PolicyInputList.{i + 1}")
            for i, d in enumerate(req.get("PolicyInputList") or [])
        ]
        return {"ContextKeyNames": _statement_keys(policies)}


def _labeled_source(source) -> LabeledPolicy:
    from stratus.auth.evaluate import LabeledPolicy
    from stratus.auth.policy import cached_policy

    return LabeledPolicy(cached_policy(source.document, "identity"), source.source_id, source.source_type)


def _result(action: str, resource: str, decision, boundary) -> dict:
    matched = [
        {"SourcePolicyId": labeled.source_id, "SourcePolicyType": _source_type(labeled.source_type)}
        for labeled, _statement in decision.matched
        if labeled.source_type != "boundary"
    ]
    result: dict = {
        "EvalActionName": action,
        "EvalResourceName": resource,
        "EvalDecision": decision.eval_decision,
        "MatchedStatements": matched,
        "MissingContextValues": list(decision.missing_context_values),
        "OrganizationsDecisionDetail": {"AllowedByOrganizations": True},
    }
    if boundary is not None:
        result["PermissionsBoundaryDecisionDetail"] = {
            "AllowedByPermissionsBoundary": decision.deny_policy_type != "permissions boundary"
        }
    return result


def _source_type(source_type: str) -> str:
    return (
        source_type
        if source_type in ("user", "group", "role", "aws-managed", "user-managed", "resource")
        else "none"
    )
