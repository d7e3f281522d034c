"""What the three expression parsers share: the token cursor, syntax errors, document paths and the
name-independent errors found while parsing.

A parser raises `ParseFailure` at the first syntax error. Other errors that depend only on the
text (redundant parentheses, unknown functions, reserved words...) are noted by category while
parsing continues; once the text parsed, the caller reports the first noted category in AWS's
order of precedence, which differs per expression language.
"""

from __future__ import annotations

from stratus.services.dynamodb.expressions import messages
from stratus.services.dynamodb.expressions.ast import AliasStep, IndexStep, NameStep, PathOperand, PathStep
from stratus.services.dynamodb.expressions.lexer import ALIAS, EOF, NAME, NUMBER, Token, near_text, tokenize
from stratus.services.dynamodb.expressions.reserved_words import is_reserved

# Categories of name-independent errors, noted while parsing.
REDUNDANT_PARENS = "parens"
UNKNOWN_FUNCTION = "unknown_function"
MISUSED_FUNCTION = "misused_function"
RESERVED = "reserved"
SECTION = "section"
IN_OPERANDS = "in_operands"

# Deeper nesting of parentheses and calls is refused (as a syntax error at the token that opens
# the level) before Python's stack runs out; DynamoDB's own limit is not documented.
MAX_NESTING = 100


class ParseFailure(Exception):
    """An expression that does not parse; `message` lacks the `Invalid <Expression>: ` prefix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Parser:
    # Words that are grammar keywords in this language (upper case); they never name attributes.
    keywords: frozenset[str] = frozenset()

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.position = 0
        self.noted: dict[str, str] = {}
        self.depth = 0

    # -- cursor ---------------------------------------------------------------------------------

    def peek(self, offset: int = 0) -> Token:
        return self.tokens[min(self.position + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.position]
        if token.kind != EOF:
            self.position += 1
        return token

    def at_punct(self, text: str) -> bool:
        return self.peek().is_punct(text)

    def at_keyword(self, word: str) -> bool:
        return self.peek().is_keyword(word)

    def is_keyword(self, token: Token) -> bool:
        return token.kind == NAME and token.text.upper() in self.keywords

    def expect_punct(self, text: str) -> Token:
        if not self.at_punct(text):
            raise self.syntax_error()
        return self.advance()

    def expect_end(self) -> None:
        if self.peek().kind != EOF:
            raise self.syntax_error()

    def syntax_error(self) -> ParseFailure:
        token = self.peek()
        return ParseFailure(
            messages.syntax_error(token.text, near_text(self.text, self.tokens, self.position))
        )

    def enter(self) -> None:
        """Open one level of nesting (a parenthesis or a call) at the current token."""
        if self.depth >= MAX_NESTING:
            raise self.syntax_error()
        self.depth += 1

    def leave(self) -> None:
        self.depth -= 1

    # -- noted errors ---------------------------------------------------------------------------

    def note(self, category: str, message: str) -> None:
        self.noted.setdefault(category, message)

    def first_noted(self, order: tuple[str, ...]) -> str | None:
        for category in order:
            if category in self.noted:
                return self.noted[category]
        return None

    # -- document paths -------------------------------------------------------------------------

    def at_path_start(self) -> bool:
        token = self.peek()
        return token.kind == ALIAS or (token.kind == NAME and not self.is_keyword(token))

    def parse_path(self) -> PathOperand:
        return self.parse_path_rest([self._path_name()])

    def parse_path_rest(self, steps: list[PathStep]) -> PathOperand:
        """The `.name` and `[n]` steps that follow a path's first step."""
        while True:
            if self.at_punct("."):
                self.advance()
                steps.append(self._path_name())
            elif self.at_punct("["):
                self.advance()
                token = self.peek()
                if token.kind != NUMBER:
                    raise self.syntax_error()
                self.advance()
                self.expect_punct("]")
                steps.append(IndexStep(int(token.text)))
            else:
                return PathOperand(tuple(steps))

    def _path_name(self) -> PathStep:
        token = self.peek()
        if token.kind == ALIAS:
            self.advance()
            return AliasStep(token.text)
        if token.kind == NAME and not self.is_keyword(token):
            self.advance()
            if is_reserved(token.text):
                self.note(RESERVED, messages.reserved_keyword(token.text))
            return NameStep(token.text)
        raise self.syntax_error()
