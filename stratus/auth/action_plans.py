"""Per-operation authorization plans: which IAM actions, and how to build each one's resource ARN.

A plan is built once per (service, operation) from the IAM database, the botocore input shape and
the exceptions list; running it per request only reads parameter values and joins strings.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from stratus.auth.action_exceptions import RESOURCE_SUFFIXES, Rule, rule_for
from stratus.auth.iam_database import ActionInfo, IamDatabase
from stratus.auth.resource_arns import (
    Context,
    PathRenderer,
    ResourceRenderer,
    build_renderer,
    resource_account,
    sorted_most_specific,
)

Renderer = ResourceRenderer | PathRenderer


@dataclass(frozen=True, slots=True)
class Authorization:
    action: str  # "s3:GetObject", spelled as in the Service Authorization Reference
    resource: str  # the resource ARN the request names, or "*"
    resource_account: str | None = None  # the owning account when an ARN names another account


class ActionPlan:
    """One IAM action and the renderers for its resource types, grouped: each group yields one resource
    (its first renderer that can be filled). Each required resource type is a group (its more precise
    optional forms first: table/T/index/I before table/T); an optional type beside required ones is a
    group of its own; an action with only optional types has one group of alternatives (S3's object or
    access point object). No group filled means "*"."""

    __slots__ = ("action", "info", "groups")

    def __init__(
        self, action: str, info: ActionInfo | None, groups: tuple[tuple[Renderer, ...], ...]
    ) -> None:
        self.action = action
        self.info = info
        self.groups = groups

    def run(self, params: dict, context: Context, out: list[Authorization]) -> None:
        found = False
        for group in self.groups:
            for renderer in group:
                arns = renderer.render(params, context)
                if arns:
                    for arn in arns:
                        out.append(Authorization(self.action, arn, resource_account(arn, context[0])))
                    found = True
                    break
        if not found:
            out.append(Authorization(self.action, "*"))


class PlanBuilder:
    """Builds ActionPlans for one botocore service against the IAM database."""

    def __init__(self, database: IamDatabase, service: str, prefix: str) -> None:
        self.database = database
        self.service = service
        self.prefix = prefix

    def resolve(self, name: str) -> tuple[str, str, ActionInfo | None]:
        """(prefix, full action name, database entry) for "Name" (this prefix) or "prefix:Name"."""
        prefix, _, bare = name.rpartition(":")
        prefix = prefix or self.prefix
        info = self.database.action(prefix, bare)
        return prefix, f"{prefix}:{info.name if info else bare}", info

    def action_plan(self, name: str, members: Collection[str]) -> ActionPlan:
        prefix, action, info = self.resolve(name)
        if info is None:
            return ActionPlan(action, None, ())
        return ActionPlan(action, info, self._groups(prefix, info, members))

    def _groups(
        self, prefix: str, info: ActionInfo, members: Collection[str]
    ) -> tuple[tuple[Renderer, ...], ...]:
        index = self.database.service(prefix)
        arns = index.arns if index else {}
        templates = tuple(arns.values())
        suffix_for = {
            type_name: suffix
            for (suffix_prefix, type_name), (suffix, exempt) in RESOURCE_SUFFIXES.items()
            if suffix_prefix == prefix and info.name not in exempt
        }

        def renderer(type_name: str) -> ResourceRenderer | None:
            text = arns.get(type_name)
            if text is None:
                return None
            return build_renderer(prefix, type_name, text + suffix_for.get(type_name, ""), members, templates)

        required = [name for name, is_required in info.resource_types if is_required]
        optional = [name for name, is_required in info.resource_types if not is_required]

        def extensions(base: str) -> list[ResourceRenderer]:
            # An optional type that extends a required one (table -> table/T/index/I, function ->
            # function:F:alias) is the more precise resource when the request names it.
            base_text = arns.get(base, "")
            found = [
                renderer(name) for name in optional if base_text and arns.get(name, "").startswith(base_text)
            ]
            return sorted_most_specific(r for r in found if r is not None and r.template.text != base_text)

        if required:
            groups = []
            extending: set[str] = set()
            for name in required:
                base = renderer(name)
                found = extensions(name)
                extending.update(r.resource_type for r in found)
                group = [*found, *([base] if base else [])]
                if group:
                    groups.append(tuple(group))
            # Optional types beside required ones are further resources the request may name
            # (ssm:SendCommand's instances besides its document): each adds its ARN when filled.
            for name in optional:
                extra = renderer(name) if name not in extending else None
                if extra is not None:
                    groups.append((extra,))
            return tuple(groups)
        candidates = [renderer(name) for name in optional]
        ordered = sorted_most_specific(r for r in candidates if r is not None)
        return (tuple(ordered),) if ordered else ()


@dataclass(slots=True)
class AlsoPlan:
    member: str
    plan: ActionPlan
    rename: tuple[tuple[str, str], ...]


class OperationPlan:
    """Everything one operation needs authorized, precomputed."""

    __slots__ = (
        "service",
        "operation",
        "members",
        "base",
        "instead",
        "also",
        "rule",
        "builder",
        "_step_plans",
        "mapped",
    )

    def __init__(
        self,
        service: str,
        operation: str,
        base: tuple[ActionPlan, ...],
        *,
        members: tuple[str, ...] = (),
        instead: tuple[str, tuple[ActionPlan, ...]] | None = None,
        also: tuple[AlsoPlan, ...] = (),
        rule: Rule | None = None,
        builder: PlanBuilder | None = None,
    ) -> None:
        self.service = service
        self.operation = operation
        self.members = members  # the operation's input members (botocore)
        self.base = base
        self.instead = instead
        self.also = also
        self.rule = rule
        self.builder = builder
        self._step_plans: dict[tuple[str, tuple[str, ...]], ActionPlan] = {}
        # False when an action is missing from the database (then authorized as <prefix>:<Operation> on "*")
        self.mapped = all(plan.info is not None for plan in base)

    def run(self, params: dict, context: Context) -> list[Authorization]:
        out: list[Authorization] = []
        if self.rule is not None and self.rule.expand is not None:
            steps = self.rule.expand(params)
            if steps:
                for action, named in steps:
                    self._step_plan(action, named).run(named, context, out)
                return _unique(out)
        plans = self.base
        if self.instead is not None and params.get(self.instead[0]):
            plans = self.instead[1]
        for plan in plans:
            plan.run(params, context, out)
        for extra in self.also:
            if params.get(extra.member):
                named = (
                    {name: params.get(member) for name, member in extra.rename} if extra.rename else params
                )
                extra.plan.run(named, context, out)
        return _unique(out) if len(out) > 1 else out

    def _step_plan(self, action: str, named: dict) -> ActionPlan:
        key = (action, tuple(sorted(named)))
        plan = self._step_plans.get(key)
        if plan is None:
            plan = self.builder.action_plan(action, key[1])
            self._step_plans[key] = plan
        return plan

    def action_infos(self) -> list[ActionInfo]:
        plans = [*self.base, *(self.instead[1] if self.instead else ()), *(extra.plan for extra in self.also)]
        return [plan.info for plan in plans if plan.info is not None]


def _unique(out: list[Authorization]) -> list[Authorization]:
    return list(dict.fromkeys(out))


def build_operation_plan(
    builder: PlanBuilder,
    operation: str,
    members: Collection[str],
    http: dict | None,
    uri_members: dict[str, str],
) -> OperationPlan:
    service = builder.service
    found = rule_for(service, operation)
    if found is not None:
        base = tuple(builder.action_plan(name, members) for name in found.actions)
        instead = None
        if found.instead is not None:
            member, names = found.instead
            instead = (member, tuple(builder.action_plan(name, members) for name in names))
        also = tuple(
            AlsoPlan(
                extra.member,
                builder.action_plan(
                    extra.action, [name for name, _ in extra.rename] if extra.rename else members
                ),
                extra.rename,
            )
            for extra in found.also
            if extra.member in members
        )
        return OperationPlan(
            service,
            operation,
            base,
            members=tuple(members),
            instead=instead,
            also=also,
            rule=found,
            builder=builder,
        )
    default = builder.action_plan(operation, members)
    if default.info is None and builder.prefix == "apigateway" and http:
        default = _http_verb_plan(builder, http, uri_members)
    return OperationPlan(service, operation, (default,), members=tuple(members), builder=builder)


def _http_verb_plan(builder: PlanBuilder, http: dict, uri_members: dict[str, str]) -> ActionPlan:
    """API Gateway's management API is authorized by HTTP verb on the request path's resource."""
    method = str(http.get("method", "GET")).upper()
    _, action, info = builder.resolve(method)
    renderer = PathRenderer(str(http.get("requestUri", "/")), uri_members)
    return ActionPlan(action, info, ((renderer,),))
