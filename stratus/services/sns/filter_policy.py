"""Subscription filter policies: AWS's validation (with its error messages) and a compiled matcher.

SNS validates a policy in two steps, and so do we: the text must parse as JSON (Jackson's messages,
"failed to parse JSON."), then the policy grammar is compiled the way AWS's event-ruler compiles it
(its messages, with Jackson's location of the parser when the error was raised). Limits (nesting in
attribute scope, five keys, 150 combinations) are checked on the compiled policy.

Matching follows the same model: the policy becomes one or more branches (`$or` forks them), each a
map from a dotted field name to the conditions on it; a message matches when, in some branch, every
field matches one of its conditions. Message bodies and String.Array attributes are flattened into
dotted names too, with array-consistent matching: two fields never match from different elements
of the same array.

The JSON reader (Jackson's tokens and error locations) is in filter_policy_json; the compiled
conditions on a field and the tests they run are in filter_policy_conditions.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from typing import Any

from stratus.core.ruler_conditions import (
    FieldConditions,
    Number,
    PlainError,
    cidr_test,
    comparable,
    range_test,
    string_test,
)
from stratus.services.sns.filter_policy_json import (
    END_ARRAY,
    END_OBJECT,
    FALSE,
    FIELD_NAME,
    NO_CONTENT,
    NULL,
    NUMBER,
    START_ARRAY,
    START_OBJECT,
    STRING,
    TRUE,
    ParseError,
    compact,
    error_location,
    read_tree,
)
from stratus.services.sns.filter_policy_json import Reader as _Reader  # tests patch it here

ATTRIBUTES_SCOPE = "MessageAttributes"
BODY_SCOPE = "MessageBody"
MAX_POLICY_BYTES = 256 * 1024
MAX_KEYS = 5
MAX_COMBINATIONS = 150

_PREFIX = "Invalid parameter: FilterPolicy: "
_OR = "$or"
# Field names event-ruler refuses inside a `$or` object (the policy then falls back to "$or" as a name).
# fmt: off
_RESERVED_IN_OR = frozenset((
    "exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard", "numeric",
    "cidr", "=", "<", "<=", ">", ">=", "regex", "not-wildcard", "not-equals-ignore-case", "date-after",
    "date-on-or-after", "date-before", "date-on-or-before", "in-date-range", "ip-address-in-range",
    "ip-address-not-in-range",
))
# fmt: on
# AWS answered "Unsupported anything-but pattern: suffix" (and for every other name) in 2024.
_ANYTHING_BUT_PATTERNS = frozenset({"prefix"})
_NUMBER_TEXT = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*")
# Every branch counts at least 1 combination, so more than 150 branches is "too complex" whatever they hold.
_BRANCH_CAP = MAX_COMBINATIONS + 1


class FilterPolicyError(Exception):
    """`.message` is AWS's full error message, e.g. 'Invalid parameter: FilterPolicy: Filter policy can
    not have more than 5 keys'. The caller raises InvalidParameter(error.message)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    @property
    def reason(self) -> str:
        """The message without "Invalid parameter: ", for Subscribe's "Attributes Reason: ..." form."""
        return self.message.removeprefix("Invalid parameter: ")


# ---------------------------------------------------------------- compiling the grammar


