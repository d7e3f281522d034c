"""The pieces CloudWatch Logs filter patterns are built from: errors, the regex subset, value literals
and the lexer shared by JSON (`{ $.a = 1 }`) and space-delimited (`[a, b = 1]`) patterns.

AWS answers a malformed pattern with InvalidParameterException in three ways, all seen in the wild:
- a character the grammar does not allow: "Invalid character(s) in term ':'" (the offending
  character; for a broken JSON selector the selector up to it, "'$.\"'"; for a string compared with
  a numeric operator the value in quotes, "'\"someString\"'");
- an unbalanced outer bracket: "If a filter pattern starts with '{' it must end with '}'";
- any other grammar error: a generic sentence that depends on the operation ("Invalid filter
  pattern" for FilterLogEvents, "Invalid metric filter pattern" for PutMetricFilter and
  TestMetricFilter). `FilterPatternError.syntax_error` marks those, `reworded()` swaps the wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from stratus.protocol.errors import ServiceError

GENERIC_MESSAGE = "Invalid filter pattern"
NUMERIC_OPERATORS = frozenset({"<", ">", "<=", ">="})
OPERATORS = frozenset({"=", "!="}) | NUMERIC_OPERATORS

# Numbers as the documentation writes them: optional sign, decimals, scientific notation.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# Characters of an unquoted value in a JSON or space-delimited condition (`123.123.*`, `4*`, `-1e3`).
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.*+-")
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")

# The documented regex subset: letters, digits, nine symbols, twelve operators. The space is not in
# the list, but the documentation's own example `%^starting|^shutting down%` uses one.
_REGEX_OPERATORS = frozenset("^$?[]{}|\\*+.")
_REGEX_ALLOWED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:_#=@/;,- ") | (
    _REGEX_OPERATORS
)
_REGEX_CLASS_ESCAPES = frozenset("dDsSwW")
_QUANTIFIER = re.compile(r"\{\s*(\d*)\s*(,?)\s*(\d*)\s*\}")
_HEX2 = re.compile(r"[0-9A-Fa-f]{2}")


class FilterPatternError(ServiceError):
    """A malformed filter pattern. `syntax_error` is set when AWS words it per operation."""

    code = "InvalidParameterException"
    status = 400

    def __init__(self, message: str, *, syntax_error: bool = False) -> None:
        super().__init__(message)
        self.syntax_error = syntax_error

    def reworded(self, generic_message: str) -> FilterPatternError:
        """This error as an operation with its own generic sentence answers it (PutMetricFilter:
        "Invalid metric filter pattern"); character and bracket errors read the same everywhere."""
        return FilterPatternError(generic_message, syntax_error=True) if self.syntax_error else self


def invalid_term(term: str) -> FilterPatternError:
    return FilterPatternError(f"Invalid character(s) in term '{term}'")


def invalid_syntax() -> FilterPatternError:
    return FilterPatternError(GENERIC_MESSAGE, syntax_error=True)


def parse_number(text: str) -> Decimal | None:
    """The number a text spells in the documented notation, or None."""
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only what Decimal reads
        return None


# ---- regular expressions ---------------------------------------------------------------------------


def compile_regex(body: str) -> re.Pattern[str]:
    """The `%...%` body as a Python regex, refusing what CloudWatch's subset refuses."""
    if not body:
        raise invalid_syntax()
    for char in body:
        if char not in _REGEX_ALLOWED:
            raise invalid_term(char)
    pieces: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            piece, index = _regex_escape(body, index)
        elif char == "[":
            piece, index = _regex_class(body, index)
        elif char == "{":
            piece, index = _regex_quantifier(body, index)
        elif char in "]}":
            piece, index = "\\" + char, index + 1
        elif char in _REGEX_OPERATORS:
            piece, index = char, index + 1
        else:
            piece, index = re.escape(char), index + 1
        pieces.append(piece)
    try:
        # ASCII: \w is [a-zA-Z_0-9] and \d is [0-9], as documented.
        return re.compile("".join(pieces), re.ASCII)
    except re.error as error:  # "nothing to repeat", "multiple repeat", a reversed range
        raise invalid_syntax() from error


def _regex_escape(body: str, index: int) -> tuple[str, int]:
    if index + 1 >= len(body):
        raise invalid_syntax()
    char = body[index + 1]
    if char in _REGEX_CLASS_ESCAPES:
        return "\\" + char, index + 2
    if char == "x":
        digits = body[index + 2 : index + 4]
        if not _HEX2.fullmatch(digits):
            raise invalid_syntax()
        return "\\x" + digits, index + 4
    if char in "tnr":
        return "\\" + char, index + 2
    if char.isalnum():  # \b, \1, \A ... are not in the subset
        raise invalid_syntax()
    return re.escape(char), index + 2


