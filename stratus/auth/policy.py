"""IAM policy documents: the grammar, validation with IAM's messages, and the compiled form.

`parse_policy` checks a document the way IAM does when it is stored (CreatePolicy,
PutUserPolicy, CreateRole's trust policy, a bucket policy, an STS session policy...) and
raises `PolicyError` whose `.message` is what IAM answers in MalformedPolicyDocument.
The result is compiled for evaluation (see `stratus.auth.evaluate`): patterns become
regular expressions once, so a policy is parsed once and evaluated many times
(`cached_policy`). Size limits differ per caller and are the caller's to check.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from stratus.auth.conditions import (
    SYNTAX_ERROR,
    VENDOR_ERROR,
    ConditionSyntaxError,
    ConditionTest,
    compile_conditions,
)
from stratus.auth.matching import (
    ActionMatcher,
    PrincipalSet,
    ResourceMatcher,
    compile_actions,
    compile_resources,
    principal_set,
)

PolicyKind = Literal["identity", "resource", "trust", "boundary", "session"]

VERSION_2012 = "2012-10-17"
VERSION_2008 = "2008-10-17"

# Messages IAM answers with MalformedPolicyDocument.
LEGACY_PARSING = "The policy failed legacy parsing"
NO_PRINCIPAL_ALLOWED = "Policy document should not specify a principal."
MISSING_PRINCIPAL = "Missing required field Principal"
MISSING_EFFECT = "Missing required field Effect"
MISSING_ACTIONS = "Policy statement must contain actions."
MISSING_RESOURCES = "Policy statement must contain resources."
DUPLICATE_SID = "Statement IDs (SID) in a single policy must be unique."
SID_NOT_ALPHANUMERIC = (
    "Statement IDs (SID) must be alpha-numeric. "
    "Check that your input satisfies the regular expression [0-9A-Za-z]*"
)
ONE_COLON = "Actions/Condition can contain only one colon."
TRUST_ACTIONS = "AssumeRole policy may only specify STS AssumeRole actions."

_TOP_LEVEL = frozenset({"Version", "Id", "Statement"})
_STATEMENT_FIELDS = frozenset(
    {
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    }
)
_PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
_PARTITIONS = frozenset(
    {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}
)
_SID = re.compile(r"[0-9A-Za-z]*")
_VENDOR = re.compile(r"[A-Za-z0-9-]+")
_ACCOUNT_ID = re.compile(r"\d{12}")
_AWS_PRINCIPAL_ARN = re.compile(
    r"arn:aws[a-z-]*:(?:iam::\d{12}:(?:root|user/.+|role/.+)"
    r"|sts::\d{12}:(?:assumed-role/[^/]+/.+|federated-user/.+))"
)
_UNIQUE_ID = re.compile(r"A[A-Z0-9]{15,127}")  # AIDA..., AROA...: principals IAM keeps by id
_SERVICE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*")
_CANONICAL_USER = re.compile(r"[0-9a-f]{64}")


class PolicyError(Exception):
    """A document IAM rejects; `message` is IAM's MalformedPolicyDocument message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Statement:
    """One compiled statement. Exactly one of each pair (actions/not_actions, ...) is set,
    except that principal blocks are None in identity policies and resource blocks are None
    in trust policies."""

    index: int  # 0-based position in the document
    sid: str | None
    effect: str  # "Allow" | "Deny"
    actions: ActionMatcher | None
    not_actions: ActionMatcher | None
    resources: ResourceMatcher | None
    not_resources: ResourceMatcher | None
    principals: PrincipalSet | None
    not_principals: PrincipalSet | None
    conditions: tuple[ConditionTest, ...]

    @property
    def is_allow(self) -> bool:
        return self.effect == "Allow"

    def matches_action(self, action_lower: str) -> bool:
        if self.actions is not None:
            return self.actions.matches(action_lower)
        assert self.not_actions is not None
        return not self.not_actions.matches(action_lower)

    def matches_resource(self, resource: str, context: Mapping[str, object]) -> bool:
        if self.resources is not None:
            return self.resources.matches(resource, context)
        if self.not_resources is not None:
            return not self.not_resources.matches(resource, context)
        return True  # trust policies: the role itself is the resource


@dataclass(frozen=True, slots=True)
class Policy:
    document: str
    kind: PolicyKind
    version: str | None  # None: no Version element (2008-10-17 semantics)
    id: str | None
    statements: tuple[Statement, ...]

    @property
    def variables_enabled(self) -> bool:
        """Policy variables are substituted only in Version 2012-10-17 documents."""
        return self.version == VERSION_2012