class _Compiler:
    """event-ruler's rule grammar over a `_Reader`; `with_or` False is its legacy mode ("$or" is a name)."""

    def __init__(self, text: str, with_or: bool):
        self._reader = _Reader(text)
        self._with_or = with_or
        self.saw_or = False
        self.nested = False

    def compile(self) -> list[dict[str, FieldConditions]]:
        if self._reader.next() != START_OBJECT:
            self._fail("Filter is not an object")
        branches: list[dict[str, FieldConditions]] = []
        self._object(branches, (), inside_or=False)
        return branches

    def _fail(self, message: str) -> None:
        raise ParseError(message, self._reader.pos)

    def _object(
        self, branches: list[dict[str, FieldConditions]], path: tuple[str, ...], inside_or: bool
    ) -> None:
        reader, fields = self._reader, 0
        while reader.next() != END_OBJECT:
            fields += 1
            name = reader.text()
            if name == _OR and self._with_or:
                self.saw_or = True
                self._or(branches, path)
                continue
            if inside_or and name in _RESERVED_IN_OR:
                self._fail(f"{name} is Ruler reserved fieldName which cannot be used inside {_OR}.")
            token = reader.next()
            if token == START_OBJECT:
                self.nested = True
                self._object(branches, (*path, name), inside_or)
            elif token == START_ARRAY:
                self._field(branches, path, name)
            else:
                self._fail(f'"{name}" must be an object or an array')
        if not fields:
            self._fail("Empty objects are not allowed")

    def _or(self, branches: list[dict[str, FieldConditions]], path: tuple[str, ...]) -> None:
        reader = self._reader
        before = [dict(branch) for branch in branches]
        branches.clear()
        if reader.next() != START_ARRAY:
            self._fail(f"It must be an Array followed with {_OR}.")
        count = 0
        while (token := reader.next()) != END_ARRAY:
            count += 1
            if token != START_OBJECT:
                self._fail(f"Only JSON object is allowed in array of {_OR} relationship.")
            forked = [dict(branch) for branch in before] or [{}]
            self._object(forked, path, inside_or=True)
            branches.extend(forked)
            del branches[_BRANCH_CAP:]  # more branches than this can only be "too complex"
        if count < 2:
            self._fail(f"There must have at least 2 Objects in {_OR} relationship.")

    def _field(self, branches: list[dict[str, FieldConditions]], path: tuple[str, ...], name: str) -> None:
        reader, conditions = self._reader, []
        while (token := reader.next()) != END_ARRAY:
            if token == START_OBJECT:
                conditions.append(self._expression())
            elif token == STRING:
                conditions.append(("string", reader.text()))
            elif token == NUMBER:
                conditions.append(("number", reader.text()))
            elif token in (TRUE, FALSE, NULL):
                conditions.append(("literal", {TRUE: True, FALSE: False, NULL: None}[token]))
            else:
                self._fail("Match value must be String, number, true, false, or null")
        if not conditions:
            self._fail("Empty arrays are not allowed")
        key = FieldConditions(path[0] if path else name, len(path) + 1, conditions)
        if not branches:
            branches.append({})
        for branch in branches:
            branch[".".join((*path, name))] = key

    def _expression(self) -> tuple:
        reader = self._reader
        if reader.next() != FIELD_NAME:
            self._fail("Match expression name not found")
        operator = reader.text()
        if operator in ("prefix", "suffix", "equals-ignore-case"):
            if reader.next() != STRING:
                self._fail(f"{operator} match pattern must be a string")
            value = reader.text()
            self._end("Only one key allowed in match expression")
            return ("test", string_test(operator, value))
        if operator == "numeric":
            if reader.next() != START_ARRAY:
                self._fail("Value of numeric must be an array.")
            test = self._numeric()
            self._end("Too many elements in numeric expression")
            return ("test", test)
        if operator == "anything-but":
            return ("test", self._anything_but())
        if operator == "exists":
            token = reader.next()
            if token not in (TRUE, FALSE):
                self._fail("exists match pattern must be either true or false.")
            self._end("Only one key allowed in match expression")
            return ("exists", token == TRUE)
        if operator == "cidr":
            if reader.next() != STRING:
                self._fail("prefix match pattern must be a string")  # sic: AWS's message for cidr
            test = cidr_test(reader.text())
            self._end("Only one key allowed in match expression")
            return ("test", test)
        self._fail(f"Unrecognized match type {operator}")

    def _end(self, message: str) -> None:
        if self._reader.next() != END_OBJECT:
            self._fail(message)

    def _bound(self, text: str) -> int:
        key = comparable(text)
        if key is None:
            self._fail("Value must be between -1.0E9 and 1.0E9, inclusive")
        return key

    def _numeric(self) -> Callable[[Any], bool]:
        reader = self._reader
        if reader.next() != STRING:
            self._fail(f"Invalid member in numeric match: {reader.text()}")
        operator = reader.text()
        token = reader.next()
        if operator not in ("=", "<", "<=", ">", ">="):
            self._fail(f"Unrecognized numeric range operator: {operator}")
        if token != NUMBER:
            self._fail(f"Value of {'equals' if operator == '=' else operator} must be numeric")
        value = reader.text()
        if operator in (">", ">="):
            token = reader.next()
            if token != END_ARRAY:
                return self._range(token, value, operator == ">")
            return range_test(self._bound(value), operator == ">", None, False)
        if reader.next() != END_ARRAY:
            self._fail("Too many elements in numeric expression")
        key = self._bound(value)
        if operator == "=":
            return lambda v: v.__class__ is Number and v.key == key
        return range_test(None, False, key, operator == "<")

    def _range(self, token: int, bottom: str, open_bottom: bool) -> Callable[[Any], bool]:
        reader = self._reader
        if token != STRING:
            self._fail(f"Bad value in numeric range: {reader.text()}")
        operator = reader.text()
        if operator not in ("<", "<="):
            self._fail(f"Bad numeric range operator: {operator}")
        if reader.next() != NUMBER:
            self._fail(f"Value of {operator} must be numeric")
        top = reader.text()
        if reader.next() != END_ARRAY:
            self._fail("Too many terms in numeric range expression")
        low, high = self._bound(bottom), self._bound(top)
        if low >= high:
            self._fail("Bottom must be less than top")
        return range_test(low, open_bottom, high, operator == "<")

    def _anything_but(self) -> Callable[[Any], bool]:
        reader = self._reader
        token = reader.next()
        if token == START_OBJECT:
            if reader.next() != FIELD_NAME:
                self._fail("Anything-But expression name not found")
            operator = reader.text()
            if operator not in _ANYTHING_BUT_PATTERNS:
                self._fail(f"Unsupported anything-but pattern: {operator}")
            if reader.next() != STRING:
                self._fail("prefix match pattern must be a string")
            prefix = reader.text()
            if not prefix:
                self._fail("Null prefix not allowed")
            self._end("Only one key allowed in match expression")
            self._end("Only one key allowed in match expression")
            return lambda v: not (v.__class__ is str and v.startswith(prefix))
        if token not in (START_ARRAY, STRING, NUMBER):
            self._fail("Value of anything-but must be an array or single string/number value.")
        strings: set[str] = set()
        numbers: set[int] = set()
        if token == START_ARRAY:
            while (token := reader.next()) != END_ARRAY:
                if token == STRING:
                    strings.add(reader.text())
                elif token == NUMBER:
                    numbers.add(self._bound(reader.text()))
                else:
                    self._fail("Inside anything but list, start|null|boolean is not supported.")
            if bool(strings) == bool(numbers):
                self._fail(
                    "Inside anything but list, either all values are number or string, mixed type is not supported"
                )
        elif token == STRING:
            strings.add(reader.text())
        else:
            numbers.add(self._bound(reader.text()))
        self._end("Too many elements in numeric expression")  # sic: event-ruler's message
        if numbers:
            return lambda v: not (v.__class__ is Number and v.key in numbers)
        return lambda v: not (v.__class__ is str and v in strings)