def _regex_class(body: str, index: int) -> tuple[str, int]:
    index += 1
    negated = index < len(body) and body[index] == "^"
    if negated:
        index += 1
    items: list[str] = []
    first = True
    while True:
        if index >= len(body):
            raise invalid_syntax()
        char = body[index]
        if char == "]" and not first:
            index += 1
            break
        first = False
        if char == "\\":
            low, index = _regex_escape(body, index)
        else:
            low, index = re.escape(char), index + 1
        if index + 1 < len(body) and body[index] == "-" and body[index + 1] != "]":
            high_char = body[index + 1]
            if high_char == "\\":
                high, index = _regex_escape(body, index + 1)
            else:
                high, index = re.escape(high_char), index + 2
            items.append(f"{low}-{high}")
        else:
            items.append(low)
    return "[" + ("^" if negated else "") + "".join(items) + "]", index


def _regex_quantifier(body: str, index: int) -> tuple[str, int]:
    # `{m,n}`, `{m,}`, `{,n}`, `{m}`; the documentation writes `{m, n}` with a space.
    found = _QUANTIFIER.match(body, index)
    if not found:
        raise invalid_syntax()
    low, comma, high = found.groups()
    if not comma:
        if not low:
            raise invalid_syntax()
        return "{" + low + "}", found.end()
    if not low and not high:
        raise invalid_syntax()
    if low and high and int(low) > int(high):
        raise invalid_syntax()
    return "{" + low + "," + high + "}", found.end()


# ---- values ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """The right-hand side of a condition. `kind` is one of: exact, prefix, suffix, contains, any
    (the `*` wildcard at either end, or alone), number (an unquoted number), regex (`%...%`)."""

    kind: str
    text: str
    number: Decimal | None = None
    regex: re.Pattern[str] | None = None
    source: str = ""  # as written, for error messages

    def test(self, operator: str, text: str, number: Decimal | None) -> bool:
        """Whether a subject (its text, and its number when it is one) satisfies `operator self`."""
        if operator in NUMERIC_OPERATORS:
            if number is None or self.number is None:
                return False
            if operator == "<":
                return number < self.number
            if operator == ">":
                return number > self.number
            if operator == "<=":
                return number <= self.number
            return number >= self.number
        equal = self._equals(text, number)
        return equal if operator == "=" else not equal

    def _equals(self, text: str, number: Decimal | None) -> bool:
        kind = self.kind
        if kind == "number":
            # Numbers compare as numbers (123 = 123.0); anything else by its text.
            return number == self.number if number is not None else text == self.text
        if kind == "exact":
            return text == self.text
        if kind == "any":
            return True
        if kind == "prefix":
            return text.startswith(self.text)
        if kind == "suffix":
            return text.endswith(self.text)
        if kind == "contains":
            return self.text in text
        assert self.regex is not None
        return self.regex.search(text) is not None


def wildcard_value(text: str, *, quoted: bool) -> Value:
    """A string value: `*` at its start and/or end matches any text there; a `*` elsewhere is
    literal ("Ev*ent will only match the actual string Ev*ent")."""
    source = f'"{text}"' if quoted else text
    if text and set(text) == {"*"}:
        return Value("any", "", source=source)
    if len(text) >= 2 and text.startswith("*") and text.endswith("*"):
        return Value("contains", text[1:-1], source=source)
    if text.startswith("*"):
        return Value("suffix", text[1:], source=source)
    if text.endswith("*"):
        return Value("prefix", text[:-1], source=source)
    return Value("exact", text, source=source)


def literal_value(token: Token, operator: str) -> Value:
    """The value a token spells after `operator`; numeric operators take unquoted numbers only."""
    if token.kind == "string":
        value = wildcard_value(token.text, quoted=True)
    elif token.kind == "regex":
        value = Value("regex", token.text, regex=compile_regex(token.text), source=f"%{token.text}%")
    elif token.kind == "word":
        number = parse_number(token.text)
        if number is not None:
            value = Value("number", token.text, number=number, source=token.text)
        else:
            value = wildcard_value(token.text, quoted=False)
    else:
        raise invalid_syntax()
    if operator in NUMERIC_OPERATORS and value.kind != "number":
        # AWS quotes the value, whether it was written quoted or not: '"someString"'.
        raise invalid_term(value.source if value.source.startswith('"') else f'"{value.source}"')
    return value


# ---- lexer for JSON and space-delimited patterns ---------------------------------------------------


@dataclass(frozen=True)
class Token:
    """kind: op, and, or, lparen, rparen, comma, selector, string, regex, word.
    `text` is the operator, the unquoted string, the regex body or the word; `steps` the selector's."""

    kind: str
    text: str
    steps: tuple[tuple[str, str | int], ...] = ()


