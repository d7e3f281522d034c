"""The policies that apply to a principal: identity policies, permissions boundary, session
policies and principal tags, read from IAM (and the STS session) and parsed once."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from stratus.auth.identity import Credential

if TYPE_CHECKING:
    from stratus.auth.evaluate import LabeledPolicy
    from stratus.runtime import Runtime


# Condition keys whose value changes from one request to the next by itself (the time).
TIME_KEYS = ("aws:currenttime", "aws:epochtime", "aws:multifactorauthage", "aws:tokenissuetime")


@functools.lru_cache(maxsize=4096)
def reads_the_time(document: str) -> bool:
    lowered = document.lower()
    return any(key in lowered for key in TIME_KEYS)


@functools.lru_cache(maxsize=4096)
def reads_resource_tags(document: str) -> bool:
    return "resourcetag/" in document.lower()


@dataclass(frozen=True, slots=True)
class PrincipalPolicies:
    identity: tuple[LabeledPolicy, ...] = ()
    boundary: LabeledPolicy | None = None
    session: tuple[LabeledPolicy, ...] | None = None  # None: not a session with session policies
    tags: dict[str, str] = field(default_factory=dict)
    time_dependent: bool = False  # a policy reads the time: its decisions cannot be remembered
    reads_resource_tags: bool = False  # a policy tests aws:ResourceTag/*: the resource's tags are needed


NO_POLICIES = PrincipalPolicies()


def _labeled(document: str, source_id: str, source_type: str, kind: str = "identity") -> LabeledPolicy | None:
    from stratus.auth.evaluate import LabeledPolicy
    from stratus.auth.policy import PolicyError, cached_policy

    try:
        return LabeledPolicy(cached_policy(document, kind), source_id, source_type)
    except PolicyError:  # stored documents were validated when written; a bad one grants nothing
        return None


def _iam_directory(runtime: Runtime):
    from stratus.services.iam.directory import IamDirectory
    from stratus.services.iam.store import MIGRATIONS

    return IamDirectory(runtime.state.database("iam", MIGRATIONS))


def load_policies(
    runtime: Runtime, credential: Credential | None, principal_type: str, account_id: str
) -> PrincipalPolicies:
    """Everything IAM says about the principal behind `credential` (root and services have none)."""
    if credential is None or principal_type in ("Root", "AWSService", "Anonymous"):
        return NO_POLICIES
    directory = _iam_directory(runtime)
    principal = credential.principal
    sources, boundary_arn, tags = [], None, dict(credential.tags)
    if principal_type == "AssumedRole" and principal.name:
        role = directory.role(account_id, principal.name)
        if role is not None:
            sources = directory.role_policies(account_id, principal.name)
            boundary_arn = role.boundary_arn
            tags = {**role.tags, **credential.tags}  # session tags override the role's tags
    elif credential.user_name:  # IAM user, its GetSessionToken sessions, and federated users
        user = directory.user(account_id, credential.user_name)
        if user is not None:
            sources = directory.user_policies(account_id, credential.user_name)
            boundary_arn = user.boundary_arn
            tags = {**user.tags, **credential.tags} if principal_type == "FederatedUser" else dict(user.tags)
    identity = tuple(
        p for s in sources if (p := _labeled(s.document, s.source_id, s.source_type)) is not None
    )
    boundary = None
    if boundary_arn:
        document = directory.managed_policy_document(account_id, boundary_arn)
        if document is not None:
            boundary = _labeled(document, boundary_arn, "boundary")
    session = None
    if credential.session is not None and (
        credential.session.session_policies or principal_type == "FederatedUser"
    ):
        # A federated user without a session policy has no permissions at all (AWS's rule).
        session = tuple(
            p
            for index, document in enumerate(credential.session.session_policies)
            if (p := _labeled(document, f"session-policy-{index + 1}", "session")) is not None
        )
    every = [*identity, *([boundary] if boundary else []), *(session or ())]
    time_dependent = any(reads_the_time(labeled.policy.document) for labeled in every)
    reads_tags = any(reads_resource_tags(labeled.policy.document) for labeled in every)
    return PrincipalPolicies(identity, boundary, session, tags, time_dependent, reads_tags)
