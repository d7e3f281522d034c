"""The syntax tree of DynamoDB's PartiQL statements (partiql_parser builds it): immutable nodes for
paths, literals, parameters, operators and the five statement kinds."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Path:
    steps: tuple[str | int, ...]  # a name first, then names (.x) and list indexes ([n])


@dataclass(frozen=True, slots=True)
class Scalar:
    kind: str  # "S", "N", "BOOL", "NULL" or "MISSING"
    text: str = ""  # the string, the number's text, "true"/"false"


@dataclass(frozen=True, slots=True)
class Param:
    position: int  # 0-based, in reading order


@dataclass(frozen=True, slots=True)
class ListLit:
    items: tuple


@dataclass(frozen=True, slots=True)
class TupleLit:
    fields: tuple  # ((key, value expr), ...)


@dataclass(frozen=True, slots=True)
class BagLit:
    items: tuple


@dataclass(frozen=True, slots=True)
class Call:
    name: str  # lower case
    args: tuple


@dataclass(frozen=True, slots=True)
class Arith:
    operator: str  # + or -
    left: object
    right: object


@dataclass(frozen=True, slots=True)
class Compare:
    operator: str  # one of COMPARATORS
    left: object
    right: object


@dataclass(frozen=True, slots=True)
class Between:
    subject: object
    low: object
    high: object


@dataclass(frozen=True, slots=True)
class In:
    subject: object
    options: tuple


@dataclass(frozen=True, slots=True)
class Is:
    subject: object
    type_name: str  # upper case: MISSING, NULL, STRING...
    negated: bool


@dataclass(frozen=True, slots=True)
class Not:
    operand: object


@dataclass(frozen=True, slots=True)
class And:
    left: object
    right: object


@dataclass(frozen=True, slots=True)
class Or:
    left: object
    right: object


@dataclass(frozen=True, slots=True)
class Select:
    projection: tuple[Path, ...] | None  # None: *
    table: str
    index: str | None
    where: object | None
    order_by: tuple[tuple[str, bool], ...]  # (name, descending)


@dataclass(frozen=True, slots=True)
class Insert:
    table: str
    value: object


@dataclass(frozen=True, slots=True)
class Update:
    table: str
    sets: tuple[tuple[Path, object], ...]
    removes: tuple[Path, ...]
    where: object | None
    returning: str | None  # ALL_OLD, ALL_NEW, UPDATED_OLD, UPDATED_NEW


@dataclass(frozen=True, slots=True)
class Delete:
    table: str
    where: object | None
    returning: str | None


@dataclass(frozen=True, slots=True)
class Exists:
    select: Select


@dataclass(frozen=True, slots=True)
class Parsed:
    statement: object  # Select | Insert | Update | Delete | Exists
    parameter_count: int


def conjuncts(node: object | None) -> list[object]:
    """The terms of a WHERE joined by AND at its top level (in order)."""
    if node is None:
        return []
    if isinstance(node, And):
        return conjuncts(node.left) + conjuncts(node.right)
    return [node]
