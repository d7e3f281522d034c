"""CloudWatch Logs filter patterns (metric filters, subscription filters, FilterLogEvents, Live Tail),
compiled once into a matcher of log event messages.

A pattern is one of five kinds, told apart by its first character as AWS does:
- empty: every event matches;
- `%regex%`: a search with the documented regex subset;
- `{ ... }`: conditions on the event parsed as JSON (an event that is not JSON never matches);
- `[ ... ]`: conditions on the event's space-delimited fields;
- anything else: terms, each a substring of the event (case-sensitive): all plain terms must appear,
  no `-term` may appear, and `?term`s (any one of them) count only when the pattern has nothing else.

The errors and the shared pieces (lexer, values, regex subset) are in filter_pattern_syntax.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from stratus.services.logs.filter_pattern_syntax import (
    GENERIC_MESSAGE,
    FilterPatternError,
    Token,
    Value,
    compile_regex,
    invalid_syntax,
    invalid_term,
    literal_value,
    parse_number,
    read_quoted,
    tokenize,
)

__all__ = ["GENERIC_MESSAGE", "CompiledPattern", "FilterPatternError", "compile_pattern"]

# "You can only use up to one wildcard selector in a property selector, and up to three wildcard
# selectors in a filter pattern"; "a limit of 2 regex for each filter pattern" (JSON, delimited).
MAX_WILDCARDS_PER_SELECTOR = 1
MAX_WILDCARDS_PER_PATTERN = 3
MAX_REGEX_PER_PATTERN = 2

_TERM_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_FIELD_NAME = re.compile(r"[A-Za-z0-9_]+")
_ELLIPSIS = "..."

Extraction = dict[str, str]


@dataclass(frozen=True, eq=False)
class CompiledPattern:
    """A compiled filter pattern: call it with an event's message to know whether it matches.

    `kind` is "all", "terms", "regex", "json" or "delimited" (metric filter dimensions need the last
    two). `extract()` gives the values TestMetricFilter reports as extractedValues.
    """

    text: str
    kind: str
    _match: Callable[[str], Extraction | None]

    def __call__(self, message: str) -> bool:
        return self._match(message) is not None

    def extract(self, message: str) -> Extraction | None:
        """None when the message does not match; otherwise the space-delimited fields by `$name` (or
        `$position` for unnamed ones, counted from 1), and {} for the other kinds."""
        return self._match(message)


@functools.lru_cache(maxsize=1024)
def compile_pattern(text: str | None) -> CompiledPattern:
    """A compiled filter pattern: called with a log event's message, says whether it matches.
    Raises FilterPatternError (InvalidParameterException, 400) with AWS's message when malformed."""
    text = text or ""
    stripped = text.strip()
    if not stripped:
        return CompiledPattern(text, "all", lambda message: {})
    first, last = stripped[0], stripped[-1]
    if first == "{":
        if last != "}" or len(stripped) < 2:
            raise FilterPatternError("If a filter pattern starts with '{' it must end with '}'")
        return CompiledPattern(text, "json", _compile_json(stripped[1:-1]))
    if first == "[":
        if last != "]" or len(stripped) < 2:
            raise FilterPatternError("If a filter pattern starts with '[' it must end with ']'")
        return CompiledPattern(text, "delimited", _compile_delimited(stripped[1:-1]))
    if first == "%" and last == "%" and len(stripped) >= 2:
        regex = compile_regex(stripped[1:-1])
        return CompiledPattern(text, "regex", lambda message: {} if regex.search(message) else None)
    return CompiledPattern(text, "terms", _compile_terms(stripped))


# ---- unstructured terms ----------------------------------------------------------------------------


