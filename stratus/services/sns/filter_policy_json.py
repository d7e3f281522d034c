"""The JSON reader of filter policies: Jackson's tokens, error messages and error locations.

AWS reads a policy with Jackson before compiling it, and its error messages carry Jackson's location
of the parser ("line: 1, column: 7"). `Reader` consumes input exactly as Jackson does, so columns match;
`read_tree` is the first validation step, and `compact` writes the tree back the way Jackson does (the
text whose columns grammar errors report).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

_SOURCE = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: {}, column: {}]"
_VALID_VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
_STRING_RUN = re.compile(r'[^"\\\x00-\x1f]*')
_WORD = re.compile(r"[A-Za-z0-9_$]*")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_SHORT_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_MAX_NESTING = 1000  # Jackson's StreamReadConstraints defaults
_MAX_NUMBER_LENGTH = 1000

# Jackson's token kinds, as `Reader.next()` returns them
(START_OBJECT, END_OBJECT, START_ARRAY, END_ARRAY, FIELD_NAME, STRING, NUMBER, TRUE, FALSE, NULL) = range(10)
_LITERALS = {"true": TRUE, "false": FALSE, "null": NULL}
_TOKEN_TEXT = {START_OBJECT: "{", END_OBJECT: "}", START_ARRAY: "[", END_ARRAY: "]"}


class ParseError(Exception):
    """A JSON (or grammar) error at a position of the text; AWS adds the location to the message."""

    def __init__(self, message: str, position: int):
        super().__init__(message)
        self.position = position


def error_location(text: str, position: int) -> str:
    """Jackson's "[Source: ...; line: L, column: C]" for a position of the text."""
    before = text[:position]
    line = 1 + before.count("\n") + before.count("\r") - before.count("\r\n")
    row_start = max(before.rfind("\n"), before.rfind("\r")) + 1
    return _SOURCE.format(line, position - row_start + 1)


def _char(c: str) -> str:
    code = ord(c)
    if code < 32 or 127 <= code < 160:
        return f"(CTRL-CHAR, code {code})"
    if code > 255:
        return f"'{c}' (code {code} / 0x{code:x})"
    return f"'{c}' (code {code})"