# ---------------------------------------------------------------- the policy


def parse_filter_policy(text: str, scope: str = ATTRIBUTES_SCOPE) -> FilterPolicy:
    """Validate (JSON syntax, grammar of every operator, limits) and compile. scope is "MessageAttributes"
    or "MessageBody". Raises FilterPolicyError."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_POLICY_BYTES:
        raise FilterPolicyError(f"{_PREFIX}Filter policy is too large")
    try:
        tree = read_tree(text)
    except ParseError as error:
        location = error_location(text, error.position)
        raise FilterPolicyError(f"{_PREFIX}failed to parse JSON. {error}\n at {location}") from None
    text = "" if tree is NO_CONTENT else compact(tree)
    compiler = _Compiler(text, with_or=True)
    try:
        try:
            branches = compiler.compile()
        except ParseError:
            if not compiler.saw_or:
                raise
            # event-ruler treats a "$or" it can't read as an OR as a plain field name instead.
            compiler = _Compiler(text, with_or=False)
            branches = compiler.compile()
    except ParseError as error:
        raise FilterPolicyError(f"{_PREFIX}{error}\n at {error_location(text, error.position)}") from None
    except PlainError as error:
        raise FilterPolicyError(f"{_PREFIX}{error}") from None
    except RecursionError:  # hundreds of nested objects: each level multiplies the combinations
        raise FilterPolicyError(f"{_PREFIX}Filter policy is too complex") from None
    if scope == ATTRIBUTES_SCOPE and compiler.nested:
        raise FilterPolicyError(
            "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy"
        )
    if any(len({key.top for key in branch.values()}) > MAX_KEYS for branch in branches):
        raise FilterPolicyError(f"{_PREFIX}Filter policy can not have more than {MAX_KEYS} keys")
    if len(branches) >= _BRANCH_CAP or _combinations(branches) > MAX_COMBINATIONS:
        raise FilterPolicyError(f"{_PREFIX}Filter policy is too complex")
    return FilterPolicy(scope, branches)


def _combinations(branches: list[dict[str, FieldConditions]]) -> int:
    """AWS's count: per branch, the product of each array's size times its key's depth; summed over branches."""
    total = 0
    for branch in branches:
        product = 1
        for key in branch.values():
            product *= key.size * key.depth
        total += product
    return total


