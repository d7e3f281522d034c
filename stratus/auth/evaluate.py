"""The authorization decision: AWS's policy evaluation logic over compiled policies.

Follows IAM's "Policy evaluation logic", "Determining whether a request is allowed or denied
within an account" and "Cross-account policy evaluation logic":

1. An explicit Deny in any applicable policy (SCP, resource, identity, boundary, session) wins.
2. SCPs, when given, must allow (they bound every principal of the account, root included).
3. Service principals, web-identity/SAML providers and anonymous callers are allowed only by
   a resource policy (a bucket policy, a trust policy...) that names them.
4. The root user of the resource's account is allowed; elsewhere it needs the resource policy.
5. Cross-account: the caller's identity policies (capped by its boundary and session
   policies) and the resource policy must both allow.
6. Same account: a resource policy naming the principal itself (IAM user, role session,
   federated user session, or "*") allows on its own; one naming the role still needs the
   boundary and session policies; otherwise identity policies must allow, and the boundary
   and session policies (when present) too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from stratus.auth.conditions import conditions_hold, missing_keys
from stratus.auth.matching import ANONYMOUS, SERVICE, principal_match
from stratus.auth.policy import Policy, Statement

ALLOWED = "allowed"
EXPLICIT_DENY = "explicitDeny"
IMPLICIT_DENY = "implicitDeny"

IDENTITY_BASED = "identity-based"
RESOURCE_BASED = "resource-based"
BOUNDARY = "permissions boundary"
SESSION = "session policy"
SCP = "service control policy"

# Callers that hold no identity policies: only a resource policy can let them in.
_RESOURCE_ONLY_TYPES = frozenset({SERVICE, ANONYMOUS, "WebIdentityUser", "SAMLUser"})
# How a resource-policy Allow names the caller; these grant access on their own
# within the account (see module docstring, rule 6).
_DIRECT_GRANTS = frozenset({"principal", "any", "not_principal", "service", "federated"})

# aws:PrincipalType per principal type
PRINCIPAL_TYPE_VALUES = {
    "Root": "Account",
    "IAMUser": "User",
    "AssumedRole": "AssumedRole",
    "FederatedUser": "FederatedUser",
    "WebIdentityUser": "WebIdentityUser",
    "Anonymous": "Anonymous",
}


@dataclass(frozen=True, slots=True)
class AuthzRequest:
    action: str  # "s3:GetObject"
    resource: str  # an ARN, or "*" for actions without resource-level permissions
    principal_arn: str  # user/role-session/root ARN, "sns.amazonaws.com", or "anonymous"
    principal_account: str | None
    principal_type: (
        str  # Root | IAMUser | AssumedRole | FederatedUser | AWSService | Anonymous | WebIdentityUser
    )
    role_arn: str | None = None  # for AssumedRole: the role's IAM ARN (with its path)
    resource_account: str | None = None  # None: the principal's own account
    context: Mapping[str, object] = field(default_factory=dict)  # condition keys, any case


@dataclass(frozen=True, slots=True)
class LabeledPolicy:
    """A policy with where it came from, as SimulatePrincipalPolicy reports it."""

    policy: Policy
    source_id: str  # policy ARN, "user/alice/inline-name", bucket name...
    source_type: (
        str  # user | group | role | aws-managed | user-managed | resource | boundary | session | none
    )


@dataclass(slots=True)
class Decision:
    allowed: bool
    eval_decision: str  # allowed | explicitDeny | implicitDeny
    reason: str  # the rule that decided, e.g. "explicit_deny", "no_identity_allow", "root"
    deny_policy_type: str | None  # identity-based | resource-based | permissions boundary | ...
    matched: list[tuple[LabeledPolicy, Statement]]
    missing_context_values: list[str]


def request_context(request: AuthzRequest) -> dict[str, object]:
    """The request's condition keys, lower-cased, plus the principal keys AWS always sets
    (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:username) when the
    caller did not supply them."""
    context = {key.lower(): value for key, value in request.context.items()}
    principal_type = request.principal_type
    if principal_type in (SERVICE, ANONYMOUS):
        if principal_type == ANONYMOUS:
            context.setdefault("aws:principaltype", "Anonymous")
        return context
    # For a role session aws:PrincipalArn is the role's ARN, not the session's.
    principal_arn = request.role_arn if principal_type == "AssumedRole" else request.principal_arn
    if principal_arn:
        context.setdefault("aws:principalarn", principal_arn)
    if request.principal_account:
        context.setdefault("aws:principalaccount", request.principal_account)
    if principal_type in PRINCIPAL_TYPE_VALUES:
        context.setdefault("aws:principaltype", PRINCIPAL_TYPE_VALUES[principal_type])
    if principal_type == "IAMUser":
        context.setdefault("aws:username", request.principal_arn.rsplit("/", 1)[-1])
    return context


class _Scan:
    """Walks policies once, collecting the statements that apply to the request."""

    __slots__ = ("action", "resource", "context", "matched", "missing")

    def __init__(self, request: AuthzRequest, context: Mapping[str, object]) -> None:
        self.action = request.action.lower()
        self.resource = request.resource
        self.context = context
        self.matched: list[tuple[LabeledPolicy, Statement]] = []
        self.missing: dict[str, None] = {}  # ordered set

    def applicable(self, labeled: LabeledPolicy, statement: Statement) -> bool:
        if not statement.matches_action(self.action):
            return False
        if not statement.matches_resource(self.resource, self.context):
            return False
        if statement.conditions:
            for key in missing_keys(statement.conditions, self.context):
                self.missing[key] = None
            if not conditions_hold(statement.conditions, self.context):
                return False
        return True

    def policies(self, policies: Sequence[LabeledPolicy]) -> tuple[bool, bool]:
        """(some statement allows, some statement denies)."""
        allowed = denied = False
        for labeled in policies:
            for statement in labeled.policy.statements:
                if self.applicable(labeled, statement):
                    self.matched.append((labeled, statement))
                    if statement.is_allow:
                        allowed = True
                    else:
                        denied = True
        return allowed, denied

    def resource_policy(
        self, labeled: LabeledPolicy, request: AuthzRequest, has_boundary: bool
    ) -> tuple[set[str], bool]:
        """(how the Allow statements name the caller, some statement denies)."""
        grants: set[str] = set()
        denied = False
        for statement in labeled.policy.statements:
            how = _names_caller(statement, request, has_boundary)
            if how is None or not self.applicable(labeled, statement):
                continue
            self.matched.append((labeled, statement))
            if statement.is_allow:
                grants.add(how)
            else:
                denied = True
        return grants, denied


def _names_caller(statement: Statement, request: AuthzRequest, has_boundary: bool) -> str | None:
    if statement.principals is not None:
        return principal_match(statement.principals, request)
    if statement.not_principals is not None:
        # IAM: a Deny with NotPrincipal always applies to a principal that has a
        # permissions boundary, whatever NotPrincipal lists.
        if has_boundary and not statement.is_allow:
            return "not_principal"
        if principal_match(statement.not_principals, request) is None:
            return "not_principal"
        return None
    return "any"  # not reachable for validated resource policies


def evaluate(
    request: AuthzRequest,
    *,
    identity: Sequence[LabeledPolicy] = (),
    resource_policy: LabeledPolicy | None = None,
    boundary: LabeledPolicy | None = None,
    session: Sequence[LabeledPolicy] | None = None,
    scps: Sequence[LabeledPolicy] | None = None,
    is_root: bool = False,
) -> Decision:
    """Decide a request. `session=None` means the caller has no session policies; an empty
    sequence means it is bound by session policies and has none (GetFederationToken without
    a policy: nothing is allowed). `scps=None` means no organization policies apply."""
    scan = _Scan(request, request_context(request))
    identity_allows, identity_denies = scan.policies(identity)
    grants: set[str] = set()
    resource_denies = False
    if resource_policy is not None:
        grants, resource_denies = scan.resource_policy(
            resource_policy, request, has_boundary=boundary is not None
        )
    boundary_allows, boundary_denies = scan.policies((boundary,)) if boundary else (True, False)
    session_allows, session_denies = (True, False) if session is None else scan.policies(session)
    scp_allows, scp_denies = (True, False) if scps is None else scan.policies(scps)

    def decide(allowed: bool, reason: str, policy_type: str | None = None) -> Decision:
        explicit = reason == "explicit_deny"
        return Decision(
            allowed=allowed,
            eval_decision=ALLOWED if allowed else EXPLICIT_DENY if explicit else IMPLICIT_DENY,
            reason=reason,
            deny_policy_type=None if allowed else policy_type,
            matched=scan.matched,
            missing_context_values=list(scan.missing),
        )

    for denied, policy_type in (
        (scp_denies, SCP),
        (identity_denies, IDENTITY_BASED),
        (resource_denies, RESOURCE_BASED),
        (boundary_denies, BOUNDARY),
        (session_denies, SESSION),
    ):
        if denied:
            return decide(False, "explicit_deny", policy_type)
    if not scp_allows:
        return decide(False, "scp", SCP)

    same_account = request.resource_account is None or request.resource_account == request.principal_account
    if request.principal_type in _RESOURCE_ONLY_TYPES:
        if grants:
            return decide(True, "resource_allow")
        return decide(False, "no_resource_allow", RESOURCE_BASED)
    if is_root or request.principal_type == "Root":
        if same_account:
            return decide(True, "root")
        if grants:
            return decide(True, "cross_account_resource_allow")
        return decide(False, "cross_account_resource", RESOURCE_BASED)

    if not same_account:
        if not identity_allows:
            return decide(False, "no_identity_allow", IDENTITY_BASED)
        if not boundary_allows:
            return decide(False, "boundary", BOUNDARY)
        if not session_allows:
            return decide(False, "session_policy", SESSION)
        if not grants:
            return decide(False, "cross_account_resource", RESOURCE_BASED)
        return decide(True, "cross_account_allow")

    if grants & _DIRECT_GRANTS:
        return decide(True, "resource_allow")
    if "role" in grants and boundary_allows and session_allows:
        return decide(True, "resource_allow")
    if identity_allows and boundary_allows and session_allows:
        return decide(True, "identity_allow")
    if not identity_allows and "role" not in grants:
        return decide(False, "no_identity_allow", IDENTITY_BASED)
    if not boundary_allows:
        return decide(False, "boundary", BOUNDARY)
    return decide(False, "session_policy", SESSION)


_EXPLICIT_PHRASE = {
    IDENTITY_BASED: "an identity-based policy",
    RESOURCE_BASED: "a resource-based policy",
    BOUNDARY: "a permissions boundary",
    SESSION: "a session policy",
    SCP: "a service control policy",
}
_IMPLICIT_PHRASE = {
    IDENTITY_BASED: "identity-based policy",
    RESOURCE_BASED: "resource-based policy",
    BOUNDARY: "permissions boundary",
    SESSION: "session policy",
    SCP: "service control policy",
}


def denial_message(request: AuthzRequest, decision: Decision) -> str:
    """AWS's AccessDenied text, e.g. "User: arn:aws:iam::123456789012:user/alice is not
    authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k because no
    identity-based policy allows the s3:GetObject action". Empty for an allowed decision."""
    if decision.allowed:
        return ""
    who = "anonymous" if request.principal_type == ANONYMOUS else request.principal_arn
    text = f"User: {who} is not authorized to perform: {request.action}"
    if request.resource and request.resource != "*":
        text += f" on resource: {request.resource}"
    policy_type = decision.deny_policy_type or IDENTITY_BASED
    if decision.eval_decision == EXPLICIT_DENY:
        return f"{text} with an explicit deny in {_EXPLICIT_PHRASE[policy_type]}"
    return f"{text} because no {_IMPLICIT_PHRASE[policy_type]} allows the {request.action} action"
