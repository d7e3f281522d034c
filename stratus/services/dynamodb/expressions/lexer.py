"""Tokens of DynamoDB's expression languages, and AWS's `Syntax error; token: ..., near: ...` text.

DynamoDB's lexer (measured): a bare name is a letter followed by letters, digits and `_` (so `_a`
and `1a` are not names); `#alias` and `:value` take one or more letters, digits or `_` after the
sign; a run of digits is a number (only list indexes use it). Any other character is a token of
its own, which no rule accepts, so the parser reports it as the syntax error's token.
"""

from __future__ import annotations

from dataclasses import dataclass

NAME = "name"  # a bare attribute name, keyword or function name
ALIAS = "alias"  # #name
PLACEHOLDER = "placeholder"  # :value
NUMBER = "number"
PUNCT = "punct"
UNKNOWN = "unknown"
EOF = "eof"

_WHITESPACE = " \t\r\n"
_TWO_CHAR_PUNCT = ("<>", "<=", ">=")
_ONE_CHAR_PUNCT = "()[],.=<>+-"


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    start: int
    end: int

    def is_punct(self, text: str) -> bool:
        return self.kind == PUNCT and self.text == text

    def is_keyword(self, word: str) -> bool:
        return self.kind == NAME and self.text.upper() == word


def _is_letter(char: str) -> bool:
    return ("a" <= char <= "z") or ("A" <= char <= "Z")


def _is_word_char(char: str) -> bool:
    return _is_letter(char) or ("0" <= char <= "9") or char == "_"


def tokenize(text: str) -> tuple[Token, ...]:
    """All tokens of `text`, ending with an EOF token; never fails (odd characters become tokens)."""
    tokens: list[Token] = []
    position, length = 0, len(text)
    while position < length:
        char = text[position]
        if char in _WHITESPACE:
            position += 1
            continue
        start = position
        if _is_letter(char):
            position += 1
            while position < length and _is_word_char(text[position]):
                position += 1
            kind = NAME
        elif "0" <= char <= "9":
            while position < length and "0" <= text[position] <= "9":
                position += 1
            kind = NUMBER
        elif char in "#:":
            position += 1
            while position < length and _is_word_char(text[position]):
                position += 1
            named = ALIAS if char == "#" else PLACEHOLDER
            kind = UNKNOWN if position - start == 1 else named
        elif text.startswith(_TWO_CHAR_PUNCT, position):
            position += 2
            kind = PUNCT
        elif char in _ONE_CHAR_PUNCT:
            position += 1
            kind = PUNCT
        else:
            position += 1
            kind = UNKNOWN
        tokens.append(Token(kind, text[start:position], start, position))
    tokens.append(Token(EOF, "<EOF>", length, length))
    return tuple(tokens)


def near_text(text: str, tokens: tuple[Token, ...], index: int) -> str:
    """AWS's `near:` context of a syntax error at `tokens[index]`: the source from the token before
    it through the token after it (`ADD hits : incr` -> `hits : incr`); at the end of the input,
    the last token alone."""
    bad = tokens[index]
    previous = tokens[index - 1] if index > 0 else None
    if bad.kind == EOF:
        return text[previous.start : previous.end] if previous else ""
    start = previous.start if previous else bad.start
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    end = following.end if following is not None and following.kind != EOF else bad.end
    return text[start:end]
