"""The `pattern` constraints of the model's input members, checked as CloudWatch Logs checks them.

The protocol layer checks lengths, ranges and enums but not patterns; CloudWatch Logs rejects a
name like `a:b` for a log stream with the same Coral wording, e.g. `1 validation error detected:
Value 'a:b' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression
pattern: [^:*]*`. Top-level strings and lists of strings are checked (what the operations served
here take); patterns Python's `re` cannot read (`\\p{L}`) are left to the modules that need them.
"""

from __future__ import annotations

import re
from functools import cache

from stratus.protocol.loader import operation_model
from stratus.services.logs.common import InvalidParameterException

_Check = tuple[str, re.Pattern, str, bool]  # member, compiled, pattern text, member is a list


@cache
def _checks(operation: str) -> tuple[_Check, ...]:
    shape = operation_model("logs", operation).input_shape
    checks: list[_Check] = []
    for name, member in shape.members.items():
        is_list = member.type_name == "list"
        target = member.member if is_list else member
        pattern = target.metadata.get("pattern") if target.type_name == "string" else None
        if not pattern:
            continue
        try:
            # Java's \w is ASCII-only, as re.ASCII makes Python's.
            compiled = re.compile(pattern, re.ASCII)
        except re.error:
            continue
        checks.append((name, compiled, pattern, is_list))
    return tuple(checks)


def check_input_patterns(operation: str, req: dict) -> None:
    """Raise AWS's InvalidParameterException when a member breaks its pattern."""
    problems: list[str] = []
    for name, compiled, pattern, is_list in _checks(operation):
        value = req.get(name)
        if value is None:
            continue
        items = enumerate(value, 1) if is_list else [(None, value)]
        for index, item in items:
            if isinstance(item, str) and compiled.fullmatch(item) is None:
                where = name if index is None else f"{name}.{index}.member"
                problems.append(
                    f"Value '{item}' at '{where}' failed to satisfy constraint: "
                    f"Member must satisfy regular expression pattern: {pattern}"
                )
    if problems:
        noun = "error" if len(problems) == 1 else "errors"
        raise InvalidParameterException(f"{len(problems)} validation {noun} detected: " + "; ".join(problems))
