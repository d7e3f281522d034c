"""PartiQL literals and parameters as DynamoDB AttributeValues.

    'text' -> S      12, -1.5e3 -> N (canonical text)     TRUE / FALSE -> BOOL     NULL -> NULL
    [a, b] -> L      {'k': v, ...} -> M                    <<'a', 'b'>> -> SS       <<1, 2>> -> NS
    ?      -> the statement's next Parameters entry, as sent (any type, binaries and sets too)

A bag is DynamoDB's set: strings or numbers only, never empty (a binary set travels as a
parameter). Every value leaves validated and normalized as any request's AttributeValue.
"""

from __future__ import annotations

from stratus.services.dynamodb import numbers
from stratus.services.dynamodb.attribute_values import normalize_value
from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.partiql_ast import BagLit, ListLit, Param, Path, Scalar, TupleLit

PARAMETER_COUNT = "Number of parameters in request and statement don't match."
BAG_TYPES = "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"
EMPTY_BAG = "Empty bags are not supported"
ITEM_FORMAT = (
    "Unsupported format in item expression. Please use struct format {...} to express item values "
    "for insert statement."
)
MISSING_USE = "MISSING must be compared using IS operator"


def normalized_parameters(parameters: list[dict] | None) -> list[dict]:
    """A request's Parameters, each validated as an AttributeValue."""
    return [normalize_value(value) for value in parameters or ()]


def is_value(node: object) -> bool:
    """Whether `node` is a literal or a parameter (and not a path, call or operator)."""
    if isinstance(node, Scalar):
        return node.kind != "MISSING"
    return isinstance(node, Param | ListLit | TupleLit | BagLit)


def parameter(node: Param, parameters: list[dict]) -> dict:
    if node.position >= len(parameters):
        raise ValidationException(PARAMETER_COUNT)
    return parameters[node.position]


def attribute_value(node: object, parameters: list[dict], where: str = "item") -> dict:
    """The AttributeValue of a literal or parameter; `where` names its place for messages."""
    return normalize_value(_value(node, parameters, where))


def _value(node: object, parameters: list[dict], where: str) -> dict:
    if isinstance(node, Param):
        return parameter(node, parameters)
    if isinstance(node, Scalar):
        if node.kind == "S":
            return {"S": node.text}
        if node.kind == "N":
            return {"N": numbers.normalize(node.text)}
        if node.kind == "BOOL":
            return {"BOOL": node.text == "true"}
        if node.kind == "NULL":
            return {"NULL": True}
        raise ValidationException(MISSING_USE)
    if isinstance(node, ListLit):
        return {"L": [_value(item, parameters, where) for item in node.items]}
    if isinstance(node, TupleLit):
        fields: dict[str, dict] = {}
        for key, value in node.fields:
            if key in fields:
                raise ValidationException(f"Duplicate keys in tuple. Key: {key} under {where}")
            fields[key] = _value(value, parameters, f"{where}.{key}")
        return {"M": fields}
    if isinstance(node, BagLit):
        return _bag(node, parameters)
    raise ValidationException(f"Unsupported data type: {describe(node)} under key {where}")


def _bag(node: BagLit, parameters: list[dict]) -> dict:
    if not node.items:
        raise ValidationException(EMPTY_BAG)
    kinds = {member.kind for member in node.items if isinstance(member, Scalar)}
    if len(kinds) != 1 or len(node.items) != sum(isinstance(member, Scalar) for member in node.items):
        raise ValidationException(BAG_TYPES)
    kind = kinds.pop()
    if kind == "S":
        return {"SS": [member.text for member in node.items]}
    if kind == "N":
        return {"NS": [numbers.normalize(member.text) for member in node.items]}
    raise ValidationException(BAG_TYPES)


def insert_item(node: object, parameters: list[dict]) -> dict:
    """INSERT's VALUE: a tuple literal, as an item."""
    if not isinstance(node, TupleLit):
        raise ValidationException(ITEM_FORMAT)
    return attribute_value(node, parameters)["M"]


def describe(node: object) -> str:
    """A short text for a syntax node in messages."""
    if isinstance(node, Path):
        return ".".join(str(step) for step in node.steps)
    if isinstance(node, Scalar):
        return node.text or node.kind
    return type(node).__name__.upper()
