"""Tokens of DynamoDB's PartiQL dialect, and the `Statement wasn't well formed` error.

PartiQL (as DynamoDB takes it): keywords in any case; names bare (a letter or `_`, then letters,
digits, `_` or `$`) or in double quotes (`""` inside is one quote, and the name keeps its case and
may be a reserved word); string literals in single quotes (`''` inside is one quote); numbers as
SQL writes them (`12`, `1.5`, `.5`, `1e3`); `?` a positional parameter; `--` and `/* */` comments;
and the punctuation of paths, collections (`[..]`, `{..}`, bags `<<..>>`) and comparisons.
"""

from __future__ import annotations

from dataclasses import dataclass

from stratus.services.dynamodb.common import ValidationException

WORD = "word"  # a bare name or keyword
QUOTED = "quoted"  # a "double-quoted" name
STRING = "string"  # a 'single-quoted' string literal
NUMBER = "number"
PARAM = "param"  # ?
PUNCT = "punct"
EOF = "eof"

NOT_WELL_FORMED = "Statement wasn't well formed, can't be processed: "

_WHITESPACE = " \t\r\n\f"
_TWO_CHAR = ("<>", "!=", "<=", ">=", "<<", ">>", "||")
_ONE_CHAR = "()[]{},.:;*=<>+-/%"


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str  # the name, the string's content, the number's text, or the punctuation
    start: int

    def is_word(self, *words: str) -> bool:
        return self.kind == WORD and self.text.upper() in words

    def is_punct(self, *marks: str) -> bool:
        return self.kind == PUNCT and self.text in marks

    def shown(self) -> str:
        """The token as an error message names it."""
        if self.kind == EOF:
            return "<EOF>"
        if self.kind == STRING:
            return f"'{self.text}'"
        if self.kind == QUOTED:
            return f'"{self.text}"'
        return self.text


def malformed(detail: str) -> ValidationException:
    return ValidationException(NOT_WELL_FORMED + detail)


def _is_name_start(char: str) -> bool:
    return char.isalpha() or char == "_"


def _is_name_char(char: str) -> bool:
    return char.isalnum() or char in "_$"


def _quoted(text: str, start: int, quote: str) -> tuple[str, int]:
    """The content of the quoted run at `start` and the position after it (a doubled quote is one)."""
    parts: list[str] = []
    position = start + 1
    while True:
        end = text.find(quote, position)
        if end < 0:
            # wording guessed: DynamoDB reports an unterminated literal as a malformed statement
            raise malformed("Unterminated quoted text")
        parts.append(text[position:end])
        if text.startswith(quote * 2, end):
            parts.append(quote)
            position = end + 2
            continue
        return "".join(parts), end + 1


def _number_end(text: str, position: int) -> int:
    length = len(text)
    while position < length and text[position].isdigit():
        position += 1
    if position < length and text[position] == ".":
        position += 1
        while position < length and text[position].isdigit():
            position += 1
    if position < length and text[position] in "eE":
        exponent = position + 1
        if exponent < length and text[exponent] in "+-":
            exponent += 1
        if exponent < length and text[exponent].isdigit():
            position = exponent
            while position < length and text[position].isdigit():
                position += 1
    return position


def tokenize(text: str) -> list[Token]:
    """All tokens of `text`, ending with an EOF token."""
    tokens: list[Token] = []
    position, length = 0, len(text)
    while position < length:
        char = text[position]
        if char in _WHITESPACE:
            position += 1
            continue
        if text.startswith("--", position):
            newline = text.find("\n", position)
            position = length if newline < 0 else newline + 1
            continue
        if text.startswith("/*", position):
            end = text.find("*/", position + 2)
            if end < 0:
                raise malformed("Unterminated comment")  # wording guessed
            position = end + 2
            continue
        start = position
        if char == "'":
            content, position = _quoted(text, start, "'")
            tokens.append(Token(STRING, content, start))
        elif char == '"':
            content, position = _quoted(text, start, '"')
            tokens.append(Token(QUOTED, content, start))
        elif _is_name_start(char):
            position += 1
            while position < length and _is_name_char(text[position]):
                position += 1
            tokens.append(Token(WORD, text[start:position], start))
        elif char.isdigit() or (char == "." and position + 1 < length and text[position + 1].isdigit()):
            position = _number_end(text, position)
            tokens.append(Token(NUMBER, text[start:position], start))
        elif char == "?":
            position += 1
            tokens.append(Token(PARAM, "?", start))
        elif text.startswith(_TWO_CHAR, position):
            position += 2
            tokens.append(Token(PUNCT, text[start:position], start))
        elif char in _ONE_CHAR:
            position += 1
            tokens.append(Token(PUNCT, char, start))
        else:
            raise malformed(f"Unexpected character: {char}")  # wording guessed
    tokens.append(Token(EOF, "", length))
    return tokens
