"""Parser of the condition language: ConditionExpression, FilterExpression, KeyConditionExpression.

    condition  := or
    or         := and (OR and)*
    and        := not (AND not)*
    not        := NOT not | predicate
    predicate  := operand comparator operand | operand BETWEEN operand AND operand
                | operand IN '(' operand (',' operand)* ')' | function | '(' condition ')'
    operand    := path | :value | function | '(' operand ')' | '(' path ')' steps

Precedence is NOT > AND > OR, all left-associative. Parentheses may hold a condition or an
operand, so a parenthesised group is parsed with the full grammar and its kind checked where it is
used; an operand standing where a condition belongs is a syntax error at the token after it, as
in DynamoDB. `((x))` is AWS's "redundant parentheses" error, not a syntax error.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from stratus.services.dynamodb.expressions import messages
from stratus.services.dynamodb.expressions.ast import (
    And,
    Between,
    Call,
    Compare,
    Condition,
    In,
    Not,
    Operand,
    Or,
    ParsedCondition,
    PathOperand,
    Placeholder,
)
from stratus.services.dynamodb.expressions.lexer import NAME, PLACEHOLDER, PUNCT
from stratus.services.dynamodb.expressions.parser_base import (
    IN_OPERANDS,
    MISUSED_FUNCTION,
    REDUNDANT_PARENS,
    RESERVED,
    UNKNOWN_FUNCTION,
    ParseFailure,
    Parser,
)

# Functions of the condition language and their number of operands.
CONDITION_FUNCTIONS = {
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "begins_with": 2,
    "contains": 2,
}
OPERAND_FUNCTIONS = {"size": 1}
# Known to DynamoDB (UpdateExpression's), "not allowed to be used this way" in a condition.
FOREIGN_FUNCTIONS = frozenset({"if_not_exists", "list_append"})
COMPARATORS = frozenset({"=", "<>", "<", "<=", ">", ">="})
MAX_IN_OPERANDS = 100  # the IN subject counts: `a IN (...)` takes at most 99 values

_ERROR_ORDER = (REDUNDANT_PARENS, UNKNOWN_FUNCTION, MISUSED_FUNCTION, RESERVED, IN_OPERANDS)


@dataclass(frozen=True, slots=True)
class _Group:
    """A parenthesised group while parsing; unwrapped (noting `((x))`) where it is used."""

    inner: object


class ConditionParser(Parser):
    keywords = frozenset({"AND", "OR", "NOT", "BETWEEN", "IN"})

    def parse(self) -> ParsedCondition:
        root = self._as_condition(self._or())
        self.expect_end()
        return ParsedCondition(root)

    # -- conditions -----------------------------------------------------------------------------

    def _or(self) -> object:
        left = self._and()
        while self.at_keyword("OR"):
            left = self._as_condition(left)
            self.advance()
            left = Or(left, self._as_condition(self._and()))
        return left

    def _and(self) -> object:
        left = self._not()
        while self.at_keyword("AND"):
            left = self._as_condition(left)
            self.advance()
            left = And(left, self._as_condition(self._not()))
        return left

    def _not(self) -> object:
        if self.at_keyword("NOT"):
            self.enter()
            self.advance()
            operand = self._as_condition(self._not())
            self.leave()
            return Not(operand)
        return self._predicate()

    def _predicate(self) -> object:
        node = self._primary()
        token = self.peek()
        if token.kind == PUNCT and token.text in COMPARATORS:
            left = self._as_operand(node)
            self.advance()
            return Compare(token.text, left, self._as_operand(self._primary()))
        if self.at_keyword("BETWEEN"):
            subject = self._as_operand(node)
            self.advance()
            low = self._as_operand(self._primary())
            if not self.at_keyword("AND"):
                raise self.syntax_error()
            self.advance()
            return Between(subject, low, self._as_operand(self._primary()))
        if self.at_keyword("IN"):
            subject = self._as_operand(node)
            self.advance()
            options = self._operand_list()
            if len(options) + 1 > MAX_IN_OPERANDS:
                self.note(IN_OPERANDS, messages.in_too_many(len(options) + 1))
            return In(subject, options)
        return node

    # -- operands -------------------------------------------------------------------------------

    def _primary(self) -> object:
        token = self.peek()
        if token.is_punct("("):
            self.enter()
            self.advance()
            group = _Group(self._or())
            self.leave()
            self.expect_punct(")")
            if self.at_punct(".") or self.at_punct("["):
                inner = self._unwrap(group)
                if not isinstance(inner, PathOperand):
                    raise self.syntax_error()
                return self.parse_path_rest(list(inner.steps))
            return group
        if token.kind == PLACEHOLDER:
            self.advance()
            return Placeholder(token.text)
        if token.kind == NAME and not self.is_keyword(token) and self.peek(1).is_punct("("):
            return self._call()
        if self.at_path_start():
            return self.parse_path()
        raise self.syntax_error()

    def _call(self) -> Call:
        self.enter()
        name = self.advance().text
        self.advance()  # (
        args = self._arguments()
        self.leave()
        if (
            name not in CONDITION_FUNCTIONS
            and name not in OPERAND_FUNCTIONS
            and name not in FOREIGN_FUNCTIONS
        ):
            self.note(UNKNOWN_FUNCTION, messages.unknown_function(name))
        return Call(name, args)

    def _operand_list(self) -> tuple[Operand, ...]:
        self.expect_punct("(")
        return self._arguments()

    def _arguments(self) -> tuple[Operand, ...]:
        """Operands separated by commas, up to the closing parenthesis (consumed)."""
        items = [self._as_operand(self._primary())]
        while self.at_punct(","):
            self.advance()
            items.append(self._as_operand(self._primary()))
        self.expect_punct(")")
        return tuple(items)

    # -- kinds ----------------------------------------------------------------------------------

    def _unwrap(self, node: object) -> object:
        while isinstance(node, _Group):
            if isinstance(node.inner, _Group):
                self.note(REDUNDANT_PARENS, messages.REDUNDANT_PARENTHESES)
            node = node.inner
        return node

    def _as_condition(self, node: object) -> Condition:
        """`node` where a condition belongs: an operand there is a syntax error at the next token,
        a value-returning function a misuse."""
        node = self._unwrap(node)
        if isinstance(node, Call):
            if node.name in OPERAND_FUNCTIONS or node.name in FOREIGN_FUNCTIONS:
                self.note(MISUSED_FUNCTION, messages.misused_function(node.name))
            return node
        if isinstance(node, (PathOperand, Placeholder)):
            raise self.syntax_error()
        return node  # type: ignore[return-value]

    def _as_operand(self, node: object) -> Operand:
        """`node` where an operand belongs: a condition there is a syntax error at this point,
        a condition function a misuse."""
        node = self._unwrap(node)
        if isinstance(node, Call):
            if node.name in CONDITION_FUNCTIONS or node.name in FOREIGN_FUNCTIONS:
                self.note(MISUSED_FUNCTION, messages.misused_function(node.name))
            return node
        if isinstance(node, (PathOperand, Placeholder)):
            return node
        raise self.syntax_error()


@lru_cache(maxsize=4096)
def _parse(text: str) -> ParsedCondition | str:
    parser = ConditionParser(text)
    try:
        parsed = parser.parse()
    except ParseFailure as failure:
        return failure.message
    return parser.first_noted(_ERROR_ORDER) or parsed


def parse_condition(text: str, label: str = "ConditionExpression") -> ParsedCondition:
    """Parse a condition-language expression (cached by text); ValidationException
    `Invalid <label>: ...` for a syntax error or any error the text alone shows."""
    if text == "":
        raise messages.invalid(label, messages.EMPTY)
    size = len(text.encode("utf-8"))
    if size > messages.MAX_EXPRESSION_BYTES:
        raise messages.invalid(label, messages.too_long(size))
    result = _parse(text)
    if isinstance(result, str):
        raise messages.invalid(label, result)
    return result
