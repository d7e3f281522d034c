"""Parser of UpdateExpression.

    update     := clause+          (each of SET, REMOVE, ADD, DELETE at most once, any order)
    clause     := SET path '=' value (',' path '=' value)*
                | REMOVE path (',' path)*
                | ADD path :value (',' path :value)*
                | DELETE path :value (',' path :value)*
    value      := '(' term ')' | term | '(' operand ')' ('+' | '-') operand
    term       := operand (('+' | '-') operand)?
    operand    := '(' atom ')' | atom
    atom       := function '(' operand (',' operand)* ')' | :value | path

Clause keywords are case-insensitive; function names are not. `a + b + c` and `f(a + b)` are
syntax errors in DynamoDB, and so here.
"""

from __future__ import annotations

from functools import lru_cache

from stratus.services.dynamodb.expressions import messages
from stratus.services.dynamodb.expressions.ast import (
    AddAction,
    Arithmetic,
    Call,
    DeleteAction,
    Operand,
    ParsedUpdate,
    Placeholder,
    RemoveAction,
    SetAction,
    UpdateAction,
)
from stratus.services.dynamodb.expressions.condition_parser import CONDITION_FUNCTIONS, OPERAND_FUNCTIONS
from stratus.services.dynamodb.expressions.lexer import EOF, NAME, PLACEHOLDER
from stratus.services.dynamodb.expressions.parser_base import (
    MISUSED_FUNCTION,
    RESERVED,
    SECTION,
    UNKNOWN_FUNCTION,
    ParseFailure,
    Parser,
)

UPDATE_FUNCTIONS = {"if_not_exists": 2, "list_append": 2}
SECTIONS = ("SET", "REMOVE", "ADD", "DELETE")

_ERROR_ORDER = (RESERVED, UNKNOWN_FUNCTION, MISUSED_FUNCTION, SECTION)


class UpdateParser(Parser):
    keywords = frozenset(SECTIONS)

    def parse(self) -> ParsedUpdate:
        actions: list[UpdateAction] = []
        seen: set[str] = set()
        while True:
            token = self.peek()
            section = token.text.upper() if token.kind == NAME else ""
            if section not in SECTIONS:
                raise self.syntax_error()
            self.advance()
            if section in seen:
                self.note(SECTION, messages.section_twice(section))
            seen.add(section)
            actions.append(self._action(section))
            while self.at_punct(","):
                self.advance()
                actions.append(self._action(section))
            if self.peek().kind == EOF:
                return ParsedUpdate(tuple(actions))

    def _action(self, section: str) -> UpdateAction:
        path = self.parse_path()
        if section == "SET":
            self.expect_punct("=")
            return SetAction(path, self._set_value())
        if section == "REMOVE":
            return RemoveAction(path)
        token = self.peek()
        if token.kind != PLACEHOLDER:
            raise self.syntax_error()
        self.advance()
        value = Placeholder(token.text)
        return AddAction(path, value) if section == "ADD" else DeleteAction(path, value)

    def _set_value(self) -> Operand:
        if not self.at_punct("("):
            return self._term()
        self.advance()
        inner = self._term()
        self.expect_punct(")")
        if not isinstance(inner, Arithmetic) and (self.at_punct("+") or self.at_punct("-")):
            operator = self.advance().text
            return Arithmetic(operator, inner, self._operand())
        return inner

    def _term(self) -> Operand:
        left = self._operand()
        if self.at_punct("+") or self.at_punct("-"):
            operator = self.advance().text
            return Arithmetic(operator, left, self._operand())
        return left

    def _operand(self) -> Operand:
        if not self.at_punct("("):
            return self._atom()
        self.advance()
        atom = self._atom()
        self.expect_punct(")")
        return atom

    def _atom(self) -> Operand:
        token = self.peek()
        if token.kind == PLACEHOLDER:
            self.advance()
            return Placeholder(token.text)
        if token.kind == NAME and not self.is_keyword(token) and self.peek(1).is_punct("("):
            return self._call()
        return self.parse_path()

    def _call(self) -> Call:
        self.enter()
        name = self.advance().text
        self.advance()  # (
        args = [self._operand()]
        while self.at_punct(","):
            self.advance()
            args.append(self._operand())
        self.expect_punct(")")
        self.leave()
        if name in CONDITION_FUNCTIONS or name in OPERAND_FUNCTIONS:
            self.note(MISUSED_FUNCTION, messages.misused_function(name))
        elif name not in UPDATE_FUNCTIONS:
            self.note(UNKNOWN_FUNCTION, messages.unknown_function(name))
        elif any(isinstance(arg, Call) and arg.name == name for arg in args):
            # list_append(list_append(...), ...) is refused by DynamoDB (measured).
            self.note(MISUSED_FUNCTION, messages.misused_function(name))
        return Call(name, tuple(args))


@lru_cache(maxsize=4096)
def _parse(text: str) -> ParsedUpdate | str:
    parser = UpdateParser(text)
    try:
        parsed = parser.parse()
    except ParseFailure as failure:
        return failure.message
    return parser.first_noted(_ERROR_ORDER) or parsed


def parse_update(text: str) -> ParsedUpdate:
    """Parse an UpdateExpression (cached by text); ValidationException `Invalid UpdateExpression:
    ...` for a syntax error or any error the text alone shows."""
    if text == "":
        raise messages.invalid("UpdateExpression", messages.EMPTY)
    size = len(text.encode("utf-8"))
    if size > messages.MAX_EXPRESSION_BYTES:
        raise messages.invalid("UpdateExpression", messages.too_long(size))
    result = _parse(text)
    if isinstance(result, str):
        raise messages.invalid("UpdateExpression", result)
    return result
