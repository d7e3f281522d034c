"""Amazon Ion text as DynamoDB exports and imports it: one item a line, `$ion_1_0 {Item:{...}}`.

DynamoDB maps S to string, N to decimal, B to blob, BOOL to bool, NULL to null, L to list, M to
struct, and the sets to lists annotated `$dynamodb_SS`, `$dynamodb_NS`, `$dynamodb_BS`. The writer
emits that; the reader parses the Ion text those files use (structs, lists, annotations, strings
and long strings, symbols, ints, decimals, floats, blobs, comments) and maps it back, ints and
floats becoming numbers too. Values in (B, BS) are bytes on both sides, as inside Stratus.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

VERSION_MARKER = "$ion_1_0"
_SET_ANNOTATIONS = {"SS": "$dynamodb_SS", "NS": "$dynamodb_NS", "BS": "$dynamodb_BS"}
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_KEYWORDS = {"null", "true", "false", "nan"}


class IonError(ValueError):
    """Text that is not Ion, or Ion that is no DynamoDB item."""


# ---------------------------------------------------------------------- writing


def _string(text: str, quote: str = '"') -> str:
    out = [quote]
    for char in text:
        if char in (quote, "\\"):
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(char)
    out.append(quote)
    return "".join(out)


def _field(name: str) -> str:
    if _IDENTIFIER.fullmatch(name) and name not in _KEYWORDS and not name.startswith("$"):
        return name
    return _string(name, "'")


def _decimal(number: str) -> str:
    """A DynamoDB number as an Ion decimal (a bare `1e3` would be an Ion float)."""
    mantissa, _, exponent = number.lower().partition("e")
    if exponent:
        return f"{mantissa}d{exponent.lstrip('+')}"
    return mantissa if "." in mantissa else mantissa + "."


def _blob(data: bytes) -> str:
    return "{{" + base64.b64encode(data).decode("ascii") + "}}"


def _value(value: dict) -> str:
    ((kind, inner),) = value.items()
    if kind == "S":
        return _string(inner)
    if kind == "N":
        return _decimal(inner)
    if kind == "B":
        return _blob(inner)
    if kind == "BOOL":
        return "true" if inner else "false"
    if kind == "NULL":
        return "null"
    if kind in _SET_ANNOTATIONS:
        write = {"SS": _string, "NS": _decimal, "BS": _blob}[kind]
        return _SET_ANNOTATIONS[kind] + "::[" + ",".join(write(member) for member in inner) + "]"
    if kind == "L":
        return "[" + ",".join(_value(member) for member in inner) + "]"
    if kind == "M":
        return _struct(inner)
    raise IonError(f"unknown attribute type {kind}")


def _struct(item: dict) -> str:
    return "{" + ",".join(f"{_field(name)}:{_value(value)}" for name, value in item.items()) + "}"


def item_line(item: dict) -> str:
    """One exported item: `$ion_1_0 {Item:{...}}` and a newline."""
    return f"{VERSION_MARKER} {{Item:{_struct(item)}}}\n"


def image_struct(fields: dict[str, dict]) -> str:
    """A struct of items (an incremental export line: Keys, NewImage, OldImage ...)."""
    return "{" + ",".join(f"{name}:{_struct(item)}" for name, item in fields.items()) + "}"


# ---------------------------------------------------------------------- reading

_NUMBER = re.compile(r"[+-]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|[0-9_]+(?:\.[0-9_]*)?(?:[eEdD][+-]?[0-9]+)?)")
_DELIMITERS = set(" \t\r\n\f\v,:]})[{(/'\"")


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def error(self, what: str) -> IonError:
        return IonError(f"{what} at offset {self.at}")

    def skip_space(self) -> None:
        text = self.text
        while self.at < len(text):
            char = text[self.at]
            if char in " \t\r\n\f\v":
                self.at += 1
            elif text.startswith("//", self.at):
                end = text.find("\n", self.at)
                self.at = len(text) if end < 0 else end + 1
            elif text.startswith("/*", self.at):
                end = text.find("*/", self.at + 2)
                if end < 0:
                    raise self.error("unterminated comment")
                self.at = end + 2
            else:
                return

    def peek(self) -> str:
        self.skip_space()
        return self.text[self.at] if self.at < len(self.text) else ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise self.error(f"expected {char!r}")
        self.at += 1

    def quoted(self, quote: str) -> str:
        """The text of a "string" or 'symbol' starting at the quote."""
        self.at += 1
        out = []
        text = self.text
        while True:
            if self.at >= len(text):
                raise self.error("unterminated string")
            char = text[self.at]
            if char == quote:
                self.at += 1
                return "".join(out)
            if char == "\\":
                out.append(self.escape())
                continue
            out.append(char)
            self.at += 1

    def escape(self) -> str:
        code = self.text[self.at + 1 : self.at + 2]
        simple = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
        if code in simple:
            self.at += 2
            return simple[code]
        if code in "\"'\\/?":
            self.at += 2
            return code
        if code == "\n":
            self.at += 2
            return ""
        width = {"x": 2, "u": 4, "U": 8}.get(code)
        if width is None:
            raise self.error("bad escape")
        digits = self.text[self.at + 2 : self.at + 2 + width]
        self.at += 2 + width
        try:
            return chr(int(digits, 16))
        except ValueError:
            raise self.error("bad escape") from None

    def long_string(self) -> str:
        parts = []
        while self.peek() == "'" and self.text.startswith("'''", self.at):
            self.at += 3
            out = []
            while not self.text.startswith("'''", self.at):
                if self.at >= len(self.text):
                    raise self.error("unterminated long string")
                if self.text[self.at] == "\\":
                    out.append(self.escape())
                else:
                    out.append(self.text[self.at])
                    self.at += 1
            self.at += 3
            parts.append("".join(out))
        return "".join(parts)

    def token(self) -> str:
        start = self.at
        while self.at < len(self.text) and self.text[self.at] not in _DELIMITERS:
            self.at += 1
        return self.text[start : self.at]

    def symbol_or_annotation(self) -> tuple[str, bool]:
        """A symbol (identifier or 'quoted'), and whether `::` follows (an annotation)."""
        name = self.quoted("'") if self.peek() == "'" else self.token()
        self.skip_space()
        if self.text.startswith("::", self.at):
            self.at += 2
            return name, True
        return name, False

    def value(self) -> tuple[list[str], object]:
        """(annotations, value): str for strings, ('sym', text) for symbols, ('num', text) for
        numbers, bytes, bool, None, list, dict."""
        annotations: list[str] = []
        while True:
            char = self.peek()
            if char == "" or char in "]}),":
                raise self.error("expected a value")
            if char == '"':
                return annotations, self.quoted('"')
            if char == "'" and self.text.startswith("'''", self.at):
                return annotations, self.long_string()
            if char == "[":
                return annotations, self.sequence()
            if char == "{":
                if self.text.startswith("{{", self.at):
                    return annotations, self.lob()
                return annotations, self.struct()
            if char == "'" or char.isalpha() or char in "_$":
                name, is_annotation = self.symbol_or_annotation()
                if is_annotation:
                    annotations.append(name)
                    continue
                return annotations, self.keyword(name)
            number = _NUMBER.match(self.text, self.at)
            if number is None or (
                number.end() < len(self.text) and self.text[number.end()] not in _DELIMITERS
            ):
                raise self.error("unexpected text")
            self.at = number.end()
            return annotations, ("num", number.group())

    @staticmethod
    def keyword(name: str) -> object:
        if name == "true":
            return True
        if name == "false":
            return False
        if name == "null" or name.startswith("null."):
            return None
        return ("sym", name)

    def sequence(self) -> list:
        self.expect("[")
        members = []
        while self.peek() != "]":
            members.append(self.value())
            if self.peek() == ",":
                self.at += 1
            elif self.peek() != "]":
                raise self.error("expected ',' or ']'")
        self.at += 1
        return members

    def struct(self) -> dict:
        self.expect("{")
        fields: dict = {}
        while self.peek() != "}":
            char = self.peek()
            if char == '"':
                name = self.quoted('"')
            elif char == "'":
                name = self.long_string() if self.text.startswith("'''", self.at) else self.quoted("'")
            else:
                name = self.token()
                if not name:
                    raise self.error("expected a field name")
            self.expect(":")
            fields[name] = self.value()
            if self.peek() == ",":
                self.at += 1
            elif self.peek() != "}":
                raise self.error("expected ',' or '}'")
        self.at += 1
        return fields

    def lob(self) -> bytes:
        self.at += 2
        end = self.text.find("}}", self.at)
        if end < 0:
            raise self.error("unterminated blob")
        body = self.text[self.at : end].strip()
        self.at = end + 2
        if body.startswith('"'):
            return body.strip('"').encode("latin-1")  # a clob
        try:
            return base64.b64decode("".join(body.split()), validate=True)
        except ValueError:
            raise self.error("bad blob") from None


def _number(text: str) -> str:
    text = text.replace("_", "").lower()
    if text.startswith(("0x", "-0x", "+0x")):
        return str(int(text, 16))
    if text.startswith(("0b", "-0b", "+0b")):
        return str(int(text, 2))
    text = text.replace("d", "e")
    mantissa, _, exponent = text.partition("e")
    mantissa = mantissa.rstrip(".") or "0"
    return f"{mantissa}e{exponent}" if exponent else mantissa


def _to_attribute(annotated: tuple[list[str], object]) -> dict:
    annotations, value = annotated
    if annotations and isinstance(value, list):
        kind = {annotation: kind for kind, annotation in _SET_ANNOTATIONS.items()}.get(annotations[-1])
        if kind is not None:
            members = [_to_attribute(member) for member in value]
            scalar = kind[0]
            if any(scalar not in member for member in members):
                raise IonError(f"{annotations[-1]} holds a value of another type")
            return {kind: [member[scalar] for member in members]}
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bytes):
        return {"B": value}
    if isinstance(value, list):
        return {"L": [_to_attribute(member) for member in value]}
    if isinstance(value, dict):
        return {"M": {name: _to_attribute(member) for name, member in value.items()}}
    tag, text = value  # type: ignore[misc]
    if tag == "num":
        return {"N": _number(text)}
    return {"S": text}  # a symbol is text


def read_items(text: str) -> Iterator[dict]:
    """The items of an Ion document of `{Item:{...}}` values; IonError at the first bad one."""
    reader = _Reader(text)
    while reader.peek():
        annotations, value = reader.value()
        if value == ("sym", VERSION_MARKER) and not annotations:
            continue
        if not isinstance(value, dict) or "Item" not in value:
            raise IonError("expected a struct with an Item field")
        item = _to_attribute(value["Item"])
        if "M" not in item:
            raise IonError("Item is not a struct")
        yield item["M"]
