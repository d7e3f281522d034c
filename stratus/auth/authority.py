"""Who is calling, and may they: one object per server (`runtime.auth`), used by the dispatcher.

- `identify()` maps the request's access key to its principal; with STRATUS_IAM=audit|enforce it
  also verifies the signature (auth/sigv4.py) and the session token.
- `authorize()` maps the operation to IAM actions and resources (auth/actions.py), evaluates them
  (auth/evaluate.py) against the principal's policies and the resource's policy, records each
  decision on the request, and raises AccessDenied in enforce mode.
- `check()` is the same decision for an extra permission a provider needs (iam:PassRole,
  sts:TagSession, a role's trust policy).

Identity data lives with the services that own it (IAM users, keys and roles in `iam`, STS
sessions in `sts`); caches of what was read are dropped whenever IAM or STS changes anything
(`invalidate()`).
"""

from __future__ import annotations

import functools
import time
from types import SimpleNamespace
from typing import TYPE_CHECKING

from stratus.auth.credentials import CredentialScope, Principal, account_for_access_key
from stratus.auth.identity import Credential, CredentialDirectory
from stratus.auth.principal_policies import (
    PrincipalPolicies,
    load_policies,
    reads_resource_tags,
    reads_the_time,
)
from stratus.config import IAM_MODES

if TYPE_CHECKING:
    from botocore.model import OperationModel

    from stratus.auth.evaluate import AuthzRequest, Decision
    from stratus.core.context import RequestContext
    from stratus.protocol.http import HttpRequest
    from stratus.runtime import Runtime

# Operations that check their own permissions (they know what the request alone does not: the
# web identity token's claims, the session tags and source identity to authorize).
SELF_AUTHORIZED = frozenset(
    {("sts", "AssumeRole"), ("sts", "AssumeRoleWithWebIdentity"), ("sts", "AssumeRoleWithSAML")}
)
# Operations AWS answers without any permission ("No permissions are required"), even under an
# explicit deny.
NO_PERMISSION_NEEDED = frozenset({("sts", "GetCallerIdentity"), ("sts", "GetSessionToken")})
# Operations AWS takes unsigned: the links SNS mails out (SubscribeURL, UnsubscribeURL). The provider
# decides what an anonymous caller may do (a token, AuthenticateOnUnsubscribe).
ANONYMOUS_LINKS = frozenset({("sns", "ConfirmSubscription"), ("sns", "Unsubscribe")})
# How often at most a key's GetAccessKeyLastUsed record is rewritten (a write per request is waste).
KEY_USE_RECORD_INTERVAL = 60.0


