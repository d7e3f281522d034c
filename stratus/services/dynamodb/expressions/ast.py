"""The trees the expression parsers build: immutable, so a parse can be cached and shared.

Two stages use the same condition and update node classes:
- as parsed, leaves are `PathOperand` (steps as written, `#aliases` unresolved) and `Placeholder`;
- once bound to a request's ExpressionAttributeNames/Values, leaves are `AttrPath` (a resolved
  document path: attribute names as `str`, list indexes as `int`) and `Literal` (the value).
"""

from __future__ import annotations

from dataclasses import dataclass

# A resolved document path: ("a", "b", 2, "c") is a.b[2].c.
DocumentPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class NameStep:
    """A bare attribute name as written (subject to the reserved-word rule)."""

    text: str


@dataclass(frozen=True, slots=True)
class AliasStep:
    """`#alias`, resolved through ExpressionAttributeNames."""

    text: str


@dataclass(frozen=True, slots=True)
class IndexStep:
    index: int


PathStep = NameStep | AliasStep | IndexStep


@dataclass(frozen=True, slots=True)
class PathOperand:
    steps: tuple[PathStep, ...]


@dataclass(frozen=True, slots=True)
class Placeholder:
    """`:value`, resolved through ExpressionAttributeValues."""

    name: str


@dataclass(frozen=True, slots=True)
class AttrPath:
    path: DocumentPath


@dataclass(frozen=True, slots=True)
class Literal:
    value: dict


@dataclass(frozen=True, slots=True)
class Call:
    """A function call: `size(a)`, `if_not_exists(a, :v)`, `attribute_exists(a)`..."""

    name: str
    args: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """`x + y` or `x - y` (UpdateExpression SET only)."""

    operator: str
    left: Operand
    right: Operand


Operand = PathOperand | Placeholder | AttrPath | Literal | Call | Arithmetic


@dataclass(frozen=True, slots=True)
class Compare:
    operator: str  # = <> < <= > >=
    left: Operand
    right: Operand


@dataclass(frozen=True, slots=True)
class Between:
    subject: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True, slots=True)
class In:
    subject: Operand
    options: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class And:
    left: Condition
    right: Condition


@dataclass(frozen=True, slots=True)
class Or:
    left: Condition
    right: Condition


@dataclass(frozen=True, slots=True)
class Not:
    operand: Condition


# A condition-function call (attribute_exists, begins_with...) is a Call used as a condition.
Condition = Compare | Between | In | And | Or | Not | Call
Leaf = Compare | Between | In | Call


@dataclass(frozen=True, slots=True)
class SetAction:
    path: PathOperand | DocumentPath
    value: Operand


@dataclass(frozen=True, slots=True)
class RemoveAction:
    path: PathOperand | DocumentPath


@dataclass(frozen=True, slots=True)
class AddAction:
    path: PathOperand | DocumentPath
    value: Placeholder | Literal


@dataclass(frozen=True, slots=True)
class DeleteAction:
    path: PathOperand | DocumentPath
    value: Placeholder | Literal


UpdateAction = SetAction | RemoveAction | AddAction | DeleteAction


@dataclass(frozen=True, slots=True)
class ParsedCondition:
    """A ConditionExpression, FilterExpression or KeyConditionExpression as parsed."""

    root: Condition


@dataclass(frozen=True, slots=True)
class ParsedUpdate:
    """An UpdateExpression as parsed: its actions in the order written (clause by clause)."""

    actions: tuple[UpdateAction, ...]


@dataclass(frozen=True, slots=True)
class ParsedProjection:
    paths: tuple[PathOperand, ...]


def leaves(condition: Condition) -> list[Leaf]:
    """The comparisons and function calls of a condition, left to right."""
    found: list[Leaf] = []
    stack: list[Condition] = [condition]
    while stack:
        node = stack.pop()
        if isinstance(node, (And, Or)):
            stack.append(node.right)
            stack.append(node.left)
        elif isinstance(node, Not):
            stack.append(node.operand)
        else:
            found.append(node)
    return found
