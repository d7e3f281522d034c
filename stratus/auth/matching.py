"""Pattern matching for IAM policies: actions, resource ARNs, policy variables, principals.

Everything that can be decided when a policy is parsed is decided then: wildcard patterns
become compiled regular expressions, action patterns are lower-cased once, and resource
patterns that use policy variables are split into literal regex fragments and variable slots,
so a request only fills the slots in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

# ${name} or ${name, 'default'}; a quote inside the default is written ''.
_VARIABLE = re.compile(r"\$\{\s*([^,}\s]+)\s*(?:,\s*'((?:[^']|'')*)'\s*)?\}")
# ${*} ${?} ${$} stand for the literal character, never a wildcard or a variable.
_ESCAPES = {"${*}": "*", "${?}": "?", "${$}": "$"}

# The first five colons of an ARN separate partition, service, region and account.
_ARN_FIXED_SEGMENTS = 5


@dataclass(frozen=True, slots=True)
class Variable:
    """A `${key}` slot in a pattern; `key` is lower-cased (context keys are case-insensitive)."""

    key: str
    default: str | None


# A template is literal text, escaped single characters and variables, in order.
Piece = str | Variable


def split_variables(text: str) -> tuple[Piece, ...]:
    """Split text into literal pieces and `Variable`s. The escapes `${*}` `${?}` `${$}` become
    key-less variables whose default is the character, so wildcard translation skips them."""
    pieces: list[Piece] = []
    position = 0
    while True:
        start = text.find("${", position)
        if start < 0:
            break
        escape = text[start : start + 4]
        if escape in _ESCAPES:
            if start > position:
                pieces.append(text[position:start])
            pieces.append(Variable(key="", default=_ESCAPES[escape]))
            position = start + 4
            continue
        match = _VARIABLE.match(text, start)
        if match is None:  # not a well-formed variable: keep the text as it is
            pieces.append(text[position : start + 2])
            position = start + 2
            continue
        if start > position:
            pieces.append(text[position:start])
        default = match.group(2)
        pieces.append(
            Variable(
                key=match.group(1).lower(),
                default=None if default is None else default.replace("''", "'"),
            )
        )
        position = match.end()
    if position < len(text):
        pieces.append(text[position:])
    return _merge_literals(pieces)


def _merge_literals(pieces: list[Piece]) -> tuple[Piece, ...]:
    merged: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] = merged[-1] + piece
        else:
            merged.append(piece)
    return tuple(merged)


def has_variables(text: str) -> bool:
    return "${" in text


def variable_value(variable: Variable, context: Mapping[str, object]) -> str | None:
    """The text a variable stands for, or None when it has no value (the element then fails).

    Escapes are variables with an empty key and their character as the default. A
    multi-valued key cannot be used as a variable, so a list resolves like a missing key."""
    if variable.key:
        value = context.get(variable.key)
        if value is not None and not isinstance(value, (list, tuple, set, frozenset)):
            return format_context_value(value)
    return variable.default


def format_context_value(value: object) -> str:
    """How a context value reads when put into a string (`true`, not `True`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        text = value.isoformat()  # type: ignore[attr-defined]
        return text.replace("+00:00", "Z")
    return str(value)


def substitute(pieces: tuple[Piece, ...], context: Mapping[str, object]) -> str | None:
    """Fill the variables of a template with plain text (used for condition values)."""
    parts: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            parts.append(piece)
            continue
        value = variable_value(piece, context)
        if value is None:
            return None
        parts.append(value)
    return "".join(parts)


# ---------------------------------------------------------------- wildcards


def wildcard_regex(pattern: str) -> str:
    """`*` any run of characters, `?` exactly one; everything else literal."""
    return "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)


@lru_cache(maxsize=4096)
def compiled_wildcard(pattern: str, ignore_case: bool = False) -> re.Pattern[str]:
    return re.compile(wildcard_regex(pattern), re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def wildcard_match(pattern: str, value: str, ignore_case: bool = False) -> bool:
    if "*" not in pattern and "?" not in pattern:
        return pattern.lower() == value.lower() if ignore_case else pattern == value
    return compiled_wildcard(pattern, ignore_case).fullmatch(value) is not None


def _arn_pattern_regex(text: str, colons_before: int) -> tuple[str, int]:
    """Translate literal resource-pattern text, tracking which ARN segment each char is in.

    Within the partition/service/region/account segments a `*` stays inside its segment,
    unless it is the segment's last character, where it may run past the colon (as IAM's
    Resource docs describe). In the resource part anything goes."""
    out: list[str] = []
    colons = colons_before
    for index, char in enumerate(text):
        if char == ":":
            colons += 1
            out.append(":")
        elif char == "*":
            following = text[index + 1] if index + 1 < len(text) else ""
            in_fixed_segment = colons < _ARN_FIXED_SEGMENTS
            out.append("[^:]*" if in_fixed_segment and following not in (":", "") else ".*")
        elif char == "?":
            out.append("[^:]" if colons < _ARN_FIXED_SEGMENTS else ".")
        else:
            out.append(re.escape(char))
    return "".join(out), colons


# ---------------------------------------------------------------- actions


@dataclass(frozen=True, slots=True)
class ActionMatcher:
    """The Action (or NotAction) list of one statement, compiled."""

    patterns: tuple[str, ...]
    match_all: bool
    exact: frozenset[str]  # lower-cased patterns without wildcards
    regex: re.Pattern[str] | None  # every wildcard pattern as one alternation

    def matches(self, action_lower: str) -> bool:
        """`action_lower` is the request's action, lower-cased once by the caller."""
        if self.match_all or action_lower in self.exact:
            return True
        return self.regex is not None and self.regex.fullmatch(action_lower) is not None


def compile_actions(patterns: Iterable[str]) -> ActionMatcher:
    patterns = tuple(patterns)
    lowered = [pattern.lower() for pattern in patterns]
    wild = [pattern for pattern in lowered if "*" in pattern or "?" in pattern]
    regex = None
    if wild:
        regex = re.compile("|".join(f"(?:{wildcard_regex(p)})" for p in wild), re.DOTALL)
    return ActionMatcher(
        patterns=patterns,
        match_all="*" in lowered,
        exact=frozenset(p for p in lowered if p not in wild),
        regex=regex,
    )


# ---------------------------------------------------------------- resources


@dataclass(frozen=True, slots=True)
class VariablePattern:
    """A resource pattern with policy variables: regex fragments and variables, in order."""

    raw: str
    parts: tuple[str | Variable, ...]

    def regex_for(self, context: Mapping[str, object]) -> re.Pattern[str] | None:
        pieces: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                pieces.append(part)
                continue
            value = variable_value(part, context)
            if value is None:
                return None
            pieces.append(re.escape(value))
        return compiled_regex("".join(pieces))


@lru_cache(maxsize=8192)
def compiled_regex(regex: str) -> re.Pattern[str]:
    return re.compile(regex, re.DOTALL)


@dataclass(frozen=True, slots=True)
class ResourceMatcher:
    """The Resource (or NotResource) list of one statement, compiled. Case-sensitive."""

    patterns: tuple[str, ...]
    match_all: bool
    exact: frozenset[str]
    regex: re.Pattern[str] | None
    with_variables: tuple[VariablePattern, ...]

    def matches(self, resource: str, context: Mapping[str, object]) -> bool:
        """`context` has lower-cased keys; it fills any policy variables."""
        if self.match_all or resource in self.exact:
            return True
        if self.regex is not None and self.regex.fullmatch(resource) is not None:
            return True
        for pattern in self.with_variables:
            regex = pattern.regex_for(context)
            if regex is not None and regex.fullmatch(resource) is not None:
                return True
        return False


def resource_regex(pattern: str) -> str:
    return _arn_pattern_regex(pattern, 0)[0]


def _variable_pattern(pattern: str) -> VariablePattern:
    parts: list[str | Variable] = []
    colons = 0
    for piece in split_variables(pattern):
        if isinstance(piece, Variable):
            if not piece.key:  # an escape: its character, literally
                parts.append(re.escape(piece.default or ""))
            else:
                parts.append(piece)
            continue
        fragment, colons = _arn_pattern_regex(piece, colons)
        parts.append(fragment)
    return VariablePattern(raw=pattern, parts=tuple(parts))


def compile_resources(patterns: Iterable[str], variables: bool) -> ResourceMatcher:
    """`variables` is False for Version 2008-10-17 policies, where `${...}` is plain text."""
    patterns = tuple(patterns)
    plain: list[str] = []
    templated: list[VariablePattern] = []
    for pattern in patterns:
        if variables and has_variables(pattern):
            templated.append(_variable_pattern(pattern))
        else:
            plain.append(pattern)
    wild = [p for p in plain if "*" in p or "?" in p]
    regex = None
    if wild:
        regex = re.compile("|".join(f"(?:{resource_regex(p)})" for p in wild), re.DOTALL)
    return ResourceMatcher(
        patterns=patterns,
        match_all="*" in plain,
        exact=frozenset(p for p in plain if p not in wild),
        regex=regex,
        with_variables=tuple(templated),
    )


# ---------------------------------------------------------------- ARNs (conditions)


def arn_like(pattern: str, value: str) -> bool:
    """ArnLike/ArnEquals: the six colon-separated parts are compared one by one, each may
    hold wildcards; the resource part (the sixth) keeps any further colons."""
    pattern_parts = pattern.split(":", _ARN_FIXED_SEGMENTS)
    value_parts = value.split(":", _ARN_FIXED_SEGMENTS)
    if len(pattern_parts) != len(value_parts) or len(value_parts) != _ARN_FIXED_SEGMENTS + 1:
        return False
    return all(wildcard_match(p, v) for p, v in zip(pattern_parts, value_parts, strict=True))


# ---------------------------------------------------------------- principals

ANONYMOUS = "Anonymous"
SERVICE = "AWSService"
_FEDERATED_TYPES = ("WebIdentityUser", "SAMLUser")
_ACCOUNT_ROOT = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):root$")


@dataclass(frozen=True, slots=True)
class PrincipalSet:
    """A statement's Principal (or NotPrincipal) block, normalised for lookups."""

    wildcard: bool = False
    accounts: frozenset[str] = frozenset()
    arns: frozenset[str] = frozenset()  # users, roles, role sessions, federated users, unique ids
    services: frozenset[str] = frozenset()  # lower-cased
    federated: frozenset[str] = frozenset()
    canonical_users: frozenset[str] = frozenset()


def principal_set(block: Mapping[str, tuple[str, ...]] | None, wildcard: bool) -> PrincipalSet:
    """Build from the validated block: {"AWS": (...), "Service": (...), ...}."""
    if wildcard or block is None:
        return PrincipalSet(wildcard=wildcard)
    accounts: set[str] = set()
    arns: set[str] = set()
    any_aws = False
    for value in block.get("AWS", ()):
        if value == "*":
            any_aws = True
        elif value.isdigit():
            accounts.add(value)
        elif (root := _ACCOUNT_ROOT.match(value)) is not None:
            accounts.add(root.group(1))
        else:
            arns.add(value)
    return PrincipalSet(
        wildcard=any_aws,
        accounts=frozenset(accounts),
        arns=frozenset(arns),
        services=frozenset(v.lower() for v in block.get("Service", ())),
        federated=frozenset(block.get("Federated", ())),
        canonical_users=frozenset(block.get("CanonicalUser", ())),
    )


class CallerFacts(Protocol):
    """What principal matching needs to know about the caller (an AuthzRequest has it)."""

    @property
    def principal_arn(self) -> str: ...
    @property
    def principal_account(self) -> str | None: ...
    @property
    def principal_type(self) -> str: ...
    @property
    def role_arn(self) -> str | None: ...


def principal_match(principals: PrincipalSet, request: CallerFacts) -> str | None:
    """How a policy names the request's principal, or None when it does not.

    "principal": its own ARN (IAM user, role session, federated user session);
    "role": the role behind a role session; "account": its whole account;
    "service" / "federated" / "canonical": those principal kinds; "any": Principal "*".
    The kind matters: in the same account a resource policy naming the principal itself
    grants access on its own, one naming the role or the account does not."""
    principal_type = request.principal_type
    principal_arn = request.principal_arn
    if principal_type == ANONYMOUS:
        return "any" if principals.wildcard else None
    if principal_type == SERVICE:
        if principal_arn.lower() in principals.services:
            return "service"
        return "any" if principals.wildcard else None
    if principal_type in _FEDERATED_TYPES and principal_arn in principals.federated:
        return "federated"
    if principal_arn in principals.arns or principal_arn in principals.canonical_users:
        return "principal"
    if principals.wildcard:
        return "any"
    role_arn = request.role_arn
    if role_arn is not None and role_arn in principals.arns:
        return "role"
    account = request.principal_account
    if account is not None and account in principals.accounts:
        return "account"
    return None
