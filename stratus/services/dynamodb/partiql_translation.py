"""PartiQL statements in DynamoDB's own terms: a WHERE becomes a condition expression, SET and
REMOVE an update expression (with `#n` / `:v` placeholders, so every name and value is safe),
the key equalities of a WHERE become an item's Key, and a SELECT's key terms a Query.

The expressions produced go through the ordinary expression engine (`prepare_expressions`), so
PartiQL and the expression API evaluate conditions and updates by one set of rules. How DynamoDB
reads a WHERE (as its PartiQL front end does):

- a write (UPDATE, DELETE, EXISTS) and a transactional or batched read name one item: equalities
  on every key attribute among the terms joined by AND at the top; the other terms are the
  write's condition;
- a SELECT is a Query when those terms hold one equality on the partition key (at most one
  condition on the sort key narrows it); anything else is a Scan. The whole WHERE filters
  either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stratus.services.dynamodb.attribute_values import type_of
from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.expressions import value_at
from stratus.services.dynamodb.partiql_ast import (
    And,
    Arith,
    BagLit,
    Between,
    Call,
    Compare,
    In,
    Is,
    Not,
    Or,
    Param,
    Path,
    Scalar,
    conjuncts,
)
from stratus.services.dynamodb.partiql_values import attribute_value, describe, is_value
from stratus.services.dynamodb.table_store import IndexKeys, Table

INCOMPLETE_KEY = "Where clause does not contain a mandatory equality on all key attributes"
NOT_BOOLEAN = "WHERE clause must contain an expression that resolves to a boolean"
IS_TYPES = {
    "NULL": "NULL",
    "BOOLEAN": "BOOL",
    "BLOB": "B",
    "STRING": "S",
    "NUMERIC": "N",
    "STRUCT": "M",
    "TUPLE": "M",
    "LIST": "L",
}
CONDITION_FUNCTIONS = (
    "begins_with",
    "contains",
    "attribute_type",
    "attribute_exists",
    "attribute_not_exists",
)
_FLIPPED = {"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_SORT_OPERATORS = ("=", "<", "<=", ">", ">=")


def schema_mismatch(name: str) -> ValidationException:
    return ValidationException(
        f"Key attribute's data type should match its data type in table's schema: Key {name}"
    )


@dataclass
class ExpressionText:
    """Builds expression text for one request, with the placeholders it used."""

    parameters: list[dict]
    names: dict[str, str] = field(default_factory=dict)  # #alias -> name
    values: dict[str, dict] = field(default_factory=dict)  # :value -> AttributeValue
    _aliases: dict[str, str] = field(default_factory=dict)

    def members(self) -> dict:
        """ExpressionAttributeNames / ExpressionAttributeValues for a request (only if used)."""
        found: dict = {}
        if self.names:
            found["ExpressionAttributeNames"] = dict(self.names)
        if self.values:
            found["ExpressionAttributeValues"] = dict(self.values)
        return found

    def name(self, name: str) -> str:
        alias = self._aliases.get(name)
        if alias is None:
            alias = self._aliases[name] = f"#n{len(self._aliases)}"
            self.names[alias] = name
        return alias

    def path(self, path: Path) -> str:
        text = self.name(str(path.steps[0]))
        for step in path.steps[1:]:
            text += f"[{step}]" if isinstance(step, int) else "." + self.name(step)
        return text

    def value(self, value: dict) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = value
        return placeholder

    def operand(self, node: object) -> str:
        if isinstance(node, Path):
            return self.path(node)
        if is_value(node) or isinstance(node, Scalar):
            return self.value(attribute_value(node, self.parameters, "condition"))
        if isinstance(node, Call) and node.name == "size":
            if len(node.args) != 1:
                raise ValidationException(
                    "Incorrect number of operands for operator or function; "
                    "operator or function: size, number of operands: "
                    f"{len(node.args)}"
                )  # the expression API's wording
            return f"size({self.operand(node.args[0])})"
        if isinstance(node, Arith):
            raise ValidationException(
                f"Unsupported operator in Condition Expression. Operator: {node.operator}"
            )
        raise ValidationException(f"Unsupported token in expression: {describe(node)}")

    # -- conditions ------------------------------------------------------------------------------

    def condition(self, node: object) -> str:
        if isinstance(node, Or):
            return f"{self.condition(node.left)} OR {self.condition(node.right)}"
        if isinstance(node, And):
            return f"{self._grouped(node.left, Or)} AND {self._grouped(node.right, Or)}"
        if isinstance(node, Not):
            return "NOT " + self._grouped(node.operand, And | Or)
        if isinstance(node, Compare):
            return f"{self.operand(node.left)} {node.operator} {self.operand(node.right)}"
        if isinstance(node, Between):
            subject = self.operand(node.subject)
            return f"{subject} BETWEEN {self.operand(node.low)} AND {self.operand(node.high)}"
        if isinstance(node, In):
            subject = self.operand(node.subject)
            return f"{subject} IN ({', '.join(self.operand(option) for option in node.options)})"
        if isinstance(node, Is):
            return self._is(node)
        if isinstance(node, Call):
            if node.name not in CONDITION_FUNCTIONS:
                raise ValidationException(f"Unrecognized function: {node.name}")
            return f"{node.name}({', '.join(self.operand(arg) for arg in node.args)})"
        raise ValidationException(NOT_BOOLEAN)

    def _grouped(self, node: object, kinds) -> str:
        text = self.condition(node)
        return f"({text})" if isinstance(node, kinds) else text

    def _is(self, node: Is) -> str:
        if not isinstance(node.subject, Path):
            raise ValidationException(
                "The left hand side argument to IS must be a Variable Reference, Literal, or Path"
            )
        subject = self.path(node.subject)
        if node.type_name == "MISSING":
            return f"attribute_exists({subject})" if node.negated else f"attribute_not_exists({subject})"
        kind = IS_TYPES.get(node.type_name)
        if kind is None:
            raise ValidationException(
                f"Unsupported data type for IS operator: {node.type_name}. Supported data types are "
                "[MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]"
            )
        text = f"attribute_type({subject}, {self.value({'S': kind})})"
        return f"NOT {text}" if node.negated else text

    def all_of(self, terms: list[object]) -> str | None:
        """The condition that all `terms` hold (None for no terms)."""
        if not terms:
            return None
        return " AND ".join(self._grouped(term, Or) for term in terms)

    # -- updates ---------------------------------------------------------------------------------

    def update(self, sets: tuple, removes: tuple) -> str:
        clauses: dict[str, list[str]] = {"SET": [], "REMOVE": [], "ADD": [], "DELETE": []}
        for target, value in sets:
            if isinstance(value, Call) and value.name in ("set_add", "set_delete"):
                clauses["ADD" if value.name == "set_add" else "DELETE"].append(
                    self._set_change(target, value)
                )
            else:
                clauses["SET"].append(f"{self.path(target)} = {self._set_value(value)}")
        clauses["REMOVE"].extend(self.path(target) for target in removes)
        return " ".join(f"{section} {', '.join(parts)}" for section, parts in clauses.items() if parts)

    def _set_value(self, node: object) -> str:
        if isinstance(node, Arith):
            return f"{self._set_value(node.left)} {node.operator} {self._set_value(node.right)}"
        if isinstance(node, Call) and node.name in ("list_append", "if_not_exists"):
            return f"{node.name}({', '.join(self._set_value(arg) for arg in node.args)})"
        if isinstance(node, Call):
            raise ValidationException(f"Unrecognized function: {node.name}")
        if isinstance(node, Path) or is_value(node):
            return self.operand(node)
        raise ValidationException(f"Unsupported operator in Update Expression. Operator: {describe(node)}")

    def _set_change(self, target: Path, call: Call) -> str:
        operation = call.name[4:].upper()
        if len(call.args) != 2:
            raise ValidationException(f"SET_{operation} must have exactly two arguments")
        if call.args[0] != target:
            raise ValidationException(
                f"The first argument to SET_{operation} must equal the assignment value"
            )
        change = call.args[1]
        shown = attribute_value(change, self.parameters) if isinstance(change, BagLit | Param) else None
        if shown is None or type_of(shown) not in ("SS", "NS", "BS"):
            raise ValidationException(f"The second argument to SET_{operation} must be a value with type SET")
        return f"{self.path(target)} {self.value(shown)}"


# -- keys ------------------------------------------------------------------------------------------


def _equality_on(term: object, names: tuple[str, ...]) -> tuple[str, object] | None:
    """(key attribute, value node) when `term` is `key = value` (either way round)."""
    if not isinstance(term, Compare) or term.operator != "=":
        return None
    for path, value in ((term.left, term.right), (term.right, term.left)):
        if isinstance(path, Path) and len(path.steps) == 1 and path.steps[0] in names and is_value(value):
            return str(path.steps[0]), value
    return None


def _checked_key_value(table: Table, name: str, value: dict) -> dict:
    kind = type_of(value)
    if kind not in ("S", "N", "B"):
        raise ValidationException(f"Key value must be of type S, N, or B. Key name: {name}, Key type: {kind}")
    if kind != table.attribute_types.get(name):
        raise schema_mismatch(name)
    return value


def item_key(table: Table, where: object | None, parameters: list[dict]) -> tuple[dict, list[object]]:
    """(the Key the WHERE names by equalities on every key attribute, the other terms)."""
    names = table.key_attribute_names
    key: dict[str, dict] = {}
    others: list[object] = []
    for term in conjuncts(where):
        equality = _equality_on(term, names)
        if equality is None:
            others.append(term)
            continue
        name, node = equality
        value = attribute_value(node, parameters, name)
        if name in key and key[name] != value:
            raise ValidationException(
                f"Multiple conditions on same key {name}. Only single item Update/Insert/Delete are supported"
            )
        key[name] = value
    if set(key) != set(names):
        raise ValidationException(INCOMPLETE_KEY)
    return {name: _checked_key_value(table, name, key[name]) for name in names}, others


@dataclass(frozen=True, slots=True)
class QueryPlan:
    key_condition: str
    members: dict  # its ExpressionAttributeNames / ExpressionAttributeValues


def _sort_term(term: object, sort: str, text: ExpressionText, table: Table) -> str | None:
    def is_sort(node: object) -> bool:
        return isinstance(node, Path) and node.steps == (sort,)

    def key_value(node: object) -> str:
        return text.value(_checked_key_value(table, sort, attribute_value(node, text.parameters, sort)))

    if isinstance(term, Compare) and term.operator in _SORT_OPERATORS:
        if is_sort(term.left) and is_value(term.right):
            return f"{text.path(term.left)} {term.operator} {key_value(term.right)}"
        if is_sort(term.right) and is_value(term.left):
            return f"{text.path(term.right)} {_FLIPPED[term.operator]} {key_value(term.left)}"
    if isinstance(term, Between) and is_sort(term.subject) and is_value(term.low) and is_value(term.high):
        return f"{text.path(term.subject)} BETWEEN {key_value(term.low)} AND {key_value(term.high)}"
    if (
        isinstance(term, Call)
        and term.name == "begins_with"
        and len(term.args) == 2
        and is_sort(term.args[0])
        and is_value(term.args[1])
    ):
        return f"begins_with({text.path(term.args[0])}, {key_value(term.args[1])})"
    return None


def query_plan(
    table: Table, keys: IndexKeys, where: object | None, parameters: list[dict]
) -> QueryPlan | None:
    """The KeyConditionExpression a SELECT on `keys` (the table's or an index's) reads with, or
    None when it must scan: no single partition key equality at the top of its WHERE."""
    partition_name = keys.partition.name
    partitions: list[object] = []
    others: list[object] = []
    for term in conjuncts(where):
        equality = _equality_on(term, (partition_name,))
        if equality is not None:
            partitions.append(equality[1])
        else:
            others.append(term)
    if not partitions:
        return None
    values = [attribute_value(node, parameters, partition_name) for node in partitions]
    if any(value != values[0] for value in values):
        return None  # two partitions: DynamoDB scans
    text = ExpressionText(parameters)
    condition = (
        f"{text.name(partition_name)} = {text.value(_checked_key_value(table, partition_name, values[0]))}"
    )
    if keys.sort is not None:
        sort_conditions = [
            found for term in others if (found := _sort_term(term, keys.sort.name, text, table))
        ]
        if len(sort_conditions) > 1:
            return None  # several sort key conditions: DynamoDB scans
        if sort_conditions:
            condition += f" AND {sort_conditions[0]}"
    return QueryPlan(condition, text.members())


# -- projection ------------------------------------------------------------------------------------


def _output_name(path: Path) -> str:
    """The attribute a projected path is shown as: its last name, with any list indexes after it
    (`a.b[1]` -> `b[1]`), as DynamoDB unnests a SELECT's paths."""
    steps = path.steps
    last = max(index for index, step in enumerate(steps) if isinstance(step, str))
    return str(steps[last]) + "".join(f"[{step}]" for step in steps[last + 1 :])


def project(item: dict, paths: tuple[Path, ...] | None) -> dict:
    """A SELECT's view of `item`: all of it for `*`, else each path's value under its own name."""
    if paths is None:
        return item
    shown: dict[str, dict] = {}
    for path in paths:
        value = value_at(item, path.steps)
        if value is not None:
            shown[_output_name(path)] = value
    return shown