class Authority:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.mode = runtime.config.iam_mode
        self.generation = 0  # bumped by every identity change
        self.credentials = CredentialDirectory(runtime)
        self._policies: dict[tuple[str, str], PrincipalPolicies] = {}
        self._decisions: dict[tuple, tuple[AuthzRequest, Decision]] = {}
        self._plans: dict[tuple, tuple[list, dict]] = {}
        self._key_use: dict[str, float] = {}
        self._roots: dict[str, Principal] = {}

    # ------------------------------------------------------------------ state

    def set_mode(self, mode: str) -> None:
        if mode not in IAM_MODES:
            raise ValueError(f"IAM mode must be one of {', '.join(IAM_MODES)}")
        self.mode = mode

    def warm(self) -> None:
        """Load the action database (and the evaluator) before the first request needs them."""
        from stratus.auth import actions, evaluate  # noqa: F401 - imported for their load time

        warm = getattr(actions, "warm", None)
        if warm is not None:
            warm()

    def invalidate(self) -> None:
        """Called by IAM and STS after any change to users, keys, roles, policies or sessions."""
        self.generation += 1
        self.credentials.clear()
        self._policies.clear()
        self._decisions.clear()

    def reset(self) -> None:
        self.invalidate()
        self.mode = self.runtime.config.iam_mode
        self._key_use.clear()

    # ------------------------------------------------------------------ who

    def identify(
        self, request: HttpRequest, scope: CredentialScope, service: str, operation: OperationModel
    ) -> tuple[Principal, Credential | None]:
        """The principal a request acts as, and the credential it was signed with."""
        if self.mode == "off":
            if "Signature=" in request.query_string:  # presigned: expiry holds even with IAM off
                self._check_presigned_expiry(request, service)
            return self._identify_unverified(scope.access_key_id, service)
        return self._identify_verified(request, service, operation)

    def _check_presigned_expiry(self, request: HttpRequest, service: str) -> None:
        from stratus.auth.sigv4 import check_presigned_expiry, read_signature
        from stratus.protocol.errors import ServiceError

        try:
            info = read_signature(request, service=service)
        except ServiceError:
            return  # malformed signature parameters are not checked with IAM off
        if info is not None:
            check_presigned_expiry(info, service, now_real=time.time(), clock=self.runtime.clock)

    def root_principal(self, access_key_id: str | None) -> Principal:
        account_id = account_for_access_key(access_key_id)
        principal = self._roots.get(account_id)
        if principal is None:
            principal = self._roots[account_id] = Principal.root(account_id)
        return principal

    def _identify_unverified(
        self, access_key_id: str | None, service: str
    ) -> tuple[Principal, Credential | None]:
        if not access_key_id or len(access_key_id) < 16:  # `test`, 12-digit account ids, nothing
            return self.root_principal(access_key_id), None
        credential = self.credentials.lookup(access_key_id)
        if credential is None:
            return self.root_principal(access_key_id), None
        if credential.session is not None:
            self._check_session_expiry(credential, service)
        return credential.principal, credential

    def _identify_verified(
        self, request: HttpRequest, service: str, operation: OperationModel
    ) -> tuple[Principal, Credential | None]:
        lazy = _modules()
        read_signature, signature_error = lazy.read_signature, lazy.signature_error
        info = read_signature(request, service=service)
        if info is None:
            if (
                operation.auth_type == "none"
                or service in ("s3", "s3control")
                or (service, operation.name) in ANONYMOUS_LINKS
            ):
                return Principal.anonymous(account_for_access_key(None)), None
            raise signature_error("missing", service)
        credential = self.credentials.lookup(info.access_key_id)
        if credential is None or not credential.active:
            raise signature_error("unknown_key", service, access_key_id=info.access_key_id)
        if credential.session is not None:
            if info.session_token != credential.session.session_token:
                raise signature_error("invalid_token", service)
            self._check_session_expiry(credential, service)
        lazy.verify_signature(
            request, info, credential.secret, service=service, now_real=time.time(), clock=self.runtime.clock
        )
        if credential.session is None and credential.user_name:
            self._record_key_use(credential, service, info.region)
        return credential.principal, credential

    def _check_session_expiry(self, credential: Credential, service: str) -> None:
        if credential.session is not None and self.runtime.clock.time() >= credential.session.expires_at:
            from stratus.auth.sigv4 import signature_error

            raise signature_error("expired_token", service)

    def _record_key_use(self, credential: Credential, service: str, region: str | None) -> None:
        now = time.monotonic()
        if (
            now - self._key_use.get(credential.access_key_id, -KEY_USE_RECORD_INTERVAL)
            < KEY_USE_RECORD_INTERVAL
        ):
            return
        self._key_use[credential.access_key_id] = now
        from stratus.services.iam.directory import IamDirectory
        from stratus.services.iam.store import MIGRATIONS

        directory = IamDirectory(self.runtime.state.database("iam", MIGRATIONS))
        directory.record_key_use(
            credential.access_key_id, service, region or "us-east-1", self.runtime.clock.now()
        )

    # ------------------------------------------------------------------ may they

    def authorize(self, ctx: RequestContext, params: dict) -> None:
        """Decide every action the request needs; record the decisions; deny in enforce mode."""
        if self.mode == "off":
            return
        operation = (ctx.service, ctx.operation)
        if operation in SELF_AUTHORIZED or operation in NO_PERMISSION_NEEDED:
            return
        provider = self.runtime.providers.get(ctx.service)
        if provider is not None and ctx.operation in provider.self_authorized_operations:
            return  # the provider decides with what only it knows (KMS: key policy, grants)
        if operation in ANONYMOUS_LINKS and ctx.principal.type == "Anonymous":
            return
        # Small requests repeat (GetUser(UserName=...), GetQueueUrl(...)): their mapping is remembered.
        plan_key = _small_params_key(ctx, params)
        plan = self._plans.get(plan_key) if plan_key is not None else None
        if plan is None:
            lazy = _modules()
            needed = lazy.authorizations(
                ctx.service,
                ctx.operation,
                params,
                account_id=ctx.account_id,
                region=ctx.region,
                partition=ctx.partition,
            )
            plan = (needed, lazy.request_condition_keys(ctx.service, ctx.operation, params))
            if plan_key is not None:
                if len(self._plans) > 10_000:
                    self._plans.clear()
                self._plans[plan_key] = plan
        needed, extra = plan
        canonical = (
            provider.canonical_resource_arn
            if provider is not None and provider.resolves_resource_arns
            else None
        )
        for item in needed:
            resource = item.resource
            if canonical is not None:
                resource = canonical(ctx, resource)  # e.g. a secret named by name: its real ARN
            if resource == "*" and ctx.service == "iam" and "UserName" not in params:
                resource = _caller_as_user(ctx)
            resource_account = item.resource_account
            if resource_account is None and _arn_without_account(resource):
                resource_account = self._resource_account(ctx, resource)
            self.check(ctx, item.action, resource, resource_account=resource_account, context=extra)

    def check(
        self,
        ctx: RequestContext,
        action: str,
        resource: str,
        *,
        resource_account: str | None = None,
        context: dict | None = None,
        resource_policy: str | None = None,
        resource_policy_kind: str = "resource",
        principal: Principal | None = None,
    ) -> Decision | None:
        """One decision: recorded on the request; AccessDenied raised in enforce mode if denied.

        `resource_policy` overrides the policy the called service's provider would give for the
        resource (a role's trust policy, for instance). Returns None when IAM is off.
        """
        if self.mode == "off":
            return None
        request, decision = self.decide(
            ctx,
            action,
            resource,
            resource_account=resource_account,
            context=context,
            resource_policy=resource_policy,
            resource_policy_kind=resource_policy_kind,
            principal=principal,
        )
        # Audit mode records every decision; enforce mode only its denials (what is allowed there is
        # the policy working as written, and recording costs on the hot path).
        if self.mode == "audit" or not decision.allowed:
            ctx.authorization.append(_record(request, decision))
        if not decision.allowed and self.mode == "enforce":
            from stratus.auth.denial import access_denied
            from stratus.auth.evaluate import denial_message

            raise access_denied(
                ctx.service,
                denial_message(request, decision),
                encoded_message=self._sealed(request, decision),
            )
        return decision

    def decide(
        self,
        ctx: RequestContext,
        action: str,
        resource: str,
        *,
        resource_account: str | None = None,
        context: dict | None = None,
        resource_policy: str | None = None,
        resource_policy_kind: str = "resource",
        principal: Principal | None = None,
    ) -> tuple[AuthzRequest, Decision]:
        lazy = _modules()
        AuthzRequest, Decision, LabeledPolicy = lazy.AuthzRequest, lazy.Decision, lazy.LabeledPolicy  # noqa: N806
        principal = principal or ctx.principal
        policies = self.policies_for(ctx, principal)
        if resource_policy is None:
            resource_policy = self._resource_policy(ctx, resource)
        labeled = None
        if resource_policy:
            try:
                labeled = LabeledPolicy(
                    lazy.cached_policy(resource_policy, resource_policy_kind), resource, "resource"
                )
            except lazy.PolicyError:
                labeled = None
        # aws:ResourceTag/* costs a lookup in the resource's service: done only when a policy reads it.
        resource_tags = None
        if resource != "*" and (
            policies.reads_resource_tags
            or (labeled is not None and reads_resource_tags(labeled.policy.document))
        ):
            resource_tags = self._resource_tags(ctx, resource)
        # The same caller doing the same thing under the same policies gets the same answer, unless
        # a policy looks at the time: such decisions are remembered (until any IAM change).
        cache_key = None
        if not policies.time_dependent and (labeled is None or not reads_the_time(labeled.policy.document)):
            cache_key = (
                principal.arn,
                principal.access_key_id,
                action,
                resource,
                resource_account,
                resource_policy,
                resource_policy_kind,
                ctx.source_ip,
                ctx.secure_transport,
                ctx.request is None,
                ctx.region,
                ctx.source_arn,
                _hashable(context) if context else None,
                tuple(sorted(resource_tags.items())) if resource_tags else None,
            )
            cached = self._decisions.get(cache_key)
            if cached is not None:
                return cached
        keys = lazy.global_condition_keys(ctx, principal, policies.tags)
        if resource_tags:
            prefix = action.split(":", 1)[0]
            for key, value in resource_tags.items():
                keys[f"aws:ResourceTag/{key}"] = value
                keys[f"{prefix}:ResourceTag/{key}"] = value  # iam:ResourceTag/..., the service's own form
        if context:
            keys.update(context)
        request = AuthzRequest(
            action=action,
            resource=resource,
            principal_arn=principal.arn,
            principal_account=principal.account_id,
            principal_type=principal.type,
            role_arn=principal.role_arn,
            resource_account=resource_account,
            context=keys,
        )
        decision = lazy.evaluate(
            request,
            identity=policies.identity,
            resource_policy=labeled,
            boundary=policies.boundary,
            session=policies.session,
            is_root=principal.type == "Root",
        )
        if resource_policy_kind == "trust" and decision.allowed and not _resource_allows(decision):
            # A role's trust policy is the one resource policy that must always allow: identity
            # policies alone never let anyone assume a role.
            decision = Decision(
                False, "implicitDeny", "no_resource_allow", "resource-based", decision.matched, []
            )
        if cache_key is not None:
            if len(self._decisions) > 20_000:
                self._decisions.clear()
            self._decisions[cache_key] = (request, decision)
        return request, decision

    def policies_for(self, ctx: RequestContext, principal: Principal) -> PrincipalPolicies:
        key = (principal.arn, principal.access_key_id or "")
        found = self._policies.get(key)
        if found is None:
            credential = self.credentials.lookup(principal.access_key_id) if principal.access_key_id else None
            if credential is None and principal.type == "IAMUser" and principal.name:
                credential = Credential("", "", principal, user_name=principal.name)
            found = load_policies(self.runtime, credential, principal.type, principal.account_id)
            if len(self._policies) > 10_000:
                self._policies.clear()
            self._policies[key] = found
        return found

    def _resource_policy(self, ctx: RequestContext, resource: str) -> str | None:
        if resource == "*":
            return None
        provider = self.runtime.providers.get(ctx.service)
        if provider is None:
            return None
        return provider.resource_policy(ctx, resource)

    def _resource_account(self, ctx: RequestContext, resource: str) -> str | None:
        """The owner of a resource whose ARN names no account (an S3 bucket), from its service."""
        provider = self.runtime.providers.get(ctx.service)
        return provider.resource_account(ctx, resource) if provider is not None else None

    def _resource_tags(self, ctx: RequestContext, resource: str) -> dict[str, str] | None:
        provider = self.runtime.providers.get(ctx.service)
        return provider.resource_tags(ctx, resource) if provider is not None else None

    def _sealed(self, request: AuthzRequest, decision: Decision) -> str | None:
        if self.runtime.providers.get("sts") is None:
            return None
        from stratus.auth.denial import SEAL_KEY_SETTING, new_seal_key, seal_message
        from stratus.services.sts import sessions

        db = self.runtime.state.database(sessions.STS_DATABASE, sessions.MIGRATIONS)
        key = sessions.setting(db, SEAL_KEY_SETTING, new_seal_key)
        return seal_message(key, authorization_document(request, decision))