Leaf = tuple[Any, tuple[tuple[int, int], ...]]  # a value and the (array id, index) of every array around it


class FilterPolicy:
    """A compiled policy. Matching parses the message (body JSON) once and never re-reads the policy."""

    def __init__(self, scope: str, branches: list[dict[str, FieldConditions]]):
        self.scope = scope
        self._branches = [tuple(branch.items()) for branch in branches]
        self._names = frozenset(name for branch in branches for name in branch)
        # Every dotted prefix of a policy field: a body is flattened only along these paths.
        self._paths = frozenset(
            ".".join(parts[:end])
            for parts in (name.split(".") for name in self._names)
            for end in range(1, len(parts) + 1)
        )

    def matches(self, *, message_attributes: dict, body: str) -> bool:
        if self.scope == BODY_SCOPE:
            try:
                document = json.loads(body, parse_int=Number, parse_float=Number, parse_constant=_no_constant)
            except (ValueError, RecursionError):
                return False
            if not isinstance(document, dict) or not document:
                return False
            fields = self._flatten_body(document)
        else:
            # AWS: "exists": false needs at least one attribute; an empty set of attributes never matches.
            if not message_attributes:
                return False
            fields = self._attribute_fields(message_attributes)
        return any(_branch_matches(branch, fields) for branch in self._branches)

    def _attribute_fields(self, attributes: dict) -> dict[str, list[Leaf]]:
        fields: dict[str, list[Leaf]] = {}
        for name in self._names:
            attribute = attributes.get(name)
            if attribute is None:
                continue
            values = _attribute_values(attribute.get("DataType") or "", attribute.get("StringValue"))
            if values:
                fields[name] = [(value, ()) for value in values]
        return fields

    def _flatten_body(self, document: dict) -> dict[str, list[Leaf]]:
        fields: dict[str, list[Leaf]] = {}
        array_ids = itertools.count()
        wanted = self._paths
        pending: list[tuple[Any, str | None, tuple]] = [(document, None, ())]
        while pending:
            node, name, membership = pending.pop()
            if isinstance(node, dict):
                for key, child in node.items():
                    child_name = key if name is None else f"{name}.{key}"
                    if child_name in wanted:
                        pending.append((child, child_name, membership))
            elif isinstance(node, list):
                array = next(array_ids)
                pending.extend(
                    (child, name, (*membership, (array, index))) for index, child in enumerate(node)
                )
            else:
                fields.setdefault(name, []).append((node, membership))
        return fields


def _no_constant(name: str) -> None:
    raise ValueError(name)  # NaN and Infinity aren't JSON


def _attribute_values(data_type: str, text: str | None) -> list[Any]:
    """A message attribute as the values a policy sees. Binary attributes are ignored (AWS docs)."""
    if text is None or data_type.startswith("Binary"):
        return []
    if data_type.startswith("Number"):
        if _NUMBER_TEXT.fullmatch(text):
            return [Number(text.strip())]
        return _array_values(text)  # AWS's docs show a "Number.Array" attribute matched element by element
    if data_type == "String.Array":
        return _array_values(text)
    return [text]


def _array_values(text: str) -> list[Any]:
    try:
        parsed = json.loads(text, parse_int=Number, parse_float=Number, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return []
    if not isinstance(parsed, list):
        return []
    values, pending = [], list(reversed(parsed))
    while pending:
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(reversed(item))
        elif not isinstance(item, dict):
            values.append(item)
    return values


def _branch_matches(branch: tuple[tuple[str, FieldConditions], ...], fields: dict[str, list[Leaf]]) -> bool:
    choices: list[list[Leaf]] = []
    for name, key in branch:
        leaves = fields.get(name, ())
        # AWS docs: "exists": true needs a non-null value; a key without one counts as absent.
        present = any(value is not None for value, _ in leaves)
        if key.exists_false and not present:
            continue
        candidates = [
            leaf for leaf in leaves if key.accepts(leaf[0]) or (key.exists_true and leaf[0] is not None)
        ]
        if not candidates:
            return False
        choices.append(candidates)
    return _consistent(choices, {})


def _consistent(choices: list[list[Leaf]], chosen: dict[int, int]) -> bool:
    """Can one leaf per field be picked with no two from different elements of the same array?"""
    if not choices:
        return True
    first, rest = choices[0], choices[1:]
    for _, membership in first:
        fits = all(chosen.get(array, index) == index for array, index in membership)
        if fits and _consistent(rest, {**chosen, **dict(membership)}):
            return True
    return False