def parse_policy(document: str, kind: PolicyKind = "identity") -> Policy:
    """Validate a policy document as IAM does and compile it. Raises PolicyError."""
    try:
        data = json.loads(document)
    except (ValueError, TypeError):
        raise PolicyError(SYNTAX_ERROR) from None
    if not isinstance(data, dict):
        raise PolicyError(SYNTAX_ERROR)
    if not set(data) <= _TOP_LEVEL:
        raise PolicyError(SYNTAX_ERROR)
    version = data.get("Version")
    if version is not None and version not in (VERSION_2012, VERSION_2008):
        raise PolicyError(LEGACY_PARSING)
    policy_id = data.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        raise PolicyError(SYNTAX_ERROR)
    if "Statement" not in data:
        raise PolicyError(SYNTAX_ERROR)
    raw_statements = data["Statement"]
    if isinstance(raw_statements, dict):
        raw_statements = [raw_statements]
    if not isinstance(raw_statements, list) or not raw_statements:
        raise PolicyError(SYNTAX_ERROR)
    variables = version == VERSION_2012
    statements = tuple(
        _parse_statement(index, raw, kind, variables) for index, raw in enumerate(raw_statements)
    )
    sids = [s.sid for s in statements if s.sid]
    if len(sids) != len(set(sids)):
        raise PolicyError(DUPLICATE_SID)
    return Policy(document=document, kind=kind, version=version, id=policy_id, statements=statements)


@lru_cache(maxsize=2048)
def cached_policy(document: str, kind: PolicyKind = "identity") -> Policy:
    """`parse_policy`, memoized: stored policies are parsed once, evaluated many times."""
    return parse_policy(document, kind)


# ---------------------------------------------------------------- statements


def _parse_statement(index: int, raw: object, kind: PolicyKind, variables: bool) -> Statement:
    if not isinstance(raw, dict):
        raise PolicyError(SYNTAX_ERROR)
    if not set(raw) <= _STATEMENT_FIELDS:
        raise PolicyError(SYNTAX_ERROR)
    sid = _parse_sid(raw.get("Sid"), kind)
    effect = _parse_effect(raw)
    principals, not_principals = _parse_principal_pair(raw, kind)
    actions, not_actions = _parse_action_pair(raw, kind)
    resources, not_resources = _parse_resource_pair(raw, kind, variables)
    conditions: tuple[ConditionTest, ...] = ()
    if "Condition" in raw:
        try:
            conditions = compile_conditions(raw["Condition"], variables)
        except ConditionSyntaxError as error:
            raise PolicyError(str(error)) from None
    return Statement(
        index=index,
        sid=sid,
        effect=effect,
        actions=actions,
        not_actions=not_actions,
        resources=resources,
        not_resources=not_resources,
        principals=principals,
        not_principals=not_principals,
        conditions=conditions,
    )


def _parse_sid(sid: object, kind: PolicyKind) -> str | None:
    if sid is None:
        return None
    if not isinstance(sid, str):
        raise PolicyError(SYNTAX_ERROR)
    # IAM allows only [0-9A-Za-z] in Sids; resource policies (S3, KMS, SNS...) are laxer.
    if kind != "resource" and _SID.fullmatch(sid) is None:
        raise PolicyError(SID_NOT_ALPHANUMERIC)
    return sid


def _parse_effect(raw: dict) -> str:
    if "Effect" not in raw:
        raise PolicyError(MISSING_EFFECT)
    effect = raw["Effect"]
    if not isinstance(effect, str):
        raise PolicyError(SYNTAX_ERROR)
    if effect not in ("Allow", "Deny"):
        raise PolicyError(LEGACY_PARSING)
    return effect


def _string_list(value: object) -> list[str]:
    """A string or a list of strings (the grammar's `"x"` or `["x", ...]`)."""
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) for v in values):
        raise PolicyError(SYNTAX_ERROR)
    return values  # type: ignore[return-value]


def _one_of(raw: dict, name: str) -> tuple[object, object]:
    positive, negative = raw.get(name), raw.get("Not" + name)
    if name in raw and "Not" + name in raw:
        raise PolicyError(SYNTAX_ERROR)
    return positive, negative


# ---------------------------------------------------------------- actions


