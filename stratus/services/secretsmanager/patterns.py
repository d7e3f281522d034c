"""The `pattern` constraints of the model's input members, which the protocol layer leaves to the
services: filter values, replica regions, RotationToken, Duration and ScheduleExpression. Answered
the Coral way, as the protocol layer answers the other constraints (ValidationException,
`1 validation error detected: Value 'x' at 'filters.1.member.values.1.member' failed to satisfy
constraint: Member must satisfy regular expression pattern: ...`; sensitive values left out).
"""

from __future__ import annotations

import re
from functools import cache

from botocore.model import Shape

from stratus.protocol.loader import operation_model
from stratus.services.secretsmanager.common import ValidationException

SERVICE = "secretsmanager"


def _lower_camel(name: str) -> str:
    return name[:1].lower() + name[1:]


@cache
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.ASCII)  # the service is Java: \d and \w are ASCII


def _has_pattern(shape: Shape, seen: frozenset[str] = frozenset()) -> bool:
    if shape.name in seen:
        return False
    seen = seen | {shape.name}
    if shape.type_name == "string":
        return "pattern" in shape.metadata
    if shape.type_name == "structure":
        return any(_has_pattern(member, seen) for member in shape.members.values())
    if shape.type_name == "list":
        return _has_pattern(shape.member, seen)
    if shape.type_name == "map":
        return _has_pattern(shape.key, seen) or _has_pattern(shape.value, seen)
    return False


@cache
def _input_shape(operation: str) -> Shape | None:
    shape = operation_model(SERVICE, operation).input_shape
    return shape if shape is not None and _has_pattern(shape) else None


def _walk(shape: Shape, value: object, path: str, problems: list[str]) -> None:
    if value is None:
        return
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                where = f"{path}.{_lower_camel(name)}" if path else _lower_camel(name)
                _walk(member, value[name], where, problems)
    elif kind == "list" and isinstance(value, list):
        for index, item in enumerate(value, 1):
            _walk(shape.member, item, f"{path}.{index}.member", problems)
    elif kind == "string" and isinstance(value, str):
        pattern = shape.metadata.get("pattern")
        if pattern and _compiled(pattern).fullmatch(value) is None:
            shown = "" if shape.metadata.get("sensitive") else f" '{value}'"
            problems.append(
                f"Value{shown} at '{path}' failed to satisfy constraint: "
                f"Member must satisfy regular expression pattern: {pattern}"
            )


def check_patterns(operation: str, req: dict) -> None:
    shape = _input_shape(operation)
    if shape is None:
        return
    problems: list[str] = []
    _walk(shape, req, "", problems)
    if problems:
        noun = "error" if len(problems) == 1 else "errors"
        raise ValidationException(f"{len(problems)} validation {noun} detected: " + "; ".join(problems))