def tokenize(text: str, *, json_pattern: bool) -> list[Token]:
    """The tokens of a structured pattern's inside (without its outer braces or brackets)."""
    tokens: list[Token] = []
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        pair = text[index : index + 2]
        if char.isspace():
            index += 1
        elif pair in ("&&", "||"):
            tokens.append(Token("and" if pair == "&&" else "or", pair))
            index += 2
        elif pair in ("!=", "<=", ">="):
            tokens.append(Token("op", pair))
            index += 2
        elif char in "=<>":
            tokens.append(Token("op", char))
            index += 1
        elif char in "()" and json_pattern:
            tokens.append(Token("lparen" if char == "(" else "rparen", char))
            index += 1
        elif char == "," and not json_pattern:
            tokens.append(Token("comma", char))
            index += 1
        elif char == '"':
            content, index = read_quoted(text, index)
            tokens.append(Token("string", content))
        elif char == "%":
            end = text.find("%", index + 1)
            if end == -1:
                raise invalid_syntax()
            tokens.append(Token("regex", text[index + 1 : end]))
            index = end + 1
        elif char == "$" and json_pattern:
            token, index = _read_selector(text, index)
            tokens.append(token)
        elif char in _WORD_CHARS:
            end = index
            while end < length and text[end] in _WORD_CHARS:
                end += 1
            tokens.append(Token("word", text[index:end]))
            index = end
        else:
            raise invalid_term(char)
    return tokens


def read_quoted(text: str, index: int) -> tuple[str, int]:
    """The content of the double-quoted string at `index` (a backslash takes the next character
    literally) and the index after its closing quote."""
    content: list[str] = []
    index += 1
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            content.append(text[index + 1])
            index += 2
        elif char == '"':
            return "".join(content), index + 1
        else:
            content.append(char)
            index += 1
    raise invalid_syntax()


def _read_selector(text: str, start: int) -> tuple[Token, int]:
    """`$.a.b[0]`, `$.list[*]`, `$.*`, `$.['dotted.key']`. A character that breaks the selector is
    reported with the selector read so far: `$."sc-status"` -> "Invalid character(s) in term '$.\"'"."""
    length = len(text)

    def broken(at: int) -> FilterPatternError:
        return invalid_term(text[start : min(at + 1, length)])

    if start + 1 >= length or text[start + 1] != ".":
        raise broken(start + 1)
    steps: list[tuple[str, str | int]] = []
    index = start + 2
    after_dot = True
    while True:
        char = text[index] if index < length else ""
        if after_dot and char and char in _NAME_CHARS:
            end = index
            while end < length and text[end] in _NAME_CHARS:
                end += 1
            steps.append(("key", text[index:end]))
            index = end
        elif after_dot and char == "*":
            steps.append(("any", "*"))
            index += 1
        elif char == "[":
            index = _read_bracket_step(text, index, steps, broken, first=not steps)
        elif after_dot:
            raise broken(index)
        elif char == ".":
            index += 1
            after_dot = True
            continue
        else:
            break
        after_dot = False
    return Token("selector", text[start:index], tuple(steps)), index


def _read_bracket_step(
    text: str,
    index: int,
    steps: list[tuple[str, str | int]],
    broken: Callable[[int], FilterPatternError],
    *,
    first: bool,
) -> int:
    """`['key']`, or after a property `[0]` / `[*]` (array elements "must follow a property")."""
    if text.startswith("['", index):
        end = text.find("']", index + 2)
        if end == -1:
            raise broken(index + 1)
        steps.append(("key", text[index + 2 : end]))
        return end + 2
    if first:
        raise broken(index + 1)
    if text.startswith("[*]", index):
        steps.append(("any", "*"))
        return index + 3
    end = index + 1
    while end < len(text) and text[end].isdigit():
        end += 1
    if end == index + 1 or end >= len(text) or text[end] != "]":
        raise broken(end)
    steps.append(("index", int(text[index + 1 : end])))
    return end + 1