def _parse_action_pair(raw: dict, kind: PolicyKind) -> tuple[ActionMatcher | None, ActionMatcher | None]:
    positive, negative = _one_of(raw, "Action")
    chosen = positive if "Action" in raw else negative
    if "Action" not in raw and "NotAction" not in raw:
        raise PolicyError(MISSING_ACTIONS)
    actions = _string_list(chosen)
    if not actions:
        raise PolicyError(MISSING_ACTIONS)
    for action in actions:
        _check_action(action)
    only_sts = all(a == "*" or a.lower().startswith("sts:") for a in actions)
    if kind == "trust" and "Action" in raw and not only_sts:
        raise PolicyError(TRUST_ACTIONS)
    matcher = compile_actions(actions)
    return (matcher, None) if "Action" in raw else (None, matcher)


def _check_action(action: str) -> None:
    if action == "*":
        return
    if ":" not in action:
        raise PolicyError(VENDOR_ERROR)
    vendor, _, name = action.partition(":")
    if ":" in name:
        raise PolicyError(ONE_COLON)
    if _VENDOR.fullmatch(vendor) is None:
        raise PolicyError(f"Vendor {vendor} is not valid")


# ---------------------------------------------------------------- resources


def _parse_resource_pair(
    raw: dict, kind: PolicyKind, variables: bool
) -> tuple[ResourceMatcher | None, ResourceMatcher | None]:
    if kind == "trust":
        for field in ("Resource", "NotResource"):
            if field in raw:
                raise PolicyError(f"Has prohibited field {field}")
        return None, None
    _one_of(raw, "Resource")
    if "Resource" not in raw and "NotResource" not in raw:
        raise PolicyError(MISSING_RESOURCES)
    field = "Resource" if "Resource" in raw else "NotResource"
    resources = _string_list(raw[field])
    if not resources:
        raise PolicyError(MISSING_RESOURCES)
    for resource in resources:
        _check_resource(resource)
    matcher = compile_resources(resources, variables)
    return (matcher, None) if field == "Resource" else (None, matcher)


def _check_resource(resource: str) -> None:
    if resource == "*":
        return
    parts = resource.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        raise PolicyError(f'Resource {resource} must be in ARN format or "*".')
    partition = parts[1]
    if partition not in _PARTITIONS and "*" not in partition and "?" not in partition:
        raise PolicyError(f'Partition "{partition}" is not valid for resource "{resource}".')


# ---------------------------------------------------------------- principals


def _parse_principal_pair(raw: dict, kind: PolicyKind) -> tuple[PrincipalSet | None, PrincipalSet | None]:
    present = [f for f in ("Principal", "NotPrincipal") if f in raw]
    if kind in ("identity", "boundary", "session"):
        if present:
            raise PolicyError(NO_PRINCIPAL_ALLOWED)
        return None, None
    if not present:
        raise PolicyError(MISSING_PRINCIPAL)
    if len(present) == 2:
        raise PolicyError(SYNTAX_ERROR)
    parsed = _parse_principal(raw[present[0]])
    return (parsed, None) if present[0] == "Principal" else (None, parsed)


def _parse_principal(value: object) -> PrincipalSet:
    if value == "*":
        return principal_set(None, wildcard=True)
    if not isinstance(value, dict) or not value:
        raise PolicyError(SYNTAX_ERROR)
    block: dict[str, tuple[str, ...]] = {}
    for principal_type, entries in value.items():
        if principal_type not in _PRINCIPAL_TYPES:
            raise PolicyError(SYNTAX_ERROR)
        names = _string_list(entries)
        if not names:
            raise PolicyError(SYNTAX_ERROR)
        for name in names:
            if not _valid_principal(principal_type, name):
                shown = "AWS" if principal_type == "AWS" else principal_type.upper()
                raise PolicyError(f'Invalid principal in policy: "{shown}":"{name}"')
        block[principal_type] = tuple(names)
    return principal_set(block, wildcard=False)


def _valid_principal(principal_type: str, name: str) -> bool:
    if principal_type == "AWS":
        if name == "*":
            return True
        if "*" in name or "?" in name:  # no partial wildcards in principals
            return False
        return bool(
            _ACCOUNT_ID.fullmatch(name) or _AWS_PRINCIPAL_ARN.fullmatch(name) or _UNIQUE_ID.fullmatch(name)
        )
    if principal_type == "Service":
        return name == "*" or _SERVICE.fullmatch(name) is not None
    if principal_type == "CanonicalUser":
        return _CANONICAL_USER.fullmatch(name) is not None
    return bool(name) and " " not in name  # Federated: a provider name or provider ARN