@functools.cache
def _modules() -> SimpleNamespace:
    """The verification and evaluation functions, imported on first use: a server with IAM off never
    loads them (they cost ~70 ms of start-up), and the hot path does not re-import per request."""
    from stratus.auth.actions import authorizations, request_condition_keys
    from stratus.auth.context_keys import global_condition_keys
    from stratus.auth.evaluate import AuthzRequest, Decision, LabeledPolicy, evaluate
    from stratus.auth.policy import PolicyError, cached_policy
    from stratus.auth.sigv4 import read_signature, signature_error, verify_signature

    return SimpleNamespace(
        authorizations=authorizations,
        request_condition_keys=request_condition_keys,
        global_condition_keys=global_condition_keys,
        AuthzRequest=AuthzRequest,
        Decision=Decision,
        LabeledPolicy=LabeledPolicy,
        evaluate=evaluate,
        PolicyError=PolicyError,
        cached_policy=cached_policy,
        read_signature=read_signature,
        signature_error=signature_error,
        verify_signature=verify_signature,
    )


# IAM operations that act on the calling user when they name none (GetUser, ListAccessKeys,
# CreateAccessKey, ChangePassword...): AWS authorizes them on the caller's own user ARN.
def _caller_as_user(ctx: RequestContext) -> str:
    from stratus.protocol.loader import service_model

    principal = ctx.principal
    if principal.type != "IAMUser":
        return "*"
    members = service_model("iam").operation_model(ctx.operation).input_shape
    if ctx.operation == "ChangePassword" or (members is not None and "UserName" in members.members):
        return principal.arn
    return "*"