def _compile_terms(pattern: str) -> Callable[[str], Extraction | None]:
    required: list[str] = []
    excluded: list[str] = []
    optional: list[str] = []
    match_all = False
    index = 0
    while index < len(pattern):
        if pattern[index].isspace():
            index += 1
            continue
        prefix = ""
        if pattern[index] in "?-":
            prefix = pattern[index]
            index += 1
            while index < len(pattern) and pattern[index].isspace():  # `"ERROR" - "Exiting"`
                index += 1
            if index >= len(pattern):
                raise invalid_syntax()
        term, index = _read_term(pattern, index)
        if term is None:  # `" "`: "You can match everything in your log events with double quotation marks"
            match_all = match_all or not prefix
            continue
        {"": required, "-": excluded, "?": optional}[prefix].append(term)
    if required or excluded or match_all:
        # "If you combine "?" with other filter patterns, all question mark terms will be ignored."
        optional = []

    def match(message: str) -> Extraction | None:
        if any(term in message for term in excluded):
            return None
        if not all(term in message for term in required):
            return None
        if optional and not any(term in message for term in optional):
            return None
        return {}

    return match


def _read_term(pattern: str, index: int) -> tuple[str | None, int]:
    """One term at `index`: a quoted phrase or a word of letters, digits and underscores. None for a
    phrase of blanks only, which matches every event."""
    if pattern[index] == '"':
        # What follows a closing quote starts the next term, blank or not.
        phrase, index = read_quoted(pattern, index)
        if not phrase:
            raise invalid_term('""')
        return (None if phrase.isspace() else phrase), index
    end = index
    while end < len(pattern) and not pattern[end].isspace() and pattern[end] != '"':
        if pattern[end] not in _TERM_CHARS:
            raise invalid_term(pattern[end])
        end += 1
    return pattern[index:end], end


# ---- JSON patterns ---------------------------------------------------------------------------------

_MISSING = object()
_NOT_JSON = object()


class _JsonNumber:
    """A JSON number with the text it was written with: quoted values and wildcards compare with the
    text ({ $.n = "12*" }), unquoted numbers with the value ({ $.n = 12.0 } matches 12)."""

    __slots__ = ("text", "value")

    def __init__(self, text: str) -> None:
        self.text = text
        self.value = Decimal(text)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")


def _load_json(message: str) -> Any:
    try:
        return json.loads(
            message, parse_int=_JsonNumber, parse_float=_JsonNumber, parse_constant=_reject_constant
        )
    except (ValueError, RecursionError):
        return _NOT_JSON


JsonTest = Callable[[Any], bool]


