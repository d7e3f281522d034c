"""A request's ExpressionAttributeNames (`#alias`) and ExpressionAttributeValues (`:value`): their
own checks, resolving them for the expressions, and AWS's rule that every entry must be used by
one of the request's expressions."""

from __future__ import annotations

import re
from collections.abc import Mapping

from stratus.services.dynamodb.attribute_values import InvalidAttributeValue, normalize_value
from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.expressions import messages
from stratus.services.dynamodb.expressions.ast import AliasStep, DocumentPath, NameStep, PathOperand

_NAME_KEY = re.compile(r"#[A-Za-z0-9_]+")
_VALUE_KEY = re.compile(r":[A-Za-z0-9_]+")


def check_placeholder_maps(names: Mapping[str, str] | None, values: Mapping[str, dict] | None) -> None:
    """The checks DynamoDB makes on the two maps' keys before it reads any expression."""
    if names is not None:
        if not names:
            raise ValidationException(messages.names_empty())
        for key in names:
            if not _NAME_KEY.fullmatch(key):
                raise ValidationException(messages.invalid_name_key(key))
    if values is not None:
        if not values:
            raise ValidationException(messages.values_empty())
        for key in values:
            if not _VALUE_KEY.fullmatch(key):
                raise ValidationException(messages.invalid_value_key(key))


def normalized_values(values: Mapping[str, dict] | None) -> dict[str, dict] | None:
    """ExpressionAttributeValues validated as AttributeValues, numbers in canonical text; AWS's
    `ExpressionAttributeValues contains invalid value: <why> for key :v` for the first bad one."""
    if values is None:
        return None
    normalized: dict[str, dict] = {}
    for key, value in values.items():
        try:
            normalized[key] = normalize_value(value)
        except InvalidAttributeValue as error:
            raise ValidationException(messages.invalid_value(error.message, key)) from None
    return normalized


class Placeholders:
    """Resolves `#alias` and `:value` for one request, remembering which entries were used."""

    def __init__(self, names: Mapping[str, str] | None, values: Mapping[str, dict] | None) -> None:
        self.names = names or {}
        self.values = values or {}
        self.used_names: set[str] = set()
        self.used_values: set[str] = set()

    def name(self, alias: str) -> str | None:
        if alias not in self.names:
            return None
        self.used_names.add(alias)
        return self.names[alias]

    def value(self, placeholder: str) -> dict | None:
        if placeholder not in self.values:
            return None
        self.used_values.add(placeholder)
        return self.values[placeholder]

    def path(self, operand: PathOperand) -> tuple[DocumentPath | None, str | None]:
        """(the resolved path, None) or (None, the first alias that is not defined)."""
        steps: list[str | int] = []
        undefined: str | None = None
        for step in operand.steps:
            if isinstance(step, NameStep):
                steps.append(step.text)
            elif isinstance(step, AliasStep):
                name = self.name(step.text)
                if name is None:
                    undefined = undefined or step.text
                else:
                    steps.append(name)
            else:
                steps.append(step.index)
        return (None, undefined) if undefined else (tuple(steps), None)

    def check_all_used(self) -> None:
        """AWS's error for entries no expression of the request used (names first)."""
        unused_names = [key for key in self.names if key not in self.used_names]
        if unused_names:
            raise ValidationException(messages.unused("ExpressionAttributeNames", unused_names))
        unused_values = [key for key in self.values if key not in self.used_values]
        if unused_values:
            raise ValidationException(messages.unused("ExpressionAttributeValues", unused_values))