class Reader:
    """A pull parser that consumes input exactly as Jackson does, so errors carry AWS's columns: a
    string value is consumed only up to its opening quote until its text is asked for, and reading a
    field name also consumes the first part of its value."""

    def __init__(self, text: str):
        self._s = text
        self.pos = 0
        self._stack: list[list] = []  # [is_object, position of the opening bracket, entries so far]
        self._pending: tuple[int, str | None] | None = None
        self._lazy = False
        self._text: str | None = None
        self._done = False

    # -- API used by the compiler
    def next(self) -> int | None:
        if self._lazy:
            self.text()
        self._text = None
        if self._pending is not None:
            token, self._text = self._pending
            self._pending = None
            return self._entered(token)
        if self._done:
            return None
        c = self._skip_space()
        if c == "":
            if self._stack:
                kind = "Object" if self._stack[-1][0] else "Array"
                start = error_location(self._s, self._stack[-1][1])
                self._fail(
                    f"Unexpected end-of-input: expected close marker for {kind} (start marker at {start})"
                )
            return None
        context = self._stack[-1] if self._stack else None
        if c in "}]":
            self.pos += 1
            if context is None or context[0] != (c == "}"):
                expected = "]" if c == "}" else "}"
                if context is None:
                    kind, start = "root", _SOURCE.format(1, 0)
                else:
                    kind, start = ("Object" if context[0] else "Array"), error_location(self._s, context[1])
                self._fail(
                    f"Unexpected close marker '{c}': expected '{expected}' (for {kind} starting at {start})"
                )
            self._stack.pop()
            self._done = not self._stack
            self._text = c
            return END_OBJECT if c == "}" else END_ARRAY
        if context is not None:
            if context[2]:
                kind = "Object" if context[0] else "Array"
                if c != ",":
                    self._unexpected(c, f"was expecting comma to separate {kind} entries")
                self.pos += 1
                c = self._skip_space()
                if c == "":
                    self._fail(f"Unexpected end-of-input within/between {kind} entries")
            context[2] += 1
            if context[0]:
                return self._field_name(c)
        return self._entered(self._value_start(c))

    def text(self) -> str:
        """Jackson's getText(): finishes reading a string value first."""
        if self._lazy:
            self._lazy = False
            self._text = self._string_body("value")
        return self._text if self._text is not None else ""

    # -- internals
    def _entered(self, token: int) -> int:
        if token in (START_OBJECT, START_ARRAY):
            self._stack.append([token == START_OBJECT, self.pos - 1, 0])
            if len(self._stack) > _MAX_NESTING:
                self._fail(
                    f"Document nesting depth ({len(self._stack)}) exceeds the maximum allowed "
                    f"({_MAX_NESTING}, from `StreamReadConstraints.getMaxNestingDepth()`)"
                )
        elif token == STRING and self._text is None:
            self._lazy = True
        if token in _TOKEN_TEXT:
            self._text = _TOKEN_TEXT[token]
        if not self._stack and token not in (START_OBJECT, START_ARRAY):
            self._done = True
        return token

    def _field_name(self, c: str) -> int:
        if c != '"':
            self._unexpected(c, "was expecting double-quote to start field name")
        self.pos += 1
        name = self._string_body("name")
        c = self._skip_space()
        if c == "":
            self._fail("Unexpected end-of-input within/between Object entries")
        if c != ":":
            self._unexpected(c, "was expecting a colon to separate field name and value")
        self.pos += 1
        c = self._skip_space()
        if c == "":
            self._fail("Unexpected end-of-input within/between Object entries")
        token = self._value_start(c)
        self._pending = (token, self._text)
        self._text = name
        return FIELD_NAME

    def _value_start(self, c: str) -> int:
        self._text = None
        if c in '{["':
            self.pos += 1
            return {"{": START_OBJECT, "[": START_ARRAY, '"': STRING}[c]
        if c == "-" or c.isdigit() and c.isascii():
            self._text = self._number()
            return NUMBER
        word = _WORD.match(self._s, self.pos).group()
        if word:
            self.pos += len(word)
            if word in _LITERALS:
                self._text = word
                return _LITERALS[word]
            self._fail(f"Unrecognized token '{word}': was expecting {_VALID_VALUES}")
        self._unexpected(c, f"expected a valid value {_VALID_VALUES}")

    def _number(self) -> str:
        s, start = self._s, self.pos
        i = start + (s[start] == "-")
        if i >= len(s) or not ("0" <= s[i] <= "9"):
            if i >= len(s):
                self.pos = i
                self._fail("Unexpected end-of-input in a Number value")
            self.pos = i + 1
            self._unexpected(
                s[i],
                "in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value",
                i,
            )
        j = i
        while j < len(s) and "0" <= s[j] <= "9":
            j += 1
        if s[i] == "0" and j > i + 1:
            self.pos = i + 2
            self._fail("Invalid numeric value: Leading zeroes not allowed")
        for marker, what in ((".", "Decimal point"), ("eE", "Exponent indicator")):
            if j < len(s) and s[j] in marker:
                j += 1
                if marker != "." and j < len(s) and s[j] in "+-":
                    j += 1
                if j >= len(s) or not ("0" <= s[j] <= "9"):
                    self.pos = j + 1
                    if j >= len(s):
                        self._fail("Unexpected end-of-input in a Number value")
                    self._unexpected(s[j], f"in numeric value: {what} not followed by a digit", j)
                while j < len(s) and "0" <= s[j] <= "9":
                    j += 1
        self.pos = j
        if j - start > _MAX_NUMBER_LENGTH:
            self._fail(
                f"Number value length ({j - start}) exceeds the maximum allowed "
                f"({_MAX_NUMBER_LENGTH}, from `StreamReadConstraints.getMaxNumberLength()`)"
            )
        return s[start:j]

    def _string_body(self, what: str) -> str:
        s, parts = self._s, []
        while True:
            run = _STRING_RUN.match(s, self.pos).group()
            parts.append(run)
            self.pos += len(run)
            if self.pos >= len(s):
                self._fail(f"Unexpected end-of-input: was expecting closing quote for a string {what}")
            c = s[self.pos]
            self.pos += 1
            if c == '"':
                break
            if c != "\\":
                self._fail(
                    f"Illegal unquoted character ({_char(c)}): has to be escaped using backslash to be "
                    f"included in {'name' if what == 'name' else 'string value'}",
                    self.pos - 1,
                )
            if self.pos >= len(s):
                self._fail(f"Unexpected end-of-input in {'field name' if what == 'name' else 'VALUE_STRING'}")
            e = s[self.pos]
            self.pos += 1
            if e in _ESCAPES:
                parts.append(_ESCAPES[e])
            elif e == "u":
                for offset in range(4):
                    if self.pos + offset >= len(s):
                        self.pos = len(s)
                        self._fail(
                            f"Unexpected end-of-input in {'field name' if what == 'name' else 'VALUE_STRING'}"
                        )
                    digit = s[self.pos + offset]
                    if digit not in "0123456789abcdefABCDEF":
                        self.pos += offset + 1
                        self._unexpected(
                            digit, "expected a hex-digit for character escape sequence", self.pos - 1
                        )
                parts.append(chr(int(s[self.pos : self.pos + 4], 16)))
                self.pos += 4
            else:
                self._fail(f"Unrecognized character escape {_char(e)}", self.pos - 1)
        text = "".join(parts)
        try:  # \uD83D\uDE00 pairs become one character, as in Java's UTF-16 strings
            return text.encode("utf-16", "surrogatepass").decode("utf-16")
        except UnicodeDecodeError:
            return text

    def _skip_space(self) -> str:
        s, n = self._s, len(self._s)
        while self.pos < n and s[self.pos] in " \t\r\n":
            self.pos += 1
        return s[self.pos] if self.pos < n else ""

    def _unexpected(self, c: str, comment: str, index: int | None = None) -> None:
        # Jackson 2.16+ reports an unexpected character at its own column; "in numeric value" has no colon.
        separator = " " if comment.startswith("in numeric value") else ": "
        self._fail(
            f"Unexpected character ({_char(c)}){separator}{comment}", self.pos if index is None else index
        )

    def _fail(self, message: str, position: int | None = None) -> None:
        raise ParseError(message, self.pos if position is None else position)