class _JsonParser:
    """Recursive descent over the tokens: `||` binds looser than `&&`, parentheses group."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.position = 0
        self.wildcards = 0
        self.regexes = 0

    def parse(self) -> JsonTest:
        test = self._or()
        if self.position != len(self.tokens):
            raise invalid_syntax()
        return test

    def _peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _next(self) -> Token:
        token = self._peek()
        if token is None:
            raise invalid_syntax()
        self.position += 1
        return token

    def _or(self) -> JsonTest:
        tests = [self._and()]
        while (token := self._peek()) is not None and token.kind == "or":
            self.position += 1
            tests.append(self._and())
        return tests[0] if len(tests) == 1 else (lambda document: any(test(document) for test in tests))

    def _and(self) -> JsonTest:
        tests = [self._primary()]
        while (token := self._peek()) is not None and token.kind == "and":
            self.position += 1
            tests.append(self._primary())
        return tests[0] if len(tests) == 1 else (lambda document: all(test(document) for test in tests))

    def _primary(self) -> JsonTest:
        token = self._next()
        if token.kind == "lparen":
            test = self._or()
            if self._next().kind != "rparen":
                raise invalid_syntax()
            return test
        if token.kind != "selector":
            raise invalid_syntax()
        return self._condition(token)

    def _condition(self, selector: Token) -> JsonTest:
        wildcards = sum(1 for kind, _ in selector.steps if kind == "any")
        self.wildcards += wildcards
        if wildcards > MAX_WILDCARDS_PER_SELECTOR or self.wildcards > MAX_WILDCARDS_PER_PATTERN:
            raise invalid_syntax()
        steps = selector.steps
        token = self._next()
        if token.kind == "op":
            value_token = self._next()
            if value_token.kind == "regex":
                self.regexes += 1
                if self.regexes > MAX_REGEX_PER_PATTERN:
                    raise invalid_syntax()
            return _json_comparison(steps, token.text, literal_value(value_token, token.text))
        keyword = token.text.upper() if token.kind == "word" else ""
        if keyword == "IS":
            # `IS NOT` is documented as unsupported.
            expected = {"NULL": None, "TRUE": True, "FALSE": False}
            operand = self._next()
            word = operand.text.upper() if operand.kind == "word" else ""
            if word not in expected:
                raise invalid_syntax()
            wanted = expected[word]
            return lambda document: any(node is wanted for node in _select(document, steps))
        if keyword == "NOT":
            operand = self._next()
            if operand.kind != "word" or operand.text.upper() != "EXISTS":
                raise invalid_syntax()
            return lambda document: not _select(document, steps)
        raise invalid_syntax()


def _select(document: Any, steps: tuple[tuple[str, str | int], ...]) -> list[Any]:
    """The nodes a selector reaches (several through a `*`); empty when it reaches none."""
    nodes = [document]
    for kind, key in steps:
        nodes = [child for node in nodes for child in _children(node, kind, key)]
    return nodes


def _children(node: Any, kind: str, key: str | int) -> list[Any]:
    if kind == "any":
        if isinstance(node, dict):
            return list(node.values())
        return list(node) if isinstance(node, list) else []
    if kind == "key":
        return [node[key]] if isinstance(node, dict) and key in node else []
    # An index on something that is not an array is false, not an error.
    return [node[key]] if isinstance(node, list) and isinstance(key, int) and key < len(node) else []


def _json_comparison(steps: tuple[tuple[str, str | int], ...], operator: str, value: Value) -> JsonTest:
    def node_matches(node: Any) -> bool:
        # Only value nodes compare: "If a property selector points to an array or object, the filter
        # pattern won't match", for = and != alike; null answers IS NULL only.
        if isinstance(node, _JsonNumber):
            return value.test(operator, node.text, node.value)
        if isinstance(node, bool):
            return value.test(operator, "true" if node else "false", None)
        if isinstance(node, str):
            return value.test(operator, node, None)
        return False

    return lambda document: any(node_matches(node) for node in _select(document, steps))


def _compile_json(inside: str) -> Callable[[str], Extraction | None]:
    tokens = tokenize(inside, json_pattern=True)
    if not tokens:
        raise invalid_syntax()
    test = _JsonParser(tokens).parse()

    def match(message: str) -> Extraction | None:
        document = _load_json(message)
        if document is _NOT_JSON:
            return None
        return {} if test(document) else None

    return match


# ---- space-delimited patterns ----------------------------------------------------------------------

FieldTest = Callable[[str], bool]


@dataclass(frozen=True)
class _Field:
    """One comma-separated slot: the ellipsis, or a field (named or not) with an optional test."""

    ellipsis: bool = False
    name: str = ""
    test: FieldTest | None = None


@dataclass(frozen=True)
class _EventField:
    value: str
    start: int
    end: int


def _split_event(message: str) -> list[_EventField]:
    """The event's fields: runs of non-blanks, and whole `[...]` or `"..."` groups (without their
    brackets or quotes), which count as one field each."""
    fields: list[_EventField] = []
    index = 0
    length = len(message)
    while index < length:
        char = message[index]
        if char.isspace():
            index += 1
            continue
        if char in '["':
            close = message.find("]" if char == "[" else '"', index + 1)
            if close != -1:
                fields.append(_EventField(message[index + 1 : close], index, close + 1))
                index = close + 1
                continue
        end = index
        while end < length and not message[end].isspace():
            end += 1
        fields.append(_EventField(message[index:end], index, end))
        index = end
    return fields


def _compile_delimited(inside: str) -> Callable[[str], Extraction | None]:
    tokens = tokenize(inside, json_pattern=False)
    if not tokens:
        raise invalid_syntax()
    groups: list[list[Token]] = [[]]
    for token in tokens:
        if token.kind == "comma":
            groups.append([])
        else:
            groups[-1].append(token)
    regex_count = sum(1 for token in tokens if token.kind == "regex")
    if regex_count > MAX_REGEX_PER_PATTERN:
        raise invalid_syntax()
    fields = [_parse_field(group) for group in groups]
    has_ellipsis = any(field.ellipsis for field in fields)

    def match(message: str) -> Extraction | None:
        event = _split_event(message)
        failed: set[tuple[int, int]] = set()
        # Per ellipsis slot, the smallest end tried so far: every larger one already failed, so a
        # later visit resumes below it and the whole walk stays linear in the event's fields.
        lowest_tried: dict[int, int] = {}

        def walk(slot: int, position: int) -> Extraction | None:
            if slot == len(fields):
                return {} if position == len(event) else None
            if (slot, position) in failed:
                return None
            found = _walk_slot(slot, position)
            if found is None:
                failed.add((slot, position))
            return found

        def _walk_slot(slot: int, position: int) -> Extraction | None:
            field = fields[slot]
            if field.ellipsis:
                # The fields after the ellipsis align with the end of the event first.
                for end in range(lowest_tried.get(slot, len(event) + 1) - 1, position - 1, -1):
                    lowest_tried[slot] = end
                    rest = walk(slot + 1, end)
                    if rest is not None:
                        skipped = {f"${index + 1}": event[index].value for index in range(position, end)}
                        return skipped | rest
                return None
            if position >= len(event):
                return None
            if slot == len(fields) - 1 and not has_ellipsis and len(event) - position > 1:
                # The last field takes the rest of the line ("include a blank w2 indicator after w1").
                value = message[event[position].start : event[-1].end]
                following = len(event)
            else:
                value = event[position].value
                following = position + 1
            if field.test is not None and not field.test(value):
                return None
            rest = walk(slot + 1, following)
            if rest is None:
                return None
            return {(f"${field.name}" if field.name else f"${position + 1}"): value} | rest

        return walk(0, 0)

    return match


def _parse_field(tokens: list[Token]) -> _Field:
    if not tokens:
        return _Field()  # an empty slot (`[..., status_code,]`) is an unnamed field
    if len(tokens) == 1:
        token = tokens[0]
        if token.kind == "word" and token.text == _ELLIPSIS:
            return _Field(ellipsis=True)
        if token.kind == "word" and _FIELD_NAME.fullmatch(token.text):
            return _Field(name=token.text)
        raise invalid_syntax()
    # name op value ((&& | ||) name op value)*, every condition on the slot's own name; && binds first.
    alternatives: list[list[tuple[str, Value]]] = [[]]
    name = ""
    position = 0
    while True:
        if position + 3 > len(tokens):
            raise invalid_syntax()
        name_token, operator, value_token = tokens[position : position + 3]
        if name_token.kind != "word" or not _FIELD_NAME.fullmatch(name_token.text) or operator.kind != "op":
            raise invalid_syntax()
        if name and name_token.text != name:
            raise invalid_syntax()
        name = name_token.text
        alternatives[-1].append((operator.text, literal_value(value_token, operator.text)))
        position += 3
        if position == len(tokens):
            break
        joiner = tokens[position]
        if joiner.kind == "or":
            alternatives.append([])
        elif joiner.kind != "and":
            raise invalid_syntax()
        position += 1

    def test(text: str) -> bool:
        number = parse_number(text)
        return any(
            all(value.test(operator, text, number) for operator, value in conditions)
            for conditions in alternatives
        )

    return _Field(name=name, test=test)