def _small_params_key(ctx: RequestContext, params: dict) -> tuple | None:
    if len(params) > 4:
        return None
    for value in params.values():
        if type(value) is not str or len(value) > 256:
            return None
    return (ctx.service, ctx.operation, ctx.account_id, ctx.region, *params.items())


def _hashable(context: dict) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in context.items()))


def _resource_allows(decision: Decision) -> bool:
    return any(labeled.source_type == "resource" and s.effect == "Allow" for labeled, s in decision.matched)


def _record(request: AuthzRequest, decision: Decision) -> dict:
    deciding = next((statement for _, statement in decision.matched if statement.effect == "Deny"), None)
    if deciding is None and decision.allowed and decision.matched:
        deciding = decision.matched[0][1]
    return {
        "principal": request.principal_arn,
        "action": request.action,
        "resource": request.resource,
        "decision": decision.eval_decision,
        "statement": _statement_label(decision, deciding),
    }


def _statement_label(decision: Decision, statement: object | None) -> str | None:
    if statement is None:
        return None
    for labeled, matched in decision.matched:
        if matched is statement:
            sid = getattr(statement, "sid", None)
            index = getattr(statement, "index", None)
            return f"{labeled.source_type}:{labeled.source_id}#{sid or index}"
    return None


def authorization_document(request: AuthzRequest, decision: Decision) -> dict:
    """What DecodeAuthorizationMessage returns, in AWS's shape."""
    return {
        "allowed": decision.allowed,
        "explicitDeny": decision.eval_decision == "explicitDeny",
        "matchedStatements": {
            "items": [
                {
                    "statementId": getattr(statement, "sid", None) or "",
                    "effect": statement.effect.upper(),
                    "principals": {"items": [{"value": request.principal_arn}]},
                    "principalGroups": {"items": []},
                    "actions": {"items": [{"value": request.action}]},
                    "resources": {"items": [{"value": request.resource}]},
                    "conditions": {"items": []},
                }
                for _, statement in decision.matched
            ]
        },
        "failures": {"items": []},
        "context": {
            "principal": {"id": request.context.get("aws:userid", ""), "arn": request.principal_arn},
            "action": request.action,
            "resource": request.resource,
            "conditions": {
                "items": [
                    {
                        "key": key,
                        "values": {
                            "items": [
                                {"value": str(v)} for v in (value if isinstance(value, list) else [value])
                            ]
                        },
                    }
                    for key, value in request.context.items()
                ]
            },
        },
    }


def _arn_without_account(resource: str) -> bool:
    """`arn:aws:s3:::bucket/key`: the ARN says nothing about the owning account."""
    parts = resource.split(":", 5)
    return len(parts) == 6 and parts[0] == "arn" and parts[4] == ""
