"""ParameterFilters of DescribeParameters and GetParametersByPath (and DescribeParameters' deprecated
Filters): checked as Parameter Store checks them, then matched against parameters.

Filters combine with AND, the values of one filter with OR. DescribeParameters takes the keys Name
(Equals, BeginsWith, Contains), Path (OneLevel, Recursive), Type, KeyId, Tier, DataType and
`tag:<key>` (Equals, BeginsWith); GetParametersByPath takes Type, KeyId and Label only (AWS's
ParameterStringFilter reference: tag, DataType, Name, Path and Tier are not valid there; Label takes
Equals only; reads.py serves the labelled version).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from stratus.services.ssm.common import (
    SECURE_STRING,
    TYPES,
    InvalidFilterKey,
    InvalidFilterOption,
    InvalidFilterValue,
    Parameter,
    ValidationException,
)
from stratus.services.ssm.names import is_under, normalized_path

KEY_PATTERN = "tag:.+|Name|Type|KeyId|Path|Label|Tier|DataType"
_KEY = re.compile(KEY_PATTERN)
TIERS = ("Standard", "Advanced", "Intelligent-Tiering")
DESCRIBE_KEYS = ("Name", "Path", "Type", "KeyId", "Tier", "DataType")
BY_PATH_KEYS = ("Type", "KeyId", "Label")
# AWS's wordings (the key lists are the ones AWS prints, which predate DataType).
BAD_DESCRIBE_KEY = "The following filter key is not valid: {key}. Valid filter keys include: [Path, Name, Type, KeyId, Tier]."
BAD_BY_PATH_KEY = "The following filter key is not valid: {key}. Valid filter keys include: [Type, KeyId]."
DUPLICATE = (
    "The following filter is duplicated in the request: {key}. "
    "A request can contain only one occurrence of a specific filter."
)
MISSING_VALUES = "The following filter values are missing : null for filter key {key}."
BAD_OPTION = "The following filter option is not valid: {option}. Valid options include: [{valid}]."
BAD_VALUE = (
    "The following filter value is not valid: {value}. Valid values include: [{valid}]."  # code guessed
)
BOTH_KINDS = "You can use either Filters or ParameterFilters in a single request."
RESERVED_PATH = (
    'Filters for common parameters can\'t be prefixed with "aws" or "ssm" (case-insensitive). '
    "When using global parameters, please specify within a global namespace."
)

_OPTIONS = {
    "Path": ("OneLevel", "Recursive"),
    "Name": ("BeginsWith", "Contains", "Equals"),
    "Label": ("Equals",),
}
_DEFAULT_OPTIONS = ("BeginsWith", "Equals")


@dataclass(frozen=True, slots=True)
class StringFilter:
    key: str
    option: str
    values: tuple[str, ...]


def _check_key_patterns(filters: list[dict]) -> None:
    problems = [
        f"Value '{item['Key']}' at 'parameterFilters.{index}.member.key' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {KEY_PATTERN}"
        for index, item in enumerate(filters, 1)
        if not _KEY.fullmatch(item["Key"])
    ]
    if problems:
        noun = "error" if len(problems) == 1 else "errors"
        raise ValidationException(f"{len(problems)} validation {noun} detected: " + "; ".join(problems))


def _check_values(key: str, option: str, values: tuple[str, ...]) -> tuple[str, ...]:
    if key == "Path":
        if any(value.lower().startswith(("/aws", "/ssm")) for value in values):
            raise ValidationException(RESERVED_PATH)
        return tuple(normalized_path(value) for value in values)
    allowed = TYPES if key == "Type" else TIERS if key == "Tier" else None
    for value in values if allowed and option == "Equals" else ():
        if value not in allowed:
            raise InvalidFilterValue(BAD_VALUE.format(value=value, valid=", ".join(allowed)))
    return values


def parse_filters(filters: list[dict] | None, *, by_path: bool) -> list[StringFilter]:
    """Validated ParameterFilters, in the order given."""
    filters = filters or []
    _check_key_patterns(filters)
    parsed: list[StringFilter] = []
    seen: set[str] = set()
    for item in filters:
        key = item["Key"]
        is_tag = key.startswith("tag:")
        # GetParametersByPath takes Type, KeyId and Label only: tag filters are DescribeParameters'.
        if (is_tag and by_path) or (not is_tag and key not in (BY_PATH_KEYS if by_path else DESCRIBE_KEYS)):
            raise InvalidFilterKey((BAD_BY_PATH_KEY if by_path else BAD_DESCRIBE_KEY).format(key=key))
        if key in seen:
            raise InvalidFilterKey(DUPLICATE.format(key=key))
        seen.add(key)
        values = tuple(item.get("Values") or ())
        if not values and not is_tag:
            raise InvalidFilterValue(MISSING_VALUES.format(key=key))
        valid = _OPTIONS.get(key, _DEFAULT_OPTIONS)
        option = item.get("Option") or ("OneLevel" if key == "Path" else "Equals")
        if option not in valid:
            raise InvalidFilterOption(BAD_OPTION.format(option=option, valid=", ".join(valid)))
        parsed.append(StringFilter(key, option, _check_values(key, option, values)))
    return parsed


def parse_legacy_filters(filters: list[dict]) -> list[StringFilter]:
    """DescribeParameters' deprecated Filters: Name matches by prefix, Type and KeyId exactly."""
    parsed = []
    for item in filters:
        option = "BeginsWith" if item["Key"] == "Name" else "Equals"
        parsed.append(StringFilter(item["Key"], option, tuple(item["Values"])))
    return parsed


def _text_matches(actual: str | None, option: str, values: tuple[str, ...]) -> bool:
    if actual is None:
        return False
    if option == "BeginsWith":
        return any(actual.startswith(value) for value in values)
    if option == "Contains":
        return any(value in actual for value in values)
    return actual in values


def _field(parameter: Parameter, key: str) -> str | None:
    latest = parameter.latest
    if key == "Name":
        return latest.name
    if key == "Type":
        return latest.type
    if key == "Tier":
        return latest.tier
    if key == "DataType":
        return latest.data_type
    if key == "KeyId":
        return latest.key_id if latest.type == SECURE_STRING else None
    return None


def matches(parameter: Parameter, filters: list[StringFilter], tags: Callable[[], dict[str, str]]) -> bool:
    """Whether the parameter passes every filter but Label; `tags` reads its tags when needed."""
    for item in filters:
        if item.key == "Label":
            continue
        if item.key == "Path":
            recursive = item.option == "Recursive"
            if not any(is_under(parameter.name, path, recursive) for path in item.values):
                return False
        elif item.key.startswith("tag:"):
            value = tags().get(item.key[4:])
            if value is None or (item.values and not _text_matches(value, item.option, item.values)):
                return False
        elif not _text_matches(_field(parameter, item.key), item.option, item.values):
            return False
    return True


def needs_tags(filters: list[StringFilter]) -> bool:
    return any(item.key.startswith("tag:") for item in filters)