NO_CONTENT = object()  # an empty or all-blank policy: Jackson reads no value at all


class _JsonNumber:
    """A number of the parsed policy, kept as Jackson keeps it: an integer or a double."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


def read_tree(text: str) -> Any:
    """Step one: the policy must be JSON. Jackson stops at the end of the root value, as AWS does."""
    reader = Reader(text)
    token = reader.next()
    if token is None:
        return NO_CONTENT
    containers: list[tuple[Any, str | None]] = []  # (dict or list being filled, field name awaiting a value)
    while True:
        if token in (START_OBJECT, START_ARRAY):
            node: Any = {} if token == START_OBJECT else []
            containers.append((node, None))
        else:
            if token in (END_OBJECT, END_ARRAY):
                node = containers.pop()[0]
            elif token == FIELD_NAME:
                containers[-1] = (containers[-1][0], reader.text())
                token = reader.next()
                continue
            else:
                node = _scalar(token, reader.text())
            if not containers:
                return node
            parent, name = containers[-1]
            if name is None:
                parent.append(node)
            else:
                parent[name] = node  # a repeated name keeps its first position, takes the last value
        token = reader.next()


def _scalar(token: int, text: str) -> Any:
    if token == NUMBER:
        return _JsonNumber(text)
    return {TRUE: True, FALSE: False, NULL: None}.get(token, text)


class _Raw(str):
    """Text to copy as is while writing a tree back (brackets and separators)."""


def compact(root: Any) -> str:
    """The tree as Jackson writes it back: no spaces, doubles in Java's notation. AWS compiles this
    text, so grammar errors report columns in it, not in what the caller sent. Iterative: policies
    may nest a thousand levels deep."""
    out: list[str] = []
    pending: list[Any] = [root]
    while pending:
        node = pending.pop()
        if type(node) is _Raw:
            out.append(node)
        elif isinstance(node, dict):
            out.append("{")
            pending.append(_Raw("}"))
            items = list(node.items())
            for index in range(len(items) - 1, -1, -1):
                name, value = items[index]
                pending.append(value)
                pending.append(_Raw(("," if index else "") + _quote(name) + ":"))
        elif isinstance(node, list):
            out.append("[")
            pending.append(_Raw("]"))
            for index in range(len(node) - 1, -1, -1):
                pending.append(node[index])
                if index:
                    pending.append(_Raw(","))
        elif isinstance(node, str):
            out.append(_quote(node))
        elif isinstance(node, _JsonNumber):
            is_double = any(c in node.text for c in ".eE")
            out.append(_java_double(float(node.text)) if is_double else str(int(node.text)))
        else:
            out.append({True: "true", False: "false", None: "null"}[node])
    return "".join(out)


def _quote(text: str) -> str:
    out = []
    for c in text:
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif c < " ":
            out.append(_SHORT_ESCAPES.get(c) or f"\\u{ord(c):04X}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def _java_double(value: float) -> str:
    """Java's Double.toString: plain between 1e-3 and 1e7, otherwise d.dddE±n; always a fraction digit."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if str(value).startswith("-") else "0.0"
    sign, digit_tuple, exponent = Decimal(repr(value)).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    power = len(digit_tuple) + exponent - 1
    if -3 <= power < 7:
        if power >= 0:
            text = f"{digits[: power + 1].ljust(power + 1, '0')}.{digits[power + 1 :] or '0'}"
        else:
            text = f"0.{'0' * (-power - 1)}{digits}"
    else:
        text = f"{digits[0]}.{digits[1:] or '0'}E{power}"
    return ("-" if sign else "") + text
